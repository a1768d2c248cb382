#!/bin/bash
# Hostile servers against `starling send`: STARTTLS stripped (not
# advertised, refused in every shape, by a fake server and by a man in the
# middle in front of a correct one) and responses injected behind the
# STARTTLS reply (also with allow_plaintext_auth = yes, also by a MITM).
# starling must exit 2, keep the message in its outbox, and let nothing
# through in the clear: no credential, no MAIL FROM / RCPT TO / DATA, no
# byte of the message. The control: the same message to a correct server
# is sent (exit 0), and inside TLS the server did get MAIL FROM and the
# message -- so the scan looks where the bytes would be.
set -u
. "$(dirname "$0")/lib.sh"
hostile_init

MSG=$T/msg.eml
printf 'From: alice@example.com\nTo: bob@example.org\nBcc: carol@example.net\nSubject: hostile-secret-subject\n\nhostile-secret-body\n' >"$MSG"

# run_send [ARGS...]: starling send --account acct -t < $MSG, as run_check.
run_send() {
    local d=$T/case$NCASE
    OUTF=$d/out ERRF=$d/err
    DATA=$d/data
    LAST_CMD="starling send --config $CONF --account acct -t $* < msg"
    mkdir -p "$d/state" "$DATA"
    XDG_STATE_HOME=$d/state XDG_DATA_HOME=$DATA timeout 60 "$STARLING" send \
        --config "$CONF" --account acct -t "$@" <"$MSG" >"$OUTF" 2>"$ERRF"
    RC=$?
    SECS=-
    OUT=$(cat "$OUTF"); ERR=$(cat "$ERRF")
    server_done
}

# assert_refused NAME WANT ERROR-RE: exit, the error, the outbox, no leak.
assert_refused() {
    local n
    expect_exit "$1" "$2"
    expect_grep "$1: the error names the problem (/$3/)" "$ERRF" "$3"
    n=$(find "$DATA/starling/outbox/acct/new" -type f 2>/dev/null | grep -c .)
    RES="outbox entries: $n"
    tap_result "$([ "$n" = 1 ]; echo $?)" "$1: the message waits in the outbox" res_diag
    expect_no_leak "$1: no credential, no MAIL FROM / RCPT TO / DATA in the clear"
    expect_grep -v "$1: no byte of the message in the clear" "$CAP" 'hostile-secret'
}

while read -r sc want re; do
    serve "$sc"
    account smtp "smtp://localhost:$PORT"
    run_send
    assert_refused "stripping, $sc" "$want" "$re"
done <<'CASES'
smtp-strip-unadvertised 2 STARTTLS
smtp-strip-454 2 STARTTLS
smtp-strip-500 2 STARTTLS
smtp-strip-530 2 STARTTLS
smtp-strip-220-garbage 2 STARTTLS|garbled|reply
smtp-downgrade-helo 2 STARTTLS|EHLO
smtp-inject 2 inject
CASES

# An account without user: no AUTH at all, and still MAIL FROM only
# through the gate.
serve smtp-strip-unadvertised
account smtp "smtp://localhost:$PORT"
sed -i '/^user = /d; /^password_cmd = /d' "$CONF"
run_send
assert_refused "stripping, an account without user (no AUTH)" 2 'STARTTLS'

serve smtp-inject
account smtp "smtp://localhost:$PORT" allow_plaintext_auth=yes
run_send
assert_refused "injection, allow_plaintext_auth = yes" 2 inject
serve smtp-inject
account smtp "smtp://localhost:$PORT"
run_send --allow-plaintext-auth
assert_refused "injection, --allow-plaintext-auth" 2 inject
serve smtp-inject-late
account smtp "smtp://localhost:$PORT"
run_send
assert_refused "late injection" "2 3" 'inject|TLS'

for sc in mitm-smtp-strip mitm-smtp-inject; do
    serve_mitm "$sc"
    account smtp "smtp://localhost:$PORT"
    run_send
    assert_refused "MITM, $sc" 2 'STARTTLS|inject'
    expect_grep -v "MITM, $sc: the real server got no MAIL FROM either" "$UP_TLSCAP" 'MAIL FROM'
done

# The control: a correct server gets the message, inside TLS only.
serve smtp-clean
account smtp "smtp://localhost:$PORT"
run_send
expect_exit "control: a correct server takes the message" 0
expect_grep "control: inside TLS the server got MAIL FROM" "$TLSCAP" '^MAIL FROM:<alice@example.com>'
expect_grep "control: inside TLS the server got the message" "$TLSCAP" 'hostile-secret-body'
# What went on the wire (a real server like Postfix drops Bcc itself, so
# only here can the test see what starling sent): the Bcc recipient in
# the envelope, no Bcc header in the message.
expect_grep "control: the Bcc recipient is in the envelope" "$TLSCAP" '^RCPT TO:<carol@example.net>'
expect_grep -v "control: no Bcc header in the message on the wire" "$TLSCAP" '^Bcc:'
expect_no_leak "control: nothing private in the clear"
tap_done
