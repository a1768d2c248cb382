#!/bin/bash
# The index's action keys, driven in tmux against the real Dovecot; each
# change is checked on the screen AND by a second IMAP session (imaplib,
# tests/servers/imapctl.py):
#   N toggles read, F flags, d marks deleted (D, the row dimmed) and moves
#   down, u undoes it; $ asks "Expunge 1 message ... (y/n)": n keeps it,
#   y expunges exactly it; s opens the folder chooser, Tab completes,
#   Enter moves; C copies; l limits by a server search (Japanese too) and
#   l with nothing typed shows all again; O reverses, o s sorts by subject
#   as the server's SORT does; T shows a reply indented under its message;
#   the help lists the new keys.
set -u
. "$(dirname "$0")/lib.sh"
ui_init
tap_plan 26

IMAPCTL=$UI_DIR/../servers/imapctl.py
ctl() { timeout 60 python3 "$IMAPCTL" "$IMAP_PORT" "$CA_PEM" "$@" 2>&1; }

for n in 1 2 3 4 5 6; do
    ctl append INBOX "Message $n" "m$n" >/dev/null
done
ctl append INBOX "日本語の件名です" jp1 >/dev/null
ctl append INBOX "とても長い日本語の件名：$(printf 'あいうえおかきくけこ%.0s' 1 2 3 4 5 6)" jp2 >/dev/null
ctl append INBOX "Planning" plan >/dev/null
ctl append INBOX "Re: Planning" plan2 plan >/dev/null
[ "$(ctl uids INBOX | wc -l)" = 10 ] || harness_fail "could not fill INBOX"
fill_folder Archive 1
fill_folder Other 1
config_ui work "${ACCOUNT_KEYS[@]}" "imap=imap://localhost:$IMAP_PORT" \
    "cafile=$CA_PEM"
ui_start -f INBOX

# flags SUBJECT: the four flag columns (N F D r) of the row ending SUBJECT.
flags() {
    ui_capture
    grep -m1 -E " $1\$" <<<"$PANE" | cut -c2-5
}
# wait_flags SUBJECT WANT: until the row's flag columns are WANT.
wait_flags() {
    local i=0
    while [ "$(flags "$1")" != "$2" ]; do
        _give_up "$i" 150 && return 1
        sleep 0.1
        i=$((i + 1))
    done
}
uid_of() { ctl find "$1" "$2" | head -n 1; }
U1=$(uid_of INBOX "Message 1")

wait_for "starling: work: INBOX (10 messages)"
st=$?
wait_re ' Message 1$'
ui_point $((st || $?)) "INBOX opens with 10 messages" \
    "expected the title 'work: INBOX (10 messages)' and a row 'Message 1'"

# ------------------------------------------------------------------ N, F
ui_keys = N
wait_flags "Message 1" "    "
st=$?
ui_point $((st || $?)) "N on an unread message: the N mark goes" "flags: [$(flags "Message 1")]"
same_flags() { [ "$(ctl flags INBOX "$U1")" = "$1" ]; }
same_flags '\Seen'
ui_point $? "... and the second session sees \\Seen" "imap: $(ctl flags INBOX "$U1")"
ui_keys F
wait_flags "Message 1" " F  "
ui_point $? "F flags it: the F mark" "flags: [$(flags "Message 1")]"
same_flags '\Flagged \Seen'
ui_point $? "... and the second session sees \\Flagged" "imap: $(ctl flags INBOX "$U1")"
ui_keys N F
wait_flags "Message 1" "N   "
st=$?
same_flags ''
ui_point $((st || $?)) "N and F again: unread and unflagged, on the server too" \
    "flags: [$(flags "Message 1")] imap: [$(ctl flags INBOX "$U1")]"

# ------------------------------------------------------------- d, u, $
ui_keys d
wait_flags "Message 1" "N D "
st=$?
same_flags '\Deleted'
ui_point $((st || $?)) "d marks it deleted: the D mark, \\Deleted on the server" \
    "flags: [$(flags "Message 1")] imap: [$(ctl flags INBOX "$U1")]"
# The row of a deleted message is dim (SGR 2) where the cursor is not.
row1=$(tm capture-pane -p -e -t ui | grep -m1 -E ' Message 1([^0-9]|$)')
grep -qE $'\e''\[([0-9]+;)*2m' <<<"$row1"
ui_point $? "the deleted message's row is dimmed" "row with escapes: $(cat -v <<<"$row1")"
ui_keys F
wait_flags "Message 2" "NF  "
ui_point $? "d moved the cursor down, as mutt does: F flags the next message" \
    "flags of Message 2: [$(flags "Message 2")]"
ui_keys F k u
wait_flags "Message 1" "N   "
st=$?
wait_flags "Message 2" "N   "
same_flags ''
ui_point $((st || $?)) "k u undoes the delete: the mark and \\Deleted are gone" \
    "flags: [$(flags "Message 1")] imap: [$(ctl flags INBOX "$U1")]"
ui_keys d
wait_flags "Message 1" "N D "
ui_keys '$'
wait_for "Expunge 1 message marked deleted from INBOX for good? (y/n)"
ui_point $? "\$ asks first, saying how many messages will go" \
    "expected 'Expunge 1 message marked deleted from INBOX for good? (y/n)'"
ui_keys n
wait_for "Nothing was expunged."
st=$?
[ "$(ctl uids INBOX | grep -cx "$U1")" = 1 ]
ui_point $((st || $?)) "n: nothing was expunged; the message is still on the server" \
    "expected 'Nothing was expunged.'"
ui_keys '$'
wait_for "(y/n)"
ui_keys y
wait_for "starling: work: INBOX (9 messages)"
st=$?
wait_gone " Message 1$" 5
[ "$(ctl uids INBOX | grep -cx "$U1")" = 0 ] && [ "$(ctl uids INBOX | wc -l)" = 9 ]
ui_point $((st || $?)) "y: exactly that message is expunged (9 left, here and on the server)" \
    "uids: $(ctl uids INBOX | tr '\n' ' ')"

# ---------------------------------------------------------------- s, C
ui_keys =
wait_re '^ ...  .* Message 2$'
U2=$(uid_of INBOX "Message 2")
ui_keys s
wait_for "Move the message to which folder?"
st=$?
ui_type Arc
ui_keys Tab
wait_for "Folder: Archive"
ui_point $((st || $?)) "s opens the folder chooser; Tab completes Arc to Archive" \
    "sent: s, Arc, Tab; expected 'Folder: Archive'"
ui_keys Enter
wait_for "Moved the message to Archive."
st=$?
wait_for "starling: work: INBOX (8 messages)" 5
A2=$(uid_of Archive "Message 2")
[ "$st" -eq 0 ] && [ "$(ctl uids INBOX | grep -cx "$U2")" = 0 ] && [ -n "$A2" ]
ui_point $? "Enter moves it: gone from INBOX, in Archive (second session)" \
    "Archive Message 2 UID: [$A2]"
U3=$(uid_of INBOX "Message 3")
ui_keys C
wait_for "Copy the message to which folder?"
ui_type Oth
ui_keys Enter
wait_for "Copied the message to Other."
st=$?
[ "$(ctl uids INBOX | grep -cx "$U3")" = 1 ] && [ -n "$(uid_of Other "Message 3")" ]
ui_point $((st || $?)) "C copies it: still in INBOX, also in Other" \
    "Other: $(ctl find Other "Message 3")"

# -------------------------------------------------------------------- l
ui_keys l
ui_type "Message 5"
ui_keys Enter
wait_for "limit: Message 5 (1 shown)"
st=$?
ui_capture
[ "$(grep -cE ' Message [0-9]+$' <<<"$PANE")" = 1 ] && grep -qE ' Message 5$' <<<"$PANE"
ui_point $((st || $?)) "l Message 5: the server's hits only (1 row)" \
    "expected 'limit: Message 5 (1 shown)' and only the row of Message 5"
ui_keys l C-u
ui_type "日本語"
ui_keys Enter
wait_for "limit: 日本語 (2 shown)"
st=$?
ui_capture
grep -q "日本語の件名です" <<<"$PANE" && ! grep -q " Message 3$" <<<"$PANE"
ui_point $((st || $?)) "l 日本語: the two Japanese subjects, not the ASCII ones" \
    "expected 'limit: 日本語 (2 shown)'"
ui_keys l C-u Enter
wait_gone "limit:"
st=$?
wait_re ' Message 6$' 5
ui_point $((st || $?)) "l with nothing typed shows every message again" \
    "expected the limit to go from the title"

# ----------------------------------------------------------- O, o, T
ui_keys O
wait_for "by arrival, reversed"
st=$?
first=$(awk 'NR == 2' <<<"$PANE")
grep -q "Re: Planning" <<<"$first"
ui_point $((st || $?)) "O reverses the order: the newest message first" \
    "first row: $first"
ui_keys o
wait_for "Sort by: (a)rrival (d)ate (f)rom (s)ubject si(z)e"
ui_point $? "o asks for an order" "expected the prompt 'Sort by: (a)rrival ...'"
ui_keys s
wait_for "by subject, reversed"
st=$?
# The first rows' subjects (from display column 44 on, as drawn at 100
# columns) against the server's UID SORT (REVERSE SUBJECT), decoded; a
# subject cut at the screen's edge must begin the server's.
cmp=$(ctl subjects INBOX SUBJECT reverse | python3 -c '
import sys, unicodedata
def cut(s, col):
    w = 0
    for i, c in enumerate(s):
        if w >= col:
            return s[i:]
        w += 2 if unicodedata.east_asian_width(c) in "WF" else 1
    return ""
rows = [cut(r, 46).rstrip() for r in sys.argv[1].split("\n")[1:7]]
want = [l.rstrip("\n") for l in sys.stdin][:6]
ok = len(rows) == 6 and all(w.startswith(r) and r for r, w in zip(rows, want))
print("same" if ok else "rows: %r\nserver: %r" % (rows, want))' "$PANE")
[ "$st" -eq 0 ] && [ "$cmp" = same ]
ui_point $? "o s sorts by subject, still reversed, as the server's SORT does" "$cmp"
ui_keys T
wait_for "threads)"
st=$?
wait_re '^ .{4} .*(└─>|`->)Re: Planning$' 5
ui_point $((st || $?)) "T shows threads: the reply indented under Planning" \
    "expected a row ending '└─>Re: Planning'"
ui_keys T
wait_gone "threads)"
ui_point $? "T again: threads off" ""

# ----------------------------------------------------------------- help
ui_keys '?'
wait_for "Keys on this screen (index)"
st=$?
ui_capture
for k in 'N +toggle-new' 'F +flag-message' 'd +delete-message' 'u +undelete-message' \
    '\$ +sync-mailbox' 's +save-message' 'C +copy-message' 'l +limit' \
    'o +sort-mailbox' 'O +sort-reverse' 'T +toggle-threads'; do
    grep -qE "^  $k " <<<"$PANE" || { st=1; missing="$missing [$k]"; }
done
ui_point "$st" "the help lists N F d u \$ s C l o O T" "missing:${missing:-}"
ui_keys q
wait_for "starling: work: INBOX"

[ ! -s "$UI_STDERR" ]
ui_point $? "nothing on stderr" "stderr: $(cat "$UI_STDERR" 2>&1)"
tap_done
