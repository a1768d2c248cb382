#!/usr/bin/env python3
"""Fill alice's mailbox on the harness's Dovecot through IMAP APPEND, over
STARTTLS verified against the test CA, so that sequence numbers follow the
order of appending (writing Maildir files directly leaves the order to
readdir).

usage: fill.py HOST PORT USER PASS CAFILE FOLDER COUNT
           append "Message 1" .. "Message COUNT" to FOLDER (created if needed)
       fill.py HOST PORT USER PASS CAFILE FOLDER --intl
           append the three messages of the UTF-8 alignment test: an ASCII
           one, one with a Japanese subject and sender, one with a Japanese
           subject far wider than the screen.
Exit 0 when every message was appended; otherwise a message and exit 1.
"""
import email.header
import imaplib
import ssl
import sys
import time


def msg(subject, sender, n, body):
    hdr = email.header.Header(subject, "utf-8").encode() \
        if any(ord(c) > 127 for c in subject) else subject
    if any(ord(c) > 127 for c in sender):
        name, addr = sender.split(" <")
        sender = "%s <%s" % (email.header.Header(name, "utf-8").encode(), addr)
    date = time.strftime("%a, %d %b %Y %H:%M:%S +0000",
                         time.gmtime(1700000000 + 3600 * n))
    text = ("From: %s\r\nTo: Alice <alice@localhost>\r\nSubject: %s\r\n"
            "Date: %s\r\nMessage-ID: <ui-test-%d@starling.test>\r\n"
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
            "Content-Transfer-Encoding: 8bit\r\n\r\n%s\r\n") % (
                sender, hdr, date, n, body)
    return text.encode("utf-8"), 1700000000 + 3600 * n


def main():
    host, port, user, password, cafile, folder, what = sys.argv[1:8]
    ctx = ssl.create_default_context(cafile=cafile)
    c = imaplib.IMAP4(host, int(port), timeout=20)
    c.starttls(ssl_context=ctx)
    c.login(user, password)
    if folder.upper() != "INBOX":
        c.create(folder)
    if what == "--intl":
        msgs = [
            msg("Plain ASCII subject", "Bob Example <bob@example.org>", 1,
                "An ASCII message."),
            msg("日本語の件名です", "山田太郎 <taro@example.jp>", 2,
                "日本語の本文です。"),
            msg("とても長い日本語の件名：" + "あいうえおかきくけこ" * 8,
                "鈴木花子 <hanako@example.jp>", 3, "長い件名のテスト。"),
        ]
    else:
        msgs = [msg("Message %d" % n, "Sender %d <sender%d@example.org>" % (n, n),
                    n, "This is message %d.\r\n%s" % (n, "Some text.\r\n" * (n % 7)))
                for n in range(1, int(what) + 1)]
    for data, when in msgs:
        typ, resp = c.append(folder, None, imaplib.Time2Internaldate(when), data)
        if typ != "OK":
            sys.exit("APPEND failed: %r" % resp)
    typ, resp = c.select(folder, readonly=True)
    if typ != "OK" or int(resp[0]) != len(msgs):
        sys.exit("%s holds %r messages, expected %d" % (folder, resp, len(msgs)))
    c.logout()


try:
    main()
except Exception as e:  # noqa: BLE001 -- any failure is reported the same way
    sys.exit("fill.py: %s: %s" % (type(e).__name__, e))
