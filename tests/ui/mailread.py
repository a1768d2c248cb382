#!/usr/bin/env python3
"""Read alice's mail on the harness's Dovecot over STARTTLS (verified
against the test CA), for the compose test.

usage: mailread.py HOST PORT USER PASS CAFILE create FOLDER
           create FOLDER (no error if it exists)
       mailread.py HOST PORT USER PASS CAFILE count FOLDER
           print how many messages FOLDER holds
       mailread.py HOST PORT USER PASS CAFILE find FOLDER TEXT
           print, as JSON, the newest message of FOLDER whose decoded
           Subject contains TEXT: its decoded headers (from, to, cc,
           subject, message-id, in-reply-to, references, bcc), its text
           body, its attachments (filename, content_type, text of text
           parts) and the subjects of the messages it carries
           (message/rfc822 parts, "messages"); exit 1 if none.
"""
import email
import email.policy
import imaplib
import json
import ssl
import sys


def connect(host, port, user, password, cafile):
    ctx = ssl.create_default_context(cafile=cafile)
    c = imaplib.IMAP4(host, int(port), timeout=20)
    c.starttls(ssl_context=ctx)
    c.login(user, password)
    return c


def describe(raw):
    m = email.message_from_bytes(raw, policy=email.policy.default)
    out = {k: str(m[k]) if m[k] is not None else None for k in
           ("from", "to", "cc", "bcc", "subject", "message-id",
            "in-reply-to", "references", "date")}
    body = m.get_body(preferencelist=("plain",))
    # an 8bit part keeps its CRLF line ends in get_content()
    out["body"] = body.get_content().replace("\r\n", "\n") \
        if body is not None else None
    out["attachments"] = []
    for part in m.iter_attachments():
        a = {"filename": part.get_filename(),
             "content_type": part.get_content_type()}
        if part.get_content_maintype() == "text":
            a["text"] = part.get_content().replace("\r\n", "\n")
        out["attachments"].append(a)
    # forwarded messages, wherever they are (the whole message may be one)
    out["messages"] = [str(p.get_content()["subject"]) for p in m.walk()
                       if p.get_content_type() == "message/rfc822"]
    return out


def main():
    host, port, user, password, cafile, what, folder = sys.argv[1:8]
    c = connect(host, port, user, password, cafile)
    if what == "create":
        c.create(folder)
        return 0
    typ, data = c.select(folder, readonly=True)
    if typ != "OK":
        print("cannot select %s: %s" % (folder, data), file=sys.stderr)
        return 1
    n = int(data[0])
    if what == "count":
        print(n)
        return 0
    text = sys.argv[8]
    for seq in range(n, 0, -1):
        typ, data = c.fetch(str(seq), "(BODY.PEEK[])")
        raw = data[0][1]
        d = describe(raw)
        if text in (d["subject"] or ""):
            print(json.dumps(d, ensure_ascii=False))
            return 0
    print("no message in %s with %r in its subject" % (folder, text),
          file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
