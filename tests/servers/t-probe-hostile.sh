#!/bin/bash
# starling probe against the hostile servers of tests/hostile: STARTTLS
# stripped or refused, responses injected behind the STARTTLS reply ->
# level 0, exit 2, with a finding that names it; a correct server (the
# control) -> level 2.  Nothing a probe sends, in the clear or inside TLS,
# is a credential or a private command (the hostile leak scan, which
# t-control.sh shows finding a real login).  A silent server costs only its
# timeout and holds nothing else up.
#
# A probe opens several connections to one endpoint (one handshake per TLS
# version...), and hostile.py serves one: the little runner below serves
# the scenario to every connection, each in a process of its own, all
# appending to the same captures.
set -u
. "$(dirname "$0")/../hostile/lib.sh"
hostile_init

# multi SCENARIO [hostile.py serve options]: serve SCENARIO to any number
# of connections for 60 s.  Sets PORT, CAP, TLSCAP, SLOG; killed at exit.
multi() {
    local sc=$1 i=0 d
    shift
    NCASE=$((NCASE + 1))
    d=$T/case$NCASE
    mkdir -p "$d"
    CAP=$d/plain.cap TLSCAP=$d/tls.cap SLOG=$d/server.log
    "$PY" -S -B - "$HOSTILE_DIR" --scenario "$sc" --port-file "$d/port" \
        --capture "$CAP" --tls-capture "$TLSCAP" --log "$SLOG" \
        --cert "$T/pki/good.pem" --key "$T/pki/good.key" --lifetime 60 \
        --user "$TEST_USER" --password "$TEST_PASS" "$@" \
        2>"$d/server.err" <<'EOF' &
import os, signal, socket, sys, time
sys.path.insert(0, sys.argv[1])
sys.dont_write_bytecode = True
import hostile
opts = hostile.Opts(sys.argv[2:])
sc = hostile.SCENARIOS[opts.scenario]
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", 0))
ls.listen(64)
with open(opts.port_file + ".tmp", "w") as f:
    f.write("%d 0\n" % ls.getsockname()[1])
os.rename(opts.port_file + ".tmp", opts.port_file)
open(opts.capture, "ab").close()
signal.signal(signal.SIGCHLD, signal.SIG_IGN)
end = time.monotonic() + opts.lifetime
while time.monotonic() < end:
    ls.settimeout(max(0.1, end - time.monotonic()))
    try:
        s, _ = ls.accept()
    except socket.timeout:
        break
    if os.fork() == 0:
        ls.close()
        peer = hostile.Peer(s, time.monotonic() + 20, opts)
        peer.pop3_user = None
        try:
            hostile.dialogue(peer, sc, opts)
        except Exception as e:
            peer.log("**", "end: %r" % e)
        finally:
            peer.close()
            os._exit(0)
    s.close()
EOF
    SERVER_PIDS+=("$!")
    while [ ! -s "$d/port" ]; do
        if [ "$i" -ge 500 ]; then
            echo "Bail out! runner for $sc did not start: $(cat "$d/server.err")"
            exit 1
        fi
        sleep 0.01; i=$((i + 1))
    done
    read -r PORT _ <"$d/port"
}

# silent: a listener on 127.0.0.5 (an address of its own: the engine makes
# one connection at a time per address) that accepts and never says a
# word.  Sets PORT.
silent() {
    local d=$T/silent i=0
    mkdir -p "$d"
    "$PY" -S -B -c '
import os, socket, sys, time
ls = socket.socket(); ls.bind(("127.0.0.5", 0)); ls.listen(64)
open(sys.argv[1] + ".tmp", "w").write("%d\n" % ls.getsockname()[1])
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
held, end = [], time.monotonic() + 90
ls.settimeout(1)
while time.monotonic() < end:
    try: held.append(ls.accept()[0])
    except socket.timeout: pass' "$d/port" 2>/dev/null &
    SERVER_PIDS+=("$!")
    while [ ! -s "$d/port" ] && [ "$i" -lt 500 ]; do sleep 0.01; i=$((i + 1)); done
    read -r PORT <"$d/port"
}

# probe ARGS...: starling probe --json --cafile (the hostile CA) ARGS.
probe() {
    local d=$T/case$NCASE t0 t1
    OUTF=$d/out ERRF=$d/err
    # shellcheck disable=SC2034  # lib.sh's diag shows them
    LAST_CMD="starling probe --json --cafile $CA_PEM $*"
    t0=$(date +%s.%N)
    timeout 60 "$STARLING" probe --json --cafile "$CA_PEM" "$@" \
        >"$OUTF" 2>"$ERRF" </dev/null
    RC=$?
    t1=$(date +%s.%N)
    SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
    # shellcheck disable=SC2034
    OUT=$(cat "$OUTF"); ERR=$(cat "$ERRF")
}

# expect_secrets_kept DESC: the leak scan finds nothing in either capture.
expect_secrets_kept() {
    expect_no_leak "$1: nothing secret in the clear"
    expect_no_leak "$1: nothing secret inside TLS either" "$TLSCAP"
}

# ---------------------------------------------------------------- control
multi imap-clean
probe --timeout 5 "imap://localhost:$PORT"
expect_exit "control: a correct hostile.py server" 0
expect_json "control: level 2, TLS, valid certificate" \
    targets.0.level=2 targets.0.endpoints.0.level=2 \
    targets.0.endpoints.0.certificate.verify.trusted=true \
    targets.0.endpoints.0.starttls_accepted=true
expect_secrets_kept "control"
[ "$(grep -c 'plain S: \* OK' "$SLOG")" -ge 2 ]
tap_result $? "control: the runner served more than one connection" diag

# ------------------------------------------------------ stripping, refusal
while read -r sc scheme re; do
    multi "$sc"
    probe --timeout 5 "$scheme://localhost:$PORT"
    expect_exit "$sc" 2
    expect_json "$sc: level 0, no TLS, a finding about it (/$re/)" \
        targets.0.level=0 targets.0.endpoints.0.level=0 \
        targets.0.endpoints.0.tls=null "targets.0.endpoints.0.findings~$re"
    expect_secrets_kept "$sc"
done <<'CASES'
imap-strip-bad imap starttls
imap-strip-unadvertised imap starttls
pop3-strip-err pop3 starttls
smtp-strip-454 smtp starttls
CASES

# -------------------------------------------------------------- injection
while read -r sc scheme; do
    multi "$sc"
    probe --timeout 5 "$scheme://localhost:$PORT"
    expect_exit "$sc" 2
    expect_json "$sc: level 0, a finding about the injected bytes" \
        targets.0.level=0 targets.0.endpoints.0.level=0 \
        'targets.0.endpoints.0.findings~inject'
    expect_secrets_kept "$sc"
done <<'CASES'
imap-inject imap
smtp-inject smtp
CASES

# ------------------------------------------ a silent endpoint holds nothing up
multi imap-clean
CLEAN=$PORT
silent
probe --timeout 2 "imap://127.0.0.5:$PORT" "imap://localhost:$CLEAN"
[ "$RC" -ne 124 ] && [ "$RC" -ne 137 ]
tap_result $? "silent + correct server: probe ends on its own (${SECS}s)" diag
expect_json "silent + correct: the correct server still has full results" \
    targets.1.level=2 targets.1.endpoints.0.level=2 \
    'targets.1.endpoints.0.tls.version~^TLS1\.[23]$' \
    'targets.1.endpoints.0.grade~^A' \
    'targets.1.endpoints.0.certificate.sha256~^[0-9A-F:]{95}$' \
    'targets.1.endpoints.0.versions~"TLS1\.2": "accepted"'
expect_json "silent + correct: the silent one: no verdict, no TLS, the reason" \
    targets.0.endpoints.0.tls=null 'targets.0.endpoints.0.error~.' \
    targets.0.endpoints.0.level=null targets.0.endpoints.0.grade=null \
    targets.0.level=null 'targets.0.endpoints.0.findings~probe_stopped'
awk -v s="$SECS" 'BEGIN { exit !(s < 30) }'
tap_result $? "silent + correct: far below the 60 s limit with --timeout 2 (${SECS}s)" diag

tap_done
