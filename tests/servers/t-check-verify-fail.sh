#!/bin/bash
# starling check refuses certificates that fail verification -- unknown CA,
# name mismatch, expired -- with exit 3, and no credential reaches the server:
# Dovecot's auth log shows the connection but no authentication attempt.
set -u
. "$(dirname "$0")/harness.sh"
harness_require
harness_require_starling
harness_start
tap_plan 58

# host, what the JSON must say about it
BAD="$WRONGNAME_HOST wrongname services.0.certificate.verify.hostname=false
$EXPIRED_HOST expired services.0.certificate.not_after~^202[01]-
$UNKNOWNCA_HOST unknownca services.0.certificate.verify.trusted=false"
SERVICES="imap imap $IMAP_PORT
imaps imap $IMAPS_PORT
pop3 pop3 $POP3_PORT
pop3s pop3 $POP3S_PORT
smtp smtp $SUBMISSION_PORT
smtps smtp $SMTPS_PORT"

config_new
config_account control "${ACCOUNT_KEYS[@]}" "cafile=$CA_PEM" \
    "imap=imap://localhost:$IMAP_PORT"
while read -r host name _; do
    while read -r scheme svc port; do
        config_account "$name-$scheme" "${ACCOUNT_KEYS[@]}" "cafile=$CA_PEM" \
            "$svc=$scheme://$host:$port"
    done <<<"$SERVICES"
done <<<"$BAD"

# The control: a good login, and the grep used below finds it.
M=$(log_mark "$DOVECOT_LOG")
check control
expect_rc "control: the good server, exit 0" 0
server_saw_auth "control: Dovecot's log shows that login" "$DOVECOT_LOG" "$M"

while read -r host name what; do
    while read -r scheme svc port; do
        a=$name-$scheme
        DM=$(log_mark "$DOVECOT_LOG") PM=$(log_mark "$POSTFIX_LOG")
        check "$a"
        expect_rc "$a: exit 3" 3
        expect_json "$a: auth not-attempted, the failure explained" \
            services.0.exit=3 services.0.auth=not-attempted 'services.0.error~.' \
            'services.0.certificate.verify.errors~\w' "$what"
        if [ "$svc" = smtp ]; then
            server_saw_no_auth "$a: Postfix saw the connection, no SASL attempt" \
                "$POSTFIX_LOG" "$PM" "$POSTFIX_END_RE" "$DOVECOT_LOG" "$DM"
        else
            server_saw_no_auth "$a: Dovecot saw the connection, no auth attempt" \
                "$DOVECOT_LOG" "$DM" "($DOVECOT_END_RE).*lip=$host\b" \
                "$DOVECOT_LOG" "$DM"
        fi
    done <<<"$SERVICES"
done <<<"$BAD"

# several services: the first failing one (imap, pop3, smtp order) decides,
# and nothing after a refused one logs in
config_account mixed "${ACCOUNT_KEYS[@]}" "cafile=$CA_PEM" \
    "imap=imap://localhost:$IMAP_PORT" "smtp=smtp://$EXPIRED_HOST:$SUBMISSION_PORT"
check mixed
expect_rc "good imap + expired smtp: exit 3" 3
expect_json "good imap + expired smtp: imap ok, smtp refused" \
    services.0.service=imap services.0.auth=ok services.0.exit=0 \
    services.1.service=smtp services.1.auth=not-attempted services.1.exit=3

tap_done
