#!/usr/bin/env python3
"""Deliver messages to alice through the harness's Postfix: submission over
STARTTLS verified against the test CA, SASL login, then wait until Postfix
has put them into her Maildir (new/ and cur/ together hold WANT messages).

usage: deliver.py PORT USER PASS CAFILE MAILDIR WANT < messages.json

messages.json is a list of objects: "from" (a display name may be
Japanese), "subject", "body", and optionally "headers" (extra header
fields, in order; their values are sent as given). Names and subjects are
RFC 2047-encoded as a mail client would. Messages are sent one by one and
each delivery is awaited, so that the Maildir order follows the list.
Exit 0 when all arrived; otherwise a message and exit 1.
"""
import email.header
import json
import os
import smtplib
import ssl
import sys
import time


def encode(s):
    """RFC 2047 for non-ASCII text, as is otherwise."""
    if all(ord(c) < 128 for c in s):
        return s
    return email.header.Header(s, "utf-8").encode()


def address(s):
    """'Name <addr>' with the name encoded."""
    if " <" not in s:
        return s
    name, addr = s.rsplit(" <", 1)
    return "%s <%s" % (encode(name), addr)


def message(m, n):
    fields = [("From", address(m["from"])),
              ("To", "Alice <alice@localhost>"),
              ("Subject", encode(m["subject"])),
              ("Date", time.strftime("%a, %d %b %Y %H:%M:%S +0000",
                                     time.gmtime())),
              ("Message-ID", "<deliver-%d-%d@starling.test>" % (os.getpid(), n)),
              ("MIME-Version", "1.0"),
              ("Content-Type", "text/plain; charset=utf-8"),
              ("Content-Transfer-Encoding", "8bit")]
    fields = [(k, v) for k, v in m.get("headers", [])] + fields
    head = "".join("%s: %s\r\n" % kv for kv in fields)
    return (head + "\r\n" + m["body"] + "\r\n").encode("utf-8")


def count(maildir):
    return sum(len(os.listdir(os.path.join(maildir, d)))
               for d in ("new", "cur") if os.path.isdir(os.path.join(maildir, d)))


def main():
    port, user, password, cafile, maildir, want = sys.argv[1:7]
    msgs = json.load(sys.stdin)
    ctx = ssl.create_default_context(cafile=cafile)
    before = count(maildir)
    with smtplib.SMTP("localhost", int(port), timeout=30) as s:
        s.starttls(context=ctx)
        s.login(user, password)
        for n, m in enumerate(msgs):
            s.sendmail("alice@localhost", ["alice@localhost"], message(m, n))
            limit = time.time() + 30
            while count(maildir) < before + n + 1 and time.time() < limit:
                time.sleep(0.1)
    if count(maildir) < int(want):
        sys.exit("deliver.py: %d messages in %s, expected %s"
                 % (count(maildir), maildir, want))


if __name__ == "__main__":
    main()
