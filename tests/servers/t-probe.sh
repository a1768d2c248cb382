#!/bin/bash
# starling probe against the real Dovecot and Postfix of the harness: good
# servers (level 2 for STARTTLS, 3 for implicit TLS, exit 0), TLS off
# (level 0, exit 2), bad certificates (level 1, exit 3), the TLS 1.2-only
# and TLS 1.3-only Dovecots (the versions map), what gnutls-cli sees on the
# same endpoints (version, fingerprint, pin), a closed port (exit 5), the
# table and its colours, usage errors -- and, in every server's log, no
# authentication attempt from any of it (with the control: the same grep
# finds a real login by starling check).
set -u
. "$(dirname "$0")/harness.sh"
harness_require
harness_require_starling
command -v gnutls-cli >/dev/null || tap_skip_all "gnutls-cli not installed (gnutls-bin)"
harness_start
harness_start_probe_extras

# Every log, marked before the first probe: the no-auth checks at the end
# look at everything the probes caused.
M_TLS=$(log_mark "$DOVECOT_LOG") M_PLAIN=$(log_mark "$PLAIN_DOVECOT_LOG")
M_POSTFIX=$(log_mark "$POSTFIX_LOG") M_TLS12=$(log_mark "$TLS12_DOVECOT_LOG")
M_TLS13=$(log_mark "$TLS13_DOVECOT_LOG")

# probe ARGS...: starling probe --json --timeout 5 ARGS; the JSON in $OUT.
probe() { run_starling probe --json --timeout 5 "$@"; }

# ep_json ADDR PORT: the endpoint ADDR:PORT of the JSON in $OUT ({} if
# none); its "versions" also as "v" with keys tls1_0..tls1_3 (jexpect.py
# paths cannot hold the dots of "TLS1.2").
ep_json() {
    printf '%s' "$OUT" | python3 -c '
import json, sys
try:
    doc = json.load(sys.stdin)
except ValueError:
    doc = {}
for t in doc.get("targets", []):
    for e in t.get("endpoints", []):
        if e.get("addr") == sys.argv[1] and str(e.get("port")) == sys.argv[2]:
            e["v"] = {k.replace("TLS1.", "tls1_"): v
                      for k, v in (e.get("versions") or {}).items()}
            print(json.dumps(e)); sys.exit(0)
print("{}")' "$1" "$2"
}

# expect_ep DESC ADDR PORT EXPECTATION...: jexpect.py on one endpoint.
expect_ep() {
    local desc=$1 addr=$2 port=$3 res; shift 3
    res=$(ep_json "$addr" "$port" | python3 "$HARNESS_DIR/jexpect.py" "$@")
    tap_result $? "$desc" "$(printf '%s\n' "endpoint $addr:$port: $res"; starling_diag)"
}

# expect_target DESC TARGET EXPECTATION...: jexpect.py on one target's object.
expect_target() {
    local desc=$1 target=$2 res; shift 2
    res=$(printf '%s' "$OUT" | python3 -c '
import json, sys
for t in json.load(sys.stdin).get("targets", []):
    if t.get("target") == sys.argv[1]:
        print(json.dumps(t)); sys.exit(0)
print("{}")' "$target" | python3 "$HARNESS_DIR/jexpect.py" "$@")
    tap_result $? "$desc" "$(printf '%s\n' "target $target: $res"; starling_diag)"
}

L=127.0.0.1
GOOD="imap://localhost:$IMAP_PORT imaps://localhost:$IMAPS_PORT
pop3://localhost:$POP3_PORT pop3s://localhost:$POP3S_PORT
smtp://localhost:$SUBMISSION_PORT smtps://localhost:$SMTPS_PORT"

# ------------------------------------------------------------ good servers
# shellcheck disable=SC2086
probe --cafile "$CA_PEM" $GOOD
expect_rc "six good endpoints in one run: exit 0" 0
expect_json "JSON schema version 1, six targets, exit 0 in the object" \
    version=1 targets#=6 exit=0
for url in $GOOD; do
    port=${url##*:} scheme=${url%%:*}
    case $scheme in *s) want=3 transport=implicit ;; *) want=2 transport=starttls ;; esac
    svc=${scheme%s}
    expect_target "$url: target level $want" "$url" level="$want"
    expect_ep "$url: $svc/$transport, reachable, level $want, grade A or A+" \
        "$L" "$port" reachable=true level="$want" service="$svc" \
        transport="$transport" 'grade~^A\+?$' "id=localhost/$L:$port" \
        name=localhost error=null
    expect_ep "$url: TLS 1.3, trusted, name matches, leaf and chain" "$L" "$port" \
        tls.version=TLS1.3 'tls.cipher~^TLS_(AES|CHACHA20)' 'tls.group~.' \
        certificate.verify.trusted=true certificate.verify.hostname=true \
        "certificate.sha256=$(cert_field "$GOOD_PEM" sha256)" \
        "certificate.pin=$(cert_field "$GOOD_PEM" pin)" \
        'certificate.subject=CN=localhost' 'certificate.days_left~^(29|30)$' \
        "chain.0.sha256=$(cert_field "$GOOD_PEM" sha256)"
    expect_ep "$url: TLS 1.2 and 1.3 accepted, 1.0 and 1.1 not" "$L" "$port" \
        v.tls1_2=accepted v.tls1_3=accepted \
        'v.tls1_0~^(refused|untestable)$' \
        'v.tls1_1~^(refused|untestable)$'
    if [ "$transport" = starttls ]; then
        expect_ep "$url: STARTTLS advertised and accepted, not again inside TLS" \
            "$L" "$port" starttls_advertised=true starttls_accepted=true \
            starttls_after_tls=false injection_reacts=false 'plain_auth_offered~^(True|False)$'
    else
        expect_ep "$url: implicit TLS: the STARTTLS facts do not apply" "$L" "$port" \
            starttls_advertised=null starttls_accepted=null plain_auth_offered=null
    fi
done
# Dovecot counts a client on its own address as secure (rip = lip) and
# offers AUTH=PLAIN to it before TLS: the probe says so.  Postfix's
# submission (smtpd_tls_auth_only) offers AUTH only inside TLS.
expect_ep "IMAP on loopback: Dovecot offers a login before TLS (HIGH finding)" \
    "$L" "$IMAP_PORT" plain_auth_offered=true \
    'findings~plaintext_auth_before_tls.*HIGH'
expect_ep "submission: no AUTH before TLS" "$L" "$SUBMISSION_PORT" \
    plain_auth_offered=false
GOOD_JSON=$OUT

# The text table of the same run: not a terminal, so no colour.
# shellcheck disable=SC2086
run_starling probe --timeout 5 --cafile "$CA_PEM" $GOOD
expect_rc "the table: exit 0 as with --json" 0
TABLE_OK=0
grep -q "HOST.*ADDRESS.*PORT.*SERVICE.*LOCK.*TLS.*GRADE.*LEVEL" <<<"$OUT" &&
    [ "$(grep -c "^localhost .*\[TLS\] .*TLS1\.3" <<<"$OUT")" -eq 6 ] &&
    grep -q "^imap://localhost:$IMAP_PORT: level 2 of 4" <<<"$OUT" &&
    grep -q "^smtps://localhost:$SMTPS_PORT: level 3 of 4" <<<"$OUT" || TABLE_OK=1
tap_result $TABLE_OK "the table: a header, six [TLS] rows, a summary line per target" \
    "$(starling_diag)"
! grep -q $'\033' <<<"$OUT"
tap_result $? "the table: no escape sequences when stdout is not a terminal" "$(starling_diag)"

# On a terminal (script(1) gives it one): colour, unless NO_COLOR is set.
if command -v script >/dev/null; then
    tty_run() {
        OUT=$(env "$@" TERM=xterm timeout 60 script -qec "'$STARLING' probe --timeout 5 \
            --cafile '$CA_PEM' imap://localhost:$IMAP_PORT" /dev/null </dev/null 2>&1)
        # shellcheck disable=SC2034  # starling_diag shows it
        LAST_CMD="script: starling probe imap://localhost:$IMAP_PORT ($*)"
    }
    tty_run NO_COLOR=
    grep -q $'\033\[32m\[TLS\]\033\[0m' <<<"$OUT"
    tap_result $? "on a terminal: the [TLS] tag in green" "$(starling_diag)"
    tty_run NO_COLOR=1
    grep -q '\[TLS\]' <<<"$OUT" && ! grep -q $'\033\[' <<<"$OUT"
    tap_result $? "on a terminal with NO_COLOR: the tag, no colour" "$(starling_diag)"
else
    tap_skip "on a terminal: colour" "script(1) not installed"
    tap_skip "on a terminal with NO_COLOR" "script(1) not installed"
fi

# -------------------------------------------------- gnutls-cli, same endpoint
# gnutls_facts PROTO|- PORT: "VERSION SHA256 PIN" as gnutls-cli sees them.
gnutls_facts() {
    local sp=() out pem
    [ "$1" != - ] && sp=(--starttls-proto="$1")
    out=$(timeout 15 gnutls-cli "${sp[@]}" --print-cert --x509cafile "$CA_PEM" \
        -p "$2" localhost </dev/null 2>&1)
    pem=$(mktemp "$H/gc.XXXXXX")
    sed -n '/-----BEGIN CERTIFICATE-----/,/-----END CERTIFICATE-----/p' <<<"$out" \
        | awk '/BEGIN/ { n++ } n == 1' >"$pem"
    printf '%s %s %s\n' "$(sed -n 's/^- Description: (\(TLS1\.[0-9]\)-.*/\1/p' <<<"$out")" \
        "$(cert_field "$pem" sha256 2>/dev/null)" "$(cert_field "$pem" pin 2>/dev/null)"
    rm -f "$pem"
}

# cross_check DESC PROTO|- PORT: probe's version, sha256 and pin for
# localhost:PORT (in $OUT) are gnutls-cli's.
cross_check() {
    local desc=$1 g p
    g=$(gnutls_facts "$2" "$3")
    p=$(ep_json "$L" "$3" | python3 -c '
import json, sys
e = json.load(sys.stdin)
print((e.get("tls") or {}).get("version"), (e.get("certificate") or {}).get("sha256"),
      (e.get("certificate") or {}).get("pin"))')
    [ -n "${g%% *}" ] && [ "$g" = "$p" ]
    tap_result $? "$desc" "$(printf '%s\n' "gnutls-cli: $g" "probe:      $p")"
}
OUT=$GOOD_JSON
cross_check "gnutls-cli on IMAP STARTTLS: same version, fingerprint and pin" imap "$IMAP_PORT"
cross_check "gnutls-cli on SMTP STARTTLS: same version, fingerprint and pin" smtp "$SUBMISSION_PORT"
cross_check "gnutls-cli on POP3S: same version, fingerprint and pin" - "$POP3S_PORT"

# ------------------------------------------------ TLS 1.2 only, TLS 1.3 only
probe --cafile "$CA_PEM" "imap://localhost:$TLS12_IMAP_PORT" \
    "imaps://localhost:$TLS12_IMAPS_PORT" "imap://localhost:$TLS13_IMAP_PORT" \
    "imaps://localhost:$TLS13_IMAPS_PORT"
expect_rc "TLS 1.2-only and 1.3-only servers: valid, exit 0" 0
for p in "$TLS12_IMAP_PORT" "$TLS12_IMAPS_PORT"; do
    expect_ep "TLS 1.2-only ($p): negotiated 1.2; 1.2 accepted, 1.3 refused" "$L" "$p" \
        tls.version=TLS1.2 v.tls1_2=accepted v.tls1_3=refused \
        'v.tls1_0~^(refused|untestable)$' 'level~^[23]$'
done
for p in "$TLS13_IMAP_PORT" "$TLS13_IMAPS_PORT"; do
    expect_ep "TLS 1.3-only ($p): negotiated 1.3; 1.3 accepted, 1.2 refused" "$L" "$p" \
        tls.version=TLS1.3 v.tls1_3=accepted v.tls1_2=refused \
        'v.tls1_1~^(refused|untestable)$' 'level~^[23]$'
done
cross_check "gnutls-cli on the TLS 1.2-only IMAP: same version (1.2), fingerprint, pin" \
    imap "$TLS12_IMAP_PORT"

# ----------------------------------------------------------------- TLS off
probe "imap://localhost:$PLAIN_IMAP_PORT" "pop3://localhost:$PLAIN_POP3_PORT" \
    "smtp://localhost:$PLAIN_SMTP_PORT"
expect_rc "TLS off (IMAP, POP3, SMTP): exit 2" 2
for p in "$PLAIN_IMAP_PORT" "$PLAIN_POP3_PORT" "$PLAIN_SMTP_PORT"; do
    expect_ep "TLS off ($p): level 0, no TLS, no STARTTLS, plaintext login offered" \
        "$L" "$p" reachable=true level=0 tls=null certificate=null \
        starttls_advertised=false plain_auth_offered=true 'greeting~.' \
        'findings.0.id~.' 'findings.0.finding~.'
    expect_ep "TLS off ($p): a HIGH or CRITICAL finding" "$L" "$p" \
        'findings~(HIGH|CRITICAL)'
done
expect_target "TLS off: target level 0" "imap://localhost:$PLAIN_IMAP_PORT" level=0

# -------------------------------------------------------- bad certificates
# bad_cert DESC GRADE URL ADDR PORT EXPECTATION...: exit 3, level 1, GRADE
# (T: not trusted; M: trusted, but not issued for the name -- probe.c).
bad_cert() {
    local desc=$1 grade=$2 url=$3 addr=$4 port=$5; shift 5
    probe --cafile "$CA_PEM" "$url"
    expect_rc "$desc: exit 3" 3
    expect_ep "$desc: level 1, grade $grade, TLS done, certificate not valid" \
        "$addr" "$port" level=1 grade="$grade" 'tls.version~^TLS1\.[23]$' "$@"
}
bad_cert "unknown CA" T "imap://$UNKNOWNCA_HOST:$IMAP_PORT" "$UNKNOWNCA_HOST" \
    "$IMAP_PORT" certificate.verify.trusted=false certificate.verify.hostname=true \
    "certificate.sha256=$(cert_field "$UNKNOWNCA_PEM" sha256)" \
    'findings~cert_untrusted.*CRITICAL'
# (a client on 127.0.0.1 is not on Dovecot's address 127.0.0.4: no login
# before TLS there -- LOGINDISABLED)
expect_ep "unknown CA: IMAP from another address: LOGINDISABLED before TLS" \
    "$UNKNOWNCA_HOST" "$IMAP_PORT" plain_auth_offered=false
bad_cert "expired" T "imaps://$EXPIRED_HOST:$IMAPS_PORT" "$EXPIRED_HOST" \
    "$IMAPS_PORT" certificate.verify.trusted=false 'certificate.days_left~^-' \
    'findings~cert_expired.*CRITICAL'
bad_cert "name mismatch" M "smtp://$WRONGNAME_HOST:$SUBMISSION_PORT" \
    "$WRONGNAME_HOST" "$SUBMISSION_PORT" certificate.verify.hostname=false \
    certificate.verify.trusted=true 'findings~cert_name_mismatch.*HIGH'
probe "imaps://localhost:$IMAPS_PORT"
expect_rc "the good server without --cafile (the test CA unknown): exit 3" 3

# ------------------------------------------------------------- exit codes
probe --cafile "$CA_PEM" "imap://localhost:$IMAP_PORT" "imap://$UNKNOWNCA_HOST:$IMAP_PORT"
expect_rc "good + invalid certificate: exit 3" 3
expect_target "good + invalid: each target has its own level" \
    "imap://localhost:$IMAP_PORT" level=2
probe --cafile "$CA_PEM" "imap://$UNKNOWNCA_HOST:$IMAP_PORT" \
    "imap://localhost:$PLAIN_IMAP_PORT" "imap://localhost:$IMAP_PORT"
expect_rc "good + invalid + TLS off: exit 2 (the worst decides)" 2
probe --cafile "$CA_PEM" "imap://localhost:$CLOSED_PORT"
expect_rc "a closed port, nothing else: exit 5" 5
expect_ep "closed port: unreachable, with the reason" "$L" "$CLOSED_PORT" \
    reachable=false tls=null 'error~.' grade=null
expect_target "closed port: the target's level is null" \
    "imap://localhost:$CLOSED_PORT" level=null
probe --cafile "$CA_PEM" "imap://localhost:$CLOSED_PORT" "imap://localhost:$IMAP_PORT"
expect_rc "a closed port beside a good one: exit 0 (the good one decides)" 0

# ------------------------------------------------------------- usage errors
run_starling probe
expect_rc "no TARGET: usage error, exit 1" 1
grep -q "usage: starling probe" <<<"$ERR"
tap_result $? "no TARGET: the usage line on stderr" "$(starling_diag)"
run_starling probe --timeout 0 localhost
expect_rc "--timeout 0: exit 1" 1
run_starling probe --jobs many localhost
expect_rc "--jobs many: exit 1" 1
run_starling probe --json "bogus://localhost:1"
expect_rc "a TARGET that does not parse: exit 1" 1
[ -z "$OUT" ] && grep -q "^starling: ..*" <<<"$ERR"
tap_result $? "a TARGET that does not parse: a sentence on stderr, nothing on stdout" \
    "$(starling_diag)"

# -------------------------------------------- no credential, in any log
for s in "tls:$DOVECOT_LOG:$M_TLS" "plain:$PLAIN_DOVECOT_LOG:$M_PLAIN" \
         "tls12:$TLS12_DOVECOT_LOG:$M_TLS12" "tls13:$TLS13_DOVECOT_LOG:$M_TLS13"; do
    IFS=: read -r name log mark <<<"$s"
    server_saw_no_auth "Dovecot ($name): every probe connection ended, no auth attempt" \
        "$log" "$mark" "$DOVECOT_END_RE" "$log" "$mark"
done
server_saw_no_auth "Postfix: probe connections ended, no SASL attempt" \
    "$POSTFIX_LOG" "$M_POSTFIX" "$POSTFIX_END_RE" "$DOVECOT_LOG" "$M_TLS"
# The control: the same grep finds a real login (starling check).
M=$(log_mark "$DOVECOT_LOG")
config_new
config_account control "${ACCOUNT_KEYS[@]}" "cafile=$CA_PEM" \
    "imap=imap://localhost:$IMAP_PORT"
check control
expect_rc "control: starling check logs in (exit 0)" 0
server_saw_auth "control: the grep does find check's login in Dovecot's log" \
    "$DOVECOT_LOG" "$M"

tap_plan "$TAP_N"
tap_done
