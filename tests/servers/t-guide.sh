#!/bin/bash
# starling guide ACCOUNT against the real Dovecot and Postfix: the guide is
# told with the account's own connections (made as starling check makes
# them): each service's real greeting (read here on a connection of our
# own), its STARTTLS line and reply, the certificate subject, issuer and
# fingerprint as certtool sees them, the login redacted; the password (and
# its base64 forms) never appears; steps that did not happen are "not
# seen"; without ACCOUNT, the example; a hostile greeting's control
# characters never reach the output.
set -u
. "$(dirname "$0")/harness.sh"
harness_require
harness_require_starling
harness_start
tap_plan 26

config_new
config_account all "${ACCOUNT_KEYS[@]}" "cafile=$CA_PEM" \
    "imap=imap://localhost:$IMAP_PORT" "pop3=pop3://localhost:$POP3_PORT" \
    "smtp=smtp://localhost:$SUBMISSION_PORT"
config_account implicit "${ACCOUNT_KEYS[@]}" "cafile=$CA_PEM" \
    "imap=imaps://localhost:$IMAPS_PORT"
config_account untrusted "${ACCOUNT_KEYS[@]}" "imap=imap://localhost:$IMAP_PORT"

# greeting PORT: the first line a server sends, on a connection of our own.
greeting() {
    python3 - "$1" <<'EOF'
import socket, sys
s = socket.create_connection(("localhost", int(sys.argv[1])), 10)
print(s.makefile("rb").readline().decode().rstrip("\r\n"))
EOF
}

# dialogue: the guide's dialogue lines, unwrapped, one per line, as
# "TAG|TEXT" with the whitespace taken out of TEXT (the layout wraps long
# lines by display width, breaking after spaces, ":" and ",").
dialogue() {
    python3 -c '
import re, sys
out, cur = [], None
for row in sys.stdin.read().split("\n"):
    m = re.match(r"^  (\[plain\] [CS]:|\[tls\] [CS]:|\*\*) +(.*)$", row)
    if m:
        cur = [m.group(1), m.group(2)]
        out.append(cur)
    elif cur is not None and re.match(r"^ {13}\S", row):
        cur[1] += row.strip()
    else:
        cur = None
for tag, text in out:
    print(tag + "|" + re.sub(r"\s+", "", text))
'
}
nows() { tr -d ' \t'; }

# section SERVICE: the guide's part for one service (its heading to the
# next connection's heading or the lock tags).
section() {
    awk -v s="Your last $1 connection" '
        index($0, s) == 1 { on = 1; print; next }
        on && (/^Your last / || /^What the lock tags mean/) { exit }
        on' <<<"$OUT"
}

run_starling guide --config "$CONF" all
expect_rc "guide all: exit 0" 0
GUIDE_ALL=$OUT

for c in "IMAP $IMAP_PORT S1 STARTTLS|S1 OK" "POP3 $POP3_PORT STLS|+OK" \
    "SMTP $SUBMISSION_PORT STARTTLS|220 "; do
    read -r svc port rest <<<"$c"
    cmd=${rest%%|*} reply=${rest#*|}
    OUT=$GUIDE_ALL
    sec=$(section "$svc")
    lines=$(dialogue <<<"$sec")
    real=$(greeting "$port")
    grep -qxF "[plain] S:|$(nows <<<"$real")" <<<"$lines" && [ -n "$real" ]
    tap_result $? "$svc: the guide shows the server's real greeting in the clear" \
        "$(printf '%s\n' "greeting read here: $real" "dialogue lines:" "$lines")"
    # the STARTTLS command, then the server's go-ahead, in the clear
    awk -v c="[plain] C:|$(nows <<<"$cmd")" -v r="[plain] S:|$(nows <<<"$reply")" '
        $0 == c { at = NR } at && NR == at + 1 && index($0, r) == 1 { ok = 1 }
        END { exit !ok }' <<<"$lines"
    tap_result $? "$svc: the STARTTLS line ($cmd) and its reply ($reply...)" \
        "$lines"
    grep -qF "**|certificate:$(cert_field "$GOOD_PEM" subject)(" <<<"$lines"
    tap_result $? "$svc: the certificate subject equals certtool's" "$lines"
    issuer=$(cert_field "$GOOD_PEM" issuer) sha=$(cert_field "$GOOD_PEM" sha256)
    grep -qF "**|issuedby$(nows <<<"$issuer")," <<<"$lines" &&
        grep -qF "**|sha256$sha" <<<"$lines"
    tap_result $? "$svc: the issuer and SHA-256 fingerprint equal certtool's" \
        "$(printf '%s\n' "certtool: issuer $issuer, sha256 $sha" "$lines")"
done

OUT=$GUIDE_ALL
grep -qE '^\[tls\] C:\|(2LOGIN|PASS|AUTHPLAIN)\[redacted\]$' <<<"$(dialogue <<<"$OUT")" &&
    [ "$(grep -c '\[redacted\]$' <<<"$(dialogue <<<"$OUT")")" -ge 3 ]
tap_result $? "every login is shown, inside TLS, as [redacted]" "$(dialogue <<<"$OUT")"
mapfile -t SECRETS < <(python3 - "$TEST_USER" "$TEST_PASS" <<'EOF'
import base64, sys
u, p = sys.argv[1].encode(), sys.argv[2].encode()
print(p.decode())
for s in (b"\0" + u + b"\0" + p, u + b"\0" + u + b"\0" + p, p):
    print(base64.b64encode(s).decode().rstrip("="))
EOF
)
expect_output_lacks "the password and its base64 forms never appear" "${SECRETS[@]}"
! grep -qF "Not seen in this connection." <<<"$OUT" && ! grep -qF EXAMPLE <<<"$OUT"
tap_result $? "a complete login: no step is \"not seen\", no example" "$OUT"
grep -qF "imaps://localhost (port 993) removes the plaintext phase" <<<"$OUT"
tap_result $? "the implicit TLS advice names the account's IMAP server" "$OUT"

run_starling guide --config "$CONF" implicit
expect_rc "guide implicit: exit 0" 0
lines=$(dialogue <<<"$OUT")
grep -qxF "[tls] S:|$(python3 - "$IMAPS_PORT" "$CA_PEM" <<'EOF' | nows
import socket, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[2])
s = ctx.wrap_socket(socket.create_connection(("localhost", int(sys.argv[1])), 10),
                    server_hostname="localhost")
print(s.makefile("rb").readline().decode().rstrip("\r\n"))
EOF
)" <<<"$lines" && ! grep -q '^\[plain\]' <<<"$lines" &&
    grep -qF "Not needed: this connection uses implicit TLS (port $IMAPS_PORT)" <<<"$OUT"
tap_result $? "implicit TLS: the greeting inside TLS, nothing in the clear, STARTTLS not needed" \
    "$(starling_diag)"

M=$(log_mark "$DOVECOT_LOG")
run_starling guide --config "$CONF" untrusted
expect_rc "guide untrusted: exit 0 (the guide explains the failure)" 0
lines=$(dialogue <<<"$OUT")
[ "$(grep -c 'Not seen in this connection.' <<<"$OUT")" -eq 2 ] &&
    grep -qF "What stopped this connection" <<<"$OUT" &&
    grep -qF "**|thecertificateoflocalhostisnottrusted" <<<"$lines" &&
    ! grep -q '^\[tls\]' <<<"$lines"
tap_result $? "an untrusted certificate: its reason, steps 5 and 6 \"not seen\"" \
    "$(starling_diag)"
server_saw_no_auth "untrusted: no login reached Dovecot" "$DOVECOT_LOG" "$M" \
    "$DOVECOT_END_RE" "$DOVECOT_LOG" "$M"

run_starling guide
expect_rc "guide without ACCOUNT: exit 0, no configuration needed" 0
grep -qF "EXAMPLE, not your connection" <<<"$OUT" && ! grep -qF "Your last" <<<"$OUT" &&
    grep -qxF "[plain] C:|S1STARTTLS" <<<"$(dialogue <<<"$OUT")"
tap_result $? "without ACCOUNT: the example, marked as one" "$(starling_diag)"

run_starling guide --config "$CONF" nosuch
expect_rc "guide with an unknown account: exit 1" 1

# A hostile greeting with control characters (what no real server sends):
# shown in caret notation, nothing below 0x20 but newlines in the output.
python3 - "$H/hostile.port" <<'EOF' &
import socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
s.settimeout(60)
c, _ = s.accept()
c.sendall(b"* OK \x1b[31mred\x07 \x1b]0;title\x07 \x9b2J ready\r\n")
c.settimeout(10)
try:
    c.recv(4096)
except OSError:
    pass
c.close()
EOF
HOSTILE_PID=$!
for _ in $(seq 100); do [ -s "$H/hostile.port" ] && break; sleep 0.1; done
config_account hostile "${ACCOUNT_KEYS[@]}" "cafile=$CA_PEM" timeout=5 \
    "imap=imap://127.0.0.1:$(cat "$H/hostile.port" 2>/dev/null)"
o=$(mktemp "$H/out.XXXXXX")
timeout 60 "$STARLING" guide --config "$CONF" hostile >"$o" 2>/dev/null </dev/null
RC=$?
wait "$HOSTILE_PID" 2>/dev/null
ctl=$(LC_ALL=C tr -d '\n' <"$o" | LC_ALL=C tr -dc '\000-\037\177' | od -An -c | head -3)
[ "$RC" -eq 0 ] && [ -z "$ctl" ] && grep -qF '^[[31mred^G' "$o"
tap_result $? "a hostile greeting: caret notation, no control character in the output" \
    "$(printf '%s\n' "exit $RC; control bytes: $ctl" "$(head -c 3000 "$o")")"

tap_done
