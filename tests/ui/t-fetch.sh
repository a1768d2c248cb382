#!/bin/bash
# POP3 mail in the UI, driven in tmux against the real Dovecot:
#   - I on a POP3-only account fetches (on the account's worker) and says
#     what it did in the status line; the account's row shows how many
#     local messages are unseen (new-mail notice);
#   - Enter opens its folders: "Local: ACCOUNT" with its counts; the index
#     lists sender, date and subject; the pager shows a message; reading
#     it marks it read (the row loses N, the file moves to cur/ with :2,S);
#   - I again while the local folder is open brings the new message in;
#   - the help screen lists the binding;
#   - an account with IMAP shows its local folder after the IMAP ones;
#   - an account without password_cmd asks for the password, then fetches;
#   - a fetch that stalls (tests/ui/stallproxy.py in front of Dovecot) shows
#     its progress, Esc cancels it and keeps what arrived, and the next I
#     fetches the rest, each message once.
set -u
. "$(dirname "$0")/lib.sh"
ui_init
tap_plan 20

SRV=$H/mail/$TEST_USER/Maildir
mkdir -p "$SRV/new" "$SRV/cur" "$SRV/tmp"
# put_msg N: message N on the server (CRLF line ends).
put_msg() {
    printf 'From: Bob Example <bob@example.com>\r\nSubject: Fetched %d\r\nDate: Mon, 1 Jan 2024 10:0%d:00 +0000\r\nMessage-ID: <ui-fetch-%d@starling>\r\n\r\nbody %d\r\n' \
        "$1" "$1" "$1" "$1" >"$SRV/new/$((1700000000 + $1)).M$1P1.ui"
    chown -R mail:mail "$H/mail"
}
put_msg 1; put_msg 2; put_msg 3
count() { find "$1/new" "$1/cur" -type f 2>/dev/null | wc -l; }

STALL=$H/stall
python3 "$UI_DIR/stallproxy.py" 127.0.0.1 "$POP3S_PORT" "$STALL" >"$H/proxy.port" &
UI_PIDS+=($!)
i=0
until [ -s "$H/proxy.port" ] || [ "$i" -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
PROXY_PORT=$(cat "$H/proxy.port")
[ -n "$PROXY_PORT" ] || harness_fail "stallproxy.py did not start"

config_ui pop "${ACCOUNT_KEYS[@]}" "pop3=pop3s://localhost:$POP3S_PORT" \
    "cafile=$CA_PEM" "maildir=$H/local/pop" -- \
    both "${ACCOUNT_KEYS[@]}" "imap=imaps://localhost:$IMAPS_PORT" \
    "pop3=pop3s://localhost:$POP3S_PORT" "cafile=$CA_PEM" \
    "maildir=$H/local/both" -- \
    ask email="$TEST_EMAIL" user="$TEST_USER" \
    "pop3=pop3s://localhost:$POP3S_PORT" "cafile=$CA_PEM" \
    "maildir=$H/local/ask" -- \
    slow "${ACCOUNT_KEYS[@]}" "pop3=pop3s://localhost:$PROXY_PORT" \
    "cafile=$CA_PEM" "maildir=$H/local/slow" "timeout=120"
ui_start

wait_row pop 'POP3 \[TLS\] implicit, secured'
ui_keys I
wait_re "pop: fetched 3 messages \([0-9]+ bytes\) into $H/local/pop; 0 deleted"
ui_point $? "I fetches the POP3 mail and says so in the status line" \
    "sent: I on pop; expected 'pop: fetched 3 messages (N bytes) into $H/local/pop; 0 deleted on the server'"
[ "$(count "$H/local/pop")" = 3 ]
ui_point $? "the three messages are in the local Maildir" \
    "local: $(count "$H/local/pop")"
wait_row pop 'POP3 \[TLS\] implicit, secured, 3 unseen'
ui_point $? "the account's row shows the new mail: 3 unseen in the local Maildir" \
    "expected on the row of pop: POP3 [TLS] implicit, secured, 3 unseen" "row: $ROW"

# ------------------------------------------------- folders, index, pager
ui_keys Enter
wait_re '^ +Local: pop +3/3$'
ui_point $? "Enter on a POP3-only account opens its folders: Local: pop, 3 unseen of 3" \
    "sent: Enter; expected a row 'Local: pop ... 3/3'"
ui_keys Enter
wait_for "starling: pop: Local: pop (3 messages)"
st=$?
wait_re '^ N +. 2024-01-01 Bob Example +[0-9]+ Fetched 3$'
ui_point $((st || $?)) "the index lists sender, date, size and subject" \
    "sent: Enter; expected the title 'pop: Local: pop (3 messages)' and a row 'N 2024-01-01 Bob Example ... Fetched 3'"
ui_keys Enter
wait_re '^Subject: Fetched 3$'
st=$?
grep -qF "body 3" <<<"$PANE" && grep -qF "starling: pop: Fetched 3" <<<"$PANE"
ui_point $((st || $?)) "the pager shows the message" \
    "sent: Enter; expected 'Subject: Fetched 3', 'body 3' and the title 'pop: Fetched 3'"
ui_keys q
wait_for "starling: pop: Local: pop (3 messages)"
read_row=$(grep -E 'Fetched 3$' <<<"$PANE")
[ -n "$read_row" ] && ! grep -qE '^ ?N' <<<"$read_row"
ui_point $? "reading it marked it read: the row lost the N flag" "row: $read_row"
ls "$H/local/pop/cur" 2>/dev/null | grep -q ':2,S$'
ui_point $? "and its file moved to cur/ with the S flag" \
    "cur: $(ls "$H/local/pop/cur")" "new: $(ls "$H/local/pop/new")"

put_msg 4
ui_keys I
wait_for "starling: pop: Local: pop (4 messages)"
st=$?
wait_re 'Fetched 4$'
ui_point $((st || $?)) "I in the open local folder brings the new message in" \
    "sent: I; expected the title 'pop: Local: pop (4 messages)' and a row 'Fetched 4'"
read_row=$(grep -E 'Fetched 3$' <<<"$PANE")
[ -n "$read_row" ] && ! grep -qE '^ ?N' <<<"$read_row"
ui_point $? "read from the file again, message 3 is still read" "row: $read_row"

ui_keys '?'
wait_for "starling: help: index"
ui_keys End
wait_re '^ *I +fetch +download'
ui_point $? "the help screen lists I: fetch" "sent: ?; expected a row 'I  fetch  download ...'"
ui_keys q q q
wait_for "starling: accounts"
wait_row pop 'POP3 \[TLS\] implicit, secured, 3 unseen'
ui_point $? "back on the accounts screen: 3 unseen (4 fetched, 1 read)" \
    "expected on the row of pop: POP3 [TLS] implicit, secured, 3 unseen" "row: $ROW"

# ------------------------------------------- an account with IMAP too
ui_keys j
wait_row both 'IMAP \[TLS\] implicit, [0-9]+ unseen'
ui_keys Enter
wait_re '^ +Local: both +0/0$'
st=$?
grep -qE '^ +INBOX ' <<<"$PANE"
ui_point $((st || $?)) "with IMAP too, the local folder is listed with the IMAP folders" \
    "sent: j Enter; expected rows 'INBOX' and 'Local: both ... 0/0'"
ui_keys q
wait_for "starling: accounts"

# ------------------------------------------------- a typed password
ui_keys j I
wait_for "Password:"
st=$?
grep -qF "POP3 localhost:$POP3S_PORT" <<<"$PANE"
ui_point $((st || $?)) "without password_cmd, I asks for the POP3 password" \
    "sent: j I on ask; expected a password dialog naming POP3 localhost:$POP3S_PORT"
ui_type "$TEST_PASS"
ui_keys Enter
wait_re "ask: fetched 4 messages \([0-9]+ bytes\) into $H/local/ask"
ui_point $? "then fetches" "expected 'ask: fetched 4 messages ... into $H/local/ask'"
ui_keys I
wait_for "Password:"
ui_keys Escape
wait_re "ask: .*no password given"
ui_point $? "Esc at the password prompt cancels the fetch, and says so" \
    "sent: I Escape; expected 'ask: ... no password given'"

# --------------------------------------- a stalled fetch, cancelled
# three 10 MB messages after the four small ones; the relay stops once
# the four are in the local Maildir, inside the fifth's RETR
for n in 5 6 7; do
    python3 -c '
import sys
n = int(sys.argv[1])
line = b"x" * 76 + b"\r\n"
sys.stdout.buffer.write(b"Subject: Big %d\r\nMessage-ID: <ui-big-%d@starling>\r\n\r\n" % (n, n)
    + line * (10 * 1024 * 1024 // len(line)))' "$n" >"$SRV/new/$((1700000000 + n)).M${n}P1.ui"
done
chown -R mail:mail "$H/mail"
ui_keys j I
i=0
until [ "$(count "$H/local/slow")" -ge 4 ] || [ "$i" -ge 300 ]; do sleep 0.05; i=$((i + 1)); done
touch "$STALL"
wait_re 'slow: fetching [0-9] of 7 \([0-9]+ of [0-9]+ KiB\)'
ui_point $? "a long fetch shows its progress in the status line" \
    "sent: j I on slow; expected 'slow: fetching N of 7 (X of Y KiB)'"
ui_keys Escape
wait_re 'slow: cancelled; fetched [0-9] messages'
st=$?
n=$(count "$H/local/slow")
[ "$n" -ge 4 ] && [ "$n" -lt 7 ]
ui_point $((st || $?)) "Esc cancels the stalled fetch; what arrived is kept" \
    "sent: Escape; expected 'slow: cancelled; fetched N messages ...'" "local: $n"
rm -f "$STALL"
ui_keys I
wait_re "slow: fetched [0-9] messages? \([0-9]+ bytes\) into $H/local/slow"
st=$?
ids=$(find "$H/local/slow/new" "$H/local/slow/cur" -type f -print0 |
    xargs -0 grep -h -m1 '^Message-ID:' | sort)
[ "$(uniq <<<"$ids" | wc -l) $(wc -l <<<"$ids")" = "7 7" ]
ui_point $((st || $?)) "the next I fetches the rest: seven messages, each once" \
    "sent: I; local Message-IDs:" "$ids"

ui_keys Q
i=0
until ui_dead || [ "$i" -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
ui_dead && [ ! -s "$UI_STDERR" ]
ui_point $? "Q quits cleanly: nothing on stderr (no sanitizer report)" \
    "stderr: $(head -c 2000 "$UI_STDERR" 2>&1)"
tap_done
