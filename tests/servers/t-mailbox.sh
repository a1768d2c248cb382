#!/bin/bash
# client/mailbox.c against the real Dovecot, through tests/servers/mailbox_test:
# LIST with STATUS counts (INBOX first, modified UTF-7 names decoded), SELECT,
# envelopes of a range, one message's headers and text body -- every decoding
# case compared byte for byte -- and reading with BODY.PEEK[] leaves \Seen
# alone. Test mail is written straight into alice's Maildir before the first
# login. MAILBOX_TEST names the driver; when it is not built yet, it is
# compiled here from client/libclient.a.
set -u
. "$(dirname "$0")/harness.sh"
harness_require
harness_start
tap_plan 51

top_src=${top_srcdir:-$(cd "$HARNESS_DIR/../.." && pwd)}
top_build=${top_builddir:-$PWD}
MAILBOX_TEST=${MAILBOX_TEST:-$top_build/tests/servers/mailbox_test}

# build_driver: compile the driver into $H (until Makefile.am builds it).
build_driver() {
    local lib=$top_build/client/libclient.a srcs=() san=()
    [ -f "$lib" ] || return 1
    nm "$lib" 2>/dev/null | grep -q ' T mailbox_list$' ||
        srcs+=("$top_src/client/mailbox.c")
    nm "$lib" 2>/dev/null | grep -q __asan_init &&
        san=("-fsanitize=address,undefined")
    # shellcheck disable=SC2046
    gcc -g "${san[@]}" -I"$top_build" -I"$top_src" -I"$top_src/client" \
        $(pkg-config --cflags gnutls libetpan inih) \
        "$top_src/tests/servers/mailbox_test.c" "${srcs[@]}" "$lib" \
        $(pkg-config --libs gnutls libetpan inih) -o "$H/mailbox_test"
}
if [ ! -x "$MAILBOX_TEST" ]; then
    out=$(build_driver 2>&1) ||
        { echo "Bail out! cannot build mailbox_test: $(head -c 300 <<<"$out")"; exit 1; }
    MAILBOX_TEST=$H/mailbox_test
fi

# ------------------------------------------------------------ the test mail
MAILDIR=$H/mail/$TEST_USER/Maildir
JP_SUBJECT='日本語の件名テスト'
JP_FROM='山田太郎'
JP_BODY=$'こんにちは、世界。\n'
ISO_SUBJECT='ISO-2022-JPの件名'
ISO_BODY=$'日本語の本文です。\n二行目。\n'
QP_BODY=$'Grüße aus Köln – diese Zeile ist länger als sechsundsiebzig Zeichen und braucht darum weiche Zeilenumbrüche.\nZweite Zeile = gleich, mit Tab\tund Ende.\n'
LATIN_BODY=$'Ça va? Déjà vu, naïve café, ½ ¾ ÿ.\n'
ESC_SUBJECT=$'Alert \e[31mred\e[0m and \e]0;title\a end'
export JP_SUBJECT JP_FROM JP_BODY ISO_SUBJECT ISO_BODY QP_BODY LATIN_BODY \
    ESC_SUBJECT

python3 - "$MAILDIR" <<'EOF' || harness_fail "could not write the test Maildir"
import base64, os, quopri, sys
from email.header import Header
from email.utils import formatdate
md, env = sys.argv[1], os.environ
T0 = 1700000000

def put(folder, n, lines, body, flags="", new=False):
    """Message n of a folder: headers (str lines) + body (bytes), LF ends."""
    d = md if folder == "" else os.path.join(md, "." + folder)
    data = ("\n".join(lines) + "\n\n").encode() + body
    t = T0 + n * 60
    name = "%d.M%dP1.starling" % (t, n)
    path = os.path.join(d, "new", name) if new else \
        os.path.join(d, "cur", name + ":2," + flags)
    with open(path, "wb") as f:
        f.write(data)
    os.utime(path, (t, t))

def hdr(n, subject, frm="Bob Example <bob@example.com>", extra=()):
    return ["From: " + frm, "To: Alice <alice@localhost>",
            "Date: " + formatdate(T0 + n * 60), "Subject: " + subject,
            "Message-ID: <%d.test@starling>" % n] + list(extra)

def b2047(s, cs):
    return Header(s, cs).encode()

for f in ("", "Archive", "Entw&APw-rfe", "&U9dP4Xux-", "Projects.2024"):
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(md, "." + f if f else "", sub), exist_ok=True)

# INBOX: Message 1..200; 1..50 seen; 191..200 in new/ (recent, unseen);
# odd ones from "Bob Example <bob@...>", even ones from a bare address.
for n in range(1, 201):
    frm = "Bob Example <bob@example.com>" if n % 2 else "bob@example.com"
    put("", n, hdr(n, "Message %d" % n, frm),
        b"This is message %d.\n" % n, "S" if n <= 50 else "", new=n > 190)

for n in range(1, 4):
    put("Archive", n, hdr(n, "Archived %d" % n), b"old\n", "S")
# Archive 4: 2 MB, more than the wire lets one reply carry by default
put("Archive", 4, hdr(4, "Big"), (b"x" * 99 + b"\n") * 21000, "S")

E = "Entw&APw-rfe"
ct = lambda cs, cte: ["MIME-Version: 1.0",
                      "Content-Type: text/plain; charset=" + cs,
                      "Content-Transfer-Encoding: " + cte]
# 1: RFC 2047 UTF-8 subject and sender, UTF-8 8bit body; seen
put(E, 1, hdr(1, b2047(env["JP_SUBJECT"], "utf-8"),
              b2047(env["JP_FROM"], "utf-8") + " <taro@example.jp>",
              ["Cc: =?UTF-8?Q?J=C3=BCrgen?= <juergen@example.de>"]) +
    ct("UTF-8", "8bit"), env["JP_BODY"].encode(), "S")
# 2: ISO-2022-JP subject and body; seen
put(E, 2, hdr(2, b2047(env["ISO_SUBJECT"], "iso-2022-jp")) +
    ct("ISO-2022-JP", "7bit"), env["ISO_BODY"].encode("iso-2022-jp"), "S")
# 3: quoted-printable UTF-8 (soft line breaks, =3D, a tab)
put(E, 3, hdr(3, "Quoted-printable") + ct("utf-8", "quoted-printable"),
    quopri.encodestring(env["QP_BODY"].encode()))
# 4: base64 ISO-8859-1
put(E, 4, hdr(4, "Base64 Latin-1") + ct("ISO-8859-1", "base64"),
    base64.encodebytes(env["LATIN_BODY"].encode("iso-8859-1")))
# 5: multipart/alternative, the HTML part first: the plain part is chosen
put(E, 5, hdr(5, "Alternative") + ["MIME-Version: 1.0",
    'Content-Type: multipart/alternative; boundary="b0"'],
    b"preamble\n--b0\nContent-Type: text/html; charset=utf-8\n\n"
    b"<p>html part</p>\n--b0\nContent-Type: text/plain; charset=utf-8\n\n"
    b"plain part wins\n\n--b0--\n")
# 6: a subject with terminal control sequences (data here; the UI strips)
put(E, 6, hdr(6, env["ESC_SUBJECT"]), b"esc\n")
# 7: unknown charsets, in the subject and the body
put(E, 7, hdr(7, "=?x-no-such-charset?Q?caf=E9?=") +
    ct("x-no-such-charset", "8bit"), b"caf\xe9 bytes kept\n")
# 8: HTML only: the first text/* part
put(E, 8, hdr(8, "HTML only") + ["MIME-Version: 1.0",
    "Content-Type: text/html; charset=us-ascii"], b"<b>only html</b>\n")
# 9: no text part at all
put(E, 9, hdr(9, "Attachment only") + ["MIME-Version: 1.0",
    "Content-Type: application/pdf", "Content-Transfer-Encoding: base64"],
    base64.encodebytes(b"%PDF-1.4 not really\n"))
EOF
chown -R mail:mail "$H/mail/$TEST_USER"
chmod -R u=rwX,go= "$H/mail/$TEST_USER"

# ------------------------------------------------------------------ helpers
config_new
config_account mail "${ACCOUNT_KEYS[@]}" "cafile=$CA_PEM" \
    "imap=imap://localhost:$IMAP_PORT"

SAN_REPORTS=
# mb ARGS...: run the driver under a timeout; OUT, ERR, RC. Sanitizer
# reports are collected for the last test point.
mb() {
    local o e
    o=$(mktemp "$H/out.XXXXXX"); e=$(mktemp "$H/err.XXXXXX")
    timeout 60 "$MAILBOX_TEST" --config "$CONF" "$@" >"$o" 2>"$e" </dev/null
    RC=$?
    OUT=$(cat "$o"); ERR=$(cat "$e"); rm -f "$o" "$e"
    LAST_CMD="mailbox_test $*"
    if grep -Eq 'Sanitizer|runtime error:' <<<"$ERR"; then
        SAN_REPORTS+="$LAST_CMD: $(head -c 2000 <<<"$ERR")"$'\n'
    fi
}
diag() { printf '%s\n' "command: $LAST_CMD" "exit: $RC" "stdout:" \
    "$(head -c 3000 <<<"$OUT")" "stderr:" "$ERR"; }

# esc STRING: STRING as the driver prints it (\\ \t \n \r \xHH).
esc() {
    python3 -c '
import os, sys
out = []
for b in os.fsencode(sys.argv[1]):
    if b == 0x5c: out.append(b"\\\\")
    elif b == 9: out.append(b"\\t")
    elif b == 10: out.append(b"\\n")
    elif b == 13: out.append(b"\\r")
    elif b < 0x20 or b == 0x7f: out.append(b"\\x%02x" % b)
    else: out.append(bytes([b]))
sys.stdout.buffer.write(b"".join(out))' "$1"
}

# field N: the Nth tab-separated field of stdin.
field() { cut -f"$1"; }
# row PATTERN: the first line of $OUT whose start matches PATTERN.
row() { grep -a -m1 -- "^$1" <<<"$OUT"; }
# same DESC GOT WANT: one test point, byte for byte.
same() {
    [ "$2" = "$3" ]
    tap_result $? "$1" "$(printf 'got:  %s\nwant: %s\n' "$2" "$3"; diag)"
}
# ok DESC: a test point on the last command's exit status being 0.
ok() { [ "$RC" -eq 0 ]; tap_result $? "$1" "$(diag)"; }

# ------------------------------------------------------------- list, select
mb list
ok "list: exit 0"
same "list: INBOX first, delimiter '.', 200 messages, 150 unseen" \
    "$(sed -n 1p <<<"$OUT" | cut -f2-7)" $'INBOX\tINBOX\t.\t0\t200\t150'
same "list: Archive, 4 messages, none unseen" \
    "$(row $'folder\tArchive\t' | cut -f6,7)" $'4\t0'
same "list: a parent that is not a folder is \\Noselect, without counts" \
    "$(row $'folder\tProjects\t' | cut -f5-7) $(row $'folder\tProjects.2024' | cut -f5-7)" \
    $'1\t0\t0 0\t0\t0'
same "list: Entw&APw-rfe decoded to Entwürfe, 9 messages, 7 unseen" \
    "$(row $'folder\tEntw' | cut -f2,3,6,7)" $'Entwürfe\tEntw&APw-rfe\t9\t7'
same "list: &U9dP4Xux- decoded to 受信箱, empty" \
    "$(row $'folder\t受' | cut -f2,3,6,7)" $'受信箱\t&U9dP4Xux-\t0\t0'
same "list: after INBOX, sorted by name" "$(cut -f2 <<<"$OUT" | tr '\n' ' ')" \
    "INBOX Archive Entwürfe Projects Projects.2024 受信箱 "

mb select INBOX
ok "select INBOX: exit 0"
same "select INBOX: exists 200, uidnext 201, read-write" \
    "$(grep -E '^(exists|uidnext|read_only)' <<<"$OUT" | tr '\n' ' ')" \
    $'exists\t200 uidnext\t201 read_only\t0 '
[ "$(row uidvalidity | field 2)" -gt 0 ] 2>/dev/null
tap_result $? "select INBOX: a UIDVALIDITY" "$(diag)"

mb select Entwürfe
same "select by decoded name Entwürfe: 9 messages" "$RC $(row exists)" \
    $'0 exists\t9'

mb select Nope
[ "$RC" -ne 0 ] && grep -q 'opening folder Nope' <<<"$ERR" &&
    grep -qi "doesn't exist\|does not exist\|not exist" <<<"$ERR" && [ -z "$OUT" ]
tap_result $? "select of a missing folder: non-zero exit and the server's reason" \
    "$(diag)"
same "select of a missing folder: exit 5 (a server error reply)" "$RC" 5

# ---------------------------------------------------------------- envelopes
mb envelopes INBOX 1 50
ok "envelopes INBOX 1 50: exit 0"
same "envelopes 1:50: 50 rows" "$(grep -c . <<<"$OUT")" 50
same "envelopes 1:50: seq and UID 1..50 in order" \
    "$(cut -f1,2 <<<"$OUT" | tr '\n' ' ')" \
    "$(for n in $(seq 1 50); do printf '%d\t%d ' "$n" "$n"; done)"
same "envelopes 1:50: subjects Message 1..50" \
    "$(cut -f7 <<<"$OUT" | tr '\n' '|')" \
    "$(for n in $(seq 1 50); do printf 'Message %d|' "$n"; done)"
same "envelopes 1:50: \\Seen on all, nothing else" \
    "$(cut -f4 <<<"$OUT" | sort -u)" S
same "envelopes: from is the display name, else mailbox@host" \
    "$(sed -n '1p;2p' <<<"$OUT" | cut -f6 | tr '\n' '|')" \
    "Bob Example|bob@example.com|"
same "envelopes: date is INTERNALDATE (the file's mtime)" \
    "$(sed -n '1p;50p' <<<"$OUT" | cut -f3 | tr '\n' ' ')" \
    "$((1700000000 + 60)) $((1700000000 + 50 * 60)) "
want_size=$(python3 -c 'import sys
print(len(open(sys.argv[1], "rb").read().replace(b"\n", b"\r\n")))' \
    "$(ls "$MAILDIR"/cur/1700000060.*)")
same "envelopes: size is RFC822.SIZE (CRLF ends)" "$(row $'1\t' | field 5)" "$want_size"

mb envelopes INBOX 200 200
same "envelopes 200:200: the last message, unseen" \
    "$RC $(cut -f1,4,7 <<<"$OUT" | sed 's/\tR\t/\t-\t/')" \
    $'0 200\t-\tMessage 200'
mb envelopes INBOX 190 250
same "envelopes 190:250: past the end is left out, not an error" \
    "$RC $(cut -f1 <<<"$OUT" | tr '\n' ' ')" "0 $(seq -s ' ' 190 200) "
mb envelopes INBOX 201 300
same "envelopes 201:300: no rows, exit 0" "$RC [$OUT]" "0 []"

# ------------------------------------------------------------------ message
mb message INBOX 200
same "message INBOX 200: subject and text" \
    "$RC $(row $'header\tSubject' | field 2) $(row body | field 2)" \
    '0 Subject: Message 200 This is message 200.\n'

mb message Archive 4
same "a 2 MB message: the reply limit is raised for the fetch" \
    "$RC $(row $'header\tSubject') $(row body | field 2 | tr -d '\n' | wc -c)" \
    "0 "$'header\tSubject: Big'" $((21000 * 101))"

mb envelopes Entwürfe 1 9
ok "envelopes Entwürfe 1 9: exit 0"
same "RFC 2047 UTF-8 subject (Japanese)" "$(row $'1\t' | field 7)" "$JP_SUBJECT"
same "RFC 2047 UTF-8 display name" "$(row $'1\t' | field 6)" "$JP_FROM"
same "RFC 2047 ISO-2022-JP subject" "$(row $'2\t' | field 7)" "$ISO_SUBJECT"
same "ESC sequences in the subject come through as data" \
    "$(row $'6\t' | field 7)" "$(esc "$ESC_SUBJECT")"
same "an unknown charset in the subject does no harm (read as Latin-1)" \
    "$(row $'7\t' | field 7)" "café"

mb message Entwürfe 1
date1=$(python3 -c 'from email.utils import formatdate; print(formatdate(1700000060))')
same "message 1: decoded From, To, Cc, Date, Subject lines" \
    "$(grep '^header' <<<"$OUT" | cut -f2 | tr '\n' '|')" \
    "From: $JP_FROM <taro@example.jp>|To: Alice <alice@localhost>|$(
    )Cc: Jürgen <juergen@example.de>|Date: $date1|Subject: $JP_SUBJECT|"
same "message 1: UTF-8 8bit body" "$(row body | field 2)" "$(esc "$JP_BODY")"
mb message Entwürfe 2
same "message 2: ISO-2022-JP body converted to UTF-8" \
    "$(row body | field 2)" "$(esc "$ISO_BODY")"
mb message Entwürfe 4
same "message 4: base64 ISO-8859-1 body converted to UTF-8" \
    "$(row body | field 2)" "$(esc "$LATIN_BODY")"
mb message Entwürfe 5
same "message 5: multipart/alternative gives the text/plain part" \
    "$(row type | field 2) $(row body | field 2)" \
    'text/plain plain part wins\n'
mb message Entwürfe 6
same "message 6: ESC sequences kept in the Subject header line" \
    "$(row $'header\tSubject' | field 2)" "Subject: $(esc "$ESC_SUBJECT")"
mb message Entwürfe 7
same "message 7: unknown body charset: read as UTF-8, else windows-1252" \
    "$RC $(row type | field 2) $(row body | field 2)" \
    "0 text/plain café bytes kept\\n"
mb message Entwürfe 8
same "message 8: no text/plain: the HTML part, as text" \
    "$(row type | field 2) $(row body | field 2)" 'text/html only html\n'
mb message Entwürfe 9
same "message 9: no text part: empty body, the message's type" \
    "$RC $(row type | field 2) [$(row body | field 2)]" "0 application/pdf []"

# BODY.PEEK[]: reading does not set \Seen (message 3 is unseen).
mb envelopes Entwürfe 3 3
before=$(cut -f4 <<<"$OUT")
mb message Entwürfe 3
same "message 3: quoted-printable UTF-8 body, byte for byte" \
    "$(row body | field 2)" "$(esc "$QP_BODY")"
mb envelopes Entwürfe 3 3
same "reading message 3 leaves it unseen (FETCH FLAGS before/after)" \
    "$before $(cut -f4 <<<"$OUT")" "- -"
mb list
same "reading message 3 leaves STATUS UNSEEN at 7" \
    "$(row $'folder\tEntw' | cut -f7)" 7

mb message INBOX 0
[ "$RC" -ne 0 ] && grep -q 'no message 0' <<<"$ERR"
tap_result $? "message 0: non-zero exit with a sentence" "$(diag)"
mb message INBOX 201
[ "$RC" -ne 0 ] && grep -q 'no message 201' <<<"$ERR"
tap_result $? "message past the end: non-zero exit with a sentence" "$(diag)"

# --------------------------------------------- decoders, without a server
mb name '&AEkATgBCAE8AWA-'
same "name: ASCII hidden in modified BASE64 is not decoded (no fake INBOX)" \
    "$OUT" '&AEkATgBCAE8AWA-'
mb name 'A&-B &2D3eAA- x'
same "name: &- and a surrogate pair" "$OUT" 'A&B 😀 x'
mb header 'a =?b c'
same "header: text libetpan cannot tokenise comes back raw" "$OUT" 'a =?b c'
mb header 'Two  spaces'
same "header: nothing to decode: kept byte for byte" "$OUT" 'Two  spaces'

[ -z "$SAN_REPORTS" ]
tap_result $? "no AddressSanitizer/UBSan/LeakSanitizer report in any run" \
    "$SAN_REPORTS"

tap_done
