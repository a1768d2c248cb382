#!/bin/bash
# tests/servers/demo.sh -- `make demo`: starling on three demo accounts served
# by a local Dovecot and Postfix (those of tests/servers/harness.sh), with a
# throwaway CA and sample mail, then everything stopped and removed.
#
#   verified    imap://localhost:$IMAP_PORT + smtp://localhost:$SUBMISSION_PORT
#               (STARTTLS), cafile = the demo CA: [TLS]
#   selfsigned  imaps://127.0.0.4:$IMAPS_PORT, a certificate from a CA nobody
#               was given: refused until its key is pinned ([PIN])
#   plaintext   imap://localhost:$PLAIN_IMAP_PORT, the Dovecot without TLS:
#               refused until the account's name is typed ([PLAIN])
#
# All three log in as alice and read the same Maildir, filled here with
# sample mail (Japanese in UTF-8 and ISO-2022-JP, a multipart/alternative,
# two threads, a subject holding terminal escape sequences, two folders).
#
# Everything lives in one temporary directory ($H of harness.sh: PKI,
# server state and logs, mail, the config (mode 0600), XDG_*_HOME and HOME
# for starling), removed at the end. The servers stop when starling exits,
# on Ctrl-C, TERM or HUP (traps), and after a SIGKILL of this script (the
# harness's watchdog, and one here for starling).
#
# Needs root (Dovecot and Postfix start as root and drop privileges).
#
# Environment:
#   STARLING    the binary (default: the built ui/starling)
#   DEMO_RUN    a shell command run (bash -c) instead of the interactive
#               starling, for tests/servers/t-demo.sh; it sees DEMO_DIR,
#               DEMO_CONFIG, STARLING and every variable of harness.sh
#               (ports, CA_PEM, ...); its exit status is the script's
#   HARNESS_KEEP=1  keep the temporary directory (see harness.sh)
# Arguments are passed on to starling.
set -u

DEMO_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${STARLING:=${top_builddir:-$DEMO_SRC/../..}/ui/starling}"
export STARLING

DEMO_JA=
case ${LC_ALL:-${LC_MESSAGES:-${LANG:-}}} in ja*) DEMO_JA=1 ;; esac

# say EN JA: one message, in Japanese under a ja locale.
say() { if [ -n "$DEMO_JA" ]; then printf '%s\n' "$2"; else printf '%s\n' "$1"; fi; }

demo_die() { say "make demo: $1" "make demo: $2" >&2; exit 1; }

if [ "$(id -u)" -ne 0 ]; then
    say "make demo: the demo starts its own Dovecot and Postfix, and they need
root to start (they drop their privileges themselves). Nothing is installed
and nothing outside one temporary directory is touched; everything stops
when starling exits.
run: sudo make demo" \
"make demo: デモは専用の Dovecot と Postfix を起動します。起動には root 権限が
必要です (起動後はそれぞれ自分で権限を落とします)。何もインストールせず、
一時ディレクトリの外には一切触れません。starling を終了するとすべて停止します。
実行: sudo make demo" >&2
    exit 1
fi
[ -x "$STARLING" ] ||
    demo_die "$STARLING is not built: run make first" \
        "$STARLING がビルドされていません。先に make を実行してください"

# shellcheck source=harness.sh
. "$DEMO_SRC/harness.sh"

# The harness speaks TAP; here a missing piece is an error, said plainly.
tap_skip_all() {
    demo_die "cannot start the demo: $* (tests/deps.sh installs what it needs)" \
        "デモを開始できません: $* (必要なものは tests/deps.sh でインストールできます)"
}
harness_fail() {
    local f
    {
        say "make demo: the demo servers did not start: $1" \
            "make demo: デモ用サーバーを起動できませんでした: $1"
        for f in "${DOVECOT_LOG:-}" "${PLAIN_DOVECOT_LOG:-}" "${POSTFIX_LOG:-}"; do
            [ -s "$f" ] && { echo "--- $f"; tail -n 20 "$f"; }
        done
    } >&2
    exit 1
}

DEMO_PID=
DEMO_GUARD=
# demo_cleanup: the EXIT trap: starling (if still running), then the servers
# and the temporary directory.
demo_cleanup() {
    local dir=${H:-}
    if [ -n "$DEMO_GUARD" ]; then
        kill "$DEMO_GUARD" 2>/dev/null
        DEMO_GUARD=
    fi
    if [ -n "$DEMO_PID" ] && _alive "$DEMO_PID"; then
        kill -TERM "$DEMO_PID" 2>/dev/null
        if ! _wait_gone "$DEMO_PID" 3; then
            kill -KILL "$DEMO_PID" 2>/dev/null
            [ -t 0 ] && stty sane 2>/dev/null
        fi
    fi
    DEMO_PID=
    harness_stop
    if [ -n "$dir" ] && [ -z "${HARNESS_KEEP:-}" ]; then
        say "starling demo: servers stopped, $dir removed." \
            "starling デモ: サーバーを停止し、$dir を削除しました。"
    fi
}

say "starling demo: starting Dovecot and Postfix on loopback..." \
    "starling デモ: Dovecot と Postfix をループバックで起動しています..."
harness_start
trap demo_cleanup EXIT

# ------------------------------------------------------------- sample mail
MAILDIR=$H/mail/$TEST_USER/Maildir
python3 - "$MAILDIR" <<'EOF' || harness_fail "could not write the sample mail"
import os, sys, time
from email.header import Header
from email.utils import formatdate

md = sys.argv[1]
now = int(time.time())
T0 = now - 3 * 86400            # the oldest message: three days ago
seq = [0]

def h(s, cs="utf-8"):
    """An RFC 2047 encoded word for non-ASCII text, else the text."""
    return Header(s, cs).encode() if any(ord(c) > 127 for c in s) else s

def addr(name, mail, cs="utf-8"):
    return "%s <%s>" % (h(name, cs), mail)

def put(folder, minutes, frm, subject, body, flags="", cs="utf-8",
        cte="8bit", ctype="text/plain", extra=(), raw_subject=False):
    """One message in FOLDER ("" is INBOX), MINUTES after T0. Dovecot gives
    UIDs in the order of the files' names (their leading time stamps)."""
    seq[0] += 1
    t = T0 + minutes * 60
    mid = "<demo-%d@starling.demo>" % seq[0]
    lines = ["From: " + frm, "To: Alice <alice@localhost>",
             "Date: " + formatdate(t, localtime=True),
             "Subject: " + (subject if raw_subject else h(subject, cs)),
             "Message-ID: " + mid] + list(extra) + ["MIME-Version: 1.0"]
    if ctype.startswith("multipart/"):
        lines.append("Content-Type: " + ctype)
        data = body if isinstance(body, bytes) else body.encode()
    else:
        lines += ["Content-Type: %s; charset=%s" % (ctype, cs),
                  "Content-Transfer-Encoding: " + cte]
        data = body.encode(cs)
    d = os.path.join(md, "." + folder) if folder else md
    name = "%d.M%dP%d.starling-demo:2,%s" % (t, seq[0], os.getpid(), flags)
    path = os.path.join(d, "cur", name)
    with open(path, "wb") as f:
        f.write(("\n".join(lines) + "\n\n").encode("ascii") + data)
    os.utime(path, (t, t))
    return mid

# Archive, and 仕事 ("work"; &TtVOiw- in modified UTF-7)
for f in ("", "Archive", "&TtVOiw-"):
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(md, "." + f if f else "", sub), exist_ok=True)

CAROL = addr("Carol Admin", "carol@example.org")
DAVE = addr("Dave Ops", "dave@example.org")
ERIN = addr("Erin Security", "erin@example.org")
SUBJ = "Moving our mail server to TLS-only"

# --- INBOX: a thread of six, oldest first
thread = [
    (CAROL, SUBJ,
     "Hi all,\n\nNext week we stop accepting passwords on connections that are\n"
     "not encrypted. Port 143 and 587 keep working, but only after STARTTLS;\n"
     "plaintext LOGIN and AUTH will be refused.\n\nCarol\n"),
    (DAVE, "Re: " + SUBJ,
     "> plaintext LOGIN and AUTH will be refused.\n\n"
     "What about the old scanner on the 3rd floor? It cannot do STARTTLS.\n\nDave\n"),
    (CAROL, "Re: " + SUBJ,
     "> It cannot do STARTTLS.\n\nThen it sends its password in the clear to "
     "anyone on the path.\nWe'll give it its own account with no access to "
     "anything else.\n\nCarol\n"),
    (ERIN, "Re: " + SUBJ,
     "Should we also open 993 and 465 (implicit TLS, RFC 8314)? Nothing to\n"
     "strip there: TLS starts before the first byte of IMAP or SMTP.\n\nErin\n"),
    (CAROL, "Re: " + SUBJ,
     "> Should we also open 993 and 465\n\nYes. And clients must check the "
     "certificate, or TLS only protects\nagainst people who are not "
     "trying.\n\nCarol\n"),
    (DAVE, "Re: " + SUBJ,
     "Done: STARTTLS is required, 993/465 are open, the new certificate is\n"
     "installed. Please check your client shows a lock.\n\nDave\n"),
]
refs = []
for i, (frm, subj, body) in enumerate(thread):
    extra = []
    if refs:
        extra = ["In-Reply-To: " + refs[-1], "References: " + " ".join(refs)]
    refs.append(put("", 60 * i, frm, subj, body, "S" if i < 4 else "",
                    extra=extra))

# --- INBOX: a Japanese thread (UTF-8)
JSUBJ = "忘年会の日程について"
jthread = [
    ("田中一郎", "ichiro@example.jp", JSUBJ,
     "皆さん\n\n今年の忘年会は 12 月 20 日 (金) の 19 時からを考えています。\n"
     "都合の悪い方は返信してください。\n\n田中\n"),
    ("鈴木花子", "hanako@example.jp", "Re: " + JSUBJ,
     "田中さん\n\n20 日は大丈夫です。お店は駅前の和食屋さんでしょうか。\n\n鈴木\n"),
    ("田中一郎", "ichiro@example.jp", "Re: " + JSUBJ,
     "鈴木さん\n\nはい、駅前のお店を 10 名で予約しました。\n\n田中\n"),
]
refs = []
for i, (name, mail, subj, body) in enumerate(jthread):
    extra = []
    if refs:
        extra = ["In-Reply-To: " + refs[-1], "References: " + " ".join(refs)]
    refs.append(put("", 600 + 90 * i, addr(name, mail), subj, body,
                    "S" if i == 0 else "", extra=extra))

# --- INBOX: multipart/alternative, HTML and plain text
put("", 1500, addr("TLS News", "news@example.net"),
    "Newsletter: why STARTTLS needs certificate checks",
    b"This is a multi-part message in MIME format.\n"
    b"--alt-demo\nContent-Type: text/plain; charset=utf-8\n"
    b"Content-Transfer-Encoding: 8bit\n\n"
    b"Why STARTTLS needs certificate checks\n\n"
    b"Encryption without checking who you talk to protects you from people\n"
    b"who only listen, not from someone in the middle. starling checks the\n"
    b"chain, the name and your pins before a password leaves.\n\n"
    b"(This is the text/plain part of a multipart/alternative message;\n"
    b"the HTML part is not shown.)\n"
    b"--alt-demo\nContent-Type: text/html; charset=utf-8\n"
    b"Content-Transfer-Encoding: 8bit\n\n"
    b"<html><body><h1>Why STARTTLS needs certificate checks</h1>"
    b"<p>Encryption without checking who you talk to ...</p></body></html>\n"
    b"--alt-demo--\n", "S",
    ctype='multipart/alternative; boundary="alt-demo"')

# --- INBOX: ISO-2022-JP subject, sender and body
put("", 2000, addr("佐藤花子", "sato@example.jp", "iso-2022-jp"),
    "来週の会議資料を送ります",
    "山田さん\n\nお疲れさまです。来週の会議の資料をお送りします。\n"
    "このメールは ISO-2022-JP (JIS) で書かれています。\n"
    "件名も本文も、starling が UTF-8 に変換して表示します。\n\n佐藤\n",
    cs="iso-2022-jp", cte="7bit")

# --- INBOX: terminal escape sequences in the subject
put("", 2500, addr("Mallory", "mallory@example.com"),
    "Invoice \x1b[31mOVERDUE\x1b[0m\x1b]0;pwned\x07 (this subject hides "
    "terminal escape codes)",
    "The subject of this message holds terminal escape sequences: ESC [31m\n"
    "(red text), ESC [0m and an OSC sequence that would set your terminal's\n"
    "title to \"pwned\". starling neutralises them: they never reach your\n"
    "terminal, so a stranger's mail cannot colour your screen, retitle your\n"
    "terminal or worse.\n",
    raw_subject=True)

# --- INBOX: Japanese, UTF-8
put("", 3000, addr("山田太郎", "taro@example.jp"),
    "starling へようこそ — 日本語のメールです",
    "こんにちは。\n\nこのメールは UTF-8 で書かれています。件名の日本語は\n"
    "RFC 2047 でエンコードされ、starling が表示幅に合わせて並べます。\n\n"
    "デモの 3 つのアカウント:\n"
    "  verified    検証済みの STARTTLS。鍵のマーク [TLS] が付きます。\n"
    "  selfsigned  信頼できない証明書。i で証明書を見て、p でピン留め。\n"
    "  plaintext   暗号化なし。ログインは拒否されます。アカウント名を\n"
    "              入力すると、このセッションに限り続行できます。\n\n"
    "山田\n")

# --- INBOX: the welcome, the newest
put("", 3500, addr("starling demo", "demo@starling.demo"),
    "Welcome to the starling demo",
    "Hello Alice,\n\n"
    "This mailbox is served by a Dovecot on your own machine, started by\n"
    "`make demo` a moment ago with a throwaway certificate authority. The\n"
    "same mail is reachable through three accounts:\n\n"
    "  verified    STARTTLS, a certificate signed by the demo CA: [TLS].\n"
    "              Press i for the certificate, t for the transcript.\n"
    "  selfsigned  a certificate no trusted CA vouches for: refused, and no\n"
    "              password sent. Press i, then p, to pin its key: [PIN].\n"
    "  plaintext   a server without TLS: refused. Press Enter and type the\n"
    "              account's name to go on for this session only: [PLAIN].\n\n"
    "In this folder: a thread, a Japanese thread, a multipart/alternative\n"
    "newsletter, a message in ISO-2022-JP, one in UTF-8, and one whose\n"
    "subject tries to take over your terminal.\n\n"
    "When you quit (Q), the servers stop and everything is removed.\n")

# --- Archive
put("Archive", -600, addr("Bob Example", "bob@example.com"),
    "Your old mail server used plaintext passwords",
    "This one is from before the move to TLS-only.\n", "S")
put("Archive", -500, addr("Bob Example", "bob@example.com"),
    "Re: Your old mail server used plaintext passwords",
    "And now it does not.\n", "S")

# --- 仕事
put("&TtVOiw-", -400, addr("高橋誠", "makoto@example.jp"), "プロジェクトの進捗",
    "今週の進捗を共有します。\n・サーバー証明書の更新: 完了\n"
    "・STARTTLS の必須化: 完了\n", "S")
put("&TtVOiw-", -300, addr("山田太郎", "taro@example.jp"), "Re: プロジェクトの進捗",
    "ありがとうございます。確認しました。\n")
EOF
chown -R mail:mail "$H/mail/$TEST_USER"
chmod -R u=rwX,go= "$H/mail/$TEST_USER"

# ------------------------------------------------------------------ config
config_new
config_account verified "name=Alice (demo)" "${ACCOUNT_KEYS[@]}" \
    "imap=imap://localhost:$IMAP_PORT" "smtp=smtp://localhost:$SUBMISSION_PORT" \
    "cafile=$CA_PEM"
config_account selfsigned "name=Alice (demo)" "${ACCOUNT_KEYS[@]}" \
    "imap=imaps://$UNKNOWNCA_HOST:$IMAPS_PORT"
config_account plaintext "name=Alice (demo)" "${ACCOUNT_KEYS[@]}" \
    "imap=imap://localhost:$PLAIN_IMAP_PORT"
export DEMO_DIR=$H DEMO_CONFIG=$CONF
mkdir -p "$H/home"; chmod 700 "$H/home"

# ------------------------------------------------------------------ banner
if [ -n "$DEMO_JA" ]; then
    cat <<EOF

starling デモ
=============
このマシンのループバックで Dovecot と Postfix が動いています。証明書は、
いま作ったばかりの使い捨ての認証局 (CA) が発行したものです。starling は
3 つのデモアカウントで開きます。どれも alice としてログインし、同じ
サンプルメール (日本語のメールもあります) を読みます。

  verified    imap://localhost:$IMAP_PORT と smtp://localhost:$SUBMISSION_PORT (STARTTLS)。
              証明書はデモ用 CA の署名付きです (cafile)。[TLS] と表示されます。
              Enter でフォルダーとメールを開き、i で証明書と TLS セッション、
              t でやり取りの記録 (パスワードは [redacted]) を表示します。
  selfsigned  imaps://$UNKNOWNCA_HOST:$IMAPS_PORT。どの信頼済み CA も保証しない証明書です。
              starling は接続を拒否し、パスワードを送りません。i で証明書の
              フィンガープリントを確かめ、p を押して $UNKNOWNCA_HOST と入力すると
              公開鍵をピン留めし、[PIN] と表示されます。
  plaintext   imap://localhost:$PLAIN_IMAP_PORT。TLS のないサーバーです。starling は
              平文でのログインを拒否します。Enter で理由を読み、アカウント名
              plaintext を入力すると、このセッションに限り続行します: [PLAIN]。

j/k で移動、Enter で開く、q で戻る、? でキー一覧、Q で終了。
starling を終了するとサーバーは停止し、$H
(設定、ピン、メール、ログ) は削除されます。

EOF
else
    cat <<EOF

starling demo
=============
Dovecot and Postfix now run on this machine's loopback, with certificates
from a throwaway certificate authority made a moment ago. starling opens on
three demo accounts; all three log in as alice and read the same sample
mail (some of it in Japanese).

  verified    imap://localhost:$IMAP_PORT and smtp://localhost:$SUBMISSION_PORT (STARTTLS),
              a certificate signed by the demo CA (cafile): shows [TLS].
              Enter opens the folders and the mail; i shows the certificate
              and the TLS session; t the transcript (password [redacted]).
  selfsigned  imaps://$UNKNOWNCA_HOST:$IMAPS_PORT, a certificate no trusted CA vouches for:
              starling refuses it and sends no password. Press i, look at
              the fingerprint, then p and type $UNKNOWNCA_HOST to pin its key:
              the row shows [PIN].
  plaintext   imap://localhost:$PLAIN_IMAP_PORT, a server without TLS: starling refuses
              to log in. Press Enter, read why, and type the account's name
              (plaintext) to go on for this session only: [PLAIN].

j/k move, Enter opens, q goes back, ? lists the keys, Q quits.
When starling exits the servers stop and $H
(config, pins, mail, logs) is removed.

EOF
fi

# ------------------------------------------------------------------ run it
# starling runs as a child waited for with `wait`, so that a signal to this
# script is handled at once (the harness's traps: exit, then demo_cleanup);
# it keeps the terminal as its standard input (<&0: an asynchronous command
# would otherwise read /dev/null) and stays in the terminal's foreground
# process group.
if [ -n "${DEMO_RUN:-}" ]; then
    HOME=$H/home bash -c "$DEMO_RUN" <&0 &
    DEMO_PID=$!
else
    if [ -t 0 ] && [ -t 1 ]; then
        say "Press Enter to start starling (Ctrl-C stops the demo)." \
            "Enter で starling を起動します (Ctrl-C でデモを中止)。"
        read -r _ || exit 1
    fi
    HOME=$H/home "$STARLING" --config "$CONF" "$@" <&0 &
    DEMO_PID=$!
fi
# Should this script be killed without its traps (SIGKILL), end starling
# too; the harness's watchdog stops the servers.
DEMO_PARENT=$$
( trap '' INT HUP
  while _alive "$DEMO_PARENT"; do sleep 1; done
  kill -TERM "$DEMO_PID" ) >/dev/null 2>&1 </dev/null &
DEMO_GUARD=$!

wait "$DEMO_PID"
rc=$?
DEMO_PID=
exit "$rc"
