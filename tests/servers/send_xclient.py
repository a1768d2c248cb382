#!/usr/bin/env python3
"""Send one message to the harness's Postfix as if from another host.

usage: send_xclient.py PORT tls|plain CAFILE ADDR NAME SUBJECT [EXTRA-HEADER]

Connects to 127.0.0.1:PORT; with "tls" it says STARTTLS first (verifying
the server against CAFILE: its certificate names 127.0.0.1), with "plain" it never does.
Then XCLIENT ADDR=... NAME=... HELO=NAME (harness.sh lets 127.0.0.1 do so)
makes Postfix write its Received field for a sender at ADDR, so that the
hop is not a loopback one. The message goes from bob@example.net to
alice@localhost; EXTRA-HEADER (one "Name: value" line) is put in it as the
sender wrote it. Prints Postfix's queue id reply; exit 1 on any failure.
"""
import smtplib
import ssl
import sys
import time


def main():
    port, mode, cafile, addr, name, subject = sys.argv[1:7]
    extra = sys.argv[7] + "\r\n" if len(sys.argv) > 7 else ""
    s = smtplib.SMTP("127.0.0.1", int(port), timeout=20)
    s.ehlo("sender.example.net")
    if mode == "tls":
        ctx = ssl.create_default_context(cafile=cafile)
        s.starttls(context=ctx)
        s.ehlo("sender.example.net")
    elif mode != "plain":
        sys.exit("mode must be tls or plain")
    if not s.has_extn("xclient"):
        sys.exit("the server does not offer XCLIENT to this client")
    code, resp = s.docmd("XCLIENT", "ADDR=%s NAME=%s HELO=%s" % (addr, name, name))
    if code != 220:
        sys.exit("XCLIENT refused: %d %r" % (code, resp))
    s.ehlo_resp = None
    s.ehlo(name)
    date = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime())
    msg = ("From: Bob <bob@example.net>\r\nTo: Alice <alice@localhost>\r\n"
           "Subject: %s\r\nDate: %s\r\nMessage-ID: <%s.%d@example.net>\r\n"
           "%sMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n"
           "\r\nThis message travelled %s.\r\n") % (
               subject, date, mode, int(time.time() * 1000), extra,
               "over TLS" if mode == "tls" else "in the clear")
    code, resp = s.mail("bob@example.net")
    if code != 250:
        sys.exit("MAIL FROM refused: %d %r" % (code, resp))
    code, resp = s.rcpt("alice@localhost")
    if code != 250:
        sys.exit("RCPT TO refused: %d %r" % (code, resp))
    code, resp = s.data(msg.encode("ascii"))
    if code != 250:
        sys.exit("DATA refused: %d %r" % (code, resp))
    print(resp.decode("ascii", "replace"))
    s.quit()


try:
    main()
except Exception as e:  # noqa: BLE001 -- any failure is reported the same way
    sys.exit("send_xclient.py: %s: %s" % (type(e).__name__, e))
