#!/usr/bin/env bash
# bench/bigfolder.sh -- time to the first index screen of a big folder, and
# peak memory, for starling and NeoMutt (each with an empty and with a warm
# header cache) and aerc, side by side in one run against the same Dovecot
# (tests/servers/harness.sh) over loopback STARTTLS; plus the floor, a bare
# IMAP exchange for the same first screen; then how fast starling (and
# NeoMutt) answer keys in that folder. Not part of `make check`. See
# bench/README.
#
#   sudo bash bench/bigfolder.sh [COUNT] [RUNS]      (default 100000 3)
#   BIGFOLDER_KEEP=DIR  keep the built folder in DIR and reuse it next time
#   BIGFOLDER_PGUP=N    PgUp presses in the key burst (default 50)
#
# Each figure is the median of RUNS runs, after one untimed run per client
# so that Dovecot's cache holds what that client asks for. "First screen"
# is the moment tmux capture-pane first shows an index line (every subject
# starts with "[bench NNNNNN]"), measured from a timestamp the wrapper
# writes just before exec'ing the client; the pane is looked at whenever
# tmux reports output from it (bench/panewatch.py, a tmux control-mode
# client). Peak memory is /usr/bin/time -v's maximum resident set size.
set -u
export LC_NUMERIC=C     # printf and awk with a decimal point
COUNT=${1:-100000}
RUNS=${2:-3}
KEEP=${BIGFOLDER_KEEP:-}
PRESSES=${BIGFOLDER_PGUP:-50}
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$BENCH_DIR/.." && pwd)
STARLING=${STARLING:-$TOP/ui/starling}
export STARLING

# shellcheck source=../tests/servers/harness.sh
. "$TOP/tests/servers/harness.sh"

die() { echo "bigfolder: $*" >&2; exit 1; }
[ -x "$STARLING" ] || die "build starling first (make), or set STARLING"
for b in tmux python3 /usr/bin/time md5sum; do
    command -v "$b" >/dev/null || die "$b is missing (apt-get install tmux python3 time)"
done
case "$COUNT$RUNS$PRESSES" in *[!0-9]*) die "COUNT, RUNS and BIGFOLDER_PGUP are numbers";; esac
[ "$RUNS" -ge 1 ] || die "RUNS must be at least 1"

harness_start >/dev/null
SOCKDIR=$(mktemp -d "${TMPDIR:-/tmp}/bigfolder-tmux.XXXXXX") || die "mktemp failed"
SOCK=$SOCKDIR/sock
tm() { tmux -S "$SOCK" -f /dev/null "$@"; }
trap 'tm kill-server 2>/dev/null; rm -rf "$SOCKDIR"; harness_stop' EXIT
# Should this script be killed without its EXIT trap, stop the tmux server
# (and the client in it) too; harness.sh does the same for the servers.
( trap '' INT HUP
  while _alive $$; do sleep 1; done
  tm kill-server; rm -rf "$SOCKDIR" ) >/dev/null 2>&1 </dev/null &
VISIBLE=40

# ------------------------------------------------------------------ the folder
MD=$H/mail/alice/Maildir

# copy_maildir FROM TO: the messages hard-linked where the file system
# allows (they never change), Dovecot's own files (index, uidlist) copied.
copy_maildir() {
    local f
    rm -rf "$2"
    cp -al "$1" "$2" 2>/dev/null || { rm -rf "$2"; cp -a "$1" "$2"; } || return 1
    for f in "$1"/dovecot*; do
        [ -f "$f" ] || continue
        rm -f "$2/${f##*/}"
        cp -p "$f" "$2/" || return 1
    done
}

# Dovecot opens the folder (and, with --index, caches every envelope and
# NeoMutt's header fields) so that no client pays for the first indexing.
dovecot_open() {
    python3 "$BENCH_DIR/imapfloor.py" localhost "$IMAP_PORT" "$TEST_USER" \
        "$TEST_PASS" "$CA_PEM" "$@" >/dev/null
}

t=$SECONDS
stamp="$COUNT $(md5sum <"$BENCH_DIR/mkfolder.py" | cut -c1-32)"
kept=${KEEP:+$KEEP/maildir-$COUNT}
mkdir -p "$H/mail/alice"
if [ -n "$kept" ] && [ "$(cat "$kept.stamp" 2>/dev/null)" = "$stamp" ]; then
    echo "reusing the $COUNT-message Maildir kept in $kept ..." >&2
    copy_maildir "$kept" "$MD" || die "could not copy $kept"
    chown mail:mail "$H/mail/alice"
    dovecot_open "$VISIBLE" || die "Dovecot could not open the kept folder"
else
    echo "building a $COUNT-message Maildir ..." >&2
    python3 "$BENCH_DIR/mkfolder.py" "$MD" "$COUNT" || die "mkfolder.py failed"
    chown -R mail:mail "$H/mail/alice"
    dovecot_open --index || die "Dovecot could not index the folder"
    if [ -n "$kept" ]; then
        if ! { mkdir -p "$KEEP" && rm -f "$kept.stamp" &&
            copy_maildir "$MD" "$kept"; }; then
            die "could not keep the folder in $kept"
        fi
        echo "$stamp" >"$kept.stamp"
        echo "kept it in $kept (BIGFOLDER_KEEP)" >&2
    fi
fi
echo "folder ready in $((SECONDS - t)) s ($(du -sh "$MD" | cut -f1))" >&2

# ------------------------------------------------------------------- clients
W=$H/bench
mkdir -p "$W/starling" "$W/neomutt" "$W/aerc/aerc"
chmod 700 "$W"
cat >"$W/starling/config" <<EOF
[starling]
header_cache = yes

[bench]
email = $TEST_EMAIL
imap = imap://localhost:$IMAP_PORT
user = $TEST_USER
password_cmd = cat $TEST_PASSFILE
cafile = $CA_PEM
EOF
chmod 600 "$W/starling/config"

neomutt_rc() { # HCACHE-DIR-or-empty
    cat <<EOF
set folder = "imap://$TEST_USER@localhost:$IMAP_PORT/"
set spoolfile = "+INBOX"
set imap_pass = "$TEST_PASS"
set ssl_starttls = yes
set ssl_force_tls = yes
set ssl_ca_certificates_file = "$CA_PEM"
set certificate_file = "$W/neomutt/certs"
set imap_check_subscribed = no
set mail_check_stats = no
set sort = date
set record = ""
set postponed = ""
set quit = yes
EOF
    if [ -n "$1" ]; then echo "set header_cache = \"$1\""; else echo "unset header_cache"; fi
}
neomutt_rc "$W/neomutt/hcache" >"$W/neomutt/warm.rc"
neomutt_rc "$W/neomutt/cold-hcache" >"$W/neomutt/cold.rc"

cat >"$W/aerc/aerc/accounts.conf" <<EOF
[bench]
source = imap://$TEST_USER:$TEST_PASS@localhost:$IMAP_PORT
outgoing = smtp://localhost:$SUBMISSION_PORT
default = INBOX
from = Alice <$TEST_EMAIL>
EOF
chmod 600 "$W/aerc/aerc/accounts.conf"
: >"$W/aerc/aerc/aerc.conf"
: >"$W/aerc/aerc/binds.conf"

# starling's cache directories: a cold run gets an empty one every time, a
# warm one keeps what the untimed run (and the timed ones) put there.
SL_COLD=$W/starling/cold-cache
SL_WARM=$W/starling/warm-cache
sl_cmd() { # XDG_CACHE_HOME
    echo "env XDG_CACHE_HOME=$1 $STARLING --config $W/starling/config -a bench -f INBOX"
}
NM_COLD="neomutt -n -F $W/neomutt/cold.rc"
NM_WARM="neomutt -n -F $W/neomutt/warm.rc"
AERC=aerc

# fresh NAME: a cold run's cache starts empty.
fresh() {
    case $1 in
    neomutt-cold) rm -rf "$W/neomutt/cold-hcache";;
    starling-cold) rm -rf "$SL_COLD";;
    esac
}

# client_start NAME CMD...: CMD in a new tmux server under /usr/bin/time -v,
# once bench/panewatch.py is watching (tmux wait-for go); $W/NAME.start
# gets the time just before the exec.
client_start() {
    local name=$1 start=$W/$1.start
    shift
    rm -f "$start" "$W/$name.time"
    LOGMARK=$(log_mark "$DOVECOT_LOG")
    tm kill-server 2>/dev/null
    tm new-session -d -x 120 -y 40 "env -u TMUX TERM=xterm-256color \
        LANG=C.UTF-8 SSL_CERT_FILE=$CA_PEM XDG_CONFIG_HOME=$W/aerc \
        sh -c 'tmux -S $SOCK wait-for go; date +%s.%N >$start; \
        exec /usr/bin/time -v -o $W/$name.time $*'"
}

# client_stop NAME QUITKEYS: quit the client; print "RSS_KB SERVER_BYTES"
# (what Dovecot's logout lines since client_start say it sent, out=).
client_stop() {
    local name=$1 quit=$2 rss bytes
    # shellcheck disable=SC2086
    tm send-keys $quit 2>/dev/null
    for _ in $(seq 100); do [ -s "$W/$name.time" ] && break; sleep 0.1; done
    tm kill-server 2>/dev/null
    for _ in $(seq 50); do [ -s "$W/$name.time" ] && break; sleep 0.1; done
    rss=$(awk -F': ' '/Maximum resident/ {print $2}' "$W/$name.time" 2>/dev/null)
    log_wait "$DOVECOT_LOG" "$LOGMARK" 'imap\(.*Disconnected' 5 && sleep 0.2
    bytes=$(log_since "$DOVECOT_LOG" "$LOGMARK" | awk '/imap\(.*Disconnected/ {
        if (match($0, / out=[0-9]+/)) { n++; s += substr($0, RSTART + 5,
        RLENGTH - 5) } } END { print n ? s : "-" }')
    echo "${rss:--} $bytes"
}

# run NAME QUITKEYS CMD...: start CMD; print "SECONDS RSS_KB SERVER_BYTES"
# (SECONDS = "-" when no index line showed within 120 s).
run() {
    local name=$1 quit=$2 t
    shift 2
    client_start "$name" "$@"
    t=$(python3 "$BENCH_DIR/panewatch.py" "$SOCK" first "$W/$name.start")
    echo "${t:--} $(client_stop "$name" "$quit")"
}

# median of the numbers on stdin ("-" when any run failed)
median() { sort -g | awk '{v[NR]=$1} /^-/ {bad=1} END {
    if (bad || NR == 0) print "-"; else print v[int((NR + 1) / 2)] }'; }

# column N of the lines on stdin, one a line
col() { awk -v n="$1" '{print $n}'; }

# measure LABEL NAME QUITKEYS CMD...: the medians of time, RSS and bytes.
measure() {
    local label=$1 name=$2 quit=$3 i out=""
    shift 3
    for ((i = 0; i < RUNS; i++)); do
        fresh "$name"
        out+="$(run "$name" "$quit" "$@")"$'\n'
    done
    printf '%s\t%s\t%s\t%s\n' "$label" \
        "$(printf '%s' "$out" | col 1 | median)" \
        "$(printf '%s' "$out" | col 2 | median)" \
        "$(printf '%s' "$out" | col 3 | median)"
}

# run_filled NAME QUITKEYS CMD...: like run, but starling stays open until
# its header cache has stopped growing for 3 s (the background fill has
# put the whole folder there, as for someone who had the folder open a
# while), at most 300 s; prints how long that took.
run_filled() {
    local name=$1 quit=$2 f last=-1 size same=0 t0=$SECONDS
    shift 2
    f=$SL_WARM/starling/hcache/data.mdb
    client_start "$name" "$@"
    python3 "$BENCH_DIR/panewatch.py" "$SOCK" first "$W/$name.start" >/dev/null
    while [ "$same" -lt 3 ] && [ $((SECONDS - t0)) -lt 300 ]; do
        sleep 1
        size=$(stat -c %s "$f" 2>/dev/null || echo 0)
        if [ "$size" = "$last" ]; then same=$((same + 1)); else same=0; fi
        last=$size
    done
    client_stop "$name" "$quit" >/dev/null
    echo "starling's header cache filled in $((SECONDS - t0)) s ($((last / 1048576)) MB)" >&2
}

echo "warming up each client once ..." >&2
run starling-cold Q "$(sl_cmd "$SL_COLD")" >/dev/null
run_filled starling-warm Q "$(sl_cmd "$SL_WARM")"
[ -s "$SL_WARM/starling/hcache/data.mdb" ] ||
    echo "bigfolder: the untimed run left no header cache in $SL_WARM" >&2
command -v neomutt >/dev/null && run neomutt-warm q "$NM_WARM" >/dev/null
command -v aerc >/dev/null && run aerc ":quit Enter" "$AERC" >/dev/null

floor=$(for ((i = 0; i < RUNS; i++)); do
    python3 "$BENCH_DIR/imapfloor.py" localhost "$IMAP_PORT" "$TEST_USER" \
        "$TEST_PASS" "$CA_PEM" "$VISIBLE"; done | median)

echo "timing the first screen ..." >&2
{
    measure "starling (cold cache)" starling-cold Q "$(sl_cmd "$SL_COLD")"
    measure "starling (warm cache)" starling-warm Q "$(sl_cmd "$SL_WARM")"
    if command -v neomutt >/dev/null; then
        measure "neomutt (cold cache)" neomutt-cold q "$NM_COLD"
        measure "neomutt (warm cache)" neomutt-warm q "$NM_WARM"
    else
        printf 'neomutt (cold cache)\t-\t-\t-\nneomutt (warm cache)\t-\t-\t-\n'
    fi
    if command -v aerc >/dev/null; then
        measure aerc aerc ":quit Enter" "$AERC"
    else
        printf 'aerc\t-\t-\t-\n'
    fi
} >"$W/results"

# ------------------------------------------------------------- key response
# After the first screen: Home (or =) to the oldest message, End (or *) back
# to the newest, a burst of PgUp presses sent at once, and a search (/) for
# the oldest message's subject (bench/panewatch.py keys).

# The burst: at most PRESSES, fewer when the folder is too small to page
# that far up without reaching the top.
BURST=$PRESSES
[ "$BURST" -gt $(((COUNT - 2 * VISIBLE) / VISIBLE)) ] &&
    BURST=$(((COUNT - 2 * VISIBLE) / VISIBLE))
[ "$BURST" -ge 0 ] || BURST=0

# keyrun NAME QUITKEYS HOME END PAGEKIND PROMPT CMD: one run; KR is
# "HOME_MS END_MS BURST_MS SEARCH_MS LOOK_MS".
keyrun() {
    local name=$1 quit=$2
    shift 2
    client_start "$name" "${@:5}"
    KR=$(python3 "$BENCH_DIR/panewatch.py" "$SOCK" keys "$COUNT" "$BURST" \
        "${@:1:4}")
    [ -n "$KR" ] || KR="- - - - -"
    client_stop "$name" "$quit" >/dev/null
}

# keys LABEL NAME QUITKEYS HOME END PAGEKIND PROMPT CMD: RUNS key runs; one
# line of medians.
keys() {
    local label=$1 name=$2 i out=""
    shift 2
    for ((i = 0; i < RUNS; i++)); do
        fresh "$name"
        keyrun "$name" "$@"
        out+="$KR"$'\n'
    done
    printf '%s' "$label"
    for i in 1 2 3 4 5; do printf '\t%s' "$(printf '%s' "$out" | col "$i" | median)"; done
    printf '\n'
}

echo "timing keys ..." >&2
SL_KEYS=(Home End cursor "Search: ")
NM_KEYS=("=" "*" page "Search for: ")
# the warm cache gets what a key run visits, untimed, first
keyrun starling-warm Q "${SL_KEYS[@]}" "$(sl_cmd "$SL_WARM")"
{
    keys "starling (cold cache)" starling-cold Q "${SL_KEYS[@]}" "$(sl_cmd "$SL_COLD")"
    keys "starling (warm cache)" starling-warm Q "${SL_KEYS[@]}" "$(sl_cmd "$SL_WARM")"
    if command -v neomutt >/dev/null; then
        keys "neomutt (warm cache)" neomutt-warm q "${NM_KEYS[@]}" "$NM_WARM"
    else
        printf 'neomutt (warm cache)\t-\t-\t-\t-\t-\n'
    fi
} >"$W/keys"

# ------------------------------------------------------------------ the tables
ratio() { # A B: A/B with two decimals, or "-"
    case "$1$2" in *-*) echo -; return;; esac
    awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f\n", a / b }'
}
field() { # LABEL COLUMN FILE
    awk -F'\t' -v l="$1" -v c="$2" '$1 == l {print $c}' "$3"
}
mb() { # KB
    if [ "$1" = - ]; then echo -; else awk -v m="$1" 'BEGIN { printf "%.1f MB", m / 1024 }'; fi
}
secs() { if [ "$1" = - ]; then echo -; else printf '%.3f s' "$1"; fi; }
msec() { if [ "$1" = - ]; then echo -; else printf '%.1f ms' "$1"; fi; }
kbytes() {
    if [ "$1" = - ]; then echo -; else awk -v b="$1" 'BEGIN { printf "%.0f kB", b / 1000 }'; fi
}

slc_t=$(field "starling (cold cache)" 2 "$W/results")
slw_t=$(field "starling (warm cache)" 2 "$W/results")
printf '\n%s messages in INBOX, %s runs each (median), %s visible rows\n\n' \
    "$COUNT" "$RUNS" "$VISIBLE"
printf '| %-22s | %12s | %10s | %12s | %15s | %15s |\n' client "first screen" \
    "peak RSS" "from server" "time / sl cold" "time / sl warm"
printf '|%s|%s|%s|%s|%s|%s|\n' ------------------------ -------------- \
    ------------ -------------- ----------------- -----------------
while IFS=$'\t' read -r label t m b; do
    printf '| %-22s | %12s | %10s | %12s | %15s | %15s |\n' "$label" \
        "$(secs "$t")" "$(mb "$m")" "$(kbytes "$b")" "$(ratio "$t" "$slc_t")" \
        "$(ratio "$t" "$slw_t")"
done <"$W/results"
printf '| %-22s | %12s | %10s | %12s | %15s | %15s |\n' "bare IMAP (floor)" \
    "$(secs "$floor")" - - "$(ratio "$floor" "$slc_t")" "$(ratio "$floor" "$slw_t")"

printf '\nKeys after the first screen (median ms from send-keys to the settled pane):\n\n'
printf '| %-22s | %13s | %13s | %14s | %9s | %10s | %9s |\n' client \
    "Home: oldest" "End: newest" "$BURST x PgUp" "per PgUp" "search" "one look"
printf '|%s|%s|%s|%s|%s|%s|%s|\n' ------------------------ --------------- \
    --------------- ---------------- ----------- ------------ -----------
while IFS=$'\t' read -r label h e p s l; do
    per=-
    [ "$p" != - ] && [ "$BURST" -gt 0 ] &&
        per=$(awk -v p="$p" -v n="$BURST" 'BEGIN { printf "%.2f", p / n }')
    printf '| %-22s | %13s | %13s | %14s | %9s | %10s | %9s |\n' "$label" \
        "$(msec "$h")" "$(msec "$e")" "$(msec "$p")" "$(msec "$per")" \
        "$(msec "$s")" "$(msec "$l")"
done <"$W/keys"

# verdict VALUE OP GOAL: "met", "MISSED", or "-" without a value
verdict() {
    case "$1" in -|'') echo -; return;; esac
    awk -v v="$1" -v g="$3" -v op="$2" 'BEGIN {
        ok = op == "<=" ? v <= g : v >= g; print ok ? "met" : "MISSED" }'
}
target() { # WHAT VALUE SHOWN [OP GOAL]: without a goal, for comparison only
    if [ $# -lt 5 ]; then printf '  %-40s %14s\n' "$1" "$3"; return; fi
    printf '  %-40s %14s   %s %-8s %s\n' "$1" "$3" "$4" "$5" "$(verdict "$2" "$4" "${5%% *}")"
}
nmc_t=$(field "neomutt (cold cache)" 2 "$W/results")
nmw_t=$(field "neomutt (warm cache)" 2 "$W/results")
aerc_t=$(field aerc 2 "$W/results")
rss=$(for l in "starling (cold cache)" "starling (warm cache)"; do
    field "$l" 3 "$W/results"; done | sort -g | tail -n 1)
keymax() { # LABEL: the slowest of Home, End, per PgUp and search, in ms
    awk -F'\t' -v l="$1" -v n="$BURST" '$1 == l {
        m = 0; for (i = 2; i <= 5; i++) { if ($i == "-") { print "-"; exit }
        v = i == 4 ? $i / n : $i; if (v > m) m = v } printf "%.1f\n", m }' "$W/keys"
}
kc=$(keymax "starling (cold cache)"); kw=$(keymax "starling (warm cache)")
x() { if [ "$1" = - ]; then echo -; else echo "$1 x"; fi; }
printf '\nIssue 7 targets (set for 100000 messages on 2 cores; this run: %s):\n\n' "$COUNT"
target "first screen, empty cache" "$slc_t" "$(secs "$slc_t")" "<=" "0.25 s"
target "first screen, warm cache" "$slw_t" "$(secs "$slw_t")" "<=" "0.15 s"
r=$(ratio "$nmc_t" "$slc_t"); target "neomutt cold / starling cold" "$r" "$(x "$r")" ">=" "30 x"
r=$(ratio "$nmw_t" "$slw_t"); target "neomutt warm / starling warm" "$r" "$(x "$r")"
r=$(ratio "$aerc_t" "$slc_t"); target "aerc / starling cold" "$r" "$(x "$r")" ">=" "6 x"
r=$(ratio "$aerc_t" "$slw_t"); target "aerc / starling warm" "$r" "$(x "$r")" ">=" "6 x"
r=$(ratio "$slc_t" "$floor"); target "starling cold / floor" "$r" "$r" "<=" "2"
r=$(ratio "$slw_t" "$floor"); target "starling warm / floor" "$r" "$r" "<=" "2"
rss_mb=-
[ "$rss" != - ] && rss_mb=$(awk -v m="$rss" 'BEGIN { print m / 1024 }')
target "peak RSS (the larger of cold and warm)" "$rss_mb" "$(mb "$rss")" "<=" "40 MB"
target "slowest key, cold cache" "$kc" "$(msec "$kc")" "<=" "16.7 ms"
target "slowest key, warm cache" "$kw" "$(msec "$kw")" "<=" "16.7 ms"
printf '\n(a key is "within a frame" at 60 Hz: 16.7 ms; the PgUp figure is the burst over its presses)\n'
