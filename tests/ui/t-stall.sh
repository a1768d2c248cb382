#!/bin/bash
# Never freeze: a server that stops answering mid-fetch.  starling talks to
# the real Dovecot (STARTTLS, verified) through a relay (stallproxy.py);
# with INBOX open, the relay stops forwarding and the next FETCH hangs.
# The UI must keep answering keys: ? opens the help and q goes back at
# once (we measure, and assert generously: under 3 s), Q quits while the
# fetch still hangs, and in a second run Esc cancels the hung fetch.
set -u
. "$(dirname "$0")/lib.sh"
ui_init
tap_plan 12

fill_folder INBOX 200
STALL=$H/stall
python3 "$UI_DIR/stallproxy.py" 127.0.0.1 "$IMAP_PORT" "$STALL" >"$H/proxy.port" &
UI_PIDS+=($!)
i=0
until [ -s "$H/proxy.port" ] || [ "$i" -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
PROXY_PORT=$(cat "$H/proxy.port")
[ -n "$PROXY_PORT" ] || harness_fail "stallproxy.py did not start"

config_ui slow "${ACCOUNT_KEYS[@]}" "imap=imap://localhost:$PROXY_PORT" \
    "cafile=$CA_PEM"
LIMIT=3

# measure KEY... -- MODE PATTERN: send the keys, then the seconds until the
# pane shows PATTERN (MODE fixed or re); $T_MEASURED, status of the wait.
measure() {
    local keys=() t0
    while [ "$1" != -- ]; do keys+=("$1"); shift; done
    shift
    t0=$EPOCHREALTIME
    ui_keys "${keys[@]}"
    _wait "$1" "$2" 10
    local st=$?
    T_MEASURED=$(elapsed "$t0")
    return $st
}

# open_inbox: connect, open the folders, open INBOX; all fetched normally.
open_inbox() {
    wait_row slow 'IMAP \[TLS\] starttls, [0-9]+ unseen' &&
    ui_keys Enter && wait_re '^ +INBOX +[0-9]+/200$' &&
    ui_keys Enter && wait_for "starling: slow: INBOX (200 messages)" &&
    wait_re 'Message 200$'
}

# stall_fetch: stop the relay, then move to the top: envelopes 1.. are not
# fetched yet, the FETCH for them hangs.
stall_fetch() {
    : >"$STALL"
    sleep 0.5   # the relay looks at the file every 0.2 s
    ui_keys =
    wait_re '^ +(…|\.\.\.)$' 5
}

ui_start
open_inbox
ui_point $? "through the relay: INBOX opens with 200 messages" \
    "expected the row of slow [TLS], then INBOX 200, then the index with 'Message 200'"
stall_fetch
ui_point $? "the relay stops: moving to the top shows messages not yet fetched" \
    "sent: = after the relay stopped; expected rows '…' (waiting for the FETCH)"

measure '?' -- fixed "starling: help: index"
st=$?
ui_point $st "? opens the help while the fetch hangs (${T_MEASURED} s)" \
    "sent: ?; expected the title 'starling: help: index' within 10 s"
lt "$T_MEASURED" "$LIMIT"
ui_point $((st || $?)) "the help opened in under $LIMIT s (${T_MEASURED} s)"

measure q -- fixed "starling: slow: INBOX (200 messages)"
st=$?
lt "$T_MEASURED" "$LIMIT"
ui_point $((st || $?)) "q goes back to the index in under $LIMIT s (${T_MEASURED} s)" \
    "sent: q; expected the title 'starling: slow: INBOX (200 messages)'"

measure q -- fixed "starling: slow: folders"
st=$?
lt "$T_MEASURED" "$LIMIT"
ui_point $((st || $?)) "q goes back to the folders in under $LIMIT s (${T_MEASURED} s)" \
    "sent: q; expected the title 'starling: slow: folders'"

measure q -- fixed "starling: accounts"
st=$?
lt "$T_MEASURED" "$LIMIT"
ui_point $((st || $?)) "q goes back to the accounts in under $LIMIT s (${T_MEASURED} s)" \
    "sent: q; expected the title 'starling: accounts'"

ui_dead
alive=$?
t0=$EPOCHREALTIME
ui_keys Q
i=0
until ui_dead || [ "$i" -ge 100 ]; do sleep 0.05; i=$((i + 1)); done
t=$(elapsed "$t0")
[ "$alive" -ne 0 ] && ui_dead && lt "$t" "$LIMIT"
ui_point $? "Q quits while the fetch still hangs, in under $LIMIT s (${t} s)" \
    "sent: Q; starling still runs after $t s (or was gone before)"

# -------------------------------------------- a second run: Esc cancels
rm -f "$STALL"
ui_start
open_inbox
ui_point $? "second run: INBOX opens again through the relay" \
    "expected the index of INBOX with 'Message 200'"
stall_fetch
# The connection is given up: the status line loses its lock.
measure Escape -- re "^\[--\] slow IMAP"
st=$?
lt "$T_MEASURED" "$LIMIT"
ui_point $((st || $?)) "Esc cancels the hung fetch in under $LIMIT s (${T_MEASURED} s)" \
    "sent: Escape; expected the status line to drop the lock ('[--] slow IMAP ...')"
sleep 0.5
ui_capture
last=$(sed -n "${UI_HEIGHT}p" <<<"$PANE")
grep -qi "cancel" <<<"$last"
ui_point $? "after Esc the message line says the fetch was cancelled" \
    "sent: Escape; expected the last row to say 'cancelled' (the user cancelled; it is no network or TLS failure)" \
    "last row: $last"
# starling is not stuck after the cancel: it still answers keys.
measure q q -- fixed "starling: accounts"
st=$?
ui_keys Q
i=0
until ui_dead || [ "$i" -ge 100 ]; do sleep 0.05; i=$((i + 1)); done
ui_dead
ui_point $((st || $?)) "after the cancel q q goes back to the accounts and Q quits" \
    "sent: q q Q"

tap_done
