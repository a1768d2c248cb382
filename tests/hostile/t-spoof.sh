#!/bin/bash
# Hostile servers, class 6: spoofing.  "* OK [ALERT] ..." and
# "[REFERRAL imap://...]" before TLS (and look-alike texts in POP3 and SMTP
# greetings): never shown as a server alert, never followed (a referral
# points at a canary port that records any connection), and the transcript
# marks them as plaintext, that is unauthenticated.  (t-control.sh shows that
# the canary does record a connection.)
set -u
. "$(dirname "$0")/lib.sh"
hostile_init
ALERT_TEXT="evil.example"

for c in imap-spoof:imap pop3-spoof:pop3 smtp-spoof:smtp; do
    sc=${c%:*} svc=${c#*:}
    serve "$sc"
    account "$svc" "$svc://localhost:$PORT"
    run_check --transcript
    expect_exit "spoofing ($sc): clean TLS session after the spoofed lines" 0
    expect_json "spoofing ($sc): verified, login ok" services.0.level=verified \
        services.0.auth=ok
    [ "$svc" = imap ] && expect_no_canary "spoofing ($sc): the referral was not followed"
    expect_phase "spoofing ($sc): the spoofed alert only in plaintext transcript lines" \
        "$ALERT_TEXT" plain
    expect_no_leak "spoofing ($sc): no credential, no private command in the clear"
    # the report itself, JSON without transcript and text: no alert shown
    serve "$sc"
    account "$svc" "$svc://localhost:$PORT"
    JSON=no run_check
    ! grep -qi -e "$ALERT_TEXT" -e "mailbox is locked" -e REFERRAL "$OUTF" "$ERRF" && [ "$RC" = 0 ]
    tap_result $? "spoofing ($sc): the text report does not show the spoofed alert" diag
done

serve imap-spoof
account imap "imap://localhost:$PORT"
run_check --transcript
expect_phase "spoofing (imap-spoof): the REFERRAL only in plaintext transcript lines" \
    REFERRAL plain

for sc in imap-spoof-referral-starttls imap-spoof-bye-referral; do
    serve "$sc"
    account imap "imap://localhost:$PORT"
    run_check --transcript
    expect_exit "spoofing ($sc): refused" 2
    expect_no_canary "spoofing ($sc): the referral was not followed"
    expect_json "spoofing ($sc): the error does not point at the referral" \
        "services.0.error!~127\.0\.0\.1:$CANARY"
    expect_no_leak "spoofing ($sc): no credential, no private command in the clear"
done
tap_done
