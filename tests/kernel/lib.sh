# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Shared helpers of tests/kernel/guest/*.sh: TAP output, network namespaces
# and background processes that are cleaned up on any exit, a watchdog that
# bounds the script's time, the test tools, and counter readers.
#
# A script sources it, calls "lib_init SECONDS", and ends with "tap_end".

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
SIPWALLCTL=${SIPWALL_CTL:-$top/tools/sipwallctl}
RTPSEND=$top/tests/tools/rtpsend
RTPSINK=$top/tests/tools/rtpsink
GENLFUZZ=$top/tests/tools/genlfuzz
SIPWALL_KO=${SIPWALL_KO:-$top/kmod/sipwall.ko}

tap_n=0
tap_failed=0
lib_netns=()
lib_pids=()
lib_tmp=
lib_watchdog=

# --------------------------------------------------------------------- TAP

pass() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $*"
}

# fail DESCRIPTION [DETAIL...]: each detail becomes a "# " line.
fail() {
	local d=$1
	shift
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $d"
	local line
	for line in "$@"; do
		printf '%s\n' "$line" | sed 's/^/#   /'
	done
}

# check DESCRIPTION COMMAND...: ok if the command succeeds; its output is
# shown as comments when it fails.
check() {
	local d=$1 out
	shift
	if out=$("$@" 2>&1); then
		pass "$d"
	else
		fail "$d" "command: $*" "$out"
	fi
}

# check_eq DESCRIPTION GOT WANT [DETAIL...]
check_eq() {
	local d=$1 got=$2 want=$3
	shift 3
	if [[ "$got" == "$want" ]]; then
		pass "$d"
	else
		fail "$d" "got:  '$got'" "want: '$want'" "$@"
	fi
}

comment() {
	printf '%s\n' "$*" | sed 's/^/# /'
}

# Prints the plan and exits: 0 if every test passed.
tap_end() {
	comment "$(basename "$0"): $SECONDS s"
	echo "1..$tap_n"
	if ((tap_failed)); then
		comment "$tap_failed of $tap_n failed"
		exit 1
	fi
	exit 0
}

# ------------------------------------------------------- setup and cleanup

lib_cleanup() {
	local rc=$? pid ns
	trap - EXIT INT TERM
	# A script's own last words (say, reloading the module it removed).
	declare -F lib_on_exit >/dev/null && lib_on_exit
	for pid in "${lib_pids[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for pid in "${lib_pids[@]}"; do
		wait "$pid" 2>/dev/null
	done
	[[ -n "$lib_watchdog" ]] && kill "$lib_watchdog" 2>/dev/null
	for ns in "${lib_netns[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	[[ -n "$lib_tmp" ]] && rm -rf "$lib_tmp"
	exit "$rc"
}

# lib_init SECONDS: cleanup on exit; the script is stopped after SECONDS.
lib_init() {
	local limit=${1:-60} self=$$
	lib_tmp=$(mktemp -d /tmp/sipwall-ktest.XXXXXX)
	trap lib_cleanup EXIT
	trap 'echo "# interrupted"; exit 1' INT
	trap 'echo "not ok $((tap_n + 1)) - time limit of '"$limit"' s reached"; echo "1..$((tap_n + 1))"; exit 1' TERM
	# The watchdog's sleep is its own process, so it is killed with it.
	(
		trap 'kill $sp 2>/dev/null; exit 0' TERM
		sleep "$limit" & sp=$!
		wait $sp && kill -TERM "$self"
	) &
	lib_watchdog=$!
	# The guest does not autoload modules ("Unknown device type" for veth).
	modprobe -q veth 2>/dev/null
	for t in "$RTPSEND" "$RTPSINK" "$GENLFUZZ"; do
		if [[ ! -x "$t" ]]; then
			echo "Bail out! $t is missing: run make -C tests/tools"
			exit 1
		fi
	done
}

# netns_new NAME: a new namespace with lo up, deleted on exit.
netns_new() {
	ip netns add "$1" || return 1
	lib_netns+=("$1")
	ip -n "$1" link set lo up
}

# bg_track PID: killed (by its pid) on exit.
bg_track() {
	lib_pids+=("$1")
}

# wait_file FILE SECONDS: waits for FILE to exist.
wait_file() {
	local i n=$((${2:-5} * 20))
	for ((i = 0; i < n; i++)); do
		[[ -e "$1" ]] && return 0
		sleep 0.05
	done
	return 1
}

# --------------------------------------------------------- traffic helpers

# sink_start NAME NS RTPSINK-ARGS...: an rtpsink in NS, in the background;
# returns once it listens. Its report goes to $lib_tmp/NAME.
sink_start() {
	local name=$1 ns=$2
	shift 2
	rm -f "$lib_tmp/$name" "$lib_tmp/$name.ready"
	ip netns exec "$ns" "$RTPSINK" -R "$lib_tmp/$name.ready" "$@" \
		>"$lib_tmp/$name" 2>"$lib_tmp/$name.err" &
	local pid=$!
	bg_track $pid
	printf '%s\n' $pid >"$lib_tmp/$name.pid"
	if ! wait_file "$lib_tmp/$name.ready" 10; then
		echo "# rtpsink $name did not start: $(cat "$lib_tmp/$name.err")"
		return 1
	fi
}

# sink_wait NAME: waits for the sink to finish.
sink_wait() {
	wait "$(cat "$lib_tmp/$1.pid")" 2>/dev/null
	return 0
}

# sink_stop NAME: ends the sink now (SIGTERM); it still writes its report.
sink_stop() {
	kill -TERM "$(cat "$lib_tmp/$1.pid")" 2>/dev/null
	sink_wait "$1"
}

# sink_end NAME: for sinks that must see nothing (they run with a long
# -t): after the sender is done, a grace period for packets in flight, then
# stop. A short -t instead could close before a slow sender even starts.
sink_end() {
	sleep 0.5
	sink_stop "$1"
}

# kv NAME KEY: a value from a "key value" report in $lib_tmp/NAME.
kv() {
	awk -v k="$2" '$1 == k { print $2; exit }' "$lib_tmp/$1"
}

# report NAME: the report as one comment-friendly line.
report() {
	tr '\n' ' ' <"$lib_tmp/$1"
	[[ -s "$lib_tmp/$1.err" ]] && { echo; cat "$lib_tmp/$1.err"; }
}

# send NS RTPSEND-ARGS...: rtpsend in NS (foreground); report in $lib_tmp/send.
send() {
	local ns=$1
	shift
	ip netns exec "$ns" "$RTPSEND" "$@" >"$lib_tmp/send" 2>"$lib_tmp/send.err"
}

# ------------------------------------------------------------ counters

# Process creation is slow under QEMU TCG (about 0.2 s for each exec), so
# counters are read with shell builtins only, through /proc/PID/net of a
# process parked in the namespace (/proc/PID/net is PID's namespace's).

# ns_park NS VAR: parks a sleeping process in NS and sets VAR to its pid.
ns_park() {
	ip netns exec "$1" sleep 3600 &
	bg_track $!
	printf -v "$2" '%s' $!
	# Until it has entered the namespace, its /proc/PID/net is ours.
	local i
	for ((i = 0; i < 100; i++)); do
		[[ /proc/$!/ns/net -ef /run/netns/$1 ]] && return 0
		sleep 0.05
	done
	return 1
}

# pstat PID NAME: a counter of /proc/PID/net/sipwall/stats ("missing" if none).
pstat() {
	local k v
	while read -r k v; do
		if [[ $k == "$2" ]]; then
			echo "$v"
			return
		fi
	done <"/proc/$1/net/sipwall/stats"
	echo missing
}

# pflow PID IN KEY: a field of the flow whose "in" is IN, from
# /proc/PID/net/sipwall/flows ("no-flow" if there is none).
pflow() {
	local line w i j
	while read -r line; do
		read -ra w <<<"$line"
		for ((i = 0; i < ${#w[@]} - 1; i += 2)); do
			[[ ${w[i]} == in && ${w[i + 1]} == "$2" ]] || continue
			for ((j = 0; j < ${#w[@]} - 1; j += 2)); do
				if [[ ${w[j]} == "$3" ]]; then
					echo "${w[j + 1]}"
					return
				fi
			done
			echo missing
			return
		done
	done <"/proc/$1/net/sipwall/flows"
	echo no-flow
}

# swstat NS NAME: a global counter from /proc/net/sipwall/stats of NS.
swstat() {
	ip netns exec "$1" awk -v k="$2" '$1 == k { print $2; f = 1 } END { if (!f) print "missing" }' \
		/proc/net/sipwall/stats
}

# snmp NS PROTO FIELD: a counter of /proc/net/snmp (Udp) or snmp6 (Udp6...).
snmp() {
	local ns=$1 proto=$2 field=$3
	if [[ $proto == Udp6 ]]; then
		ip netns exec "$ns" awk -v k="Udp6$field" '$1 == k { print $2 }' /proc/net/snmp6
	else
		ip netns exec "$ns" awk -v p="$proto:" -v f="$field" '
			$1 == p && !h { for (i = 2; i <= NF; i++) idx[$i] = i; h = 1; next }
			$1 == p && h { print $idx[f] }' /proc/net/snmp
	fi
}

# ------------------------------------------------- the three-namespace topology

# topo_setup X: caller <-> sipwall <-> callee over veth, as drawn at the top
# of 10-forward.sh, with the prefixes 10.X.1.0/24, 10.X.2.0/24,
# fd00:X:1::/64 and fd00:X:2::/64. Sets CALLER, SW, CALLEE (namespace
# names) and SWP (a process parked in SW, for pstat and pflow).
#   caller c0: 10.X.1.2, 10.X.1.3 (a wrong source), fd00:X:1::2, fd00:X:1::3
#   sipwall s0: 10.X.1.1, fd00:X:1::1; s1: 10.X.2.1, fd00:X:2::1
#   callee e0: 10.X.2.2, fd00:X:2::2
# ip_forward is off in sipwall: only the module moves packets from s0 to s1.
# Checksums are real end to end: tx checksum offload is off where packets
# leave a namespace and rx offload where they arrive (veth would otherwise
# mark them verified). With "pin", the callee's neighbour entries in the
# sipwall namespace are permanent (resolution is 40-neigh.sh's subject).
topo_setup() {
	local x=$1 pin=${2:-} mac
	CALLER=swk-caller$x-$$
	SW=swk-sw$x-$$
	CALLEE=swk-callee$x-$$
	netns_new "$CALLER" && netns_new "$SW" && netns_new "$CALLEE" || return 1
	ip link add c0 netns "$CALLER" type veth peer name s0 netns "$SW" || return 1
	ip link add s1 netns "$SW" type veth peer name e0 netns "$CALLEE" || return 1
	ip -n "$CALLER" addr add 10.$x.1.2/24 dev c0 &&
	ip -n "$CALLER" addr add 10.$x.1.3/24 dev c0 &&
	ip -n "$CALLER" addr add fd00:$x:1::2/64 dev c0 nodad &&
	ip -n "$CALLER" addr add fd00:$x:1::3/64 dev c0 nodad &&
	ip -n "$SW" addr add 10.$x.1.1/24 dev s0 &&
	ip -n "$SW" addr add fd00:$x:1::1/64 dev s0 nodad &&
	ip -n "$SW" addr add 10.$x.2.1/24 dev s1 &&
	ip -n "$SW" addr add fd00:$x:2::1/64 dev s1 nodad &&
	ip -n "$CALLEE" addr add 10.$x.2.2/24 dev e0 &&
	ip -n "$CALLEE" addr add fd00:$x:2::2/64 dev e0 nodad &&
	ip -n "$CALLER" link set c0 up &&
	ip -n "$SW" link set s0 up &&
	ip -n "$SW" link set s1 up &&
	ip -n "$CALLEE" link set e0 up || return 1
	ip netns exec "$SW" sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0
	if [[ -n "$pin" ]]; then
		mac=$(ip -n "$CALLEE" -br link show e0 | awk '{ print $3 }')
		ip -n "$SW" neigh replace 10.$x.2.2 lladdr "$mac" dev s1 nud permanent
		ip -n "$SW" neigh replace fd00:$x:2::2 lladdr "$mac" dev s1 nud permanent
	fi
	if command -v ethtool >/dev/null; then
		ip netns exec "$CALLER" ethtool -K c0 tx off >/dev/null
		ip netns exec "$SW" ethtool -K s0 rx off >/dev/null
		ip netns exec "$SW" ethtool -K s1 tx off >/dev/null
		ip netns exec "$CALLEE" ethtool -K e0 rx off >/dev/null
	else
		comment "ethtool missing: veth checksum offloads stay on, checksums are not verified"
	fi
	ns_park "$SW" SWP
}

swctl() { ip netns exec "$SW" "$SIPWALLCTL" "$@"; }

# flow_json IN: the JSON object of the flow whose "in" is IN (empty if none).
flow_json() {
	swctl -j flow list | jq -c --arg in "$1" '.[] | select(.in == $in)'
}

# fstat IN KEY: one field of that flow from sipwallctl -j flow list.
fstat() {
	swctl -j flow list | jq -r --arg in "$1" --arg k "$2" \
		'[.[] | select(.in == $in)][0] | if . == null then "no-flow" else .[$k] end'
}

N=${N:-100}		# packets per stream
RATE=${RATE:-1000}	# packets per second: well within what TCG sustains

# relay DESC FROM IN TO OUT [KIND [SIZE [RTPSEND-OPTS...]]]: N packets from
# FROM (caller) to IN (sipwall) must arrive at TO (callee) from OUT, byte
# for byte, and be counted by the flow (in sipwallctl -j flow list and
# /proc/net/sipwall/flows) and in /proc/net/sipwall/stats.
relay() {
	local desc=$1 from=$2 in=$3 to=$4 out=$5 kind=${6:-rtp} size=${7:-}
	shift 7 2>/dev/null || shift $#
	[[ -n "$size" ]] || { [[ $kind == rtp ]] && size=172 || size=28; }
	local p0 b0 fp0 fb0 got
	p0=$(pstat $SWP fwd_packets)
	b0=$(pstat $SWP fwd_bytes)
	fp0=$(pflow $SWP "$in" packets)
	fb0=$(pflow $SWP "$in" bytes)
	if ! sink_start r "$CALLEE" -k "$kind" -l "$size" -n $N -t 10 "$to"; then
		fail "$desc: rtpsink could not listen on $to"
		return
	fi
	send "$CALLER" -k "$kind" -l "$size" -n $N -r $RATE "$@" "$from" "$in"
	sink_wait r
	check_eq "$desc: all $N arrive byte-identical from $out (unique/corrupt/received source)" \
		"$(kv r unique)/$(kv r corrupt)/$(kv r received) $(kv r source)" "$N/0/$N $out" \
		"sink: $(report r)" "sender: $(report send)" "flow: $(flow_json "$in")"
	got=$(swctl -j flow list | jq -r --arg in "$in" \
		'[.[] | select(.in == $in)][0] | "\(.packets) \(.bytes)"')
	check_eq "$desc: counted by the flow (sipwallctl -j, /proc flows) and in /proc stats" \
		"$((${got% *} - fp0))/$((${got#* } - fb0)) $(($(pflow $SWP "$in" packets) - fp0))/$(($(pflow $SWP "$in" bytes) - fb0)) $(($(pstat $SWP fwd_packets) - p0))/$(($(pstat $SWP fwd_bytes) - b0))" \
		"$N/$((N * size)) $N/$((N * size)) $N/$((N * size))"
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
	if ! sink_start z "$ns" "${sopts[@]}" -t 60 "$addr"; then
		fail "$desc: rtpsink could not listen on $addr"
		return
	fi
	ip netns exec "$sns" "$RTPSEND" -n 20 -r $RATE "$@" "$from" "$to" >"$lib_tmp/send" 2>&1
	sink_end z
	check_eq "$desc" "$(kv z received)" 0 "sink: $(report z)"
}

# fragments DESC FROM IN: 10 RTP datagrams of 3000 bytes (IP fragments on a
# 1500-byte link) to a flow's port are left to the stack: reassembled, they
# reach a local socket at IN unchanged, nothing reaches the flow's peer,
# and pass_fragment counts them.
fragments() {
	local desc=$1 from=$2 in=$3 to=$4 f0
	f0=$(pstat $SWP pass_fragment)
	sink_start c "$CALLEE" -t 60 "$to" || { fail "$desc: rtpsink"; return; }
	if ! sink_start s "$SW" -n 10 -t 10 -l 3000 "$in"; then
		fail "$desc: rtpsink could not listen on $in"
		return
	fi
	send "$CALLER" -n 10 -r 200 -l 3000 "$from" "$in"
	sink_wait s
	sink_end c
	check_eq "$desc: reassembled, all 10 reach the local socket unchanged" \
		"$(kv s unique)/$(kv s corrupt)" "10/0" "$(report s)"
	check_eq "$desc: no fragment reaches the peer" "$(kv c received)" 0 "$(report c)"
	local d=$(($(pstat $SWP pass_fragment) - f0))
	if ((d >= 10)); then
		pass "$desc: pass_fragment +$d"
	else
		fail "$desc: pass_fragment counts them" "pass_fragment +$d, want >= 10"
	fi
}
