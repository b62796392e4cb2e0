#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The module is in and shows itself where operators and sipwalld look: the
# generic netlink family (at the uapi header's version) and
# /proc/net/sipwall/stats, in the initial network namespace and in a new one.
set -euo pipefail

n=0
failed=0
# check DESCRIPTION COMMAND...: one TAP line for whether COMMAND succeeds.
check() {
	local desc=$1
	shift
	n=$((n + 1))
	if "$@" > /dev/null 2>&1; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		failed=$((failed + 1))
	fi
}

version=$(awk '$2 == "SIPWALL_GENL_VERSION" { print $3 }' include/uapi/linux/sipwall.h)
family_version() {
	genl ctrl get name sipwall | grep -q "Version: $(printf '0x%x' "$version")"
}
stats_lines() {
	# One "name value" per line, and at least one line.
	awk 'NF != 2 || $2 !~ /^[0-9]+$/ { exit 1 } END { exit NR == 0 }' /proc/net/sipwall/stats
}

check "module sipwall is live" grep -qx live /sys/module/sipwall/initstate
check "genl family sipwall is registered" genl ctrl get name sipwall
check "genl family sipwall has version $version" family_version
check "/proc/net/sipwall/stats is 'name value' lines" stats_lines
check "/proc/net/sipwall/flows is readable" cat /proc/net/sipwall/flows
check "a new network namespace has its own /proc/net/sipwall/stats" \
	unshare -n cat /proc/net/sipwall/stats

[[ $failed -eq 0 ]]
