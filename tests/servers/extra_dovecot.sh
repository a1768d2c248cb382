# shellcheck shell=bash
# tests/servers/extra_dovecot.sh -- more Dovecots beside the harness's, on
# the same Maildir (the same userdb home, so Postfix's deliveries show too),
# each announcing only some capabilities after login (Dovecot's
# imap_capability setting): what starling does when a server lacks MOVE,
# UIDPLUS, SORT, THREAD or IDLE. Source after harness.sh, once harness_start
# has run.
#
#   extra_dovecot NAME CAPS   start one; its STARTTLS port in $PORT_NAME
#   extra_stop                stop them all (extra_dovecot sets an EXIT
#                             trap that does this, then harness_stop, and,
#                             when defined, ui_cleanup instead of the latter)

EXTRA_PIDFILES=()

extra_dovecot() {
    local n=$1 caps=$2 d=$H/dovecot-$1 port
    port=$(_free_ports 1)
    IMAP_PORT=$port IMAPS_PORT=0 POP3_PORT=0 POP3S_PORT=0 \
        _dovecot_conf "dovecot-$n" yes
    sed -i 's/^protocols = imap pop3$/protocols = imap/' "$d/dovecot.conf"
    echo "imap_capability = $caps" >>"$d/dovecot.conf"
    if [ "$(type -t ui_cleanup)" = function ]; then
        trap 'extra_stop; ui_cleanup' EXIT
    else
        trap 'extra_stop; harness_stop' EXIT
    fi
    dovecot -c "$d/dovecot.conf" >"$H/$n.out" 2>&1 ||
        harness_fail "dovecot ($n) did not start: $(cat "$H/$n.out")"
    EXTRA_PIDFILES+=("$d/run/master.pid")
    wait_ports 20 "127.0.0.1:$port" >"$H/$n.out" 2>&1 ||
        harness_fail "dovecot ($n) is not listening"
    printf -v "PORT_$n" '%s' "$port"
}

extra_stop() {
    local f pids=()
    for f in "${EXTRA_PIDFILES[@]}"; do
        [ -f "$f" ] && pids+=("$(tr -dc 0-9 <"$f")")
    done
    [ ${#pids[@]} -gt 0 ] && _probe_extras_kill "${pids[@]}"
    EXTRA_PIDFILES=()
}

# The capabilities every extra Dovecot keeps.
# shellcheck disable=SC2034  # used by the scripts that source this
EXTRA_BASE_CAPS="IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE UNSELECT CHILDREN NAMESPACE"
