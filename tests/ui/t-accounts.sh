#!/bin/bash
# The accounts screen, driven in tmux against the real servers:
#   - a verified STARTTLS account shows [TLS] for IMAP and for SMTP, and the
#     status line shows its session summary;
#   - an account on a certificate from an unknown CA shows the certificate
#     refusal and sends no credential; pinning its key on the certificate
#     screen (typing the host name) makes the row show [PIN] and logs in;
#   - an account on the TLS-off server shows the refusal; Enter opens the
#     override dialog; Dovecot's log proves no login happened before the
#     account's name was typed (nor after a wrong name); after typing it the
#     row shows [PLAIN] and the login happens;
#   - an account without password_cmd asks for the password (where it will
#     travel, no echo) and logs in with it;
#   - the certificate screen shows the SHA-256 fingerprint (and the pin)
#     that `certtool -i` shows for the server certificate;
#   - the transcript screen shows STARTTLS in the plaintext part and
#     [redacted] where the password went.
set -u
. "$(dirname "$0")/lib.sh"
ui_init
tap_plan 31

U=$UNKNOWNCA_HOST
config_ui work "${ACCOUNT_KEYS[@]}" "imap=imap://localhost:$IMAP_PORT" \
    "smtp=smtp://localhost:$SUBMISSION_PORT" "cafile=$CA_PEM" -- \
    selfsigned "${ACCOUNT_KEYS[@]}" "imap=imaps://$U:$IMAPS_PORT" -- \
    plain "${ACCOUNT_KEYS[@]}" "imap=imap://localhost:$PLAIN_IMAP_PORT" -- \
    prompt "email=$TEST_EMAIL" "user=$TEST_USER" "cafile=$CA_PEM" \
    "imap=imap://localhost:$IMAP_PORT"

DM=$(log_mark "$DOVECOT_LOG")
PM=$(log_mark "$PLAIN_DOVECOT_LOG")
ui_start
# A login by the pinned account shows up in the TLS Dovecot's log with the
# local address it connected to.
PINNED_LOGIN_RE="Login: user=<$TEST_USER>.*lip=$U"
PLAIN_LOGIN_RE="Login: user=<$TEST_USER>"

# ---------------------------------------------------------------- 1: [TLS]
wait_row work 'IMAP \[TLS\] starttls, [0-9]+ unseen'
ui_point $? "work: IMAP shows [TLS] starttls and an unseen count" \
    "expected on the row of work: IMAP [TLS] starttls, N unseen" "row: $ROW"
wait_row work 'SMTP \[TLS\] starttls, secured'
ui_point $? "work: SMTP shows [TLS] starttls" \
    "expected on the row of work: SMTP [TLS] starttls, secured" "row: $ROW"

# The status line (second to last row) is about the current account: work.
status_line() { sed -n "$((UI_HEIGHT - 1))p" <<<"$PANE"; }
ui_capture
st=$(status_line)
grep -qE '^\[TLS\] work IMAP starttls: TLS ?1\.[23] .* verified localhost' <<<"$st"
ui_point $? "the status line shows work's lock and session summary" \
    "expected the second to last row like: [TLS] work IMAP starttls: TLS1.3 · CIPHER · verified localhost" \
    "status line: $st"

# ------------------------------------------------- 2: refusal, pin, [PIN]
wait_row selfsigned 'IMAP \[[^]]*\] implicit, (refused|failed): certificate'
ui_point $? "selfsigned: the row shows the certificate refusal" \
    "expected on the row of selfsigned: IMAP [..] implicit, refused: certificate (press i)" \
    "row: $ROW"
if grep -qF '[TLS]' <<<"$ROW" || grep -qF '[PIN]' <<<"$ROW"; then
    ui_point 1 "selfsigned: no lock is shown for the unknown CA" "row: $ROW"
else
    ui_point 0 "selfsigned: no lock is shown for the unknown CA"
fi

ui_keys j i
wait_re "^starling: certificate: selfsigned IMAP $U:$IMAPS_PORT"
ui_point $? "i on the second row opens selfsigned's certificate screen" \
    "sent: j i; expected the title 'starling: certificate: selfsigned IMAP $U:$IMAPS_PORT'"
ui_keys p
wait_for "Type here:"
st=$?
text=$(dialog_text)
tr -d ' ' <<<"$text" | grep -qF "typethehostname${U}toconfirm"
ui_point $((st || $?)) "p asks to type the host name before pinning" \
    "sent: p; expected a dialog asking to 'type the host name $U to confirm'"
# Wrapped at spaces, its lines joined with spaces give the sentences back.
want="then type the host name $U to confirm."
grep -qF "$want" <<<"$text" && grep -qF "even without a certificate authority" <<<"$text"
ui_point $? "the pin dialog wraps its text between words" \
    "expected the dialog's lines, joined with spaces, to read '... even without a certificate authority ...' and '$want'" \
    "joined: $text"

sleep 0.3   # Dovecot's auth process logs through a pipe of its own
if log_since "$DOVECOT_LOG" "$DM" | grep -Eq "$PINNED_LOGIN_RE"; then
    ui_point 1 "selfsigned: no login before the pin" \
        "$DOVECOT_LOG shows a login over $U:" \
        "$(log_since "$DOVECOT_LOG" "$DM" | grep -E "$PINNED_LOGIN_RE")"
else
    ui_point 0 "selfsigned: no login before the pin"
fi

ui_type "$U"
ui_keys Enter
wait_re "^\[PIN\] IMAP $U:$IMAPS_PORT"
ui_point $? "after typing the host name the certificate screen shows [PIN]" \
    "typed: $U Enter; expected the row under the title: [PIN] IMAP $U:$IMAPS_PORT (implicit)"
ui_keys q
wait_row selfsigned 'IMAP \[PIN\] implicit, [0-9]+ unseen'
ui_point $? "selfsigned: the row shows [PIN] and the login" \
    "sent: q; expected on the row of selfsigned: IMAP [PIN] implicit, N unseen" "row: $ROW"
log_wait "$DOVECOT_LOG" "$DM" "$PINNED_LOGIN_RE" 10
ui_point $? "selfsigned: Dovecot's log shows the login after the pin" \
    "no /$PINNED_LOGIN_RE/ in $DOVECOT_LOG:" "$(log_since "$DOVECOT_LOG" "$DM" | tail -n 20)"
pins=$XDG_DATA_HOME/starling/pins
[ -s "$pins" ]
ui_point $? "the pin is stored in \$XDG_DATA_HOME/starling/pins" "no file $pins:" \
    "$(ls -lR "$XDG_DATA_HOME" 2>&1)"

# ------------------------------------- 3: plaintext refusal and override
wait_row plain 'IMAP \[[^]]*\] starttls, refused: not encrypt'
ui_point $? "plain: the row shows the refusal (not encrypted)" \
    "expected on the row of plain: IMAP [..] starttls, refused: not encrypted (press Enter)" \
    "row: $ROW"
grep -qF "refused: not encrypted (press Enter)" <<<"$ROW"
ui_point $? "plain: the row's hint (press Enter) is not cut off" \
    "expected on the row of plain: refused: not encrypted (press Enter); the row has room for it" \
    "row: $ROW"
ui_keys j Enter
wait_for "Type here:"
st=$?
text=$(dialog_text)
tr -d ' ' <<<"$text" | grep -qF "isNOTencrypted"
ui_point $((st || $?)) "plain: Enter opens the override dialog" \
    "sent: j Enter on the row of plain; expected the dialog ('... is NOT encrypted ...', 'Type here:')"
want="type the account's name (plain) and press Enter"
grep -qF "$want" <<<"$text" && grep -qF "your user name, your password" <<<"$text"
ui_point $? "the override dialog wraps its text between words" \
    "expected the dialog's lines, joined with spaces, to read '... your user name, your password ...' and '$want'" \
    "joined: $text"
# Dovecot did see the connection; no credential reached it.
log_wait "$PLAIN_DOVECOT_LOG" "$PM" "$DOVECOT_END_RE" 5
conn=$?
sleep 0.3
why=
[ "$conn" -ne 0 ] && why="the connection never showed up in $PLAIN_DOVECOT_LOG"
log_since "$PLAIN_DOVECOT_LOG" "$PM" | grep -Eq "$AUTH_ATTEMPT_RE" &&
    why="$PLAIN_DOVECOT_LOG shows an authentication attempt before the name was typed"
ui_point "$([ -z "$why" ]; echo $?)" \
    "plain: Dovecot's log shows the connection and no login before the name is typed" \
    "$why" "--- $PLAIN_DOVECOT_LOG:" "$(log_since "$PLAIN_DOVECOT_LOG" "$PM")"

ui_type nope
ui_keys Enter
wait_for 'that is not "plain"'
st=$?
sleep 0.5
log_since "$PLAIN_DOVECOT_LOG" "$PM" | grep -Eq "$AUTH_ATTEMPT_RE" && st=1
ui_point "$st" "plain: a wrong name changes nothing and sends nothing" \
    "typed: nope Enter; expected the message 'that is not \"plain\"; nothing was changed' and no auth in the log" \
    "--- $PLAIN_DOVECOT_LOG:" "$(log_since "$PLAIN_DOVECOT_LOG" "$PM")"

PM2=$(log_mark "$PLAIN_DOVECOT_LOG")
ui_type plain
ui_keys Enter
wait_row plain 'IMAP \[PLAIN\] starttls, [0-9]+ unseen'
ui_point $? "plain: after typing its name the row shows [PLAIN] and logs in" \
    "typed: plain Enter; expected on the row of plain: IMAP [PLAIN] starttls, N unseen" \
    "row: $ROW"
log_wait "$PLAIN_DOVECOT_LOG" "$PM2" "$PLAIN_LOGIN_RE" 10
ui_point $? "plain: the plain Dovecot's log shows the login after the name" \
    "no /$PLAIN_LOGIN_RE/ in $PLAIN_DOVECOT_LOG:" "$(log_since "$PLAIN_DOVECOT_LOG" "$PM")"

# ------------------------------- the password prompt (no password_cmd)
wait_row prompt 'IMAP \[--\] starttls, not connected'
ui_point $? "prompt: an account without password_cmd does not connect at start" \
    "expected on the row of prompt: IMAP [--] starttls, not connected" "row: $ROW"
DM=$(log_mark "$DOVECOT_LOG")
ui_keys j c
wait_for "Password:"
st=$?
text=$(dialog_text)
grep -qF "localhost:$IMAP_PORT" <<<"$text" && grep -qE 'verified' <<<"$text" &&
    grep -qE 'starttls' <<<"$text"
ui_point $((st || $?)) "prompt: c asks for the password, saying where it will travel" \
    "sent: j c; expected a password dialog naming localhost:$IMAP_PORT, verified, starttls" \
    "joined: $text"
ui_type "$TEST_PASS"
sleep 0.3
ui_capture
grep -qF -- "$TEST_PASS" <<<"$PANE"
ui_point $((! $?)) "prompt: the password is not echoed" \
    "typed the password; it shows on the screen"
ui_keys Enter
wait_row prompt 'IMAP \[TLS\] starttls, [0-9]+ unseen'
ui_point $? "prompt: after Enter the row shows [TLS] and the login" \
    "sent: Enter; expected on the row of prompt: IMAP [TLS] starttls, N unseen" "row: $ROW"

# ------------------------------------------- 4: the fingerprint, certtool's
# value_of LABEL: the value after LABEL on the certificate screen, with its
# continuation rows (wrapped in the value column, no label) joined.
# Label rows start with two spaces; continuation rows with more.
value_of() {
    awk -v label="$1" '
        found && /^   +[^ ]/ { sub(/^ +/, ""); v = v $0; next }
        found { exit }
        index($0, "  " label) == 1 { found = 1; v = substr($0, length(label) + 3);
            sub(/^ +/, "", v) }
        END { print v }' <<<"$PANE"
}
ui_keys g i
wait_re "^starling: certificate: work IMAP localhost:$IMAP_PORT"
st=$?
wait_for "SHA-256:" 5
want=$(cert_field "$GOOD_PEM" sha256)
got=$(value_of "SHA-256:")
norm() { tr -d ': ' <<<"$1" | tr 'A-F' 'a-f'; }
[ "$st" -eq 0 ] && [ -n "$got" ] && [ "$(norm "$got")" = "$(norm "$want")" ]
ui_point $? "the certificate screen shows certtool's SHA-256 fingerprint" \
    "sent: g i; expected SHA-256: $want" "found: $got"
want=$(cert_field "$GOOD_PEM" pin)
got=$(value_of "Pin:")
[ "$got" = "$want" ]
ui_point $? "the certificate screen shows certtool's pin-sha256" \
    "expected Pin: $want" "found: $got"

# ------------------------------------------------------- 6: the transcript
# Every row of the transcript, page by page (it may be longer than a screen).
ui_keys q
wait_for "starling: accounts"
ui_keys t
wait_re "^starling: transcript: work IMAP"
st=$?
wait_re '^\[(plain|tls)\] ' 5
ui_keys g
sleep 0.2
ALL=
for _ in 1 2 3 4 5 6 7 8 9 10; do
    ui_capture
    ALL=$ALL$'\n'$PANE
    prev=$PANE
    ui_keys PageDown
    sleep 0.2
    ui_capture
    [ "$PANE" = "$prev" ] && break
done
ALL=$ALL$'\n'$PANE
PANE=$ALL
grep -qE '^\[plain\] C: +.*STARTTLS' <<<"$ALL"
ui_point $((st || $?)) "the transcript shows STARTTLS in the plaintext part" \
    "sent: q t, then PageDown; expected a row '[plain] C: ... STARTTLS' (all pages below)"
grep -qE '^\[tls\] C: +.*(LOGIN|AUTHENTICATE|AUTH).*\[redacted\]' <<<"$ALL"
ui_point $? "the transcript shows [redacted] where the password went" \
    "expected a row '[tls] C: ... LOGIN ... [redacted]' (all pages below)"
bad=$(grep -nF -- "$TEST_PASS" <<<"$ALL"; grep -nE '^\[plain\] C: .*(LOGIN|AUTH)' <<<"$ALL")
[ -z "$bad" ]
ui_point $? "the transcript shows no password and no login in the clear" "found: $bad"

ui_keys q
wait_for "starling: accounts"
st=$?
ui_keys q
i=0
until ui_dead || [ "$i" -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
ui_dead
ui_point $((st || $?)) "q on the accounts screen quits" \
    "sent: q (back to the accounts), q; expected starling to end within 5 s"

tap_done
