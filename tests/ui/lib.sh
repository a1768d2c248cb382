# shellcheck shell=bash
# tests/ui/lib.sh -- drive the real starling binary in tmux against the real
# servers of tests/servers/harness.sh.  Sourced by the t-*.sh scripts here.
#
#   ui_init                     skip without tmux; start the harness; the
#                               EXIT trap stops tmux, helpers, then servers
#   ui_start [ARGS...]          starling --config $CONF ARGS in a private tmux
#                               server (tmux -L starling-test-$$), 100x30,
#                               LANG=$UI_LANG (default C.UTF-8; LC_ALL and
#                               LANGUAGE unset), TERM=xterm-256color, and
#                               STARLING_LOCALEDIR when it is set
#   ui_keys KEY...              tmux send-keys (key names: Enter, Escape, ...)
#   ui_type TEXT                send TEXT literally
#   ui_capture                  the pane now, in $PANE
#   wait_for TEXT [SECONDS]     poll (0.1 s) until the pane shows TEXT (fixed
#                               string); 0/1, the last capture in $PANE
#   wait_re REGEX [SECONDS]     the same for an extended regex
#   wait_gone TEXT [SECONDS]    until the pane no longer shows TEXT
#   wait_row NAME REGEX [SEC]   until the row starting with NAME matches; $ROW
#   ui_point STATUS DESC [MORE] a TAP point; on failure the pane (and MORE)
#   ui_dead                     0 if starling has exited (the pane is dead)
#                               (waits end early then, and once the script
#                               has used UI_BUDGET seconds, default 90)
#   fill_folder FOLDER COUNT|--intl   APPEND messages (tests/ui/fill.py)
#
# No fixed long sleeps: every wait polls and is bounded.

UI_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../servers/harness.sh
. "$UI_DIR/../servers/harness.sh"

UI_SOCK=starling-test-$$
UI_PIDS=()
PANE=
ROW=
UI_WIDTH=100
UI_HEIGHT=30
UI_BUDGET=${UI_BUDGET:-90}
UI_DEADLINE=$((SECONDS + UI_BUDGET))

tm() { tmux -u -L "$UI_SOCK" -f /dev/null "$@"; }

ui_cleanup() {
    local pid
    [ -n "${UI_WATCHDOG:-}" ] && kill "$UI_WATCHDOG" 2>/dev/null
    tm kill-server >/dev/null 2>&1
    for pid in "${UI_PIDS[@]}"; do
        kill "$pid" 2>/dev/null
    done
    for pid in "${UI_PIDS[@]}"; do
        wait "$pid" 2>/dev/null
    done
    harness_stop
}

ui_init() {
    command -v tmux >/dev/null 2>&1 || tap_skip_all "tmux not installed"
    harness_require
    harness_require_starling
    unset TMUX TMUX_PANE
    harness_start
    trap ui_cleanup EXIT
    export UI_STDERR=$H/ui.stderr
    # Should this script be killed without its EXIT trap (SIGKILL), stop
    # the tmux server (and starling in it) after it, as harness.sh does for
    # the servers; stallproxy.py ends by itself when its parent is gone.
    local parent=$$
    ( trap '' INT HUP
      while _alive "$parent"; do sleep 1; done
      tm kill-server ) >/dev/null 2>&1 </dev/null &
    UI_WATCHDOG=$!
}

# ui_start [ARGS...]: a fresh tmux server running starling on $CONF.
ui_start() {
    local cmd a
    tm kill-server >/dev/null 2>&1
    cmd="exec env -u LC_ALL -u LC_CTYPE -u LC_MESSAGES -u LANGUAGE"
    cmd="$cmd LANG=$(printf '%q' "${UI_LANG:-C.UTF-8}")"
    [ -n "${STARLING_LOCALEDIR:-}" ] &&
        cmd="$cmd STARLING_LOCALEDIR=$(printf '%q' "$STARLING_LOCALEDIR")"
    cmd="$cmd TERM=xterm-256color $(printf '%q' "$STARLING")"
    cmd="$cmd --config $(printf '%q' "$CONF")"
    for a in "$@"; do cmd="$cmd $(printf '%q' "$a")"; done
    cmd="$cmd 2>>$(printf '%q' "$UI_STDERR")"
    UI_CMD="starling --config $CONF $*"
    # remain-on-exit: should starling die, its last screen stays to look at
    tm new-session -d -s ui -x "$UI_WIDTH" -y "$UI_HEIGHT" "$cmd" \; \
        set-option -t ui remain-on-exit on
}

ui_stop() { tm kill-server >/dev/null 2>&1; }

ui_keys() { tm send-keys -t ui "$@"; }
ui_type() { tm send-keys -t ui -l -- "$1"; }

ui_capture() { PANE=$(tm capture-pane -p -t ui 2>&1); }

# ui_dead: starling has exited (or tmux is gone).
ui_dead() {
    local d
    d=$(tm display-message -p -t ui '#{pane_dead}' 2>/dev/null) || return 0
    [ "$d" = 1 ]
}

_wait() { # MODE PATTERN SECONDS
    local mode=$1 pat=$2 limit i=0
    limit=$(awk -v s="${3:-15}" 'BEGIN { print int(s * 10) }')
    while :; do
        ui_capture
        case $mode in
            fixed) grep -qF -- "$pat" <<<"$PANE" && return 0 ;;
            re) grep -qE -- "$pat" <<<"$PANE" && return 0 ;;
            gone) grep -qF -- "$pat" <<<"$PANE" || return 0 ;;
        esac
        _give_up "$i" "$limit" && return 1
        sleep 0.1
        i=$((i + 1))
    done
}
# _give_up I LIMIT: stop waiting: the time is up, starling is gone, or the
# script's budget (UI_BUDGET seconds in all) is spent -- so that a broken
# binary fails every point quickly instead of waiting them all out.
_give_up() {
    [ "$1" -ge "$2" ] || ui_dead || [ "$SECONDS" -ge "$UI_DEADLINE" ]
}
wait_for() { _wait fixed "$1" "${2:-15}"; }
wait_re() { _wait re "$1" "${2:-15}"; }
wait_gone() { _wait gone "$1" "${2:-15}"; }

# row NAME: the pane's line that starts with NAME (an account row).
row() { grep -m1 -E "^ ?$1( |$)" <<<"$PANE"; }

# wait_row NAME REGEX [SECONDS]: until the row of NAME matches REGEX.
wait_row() {
    local limit i=0
    limit=$(awk -v s="${3:-15}" 'BEGIN { print int(s * 10) }')
    while :; do
        ui_capture
        ROW=$(row "$1")
        grep -qE -- "$2" <<<"$ROW" && return 0
        _give_up "$i" "$limit" && return 1
        sleep 0.1
        i=$((i + 1))
    done
}

# pane_diag [TEXT...]: the pane (numbered rows), starling's stderr, TEXT.
pane_diag() {
    [ $# -gt 0 ] && printf '%s\n' "$@"
    echo "command: $UI_CMD"
    echo "pane (${UI_WIDTH}x${UI_HEIGHT}):"
    awk '{ printf "%2d|%s\n", NR - 1, $0 }' <<<"$PANE"
    if ui_dead; then echo "starling is no longer running"; fi
    if [ -s "$UI_STDERR" ]; then
        echo "stderr:"
        tail -n 20 "$UI_STDERR"
    fi
}

# ui_point STATUS DESC [TEXT...]: a test point; on failure the pane.
ui_point() {
    local st=$1 desc=$2
    shift 2
    if [ "$st" -eq 0 ]; then
        tap_result 0 "$desc"
        [ -n "${UI_VERBOSE:-}" ] && tap_diag "$(pane_diag "$@")"
    else
        tap_result 1 "$desc" "$(pane_diag "$@")"
    fi
}

# elapsed START: seconds since START (an $EPOCHREALTIME), 2 decimals.
elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }'; }
# lt A B: A < B, as decimals.
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }

# fill_folder FOLDER COUNT|--intl: APPEND over verified STARTTLS.
fill_folder() {
    local out
    out=$(timeout 60 python3 "$UI_DIR/fill.py" localhost "$IMAP_PORT" \
        "$TEST_USER" "$TEST_PASS" "$CA_PEM" "$1" "$2" 2>&1) \
        || harness_fail "could not fill $1: $out"
}

# config_ui: a config with the given account sections ([NAME] KEY=VAL...;
# separate sections with "--").
config_ui() {
    local args=()
    config_new
    while [ $# -gt 0 ]; do
        if [ "$1" = -- ]; then
            config_account "${args[@]}"
            args=()
        else
            args+=("$1")
        fi
        shift
    done
    [ ${#args[@]} -gt 0 ] && config_account "${args[@]}"
    return 0
}

# dialog_text: the explanation of the dialog on screen, its wrapped lines
# joined with one space (a word broken across two lines stays broken).
dialog_text() {
    awk '/Type here:|Password:/ { exit } NR > 2 { sub(/^ +/, ""); sub(/ +$/, "");
        if ($0 != "") { printf "%s%s", sep, $0; sep = " " } }' <<<"$PANE"
}

# width TEXT: the display width (East Asian Wide/Fullwidth count 2).
width() {
    python3 -c '
import sys, unicodedata
s = sys.argv[1]
print(sum(2 if unicodedata.east_asian_width(c) in "WF" else
          0 if unicodedata.combining(c) else 1 for c in s))' "$1"
}
