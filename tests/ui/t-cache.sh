#!/bin/bash
# The header cache (client/hcache.c, client/envsrc.c) as a user meets it:
# starling -a work -f Big on a folder of 300 messages, started again and
# again against the real Dovecot.
#   - the first start shows the index (the newest message at the cursor)
#     and leaves $XDG_CACHE_HOME/starling/hcache, mode 0700, its files
#     readable by the owner only;
#   - the second start shows the very same rows, and took their envelopes
#     from the cache (see "Proof" below);
#   - flags changed by another session while starling was not running
#     show at once (never the cache's stale ones);
#   - a folder deleted and created again (a new UIDVALIDITY) shows only
#     its new messages, none of the old subjects;
#   - header_cache = no leaves no cache directory;
#   - an unusable cache (hcache a regular file; a 0500 directory, for a
#     starling without CAP_DAC_OVERRIDE; $XDG_CACHE_HOME/starling a
#     regular file) does not stop the folder from opening: the status line
#     says so once (hcache_fail's sentence) and never again; a garbage
#     data.mdb is replaced silently by a real LMDB file.
#
# Proof that the envelopes came from the cache: starling talks to a
# Dovecot of its own on the harness's Maildir with rawlog_dir set, so the
# server writes down every command it receives (after TLS, in the imap
# process). A window the cache cannot serve is asked as FETCH a:b (...
# ENVELOPE ...); a window the cache serves as FETCH a:b (UID FLAGS) alone
# (client/envsrc.h). This is the server's own record of what it was asked,
# independent of starling's code; each run reads it once starling has sent
# IDLE, which it does only when it has nothing else to ask (so every FETCH
# of that run is already in the file). The first start is the positive
# control: there the same grep does find ENVELOPE.
set -u
UI_BUDGET=${UI_BUDGET:-300}
. "$(dirname "$0")/lib.sh"
# shellcheck source=../servers/extra_dovecot.sh
. "$UI_DIR/../servers/extra_dovecot.sh"
ui_init
tap_plan 21

# ------------------------------------------------------- the rawlog Dovecot
# raw_dovecot: a Dovecot on $RAW_PORT (STARTTLS) serving alice's Maildir,
# writing each IMAP session's input to $RAWLOG/*.in (as extra_dovecot does,
# with rawlog_dir instead of a capability list).
raw_dovecot() {
    local d=$H/dovecot-raw
    RAW_PORT=$(_free_ports 1)
    RAWLOG=$H/rawlog
    IMAP_PORT=$RAW_PORT IMAPS_PORT=0 POP3_PORT=0 POP3S_PORT=0 \
        _dovecot_conf dovecot-raw yes
    sed -i 's/^protocols = imap pop3$/protocols = imap/' "$d/dovecot.conf"
    mkdir -p "$RAWLOG"
    chown mail:mail "$RAWLOG"
    printf 'protocol imap {\n  rawlog_dir = %s\n}\n' "$RAWLOG" >>"$d/dovecot.conf"
    trap 'raw_watchdog_stop; extra_stop; ui_cleanup' EXIT
    dovecot -c "$d/dovecot.conf" >"$H/raw.out" 2>&1 ||
        harness_fail "dovecot (rawlog) did not start: $(cat "$H/raw.out")"
    EXTRA_PIDFILES+=("$d/run/master.pid")
    raw_watchdog "$(tr -dc 0-9 <"$d/run/master.pid")"
    wait_ports 20 "127.0.0.1:$RAW_PORT" >"$H/raw.out" 2>&1 ||
        harness_fail "dovecot (rawlog) is not listening"
}
# raw_watchdog PID: should this script die without its EXIT trap
# (SIGKILL), stop that Dovecot after it, as harness.sh does for its own.
RAW_WATCHDOG=
raw_watchdog() {
    local parent=$$ pid=$1
    ( trap '' INT HUP
      while _alive "$parent"; do sleep 1; done
      _probe_extras_kill "$pid" ) >/dev/null 2>&1 </dev/null &
    RAW_WATCHDOG=$!
}
raw_watchdog_stop() { [ -n "$RAW_WATCHDOG" ] && kill "$RAW_WATCHDOG" 2>/dev/null; }

# raw_in: what starling sent this run; waits until it has sent IDLE.
RAWIN=
raw_in() {
    local i=0
    while :; do
        RAWIN=$(cat "$RAWLOG"/*.in 2>/dev/null | tr -d '\r')
        grep -qE '^[0-9.]+ [^ ]+ IDLE$' <<<"$RAWIN" && return 0
        [ "$i" -ge 300 ] && return 1
        sleep 0.1
        i=$((i + 1))
    done
}

# ------------------------------------------------------- a second session
# imapx.py COMMAND...: python imaplib beside starling (as imapctl.py):
#   store FOLDER SUBJECT +FLAGS|-FLAGS FLAG...  on the message of SUBJECT
#   uidvalidity FOLDER
#   recreate FOLDER COUNT PREFIX   DELETE, CREATE, APPEND "PREFIX 1".."PREFIX COUNT"
cat >"$H/imapx.py" <<'EOF'
import imaplib, ssl, sys, time
port, cafile, cmd, folder = sys.argv[1:5]
args = sys.argv[5:]
c = imaplib.IMAP4("localhost", int(port), timeout=30)
c.starttls(ssl_context=ssl.create_default_context(cafile=cafile))
c.login("alice", "s3cret-Pa55")
def ok(r):
    if r[0] != "OK":
        sys.exit("imapx: %r" % (r,))
    return r[1]
if cmd == "store":
    ok(c.select(folder))
    uids = ok(c.uid("SEARCH", "HEADER", "Subject", '"%s"' % args[0]))[0].split()
    uids = [u for u in uids if ok(c.uid("FETCH", u, "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])"))
            [0][1].strip() == b"Subject: " + args[0].encode()]
    if len(uids) != 1:
        sys.exit("imapx: %d messages with the subject %s" % (len(uids), args[0]))
    ok(c.uid("STORE", uids[0].decode(), args[1], "(%s)" % " ".join(args[2:])))
elif cmd == "uidvalidity":
    print(ok(c.status(folder, "(UIDVALIDITY)"))[0].decode().split()[-1].rstrip(")"))
elif cmd == "recreate":
    ok(c.delete(folder))
    ok(c.create(folder))
    for n in range(1, int(args[0]) + 1):
        when = 1750000000 + 60 * n
        msg = ("From: New %d <new%d@example.org>\r\nTo: alice@localhost\r\n"
               "Subject: %s %d\r\nDate: %s\r\nMessage-ID: <fresh-%d@starling.test>"
               "\r\n\r\nA new message.\r\n") % (
                   n, n, args[1], n, time.strftime(
                       "%a, %d %b %Y %H:%M:%S +0000", time.gmtime(when)), n)
        ok(c.append(folder, None, imaplib.Time2Internaldate(when), msg.encode()))
c.logout()
EOF
imapx() {
    timeout 60 python3 "$H/imapx.py" "$IMAP_PORT" "$CA_PEM" "$@" 2>&1 ||
        harness_fail "imapx $*"
}

# ------------------------------------------------------------ starling runs
raw_dovecot
fill_folder Big 300
imapx store Big "Message 299" +FLAGS '\Seen' >/dev/null
imapx store Big "Message 298" +FLAGS '\Flagged' >/dev/null
config_ui work "${ACCOUNT_KEYS[@]}" "imap=imap://localhost:$RAW_PORT" \
    "cafile=$CA_PEM"
HC=$XDG_CACHE_HOME/starling/hcache

# open_big: a fresh start on Big; the rawlog of earlier runs is removed.
open_big() {
    rm -f "$RAWLOG"/*
    ui_start -a work -f Big
}
# quit: Q, and wait until starling has exited.
quit() {
    local i=0
    ui_keys Q
    until ui_dead; do
        [ "$i" -ge 300 ] && return 1
        sleep 0.1
        i=$((i + 1))
    done
}
# rows: the index rows of $PANE (between the title and the status line).
rows() { awk -v h="$UI_HEIGHT" 'NR >= 2 && NR <= h - 2' <<<"$PANE"; }
# flags SUBJECT: the four flag columns (N F D r) of that row in $PANE.
flags() { grep -m1 -E " $1\$" <<<"$PANE" | cut -c2-5; }
# at_cursor SUBJECT: the row ending SUBJECT is drawn in reverse video.
at_cursor() {
    tm capture-pane -p -e -t ui | awk -v s=" $1" '{ p = $0
        gsub(/\033\[[0-9;]*m/, "", p); sub(/ +$/, "", p)
        if (length(p) >= length(s) &&
            substr(p, length(p) - length(s) + 1) == s) { print; exit } }' |
        grep -qE $'\e''\[([0-9]+;)*7(;[0-9]+)*m'
}
# message_line: the last row of the screen, where messages show.
message_line() { awk -v h="$UI_HEIGHT" 'NR == h' <<<"$PANE"; }
# fetched_envelopes, uid_flags: the commands of $RAWIN that fetch
# envelopes; that ask a window's UIDs and flags only.
fetched_envelopes() { grep -E 'FETCH .*ENVELOPE' <<<"$RAWIN"; }
uid_flags() { grep -E ' FETCH [0-9]+:[0-9]+ \(UID FLAGS\)$' <<<"$RAWIN"; }

# -------------------------------------------------------------- 1st start
open_big
wait_for "starling: work: Big (300 messages)" 30
st=$?
wait_re ' Message 300$' 30
st=$((st || $?))
at_cursor "Message 300"
ui_point $((st || $?)) "the first start shows the index, the newest message at the cursor" \
    "expected the title 'work: Big (300 messages)' and 'Message 300' in reverse video"
ROWS1=$(rows)
raw_in
st=$?
fetched_envelopes >/dev/null
ui_point $((st || $?)) "the first start fetched the envelopes from the server (rawlog)" \
    "rawlog: $RAWIN"
quit || ui_point 1 "starling quits on Q"
[ -d "$HC" ] && [ "$(stat -c %a "$HC")" = 700 ] &&
    [ "$(stat -c %a "$XDG_CACHE_HOME/starling")" = 700 ]
ui_point $? "the cache directory exists, mode 0700" \
    "$(ls -la "$XDG_CACHE_HOME/starling" "$HC" 2>&1)"
bad=$(find "$HC" -mindepth 1 \( -perm /077 -o ! -type f \) 2>&1)
[ -f "$HC/data.mdb" ] && [ -z "$bad" ]
ui_point $? "its files are readable by their owner only" \
    "not private: $bad" "$(ls -la "$HC" 2>&1)"

# -------------------------------------------------------------- 2nd start
open_big
wait_re ' Message 300$' 30
st=$?
ROWS2=$(rows)
[ "$ROWS1" = "$ROWS2" ]
ui_point $((st || $?)) "the second start shows the same index rows" \
    "first start:" "$ROWS1" "diff:" "$(diff <(echo "$ROWS1") <(echo "$ROWS2"))"
raw_in
st=$?
! fetched_envelopes >/dev/null && uid_flags >/dev/null
ui_point $((st || $?)) "... taken from the cache: the server was asked only UIDs and flags (rawlog)" \
    "rawlog: $RAWIN"
quit || ui_point 1 "starling quits on Q"

# ------------------------------------------- flags changed while away
imapx store Big "Message 299" -FLAGS '\Seen' >/dev/null
imapx store Big "Message 298" -FLAGS '\Flagged' >/dev/null
imapx store Big "Message 298" +FLAGS '\Seen' >/dev/null
imapx store Big "Message 297" +FLAGS '\Flagged' >/dev/null
open_big
# The first screen that shows the rows: all of them come in one window,
# so these are the flags that window brought.
wait_re ' Message 300$' 30
st=$?
got="297 [$(flags "Message 297")] 298 [$(flags "Message 298")] 299 [$(flags "Message 299")]"
[ "$got" = "297 [NF  ] 298 [    ] 299 [N   ]" ]
ui_point $((st || $?)) "flags changed by another session show at once (unread, read, flagged)" \
    "got $got, expected 297 [NF  ] 298 [    ] 299 [N   ]"
raw_in
quit || ui_point 1 "starling quits on Q"

# ---------------------------------------------- a new UIDVALIDITY
# The cache holds the old folder's UIDs 254..300 (the window shown); the
# new folder's UIDs start at 1 again, so its newest window (UIDs 294..320)
# overlaps them: a cache that ignored UIDVALIDITY would show old subjects.
uv1=$(imapx uidvalidity Big)
imapx recreate Big 320 Fresh >/dev/null
uv2=$(imapx uidvalidity Big)
[ "$uv1" != "$uv2" ] || harness_fail "Big kept UIDVALIDITY $uv1 when created again"
open_big
wait_for "starling: work: Big (320 messages)" 30
st=$?
wait_re ' Fresh 320$' 30
st=$((st || $?))
at_cursor "Fresh 320"
st=$((st || $?))
old=$(rows | grep -E ' Message [0-9]+$')
new=$(rows | grep -cE ' Fresh [0-9]+$')
[ -z "$old" ] && [ "$new" -eq 27 ]
ui_point $((st || $?)) "the folder created again (UIDVALIDITY $uv1 -> $uv2) shows only its new subjects" \
    "old rows: $old" "new rows: $new of 27"
raw_in
st=$?
# The cache has nothing under the new UIDVALIDITY: the window shown is
# one FETCH of whole envelopes (the cache is not even asked), and every
# message of the new folder (UID = number here) had its envelope fetched
# from the server once (the background fill asks only for what the
# cache lacks): no old record stood in for one.
first=$(grep -m1 -E '^[0-9.]+ [^ ]+ (UID )?FETCH ' <<<"$RAWIN")
covered=$(fetched_envelopes | python3 -c '
import re, sys
got = set()
for line in sys.stdin:
    for a, b in re.findall(r"(\d+)(?::(\d+))?", line.split("FETCH ", 1)[1].split(" ", 1)[0]):
        got.update(range(int(a), int(b or a) + 1))
print(len(got), min(got), max(got)) if got else print(0)')
grep -q ENVELOPE <<<"$first" && [ "$covered" = "320 1 320" ]
ui_point $((st || $?)) "... fetched whole from the server, the old records unused (rawlog)" \
    "first FETCH: $first" "envelopes fetched: $covered (expected 320 1 320)" \
    "rawlog: $RAWIN"
quit || ui_point 1 "starling quits on Q"

# ---------------------------------------------------- header_cache = no
printf '[starling]\nheader_cache = no\n\n' >>"$CONF"
export XDG_CACHE_HOME=$H/xdg/cache-off
mkdir -p "$XDG_CACHE_HOME"
open_big
wait_re ' Fresh 320$' 30
st=$?
raw_in
quit || ui_point 1 "starling quits on Q"
[ ! -e "$XDG_CACHE_HOME/starling/hcache" ]
ui_point $((st || $?)) "header_cache = no: the folder opens and no cache directory is made" \
    "$(find "$XDG_CACHE_HOME" 2>&1)"
config_ui work "${ACCOUNT_KEYS[@]}" "imap=imap://localhost:$RAW_PORT" \
    "cafile=$CA_PEM"

# ---------------------------------------------------- unusable caches
# The screen is wide enough for the whole sentence on the message line.
UI_WIDTH=400
# sentence PATH REASON: hcache_fail's sentence (client/hcache.c).
sentence() {
    printf 'the header cache %s cannot be used (%s); starling fetches headers from the server instead. Remove the directory to start a new cache' "$1" "$2"
}
# broken_cache NAME REASON: the folder opens with the cache at
# $XDG_CACHE_HOME/starling/hcache unusable for REASON: three points.
broken_cache() {
    local name=$1 want n
    want=$(sentence "$XDG_CACHE_HOME/starling/hcache" "$2")
    wait_re ' Fresh 320$' 30
    ui_point $? "$name: the folder still opens and shows its messages"
    wait_for "$want" 10
    st=$?
    [ "$(message_line)" = "$want" ]
    ui_point $((st || $?)) "$name: the message line says the cache cannot be used" \
        "expected: $want"
    # Any key clears the message; = goes to the top, which fetches
    # another window (each window would hand out a new warning).
    ui_keys '='
    wait_re ' Fresh 1$' 30
    st=$?
    n=$(grep -c 'header cache' <<<"$PANE")
    [ "$n" -eq 0 ]
    ui_point $((st || $?)) "$name: ... once: not again for the next window" \
        "the sentence shows $n times after '='"
    quit || ui_point 1 "starling quits on Q"
}

export XDG_CACHE_HOME=$H/xdg/cache-file
mkdir -p "$XDG_CACHE_HOME/starling"
echo "not a directory" >"$XDG_CACHE_HOME/starling/hcache"
open_big
broken_cache "hcache is a regular file" "Not a directory"

export XDG_CACHE_HOME=$H/xdg/cache-parent
mkdir -p "$XDG_CACHE_HOME"
echo "not a directory" >"$XDG_CACHE_HOME/starling"
open_big
broken_cache "\$XDG_CACHE_HOME/starling is a regular file" \
    "cannot create $XDG_CACHE_HOME/starling/hcache: Not a directory"

# Root may write into a 0500 directory: this starling runs without
# CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH (setpriv), as a user would.
if command -v setpriv >/dev/null 2>&1; then
    export XDG_CACHE_HOME=$H/xdg/cache-ro
    mkdir -p "$XDG_CACHE_HOME/starling/hcache"
    chmod 500 "$XDG_CACHE_HOME/starling/hcache"
    printf '#!/bin/sh\nexec setpriv --bounding-set=-dac_override,-dac_read_search --inh-caps=-dac_override,-dac_read_search -- %q "$@"\n' \
        "$STARLING" >"$H/starling-nodac"
    chmod 755 "$H/starling-nodac"
    real=$STARLING
    STARLING=$H/starling-nodac
    open_big
    STARLING=$real
    broken_cache "hcache is a 0500 directory" "Permission denied"
else
    for n in 1 2 3; do
        tap_skip "hcache is a 0500 directory ($n)" "setpriv (util-linux) not installed"
    done
fi

# A data.mdb that is not LMDB: replaced, silently.
export XDG_CACHE_HOME=$H/xdg/cache-garbage
mkdir -p "$XDG_CACHE_HOME/starling/hcache"
chmod 700 "$XDG_CACHE_HOME/starling" "$XDG_CACHE_HOME/starling/hcache"
yes "this is not an LMDB file" | head -c 16384 >"$H/garbage"
cp "$H/garbage" "$XDG_CACHE_HOME/starling/hcache/data.mdb"
open_big
wait_re ' Fresh 320$' 30
st=$?
raw_in
st=$((st || $?))
msg=$(message_line)
[ -z "${msg// /}" ]
ui_point $((st || $?)) "a garbage data.mdb: the folder opens, nothing said" \
    "message line: [$msg]"
quit || ui_point 1 "starling quits on Q"
f=$XDG_CACHE_HOME/starling/hcache/data.mdb
# An LMDB file: its first meta page holds MDB_MAGIC after the page header.
magic=$(od -An -tx1 -j16 -N4 "$f" 2>&1 | tr -d ' ')
! cmp -s "$H/garbage" "$f" && [ "$magic" = dec0efbe ]
ui_point $? "... and replaced by a real LMDB file" "magic at 16: $magic"

tap_done
