# SPDX-License-Identifier: GPL-2.0
#
# Sourced by tests/bench/sip/run: Kamailio 5.6 as the SBC (kamailio.cfg.in).
# kamailio_start [WITH_CACHE]: starts it in the foreground (-DD, children
# forked) with its files in $out/kamailio; kamailio_stop ends it.

kamailio_start() {
	local dir=$out/kamailio f define=()
	[[ ${1:-} == WITH_CACHE ]] && define=(-A WITH_CACHE)
	mkdir -p "$dir"
	for f in kamailio.cfg tls.cfg ldap.cfg; do
		sed -e "s|@DIR@|$dir|g" -e "s|@UDP@|$P_KAM_UDP|g" -e "s|@TLS@|$P_KAM_TLS|g" \
			-e "s|@PBX@|$P_KAM_UAS|g" -e "s|@LDAP@|$P_LDAP|g" -e "s|@BASE@|$ldap_base|g" \
			-e "s|@BIND_DN@|$ldap_service|g" -e "s|@BIND_PW@|$ldap_bind_pw|g" \
			-e "s|@DOMAIN@|$sip_domain|g" -e "s|@PKI@|$out/pki|g" \
			-e "s|@CHILDREN@|$KAM_CHILDREN|g" "$here/$f.in" > "$dir/$f"
	done
	rm -f "$dir/kamailio.ctl"
	kamailio -f "$dir/kamailio.cfg" -DD -E -m "$KAM_SHM" -M 16 -Y "$dir" -P "$dir/kamailio.pid" \
		"${define[@]}" >> "$dir/kamailio.log" 2>&1 &
	kamailio_pid=$!
	for _ in $(seq 100); do
		[[ -S $dir/kamailio.ctl ]] && kamcmd -s "unix:$dir/kamailio.ctl" core.uptime > /dev/null 2>&1 && return 0
		kill -0 "$kamailio_pid" 2> /dev/null || break
		sleep 0.1
	done
	echo "bench-sip: kamailio did not start (see $dir/kamailio.log)" >&2
	return 1
}

kamailio_pids() {
	[[ -n ${kamailio_pid:-} ]] || return 0
	kill -0 "$kamailio_pid" 2> /dev/null || return 0
	echo "$kamailio_pid" $(pgrep -P "$kamailio_pid")
}

kamcmd_() { kamcmd -s "unix:$out/kamailio/kamailio.ctl" "$@" 2> /dev/null; }

kamailio_stop() {
	[[ -n ${kamailio_pid:-} ]] || return 0
	end_pid "$kamailio_pid"
	kamailio_pid=
}
