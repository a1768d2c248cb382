#!/bin/bash
# tls_pin: a server whose certificate no CA vouches for is accepted as
# "pinned" when its key matches the account's pin, and refused (exit 3, no
# credential sent) when the pin is another key's.
set -u
. "$(dirname "$0")/harness.sh"
harness_require
harness_require_starling
harness_start
tap_plan 19

PIN=$(cert_field "$UNKNOWNCA_PEM" pin)
OTHER_PIN=$(cert_field "$GOOD_PEM" pin)
U=$UNKNOWNCA_HOST
CASES="imap imap://$U:$IMAP_PORT starttls
imap imaps://$U:$IMAPS_PORT implicit
pop3 pop3s://$U:$POP3S_PORT implicit
smtp smtp://$U:$SUBMISSION_PORT starttls"

config_new
while read -r svc url _; do
    config_account "pin-${url%%:*}" "${ACCOUNT_KEYS[@]}" "tls_pin=$PIN" "$svc=$url"
    config_account "wrongpin-${url%%:*}" "${ACCOUNT_KEYS[@]}" "tls_pin=$OTHER_PIN" "$svc=$url"
done <<<"$CASES"
# a pin that does not match wins over a CA that does
config_account good-wrongpin "${ACCOUNT_KEYS[@]}" "cafile=$CA_PEM" \
    "tls_pin=$PIN" "imap=imaps://localhost:$IMAPS_PORT"

while read -r svc url transport; do
    a=pin-${url%%:*}
    M=$(log_mark "$DOVECOT_LOG")
    check "$a"
    expect_rc "$a: the right pin, exit 0" 0
    expect_json "$a: level pinned over $transport, login ok" \
        services.0.level=pinned "services.0.transport=$transport" \
        services.0.auth=ok services.0.exit=0 "services.0.certificate.pin=$PIN" \
        services.0.certificate.verify.trusted=false
    [ "$svc" = imap ] && server_saw_auth "$a: Dovecot's log shows the login" "$DOVECOT_LOG" "$M"
done <<<"$CASES"

for a in wrongpin-imap wrongpin-smtp good-wrongpin; do
    DM=$(log_mark "$DOVECOT_LOG") PM=$(log_mark "$POSTFIX_LOG")
    check "$a"
    expect_rc "$a: another key's pin, exit 3" 3
    expect_json "$a: auth not-attempted" services.0.auth=not-attempted \
        services.0.exit=3 'services.0.error~.'
    if [ "$a" = wrongpin-smtp ]; then
        server_saw_no_auth "$a: Postfix saw the connection, no SASL attempt" \
            "$POSTFIX_LOG" "$PM" "$POSTFIX_END_RE" "$DOVECOT_LOG" "$DM"
    else
        server_saw_no_auth "$a: Dovecot saw the connection, no auth attempt" \
            "$DOVECOT_LOG" "$DM" "$DOVECOT_END_RE" "$DOVECOT_LOG" "$DM"
    fi
done

tap_done
