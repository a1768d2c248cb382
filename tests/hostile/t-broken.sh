#!/bin/bash
# Hostile servers, class 7: broken peers.  A garbage greeting, a refusing
# greeting (IMAP * BYE, POP3 -ERR, SMTP 554), a 1 MiB line without a
# newline, 64 MiB without a newline, a close right after accept, a close
# once the ClientHello is in, a close half way through the server's TLS
# flight, a server that says nothing once TLS is up, and one that sends one
# byte a second (the config says timeout = 3).  starling must end on its
# own with exit 2 or 5, well before the 60 s outer timeout (we allow 30 s;
# no tight timing is asserted; the servers live 40 s, so a client without
# its own deadline cannot pass by waiting for them), with an error
# sentence, no crash, no sanitizer report, bounded memory (1 MiB and 64 MiB
# lines) and nothing secret in the clear.
set -u
. "$(dirname "$0")/lib.sh"
hostile_init

ACCT_EXTRA=(timeout=3)
MEASURE_RSS=yes
CASES=()
for p in imap pop3 smtp; do
    for kind in garbage bye huge flood close hello-close midhandshake tls-hang drip; do
        case_start "broken peer" "$p-$kind" "$p" "2 5" . --lifetime 40
        CASES+=("$NCASE")
    done
done
case_wait

for n in "${CASES[@]}"; do
    case_load "$n"
    expect_exit "broken peer ($C_SC): exit 2 or 5, no crash" "$C_WANT"
    expect_in_time "broken peer ($C_SC): ends on its own before 30 s" 30
    expect_json "broken peer ($C_SC): an error sentence, no login" \
        'services.0.error~[a-z]+ [a-z]+ [a-z]+' 'services.0.auth!~^ok$'
    expect_no_leak "broken peer ($C_SC): no credential, no private command in the clear"
    if [ -s "$T/case$n/rss" ]; then
        kib=$(tail -n 1 "$T/case$n/rss")
        case $C_SC in *-huge|*-flood)
            [ "$kib" -lt 49152 ] 2>/dev/null
            tap_result $? "broken peer ($C_SC): memory bounded (peak ${kib} KiB < 48 MiB)" diag
        esac
    fi
done
tap_done
