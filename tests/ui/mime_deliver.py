#!/usr/bin/env python3
"""Deliver messages through the harness's Postfix: submission with STARTTLS
(verified against the test CA) and AUTH, to alice@localhost, one SMTP
transaction per file, in the order given.

usage: mime_deliver.py HOST PORT USER PASS CAFILE FILE...
Exit 0 when Postfix accepted every message; otherwise a message and exit 1.
"""
import smtplib
import ssl
import sys


def main():
    host, port, user, password, cafile = sys.argv[1:6]
    ctx = ssl.create_default_context(cafile=cafile)
    with smtplib.SMTP(host, int(port), timeout=60) as c:
        c.starttls(context=ctx)
        c.login(user, password)
        for path in sys.argv[6:]:
            with open(path, "rb") as f:
                data = f.read()
            c.sendmail("sender@example.org", ["alice@localhost"], data)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (OSError, smtplib.SMTPException) as e:
        print("mime_deliver.py: %s" % e, file=sys.stderr)
        sys.exit(1)
