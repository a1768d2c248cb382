#!/bin/bash
# probe_targets() (client/probe_targets.c over client/dns.c and libunbound)
# against a real DNS server: dnsmasq on loopback (tests/servers/dns.sh)
# serving MX and SRV records. A domain becomes its MX hosts on port 25 and
# its RFC 6186/8314 SRV targets, a host its seven mail ports, every name
# every address; a "." SRV target means "not offered"; names that do not
# resolve and lookups that fail are endpoints with a clear error; a silent
# or absent resolver costs at most its timeout. The driver that prints the
# endpoints is compiled here from client/libclient.a.
set -u
. "$(dirname "$0")/harness.sh"	# the TAP helpers; no mail server here
. "$(dirname "$0")/dns.sh"
dns_require
dns_start
tap_plan 33

top_src=${top_srcdir:-$(cd "$HARNESS_DIR/../.." && pwd)}
top_build=${top_builddir:-$PWD}

# The driver: targets_test [--resolver R] [--timeout S] TARGET... prints
# one line per endpoint: target source name addr port service transport
# is_mx fresh error, tab-separated; "fresh" says the result fields are as
# probe.h says they start (0, and -1 for "n/a"). On failure: "error" and
# the message, exit 1.
cat >"$DNS_DIR/targets_test.c" <<'EOF'
#include "build-config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "probe.h"

static int
fresh(const struct endpoint *e)
{
	static const struct endpoint zero;
	int i;

	for (i = 0; i < TLSV_COUNT; i++)
		if (e->versions[i] != VERSION_UNKNOWN)
			return 0;
	return e->starttls_advertised == -1 && e->plain_auth_offered == -1 &&
	    e->starttls_accepted == -1 && e->starttls_after_tls == -1 &&
	    e->injection_reacts == -1 && !e->reachable && !e->greeting &&
	    !e->ocsp_stapled && !e->chain_ordered && !e->chain_complete &&
	    !e->smtp_421 && !e->findings && !e->nfindings && !e->grade[0] &&
	    !e->level && e->seconds == 0 &&
	    memcmp(&e->tls, &zero.tls, sizeof e->tls) == 0;
}

int
main(int argc, char **argv)
{
	struct probe_opts o;
	struct endpoint *eps;
	size_t n, i;
	char *err = NULL;
	int a = 1;

	memset(&o, 0, sizeof o);
	for (; a + 1 < argc && strncmp(argv[a], "--", 2) == 0; a += 2) {
		if (strcmp(argv[a], "--resolver") == 0)
			o.resolver = argv[a + 1];
		else
			o.timeout = (unsigned)atoi(argv[a + 1]);
	}
	if (probe_targets(argv + a, (size_t)(argc - a), &o, &eps, &n,
	    &err) != 0) {
		printf("error\t%s\n", err);
		free(err);
		return 1;
	}
	for (i = 0; i < n; i++) {
		const struct endpoint *e = &eps[i];

		printf("%s\t%s\t%s\t%s\t%u\t%s\t%s\t%d\t%s\t%s\n", e->target,
		    e->source, e->name, e->addr ? e->addr : "-", e->port,
		    service_name(e->service), transport_name(e->transport),
		    e->is_mx, fresh(e) ? "fresh" : "SET",
		    e->error ? e->error : "-");
	}
	probe_endpoints_free(eps, n);
	return 0;
}
EOF

# build_driver: compile the driver; the library's own objects first, and
# the sources of what it does not have yet.
build_driver() {
    local lib=$top_build/client/libclient.a srcs=() san=() f
    [ -f "$lib" ] || { echo "no $lib: build first"; return 1; }
    for f in probe_targets:probe_targets dns_run:dns probe_endpoints_free:probe; do
        nm "$lib" 2>/dev/null | grep -q " T ${f%%:*}\$" ||
            srcs+=("$top_src/client/${f#*:}.c")
    done
    nm "$lib" 2>/dev/null | grep -q __asan_init &&
        san=("-fsanitize=address,undefined")
    # shellcheck disable=SC2046
    gcc -g "${san[@]}" -I"$top_build" -I"$top_src" -I"$top_src/client" \
        $(pkg-config --cflags gnutls libetpan inih libunbound) \
        "$DNS_DIR/targets_test.c" "${srcs[@]}" "$lib" \
        $(pkg-config --libs gnutls libetpan inih libunbound) -lpthread \
        -o "$DNS_DIR/targets_test"
}
out=$(build_driver 2>&1) ||
    { echo "Bail out! cannot build the driver: $(head -c 300 <<<"$out")"; exit 1; }
DRIVER=$DNS_DIR/targets_test

SAN_REPORTS=
# pt ARGS...: run the driver; OUT, ERR, RC and MS (milliseconds taken).
pt() {
    local o e t0=${EPOCHREALTIME/./}
    o=$(mktemp "$DNS_DIR/out.XXXXXX"); e=$(mktemp "$DNS_DIR/err.XXXXXX")
    timeout 60 "$DRIVER" "$@" >"$o" 2>"$e" </dev/null
    RC=$?
    MS=$(( (${EPOCHREALTIME/./} - t0) / 1000 ))
    OUT=$(cat "$o"); ERR=$(cat "$e"); rm -f "$o" "$e"
    LAST_CMD="targets_test $*"
    if grep -Eq 'Sanitizer|runtime error:' <<<"$ERR"; then
        SAN_REPORTS+="$LAST_CMD: $(head -c 2000 <<<"$ERR")"$'\n'
    fi
}
# pd ARGS...: pt through the test's DNS server.
pd() { pt --resolver "$DNS_RESOLVER" --timeout 5 "$@"; }
diag() { printf '%s\n' "command: $LAST_CMD" "exit: $RC ($MS ms)" "stdout:" \
    "$OUT" "stderr:" "$(head -c 2000 <<<"$ERR")" "dnsmasq log (tail):" \
    "$(tail -n 15 "$DNS_LOG" 2>/dev/null)"; }
# same DESC GOT WANT: one test point, byte for byte.
same() {
    [ "$2" = "$3" ]
    tap_result $? "$1" "$(printf 'got:\n%s\nwant:\n%s\n' "$2" "$3"; diag)"
}
# rows: source name addr port service transport is_mx of every endpoint.
rows() { cut -f2-8 <<<"$OUT"; }
T=$'\t'

# ------------------------------------------------------------------ domain
pd example.test
same "example.test: exit 0, every endpoint fresh, the right target" \
    "$RC $(cut -f1,9 <<<"$OUT" | sort -u | tr '\n' ' ')" \
    "0 example.test${T}fresh "
same "example.test: MX by preference on port 25, each address (A, then AAAA), then the SRV targets in RFC 6186/8314 order by priority" \
    "$(rows)" "$(cat <<EOF
MX 10${T}mx1.example.test${T}127.0.0.1${T}25${T}smtp${T}starttls${T}1
MX 10${T}mx1.example.test${T}::1${T}25${T}smtp${T}starttls${T}1
MX 20${T}mx2.example.test${T}127.0.0.2${T}25${T}smtp${T}starttls${T}1
SRV _submissions._tcp${T}mail.example.test${T}127.0.0.1${T}465${T}smtp${T}implicit${T}0
SRV _submissions._tcp${T}mail.example.test${T}127.0.0.3${T}465${T}smtp${T}implicit${T}0
SRV _submission._tcp${T}mail.example.test${T}127.0.0.1${T}587${T}smtp${T}starttls${T}0
SRV _submission._tcp${T}mail.example.test${T}127.0.0.3${T}587${T}smtp${T}starttls${T}0
SRV _imaps._tcp${T}mail.example.test${T}127.0.0.1${T}993${T}imap${T}implicit${T}0
SRV _imaps._tcp${T}mail.example.test${T}127.0.0.3${T}993${T}imap${T}implicit${T}0
SRV _imaps._tcp${T}imap2.example.test${T}-${T}993${T}imap${T}implicit${T}0
SRV _pop3s._tcp${T}mail.example.test${T}127.0.0.1${T}995${T}pop3${T}implicit${T}0
SRV _pop3s._tcp${T}mail.example.test${T}127.0.0.3${T}995${T}pop3${T}implicit${T}0
EOF
)"
same "example.test: an SRV target without an address is an endpoint with a clear error" \
    "$(grep -F "${T}imap2.example.test${T}" <<<"$OUT" | cut -f4,10)" \
    "-${T}cannot resolve imap2.example.test: no such domain"
same "example.test: only the unresolvable name carries an error" \
    "$(cut -f10 <<<"$OUT" | grep -vc '^-$')" 1
! grep -q '_imap\._tcp\|_pop3\._tcp' <<<"$OUT"
tap_result $? "example.test: SRV target \".\" (_imap) and no SRV (_pop3): no endpoint" "$(diag)"
grep -q "query\[SRV\] _imap._tcp.example.test" "$DNS_LOG" &&
    grep -q "query\[SRV\] _pop3._tcp.example.test" "$DNS_LOG" &&
    grep -q "query\[MX\] example.test" "$DNS_LOG"
tap_result $? "example.test: MX and all six SRV names were asked of the server" \
    "$(diag)"
[ "$RC" -eq 0 ] && [ "$MS" -lt 1000 ]
tap_result $? "example.test: resolved in under 1 s ($MS ms)" "$(diag)"

pd EXAMPLE.TEST.
same "EXAMPLE.TEST.: case and the final dot make no difference (but the target is kept as given)" \
    "$RC $(cut -f1 <<<"$OUT" | sort -u) $(rows | md5sum)" \
    "0 EXAMPLE.TEST. $(pd example.test; rows | md5sum)"

pd srv.test
same "srv.test: SRV records alone make a domain: no port 25, no host ports" \
    "$RC $(rows | tr '\n' '|')" \
    "0 SRV _imaps._tcp${T}mail.example.test${T}127.0.0.1${T}993${T}imap${T}implicit${T}0|SRV _imaps._tcp${T}mail.example.test${T}127.0.0.3${T}993${T}imap${T}implicit${T}0|"

pd weights.test
same "weights.test: SRV by priority, then heavier weight first" \
    "$(cut -f3 <<<"$OUT" | tr '\n' ' ')" \
    "heavy.weights.test light.weights.test late.weights.test "

pd dup.test
same "dup.test: MX host and SRV target on the same name, address and port merge into one endpoint" \
    "$RC $(rows)" \
    "0 MX 10, SRV _submission._tcp${T}mail.dup.test${T}127.0.0.1${T}25${T}smtp${T}starttls${T}1"

pd nullmx.test
same "nullmx.test: a null MX (RFC 7505) is a domain without mail, said once" \
    "$RC $(cut -f2,3,4,5,10 <<<"$OUT")" \
    "0 domain${T}nullmx.test${T}-${T}0${T}nullmx.test offers no mail service: its MX and SRV records all say \".\" (RFC 7505, RFC 6186)"

pd nomx.test
same "nomx.test: an MX host that does not exist: one endpoint with the reason" \
    "$RC $(cut -f2-5,8,10 <<<"$OUT")" \
    "0 MX 10${T}gone.nomx.test${T}-${T}25${T}1${T}cannot resolve gone.nomx.test: no such domain"

# -------------------------------------------------------------------- hosts
HOST_PORTS="25 smtp starttls|587 smtp starttls|465 smtp implicit|143 imap starttls|993 imap implicit|110 pop3 starttls|995 pop3 implicit|"
pd host.example.test
same "host.example.test (no MX, no SRV): a host, its seven ports in order" \
    "$RC $(cut -f5-7 <<<"$OUT" | tr '\t\n' ' |')" "0 $HOST_PORTS"
same "host.example.test: source host, its one address, not an MX" \
    "$(cut -f2-4,8,9,10 <<<"$OUT" | sort -u)" \
    "host${T}host.example.test${T}127.0.0.1${T}0${T}fresh${T}-"

pd nosuch.test
same "nosuch.test (NXDOMAIN): a host that does not resolve: one endpoint that says so" \
    "$RC $(cut -f2-5,10 <<<"$OUT")" \
    "0 host${T}nosuch.test${T}-${T}0${T}cannot resolve nosuch.test: no such domain"

pd host.example.test host.example.test
same "the same target twice: its endpoints once" "$RC $(grep -c . <<<"$OUT")" "0 7"

pd alias.example.test:143
same "a CNAME is followed; the endpoint keeps the name asked for" \
    "$RC $(cut -f2-6 <<<"$OUT" | tr '\n' '|')" \
    "0 given${T}alias.example.test${T}127.0.0.1${T}143${T}imap|given${T}alias.example.test${T}127.0.0.3${T}143${T}imap|"

pd imaps://mail.example.test:10993 mx2.example.test:465 pop3://mx1.example.test
same "URLs and host:port: one service each, every address" \
    "$RC $(cut -f1,3-7 <<<"$OUT" | tr '\n' '|')" \
    "0 imaps://mail.example.test:10993${T}mail.example.test${T}127.0.0.1${T}10993${T}imap${T}implicit|$(
    )imaps://mail.example.test:10993${T}mail.example.test${T}127.0.0.3${T}10993${T}imap${T}implicit|$(
    )mx2.example.test:465${T}mx2.example.test${T}127.0.0.2${T}465${T}smtp${T}implicit|$(
    )pop3://mx1.example.test${T}mx1.example.test${T}127.0.0.1${T}110${T}pop3${T}starttls|$(
    )pop3://mx1.example.test${T}mx1.example.test${T}::1${T}110${T}pop3${T}starttls|"

pd example.test host.example.test
same "several targets: in the order given, each endpoint under its own target" \
    "$RC $(cut -f1 <<<"$OUT" | uniq -c | awk '{print $2 "=" $1}' | tr '\n' ' ')" \
    "0 example.test=12 host.example.test=7 "

# --------------------------------------------- no DNS, or a useless resolver
CLOSED=$(dns_free_port)
pt --resolver "127.0.0.1:$CLOSED" --timeout 5 127.0.0.1 '[::1]:993' 'smtps://[::1]'
# shellcheck disable=SC2001
same "IP literals need no DNS: a host's seven ports, [v6]:port, a URL" \
    "$RC $(cut -f2-7 <<<"$OUT" | tr '\t\n' ' |')" \
    "0 $(sed 's/[^|]*|/host 127.0.0.1 127.0.0.1 &/g' <<<"$HOST_PORTS")given ::1 ::1 993 imap implicit|given ::1 ::1 465 smtp implicit|"
[ "$MS" -lt 1000 ]
tap_result $? "IP literals: the unusable resolver is never asked ($MS ms)" "$(diag)"

pt --resolver "127.0.0.1:$CLOSED" --timeout 1 example.test mail.example.test:993
n_err=$(cut -f4,10 <<<"$OUT" | grep -c "^-${T}cannot \(look up\|resolve\) ")
[ "$RC" -eq 0 ] && [ "$n_err" -eq "$(grep -c . <<<"$OUT")" ] && [ "$n_err" -ge 2 ]
tap_result $? "a closed resolver port: every endpoint says it cannot look up or resolve" "$(diag)"
[ "$MS" -lt 3500 ]
tap_result $? "a closed resolver port: done within the timeout of its two rounds ($MS ms, 1 s each)" "$(diag)"

SILENT_OUT=$DNS_DIR/silent.port
timeout 60 python3 -c '
import socket, time
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0))
t = socket.socket(); t.bind(("127.0.0.1", u.getsockname()[1])); t.listen(16)
print(u.getsockname()[1], flush=True)
time.sleep(60)' >"$SILENT_OUT" 2>/dev/null &
SILENT_PID=$!
for _ in $(seq 50); do [ -s "$SILENT_OUT" ] && break; sleep 0.1; done
SILENT=$(cat "$SILENT_OUT")
pt --resolver "127.0.0.1:$SILENT" --timeout 2 example.test
kill "$SILENT_PID" 2>/dev/null
same "a silent resolver: MX and the six SRV lookups each end with the timeout" \
    "$RC $(cut -f2,4,5,10 <<<"$OUT" | tr '\n' '|')" "0 $(
    printf 'MX\t-\t25\tcannot look up MX example.test: the DNS server 127.0.0.1:%s did not answer within 2 s|' "$SILENT"
    for s in submissions:465 submission:587 imaps:993 imap:143 pop3s:995 pop3:110; do
        printf 'SRV _%s._tcp\t-\t%s\tcannot look up SRV _%s._tcp.example.test: the DNS server 127.0.0.1:%s did not answer within 2 s|' \
            "${s%%:*}" "${s#*:}" "${s%%:*}" "$SILENT"
    done)"
[ "$MS" -ge 1900 ] && [ "$MS" -lt 3500 ]
tap_result $? "a silent resolver: one timeout for the whole batch of lookups ($MS ms, timeout 2 s)" "$(diag)"

# --------------------------------------------------------------- bad input
mark=$(log_mark "$DNS_LOG")
pt --resolver "$DNS_RESOLVER" example.test host.example.test:2525
same "host:port on a port without a standard service: refused, asking for a URL" \
    "$RC $OUT" \
    "1 error${T}port 2525 in \"host.example.test:2525\" is not a standard mail port: say which service runs there with a URL such as imaps://host.example.test:2525 (imap, imaps, pop3, pop3s, smtp or smtps)"
[ -z "$(log_since "$DNS_LOG" "$mark")" ]
tap_result $? "a bad target is refused before any DNS lookup" "$(diag)"
pt --resolver 'not-an-ip:53' 127.0.0.1
same "a bad --resolver is refused, even when no lookup is needed" "$RC $OUT" \
    "1 error${T}invalid resolver \"not-an-ip:53\" (expected IP[:PORT], e.g. 127.0.0.1:53 or [::1]:53)"
pt --resolver "$DNS_RESOLVER" 'bad_name!.test'
same "an invalid name: refused with the rules" "$RC $OUT" \
    "1 error${T}\"bad_name!.test\" is not a domain, a host name or an address (use letters, digits, \"-\" and \".\"; write international names in their xn-- form)"
pt --resolver "$DNS_RESOLVER" 'ftp://example.test'
same "an unknown scheme: url_parse's message" "$RC $OUT" \
    "1 error${T}unknown scheme \"ftp\" in \"ftp://example.test\" (use imap, imaps, pop3, pop3s, smtp or smtps)"

# ------------------------------------------------------- the system's resolver
if [ -r /etc/resolv.conf ]; then
    pt --timeout 5 localhost:993
    same "without --resolver: the system's resolver and /etc/hosts (localhost)" \
        "$RC $(cut -f3,4 <<<"$OUT" | grep -c "^localhost${T}127.0.0.1$")" "0 1"
else
    tap_skip "without --resolver: the system's resolver" "no /etc/resolv.conf here"
fi

[ -z "$SAN_REPORTS" ]
tap_result $? "no AddressSanitizer/UBSan/LeakSanitizer report in any run" \
    "$SAN_REPORTS"

tap_done
