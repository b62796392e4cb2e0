# SPDX-License-Identifier: GPL-2.0
#
# What the LDAP tests and the LDAP benchmark share, sourced by both: builds
# ldaptest, makes a test PKI, starts slapd as a plain process on loopback
# with a generated slapd.conf, loads the test users, and talks to ldaptest
# over a pipe. Prints TAP lines (ok/not ok) for each step; exits on a
# failed step. Everything lives in $tmp; slapd and ldaptest are ended on
# any exit.
#
# Other suites source it too (tests/integration/auth-sip): LDAP_TEST_PORT,
# LDAP_TEST_TLS_PORT and LDAP_TEST_DEAD_PORT choose the ports,
# LDAP_TEST_NO_LDAPTEST=1 skips building ldaptest, and a function
# cleanup_more, if the suite defines one, runs first on exit.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../../.." && pwd)
out="$top/build/tests/integration/ldap"
# the tests want ASan and UBSan; the benchmark an optimized build
ldaptest_flags=${LDAPTEST_FLAGS:--O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined}
ldaptest="$out/ldaptest${LDAPTEST_SUFFIX:-}"
port=${LDAP_TEST_PORT:-3890}
tls_port=${LDAP_TEST_TLS_PORT:-3891}
dead_port=${LDAP_TEST_DEAD_PORT:-3899}
realm=sip.example.com
base=dc=example,dc=com
admin="cn=admin,$base"
service="cn=sipwall,ou=services,$base"

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }

tmp=$(mktemp -d /tmp/sipwall-ldap.XXXXXX)
slapd_pid=
lt_pid=
forwarder=
# ends a process of ours: TERM (after CONT, in case a test stopped it), KILL after 5 s
end_pid() {
	kill -CONT "$1" 2> /dev/null
	kill -TERM "$1" 2> /dev/null
	for _ in $(seq 50); do
		kill -0 "$1" 2> /dev/null || break
		sleep 0.1
	done
	kill -KILL "$1" 2> /dev/null
	wait "$1" 2> /dev/null
}
cleanup() {
	! declare -F cleanup_more > /dev/null || cleanup_more
	[[ -z $lt_pid ]] || end_pid "$lt_pid"
	[[ -z $forwarder ]] || end_pid "$forwarder"
	[[ -z $slapd_pid ]] || end_pid "$slapd_pid"
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for cmd in slapd ldapadd ldapsearch openssl; do
	if ! command -v "$cmd" > /dev/null && [[ ! -x /usr/sbin/$cmd ]]; then
		echo "ok 1 # SKIP $cmd is missing (bash scripts/install-deps)"
		exit 0
	fi
done
slapd=$(command -v slapd || echo /usr/sbin/slapd)

# ---- build ----
mkdir -p "$out"
if [[ -z ${LDAP_TEST_NO_LDAPTEST:-} ]]; then
	srcs=()
	for f in ldap_client.c ldap_tls.c auth_config.c config_value.c auth_session.c auth_lru.c auth_guard.c auth.c \
		auth_nonce.c auth_param.c digest.c ldap_filter.c hashtab.c loop.c timer.c log.c \
		sip_uri.c sip_lex.c; do
		srcs+=("$top/daemon/$f")
	done
	# shellcheck disable=SC2046 # pkg-config prints one word per flag
	# shellcheck disable=SC2086 # one word per flag
	if ${CC:-cc} -std=gnu11 -D_GNU_SOURCE $ldaptest_flags -Wall -Wextra -Werror \
		-I"$top/daemon" -o "$ldaptest" "$here/ldaptest.c" "${srcs[@]}" \
		$(pkg-config --cflags --libs ldap libssl libcrypto); then
		ok "ldaptest builds"
	else
		not_ok "ldaptest builds"
		exit 1
	fi
fi

# ---- a test PKI: the CA slapd's certificate is from, and one it is not ----
pki() {
	local name=$1
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
		-subj "/CN=sipwall test $name CA" -keyout "$tmp/$name-ca.key" \
		-out "$tmp/$name-ca.crt" 2> /dev/null
}
if pki test && pki other &&
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-subj "/CN=127.0.0.1" -keyout "$tmp/server.key" -out "$tmp/server.csr" 2> /dev/null &&
	openssl x509 -req -in "$tmp/server.csr" -CA "$tmp/test-ca.crt" -CAkey "$tmp/test-ca.key" \
		-CAcreateserial -days 2 -out "$tmp/server.crt" \
		-extfile <(printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n') \
		2> /dev/null; then
	ok "test PKI made"
else
	not_ok "test PKI made"
	exit 1
fi

# ---- slapd ----
mkdir -p "$tmp/db"
cat > "$tmp/slapd.conf" << CONF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include $here/h350.schema
pidfile $tmp/slapd.pid
argsfile $tmp/slapd.args
modulepath /usr/lib/ldap
moduleload back_mdb
TLSCACertificateFile $tmp/test-ca.crt
TLSCertificateFile $tmp/server.crt
TLSCertificateKeyFile $tmp/server.key

database mdb
maxsize 16777216
suffix "$base"
rootdn "$admin"
rootpw admin-secret
directory $tmp/db
index objectClass eq
index SIPIdentityUserName eq
# secrets: readable by the SBC's service account only
access to attrs=userPassword
	by anonymous auth
	by * none
access to attrs=SIPIdentityPassword,sipwallTestHA1MD5,sipwallTestHA1SHA256
	by dn.exact="$service" read
	by * none
access to *
	by * read
CONF

start_slapd() {
	"$slapd" -f "$tmp/slapd.conf" -h "ldap://127.0.0.1:$port/ ldaps://127.0.0.1:$tls_port/" \
		-d 0 > "$tmp/slapd.log" 2>&1 &
	slapd_pid=$!
	for _ in $(seq 100); do
		ldapsearch -x -H "ldap://127.0.0.1:$port" -b "" -s base > /dev/null 2>&1 && return 0
		kill -0 "$slapd_pid" 2> /dev/null || break
		sleep 0.1
	done
	return 1
}

# SIGSTOP, and wait until every thread of slapd has stopped (a busy machine
# may take a moment to get there)
freeze_slapd() {
	kill -STOP "$slapd_pid"
	for _ in $(seq 100); do
		[[ $(ps -o stat= -p "$slapd_pid") == T* ]] &&
			! grep -qv '^State:.*(stopped)' <(grep -h '^State:' /proc/"$slapd_pid"/task/*/status 2> /dev/null) &&
			return 0
		sleep 0.01
	done
	return 1
}

stop_slapd() {
	end_pid "$slapd_pid"
	slapd_pid=
}

for p in $port $tls_port $dead_port; do
	if ss -Hltn "sport = :$p" | grep -q .; then
		not_ok "port $p is free for the test's slapd"
		exit 1
	fi
done
if start_slapd; then
	ok "slapd runs on 127.0.0.1:$port and :$tls_port"
else
	not_ok "slapd runs on 127.0.0.1:$port and :$tls_port"
	sed 's/^/# /' "$tmp/slapd.log"
	exit 1
fi

ha1() { printf '%s' "$1:$realm:$2" | "$3" | cut -d' ' -f1; }
user_ldif() {
	local uid=$1 name=$2 pw=$3 extra=${4:-}
	cat << LDIF
dn: uid=$uid,ou=people,$base
objectClass: inetOrgPerson
objectClass: SIPIdentity
objectClass: sipwallTestAccount
uid: $uid
cn: $uid
sn: $uid
SIPIdentityUserName: $name
SIPIdentityPassword: $pw
SIPIdentitySIPURI: sip:$uid@$realm
sipwallTestHA1MD5: $(ha1 "$name" "$pw" md5sum)
sipwallTestHA1SHA256: $(ha1 "$name" "$pw" sha256sum)
LDIF
	[[ -z $extra ]] || echo "$extra"
	echo
}
{
	cat << LDIF
dn: $base
objectClass: dcObject
objectClass: organization
o: Example
dc: example

dn: ou=people,$base
objectClass: organizationalUnit
ou: people

dn: ou=services,$base
objectClass: organizationalUnit
ou: services

dn: $service
objectClass: person
cn: sipwall
sn: sipwall
userPassword: bind-secret

LDIF
	user_ldif alice alice alice-pw
	user_ldif bob bob bob-pw
	user_ldif carol carol carol-pw "description: disabled"
	user_ldif meta '*)(uid=*' meta-pw
	user_ldif dave dave dave-pw
} > "$tmp/users.ldif"
if ldapadd -x -H "ldap://127.0.0.1:$port" -D "$admin" -w admin-secret \
	-f "$tmp/users.ldif" > "$tmp/ldapadd.log" 2>&1; then
	ok "users loaded (cleartext, MD5 and SHA-256 HA1s, a disabled one, filter metacharacters)"
else
	not_ok "users loaded"
	sed 's/^/# /' "$tmp/ldapadd.log"
	exit 1
fi

umask 077
echo bind-secret > "$tmp/bind.pw"
echo wrong-secret > "$tmp/wrong.pw"

# ---- ldaptest, one at a time ----
reply=
start_lt() {
	# shellcheck disable=SC2086 # LDAPTEST_WRAP: a command line, e.g. valgrind
	coproc LT { exec ${LDAPTEST_WRAP:-} "$ldaptest" "$@" 2>> "$tmp/ldaptest.log"; }
	lt_pid=$LT_PID
}
ask() {
	local late
	reply="(no answer)"
	# an answer that came after its command gave up must not answer this one
	while IFS= read -r -t 0.01 late <&"${LT[0]}"; do
		echo "# late answer dropped: $late"
	done
	echo "$1" >&"${LT[1]}" 2> /dev/null || return
	IFS= read -r -t 20 reply <&"${LT[0]}" || reply="(no answer)"
}
# expect NAME COMMAND ANSWER
expect() {
	ask "$2"
	if [[ $reply == "$3" ]]; then
		ok "$1"
	else
		not_ok "$1: '$2' answered '$reply', expected '$3'"
	fi
}
# ends ldaptest; its exit status tells of ASan and LeakSanitizer findings
stop_lt() {
	local status=0
	exec {LT[1]}>&-
	wait "$lt_pid" || status=$?
	lt_pid=
	if [[ $status -eq 0 ]]; then
		ok "$1: ldaptest exits cleanly"
	else
		not_ok "$1: ldaptest exits cleanly (status $status)"
		sed 's/^/# /' "$tmp/ldaptest.log" | tail -40
	fi
	: > "$tmp/ldaptest.log"
}

common=(uri="ldap://127.0.0.1:$port" base="$base" bind_dn="$service"
	bind_password_file="$tmp/bind.pw" realm="$realm" reconnect_min=100
	reconnect_max=400 request_timeout=2000 network_timeout=2000)

