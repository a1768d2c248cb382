#!/usr/bin/python3
"""imapget.py -- read alice's mail back over IMAP (STARTTLS, the harness CA)
for tests/servers/t-send.sh.

    imapget.py count FOLDER HEADER VALUE        how many messages match
    imapget.py wait FOLDER HEADER VALUE N       until N match (30 s guard);
                                                exit 1 if they never do
    imapget.py fetch FOLDER HEADER VALUE DIR    each match as DIR/1.eml ...

Environment: IMAP_PORT, CA_PEM, TEST_USER, TEST_PASS (harness.sh).  A
folder that does not exist has no message.
"""
import imaplib
import os
import ssl
import sys
import time


def connect():
    ctx = ssl.create_default_context(cafile=os.environ["CA_PEM"])
    m = imaplib.IMAP4("localhost", int(os.environ["IMAP_PORT"]))
    m.starttls(ssl_context=ctx)
    m.login(os.environ["TEST_USER"], os.environ["TEST_PASS"])
    return m


def search(m, folder, header, value):
    typ, _ = m.select('"%s"' % folder, readonly=True)
    if typ != "OK":
        return []
    typ, data = m.search("UTF-8", "HEADER", header,
                         '"%s"' % value.replace('"', '\\"'))
    return data[0].split() if typ == "OK" and data[0] else []


def main():
    cmd, folder, header, value = sys.argv[1:5]
    m = connect()
    try:
        if cmd == "count":
            print(len(search(m, folder, header, value)))
        elif cmd == "wait":
            want, limit = int(sys.argv[5]), time.time() + 30
            while len(search(m, folder, header, value)) < want:
                if time.time() > limit:
                    sys.exit(1)
                time.sleep(0.2)
        elif cmd == "fetch":
            os.makedirs(sys.argv[5], exist_ok=True)
            n = 0
            for n, num in enumerate(search(m, folder, header, value), 1):
                typ, data = m.fetch(num, "(FLAGS BODY.PEEK[])")
                with open(os.path.join(sys.argv[5], "%d.eml" % n), "wb") as f:
                    f.write(data[0][1])
                with open(os.path.join(sys.argv[5], "%d.flags" % n), "wb") as f:
                    f.write(data[0][0])
            print(n)
        else:
            sys.exit(__doc__)
    finally:
        m.logout()


if __name__ == "__main__":
    main()
