# SPDX-License-Identifier: GPL-2.0
#
# Sourced by tests/bench/sip/run: the directory both SBCs check digest
# credentials against. slapd as a plain process on loopback with the H.350.4
# schema of the LDAP tests (Debian ships none), USERS accounts u00000.. with
# cleartext SIPIdentityPassword pw-u00000.., and a service account both SBCs
# bind as. Needs: $out (scratch directory), $top, $P_LDAP, $USERS.

ldap_base=dc=example,dc=com
ldap_admin="cn=admin,$ldap_base"
ldap_service="cn=sbc,ou=services,$ldap_base"
ldap_bind_pw=bind-secret
sip_domain=sip.example.com

user_name() { printf 'u%05d' "$1"; }

slapd_start() {
	local slapd dir=$out/slapd
	slapd=$(command -v slapd || echo /usr/sbin/slapd)
	rm -rf "$dir"
	mkdir -p "$dir/db"
	cat > "$dir/slapd.conf" << CONF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include $top/tests/integration/ldap/h350.schema
pidfile $dir/slapd.pid
argsfile $dir/slapd.args
modulepath /usr/lib/ldap
moduleload back_mdb
database mdb
maxsize 268435456
suffix "$ldap_base"
rootdn "$ldap_admin"
rootpw admin-secret
directory $dir/db
index objectClass eq
index SIPIdentityUserName eq
access to attrs=userPassword
	by anonymous auth
	by * none
access to attrs=SIPIdentityPassword
	by dn.exact="$ldap_service" read
	by * none
access to *
	by * read
CONF
	"$slapd" -f "$dir/slapd.conf" -h "ldap://127.0.0.1:$P_LDAP/" -d 0 > "$dir/slapd.log" 2>&1 &
	slapd_pid=$!
	for _ in $(seq 100); do
		ldapsearch -x -H "ldap://127.0.0.1:$P_LDAP" -b "" -s base > /dev/null 2>&1 && break
		kill -0 "$slapd_pid" 2> /dev/null || return 1
		sleep 0.1
	done
	{
		printf 'dn: %s\nobjectClass: dcObject\nobjectClass: organization\no: Example\ndc: example\n\n' "$ldap_base"
		printf 'dn: ou=people,%s\nobjectClass: organizationalUnit\nou: people\n\n' "$ldap_base"
		printf 'dn: ou=services,%s\nobjectClass: organizationalUnit\nou: services\n\n' "$ldap_base"
		printf 'dn: %s\nobjectClass: person\ncn: sbc\nsn: sbc\nuserPassword: %s\n\n' \
			"$ldap_service" "$ldap_bind_pw"
		local i u
		for ((i = 0; i < USERS; i++)); do
			u=$(user_name "$i")
			printf 'dn: uid=%s,ou=people,%s\nobjectClass: inetOrgPerson\nobjectClass: SIPIdentity\n' "$u" "$ldap_base"
			printf 'uid: %s\ncn: %s\nsn: %s\nSIPIdentityUserName: %s\nSIPIdentityPassword: pw-%s\n' "$u" "$u" "$u" "$u" "$u"
			printf 'SIPIdentitySIPURI: sip:%s@%s\n\n' "$u" "$sip_domain"
		done
	} > "$dir/users.ldif"
	ldapadd -x -H "ldap://127.0.0.1:$P_LDAP" -D "$ldap_admin" -w admin-secret \
		-f "$dir/users.ldif" > "$dir/ldapadd.log" 2>&1
}
