# SPDX-License-Identifier: GPL-2.0
#
# Sourced by tests/bench/sip/run: sipwalld as the SBC. The public realm
# (UDP and TLS) is registrar and digest-authenticates against the bench's
# slapd; calls go to the pbx realm, whose next hop is the sipp UAS.
# sipwall_start warm|cold: cold sets [ldap] cache_size = 0 (no credential
# cache: every authenticated request is a search in slapd). Sets
# why[sipwall] when sipwalld cannot do the job yet.
#
# sipp 3.6 answers MD5 challenges only: the realm offers MD5 alone
# (SIPWALL_BENCH_SIP_ALGORITHMS to change it).

sipwall_start() {
	local dir=$out/sipwall mode=$1 cache=
	local bin=$top/daemon/sipwalld
	mkdir -p "$dir/state"
	if ! make -s -C "$top/daemon" > "$dir/build.log" 2>&1; then
		why[sipwall]="sipwalld does not build (see $dir/build.log)"
		return 1
	fi
	[[ $mode == cold ]] && cache="cache_size = 0"
	(umask 077 && echo "$ldap_bind_pw" > "$dir/ldap.pw")
	cat > "$dir/sipwall.conf" << CONF
[log]
level = warn
[global]
max_connections = 60000
state_dir = $dir/state
control_socket = $dir/sipwalld.sock
[calls]
max_calls = 60000
[realm public]
listen = udp:127.0.0.1:$P_SW_UDP
listen = tls:127.0.0.1:$P_SW_TLS
tls_certificate = $out/pki/server.crt
tls_key = $out/pki/server.key
tls_ca = $out/pki/ca.crt
tls_verify_client = none
max_connections = 60000
max_connections_per_source = 60000
registrar = yes
domain = $sip_domain
max_expires = 3600
auth = digest
auth_realm = $sip_domain
auth_algorithms = ${SIPWALL_BENCH_SIP_ALGORITHMS:-MD5}
peer_realm = pbx
[realm pbx]
listen = udp:127.0.0.1:$P_SW_PBX
next_hop = udp:127.0.0.1:$P_SW_UAS
auth = trusted
auth_trusted = 127.0.0.1/32
peer_realm = public
[ldap]
uri = ldap://127.0.0.1:$P_LDAP
base = ou=people,$ldap_base
bind_dn = $ldap_service
bind_password_file = $dir/ldap.pw
filter = (&(objectClass=SIPIdentity)(SIPIdentityUserName=%u))
attribute = SIPIdentityPassword
credential = cleartext
cache_ttl = 60
$cache
CONF
	if ! "$bin" -c "$dir/sipwall.conf" --check-config > "$dir/check.log" 2>&1; then
		why[sipwall]="sipwalld refuses the bench configuration: $(head -n 1 "$dir/check.log")"
		return 1
	fi
	rm -f "$dir/sipwalld.sock"
	"$bin" -c "$dir/sipwall.conf" >> "$dir/sipwalld.log" 2>&1 &
	sipwall_pid=$!
	for _ in $(seq 100); do
		grep -q "running with" "$dir/sipwalld.log" && break
		kill -0 "$sipwall_pid" 2> /dev/null || break
		sleep 0.1
	done
	if ! kill -0 "$sipwall_pid" 2> /dev/null; then
		why[sipwall]="sipwalld exited at start: $(tail -n 1 "$dir/sipwalld.log")"
		sipwall_pid=
		return 1
	fi
	# one registration and one call must go through before any step
	if ! sipwall_probe; then
		sipwall_stop
		return 1
	fi
}

sipwall_probe() {
	local tag=sipwall-probe
	sipp_uac sipwall-probe-reg "127.0.0.1:$P_SW_UDP" reg.xml u1 10 1 1 0
	if [[ $sipp_ok -ne 1 ]]; then
		why[sipwall]="a REGISTER with digest credentials over UDP did not get 200: $(sipp_failure sipwall-probe-reg)"
		return 1
	fi
	sipp_uac sipwall-probe-call "127.0.0.1:$P_SW_UDP" call.xml u1 10 1 1 0
	if [[ $sipp_ok -ne 1 ]]; then
		why[sipwall]="an authenticated call to the PBX did not complete: $(sipp_failure sipwall-probe-call)"
		return 1
	fi
}

# sipp_failure TAG: what sipp saw instead (the first unexpected message's
# status line, or its error)
sipp_failure() {
	local line
	line=$(grep -m 1 -oE 'SIP/2.0 [0-9]{3} [^'"'"']*' "$out/$1.err" 2> /dev/null)
	[[ -n $line ]] || line=$(grep -v '^The following events' "$out/$1.err" 2> /dev/null | grep -m 1 . | cut -f3- | cut -c1-160)
	echo "${line:-no answer}"
}

sipwall_pids() {
	[[ -n ${sipwall_pid:-} ]] && kill -0 "$sipwall_pid" 2> /dev/null && echo "$sipwall_pid"
	return 0
}

sipwall_stop() {
	[[ -n ${sipwall_pid:-} ]] || return 0
	end_pid "$sipwall_pid"
	sipwall_pid=
}
