#!/usr/bin/python3
"""pop3odd.py -- a POP3 server (implicit TLS) with faults a real Dovecot
cannot be made to show, for tests/servers/t-fetch.sh.

    pop3odd.py MODE CERT KEY PORTFILE LOG

Serves one connection, then exits (or after 30 s without one).  It accepts
any USER/PASS and holds three small messages.  MODE:
    nouidl   UIDL is answered -ERR (a server without unique ids)
    twins    messages 2 and 3 carry the same UIDL
    cut      RETR of message 2 sends part of the message, then closes
Every command line received goes to LOG, one per line.
"""
import socket
import ssl
import sys

MSGS = [b"From: a@example.com\r\nSubject: odd %d\r\nMessage-ID: <odd%d@x>"
        b"\r\n\r\nbody %d\r\n" % (i, i, i) for i in (1, 2, 3)]


def reply(mode, cmd, arg):
    """The reply to one command (bytes), or None to close."""
    if cmd == b"CAPA":
        return b"+OK\r\nUSER\r\nUIDL\r\n.\r\n"
    if cmd in (b"USER", b"PASS", b"NOOP", b"RSET", b"DELE"):
        return b"+OK\r\n"
    if cmd == b"STAT":
        return b"+OK 3 %d\r\n" % sum(map(len, MSGS))
    if cmd == b"LIST":
        return b"+OK\r\n" + b"".join(b"%d %d\r\n" % (i + 1, len(m))
                                     for i, m in enumerate(MSGS)) + b".\r\n"
    if cmd == b"UIDL":
        if mode == "nouidl":
            return b"-ERR no UIDL here\r\n"
        ids = [b"u1", b"u2", b"u2"] if mode == "twins" else [b"u1", b"u2", b"u3"]
        return b"+OK\r\n" + b"".join(b"%d %s\r\n" % (i + 1, u)
                                     for i, u in enumerate(ids)) + b".\r\n"
    if cmd == b"RETR":
        n = int(arg or b"0")
        if not 1 <= n <= len(MSGS):
            return b"-ERR no such message\r\n"
        if mode == "cut" and n == 2:
            return None
        return b"+OK\r\n" + MSGS[n - 1] + b".\r\n"
    if cmd == b"QUIT":
        return b"+OK bye\r\n"
    return b"-ERR unknown\r\n"


def serve(mode, conn, log):
    f = conn.makefile("rb")
    conn.sendall(b"+OK odd POP3 ready\r\n")
    while True:
        line = f.readline(1000)
        if not line:
            return
        log.write(line.decode(errors="replace").rstrip("\r\n") + "\n")
        log.flush()
        words = line.split(None, 1)
        cmd = words[0].upper() if words else b""
        r = reply(mode, cmd, words[1].strip() if len(words) > 1 else b"")
        if r is None:
            conn.sendall(b"+OK\r\nSubject: cut sh")
            return
        conn.sendall(r)
        if cmd == b"QUIT":
            return


def main():
    mode, cert, key, portfile, logfile = sys.argv[1:6]
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(1)
    ls.settimeout(30)
    with open(portfile + ".tmp", "w") as p:
        p.write("%d\n" % ls.getsockname()[1])
    import os
    os.rename(portfile + ".tmp", portfile)
    try:
        raw, _ = ls.accept()
    except socket.timeout:
        return
    raw.settimeout(30)
    conn = ctx.wrap_socket(raw, server_side=True)
    with open(logfile, "a") as log:
        try:
            serve(mode, conn, log)
        except (OSError, ssl.SSLError):
            pass
    try:
        conn.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    conn.close()


if __name__ == "__main__":
    main()
