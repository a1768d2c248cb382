#!/bin/bash
# kill -9 at a random moment: 20 times, `starling send` talks to the real
# Postfix through a relay that slows every chunk down (so the kill lands
# anywhere in the dialogue: before the outbox is written, in TLS, in AUTH,
# in DATA, after the 250, in the Sent copy), is killed, and the outbox is
# flushed. At the end every message that starling had taken into its
# outbox is delivered or still queued -- none lost -- and after a last
# flush the outbox is empty. Duplicates (a kill between the server's 250
# and the outbox update: see VIOLATIONS.md) are reported, not failed.
set -u
. "$(dirname "$0")/harness.sh"
harness_require_starling
harness_start
ROUNDS=${KILL_ROUNDS:-20}
tap_plan $((ROUNDS + 2))

W=$H/work; mkdir -p "$W"
IMAPGET=$HARNESS_DIR/imapget.py
OB=$XDG_DATA_HOME/starling/outbox/work
python3 "$HARNESS_DIR/relay.py" "$W/relay.port" localhost "$SUBMISSION_PORT" "$W/relay.cap" 40 &
i=0; while [ ! -s "$W/relay.port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
config_new
config_account work "${ACCOUNT_KEYS[@]}" smtp="smtp://localhost:$(cat "$W/relay.port")" \
    imap="imap://localhost:$IMAP_PORT" cafile="$CA_PEM" timeout=20

# in_outbox TAG: is a message with that Message-ID queued?
in_outbox() { grep -lq "^Message-ID: <$1@localhost>" "$OB"/new/* "$OB"/cur/* 2>/dev/null; }

taken=()
for r in $(seq 1 "$ROUNDS"); do
    t=kill$r.$$
    printf 'To: %s\nSubject: %s\nMessage-ID: <%s@localhost>\n\nround %s\n' \
        "$TEST_EMAIL" "$t" "$t" "$r" >"$W/$t.eml"
    "$STARLING" send -t <"$W/$t.eml" >/dev/null 2>"$W/$t.err" &
    pid=$!
    # Once the message is in the outbox (or starling is done), kill it at
    # a random moment of the next 1.5 s.
    n=0
    while ! in_outbox "$t" && kill -0 "$pid" 2>/dev/null && [ $n -lt 1000 ]; do
        sleep 0.01; n=$((n + 1))
    done
    in_outbox "$t" && taken+=("$t")
    sleep "0.$(printf '%03d' $((RANDOM % 1000)))"
    [ $((RANDOM % 2)) = 0 ] && sleep 0.5
    kill -9 "$pid" 2>/dev/null && how=killed || how=finished
    wait "$pid" 2>/dev/null
    run_starling send --flush
    tap_result "$([ "$RC" = 0 ] || [ "$RC" = 5 ]; echo $?)" \
        "round $r ($how): the flush after it works (exit $RC)" "$(starling_diag)"
done

# The last flush, unkilled, empties the outbox.
run_starling send --flush
tap_result "$([ "$RC" = 0 ] && [ -z "$(find "$OB/new" "$OB/cur" -type f 2>/dev/null)" ]; echo $?)" \
    "a last flush empties the outbox" "$(starling_diag; find "$OB" -type f)"
lost=() dups=()
for t in "${taken[@]}"; do
    if ! python3 "$IMAPGET" wait INBOX Message-ID "<$t@localhost>" 1 && ! in_outbox "$t"; then
        lost+=("$t")
    fi
    n=$(grep -c "message-id=<$t@localhost>" "$POSTFIX_LOG")
    [ "$n" -gt 1 ] && dups+=("$t ($n times)")
done
tap_result "$([ ${#lost[@]} = 0 ] && [ ${#taken[@]} -gt 0 ]; echo $?)" \
    "none of the ${#taken[@]} messages taken into the outbox was lost" "lost: ${lost[*]}"
tap_diag "taken into the outbox before the kill: ${#taken[@]} of $ROUNDS"
tap_diag "duplicates (kill between the server's 250 and the outbox update): ${#dups[@]}${dups[*]:+: ${dups[*]}}"
tap_done
