#!/bin/bash
# Hostile servers, class 4: response injection (CVE-2020-15953 class).  The
# positive STARTTLS reply arrives with forged responses behind it in the same
# TCP segment (IMAP "* CAPABILITY IMAP4rev1 AUTH=PLAIN" + a tagged OK; SMTP
# "220 ready\r\n250-x\r\n250 AUTH LOGIN"; POP3 "+OK\r\n+OK"), from a fake
# server and from a man in the middle in front of a correct one.  starling
# must exit 2 with an error that names the injection, and send nothing
# secret -- not even when plaintext authentication is allowed, because the
# server did agree to TLS: falling back to plaintext there is the attack.
# The forged bytes 50 ms later (a separate segment) must make the TLS
# handshake fail (exit 2 or 3), never succeed.
set -u
. "$(dirname "$0")/lib.sh"
hostile_init

for p in imap pop3 smtp; do
    case_refused "injection" "$p-inject" "$p" 2 'inject'
done
for p in imap pop3 smtp; do
    case_refused "late injection" "$p-inject-late" "$p" "2 3" 'inject|TLS'
done
ACCT_EXTRA=(allow_plaintext_auth=yes)
for p in imap pop3 smtp; do
    case_refused "injection, allow_plaintext_auth = yes" "$p-inject" "$p" 2 'inject'
done
ACCT_EXTRA=()
case_run_queue

for p in imap pop3 smtp; do
    C_NAME="MITM injection" C_SC=mitm-$p-inject C_WANT=2 C_RE=inject
    serve_mitm "$C_SC"
    account "$p" "$p://localhost:$PORT"
    run_check
    case_assert_refused
done
# with the command-line override too
C_NAME="MITM injection, --allow-plaintext-auth" C_SC=mitm-imap-inject C_WANT=2 C_RE=inject
serve_mitm "$C_SC"
account imap "imap://localhost:$PORT"
run_check --allow-plaintext-auth
case_assert_refused
tap_done
