# shellcheck shell=bash
# tests/hostile/lib.sh -- shared by the t-*.sh scripts: TAP output, a test
# PKI made with certtool, hostile.py servers, starling runs and the checks.
#
# Each script sources this file and calls hostile_init; everything lives in
# a temporary directory $T (XDG_*_HOME point into it) removed at exit, and
# every server started is killed at exit by its process id.
#
# The usual case:
#   serve imap-strip-bad                 # start hostile.py; $PORT, $CAP ...
#   account imap "imap://localhost:$PORT"   # a fresh config, account "acct"
#   run_check                            # starling check --json acct
#   expect_exit "desc" 2
#   expect_json "desc" 'services.0.error~STARTTLS'
#   expect_no_leak "desc"
# or, for the many cases that only need those three checks, queued and run
# in parallel:
#   case_refused NAME SCENARIO SCHEME EXIT ERROR-RE; ...; case_run_queue

HOSTILE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# Debian's Python (stdlib only), not whatever python3 comes first in PATH.
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)
TEST_USER=alice
TEST_PASS=Hostile-s3cret-42

# ---------------------------------------------------------------- TAP
TAP_N=0
TAP_FAILED=0
tap_diag() { printf '%s\n' "$@" | sed 's/^/# /'; }
# tap_result STATUS DESC [COMMAND...]: one test point; on failure the output
# of COMMAND (run only then) as diagnostics.
tap_result() {
    local st=$1 desc=$2
    shift 2
    TAP_N=$((TAP_N + 1))
    if [ "$st" -eq 0 ]; then
        echo "ok $TAP_N - $desc"
    else
        echo "not ok $TAP_N - $desc"
        TAP_FAILED=$((TAP_FAILED + 1))
        [ $# -gt 0 ] && "$@" 2>&1 | tap_diag_in
    fi
    return 0
}
tap_diag_in() { sed 's/^/# /'; }
tap_skip() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $1 # SKIP $2"; }
tap_skip_all() { echo "1..0 # SKIP $*"; exit 0; }
# tap_done: the plan (at the end: the number of points varies with skips).
tap_done() { echo "1..$TAP_N"; [ "$TAP_FAILED" -eq 0 ]; }

# ---------------------------------------------------------------- setup
SERVER_PIDS=()
hostile_cleanup() {
    local pid
    for pid in "${SERVER_PIDS[@]}"; do
        kill "$pid" 2>/dev/null
    done
    for pid in "${SERVER_PIDS[@]}" "${BG_PIDS[@]}"; do
        wait "$pid" 2>/dev/null
    done
    [ -n "${HELPER_PID:-}" ] && kill "$HELPER_PID" 2>/dev/null
    if [ -n "${HOSTILE_KEEP:-}" ]; then
        echo "# kept $T" >&2
    elif [ -n "${T:-}" ]; then
        rm -rf "$T"
    fi
}

hostile_init() {
    command -v certtool >/dev/null || tap_skip_all "certtool not installed (gnutls-bin)"
    if [ -z "$PY" ] || ! "$PY" -c 'import ssl' 2>/dev/null; then
        tap_skip_all "python3 with the ssl module not installed"
    fi
    : "${STARLING:=${top_builddir:-$HOSTILE_DIR/../..}/ui/starling}"
    if [ ! -x "$STARLING" ]; then
        echo "Bail out! STARLING=$STARLING is not an executable (build it first)"
        exit 1
    fi
    T=$(mktemp -d "${TMPDIR:-/tmp}/hostile.XXXXXX")
    trap hostile_cleanup EXIT
    trap 'exit 1' INT TERM HUP
    # one Python process starts the servers and runs the checks (see
    # helper() in hostile.py): Python's start-up once per script
    coproc HELPER { exec "$PY" -S -B "$HOSTILE_DIR/hostile.py" helper 2>"$T/helper.err"; }
    export XDG_DATA_HOME=$T/data XDG_STATE_HOME=$T/state \
        XDG_CONFIG_HOME=$T/config XDG_CACHE_HOME=$T/cache HOME=$T
    mkdir -p "$XDG_DATA_HOME" "$XDG_STATE_HOME" "$XDG_CONFIG_HOME" \
        "$XDG_CACHE_HOME" "$T/pki"
    printf '%s\n' "$TEST_PASS" >"$T/passfile"
    chmod 600 "$T/passfile"
    make_pki || { echo "Bail out! certtool could not make the test PKI"; exit 1; }
    NCASE=0
}

# helper REQUEST ARG...: one request to the helper (in this shell, never in
# a subshell: the coprocess's pipes are this shell's); its reply in $HRES,
# its status as ours.
helper() {
    local IFS=$'\t' line
    printf '%s\n' "$*" >&"${HELPER[1]}"
    HRES=
    while IFS= read -r line <&"${HELPER[0]}"; do
        case $line in
            $'\x1e'*) return "${line#?}" ;;
        esac
        HRES+=$line$'\n'
    done
    echo "Bail out! hostile.py helper died: $(cat "$T/helper.err")"
    exit 1
}

# hcheck ARG...: hcheck.py ARG... through the helper; findings in $RES.
hcheck() {
    local st
    helper check "$@"
    st=$?
    RES=$HRES
    return $st
}

# ---------------------------------------------------------------- PKI
# cert NAME SIGNER|self KEYTYPE TEMPLATE-LINE...: $T/pki/NAME.{pem,key}.
# KEYTYPE: ec (P-256) or rsaBITS (rsa2048, rsa1024).
cert() {
    local name=$1 signer=$2 kt=$3 keyopts; shift 3
    case $kt in
        ec) keyopts=(--key-type ecdsa --curve secp256r1) ;;
        rsa*) keyopts=(--key-type rsa --bits "${kt#rsa}") ;;
    esac
    printf '%s\n' "$@" >"$T/pki/$name.tmpl"
    certtool --generate-privkey "${keyopts[@]}" --no-text \
        --outfile "$T/pki/$name.key" 2>/dev/null || return 1
    if [ "$signer" = self ]; then
        certtool --generate-self-signed --load-privkey "$T/pki/$name.key" \
            --template "$T/pki/$name.tmpl" --outfile "$T/pki/$name.pem" --no-text
    else
        certtool --generate-certificate --load-privkey "$T/pki/$name.key" \
            --load-ca-certificate "$T/pki/$signer.pem" \
            --load-ca-privkey "$T/pki/$signer.key" \
            --template "$T/pki/$name.tmpl" --outfile "$T/pki/$name.pem" --no-text
    fi 2>/dev/null
}
SRV_TMPL=(tls_www_server signing_key encryption_key)
PAST='activation_date = "2020-01-01 00:00:00 UTC"'

make_pki() {
    cert ca self ec 'cn = "Hostile Test CA"' ca cert_signing_key \
        "$PAST" 'expiration_days = 3650' &&
    cert good ca ec 'cn = "localhost"' 'dns_name = "localhost"' \
        'ip_address = "127.0.0.1"' "${SRV_TMPL[@]}" 'expiration_days = 30'
    CA_PEM=$T/pki/ca.pem
}

# ---------------------------------------------------------------- servers
# serve SCENARIO [hostile.py serve options]: start a one-connection server.
# Sets PORT, CANARY (canary port or 0), CAP (plaintext capture), TLSCAP,
# SLOG (trace), CANARY_FILE, SRV_PID.  The good certificate unless --cert.
serve() {
    local sc=$1 i=0 cert=(--cert "$T/pki/good.pem" --key "$T/pki/good.key")
    shift
    case " $* " in *" --cert "*) cert=() ;; esac
    NCASE=$((NCASE + 1))
    local d=$T/case$NCASE
    mkdir -p "$d"
    CAP=$d/plain.cap TLSCAP=$d/tls.cap SLOG=$d/server.log
    CANARY_FILE=$d/canary
    if ! helper serve --scenario "$sc" \
        --port-file "$d/port" --capture "$CAP" --tls-capture "$TLSCAP" \
        --log "$SLOG" --canary-file "$CANARY_FILE" --errors "$d/server.err" \
        --user "$TEST_USER" --password "$TEST_PASS" "${cert[@]}" "$@"; then
        echo "Bail out! hostile.py serve $sc: $HRES"
        exit 1
    fi
    SRV_PID=${HRES%%$'\n'*}
    SERVER_PIDS+=("$SRV_PID")
    while [ ! -s "$d/port" ]; do
        if [ "$i" -ge 500 ] || ! kill -0 "$SRV_PID" 2>/dev/null; then
            echo "Bail out! hostile.py $sc did not start: $(cat "$d/server.err")"
            exit 1
        fi
        sleep 0.01; i=$((i + 1))
    done
    read -r PORT CANARY <"$d/port"
}

# server_done: wait (at most 5 s) for the last server to end, then kill it.
server_done() {
    local i=0
    while kill -0 "$SRV_PID" 2>/dev/null && [ "$i" -lt 100 ]; do
        sleep 0.05; i=$((i + 1))
    done
    kill "$SRV_PID" 2>/dev/null
    wait "$SRV_PID" 2>/dev/null
    return 0
}

# ---------------------------------------------------------------- config
# account SERVICE URL [KEY=VALUE...]: a fresh config $CONF with one account
# "acct" (user, password_cmd, cafile, timeout = 5 unless given).
account() {
    local svc=$1 url=$2 kv timeout=5; shift 2
    CONF=$T/case$NCASE/config
    {
        echo "[acct]"
        printf '%s = %s\n' "$svc" "$url" user "$TEST_USER" \
            password_cmd "cat $T/passfile" cafile "$CA_PEM"
        for kv in "$@"; do
            case $kv in timeout=*) timeout=${kv#*=}; continue ;; esac
            printf '%s = %s\n' "${kv%%=*}" "${kv#*=}"
        done
        echo "timeout = $timeout"
    } >"$CONF"
    chmod 600 "$CONF"
}

# ---------------------------------------------------------------- starling
# run_check [ARGS...]: starling check --json --config $CONF ARGS acct, under
# timeout (LIMIT, default 60 s); sets RC, OUTF/ERRF (files), OUT, ERR, SECS
# (wall time), then waits for the server to finish.  Each case has its own
# XDG_STATE_HOME and XDG_DATA_HOME (TLS memory, pins) unless STATE is set.
# JSON=no: without --json (the text report).  MEASURE_RSS=yes: starling's
# peak memory in KiB goes to $T/caseN/rss (if /usr/bin/time exists).
run_check() {
    local d=$T/case$NCASE t0 t1 json=(--json)
    [ "${JSON:-yes}" = no ] && json=()
    OUTF=$d/out ERRF=$d/err
    LAST_CMD="starling check ${json[*]} --config $CONF $* acct"
    mkdir -p "${STATE:-$d/state}" "$d/data"
    local rss=()
    [ -n "${MEASURE_RSS:-}" ] && [ -x /usr/bin/time ] &&
        rss=(/usr/bin/time -o "$d/rss" -f %M)
    t0=$(date +%s.%N)
    XDG_STATE_HOME=${STATE:-$d/state} XDG_DATA_HOME=$d/data \
        ${WRAP:-} "${rss[@]}" timeout "${LIMIT:-60}" "$STARLING" check "${json[@]}" \
        --config "$CONF" "$@" acct >"$OUTF" 2>"$ERRF" </dev/null
    RC=$?
    t1=$(date +%s.%N)
    SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
    OUT=$(cat "$OUTF"); ERR=$(cat "$ERRF")
    server_done
}

# res_diag: $RES (what a check found), then diag.
res_diag() { printf '%s\n' "$RES"; diag; }

# diag: what the last case did, for "not ok" lines.
diag() {
    printf '%s\n' "command: $LAST_CMD" "exit: $RC (${SECS}s)" \
        "stdout: $OUT" "stderr: $ERR" "--- server trace ($SLOG):"
    tail -n 25 "$SLOG" 2>/dev/null
}

# expect_exit DESC WANT...: $RC is one of WANT (a word may hold several,
# "2 5"), and starling did not crash.
expect_exit() {
    local desc=$1 w ok=1 wants
    shift
    read -ra wants <<<"$*"
    for w in "${wants[@]}"; do [ "$RC" = "$w" ] && ok=0; done
    if grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error:' "$ERRF"; then
        ok=1
    fi
    RES="expected exit ${wants[*]}"
    tap_result $ok "$desc -> exit $RC" res_diag
}

# expect_json DESC EXPECTATION...: see hcheck.py json.
expect_json() {
    local desc=$1
    shift
    hcheck json "$OUTF" "$@"
    tap_result $? "$desc" res_diag
}

# expect_phase DESC TEXT PHASE: every transcript line with TEXT has PHASE.
expect_phase() {
    hcheck phases "$OUTF" 0 "$2" "$3"
    tap_result $? "$1" res_diag
}

# expect_no_leak DESC [CAPTURE]: no credential, no private command in the
# plaintext capture (default $CAP).
expect_no_leak() {
    hcheck leaks "${2:-$CAP}" --user "$TEST_USER" --password "$TEST_PASS"
    tap_result $? "$1" res_diag
}

# expect_leak DESC REGEX [CAPTURE]: the control: the same scan DOES find a
# line matching REGEX.
expect_leak() {
    local st
    hcheck leaks "${3:-$CAP}" --user "$TEST_USER" --password "$TEST_PASS"
    grep -Eq -- "$2" <<<"$RES"
    st=$?
    RES=$(printf '%s\n' "scan found:" "$RES" "wanted: /$2/")
    tap_result $st "$1" res_diag
}

# expect_grep DESC FILE ERE: FILE has a line matching ERE (-v: has none).
expect_grep() {
    local neg=
    [ "$1" = -v ] && { neg=1; shift; }
    local st
    if [ -n "$neg" ]; then ! grep -Eaq -- "$3" "$2"; else grep -Eaq -- "$3" "$2"; fi
    st=$?
    RES=$(echo "/$3/ in $2:"; head -n 20 "$2" 2>/dev/null)
    tap_result $st "$1" res_diag
}

# expect_no_canary DESC: nothing connected to the canary port.
expect_no_canary() {
    RES=$(cat "$CANARY_FILE" 2>/dev/null)
    [ -z "$RES" ]
    tap_result $? "$1" res_diag
}

# expect_in_time DESC SECONDS: the run ended on its own, before SECONDS.
expect_in_time() {
    [ "$RC" -ne 124 ] && [ "$RC" -ne 137 ] &&
        awk -v s="$SECS" -v m="$2" 'BEGIN { exit !(s < m) }'
    tap_result $? "$1 (${SECS}s)" diag
}

# ---------------------------------------------------------------- cases
# A case runs in the background so that a script's cases (some wait for a
# timeout) overlap: case_start starts the server and starling, case_load N
# brings case N's results back, case_wait waits for all.
#
# case_start NAME SCENARIO SCHEME WANT ERROR-RE [serve options]
#   WANT: the exit code(s) ("2" or "2 5"); ERROR-RE: what the error says.
#   Account keys from the array ACCT_EXTRA, check arguments from CHECK_ARGS,
#   the host from HOST (default localhost).  Prints nothing.
# case_refused NAME SCENARIO SCHEME WANT ERROR-RE [serve options]
#   = case_start and, later, case_assert_refused (see case_batch).
ACCT_EXTRA=()
CHECK_ARGS=()
BG_PIDS=()
QUEUE=()
MAX_PARALLEL=${MAX_PARALLEL:-8}

case_start() {
    C_NAME=$1 C_SC=$2 C_SCHEME=$3 C_WANT=$4 C_RE=$5
    shift 5
    serve "$C_SC" "$@"
    account "${C_SCHEME%s}" "$C_SCHEME://${HOST:-localhost}:$PORT" \
        "${ACCT_EXTRA[@]}"
    declare -p C_NAME C_SC C_SCHEME C_WANT C_RE PORT CANARY CAP TLSCAP \
        SLOG CANARY_FILE SRV_PID CONF | sed 's/^declare -[^ ]*/declare -g/' \
        >"$T/case$NCASE/meta"
    (
        run_check "${CHECK_ARGS[@]}"
        declare -p RC SECS LAST_CMD OUTF ERRF | sed 's/^declare -[^ ]*/declare -g/'
    ) >"$T/case$NCASE/result" 2>/dev/null &
    BG_PIDS+=($!)
    local live pid
    while :; do
        live=()
        for pid in "${BG_PIDS[@]}"; do
            kill -0 "$pid" 2>/dev/null && live+=("$pid")
        done
        BG_PIDS=("${live[@]}")
        [ "${#BG_PIDS[@]}" -lt "$MAX_PARALLEL" ] && break
        wait -n "${BG_PIDS[@]}" 2>/dev/null
    done
}

case_wait() { wait "${BG_PIDS[@]}" 2>/dev/null; BG_PIDS=(); }

case_load() { # N
    # shellcheck disable=SC1090
    . "$T/case$1/meta"
    # shellcheck disable=SC1090
    . "$T/case$1/result"
    OUT=$(cat "$OUTF"); ERR=$(cat "$ERRF")
}

# case_assert_refused: the standard assertions on a loaded case: the exit
# code, the error sentence, and nothing secret in the clear.
case_assert_refused() {
    expect_exit "$C_NAME ($C_SC)" "$C_WANT"
    expect_json "$C_NAME: the error names the problem (/$C_RE/)" \
        "services.0.error~$C_RE" 'services.0.auth!~^ok$'
    expect_no_leak "$C_NAME: no credential, no private command in the clear"
}

# case_refused ...: queue a standard case (see case_start); case_run_queue
# runs the queue's cases in parallel and asserts each, in order.
case_refused() {
    case_start "$@"
    QUEUE+=("$NCASE")
}
case_run_queue() {
    local n
    case_wait
    for n in "${QUEUE[@]}"; do
        case_load "$n"
        case_assert_refused
    done
    QUEUE=()
}

# serve_mitm SCENARIO [options]: a <proto>-clean server, and the MITM
# SCENARIO in front of it; the MITM is the current server.  UP_TLSCAP: what
# the real server received inside TLS.
serve_mitm() {
    local sc=$1 p up
    shift
    p=$(cut -d- -f2 <<<"$sc")
    serve "$p-clean"
    # shellcheck disable=SC2034  # for the scripts
    UP_TLSCAP=$TLSCAP UP_SLOG=$SLOG up=$PORT
    serve "$sc" --upstream "127.0.0.1:$up" "$@"
}
