#!/usr/bin/env python3
"""The floor: what a bare IMAP exchange needs for a first index screen.

usage: imapfloor.py HOST PORT USER PASS CAFILE VISIBLE
           connect, STARTTLS (verified against CAFILE), LOGIN, SELECT INBOX,
           one FETCH of the VISIBLE newest envelopes; prints the seconds
           from connect to the last FETCH response.
       imapfloor.py HOST PORT USER PASS CAFILE --index
           SELECT INBOX and FETCH every message's envelope once, so that
           Dovecot has indexed and cached the folder before anyone is timed.
"""
import imaplib
import re
import ssl
import sys
import time


def main():
    host, port, user, pw, ca, what = sys.argv[1:7]
    ctx = ssl.create_default_context(cafile=ca)
    t0 = time.monotonic()
    imap = imaplib.IMAP4(host, int(port))
    imap.starttls(ssl_context=ctx)
    imap.login(user, pw)
    typ, data = imap.select("INBOX", readonly=True)
    exists = int(data[0])
    if what == "--index":
        imap.fetch("1:*", "(UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE)")
        imap.fetch("1:*", "(BODY.PEEK[HEADER.FIELDS (DATE FROM SUBJECT TO "
                   "CC MESSAGE-ID REFERENCES CONTENT-TYPE IN-REPLY-TO "
                   "REPLY-TO)])")
    else:
        first = max(1, exists - int(what) + 1)
        typ, data = imap.fetch("%d:%d" % (first, exists),
                               "(UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE)")
        if typ != "OK" or not any(isinstance(d, bytes) and
                                  re.search(rb"ENVELOPE", d) or
                                  isinstance(d, tuple) for d in data):
            sys.exit("the FETCH returned no envelopes")
        print("%.4f" % (time.monotonic() - t0))
    imap.logout()


if __name__ == "__main__":
    main()
