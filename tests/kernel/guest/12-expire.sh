#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# sipwall.ko removes a flow that stays idle for its timeout, counts it, and
# tells "sipwallctl monitor" (the multicast event with the final counters);
# a flow in use is not removed. The topology of 10-forward.sh:
#
#      caller                          sipwall                              callee
#  +------------------+    +------------------------------------+    +------------------+
#  | c0               |    | s0                              s1 |    |               e0 |
#  | 10.96.1.2/24     |veth| 10.96.1.1/24          10.96.2.1/24 |veth| 10.96.2.2/24     |
#  | 10.96.1.3/24     |----| fd00:96:1::1/64    fd00:96:2::1/64 |----| fd00:96:2::2/64  |
#  | fd00:96:1::2/64  |    |                                    |    |                  |
#  | fd00:96:1::3/64  |    |  sipwall.ko flows (sipwallctl),    |    |                  |
#  +------------------+    |  no media port guard here,         |    +------------------+
#    rtpsend: .2/::2 is      |  ip_forward off: only the module  |      rtpsink: checks
#    the expected source,    |  moves packets from s0 to s1      |      every byte, the
#    .3/::3 a wrong one      +------------------------------------+      source and TOS
#
# Checksums are real end to end: tx checksum offload is off where packets
# leave a namespace and rx offload is off where they arrive (veth would
# otherwise mark them as verified), and the UDP checksum error counters
# must stay 0. The callee's neighbours are pinned (40-neigh.sh covers
# resolution). Private test prefixes only, inside these namespaces. TAP.

# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
lib_init "${SIPWALL_TEST_TIMEOUT:-240}"

if ! topo_setup 96 pin; then
	echo "Bail out! could not build the namespaces"
	exit 1
fi

# A monitor listens for the kernel's events.
rm -f "$lib_tmp/mon"
ip netns exec "$SW" "$SIPWALLCTL" monitor --count 1 --timeout 30 --ready >"$lib_tmp/mon" 2>&1 &
mon=$!
bg_track $mon
for ((i = 0; i < 200; i++)); do
	grep -q ready "$lib_tmp/mon" 2>/dev/null && break
	sleep 0.05
done
grep -q ready "$lib_tmp/mon" && pass "sipwallctl monitor --ready" || fail "sipwallctl monitor --ready" "$(cat "$lib_tmp/mon")"

e0=$(pstat $SWP flows_expired)
check "flow add without timeout (never expires)" \
	swctl flow add in 10.96.1.1:30210 learn out 10.96.2.1:30212 to 10.96.2.2:6210 session 9

# In use for 4 s at 50 packets/s: longer than its timeout, it must stay.
# The flow is added once the sink listens, so that only the sender's start
# (slow under TCG on a busy host) comes between it and the first packet.
if sink_start r "$CALLEE" -n 200 -t 20 10.96.2.2:6200; then
	check "flow add with timeout 2 (session 9)" \
		swctl flow add in 10.96.1.1:30200 from 10.96.1.2:5200 out 10.96.2.1:30202 to 10.96.2.2:6200 session 9 timeout 2
	send "$CALLER" -n 200 -r 50 -t 15 10.96.1.2:5200 10.96.1.1:30200
	sink_wait r
	check_eq "a flow in use for 4 s (timeout 2) forwards all 200" \
		"$(kv r unique)/$(kv r corrupt)" "200/0" "$(report r)" "sender: $(report send)"
else
	fail "a flow in use: rtpsink"
fi
check_eq "... and was not removed while in use" "$(pflow $SWP 10.96.1.1:30200 packets)" 200

# Then idle: removed within a few seconds.
t0=$SECONDS
while [[ $(pflow $SWP 10.96.1.1:30200 id) != no-flow ]] && ((SECONDS - t0 < 15)); do
	sleep 0.2
done
if [[ $(pflow $SWP 10.96.1.1:30200 id) == no-flow ]]; then
	pass "the idle flow is removed by the kernel ($((SECONDS - t0)) s after the last packet)"
else
	fail "the idle flow is removed by the kernel" "still there after 15 s: $(flow_json 10.96.1.1:30200)"
fi
check_eq "flows_expired +1" "$(($(pstat $SWP flows_expired) - e0))" 1
check_eq "the flow without timeout is still there" "$(pflow $SWP 10.96.1.1:30210 timeout)" 0
check_eq "sipwallctl flow list agrees: session 9 has one flow" "$(swctl -j flow list session 9 | jq length)" 1
wait $mon
monrc=$?
check_eq "sipwallctl monitor saw one flow-expired event for it and exited 0" \
	"$monrc/$(grep -c 'flow-expired.*10\.96\.1\.1:30200' "$lib_tmp/mon")" "0/1" "$(cat "$lib_tmp/mon")"
if grep -q "packets 200 bytes $((200 * 172))" "$lib_tmp/mon" && grep -q "session 9" "$lib_tmp/mon"; then
	pass "the event carries the session and final counters (packets 200 bytes $((200 * 172)))"
else
	fail "the event carries the session and final counters" "$(cat "$lib_tmp/mon")"
fi
comment "event: $(cat "$lib_tmp/mon")"

# The idle scan may have stopped (no flow left with a timeout): a new flow
# with one must start it again, and a flow that never saw a packet is idle
# from its creation.
e0=$(pstat $SWP flows_expired)
check "flow add with timeout 1, never used" \
	swctl flow add in 10.96.1.1:30220 learn out 10.96.2.1:30222 to 10.96.2.2:6220 timeout 1
t0=$SECONDS
while [[ $(pflow $SWP 10.96.1.1:30220 id) != no-flow ]] && ((SECONDS - t0 < 15)); do
	sleep 0.2
done
if [[ $(pflow $SWP 10.96.1.1:30220 id) == no-flow ]]; then
	pass "a never-used flow with timeout 1 is removed ($((SECONDS - t0)) s), the scan restarted"
else
	fail "a never-used flow with timeout 1 is removed" "still there after 15 s: $(flow_json 10.96.1.1:30220)"
fi
check_eq "flows_expired +1 again" "$(($(pstat $SWP flows_expired) - e0))" 1

# A mass expiry (a trunk that died): 1,000 flows with timeout 1 expire
# together, and a monitor must get every event.
rm -f "$lib_tmp/mon2"
ip netns exec "$SW" "$SIPWALLCTL" monitor --count 1000 --timeout 20 --ready >"$lib_tmp/mon2" 2>&1 &
mon2=$!
bg_track $mon2
for ((i = 0; i < 200; i++)); do
	grep -q ready "$lib_tmp/mon2" 2>/dev/null && break
	sleep 0.05
done
e0=$(pstat $SWP flows_expired)
ip netns exec "$SW" "$GENLFUZZ" bulk 1000 10.96.1.1 40000 10.96.2.1 10.96.2.2:7000 11 1 \
	>"$lib_tmp/bulk" 2>&1
check_eq "1000 flows with timeout 1 added" "$(kv bulk added)" 1000 "$(cat "$lib_tmp/bulk")"
t0=$SECONDS
while [[ $(pstat $SWP flows_expired) -lt $((e0 + 1000)) ]] && ((SECONDS - t0 < 30)); do
	sleep 0.5
done
check_eq "all 1000 expired (flows_expired +1000)" "$(($(pstat $SWP flows_expired) - e0))" 1000
wait $mon2
monrc=$?
check_eq "sipwallctl monitor got all 1000 events (exit status, flow-expired lines)" \
	"$monrc $(grep -c '^flow-expired .*session 11 ' "$lib_tmp/mon2")" "0 1000" \
	"$(grep -v '^flow-expired' "$lib_tmp/mon2" | head -5)"

# No UDP checksum errors at the receivers.
check_eq "callee: no UDP checksum errors (Udp InCsumErrors, Udp6 InCsumErrors)" \
	"$(snmp "$CALLEE" Udp InCsumErrors)/$(snmp "$CALLEE" Udp6 InCsumErrors)" "0/0"
check_eq "sipwall ns: no UDP checksum errors" \
	"$(snmp "$SW" Udp InCsumErrors)/$(snmp "$SW" Udp6 InCsumErrors)" "0/0"
comment "stats: $(tr '\n' ' ' </proc/$SWP/net/sipwall/stats)"

check "flow flush" swctl flow flush
check_eq "no flows left" "$(pstat $SWP flows)" 0
tap_end
