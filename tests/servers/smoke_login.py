#!/usr/bin/env python3
"""Log in to the harness's servers with Python's own clients, to prove the
harness works independently of starling.

usage: smoke_login.py imap|pop3|smtp starttls|implicit|plain HOST PORT USER PASS [CAFILE]

exit 0 logged in (and out), 3 TLS/certificate failure, 4 credentials
rejected, 5 network error, 1 anything else.  With "plain" there is no TLS.
"""
import imaplib
import poplib
import smtplib
import socket
import ssl
import sys


def main():
    proto, mode, host, port, user, password = sys.argv[1:7]
    port = int(port)
    ctx = ssl.create_default_context(cafile=sys.argv[7] if len(sys.argv) > 7 else None)
    timeout = 10
    if proto == "imap":
        if mode == "implicit":
            c = imaplib.IMAP4_SSL(host, port, ssl_context=ctx, timeout=timeout)
        else:
            c = imaplib.IMAP4(host, port, timeout=timeout)
            if mode == "starttls":
                c.starttls(ssl_context=ctx)
        c.login(user, password)
        c.select("INBOX")
        c.logout()
    elif proto == "pop3":
        if mode == "implicit":
            c = poplib.POP3_SSL(host, port, context=ctx, timeout=timeout)
        else:
            c = poplib.POP3(host, port, timeout=timeout)
            if mode == "starttls":
                c.stls(context=ctx)
        c.user(user)
        c.pass_(password)
        c.quit()
    elif proto == "smtp":
        if mode == "implicit":
            c = smtplib.SMTP_SSL(host, port, context=ctx, timeout=timeout)
        else:
            c = smtplib.SMTP(host, port, timeout=timeout)
            if mode == "starttls":
                c.starttls(context=ctx)
        c.ehlo()
        c.login(user, password)  # AUTH PLAIN (or LOGIN) through Dovecot SASL
        c.quit()
    else:
        sys.exit("unknown protocol " + proto)


try:
    main()
except ssl.SSLError as e:
    print("tls: %s" % e)
    sys.exit(3)
except (imaplib.IMAP4.error, poplib.error_proto,
        smtplib.SMTPAuthenticationError) as e:
    print("rejected: %s" % e)
    sys.exit(4)
except (OSError, socket.timeout) as e:
    print("network: %s" % e)
    sys.exit(5)
