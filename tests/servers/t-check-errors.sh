#!/bin/bash
# starling check's other exit codes: wrong password (4), nothing listening (5),
# bad config, unknown account and a config readable by others (1); with
# several services the first failing one in the order imap, pop3, smtp decides.
set -u
. "$(dirname "$0")/harness.sh"
harness_require
harness_require_starling
harness_start
tap_plan 22

BADPASS=(email="$TEST_EMAIL" user="$TEST_USER" "password_cmd=echo wrong-Pa55")
config_new
config_account badpass-imap "${BADPASS[@]}" "cafile=$CA_PEM" "imap=imaps://localhost:$IMAPS_PORT"
config_account badpass-pop3 "${BADPASS[@]}" "cafile=$CA_PEM" "pop3=pop3://localhost:$POP3_PORT"
config_account badpass-smtp "${BADPASS[@]}" "cafile=$CA_PEM" "smtp=smtp://localhost:$SUBMISSION_PORT"
config_account closed-imap "${ACCOUNT_KEYS[@]}" "cafile=$CA_PEM" "imap=imaps://localhost:$CLOSED_PORT"
config_account closed-smtp "${ACCOUNT_KEYS[@]}" "cafile=$CA_PEM" "smtp=smtp://127.0.0.1:$CLOSED_PORT"
config_account closed-then-badpass "${BADPASS[@]}" "cafile=$CA_PEM" \
    "imap=imap://localhost:$CLOSED_PORT" "pop3=pop3s://localhost:$POP3S_PORT"
config_account badpass-then-closed "${BADPASS[@]}" "cafile=$CA_PEM" \
    "imap=imap://localhost:$IMAP_PORT" "smtp=smtps://localhost:$CLOSED_PORT"
config_account good "${ACCOUNT_KEYS[@]}" "cafile=$CA_PEM" "imap=imaps://localhost:$IMAPS_PORT"

for svc in imap pop3 smtp; do
    M=$(log_mark "$DOVECOT_LOG")
    check "badpass-$svc"
    expect_rc "badpass-$svc: wrong password, exit 4" 4
    expect_json "badpass-$svc: auth rejected, TLS verified" services.0.auth=rejected \
        services.0.exit=4 services.0.level=verified 'services.0.error~.'
    server_saw_auth "badpass-$svc: Dovecot's log shows the failed attempt" "$DOVECOT_LOG" "$M"
done

for a in closed-imap closed-smtp; do
    check "$a"
    expect_rc "$a: nothing listening, exit 5" 5
    expect_json "$a: a network error, no TLS" services.0.exit=5 services.0.tls=null \
        services.0.auth=not-attempted 'services.0.error~.'
done

check closed-then-badpass
expect_rc "imap closed, pop3 wrong password: imap decides, exit 5" 5
check badpass-then-closed
expect_rc "imap wrong password, smtp closed: imap decides, exit 4" 4

check nosuchaccount
expect_rc "unknown account: exit 1" 1

run_starling check
expect_rc "no account given: exit 1" 1

# A syntax error: FILE:LINE: on stderr.
BAD=$H/bad.conf
printf '%s\n' "[broken]" "email = $TEST_EMAIL" "this line is not ini" \
    "imap = imaps://localhost:$IMAPS_PORT" >"$BAD"
chmod 600 "$BAD"
run_starling check --config "$BAD" --json broken
expect_rc "config syntax error: exit 1" 1
grep -qF "$BAD:3:" <<<"$ERR"
tap_result $? "config syntax error: stderr says FILE:3:" "$(starling_diag)"

# A config with password_cmd readable by others is refused before any
# connection.
cp "$CONF" "$H/open.conf"; chmod 644 "$H/open.conf"
M=$(log_mark "$DOVECOT_LOG")
run_starling check --config "$H/open.conf" --json good
expect_rc "config mode 0644 with password_cmd: exit 1" 1
[ -n "$ERR" ] && ! log_since "$DOVECOT_LOG" "$M" | grep -q "rip="
tap_result $? "config mode 0644: an error on stderr, no connection made" \
    "$(starling_diag; log_since "$DOVECOT_LOG" "$M")"
chmod 600 "$H/open.conf"
run_starling check --config "$H/open.conf" --json good
expect_rc "the same config at mode 0600: exit 0" 0

tap_done
