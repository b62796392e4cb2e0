# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Shared helpers of tests/kernel/guest/*.sh: TAP output, network namespaces
# and background processes that are cleaned up on any exit, a watchdog that
# bounds the script's time, the test tools, and counter readers.
#
# A script sources it, calls "lib_init SECONDS", and ends with "tap_end".

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
SIPWALLCTL=${SIPWALLCTL:-$top/tools/sipwallctl}
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
