#!/bin/bash
# starling check against the good certificate (test CA given as cafile):
# STARTTLS and implicit TLS for IMAP, POP3 and SMTP end "verified" with the
# login accepted, the certificate is reported as certtool sees it, and
# --transcript never shows the password.
set -u
. "$(dirname "$0")/harness.sh"
harness_require
harness_require_starling
harness_start
tap_plan 33

# what certtool says about the good certificate, in the JSON forms
SAN=$(cert_field "$GOOD_PEM" san | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read().split()))')
CERT_EXPECT=(
    "subject=$(cert_field "$GOOD_PEM" subject)"
    "issuer=$(cert_field "$GOOD_PEM" issuer)"
    "san@=$SAN"
    "not_before=$(cert_field "$GOOD_PEM" not_before)"
    "not_after=$(cert_field "$GOOD_PEM" not_after)"
    "sha256=$(cert_field "$GOOD_PEM" sha256)"
    "pin=$(cert_field "$GOOD_PEM" pin)"
    "key=EC 256"
    "signature=ECDSA-SHA256"
    "verify.trusted=true" "verify.hostname=true" "verify.errors=[]"
)

CASES="imap-starttls imap imap $IMAP_PORT starttls
imaps imap imaps $IMAPS_PORT implicit
pop3-stls pop3 pop3 $POP3_PORT starttls
pop3s pop3 pop3s $POP3S_PORT implicit
submission smtp smtp $SUBMISSION_PORT starttls
smtps smtp smtps $SMTPS_PORT implicit"

config_new
while read -r name svc scheme port _; do
    config_account "$name" "${ACCOUNT_KEYS[@]}" "cafile=$CA_PEM" \
        "$svc=$scheme://localhost:$port"
done <<<"$CASES"
config_account all "${ACCOUNT_KEYS[@]}" "cafile=$CA_PEM" \
    "imap=imap://localhost:$IMAP_PORT" "pop3=pop3://localhost:$POP3_PORT" \
    "smtp=smtp://localhost:$SUBMISSION_PORT"

while read -r name svc scheme port transport; do
    M=$(log_mark "$DOVECOT_LOG")
    check "$name"
    expect_rc "$name: exit 0" 0
    extra=()
    [ "$transport" = starttls ] && extra=(services.0.starttls_advertised=true)
    expect_json "$name: verified over $transport, login ok" \
        "account=$name" "services#=1" "services.0.service=$svc" \
        services.0.host=localhost "services.0.port=$port" \
        "services.0.transport=$transport" services.0.level=verified \
        services.0.auth=ok services.0.exit=0 services.0.error=null \
        'services.0.tls.version~^TLS1\.[23]$' 'services.0.tls.cipher~.' \
        'services.0.tls.group~.' "${extra[@]}"
    expect_json "$name: certificate fields equal certtool's" \
        "${CERT_EXPECT[@]/#/services.0.certificate.}"
    server_saw_auth "$name: Dovecot's log shows the login (control for the no-auth greps)" \
        "$DOVECOT_LOG" "$M"
done <<<"$CASES"

check all
expect_rc "imap+pop3+smtp: exit 0" 0
expect_json "imap+pop3+smtp: three services in order, all verified" \
    "services#=3" services.0.service=imap services.1.service=pop3 \
    services.2.service=smtp services.0.level=verified services.1.level=verified \
    services.2.level=verified services.0.auth=ok services.1.auth=ok \
    services.2.auth=ok

run_starling check --json all
expect_rc "config found at \$XDG_CONFIG_HOME/starling/config without --config" 0

# --transcript: the dialogue is shown, the secret never is.
mapfile -t SECRETS < <(python3 - "$TEST_USER" "$TEST_PASS" <<'EOF'
import base64, sys
u, p = sys.argv[1].encode(), sys.argv[2].encode()
print(p.decode())
for s in (b"\0" + u + b"\0" + p, u + b"\0" + u + b"\0" + p, p):
    print(base64.b64encode(s).decode().rstrip("="))
EOF
)
for c in "imap-starttls STARTTLS" "pop3-stls STLS" "submission STARTTLS"; do
    name=${c% *} verb=${c#* }
    run_starling check --config "$CONF" --transcript "$name"
    grep -q "$verb" <<<"$OUT$ERR" && grep -q "redacted" <<<"$OUT$ERR" && [ "$RC" -eq 0 ]
    tap_result $? "$name --transcript: exit 0, shows $verb and [redacted]" "$(starling_diag)"
    expect_output_lacks "$name --transcript: no password, no base64 of it" "${SECRETS[@]}"
done

tap_done
