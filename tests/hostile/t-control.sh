#!/bin/bash
# The controls that keep the other hostile tests honest.
#  - The leak scan is not vacuous: with --allow-plaintext-auth (and with
#    allow_plaintext_auth = yes) against a plaintext-only server, the same
#    scan finds the password, the base64 PLAIN blob and the private commands
#    in the plaintext capture.
#  - The scan itself, on made-up captures: every form it must catch, and a
#    harmless dialogue it must not flag.
#  - A clean session (STARTTLS and implicit TLS, each protocol) works with
#    the fake server: exit 0, verified, nothing in the clear, and the
#    credential did arrive -- inside TLS.
#  - The canary records a connection (so "referral not followed" means it).
set -u
. "$(dirname "$0")/lib.sh"
hostile_init

# -------------------------------------------------- plaintext login on purpose
while IFS='|' read -r p found; do
    serve "$p-strip-unadvertised"
    account "$p" "$p://localhost:$PORT"
    run_check --allow-plaintext-auth
    expect_exit "control ($p): --allow-plaintext-auth against a plaintext server" 0
    expect_json "control ($p): level plaintext, login ok" \
        services.0.level=plaintext services.0.auth=ok
    for f in $found; do
        expect_leak "control ($p): the scan finds ${f//_/ } in the capture" "^${f//_/ }"
    done
done <<'CASES'
imap|the_password_in_the_clear private_command_LOGIN
pop3|the_password_in_the_clear private_command_USER private_command_PASS
smtp|base64_of_PLAIN_blob private_command_AUTH
CASES
serve imap-strip-bad
account imap "imap://localhost:$PORT" allow_plaintext_auth=yes
run_check
expect_exit "control (imap): allow_plaintext_auth = yes in the config" 0
expect_leak "control (imap, config): the scan finds the password" "^the password"

# -------------------------------------------------- the scan on made-up data
scan_case() { # DESC WANT(leak|clean) PRINTF-FORMAT
    # shellcheck disable=SC2059  # the format is the made-up capture
    printf "$3" >"$T/made-up.cap"
    CAP=$T/made-up.cap OUTF=/dev/null ERRF=/dev/null SLOG=/dev/null
    LAST_CMD="(none: hcheck.py on a made-up capture)" RC=- SECS=- OUT='' ERR=''
    if [ "$2" = leak ]; then
        expect_leak "scan: $1" . "$CAP"
    else
        expect_no_leak "scan: $1" "$CAP"
    fi
}
B64=$("$PY" -c 'import base64,sys; print(base64.b64encode(b"\0alice\0" + sys.argv[1].encode()).decode())' "$TEST_PASS")
B64Z=$("$PY" -c 'import base64,sys; print(base64.b64encode(b"zz\0alice\0" + sys.argv[1].encode()).decode())' "$TEST_PASS")
scan_case "a harmless plaintext dialogue is clean" clean \
    '1 CAPABILITY\r\n2 STARTTLS\r\n3 LOGOUT\r\nCAPA\r\nSTLS\r\nQUIT\r\nEHLO [127.0.0.1]\r\nSTARTTLS\r\n'
scan_case "lower-case tagged login" leak 'a1 login someone something\r\n'
scan_case "SELECT after a tag" leak 'x7 SELECT INBOX\r\n'
scan_case "APPEND" leak 'A003 APPEND INBOX {310}\r\n'
scan_case "MAIL FROM" leak 'mail from:<bob@localhost>\r\n'
scan_case "RCPT TO" leak 'RCPT TO:<bob@localhost>\r\n'
scan_case "DATA" leak 'DATA\r\n'
scan_case "APOP" leak 'APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n'
scan_case "the password inside other text" leak "xx$TEST_PASS\\r\\n"
scan_case "the user name" leak 'hello alice\r\n'
scan_case "base64 PLAIN blob, no command" leak "$B64\\r\\n"
scan_case "base64 PLAIN blob with a 2-byte authzid" leak "$B64Z\\r\\n"

# -------------------------------------------------- clean sessions
for s in imap pop3 smtp imaps pop3s smtps; do
    imp=(); [ "$s" != "${s%s}" ] && imp=(--implicit)
    serve "${s%s}-clean" "${imp[@]}"
    account "${s%s}" "$s://localhost:$PORT"
    run_check
    expect_exit "clean session ($s)" 0
    expect_json "clean session ($s): verified, login ok, no error" \
        services.0.level=verified services.0.auth=ok services.0.error=null
    expect_no_leak "clean session ($s): nothing secret in the clear"
    expect_leak "clean session ($s): the credential did arrive, inside TLS" \
        "password|PLAIN blob" "$TLSCAP"
done

# -------------------------------------------------- the canary
serve imap-spoof-referral-starttls
(exec 3<>"/dev/tcp/127.0.0.1/$CANARY") 2>/dev/null
account imap "imap://localhost:$PORT"
run_check
[ -s "$CANARY_FILE" ]
tap_result $? "control: the canary records a connection to it" diag
tap_done
