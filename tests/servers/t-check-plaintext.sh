#!/bin/bash
# A server without TLS: starling check refuses to log in (exit 2) and sends no
# credential; with allow_plaintext_auth = yes in the config, or with
# --allow-plaintext-auth, it logs in and says "plaintext".  The override never
# skips STARTTLS where it is offered, nor excuses a bad certificate.
set -u
. "$(dirname "$0")/harness.sh"
harness_require
harness_require_starling
harness_start
tap_plan 28

CASES="imap imap://localhost:$PLAIN_IMAP_PORT
pop3 pop3://localhost:$PLAIN_POP3_PORT
smtp smtp://localhost:$PLAIN_SMTP_PORT"

config_new
while read -r svc url; do
    config_account "plain-$svc" "${ACCOUNT_KEYS[@]}" "$svc=$url"
    config_account "allow-$svc" "${ACCOUNT_KEYS[@]}" allow_plaintext_auth=yes "$svc=$url"
done <<<"$CASES"
config_account allow-good "${ACCOUNT_KEYS[@]}" allow_plaintext_auth=yes \
    "cafile=$CA_PEM" "imap=imap://localhost:$IMAP_PORT"
config_account allow-unknownca "${ACCOUNT_KEYS[@]}" allow_plaintext_auth=yes \
    "cafile=$CA_PEM" "imap=imap://$UNKNOWNCA_HOST:$IMAP_PORT"

L=$PLAIN_DOVECOT_LOG
while read -r svc _; do
    DM=$(log_mark "$L") PM=$(log_mark "$POSTFIX_LOG")
    check "plain-$svc"
    expect_rc "plain-$svc: no TLS, exit 2" 2
    expect_json "plain-$svc: credentials held back" services.0.exit=2 \
        'services.0.auth~^(refused|not-attempted)$' services.0.tls=null \
        services.0.starttls_advertised=false 'services.0.error~.'
    if [ "$svc" = smtp ]; then
        server_saw_no_auth "plain-$svc: Postfix saw the connection, no SASL attempt" \
            "$POSTFIX_LOG" "$PM" "$POSTFIX_END_RE" "$L" "$DM"
    else
        server_saw_no_auth "plain-$svc: Dovecot saw the connection, no auth attempt" \
            "$L" "$DM" "$DOVECOT_END_RE" "$L" "$DM"
    fi

    DM=$(log_mark "$L")
    check "allow-$svc"
    expect_rc "allow-$svc: allow_plaintext_auth = yes, exit 0" 0
    expect_json "allow-$svc: level plaintext, login ok" services.0.level=plaintext \
        services.0.auth=ok services.0.exit=0 services.0.tls=null \
        services.0.certificate=null
    server_saw_auth "allow-$svc: the plain Dovecot's log shows the login" "$L" "$DM"

    check "plain-$svc" --allow-plaintext-auth
    expect_rc "plain-$svc --allow-plaintext-auth: exit 0" 0
    expect_json "plain-$svc --allow-plaintext-auth: level plaintext, login ok" \
        services.0.level=plaintext services.0.auth=ok services.0.exit=0
done <<<"$CASES"

check allow-good
expect_rc "allow_plaintext_auth on a STARTTLS server: exit 0" 0
expect_json "allow_plaintext_auth on a STARTTLS server: still verified TLS" \
    services.0.level=verified services.0.transport=starttls services.0.auth=ok

M=$(log_mark "$DOVECOT_LOG")
check allow-unknownca
expect_rc "allow_plaintext_auth does not excuse an unknown CA: exit 3" 3
server_saw_no_auth "allow-unknownca: no auth attempt, in TLS or in the clear" \
    "$DOVECOT_LOG" "$M" "$DOVECOT_END_RE" "$DOVECOT_LOG" "$M"

tap_done
