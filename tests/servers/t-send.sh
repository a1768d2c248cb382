#!/bin/bash
# Sending through the real Postfix (submission port, STARTTLS, AUTH) into
# Dovecot, read back over IMAP and decoded with Python's email package:
# message_build() as the compose screen uses it (tests/servers/
# submit_test), `starling send` as scripts, cron and git send-email use
# it (-t, -f, Bcc, sendmail's argv), the Sent copy, refused recipients.
set -u
. "$(dirname "$0")/harness.sh"
harness_require_starling
: "${SUBMIT_TEST:=${top_builddir:-$HARNESS_DIR/../..}/tests/servers/submit_test}"
[ -x "$SUBMIT_TEST" ] || { echo "Bail out! $SUBMIT_TEST is not built (make check builds it)"; exit 1; }
harness_start
tap_plan 49

IMAPGET=$HARNESS_DIR/imapget.py
MAILCHECK=$HARNESS_DIR/mailcheck.py
config_new
config_account work name="Alice Example" "${ACCOUNT_KEYS[@]}" \
    imap="imap://localhost:$IMAP_PORT" smtp="smtp://localhost:$SUBMISSION_PORT" \
    cafile="$CA_PEM" sent_folder=Sent timeout=20
W=$H/work; mkdir -p "$W"

# submit_test ARGS...: the compose path; OUT, ERR, RC like run_starling.
submit_test() {
    local o e
    o=$(mktemp "$H/out.XXXXXX"); e=$(mktemp "$H/err.XXXXXX")
    timeout 60 "$SUBMIT_TEST" --config "$CONF" -a work "$@" >"$o" 2>"$e" </dev/null
    RC=$?
    OUT=$(cat "$o"); ERR=$(cat "$e"); rm -f "$o" "$e"
    LAST_CMD="submit_test $*"
}
# send_stdin FILE ARGS...: starling ARGS < FILE.
send_stdin() {
    local f=$1 o e; shift
    o=$(mktemp "$H/out.XXXXXX"); e=$(mktemp "$H/err.XXXXXX")
    timeout 60 "$STARLING" "$@" <"$f" >"$o" 2>"$e"
    RC=$?
    OUT=$(cat "$o"); ERR=$(cat "$e"); rm -f "$o" "$e"
    LAST_CMD="starling $* < $f"
}
# wait_for DESC FOLDER MESSAGE-ID N: N copies arrive (a generous guard).
wait_for() {
    python3 "$IMAPGET" wait "$2" Message-ID "$3" "$4"
    tap_result $? "$1" "$(echo "found $(python3 "$IMAPGET" count "$2" Message-ID "$3") of $4"; starling_diag)"
}
# fetch FOLDER MESSAGE-ID DIR: the copies into DIR/1.eml ...
fetch() { rm -rf "$3"; python3 "$IMAPGET" fetch "$1" Message-ID "$2" "$3" >/dev/null; }
# check_mail DESC FILE CHECK...: mailcheck.py.
check_mail() {
    local desc=$1 res; shift
    res=$(python3 "$MAILCHECK" "$@" 2>&1)
    tap_result $? "$desc" "$res"
}
# every_copy DESC DIR CHECK...: check_mail on each copy in DIR.
every_copy() {
    local desc=$1 dir=$2 f res= st=0; shift 2
    for f in "$dir"/*.eml; do
        res+=$(python3 "$MAILCHECK" "$f" "$@" 2>&1) || st=1
    done
    tap_result $st "$desc" "$res"
}

# ---------------------------------------------------------------- the route
submit_test route
expect_rc "route probe: exit 0" 0
tap_result "$(grep -Eq $'^summary\tSTARTTLS, TLS 1\\.[23], verified localhost$' <<<"$OUT"; echo $?)" \
    "route probe: STARTTLS, TLS 1.x, verified localhost" "$(starling_diag)"
tap_result "$(grep -q $'^eightbit\t1$' <<<"$OUT"; echo $?)" \
    "route probe: Postfix offers 8BITMIME" "$(starling_diag)"

# ------------------------------------------------- a composed message
SUBJ="日本語の件名：テスト送信、長い件名が七十六桁で折り返されることを確かめる $$"
printf '本文です。こんにちは、世界。\nSecond line, ASCII.\n\nトレーリングスペース \n' >"$W/body.txt"
head -c 5000 /dev/urandom >"$W/報告書（最終版）.bin"
printf 'こんにちは\nテキストの添付\n' >"$W/日本語の名前.txt"
submit_test send --to "山田 太郎 <$TEST_EMAIL>" --cc "\"Doe, John\" <alice+cc@localhost>" \
    --bcc "alice+bcc@localhost" --subject "$SUBJ" --body-file "$W/body.txt" \
    --attach "$W/報告書（最終版）.bin" --attach "$W/日本語の名前.txt"
expect_rc "compose: sent, exit 0" 0
tap_result "$(grep -q $'^queued\t0$' <<<"$OUT"; echo $?)" "compose: not queued" "$(starling_diag)"
MID=$(sed -n 's/^message-id\t//p' <<<"$OUT")
wait_for "compose: To, Cc and Bcc copies all arrive" INBOX "$MID" 3
fetch INBOX "$MID" "$W/c1"
every_copy "compose: Japanese subject decodes exactly" "$W/c1" "header:Subject=$SUBJ"
every_copy "compose: To display name (encoded word) decodes" "$W/c1" "name:To=山田 太郎" "addr:To=$TEST_EMAIL"
every_copy "compose: Cc display name with a comma survives" "$W/c1" "name:Cc=Doe, John" "addr:Cc=alice+cc@localhost"
every_copy "compose: no Bcc header in any delivered copy" "$W/c1" "no-header:Bcc"
every_copy "compose: body byte-exact after decoding" "$W/c1" "body=$W/body.txt"
every_copy "compose: body went as 8bit (8BITMIME)" "$W/c1" "cte:text/plain=8bit"
every_copy "compose: binary attachment with a Japanese name, byte-exact" "$W/c1" \
    "attach:報告書（最終版）.bin=$W/報告書（最終版）.bin"
every_copy "compose: text attachment with a Japanese name, byte-exact" "$W/c1" \
    "attach:日本語の名前.txt=$W/日本語の名前.txt"
every_copy "compose: CRLF lines of at most 998 octets" "$W/c1" lines
every_copy "compose: Message-ID at the sender's domain, Date, MIME-Version" "$W/c1" \
    "has-header:Message-ID=@localhost>$" "has-header:Date=[+-][0-9]{4}$" "header:MIME-Version=1.0"
tap_result "$(grep -l 'alice+bcc@localhost' "$W"/c1/*.eml | xargs -r grep -c '^Delivered-To: alice+bcc@localhost' | grep -q 1; echo $?)" \
    "compose: the Bcc recipient got its copy" "$(grep -h '^Delivered-To' "$W"/c1/*.eml)"
wait_for "compose: the Sent copy is in the IMAP Sent folder" Sent "$MID" 1
fetch Sent "$MID" "$W/s1"
tap_result "$(grep -q 'Seen' "$W/s1/1.flags"; echo $?)" "compose: the Sent copy is \\Seen" "$(cat "$W/s1/1.flags")"
check_mail "compose: the Sent copy is the message sent" "$W/s1/1.eml" "header:Subject=$SUBJ" \
    "attach:報告書（最終版）.bin=$W/報告書（最終版）.bin" no-header:Bcc

# without 8BITMIME the same body goes as quoted-printable
submit_test send --to "$TEST_EMAIL" --subject "qp $$" --body-file "$W/body.txt" --eightbit 0
expect_rc "compose without 8BITMIME: sent" 0
MID=$(sed -n 's/^message-id\t//p' <<<"$OUT")
wait_for "compose without 8BITMIME: arrives" INBOX "$MID" 1
fetch INBOX "$MID" "$W/c2"
check_mail "compose without 8BITMIME: quoted-printable, body byte-exact" "$W/c2/1.eml" \
    "cte:text/plain=quoted-printable" "body=$W/body.txt" lines

# a draft kept on the server
submit_test postpone --to "$TEST_EMAIL" --subject "draft $$" --body-file "$W/body.txt"
expect_rc "postpone: exit 0" 0
MID=$(sed -n 's/^message-id\t//p' <<<"$OUT")
fetch Drafts "$MID" "$W/d1"
tap_result "$(grep -q 'Draft' "$W/d1/1.flags" 2>/dev/null; echo $?)" \
    "postpone: in Drafts with \\Draft" "$(cat "$W/d1/1.flags" 2>&1)"

# ----------------------------------------------------- starling send -t
cat >"$W/t.eml" <<EOF
From: Alice Example <$TEST_EMAIL>
To: $TEST_EMAIL
Bcc: "Secret, Agent" <alice+t@localhost>
Subject: =?UTF-8?B?44Gm44GZ44Go?= -t $$
Message-ID: <t.$$@localhost>

-t body
.
a line with only a dot above
EOF
send_stdin "$W/t.eml" send -t
expect_rc "send -t: exit 0" 0
wait_for "send -t: To and Bcc copies arrive" INBOX "<t.$$@localhost>" 2
fetch INBOX "<t.$$@localhost>" "$W/t"
every_copy "send -t: no Bcc header in the delivered copies" "$W/t" "no-header:Bcc" "header:Subject=てすと -t $$"
tap_result "$(cat "$W"/t/*.eml | grep -c '^Delivered-To: alice+t@localhost' | grep -qx 1; echo $?)" \
    "send -t: the Bcc recipient got it" "$(grep -h '^Delivered-To' "$W"/t/*.eml)"
tap_result "$(grep -q '^a line with only a dot above' "$W/t/1.eml" && grep -qx $'\\.\r' "$W/t/1.eml"; echo $?)" \
    "send -t: a lone dot line travels (reads to the end of input)" "$(cat "$W/t/1.eml")"
wait_for "send -t: a Sent copy by default" Sent "<t.$$@localhost>" 1

# -------------------------------------------------- -f, the envelope sender
printf 'Subject: envelope %s\nMessage-ID: <f.%s@localhost>\n\nbody\n' $$ $$ >"$W/f.eml"
send_stdin "$W/f.eml" send -f alice+bounce@localhost --no-sent-copy "$TEST_EMAIL"
expect_rc "send -f: exit 0" 0
wait_for "send -f: arrives" INBOX "<f.$$@localhost>" 1
fetch INBOX "<f.$$@localhost>" "$W/f"
check_mail "send -f: Return-Path is the -f address; From was added" "$W/f/1.eml" \
    "has-header:Return-Path=<alice\\+bounce@localhost>" "addr:From=alice+bounce@localhost" \
    "has-header:Date=[+-][0-9]{4}$"
tap_result "$(python3 "$IMAPGET" count Sent Message-ID "<f.$$@localhost>" | grep -qx 0; echo $?)" \
    "send --no-sent-copy: no copy in Sent" ""

# ----------------------------------------- sendmail's argv (git send-email)
printf 'From: %s\nSubject: argv %s\nMessage-ID: <argv.%s@localhost>\n\nbody\n' \
    "$TEST_EMAIL" $$ $$ >"$W/argv.eml"
send_stdin "$W/argv.eml" -i "$TEST_EMAIL"
expect_rc "starling -i RCPT (git send-email's exact argv, default config): exit 0" 0
wait_for "starling -i RCPT: arrives" INBOX "<argv.$$@localhost>" 1
ln -sf "$STARLING" "$W/sendmail"
printf 'Subject: as sendmail %s\nMessage-ID: <sm.%s@localhost>\n\nbody\n' $$ $$ >"$W/sm.eml"
send_stdin "$W/sm.eml" -oi -oem -odi -FCronDaemon -B8BITMIME "$TEST_EMAIL"
RC_SAVE=$RC
timeout 60 env -u HOME "$W/sendmail" -t -i <<EOF >"$W/sm.out" 2>&1
To: $TEST_EMAIL
Subject: cron $$
Message-ID: <cron.$$@localhost>

from cron, without HOME
EOF
RC2=$?
tap_result "$([ "$RC_SAVE" = 0 ] && [ "$RC2" = 0 ]; echo $?)" \
    "cron's flags (-oi -oem -odi -F -B) and argv[0] sendmail without HOME: exit 0" \
    "$(echo "rc $RC_SAVE $RC2"; starling_diag; cat "$W/sm.out")"
wait_for "cron-style mail arrives" INBOX "<cron.$$@localhost>" 1
send_stdin "$W/sm.eml" -bs "$TEST_EMAIL"
expect_rc "an unsupported sendmail mode (-bs) is refused clearly: exit 1" 1
expect_output_lacks "-bs: no message was sent" "sent to"

if command -v git >/dev/null && git send-email -h 2>&1 | grep -q sendmail-cmd; then
    G=$W/git; mkdir -p "$G"
    ( cd "$G" && export HOME=$G GIT_CONFIG_NOSYSTEM=1 && git init -q . &&
      git config user.name "Alice Example" && git config user.email alice@alias.test &&
      printf 'hello\n' >f && git add f && git commit -qm "テストのパッチ $$" &&
      timeout 60 git send-email --sendmail-cmd="$STARLING" --to=git@alias.test \
          --confirm=never --quiet --suppress-cc=all -1 ) >"$W/git.out" 2>&1
    tap_result $? "git send-email --sendmail-cmd=starling: exit 0" "$(cat "$W/git.out")"
    python3 "$IMAPGET" wait INBOX Subject "[PATCH]" 1
    tap_result $? "git send-email: the patch arrives" "$(cat "$W/git.out")"
else
    tap_skip "git send-email --sendmail-cmd=starling: exit 0" "git-email is not installed"
    tap_skip "git send-email: the patch arrives" "git-email is not installed"
fi

# ---------------------------------------------- refused recipients
printf 'Subject: partial %s\nMessage-ID: <p.%s@localhost>\n\nbody\n' $$ $$ >"$W/p.eml"
send_stdin "$W/p.eml" send --no-sent-copy "$TEST_EMAIL" nobody@localhost
expect_rc "one recipient refused: exit 1" 1
tap_result "$(grep -q 'nobody@localhost (550' <<<"$ERR" && grep -q 'was sent' <<<"$ERR"; echo $?)" \
    "one recipient refused: stderr names it with the server's 550 and says the rest got it" "$(starling_diag)"
wait_for "one recipient refused: the others got it" INBOX "<p.$$@localhost>" 1
send_stdin "$W/p.eml" send --no-sent-copy nobody@localhost
expect_rc "every recipient refused: exit 1" 1
tap_result "$(grep -q 'refused every recipient: nobody@localhost (550' <<<"$ERR"; echo $?)" \
    "every recipient refused: stderr says so" "$(starling_diag)"
submit_test count
tap_result "$([ "$OUT" = 0 ]; echo $?)" "refused for good: nothing stays in the outbox" "$(starling_diag)"
tap_done
