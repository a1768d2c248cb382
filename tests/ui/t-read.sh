#!/bin/bash
# Reading mail, driven in tmux against the real Dovecot:
#   - the accounts row shows INBOX's unseen count;
#   - open INBOX with 200 messages, move to the last one (End as an xterm
#     sends it; G is the guide), open it, read its subject in the pager;
#   - the help screen lists a binding added in the keys file
#     (`bind index x bottom`), and the binding works;
#   - under LANG=C.UTF-8 a Japanese subject and sender keep the index's
#     columns aligned: the size column of a Japanese row lines up with an
#     ASCII row's, and no row is wider than the terminal; still so after a
#     resize to 80x24, which redraws the screen.
set -u
. "$(dirname "$0")/lib.sh"
ui_init
tap_plan 19

fill_folder INBOX 200
fill_folder Intl --intl
printf '%s\n' '# added by tests/ui/t-read.sh' 'bind index x bottom' \
    >"$XDG_CONFIG_HOME/starling/keys"
config_ui work "${ACCOUNT_KEYS[@]}" "imap=imap://localhost:$IMAP_PORT" \
    "cafile=$CA_PEM"
ui_start

wait_row work 'IMAP \[TLS\] starttls, [0-9]+ unseen'
ui_point $? "work connects with [TLS]" "row: $ROW"
wait_row work 'IMAP \[TLS\] starttls, 200 unseen' 5
ui_point $? "the row shows INBOX's unseen count (200 unseen)" \
    "INBOX holds 200 unseen messages; expected on the row of work: IMAP [TLS] starttls, 200 unseen" \
    "row: $ROW"

# ------------------------------------------------- 5: the 200th message
ui_keys Enter
wait_re '^ +INBOX +200/200$'
ui_point $? "Enter opens the folders: INBOX with 200 unseen of 200" \
    "sent: Enter; expected a row 'INBOX ... 200/200'"
# INBOX is the first folder: the cursor is on it.
ui_keys Enter
wait_for "starling: work: INBOX (200 messages)"
st=$?
wait_re 'Message 200$'
ui_point $((st || $?)) "Enter opens INBOX: 200 messages, the newest shown" \
    "sent: Enter; expected the title 'work: INBOX (200 messages)' and a row ending 'Message 200'"

# go to the top with =, then to the last message with End (\eOF, see below)
ui_keys =
wait_re 'Message 1$'
ui_point $? "= moves to the first message" "sent: =; expected a row ending 'Message 1'"
ui_type $'\eOF'
wait_re 'Message 200$'
ui_keys Enter
wait_re '^Subject: Message 200$'
st=$?
grep -qF "This is message 200." <<<"$PANE"
ui_point $((st || $?)) "End then Enter: the pager shows the subject of message 200" \
    "sent: ESC O F (End) Enter; expected 'Subject: Message 200' and 'This is message 200.'"
grep -qF "starling: work: Message 200" <<<"$PANE"
ui_point $? "the pager's title is the subject" \
    "expected the title 'starling: work: Message 200'"

# End, as an xterm sends it in keypad-transmit mode (\eOF); tmux's own End
# key is \e[4~, which TERM=xterm-256color does not describe.
ui_keys q
wait_for "starling: work: INBOX (200 messages)"
read_row=$(grep -E 'Message 200$' <<<"$PANE")
[ -n "$read_row" ] && ! grep -qE '^ ?N' <<<"$read_row"
ui_point $? "reading message 200 marked it read: its row lost the N flag" \
    "row: $read_row"
ui_keys =
wait_re 'Message 1$'
ui_type $'\eOF'
sleep 0.3
ui_keys Enter
wait_re '^Subject: Message [0-9]+$'
grep -qE '^Subject: Message 200$' <<<"$PANE"
ui_point $? "End then Enter: the pager shows message 200" \
    "sent: q =, ESC O F (End), Enter; expected 'Subject: Message 200'"

# ------------------------------------- 8: a binding from the keys file
ui_keys q
wait_for "starling: work: INBOX (200 messages)"
ui_keys '?'
wait_for "starling: help: index"
st=$?
wait_for "Keys on this screen (index)" 3
grep -qE '^  x +bottom ' <<<"$PANE"
ui_point $((st || $?)) "the help lists the binding from the keys file (x bottom)" \
    "keys file: bind index x bottom; sent: ?; expected a row '  x  bottom  ...' under 'Keys on this screen (index)'"
ui_keys q
wait_for "starling: work: INBOX (200 messages)"
ui_keys =
wait_re 'Message 1$'
ui_keys x Enter
wait_re '^Subject: Message [0-9]+$'
grep -qE '^Subject: Message 200$' <<<"$PANE"
ui_point $? "x (bound to bottom) moves to the last message" \
    "sent: = x Enter; expected 'Subject: Message 200'"
[ ! -s "$UI_STDERR" ]
ui_point $? "the keys file loads without complaint" "stderr: $(cat "$UI_STDERR" 2>&1)"

# --------------------------------------- 9: Japanese keeps the columns
ui_keys q
wait_for "starling: work: INBOX (200 messages)"
ui_keys q
wait_for "starling: work: folders"
ui_keys j Enter
wait_for "starling: work: Intl (3 messages)"
st=$?
wait_for "Plain ASCII subject"
wait_for "日本語の件名です" 5
wait_for "とても長い日本語の件名" 5
ui_point $((st || $?)) "the Intl folder shows the Japanese subjects" \
    "sent: q q j Enter; expected the title 'work: Intl (3 messages)' and the three subjects"
# For each row: the display column where the subject starts, where the size
# column ends, the row's width.
cols=$(python3 - "$PANE" <<'EOF'
import sys, unicodedata
def w(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else
               0 if unicodedata.combining(c) else 1 for c in s)
rows = sys.argv[1].split("\n")
for mark in ("Plain ASCII subject", "日本語の件名です", "とても長い日本語の件名"):
    line = next((r for r in rows if mark in r), None)
    if line is None:
        print("missing", mark); continue
    i = line.index(mark)
    print(w(line[:i]), w(line[:i].rstrip()), w(line), line[:i].split()[-1])
EOF
)
read -r a_subj a_size a_w a_tok <<<"$(sed -n 1p <<<"$cols")"
read -r j_subj j_size j_w j_tok <<<"$(sed -n 2p <<<"$cols")"
read -r l_subj l_size l_w l_tok <<<"$(sed -n 3p <<<"$cols")"
[ "$a_size" = "$j_size" ] && [ "$a_size" = "$l_size" ]
ui_point $? "the size column of the Japanese rows lines up with the ASCII row's" \
    "size column ends at display column: ASCII row $a_size ($a_tok), Japanese row $j_size ($j_tok), long Japanese row $l_size ($l_tok)"
[ "$a_subj" = "$j_subj" ] && [ "$a_subj" = "$l_subj" ]
ui_point $? "the subject column starts at the same column on every row" \
    "subject starts at display column: ASCII $a_subj, Japanese $j_subj, long Japanese $l_subj"
[ "$l_w" -le "$UI_WIDTH" ] 2>/dev/null && [ "$j_w" -le "$UI_WIDTH" ] 2>/dev/null &&
    [ "$a_w" -le "$UI_WIDTH" ] 2>/dev/null &&
    ! grep -qF "あいうえおかきくけこあいうえおかきくけこあいうえおかきくけこあいうえおかきくけこ" <<<"$PANE"
ui_point $? "the long Japanese subject is cut to the terminal's width" \
    "row widths (display columns): ASCII $a_w, Japanese $j_w, long Japanese $l_w; terminal $UI_WIDTH"

# ------------------------------------------ a resize to 80x24 redraws
tm resize-window -t ui -x 80 -y 24
# shellcheck disable=SC2034  # read by lib.sh
UI_WIDTH=80 UI_HEIGHT=24
wait_re '^\[TLS\] work IMAP starttls' 5
st=$?
ui_capture
grep -q '^\[TLS\] work IMAP starttls' <<<"$(sed -n 23p <<<"$PANE")"
ui_point $((st || $?)) "after a resize to 80x24 the status line is redrawn on row 23" \
    "resized the window to 80x24; expected '[TLS] work IMAP starttls: ...' on the second to last row"
cols=$(python3 - "$PANE" <<'EOF2'
import sys, unicodedata
def w(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else
               0 if unicodedata.combining(c) else 1 for c in s)
rows = sys.argv[1].split("\n")
out = []
for mark in ("Plain ASCII subject", "日本語の件名です", "とても長い日本語の件名"):
    line = next((r for r in rows if mark in r), None)
    out.append("missing" if line is None else
               "%d/%d" % (w(line[:line.index(mark)].rstrip()), w(line)))
print(" ".join(out))
EOF2
)
read -r a j l <<<"$cols"
[ "$a" != missing ] && [ "${a%/*}" = "${j%/*}" ] && [ "${a%/*}" = "${l%/*}" ] &&
    [ "${l#*/}" -le 80 ] && [ "${j#*/}" -le 80 ] && [ "${a#*/}" -le 80 ]
ui_point $? "at 80 columns the index is still aligned and fits" \
    "size column end / row width, ASCII: $a, Japanese: $j, long Japanese: $l"

ui_dead
alive=$?
ui_keys Q
i=0
until ui_dead || [ "$i" -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
ui_dead
ui_point $((! alive || $?)) "Q quits from the index" \
    "sent: Q; expected starling to end within 5 s (it must run before)"

tap_done
