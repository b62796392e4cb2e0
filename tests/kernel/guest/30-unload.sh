#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Removing sipwall.ko while flows exist and RTP runs through them is clean,
# and so is deleting a network namespace that has flows. Then the module is
# loaded again (the harness expects it loaded) and forwards again.
#
#      caller                      sipwall                           callee
#  +----------------+    +----------------------------------+    +----------------+
#  | c0 10.92.1.2   |veth| s0 10.92.1.1      s1 10.92.2.1    |veth| e0 10.92.2.2   |
#  | fd00:92:1::2   |----| fd00:92:1::1      fd00:92:2::1    |----| fd00:92:2::2   |
#  +----------------+    |  1,000 IPv4 + 200 IPv6 learn     |    +----------------+
#    rtpsend x2 (bounded) |  flows, a monitor listening, an  |      rtpsink x2
#                         |  open /proc/net/sipwall/flows,   |
#                         |  genlfuzz random requests        |
#                         +----------------------------------+
#   rmmod sipwall while the senders send; insmod kmod/sipwall.ko after.
#
# Private test prefixes only, inside these namespaces. TAP output.

# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
lib_init "${SIPWALL_TEST_TIMEOUT:-180}"

CALLER=swk-ucaller-$$
SW=swk-usw-$$
CALLEE=swk-ucallee-$$
EXTRA=swk-uextra-$$
FUZZ=swk-ufuzz-$$
NFLOWS=1000
NFLOWS6=200

# Whatever happens, leave the module loaded for the scripts after this one.
lib_on_exit() {
	[[ -d /sys/module/sipwall ]] || insmod "$SIPWALL_KO" || echo "# could not reload $SIPWALL_KO"
}

swctl() { ip netns exec "$SW" "$SIPWALLCTL" "$@"; }

setup() {
	netns_new "$CALLER" && netns_new "$SW" && netns_new "$CALLEE" || return 1
	ip link add c0 netns "$CALLER" type veth peer name s0 netns "$SW" || return 1
	ip link add s1 netns "$SW" type veth peer name e0 netns "$CALLEE" || return 1
	ip -n "$CALLER" addr add 10.92.1.2/24 dev c0
	ip -n "$CALLER" addr add fd00:92:1::2/64 dev c0 nodad
	ip -n "$SW" addr add 10.92.1.1/24 dev s0
	ip -n "$SW" addr add fd00:92:1::1/64 dev s0 nodad
	ip -n "$SW" addr add 10.92.2.1/24 dev s1
	ip -n "$SW" addr add fd00:92:2::1/64 dev s1 nodad
	ip -n "$CALLEE" addr add 10.92.2.2/24 dev e0
	ip -n "$CALLEE" addr add fd00:92:2::2/64 dev e0 nodad
	ip -n "$CALLER" link set c0 up
	ip -n "$SW" link set s0 up
	ip -n "$SW" link set s1 up
	ip -n "$CALLEE" link set e0 up
}

if [[ ! -d /sys/module/sipwall ]]; then
	echo "Bail out! sipwall.ko is not loaded"
	exit 1
fi
if ! setup || ! ns_park "$SW" SWP; then
	echo "Bail out! could not build the namespaces"
	exit 1
fi

# Program the flows fast, over one socket in batches.
t0=$(date +%s%N)
ip netns exec "$SW" "$GENLFUZZ" bulk $NFLOWS 10.92.1.1 31000 10.92.2.1 10.92.2.2:7000 1 \
	>"$lib_tmp/bulk4" 2>&1
check_eq "$NFLOWS IPv4 flows added (genlfuzz bulk)" "$(kv bulk4 added)/$(kv bulk4 failed)" "$NFLOWS/0" \
	"$(cat "$lib_tmp/bulk4")"
ip netns exec "$SW" "$GENLFUZZ" bulk $NFLOWS6 fd00:92:1::1 33000 fd00:92:2::1 '[fd00:92:2::2]:7000' 2 \
	>"$lib_tmp/bulk6" 2>&1
check_eq "$NFLOWS6 IPv6 flows added" "$(kv bulk6 added)/$(kv bulk6 failed)" "$NFLOWS6/0" \
	"$(cat "$lib_tmp/bulk6")"
comment "programming: $(( ($(date +%s%N) - t0) / 1000000 )) ms for $((NFLOWS + NFLOWS6)) flows" \
	"($(kv bulk4 flows_per_s) flows/s for the IPv4 batch)"
check_eq "stats: flows" "$(ip netns exec "$SW" awk '$1 == "flows" { print $2 }' /proc/net/sipwall/stats)" \
	$((NFLOWS + NFLOWS6))

# A namespace with flows deleted while the module is loaded.
if netns_new "$EXTRA" && ip -n "$EXTRA" link add x0 type veth peer name x1 &&
	ip -n "$EXTRA" addr add 10.93.0.1/24 dev x0 && ip -n "$EXTRA" link set x0 up &&
	ip -n "$EXTRA" link set x1 up; then
	ip netns exec "$EXTRA" "$GENLFUZZ" bulk 100 10.93.0.1 31000 10.93.0.1 10.93.0.2:7000 \
		>"$lib_tmp/bulkx" 2>&1
	check_eq "100 flows in a second namespace" "$(kv bulkx added)" 100 "$(cat "$lib_tmp/bulkx")"
	check "delete that namespace with its flows" ip netns del "$EXTRA"
else
	fail "a second namespace"
fi

# Traffic, a monitor and an open /proc file, then rmmod.
sink_start u "$CALLEE" -t 60 10.92.2.2:7000
ip netns exec "$SW" "$SIPWALLCTL" monitor >"$lib_tmp/mon" 2>&1 &
bg_track $!
ip netns exec "$SW" bash -c 'exec 7</proc/net/sipwall/flows; head -c 100 <&7 >/dev/null; sleep 4; cat <&7 >/dev/null 2>&1; exit 0' &
procpid=$!
bg_track $procpid
ip netns exec "$CALLER" "$RTPSEND" -n 200000 -r 2000 -t 60 10.92.1.2:5000 10.92.1.1:31000 >"$lib_tmp/s4" 2>&1 &
s4=$!
bg_track $s4
ip netns exec "$CALLER" "$RTPSEND" -n 200000 -r 2000 -t 60 '[fd00:92:1::2]:5000' '[fd00:92:1::1]:33007' >"$lib_tmp/s6" 2>&1 &
s6=$!
bg_track $s6
# Netlink requests in flight too: random messages and dumps until the
# family is gone (answers then come from the generic netlink core).
# (In a namespace of their own: random flushes must not empty the table
# that rmmod is to find full.)
netns_new "$FUZZ"
ip netns exec "$FUZZ" "$GENLFUZZ" random -n 1000000 -t 8 >"$lib_tmp/fz" 2>&1 &
fz=$!
bg_track $fz
sink_start u6 "$CALLEE" -t 60 '[fd00:92:2::2]:7000'
sleep 2
pk=$(swctl -j stats | jq -r .fwd_packets)
if [[ "$pk" =~ ^[0-9]+$ ]] && ((pk > 100)); then
	pass "traffic is being forwarded before rmmod ($pk packets)"
else
	fail "traffic is being forwarded before rmmod" "fwd_packets: $pk" "$(swctl -j flow list | jq -c '.[] | select(.packets > 0)')"
fi

flows_at_rmmod=$(pstat $SWP flows)
t0=$(date +%s%N)
timeout 60 rmmod sipwall
rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
check_eq "rmmod sipwall while flows exist and traffic runs (took $ms ms)" $rc 0
check_eq "$((NFLOWS + NFLOWS6)) flows were installed at rmmod" "$flows_at_rmmod" $((NFLOWS + NFLOWS6))
check_eq "the module is gone" "$([[ -d /sys/module/sipwall ]] && echo present || echo gone)" gone
check "the senders were still sending at rmmod" kill -0 $s4

# Without the module: sipwallctl says so in one line.
out=$(swctl stats 2>&1)
rc=$?
if ((rc == 0)); then
	fail "sipwallctl without the module fails" "$out"
else
	check_eq "sipwallctl without the module fails with one line" "$(printf '%s\n' "$out" | wc -l)" 1 "$out"
	grep -qi 'not loaded\|module' <<<"$out" && pass "... saying the module is not loaded: \"$out\"" ||
		fail "... saying the module is not loaded" "$out"
fi
check_eq "/proc/net/sipwall is gone" \
	"$(ip netns exec "$SW" test -e /proc/net/sipwall && echo present || echo gone)" gone

# The senders are bounded (60 s) but stopped now, and so are the sinks.
kill -TERM $s4 $s6 2>/dev/null
wait $s4 $s6 $procpid 2>/dev/null
sink_stop u
sink_stop u6
comment "senders: $(tr '\n' ' ' <"$lib_tmp/s4") / $(tr '\n' ' ' <"$lib_tmp/s6");" \
	"callee got $(kv u received) IPv4 (corrupt $(kv u corrupt)), $(kv u6 received) IPv6 (corrupt $(kv u6 corrupt))"
check_eq "nothing the callee got was corrupt (IPv4, IPv6)" "$(kv u corrupt)/$(kv u6 corrupt)" "0/0" \
	"$(report u)" "$(report u6)"
wait $fz
rc=$?
comment "$(cat "$lib_tmp/fz")"
check_eq "netlink requests racing rmmod were all answered (genlfuzz random)" $rc 0 "$(tail -n 5 "$lib_tmp/fz")"

# Load it again: it must work in the namespaces that already exist.
check "insmod kmod/sipwall.ko again" insmod "$SIPWALL_KO"
check_eq "a fresh table after reload" "$(swctl -j stats | jq -r .flows)" 0
check "flow add after reload" swctl flow add in 10.92.1.1:31000 from 10.92.1.2:5000 out 10.92.2.1:31000 to 10.92.2.2:7000
if sink_start v "$CALLEE" -n 50 -t 10 10.92.2.2:7000; then
	ip netns exec "$CALLER" "$RTPSEND" -n 50 -r 1000 10.92.1.2:5000 10.92.1.1:31000 >/dev/null 2>&1
	sink_wait v
	check_eq "forwarding after reload: 50 of 50, none corrupt" "$(kv v unique)/$(kv v corrupt)" "50/0" "$(report v)"
else
	fail "forwarding after reload: rtpsink"
fi
check "flow flush" swctl flow flush
tap_end
