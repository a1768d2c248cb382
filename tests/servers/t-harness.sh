#!/bin/bash
# The harness itself, without starling: every listener speaks TLS (or not) with
# the certificate it should, logins and SASL work, the logs show what we grep.
set -u
. "$(dirname "$0")/harness.sh"
command -v gnutls-cli >/dev/null || tap_skip_all "gnutls-cli not installed (gnutls-bin)"
harness_start
tap_plan 34

# tls PROTO|- HOST PORT: gnutls-cli handshake with the test CA; output in $OUT.
tls() {
    local sp=()
    [ "$1" != - ] && sp=(--starttls-proto="$1")
    OUT=$(timeout 15 gnutls-cli "${sp[@]}" --x509cafile "$CA_PEM" -p "$3" "$2" \
        </dev/null 2>&1)
}
tls_ok() {
    tls "$2" "$3" "$4"
    tap_result $? "$1" "$OUT"
}
# tls_bad DESC PROTO HOST PORT STATUS-TEXT: handshake refused for that reason.
tls_bad() {
    tls "$2" "$3" "$4"
    local rc=$?
    ! [ "$rc" -eq 0 ] && grep -q "NOT trusted.*$5" <<<"$OUT"
    tap_result $? "$1" "exit $rc; $OUT"
}
# login EXPECTED-EXIT DESC ARGS...: smoke_login.py
login() {
    local want=$1 desc=$2 rc; shift 2
    OUT=$(timeout 30 python3 "$HARNESS_DIR/smoke_login.py" "$@" 2>&1); rc=$?
    [ "$rc" -eq "$want" ]; tap_result $? "$desc" "exit $rc (want $want): $OUT"
}

U=$TEST_USER P=$TEST_PASS
tls_ok "IMAP STARTTLS, good cert" imap localhost "$IMAP_PORT"
tls_ok "IMAPS, good cert" - localhost "$IMAPS_PORT"
tls_ok "POP3 STLS, good cert" pop3 localhost "$POP3_PORT"
tls_ok "POP3S, good cert" - localhost "$POP3S_PORT"
tls_ok "submission STARTTLS, good cert" smtp localhost "$SUBMISSION_PORT"
tls_ok "SMTPS, good cert" - localhost "$SMTPS_PORT"
tls_ok "good cert also valid for 127.0.0.1" - 127.0.0.1 "$IMAPS_PORT"

for v in "$WRONGNAME_HOST:does not match" "$EXPIRED_HOST:.*expired" \
         "$UNKNOWNCA_HOST:The certificate issuer is unknown"; do
    h=${v%%:*} why=${v#*:}
    tls_bad "IMAP STARTTLS on $h refused: $why" imap "$h" "$IMAP_PORT" "$why"
    tls_bad "POP3S on $h refused: $why" - "$h" "$POP3S_PORT" "$why"
    tls_bad "submission STARTTLS on $h refused: $why" smtp "$h" "$SUBMISSION_PORT" "$why"
done

M=$(log_mark "$DOVECOT_LOG")
login 0 "IMAP STARTTLS login" imap starttls localhost "$IMAP_PORT" "$U" "$P" "$CA_PEM"
log_wait "$DOVECOT_LOG" "$M" "$AUTH_ATTEMPT_RE" 5
tap_result $? "Dovecot's log shows that login (the grep the tests rely on)" \
    "$(log_since "$DOVECOT_LOG" "$M")"
login 0 "IMAPS login" imap implicit localhost "$IMAPS_PORT" "$U" "$P" "$CA_PEM"
login 0 "POP3 STLS login" pop3 starttls localhost "$POP3_PORT" "$U" "$P" "$CA_PEM"
login 0 "POP3S login" pop3 implicit localhost "$POP3S_PORT" "$U" "$P" "$CA_PEM"
login 0 "submission STARTTLS SASL AUTH through Dovecot" \
    smtp starttls localhost "$SUBMISSION_PORT" "$U" "$P" "$CA_PEM"
login 0 "SMTPS SASL AUTH through Dovecot" \
    smtp implicit localhost "$SMTPS_PORT" "$U" "$P" "$CA_PEM"
login 4 "IMAP wrong password rejected" \
    imap implicit localhost "$IMAPS_PORT" "$U" wrong-pass "$CA_PEM"
login 4 "SMTP wrong password rejected" \
    smtp implicit localhost "$SMTPS_PORT" "$U" wrong-pass "$CA_PEM"
login 0 "plain IMAP login (TLS-off Dovecot)" imap plain localhost "$PLAIN_IMAP_PORT" "$U" "$P"
login 0 "plain POP3 login (TLS-off Dovecot)" pop3 plain localhost "$PLAIN_POP3_PORT" "$U" "$P"
login 0 "plain SMTP AUTH (TLS-off Postfix)" smtp plain localhost "$PLAIN_SMTP_PORT" "$U" "$P"

OUT=$(timeout 30 python3 "$HARNESS_DIR/smoke_login.py" smtp plain localhost \
    "$SUBMISSION_PORT" "$U" "$P" 2>&1)
grep -q "AUTH extension not supported" <<<"$OUT"
tap_result $? "submission offers no AUTH before STARTTLS" "$OUT"

# A handshake that fails: the connection is logged, and no auth attempt is.
M=$(log_mark "$DOVECOT_LOG")
tls - "$UNKNOWNCA_HOST" "$IMAPS_PORT"
log_wait "$DOVECOT_LOG" "$M" "lip=$UNKNOWNCA_HOST.*($DOVECOT_END_RE)|($DOVECOT_END_RE).*lip=$UNKNOWNCA_HOST" 10
tap_result $? "a refused handshake is logged by Dovecot" "$(log_since "$DOVECOT_LOG" "$M")"
! log_since "$DOVECOT_LOG" "$M" | grep -Eq "$AUTH_ATTEMPT_RE"
tap_result $? "... with no auth attempt" "$(log_since "$DOVECOT_LOG" "$M")"

# Postfix delivers to the Maildir Dovecot serves.
OUT=$(timeout 30 python3 - "$SMTPS_PORT" "$U" "$P" "$CA_PEM" "$TEST_EMAIL" <<'EOF' 2>&1
import smtplib, ssl, sys
port, user, pw, ca, rcpt = sys.argv[1:]
c = smtplib.SMTP_SSL("localhost", int(port), timeout=10,
                     context=ssl.create_default_context(cafile=ca))
c.login(user, pw)
c.sendmail(rcpt, [rcpt], "Subject: harness\r\n\r\nhello\r\n")
c.quit()
EOF
)
tap_result $? "submission accepts a message for $TEST_EMAIL" "$OUT"
for _ in $(seq 100); do
    [ -n "$(ls -A "$H/mail/$TEST_USER/Maildir/new" 2>/dev/null)" ] && break
    sleep 0.1
done
[ -n "$(ls -A "$H/mail/$TEST_USER/Maildir/new" 2>/dev/null)" ]
tap_result $? "it is delivered to $TEST_USER's Maildir" "$(tail -n 15 "$POSTFIX_LOG")"

M=$(log_mark "$DOVECOT_LOG")
OUT=$(timeout 30 python3 - "$IMAPS_PORT" "$U" "$P" "$CA_PEM" <<'EOF' 2>&1
import imaplib, ssl, sys
port, user, pw, ca = sys.argv[1:]
c = imaplib.IMAP4_SSL("localhost", int(port),
                      ssl_context=ssl.create_default_context(cafile=ca))
c.login(user, pw)
typ, data = c.select("INBOX")
print(data[0].decode())
c.logout()
EOF
)
[ "$OUT" = 1 ]
tap_result $? "Dovecot serves it over IMAP" "$OUT"

tap_done
