#!/bin/bash
# starling fetch killed with SIGKILL at random moments loses nothing and
# duplicates nothing: 200 messages on the real Dovecot (each with its own
# Message-ID; one in seven of 300 KB, so that kills land inside a RETR too),
# 20 fetches each killed (tests/servers/killfetch.py: in the handshake and
# listing, or after a random number of deliveries, in a RETR, a delivery or
# before a DELE), then one clean fetch: every message is in the local
# Maildir exactly once and byte for byte -- with pop3_delete = no (the
# server keeps all 200) and with pop3_delete = yes (the server is empty).
# How the kills landed is printed as diagnostics.
set -u
. "$(dirname "$0")/harness.sh"
harness_require
harness_require_starling
harness_start
tap_plan 14

SRV=$H/mail/$TEST_USER/Maildir
SEED=${KILL_SEED:-$$}
tap_diag "seed $SEED (KILL_SEED=$SEED reproduces the kill schedule)"

python3 - "$SRV" <<'EOF' || harness_fail "could not write the test Maildir"
import os, sys
md = sys.argv[1]
for sub in ("new", "cur", "tmp"):
    os.makedirs(os.path.join(md, sub), exist_ok=True)
for n in range(1, 201):
    body = b"message %d\r\n" % n
    if n % 7 == 0:
        body += (b"z" * 98 + b"\r\n") * 3000
    data = (b"From: killer@example.com\r\nSubject: kill test %d\r\n"
            b"Message-ID: <kill-%d@starling>\r\n\r\n" % (n, n)) + body
    with open(os.path.join(md, "new", "%d.M%dP1.kill" % (1700000000 + n, n)),
              "wb") as f:
        f.write(data)
EOF
chown -R mail:mail "$H/mail"
cp -a "$SRV" "$H/server-copy"

config_new
config_account keep "${ACCOUNT_KEYS[@]}" "cafile=$CA_PEM" \
    "pop3=pop3://localhost:$POP3_PORT" "maildir=$H/local/keep"
config_account del "${ACCOUNT_KEYS[@]}" "cafile=$CA_PEM" \
    "pop3=pop3s://localhost:$POP3S_PORT" "maildir=$H/local/del" \
    "pop3_delete=yes"

# count DIR: messages in a Maildir (new/ and cur/).
count() { find "$1/new" "$1/cur" -type f 2>/dev/null | wc -l; }

# once_each LOCAL: each of the 200 messages exactly once, byte for byte.
once_each() {
    python3 - "$H/server-copy" "$1" <<'EOF'
import collections, os, re, sys
def msgs(md):
    out = collections.defaultdict(list)
    for sub in ("new", "cur"):
        for n in os.listdir(os.path.join(md, sub)):
            data = open(os.path.join(md, sub, n), "rb").read()
            m = re.search(rb"^Message-ID: (\S+)", data, re.M)
            out[m.group(1) if m else b"no id: " + n.encode()].append(data)
    return out
srv, loc = msgs(sys.argv[1]), msgs(sys.argv[2])
bad = ["%s: %d copies" % (k.decode(), len(v)) for k, v in loc.items()
       if len(v) != 1]
bad += ["%s: missing" % k.decode() for k in srv if k not in loc]
bad += ["%s: not on the server" % k.decode() for k in loc if k not in srv]
bad += ["%s: differs" % k.decode() for k in srv
        if k in loc and loc[k][0] != srv[k][0]]
print("\n".join(bad[:20]))
sys.exit(1 if bad else 0)
EOF
}

# phase ACCOUNT SEED: 20 killed fetches, then a clean one; 6 test points.
phase() {
    local acct=$1 md=$H/local/$1 out summary diff
    out=$(timeout 600 python3 "$HARNESS_DIR/killfetch.py" "$STARLING" "$CONF" \
        "$acct" "$md" 20 "$2" 2>&1)
    tap_result $? "$acct: 20 fetches, each killed with SIGKILL, none hung" "$out"
    summary=$(grep '^summary' <<<"$out")
    tap_diag "$acct: $summary" "$(grep '^run' <<<"$out" | tr '\n' ';')"
    # shellcheck disable=SC2001
    [ "$(sed 's/.*midfetch=\([0-9]*\).*/\1/' <<<"$summary")" -ge 1 ] 2>/dev/null
    tap_result $? "$acct: kills landed in the middle of a fetch" "$summary"
    run_starling fetch --config "$CONF" "$acct"
    expect_rc "$acct: then a clean fetch succeeds" 0
    diff=$(once_each "$md")
    tap_result $? "$acct: every message is in the local Maildir exactly once, byte for byte" \
        "$diff"$'\n'"$(starling_diag)"
    [ -z "$(ls -A "$md/tmp")" ]
    tap_result $? "$acct: and the clean fetch removed what the kills left in tmp/" \
        "tmp: $(ls "$md/tmp")"
}

phase keep "$SEED"
[ "$(count "$SRV")" = 200 ]
tap_result $? "keep: the server still holds all 200" "server: $(count "$SRV")"
# the state file knows them all: one more fetch downloads nothing
run_starling fetch --config "$CONF" keep
grep -q '^fetched 0 messages' <<<"$OUT"
tap_result $? "keep: one more fetch downloads nothing" "$(starling_diag)"

phase del "$((SEED + 1))"
[ "$(count "$SRV")" = 0 ]
tap_result $? "del: none is left on the server" "server: $(count "$SRV")"
[ "$(count "$H/local/del")" = 200 ]
tap_result $? "del: 200 messages in the local Maildir" "local: $(count "$H/local/del")"
tap_done
