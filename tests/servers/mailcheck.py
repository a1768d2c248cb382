#!/usr/bin/python3
"""mailcheck.py -- what a delivered message says, decoded with Python's
email package, against what was sent (tests/servers/t-send*.sh).

    mailcheck.py FILE [CHECK...]
CHECK:
    header:NAME=VALUE      the decoded header is VALUE
    name:NAME=DISPLAY      the header's first address has that display name
    addr:NAME=ADDR         the header's addresses include ADDR
    no-header:NAME         there is no such header
    has-header:NAME=RE     some NAME header matches the regular expression
    body=PATH              the first text/plain part decodes to PATH's text
    attach:FILENAME=PATH   an attachment of that name decodes to PATH's bytes
    cte:TYPE=CTE           the part of that content type has that encoding
    lines                  every line ends in CRLF and has <= 998 octets
Prints each failed check; exit 1 if any failed.
"""
import email
import email.policy
import re
import sys


def main():
    raw = open(sys.argv[1], "rb").read()
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    bad = []
    for check in sys.argv[2:]:
        kind, _, arg = check.partition(":")
        if check == "lines":
            for ln in raw.split(b"\r\n")[:-1]:
                if b"\n" in ln or b"\r" in ln or len(ln) > 998:
                    bad.append("bad line: %r" % ln[:60])
                    break
            continue
        if check.startswith("body="):
            want = open(check[5:], encoding="utf-8").read()
            part = msg.get_body(("plain",))
            got = part.get_content().replace("\r\n", "\n") if part else None
            if got != want:
                bad.append("body: %r != %r" % (got, want))
            continue
        name, _, want = arg.partition("=")
        if kind == "header":
            got = msg[name]
            if str(got) != want:
                bad.append("%s: %r != %r" % (name, str(got), want))
        elif kind == "name":
            h = msg[name]
            got = h.addresses[0].display_name if h else None
            if got != want:
                bad.append("%s name: %r != %r" % (name, got, want))
        elif kind == "addr":
            h = msg[name]
            got = [a.addr_spec for a in h.addresses] if h else []
            if want not in got:
                bad.append("%s: %r not in %r" % (name, want, got))
        elif kind == "no-header":
            if msg.get_all(name):
                bad.append("has %s: %r" % (name, msg.get_all(name)))
        elif kind == "has-header":
            if not any(re.search(want, str(v)) for v in msg.get_all(name) or []):
                bad.append("no %s matching %r in %r" % (name, want,
                                                         msg.get_all(name)))
        elif kind == "attach":
            data = open(want, "rb").read()
            found = [p for p in msg.iter_attachments()
                     if p.get_filename() == name]
            if not found:
                bad.append("no attachment %r among %r" % (
                    name, [p.get_filename() for p in msg.iter_attachments()]))
            elif found[0].get_payload(decode=True) != data:
                bad.append("attachment %r: the bytes differ" % name)
        elif kind == "cte":
            parts = [p for p in msg.walk() if p.get_content_type() == name]
            got = [str(p["Content-Transfer-Encoding"]) for p in parts]
            if want not in got:
                bad.append("%s encoding %r, wanted %r" % (name, got, want))
        else:
            bad.append("unknown check %r" % check)
    for b in bad:
        print(b)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
