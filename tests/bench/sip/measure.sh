# SPDX-License-Identifier: GPL-2.0
#
# Sourced by tests/bench/sip/run: running sipp, the rate search, and the
# SBC's CPU time and memory from /proc. Needs: $out, $SECONDS_PER_STEP,
# $MAX_STEPS, $MAX_RATE, $START_RATE, the raw log on fd 3.

raw() { echo "$*" >&3; }

# CPU time (utime + stime, clock ticks) of the processes PIDS, summed
cpu_ticks() {
	local p t=0 f
	for p in "$@"; do
		f=$(sed 's/.*) //' "/proc/$p/stat" 2> /dev/null) || continue
		t=$((t + $(awk '{ print $12 + $13 }' <<< "$f")))
	done
	echo "$t"
}

# proportional set size (kB) of the processes PIDS, summed: shared memory
# (Kamailio's shm) counted once over its processes
mem_pss() {
	local p t=0
	for p in "$@"; do
		t=$((t + $(awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2> /dev/null || echo 0)))
	done
	echo "$t"
}

# sipp_uac TAG TARGET SCENARIO TRANSPORT RATE CALLS LIMIT PAUSE_MS: runs the
# caller side once, bounded in time; leaves $out/TAG.csv (statistics) and
# $out/TAG.err (unexpected messages), sets the sipp_* results.
sipp_uac() {
	local tag=$1 target=$2 scen=$3 transport=$4 rate=$5 calls=$6 limit=$7 pause=$8 bound rc=0 last auth_uri
	bound=$((calls / rate + pause / 1000 + 20))
	# the digest uri: the scenario's Request-URI (sipp's default is the
	# address it sends to)
	case $scen in
	reg.xml) auth_uri=$sip_domain ;;
	call.xml) auth_uri=pbx@$sip_domain ;;
	esac
	rm -f "$out/$tag.csv" "$out/$tag.err"
	(cd "$out" && exec timeout -k 5 $((bound + 10)) sipp "$target" -sf "$here/$scen" -inf "$out/users.csv" \
		-auth_uri "$auth_uri" -t "$transport" -r "$rate" -m "$calls" -l "$limit" -d "$pause" \
		-i 127.0.0.1 -p "$P_UAC" -mp "$P_UAC_MEDIA" -cp "$P_UAC_CTL" -nostdin \
		-max_socket "$MAX_SOCKETS" -recv_timeout 8000 -timeout "${bound}s" -timeout_error \
		-trace_stat -stf "$out/$tag.csv" -fd 1 \
		-trace_err -error_file "$out/$tag.err" > /dev/null 2> "$out/$tag.stderr") || rc=$?
	sipp_rc=$rc
	# the last row: cumulative counters at the end of the run
	last=$(tail -n 1 "$out/$tag.csv" 2> /dev/null)
	sipp_ok=$(csv_field "$last" 'SuccessfulCall(C)')
	sipp_failed=$(csv_field "$last" 'FailedCall(C)')
	# from the start to the last row's time (µs resolution: the elapsed
	# time columns have whole seconds only)
	sipp_elapsed=$(awk -v a="$(csv_field "$last" StartTime)" -v b="$(csv_field "$last" CurrentTime)" \
		'BEGIN { n = split(a, x, "\t"); m = split(b, y, "\t"); if (n == 3 && m == 3) printf "%.3f\n", y[3] - x[3] }')
	sipp_retrans=$(csv_field "$last" 'Retransmissions(C)')
	: "${sipp_ok:=0}" "${sipp_failed:=0}" "${sipp_retrans:=0}" "${sipp_elapsed:=0}"
}

# the machine's idle CPU time (idle + iowait, clock ticks, all CPUs)
machine_idle() { awk '$1 == "cpu" { print $5 + $6; exit }' /proc/stat; }

# csv_field ROW NAME: a column of the sipp statistics row, by its name in
# the header
csv_field() {
	local col
	col=$(head -n 1 "$out/$tag.csv" 2> /dev/null | tr ';' '\n' | grep -nxF "$2" | cut -d: -f1 | head -n 1)
	[[ -n $col ]] || return 0
	cut -d';' -f"$col" <<< "$1"
}

# step SBC KIND RATE: one measurement at RATE calls (or registrations) per
# second for $SECONDS_PER_STEP seconds. Passes when every call succeeded and
# the rate achieved is at least 90% of the rate asked. Sets step_pass,
# step_rate (achieved), step_cpu (µs of SBC CPU per call).
step() {
	local sbc=$1 kind=$2 rate=$3 calls target scen transport spids c0 c1 g0 g1 i0 i1 t0 t1 hz
	local tag before after gen_cpu=0 idle_pct
	calls=$((rate * SECONDS_PER_STEP))
	case $kind in
	udp) target=127.0.0.1:$(sbc_port "$sbc" udp) scen=call.xml transport=u1 ;;
	tls | tls-after-burst) target=127.0.0.1:$(sbc_port "$sbc" stunnel) scen=call.xml transport=t1 ;;
	tls-new) target=127.0.0.1:$(sbc_port "$sbc" stunnel) scen=call.xml transport=tn ;;
	reg-warm|reg-cold) target=127.0.0.1:$(sbc_port "$sbc" stunnel) scen=reg.xml transport=t1 ;;
	esac
	tag=$sbc-$kind-$rate
	read -ra spids <<< "$(sbc_pids "$sbc")"
	before=${#spids[@]}
	c0=$(cpu_ticks "${spids[@]}")
	# shellcheck disable=SC2046 # one pid a word
	g0=$(cpu_ticks $(load_pids))
	i0=$(machine_idle)
	t0=$(date +%s%N)
	sipp_uac "$tag" "$target" "$scen" "$transport" "$rate" "$calls" $((rate * 2 + 50)) 0
	c1=$(cpu_ticks "${spids[@]}")
	# shellcheck disable=SC2046 # one pid a word
	g1=$(cpu_ticks $(load_pids))
	i1=$(machine_idle)
	t1=$(date +%s%N)
	step_rate=0 step_cpu=0 step_pass=0
	if awk -v e="$sipp_elapsed" 'BEGIN { exit !(e > 0) }'; then
		step_rate=$(awk -v n="$sipp_ok" -v e="$sipp_elapsed" 'BEGIN { printf "%d", n / e }')
	fi
	hz=$(getconf CLK_TCK)
	# (an SBC that died took its CPU time along: no figure then)
	[[ $sipp_ok -gt 0 && $c1 -ge $c0 ]] && step_cpu=$(((c1 - c0) * 1000000 / hz / sipp_ok))
	# the peers' CPU per call (stunnel, slapd, the UASes); the idle share
	[[ $sipp_ok -gt 0 ]] && gen_cpu=$(((g1 - g0) * 1000000 / hz / sipp_ok))
	idle_pct=$(((i1 - i0) * 100 * 1000000000 / hz / $(nproc) / (t1 - t0 > 0 ? t1 - t0 : 1)))
	if [[ $sipp_rc -eq 0 && $sipp_failed -eq 0 && $sipp_ok -eq $calls && $((step_rate * 10)) -ge $((rate * 9)) ]]; then
		step_pass=1
	fi
	read -ra spids <<< "$(sbc_pids "$sbc")"
	after=${#spids[@]}
	raw "step sbc=$sbc kind=$kind rate=$rate calls=$calls ok=$sipp_ok failed=$sipp_failed" \
		"rc=$sipp_rc elapsed=$sipp_elapsed achieved=$step_rate retrans=$sipp_retrans" \
		"cpu_us_per_call=$step_cpu peers_us_per_call=${gen_cpu:-0} machine_idle=$idle_pct%" \
		"pass=$step_pass processes=$before/$after"
	if [[ $after -lt $before || $after -eq 0 ]]; then
		raw "fault sbc=$sbc kind=$kind rate=$rate processes=$before/$after"
		step_fault=1
	fi
	sleep 1
}

# search KIND SBC...: for each SBC the highest rate with zero failures:
# double from $START_RATE (4 times that for REGISTERs, 4 messages instead
# of 9) until a step fails (or $MAX_RATE), then halve the gap until it is
# under 10%, at most $MAX_STEPS rates. The SBCs' searches go in lockstep,
# one step each in turn, so that both meet the same load from the rest of
# the machine; a failed step is repeated once (a passing repeat counts),
# as a moment of that load can fail one. Sets result[SBC-KIND-rate] and
# result[SBC-KIND-cpu] from the best passing step (0 if none).
search() {
	local kind=$1 sbc left=1
	shift
	local -A good bad rate steps best cpu fault
	for sbc in "$@"; do
		good[$sbc]=0 bad[$sbc]=0 steps[$sbc]=0 best[$sbc]=0 cpu[$sbc]=0 fault[$sbc]=0
		rate[$sbc]=$START_RATE
		[[ $kind != reg-* ]] || rate[$sbc]=$((START_RATE * 4))
	done
	while ((left)); do
		left=0
		for sbc in "$@"; do
			[[ ${rate[$sbc]} -gt 0 ]] || continue
			step_fault=0
			step "$sbc" "$kind" "${rate[$sbc]}"
			((step_pass || step_fault)) || step "$sbc" "$kind" "${rate[$sbc]}"
			steps[$sbc]=$((steps[$sbc] + 1))
			if ((step_pass)); then
				good[$sbc]=${rate[$sbc]}
				if ((step_rate > best[$sbc])); then
					best[$sbc]=$step_rate cpu[$sbc]=$step_cpu
				fi
			else
				bad[$sbc]=${rate[$sbc]}
			fi
			if ((step_fault)); then
				fault[$sbc]=1 rate[$sbc]=0
			elif ((steps[$sbc] >= MAX_STEPS)); then
				rate[$sbc]=0
			elif ((bad[$sbc] == 0)); then
				if ((rate[$sbc] >= MAX_RATE)); then
					rate[$sbc]=0
				else
					rate[$sbc]=$((rate[$sbc] * 2 > MAX_RATE ? MAX_RATE : rate[$sbc] * 2))
				fi
			elif (((bad[$sbc] - good[$sbc]) * 10 <= (good[$sbc] > 0 ? good[$sbc] : bad[$sbc]))); then
				rate[$sbc]=0
			else
				rate[$sbc]=$(((good[$sbc] + bad[$sbc]) / 2))
			fi
			((rate[$sbc] == 0)) || left=1
		done
	done
	for sbc in "$@"; do
		raw "result sbc=$sbc kind=$kind rate=${best[$sbc]} cpu_us_per_call=${cpu[$sbc]}" \
			"steps=${steps[$sbc]} fault=${fault[$sbc]}"
		result[$sbc-$kind-rate]=${best[$sbc]}
		result[$sbc-$kind-cpu]=${cpu[$sbc]}
	done
}
