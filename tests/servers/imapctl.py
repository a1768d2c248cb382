#!/usr/bin/env python3
"""A second IMAP session for the tests, independent of starling: Python's
imaplib over STARTTLS verified against the harness CA.

usage: imapctl.py PORT CAFILE COMMAND FOLDER [ARG...]
  uids FOLDER                    every UID, one per line
  flags FOLDER UID               the message's flags, sorted, space separated
                                 ("gone" when there is no such UID)
  body FOLDER UID                sha256 of BODY.PEEK[] ("gone" if none)
  find FOLDER SUBJECT            UIDs whose Subject header is SUBJECT
  search FOLDER TEXT             UID SEARCH CHARSET UTF-8 OR SUBJECT t OR
                                 FROM t TEXT t (t sent as a literal)
  sort FOLDER KEY [reverse]      UID SORT (KEY or REVERSE KEY) UTF-8 ALL
  thread FOLDER ALGORITHM        UID THREAD: "UID DEPTH" per line, in order
  store FOLDER UID FLAGS         UID STORE +FLAGS (FLAGS), e.g. \\Deleted
  subjects FOLDER KEY [reverse]  the subjects in UID SORT order
  append FOLDER SUBJECT [ID [PARENT]]
                                 APPEND a small message with that subject
                                 (Message-ID <ID@starling.test>, a reply to
                                 <PARENT@starling.test>)
Exit 0, or 1 with the server's words on stderr. Also used by the UI tests.
"""
import email.header
import hashlib
import imaplib
import re
import ssl
import sys

USER, PASSWORD = "alice", "s3cret-Pa55"


def connect(port, cafile):
    c = imaplib.IMAP4("localhost", int(port), timeout=30)
    c.starttls(ssl_context=ssl.create_default_context(cafile=cafile))
    c.login(USER, PASSWORD)
    return c


def check(typ, data):
    if typ != "OK":
        sys.exit("imapctl: %s %r" % (typ, data))
    return data


def numbers(data):
    return [int(x) for x in b" ".join(d for d in data if d).split()]


def fetch(c, uid, what):
    data = check(*c.uid("FETCH", str(uid), what))
    return [d for d in data if d is not None]


def cmd_flags(c, uid):
    data = fetch(c, uid, "(FLAGS)")
    if not data:
        return "gone"
    m = re.search(rb"FLAGS \(([^)]*)\)", data[0] if isinstance(data[0], bytes)
                  else data[0][0])
    return " ".join(sorted(m.group(1).decode().split()))


def cmd_body(c, uid):
    data = fetch(c, uid, "(BODY.PEEK[])")
    if not data or not isinstance(data[0], tuple):
        return "gone"
    return hashlib.sha256(data[0][1]).hexdigest()


def thread_rows(text):
    """(uid, depth) in display order, by the RFC 5256 rules, recursively."""
    rows, pos = [], 0

    def parse_list(depth):
        nonlocal pos
        assert text[pos] == "("
        pos += 1
        d = depth
        while text[pos] != ")":
            if text[pos] == " ":
                pos += 1
            elif text[pos] == "(":
                parse_list(d)
            else:
                m = re.match(r"\d+", text[pos:])
                rows.append((int(m.group(0)), d))
                d += 1
                pos += len(m.group(0))
        pos += 1

    while pos < len(text):
        if text[pos] == "(":
            parse_list(0)
        else:
            pos += 1
    return rows


def run(c, cmd, folder, args):
    if cmd == "append":
        hdr = "From: Tester <tester@example.org>\r\nTo: alice@localhost\r\n"
        if args[1:]:
            hdr += "Message-ID: <%s@starling.test>\r\n" % args[1]
        if args[2:]:
            hdr += ("In-Reply-To: <%s@starling.test>\r\nReferences: "
                    "<%s@starling.test>\r\n" % (args[2], args[2]))
        msg = (hdr + "Subject: %s\r\nMIME-Version: 1.0\r\nContent-Type: "
               "text/plain; charset=utf-8\r\n\r\nappended\r\n" % args[0])
        check(*c.append(folder, None, None, msg.encode()))
        return []
    check(*c.select('"%s"' % folder))
    if cmd == "uids":
        return numbers(check(*c.uid("SEARCH", None, "ALL")))
    if cmd == "flags":
        return [cmd_flags(c, args[0])]
    if cmd == "body":
        return [cmd_body(c, args[0])]
    if cmd == "find":
        c.literal = args[0].encode()
        return numbers(check(*c.uid("SEARCH", "CHARSET", "UTF-8", "HEADER",
                                    "Subject")))
    if cmd == "search":
        q = args[0].encode()
        # imaplib sends one literal per command: quote the others.
        quoted = b'"' + q.replace(b"\\", b"\\\\").replace(b'"', b'\\"') + b'"'
        c.literal = q
        return numbers(check(*c.uid("SEARCH", "CHARSET", "UTF-8", "OR",
                                    "SUBJECT", quoted, "OR", "FROM", quoted,
                                    "TEXT")))
    if cmd == "sort":
        key = "(REVERSE %s)" % args[0] if args[1:] == ["reverse"] \
            else "(%s)" % args[0]
        return numbers(check(*c.uid("SORT", key, "UTF-8", "ALL")))
    if cmd == "subjects":
        key = "(REVERSE %s)" % args[0] if args[1:] == ["reverse"] \
            else "(%s)" % args[0]
        out = []
        for uid in numbers(check(*c.uid("SORT", key, "UTF-8", "ALL"))):
            data = fetch(c, uid, "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
            raw = data[0][1].decode().split(":", 1)[1].strip()
            out.append(str(email.header.make_header(
                email.header.decode_header(raw))))
        return out
    if cmd == "thread":
        data = check(*c.uid("THREAD", args[0], "UTF-8", "ALL"))
        return ["%d %d" % r for r in thread_rows(b"".join(
            d for d in data if d).decode())]
    if cmd == "store":
        check(*c.uid("STORE", args[0], "+FLAGS", "(%s)" % args[1]))
        return []
    sys.exit("imapctl: unknown command " + cmd)


def main():
    port, cafile, cmd, folder = sys.argv[1:5]
    c = connect(port, cafile)
    for line in run(c, cmd, folder, sys.argv[5:]):
        print(line)
    c.logout()


if __name__ == "__main__":
    main()
