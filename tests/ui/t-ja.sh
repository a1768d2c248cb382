#!/bin/bash
# The interface under LANG=ja_JP.UTF-8 (LC_ALL and LANGUAGE unset), driven
# in tmux against the real Dovecot, with mail delivered through Postfix
# whose senders and subjects are Japanese:
#   - every screen (accounts, folders, index, pager, certificate,
#     transcript, help, guide) shows its own Japanese text;
#   - the index keeps its columns: on every row the size column ends and
#     the subject starts at the same display column (East Asian Wide and
#     Fullwidth characters count 2, halfwidth katakana 1), no row is wider
#     than the terminal, and no wide character is cut in half; at 100 and
#     at 80 columns;
#   - the pager shows the Japanese sender and subject;
#   - wrapped Japanese text (the guide) never ends a row with a character
#     cut in half nor starts one with "。" or "、".
# The catalog is built here from po/ja.po and found through
# STARLING_LOCALEDIR.
set -u
. "$(dirname "$0")/lib.sh"
command -v msgfmt >/dev/null 2>&1 || tap_skip_all "msgfmt not installed (gettext)"
locale -a 2>/dev/null | grep -qix 'ja_JP\.utf-\{0,1\}8' ||
    tap_skip_all "the ja_JP.UTF-8 locale is not generated (tests/deps.sh does it)"
ui_init
tap_plan 15

# ------------------------------------------------------------- the catalog
export STARLING_LOCALEDIR=$H/locale
mkdir -p "$STARLING_LOCALEDIR/ja/LC_MESSAGES"
out=$(msgfmt -o "$STARLING_LOCALEDIR/ja/LC_MESSAGES/starling.mo" \
    "$top_srcdir/po/ja.po" 2>&1) ||
    harness_fail "could not build the Japanese catalog: $out"
UI_LANG=ja_JP.UTF-8

# ---------------------------------------------------------------- the mail
MAILDIR=$H/mail/alice/Maildir
out=$(timeout 90 python3 "$UI_DIR/deliver.py" "$SUBMISSION_PORT" "$TEST_USER" \
    "$TEST_PASS" "$CA_PEM" "$MAILDIR" 5 2>&1 <<'EOF'
[{"from": "山田 太郎 <taro@example.jp>", "subject": "会議の議事録について",
  "body": "山田です。\n議事録を送ります。"},
 {"from": "Alice Example <alice@example.org>", "subject": "Plain ASCII subject",
  "body": "Hello."},
 {"from": "長谷川左衛門之助ほげほげ商事株式会社 <ceo@example.jp>",
  "subject": "来週の予定を確認してください（長い件名がどこで切れるかの試験です）あいうえおかきくけこさしすせそたちつてとなにぬねの",
  "body": "長い件名です。"},
 {"from": "ｶﾀｶﾅ ﾀﾛｳ <kana@example.jp>", "subject": "ﾊﾝｶｸ ｶﾀｶﾅ の件名",
  "body": "半角カナです。"},
 {"from": "A佐藤花子 <hanako@example.jp>", "subject": "Aあいうえお",
  "body": "奇数幅の差出人です。"}]
EOF
) || harness_fail "could not deliver the test messages: $out"

config_ui work "${ACCOUNT_KEYS[@]}" "imap=imap://localhost:$IMAP_PORT" \
    "cafile=$CA_PEM"
ui_start

# ja_point DESC TEXT...: a test point: the pane shows every TEXT.
ja_point() {
    local desc=$1 t missing=
    shift
    for t in "$@"; do
        grep -qF -- "$t" <<<"$PANE" || missing="$missing [$t]"
    done
    ui_point "$([ -z "$missing" ]; echo $?)" "$desc" "missing:$missing"
}
HINT="?:ヘルプ  q:戻る"

wait_row work 'IMAP \[TLS\] starttls'
wait_for "未読" 10
ja_point "accounts: Japanese title, hint and state" "starling: アカウント" "$HINT" "未読"

ui_keys Enter
wait_for "starling: work: フォルダー"
ja_point "folders: Japanese title" "starling: work: フォルダー" "$HINT"

ui_keys Enter
wait_for "会議の議事録について"
wait_for "A佐藤花子" 5
ja_point "index: Japanese title, Japanese senders and subjects" \
    "starling: work: INBOX" "$HINT" "山田 太郎" "会議の議事録について" \
    "ﾊﾝｶｸ ｶﾀｶﾅ の件名"

# index_columns: for every message row: where the size column ends, where
# the subject starts, the row's width (display columns), and whether a wide
# character was cut (a row ending in half a character shows as a lone
# space in its column; tmux keeps the cell pairs, so check the pane
# decodes as text and every width adds up).
index_columns() {
    python3 - "$PANE" "$UI_WIDTH" <<'EOF'
import sys, unicodedata
def w(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else
               0 if unicodedata.combining(c) else 1 for c in s)
pane, width = sys.argv[1], int(sys.argv[2])
marks = ["会議の議事録について", "Plain ASCII subject", "来週の予定",
         "ﾊﾝｶｸ ｶﾀｶﾅ の件名", "Aあいうえお"]
ends, starts, bad = set(), set(), []
for mark in marks:
    row = next((r for r in pane.split("\n") if mark in r), None)
    if row is None:
        bad.append("no row with " + mark); continue
    i = row.index(mark)
    head = row[:i]
    starts.add(w(head))
    ends.add(w(head.rstrip()))
    if w(row) > width:
        bad.append("row wider than %d: %r" % (width, row))
    print("%-22s size ends at %2d, subject at %2d, row width %3d: %s"
          % (mark[:10], w(head.rstrip()), w(head), w(row), row.rstrip()))
if len(ends) != 1: bad.append("size column ends at %s" % sorted(ends))
if len(starts) != 1: bad.append("subject starts at %s" % sorted(starts))
for b in bad: print("BAD", b)
sys.exit(1 if bad else 0)
EOF
}
cols=$(index_columns)
ui_point $? "index at ${UI_WIDTH} columns: every row's size column and subject line up" "$cols"
# The long sender (wide characters past 20 columns) is cut whole.
grep -qF "長谷川左衛門之助ほげ" <<<"$PANE" && ! grep -qF "長谷川左衛門之助ほげほげ商" <<<"$PANE"
ui_point $? "a long Japanese sender is cut to its column, whole characters only" "$cols"

# The pager: the Japanese sender, subject and body.
ui_keys = Enter
wait_for "Subject: 会議の議事録について"
ja_point "pager: the Japanese sender, subject and body" "From: 山田 太郎" \
    "Subject: 会議の議事録について" "議事録を送ります。" "$HINT"

ui_keys i
wait_for "starling: 証明書: work IMAP"
ja_point "certificate: Japanese labels" "starling: 証明書: work IMAP" "発行者:" \
    "SHA-256:" "$HINT"
ui_keys q
wait_for "Subject: 会議の議事録について"

ui_keys t
wait_for "starling: 記録: work IMAP"
ja_point "transcript: Japanese title and legend" "starling: 記録: work IMAP" \
    "[plain] 平文  [tls] 暗号化" "S1 STARTTLS"
ui_keys q
wait_for "Subject: 会議の議事録について"

ui_keys '?'
wait_for "starling: ヘルプ: pager"
ja_point "help: Japanese headings and descriptions" "starling: ヘルプ: pager" \
    "この画面のキー (pager)" "どこでも使えるキー (global)" "1 ページ上へ移動"
ui_keys q
wait_for "Subject: 会議の議事録について"

ui_keys G
wait_for "starling: ガイド: work"
ja_point "guide: Japanese text, with work's own connection" "starling: ガイド: work" \
    "starling はメールをどう守るか" "前回の IMAP 接続 (アカウント work)" "1. グリーティング"

# Wrapped Japanese: no row starts with closing punctuation.
guide_rows=$(sed -n "2,$((UI_HEIGHT - 2))p" <<<"$PANE")
! grep -qE '^ *[。、」）]' <<<"$guide_rows"
ui_point $? "guide: wrapped Japanese never starts a row with 。、」or ）" "$guide_rows"
wide=$(python3 - "$PANE" "$UI_WIDTH" <<'EOF'
import sys, unicodedata
def w(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
for r in sys.argv[1].split("\n"):
    if w(r) > int(sys.argv[2]):
        print(w(r), r)
EOF
)
[ -z "$wide" ]
ui_point $? "guide: no row wider than the terminal" "$wide"
ui_keys q
wait_for "Subject: 会議の議事録について"
ui_keys q
wait_for "starling: work: INBOX"

# At 80 columns: the index again.
tm resize-window -t ui -x 80 -y 24
# shellcheck disable=SC2034  # read by lib.sh
UI_WIDTH=80 UI_HEIGHT=24
wait_re '^\[TLS\] work IMAP starttls' 5
sleep 0.3
ui_capture
cols=$(index_columns)
ui_point $? "index at 80 columns: the columns still line up and fit" "$cols"

ui_keys Q
i=0
until ui_dead || [ "$i" -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
ui_dead
ui_point $? "Q quits" "sent: Q"
[ ! -s "$UI_STDERR" ]
ui_point $? "nothing on stderr" "$(cat "$UI_STDERR" 2>&1)"

tap_done
