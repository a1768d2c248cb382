#!/bin/bash
# Scrolling a folder far bigger than the screen: the index fetches a
# window at a time (from the header cache once the background fill has
# put the folder there), so after every burst of keys the screen must
# settle on the right rows, each the message of its place, none left
# waiting ('…'). Keys are sent in bursts, as a held key sends them.
# Built with a small IX_KEEP (e.g. make CPPFLAGS=-DIX_KEEP=100), this
# also drives the index's eviction of rows far from the screen.
set -u
. "$(dirname "$0")/lib.sh"
ui_init
tap_plan 12

N=600
fill_folder INBOX "$N"
config_ui work "${ACCOUNT_KEYS[@]}" "imap=imap://localhost:$IMAP_PORT" \
    "cafile=$CA_PEM"

# rows_ok: the index rows on screen are "Message K" for consecutive K,
# none waiting; $FIRST and $LAST are the first and last K.
rows_ok() {
    local nums
    ui_capture
    grep -qE '^ +(…|\.\.\.)$' <<<"$PANE" && return 1
    nums=$(grep -oE 'Message [0-9]+$' <<<"$PANE" | awk '{ print $2 }')
    [ -n "$nums" ] || return 1
    FIRST=$(head -1 <<<"$nums")
    LAST=$(tail -1 <<<"$nums")
    awk 'NR > 1 && $1 != prev + 1 { bad = 1 } { prev = $1 }
        END { exit bad }' <<<"$nums"
}

# settle [TEST]: wait (at most 15 s) until rows_ok holds and so does the
# shell test TEST on $FIRST and $LAST (keys take a moment to arrive, so
# the old screen must not count).
settle() {
    local i=0 cond=${1:-true}
    until { rows_ok && eval "$cond"; } || [ "$i" -ge 150 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    rows_ok && eval "$cond"
}

# burst KEY N: send KEY N times in one go.
burst() {
    local keys=() i
    for ((i = 0; i < $2; i++)); do keys+=("$1"); done
    ui_keys "${keys[@]}"
}

ui_start -a work -f INBOX
wait_re "Message $N\$" 15
settle '[ "$LAST" = "$N" ]'
ui_point $? "the index opens on the newest message" \
    "expected consecutive rows ending 'Message $N'" "first $FIRST last $LAST"

rows=$((LAST - FIRST + 1))
burst PageUp 15
settle '[ "$LAST" -le $((N - 14 * (rows - 1))) ]'
ui_point $? "15 PageUp at once: the rows settle, consecutive, none waiting" \
    "sent: 15 x PageUp" "first $FIRST last $LAST"
up_first=$FIRST

ui_keys Home
settle '[ "$FIRST" = 1 ]'
ui_point $? "Home: the first message at the top" "sent: Home" \
    "first $FIRST last $LAST"

burst PageDown 20
settle '[ "$FIRST" -gt $((18 * (rows - 1))) ] && [ "$LAST" -le "$N" ]'
ui_point $? "20 PageDown at once: the rows settle in the middle" \
    "sent: 20 x PageDown" "first $FIRST last $LAST"

ui_keys End
settle '[ "$LAST" = "$N" ]'
ui_point $? "End: the newest message at the bottom again" "sent: End" \
    "first $FIRST last $LAST"

burst PageUp 15
settle '[ "$FIRST" = "$up_first" ]'
ui_point $? "15 PageUp again: the same rows as the first time" \
    "sent: 15 x PageUp" "first $FIRST (the first time: $up_first)"

# Down held through several screens, then up again.
before=$FIRST
burst Down $((rows * 3))
settle '[ "$FIRST" -gt "$before" ]'
ui_point $? "Down held for three screens: the rows settle" \
    "sent: $((rows * 3)) x Down" "first $FIRST last $LAST"

ui_keys Q
i=0
until ui_dead || [ "$i" -ge 100 ]; do sleep 0.05; i=$((i + 1)); done
ui_dead
ui_point $? "Q quits" "sent: Q"

# search_far LABEL: a fresh start has loaded only the newest screens; /
# for a message far from anything loaded searches the whole folder, and
# n goes on through what was found.
search_far() {
    ui_start -a work -f INBOX
    wait_re "Message $N\$" 15
    ui_keys /
    ui_type "Message 17"
    ui_keys Enter
    settle '[ "$FIRST" -le 17 ] && [ "$LAST" -ge 17 ]'
    st=$?
    ui_keys Enter
    wait_for "starling: work: Message 17" 10
    ui_point $((st || $?)) "$1: / finds a message that was never loaded" \
        "sent: / Message 17 Enter, then Enter; expected the pager of 'Message 17'"
    ui_keys q
    wait_for "starling: work: INBOX (" 5
    ui_keys n
    sleep 0.3
    ui_keys Enter
    wait_for "starling: work: Message 170" 10
    ui_point $? "$1: n goes to the next message found" \
        "sent: n Enter; expected the pager of 'Message 170'"
    ui_keys q
    wait_for "starling: work: INBOX (" 5
    ui_keys Q
    i=0
    until ui_dead || [ "$i" -ge 100 ]; do sleep 0.05; i=$((i + 1)); done
}

# With the header cache (it answers when it holds every message, else the
# server's SEARCH does; test_hcache covers the cache's matching).
search_far "cache on"
# Without it the server's SEARCH alone.
printf '[starling]\nheader_cache = no\n\n' >>"$CONF"
search_far "cache off"

tap_done
