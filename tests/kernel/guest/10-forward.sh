#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# sipwall.ko forwards RTP between network namespaces, as programmed with
# sipwallctl, and counts what it forwards, drops and passes.
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
# otherwise mark them as verified), and the callee's UDP checksum error
# counters must stay 0.
#
# Private test prefixes only, inside these namespaces. TAP output.

# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
lib_init "${SIPWALL_TEST_TIMEOUT:-150}"

CALLER=swk-caller-$$
SW=swk-sw-$$
CALLEE=swk-callee-$$
N=100			# packets per stream
RATE=1000		# packets per second: well within what TCG sustains

swctl() { ip netns exec "$SW" "$SIPWALLCTL" "$@"; }

# The JSON object of the flow whose "in" is $1 (empty if none).
flow_json() {
	swctl -j flow list | jq -c --arg in "$1" '.[] | select(.in == $in)'
}

# fstat IN KEY: one field of that flow (a counter, "latched", ...).
fstat() {
	swctl -j flow list | jq -r --arg in "$1" --arg k "$2" \
		'[.[] | select(.in == $in)][0] | if . == null then "no-flow" else .[$k] end'
}

setup() {
	netns_new "$CALLER" && netns_new "$SW" && netns_new "$CALLEE" || return 1
	ip link add c0 netns "$CALLER" type veth peer name s0 netns "$SW" || return 1
	ip link add s1 netns "$SW" type veth peer name e0 netns "$CALLEE" || return 1
	ip -n "$CALLER" addr add 10.91.1.2/24 dev c0
	ip -n "$CALLER" addr add 10.91.1.3/24 dev c0
	ip -n "$CALLER" addr add fd00:91:1::2/64 dev c0 nodad
	ip -n "$CALLER" addr add fd00:91:1::3/64 dev c0 nodad
	ip -n "$SW" addr add 10.91.1.1/24 dev s0
	ip -n "$SW" addr add fd00:91:1::1/64 dev s0 nodad
	ip -n "$SW" addr add 10.91.2.1/24 dev s1
	ip -n "$SW" addr add fd00:91:2::1/64 dev s1 nodad
	ip -n "$CALLEE" addr add 10.91.2.2/24 dev e0
	ip -n "$CALLEE" addr add fd00:91:2::2/64 dev e0 nodad
	ip -n "$CALLER" link set c0 up
	ip -n "$SW" link set s0 up
	ip -n "$SW" link set s1 up
	ip -n "$CALLEE" link set e0 up
	ip netns exec "$SW" sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0
	# The callee's neighbour entries are made permanent: forwarding to a
	# neighbour that still has to be resolved is 40-neigh.sh's subject.
	local mac
	mac=$(ip -n "$CALLEE" -br link show e0 | awk '{ print $3 }')
	ip -n "$SW" neigh replace 10.91.2.2 lladdr "$mac" dev s1 nud permanent
	ip -n "$SW" neigh replace fd00:91:2::2 lladdr "$mac" dev s1 nud permanent
	if command -v ethtool >/dev/null; then
		ip netns exec "$CALLER" ethtool -K c0 tx off >/dev/null
		ip netns exec "$SW" ethtool -K s0 rx off >/dev/null
		ip netns exec "$SW" ethtool -K s1 tx off >/dev/null
		ip netns exec "$CALLEE" ethtool -K e0 rx off >/dev/null
	else
		comment "ethtool missing: veth checksum offloads stay on, checksums are not verified"
	fi
}

if ! setup; then
	echo "Bail out! could not build the namespaces"
	exit 1
fi

# relay DESC FROM IN TO OUT [KIND [SIZE [RTPSEND-OPTS...]]]: N packets from
# FROM (caller) to IN (sipwall) must arrive at TO (callee) from OUT, byte
# for byte, and be counted by the flow and in /proc/net/sipwall/stats.
relay() {
	local desc=$1 from=$2 in=$3 to=$4 out=$5 kind=${6:-rtp} size=${7:-}
	shift 7 2>/dev/null || shift $#
	[[ -n "$size" ]] || { [[ $kind == rtp ]] && size=172 || size=28; }
	local p0 b0 fp0 fb0
	p0=$(swstat "$SW" fwd_packets)
	b0=$(swstat "$SW" fwd_bytes)
	fp0=$(fstat "$in" packets)
	fb0=$(fstat "$in" bytes)
	if ! sink_start r "$CALLEE" -k "$kind" -l "$size" -n $N -t 10 "$to"; then
		fail "$desc: rtpsink could not listen on $to"
		return
	fi
	send "$CALLER" -k "$kind" -l "$size" -n $N -r $RATE "$@" "$from" "$in"
	sink_wait r
	check_eq "$desc: all $N arrive byte-identical (unique/corrupt/received)" \
		"$(kv r unique)/$(kv r corrupt)/$(kv r received)" "$N/0/$N" \
		"sink: $(report r)" "sender: $(report send)" "flow: $(flow_json "$in")"
	check_eq "$desc: rewritten source is $out" "$(kv r source)" "$out"
	check_eq "$desc: flow counts $N packets, $((N * size)) bytes" \
		"$(($(fstat "$in" packets) - fp0))/$(($(fstat "$in" bytes) - fb0))" "$N/$((N * size))" \
		"flow: $(flow_json "$in")"
	check_eq "$desc: /proc/net/sipwall/stats fwd_packets and fwd_bytes" \
		"$(($(swstat "$SW" fwd_packets) - p0))/$(($(swstat "$SW" fwd_bytes) - b0))" \
		"$N/$((N * size))"
}

# nothing_arrives DESC NS ADDR [RTPSINK-OPTS] -- SENDER-NS FROM TO [RTPSEND-OPTS]
nothing_arrives() {
	local desc=$1 ns=$2 addr=$3
	shift 3
	local sopts=()
	while [[ $1 != -- ]]; do sopts+=("$1"); shift; done
	shift
	local sns=$1 from=$2 to=$3
	shift 3
	if ! sink_start z "$ns" "${sopts[@]}" -t 1.5 "$addr"; then
		fail "$desc: rtpsink could not listen on $addr"
		return
	fi
	ip netns exec "$sns" "$RTPSEND" -n 20 -r $RATE "$@" "$from" "$to" >"$lib_tmp/send" 2>&1
	sink_wait z
	check_eq "$desc" "$(kv z received)" 0 "sink: $(report z)"
}

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
check_eq "the flow is in /proc/net/sipwall/flows" \
	"$(ip netns exec "$SW" grep -c ' in 10.91.1.1:30000 ' /proc/net/sipwall/flows)" 1
relay "4->4 RTCP" 10.91.1.2:5000 10.91.1.1:30000 10.91.2.2:6000 10.91.2.1:30002 rtcp 28
relay "4->4 with UDP checksum 0" 10.91.1.2:5000 10.91.1.1:30000 10.91.2.2:6000 10.91.2.1:30002 rtp 172 -Z
relay "4->4 jumbo-ish 1400-byte RTP" 10.91.1.2:5000 10.91.1.1:30000 10.91.2.2:6000 10.91.2.1:30002 rtp 1400

# Wrong sources are dropped and counted.
ds0=$(swstat "$SW" drop_source)
fds0=$(fstat 10.91.1.1:30000 drop_source)
nothing_arrives "wrong source port: nothing reaches the callee" "$CALLEE" 10.91.2.2:6000 -- \
	"$CALLER" 10.91.1.2:5001 10.91.1.1:30000
nothing_arrives "wrong source address: nothing reaches the callee" "$CALLEE" 10.91.2.2:6000 -- \
	"$CALLER" 10.91.1.3:5000 10.91.1.1:30000
check_eq "wrong sources counted: flow drop_source +40, stats drop_source +40" \
	"$(($(fstat 10.91.1.1:30000 drop_source) - fds0))/$(($(swstat "$SW" drop_source) - ds0))" "40/40" \
	"flow: $(flow_json 10.91.1.1:30000)"
nothing_arrives "a wrong source's packets are dropped, not left to a local socket" "$SW" 10.91.1.1:30000 -- \
	"$CALLER" 10.91.1.3:5000 10.91.1.1:30000

# learn: the first source is latched, others dropped.
check "flow add learn" \
	swctl flow add in 10.91.1.1:30010 learn out 10.91.2.1:30012 to 10.91.2.2:6010
relay "learn: first source" 10.91.1.2:5010 10.91.1.1:30010 10.91.2.2:6010 10.91.2.1:30012
check_eq "learn: latched source shown" "$(fstat 10.91.1.1:30010 latched)" 10.91.1.2:5010
fds0=$(fstat 10.91.1.1:30010 drop_source)
nothing_arrives "learn: another source is dropped" "$CALLEE" 10.91.2.2:6010 -- \
	"$CALLER" 10.91.1.3:5010 10.91.1.1:30010
check_eq "learn: the other source counted in drop_source" \
	"$(($(fstat 10.91.1.1:30010 drop_source) - fds0))" 20
relay "learn: the latched source still forwards" 10.91.1.2:5010 10.91.1.1:30010 10.91.2.2:6010 10.91.2.1:30012

# Media port range guard.
nf0=$(swstat "$SW" drop_no_flow)
nothing_arrives "media range, no flow: a local socket gets nothing" "$SW" 10.91.1.1:30500 -- \
	"$CALLER" 10.91.1.2:5050 10.91.1.1:30500
check_eq "media range, no flow: drop_no_flow +20" "$(($(swstat "$SW" drop_no_flow) - nf0))" 20
nothing_arrives "media range, no flow, IPv6: a local socket gets nothing" "$SW" '[fd00:91:1::1]:30998' -- \
	"$CALLER" '[fd00:91:1::2]:5050' '[fd00:91:1::1]:30998'
check_eq "media range, no flow, IPv6: drop_no_flow +20" "$(($(swstat "$SW" drop_no_flow) - nf0))" 40
if sink_start l "$SW" -n 20 -t 10 10.91.1.1:40000; then
	send "$CALLER" -n 20 -r $RATE 10.91.1.2:5051 10.91.1.1:40000
	sink_wait l
	check_eq "outside the media range: a local socket gets all 20, unchanged" \
		"$(kv l unique)/$(kv l corrupt)/$(kv l source)" "20/0/10.91.1.2:5051" "$(report l)"
else
	fail "outside the media range: rtpsink could not listen"
fi
check_eq "outside the media range: drop_no_flow unchanged" "$(($(swstat "$SW" drop_no_flow) - nf0))" 40

# Non-RTP to a flow's port goes to the local socket unchanged.
for kind in stun badver; do
	p0=$(swstat "$SW" pass_not_rtp)
	fp0=$(fstat 10.91.1.1:30000 passed)
	sink_start c "$CALLEE" -t 1.5 10.91.2.2:6000
	if sink_start s "$SW" -k $kind -n 10 -t 10 10.91.1.1:30000; then
		send "$CALLER" -k $kind -n 10 -r $RATE 10.91.1.2:5000 10.91.1.1:30000
		sink_wait s
		check_eq "$kind to a flow's port reaches the local socket unchanged" \
			"$(kv s unique)/$(kv s corrupt)/$(kv s source)" "10/0/10.91.1.2:5000" "$(report s)"
	else
		fail "$kind to a flow's port: rtpsink could not listen"
	fi
	sink_wait c
	check_eq "$kind is not forwarded to the callee" "$(kv c received)" 0 "$(report c)"
	check_eq "$kind counted: pass_not_rtp +10, flow passed +10" \
		"$(($(swstat "$SW" pass_not_rtp) - p0))/$(($(fstat 10.91.1.1:30000 passed) - fp0))" "10/10"
done

# IPv6 and across families.
check "flow add IPv6 -> IPv6" \
	swctl flow add in '[fd00:91:1::1]:30020' from '[fd00:91:1::2]:5020' out '[fd00:91:2::1]:30022' to '[fd00:91:2::2]:6020'
relay "6->6" '[fd00:91:1::2]:5020' '[fd00:91:1::1]:30020' '[fd00:91:2::2]:6020' '[fd00:91:2::1]:30022'
relay "6->6 RTCP" '[fd00:91:1::2]:5020' '[fd00:91:1::1]:30020' '[fd00:91:2::2]:6020' '[fd00:91:2::1]:30022' rtcp 28
nothing_arrives "6->6 wrong source dropped" "$CALLEE" '[fd00:91:2::2]:6020' -- \
	"$CALLER" '[fd00:91:1::3]:5020' '[fd00:91:1::1]:30020'
check "flow add IPv4 -> IPv6" \
	swctl flow add in 10.91.1.1:30030 from 10.91.1.2:5030 out '[fd00:91:2::1]:30032' to '[fd00:91:2::2]:6030'
relay "4->6" 10.91.1.2:5030 10.91.1.1:30030 '[fd00:91:2::2]:6030' '[fd00:91:2::1]:30032'
relay "4->6 with UDP checksum 0 (IPv6 needs one)" 10.91.1.2:5030 10.91.1.1:30030 \
	'[fd00:91:2::2]:6030' '[fd00:91:2::1]:30032' rtp 172 -Z
check "flow add IPv6 -> IPv4" \
	swctl flow add in '[fd00:91:1::1]:30040' from '[fd00:91:1::2]:5040' out 10.91.2.1:30042 to 10.91.2.2:6040
relay "6->4" '[fd00:91:1::2]:5040' '[fd00:91:1::1]:30040' 10.91.2.2:6040 10.91.2.1:30042
relay "6->4 RTCP" '[fd00:91:1::2]:5040' '[fd00:91:1::1]:30040' 10.91.2.2:6040 10.91.2.1:30042 rtcp 28

# DSCP: set by the flow, or the packet's own kept.
check "flow add with dscp 46" \
	swctl flow add in 10.91.1.1:30050 from 10.91.1.2:5050 out 10.91.2.1:30052 to 10.91.2.2:6050 dscp 46
relay "dscp 46 (4->4)" 10.91.1.2:5050 10.91.1.1:30050 10.91.2.2:6050 10.91.2.1:30052 rtp 172 -T 0x00
check_eq "dscp 46 shows in the received packets (4->4)" "$(kv r dscp)/$(kv r tos_varied)" "46/0" "$(report r)"
relay "ECN bits kept (4->4, sender TOS 0x01)" 10.91.1.2:5050 10.91.1.1:30050 10.91.2.2:6050 10.91.2.1:30052 rtp 172 -T 0x01
check_eq "ECN bits kept under dscp 46: TOS 0xb9" "$(kv r tos)" $((0xb9)) "$(report r)"
check "flow add 6->6 with dscp 34" \
	swctl flow add in '[fd00:91:1::1]:30060' from '[fd00:91:1::2]:5060' out '[fd00:91:2::1]:30062' to '[fd00:91:2::2]:6060' dscp 34
relay "dscp 34 (6->6)" '[fd00:91:1::2]:5060' '[fd00:91:1::1]:30060' '[fd00:91:2::2]:6060' '[fd00:91:2::1]:30062'
check_eq "dscp 34 shows in the received packets (6->6)" "$(kv r dscp)" 34 "$(report r)"
check "flow add 4->6 with dscp 10" \
	swctl flow add in 10.91.1.1:30070 from 10.91.1.2:5070 out '[fd00:91:2::1]:30072' to '[fd00:91:2::2]:6070' dscp 10
relay "dscp 10 (4->6)" 10.91.1.2:5070 10.91.1.1:30070 '[fd00:91:2::2]:6070' '[fd00:91:2::1]:30072'
check_eq "dscp 10 shows in the received packets (4->6)" "$(kv r dscp)" 10 "$(report r)"
relay "no dscp on the flow: the sender's TOS 0x88 is kept (4->4)" \
	10.91.1.2:5000 10.91.1.1:30000 10.91.2.2:6000 10.91.2.1:30002 rtp 172 -T 0x88
check_eq "no dscp on the flow: dscp 34 arrives" "$(kv r tos)" $((0x88)) "$(report r)"

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
nf0=$(swstat "$SW" drop_no_flow)
nothing_arrives "a deleted flow forwards nothing" "$CALLEE" 10.91.2.2:6000 -- \
	"$CALLER" 10.91.1.2:5000 10.91.1.1:30000
check_eq "after delete: drop_no_flow +20 (port in the media range)" "$(($(swstat "$SW" drop_no_flow) - nf0))" 20
if out=$(swctl flow del in 10.91.1.1:30000 2>&1); then
	fail "flow del of a missing flow fails" "exit 0: $out"
else
	check_eq "flow del of a missing flow fails with one line" "$(printf '%s\n' "$out" | wc -l)" 1 "$out"
fi

# flush session N removes exactly that session's flows.
for p in 30100 30102 30104; do
	swctl flow add in 10.91.1.1:$p learn out 10.91.2.1:$p to 10.91.2.2:6100 session 7 || fail "flow add session 7 :$p"
done
for p in 30110 30112; do
	swctl flow add in '[fd00:91:1::1]':$p learn out '[fd00:91:2::1]':$p to '[fd00:91:2::2]:6110' session 8 || fail "flow add session 8 :$p"
done
before=$(swctl -j flow list | jq length)
check_eq "flow list session 7 lists 3" "$(swctl -j flow list session 7 | jq length)" 3
check "flow flush session 7" swctl flow flush session 7
check_eq "session 7 is empty" "$(swctl -j flow list session 7 | jq length)" 0
check_eq "session 8 keeps its 2" "$(swctl -j flow list session 8 | jq length)" 2
check_eq "nothing else went: flows $before -> $((before - 3))" "$(swctl -j flow list | jq length)" $((before - 3))
check_eq "/proc stats flows matches flow list" "$(swstat "$SW" flows)" "$(swctl -j flow list | jq length)"

# Idle timeout: the kernel removes the flow and tells the monitor.
rm -f "$lib_tmp/mon"
ip netns exec "$SW" "$SIPWALLCTL" monitor --count 1 --timeout 20 --ready >"$lib_tmp/mon" 2>&1 &
mon=$!
bg_track $mon
for ((i = 0; i < 100; i++)); do
	grep -q ready "$lib_tmp/mon" 2>/dev/null && break
	sleep 0.05
done
e0=$(swstat "$SW" flows_expired)
check "flow add with timeout 2 (session 9)" \
	swctl flow add in 10.91.1.1:30200 from 10.91.1.2:5200 out 10.91.2.1:30202 to 10.91.2.2:6200 session 9 timeout 2
relay "timeout flow forwards while used" 10.91.1.2:5200 10.91.1.1:30200 10.91.2.2:6200 10.91.2.1:30202
t0=$SECONDS
while [[ -n "$(flow_json 10.91.1.1:30200)" ]] && ((SECONDS - t0 < 15)); do
	sleep 0.5
done
if [[ -z "$(flow_json 10.91.1.1:30200)" ]]; then
	pass "idle flow removed by the kernel after $((SECONDS - t0)) s"
else
	fail "idle flow removed by the kernel" "still there after 15 s: $(flow_json 10.91.1.1:30200)"
fi
check_eq "flows_expired +1" "$(($(swstat "$SW" flows_expired) - e0))" 1
wait $mon
monrc=$?
check_eq "sipwallctl monitor saw the event and exited 0" \
	"$monrc/$(grep -c 'flow-expired.*10\.91\.1\.1:30200' "$lib_tmp/mon")" "0/1" "$(cat "$lib_tmp/mon")"
grep -q "packets $N" "$lib_tmp/mon" && pass "the event carries the final counters (packets $N)" ||
	fail "the event carries the final counters (packets $N)" "$(cat "$lib_tmp/mon")"

# No UDP checksum errors at the receivers.
check_eq "callee: no UDP checksum errors (Udp InCsumErrors, Udp6 InCsumErrors)" \
	"$(snmp "$CALLEE" Udp InCsumErrors)/$(snmp "$CALLEE" Udp6 InCsumErrors)" "0/0"
check_eq "sipwall ns: no UDP checksum errors" \
	"$(snmp "$SW" Udp InCsumErrors)/$(snmp "$SW" Udp6 InCsumErrors)" "0/0"
comment "stats: $(ip netns exec "$SW" cat /proc/net/sipwall/stats | tr '\n' ' ')"

check "flow flush" swctl flow flush
check_eq "no flows left" "$(swstat "$SW" flows)" 0
tap_end
