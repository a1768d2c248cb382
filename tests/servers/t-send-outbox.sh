#!/bin/bash
# The outbox: `starling send` to an SMTP server without TLS (the harness's
# plain Postfix port) and to one with an untrusted certificate
# (UNKNOWNCA_HOST), each behind a relay that records every byte the client
# sends. Nothing but EHLO and the refused STARTTLS (then QUIT, or the TLS
# ClientHello) crosses the wire; no credential, no MAIL FROM / RCPT TO, no
# byte of the message. The message sits in the outbox with its envelope
# and the reason, the exit code is 2 / 3, and `starling send --flush`
# delivers it exactly once when the account points at the good server.
set -u
. "$(dirname "$0")/harness.sh"
harness_require_starling
harness_start
tap_plan 32

W=$H/work; mkdir -p "$W"
HCHECK=$HARNESS_DIR/../hostile/hcheck.py
IMAPGET=$HARNESS_DIR/imapget.py

# relay NAME HOST PORT: a recording relay; RPORT, RCAP.
relay() {
    RCAP=$W/$1.cap; : >"$RCAP"
    python3 "$HARNESS_DIR/relay.py" "$W/$1.port" "$2" "$3" "$RCAP" &
    local i=0
    while [ ! -s "$W/$1.port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    RPORT=$(cat "$W/$1.port")
}
# write_config SMTP-URL-FOR-plain SMTP-URL-FOR-untrusted
write_config() {
    config_new
    config_account plain "${ACCOUNT_KEYS[@]}" smtp="$1" \
        imap="imap://localhost:$IMAP_PORT" cafile="$CA_PEM" timeout=20
    config_account untrusted "${ACCOUNT_KEYS[@]}" smtp="$2" \
        imap="imap://localhost:$IMAP_PORT" cafile="$CA_PEM" timeout=20
}
# send_msg ACCOUNT TAG: starling send of a message marked TAG.
send_msg() {
    printf 'From: %s\nTo: %s\nSubject: outbox-%s-subject\nMessage-ID: <%s@localhost>\n\noutbox-%s-body\n' \
        "$TEST_EMAIL" "$TEST_EMAIL" "$2" "$2" "$2" >"$W/$2.eml"
    local o e
    o=$(mktemp "$H/out.XXXXXX"); e=$(mktemp "$H/err.XXXXXX")
    timeout 60 "$STARLING" send --config "$CONF" --account "$1" -t <"$W/$2.eml" >"$o" 2>"$e"
    RC=$?
    OUT=$(cat "$o"); ERR=$(cat "$e"); rm -f "$o" "$e"
    LAST_CMD="starling send --account $1 -t < $2.eml"
}
# outbox_files ACCOUNT: the entries (new/ and cur/).
outbox_files() { find "$XDG_DATA_HOME/starling/outbox/$1/new" "$XDG_DATA_HOME/starling/outbox/$1/cur" -type f 2>/dev/null; }
# client_verbs CAPTURE: the command words the client sent in the clear,
# up to the TLS ClientHello (a record starting 0x16 0x03).
client_verbs() {
    python3 - "$1" <<'EOF'
import sys
data = open(sys.argv[1], "rb").read()
i = data.find(b"\x16\x03")
plain = data if i < 0 else data[:i]
for line in plain.split(b"\r\n"):
    if line:
        print(line.split(b" ")[0].decode("ascii", "replace").upper())
EOF
}

# check_refused NAME ACCOUNT TAG WANT-RC REASON-RE: the standard checks.
check_refused() {
    local name=$1 acct=$2 tag=$3 want=$4 re=$5 f id verbs
    expect_rc "$name: refused, exit $want" "$want"
    tap_result "$(grep -q "queued in the outbox" <<<"$ERR" && grep -q -- "--flush" <<<"$ERR"; echo $?)" \
        "$name: stderr says it is queued and how to flush" "$(starling_diag)"
    f=$(outbox_files "$acct")
    tap_result "$([ "$(grep -c . <<<"$f")" = 1 ]; echo $?)" "$name: one entry in the outbox" "$f"
    tap_result "$(head -c 22 "$f" | grep -q '^X-Starling-Outbox: 1' &&
        grep -q "^X-Starling-Mail-From: <$TEST_EMAIL>" "$f" &&
        grep -q "^X-Starling-Rcpt-To: <$TEST_EMAIL>" "$f" &&
        grep -q "outbox-$tag-body" "$f"; echo $?)" \
        "$name: the entry holds the envelope and the message" "$(head -c 600 "$f")"
    id=$(sed 's/.*,U=\([a-z0-9]*\).*/\1/' <<<"$f")
    tap_result "$(grep -Eq "$re" "$XDG_DATA_HOME/starling/outbox/$acct/reasons/$id" 2>/dev/null; echo $?)" \
        "$name: the reason is kept beside it (/$re/)" \
        "$(cat "$XDG_DATA_HOME/starling/outbox/$acct/reasons/$id" 2>&1)"
    tap_result "$([ "$(stat -c %a "$XDG_DATA_HOME/starling/outbox/$acct")" = 700 ]; echo $?)" \
        "$name: the outbox is private (0700)" "$(stat -c %a "$XDG_DATA_HOME/starling/outbox/$acct")"
    verbs=$(client_verbs "$RCAP" | sort -u | tr '\n' ' ')
    tap_result "$(grep -Eqv '^(EHLO|STARTTLS|QUIT)$' < <(client_verbs "$RCAP"); [ $? = 1 ]; echo $?)" \
        "$name: in the clear only EHLO, STARTTLS, QUIT ($verbs)" "$(head -c 400 "$RCAP" | cat -v)"
    RES=$(python3 "$HCHECK" leaks "$RCAP" --user "$TEST_USER" --password "$TEST_PASS")
    tap_result $? "$name: no credential, no private command on the wire" "$RES"
    tap_result "$(grep -aq "outbox-$tag" "$RCAP"; [ $? = 1 ]; echo $?)" \
        "$name: no byte of the message on the wire" "$(grep -a "outbox-$tag" "$RCAP")"
}

relay plain 127.0.0.1 "$PLAIN_SMTP_PORT"; PLAIN_RELAY=$RPORT; PLAIN_CAP=$RCAP
relay unknown "$UNKNOWNCA_HOST" "$SUBMISSION_PORT"; UNKNOWN_RELAY=$RPORT; UNKNOWN_CAP=$RCAP
write_config "smtp://127.0.0.1:$PLAIN_RELAY" "smtp://localhost:$UNKNOWN_RELAY"

pmark=$(log_mark "$POSTFIX_LOG")
RCAP=$PLAIN_CAP send_msg plain p1
RCAP=$PLAIN_CAP check_refused "no TLS" plain p1 2 'STARTTLS|not encrypted'
server_saw_no_auth "no TLS: Postfix saw the connection and no AUTH" \
    "$POSTFIX_LOG" "$pmark" "disconnect from" "$POSTFIX_LOG" "$pmark"

RCAP=$UNKNOWN_CAP send_msg untrusted u1
RCAP=$UNKNOWN_CAP check_refused "untrusted certificate" untrusted u1 3 'certificate|trusted|issuer'

# A flush while the servers are still bad: the messages stay.
: >"$PLAIN_CAP"
run_starling send --flush --config "$CONF" --account plain
expect_rc "flush against the same bad server: exit 2" 2
tap_result "$(grep -q '0 sent, 1 left' <<<"$ERR" && [ "$(outbox_files plain | grep -c .)" = 1 ]; echo $?)" \
    "flush against the bad server: still queued (0 sent, 1 left)" "$(starling_diag)"
RES=$(python3 "$HCHECK" leaks "$PLAIN_CAP" --user "$TEST_USER" --password "$TEST_PASS")
tap_result $? "flush against the bad server: no credential, no private command" "$RES"

# Point both accounts at the good server, and flush.
write_config "smtp://localhost:$SUBMISSION_PORT" "smtp://localhost:$SUBMISSION_PORT"
run_starling send --flush --config "$CONF"
expect_rc "flush against the good server: exit 0" 0
tap_result "$(grep -q 'plain: outbox: 1 sent, 0 left' <<<"$ERR" && grep -q 'untrusted: outbox: 1 sent, 0 left' <<<"$ERR"; echo $?)" \
    "flush: each account says 1 sent, 0 left" "$(starling_diag)"
for t in p1 u1; do
    python3 "$IMAPGET" wait INBOX Message-ID "<$t@localhost>" 1
    tap_result $? "flush: $t arrives" "$(starling_diag)"
    python3 "$IMAPGET" wait Sent Message-ID "<$t@localhost>" 1
    tap_result $? "flush: $t has its Sent copy" ""
done
tap_result "$([ -z "$(find "$XDG_DATA_HOME/starling/outbox" -type f)" ]; echo $?)" \
    "flush: the outboxes are empty afterwards (reasons too)" "$(find "$XDG_DATA_HOME/starling/outbox" -type f)"
run_starling send --flush --config "$CONF"
expect_rc "a second flush has nothing to do: exit 0" 0
# Exactly once: Postfix's cleanup logs each message it took (before its
# 250), and the mailbox holds one copy.
for t in p1 u1; do
    n=$(grep -c "message-id=<$t@localhost>" "$POSTFIX_LOG")
    m=$(python3 "$IMAPGET" count INBOX Message-ID "<$t@localhost>")
    tap_result "$([ "$n" = 1 ] && [ "$m" = 1 ]; echo $?)" "$t was taken and arrived exactly once" \
        "postfix took it $n times; INBOX has $m"
done
tap_done
