#!/bin/bash
# client/actions.c against the real Dovecot, through tests/servers/
# actions_test; every action is verified by a SECOND IMAP session
# (tests/servers/imapctl.py: Python's imaplib, STARTTLS with the harness CA):
#   - flags set and cleared; delete and undo leave the message; expunge
#     removes exactly the messages asked for (UIDPLUS), not one marked by
#     another client; move (MOVE) and copy, compared body for body;
#   - the COPY fallbacks, on two more Dovecots over the same Maildir whose
#     CAPABILITY leaves things out (Dovecot's imap_capability setting):
#     "nomove" (no MOVE; UIDPLUS, IDLE, SORT, THREAD=ORDEREDSUBJECT only):
#     COPY, \Deleted, UID EXPUNGE; "bare" (no MOVE, UIDPLUS, SORT, THREAD,
#     IDLE, LITERAL+): COPY, \Deleted, the original left marked, and said;
#   - a move that fails (no such folder) changes nothing;
#   - server search with a Japanese query finds the UIDs imaplib finds;
#   - SORT by each key, and reversed, equals imaplib's UID SORT; the local
#     sort (bare server) equals Dovecot's SORT too; THREAD=REFERENCES and
#     ORDEREDSUBJECT equal imaplib's UID THREAD; views combine a limit with
#     an order; the bare server has no threads and says so;
#   - IDLE: a message appended by the other session wakes it (EXISTS).
set -u
. "$(dirname "$0")/harness.sh"
harness_require
harness_start
tap_plan 53

top_build=${top_builddir:-$PWD}
ACTIONS_TEST=${ACTIONS_TEST:-$top_build/tests/servers/actions_test}
if [ ! -x "$ACTIONS_TEST" ]; then
    echo "Bail out! ACTIONS_TEST=$ACTIONS_TEST is not built (make check builds it)"
    exit 1
fi
IMAPCTL=$HARNESS_DIR/imapctl.py

# ------------------------------------------------ two more Dovecots
. "$HARNESS_DIR/extra_dovecot.sh"
extra_dovecot nomove "$EXTRA_BASE_CAPS LITERAL+ IDLE SORT THREAD=ORDEREDSUBJECT UIDPLUS"
extra_dovecot bare "$EXTRA_BASE_CAPS"

# ------------------------------------------------------------ the test mail
MAILDIR=$H/mail/$TEST_USER/Maildir
python3 - "$MAILDIR" <<'EOF' || harness_fail "could not write the test Maildir"
import os, sys
from email.header import Header
from email.utils import formatdate
md = sys.argv[1]
T0 = 1700000000

def put(folder, n, subject, frm, hours, body, extra=(), mid=None):
    d = os.path.join(md, "." + folder) if folder else md
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(d, sub), exist_ok=True)
    if any(ord(c) > 127 for c in subject):
        subject = Header(subject, "utf-8").encode()
    lines = ["From: " + frm, "To: Alice <alice@localhost>",
             "Date: " + formatdate(T0 + hours * 3600),
             "Subject: " + subject,
             "Message-ID: <%s@starling.test>" % (mid or "%s-%d" % (folder or "inbox", n)),
             "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8",
             "Content-Transfer-Encoding: 8bit"] + list(extra)
    data = ("\n".join(lines) + "\n\n").encode() + body.encode()
    t = T0 + n * 60
    path = os.path.join(d, "cur", "%d.M%dP1.starling:2," % (t, n))
    with open(path, "wb") as f:
        f.write(data)
    os.utime(path, (t, t))

for f in ("Archive", "Other"):
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(md, "." + f, sub), exist_ok=True)
# INBOX: 1..12, plain messages to act on; 5 and 9 hold Japanese.
for n in range(1, 13):
    body = "Message number %d.\n" % n + "x" * (n * 7) + "\n"
    subj = "Message %d" % n
    if n == 5:
        body = "会議は東京で行います。\n"
    if n == 9:
        subj = "東京出張のお知らせ"
    put("", n, subj, "Sender %d <sender%d@example.org>" % (n, n), n, body)

# Sorting: orders by date, sender, subject and size all differ from the
# arrival order; display names and mailboxes sort alike; two threads.
R = lambda *ids: ["In-Reply-To: <%s@starling.test>" % ids[-1],
                  "References: " + " ".join("<%s@starling.test>" % i for i in ids)]
S = [  # n, subject, from, hours, body length, extra, message-id
    (1, "Project plan", "Carol <carol@example.org>", 5, 300, (), "plan"),
    (2, "Re: Project plan", "Alice <alice@example.org>", 7, 120, R("plan"), "plan2"),
    (3, "Lunch", "Bob <bob@example.org>", 1, 700, (), "lunch"),
    (4, "Re: Re: Project plan", "Dave <dave@example.org>", 8, 50, R("plan", "plan2"), "plan3"),
    (5, "日本語の会議", "Eve <eve@example.org>", 3, 900, (), "jp"),
    (6, "Re: Lunch", "Gina <gina@example.org>", 2, 450, R("lunch"), "lunch2"),
    (7, "Budget", "Frank <frank@example.org>", 6, 30, (), "budget"),
    (8, "[list] Agenda", "Zed <zed@example.org>", 4, 610, (), "agenda"),
]
for n, subj, frm, hours, size, extra, mid in S:
    put("Sorting", n, subj, frm, hours, "y" * size + "\n", extra, mid)
EOF
chown -R mail:mail "$H/mail/$TEST_USER"
chmod -R u=rwX,go= "$H/mail/$TEST_USER"

# ------------------------------------------------------------------ helpers
config_new
# shellcheck disable=SC2154  # set by extra_dovecot
for srv in main:$IMAP_PORT nomove:$PORT_nomove bare:$PORT_bare; do
    config_account "${srv%%:*}" "${ACCOUNT_KEYS[@]}" "cafile=$CA_PEM" \
        "imap=imap://localhost:${srv#*:}"
done

SAN_REPORTS=
# act ACCOUNT FOLDER COMMAND ARGS...: the driver; OUT, ERR, RC.
act() {
    local o e acct=$1
    shift
    o=$(mktemp "$H/out.XXXXXX"); e=$(mktemp "$H/err.XXXXXX")
    timeout 60 "$ACTIONS_TEST" --config "$CONF" -a "$acct" "$@" >"$o" 2>"$e" </dev/null
    RC=$?
    OUT=$(cat "$o"); ERR=$(cat "$e"); rm -f "$o" "$e"
    LAST_CMD="actions_test -a $acct $*"
    if grep -Eq 'Sanitizer|runtime error:' <<<"$ERR"; then
        SAN_REPORTS+="$LAST_CMD: $(head -c 2000 <<<"$ERR")"$'\n'
    fi
}
# ctl COMMAND FOLDER ARGS...: the second session (on the main Dovecot).
ctl() { timeout 60 python3 "$IMAPCTL" "$IMAP_PORT" "$CA_PEM" "$@" 2>&1; }
diag() { printf '%s\n' "command: $LAST_CMD" "exit: $RC" "stdout:" \
    "$(head -c 3000 <<<"$OUT")" "stderr:" "$ERR"; }
same() {
    [ "$2" = "$3" ]
    tap_result $? "$1" "$(printf 'got:  %s\nwant: %s\n' "$2" "$3"; diag)"
}
col() { grep -a "^$1"$'\t' <<<"$OUT" | cut -f2- | tr '\n' ' '; }
words() { tr '\n' ' ' <<<"$1"; }
# uid_of FOLDER SUBJECT: the UID of the message with that subject.
uid_of() { ctl find "$1" "$2" | head -n 1; }

# ------------------------------------------------------------ capabilities
act main INBOX caps
same "main Dovecot: MOVE, UIDPLUS, SORT, THREAD=REFERENCES, IDLE, LITERAL+" \
    "$RC $(col move)$(col uidplus)$(col sort)$(col thread_refs)$(col idle)$(col literalplus)" \
    "0 1 1 1 1 1 1 "
act nomove INBOX caps
same "nomove Dovecot: no MOVE, no THREAD=REFERENCES; UIDPLUS, ORDEREDSUBJECT" \
    "$RC $(col move)$(col uidplus)$(col thread_refs)$(col thread_subj)" "0 0 1 0 1 "
act bare INBOX caps
same "bare Dovecot: none of MOVE, UIDPLUS, SORT, THREAD, IDLE, LITERAL+" \
    "$RC $(col move)$(col uidplus)$(col sort)$(col thread_refs)$(col thread_subj)$(col idle)$(col literalplus)" \
    "0 0 0 0 0 0 0 0 "

# -------------------------------------------------------------------- flags
U1=$(uid_of INBOX "Message 1")
act main INBOX flag + seen "$U1"
same "flag + seen: exit 0, the server's new flags come back as a change" \
    "$RC $(col change)" "0 flags	1	$U1	S "
same "flag + seen: the second session sees \\Seen" "$(ctl flags INBOX "$U1")" '\Seen'
act main INBOX flag - seen "$U1"
same "flag - seen: the second session sees no flag" "$RC [$(ctl flags INBOX "$U1")]" "0 []"
act main INBOX flag + flagged "$U1"
same "flag + flagged: \\Flagged" "$RC $(ctl flags INBOX "$U1")" '0 \Flagged'
act main INBOX flag - flagged "$U1"
same "flag - flagged: cleared" "$RC [$(ctl flags INBOX "$U1")]" "0 []"

# ------------------------------------------------------ delete, undo, expunge
U2=$(uid_of INBOX "Message 2"); U3=$(uid_of INBOX "Message 3")
U4=$(uid_of INBOX "Message 4")
act main INBOX flag + deleted "$U2"
same "delete: \\Deleted set, the message is still there" \
    "$RC $(ctl flags INBOX "$U2") $(ctl uids INBOX | grep -cx "$U2")" '0 \Deleted 1'
act main INBOX flag - deleted "$U2"
same "undo: \\Deleted cleared, the message is still there" \
    "$RC [$(ctl flags INBOX "$U2")] $(ctl uids INBOX | grep -cx "$U2")" '0 [] 1'
act main INBOX flag + deleted "$U2" "$U3"
ctl store INBOX "$U4" '\Deleted' >/dev/null   # another client's mark
act main INBOX deleted
same "deleted: the UIDs marked deleted, ours and the other client's" \
    "$RC $(col uid)" "0 $U2 $U3 $U4 "
before=$(ctl uids INBOX | wc -l)
act main INBOX expunge "$U2" "$U3"
same "expunge (UIDPLUS): UID EXPUNGE, two EXPUNGE changes" \
    "$RC $(col all)$(grep -c $'^change\texpunge' <<<"$OUT")" "0 0 2"
after=$(ctl uids INBOX)
same "expunge: exactly those two are gone; the other client's mark stays" \
    "$(grep -cx "$U2" <<<"$after")$(grep -cx "$U3" <<<"$after") $(grep -cx "$U4" <<<"$after") $((before - $(wc -l <<<"$after")))" \
    "00 1 2"
act main INBOX flag - deleted "$U4"
ok_undel=$RC

# ------------------------------------------------------------- move, copy
U5=$(uid_of INBOX "Message 5")
body5=$(ctl body INBOX "$U5")
act main INBOX move Archive "$U5"
same "move with MOVE: how=moved, an EXPUNGE change" \
    "$RC $(col how)$(grep -c $'^change\texpunge' <<<"$OUT")" "0 moved 1"
A5=$(uid_of Archive "Message 5")
same "move: gone from INBOX, in Archive with the same body" \
    "$(ctl body INBOX "$U5") $([ -n "$A5" ] && ctl body Archive "$A5")" "gone $body5"
U6=$(uid_of INBOX "Message 6"); body6=$(ctl body INBOX "$U6")
act main INBOX copy Other "$U6"
O6=$(uid_of Other "Message 6")
same "copy: still in INBOX, in Other with the same body" \
    "$RC $(ctl body INBOX "$U6") $([ -n "$O6" ] && ctl body Other "$O6")" \
    "0 $body6 $body6"
U7=$(uid_of INBOX "Message 7"); body7=$(ctl body INBOX "$U7")
act main INBOX move Nowhere "$U7"
[ "$RC" -eq 5 ] && grep -q 'moving 1 message to Nowhere' <<<"$ERR"
tap_result $? "move to a folder that does not exist: exit 5 and the server's reason" "$(diag)"
same "the failed move changed nothing: the message and its flags are in INBOX" \
    "$(ctl body INBOX "$U7") [$(ctl flags INBOX "$U7")]" "$body7 []"

# COPY fallback with UIDPLUS (nomove): COPY, \Deleted, UID EXPUNGE of it
act nomove INBOX move Archive "$U7"
same "nomove: move is COPY + \\Deleted + UID EXPUNGE (how=moved-copy)" \
    "$RC $(col how)$(grep -c $'^change\texpunge' <<<"$OUT")" "0 moved-copy 1"
A7=$(uid_of Archive "Message 7")
same "nomove: gone from INBOX, in Archive with the same body" \
    "$(ctl body INBOX "$U7") $([ -n "$A7" ] && ctl body Archive "$A7")" "gone $body7"
same "nomove: the other client's \\Deleted on message 4 survived the UID EXPUNGE" \
    "$ok_undel $(ctl uids INBOX | grep -cx "$U4")" "0 1"

# COPY fallback without UIDPLUS (bare): the original stays, marked deleted
U8=$(uid_of INBOX "Message 8"); body8=$(ctl body INBOX "$U8")
act bare INBOX move Archive "$U8"
same "bare: move is COPY + \\Deleted, the original left (how=copied-marked)" \
    "$RC $(col how)" "0 copied-marked "
A8=$(uid_of Archive "Message 8")
same "bare: the original is in INBOX marked \\Deleted, the copy in Archive" \
    "$(ctl body INBOX "$U8") $(ctl flags INBOX "$U8") $([ -n "$A8" ] && ctl body Archive "$A8")" \
    "$body8 \\Deleted $body8"
act bare INBOX move Nowhere "$U6"
[ "$RC" -eq 5 ] && grep -q 'copying 1 message to Nowhere' <<<"$ERR" &&
    [ "[$(ctl flags INBOX "$U6")]" = "[]" ] && [ "$(ctl body INBOX "$U6")" = "$body6" ]
tap_result $? "bare: a failed COPY leaves the original untouched (not marked deleted)" "$(diag)"
act bare INBOX expunge "$U8"
same "bare: expunge without UIDPLUS is EXPUNGE of every marked message (all=1)" \
    "$RC $(col all)$(ctl body INBOX "$U8")" "0 1 gone"
act main INBOX flag + seen 4000000000
same "a UID that does not exist: no error, no change (RFC 3501)" "$RC [$(col change)]" "0 []"
act main INBOX move 'Bad'$'\r\n''Name' "$U6"
[ "$RC" -eq 1 ] && grep -q 'control characters' <<<"$ERR"
tap_result $? "a folder name with CR LF is refused before anything is sent" "$(diag)"

# ------------------------------------------------------------------ search
U9=$(uid_of INBOX "東京出張のお知らせ")
want=$(words "$(ctl search INBOX 東京)")
act main INBOX search 東京
same "search 東京 (LITERAL+): the subject hit, the body hit moved away is not" \
    "$RC $(col uid)" "0 $U9 "
same "search 東京: the same UIDs as imaplib's UID SEARCH" "$(col uid)" "$want"
act bare INBOX search 東京
same "search 東京 without LITERAL+ (8-bit quoted string): the same UIDs" \
    "$RC $(col uid)" "0 $want"
act main Archive search 東京
same "search 東京 in Archive: the body hit (message 5, moved there) is found" \
    "$RC $(col uid)" "0 $A5 "
act main INBOX search 'Sender 1'
same "search 'Sender 1' matches the senders Sender 1, 10, 11, 12 (FROM)" \
    "$(col uid)" "$(words "$(ctl search INBOX 'Sender 1')")"
act main INBOX search $'a\tb'
[ "$RC" -eq 1 ] && grep -q 'control characters' <<<"$ERR"
tap_result $? "a query with a control character is refused" "$(diag)"

# ------------------------------------------------------------- sort, threads
for key in ARRIVAL DATE FROM SUBJECT SIZE; do
    k=$(tr '[:upper:]' '[:lower:]' <<<"$key")
    act main Sorting sort "$k"
    got="$RC $(col uid)"
    act main Sorting sort "$k" reverse
    same "SORT $key and REVERSE $key equal imaplib's UID SORT" \
        "$got / $RC $(col uid)" \
        "0 $(words "$(ctl sort Sorting "$key")") / 0 $(words "$(ctl sort Sorting "$key" reverse)")"
done
same "the orders differ from one another (the data tests something)" \
    "$(for k in ARRIVAL DATE FROM SUBJECT SIZE; do words "$(ctl sort Sorting $k)"; echo; done | sort -u | wc -l)" 5
for key in DATE FROM SUBJECT SIZE; do
    k=$(tr '[:upper:]' '[:lower:]' <<<"$key")
    act bare Sorting view "sort=$k"
    got="$RC $(grep $'^row\t' <<<"$OUT" | cut -f2 | tr '\n' ' ')"
    act bare Sorting view "sort=$k" reverse
    same "local sort (no SORT on the server) by $key, and reversed, equals Dovecot's SORT" \
        "$got / $RC $(grep $'^row\t' <<<"$OUT" | cut -f2 | tr '\n' ' ')" \
        "0 $(words "$(ctl sort Sorting "$key")") / 0 $(words "$(ctl sort Sorting "$key" reverse)")"
done
act main Sorting thread
same "THREAD=REFERENCES equals imaplib's UID THREAD REFERENCES (uid depth)" \
    "$RC $(grep $'^node\t' <<<"$OUT" | cut -f2,3 | tr '\t\n' ' ,')" \
    "0 $(ctl thread Sorting REFERENCES | tr '\n' ',')"
same "the threads are trees: the project plan's replies nest (depths 0 1 2)" \
    "$(grep $'^node\t' <<<"$OUT" | cut -f3 | tr -d '\n' | grep -c 012)" 1
act nomove Sorting thread
same "THREAD=ORDEREDSUBJECT (nomove) equals imaplib's" \
    "$RC $(grep $'^node\t' <<<"$OUT" | cut -f2,3 | tr '\t\n' ' ,')" \
    "0 $(ctl thread Sorting ORDEREDSUBJECT | tr '\n' ',')"
act bare Sorting thread
[ "$RC" -eq 1 ] && grep -q 'offers no threads' <<<"$ERR"
tap_result $? "bare: no THREAD: exit 1 and a sentence" "$(diag)"
act bare Sorting view threads
same "bare: a view with threads falls back to the plain order, with a notice" \
    "$RC $(grep -c $'^row\t' <<<"$OUT") $(grep -c $'^notice\t.*offers no threads' <<<"$OUT")" "0 8 1"
act main Sorting view threads query=Project
same "view: threads limited to 'Project': the three messages, still nested" \
    "$RC $(grep $'^row\t' <<<"$OUT" | cut -f4 | tr '\n' ' ')" "0 0 1 2 "
act main Sorting view sort=date reverse query=Lunch
want=$(ctl sort Sorting DATE reverse | grep -xF -f <(ctl search Sorting Lunch) | tr '\n' ' ')
same "view: a limit in reverse date order: the hits, in the server's order" \
    "$RC $(grep $'^row\t' <<<"$OUT" | cut -f2 | tr '\n' ' ')" "0 $want"
seqs=$(grep $'^row\t' <<<"$OUT" | cut -f3 | tr '\n' ' ')
same "view rows carry sequence numbers (UID n is message n here)" \
    "$seqs" "$(grep $'^row\t' <<<"$OUT" | cut -f2 | tr '\n' ' ')"

# -------------------------------------------------------------------- IDLE
o=$H/idle.out
timeout 60 "$ACTIONS_TEST" --config "$CONF" -a main INBOX idle 30 >"$o" 2>"$H/idle.err" &
idle_pid=$!
i=0
until grep -q '^idling' "$o" 2>/dev/null || [ "$i" -ge 200 ]; do sleep 0.1; i=$((i + 1)); done
n_before=$(ctl uids INBOX | wc -l)
ctl append INBOX "Pushed by IDLE" >/dev/null
wait "$idle_pid"
RC=$?
OUT=$(cat "$o"); ERR=$(cat "$H/idle.err"); LAST_CMD="actions_test -a main INBOX idle 30"
same "IDLE: the other session's APPEND wakes it: an EXISTS change" \
    "$RC $(col woke)$(grep $'^change\texists' <<<"$OUT" | cut -f3)" "0 server $((n_before + 1))"

[ -z "$SAN_REPORTS" ]
tap_result $? "no AddressSanitizer/UBSan/LeakSanitizer report in any run" "$SAN_REPORTS"

tap_done
