#!/bin/bash
# Hostile servers, class 9: the downgrade memory.  A STARTTLS session that
# succeeded is recorded in $XDG_STATE_HOME/starling/tls-seen; when the same
# service, host and port later does not offer STARTTLS (not advertised and
# refused, or advertised and refused), starling exits 2 with the downgrade
# message naming the date of the earlier TLS session, even when plaintext
# authentication is allowed.  Controls: without the memory the error is the
# plain STARTTLS refusal; a hand-written old entry gives its own date.
set -u
. "$(dirname "$0")/lib.sh"
hostile_init

for p in imap pop3 smtp; do
    STATE=$T/state-$p
    mkdir -p "$STATE"
    serve "$p-clean"
    P=$PORT
    account "$p" "$p://localhost:$P"
    run_check
    expect_exit "memory ($p): first a clean STARTTLS session" 0
    line=$(grep "^$p localhost $P " "$STATE/starling/tls-seen" 2>/dev/null)
    RES=$(cat "$STATE/starling/tls-seen" 2>&1)
    [ -n "$line" ]
    tap_result $? "memory ($p): tls-seen records \"$p localhost $P EPOCH\"" res_diag
    day=$(date -d "@${line##* }" +%Y-%m-%d 2>/dev/null || echo "?")

    case $p in
        imap) refused=imap-strip-no ;; pop3) refused=pop3-strip-err ;;
        smtp) refused=smtp-strip-454 ;;
    esac
    for sc in "$p-strip-unadvertised" "$refused"; do
        serve "$sc" --port "$P"
        account "$p" "$p://localhost:$P"
        run_check
        expect_exit "memory ($sc on the same port)" 2
        expect_json "memory ($sc): the error names the earlier date $day" \
            "services.0.error~offered STARTTLS on $day" \
            "services.0.error~strip"
        expect_no_leak "memory ($sc): no credential, no private command in the clear"
    done

    serve "$p-strip-unadvertised" --port "$P"
    account "$p" "$p://localhost:$P"
    run_check --allow-plaintext-auth
    expect_exit "memory ($p, --allow-plaintext-auth): a downgrade is refused anyway" 2
    expect_json "memory ($p, --allow-plaintext-auth): the downgrade message" \
        "services.0.error~offered STARTTLS on $day"
    expect_no_leak "memory ($p, --allow-plaintext-auth): no credential in the clear"

    # control: the same server without the memory: a plain refusal
    STATE=$T/state-$p-empty
    serve "$p-strip-unadvertised" --port "$P"
    account "$p" "$p://localhost:$P"
    run_check
    expect_exit "memory control ($p): no memory, still refused" 2
    expect_json "memory control ($p): no memory, no downgrade message" \
        'services.0.error!~offered STARTTLS on' 'services.0.error~STARTTLS|STLS'

    # an old entry written by hand names its own date
    STATE=$T/state-$p-old
    mkdir -p "$STATE/starling"
    serve "$p-strip-unadvertised"
    old=$(date -d "2024-03-01 12:00" +%s)
    printf '%s localhost %s %s\n' "$p" "$PORT" "$old" >"$STATE/starling/tls-seen"
    account "$p" "$p://localhost:$PORT"
    run_check
    expect_exit "memory ($p, entry from 2024-03-01)" 2
    expect_json "memory ($p): the error names 2024-03-01" \
        'services.0.error~offered STARTTLS on 2024-03-01'
    STATE=
done
tap_done
