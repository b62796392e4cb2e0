#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Robustness of the generic netlink family "sipwall", in a namespace of its
# own (so random flows and configuration touch nothing else):
#
#   fuzz netns:  fz0 10.99.0.1/24 fd00:99::1/64 <-veth-> fz1 10.99.0.2/24 fd00:99::2/64
#
# - genlfuzz crafted: malformed requests (missing, wrong-length, out-of-range,
#   unknown and truncated attributes, unknown flags and commands, oversized
#   messages) each get the right error class and an extack message; valid
#   requests and EEXIST/ENOENT work;
# - genlfuzz dumpcheck: while another process adds and deletes flows, every
#   dump lists each flow that exists throughout exactly once;
# - genlfuzz random: a bounded loop of random messages is always answered
#   (the harness fails the run on any kernel warning);
# - a caller without CAP_NET_ADMIN gets EPERM for every command; root of its
#   own user namespace is admin of its own network namespace;
# - sipwallctl's errors for bad input are one line.
#
# SIPWALL_FUZZ_COUNT, SIPWALL_FUZZ_SECONDS, SIPWALL_FUZZ_SEED tune the
# random part (defaults 20000 messages, 30 s, a fresh seed that is printed).

# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
lib_init "${SIPWALL_TEST_TIMEOUT:-120}"

FZ=swk-fuzz-$$

# tap_from NAME: turns genlfuzz's PASS/FAIL/INFO lines into TAP.
tap_from() {
	local prefix=$1 line
	while IFS= read -r line; do
		case $line in
		PASS\ *) pass "$prefix: ${line#PASS }" ;;
		FAIL\ *) fail "$prefix: ${line#FAIL }" ;;
		*) comment "$line" ;;
		esac
	done
}

if ! netns_new "$FZ" ||
	! ip -n "$FZ" link add fz0 type veth peer name fz1 ||
	! ip -n "$FZ" addr add 10.99.0.1/24 dev fz0 ||
	! ip -n "$FZ" addr add fd00:99::1/64 dev fz0 nodad ||
	! ip -n "$FZ" addr add 10.99.0.2/24 dev fz1 ||
	! ip -n "$FZ" addr add fd00:99::2/64 dev fz1 nodad ||
	! ip -n "$FZ" link set fz0 up || ! ip -n "$FZ" link set fz1 up; then
	echo "Bail out! could not build the namespace"
	exit 1
fi

# Crafted requests.
ip netns exec "$FZ" "$GENLFUZZ" crafted >"$lib_tmp/crafted" 2>&1
rc=$?
tap_from crafted <"$lib_tmp/crafted"
check_eq "genlfuzz crafted exit status" $rc 0

# Dumps stay consistent while the table changes.
ip netns exec "$FZ" timeout 90 "$GENLFUZZ" dumpcheck -n 2000 -d 20 >"$lib_tmp/dump" 2>&1
rc=$?
tap_from dumps <"$lib_tmp/dump"
check_eq "genlfuzz dumpcheck exit status" $rc 0

# Random messages, bounded in count and time.
seedopt=()
[[ -n "${SIPWALL_FUZZ_SEED:-}" ]] && seedopt=(-s "$SIPWALL_FUZZ_SEED")
ip netns exec "$FZ" "$GENLFUZZ" random -n "${SIPWALL_FUZZ_COUNT:-20000}" \
	-t "${SIPWALL_FUZZ_SECONDS:-30}" "${seedopt[@]}" >"$lib_tmp/random" 2>&1
rc=$?
comment "$(cat "$lib_tmp/random")"
check_eq "genlfuzz random: every message answered" $rc 0 "$(tail -n 20 "$lib_tmp/random")"
check_eq "the fuzz namespace still answers: sipwallctl stats" \
	"$(ip netns exec "$FZ" "$SIPWALLCTL" stats >/dev/null 2>&1; echo $?)" 0

# Without CAP_NET_ADMIN: as nobody, and as root without the capability.
ip netns exec "$FZ" "$GENLFUZZ" noadmin >"$lib_tmp/noadmin" 2>&1
rc=$?
tap_from "nobody" <"$lib_tmp/noadmin"
check_eq "genlfuzz noadmin (as nobody) exit status" $rc 0
if command -v capsh >/dev/null; then
	ip netns exec "$FZ" capsh --drop=cap_net_admin -- -c "exec $GENLFUZZ noadmin -K" \
		>"$lib_tmp/nocap" 2>&1
	rc=$?
	tap_from "root without CAP_NET_ADMIN" <"$lib_tmp/nocap"
	check_eq "genlfuzz noadmin -K (root without CAP_NET_ADMIN) exit status" $rc 0
else
	comment "capsh missing: root without CAP_NET_ADMIN not tested"
fi
out=$(ip netns exec "$FZ" setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$SIPWALLCTL" flow list 2>&1)
rc=$?
if ((rc == 0)); then
	fail "sipwallctl as nobody fails" "exit 0: $out"
else
	check_eq "sipwallctl as nobody fails with one line" "$(printf '%s\n' "$out" | wc -l)" 1 "$out"
	if grep -qi 'permi' <<<"$out"; then
		pass "... saying it is not permitted"
	else
		fail "... saying it is not permitted" "$out"
	fi
	comment "sipwallctl said: $out"
fi

out=$(ip netns exec "$FZ" setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$SIPWALLCTL" monitor --timeout 2 2>&1)
rc=$?
if ((rc == 0)); then
	fail "sipwallctl monitor as nobody fails" "exit 0: $out"
else
	check_eq "sipwallctl monitor as nobody fails with one line" "$(printf '%s\n' "$out" | wc -l)" 1 "$out"
	comment "sipwallctl said: $out"
fi

# Root of a new user namespace owns its new network namespace: permitted
# there (GENL_UNS_ADMIN_PERM), as the uapi header says.
if setpriv --reuid=65534 --regid=65534 --clear-groups unshare -Urn true 2>/dev/null; then
	setpriv --reuid=65534 --regid=65534 --clear-groups unshare -Urn \
		"$GENLFUZZ" userns >"$lib_tmp/userns" 2>&1
	rc=$?
	tap_from "userns root" <"$lib_tmp/userns"
	check_eq "genlfuzz userns exit status" $rc 0
else
	# tests/vm/init runs tests outside a chroot so that this works.
	fail "an unprivileged user can create a user namespace" "unshare -Urn as nobody" "refused"
fi

# sipwallctl: bad input gives one line on stderr, nothing on stdout, exit != 0.
ctl_err() {
	local desc=$1 pattern=$2 out err rc
	shift 2
	out=$(ip netns exec "$FZ" "$SIPWALLCTL" "$@" 2>"$lib_tmp/err")
	rc=$?
	err=$(cat "$lib_tmp/err")
	if ((rc == 0)); then
		fail "sipwallctl $desc fails" "sipwallctl $*" "exit 0: $out $err"
	elif [[ -n "$out" || $(printf '%s\n' "$err" | wc -l) -ne 1 || -z "$err" ]]; then
		fail "sipwallctl $desc: one line on stderr" "sipwallctl $*" "stdout: $out" "stderr: $err"
	elif ! grep -Eqi -- "$pattern" <<<"$err"; then
		fail "sipwallctl $desc: the line says what was wrong (/$pattern/)" "sipwallctl $*" "$err"
	else
		pass "sipwallctl $desc: \"$err\""
	fi
}
F=(in 10.99.0.1:30000 from 10.99.0.2:5000 out 10.99.0.1:30001 to 10.99.0.2:6000)
ctl_err "bad IPv4 address" 'addr|10\.99\.0\.300' flow add in 10.99.0.300:30000 from 10.99.0.2:5000 out 10.99.0.1:30001 to 10.99.0.2:6000
ctl_err "bad IPv6 address" 'addr|fd00::zz' flow add in '[fd00::zz]:30000' learn out 10.99.0.1:30001 to 10.99.0.2:6000
ctl_err "unbracketed IPv6 address" 'addr|bracket|port' flow add in fd00:99::1:30000 learn out 10.99.0.1:30001 to 10.99.0.2:6000
ctl_err "missing port" 'port' flow add in 10.99.0.1 learn out 10.99.0.1:30001 to 10.99.0.2:6000
ctl_err "port 0" 'port' flow add in 10.99.0.1:0 learn out 10.99.0.1:30001 to 10.99.0.2:6000
ctl_err "port 70000" 'port|70000' flow add in 10.99.0.1:70000 learn out 10.99.0.1:30001 to 10.99.0.2:6000
ctl_err "unknown word" 'bogus|unknown' flow add "${F[@]}" bogus
ctl_err "unknown subcommand" 'frob|unknown' flow frob
ctl_err "unknown command" 'frob|unknown' frob
ctl_err "missing out/to" 'out|to|missing' flow add in 10.99.0.1:30000 learn
ctl_err "dscp 64" 'dscp|64' flow add "${F[@]}" dscp 64
ctl_err "timeout too large" 'timeout|86401' flow add "${F[@]}" timeout 86401
ctl_err "session not a number" 'session|x' flow add "${F[@]}" session x
ctl_err "unknown SRTP suite" 'suite|AES_BOGUS' flow add "${F[@]}" srtp-in AES_BOGUS AAAA
ctl_err "mixed families in/from" 'famil|IPv4|IPv6|match|mix' flow add in 10.99.0.1:30000 from '[fd00:99::2]:5000' out 10.99.0.1:30001 to 10.99.0.2:6000
ctl_err "media-ports reversed" 'range|port|media' config media-ports 31000-30000
ctl_err "media-ports garbage" 'range|port|media|x' config media-ports x
ctl_err "flow del of a missing flow" 'no flow|no such|not found|exist' flow del in 10.99.0.1:39999
ip netns exec "$FZ" "$SIPWALLCTL" flow add "${F[@]}" >/dev/null 2>&1
ctl_err "flow add of an existing flow" 'exist' flow add "${F[@]}"
ip netns exec "$FZ" "$SIPWALLCTL" flow flush >/dev/null 2>&1
tap_end
