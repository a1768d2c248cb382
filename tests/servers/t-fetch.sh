#!/bin/bash
# starling fetch against the real Dovecot POP3 (STLS and implicit TLS):
# messages written into alice's server Maildir (CRLF line ends, lines that
# start with dots, 8-bit text, a long line, 2 MB and 20 MB messages) arrive
# byte for byte in the account's local Maildir, once each; a second run
# fetches nothing, a message deleted locally is not fetched again,
# pop3_delete = yes empties the server (also of messages fetched by an
# earlier run); plaintext is refused before any credential (2) unless
# overridden, a bad certificate is refused (3); a server without UIDL, with
# two messages sharing a UIDL, or closing in the middle of a message
# (tests/servers/pop3odd.py) is handled; usage and local errors exit 1 and 6.
set -u
. "$(dirname "$0")/harness.sh"
harness_require
harness_require_starling
harness_start
tap_plan 41

SRV=$H/mail/$TEST_USER/Maildir
mkdir -p "$SRV/new" "$SRV/cur" "$SRV/tmp"
chown -R mail:mail "$H/mail"

# put_msg N [KIND]: message N into the server's new/, CRLF line ends.
put_msg() {
    python3 - "$SRV/new" "$1" "${2:-plain}" <<'EOF'
import os, sys
d, n, kind = sys.argv[1], int(sys.argv[2]), sys.argv[3]
head = ("From: Bob <bob@example.com>\r\nTo: alice@localhost\r\n"
        "Subject: fetch test %d\r\nMessage-ID: <fetch-%d@starling>\r\n"
        "Date: Mon, 1 Jan 2024 10:00:00 +0000\r\n" % (n, n)).encode()
body = b"body of message %d\r\n" % n
if kind == "dots":
    body += b".\r\n..\r\n.leading dot\r\n..two dots\r\n. \r\nend\r\n"
elif kind == "8bit":
    head += b"Content-Type: text/plain; charset=utf-8\r\n"
    body += "日本語の本文、Grüße\r\n".encode()
elif kind == "long":
    body += b"y" * 5000 + b"\r\n"
elif kind[-1] in "KM":
    line = b"x" * 76 + b"\r\n"
    unit = 1024 if kind[-1] == "K" else 1024 * 1024
    body += line * (int(kind[:-1]) * unit // len(line))
path = os.path.join(d, "%d.M%dP1.starling-test" % (1700000000 + n, n))
with open(path, "wb") as f:
    f.write(head + b"\r\n" + body)
EOF
    chown -R mail:mail "$SRV"
}

# count DIR: messages in a Maildir (new/ and cur/).
count() { find "$1/new" "$1/cur" -type f 2>/dev/null | wc -l; }

# ids DIR: the Message-IDs of a Maildir's messages, sorted, one a line.
ids() {
    find "$1/new" "$1/cur" -type f -print0 2>/dev/null |
        xargs -0 -r grep -h -m1 -i '^Message-ID:' | tr -d '\r' | sort
}

# same_bytes LOCAL: every server message has a byte-identical local copy
# (by Message-ID); prints what differs.
same_bytes() {
    python3 - "$SRV" "$1" <<'EOF'
import os, re, sys
def msgs(md):
    out = {}
    for sub in ("new", "cur"):
        for n in os.listdir(os.path.join(md, sub)):
            data = open(os.path.join(md, sub, n), "rb").read()
            m = re.search(rb"^Message-ID: (\S+)", data, re.M | re.I)
            out.setdefault(m.group(1) if m else n, []).append(data)
    return out
srv, loc = msgs(sys.argv[1]), msgs(sys.argv[2])
bad = []
for k, v in srv.items():
    if k not in loc:
        bad.append("missing locally: %s" % k)
    elif loc[k] != v:
        bad.append("differs: %s (server %d bytes, local %d)" %
                   (k, len(v[0]), len(loc[k][0])))
print("\n".join(bad))
sys.exit(1 if bad else 0)
EOF
}

# fetch ACCOUNT [ARGS...]: starling fetch --config $CONF ARGS ACCOUNT
fetch() { run_starling fetch --config "$CONF" "${@:2}" "$1"; }

# point_out DESC REGEX: a test point: stdout matches REGEX.
point_out() {
    grep -qE -- "$2" <<<"$OUT"
    tap_result $? "$1" "$(echo "expected stdout /$2/"; starling_diag)"
}

# point_err DESC REGEX: a test point: stderr matches REGEX.
point_err() {
    grep -qE -- "$2" <<<"$ERR"
    tap_result $? "$1" "$(echo "expected stderr /$2/"; starling_diag)"
}

# point_eq DESC GOT WANT
point_eq() {
    [ "$2" = "$3" ]
    tap_result $? "$1" "$(echo "got: $2"; echo "expected: $3"; starling_diag)"
}

config_new
TLS=("${ACCOUNT_KEYS[@]}" "cafile=$CA_PEM")
config_account keep "${TLS[@]}" "pop3=pop3://localhost:$POP3_PORT" \
    "maildir=$H/local/keep"
config_account keep2 "${TLS[@]}" "pop3=pop3s://localhost:$POP3S_PORT" \
    "maildir=$H/local/keep2"
config_account del "${TLS[@]}" "pop3=pop3://localhost:$POP3_PORT" \
    "maildir=$H/local/keep" "pop3_delete=yes"
config_account del2 "${TLS[@]}" "pop3=pop3s://localhost:$POP3S_PORT" \
    "maildir=$H/local/keep2" "pop3_delete=yes"

# ------------------------------------------------ STLS, messages kept
put_msg 1; put_msg 2 dots; put_msg 3 8bit; put_msg 4 long; put_msg 5 2M
put_msg 6 20M
bytes=$(cat "$SRV"/new/* | wc -c)
fetch keep
expect_rc "fetch over STLS succeeds" 0
point_eq "the line says what was fetched, where, and what was deleted" \
    "$OUT" "fetched 6 messages ($bytes bytes) into $H/local/keep; 0 deleted on the server"
point_eq "six messages in the local Maildir, each once" \
    "$(ids "$H/local/keep" | uniq | wc -l) $(count "$H/local/keep")" "6 6"
diff=$(same_bytes "$H/local/keep")
tap_result $? "each is byte for byte the server's copy (dots unstuffed, CRLF, 2 and 20 MB)" "$diff"
point_eq "the local Maildir was created private (0700)" \
    "$(stat -c %a "$H/local/keep")" 700

fetch keep
point_eq "a second run fetches nothing" "$RC $OUT" \
    "0 fetched 0 messages (0 bytes) into $H/local/keep; 0 deleted on the server"
point_eq "and the server still holds the six (pop3_delete is off by default)" \
    "$(count "$SRV") $(count "$H/local/keep")" "6 6"

rm -f "$(grep -l -m1 '^Message-ID: <fetch-1@starling>' "$H"/local/keep/*/*)"
fetch keep
point_eq "a message deleted locally is not fetched again (state file)" \
    "$RC $(count "$H/local/keep")" "0 5"
grep -q "^starling pop3 uidl 1$" "$H/local/keep/starling-pop3-uidl"
tap_result $? "the state file holds hashes, not UIDLs" \
    "$(head -3 "$H/local/keep/starling-pop3-uidl")"

put_msg 7
fetch keep
point_out "a new message on the server is fetched, alone" \
    "^fetched 1 message \([0-9]+ bytes\) into"

# ---------------------------------------------------------- implicit TLS
fetch keep2
expect_rc "fetch over implicit TLS (pop3s) succeeds" 0
diff=$(same_bytes "$H/local/keep2")
tap_result $? "pop3s: all seven, byte for byte" "$diff"

# ------------------------------------------------------------ deleting
fetch del
point_eq "pop3_delete = yes deletes what earlier runs fetched (and the one deleted locally)" \
    "$RC $OUT" "0 fetched 0 messages (0 bytes) into $H/local/keep; 7 deleted on the server"
point_eq "the server mailbox is empty" "$(count "$SRV")" 0

put_msg 8; put_msg 9 dots; put_msg 10
before=$(cat "$SRV"/new/* | sha256sum)
cp -a "$SRV" "$H/srv-copy"
fetch del2
point_out "pop3s with pop3_delete: three fetched, three deleted" \
    "^fetched 3 messages \([0-9]+ bytes\) into .*; 3 deleted on the server$"
point_eq "the server mailbox is empty again" "$(count "$SRV")" 0
SRV_SAVE=$SRV; SRV=$H/srv-copy
diff=$(same_bytes "$H/local/keep2")
tap_result $? "and the deleted ones are byte for byte in the local Maildir" "$diff"
SRV=$SRV_SAVE
point_eq "keep2 holds ten messages, each once" \
    "$(ids "$H/local/keep2" | uniq | wc -l) $(count "$H/local/keep2")" "10 10"

# ------------------------------------------------- plaintext, certificates
put_msg 11; put_msg 12
config_account plain "${ACCOUNT_KEYS[@]}" \
    "pop3=pop3://localhost:$PLAIN_POP3_PORT" "maildir=$H/local/plain"
m=$(log_mark "$PLAIN_DOVECOT_LOG")
fetch plain
expect_rc "a server without TLS is refused (exit 2)" 2
point_err "the error says the connection is not encrypted" "not encrypted"
point_eq "nothing was downloaded" "$(count "$H/local/plain")" 0
server_saw_no_auth "no USER/PASS (no login) reached the plaintext Dovecot" \
    "$PLAIN_DOVECOT_LOG" "$m" "$DOVECOT_END_RE" "$PLAIN_DOVECOT_LOG" "$m"
m=$(log_mark "$PLAIN_DOVECOT_LOG")
fetch plain --allow-plaintext-auth
point_eq "--allow-plaintext-auth overrides: both fetched" "$RC $(count "$H/local/plain")" "0 2"

config_account wrongname "${TLS[@]}" "pop3=pop3s://$WRONGNAME_HOST:$POP3S_PORT" \
    "maildir=$H/local/wrongname"
fetch wrongname
point_eq "a certificate for another name is refused (exit 3), nothing fetched" \
    "$RC $(count "$H/local/wrongname")" "3 0"
config_account unknownca "${TLS[@]}" "pop3=pop3://$UNKNOWNCA_HOST:$POP3_PORT" \
    "maildir=$H/local/unknownca"
fetch unknownca
point_eq "a certificate from an unknown CA is refused after STLS (exit 3)" \
    "$RC $(count "$H/local/unknownca")" "3 0"

# ---------------------------------------------------------- odd servers
# odd MODE ACCOUNT [KEY=VALUE...]: pop3odd.py in MODE, and an account on it.
odd() {
    local mode=$1 acct=$2 i=0; shift 2
    rm -f "$H/odd.port"; : >"$H/odd.log"
    python3 "$HARNESS_DIR/pop3odd.py" "$mode" "$GOOD_PEM" "$H/pki/good.key" \
        "$H/odd.port" "$H/odd.log" &
    local pid=$!
    while [ ! -s "$H/odd.port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    config_account "$acct" "${TLS[@]}" "pop3=pop3s://localhost:$(cat "$H/odd.port")" \
        "maildir=$H/local/$acct" "timeout=10" "$@"
    fetch "$acct"
    wait "$pid"
}
odd nouidl nouidl
point_eq "a server without UIDL: exit 5, nothing downloaded" \
    "$RC $(count "$H/local/nouidl")" "5 0"
point_err "the error names UIDL" "UIDL"
! grep -q '^RETR' "$H/odd.log"
tap_result $? "no RETR was sent" "$(cat "$H/odd.log")"

odd twins twins pop3_delete=yes
point_eq "two messages sharing a UIDL are left alone; the third is fetched" \
    "$RC $(count "$H/local/twins") $(ids "$H/local/twins")" \
    "0 1 Message-ID: <odd1@x>"
point_err "and the user is told" "2 messages share their UIDL"
grep -qx 'DELE 1' "$H/odd.log" && ! grep -qE '^DELE [23]' "$H/odd.log"
tap_result $? "only the fetched one is deleted" "$(cat "$H/odd.log")"

odd cut cut
point_eq "a server closing inside a message: exit 5 (no hang), the message before is kept" \
    "$RC $(ids "$H/local/cut")" "5 Message-ID: <odd1@x>"

# ------------------------------------------------------------ disk full
# A 256 KiB file system takes two of five 100 KiB messages: the third
# fails (exit 6), and only the two stored are deleted on the server.
mkdir -p "$H/full"
if mount -t tmpfs -o size=256k,mode=0700 tmpfs "$H/full" 2>/dev/null; then
    rm -f "$SRV"/new/* "$SRV"/cur/*
    for n in 21 22 23 24 25; do put_msg $n 100K; done
    rm -rf "$H/srv-copy"; cp -a "$SRV" "$H/srv-copy"
    config_account full "${TLS[@]}" "pop3=pop3s://localhost:$POP3S_PORT" \
        "maildir=$H/full/md" "pop3_delete=yes"
    fetch full
    point_eq "a full disk stops the fetch: exit 6, two stored" \
        "$RC $(count "$H/full/md") $(grep -c 'No space left' <<<"$ERR")" "6 2 1"
    point_eq "only the two stored were deleted on the server; nothing is left in tmp/" \
        "$(count "$SRV") $(ls -A "$H/full/md/tmp" | wc -l)" "3 0"
    SRV_SAVE=$SRV; SRV=$H/full/md
    diff=$(same_bytes "$H/srv-copy")   # (every local one is in the copy)
    tap_result $? "and the two are whole, byte for byte" "$diff"
    SRV=$SRV_SAVE
    umount "$H/full"
else
    for n in 1 2 3; do
        tap_skip "a full disk stops the fetch ($n)" "cannot mount a small tmpfs here"
    done
fi

# ----------------------------------------------------- usage, local errors
fetch nosuch
expect_rc "an unknown account exits 1" 1
config_account nopop "${TLS[@]}" "imap=imaps://localhost:$IMAPS_PORT" \
    "maildir=$H/local/nopop"
fetch nopop
point_eq "an account without pop3 exits 1" "$RC" 1
config_account nomd "${TLS[@]}" "pop3=pop3s://localhost:$POP3S_PORT"
fetch nomd
point_eq "an account without maildir exits 1 and says so" \
    "$RC $(grep -c 'maildir =' <<<"$ERR")" "1 1"
: >"$H/afile"
config_account badmd "${TLS[@]}" "pop3=pop3s://localhost:$POP3S_PORT" \
    "maildir=$H/afile/box"
fetch badmd
expect_rc "a Maildir that cannot be created exits 6" 6
flock "$H/local/keep/starling-pop3.lock" sleep 30 &
pid=$!
i=0   # until flock(1) holds the lock
while flock -n "$H/local/keep/starling-pop3.lock" true && [ $i -lt 100 ]; do
    sleep 0.1; i=$((i + 1))
done
fetch keep
point_eq "a second fetch into a locked Maildir exits 6: another fetch is running" \
    "$RC $(grep -c 'another fetch' <<<"$ERR")" "6 1"
kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null

line=$(($(wc -l <"$CONF") + 2))
config_account baddel "${TLS[@]}" "pop3=pop3s://localhost:$POP3S_PORT" \
    "maildir=$H/local/baddel" "pop3_delete=maybe"
fetch keep
# the config's lines: [baddel], email, user, password_cmd, cafile, pop3,
# maildir, pop3_delete
point_eq "pop3_delete = maybe: exit 1 with FILE:LINE" "$RC $ERR" \
    "1 starling: $CONF:$((line + 6)): pop3_delete must be yes or no, not \"maybe\""
tap_done
