#!/usr/bin/env bash
# bench/bigfolder.sh -- time to the first index screen of a big folder, and
# peak memory, for starling, NeoMutt (cold and warm header cache) and aerc,
# side by side in one run against the same Dovecot (tests/servers/harness.sh)
# over loopback STARTTLS; plus the floor, a bare IMAP exchange for the same
# first screen. Not part of `make check`. See bench/README.
#
#   sudo bash bench/bigfolder.sh [COUNT] [RUNS]      (default 100000 3)
#
# Each figure is the median of RUNS runs, after one untimed run per client
# so that Dovecot's cache holds what that client asks for. "First screen"
# is the moment tmux capture-pane first shows an index line (every subject
# starts with "[bench NNNNNN]"), measured from a timestamp the wrapper
# writes just before exec'ing the client; the pane is polled every 5 ms.
# Peak memory is /usr/bin/time -v's maximum resident set size.
set -u
COUNT=${1:-100000}
RUNS=${2:-3}
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$BENCH_DIR/.." && pwd)
STARLING=${STARLING:-$TOP/ui/starling}
export STARLING

# shellcheck source=../tests/servers/harness.sh
. "$TOP/tests/servers/harness.sh"

die() { echo "bigfolder: $*" >&2; exit 1; }
[ -x "$STARLING" ] || die "build starling first (make), or set STARLING"
for b in tmux python3 /usr/bin/time; do
    command -v "$b" >/dev/null || die "$b is missing (apt-get install tmux python3 time)"
done

harness_start >/dev/null
SOCK=bench-$$
tm() { tmux -L "$SOCK" -f /dev/null "$@"; }
trap 'tm kill-server 2>/dev/null; harness_stop' EXIT
VISIBLE=40
MARK='\[bench [0-9]{6}\]'

# ------------------------------------------------------------------ the folder
echo "building a $COUNT-message Maildir ..." >&2
t=$SECONDS
MD=$H/mail/alice/Maildir
python3 "$BENCH_DIR/mkfolder.py" "$MD" "$COUNT" || die "mkfolder.py failed"
chown -R mail:mail "$H/mail/alice"
python3 "$BENCH_DIR/imapfloor.py" localhost "$IMAP_PORT" "$TEST_USER" \
    "$TEST_PASS" "$CA_PEM" --index || die "Dovecot could not index the folder"
echo "folder ready in $((SECONDS - t)) s ($(du -sh "$MD" | cut -f1))" >&2

# ------------------------------------------------------------------- clients
W=$H/bench
mkdir -p "$W/starling" "$W/neomutt" "$W/aerc/aerc"
chmod 700 "$W"
cat >"$W/starling/config" <<EOF
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

# run NAME QUITKEYS CMD...: start CMD in tmux under /usr/bin/time -v; print
# "SECONDS RSS_KB" (SECONDS = "-" when no index line showed within 120 s).
run() {
    local name=$1 quit=$2 start t0 t1 rss limit
    shift 2
    start=$W/$name.start
    rm -f "$start" "$W/$name.time"
    tm kill-server 2>/dev/null
    tm new-session -d -x 120 -y 40 "env -u TMUX TERM=xterm-256color \
        LANG=C.UTF-8 SSL_CERT_FILE=$CA_PEM XDG_CONFIG_HOME=$W/aerc \
        sh -c 'date +%s.%N >$start; exec /usr/bin/time -v -o $W/$name.time $*'"
    t1=-
    limit=$((SECONDS + 120))
    while [ $SECONDS -lt $limit ]; do
        if tm capture-pane -p 2>/dev/null | grep -Eq "$MARK"; then
            t1=$(date +%s.%N)
            break
        fi
        sleep 0.005
    done
    t0=$(cat "$start" 2>/dev/null || echo 0)
    # shellcheck disable=SC2086
    tm send-keys $quit 2>/dev/null
    for _ in $(seq 100); do [ -s "$W/$name.time" ] && break; sleep 0.1; done
    tm kill-server 2>/dev/null
    for _ in $(seq 50); do [ -s "$W/$name.time" ] && break; sleep 0.1; done
    rss=$(awk -F': ' '/Maximum resident/ {print $2}' "$W/$name.time" 2>/dev/null)
    if [ "$t1" = - ]; then echo "- ${rss:--}"; return; fi
    echo "$(awk -v a="$t1" -v b="$t0" 'BEGIN { printf "%.4f", a - b }') ${rss:--}"
}

# median of the numbers on stdin ("-" when any run failed)
median() { sort -g | awk '{v[NR]=$1} /^-/ {bad=1} END {
    if (bad || NR == 0) print "-"; else print v[int((NR + 1) / 2)] }'; }

# measure LABEL NAME QUITKEYS CMD...: the median time and the max RSS.
measure() {
    local label=$1 name=$2 quit=$3 i out times="" rsss=""
    shift 3
    for ((i = 0; i < RUNS; i++)); do
        [ "$name" = neomutt-cold ] && rm -rf "$W/neomutt/cold-hcache"
        out=$(run "$name" "$quit" "$@")
        times+="${out%% *}"$'\n'
        rsss+="${out##* }"$'\n'
    done
    printf '%s\t%s\t%s\n' "$label" "$(printf '%s' "$times" | median)" \
        "$(printf '%s' "$rsss" | median)"
}

SL="$STARLING --config $W/starling/config -a bench -f INBOX"
NM_COLD="neomutt -n -F $W/neomutt/cold.rc"
NM_WARM="neomutt -n -F $W/neomutt/warm.rc"
AERC=aerc

echo "warming up each client once ..." >&2
run starling Q "$SL" >/dev/null
command -v neomutt >/dev/null && run neomutt-warm q "$NM_WARM" >/dev/null
command -v aerc >/dev/null && run aerc ":quit Enter" "$AERC" >/dev/null

floor=$(for ((i = 0; i < RUNS; i++)); do
    python3 "$BENCH_DIR/imapfloor.py" localhost "$IMAP_PORT" "$TEST_USER" \
        "$TEST_PASS" "$CA_PEM" "$VISIBLE"; done | median)

{
    measure starling starling Q "$SL"
    if command -v neomutt >/dev/null; then
        measure "neomutt (cold cache)" neomutt-cold q "$NM_COLD"
        measure "neomutt (warm cache)" neomutt-warm q "$NM_WARM"
    else
        printf 'neomutt\t-\t-\n'
    fi
    if command -v aerc >/dev/null; then
        measure aerc aerc ":quit Enter" "$AERC"
    else
        printf 'aerc\t-\t-\n'
    fi
} >"$W/results"

# ------------------------------------------------------------------ the table
ratio() { # A B: A/B with two decimals, or "-"
    case "$1$2" in *-*) echo -; return;; esac
    awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f\n", a / b }'
}
sl_t=$(awk -F'\t' '$1 == "starling" {print $2}' "$W/results")
sl_m=$(awk -F'\t' '$1 == "starling" {print $3}' "$W/results")
printf '\n%s messages in INBOX, %s runs each (median), %s visible rows\n\n' \
    "$COUNT" "$RUNS" "$VISIBLE"
printf '| %-22s | %12s | %12s | %14s | %14s |\n' client "first screen" \
    "peak RSS" "time / starling" "RSS / starling"
printf '|%s|%s|%s|%s|%s|\n' ------------------------ -------------- \
    -------------- ---------------- ----------------
while IFS=$'\t' read -r label t m; do
    mb=-; [ "$m" != - ] && mb=$(awk -v m="$m" 'BEGIN { printf "%.1f MB", m / 1024 }')
    ts=-; [ "$t" != - ] && ts=$(printf '%.3f s' "$t")
    printf '| %-22s | %12s | %12s | %14s | %14s |\n' "$label" "$ts" "$mb" \
        "$(ratio "$t" "$sl_t")" "$(ratio "$m" "$sl_m")"
done <"$W/results"
printf '| %-22s | %12s | %12s | %14s | %14s |\n' "bare IMAP (floor)" \
    "$(printf '%.3f s' "$floor")" - "$(ratio "$floor" "$sl_t")" -
printf '\nstarling / floor: %s\n' "$(ratio "$sl_t" "$floor")"
