#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# sipwall.ko forwards RTP IPv6 -> IPv6, IPv4 -> IPv6 and IPv6 -> IPv4, and
# sets DSCP per flow (keeping ECN), in the topology of 10-forward.sh:
#
#      caller                          sipwall                              callee
#  +------------------+    +------------------------------------+    +------------------+
#  | c0               |    | s0                              s1 |    |               e0 |
#  | 10.95.1.2/24     |veth| 10.95.1.1/24          10.95.2.1/24 |veth| 10.95.2.2/24     |
#  | 10.95.1.3/24     |----| fd00:95:1::1/64    fd00:95:2::1/64 |----| fd00:95:2::2/64  |
#  | fd00:95:1::2/64  |    |                                    |    |                  |
#  | fd00:95:1::3/64  |    |  sipwall.ko flows (sipwallctl),    |    |                  |
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

if ! topo_setup 95 pin; then
	echo "Bail out! could not build the namespaces"
	exit 1
fi

check "no media port guard in this namespace" swctl config media-ports 0-0

# IPv6 and across families.
check "flow add IPv6 -> IPv6" \
	swctl flow add in '[fd00:95:1::1]:30020' from '[fd00:95:1::2]:5020' out '[fd00:95:2::1]:30022' to '[fd00:95:2::2]:6020'
relay "6->6" '[fd00:95:1::2]:5020' '[fd00:95:1::1]:30020' '[fd00:95:2::2]:6020' '[fd00:95:2::1]:30022'
fragments "IPv6 fragments" '[fd00:95:1::2]:5020' '[fd00:95:1::1]:30020' '[fd00:95:2::2]:6020'
relay "6->6 RTCP" '[fd00:95:1::2]:5020' '[fd00:95:1::1]:30020' '[fd00:95:2::2]:6020' '[fd00:95:2::1]:30022' rtcp 28
nothing_arrives "6->6 wrong source dropped" "$CALLEE" '[fd00:95:2::2]:6020' -- \
	"$CALLER" '[fd00:95:1::3]:5020' '[fd00:95:1::1]:30020'
check "flow add IPv4 -> IPv6" \
	swctl flow add in 10.95.1.1:30030 from 10.95.1.2:5030 out '[fd00:95:2::1]:30032' to '[fd00:95:2::2]:6030'
relay "4->6" 10.95.1.2:5030 10.95.1.1:30030 '[fd00:95:2::2]:6030' '[fd00:95:2::1]:30032'
relay "4->6 with UDP checksum 0 (IPv6 needs one)" 10.95.1.2:5030 10.95.1.1:30030 \
	'[fd00:95:2::2]:6030' '[fd00:95:2::1]:30032' rtp 172 -Z
check "flow add IPv6 -> IPv4" \
	swctl flow add in '[fd00:95:1::1]:30040' from '[fd00:95:1::2]:5040' out 10.95.2.1:30042 to 10.95.2.2:6040
relay "6->4" '[fd00:95:1::2]:5040' '[fd00:95:1::1]:30040' 10.95.2.2:6040 10.95.2.1:30042
relay "6->4 RTCP" '[fd00:95:1::2]:5040' '[fd00:95:1::1]:30040' 10.95.2.2:6040 10.95.2.1:30042 rtcp 28

check "flow add IPv6 learn -> IPv4" \
	swctl flow add in '[fd00:95:1::1]:30044' learn out 10.95.2.1:30046 to 10.95.2.2:6044
relay "6->4 learn: first source" '[fd00:95:1::2]:5044' '[fd00:95:1::1]:30044' 10.95.2.2:6044 10.95.2.1:30046
check_eq "6->4 learn: latched source shown" "$(pflow $SWP '[fd00:95:1::1]:30044' latched)" '[fd00:95:1::2]:5044'
nothing_arrives "6->4 learn: another source is dropped" "$CALLEE" 10.95.2.2:6044 -- \
	"$CALLER" '[fd00:95:1::3]:5044' '[fd00:95:1::1]:30044'

# DSCP: set by the flow, or the packet's own kept.
check "flow add with dscp 46" \
	swctl flow add in 10.95.1.1:30050 from 10.95.1.2:5050 out 10.95.2.1:30052 to 10.95.2.2:6050 dscp 46
relay "dscp 46 (4->4)" 10.95.1.2:5050 10.95.1.1:30050 10.95.2.2:6050 10.95.2.1:30052 rtp 172 -T 0x00
check_eq "dscp 46 shows in the received packets (4->4)" "$(kv r dscp)/$(kv r tos_varied)" "46/0" "$(report r)"
relay "ECN bits kept (4->4, sender TOS 0x01)" 10.95.1.2:5050 10.95.1.1:30050 10.95.2.2:6050 10.95.2.1:30052 rtp 172 -T 0x01
check_eq "ECN bits kept under dscp 46: TOS 0xb9" "$(kv r tos)" $((0xb9)) "$(report r)"
check "flow add 6->6 with dscp 34" \
	swctl flow add in '[fd00:95:1::1]:30060' from '[fd00:95:1::2]:5060' out '[fd00:95:2::1]:30062' to '[fd00:95:2::2]:6060' dscp 34
relay "dscp 34 (6->6)" '[fd00:95:1::2]:5060' '[fd00:95:1::1]:30060' '[fd00:95:2::2]:6060' '[fd00:95:2::1]:30062'
check_eq "dscp 34 shows in the received packets (6->6)" "$(kv r dscp)" 34 "$(report r)"
check "flow add 4->6 with dscp 10" \
	swctl flow add in 10.95.1.1:30070 from 10.95.1.2:5070 out '[fd00:95:2::1]:30072' to '[fd00:95:2::2]:6070' dscp 10
relay "dscp 10 (4->6)" 10.95.1.2:5070 10.95.1.1:30070 '[fd00:95:2::2]:6070' '[fd00:95:2::1]:30072'
check_eq "dscp 10 shows in the received packets (4->6)" "$(kv r dscp)" 10 "$(report r)"
check "flow add 4->4 without dscp" \
	swctl flow add in 10.95.1.1:30000 from 10.95.1.2:5000 out 10.95.2.1:30002 to 10.95.2.2:6000
relay "no dscp on the flow: the sender's TOS 0x88 is kept (4->4)" \
	10.95.1.2:5000 10.95.1.1:30000 10.95.2.2:6000 10.95.2.1:30002 rtp 172 -T 0x88
check_eq "no dscp on the flow: TOS 0x88 (dscp 34) arrives" "$(kv r tos)" $((0x88)) "$(report r)"

# No UDP checksum errors at the receivers.
check_eq "callee: no UDP checksum errors (Udp InCsumErrors, Udp6 InCsumErrors)" \
	"$(snmp "$CALLEE" Udp InCsumErrors)/$(snmp "$CALLEE" Udp6 InCsumErrors)" "0/0"
check_eq "sipwall ns: no UDP checksum errors" \
	"$(snmp "$SW" Udp InCsumErrors)/$(snmp "$SW" Udp6 InCsumErrors)" "0/0"
comment "stats: $(tr '\n' ' ' </proc/$SWP/net/sipwall/stats)"

check "flow flush" swctl flow flush
check_eq "no flows left" "$(pstat $SWP flows)" 0
tap_end
