#!/bin/bash
# Hostile servers, class 5: tampering (CVE-2021-38370 class).  Before TLS the
# server (or a man in the middle) sends unsolicited and lying responses:
# "* CAPABILITY" without STARTTLS and with LOGINDISABLED, "* 54321 EXISTS",
# "* LIST () "/" x", a [CAPABILITY] code on the STARTTLS reply, junk CAPA and
# EHLO lines; then the TLS session is clean and its own capabilities differ.
# starling must still do STARTTLS (exit 0, verified), report honestly that
# STARTTLS was not advertised, and let nothing from before TLS decide what
# happens inside it: the login method follows the capabilities asked again
# inside TLS.
set -u
. "$(dirname "$0")/lib.sh"
hostile_init

# tamper_case NAME SCENARIO SERVICE: exit 0, verified, login ok, not advertised
tamper_case() {
    serve "$2"
    account "$3" "$3://localhost:$PORT"
    run_check --transcript
    expect_exit "tampering: $1 ($2)" 0
    expect_json "tampering ($2): verified, login ok, STARTTLS reported as not advertised" \
        services.0.level=verified services.0.auth=ok services.0.error=null \
        services.0.starttls_advertised=false
    expect_no_leak "tampering ($2): no credential, no private command in the clear"
}

tamper_case "LOGINDISABLED, EXISTS, LIST before TLS; LOGIN allowed inside" imap-tamper imap
expect_grep "tampering (imap-tamper): LOGIN used inside TLS, as TLS's capabilities allow" \
    "$TLSCAP" '^[^ ]+ LOGIN '
expect_phase "tampering (imap-tamper): the forged EXISTS is in the transcript as plaintext only" \
    54321 plain
expect_phase "tampering (imap-tamper): the forged LOGINDISABLED only in plaintext lines" \
    LOGINDISABLED plain

tamper_case "LOGIN allowed before TLS; LOGINDISABLED AUTH=PLAIN inside" imap-tamper-login imap
expect_grep "tampering (imap-tamper-login): AUTHENTICATE PLAIN inside TLS" \
    "$TLSCAP" '^[^ ]+ AUTHENTICATE PLAIN'
expect_grep -v "tampering (imap-tamper-login): no LOGIN inside TLS (pre-TLS caps ignored)" \
    "$TLSCAP" '^[^ ]+ LOGIN '

tamper_case "STARTTLS not advertised but offered" imap-unadvertised-works imap

tamper_case "junk CAPA and an APOP timestamp before TLS" pop3-tamper pop3
expect_grep "tampering (pop3-tamper): USER/PASS inside TLS" "$TLSCAP" '^PASS '
expect_phase "tampering (pop3-tamper): the junk CAPA only in plaintext lines" \
    "IMPLEMENTATION evil" plain

tamper_case "AUTH PLAIN before TLS; only AUTH LOGIN inside" smtp-tamper smtp
expect_grep "tampering (smtp-tamper): AUTH LOGIN inside TLS, as TLS's EHLO says" \
    "$TLSCAP" '^AUTH LOGIN'

# A man in the middle injects the lies into a real server's plaintext
# dialogue, then relays the TLS session untouched.
serve_mitm mitm-imap-tamper
account imap "imap://localhost:$PORT"
run_check --transcript
expect_exit "MITM tampering (mitm-imap-tamper)" 0
expect_json "MITM tampering: verified, login ok" services.0.level=verified \
    services.0.auth=ok services.0.starttls_advertised=true
expect_no_leak "MITM tampering: no credential, no private command in the clear"
expect_grep "MITM tampering: the real server got LOGIN inside TLS" \
    "$UP_TLSCAP" '^[^ ]+ LOGIN '
expect_phase "MITM tampering: the forged EXISTS only in plaintext lines" 54321 plain
tap_done
