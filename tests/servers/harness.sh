# shellcheck shell=bash
# tests/servers/harness.sh -- real Dovecot + Postfix on loopback, for TAP tests.
#
# Source it, then call harness_start.  It needs root (Dovecot and Postfix drop
# privileges themselves), certtool, dovecot, postfix and python3; when one is
# missing the script is skipped ("1..0 # SKIP reason"), never passed.
#
# What runs (all on loopback, high ports picked at start):
#   Dovecot "tls" instance, one port number per service on four addresses,
#   the certificate chosen by the local address (Dovecot `local` blocks):
#     127.0.0.1 ($GOOD_HOST=localhost)  good cert, signed by $CA_PEM
#     $WRONGNAME_HOST=127.0.0.2         SAN DNS:wrong.example only
#     $EXPIRED_HOST=127.0.0.3           valid names, validity in the past
#     $UNKNOWNCA_HOST=127.0.0.4         valid names, signed by a CA never given out
#     ports: $IMAP_PORT (STARTTLS) $IMAPS_PORT $POP3_PORT (STLS) $POP3S_PORT
#   Postfix on the same four addresses with the same cert per address:
#     $SUBMISSION_PORT (STARTTLS, required before AUTH)  $SMTPS_PORT (implicit TLS)
#     SASL through the "tls" Dovecot's auth; mail for alice@localhost is
#     delivered by Postfix's virtual(8) into $H/mail/alice/Maildir, which is
#     the Maildir Dovecot serves to alice.  Received fields record the TLS
#     facts (smtpd_tls_received_header); 127.0.0.1 may send XCLIENT (to
#     stand for a sender elsewhere, as tests/servers/t-transit.sh does).
#     the Maildir Dovecot serves to alice; so is alice+anything@localhost
#     (recipient_delimiter), a second recipient for Bcc tests, and
#     anything@alias.test (for tools that want a dot in the domain).
#   Dovecot "plain" instance (ssl = no, plaintext auth allowed), 127.0.0.1:
#     $PLAIN_IMAP_PORT $PLAIN_POP3_PORT, and Postfix $PLAIN_SMTP_PORT (no TLS,
#     AUTH in the clear, SASL through the plain Dovecot's auth).
#   $CLOSED_PORT: a port nothing listens on.
# Logs: $DOVECOT_LOG, $PLAIN_DOVECOT_LOG, $POSTFIX_LOG (auth_verbose+auth_debug).
# Credentials: $TEST_USER / $TEST_PASS, also in $TEST_PASSFILE (mode 0600);
# $TEST_EMAIL.  PKI: $CA_PEM $CA2_PEM $GOOD_PEM $WRONGNAME_PEM $EXPIRED_PEM
# $UNKNOWNCA_PEM (each with a .key beside it).  XDG_*_HOME point into $H.
# harness_stop (an EXIT trap, and a watchdog should the script be killed)
# stops everything and removes $H; HARNESS_KEEP=1 keeps $H to look at.
#
# Also here: TAP helpers (tap_plan, tap_result, tap_done), certificate facts
# as certtool sees them (cert_field), log tools (log_mark, log_since,
# log_wait, server_saw_auth, server_saw_no_auth), starling configs
# (config_new, config_account) and runs (check, run_starling, expect_rc,
# expect_json -- see jexpect.py --, expect_output_lacks).

HARNESS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export HARNESS_DIR
export TEST_USER=alice TEST_PASS=s3cret-Pa55 TEST_EMAIL=alice@localhost
export GOOD_HOST=localhost WRONGNAME_HOST=127.0.0.2 EXPIRED_HOST=127.0.0.3 \
    UNKNOWNCA_HOST=127.0.0.4

# ---------------------------------------------------------------- TAP helpers
TAP_N=0
TAP_FAILED=0

tap_plan() { echo "1..$1"; }

tap_skip_all() { echo "1..0 # SKIP $*"; exit 0; }

# tap_diag TEXT...: every line of TEXT as a "# " line.
tap_diag() { printf '%s\n' "$@" | sed 's/^/# /'; }

# tap_result STATUS DESC [DIAG]: STATUS 0 = ok.
tap_result() {
    TAP_N=$((TAP_N + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $TAP_N - $2"
    else
        echo "not ok $TAP_N - $2"
        TAP_FAILED=$((TAP_FAILED + 1))
        [ -n "${3:-}" ] && tap_diag "$3"
    fi
    return 0
}

tap_skip() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $1 # SKIP $2"; }

# tap_done: the end of a script.  The test points carry the verdict (a
# non-zero exit would count once more as an ERROR under tap-driver.sh).
tap_done() {
    [ "$TAP_FAILED" -gt 0 ] && echo "# $TAP_FAILED of $TAP_N test points failed"
    exit 0
}

# --------------------------------------------------------------- requirements
harness_require() {
    [ "$(id -u)" -eq 0 ] || tap_skip_all "needs root to run Dovecot and Postfix"
    local b
    for b in certtool dovecot postfix postconf python3 timeout; do
        command -v "$b" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin:/sbin
        command -v "$b" >/dev/null 2>&1 || tap_skip_all "$b not installed"
    done
    for b in dovecot dovenull postfix mail; do
        id "$b" >/dev/null 2>&1 || tap_skip_all "no user $b (install dovecot-core, postfix)"
    done
    getent group postdrop >/dev/null || tap_skip_all "no group postdrop (install postfix)"
}

# The starling binary: $STARLING, else the built ui/starling.
harness_require_starling() {
    : "${STARLING:=${top_builddir:-$HARNESS_DIR/../..}/ui/starling}"
    export STARLING
    if [ ! -x "$STARLING" ]; then
        echo "Bail out! STARLING=$STARLING is not an executable (build it first)"
        exit 1
    fi
}

# ------------------------------------------------------------------------ PKI
_cert() { # NAME SIGNER TEMPLATE-LINES...
    local name=$1 signer=$2; shift 2
    printf '%s\n' "$@" >"$H/pki/$name.tmpl"
    certtool --generate-privkey --key-type ecdsa --curve secp256r1 --no-text \
        --outfile "$H/pki/$name.key" 2>/dev/null || return 1
    if [ "$signer" = self ]; then
        certtool --generate-self-signed --load-privkey "$H/pki/$name.key" \
            --template "$H/pki/$name.tmpl" --outfile "$H/pki/$name.pem" --no-text
    else
        certtool --generate-certificate --load-privkey "$H/pki/$name.key" \
            --load-ca-certificate "$H/pki/$signer.pem" \
            --load-ca-privkey "$H/pki/$signer.key" \
            --template "$H/pki/$name.tmpl" --outfile "$H/pki/$name.pem" --no-text
    fi 2>/dev/null
}

_make_pki() {
    mkdir -p "$H/pki"
    local past='activation_date = "2020-01-01 00:00:00 UTC"'
    local srv=(tls_www_server signing_key encryption_key)
    _cert ca self 'cn = "Starling Test CA"' 'organization = "Starling tests"' \
        ca cert_signing_key crl_signing_key "$past" 'expiration_days = 3650' &&
    _cert ca2 self 'cn = "Starling Unknown CA"' ca cert_signing_key "$past" \
        'expiration_days = 3650' &&
    _cert good ca 'cn = "localhost"' 'dns_name = "localhost"' \
        'ip_address = "127.0.0.1"' "${srv[@]}" 'expiration_days = 30' &&
    _cert wrongname ca 'cn = "wrong.example"' 'dns_name = "wrong.example"' \
        "${srv[@]}" 'expiration_days = 30' &&
    _cert expired ca 'cn = "localhost"' 'dns_name = "localhost"' \
        'ip_address = "127.0.0.3"' "${srv[@]}" "$past" \
        'expiration_date = "2021-01-01 00:00:00 UTC"' &&
    _cert unknownca ca2 'cn = "localhost"' 'dns_name = "localhost"' \
        'ip_address = "127.0.0.4"' "${srv[@]}" 'expiration_days = 30' || return 1
    export CA_PEM=$H/pki/ca.pem CA2_PEM=$H/pki/ca2.pem GOOD_PEM=$H/pki/good.pem \
        WRONGNAME_PEM=$H/pki/wrongname.pem EXPIRED_PEM=$H/pki/expired.pem \
        UNKNOWNCA_PEM=$H/pki/unknownca.pem
}

# cert_field PEM FIELD: what `certtool -i` says, normalised to the JSON forms
# of `starling check --json`.  FIELD: sha256 (AA:BB:..), pin, subject, issuer,
# san (one per line), not_before, not_after (ISO-8601 UTC with Z).
cert_field() {
    LC_ALL=C certtool -i --infile "$1" | python3 -c '
import sys, re, datetime
t = sys.stdin.read(); f = sys.argv[1]
def date(k):
    s = re.search(r"\t\t" + k + r": (.*)", t).group(1).strip()
    d = datetime.datetime.strptime(s.replace(" UTC", ""), "%a %b %d %H:%M:%S %Y")
    return d.strftime("%Y-%m-%dT%H:%M:%SZ")
if f == "sha256":
    h = re.search(r"Fingerprint:\s*\n\s*sha1:\S+\s*\n\s*sha256:([0-9a-f]+)", t).group(1)
    print(":".join(h[i:i+2] for i in range(0, len(h), 2)).upper())
elif f == "pin":
    print(re.search(r"(pin-sha256:\S+)", t).group(1))
elif f in ("subject", "issuer"):
    print(re.search(r"\t" + f.capitalize() + r": (.*)", t).group(1))
elif f == "san":
    for m in re.finditer(r"\t\t\t(?:DNSname|IPAddress): (.*)", t):
        print(m.group(1))
elif f == "not_before":
    print(date("Not Before"))
elif f == "not_after":
    print(date("Not After"))
else:
    sys.exit("unknown field " + f)
' "$2"
}

# ----------------------------------------------------------------------- ports
_free_ports() { # N: N distinct ports free on 127.0.0.1-4
    python3 - "$1" <<'EOF'
import socket, sys
n, ports, held = int(sys.argv[1]), [], []
while len(ports) < n:
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]
    try:
        for a in ("127.0.0.2", "127.0.0.3", "127.0.0.4"):
            t = socket.socket(); t.bind((a, p)); held.append(t)
    except OSError:
        s.close(); continue
    held.append(s); ports.append(p)
print(" ".join(map(str, ports)))
EOF
}

# wait_ports SECONDS HOST:PORT...: until all accept connections.
wait_ports() {
    python3 - "$@" <<'EOF'
import socket, sys, time
limit = time.time() + float(sys.argv[1]); todo = sys.argv[2:]
while todo and time.time() < limit:
    left = []
    for hp in todo:
        h, p = hp.rsplit(":", 1)
        try: socket.create_connection((h, int(p)), 1).close()
        except OSError: left.append(hp)
    todo = left
    if todo: time.sleep(0.2)
if todo: sys.exit("not listening after %s s: %s" % (sys.argv[1], " ".join(todo)))
EOF
}

# -------------------------------------------------------------------- dovecot
_dovecot_conf() { # NAME SSL(yes|no)  -> $H/NAME/dovecot.conf
    local d=$H/$1 ssl=$2
    mkdir -p "$d"
    {
        cat <<EOF
instance_name = starling-$1-$$
base_dir = $d/run
state_dir = $d/state
log_path = $H/$1.log
protocols = imap pop3
listen = 127.0.0.1
default_internal_user = dovecot
default_login_user = dovenull
first_valid_uid = $(id -u mail)
first_valid_gid = $(id -g mail)
mail_location = maildir:~/Maildir
auth_mechanisms = plain login
auth_verbose = yes
auth_debug = yes
auth_failure_delay = 0
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%n $d/passwd
}
userdb {
  driver = static
  args = uid=mail gid=mail home=$H/mail/%n allow_all_users=yes
}
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service auth {
  unix_listener $d/auth-postfix {
    mode = 0660
    user = postfix
    group = postfix
  }
}
EOF
        if [ "$ssl" = yes ]; then
            cat <<EOF
ssl = yes
ssl_min_protocol = TLSv1.2
ssl_cert = <$GOOD_PEM
ssl_key = <$H/pki/good.key
disable_plaintext_auth = yes
service imap-login {
  inet_listener imap {
    address = 127.0.0.1, $WRONGNAME_HOST, $EXPIRED_HOST, $UNKNOWNCA_HOST
    port = $IMAP_PORT
  }
  inet_listener imaps {
    address = 127.0.0.1, $WRONGNAME_HOST, $EXPIRED_HOST, $UNKNOWNCA_HOST
    port = $IMAPS_PORT
    ssl = yes
  }
}
service pop3-login {
  inet_listener pop3 {
    address = 127.0.0.1, $WRONGNAME_HOST, $EXPIRED_HOST, $UNKNOWNCA_HOST
    port = $POP3_PORT
  }
  inet_listener pop3s {
    address = 127.0.0.1, $WRONGNAME_HOST, $EXPIRED_HOST, $UNKNOWNCA_HOST
    port = $POP3S_PORT
    ssl = yes
  }
}
EOF
            local ip name
            for ip in "$WRONGNAME_HOST:wrongname" "$EXPIRED_HOST:expired" \
                      "$UNKNOWNCA_HOST:unknownca"; do
                name=${ip#*:}
                printf 'local %s {\n  ssl_cert = <%s\n  ssl_key = <%s\n}\n' \
                    "${ip%%:*}" "$H/pki/$name.pem" "$H/pki/$name.key"
            done
        else
            cat <<EOF
ssl = no
disable_plaintext_auth = no
service imap-login {
  inet_listener imap {
    port = $PLAIN_IMAP_PORT
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    port = $PLAIN_POP3_PORT
  }
  inet_listener pop3s {
    port = 0
  }
}
EOF
        fi
    } >"$d/dovecot.conf"
    printf '%s:{PLAIN}%s\n' "$TEST_USER" "$TEST_PASS" >"$d/passwd"
    chown root:dovecot "$d/passwd"; chmod 640 "$d/passwd"   # auth runs as dovecot
}

# -------------------------------------------------------------------- postfix
_postfix_conf() {
    # queue and data directories outside the config directory, whose files
    # "postfix check" wants owned by root
    local c=$H/postfix
    mkdir -p "$c" "$H/postfix-spool" "$H/postfix-data"
    chown postfix:postfix "$H/postfix-data"
    cat >"$c/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $H/postfix-spool
data_directory = $H/postfix-data
mail_owner = postfix
setgid_group = postdrop
myhostname = mail.starling.test
mydomain = starling.test
myorigin = \$myhostname
mydestination = \$myhostname
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
local_recipient_maps =
virtual_mailbox_domains = localhost
recipient_delimiter = +
virtual_alias_domains = alias.test
virtual_alias_maps = inline:{ @alias.test=$TEST_EMAIL }
virtual_mailbox_base = $H/mail
virtual_mailbox_maps = inline:{ $TEST_EMAIL=$TEST_USER/Maildir/ }
virtual_minimum_uid = $(id -u mail)
virtual_uid_maps = static:$(id -u mail)
virtual_gid_maps = static:$(id -g mail)
relayhost =
smtp_dns_support_level = disabled
smtpd_peername_lookup = no
smtpd_error_sleep_time = 0
maillog_file = $H/postfix.log
maillog_file_prefixes = $H
biff = no
smtpd_banner = \$myhostname ESMTP starling-test
smtpd_tls_chain_files = $H/pki/good.key, $GOOD_PEM
smtpd_tls_security_level = may
smtpd_tls_auth_only = yes
smtpd_tls_protocols = >=TLSv1.2
smtpd_tls_mandatory_protocols = >=TLSv1.2
smtpd_tls_loglevel = 1
smtpd_tls_received_header = yes
smtpd_authorized_xclient_hosts = 127.0.0.1
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = $H/dovecot/auth-postfix
smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination
smtpd_recipient_restrictions =
# room for the 20 MB attachment of tests/ui/t-mime.sh (base64: 27 MB)
message_size_limit = 67108864
virtual_mailbox_limit = 67108864
EOF
    {
        cat <<'EOF'
# service type  private unpriv  chroot  wakeup  maxproc command + args
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
        local ip name
        for ip in "127.0.0.1:good" "$WRONGNAME_HOST:wrongname" \
                  "$EXPIRED_HOST:expired" "$UNKNOWNCA_HOST:unknownca"; do
            name=${ip#*:}
            local chain="$H/pki/$name.key,$H/pki/$name.pem"
            cat <<EOF
${ip%%:*}:$SUBMISSION_PORT inet n - n - - smtpd
  -o syslog_name=postfix/submission-$name
  -o smtpd_tls_security_level=encrypt
  -o smtpd_tls_chain_files=$chain
${ip%%:*}:$SMTPS_PORT inet n - n - - smtpd
  -o syslog_name=postfix/smtps-$name
  -o smtpd_tls_wrappermode=yes
  -o smtpd_tls_security_level=encrypt
  -o smtpd_tls_chain_files=$chain
EOF
        done
        cat <<EOF
127.0.0.1:$PLAIN_SMTP_PORT inet n - n - - smtpd
  -o syslog_name=postfix/submission-plain
  -o smtpd_tls_security_level=none
  -o smtpd_tls_auth_only=no
  -o smtpd_sasl_path=$H/dovecot-plain/auth-postfix
EOF
    } >"$c/master.cf"
}

# ---------------------------------------------------------------- start, stop
harness_start() {
    harness_require
    H=$(mktemp -d "${TMPDIR:-/tmp}/starling-h.XXXXXX") || tap_skip_all "mktemp failed"
    export H
    trap harness_stop EXIT
    trap 'exit 130' INT TERM HUP
    chmod 711 "$H"   # Postfix (sasl, virtual) and the mail uid pass through $H

    export TEST_PASSFILE=$H/passfile
    printf '%s\n' "$TEST_PASS" >"$TEST_PASSFILE"; chmod 600 "$TEST_PASSFILE"
    ACCOUNT_KEYS+=("password_cmd=cat $TEST_PASSFILE")
    export XDG_CONFIG_HOME=$H/xdg/config XDG_DATA_HOME=$H/xdg/data \
        XDG_STATE_HOME=$H/xdg/state XDG_CACHE_HOME=$H/xdg/cache
    mkdir -p "$XDG_CONFIG_HOME/starling" "$XDG_DATA_HOME" "$XDG_STATE_HOME" \
        "$XDG_CACHE_HOME"
    chmod 700 "$H/xdg"
    export DOVECOT_LOG=$H/dovecot.log PLAIN_DOVECOT_LOG=$H/dovecot-plain.log \
        POSTFIX_LOG=$H/postfix.log
    : >"$DOVECOT_LOG"; : >"$PLAIN_DOVECOT_LOG"; : >"$POSTFIX_LOG"
    mkdir -p "$H/mail"; chown mail:mail "$H/mail"
    _make_pki || harness_fail "certtool could not make the test PKI"

    # Ports are picked free, then bound by the daemons a moment later: a
    # parallel test may take one in between, so try again with new ones.
    local try
    for try in 1 2 3; do
        _start_servers && break
        [ "$try" -eq 3 ] && harness_fail "$(cat "$H/start.out")"
        _stop_servers
    done
    _watchdog
}

_start_servers() {
    # shellcheck disable=SC2046
    set -- $(_free_ports 10)
    export IMAP_PORT=$1 IMAPS_PORT=$2 POP3_PORT=$3 POP3S_PORT=$4 \
        SUBMISSION_PORT=$5 SMTPS_PORT=$6 PLAIN_IMAP_PORT=$7 PLAIN_POP3_PORT=$8 \
        PLAIN_SMTP_PORT=$9 CLOSED_PORT=${10}
    _dovecot_conf dovecot yes
    _dovecot_conf dovecot-plain no
    _postfix_conf

    # The daemons keep inherited descriptors: never start them inside $(...).
    local out=$H/start.out a hp=()
    dovecot -c "$H/dovecot/dovecot.conf" >"$out" 2>&1 \
        || { echo "dovecot (tls) did not start" >>"$out"; return 1; }
    dovecot -c "$H/dovecot-plain/dovecot.conf" >"$out" 2>&1 \
        || { echo "dovecot (plain) did not start" >>"$out"; return 1; }
    postfix -c "$H/postfix" check >"$out" 2>&1 \
        || { echo "postfix check failed" >>"$out"; return 1; }
    postfix -c "$H/postfix" start >"$out" 2>&1 \
        || { echo "postfix did not start" >>"$out"; return 1; }

    for a in 127.0.0.1 "$WRONGNAME_HOST" "$EXPIRED_HOST" "$UNKNOWNCA_HOST"; do
        hp+=("$a:$IMAP_PORT" "$a:$IMAPS_PORT" "$a:$POP3_PORT" "$a:$POP3S_PORT"
             "$a:$SUBMISSION_PORT" "$a:$SMTPS_PORT")
    done
    hp+=("127.0.0.1:$PLAIN_IMAP_PORT" "127.0.0.1:$PLAIN_POP3_PORT"
         "127.0.0.1:$PLAIN_SMTP_PORT")
    wait_ports 20 "${hp[@]}" >"$out" 2>&1 || return 1
    for a in dovecot dovecot-plain; do
        [ -S "$H/$a/auth-postfix" ] \
            || { echo "no Dovecot auth socket $H/$a/auth-postfix" >"$out"; return 1; }
    done
}

# If the test script dies without running its EXIT trap (SIGKILL), a
# watchdog stops the servers after it.
_watchdog() {
    local parent=$$
    ( trap '' INT HUP
      while _alive "$parent"; do sleep 1; done
      harness_stop ) >/dev/null 2>&1 </dev/null &
    HARNESS_WATCHDOG=$!
}

# harness_fail MSG: the servers could not be brought up: bail out (an error,
# not a pass and not a skip), with the logs.
harness_fail() {
    echo "Bail out! harness: $1" | head -n 1
    tap_diag "$1"
    local f
    for f in "${DOVECOT_LOG:-}" "${PLAIN_DOVECOT_LOG:-}" "${POSTFIX_LOG:-}"; do
        [ -s "$f" ] && { tap_diag "--- $f"; tap_diag "$(tail -n 20 "$f")"; }
    done
    exit 1
}

_alive() { # PID: running (a zombie left for init to reap counts as gone)
    local st
    st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
    [ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

_wait_gone() { # PID SECONDS
    local i=0
    while _alive "$1" && [ "$i" -lt $(($2 * 10)) ]; do
        sleep 0.1; i=$((i + 1))
    done
    ! _alive "$1"
}

_stop_servers() { # ask all three to stop at once, then wait for each
    local pids=() pid f
    f=$H/postfix-spool/pid/master.pid
    if [ -f "$f" ]; then
        pids+=("$(tr -dc 0-9 <"$f")")
        postfix -c "$H/postfix" stop >/dev/null 2>&1
    fi
    for f in "$H/dovecot/run/master.pid" "$H/dovecot-plain/run/master.pid"; do
        [ -f "$f" ] || continue
        pid=$(tr -dc 0-9 <"$f")
        pids+=("$pid")
        kill -TERM "$pid" 2>/dev/null
    done
    for pid in "${pids[@]}"; do
        [ -n "$pid" ] || continue
        _wait_gone "$pid" 15 || kill -KILL "$pid" 2>/dev/null
    done
}

harness_stop() {
    [ -n "${H:-}" ] && [ -d "$H" ] || return 0
    if [ -n "${HARNESS_WATCHDOG:-}" ]; then
        kill "$HARNESS_WATCHDOG" 2>/dev/null
        HARNESS_WATCHDOG=
    fi
    _stop_servers
    if [ -n "${HARNESS_KEEP:-}" ]; then
        echo "# harness: kept $H" >&2
    else
        rm -rf "$H"
    fi
    H=
}

# ------------------------------------------------------------------ log tools
# log_mark FILE: the current size, to look only at what comes after it.
log_mark() { stat -c %s "$1"; }

# log_since FILE MARK: what was written to FILE after MARK.
log_since() { tail -c +"$(($2 + 1))" "$1"; }

# log_wait FILE MARK REGEX [SECONDS]: wait until a line after MARK matches.
log_wait() {
    local i=0 limit=$((${4:-10} * 10))
    until log_since "$1" "$2" | grep -Eq -- "$3"; do
        [ "$i" -ge "$limit" ] && return 1
        sleep 0.1; i=$((i + 1))
    done
}

# What shows that a credential reached the server's authentication: Dovecot's
# auth process receiving a request (IMAP/POP3 logins and Postfix SASL alike),
# any log line naming the user, a login or a failed one, Postfix's SASL notes.
AUTH_ATTEMPT_RE="client in: AUTH|$TEST_USER|auth(entication)? failed|Login: user=|sasl_(method|username)"
# What shows that a connection has ended, per log.
# shellcheck disable=SC2034
DOVECOT_END_RE="Disconnected|Connection closed|Aborted login|disconnected"
# shellcheck disable=SC2034
POSTFIX_END_RE="disconnect from|lost connection"

# server_saw_no_auth DESC CONNLOG CONNMARK CONNRE AUTHLOG AUTHMARK: one test
# point: CONNLOG shows (after CONNMARK) a line matching CONNRE -- so the
# connection did reach the server and has ended -- and AUTHLOG shows no
# authentication attempt after AUTHMARK.
server_saw_no_auth() {
    local desc=$1 clog=$2 cmark=$3 cre=$4 alog=$5 amark=$6 why=
    if log_wait "$clog" "$cmark" "$cre" 10; then
        sleep 0.2   # Dovecot's auth process logs through a pipe of its own
        if log_since "$alog" "$amark" | grep -Eq "$AUTH_ATTEMPT_RE"; then
            why="$alog shows an authentication attempt"
        fi
    else
        why="the connection never showed up in $clog (/$cre/)"
    fi
    if [ -z "$why" ]; then
        tap_result 0 "$desc"
        return
    fi
    tap_result 1 "$desc" "$(
        printf '%s\n' "$why" "--- $clog:" "$(log_since "$clog" "$cmark")"
        [ "$alog" != "$clog" ] && printf '%s\n' "--- $alog:" "$(log_since "$alog" "$amark")"
        starling_diag)"
}

# server_saw_auth DESC AUTHLOG MARK: the positive control of the above: the
# same grep does find a login that happened.
server_saw_auth() {
    log_wait "$2" "$3" "$AUTH_ATTEMPT_RE" 10
    tap_result $? "$1" "$(printf '%s\n' "no /$AUTH_ATTEMPT_RE/ in $2 after the login:" \
        "$(log_since "$2" "$3")"; starling_diag)"
}

# ------------------------------------------------------------ starling config
# config_new: start an empty config file, mode 0600, at the default place
# $XDG_CONFIG_HOME/starling/config; $CONF is its path.
config_new() {
    CONF=$XDG_CONFIG_HOME/starling/config
    : >"$CONF"; chmod 600 "$CONF"
}

# config_account NAME KEY=VALUE...: append an account section to $CONF.
# $ACCOUNT_KEYS holds the test user's email, user and password_cmd.
config_account() {
    local kv
    { echo "[$1]"; shift
      for kv in "$@"; do printf '%s = %s\n' "${kv%%=*}" "${kv#*=}"; done
      echo; } >>"$CONF"
}
ACCOUNT_KEYS=(email="$TEST_EMAIL" user="$TEST_USER")   # + password_cmd, at start

# run_starling ARGS...: $STARLING under a timeout; sets OUT (stdout), ERR
# (stderr) and RC.
run_starling() {
    local o e
    o=$(mktemp "$H/out.XXXXXX"); e=$(mktemp "$H/err.XXXXXX")
    timeout 60 "$STARLING" "$@" >"$o" 2>"$e" </dev/null
    RC=$?
    OUT=$(cat "$o"); ERR=$(cat "$e"); rm -f "$o" "$e"
    LAST_CMD="starling $*"
}

# check ACCOUNT [ARGS...]: starling check --config $CONF --json ARGS ACCOUNT
check() { run_starling check --config "$CONF" --json "${@:2}" "$1"; }

# starling_diag: the last command, its exit status and its output.
starling_diag() {
    printf '%s\n' "command: $LAST_CMD" "exit: $RC" "stdout:" "$OUT" "stderr:" "$ERR"
}

# expect_rc DESC WANT...: a test point: $RC is one of WANT.
expect_rc() {
    local desc=$1 w; shift
    for w in "$@"; do
        [ "$RC" = "$w" ] && { tap_result 0 "$desc"; return; }
    done
    tap_result 1 "$desc" "$(echo "expected exit $*"; starling_diag)"
}

# expect_json DESC EXPECTATION...: a test point on the JSON in $OUT
# (see jexpect.py for the EXPECTATION forms).
expect_json() {
    local desc=$1 res; shift
    res=$(printf '%s' "$OUT" | python3 "$HARNESS_DIR/jexpect.py" "$@")
    tap_result $? "$desc" "$(printf '%s\n' "$res"; starling_diag)"
}

# expect_output_lacks DESC STRING...: neither stdout nor stderr contains any.
expect_output_lacks() {
    local desc=$1 s found=; shift
    for s in "$@"; do
        if grep -qF -- "$s" <<<"$OUT$ERR"; then found="$found $s"; fi
    done
    tap_result "$([ -z "$found" ]; echo $?)" "$desc" \
        "$(echo "found:$found"; starling_diag)"
}

# ======================================================================
# Probe extras (used by tests/servers/t-probe*.sh and bench/probe.sh; only
# started by harness_start_probe_extras, after harness_start): two more
# Dovecot "tls" instances with the same certificates per address, each
# limited to one TLS version:
#   "tls12" TLS 1.2 only: $TLS12_IMAP_PORT (STARTTLS) $TLS12_IMAPS_PORT
#           (Dovecot 2.3 has no ssl_max_protocol: OpenSSL's own config,
#           MaxProtocol = TLSv1.2, through import_environment)
#   "tls13" TLS 1.3 only: $TLS13_IMAP_PORT (STARTTLS) $TLS13_IMAPS_PORT
#           (ssl_min_protocol = TLSv1.3)
# Logs: $TLS12_DOVECOT_LOG, $TLS13_DOVECOT_LOG.  They are stopped at exit
# before the harness's own servers, also by a watchdog of their own.
# ======================================================================
PROBE_EXTRAS=()

# _probe_extra_conf NAME: a Dovecot config for NAME (tls12 or tls13) made by
# _dovecot_conf with this instance's ports, then NAME's version limit.
_probe_extra_conf() {
    local n=$1 d=$H/dovecot-$1 pi ps
    pi=${n^^}_IMAP_PORT ps=${n^^}_IMAPS_PORT
    local imap=${!pi} imaps=${!ps}
    # (assignments before a function call last for that call only)
    IMAP_PORT=$imap IMAPS_PORT=$imaps POP3_PORT=0 POP3S_PORT=0 \
        _dovecot_conf "dovecot-$n" yes
    # no POP3 here: protocols imap only, the pop3 listeners off
    sed -i 's/^protocols = imap pop3$/protocols = imap/' "$d/dovecot.conf"
    if [ "$n" = tls13 ]; then
        echo "ssl_min_protocol = TLSv1.3" >>"$d/dovecot.conf"
        return
    fi
    cat >"$d/openssl.cnf" <<EOC
openssl_conf = probe_extra
[probe_extra]
ssl_conf = probe_extra_ssl
[probe_extra_ssl]
system_default = probe_extra_tls
[probe_extra_tls]
MinProtocol = TLSv1.2
MaxProtocol = TLSv1.2
EOC
    echo "import_environment = TZ OPENSSL_CONF=$d/openssl.cnf" >>"$d/dovecot.conf"
}

# _probe_extras_pids: the master pids of the extra Dovecots now running.
_probe_extras_pids() {
    local n f
    for n in "${PROBE_EXTRAS[@]}"; do
        f=$H/dovecot-$n/run/master.pid
        [ -f "$f" ] && tr -dc 0-9 <"$f" && echo
    done
}

# _probe_extras_kill PID...: stop those Dovecots, and wait for them.
_probe_extras_kill() {
    local pid
    for pid in "$@"; do kill -TERM "$pid" 2>/dev/null; done
    for pid in "$@"; do
        _wait_gone "$pid" 15 || kill -KILL "$pid" 2>/dev/null
    done
}

# _probe_extras_stop: stop the extra Dovecots (an EXIT trap step).
_probe_extras_stop() {
    [ -n "${H:-}" ] && [ -d "$H" ] || return 0
    # shellcheck disable=SC2046
    _probe_extras_kill $(_probe_extras_pids)
    PROBE_EXTRAS=()
    [ -n "${PROBE_EXTRAS_WATCHDOG:-}" ] && kill "$PROBE_EXTRAS_WATCHDOG" 2>/dev/null
    PROBE_EXTRAS_WATCHDOG=
}

# _probe_extras_try: pick ports, write the configs, start, wait; 1 on failure.
_probe_extras_try() {
    local n out=$H/probe-extras.out hp=() a
    # shellcheck disable=SC2046
    set -- $(_free_ports 4)
    export TLS12_IMAP_PORT=$1 TLS12_IMAPS_PORT=$2 TLS13_IMAP_PORT=$3 \
        TLS13_IMAPS_PORT=$4 TLS12_DOVECOT_LOG=$H/dovecot-tls12.log \
        TLS13_DOVECOT_LOG=$H/dovecot-tls13.log
    for n in tls12 tls13; do
        _probe_extra_conf "$n"
        : >"$H/dovecot-$n.log"
        dovecot -c "$H/dovecot-$n/dovecot.conf" >"$out" 2>&1 \
            || { echo "dovecot ($n) did not start" >>"$out"; return 1; }
        PROBE_EXTRAS+=("$n")
    done
    for a in 127.0.0.1 "$WRONGNAME_HOST" "$EXPIRED_HOST" "$UNKNOWNCA_HOST"; do
        hp+=("$a:$1" "$a:$2" "$a:$3" "$a:$4")
    done
    wait_ports 20 "${hp[@]}" >"$out" 2>&1
}

# harness_start_probe_extras: start the TLS 1.2-only and TLS 1.3-only
# Dovecots (after harness_start); bails out when they cannot start.
harness_start_probe_extras() {
    local try parent=$$ pids
    trap '_probe_extras_stop; harness_stop' EXIT
    for try in 1 2 3; do
        _probe_extras_try && break
        _probe_extras_stop
        [ "$try" -eq 3 ] && harness_fail "$(cat "$H/probe-extras.out")"
    done
    pids=$(_probe_extras_pids)
    # shellcheck disable=SC2086
    ( trap '' INT HUP
      while _alive "$parent"; do sleep 1; done
      _probe_extras_kill $pids ) >/dev/null 2>&1 </dev/null &
    PROBE_EXTRAS_WATCHDOG=$!
}
