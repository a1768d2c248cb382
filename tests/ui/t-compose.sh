#!/bin/bash
# Writing mail, driven in tmux against the real Dovecot and Postfix, with a
# scripted $EDITOR ($H/editor.sh, told what to do through $H/ed.mode):
#   - m: the editor gets a private file (0600, in $TMPDIR, removed after);
#     it fills To, a Japanese Subject, a body and an Attach: line; the
#     confirmation screen shows them and "STARTTLS, TLS 1.3, verified"
#     for the harness's submission port; y sends; the message is read
#     back from alice's INBOX over IMAP, and Sent holds a copy;
#   - r on that message in the index: the editor sees Re:, the quote and
#     the attribution; the reply carries In-Reply-To and References;
#   - f a: a forward with the message attached (message/rfc822);
#   - an unchanged new message, an editor that fails, a header the parser
#     does not know: asked, aborted, or shown with the line to fix;
#   - p: a message kept in Drafts;
#   - g in the pager: a reply to all of the message read;
#   - an account whose SMTP is the plain Postfix port: the confirmation
#     screen says why it cannot be sent securely, y puts the message in
#     the outbox (the status line counts it), F tries again, and nothing
#     reaches the plain port's MAIL FROM;
#   - an account without password_cmd: y asks for the SMTP password.
set -u
UI_BUDGET=${UI_BUDGET:-240}
. "$(dirname "$0")/lib.sh"
ui_init
tap_plan 35

mail() {
    timeout 60 python3 "$UI_DIR/mailread.py" localhost "$IMAP_PORT" \
        "$TEST_USER" "$TEST_PASS" "$CA_PEM" "$@"
}
mail create Sent >/dev/null 2>&1 || harness_fail "cannot create Sent"
mail create Drafts >/dev/null 2>&1 || harness_fail "cannot create Drafts"

# The scripted editor: what it does is in $H/ed.mode; it keeps a copy of
# the text it was given ($H/ed.seen) and where it was (path, mode).
export ED_DIR=$H
cat >"$H/editor.sh" <<'EOF'
#!/bin/sh
f=$1
cp "$f" "$ED_DIR/ed.seen"
printf '%s %s\n' "$(stat -c %a "$f")" "$(dirname "$f")" >"$ED_DIR/ed.stat"
exec python3 - "$f" "$(cat "$ED_DIR/ed.mode")" "$ED_DIR" <<'PY'
import sys
path, mode, d = sys.argv[1:4]
t = open(path, encoding="utf-8").read()
head, sep, body = t.partition("\n\n")
lines = head.split("\n")
def put(name, value):        # fill an empty header line
    for i, l in enumerate(lines):
        if l.rstrip() == name + ":":
            lines[i] = "%s: %s" % (name, value)
            return
    sys.exit("editor.sh: no empty %s: line" % name)
if mode == "noop":
    sys.exit(0)
if mode == "fail":
    sys.exit(3)
if mode in ("new", "plain", "bad", "typed", "draft"):
    put("To", "alice@localhost")
    put("Subject", {"new": "日本語のテスト「送信」", "plain": "plain route test",
                    "bad": "bad header", "typed": "typed password test",
                    "draft": "postponed test"}[mode])
    if mode == "new":
        lines.append("Attach: %s/attach.txt" % d)
    if mode == "bad":
        lines.append("X-Foo: bar")
    body = "こんにちは、送信のテストです。\n二行目。\n"
if mode == "reply":
    body = "返信です。\n\n" + body
if mode == "fwd":
    put("To", "alice@localhost")
head = "\n".join(lines)
open(path, "w", encoding="utf-8").write(head + "\n\n" + body)
PY
EOF
chmod +x "$H/editor.sh"
printf 'attached text\n' >"$H/attach.txt"
printf 'second file\n' >"$H/attach2.txt"
mkdir -p "$H/tmp"
unset VISUAL
export EDITOR=$H/editor.sh TMPDIR=$H/tmp
edit_mode() { echo "$1" >"$H/ed.mode"; rm -f "$H/ed.seen" "$H/ed.stat"; }

config_ui work "${ACCOUNT_KEYS[@]}" name="Alice Example" \
    "imap=imap://localhost:$IMAP_PORT" "smtp=smtp://localhost:$SUBMISSION_PORT" \
    "cafile=$CA_PEM" sent_folder=Sent -- \
    plain "${ACCOUNT_KEYS[@]}" "smtp=smtp://localhost:$PLAIN_SMTP_PORT" -- \
    typed email="$TEST_EMAIL" user="$TEST_USER" \
    "smtp=smtp://localhost:$SUBMISSION_PORT" "cafile=$CA_PEM"
ui_start
wait_row work 'IMAP \[TLS\] starttls'
ui_point $? "work connects with [TLS]" "row: $ROW"

# ----------------------------------------------------------- 1: m, y
SUBJ="日本語のテスト「送信」"
edit_mode new
ui_keys m
wait_for "STARTTLS, TLS 1.3, verified localhost" 20
ui_point $? "m, the editor, then the confirmation screen: STARTTLS, TLS 1.3, verified localhost" \
    "expected the route of smtp://localhost:$SUBMISSION_PORT on the confirmation screen"
grep -qE '^ +To: +alice@localhost' <<<"$PANE" &&
    grep -qF "$SUBJ" <<<"$PANE" &&
    grep -qE 'Attached: +attach\.txt \(14 B, text/plain\)' <<<"$PANE" &&
    grep -qF "From:     Alice Example <alice@localhost>" <<<"$PANE"
ui_point $? "it shows From, To, the Japanese subject and the attachment (name, size, type)"
read -r mode dir <"$H/ed.stat" 2>/dev/null
left=$(find "$H/tmp" -name 'starling-*' | wc -l)
[ "$mode" = 600 ] && [ "$dir" = "$H/tmp" ] && [ "$left" -eq 0 ]
ui_point $? "the editor's file was mode 0600 in \$TMPDIR and is gone after" \
    "editor saw: mode ${mode:-?} in ${dir:-?} (TMPDIR=$H/tmp); files left: $left"
grep -qE '^From: Alice Example <alice@localhost>$' "$H/ed.seen" &&
    grep -qE '^To: $' "$H/ed.seen" && grep -qE '^Subject: $' "$H/ed.seen"
ui_point $? "the editor was given a header block: From filled, To and Subject empty" \
    "$(cat "$H/ed.seen" 2>&1)"

ui_keys y
wait_for "The message was sent. A copy was saved in Sent." 30
ui_point $? "y sends it; the screen says so, and where the copy went"
got=$(mail find INBOX "$SUBJ")
[ -n "$got" ] && jq -e --arg s "$SUBJ" '.subject == $s and .from == "Alice Example <alice@localhost>"
    and .to == "alice@localhost" and .bcc == null
    and (.body | contains("こんにちは、送信のテストです。\n二行目。"))
    and (.["message-id"] | test("^<.+@.+>$"))' <<<"$got" >/dev/null
ui_point $? "alice's INBOX has it: From, To, the Japanese subject and body" "$got"
[ -n "$got" ] && jq -e '.attachments == [{"filename": "attach.txt", "content_type": "text/plain",
    "text": "attached text\n"}]' <<<"$got" >/dev/null
ui_point $? "with attach.txt as an attachment" "$got"
MSGID=$(jq -r '.["message-id"]' <<<"$got")
sent=$(mail find Sent "$SUBJ")
[ -n "$MSGID" ] && [ "$MSGID" != null ] && [ "$(jq -r '.["message-id"]' <<<"$sent")" = "$MSGID" ]
ui_point $? "the Sent folder has a copy (the same Message-ID)" "INBOX: $got" "Sent: $sent"

# ------------------------------------------------------- 2: r in the index
ui_keys q
wait_for "starling: accounts"
ui_keys Enter
wait_re '^ +INBOX +'
ui_keys Enter
wait_re "$SUBJ"
edit_mode reply
ui_keys r
wait_for "Re: $SUBJ" 20
st=$?
wait_for "STARTTLS, TLS 1.3, verified localhost" 20
ui_point $((st || $?)) "r: the reply's confirmation screen shows Re: and the route"
grep -qxF "To: alice@localhost" "$H/ed.seen" &&
    grep -qxF "Subject: Re: $SUBJ" "$H/ed.seen" &&
    grep -qE '^On .+, Alice Example wrote:$' "$H/ed.seen" &&
    grep -qxF "> こんにちは、送信のテストです。" "$H/ed.seen" &&
    grep -qxF "> 二行目。" "$H/ed.seen"
ui_point $? "the editor got the reply: To, Re: subject, the attribution and the quote" \
    "$(cat "$H/ed.seen" 2>&1)"
ui_keys y
wait_for "The message was sent." 30
got=$(mail find INBOX "Re: $SUBJ")
[ -n "$got" ] && jq -e --arg id "$MSGID" --arg s "Re: $SUBJ" '.subject == $s and
    .["in-reply-to"] == $id and (.references | contains($id)) and
    (.body | startswith("返信です。\n")) and
    (.body | contains("> こんにちは、送信のテストです。"))' <<<"$got" >/dev/null
ui_point $? "the reply arrives with In-Reply-To and References to the original and the quote" \
    "original Message-ID: $MSGID" "$got"

# g in the pager: reply to all, from the message being read
ui_keys q
wait_re "^starling: work: INBOX"
ui_keys Enter
wait_for "Subject: $SUBJ"
edit_mode noop     # a reply left as it was is still a reply: no question
ui_keys g
wait_for "starling: work: reply to all" 20
st=$?
wait_for "y: send  e: edit  a: attach  p: postpone  q: abort"
grep -qxF "Subject: Re: $SUBJ" "$H/ed.seen" && grep -qxF "To: alice@localhost" "$H/ed.seen"
ui_point $((st || $?)) "g in the pager: a reply to all of the message read" \
    "$(cat "$H/ed.seen" 2>&1)"
ui_keys q y
wait_for "Subject: $SUBJ"
ui_keys q

# ------------------------------------------------- 3: f a: forward attached
wait_re "^starling: work: INBOX"
edit_mode fwd
ui_keys f
wait_for "Forward this message"
ui_keys a
wait_for "the forwarded message (" 20
ui_point $? "f a: the confirmation screen lists the forwarded message as an attachment"
ui_keys y
wait_for "The message was sent." 30
got=$(mail find INBOX "Fwd: ")
[ -n "$got" ] && jq -e --arg s "$SUBJ" '.messages == [$s]' <<<"$got" >/dev/null
ui_point $? "the forward carries the original as message/rfc822" "$got"
ui_keys q
wait_re "^starling: work: INBOX"

# ----------------------------------------- 4: abort, a failing editor, errors
edit_mode noop
ui_keys m
wait_for "The message was not changed. Abort it? (y/n)"
st=$?
ui_keys y
wait_for "The message was not sent."
ui_point $((st || $?)) "an unchanged new message: asked, y aborts it"
edit_mode fail
ui_keys m
wait_for "The editor exited with status 3. Abort this message? (y/n)"
st=$?
ui_keys y
wait_re "^starling: work: INBOX"
ui_point $((st || $?)) "an editor exiting 3: asked whether to abort; y aborts"
edit_mode bad
ui_keys m
wait_for 'line 6: unknown header "X-Foo:"'
ui_point $? "a header the parser does not know: the error names the line" \
    "the text: $(cat "$H/ed.seen" 2>/dev/null)"
grep -qF "e: edit again  q: abort" <<<"$PANE"
st=$?
edit_mode reply    # keeps the text, only adds a line to the body
ui_keys e
wait_for 'line 6: unknown header "X-Foo:"'
grep -qxF "X-Foo: bar" "$H/ed.seen"
ui_point $((st || $?)) "e: the editor gets the text back as the user left it" \
    "$(cat "$H/ed.seen" 2>&1)"
ui_keys q
wait_for "Abort this message? Nothing is sent and the text is lost. (y/n)"
st=$?
ui_keys y
wait_re "^starling: work: INBOX"
ui_point $((st || $?)) "q asks before the text is lost; y aborts"
edit_mode draft
ui_keys m
wait_for "postponed test" 20
ui_keys p
wait_for "The message was kept as a draft."
st=$?
got=$(mail find Drafts "postponed test")
[ -n "$got" ]
ui_point $((st || $?)) "p keeps the message as a draft in the Drafts folder" "$got"
count=$(mail count INBOX)
[ "$count" = 3 ]
ui_point $? "nothing aborted or postponed was sent (INBOX holds 3 messages)" \
    "INBOX: $count"

# ------------------------------------------------ 5: plain SMTP: the outbox
ui_keys q
wait_re "^starling: work: folders"
ui_keys q
wait_for "starling: accounts"
ui_keys j
mark=$(log_mark "$POSTFIX_LOG")
edit_mode plain
ui_keys m
wait_for "It cannot be sent securely now" 20
st=$?
grep -qF "SMTP localhost:$PLAIN_SMTP_PORT" <<<"$PANE" && ! grep -qF "verified" <<<"$PANE"
ui_point $((st || $?)) "the plain port: the confirmation screen says it cannot be sent securely" \
    "expected the route of smtp://localhost:$PLAIN_SMTP_PORT and 'It cannot be sent securely now'"
reason=$(awk '/How it travels:/ { getline; print; exit }' <<<"$PANE")
grep -qiE 'STARTTLS|encrypt' <<<"$reason"
ui_point $? "with the reason (STARTTLS refused / not encrypted)" "route line: $reason"
ui_keys a
wait_for "The file to attach"
ui_type "$H/attach2.txt"
ui_keys Enter
wait_re 'Attached: +attach2\.txt \(12 B, text/plain\)'
ui_point $? "a: a file typed in the dialog is attached and listed"
ui_keys y
wait_for "The message is safe in the outbox of plain" 30
ui_point $? "y: not sent, kept in the outbox, and the screen says how to retry"
wait_re 'outbox: 1 \(S: send\)' 5
ui_point $? "the status line counts the outbox: 1"
n=$(find "$XDG_DATA_HOME/starling/outbox/plain" -type f -path '*/new/*' \
    -o -type f -path '*/cur/*' 2>/dev/null | wc -l)
[ "$n" = 1 ]
ui_point $? "the outbox of plain holds the message" \
    "$(find "$XDG_DATA_HOME/starling/outbox" 2>&1)"
ui_keys q
wait_for "starling: accounts"
ui_keys S
wait_re 'Sent 0, 1 message is still in the outbox' 30
ui_point $? "F tries the outbox again: still refused, still kept"
sleep 0.5
count=$(mail count INBOX)
! log_since "$POSTFIX_LOG" "$mark" | grep -E 'submission-plain/smtpd.*(client=|MAIL FROM|sasl_)' &&
    [ "$count" = 3 ]
ui_point $? "nothing was sent in the clear: no message, no MAIL FROM, no AUTH on the plain port" \
    "INBOX: $count" "$(log_since "$POSTFIX_LOG" "$mark" | grep submission-plain)"

# ------------------------------------- 6: a password typed for SMTP
ui_keys j
edit_mode typed
ui_keys m
wait_for "STARTTLS, TLS 1.3, verified localhost" 20
ui_keys y
wait_for "Password for $TEST_USER at" 30
ui_point $? "an account without password_cmd: y asks for the SMTP password" \
    "expected the password dialog after y"
ui_type "$TEST_PASS"
ui_capture
! grep -qF "$TEST_PASS" <<<"$PANE"
st=$?
ui_keys Enter
wait_for "The message was sent." 30
ui_point $((st || $?)) "the password is not shown; once typed, the message is sent"
got=$(mail find INBOX "typed password test")
[ -n "$got" ]
ui_point $? "it is in alice's INBOX" "$got"
ui_keys q
wait_for "starling: accounts"

ui_keys Q
i=0
until ui_dead || [ "$i" -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
ui_dead
ui_point $? "Q quits"
grep -v '^$' "$UI_STDERR" >/dev/null
ui_point $((! $?)) "nothing on stderr" "$(cat "$UI_STDERR")"

tap_done
