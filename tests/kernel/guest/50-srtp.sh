#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# sipwall.ko's SRTP and SRTCP against libsrtp2, the reference implementation
# (tests/srtp/srtppeer), for every suite: libsrtp2 encrypts and the kernel
# decrypts (srtp-in: the callee gets the original RTP bit for bit), the
# kernel encrypts and libsrtp2 authenticates and decrypts (srtp-out), and
# the kernel re-keys (srtp-in A srtp-out B, A's neighbour in the list);
# across a sequence-number wrap (first seq 65500: the ROC becomes 1), with
# packets reordered across it, CSRCs and header extensions; replayed (at
# once, late, captured and sent again after a flood of forgeries) and
# tampered packets dropped and counted; SRTCP both ways (and E=0); packets
# too short for a tag; a second SSRC; 2000 packets flat out; IPv6 and
# across families; the key never readable; bad suites and keys refused.
#
#      caller                          sipwall                              callee
#  +------------------+    +------------------------------------+    +------------------+
#  | c0               |    | s0                              s1 |    |               e0 |
#  | 10.50.1.2/24     |veth| 10.50.1.1/24          10.50.2.1/24 |veth| 10.50.2.2/24     |
#  | fd00:50:1::2/64  |----| fd00:50:1::1/64    fd00:50:2::1/64 |----| fd00:50:2::2/64  |
#  |                  |    |                                    |    |                  |
#  | sender: libsrtp2 |    |  sipwall.ko flows with srtp-in,    |    | receiver: plain, |
#  | SRTP/SRTCP or    |    |  srtp-out or both (sipwallctl);    |    | or libsrtp2;     |
#  | plain RTP/RTCP;  |    |  ip_forward off: only the module   |    | then checks      |
#  | replays, flipped |    |  moves packets from s0 to s1       |    | every byte       |
#  | bits, reordering |    +------------------------------------+    |                  |
#  +------------------+                                              +------------------+
#       one "srtppeer serve" process runs every transfer: a socket in each namespace
#
# Flow j: caller :5000+10j -> sipwall in :30000+10j, out :30001+10j ->
# callee :6000+10j. Every packet's bytes derive from its SSRC and index, so
# the receivers verify each one exactly. Counters: the flow's (from
# /proc/net/sipwall/flows) and the namespace's (/proc/net/sipwall/stats),
# before and after each transfer. Private test prefixes only, inside these
# namespaces. TAP.

# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
lib_init "${SIPWALL_TEST_TIMEOUT:-280}"

SRTPPEER=$top/tests/srtp/srtppeer
if [[ ! -x $SRTPPEER ]]; then
	echo "Bail out! $SRTPPEER is missing: run make -C tests/srtp"
	exit 1
fi
if ! topo_setup 50 pin; then
	echo "Bail out! could not build the namespaces"
	exit 1
fi

SUITES=(AES_CM_128_HMAC_SHA1_80 AES_CM_128_HMAC_SHA1_32 AES_256_CM_HMAC_SHA1_80
	AES_256_CM_HMAC_SHA1_32 AEAD_AES_128_GCM AEAD_AES_256_GCM)
declare -A TAG=([AES_CM_128_HMAC_SHA1_80]=10 [AES_CM_128_HMAC_SHA1_32]=4
	[AES_256_CM_HMAC_SHA1_80]=10 [AES_256_CM_HMAC_SHA1_32]=4
	[AEAD_AES_128_GCM]=16 [AEAD_AES_256_GCM]=16)

# --------------------------------------------------------------- helpers

# Keys: KEY[SUITE.n] (base64), KEYHEX/SALTHEX[SUITE.n], n = 0..4; one
# process for all of them (an exec costs about 0.2 s under TCG).
declare -A KEY KEYHEX SALTHEX
keygen_args=()
for s in "${SUITES[@]}"; do
	keygen_args+=("$s" "$s" "$s" "$s" "$s")
done
i=0
while read -r b64 khex shex; do
	s=${keygen_args[i]}
	KEY[$s.$((i % 5))]=$b64
	KEYHEX[$s.$((i % 5))]=$khex
	SALTHEX[$s.$((i % 5))]=$shex
	i=$((i + 1))
done < <("$SRTPPEER" keygen -v "${keygen_args[@]}")
if ((i != ${#keygen_args[@]})); then
	echo "Bail out! srtppeer keygen gave $i keys of ${#keygen_args[@]}"
	exit 1
fi

# Everything sipwallctl and the kernel showed us, to look for keys in.
shown=$lib_tmp/shown
: >"$shown"

# flow_new DESC J FAMILIES FLOW-ARGS...: flow j (see the top), FAMILIES 4,
# 6, 46 (in IPv4, out IPv6) or 64; sets F_IN F_FROM F_OUT F_TO, and F_OK
# if the flow was added (without it, the flow's tests fail at once).
flow_new() {
	local desc=$1 j=$2 fam=$3 fp out
	shift 3
	fp=$((30000 + 10 * j))
	if [[ $fam == 6* ]]; then
		F_IN="[fd00:50:1::1]:$fp" F_FROM="[fd00:50:1::2]:$((5000 + 10 * j))"
	else
		F_IN="10.50.1.1:$fp" F_FROM="10.50.1.2:$((5000 + 10 * j))"
	fi
	if [[ $fam == 6 || $fam == 46 ]]; then
		F_OUT="[fd00:50:2::1]:$((fp + 1))" F_TO="[fd00:50:2::2]:$((6000 + 10 * j))"
	else
		F_OUT="10.50.2.1:$((fp + 1))" F_TO="10.50.2.2:$((6000 + 10 * j))"
	fi
	if out=$(swctl flow add in "$F_IN" from "$F_FROM" out "$F_OUT" to "$F_TO" "$@" 2>&1); then
		F_OK=1
		pass "$desc"
	else
		F_OK=
		fail "$desc" "$out"
	fi
	printf '%s\n' "$out" >>"$shown"
}

# Process creation costs 0.1-0.3 s under TCG, and so does a bash
# subshell's fork: on the path of each transfer the counters and reports
# are read with builtins into the associative array R, and details are
# formatted only for a failure.

# read_counters PREFIX: the current flow's fields of /proc/net/sipwall/flows
# as R[PREFIX.NAME], and the namespace's stats as R[PREFIX.stats_NAME]; its
# line as FLINE.
declare -A R
read_counters() {
	local p=$1 line k v i w=()
	FLINE="no flow in $F_IN"
	while read -r line; do
		if [[ " $line " == *" in $F_IN "* ]]; then
			FLINE=$line
			read -ra w <<<"$line"
			break
		fi
	done <"/proc/$SWP/net/sipwall/flows"
	for ((i = 0; i + 1 < ${#w[@]}; i += 2)); do
		R[$p.${w[i]}]=${w[i + 1]}
	done
	while read -r k v; do
		R[$p.stats_$k]=$v
	done <"/proc/$SWP/net/sipwall/stats"
}

FKEYS=(packets bytes srtp_auth srtp_replay drop_error drop_source passed
	stats_srtp_auth stats_srtp_replay stats_fwd_packets stats_drop_error)

# snap; ...; delta: R[d.NAME] = the change of each counter of FKEYS
# ("missing" without a flow), R[d.dropped] = that of srtp_auth + drop_error;
# R[r.KEY] = srtppeer's report.
snap() {
	R=()
	read_counters a
}
delta() {
	local k a b
	read_counters b
	for k in "${FKEYS[@]}"; do
		a=${R[a.$k]:-missing} b=${R[b.$k]:-missing}
		if [[ $a =~ ^[0-9]+$ && $b =~ ^[0-9]+$ ]]; then
			R[d.$k]=$((b - a))
		else
			R[d.$k]="missing"
		fi
	done
	R[d.dropped]=missing
	[[ ${R[d.srtp_auth]}${R[d.drop_error]} =~ ^[0-9]+$ ]] &&
		R[d.dropped]=$((${R[d.srtp_auth]} + ${R[d.drop_error]}))
	while read -r k v; do
		R[r.$k]=$v
	done <"$lib_tmp/r"
}

# srtppeer serve, one process for every transfer (libsrtp2's start, with its
# self-tests, costs about half a second here).
coproc PEER { exec "$SRTPPEER" serve; }
bg_track "$PEER_PID"

# xfer RECV-OPTS... -- SEND-OPTS...: an srtppeer xfer that receives at the
# callee on F_TO and sends from the caller's F_FROM to F_IN (a socket in
# each namespace), and waits 300 ms for stragglers once the sender is done
# (or stops at the receiver's -n). srtppeer's report (the receiver's keys,
# then the sender's as send_KEY, and its messages) in $lib_tmp/r.
xfer() {
	local ropts=() k v
	while [[ $1 != -- ]]; do
		ropts+=("$1")
		shift
	done
	shift
	if [[ -z $F_OK ]]; then
		R=()
		FLINE="no flow: flow add failed"
		return
	fi
	snap
	: >"$lib_tmp/r"
	if [[ -n ${PEER[1]:-} ]]; then
		printf '%s ' xfer -N "$CALLEE" -t 15 -q 300 "${ropts[@]}" "$F_TO" -- \
			-N "$CALLER" -r "$RATE" "$@" "$F_FROM" "$F_IN" >&"${PEER[1]}"
		printf '\n' >&"${PEER[1]}"
		while read -r -t 30 -u "${PEER[0]}" k v; do
			[[ $k == . ]] && break
			printf '%s %s\n' "$k" "$v" >>"$lib_tmp/r"
		done
	else
		echo "srtppeer serve is gone" >"$lib_tmp/r"
	fi
	delta
}

# expect DESC "r:ok=100 d:packets=100 ...": values of srtppeer's report (r)
# or of the counters' changes (d).
expect() {
	local desc=$1 want=$2 w k got=
	for w in $want; do
		k=${w%%=*}
		got+="$k=${R[${k/:/.}]:-none} "
	done
	got=${got% }
	if [[ $got == "$want" ]]; then
		pass "$desc"
	else
		if [[ -n $F_OK ]]; then
			fail "$desc" "got:  '$got'" "want: '$want'" "srtppeer: $(report r)" "flow: $FLINE"
		else
			fail "$desc" "$FLINE"
		fi
	fi
}

# Suites each flow must show in sipwallctl -j flow list: "IN SRTP_IN SRTP_OUT".
want_suites=()
# flow_suites IN_SUITE|null OUT_SUITE|null: the current flow's, from /proc
# (sipwallctl -j is checked once for all flows at the end: jq is slow here).
flow_suites() {
	local want="${1/#null/-} ${2/#null/-}" got
	want_suites+=("$F_IN $1 $2")
	read_counters c
	got="${R[c.srtp_in]:--} ${R[c.srtp_out]:--}"
	check_eq "$F_IN: /proc/net/sipwall/flows shows srtp_in $1, srtp_out $2" \
		"$got" "$want" "flow: $FLINE"
}

# ------------------------------------------------------------------ tests

if ! out=$(swctl stats 2>&1); then
	fail "sipwallctl stats works in the sipwall namespace" "$out"
	tap_end
fi
pass "sipwallctl stats works in the sipwall namespace"

# rekeyed LABEL: through the flow with srtp-in $S (key 2) and srtp-out $S2
# (key 3), libsrtp2's RTP across the wrap and its SRTCP arrive re-keyed.
rekeyed() {
	xfer -n 100 -f 65500 -s "$S2" -K "${KEY[$S2.3]}" -- -n 100 -f 65500 -s "$S" -K "${KEY[$S.2]}"
	expect "$1: 100 packets re-keyed across the wrap, authenticated and decrypted to the original by libsrtp2" \
		"r:ok=100 r:auth_fail=0 r:replay_fail=0 r:srtp_err=0 r:corrupt=0 r:roc=1 r:srtp_roc=1 d:packets=100 d:srtp_auth=0"
	xfer -n 10 -s "$S2" -K "${KEY[$S2.3]}" -- -k rtcp -n 10 -s "$S" -K "${KEY[$S.2]}"
	expect "$1: SRTCP re-keyed" \
		"r:rtcp_ok=10 r:auth_fail=0 r:replay_fail=0 r:srtp_err=0 r:corrupt=0 d:packets=10"
}

for ((i = 0; i < ${#SUITES[@]}; i++)); do
	S=${SUITES[i]}
	S2=${SUITES[(i + 1) % ${#SUITES[@]}]}
	tag=${TAG[$S]}
	comment "---- $S (at ${SECONDS} s)"

	# libsrtp2 -> kernel decrypts -> plain RTP.
	flow_new "$S: flow add srtp-in" $((4 * i)) 4 srtp-in "$S" "${KEY[$S.0]}"
	flow_suites "$S" null
	xfer -n 100 -f 65500 -- -n 100 -f 65500 -s "$S" -K "${KEY[$S.0]}"
	expect "$S srtp-in: 100 packets from seq 65500 (across the wrap) arrive as the original RTP, bit for bit" \
		"r:ok=100 r:corrupt=0 r:duplicates=0 r:received=100 r:source=$F_OUT r:last_seq=63 r:roc=1"
	expect "$S srtp-in: counted: 100 packets of 172 bytes, no SRTP failures or drops" \
		"d:packets=100 d:bytes=17200 d:srtp_auth=0 d:srtp_replay=0 d:drop_error=0 d:passed=0 d:stats_fwd_packets=100"
	xfer -n 10 -- -k rtcp -n 10 -l 44 -D 3 -X 6 -o -s "$S" -K "${KEY[$S.0]}"
	expect "$S srtp-in: SRTCP arrives as the original RTCP, bit for bit" \
		"r:rtcp_ok=10 r:corrupt=0 r:duplicates=0"
	expect "$S srtp-in: an SRTCP replay and a tampered SRTCP packet dropped and counted" \
		"r:received=10 d:packets=10 d:srtp_replay=1 d:srtp_auth=1"
	xfer -n 150 -f 65600 -- -n 150 -f 65600 -d 10 -a -s "$S" -K "${KEY[$S.0]}"
	expect "$S srtp-in: 15 packets replayed at once and one 150 packets late dropped; the 150 arrive once" \
		"r:ok=150 r:duplicates=0 r:corrupt=0 r:received=150 d:packets=150"
	expect "$S srtp-in: the 16 replays counted: flow srtp_replay, stats srtp_replay" \
		"d:srtp_replay=16 d:stats_srtp_replay=16 d:srtp_auth=0"
	xfer -n 60 -f 65750 -- -n 60 -f 65750 -x 5 -o -w cycle -s "$S" -K "${KEY[$S.0]}"
	expect "$S srtp-in: 12 packets with a flipped payload, tag or header bit dropped; their intact copies arrive" \
		"r:ok=60 r:corrupt=0 r:duplicates=0 r:received=60 d:packets=60"
	expect "$S srtp-in: the 12 counted: flow srtp_auth, stats srtp_auth" \
		"d:srtp_auth=12 d:stats_srtp_auth=12 d:srtp_replay=0"
	xfer -- -n 20 -f 65810 -s "$S" -K "${KEY[$S.4]}"
	expect "$S srtp-in: another key: nothing arrives, all 20 counted in srtp_auth" \
		"r:received=0 d:packets=0 d:srtp_auth=20"
	if [[ $S == AES_CM_128_HMAC_SHA1_80 || $S == AEAD_AES_128_GCM ]]; then
		# A second SSRC has its own ROC: 0 at seq 65500, while the first's is 1.
		xfer -n 100 -S 0x2222 -f 65500 -- -S 0x2222 -n 100 -f 65500 -s "$S" -K "${KEY[$S.0]}"
		expect "$S srtp-in: a second SSRC, from seq 65500 (its own ROC), arrives bit for bit" \
			"r:ok=100 r:corrupt=0 r:roc=1 d:packets=100 d:srtp_auth=0 d:srtp_replay=0"
		xfer -n 50 -f 65830 -- -n 50 -f 65830 -s "$S" -K "${KEY[$S.0]}"
		expect "$S srtp-in: the first SSRC goes on where it was (ROC 1)" \
			"r:ok=50 r:corrupt=0 r:roc=1 d:packets=50 d:srtp_auth=0 d:srtp_replay=0"
	fi
	# Reordering: seq 65530 and 65535 come after the wrap (after 14 and 19):
	# their index is estimated with ROC - 1, and the window still has room.
	xfer -n 100 -S 0x4444 -f 65500 -- -S 0x4444 -n 100 -f 65500 -H 30,35 -h 20 \
		-s "$S" -K "${KEY[$S.0]}"
	expect "$S srtp-in: seq 65530 and 65535 arriving after the wrap (reordered) are decrypted with ROC 0" \
		"r:ok=100 r:corrupt=0 r:roc=1 r:send_delayed=2 d:packets=100 d:srtp_auth=0 d:srtp_replay=0"
	xfer -n 250 -S 0x4444 -f 65600 -- -S 0x4444 -n 250 -f 65600 -H 10 -h 200 \
		-s "$S" -K "${KEY[$S.0]}"
	expect "$S srtp-in: a packet 200 late, outside the 128-packet window, is dropped and counted as a replay" \
		"r:ok=249 r:corrupt=0 d:packets=249 d:srtp_replay=1 d:srtp_auth=0"
	if [[ $S == AEAD_* ]]; then
		xfer -S 0x3333 -- -S 0x3333 -k rtcp -n 10 -e -s "$S" -K "${KEY[$S.0]}"
		# RFC 7714 allows it (the whole packet is then AAD) and libsrtp2
		# sends it; docs/kernel.md: sipwall.ko refuses it with GCM.
		expect "$S srtp-in: unencrypted SRTCP (E=0) is refused with GCM and counted (srtp_auth or drop_error)" \
			"r:received=0 d:packets=0 d:dropped=10"
	else
		xfer -n 10 -S 0x3333 -- -S 0x3333 -k rtcp -n 10 -e -s "$S" -K "${KEY[$S.0]}"
		expect "$S srtp-in: authenticated unencrypted SRTCP (E=0) arrives as the original RTCP" \
			"r:rtcp_ok=10 r:corrupt=0 d:srtp_auth=0"
	fi

	# Capture and replay, after a flood of forged packets from 20 new SSRCs:
	# forgeries take no SSRC slot, so the stream's replay window survives.
	xfer -n 50 -S 0x6666 -f 1000 -- -S 0x6666 -n 50 -f 1000 -s "$S" -K "${KEY[$S.0]}"
	expect "$S srtp-in: a new stream (SSRC 0x6666) arrives" \
		"r:ok=50 r:corrupt=0 d:packets=50 d:srtp_auth=0"
	xfer -- -S 0x7000 -V 20 -n 40 -f 1000 -s "$S" -K "${KEY[$S.4]}"
	expect "$S srtp-in: 40 forged packets from 20 SSRCs dropped and counted" \
		"r:received=0 d:packets=0 d:srtp_auth=40"
	xfer -- -S 0x6666 -n 50 -f 1000 -s "$S" -K "${KEY[$S.0]}"
	expect "$S srtp-in: the new stream's 50 packets sent again (the same bytes) are all replays" \
		"r:received=0 d:packets=0 d:srtp_replay=50 d:srtp_auth=0"

	# plain RTP -> kernel encrypts -> libsrtp2 authenticates and decrypts.
	flow_new "$S: flow add srtp-out" $((4 * i + 1)) 4 srtp-out "$S" "${KEY[$S.1]}"
	flow_suites null "$S"
	xfer -n 100 -f 65500 -s "$S" -K "${KEY[$S.1]}" -- -n 100 -f 65500
	expect "$S srtp-out: 100 plain packets from seq 65500 leave as SRTP that libsrtp2 authenticates and decrypts to the original, across the wrap" \
		"r:ok=100 r:auth_fail=0 r:replay_fail=0 r:srtp_err=0 r:corrupt=0 r:source=$F_OUT r:roc=1 r:srtp_roc=1"
	expect "$S srtp-out: counted: 100 packets of 172 + $tag (tag) bytes, no SRTP failures or drops" \
		"d:packets=100 d:bytes=$((100 * (172 + tag))) d:srtp_auth=0 d:srtp_replay=0 d:drop_error=0 d:passed=0"
	xfer -n 10 -s "$S" -K "${KEY[$S.1]}" -- -k rtcp -n 10 -l 44
	expect "$S srtp-out: plain RTCP leaves as SRTCP that libsrtp2 authenticates and decrypts to the original" \
		"r:rtcp_ok=10 r:auth_fail=0 r:replay_fail=0 r:srtp_err=0 r:corrupt=0 d:packets=10"
	xfer -n 50 -f 65600 -s "$S" -K "${KEY[$S.1]}" -- -n 50 -f 65600 -d 10
	expect "$S srtp-out: a plain packet sent twice is encrypted once: its index is not reused (srtp_replay +5)" \
		"r:ok=50 r:replay_fail=0 r:auth_fail=0 r:received=50 d:packets=50 d:srtp_replay=5"
	xfer -n 100 -S 0x4444 -f 65500 -s "$S" -K "${KEY[$S.1]}" -- -S 0x4444 -n 100 -f 65500 \
		-H 30,35 -h 20
	expect "$S srtp-out: plain seq 65530 and 65535 arriving after the wrap are encrypted with ROC 0" \
		"r:ok=100 r:auth_fail=0 r:replay_fail=0 r:srtp_err=0 r:corrupt=0 r:roc=1 d:packets=100 d:srtp_replay=0"
	xfer -n 100 -f 65650 -s "$S" -K "${KEY[$S.1]}" -- -n 100 -f 65650 -C 3 -E 2
	expect "$S srtp-out: RTP with 3 CSRCs and a header extension: encrypted after them, decrypted by libsrtp2" \
		"r:ok=100 r:auth_fail=0 r:srtp_err=0 r:corrupt=0 d:packets=100"

	# libsrtp2 (S, key 2) -> kernel decrypts and re-encrypts (S2, key 3) -> libsrtp2.
	flow_new "$S -> $S2: flow add srtp-in srtp-out" $((4 * i + 2)) 4 \
		srtp-in "$S" "${KEY[$S.2]}" srtp-out "$S2" "${KEY[$S2.3]}"
	flow_suites "$S" "$S2"
	rekeyed "$S -> $S2"
	xfer -n 100 -f 65600 -s "$S2" -K "${KEY[$S2.3]}" -- -n 100 -f 65600 -C 2 -E 1 -s "$S" -K "${KEY[$S.2]}"
	expect "$S -> $S2: RTP with 2 CSRCs and a header extension re-keyed" \
		"r:ok=100 r:auth_fail=0 r:srtp_err=0 r:corrupt=0 d:packets=100 d:srtp_auth=0"
	# As fast as one sender goes (the stack may drop some before the hook):
	# every packet the kernel forwards arrives and is good.
	xfer -n 2000 -f 65700 -s "$S2" -K "${KEY[$S2.3]}" -- -r 0 -n 2000 -f 65700 -s "$S" -K "${KEY[$S.2]}"
	R[r.all_good]=$(( ${R[r.ok]:-0} == ${R[r.received]:-1} && ${R[r.ok]:-0} == ${R[d.packets]:-1} ))
	expect "$S -> $S2: 2000 packets as fast as possible: what the kernel forwards (${R[d.packets]:-none}) all arrive, authenticated and decrypted" \
		"r:all_good=1 r:auth_fail=0 r:replay_fail=0 r:srtp_err=0 r:corrupt=0 d:srtp_auth=0 d:srtp_replay=0 d:drop_error=0"
done

# IPv6 and across families, with two suites.
for S in AES_CM_128_HMAC_SHA1_80 AEAD_AES_256_GCM; do
	comment "---- $S over IPv6 (at ${SECONDS} s)"
	j=$([[ $S == AEAD* ]] && echo 30 || echo 40)
	flow_new "$S: flow add 6->6 srtp-in" "$j" 6 srtp-in "$S" "${KEY[$S.0]}"
	xfer -n 100 -f 65500 -- -n 100 -f 65500 -s "$S" -K "${KEY[$S.0]}"
	expect "$S srtp-in 6->6: 100 packets across the wrap arrive bit for bit" \
		"r:ok=100 r:corrupt=0 r:received=100 r:roc=1 d:packets=100 d:srtp_auth=0"
	# Too short to hold a tag (or, for 12 bytes, any payload): dropped.
	xfer -- -n 10 -l 12
	expect "$S srtp-in 6->6: 12-byte RTP (a header, no tag) dropped and counted" \
		"r:received=0 d:packets=0 d:dropped=10"
	xfer -- -n 10 -l $((12 + TAG[$S] - 1))
	expect "$S srtp-in 6->6: RTP one byte shorter than header and tag dropped and counted" \
		"r:received=0 d:packets=0 d:dropped=10"
	xfer -- -k rtcp -n 10 -l 8
	expect "$S srtp-in 6->6: 8-byte RTCP (no SRTCP index, no tag) dropped and counted" \
		"r:received=0 d:packets=0 d:dropped=10"
	flow_new "$S: flow add 6->6 srtp-out" $((j + 1)) 6 srtp-out "$S" "${KEY[$S.1]}"
	xfer -n 100 -f 65500 -s "$S" -K "${KEY[$S.1]}" -- -n 100 -f 65500
	expect "$S srtp-out 6->6: libsrtp2 authenticates and decrypts all 100" \
		"r:ok=100 r:auth_fail=0 r:corrupt=0 r:roc=1 d:packets=100"
	xfer -n 20 -f 65600 -s "$S" -K "${KEY[$S.1]}" -- -n 20 -f 65600 -l 1400
	expect "$S srtp-out 6->6: 1400-byte packets (1400 + tag, within the MTU) authenticated and decrypted" \
		"r:ok=20 r:auth_fail=0 r:corrupt=0 d:packets=20 d:bytes=$((20 * (1400 + TAG[$S])))"
	flow_new "$S: flow add 4->6 srtp-in srtp-out" $((j + 2)) 46 \
		srtp-in "$S" "${KEY[$S.2]}" srtp-out "$S" "${KEY[$S.3]}"
	xfer -n 100 -s "$S" -K "${KEY[$S.3]}" -- -n 100 -s "$S" -K "${KEY[$S.2]}"
	expect "$S 4->6 re-keyed: libsrtp2 authenticates and decrypts all 100" \
		"r:ok=100 r:auth_fail=0 r:corrupt=0 d:packets=100"
	flow_new "$S: flow add 6->4 srtp-in srtp-out" $((j + 3)) 64 \
		srtp-in "$S" "${KEY[$S.2]}" srtp-out "$S" "${KEY[$S.3]}"
	xfer -n 10 -s "$S" -K "${KEY[$S.3]}" -- -k rtcp -n 10 -s "$S" -K "${KEY[$S.2]}"
	expect "$S 6->4 re-keyed SRTCP: libsrtp2 authenticates and decrypts all 10" \
		"r:rtcp_ok=10 r:auth_fail=0 r:corrupt=0 d:packets=10"
done

# The AES-NI path. So far the guest had no accelerated crypto driver (it
# has no udev to load them): every flow had the synchronous transforms only,
# which are also what a packet uses where the FPU is not usable. A real x86
# host loads aesni_intel, sha1_ssse3 and ghash_clmulni_intel; flows created
# then also hold AES-NI's internal "__ctr(aes)" or "__gcm(aes)" and use
# them (docs/kernel.md). Every suite again, both ways, against libsrtp2.
# crypto_refs DRIVER: its refcnt in /proc/crypto (one per transform).
crypto_refs() {
	awk -v d="$1" '$1 == "driver" { on = $3 == d }
		on && $1 == "refcnt" { print $3; f = 1; exit } END { if (!f) print 0 }' /proc/crypto
}
comment "---- with the AES-NI drivers (at ${SECONDS} s)"
out=$( { modprobe aesni_intel && modprobe sha1_ssse3 && modprobe ghash_clmulni_intel; } 2>&1)
check_eq "modprobe aesni_intel sha1_ssse3 ghash_clmulni_intel" "$?" 0 "$out"
ctr0=$(crypto_refs __ctr-aes-aesni) gcm0=$(crypto_refs __generic-gcm-aesni)
for ((i = 0; i < ${#SUITES[@]}; i++)); do
	S=${SUITES[i]}
	S2=${SUITES[(i + 1) % ${#SUITES[@]}]}
	flow_new "$S -> $S2 with AES-NI: flow add srtp-in srtp-out" $((50 + i)) 4 \
		srtp-in "$S" "${KEY[$S.2]}" srtp-out "$S2" "${KEY[$S2.3]}"
	rekeyed "$S -> $S2 with AES-NI"
	xfer -n 60 -f 65650 -s "$S2" -K "${KEY[$S2.3]}" -- -n 60 -f 65650 -x 5 -o -w cycle \
		-s "$S" -K "${KEY[$S.2]}"
	expect "$S -> $S2 with AES-NI: 12 packets with a flipped bit dropped and counted; their intact copies arrive" \
		"r:ok=60 r:auth_fail=0 r:corrupt=0 r:duplicates=0 d:packets=60 d:srtp_auth=12 d:srtp_replay=0"
done
# 8 AES-CM and 4 GCM contexts, each with an RTP and an RTCP session.
check_eq "the AES-NI flows hold the internal transforms: __ctr-aes-aesni +16, __generic-gcm-aesni +8 (/proc/crypto refcnt)" \
	"$(($(crypto_refs __ctr-aes-aesni) - ctr0)) $(($(crypto_refs __generic-gcm-aesni) - gcm0))" "16 8"

# The keys can be set, never read: not in sipwallctl's output (JSON or
# table), /proc/net/sipwall/flows or the kernel log, as base64 or hex.
{
	swctl flow list
	swctl -j flow list
	cat "/proc/$SWP/net/sipwall/flows"
	dmesg
} >>"$shown" 2>&1
got=$(swctl -j flow list | jq -r '.[] | "\(.in) \(.srtp_in) \(.srtp_out)"' | sort)
want=$(printf '%s\n' "${want_suites[@]}" | sort)
missing=$(comm -13 <(printf '%s\n' "$got") <(printf '%s\n' "$want"))
check_eq "sipwallctl -j flow list shows each flow's srtp_in and srtp_out suites" "$missing" "" \
	"sipwallctl -j flow list: $got"
leaks=()
shown_lc=$(tr '[:upper:]' '[:lower:]' <"$shown")
shown_raw=$(cat "$shown")
for k in "${!KEY[@]}"; do
	b64=${KEY[$k]}
	[[ $shown_raw == *"${b64%%=*}"* ]] && leaks+=("base64 key $k")
	[[ $shown_lc == *"${KEYHEX[$k]}"* ]] && leaks+=("hex key $k")
	[[ $shown_lc == *"${SALTHEX[$k]}"* ]] && leaks+=("hex salt $k")
done
check_eq "no key or salt (base64 or hex) in flow list, flow list -j, /proc/net/sipwall/flows, dmesg" \
	"${leaks[*]}" "" "looked in $(wc -l <"$shown") lines"

# Bad suites and keys: one line from sipwallctl, non-zero exit, no key in
# the message, no flow.
k=${KEY[AES_CM_128_HMAC_SHA1_80.0]}
bad_key() {
	local desc=$1 out rc
	shift
	out=$(swctl flow add in 10.50.1.1:39000 from 10.50.1.2:5900 out 10.50.2.1:39001 \
		to 10.50.2.2:6900 "$@" 2>&1)
	rc=$?
	F_IN=10.50.1.1:39000
	read_counters e
	check_eq "$desc: refused with one line, no key in it, no flow" \
		"rc=$((rc != 0)) lines=$(printf '%s\n' "$out" | wc -l) key=$([[ $out == *"${k:0:16}"* ]] && echo shown || echo no) flow=${FLINE%% *}" \
		"rc=1 lines=1 key=no flow=no" "$out"
	comment "sipwallctl said: $out"
}
bad_key "unknown suite" srtp-in AES_CM_128_HMAC_SHA1_81 "$k"
bad_key "unknown suite (srtp-out)" srtp-out F8_128_HMAC_SHA1_80 "$k"
bad_key "AES_CM_128 with a 256-bit key" srtp-in AES_CM_128_HMAC_SHA1_80 "${KEY[AES_256_CM_HMAC_SHA1_80.0]}"
bad_key "AES_256_CM with a 128-bit key" srtp-out AES_256_CM_HMAC_SHA1_32 "$k"
bad_key "AEAD_AES_128_GCM with an AES_CM key (30 bytes, not 28)" srtp-in AEAD_AES_128_GCM "$k"
bad_key "a truncated key" srtp-in AES_CM_128_HMAC_SHA1_80 "${k:0:36}"
bad_key "a key with a character outside base64" srtp-in AES_CM_128_HMAC_SHA1_80 "${k:0:20}*${k:21}"
bad_key "a key with lifetime and MKI" srtp-in AES_CM_128_HMAC_SHA1_80 "$k|2^20|1:4"
bad_key "srtp-in without a key" srtp-in AES_CM_128_HMAC_SHA1_80

check_eq "callee: no UDP checksum errors (Udp, Udp6 InCsumErrors)" \
	"$(snmp "$CALLEE" Udp InCsumErrors)/$(snmp "$CALLEE" Udp6 InCsumErrors)" "0/0"
comment "stats: $(tr '\n' ' ' <"/proc/$SWP/net/sipwall/stats")"
check "flow flush" swctl flow flush
check_eq "no flows left" "$(pstat "$SWP" flows)" 0

# The load-time known-answer tests once more, now with AES-NI loaded: every
# transform test with the internal transforms, then without them
# (kmod/selftest/srtp.c); a wrong answer fails the load.
out=$(rmmod sipwall 2>&1 && insmod "$SIPWALL_KO" 2>&1)
check_eq "rmmod, insmod with the AES-NI drivers loaded: the SRTP self-tests pass with and without the internal transforms" \
	"$?" 0 "$out"
tap_end
