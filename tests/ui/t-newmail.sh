#!/bin/bash
# New mail while the index is open, with no key pressed: a message is
# delivered through the harness's Postfix (submission, STARTTLS, AUTH) into
# alice's Maildir, and the message line says "1 new message in INBOX", the
# title counts it, and its row appears.
#   - IDLE: the harness's Dovecot, `poll = 3600` (so no NOOP could see it);
#   - polling: a Dovecot over the same Maildir that does not offer IDLE
#     (tests/servers/extra_dovecot.sh), `poll = 1`;
#   - `idle = no` on the Dovecot that offers IDLE, `poll = 1`.
set -u
. "$(dirname "$0")/lib.sh"
ui_init
. "$UI_DIR/../servers/extra_dovecot.sh"
tap_plan 10

extra_dovecot noidle "$EXTRA_BASE_CAPS LITERAL+ UIDPLUS MOVE"
fill_folder INBOX 3

# deliver SUBJECT: submit a message to alice through Postfix.
deliver() {
    timeout 60 python3 - "$SUBMISSION_PORT" "$CA_PEM" "$1" <<'EOF'
import smtplib, ssl, sys
port, ca, subject = sys.argv[1:4]
s = smtplib.SMTP("localhost", int(port), timeout=30)
s.starttls(context=ssl.create_default_context(cafile=ca))
s.login("alice", "s3cret-Pa55")
s.sendmail("alice@localhost", ["alice@localhost"],
           ("From: Carol <carol@example.org>\r\nTo: alice@localhost\r\n"
            "Subject: %s\r\n\r\nfresh\r\n" % subject).encode())
s.quit()
EOF
}

# run_case DESC PORT POLL IDLE N SUBJECT: open INBOX (N messages), deliver,
# and wait for the news without touching a key.
run_case() {
    local desc=$1 port=$2 poll=$3 idle=$4 n=$5 subject=$6 st
    config_ui work "${ACCOUNT_KEYS[@]}" "imap=imap://localhost:$port" \
        "cafile=$CA_PEM"
    printf '[starling]\npoll = %s\nidle = %s\n' "$poll" "$idle" >>"$CONF"
    ui_start -f INBOX
    wait_for "starling: work: INBOX ($n messages)" 20
    ui_point $? "$desc: INBOX opens with $n messages" \
        "expected the title 'work: INBOX ($n messages)'"
    # Every row fetched: the worker has nothing more to do and watches.
    wait_gone "…" 10
    deliver "$subject" >"$H/deliver.out" 2>&1 ||
        harness_fail "Postfix did not take the message: $(cat "$H/deliver.out")"
    wait_for "1 new message in INBOX" 30
    st=$?
    ui_point $st "$desc: without a key, the message line says '1 new message in INBOX'" \
        "delivered '$subject' through Postfix; expected '1 new message in INBOX' on the last row"
    wait_for "starling: work: INBOX ($((n + 1)) messages, 1 new)" 5
    st=$?
    wait_re " $subject\$" 5
    ui_point $((st || $?)) "$desc: the title counts it and its row appears" \
        "expected the title '(… $((n + 1)) messages, 1 new)' and a row ending '$subject'"
}

run_case "IDLE" "$IMAP_PORT" 3600 yes 3 "Pushed with IDLE"
# shellcheck disable=SC2154  # set by extra_dovecot
run_case "no IDLE on the server, poll = 1" "$PORT_noidle" 1 yes 4 "Found by polling"
run_case "idle = no, poll = 1" "$IMAP_PORT" 1 no 5 "Polled again"
[ ! -s "$UI_STDERR" ]
ui_point $? "nothing on stderr" "stderr: $(cat "$UI_STDERR" 2>&1)"
tap_done
