#!/bin/bash
# `make demo` (tests/servers/demo.sh):
#   - without root it says "run: sudo make demo" and exits 1;
#   - with DEMO_RUN in place of the interactive starling (and a Japanese
#     locale: the banner in Japanese): the config is 0600 in the demo's
#     temporary directory, HOME and XDG_*_HOME point there too; `starling
#     check` gives exit 0 and level verified (IMAP and SMTP) on "verified",
#     exit 3 on "selfsigned" (unknown CA), exit 2 on "plaintext" (no TLS);
#     the sample mail is there (counts, Japanese subjects in UTF-8 and
#     ISO-2022-JP, the ISO-2022-JP body, the thread, the multipart/
#     alternative, the escape sequences as data); after the script no
#     process it started (servers, their children, watchdogs) is left, none
#     mentions its directory, and the directory is gone;
#   - the real UI in tmux: the banner and its prompt, Enter starts starling,
#     "verified" shows [TLS], the other two their refusals, "selfsigned"'s
#     certificate screen opens, Q quits: the servers stop and the directory
#     is removed.
set -u
UI_BUDGET=${UI_BUDGET:-50}
# shellcheck source=../ui/lib.sh
. "$(dirname "$0")/../ui/lib.sh"
harness_require
harness_require_starling
tap_plan 30

DEMO=$HARNESS_DIR/demo.sh
MAILBOX_TEST=${MAILBOX_TEST:-${top_builddir:-$HARNESS_DIR/../..}/tests/servers/mailbox_test}
T=$(mktemp -d "${TMPDIR:-/tmp}/starling-tdemo.XXXXXX") || { echo "Bail out! mktemp"; exit 1; }
chmod 711 "$T"   # the demo's directory is made in here; its servers pass through
mkdir -m 711 "$T/run" "$T/ui"
mkdir "$T/res"
UI_STDERR=$T/ui.stderr
: >"$UI_STDERR"

t_cleanup() {
    local i=0
    ui_stop
    [ -n "${UI_WATCHDOG:-}" ] && kill "$UI_WATCHDOG" 2>/dev/null
    # A demo still running (a failed test) got SIGHUP from tmux and cleans
    # up after itself: give it the time before removing $T.
    while [ -n "$(snap --mentions "$T/" 2>/dev/null)" ] && [ "$i" -lt 200 ]; do
        sleep 0.1; i=$((i + 1))
    done
    rm -rf "$T"
}
trap t_cleanup EXIT
trap 'exit 130' INT TERM HUP
unset TMUX TMUX_PANE
parent=$$
( trap '' INT HUP
  while _alive "$parent"; do sleep 1; done
  tm kill-server ) >/dev/null 2>&1 </dev/null &
UI_WATCHDOG=$!

# snap.py PID...: "PID STARTTIME" for each running PID and its descendants.
# snap.py --alive FILE: the lines of FILE whose process still runs (same
# start time, not a zombie).
# snap.py --mentions TEXT: "PID CMDLINE" of the processes whose command
# line or environment holds TEXT.
cat >"$T/snap.py" <<'EOF'
import os, sys

def stat(pid):
    try:
        s = open("/proc/%s/stat" % pid).read()
    except OSError:
        return None
    f = s[s.rindex(")") + 2:].split()
    return f[0], int(f[1]), f[19]          # state, ppid, starttime

def pids():
    return [p for p in os.listdir("/proc") if p.isdigit()]

if sys.argv[1] == "--alive":
    for line in open(sys.argv[2]):
        pid, start = line.split()
        st = stat(pid)
        if st and st[0] not in "ZX" and st[2] == start:
            print(line.strip())
elif sys.argv[1] == "--mentions":
    text = sys.argv[2].encode()
    for p in pids():
        if int(p) == os.getpid():
            continue
        data = b""
        for f in ("cmdline", "environ"):
            try:
                data += open("/proc/%s/%s" % (p, f), "rb").read()
            except OSError:
                pass
        if text in data:
            try:
                cmd = open("/proc/%s/cmdline" % p, "rb").read()
            except OSError:
                cmd = b""
            print(p, cmd.replace(b"\0", b" ").decode(errors="replace"))
else:
    children = {}
    info = {}
    for p in pids():
        st = stat(p)
        if st and st[0] not in "ZX":
            info[int(p)] = st
            children.setdefault(st[1], []).append(int(p))
    todo = [int(p) for p in sys.argv[1:] if p.isdigit()]
    seen = set()
    while todo:
        p = todo.pop()
        if p in seen or p not in info:
            continue
        seen.add(p)
        print(p, info[p][2])
        todo += children.get(p, [])
EOF
snap() { python3 "$T/snap.py" "$@"; }

# masters DIR: the master pids of the demo's servers.
masters() {
    local f
    for f in "$1/dovecot/run/master.pid" "$1/dovecot-plain/run/master.pid" \
             "$1/postfix-spool/pid/master.pid"; do
        [ -f "$f" ] && { tr -dc 0-9 <"$f"; echo; }
    done
}

# nothing_left DESC DIR SNAPFILE: a test point: no process of SNAPFILE runs
# (within 5 s), none mentions DIR, and DIR is gone.
nothing_left() {
    local desc=$1 dir=$2 snapf=$3 i=0 alive mention
    while :; do
        alive=$(snap --alive "$snapf")
        mention=$(snap --mentions "$dir/")
        [ -z "$alive$mention" ] && break
        [ "$i" -ge 50 ] && break
        sleep 0.1; i=$((i + 1))
    done
    [ -z "$alive$mention" ]
    tap_result $? "$desc: no process left" "$(printf '%s\n' \
        "still running (pid, start time), of $(wc -l <"$snapf") started:" "$alive" \
        "processes mentioning $dir/:" "$mention")"
    [ ! -e "$dir" ]
    tap_result $? "$desc: its temporary directory is gone" "$(ls -la "$dir" 2>&1 | head)"
}

# ------------------------------------------------------------ 1: not root
if command -v setpriv >/dev/null 2>&1; then
    out=$(cd / && env -u LC_ALL LANG=C.UTF-8 timeout 20 setpriv --reuid 65534 \
        --regid 65534 --clear-groups bash "$DEMO" </dev/null 2>&1)
    rc=$?
    [ "$rc" -eq 1 ] && grep -qF "run: sudo make demo" <<<"$out" &&
        [ -z "$(ls -A "$T/run")" ]
    tap_result $? "not root: says 'run: sudo make demo' and exits 1" \
        "$(printf '%s\n' "exit $rc" "$out")"
else
    tap_skip "not root: says 'run: sudo make demo' and exits 1" "no setpriv"
fi

# ---------------------------------------------------- 2: DEMO_RUN, checks
# Runs inside the demo, in place of starling: results into $RES.
cat >"$T/inside.sh" <<'EOF'
#!/bin/bash
set -u
export LC_ALL=C.UTF-8
r=$RES
printf '%s\n' "$DEMO_DIR" >"$r/dir"
printf '%s\n' "$DEMO_CONFIG" >"$r/config"
stat -c %a "$DEMO_CONFIG" >"$r/config_mode"
env | grep -E '^(HOME|XDG_(CONFIG|DATA|STATE|CACHE)_HOME)=' | sort >"$r/env"
for a in verified selfsigned plaintext; do
    timeout 30 "$STARLING" check --config "$DEMO_CONFIG" --json "$a" \
        >"$r/$a.json" 2>"$r/$a.err" </dev/null
    echo $? >"$r/$a.rc"
done
# The mail, as mailbox_test prints it (list; envelopes; message BODY line),
# or the same fields through imaplib when the driver is not built.
if [ -x "$MAILBOX_TEST" ]; then
    mb() { timeout 30 "$MAILBOX_TEST" --config "$DEMO_CONFIG" -a verified "$@" </dev/null; }
    mb list >"$r/list" 2>"$r/mail.err"
    mb envelopes INBOX 1 100 >"$r/envelopes" 2>>"$r/mail.err"
    seq=$(awk -F'\t' '$7 == "来週の会議資料を送ります" { print $1 }' "$r/envelopes")
    mb message INBOX "${seq:-0}" >"$r/iso" 2>>"$r/mail.err"
    echo mailbox_test >"$r/via"
else
    timeout 30 python3 - "$r" "$IMAP_PORT" "$TEST_USER" "$TEST_PASS" "$CA_PEM" \
        2>"$r/mail.err" <<'PY'
import imaplib, ssl, sys, re, base64
from email import message_from_bytes
from email.header import decode_header, make_header
r, port, user, pw, ca = sys.argv[1:]
c = imaplib.IMAP4("localhost", int(port), timeout=20)
c.starttls(ssl_context=ssl.create_default_context(cafile=ca))
c.login(user, pw)
def esc(s):
    return "".join("\\x%02x" % ord(ch) if ord(ch) < 32 else ch for ch in s)
def dec(raw):
    return esc(str(make_header(decode_header(raw))))
def name(raw):
    m = re.fullmatch(r"&([^-]*)-", raw)
    return base64.b64decode(m.group(1).replace(",", "/") + "==").decode("utf-16-be") if m else raw
with open(r + "/list", "w") as out:
    for line in c.list()[1]:
        raw = line.decode().rsplit(' ', 1)[1].strip('"')
        typ, st = c.status(raw, "(MESSAGES UNSEEN)")
        m = re.search(rb"MESSAGES (\d+) UNSEEN (\d+)", st[0])
        out.write("folder\t%s\t%s\t.\t0\t%s\t%s\n" % (name(raw), raw,
                  m.group(1).decode(), m.group(2).decode()))
c.select("INBOX", readonly=True)
typ, data = c.fetch("1:*", "(BODY.PEEK[HEADER.FIELDS (FROM SUBJECT)])")
with open(r + "/envelopes", "w") as out, open(r + "/iso", "w") as iso:
    n = 0
    for item in data:
        if not isinstance(item, tuple):
            continue
        n += 1
        m = message_from_bytes(item[1])
        frm = str(make_header(decode_header(m["From"])))
        frm = frm.split(" <")[0]
        subj = dec(m["Subject"])
        out.write("%d\t%d\t-\t-\t-\t%s\t%s\n" % (n, n, frm, subj))
        if subj == "来週の会議資料を送ります":
            t, body = c.fetch(str(n), "(BODY.PEEK[])")
            b = message_from_bytes(body[0][1]).get_payload(decode=True)
            b = b.decode("iso-2022-jp").replace("\r\n", "\n")
            iso.write("body\t%s\n" % b.replace("\n", "\\n"))
c.logout()
PY
    echo imaplib >"$r/via"
fi
# Every process the demo started: the servers (masters and children) and
# what runs under demo.sh (its watchdogs), this script's own tree aside.
{ python3 "$SNAP" $(for f in "$DEMO_DIR/dovecot/run/master.pid" \
      "$DEMO_DIR/dovecot-plain/run/master.pid" \
      "$DEMO_DIR/postfix-spool/pid/master.pid"; do tr -dc 0-9 <"$f"; echo; done)
  python3 "$SNAP" "$PPID"; } | sort -u >"$r/procs.all"
python3 "$SNAP" $$ >"$r/procs.self"
grep -vxFf "$r/procs.self" "$r/procs.all" >"$r/procs"
exit 0
EOF

# shellcheck disable=SC2016 # $INSIDE is expanded inside the demo
out=$(cd "$T" && env -u LC_ALL -u LC_MESSAGES LANG=ja_JP.UTF-8 TMPDIR="$T/run" \
    RES="$T/res" SNAP="$T/snap.py" INSIDE="$T/inside.sh" MAILBOX_TEST="$MAILBOX_TEST" \
    DEMO_RUN='bash "$INSIDE"' \
    timeout -k 5 60 bash "$DEMO" </dev/null 2>"$T/demo.err")
rc=$?
R=$T/res
dir=$(cat "$R/dir" 2>/dev/null)
[ "$rc" -eq 0 ] && [ -n "$dir" ]
tap_result $? "DEMO_RUN: demo.sh runs it and exits 0" \
    "$(printf '%s\n' "exit $rc; stdout:" "$out" "stderr:" "$(cat "$T/demo.err")")"
for s in "starling デモ" "  verified    imap://localhost:" \
         "  selfsigned  imaps://127.0.0.4:" "  plaintext   imap://localhost:" \
         "ピン留め" "Q で終了" "$dir" "サーバーを停止し、$dir を削除しました"; do
    grep -qF -- "$s" <<<"$out" || break
    s=
done
[ -z "$s" ]
tap_result $? "LANG=ja_JP.UTF-8: the banner is in Japanese, names the three accounts" \
    "$(printf '%s\n' "missing: $s" "stdout:" "$out")"

case $(cat "$R/config" 2>/dev/null) in "$dir"/*) in_dir=0 ;; *) in_dir=1 ;; esac
[ "$in_dir" -eq 0 ] && [ "$(cat "$R/config_mode" 2>/dev/null)" = 600 ]
tap_result $? "the config is mode 0600, in the demo's temporary directory" \
    "config: $(cat "$R/config" 2>&1) mode $(cat "$R/config_mode" 2>&1); dir $dir"
bad=$(grep -v "=$dir/" "$R/env" 2>&1)
[ "$(grep -c "=$dir/" "$R/env" 2>/dev/null)" -eq 5 ] && [ -z "$bad" ]
tap_result $? "HOME and XDG_{CONFIG,DATA,STATE,CACHE}_HOME are in the temporary directory" \
    "$(cat "$R/env" 2>&1)"

# result ACCOUNT: $OUT, $ERR, $RC of the check run inside the demo.
result() {
    OUT=$(cat "$R/$1.json" 2>/dev/null) ERR=$(cat "$R/$1.err" 2>/dev/null)
    RC=$(cat "$R/$1.rc" 2>/dev/null) LAST_CMD="starling check --json $1 (inside the demo)"
}
result verified
expect_rc "verified: check exits 0" 0
expect_json "verified: IMAP and SMTP, STARTTLS, level verified, login ok" \
    services.0.service=imap services.0.level=verified services.0.transport=starttls \
    services.0.auth=ok services.1.service=smtp services.1.level=verified \
    services.1.transport=starttls services.1.auth=ok
result selfsigned
expect_rc "selfsigned: check exits 3 (certificate not trusted)" 3
expect_json "selfsigned: imaps to 127.0.0.4, untrusted, no login attempted" \
    services.0.host=127.0.0.4 services.0.transport=implicit \
    services.0.certificate.verify.trusted=false services.0.auth=not-attempted
result plaintext
expect_rc "plaintext: check exits 2 (not encrypted)" 2
expect_json "plaintext: no TLS, the credentials held back" services.0.tls=null \
    'services.0.auth~^(refused|not-attempted)$' services.0.exit=2

# ------------------------------------------------------------ the mail
via=$(cat "$R/via" 2>/dev/null)
LIST=$(cat "$R/list" 2>/dev/null)
ENV=$(cat "$R/envelopes" 2>/dev/null)
maildiag() { printf '%s\n' "read through: $via" "list:" "$LIST" "envelopes:" "$ENV" \
    "errors:" "$(cat "$R/mail.err" 2>&1)"; }
folder() { awk -F'\t' -v n="$1" '$1 == "folder" && $2 == n { print $6 "/" $7 }' <<<"$LIST"; }
[ "$(folder INBOX | cut -d/ -f1)" = 14 ] && [ "$(grep -c . <<<"$ENV")" -eq 14 ]
tap_result $? "INBOX holds the 14 sample messages" "$(maildiag)"
[ "$(folder Archive | cut -d/ -f1)" = 2 ] && [ "$(folder 仕事 | cut -d/ -f1)" = 2 ]
tap_result $? "folders Archive and 仕事 (modified UTF-7 &TtVOiw-) hold 2 each" "$(maildiag)"
subj() { cut -f7 <<<"$ENV"; }
sender() { awk -F'\t' -v s="$1" '$7 == s { print $6 }' <<<"$ENV"; }
subj | grep -qx 'starling へようこそ — 日本語のメールです' &&
    [ "$(sender 'starling へようこそ — 日本語のメールです')" = 山田太郎 ]
tap_result $? "a Japanese UTF-8 subject and sender (RFC 2047)" "$(maildiag)"
[ "$(sender 来週の会議資料を送ります)" = 佐藤花子 ]
tap_result $? "an ISO-2022-JP subject and sender" "$(maildiag)"
grep -q $'^body\t山田さん\\\\n\\\\nお疲れさまです。.*ISO-2022-JP (JIS)' "$R/iso" 2>/dev/null
tap_result $? "the ISO-2022-JP body is converted to UTF-8" \
    "$(printf '%s\n' "message:" "$(cat "$R/iso" 2>&1)")"
[ "$(subj | grep -c 'Moving our mail server to TLS-only$')" -eq 6 ] &&
    [ "$(subj | grep -c '忘年会の日程について$')" -eq 3 ]
tap_result $? "two threads: 6 messages in English, 3 in Japanese" "$(maildiag)"
subj | grep -qx 'Newsletter: why STARTTLS needs certificate checks'
tap_result $? "the multipart/alternative newsletter" "$(maildiag)"
subj | grep -qF 'Invoice \x1b[31mOVERDUE\x1b[0m\x1b]0;pwned\x07'
tap_result $? "the subject with terminal escape sequences (ESC as data)" "$(maildiag)"

nothing_left "after DEMO_RUN" "$dir" "$R/procs"
[ "$(grep -c . "$R/procs" 2>/dev/null)" -ge 6 ]
tap_result $? "the snapshot of the demo's processes did see them (servers, watchdogs)" \
    "$(cat "$R/procs" 2>&1)"

# ------------------------------------------------------------ 3: the UI
# The pane's shell says how demo.sh ended (tmux's own #{pane_dead_status}
# is sometimes never filled in when a pane's pty and process end together).
tm new-session -d -s ui -x "$UI_WIDTH" -y "$UI_HEIGHT" \
    "env -u LC_ALL -u LC_CTYPE -u LC_MESSAGES LANG=C.UTF-8 TERM=xterm-256color \
    TMPDIR=$(printf '%q' "$T/ui") STARLING=$(printf '%q' "$STARLING") \
    bash $(printf '%q' "$DEMO") 2>>$(printf '%q' "$UI_STDERR"); \
    echo \"demo.sh exit status: \$?\"" \; \
    set-option -t ui remain-on-exit on
UI_CMD="bash $DEMO (in tmux)"
wait_for "Press Enter to start starling" 30
st=$?
grep -qF "  verified    imap://localhost:" <<<"$PANE" && grep -qF "Q quits" <<<"$PANE"
ui_point $((st || $?)) "the banner (English) and its prompt" \
    "expected the banner naming 'verified    imap://localhost:', 'Q quits', then 'Press Enter to start starling'"
pane_pid=$(tm display-message -p -t ui '#{pane_pid}' 2>/dev/null)
udir=$(ls -d "$T/ui"/starling-h.* 2>/dev/null | head -n 1)
ui_keys Enter
wait_row verified 'IMAP \[TLS\] starttls' 20
ui_point $? "Enter starts starling: verified shows [TLS]" "row: $ROW"
# shellcheck disable=SC2046 # one pid per word
{ [ -n "$udir" ] && snap $(masters "$udir") "$pane_pid"; } >"$T/ui.procs"
wait_row selfsigned 'IMAP \[[^]]*\] implicit, [a-z]+: certificate' 10
ui_point $? "selfsigned shows the certificate refusal" "row: $ROW"
wait_row plaintext 'refused: not encrypted' 10
ui_point $? "plaintext shows the refusal (not encrypted)" "row: $ROW"
ui_keys j i
wait_re "^starling: certificate: selfsigned IMAP 127\.0\.0\.4:[0-9]+" 10
ui_point $? "i on selfsigned opens its certificate screen" \
    "sent: j i; expected the title 'starling: certificate: selfsigned IMAP 127.0.0.4:PORT'"
ui_keys q
wait_for "starling: accounts" 5
ui_keys Q
wait_for "demo.sh exit status:" 15
grep -qF "servers stopped, " <<<"$PANE" &&
    grep -qx "demo.sh exit status: 0" <<<"$PANE"
ui_point $? "Q quits starling; the demo stops its servers and exits 0" \
    "sent: q Q; expected the pane to end with 'servers stopped, $udir removed.' and 'demo.sh exit status: 0'"
ui_stop
if [ -n "$udir" ]; then
    nothing_left "after Q" "$udir" "$T/ui.procs"
else
    tap_result 1 "after Q: no process left" "no demo directory appeared in $T/ui"
    tap_result 1 "after Q: its temporary directory is gone" "no demo directory appeared"
fi

tap_done
