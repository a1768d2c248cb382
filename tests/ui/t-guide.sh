#!/bin/bash
# The guide screen, driven in tmux against the real Dovecot and Postfix:
#   - the help lists G (guide) among the global keys;
#   - after the account connected, G shows the steps of its own IMAP
#     connection: Dovecot's real greeting and the STARTTLS line in the
#     clear, the certificate, the login inside TLS as [redacted] -- and
#     never the password; no step "not seen", no example;
#   - the screen scrolls (End, g, PageDown) and q or Esc close it;
#   - for an account that has not connected, the example, marked as one;
#   - G in the pager shows the open message's Authentication-Results
#     (delivered through Postfix), control characters in caret notation;
#     a message without the header says so.
set -u
. "$(dirname "$0")/lib.sh"
ui_init
tap_plan 17

MAILDIR=$H/mail/alice/Maildir
out=$(timeout 90 python3 "$UI_DIR/deliver.py" "$SUBMISSION_PORT" "$TEST_USER" \
    "$TEST_PASS" "$CA_PEM" "$MAILDIR" 2 2>&1 <<'EOF'
[{"from": "Bob <bob@example.org>", "subject": "No results here",
  "body": "This message has no Authentication-Results."},
 {"from": "Carol <carol@example.net>", "subject": "Checked by the provider",
  "headers": [["Authentication-Results",
     "mx.starling.test;\r\n\tspf=pass smtp.mailfrom=example.net;\r\n\tdkim=pass header.d=example.net \u001b[31mred\u0007"]],
  "body": "This one was checked."}]
EOF
) || harness_fail "could not deliver the test messages: $out"

config_ui work "${ACCOUNT_KEYS[@]}" "imap=imap://localhost:$IMAP_PORT" \
    "cafile=$CA_PEM" -- \
    idle "email=$TEST_EMAIL" "user=$TEST_USER" "cafile=$CA_PEM" \
    "imap=imap://localhost:$IMAP_PORT"
ui_start

wait_row work 'IMAP \[TLS\] starttls, [0-9]+ unseen'
ui_point $? "work connects with [TLS]" "row: $ROW"

ui_keys '?'
wait_for "Keys everywhere (global)"
grep -qE '^  G +guide +show the guide' <<<"$PANE"
ui_point $? "the help lists G: guide among the global keys" \
    "sent: ?; expected a row '  G  guide  show the guide: ...'"
ui_keys q
wait_for "starling: accounts"

# guide_text: every row of the guide, from the top, paging down until the
# last section shows (at most 15 pages); in $TEXT.
guide_text() {
    local i
    ui_keys g
    sleep 0.2
    ui_capture
    TEXT=$PANE
    for i in $(seq 15); do
        grep -qF "What SPF, DKIM and DMARC add" <<<"$PANE" &&
            grep -qE "Open a message|Authentication-Results of the open|has no Authentication-Results" <<<"$PANE" &&
            break
        ui_keys PageDown
        sleep 0.2
        ui_capture
        TEXT+=$'\n'$PANE
    done
}

ui_keys G
wait_for "starling: guide: work"
st=$?
wait_for "Your last IMAP connection (account work): localhost:$IMAP_PORT, starttls, [TLS]" 3
ui_point $((st || $?)) "G opens the guide on work's own IMAP connection" \
    "sent: G; expected the title 'starling: guide: work' and the heading of the connection"
guide_text
grep -qE '^  \[plain\] S: \* OK \[CAPABILITY ' <<<"$TEXT" &&
    grep -qF "Dovecot (Debian) ready." <<<"$TEXT"
ui_point $? "step 1 shows Dovecot's real greeting, in the clear" \
    "expected a row '  [plain] S: * OK [CAPABILITY ...' and 'Dovecot (Debian) ready.'" \
    "all rows seen:" "$TEXT"
grep -qE '^  \[plain\] C: S1 STARTTLS$' <<<"$TEXT" &&
    grep -qE '^  \[plain\] S: S1 OK Begin TLS negotiation now\.$' <<<"$TEXT"
ui_point $? "step 3 shows the STARTTLS line and Dovecot's go-ahead" "$TEXT"
grep -qE '^  \*\* +certificate: CN=localhost \(' <<<"$TEXT" &&
    grep -qE '^  \[tls\] C: +2 LOGIN \[redacted\]$' <<<"$TEXT"
ui_point $? "the certificate, then the login inside TLS as [redacted]" "$TEXT"
! grep -qF "$TEST_PASS" <<<"$TEXT" && ! grep -qF "Not seen in this connection" <<<"$TEXT" &&
    ! grep -qF "EXAMPLE" <<<"$TEXT" && grep -qF "Open a message and press G" <<<"$TEXT"
ui_point $? "no password, no step \"not seen\", no example; no message open" "$TEXT"

# End shows the last section; g the first again.
ui_type $'\eOF'
wait_for "What SPF, DKIM and DMARC add" 5
st=$?
grep -qF "How starling protects your mail" <<<"$PANE"
ui_point $((st || ! $?)) "End scrolls to the last section (the first is gone)" \
    "sent: ESC O F (End)"
ui_keys g
wait_for "How starling protects your mail" 5
ui_point $? "g scrolls back to the top" "sent: g"
ui_keys q
wait_for "starling: accounts"
ui_point $? "q closes the guide" "sent: q; expected the accounts screen"
ui_keys G
wait_for "starling: guide: work"
ui_keys Escape
wait_for "starling: accounts"
ui_point $? "Esc closes the guide" "sent: G Escape; expected the accounts screen"

# An account that never connected: the example, clearly marked.
ui_keys j G
wait_for "starling: guide: idle"
st=$?
wait_for "EXAMPLE, not your connection" 3
st=$((st || $?))
grep -qF "Your last" <<<"$PANE"
ui_point $((st || ! $?)) "for an account not connected yet, the example, marked as one" \
    "sent: j G; expected 'EXAMPLE, not your connection' and no 'Your last'"
ui_keys q
wait_for "starling: accounts"

# The open message's Authentication-Results.
ui_keys k Enter
wait_re '^ +INBOX +'
ui_keys Enter
wait_for "Checked by the provider"
ui_keys Enter
wait_for "Subject: Checked by the provider"
ui_point $? "the newest message opens in the pager" "sent: k Enter Enter Enter"
ui_keys G
wait_for "starling: guide: work"
ui_type $'\eOF'
wait_for "Authentication-Results of the open message:" 5
st=$?
ar=$(grep -A3 -F "Authentication-Results of the open message:" <<<"$PANE")
tr -d ' \n' <<<"$ar" | grep -qF 'mx.starling.test;spf=passsmtp.mailfrom=example.net;dkim=passheader.d=example.net^[[31mred^G'
ui_point $((st || $?)) "G in the pager shows the message's Authentication-Results, sanitised" \
    "expected the header value, unfolded, with ESC and BEL in caret notation" "rows: $ar"
ui_keys q
wait_for "Subject: Checked by the provider"
ui_keys q
wait_for "No results here"
ui_keys k Enter
wait_for "Subject: No results here"
ui_keys G
wait_for "starling: guide: work"
ui_type $'\eOF'
wait_for "The open message has no Authentication-Results header" 5
ui_point $? "a message without the header: the guide says so" \
    "sent: q q k Enter G End"
ui_keys '?'
wait_for "starling: help: guide"
ui_point $? "? in the guide opens the help for the guide" "sent: ?"

ui_dead
alive=$?
ui_keys Q
i=0
until ui_dead || [ "$i" -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
ui_dead
ui_point $((! alive || $?)) "Q quits" "sent: Q; expected starling to end within 5 s"

tap_done
