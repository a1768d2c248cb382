#!/bin/bash
# The header cache (client/hcache.c, envsrc.c) against the real Dovecot,
# through tests/servers/mailbox_test: the index built lazily, a window at a
# time in a shuffled order, through the cache, equals the index built
# eagerly (one FETCH of every envelope), byte for byte with the Date: and
# the transit mark, on a folder of 5,000 varied messages:
#   - cold (everything fetched), after a restart (everything from the
#     cache), with other windows, with new mail (only it fetched);
#   - flags changed and messages expunged by another session (Python's
#     imaplib): the windows show the server's state; the resync asks only
#     for what changed (CHANGEDSINCE) and the cache then holds the new flags;
#   - the folder deleted and recreated (a new UIDVALIDITY): nothing stale,
#     the old records are gone, a half-cached folder fills the rest;
#   - on a second Dovecot over the same Maildir without CONDSTORE: the full
#     walk (5,000 at a time) updates flags and drops expunged records.
# Test mail is written straight into alice's Maildir. The cache lives under
# $XDG_CACHE_HOME, which the harness points into its directory.
set -u
. "$(dirname "$0")/harness.sh"
harness_require
harness_start
tap_plan 50

top_build=${top_builddir:-$PWD}
MAILBOX_TEST=${MAILBOX_TEST:-$top_build/tests/servers/mailbox_test}
if [ ! -x "$MAILBOX_TEST" ]; then
    echo "Bail out! MAILBOX_TEST=$MAILBOX_TEST is not built (make check builds it)"
    exit 1
fi

# A Dovecot over the same Maildir that does not announce CONDSTORE/QRESYNC.
. "$HARNESS_DIR/extra_dovecot.sh"
extra_dovecot nocond "$EXTRA_BASE_CAPS LITERAL+ IDLE SORT UIDPLUS MOVE"

# ------------------------------------------------------------ the test mail
MAILDIR=$H/mail/$TEST_USER/Maildir
# gen_mail FOLDER COUNT VARIANT: COUNT varied messages written into the
# folder's cur/ (and the last few into new/); VARIANT changes every subject.
gen_mail() {
    python3 - "$MAILDIR" "$@" <<'EOF'
import os, sys
from datetime import datetime, timedelta, timezone
from email.header import Header
from email.utils import format_datetime
md, folder, count, variant = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
d = os.path.join(md, "." + folder)
for sub in ("cur", "new", "tmp"):
    os.makedirs(os.path.join(d, sub), exist_ok=True)
T0 = 1700000000
JP = ["山田太郎", "佐藤花子", "鈴木一郎", "高橋", "田中美咲"]

def sender(n):
    k = n % 8
    if n % 97 == 0:
        return None                     # no From at all
    if k == 0: return "Bob Example <bob@example.com>"
    if k == 1: return "bob%d@example.com" % n
    if k == 2: return Header(JP[n % 5], "utf-8").encode() + " <taro@example.jp>"
    if k == 3: return Header(JP[n % 5], "iso-2022-jp").encode() + " <jp@example.jp>"
    if k == 4: return '"Doe, Jane" <jane@example.org>'
    if k == 5: return "<dave@example.net>"
    if k == 6: return "=?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <jm@example.de>"
    return "Carol (the boss) <carol@example.org>"

def subject(n):
    k = n % 6
    if n % 211 == 0:
        return None                     # no Subject
    if k == 0: return "%s message %d" % (variant, n)
    if k == 1: return Header("%s 日本語の件名 %d 番" % (variant, n), "utf-8").encode()
    if k == 2: return Header("%s 会議のお知らせ %d" % (variant, n), "iso-2022-jp").encode()
    if k == 3: return "%s a long subject %d that goes on\n and on, folded" % (variant, n)
    if k == 4: return "%s tab\there, =?bogus %d" % (variant, n)
    return "Re: [list] %s %d" % (variant, n)

def date(n):
    if n % 101 == 0:
        return None                     # no Date: (sorting falls back)
    if n % 103 == 0:
        return "not a date at all"
    tz = timezone(timedelta(minutes=[0, 540, -300, 330, -600][n % 5]))
    t = datetime.fromtimestamp(T0 + n * 3600 - (n % 13) * 86400, tz)
    return format_datetime(t)

TLS13 = ("from mail.example.org (mail.example.org [198.51.100.%d])\n"
         "\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)\n"
         "\t key-exchange X25519 server-signature RSA-PSS (2048 bits))\n"
         "\t(No client certificate requested)\n"
         "\tby mx.starling.test (Postfix) with ESMTPS id 4A%05dB\n"
         "\tfor <alice@localhost>; Tue, 14 Nov 2023 22:13:20 +0000 (UTC)")
CLEAR = ("from relay.example.net (relay.example.net [203.0.113.%d])\n"
         "\tby mx.starling.test (Postfix) with ESMTP id 5B%05dC\n"
         "\tfor <alice@localhost>; Tue, 14 Nov 2023 22:13:20 +0000 (UTC)")
WEAK = ("from old.example.com (old.example.com [192.0.2.%d])\n"
        "\t(using TLSv1 with cipher ECDHE-RSA-AES256-SHA (256/256 bits))\n"
        "\tby mx.starling.test (Postfix) with ESMTPS id 6C%05dD\n"
        "\tfor <alice@localhost>; Tue, 14 Nov 2023 22:13:20 +0000 (UTC)")
LOCAL = ("from localhost (localhost [127.0.0.1])\n"
         "\tby mx.starling.test (Postfix) with ESMTP id 7D%05dE%d\n"
         "\tfor <alice@localhost>; Tue, 14 Nov 2023 22:13:20 +0000 (UTC)")

def received(n):
    k, a = n % 6, n % 250 + 1
    if k == 0: return []
    if k == 1: return [TLS13 % (a, n)]
    if k == 2: return [CLEAR % (a, n)]
    if k == 3: return [WEAK % (a, n)]
    if k == 4: return [LOCAL % (n, a)]
    return [TLS13 % (a, n), CLEAR % (a, n)]   # a clear hop below

def flags(n):
    f = ""
    if n % 10 == 0: f += "F"
    if n % 17 == 0: f += "R"
    if n % 3: f += "S"
    return f

for n in range(1, count + 1):
    lines = ["Received: " + r for r in received(n)]
    for name, v in (("From", sender(n)), ("Date", date(n)),
                    ("Subject", subject(n))):
        if v is not None:
            lines.append("%s: %s" % (name, v))
    lines += ["To: Alice <alice@localhost>",
              "Message-ID: <%s.%d@hcache.test>" % (variant, n),
              "MIME-Version: 1.0",
              "Content-Type: text/plain; charset=utf-8"]
    body = ("%s body %d\n" % (variant, n)).encode() + \
        b"x" * ((n * 37) % 3000) + b"\n"
    data = ("\n".join(lines) + "\n\n").encode() + body
    t = T0 + n * 60
    name = "%d.M%dP%s.hcache" % (t, n, variant)
    new = n > count - 5
    path = os.path.join(d, "new", name) if new else \
        os.path.join(d, "cur", name + ":2," + flags(n))
    with open(path, "wb") as f:
        f.write(data)
    os.utime(path, (t, t))
EOF
    local rc=$?
    chown -R mail:mail "$H/mail/$TEST_USER"
    chmod -R u=rwX,go= "$H/mail/$TEST_USER"
    return $rc
}
gen_mail Big 5000 v1 || harness_fail "could not write the test Maildir"

# ------------------------------------------------------------------ helpers
config_new
config_account main "${ACCOUNT_KEYS[@]}" "cafile=$CA_PEM" \
    "imap=imap://localhost:$IMAP_PORT"
# shellcheck disable=SC2154  # set by extra_dovecot
config_account nocond "${ACCOUNT_KEYS[@]}" "cafile=$CA_PEM" \
    "imap=imap://localhost:$PORT_nocond"

SAN_REPORTS=
# mb ACCOUNT ARGS...: run the driver under a timeout; OUT, ERR, RC, and
# STATS (the stats line of `window`, without its tag).
mb() {
    local o e acct=$1
    shift
    o=$(mktemp "$H/out.XXXXXX"); e=$(mktemp "$H/err.XXXXXX")
    timeout 120 "$MAILBOX_TEST" --config "$CONF" -a "$acct" "$@" \
        >"$o" 2>"$e" </dev/null
    RC=$?
    OUT=$(cat "$o"); ERR=$(cat "$e"); rm -f "$o" "$e"
    STATS=$(grep -a '^stats' <<<"$ERR" | cut -f2- | tr '\t' ' ')
    LAST_CMD="mailbox_test -a $acct $*"
    if grep -Eq 'Sanitizer|runtime error:' <<<"$ERR"; then
        SAN_REPORTS+="$LAST_CMD: $(head -c 2000 <<<"$ERR")"$'\n'
    fi
}
diag() { printf '%s\n' "command: $LAST_CMD" "exit: $RC" "stdout:" \
    "$(head -c 1500 <<<"$OUT")" "stderr:" "$(head -c 1500 <<<"$ERR")"; }
row() { grep -a -m1 -- "^$1" <<<"$OUT"; }
# same DESC GOT WANT: one test point, byte for byte.
same() {
    [ "$2" = "$3" ]
    tap_result $? "$1" "$(printf 'got:  %s\nwant: %s\n' "$2" "$3"; diag)"
}
# same_list DESC WANT: $OUT equals WANT (a listing); a diff when not.
same_list() {
    [ "$RC" -eq 0 ] && [ "$OUT" = "$2" ]
    tap_result $? "$1" "$(diff <(printf '%s\n' "$2") <(printf '%s\n' "$OUT") |
        head -n 20; diag)"
}
# eager ACCOUNT FOLDER FIRST LAST: EAGER gets `envelopes --full`.
eager() {
    mb "$1" --full envelopes "$2" "$3" "$4"
    [ "$RC" -eq 0 ] || tap_diag "eager listing failed: $(diag)"
    EAGER=$OUT
}
# settle FOLDER: one SELECT, so that no later session sees \Recent.
settle() { mb main select "$1"; }

# imapdo COMMAND FOLDER [ARG...]: another session (Python's imaplib, the
# main Dovecot): store FOLDER UIDSET +FLAGS|-FLAGS FLAG | expunge FOLDER
# UIDSET | delete FOLDER | create FOLDER | append FOLDER COUNT.
imapdo() {
    timeout 60 python3 - "$IMAP_PORT" "$CA_PEM" "$@" <<'EOF'
import imaplib, ssl, sys
port, ca, cmd, folder = sys.argv[1:5]
args = sys.argv[5:]
c = imaplib.IMAP4("localhost", int(port), timeout=30)
c.starttls(ssl_context=ssl.create_default_context(cafile=ca))
c.login("alice", "s3cret-Pa55")
def ok(r):
    if r[0] != "OK":
        sys.exit("imapdo: %s %r" % (cmd, r))
if cmd in ("delete", "create"):
    ok(getattr(c, cmd)(folder))
elif cmd == "append":
    for i in range(int(args[0])):
        msg = ("From: Late <late@example.org>\r\nSubject: late %d\r\n"
               "Date: Wed, 15 Nov 2023 10:00:00 +0100\r\n\r\nlate\r\n" % i)
        ok(c.append(folder, "(\\Seen)", None, msg.encode()))
else:
    ok(c.select(folder))
    if cmd == "store":
        ok(c.uid("STORE", args[0], args[1], "(%s)" % args[2]))
    elif cmd == "expunge":
        ok(c.uid("STORE", args[0], "+FLAGS.SILENT", "(\\Deleted)"))
        ok(c.uid("EXPUNGE", args[0]))
    else:
        sys.exit("imapdo: unknown command " + cmd)
    c.close()
c.logout()
EOF
}

# ------------------------------------------------- eager and lazy, cold
settle Big
mb main --full select Big
MODSEQ=$(row highestmodseq | cut -f2)
[ "$RC" -eq 0 ] && [ "$(row exists)" = $'exists\t5000' ] &&
    [ "${MODSEQ:-0}" -gt 0 ] 2>/dev/null
tap_result $? "main Dovecot: Big has 5000 messages and a HIGHESTMODSEQ (CONDSTORE)" "$(diag)"

eager main Big 1 5000
same "eager: 5000 rows, seq 1..5000" \
    "$(cut -f1 <<<"$EAGER" | tr '\n' ' ')" "$(seq -s ' ' 1 5000) "
OUT=$EAGER
same "eager: every transit mark occurs" \
    "$(cut -f9 <<<"$EAGER" | sort -u | tr '\n' ' ')" \
    "clear encrypted local unknown weak "
same "eager: RFC 2047 UTF-8 and ISO-2022-JP senders and subjects, flags, marks" \
    "$(row $'2\t2\t' | cut -f4,6,7,9) $(row $'3\t3\t' | cut -f4,6,7,9) $(
    )$(row $'7\t7\t' | cut -f4,6,7,9)" \
    $'S\t鈴木一郎\tv1 会議のお知らせ 2\tclear '$(
    )$'-\t高橋\tv1 a long subject 3 that goes on and on, folded\tweak '$(
    )$'S\tCarol\tv1 日本語の件名 7 番\tencrypted'
same "eager: INTERNALDATE and Date: (+0900 and -0500 zones) as written (rows 1, 2)" \
    "$(row $'1\t1\t' | cut -f3,8 | tr '\t' ' ') $(row $'2\t2\t' | cut -f3,8 | tr '\t' ' ')" \
    "$((1700000000 + 60)) $((1700000000 + 3600 - 86400)) $((1700000000 + 120)) $((1700000000 + 7200 - 2 * 86400))"
same "eager: no From, no Subject, no Date: empty strings, sent 0" \
    "$(row $'97\t' | cut -f6) $(row $'211\t' | cut -f7) $(row $'101\t' | cut -f8)" \
    "  0"

mb main --full window Big 1 5000 37 11
same_list "lazy cold (windows of 37, shuffled) == eager, byte for byte" "$EAGER"
same "lazy cold: cached 0, fetched 5000" "$STATS" "cached 0 fetched 5000"

# --------------------------------------------------------------- restart
mb main --full window Big 1 5000 37 11
same_list "restart: the same windows == eager" "$EAGER"
same "restart: cached 5000, fetched 0" "$STATS" "cached 5000 fetched 0"
mb main --full window Big 1 5000 500 4242
same_list "restart, windows of 500 in another order == eager" "$EAGER"
same "restart, windows of 500: cached 5000, fetched 0" "$STATS" \
    "cached 5000 fetched 0"
mb main envelopes Big 4990 6000
want=$OUT
mb main window Big 4990 6000 3 5
same_list "window past the end, without --full: the format of envelopes" "$want"
same "window past the end: cached 11, fetched 0" "$STATS" "cached 11 fetched 0"

# -------------------------------------------------------------- new mail
imapdo append Big 3 || harness_fail "imapdo append failed"
settle Big
eager main Big 1 5003
mb main --full window Big 1 5003 64 7
same_list "3 new messages: window == eager" "$EAGER"
same "3 new messages: only they are fetched" "$STATS" "cached 5000 fetched 3"

# ------------------------------------------- flags from another session
# \Flagged on 12 that lack it; \Seen off 15 that have it (n % 3 != 0 in
# cur/, and the appended ones).
FLAG_UIDS="11,22,33,44,55,1001,2002,3003,4001,4444,4999,5001"
UNSEEN_UIDS="1,2,4,5,7,8,1000,2000,3001,3500,4000,4003,4994,5002,5003"
imapdo store Big "$FLAG_UIDS" +FLAGS '\Flagged' ||
    harness_fail "imapdo store failed"
imapdo store Big "$UNSEEN_UIDS" -FLAGS '\Seen' ||
    harness_fail "imapdo store failed"
eager main Big 1 5003
OUT=$EAGER
same "flags: the eager listing shows them (F on 11, S gone from 4)" \
    "$(row $'11\t' | cut -f4) $(row $'4\t' | cut -f4)" "SF -"
mb main --full window Big 1 5003 37 23
same_list "flags changed elsewhere: window == fresh eager" "$EAGER"
same "flags changed elsewhere: everything from the cache" "$STATS" \
    "cached 5003 fetched 0"
mb main cached Big 11 4
same "before the resync the cache holds the old flags" \
    "$(cut -f1,2 <<<"$OUT" | tr '\n' ' ')" $'11\tS 4\tS '
mb main resync Big
same "resync (CHANGEDSINCE): only the 27 changed messages" "$RC $OUT" \
    "0 resynced 27"
mb main cached Big 11 4999 5001 4 4994 5002 3
same "after the resync the cache holds the new flags" "$OUT" \
    "$(printf '%s\n' $'11\tSF\t佐藤花子\tRe: [list] v1 11' \
        $'4999\tF\tCarol\tv1 日本語の件名 4999 番' \
        $'5001\tSF\tLate\tlate 0' \
        $'4\t-\tDoe, Jane\tv1 tab here, =?bogus 4' \
        $'4994\t-\t田中美咲\tv1 会議のお知らせ 4994' \
        $'5002\t-\tLate\tlate 1' \
        $'3\t-\t高橋\tv1 a long subject 3 that goes on and on, folded')"
mb main resync Big
same "a second resync finds nothing changed" "$RC $OUT" "0 resynced 0"

# ---------------------------------------------- expunged by another session
GONE_UIDS="1,2,3,500,2500,2501,4999,5003"
imapdo expunge Big "$GONE_UIDS" || harness_fail "imapdo expunge failed"
eager main Big 1 5003
same "expunge: the eager listing has 4995 rows" \
    "$(grep -c . <<<"$EAGER")" 4995
mb main --full window Big 1 5003 37 31
same_list "expunged elsewhere: window == fresh eager" "$EAGER"
same "expunged elsewhere: everything from the cache" "$STATS" \
    "cached 4995 fetched 0"
# CHANGEDSINCE does not tell expunges; the cache then holds more records
# than the folder has messages, and the resync walks the whole folder.
mb main resync Big
same "expunged elsewhere: more records than messages, a full walk" \
    "$RC $OUT" "0 resynced 4995"
mb main cached Big 1 2 500 5003 4
same "... which drops the records of the expunged" \
    "$(cut -f1,2 <<<"$OUT" | tr '\n' ' ')" \
    $'1\tmissing 2\tmissing 500\tmissing 5003\tmissing 4\t- '
mb main resync Big
same "... and the next resync has nothing to do" "$RC $OUT" "0 resynced 0"

# ------------------------------------------------ UIDVALIDITY: recreated
mb main select Big
OLD_UIDVALIDITY=$(row uidvalidity | cut -f2)
imapdo delete Big || harness_fail "imapdo delete failed"
imapdo create Big || harness_fail "imapdo create failed"
gen_mail Big 5300 v2 || harness_fail "could not write the new Big"
settle Big
mb main select Big
NEW_UIDVALIDITY=$(row uidvalidity | cut -f2)
[ "$RC" -eq 0 ] && [ "$(row exists)" = $'exists\t5300' ] &&
    [ -n "$OLD_UIDVALIDITY" ] && [ "$NEW_UIDVALIDITY" != "$OLD_UIDVALIDITY" ]
tap_result $? "recreated Big: 5300 messages, another UIDVALIDITY ($OLD_UIDVALIDITY -> $NEW_UIDVALIDITY)" "$(diag)"
eager main Big 1 5300
grep -q $'\tv1 ' <<<"$EAGER"
tap_result $((!$?)) "recreated Big: the eager listing has only the new messages" \
    "$(grep -m3 $'\tv1 ' <<<"$EAGER")"
mb main --full window Big 2001 3000 50 7
same_list "recreated: a first window range == eager rows 2001..3000" \
    "$(sed -n 2001,3000p <<<"$EAGER")"
same "recreated: nothing from the cache (cached 0, fetched 1000)" "$STATS" \
    "cached 0 fetched 1000"
mb main --uidvalidity "$OLD_UIDVALIDITY" cached Big 4 11 4998
same "recreated: the records under the old UIDVALIDITY are gone" \
    "$OUT" "$(printf '%s\tmissing\n' 4 11 4998)"
mb main --full window Big 1 5300 37 13
same_list "recreated, half cached: window == eager" "$EAGER"
same "recreated, half cached: cached 1000, the other 4300 fetched" "$STATS" \
    "cached 1000 fetched 4300"

# ------------------------------------ without CONDSTORE: the full walk
mb nocond --full select Big
same "nocond Dovecot: same UIDVALIDITY, no HIGHESTMODSEQ" \
    "$RC $(row uidvalidity | cut -f2) $(row highestmodseq | cut -f2)" \
    "0 $NEW_UIDVALIDITY 0"
eager nocond Big 1 5300
mb main --full envelopes Big 1 5300
same_list "nocond: eager listing == the main Dovecot's" "$EAGER"
mb nocond --full window Big 1 5300 100 3
same_list "nocond, cold: window == eager" "$EAGER"
same "nocond, cold: cached 0, fetched 5300" "$STATS" "cached 0 fetched 5300"
mb nocond resync Big
same "nocond: the full resync looks at all 5300" "$RC $OUT" "0 resynced 5300"

# \Flagged on some, \Seen off some, and expunges on both sides of the
# 5000-message chunk boundary (after them, message 5000 is UID 5007).
N_FLAG_UIDS="6,61,4991,5101,5299"
N_UNSEEN_UIDS="7,8,4000,5200,5201"
N_GONE_UIDS="1,2,4998,4999,5000,5001,5002,5008,5250,5300"
imapdo store Big "$N_FLAG_UIDS" +FLAGS '\Flagged' ||
    harness_fail "imapdo store failed"
imapdo store Big "$N_UNSEEN_UIDS" -FLAGS '\Seen' ||
    harness_fail "imapdo store failed"
imapdo expunge Big "$N_GONE_UIDS" || harness_fail "imapdo expunge failed"
eager nocond Big 1 5300
same "nocond: after the changes, 5290 messages" "$(grep -c . <<<"$EAGER")" 5290
mb nocond --full window Big 1 5300 37 17
same_list "nocond, changed elsewhere: window == fresh eager" "$EAGER"
same "nocond, changed elsewhere: everything from the cache" "$STATS" \
    "cached 5290 fetched 0"
mb nocond cached Big 6 5299 7 5201 1 5000 5008 5300 3 5003
same "nocond: before the resync, old flags and the expunged still cached" \
    "$(cut -f1,2 <<<"$OUT" | tr '\n' ' ')" \
    $'6\t- 5299\t- 7\tS 5201\tS 1\tS 5000\tSF 5008\tS 5300\t- 3\t- 5003\tS '
mb nocond resync Big
same "nocond: the full resync looks at the 5290 left" "$RC $OUT" \
    "0 resynced 5290"
mb nocond cached Big 6 5299 7 5201 1 5000 5008 5300 3 5003
same "nocond: after the resync, new flags; the expunged are missing" \
    "$(cut -f1,2 <<<"$OUT" | tr '\n' ' ')" \
    $'6\tF 5299\tF 7\t- 5201\t- 1\tmissing 5000\tmissing 5008\tmissing 5300\tmissing 3\t- 5003\tS '
mb nocond --full window Big 1 5300 250 19
same_list "nocond, after the resync: window == eager" "$EAGER"
same "nocond, after the resync: everything from the cache" "$STATS" \
    "cached 5290 fetched 0"

[ -z "$SAN_REPORTS" ]
tap_result $? "no AddressSanitizer/UBSan/LeakSanitizer report in any run" \
    "$SAN_REPORTS"

tap_done
