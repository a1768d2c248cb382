#!/bin/bash
# starling -a ACCOUNT -f FOLDER opens the folder right after the IMAP
# login: the other services' locks and the unseen counts wait until the
# folder is on screen. The account's SMTP server here accepts the
# connection and never says a word, so anything that waited for it would
# take the whole timeout (20 s); the index must show well before that,
# with the newest message, and the SMTP lock must still be tried after.
set -u
. "$(dirname "$0")/lib.sh"
ui_init
tap_plan 4

fill_folder INBOX 30
# A server that takes connections and stays silent.
silent=$(python3 - <<'EOF'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
EOF
)
python3 - "$silent" <<'EOF' &
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(8)
held = []
while True:
    c, _ = s.accept()
    held.append(c)
EOF
UI_PIDS+=($!)
wait_ports 5 "127.0.0.1:$silent" || harness_fail "the silent server did not start"
config_ui work "${ACCOUNT_KEYS[@]}" "imap=imap://localhost:$IMAP_PORT" \
    "smtp=smtp://127.0.0.1:$silent" "cafile=$CA_PEM" "timeout=20"
ui_start -a work -f INBOX

t0=$SECONDS
wait_for "starling: work: INBOX (30 messages)" 10
st=$?
ui_point $st "the folder opens without waiting for the silent SMTP server" \
    "expected the title 'work: INBOX (30 messages)' within 10 s (the SMTP timeout is 20 s)"
wait_re 'Message 30$' 5
ui_point $? "the index shows the newest message" "expected a row ending 'Message 30'"
[ $((SECONDS - t0)) -lt 15 ]
ui_point $? "both within 15 s of the start" "took $((SECONDS - t0)) s"

# The SMTP lock is still tried afterwards: back on the accounts screen
# the SMTP row says so once its timeout has passed (or is busy before).
ui_keys q
wait_re 'SMTP .*(timed out|time|busy|connecting|…|\.\.\.)' 30
ui_point $? "the SMTP service is still tried after the folder opened" \
    "expected the accounts screen to show the SMTP attempt"
ui_keys Q
tap_done
