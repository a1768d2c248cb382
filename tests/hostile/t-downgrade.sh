#!/bin/bash
# Hostile servers, class 2: downgrade.  A greeting without capabilities,
# CAPABILITY / CAPA / EHLO rejected, EHLO answered 500 or 502 to push the
# client to HELO (no ESMTP, so no STARTTLS): starling still sends STARTTLS,
# and when that is refused too it exits 2 with nothing secret in the clear.
set -u
. "$(dirname "$0")/lib.sh"
hostile_init

while read -r sc scheme; do
    case_refused "downgrade" "$sc" "$scheme" 2 'STARTTLS|STLS'
done <<'CASES'
imap-downgrade-nocaps imap
pop3-downgrade-nocaps pop3
smtp-downgrade-helo smtp
smtp-downgrade-ehlo-502 smtp
CASES
case_run_queue

# starling sent STARTTLS/STLS although nothing advertised it.
while IFS='|' read -r sc svc re; do
    serve "$sc"
    account "$svc" "$svc://localhost:$PORT"
    run_check
    expect_grep "downgrade ($sc): STARTTLS sent although not advertised" "$CAP" "$re"
    expect_json "downgrade ($sc): starttls_advertised is false" \
        services.0.starttls_advertised=false
done <<'CASES'
imap-downgrade-nocaps|imap|^[^ ]+ STARTTLS
pop3-downgrade-nocaps|pop3|^STLS
smtp-downgrade-helo|smtp|^STARTTLS
CASES
tap_done
