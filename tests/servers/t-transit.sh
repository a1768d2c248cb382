#!/bin/bash
# The transit lock end to end, against the harness's real Postfix and
# Dovecot, driven in tmux:
#   - a message sent over STARTTLS submission and one over the plain
#     port, each through XCLIENT as if from a host elsewhere (a loopback
#     hop would be "local"), land in alice's Maildir; Postfix's Received
#     field records the TLS facts for the first and none for the second;
#   - the index marks them T and ! -- what those fields say, read from the
#     Maildir here -- and a message APPENDed over IMAP (no Received field)
#     with ?;
#   - the pager lists the hop with TLS 1.3 and the cipher Postfix wrote,
#     and the plain hop as not encrypted; an Authentication-Results field
#     the sender wrote below the Received field is ignored, not shown;
#   - the help screen of the index explains the marks.
set -u
. "$(dirname "$0")/../ui/lib.sh"
ui_init
tap_plan 12

TLS_SUBJ="Transit over TLS"
PLAIN_SUBJ="Transit in the clear"
MAILDIR=$H/mail/$TEST_USER/Maildir

# send ARGS...: send_xclient.py, or bail out.
fill_folder INBOX 1      # "Message 1", APPENDed: no Received field

send() {
    local out
    out=$(timeout 60 python3 "$HARNESS_DIR/send_xclient.py" "$@" 2>&1) \
        || harness_fail "could not send a message: $out"
}

send "$SUBMISSION_PORT" tls "$CA_PEM" 192.0.2.25 relay.example.net \
    "$TLS_SUBJ" "Authentication-Results: mail.starling.test; dkim=pass header.d=example.net"
send "$PLAIN_SMTP_PORT" plain "$CA_PEM" 192.0.2.26 plain.example.net "$PLAIN_SUBJ"
i=0
until [ "$(find "$MAILDIR/new" -type f 2>/dev/null | wc -l)" -ge 2 ] || [ "$i" -ge 300 ]; do
    sleep 0.1; i=$((i + 1))
done
# facts SUBJECT: what the delivered message's Received field says, as
# "PROTOCOL VERSION CIPHER" (VERSION and CIPHER "-" when not written).
facts() {
    python3 - "$MAILDIR" "$1" <<'EOF'
import email, email.policy, glob, re, sys
for f in glob.glob(sys.argv[1] + "/new/*") + glob.glob(sys.argv[1] + "/cur/*"):
    m = email.message_from_binary_file(open(f, "rb"), policy=email.policy.compat32)
    if m["Subject"] != sys.argv[2]:
        continue
    r = " ".join((m.get_all("Received") or [""])[0].split())
    proto = re.search(r"\bwith (\S+) id\b", r)
    tls = re.search(r"\(using (\S+) with cipher (\S+)", r)
    print(proto.group(1) if proto else "-", *(tls.groups() if tls else ("-", "-")))
    break
EOF
}
read -r tls_proto tls_ver tls_cipher <<<"$(facts "$TLS_SUBJ")"
read -r plain_proto plain_ver plain_cipher <<<"$(facts "$PLAIN_SUBJ")"
[ "$tls_proto" = ESMTPS ] && [ "$tls_ver" = TLSv1.3 ] && [ -n "$tls_cipher" ] &&
    [ "$tls_cipher" != - ]
tap_result $? "Postfix recorded TLS in the Received field of the STARTTLS message" \
    "with $tls_proto, version $tls_ver, cipher $tls_cipher (want ESMTPS, TLSv1.3, a cipher)"
[ "$plain_proto" = ESMTP ] && [ "$plain_ver" = - ]
tap_result $? "and no TLS in that of the message sent to the plain port" \
    "with $plain_proto, version $plain_ver (want ESMTP, -)"

# The mark the index must show for what a header says.
want_mark() { if [ "$2" != - ]; then echo T; elif [ "$1" = ESMTP ]; then echo '!'; else echo '?'; fi; }

config_ui work "${ACCOUNT_KEYS[@]}" "imap=imap://localhost:$IMAP_PORT" "cafile=$CA_PEM"
UI_WIDTH=140
ui_start
wait_row work 'IMAP \[TLS\] starttls'
ui_keys Enter
wait_re '^ +INBOX '
ui_keys Enter
wait_for "starling: work: INBOX (3 messages)"
wait_for "$TLS_SUBJ" 5
wait_for "$PLAIN_SUBJ" 5
wait_re 'Message 1$' 5
ui_point $? "the index lists the three messages" \
    "expected the title 'work: INBOX (3 messages)' and rows '$TLS_SUBJ', '$PLAIN_SUBJ', 'Message 1'"

# mark TEXT: the transit column (after " NFDr ") of the row showing TEXT.
mark() { local r; r=$(grep -F -m1 -- "$1" <<<"$PANE"); printf '%s' "${r:6:1}"; }
m_tls=$(mark "$TLS_SUBJ") m_plain=$(mark "$PLAIN_SUBJ") m_none=$(mark "Message 1")
w_tls=$(want_mark "$tls_proto" "$tls_ver") w_plain=$(want_mark "$plain_proto" "$plain_ver")
[ "$m_tls" = T ] && [ "$m_tls" = "$w_tls" ]
ui_point $? "the index marks the STARTTLS message T, as its Received field says" \
    "mark '$m_tls'; the header says with $tls_proto, $tls_ver: want '$w_tls' (and T)"
[ "$m_plain" = '!' ] && [ "$m_plain" = "$w_plain" ]
ui_point $? "the index marks the plain message !, as its Received field says" \
    "mark '$m_plain'; the header says with $plain_proto, no TLS: want '$w_plain' (and !)"
[ "$m_none" = '?' ]
ui_point $? "a message with no Received field is marked ?" "mark '$m_none'"

# joined: the pane's rows joined with single spaces (a wrapped line reads
# whole).
joined() { tr '\n' ' ' <<<"$PANE" | tr -s ' '; }

# open SUBJECT: search for it from the index and open it.
open_msg() {
    ui_keys /
    ui_type "$1"
    ui_keys Enter
    wait_gone "Search: " 5
    ui_keys Enter
    wait_re "^Subject: $1\$"
}

open_msg "$TLS_SUBJ"
st=$?
wait_for "Transit: [TLS] encrypted on every hop between servers" 5
ui_point $((st || $?)) "the pager's summary of the STARTTLS message: [TLS] on every hop" \
    "sent: / $TLS_SUBJ Enter Enter"
want="1. [TLS] from relay.example.net to mail.starling.test, ESMTPS, TLS 1.3, $tls_cipher, 256-bit key"
grep -qF -- "$want" <<<"$(joined)"
ui_point $? "the pager lists the hop with TLS 1.3 and the cipher Postfix wrote" "expected: $want"
grep -qF "Authentication: ignored" <<<"$(joined)" &&
    ! grep -qF "DKIM: signed by example.net" <<<"$(joined)"
ui_point $? "the sender's own Authentication-Results field is ignored, not shown" \
    "expected 'Authentication: ignored ...' and no 'DKIM: signed by example.net'"

ui_keys q
wait_for "starling: work: INBOX (3 messages)"
open_msg "$PLAIN_SUBJ"
st=$?
wait_for "Transit: [PLAIN] at least one hop was not encrypted" 5
st=$((st || $?))
want="1. [PLAIN] from plain.example.net to mail.starling.test, ESMTP, not encrypted"
grep -qF -- "$want" <<<"$(joined)"
ui_point $((st || $?)) "the pager shows the plain hop as not encrypted" \
    "expected 'Transit: [PLAIN] ...' and: $want"

ui_keys q
wait_for "starling: work: INBOX (3 messages)"
ui_keys '?'
wait_for "starling: help: index"
ui_keys End
wait_re '^  \? +not known' 5
grep -qE '^  T +encrypted \(TLS\) on every hop between servers' <<<"$PANE" &&
    grep -qE '^  ! +at least one hop was not encrypted' <<<"$PANE" &&
    grep -qE '^  \? +not known' <<<"$PANE"
ui_point $? "the index's help explains the marks T, ! and ?" \
    "sent: ? End; expected legend rows 'T  encrypted (TLS) on every hop ...', '!  at least one hop ...', '?  not known ...'"

ui_keys q
wait_for "starling: work: INBOX (3 messages)"
ui_keys Q
i=0
until ui_dead || [ "$i" -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
ui_dead && [ ! -s "$UI_STDERR" ]
ui_point $? "starling quits cleanly, nothing on stderr" "stderr: $(cat "$UI_STDERR" 2>&1)"

tap_done
