#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# sipwall.ko forwards RTP between network namespaces, as programmed with
# sipwallctl, and counts what it forwards, drops and passes (IPv4; IPv6 and
# across families in 11-families.sh, idle expiry in 12-expire.sh, what it
# leaves to the local stack in 13-passthrough.sh).
#
#      caller                          sipwall                              callee
#  +------------------+    +------------------------------------+    +------------------+
#  | c0               |    | s0                              s1 |    |               e0 |
#  | 10.91.1.2/24     |veth| 10.91.1.1/24          10.91.2.1/24 |veth| 10.91.2.2/24     |
#  | 10.91.1.3/24     |----| fd00:91:1::1/64    fd00:91:2::1/64 |----| fd00:91:2::2/64  |
#  | fd00:91:1::2/64  |    |                                    |    |                  |
#  | fd00:91:1::3/64  |    |  sipwall.ko flows (sipwallctl),    |    |                  |
#  +------------------+    |  media ports 30000-30999 guarded,  |    +------------------+
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

if ! topo_setup 91 pin; then
	echo "Bail out! could not build the namespaces"
	exit 1
fi

# ------------------------------------------------------------------ tests

if ! out=$(swctl stats 2>&1); then
	fail "sipwallctl stats works in the sipwall namespace" "$out"
	tap_end
fi
pass "sipwallctl stats works in the sipwall namespace"
check "media ports 30000-30999" swctl config media-ports 30000-30999
check_eq "config shows the media ports" "$(swctl -j config | jq -r .media_ports)" "30000-30999"

# IPv4 -> IPv4, expected source.
check "flow add IPv4 -> IPv4 (session 1)" \
	swctl flow add in 10.91.1.1:30000 from 10.91.1.2:5000 out 10.91.2.1:30002 to 10.91.2.2:6000 session 1
relay "4->4" 10.91.1.2:5000 10.91.1.1:30000 10.91.2.2:6000 10.91.2.1:30002
check_eq "the flow is in /proc/net/sipwall/flows (session, from, out, to)" \
	"$(pflow $SWP 10.91.1.1:30000 session) $(pflow $SWP 10.91.1.1:30000 from) $(pflow $SWP 10.91.1.1:30000 out) $(pflow $SWP 10.91.1.1:30000 to)" \
	"1 10.91.1.2:5000 10.91.2.1:30002 10.91.2.2:6000"
relay "4->4 RTCP" 10.91.1.2:5000 10.91.1.1:30000 10.91.2.2:6000 10.91.2.1:30002 rtcp 28
relay "4->4 with UDP checksum 0" 10.91.1.2:5000 10.91.1.1:30000 10.91.2.2:6000 10.91.2.1:30002 rtp 172 -Z
relay "4->4 jumbo-ish 1400-byte RTP" 10.91.1.2:5000 10.91.1.1:30000 10.91.2.2:6000 10.91.2.1:30002 rtp 1400

# Wrong sources are dropped and counted.
ds0=$(pstat $SWP drop_source)
fds0=$(pflow $SWP 10.91.1.1:30000 drop_source)
nothing_arrives "wrong source port: nothing reaches the callee" "$CALLEE" 10.91.2.2:6000 -- \
	"$CALLER" 10.91.1.2:5001 10.91.1.1:30000
nothing_arrives "wrong source address: nothing reaches the callee" "$CALLEE" 10.91.2.2:6000 -- \
	"$CALLER" 10.91.1.3:5000 10.91.1.1:30000
check_eq "wrong sources counted: flow drop_source +40, stats drop_source +40" \
	"$(($(pflow $SWP 10.91.1.1:30000 drop_source) - fds0))/$(($(pstat $SWP drop_source) - ds0))" "40/40" \
	"flow: $(flow_json 10.91.1.1:30000)"
nothing_arrives "a wrong source's packets are dropped, not left to a local socket" "$SW" 10.91.1.1:30000 -- \
	"$CALLER" 10.91.1.3:5000 10.91.1.1:30000

# learn: the first source is latched, others dropped.
check "flow add learn" \
	swctl flow add in 10.91.1.1:30010 learn out 10.91.2.1:30012 to 10.91.2.2:6010
relay "learn: first source" 10.91.1.2:5010 10.91.1.1:30010 10.91.2.2:6010 10.91.2.1:30012
check_eq "learn: latched source shown" "$(fstat 10.91.1.1:30010 latched)" 10.91.1.2:5010
fds0=$(pflow $SWP 10.91.1.1:30010 drop_source)
nothing_arrives "learn: another source is dropped" "$CALLEE" 10.91.2.2:6010 -- \
	"$CALLER" 10.91.1.3:5010 10.91.1.1:30010
check_eq "learn: the other source counted in drop_source" \
	"$(($(pflow $SWP 10.91.1.1:30010 drop_source) - fds0))" 20
relay "learn: the latched source still forwards" 10.91.1.2:5010 10.91.1.1:30010 10.91.2.2:6010 10.91.2.1:30012

# Media port range guard.
nf0=$(pstat $SWP drop_no_flow)
nothing_arrives "media range, no flow: a local socket gets nothing" "$SW" 10.91.1.1:30500 -- \
	"$CALLER" 10.91.1.2:5050 10.91.1.1:30500
check_eq "media range, no flow: drop_no_flow +20" "$(($(pstat $SWP drop_no_flow) - nf0))" 20
nothing_arrives "media range, no flow, IPv6: a local socket gets nothing" "$SW" '[fd00:91:1::1]:30998' -- \
	"$CALLER" '[fd00:91:1::2]:5050' '[fd00:91:1::1]:30998'
check_eq "media range, no flow, IPv6: drop_no_flow +20" "$(($(pstat $SWP drop_no_flow) - nf0))" 40
if sink_start l "$SW" -n 20 -t 10 10.91.1.1:40000; then
	send "$CALLER" -n 20 -r $RATE 10.91.1.2:5051 10.91.1.1:40000
	sink_wait l
	check_eq "outside the media range: a local socket gets all 20, unchanged" \
		"$(kv l unique)/$(kv l corrupt)/$(kv l source)" "20/0/10.91.1.2:5051" "$(report l)"
else
	fail "outside the media range: rtpsink could not listen"
fi
check_eq "outside the media range: drop_no_flow unchanged" "$(($(pstat $SWP drop_no_flow) - nf0))" 40

# A flow that exists cannot be added again: one-line error, non-zero exit.
if out=$(swctl flow add in 10.91.1.1:30000 from 10.91.1.2:5000 out 10.91.2.1:30002 to 10.91.2.2:6000 2>&1); then
	fail "flow add of an existing flow fails" "exit 0: $out"
else
	pass "flow add of an existing flow fails"
	check_eq "... with one line" "$(printf '%s\n' "$out" | wc -l)" 1 "$out"
	comment "sipwallctl said: $out"
fi

# A deleted flow stops forwarding; its port is then guarded (no flow).
check "flow del" swctl flow del in 10.91.1.1:30000
check_eq "the deleted flow is gone from flow list" "$(flow_json 10.91.1.1:30000)" ""
check_eq "... and from /proc/net/sipwall/flows" "$(pflow $SWP 10.91.1.1:30000 id)" no-flow
nf0=$(pstat $SWP drop_no_flow)
nothing_arrives "a deleted flow forwards nothing" "$CALLEE" 10.91.2.2:6000 -- \
	"$CALLER" 10.91.1.2:5000 10.91.1.1:30000
check_eq "after delete: drop_no_flow +20 (port in the media range)" "$(($(pstat $SWP drop_no_flow) - nf0))" 20
if out=$(swctl flow del in 10.91.1.1:30000 2>&1); then
	fail "flow del of a missing flow fails" "exit 0: $out"
else
	check_eq "flow del of a missing flow fails with one line" "$(printf '%s\n' "$out" | wc -l)" 1 "$out"
fi

# Deleting a flow while its stream runs (RCU: the packet path may hold it).
check "flow add for delete-under-traffic" \
	swctl flow add in 10.91.1.1:30300 from 10.91.1.2:5300 out 10.91.2.1:30300 to 10.91.2.2:6300
nf0=$(pstat $SWP drop_no_flow)
if sink_start d "$CALLEE" -t 60 10.91.2.2:6300; then
	ip netns exec "$CALLER" "$RTPSEND" -n 30000 -r 1000 -t 30 10.91.1.2:5300 10.91.1.1:30300 \
		>"$lib_tmp/sd" 2>&1 &
	sd=$!
	bg_track $sd
	sleep 1
	check "flow del while 1000 packets/s arrive" swctl flow del in 10.91.1.1:30300
	sleep 1
	kill -TERM $sd
	wait $sd
	sleep 0.5
	sink_stop d
	got=$(kv d received)
	nf=$(($(pstat $SWP drop_no_flow) - nf0))
	sent=$(awk '$1 == "sent" { print $2 }' "$lib_tmp/sd")
	comment "delete under traffic: sent $sent, forwarded before the delete $got, dropped after it (no flow) $nf"
	if ((got > 0 && nf > 0 && got + nf == sent)) && [[ $(kv d corrupt) == 0 ]]; then
		pass "delete under traffic: each packet forwarded intact before it or dropped after it"
	else
		fail "delete under traffic: each packet forwarded intact before it or dropped after it" \
			"sent $sent, received $got (corrupt $(kv d corrupt)), drop_no_flow +$nf"
	fi
else
	fail "delete under traffic: rtpsink"
fi

# flush session N removes exactly that session's flows.
for p in 30100 30102 30104; do
	swctl flow add in 10.91.1.1:$p learn out 10.91.2.1:$p to 10.91.2.2:6100 session 7 >/dev/null || fail "flow add session 7 :$p"
done
for p in 30110 30112; do
	swctl flow add in '[fd00:91:1::1]':$p learn out '[fd00:91:2::1]':$p to '[fd00:91:2::2]:6110' session 8 >/dev/null || fail "flow add session 8 :$p"
done
before=$(swctl -j flow list | jq length)
check_eq "flow list session 7 lists 3" "$(swctl -j flow list session 7 | jq length)" 3
check "flow flush session 7" swctl flow flush session 7
check_eq "session 7 is empty" "$(swctl -j flow list session 7 | jq length)" 0
check_eq "session 8 keeps its 2" "$(swctl -j flow list session 8 | jq length)" 2
check_eq "nothing else went: flows $before -> $((before - 3))" "$(swctl -j flow list | jq length)" $((before - 3))
check_eq "/proc stats flows matches flow list" "$(pstat $SWP flows)" "$(swctl -j flow list | jq length)"

# Every namespace has its own table and counters: the caller's saw nothing.
check_eq "the caller's namespace has no flows and forwarded nothing (per-netns state)" \
	"$(ip netns exec "$CALLER" "$SIPWALLCTL" -j stats | jq -r '"\(.flows)/\(.fwd_packets)"')" "0/0"

# sipwallctl stats and /proc/net/sipwall/stats tell the same (the table is
# quiet now, so the two reads see the same counters).
stats_json=$(swctl -j stats)
mism=
while read -r k v; do
	j=$(jq -r --arg k "$k" '.[$k] // "missing"' <<<"$stats_json")
	[[ "$j" == "$v" ]] || mism+="$k: /proc $v, sipwallctl -j $j; "
done <"/proc/$SWP/net/sipwall/stats"
check_eq "sipwallctl -j stats matches /proc/net/sipwall/stats" "$mism" "" "$stats_json"

# No UDP checksum errors at the receivers.
check_eq "callee: no UDP checksum errors (Udp InCsumErrors, Udp6 InCsumErrors)" \
	"$(snmp "$CALLEE" Udp InCsumErrors)/$(snmp "$CALLEE" Udp6 InCsumErrors)" "0/0"
check_eq "sipwall ns: no UDP checksum errors" \
	"$(snmp "$SW" Udp InCsumErrors)/$(snmp "$SW" Udp6 InCsumErrors)" "0/0"
comment "stats: $(tr '\n' ' ' </proc/$SWP/net/sipwall/stats)"

check "flow flush" swctl flow flush
check_eq "no flows left" "$(pstat $SWP flows)" 0
tap_end
