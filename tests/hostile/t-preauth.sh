#!/bin/bash
# Hostile servers, class 3: an IMAP PREAUTH greeting before TLS (with and
# without STARTTLS in its capability code; CVE-2020-12398, CVE-2020-14093
# class).  starling must stop at the greeting (exit 2, the error says
# PREAUTH) and send nothing: no STARTTLS into a session already logged in,
# no SELECT, no APPEND, no credential.  PREAUTH exists in IMAP only; POP3
# and SMTP have no equivalent greeting.
set -u
. "$(dirname "$0")/lib.sh"
hostile_init

for sc in imap-preauth imap-preauth-starttls; do
    serve "$sc"
    account imap "imap://localhost:$PORT"
    run_check
    expect_exit "PREAUTH ($sc)" 2
    expect_json "PREAUTH ($sc): the error says PREAUTH, nothing attempted" \
        'services.0.error~PREAUTH' services.0.auth=not-attempted \
        services.0.tls=null
    expect_no_leak "PREAUTH ($sc): no credential, no SELECT/APPEND in the clear"
    expect_grep -v "PREAUTH ($sc): not a single command sent" "$CAP" .
done

# also with the plaintext override: PREAUTH is refused all the same
serve imap-preauth
account imap "imap://localhost:$PORT" allow_plaintext_auth=yes
run_check --allow-plaintext-auth
expect_exit "PREAUTH with allow_plaintext_auth = yes" 2
expect_no_leak "PREAUTH with allow_plaintext_auth = yes: no credential, no SELECT/APPEND"
tap_done
