#!/bin/bash
# Hostile servers, class 8: certificates.  A server that completes TLS with
# a self-signed certificate, one from an unknown CA, an expired one, one not
# yet valid, one for another host, a wildcard *.example.test presented for
# a.b.example.test (must not match; b.example.test must, as the control),
# an RSA 1024 key, and a server that speaks only TLS 1.0 or 1.1 (with the
# default priority, and with a tls_priority that lets GnuTLS offer it: the
# version floor must hold either way).  Over STARTTLS for IMAP, POP3 and
# SMTP and over implicit TLS (imaps; smtps for some): exit 3 with the reason
# in words, and the impostor gets nothing, not even inside TLS.
set -u
. "$(dirname "$0")/lib.sh"
hostile_init

L=('cn = "localhost"' 'dns_name = "localhost"' 'ip_address = "127.0.0.1"')
FUTURE='activation_date = "2099-01-01 00:00:00 UTC"'
# shellcheck disable=SC2015
cert selfsigned self ec "${L[@]}" "${SRV_TMPL[@]}" 'expiration_days = 30' &&
cert ca2 self ec 'cn = "Unknown CA"' ca cert_signing_key "$PAST" 'expiration_days = 3650' &&
cert unknownca ca2 ec "${L[@]}" "${SRV_TMPL[@]}" 'expiration_days = 30' &&
cert expired ca ec "${L[@]}" "${SRV_TMPL[@]}" "$PAST" \
    'expiration_date = "2021-01-01 00:00:00 UTC"' &&
cert notyet ca ec "${L[@]}" "${SRV_TMPL[@]}" "$FUTURE" \
    'expiration_date = "2100-01-01 00:00:00 UTC"' &&
cert wronghost ca ec 'cn = "wrong.example"' 'dns_name = "wrong.example"' \
    "${SRV_TMPL[@]}" 'expiration_days = 30' &&
cert wildcard ca ec 'cn = "*.example.test"' 'dns_name = "*.example.test"' \
    "${SRV_TMPL[@]}" 'expiration_days = 30' &&
cert rsa1024 ca rsa1024 "${L[@]}" "${SRV_TMPL[@]}" 'expiration_days = 30' ||
    { echo "Bail out! certtool could not make the certificates"; exit 1; }

# The wildcard cases need names under example.test that resolve to
# 127.0.0.1 for starling alone: a private mount namespace with its own
# /etc/hosts (root only; there is no DNS to ask).
printf '127.0.0.1 localhost\n127.0.0.1 a.b.example.test b.example.test\n' >"$T/hosts"
# shellcheck disable=SC2016  # $0 and $@ are for the inner sh
in_ns() { unshare -m sh -c 'mount --bind "$0" /etc/hosts && exec "$@"' "$T/hosts" "$@"; }
NS_OK=
in_ns getent hosts a.b.example.test >/dev/null 2>&1 && NS_OK=1

SCHEMES="imap pop3 smtp imaps"
# cert_case NAME CERT ERROR-RE [serve options]: queue one case per scheme.
cert_case() {
    local name=$1 c=$2 re=$3 s imp
    shift 3
    for s in $SCHEMES; do
        imp=(); [ "$s" != "${s%s}" ] && imp=(--implicit)
        case_start "certificate: $name" "${s%s}-clean" "$s" 3 "$re" \
            --cert "$T/pki/$c.pem" --key "$T/pki/$c.key" "${imp[@]}" "$@"
        QUEUE+=("$NCASE")
    done
}

cert_case "self-signed" selfsigned 'not trusted.*authority'
cert_case "unknown CA" unknownca 'not trusted.*authority'
cert_case "expired" expired 'expired on 2021-01-01'
cert_case "not yet valid" notyet 'not valid yet'
cert_case "wrong host" wronghost 'issued for wrong\.example, not localhost'
cert_case "RSA 1024" rsa1024 '1024|weak|insecure|too small|key size' --weak-keys
# An old-TLS server needs Python's OpenSSL to still speak TLS 1.0/1.1.
OLD_SKIP=()
for v in 1.0 1.1; do
    if probe=$("$PY" "$HOSTILE_DIR/hostile.py" tls-probe "$T/pki/good.pem" \
        "$T/pki/good.key" "$v" 2>&1); then
        cert_case "TLS $v-only server" good "TLS ?${v//./\\.}|version|protocol" \
            --tls-max "$v"
    else
        OLD_SKIP+=("TLS $v-only server|Python's ssl here cannot offer TLS $v ($probe)")
    fi
done
NOPRIO_END=$NCASE
ACCT_EXTRA=("tls_priority=NORMAL:+VERS-TLS1.1:+VERS-TLS1.0")
SCHEMES="imap smtps"
if "$PY" "$HOSTILE_DIR/hostile.py" tls-probe "$T/pki/good.pem" "$T/pki/good.key" \
    1.1 >/dev/null 2>&1; then
    cert_case "TLS 1.1-only server, tls_priority allows 1.1" good \
        'negotiated TLS1\.1; starling requires TLS 1\.2' --tls-max 1.1
fi
ACCT_EXTRA=()
SCHEMES="imap pop3 smtp imaps"
PRIO_END=$NCASE
if [ -n "$NS_OK" ]; then
    WRAP=in_ns HOST=a.b.example.test
    cert_case "wildcard *.example.test for a.b.example.test" wildcard \
        'issued for \*\.example\.test, not a\.b\.example\.test'
    WRAP=in_ns HOST=b.example.test
    for s in imap smtps; do
        imp=(); [ "$s" != "${s%s}" ] && imp=(--implicit)
        case_start "wildcard control" "${s%s}-clean" "$s" 0 . \
            --cert "$T/pki/wildcard.pem" --key "$T/pki/wildcard.key" "${imp[@]}"
        WILD_OK+=("$NCASE")
    done
    WRAP='' HOST=''
fi
case_wait

for n in "${QUEUE[@]}"; do
    case_load "$n"
    if [ "$n" -gt "$NOPRIO_END" ] && [ "$n" -le "$PRIO_END" ] &&
        ! grep -q "TLS up: TLSv1.1" "$SLOG"; then
        tap_skip "$C_NAME ($C_SCHEME)" "this GnuTLS will not negotiate TLS 1.1 even with tls_priority +VERS-TLS1.1"
        continue
    fi
    expect_exit "$C_NAME ($C_SCHEME)" "$C_WANT"
    expect_json "$C_NAME ($C_SCHEME): the error says why (/$C_RE/), no login" \
        "services.0.error~$C_RE" services.0.auth=not-attempted \
        services.0.level=none
    expect_no_leak "$C_NAME ($C_SCHEME): nothing secret in the clear"
    expect_no_leak "$C_NAME ($C_SCHEME): nothing secret inside the impostor's TLS either" "$TLSCAP"
done
QUEUE=()
for s in "${OLD_SKIP[@]}"; do
    tap_skip "certificate: ${s%%|*}" "${s#*|}"
done
if [ -n "$NS_OK" ]; then
    for n in "${WILD_OK[@]}"; do
        case_load "$n"
        expect_exit "wildcard control: *.example.test for b.example.test ($C_SCHEME)" 0
        expect_json "wildcard control ($C_SCHEME): verified" services.0.level=verified
    done
else
    tap_skip "certificate: wildcard *.example.test for a.b.example.test" \
        "needs a private mount namespace (root, unshare -m, mount --bind) to make a.b.example.test resolve without DNS"
fi
tap_done
