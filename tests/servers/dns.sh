# shellcheck shell=bash
# tests/servers/dns.sh -- a DNS server (dnsmasq) on loopback, for TAP tests.
#
# Source it (alone, or after harness.sh), then:
#   dns_require            skip the script ("1..0 # SKIP") without dnsmasq
#   dns_start [OPTION...]  start dnsmasq on 127.0.0.1:$DNS_PORT (UDP and TCP)
#                          serving the zone below, plus OPTIONs: more dnsmasq
#                          records (--srv-host=..., --host-record=...), e.g.
#                          SRV records that point at the harness's ports
#   dns_stop               stop it; also run on EXIT (call dns_start after
#                          harness_start: both traps then run), and by a
#                          watchdog should the script be killed
# It sets DNS_PORT, DNS_RESOLVER (127.0.0.1:$DNS_PORT, for --resolver),
# DNS_DIR (a temporary directory) and DNS_LOG (every query is logged).
#
# dnsmasq answers for .test only: any other name is REFUSED, an unknown
# .test name is NXDOMAIN (no such domain). The zone:
#   example.test        MX 10 mx1.example.test, MX 20 mx2.example.test
#                       (given in the other order: sorting is tested)
#     SRV _submissions._tcp  0 1 465  mail.example.test
#     SRV _submission._tcp   0 1 587  mail.example.test
#     SRV _imaps._tcp       10 1 993  imap2.example.test  (no address)
#                            0 1 993  mail.example.test
#     SRV _imap._tcp         0 0 0    .  (RFC 6186 §3.4: not offered)
#     SRV _pop3s._tcp        0 1 995  mail.example.test
#     (no _pop3._tcp)
#   mx1.example.test    A 127.0.0.1, AAAA ::1
#   mx2.example.test    A 127.0.0.2
#   mail.example.test   A 127.0.0.1, A 127.0.0.3
#   alias.example.test  CNAME mail.example.test
#   host.example.test   A 127.0.0.1 (no MX, no SRV: a host)
#   srv.test            only SRV _imaps._tcp 0 1 993 mail.example.test
#   weights.test        SRV _submission._tcp 0 5 587 light.weights.test,
#                       0 50 587 heavy.weights.test, 1 90 587 late.weights.test
#                       (all three at 127.0.0.1)
#   dup.test            MX 10 mail.dup.test and
#                       SRV _submission._tcp 0 1 25 mail.dup.test (127.0.0.1)
#   nullmx.test         MX 0 . (RFC 7505: no mail)
#   nomx.test           MX 10 gone.nomx.test (no such name)

dns_require() {
    command -v dnsmasq >/dev/null 2>&1 || PATH=$PATH:/usr/sbin:/sbin
    command -v dnsmasq >/dev/null 2>&1 ||
        { echo "1..0 # SKIP dnsmasq not installed (Debian: dnsmasq)"; exit 0; }
    command -v python3 >/dev/null 2>&1 ||
        { echo "1..0 # SKIP python3 not installed"; exit 0; }
}

# The records of the zone above, as dnsmasq options.
_dns_zone() {
    local e=example.test
    printf '%s\n' \
        --local=/test/ \
        --mx-host=$e,mx2.$e,20 --mx-host=$e,mx1.$e,10 \
        --srv-host=_submissions._tcp.$e,mail.$e,465,0,1 \
        --srv-host=_submission._tcp.$e,mail.$e,587,0,1 \
        --srv-host=_imaps._tcp.$e,imap2.$e,993,10,1 \
        --srv-host=_imaps._tcp.$e,mail.$e,993,0,1 \
        --srv-host=_imap._tcp.$e,.,0,0,0 \
        --srv-host=_pop3s._tcp.$e,mail.$e,995,0,1 \
        --host-record=mx1.$e,127.0.0.1,::1 \
        --host-record=mx2.$e,127.0.0.2 \
        --host-record=mail.$e,127.0.0.1 --host-record=mail.$e,127.0.0.3 \
        --cname=alias.$e,mail.$e \
        --host-record=host.$e,127.0.0.1 \
        --srv-host=_imaps._tcp.srv.test,mail.$e,993,0,1 \
        --srv-host=_submission._tcp.weights.test,light.weights.test,587,0,5 \
        --srv-host=_submission._tcp.weights.test,heavy.weights.test,587,0,50 \
        --srv-host=_submission._tcp.weights.test,late.weights.test,587,1,90 \
        --host-record=light.weights.test,127.0.0.1 \
        --host-record=heavy.weights.test,127.0.0.1 \
        --host-record=late.weights.test,127.0.0.1 \
        --mx-host=dup.test,mail.dup.test,10 \
        --srv-host=_submission._tcp.dup.test,mail.dup.test,25,0,1 \
        --host-record=mail.dup.test,127.0.0.1 \
        --mx-host=nullmx.test,.,0 \
        --mx-host=nomx.test,gone.nomx.test,10
}

# dns_free_port: a port free for both UDP and TCP on 127.0.0.1.
dns_free_port() {
    python3 - <<'EOF'
import socket
while True:
    t = socket.socket(); t.bind(("127.0.0.1", 0)); p = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", p))
    except OSError:
        t.close(); continue
    print(p); break
EOF
}

# _dns_alive PID: running (a zombie left for init to reap counts as gone).
# No subshell here: it runs inside the EXIT trap.
_dns_alive() {
    local line st
    read -r line 2>/dev/null <"/proc/$1/stat" || return 1
    st=${line##*) }
    st=${st%% *}
    [ "$st" != Z ] && [ "$st" != X ]
}

# _dns_launch OPTION...: one try at a free port; 0 when dnsmasq runs.
_dns_launch() {
    DNS_PORT=$(dns_free_port) || return 1
    # shellcheck disable=SC2046
    dnsmasq --no-resolv --no-hosts --no-poll --conf-file=/dev/null \
        --port="$DNS_PORT" --listen-address=127.0.0.1 --bind-interfaces \
        --pid-file="$DNS_DIR/dnsmasq.pid" --log-queries \
        --log-facility="$DNS_LOG" $(_dns_zone) "$@" \
        >"$DNS_DIR/start.out" 2>&1 </dev/null || return 1
    DNS_PID=$(tr -dc 0-9 <"$DNS_DIR/dnsmasq.pid" 2>/dev/null)
    [ -n "$DNS_PID" ] && _dns_alive "$DNS_PID"
}

# _dns_watchdog: stop dnsmasq once this shell is gone, however it ended
# (the EXIT trap does it when the shell ends normally).
_dns_watchdog() {
    local parent=$$
    ( trap - EXIT TERM
      trap '' INT HUP
      while _dns_alive "$parent"; do sleep 1; done
      dns_stop ) >/dev/null 2>&1 </dev/null &
    DNS_WATCHDOG=$!
}

# _dns_trap: run dns_stop on EXIT, before what the EXIT trap did already.
_dns_trap() {
    local -a cur
    eval "cur=($(trap -p EXIT))"	# trap -- 'COMMANDS' EXIT
    if [ "${#cur[@]}" -eq 4 ]; then
        # shellcheck disable=SC2064
        trap "dns_stop; ${cur[2]}" EXIT
    else
        trap dns_stop EXIT
    fi
    trap 'exit 130' INT TERM HUP
}

dns_start() {
    DNS_DIR=$(mktemp -d "${TMPDIR:-/tmp}/starling-dns.XXXXXX") ||
        { echo "Bail out! dns: mktemp failed"; exit 1; }
    chmod 755 "$DNS_DIR"   # dnsmasq drops to its own user after start
    DNS_LOG=$DNS_DIR/dnsmasq.log
    export DNS_DIR DNS_LOG
    _dns_trap
    local try
    for try in 1 2 3; do
        _dns_launch "$@" && break
        if [ "$try" -eq 3 ]; then
            echo "Bail out! dns: dnsmasq did not start: $(head -c 300 "$DNS_DIR/start.out")"
            exit 1
        fi
    done
    export DNS_PORT DNS_RESOLVER=127.0.0.1:$DNS_PORT
    _dns_watchdog
}

dns_stop() {
    [ -n "${DNS_DIR:-}" ] && [ -d "$DNS_DIR" ] || return 0
    [ -n "${DNS_WATCHDOG:-}" ] && kill "$DNS_WATCHDOG" 2>/dev/null
    DNS_WATCHDOG=
    if [ -n "${DNS_PID:-}" ] && _dns_alive "$DNS_PID"; then
        kill -TERM "$DNS_PID" 2>/dev/null
        local i=0
        while _dns_alive "$DNS_PID" && [ "$i" -lt 50 ]; do
            sleep 0.1; i=$((i + 1))
        done
        _dns_alive "$DNS_PID" && kill -KILL "$DNS_PID" 2>/dev/null
    fi
    DNS_PID=
    if [ -n "${HARNESS_KEEP:-}" ]; then
        echo "# dns: kept $DNS_DIR" >&2
    else
        rm -rf "$DNS_DIR"
    fi
    DNS_DIR=
}
