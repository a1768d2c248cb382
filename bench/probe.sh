#!/bin/bash
# bench/probe.sh -- how fast is `starling probe`?  Not part of make check;
# see bench/README.  Run as root from anywhere (the harness starts Dovecot
# and Postfix on loopback), after building:
#
#     bash bench/probe.sh [RUNS]
#
# "probed" is endpoints judged / endpoints (an endpoint that was not
# reachable or went silent is not judged).
# It times, with hyperfine when installed (else date +%s.%N, RUNS times,
# default 5), the probe of
#   1. one domain's seven loopback endpoints (the dnsmasq fixture of
#      tests/servers/dns.sh when there is one, else seven explicit URLs:
#      IMAP, IMAPS, POP3, POP3S, submission, SMTPS and SMTP on 127.0.0.1),
#   2. 100 endpoints (the harness's TLS ports on 127.0.0.1-4, its TLS 1.2-
#      and 1.3-only Dovecots and its plaintext servers, repeated),
#   3. a silent endpoint (accepts, never answers) alone, and beside (1),
# and, for scale, testssl.sh --starttls imap --fast on one endpoint.  It
# prints a table of the figures.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${1:-5}
TIMEOUT=2        # --timeout for the silent endpoint runs
: "${STARLING:=$TOP/ui/starling}"
export STARLING
. "$TOP/tests/servers/harness.sh"
# The harness speaks TAP; a benchmark just says what is missing.
tap_skip_all() { echo "bench/probe.sh: cannot run: $*" >&2; exit 1; }
harness_require
harness_require_starling
harness_start
harness_start_probe_extras
ROWS=()
RELAY_PID=
trap 'kill $SILENT_PID $RELAY_PID 2>/dev/null; _probe_extras_stop; harness_stop' EXIT

# A silent endpoint: accepts, never says a word.
python3 -c '
import os, socket, sys, time
ls = socket.socket(); ls.bind(("127.0.0.5", 0)); ls.listen(64)
open(sys.argv[1] + ".tmp", "w").write("%d\n" % ls.getsockname()[1])
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
held, end = [], time.monotonic() + 3600
ls.settimeout(1)
while time.monotonic() < end:
    try: held.append(ls.accept()[0])
    except socket.timeout: pass' "$H/silent.port" &
SILENT_PID=$!
while [ ! -s "$H/silent.port" ]; do sleep 0.05; done
# on an address of its own: one connection at a time per address, by design
SILENT="imap://127.0.0.5:$(cat "$H/silent.port")"


# ------------------------------------------------------------------ timing
# bench_time NAME ARGS...: the mean wall time of `starling probe ARGS` in
# seconds (also the endpoint count and exit status of one run) -> ROWS.
bench_time() {
    local name=$1 mean n rc; shift
    "$STARLING" probe --json "$@" >"$H/bench.json" 2>"$H/bench.err" </dev/null
    rc=$?
    n=$(python3 -c 'import json,sys
e = [e for t in json.load(open(sys.argv[1]))["targets"] for e in t["endpoints"]]
print("%d/%d" % (sum(x["grade"] is not None for x in e), len(e)))' \
        "$H/bench.json" 2>/dev/null || echo "?")
    if command -v hyperfine >/dev/null; then
        mean=$(bench_hyperfine "$@")
    else
        mean=$(bench_loop "$@")
    fi
    ROWS+=("$(printf '%-44s %9s %7s %5s' "$name" "$mean" "$n" "$rc")")
}

# bench_hyperfine ARGS...: hyperfine's mean, in seconds.
bench_hyperfine() {
    local cmd
    cmd=$(printf '%q ' "$STARLING" probe --json "$@")
    hyperfine --style none --runs "$RUNS" --warmup 1 -i \
        --export-json "$H/hf.json" "$cmd >/dev/null" >/dev/null 2>&1 || true
    python3 -c 'import json,sys
print("%.3f" % json.load(open(sys.argv[1]))["results"][0]["mean"])' "$H/hf.json" \
        2>/dev/null || echo "?"
}

# bench_loop ARGS...: the mean of RUNS runs timed with date.
bench_loop() {
    local i t0 t1 sum=0
    for ((i = 0; i < RUNS; i++)); do
        t0=$(date +%s.%N)
        "$STARLING" probe --json "$@" >/dev/null 2>&1 </dev/null
        t1=$(date +%s.%N)
        sum=$(awk -v s="$sum" -v a="$t0" -v b="$t1" 'BEGIN { print s + b - a }')
    done
    awk -v s="$sum" -v n="$RUNS" 'BEGIN { printf "%.3f", s / n }'
}

# ----------------------------------------------------------------- targets
# The seven endpoints of one domain, bench.test, through the dnsmasq
# fixture (tests/servers/dns.sh) when there is one: SRV records for the six
# client services at the harness's ports on mail.bench.test (127.0.0.1),
# and MX 10 mx.bench.test (127.0.0.2), whose port 25 is a relay to the
# Postfix there (its certificate is for wrong.example: level 1, full work).
# Else seven URLs.
relay25() {
    python3 -c '
import socket, sys, threading
def pipe(a, b):
    try:
        while True:
            d = a.recv(65536)
            if not d: break
            b.sendall(d)
    except OSError: pass
    for s in (a, b):
        try: s.shutdown(socket.SHUT_RDWR)
        except OSError: pass
ls = socket.socket(); ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.2", 25)); ls.listen(64)
open(sys.argv[2], "w").write("ready\n")
while True:
    c, _ = ls.accept()
    u = socket.create_connection(("127.0.0.2", int(sys.argv[1])))
    for x, y in ((c, u), (u, c)):
        threading.Thread(target=pipe, args=(x, y), daemon=True).start()
' "$SUBMISSION_PORT" "$H/relay.ready" 2>/dev/null &
    RELAY_PID=$!
    local i=0
    while [ ! -s "$H/relay.ready" ] && [ "$i" -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    [ -s "$H/relay.ready" ]
}
# Every TLS port of the harness: 10 per address on 127.0.0.1-4.
tls_urls() { # ADDRESS-OR-NAME
    printf '%s\n' "imap://$1:$IMAP_PORT" "imaps://$1:$IMAPS_PORT" \
        "pop3://$1:$POP3_PORT" "pop3s://$1:$POP3S_PORT" \
        "smtp://$1:$SUBMISSION_PORT" "smtps://$1:$SMTPS_PORT" \
        "imap://$1:$TLS12_IMAP_PORT" "imaps://$1:$TLS12_IMAPS_PORT" \
        "imap://$1:$TLS13_IMAP_PORT" "imaps://$1:$TLS13_IMAPS_PORT"
}
ADDRS=(127.0.0.1 "$WRONGNAME_HOST" "$EXPIRED_HOST" "$UNKNOWNCA_HOST")

DOMAIN_ARGS=()
HUNDRED=()
if [ -f "$TOP/tests/servers/dns.sh" ] && command -v dnsmasq >/dev/null &&
    relay25; then
    # shellcheck disable=SC1091
    . "$TOP/tests/servers/dns.sh"
    d=bench.test
    # 100 endpoints: e0.bench.test ... e99.bench.test, each one name for
    # one address of 127.0.0.1-4, on one of the ten TLS ports there
    recs=()
    for ((i = 0; i < 100; i++)); do
        a=${ADDRS[i % 4]}
        recs+=("--host-record=e$i.$d,$a")
        mapfile -t u < <(tls_urls "e$i.$d")
        HUNDRED+=("${u[(i / 4) % 10]}")
    done
    dns_start --mx-host=$d,mx.$d,10 --host-record=mx.$d,127.0.0.2 \
        --host-record=mail.$d,127.0.0.1 \
        --srv-host=_submissions._tcp.$d,mail.$d,"$SMTPS_PORT",0,1 \
        --srv-host=_submission._tcp.$d,mail.$d,"$SUBMISSION_PORT",0,1 \
        --srv-host=_imaps._tcp.$d,mail.$d,"$IMAPS_PORT",0,1 \
        --srv-host=_imap._tcp.$d,mail.$d,"$IMAP_PORT",0,1 \
        --srv-host=_pop3s._tcp.$d,mail.$d,"$POP3S_PORT",0,1 \
        --srv-host=_pop3._tcp.$d,mail.$d,"$POP3_PORT",0,1 "${recs[@]}"
    DOMAIN_ARGS=(--resolver "$DNS_RESOLVER" "$d")
    DOMAIN_WHAT="one domain: $d: MX + 6 SRV (dnsmasq)"
    HUNDRED=(--resolver "$DNS_RESOLVER" "${HUNDRED[@]}")
    HUNDRED_WHAT="100 names (dnsmasq), 4 addresses"
else
    DOMAIN_ARGS=("imap://localhost:$IMAP_PORT" "imaps://localhost:$IMAPS_PORT"
        "pop3://localhost:$POP3_PORT" "pop3s://localhost:$POP3S_PORT"
        "smtp://localhost:$SUBMISSION_PORT" "smtps://localhost:$SMTPS_PORT"
        "smtp://127.0.0.1:$SUBMISSION_PORT")
    DOMAIN_WHAT="one domain: 7 URLs on 127.0.0.1"
    # without DNS: the 40 TLS endpoints, then again under other spellings
    # of their addresses' names (each TARGET its own endpoints)
    for a in "${ADDRS[@]}" localhost LOCALHOST Localhost; do
        mapfile -t u < <(tls_urls "$a")
        HUNDRED+=("${u[@]}")
    done
    HUNDRED=("${HUNDRED[@]:0:100}")
    HUNDRED_WHAT="100 URLs, 4 addresses"
fi

# 100 endpoints on 25 addresses: one more Dovecot (stopped with the probe
# extras), IMAP, IMAPS, POP3 and POP3S on each of 127.0.1.1-25.
wide_start() {
    local d=$H/dovecot-wide addrs a i hp=()
    # shellcheck disable=SC2046
    set -- $(_free_ports 4)
    addrs=$(for ((i = 1; i <= 25; i++)); do printf '127.0.1.%d, ' "$i"; done)
    addrs=${addrs%, }
    IMAP_PORT=$1 IMAPS_PORT=$2 POP3_PORT=$3 POP3S_PORT=$4 \
        _dovecot_conf dovecot-wide yes
    sed -i "s/^    address = .*/    address = $addrs/" "$d/dovecot.conf"
    : >"$H/dovecot-wide.log"
    dovecot -c "$d/dovecot.conf" >"$H/wide.out" 2>&1 || return 1
    PROBE_EXTRAS+=(wide)
    WIDE=()
    for ((i = 1; i <= 25; i++)); do
        a=127.0.1.$i
        WIDE+=("imap://$a:$1" "imaps://$a:$2" "pop3://$a:$3" "pop3s://$a:$4")
        hp+=("$a:$1" "$a:$2" "$a:$3" "$a:$4")
    done
    wait_ports 20 "${hp[@]}" >>"$H/wide.out" 2>&1
}

# ------------------------------------------------------------------- runs
C=(--cafile "$CA_PEM")
bench_time "$DOMAIN_WHAT" "${C[@]}" "${DOMAIN_ARGS[@]}"
bench_time "$HUNDRED_WHAT" "${C[@]}" "${HUNDRED[@]}"
if wide_start; then
    bench_time "100 URLs, 25 addresses" "${C[@]}" "${WIDE[@]}"
else
    ROWS+=("$(printf '%-44s %9s' "100 URLs, 25 addresses" "no Dovecot")")
fi
bench_time "a silent endpoint (--timeout $TIMEOUT)" "${C[@]}" --timeout "$TIMEOUT" \
    "$SILENT"
bench_time "silent + the domain (--timeout $TIMEOUT)" "${C[@]}" --timeout "$TIMEOUT" \
    "$SILENT" "${DOMAIN_ARGS[@]}"

# testssl.sh on one endpoint, for scale (one run: it is slow).
TS=$(command -v testssl || command -v testssl.sh)
if [ -n "$TS" ]; then
    t0=$(date +%s.%N)
    timeout 900 "$TS" --quiet --color 0 --warnings off --fast --add-ca "$CA_PEM" \
        --starttls imap "127.0.0.1:$IMAP_PORT" >"$H/testssl.out" 2>&1
    rc=$?
    t1=$(date +%s.%N)
    ROWS+=("$(printf '%-44s %9s %7s %5s' "testssl --starttls imap --fast (1 run)" \
        "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')" 1 "$rc")")
else
    ROWS+=("$(printf '%-44s %9s' "testssl --starttls imap --fast" "not installed")")
fi

# ------------------------------------------------------------------ table
echo
echo "starling probe on $(nproc) cores; $RUNS runs each" \
    "($(command -v hyperfine >/dev/null && echo hyperfine || echo date))"
printf '%-44s %9s %7s %5s\n' "what" "seconds" "probed" "exit"
printf '%s\n' "${ROWS[@]}"
