#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Forwarding where the next hop is not simple: a peer whose neighbour entry
# has yet to be resolved (ARP / ND queue the packets, then send them from
# softirq context), a peer that never answers (the queued packets are freed
# when resolution fails), and a peer with no route at all (drop_route).
#
#      caller                          sipwall                           callee
#  +-----------------+    +-------------------------------------+    +-----------------+
#  | c0 10.94.1.2/24 |veth| s0 10.94.1.1/24      s1 10.94.2.1/24 |veth| e0 10.94.2.2/24 |
#  | fd00:94:1::2/64 |----| fd00:94:1::1/64   fd00:94:2::1/64    |----| fd00:94:2::2/64 |
#  +-----------------+    |  no neighbour entries beforehand;   |    +-----------------+
#    rtpsend              |  10.94.2.99, fd00:94:2::99 absent;  |      rtpsink
#                         |  no route to 10.200.0.0/16          |
#                         +-------------------------------------+
#
# Private test prefixes only, inside these namespaces. TAP output.

# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
lib_init "${SIPWALL_TEST_TIMEOUT:-150}"

N=50

if ! topo_setup 94; then
	echo "Bail out! could not build the namespaces"
	exit 1
fi

# unresolved DESC FROM IN TO OUT: the first packets wait for ARP/ND.
unresolved() {
	local desc=$1 from=$2 in=$3 to=$4 out=$5
	if ! sink_start r "$CALLEE" -n $N -t 10 "$to"; then
		fail "$desc: rtpsink"
		return
	fi
	send "$CALLER" -n $N -r 1000 "$from" "$in"
	sink_wait r
	check_eq "$desc: all $N arrive byte-identical from $out" \
		"$(kv r unique)/$(kv r corrupt)/$(kv r source)" "$N/0/$out" "$(report r)"
}

check "flow add 4->4 to a peer not yet resolved" \
	swctl flow add in 10.94.1.1:30000 from 10.94.1.2:5000 out 10.94.2.1:30000 to 10.94.2.2:6000
unresolved "4->4, ARP first" 10.94.1.2:5000 10.94.1.1:30000 10.94.2.2:6000 10.94.2.1:30000
check "flow add 6->6 to a peer not yet resolved" \
	swctl flow add in '[fd00:94:1::1]:30002' from '[fd00:94:1::2]:5002' out '[fd00:94:2::1]:30002' to '[fd00:94:2::2]:6002'
unresolved "6->6, ND first" '[fd00:94:1::2]:5002' '[fd00:94:1::1]:30002' '[fd00:94:2::2]:6002' '[fd00:94:2::1]:30002'

# Peers that never answer: packets wait in the neighbour queue and are
# freed when resolution fails (after about 3 s), with the module loaded.
check "flow add 4->4 to an absent peer" \
	swctl flow add in 10.94.1.1:30004 from 10.94.1.2:5004 out 10.94.2.1:30004 to 10.94.2.99:6004
check "flow add 4->6 to an absent peer" \
	swctl flow add in 10.94.1.1:30006 from 10.94.1.2:5006 out '[fd00:94:2::1]:30006' to '[fd00:94:2::99]:6006'
send "$CALLER" -n 20 -r 1000 10.94.1.2:5004 10.94.1.1:30004
send "$CALLER" -n 20 -r 1000 10.94.1.2:5006 10.94.1.1:30006
sleep 4
check "the module still answers after the neighbour queues were dropped" swctl flow list
comment "absent peers: $(swctl -j flow list | jq -c '.[] | select(.in == "10.94.1.1:30004" or .in == "10.94.1.1:30006") | {in, packets, drop_route, drop_error}')"

# No route at all: dropped, counted as drop_route.
check "flow add to a peer with no route" \
	swctl flow add in 10.94.1.1:30008 from 10.94.1.2:5008 out 10.94.2.1:30008 to 10.200.0.1:6008
r0=$(swstat "$SW" drop_route)
send "$CALLER" -n 20 -r 1000 10.94.1.2:5008 10.94.1.1:30008
check_eq "no route: stats drop_route +20" "$(($(swstat "$SW" drop_route) - r0))" 20
check_eq "no route: flow drop_route 20" \
	"$(swctl -j flow list | jq -r '.[] | select(.in == "10.94.1.1:30008") | .drop_route')" 20
check "flow add IPv6 to a peer with no route" \
	swctl flow add in '[fd00:94:1::1]:30010' from '[fd00:94:1::2]:5010' out '[fd00:94:2::1]:30010' to '[fd00:200::1]:6010'
send "$CALLER" -n 20 -r 1000 '[fd00:94:1::2]:5010' '[fd00:94:1::1]:30010'
check_eq "no IPv6 route: stats drop_route +20 more" "$(($(swstat "$SW" drop_route) - r0))" 40

# An out address that is not local to the sipwall namespace: the contract
# is silent; what the module does is reported, not judged.
out=$(swctl flow add in 10.94.1.1:30012 from 10.94.1.2:5012 out 10.94.9.9:30012 to 10.94.2.2:6012 2>&1)
comment "flow add with a non-local out address: exit $? $out"
if [[ $(pflow $SWP 10.94.1.1:30012 id) != no-flow ]]; then
	sink_start f "$CALLEE" -t 60 10.94.2.2:6012
	send "$CALLER" -n 20 -r 1000 10.94.1.2:5012 10.94.1.1:30012
	sink_end f
	comment "... 20 sent: the callee got $(kv f received) from $(kv f source);" \
		"flow: $(swctl -j flow list | jq -c '.[] | select(.in == "10.94.1.1:30012") | {packets, drop_route, drop_error}')"
fi

check "flow flush" swctl flow flush
tap_end
