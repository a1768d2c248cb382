#!/bin/bash
# Real mail, shown correctly and safely: the corpus of tests/corpus (and a
# 20 MB attachment made here) goes through the real Postfix (submission,
# STARTTLS verified against the test CA, AUTH) into Dovecot; starling reads
# it in tmux:
#   - charsets: ISO-2022-JP (also mislabelled CP50221 mail and JIS X 0212),
#     Shift_JIS with CP932 characters, EUC-JP, GBK, Big5-HKSCS, KOI8-R,
#     windows-1251, unknown-8bit; RFC 2047 subjects in the index and pager;
#   - MIME: alternative (plain chosen), HTML through the configured dumper
#     (w3m) and through the built-in converter, nested forwards, broken
#     boundaries;
#   - terminal safety: a subject and body full of ESC sequences leave the
#     pane's title, screen and clipboard alone, and no ESC but tmux's own
#     colour codes is on the screen (capture-pane -e);
#   - attachments: RFC 2231 Japanese names listed; one whose name holds
#     "../../etc/" is saved as a plain name in the chosen folder, never
#     replacing a file; the 20 MB attachment is saved byte for byte.
set -u
UI_BUDGET=${UI_BUDGET:-300}
. "$(dirname "$0")/lib.sh"
ui_init
tap_plan 33

CORPUS=$top_srcdir/tests/corpus
MAILDIR=$H/mail/$TEST_USER/Maildir

# ----------------------------------------------------------- delivery
python3 - "$H/big.eml" "$H/big.bin" <<'EOF'
import base64, os, sys
data = os.urandom(20 * 1024 * 1024)
open(sys.argv[2], "wb").write(data)
head = ("From: Sender <sender@example.org>\r\nTo: Alice <alice@localhost>\r\n"
        "Subject: Big attachment\r\nMIME-Version: 1.0\r\n"
        "Content-Type: multipart/mixed; boundary=big\r\n\r\n--big\r\n"
        "Content-Type: text/plain; charset=us-ascii\r\n\r\nTwenty megabytes."
        "\r\n--big\r\nContent-Type: application/octet-stream; name=big.bin\r\n"
        "Content-Disposition: attachment; filename=big.bin\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n")
with open(sys.argv[1], "wb") as f:
    f.write(head.encode())
    f.write(base64.encodebytes(data).replace(b"\n", b"\r\n"))
    f.write(b"--big--\r\n")
EOF
files=("$CORPUS"/*.eml "$H/big.eml")
out=$(timeout 120 python3 "$UI_DIR/mime_deliver.py" localhost "$SUBMISSION_PORT" \
    "$TEST_USER" "$TEST_PASS" "$CA_PEM" "${files[@]}" 2>&1)
st=$?
n=0
for i in $(seq 1 600); do
    n=$(find "$MAILDIR/new" "$MAILDIR/cur" -type f 2>/dev/null | wc -l)
    [ "$n" -ge "${#files[@]}" ] && break
    sleep 0.1
done
[ "$st" -eq 0 ] && [ "$n" -eq "${#files[@]}" ]
tap_result $? "Postfix (submission, STARTTLS, AUTH) delivered all ${#files[@]} messages into the Maildir" \
    "mime_deliver.py: $out; in the Maildir: $n; postfix log: $(tail -5 "$POSTFIX_LOG" 2>&1)"

# ------------------------------------------------------------ helpers
config_ui work "${ACCOUNT_KEYS[@]}" "imap=imap://localhost:$IMAP_PORT" \
    "cafile=$CA_PEM"
HAVE_W3M=0
if command -v w3m >/dev/null 2>&1; then
    HAVE_W3M=1
    config_account starling "html_dumper=w3m -dump -T text/html -O UTF-8"
fi

# open_msg PATTERN TITLE: search the index for PATTERN, open the message,
# wait for the pager's title.
open_msg() {
    ui_keys /
    ui_type "$1"
    ui_keys Enter
    sleep 0.2
    ui_keys Enter
    wait_for "starling: work: $2" 10
}
# back_to_index: q until the index shows.
back_to_index() {
    ui_keys q
    wait_for "starling: work: INBOX (" 5
}
# shows TEXT...: every TEXT is on the pane.
shows() {
    local t
    for t in "$@"; do grep -qF -- "$t" <<<"$PANE" || return 1; done
}

ui_start
wait_row work 'IMAP \[TLS\] starttls'
ui_keys Enter
wait_re '^ +INBOX +'
ui_keys Enter
wait_for "starling: work: INBOX (${#files[@]} messages)" 15
st=$?
wait_for "Привет" 10
ui_point $((st || $?)) "INBOX opens with every message; RFC 2047 subjects decoded in the index" \
    "expected the title 'work: INBOX (${#files[@]} messages)' and the KOI8-R subject Привет"
wait_for "日本語の件名" 3 && wait_for "①会議の件㈱" 3 && wait_for "～お知らせ①" 3 &&
    wait_for "中文邮件" 3 && wait_for "繁體中文" 3 && wait_for "Отчёт" 3
ui_point $? "the index shows ISO-2022-JP (also mislabelled), Shift_JIS, GB2312, Big5 and windows-1251 subjects" \
    "expected 日本語の件名 ①会議の件㈱ ～お知らせ① 中文邮件 繁體中文 Отчёт"

# ------------------------------------------------------------ charsets
check_msg() { # DESC PATTERN TITLE TEXT...
    local desc=$1 pat=$2 title=$3
    shift 3
    open_msg "$pat" "$title"
    local st=$?
    wait_for "$1" 5
    shows "$@"
    ui_point $((st || $?)) "$desc" "searched: $pat; expected the title '$title' and: $*"
    back_to_index
}
check_msg "ISO-2022-JP subject and body" "日本語の件名" "日本語の件名" \
    "Subject: 日本語の件名" "日本語のメールです。" "二行目。"
check_msg "mislabelled ISO-2022-JP (CP50221: NEC, IBM, half-width kana) is decoded" \
    "会議" "①会議の件㈱" "①②株式会社㈱の髙橋です。ｶﾀｶﾅ"
check_msg "ISO-2022-JP with JIS X 0212 (ISO-2022-JP-2)" "JIS X 0212" "JIS X 0212" "鷗外"
check_msg "Shift_JIS read as CP932 (①, ㈱, ～, 髙, half-width kana)" "お知らせ" \
    "～お知らせ①" "①㈱～髙橋　ﾃｽﾄ"
check_msg "EUC-JP with a NEC character (EUC-JP-MS)" "EUC-JP" "EUC-JPの件名" \
    "EUC-JPの本文です。①"
check_msg "GB2312 label with GBK characters (GB18030)" "中文邮件" "中文邮件" \
    "你好，世界。丂喆"
check_msg "Big5 with an HKSCS character" "繁體中文" "繁體中文" "繁體中文郵件㇀"
check_msg "KOI8-R subject and body" "Привет" "Привет" "Привет, мир!"
check_msg "windows-1251 subject and body" "Отчёт" "Отчёт" "Здравствуйте! Отчёт готов."
check_msg "no charset, 8-bit text: windows-1252" "café" "café" "Café crème “quoted” € 5"

# ---------------------------------------------------------------- MIME
check_msg "multipart/alternative shows the plain part" "Alternative parts" \
    "Alternative parts" "Plain text wins." "Second line ="
grep -qF "Quarterly" <<<"$PANE"
tap_result $((! $?)) "... and not the HTML alternative" "$(pane_diag)"
if [ "$HAVE_W3M" = 1 ]; then
    check_msg "HTML (the plain part is empty) through html_dumper = w3m" \
        "HTML with an empty" "HTML with an empty plain part" \
        "Quarterly & yearly" "Read the report before Friday." "• one"
else
    tap_skip "HTML through html_dumper = w3m" "w3m is not installed"
fi
open_msg "nested" "Fwd: Fwd: nested"
st=$?
wait_for "The innermost text." 5
shows "See the forwarded message below." "| --- Forwarded message ---" \
    "| From: Bob <bob@example.com>" "| Bob forwards this." \
    "| | --- Forwarded message ---" "| | Subject: Innermost café" \
    "| | The innermost text."
ui_point $((st || $?)) "nested forwards: marked, indented, each with its own headers"
ui_keys End
wait_for "Innermost café.eml  [message/rfc822" 5
shows "Fwd: Innermost.eml  [message/rfc822" "Innermost café.eml  [message/rfc822"
ui_point $? "... and listed as attachments to save as .eml"
back_to_index
check_msg "broken boundaries: every part shown, with a note" "Broken boundaries" \
    "Broken boundaries" "First part." "Second part." \
    "[broken MIME: the closing boundary is missing]" "Text after a wrong boundary."

# ----------------------------------------------------- terminal safety
before_title=$(tm display-message -p -t ui '#{pane_title}')
open_msg "Invoice" "Invoice"
st=$?
wait_for "Body" 5
ui_capture
shows "From: Sender Example" "Subject: Invoice" "cleared?" "alt screen?" "?gnp.exe"
ui_point $((st || $?)) "a message full of escape sequences is shown as text, the headers still on screen" \
    "expected the headers, the body text and the file name with the sequences removed"
! grep -qE 'pwned|\]0;|\]52;|\[2J|\[\?1049' <<<"$PANE"
ui_point $? "no trace of the sequences' payloads on the screen"
raw=$(tm capture-pane -p -e -t ui)
left=$(printf '%s' "$raw" | sed 's/\x1b\[[0-9;:]*m//g' | tr -dc '\033' | wc -c)
[ "$left" -eq 0 ]
ui_point $? "capture-pane -e: no ESC on the screen but tmux's own colour codes" \
    "ESC bytes left after removing SGR: $left"
[ "$(tm display-message -p -t ui '#{pane_title}')" = "$before_title" ] &&
    [ "$(tm display-message -p -t ui '#{alternate_on}')" = 1 ] &&
    [ -z "$(tm list-buffers 2>/dev/null)" ]
ui_point $? "the pane's title, alternate screen and paste buffers are untouched" \
    "title: $(tm display-message -p -t ui '#{pane_title}') (before: $before_title); alternate_on: $(tm display-message -p -t ui '#{alternate_on}'); buffers: $(tm list-buffers 2>&1)"
back_to_index
raw=$(tm capture-pane -p -e -t ui)
left=$(printf '%s' "$raw" | sed 's/\x1b\[[0-9;:]*m//g' | tr -dc '\033' | wc -c)
[ "$left" -eq 0 ] && grep -q "Invoice" <<<"$PANE"
ui_point $? "the index row of that message carries no ESC either" "ESC bytes left: $left"

# --------------------------------------------------------- attachments
open_msg "RFC 2231" "RFC 2231 names"
st=$?
wait_for "Attachments (4" 5
shows "報告書 2023年.pdf  [application/pdf" "資料.txt  [text/plain" \
    "長い名前のファイル.zip  [application/octet-stream" \
    "../../etc/パスワード.txt  [application/octet-stream, 2 bytes]"
ui_point $((st || $?)) "RFC 2231 and RFC 2047 file names (Japanese, continuations) are listed"
ui_keys v
wait_for "starling: attachments (4)" 5
ui_point $? "v lists the attachments"
mkdir -p "$H/dl"
echo keep >"$H/dl/パスワード.txt"
ui_keys End s
wait_for "Folder:" 5
st=$?
ui_keys C-u
ui_type "$H/dl"
ui_keys Enter
wait_for "saved as $H/dl/パスワード-1.txt" 5
ui_point $((st || $?)) "s saves the file under its plain name, next to an existing one (a number added)" \
    "sent: End s C-u $H/dl Enter"
[ "$(cat "$H/dl/パスワード-1.txt" 2>&1)" = hi ] && [ "$(cat "$H/dl/パスワード.txt")" = keep ] &&
    [ ! -e "$H/etc" ] && [ -z "$(find "$H/dl" -name '.starling-save-*')" ]
ui_point $? "the saved bytes are right; the existing file, the folder's parent and no temporary file are left" \
    "files: $(ls -la "$H/dl" 2>&1)"
ui_keys q
wait_for "starling: work: RFC 2231 names" 5
back_to_index

open_msg "Big attachment" "Big attachment"
st=$?
ui_keys End
wait_for "big.bin  [application/octet-stream, 20.0 MiB]" 10
ui_point $((st || $?)) "the 20 MB attachment is listed with its size"
ui_keys s
wait_for "Folder:" 5
ui_keys C-u
ui_type "$H/dl"
ui_keys Enter
wait_for "saved as $H/dl/big.bin" 20
st=$?
cmp -s "$H/big.bin" "$H/dl/big.bin"
ui_point $((st || $?)) "s saves the 20 MB attachment byte for byte" \
    "sizes: $(stat -c %s "$H/big.bin" "$H/dl/big.bin" 2>&1)"
back_to_index

# ------------------------------------------- the built-in HTML converter
config_ui work "${ACCOUNT_KEYS[@]}" "imap=imap://localhost:$IMAP_PORT" \
    "cafile=$CA_PEM"
ui_start
wait_row work 'IMAP \[TLS\] starttls'
ui_keys Enter
wait_re '^ +INBOX +'
ui_keys Enter
wait_for "starling: work: INBOX (" 15
wait_for "HTML with an empty" 10
check_msg "without html_dumper: the built-in converter, links listed" \
    "HTML with an empty" "HTML with an empty plain part" "[HTML shown as text]" \
    "Quarterly & yearly" "Read the report[1] before Friday." "* one" "Links:" \
    "[1] https://example.org/report"
grep -qE "alert|color: red" <<<"$PANE"
tap_result $((! $?)) "... scripts and styles are not shown" "$(pane_diag)"

ui_keys Q
i=0
until ui_dead || [ "$i" -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
! grep -Eq 'Sanitizer|runtime error' "$UI_STDERR"
ui_point $? "no sanitizer report from starling" "stderr: $(head -c 2000 "$UI_STDERR" 2>&1)"

tap_done
