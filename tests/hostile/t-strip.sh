#!/bin/bash
# Hostile servers, class 1: STARTTLS stripping.  STARTTLS is not advertised,
# or it is answered with every refusal shape (IMAP BAD, NO, "+" continuation;
# POP3 -ERR; SMTP 454, 500, 501, 530, a garbled multi-line 220- reply), by a
# fake server and by a man in the middle in front of a correct server.
# starling must exit 2 with an error naming STARTTLS, and nothing secret may
# cross the wire in the clear.
set -u
. "$(dirname "$0")/lib.sh"
hostile_init

while read -r sc scheme; do
    case_refused "stripping" "$sc" "$scheme" 2 'STARTTLS|STLS'
done <<'CASES'
imap-strip-unadvertised imap
imap-strip-bad imap
imap-strip-no imap
imap-strip-cont imap
imap-strip-cont-text imap
pop3-strip-unadvertised pop3
pop3-strip-err pop3
pop3-strip-err-perm pop3
smtp-strip-unadvertised smtp
smtp-strip-454 smtp
smtp-strip-500 smtp
smtp-strip-501 smtp
smtp-strip-530 smtp
smtp-strip-220-garbage smtp
smtp-strip-220-then-554 smtp
CASES

# The same through a man in the middle: the real server offers STARTTLS,
# the MITM removes it from the capabilities and refuses it itself.
for p in imap pop3 smtp; do
    C_NAME="MITM stripping" C_SC=mitm-$p-strip C_WANT=2 C_RE='STARTTLS|STLS'
    serve_mitm "$C_SC"
    account "$p" "$p://localhost:$PORT"
    run_check
    case_assert_refused
    expect_json "MITM stripping ($p): starttls_advertised is false, level plaintext" \
        services.0.starttls_advertised=false services.0.level=plaintext
done

case_run_queue
tap_done
