#!/usr/bin/python3
"""hostile.py -- a scriptable hostile IMAP/POP3/SMTP server and STARTTLS
man-in-the-middle, for starling's tests (Python 3 standard library only).

    hostile.py serve --scenario NAME --port-file FILE --capture FILE
                     [--tls-capture FILE] [--log FILE] [--cert PEM --key PEM]
                     [--implicit] [--tls-max 1.1] [--weak-keys] [--port N]
                     [--upstream HOST:PORT] [--canary-file FILE]
                     [--user U --password P] [--lifetime S]
    hostile.py list                      every scenario, one line each
    hostile.py helper                    for the test scripts, see helper()
    hostile.py tls-probe CERT KEY 1.0|1.1  can Python's ssl here speak it?

It listens on 127.0.0.1 (a free port unless --port), writes the port to
--port-file when it is ready, serves ONE connection with the scenario's
script and exits; it also exits when --lifetime runs out, connection or not.

Every byte received while the connection is not encrypted is appended to
--capture (the attacker's view); what is received inside TLS goes to
--tls-capture.  --log gets a readable trace of both directions.

A scenario is data (see SCENARIOS at the end): the greeting, replies that
override the protocol's defaults before TLS ("plain") and inside TLS ("tls"),
the reply to STARTTLS/STLS and what to do after it ("then"):
    tls           do a real TLS handshake (--cert/--key) and go on inside TLS
    plain         stay in plaintext (STARTTLS refused) and keep answering
    close         close the connection
    midhandshake  start a real handshake, send half the server's flight, close
    hello-close   read the ClientHello, close
    hang          do the handshake, then say nothing
    late          send the "late" bytes 50 ms after the reply, then TLS
The greeting may also be one of the actions DRIP (one byte a second, for
ever), HUGE (1 MiB without a newline, then silence), FLOOD (64 MiB without a
newline) or CLOSE.
Before TLS, the defaults are a permissive server that accepts any login in
the clear (so that a leak would complete); inside TLS, a correct server that
accepts only --user/--password.

With --upstream, the scenario's "mitm" entry makes this a man in the middle
in front of a real server (another hostile.py): it relays lines, rewrites
the server's plaintext lines, answers or forwards STARTTLS, may inject bytes,
and after a forwarded positive STARTTLS reply relays the (encrypted) bytes
blindly.

In replies, {tag} is the IMAP command's tag and {canary} the port of a
listener that records any connection to it (--canary-file): a referral that
starling followed would show up there.
"""

# (no argparse, dataclasses or base64: a test starts this program hundreds
# of times, and those imports alone would double its start-up time)
import binascii
import os
import re
import select
import socket
import ssl
import sys
import time

DRIP, HUGE, FLOOD, CLOSE = "<drip>", "<huge>", "<flood>", "<close>"


class Closed(Exception):
    """The connection is over (closed, timed out, broken)."""


# ------------------------------------------------------------------ the wire
class Peer:
    """The client connection: line reads, writes, and the captures."""

    def __init__(self, sock, deadline, opts):
        self.sock = sock
        self.deadline = deadline
        self.buf = b""
        self.tls = False
        self.plain_cap = open(opts.capture, "ab")
        self.tls_cap = open(opts.tls_capture or os.devnull, "ab")
        self.logf = open(opts.log or os.devnull, "a", encoding="utf-8")
        self.tag = "*"

    def log(self, who, data):
        if isinstance(data, bytes):
            data = data.decode("utf-8", "replace")
        if data and sum(c.isprintable() or c in "\r\n" for c in data) \
                < 0.8 * len(data):
            data = "[%d binary bytes]" % len(data)
        data = "".join(c if c.isprintable() or c in "\r\n" else
                       "\\x%02x" % (ord(c) & 0xff) for c in data)
        for line in data.splitlines() or [""]:
            if len(line) > 300:
                line = line[:300] + "...(%d chars)" % len(line)
            self.logf.write("%6.2f %s %s %s\n" % (
                time.monotonic() % 1000, "tls  " if self.tls else "plain",
                who, line))
        self.logf.flush()

    def left(self):
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise Closed("lifetime over")
        return left

    def recv(self):
        """Some bytes from the client, recorded by phase; Closed at EOF."""
        self.sock.settimeout(self.left())
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            raise Closed("timed out")
        except (OSError, ssl.SSLError) as e:
            raise Closed("recv: %s" % e)
        if not data:
            raise Closed("client closed the connection")
        cap = self.tls_cap if self.tls else self.plain_cap
        cap.write(data)
        cap.flush()
        return data

    def readline(self, limit=1 << 20):
        while b"\n" not in self.buf:
            if len(self.buf) > limit:
                raise Closed("client line too long")
            self.buf += self.recv()
        line, _, self.buf = self.buf.partition(b"\n")
        line = line.rstrip(b"\r")
        self.log("C:", line)
        return line

    def read_exact(self, n):
        while len(self.buf) < n:
            self.buf += self.recv()
        data, self.buf = self.buf[:n], self.buf[n:]
        self.log("C:", data)
        return data

    def send(self, data):
        if isinstance(data, str):
            data = data.encode("utf-8")
        if not data:
            return
        self.log("S:", data)
        self.sock.settimeout(self.left())
        try:
            self.sock.sendall(data)
        except (OSError, ssl.SSLError) as e:
            raise Closed("send: %s" % e)

    def start_tls(self, ctx):
        if self.buf:
            self.log("**", "client sent %d bytes behind STARTTLS before "
                     "our reply (pipelining): no TLS" % len(self.buf))
            raise Closed("pipelined data after STARTTLS")
        self.sock.settimeout(self.left())
        try:
            first = self.sock.recv(1, socket.MSG_PEEK)
        except (OSError, socket.timeout) as e:
            raise Closed("waiting for the ClientHello: %s" % e)
        if not first:
            raise Closed("client closed instead of starting TLS")
        if first != b"\x16":
            # not a TLS handshake record: the client goes on in the clear,
            # and so do we (recording it all)
            self.log("**", "client did not start TLS: plaintext goes on")
            return False
        try:
            self.sock = ctx.wrap_socket(self.sock, server_side=True)
        except (OSError, ssl.SSLError) as e:
            self.log("**", "TLS handshake failed: %s" % e)
            raise Closed("TLS handshake: %s" % e)
        self.tls = True
        self.log("**", "TLS up: %s %s" % (self.sock.version(),
                                         self.sock.cipher()[0]))
        return True

    def wait_close(self):
        """Read (and record) until the client goes away or time runs out."""
        try:
            while True:
                self.recv()
        except Closed:
            pass

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


# ------------------------------------------------------------------ helpers
class Ctx:
    """What a reply function gets."""

    def __init__(self, peer, opts, tag, verb, args):
        self.peer, self.opts = peer, opts
        self.tag, self.verb, self.args = tag, verb, args


def b64dec(s):
    try:
        return binascii.a2b_base64(s.strip() + b"=" * (-len(s.strip()) % 4))
    except (ValueError, binascii.Error):
        return b""


def plain_ok(opts, blob):
    """Is this SASL PLAIN blob (authzid NUL authcid NUL passwd) ours?"""
    parts = b64dec(blob).split(b"\0")
    return (len(parts) == 3 and parts[1].decode(errors="replace") == opts.user
            and parts[2].decode(errors="replace") == opts.password)


def imap_astrings(ctx):
    """The arguments of an IMAP command, literals read in (quoted strings
    unquoted): just enough for LOGIN."""
    out, rest = [], ctx.args
    while True:
        rest = rest.lstrip(b" ")
        if not rest:
            return out
        m = re.match(rb"\{(\d+)(\+?)\}$", rest)
        if m:
            if not m.group(2):
                ctx.peer.send("+ go ahead\r\n")
            out.append(ctx.peer.read_exact(int(m.group(1))))
            rest = ctx.peer.readline()
            continue
        m = re.match(rb'"((?:[^"\\]|\\.)*)"', rest)
        if m:
            out.append(re.sub(rb"\\(.)", rb"\1", m.group(1)))
        else:
            m = re.match(rb"[^ ]+", rest)
            out.append(m.group(0))
        rest = rest[m.end():]


def subst(text, ctx):
    return (text.replace("{tag}", ctx.tag)
            .replace("{canary}", str(ctx.opts.canary_port or 1)))


# ---------------------------------------------------------- IMAP defaults
def imap_login_plain(ctx):
    imap_astrings(ctx)
    return "{tag} OK LOGIN completed\r\n"


def imap_login_tls(ctx):
    a = imap_astrings(ctx)
    if len(a) == 2 and a[0].decode() == ctx.opts.user and \
            a[1].decode() == ctx.opts.password:
        return "{tag} OK LOGIN completed\r\n"
    return "{tag} NO [AUTHENTICATIONFAILED] wrong user name or password\r\n"


def imap_authenticate(check):
    def reply(ctx):
        parts = ctx.args.split()
        if not parts or parts[0].upper() != b"PLAIN":
            return "{tag} NO unsupported mechanism\r\n"
        blob = parts[1] if len(parts) > 1 else None
        if blob is None:
            ctx.peer.send("+ \r\n")
            blob = ctx.peer.readline()
        if not check or plain_ok(ctx.opts, blob):
            return "{tag} OK AUTHENTICATE completed\r\n"
        return "{tag} NO [AUTHENTICATIONFAILED] wrong credentials\r\n"
    return reply


def imap_login_refused(ctx):
    imap_astrings(ctx)
    return "{tag} NO [PRIVACYREQUIRED] LOGIN is disabled here\r\n"


IMAP_PLAIN = {
    "greeting": "* OK hostile IMAP server ready\r\n",
    "CAPABILITY": "* CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN\r\n"
                  "{tag} OK CAPABILITY completed\r\n",
    "STARTTLS": "{tag} OK Begin TLS negotiation now\r\n",
    # a hostile server takes anything it is given in the clear
    "LOGIN": imap_login_plain,
    "AUTHENTICATE": imap_authenticate(False),
    "SELECT": "* 54321 EXISTS\r\n{tag} OK [READ-WRITE] SELECT completed\r\n",
    "EXAMINE": "* 54321 EXISTS\r\n{tag} OK [READ-ONLY] EXAMINE completed\r\n",
    "LOGOUT": "* BYE logging out\r\n{tag} OK LOGOUT completed\r\n",
    "*": "{tag} OK done\r\n",
}
IMAP_TLS = {
    "greeting": "* OK hostile IMAP server ready, inside TLS\r\n",
    "CAPABILITY": "* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n"
                  "{tag} OK CAPABILITY completed\r\n",
    "STARTTLS": "{tag} BAD TLS is already active\r\n",
    "LOGIN": imap_login_tls,
    "AUTHENTICATE": imap_authenticate(True),
    "SELECT": "* 3 EXISTS\r\n{tag} OK [READ-WRITE] SELECT completed\r\n",
    "NOOP": "{tag} OK NOOP completed\r\n",
    "LOGOUT": "* BYE logging out\r\n{tag} OK LOGOUT completed\r\n",
    "*": "{tag} BAD unknown command\r\n",
}


def imap_parse(line):
    parts = line.split(b" ", 2)
    tag = parts[0].decode("utf-8", "replace")
    verb = parts[1].decode("utf-8", "replace").upper() if len(parts) > 1 else ""
    return tag, verb, parts[2] if len(parts) > 2 else b""


# ---------------------------------------------------------- POP3 defaults
def pop3_pass_tls(ctx):
    if ctx.peer.pop3_user == ctx.opts.user and \
            ctx.args.decode(errors="replace") == ctx.opts.password:
        return "+OK logged in\r\n"
    return "-ERR [AUTH] wrong user name or password\r\n"


def pop3_user(ctx):
    ctx.peer.pop3_user = ctx.args.decode(errors="replace")
    return "+OK send PASS\r\n"


def pop3_auth(check):
    def reply(ctx):
        parts = ctx.args.split()
        if not parts:
            return "+OK\r\nPLAIN\r\n.\r\n"
        if parts[0].upper() != b"PLAIN":
            return "-ERR unsupported mechanism\r\n"
        blob = parts[1] if len(parts) > 1 else None
        if blob is None:
            ctx.peer.send("+ \r\n")
            blob = ctx.peer.readline()
        if not check or plain_ok(ctx.opts, blob):
            return "+OK logged in\r\n"
        return "-ERR [AUTH] wrong credentials\r\n"
    return reply


POP3_PLAIN = {
    "greeting": "+OK hostile POP3 server ready <1896.697170952@hostile.test>\r\n",
    "CAPA": "+OK capabilities follow\r\nUSER\r\nSTLS\r\nSASL PLAIN\r\n.\r\n",
    "STLS": "+OK begin TLS negotiation\r\n",
    "USER": pop3_user,
    "PASS": "+OK logged in\r\n",
    "APOP": "+OK logged in\r\n",
    "AUTH": pop3_auth(False),
    "STAT": "+OK 54321 99999\r\n",
    "QUIT": "+OK bye\r\n",
    "*": "+OK\r\n",
}
POP3_TLS = {
    "greeting": "+OK hostile POP3 server ready, inside TLS\r\n",
    "CAPA": "+OK capabilities follow\r\nUSER\r\nSASL PLAIN\r\n.\r\n",
    "STLS": "-ERR TLS is already active\r\n",
    "USER": pop3_user,
    "PASS": pop3_pass_tls,
    "AUTH": pop3_auth(True),
    "STAT": "+OK 3 300\r\n",
    "QUIT": "+OK bye\r\n",
    "*": "-ERR unknown command\r\n",
}


def pop3_parse(line):
    verb, _, args = line.partition(b" ")
    return "", verb.decode("utf-8", "replace").upper(), args


# ---------------------------------------------------------- SMTP defaults
def smtp_auth(check, mechs=(b"PLAIN", b"LOGIN")):
    def reply(ctx):
        parts = ctx.args.split()
        mech = parts[0].upper() if parts else b""
        if mech not in mechs:
            return "504 5.5.4 mechanism not supported\r\n"
        if mech == b"PLAIN":
            blob = parts[1] if len(parts) > 1 else None
            if blob is None:
                ctx.peer.send("334 \r\n")
                blob = ctx.peer.readline()
            ok = plain_ok(ctx.opts, blob)
        else:
            user = parts[1] if len(parts) > 1 else None
            if user is None:
                ctx.peer.send("334 VXNlcm5hbWU6\r\n")
                user = ctx.peer.readline()
            ctx.peer.send("334 UGFzc3dvcmQ6\r\n")
            pw = ctx.peer.readline()
            ok = (b64dec(user).decode(errors="replace") == ctx.opts.user and
                  b64dec(pw).decode(errors="replace") == ctx.opts.password)
        if ok or not check:
            return "235 2.7.0 authenticated\r\n"
        return "535 5.7.8 wrong credentials\r\n"
    return reply


def smtp_data(ctx):
    ctx.peer.send("354 go ahead\r\n")
    while ctx.peer.readline() != b".":
        pass
    return "250 2.0.0 queued\r\n"


SMTP_PLAIN = {
    "greeting": "220 hostile.test ESMTP ready\r\n",
    "EHLO": "250-hostile.test\r\n250-STARTTLS\r\n250 AUTH PLAIN LOGIN\r\n",
    "HELO": "250 hostile.test\r\n",
    "STARTTLS": "220 2.0.0 ready to start TLS\r\n",
    "AUTH": smtp_auth(False),
    "MAIL": "250 2.1.0 ok\r\n",
    "RCPT": "250 2.1.5 ok\r\n",
    "DATA": smtp_data,
    "QUIT": "221 2.0.0 bye\r\n",
    "*": "250 ok\r\n",
}
SMTP_TLS = {
    "greeting": "220 hostile.test ESMTP ready, inside TLS\r\n",
    "EHLO": "250-hostile.test\r\n250 AUTH PLAIN LOGIN\r\n",
    "HELO": "250 hostile.test\r\n",
    "STARTTLS": "503 5.5.1 TLS already active\r\n",
    "AUTH": smtp_auth(True),
    "MAIL": "250 2.1.0 ok\r\n",
    "RCPT": "250 2.1.5 ok\r\n",
    "DATA": smtp_data,
    "QUIT": "221 2.0.0 bye\r\n",
    "*": "502 5.5.2 unknown command\r\n",
}


def smtp_parse(line):
    verb, _, args = line.partition(b" ")
    return "", verb.decode("utf-8", "replace").upper(), args


class Proto:
    """A protocol: its command parser, its default replies before TLS and
    inside it, its STARTTLS verb and the verb after which the server closes."""

    def __init__(self, name, parse, plain, tls, starttls, quit):
        self.name, self.parse, self.plain, self.tls = name, parse, plain, tls
        self.starttls, self.quit = starttls, quit


PROTOS = {
    "imap": Proto("imap", imap_parse, IMAP_PLAIN, IMAP_TLS, "STARTTLS", "LOGOUT"),
    "pop3": Proto("pop3", pop3_parse, POP3_PLAIN, POP3_TLS, "STLS", "QUIT"),
    "smtp": Proto("smtp", smtp_parse, SMTP_PLAIN, SMTP_TLS, "STARTTLS", "QUIT"),
}


# ------------------------------------------------------------ the scenario
class Scenario:
    """proto, a one-line doc, replies that override the protocol's before
    TLS (plain) and inside it (tls), what to do after the STARTTLS reply
    (then), the bytes for then="late", and the MITM rules (mitm: rewrite,
    starttls, inject, after_greeting)."""

    def __init__(self, proto, doc, plain=None, tls=None, then="tls", late="",
                 mitm=None):
        self.proto, self.doc = proto, doc
        self.plain, self.tls = plain or {}, tls or {}
        self.then, self.late, self.mitm = then, late, mitm


def table(sc, tls):
    p = PROTOS[sc.proto]
    t = dict(p.tls if tls else p.plain)
    t.update(sc.tls if tls else sc.plain)
    return t


def reply_for(t, ctx):
    r = t.get(ctx.verb, t["*"])
    if callable(r):
        r = r(ctx)
    return subst(r, ctx)


def send_greeting(peer, greeting, ctx):
    if greeting == CLOSE:
        raise Closed("closed after accept, by design")
    if greeting == HUGE:
        peer.send(b"* OK " + b"A" * (1 << 20))
        peer.wait_close()
        raise Closed("huge line sent")
    if greeting == FLOOD:
        chunk = b"A" * (1 << 20)
        peer.send(b"* OK ")
        for _ in range(64):
            peer.send(chunk)
        peer.wait_close()
        raise Closed("flood sent")
    if greeting == DRIP:
        drip(peer)
        raise Closed("drip over")
    peer.send(subst(greeting, ctx))


def drip(peer):
    """One byte a second, for ever (until the client goes or time is up)."""
    text = b"* OK " + b"slow " * 1000
    for i in range(len(text)):
        peer.send(text[i:i + 1])
        r, _, _ = select.select([peer.sock], [], [], min(1.0, peer.left()))
        if r:
            peer.recv()     # Closed when the client went away


def tls_context(opts):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    if opts.weak_keys or opts.tls_max:
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
    if opts.tls_max:
        ctx.minimum_version = ssl.TLSVersion.TLSv1
        ctx.maximum_version = {"1.0": ssl.TLSVersion.TLSv1,
                               "1.1": ssl.TLSVersion.TLSv1_1}[opts.tls_max]
    ctx.load_cert_chain(opts.cert, opts.key)
    return ctx


def half_handshake(peer, opts):
    """A real TLS handshake that stops in the middle of the server's first
    flight: the first record (the ServerHello) whole, then the next record
    cut in half, then the connection closes."""
    inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = tls_context(opts).wrap_bio(inc, out, server_side=True)
    flight = b""
    while not flight:
        inc.write(peer.recv())              # the ClientHello
        try:
            obj.do_handshake()
        except ssl.SSLWantReadError:
            pass
        flight = out.read()
    first = 5 + int.from_bytes(flight[3:5], "big")
    if len(flight) <= first + 5:
        peer.send(flight[:len(flight) // 2])
        return
    second = int.from_bytes(flight[first + 3:first + 5], "big")
    peer.send(flight[:first + 5 + second // 2])


def after_starttls(peer, sc, opts):
    """What the scenario does once the STARTTLS reply went out."""
    if sc.then == "close":
        raise Closed("closed after the STARTTLS reply, by design")
    if sc.then == "midhandshake":
        half_handshake(peer, opts)
        peer.sock.shutdown(socket.SHUT_WR)  # a clean FIN, not a reset
        peer.wait_close()
        raise Closed("closed in the middle of the handshake, by design")
    if sc.then == "hello-close":
        peer.recv()                         # the ClientHello
        raise Closed("closed after the ClientHello, by design")
    if sc.then == "late":
        time.sleep(0.05)
        peer.send(subst(sc.late, Ctx(peer, opts, peer.tag, "", b"")))
    if not peer.start_tls(tls_context(opts)):
        return False
    if sc.then == "hang":
        peer.wait_close()
        raise Closed("hung inside TLS")
    return True


def dialogue(peer, sc, opts):
    """Serve the scenario: greeting, commands, STARTTLS, commands in TLS."""
    proto = PROTOS[sc.proto]
    if opts.implicit and not peer.start_tls(tls_context(opts)):
        raise Closed("no TLS handshake on the implicit TLS port")
    t = table(sc, peer.tls)
    send_greeting(peer, t["greeting"], Ctx(peer, opts, "*", "", b""))
    while True:
        line = peer.readline()
        tag, verb, args = proto.parse(line)
        peer.tag = tag
        ctx = Ctx(peer, opts, tag, verb, args)
        peer.send(reply_for(t, ctx))
        if verb == proto.quit:
            return
        if verb == proto.starttls and not peer.tls and sc.then != "plain":
            if after_starttls(peer, sc, opts):
                t = table(sc, True)


# ------------------------------------------------------------------- MITM
def is_final(proto, line, tag):
    """Is this server line the end of the reply to the client's command?"""
    if proto == "imap":
        return line.startswith(tag.encode() + b" ")
    if proto == "pop3":
        return line.startswith((b"+OK", b"-ERR"))
    return re.match(rb"\d{3} ", line + b" ") is not None and line[3:4] != b"-"


def positive(proto, line, tag):
    if proto == "imap":
        return line.startswith(tag.encode() + b" OK")
    if proto == "pop3":
        return line.startswith(b"+OK")
    return line.startswith(b"220")


def mitm(peer, sc, opts):
    """Relay between the client and --upstream, tampering before TLS."""
    m, proto = sc.mitm, PROTOS[sc.proto]
    host, port = opts.upstream.rsplit(":", 1)
    up = socket.create_connection((host, int(port)), timeout=peer.left())
    ubuf, blind, awaiting, blind_tls = b"", False, None, None
    ctx0 = Ctx(peer, opts, "*", "", b"")
    first = True
    try:
        while True:
            r, _, _ = select.select([peer.sock, up], [], [], peer.left())
            if not r:
                raise Closed("mitm: time is up")
            if peer.sock in r:
                if blind:
                    data = peer.sock.recv(65536)
                    if not data:
                        raise Closed("client closed")
                    if blind_tls is None:
                        blind_tls = data[:1] == b"\x16"
                    if blind_tls:
                        peer.log("C:", "[%d encrypted bytes]" % len(data))
                    else:       # the client did not start TLS: record it
                        peer.plain_cap.write(data)
                        peer.plain_cap.flush()
                        peer.log("C:", data)
                    up.sendall(data)
                else:
                    peer.buf += peer.recv()
                    while b"\n" in peer.buf:
                        line = peer.readline()
                        tag, verb, _ = proto.parse(line)
                        peer.tag = tag
                        if verb == proto.starttls and "starttls" in m:
                            peer.send(subst(m["starttls"],
                                            Ctx(peer, opts, tag, verb, b"")))
                            continue
                        if verb == proto.starttls:
                            awaiting = tag
                        up.sendall(line + b"\r\n")
            if up in r:
                data = up.recv(65536)
                if not data:
                    raise Closed("upstream closed")
                if blind:
                    peer.sock.sendall(data)
                    continue
                ubuf += data
                out = b""
                while b"\n" in ubuf:
                    line, _, ubuf = ubuf.partition(b"\n")
                    line = line.rstrip(b"\r")
                    for pat, rep in m.get("rewrite", []):
                        line = re.sub(pat.encode(), rep.encode(), line)
                    if line != b"<drop>":
                        out += line + b"\r\n"
                    if first:
                        first = False
                        out += subst(m.get("after_greeting", ""),
                                     ctx0).encode()
                    if awaiting is not None and is_final(sc.proto, line,
                                                         awaiting):
                        out += subst(m.get("inject", ""), Ctx(
                            peer, opts, awaiting, "", b"")).encode()
                        if positive(sc.proto, line, awaiting):
                            blind = True
                            out += ubuf     # nothing, normally
                            ubuf = b""
                            break
                        awaiting = None
                peer.send(out)
                if blind:
                    peer.log("**", "STARTTLS forwarded: relaying blindly")
    finally:
        up.close()


# ------------------------------------------------------------------ canary
def canary(sock, path, stop):
    """Record every connection to the canary port (a followed referral)."""
    sock.settimeout(0.1)
    while not stop.is_set():
        try:
            c, addr = sock.accept()
        except socket.timeout:
            continue
        except OSError:
            return
        with open(path, "a") as f:
            f.write("connection from %s:%d\n" % addr)
        c.close()


# ------------------------------------------------------------------- serve
def serve(opts):
    sc = SCENARIOS[opts.scenario]
    if opts.cert is None and (opts.implicit or sc.then in ("tls", "late",
                                                            "hang")):
        sys.exit("hostile.py: scenario %s needs --cert and --key" % opts.scenario)
    deadline = time.monotonic() + opts.lifetime
    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", opts.port))
    lsock.listen(4)
    stop = None
    if opts.canary_file and "{canary}" in repr(vars(sc)):
        import threading
        stop = threading.Event()
        csock = socket.socket()
        csock.bind(("127.0.0.1", 0))
        csock.listen(4)
        opts.canary_port = csock.getsockname()[1]
        threading.Thread(target=canary, args=(csock, opts.canary_file, stop),
                         daemon=True).start()
    tmp = opts.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d %d\n" % (lsock.getsockname()[1], opts.canary_port or 0))
    os.rename(tmp, opts.port_file)
    open(opts.capture, "ab").close()
    lsock.settimeout(opts.lifetime)
    try:
        sock, _ = lsock.accept()
    except socket.timeout:
        return
    lsock.close()
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    peer = Peer(sock, deadline, opts)
    peer.pop3_user = None
    try:
        if opts.upstream:
            mitm(peer, sc, opts)
        else:
            dialogue(peer, sc, opts)
    except Closed as e:
        peer.log("**", "end: %s" % e)
    except Exception as e:          # noqa: a test tool reports, never hangs
        peer.log("**", "hostile.py error: %r" % e)
    else:
        peer.log("**", "end of dialogue")
    finally:
        peer.close()
        if stop is not None:
            time.sleep(0.3)         # a referral followed at the very end
            stop.set()


class Opts:
    """The command line: --name value options and flags (see the docstring)."""
    FLAGS = ("implicit", "weak_keys")
    DEFAULTS = dict(scenario=None, port_file=None, capture=None,
                    tls_capture=None, log=None, cert=None, key=None,
                    tls_max=None, port="0", upstream=None, canary_file=None,
                    user="alice", password="Hostile-s3cret-42", lifetime="20",
                    errors=None, implicit=False, weak_keys=False)

    def __init__(self, argv):
        self.__dict__.update(self.DEFAULTS)
        while argv:
            name = argv.pop(0)
            key = name[2:].replace("-", "_")
            if not name.startswith("--") or key not in self.DEFAULTS:
                sys.exit("hostile.py: unknown option %s" % name)
            if key in self.FLAGS:
                setattr(self, key, True)
            elif not argv:
                sys.exit("hostile.py: %s needs a value" % name)
            else:
                setattr(self, key, argv.pop(0))
        for key in ("scenario", "port_file", "capture"):
            if getattr(self, key) is None:
                sys.exit("hostile.py: --%s is required" % key.replace("_", "-"))
        if self.scenario not in SCENARIOS:
            sys.exit("hostile.py: no scenario %s (see: hostile.py list)"
                     % self.scenario)
        if self.tls_max not in (None, "1.0", "1.1"):
            sys.exit("hostile.py: --tls-max is 1.0 or 1.1")
        self.port, self.lifetime = int(self.port), float(self.lifetime)
        self.canary_port = None


def helper():
    """For the test scripts: one process that starts servers and runs checks
    on request, so that a script pays Python's start-up once, not hundreds
    of times.  Requests on stdin, one per line, arguments separated by tabs:
        serve OPTION...     fork a server (as "hostile.py serve OPTION...",
                            --errors FILE for its stderr); replies its pid
        check ARG...        hcheck.py ARG...; replies its findings
    Each reply ends with a line "\x1e" STATUS.  EOF on stdin ends it; the
    servers it started live on until they are done (one connection, or
    --lifetime)."""
    import contextlib
    import io
    import signal
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    sys.dont_write_bytecode = True      # no __pycache__ in the source tree
    import hcheck
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)       # no zombies
    while True:
        line = sys.stdin.readline()
        if not line:
            return
        args = line.rstrip("\n").split("\t")
        out, status = io.StringIO(), 0
        try:
            with contextlib.redirect_stdout(out):
                if args[0] == "serve":
                    opts = Opts(args[1:])
                    pid = os.fork()
                    if pid == 0:
                        serve_child(opts)
                    print(pid)
                elif args[0] == "check":
                    status = hcheck.run(args[1:])
                else:
                    print("unknown request %r" % args[0])
                    status = 2
        except SystemExit as e:                 # Opts says no
            out.write("%s\n" % e)
            status = 2
        sys.stdout.write(out.getvalue() + "\x1e%d\n" % status)
        sys.stdout.flush()


def serve_child(opts):
    """The forked server: off the helper's pipes, then serve(), then gone."""
    import signal
    try:
        null = os.open(os.devnull, os.O_RDWR)
        err = os.open(opts.errors or os.devnull,
                      os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(null, 0)
        os.dup2(null, 1)
        os.dup2(err, 2)
        sys.stdout = open(1, "w")
        sys.stderr = open(2, "w")
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        serve(opts)
    except BaseException as e:      # noqa: report, never return to the helper
        sys.stderr.write("hostile.py serve: %r\n" % e)
    finally:
        sys.stderr.flush()
        os._exit(0)


def tls_probe(cert, key, version):
    """Can Python's OpenSSL here speak TLS VERSION (1.0, 1.1) with itself?
    Prints what it negotiated; exit status 0 if that was VERSION."""
    import warnings
    warnings.simplefilter("ignore", DeprecationWarning)
    v = {"1.0": ssl.TLSVersion.TLSv1, "1.1": ssl.TLSVersion.TLSv1_1}[version]
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    client = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    client.check_hostname, client.verify_mode = False, ssl.CERT_NONE
    try:
        for c in (server, client):
            c.set_ciphers("DEFAULT:@SECLEVEL=0")
            c.minimum_version = c.maximum_version = v
        server.load_cert_chain(cert, key)
        s_in, s_out, c_in, c_out = (ssl.MemoryBIO() for _ in range(4))
        s = server.wrap_bio(s_in, s_out, server_side=True)
        c = client.wrap_bio(c_in, c_out)
        for _ in range(8):
            for side in (c, s):
                try:
                    side.do_handshake()
                except ssl.SSLWantReadError:
                    pass
            s_in.write(c_out.read())
            c_in.write(s_out.read())
        got = s.version()
    except (ssl.SSLError, ValueError, OSError) as e:
        got = "error: %s" % e
    print(got)
    return 0 if got == "TLSv1" + ("" if version == "1.0" else ".1") else 1


def main():
    if sys.argv[1:2] == ["helper"]:
        helper()
    elif sys.argv[1:2] == ["tls-probe"] and len(sys.argv) == 5:
        sys.exit(tls_probe(*sys.argv[2:]))
    elif sys.argv[1:2] == ["list"]:
        for name in sorted(SCENARIOS):
            print("%-34s %s" % (name, SCENARIOS[name].doc))
    elif sys.argv[1:2] == ["serve"]:
        serve(Opts(sys.argv[2:]))
    else:
        sys.exit(__doc__)


# ------------------------------------------------------------ the scenarios
# Each family is a function returning {name: Scenario}; SCENARIOS is all of
# them.  Replies use {tag} and {canary}; see the module docstring.

def clean():
    """A correct server: STARTTLS advertised and done, login inside TLS."""
    return {p + "-clean": Scenario(p, "correct server, STARTTLS, login in TLS")
            for p in PROTOS}


def stripping():
    """STARTTLS not advertised, or refused in every shape (-> exit 2)."""
    nocaps = {"imap": {"CAPABILITY": "* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n"
                                     "{tag} OK CAPABILITY completed\r\n"},
              "pop3": {"CAPA": "+OK\r\nUSER\r\nSASL PLAIN\r\n.\r\n"},
              "smtp": {"EHLO": "250-hostile.test\r\n250 AUTH PLAIN LOGIN\r\n"}}
    refusals = {
        "imap": {"bad": "{tag} BAD unknown command\r\n",
                 "no": "{tag} NO STARTTLS is not available\r\n",
                 "cont": "+ \r\n",
                 "cont-text": "+ go ahead, in the clear\r\n"},
        "pop3": {"err": "-ERR unknown command\r\n",
                 "err-perm": "-ERR [SYS/PERM] TLS is not available\r\n"},
        "smtp": {"454": "454 4.7.0 TLS not available due to temporary reason\r\n",
                 "500": "500 5.5.1 command unrecognized\r\n",
                 "501": "501 5.5.4 syntax error\r\n",
                 "530": "530 5.7.0 must issue a STARTTLS command first\r\n",
                 "220-garbage": "220-\x7f\x01garbage ready\r\n220-more "
                                "garbage\r\nxyzzy not a reply\r\n",
                 "220-then-554": "220-ready to start TLS\r\n554 5.7.0 "
                                 "no TLS after all\r\n"}}
    out = {}
    for p, shapes in refusals.items():
        v = PROTOS[p].starttls
        out[p + "-strip-unadvertised"] = Scenario(
            p, "STARTTLS not advertised; refused when sent anyway",
            plain=dict(nocaps[p], **{v: list(shapes.values())[0]}),
            then="plain")
        for shape, reply in shapes.items():
            out["%s-strip-%s" % (p, shape)] = Scenario(
                p, "%s advertised, answered %r" % (v, reply.strip()[:40]),
                plain={v: reply}, then="plain")
    return out


def downgrade():
    """No capabilities anywhere, CAPABILITY/CAPA/EHLO rejected (-> exit 2)."""
    return {
        "imap-downgrade-nocaps": Scenario(
            "imap", "greeting without caps, CAPABILITY and STARTTLS BAD",
            plain={"CAPABILITY": "{tag} BAD command unknown\r\n",
                   "STARTTLS": "{tag} BAD command unknown\r\n"},
            then="plain"),
        "pop3-downgrade-nocaps": Scenario(
            "pop3", "CAPA and STLS -ERR",
            plain={"CAPA": "-ERR unknown command\r\n",
                   "STLS": "-ERR unknown command\r\n"},
            then="plain"),
        "smtp-downgrade-helo": Scenario(
            "smtp", "EHLO 500 (push HELO), STARTTLS 502",
            plain={"EHLO": "500 5.5.1 command unrecognized\r\n",
                   "STARTTLS": "502 5.5.1 command not implemented\r\n"},
            then="plain"),
        "smtp-downgrade-ehlo-502": Scenario(
            "smtp", "EHLO 502, HELO fine, STARTTLS 500",
            plain={"EHLO": "502 5.5.2 EHLO not implemented\r\n",
                   "STARTTLS": "500 5.5.1 command unrecognized\r\n"},
            then="plain"),
    }


def preauth():
    """IMAP PREAUTH before TLS (-> exit 2, no SELECT/APPEND)."""
    return {
        "imap-preauth": Scenario(
            "imap", "* PREAUTH greeting",
            plain={"greeting": "* PREAUTH IMAP4rev1 logged in as alice\r\n"}),
        "imap-preauth-starttls": Scenario(
            "imap", "* PREAUTH [CAPABILITY ... STARTTLS] greeting",
            plain={"greeting": "* PREAUTH [CAPABILITY IMAP4rev1 STARTTLS "
                               "AUTH=PLAIN] logged in\r\n"}),
    }


def injection():
    """Positive STARTTLS reply plus forged responses in one TCP segment."""
    return {
        "imap-inject": Scenario(
            "imap", "OK to STARTTLS + forged CAPABILITY and tagged OK",
            plain={"STARTTLS": "{tag} OK Begin TLS negotiation now\r\n"
                               "* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n"
                               "{tag} OK injected\r\n"}),
        "pop3-inject": Scenario(
            "pop3", "+OK to STLS + forged +OK",
            plain={"STLS": "+OK begin TLS\r\n+OK\r\n"}),
        "smtp-inject": Scenario(
            "smtp", "220 to STARTTLS + forged 250 AUTH LOGIN",
            plain={"STARTTLS": "220 ready\r\n250-x\r\n250 AUTH LOGIN\r\n"}),
        "imap-inject-late": Scenario(
            "imap", "OK to STARTTLS, forged CAPABILITY 50 ms later",
            then="late", late="* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n"),
        "pop3-inject-late": Scenario(
            "pop3", "+OK to STLS, forged +OK 50 ms later",
            then="late", late="+OK\r\n"),
        "smtp-inject-late": Scenario(
            "smtp", "220 to STARTTLS, forged 250 AUTH 50 ms later",
            then="late", late="250-x\r\n250 AUTH LOGIN\r\n"),
    }


def tampering():
    """Unsolicited or lying responses before TLS, then a clean TLS session
    whose own capabilities differ (-> exit 0, post-TLS facts rule)."""
    junk = "* CAPABILITY IMAP4rev1 LOGINDISABLED\r\n* 54321 EXISTS\r\n" \
           "* LIST () \"/\" x\r\n"
    return {
        # before TLS: LOGINDISABLED, no AUTH=, no STARTTLS; inside: LOGIN ok
        "imap-tamper": Scenario(
            "imap", "unsolicited CAPABILITY LOGINDISABLED/EXISTS/LIST before TLS",
            plain={"greeting": "* OK hostile IMAP ready\r\n" + junk,
                   "CAPABILITY": junk + "* CAPABILITY IMAP4rev1 "
                                 "LOGINDISABLED\r\n{tag} OK done\r\n",
                   "STARTTLS": junk + "{tag} OK [CAPABILITY IMAP4rev1 "
                               "LOGINDISABLED] Begin TLS\r\n"},
            tls={"AUTHENTICATE": "{tag} NO AUTHENTICATE is not offered\r\n"}),
        # before TLS: LOGIN allowed; inside: LOGINDISABLED AUTH=PLAIN
        "imap-tamper-login": Scenario(
            "imap", "pre-TLS caps allow LOGIN; TLS caps disable it",
            plain={"CAPABILITY": "* CAPABILITY IMAP4rev1 AUTH=LOGIN\r\n"
                                 "* 54321 EXISTS\r\n{tag} OK done\r\n",
                   "STARTTLS": "* CAPABILITY IMAP4rev1 STARTTLS\r\n"
                               "{tag} OK Begin TLS\r\n"},
            tls={"CAPABILITY": "* CAPABILITY IMAP4rev1 LOGINDISABLED "
                               "AUTH=PLAIN\r\n{tag} OK done\r\n",
                 "LOGIN": imap_login_refused}),
        "pop3-tamper": Scenario(
            "pop3", "STLS not in CAPA, junk capabilities, but STLS works",
            plain={"greeting": "+OK hostile <666.666@evil.example>\r\n",
                   "CAPA": "+OK\r\nIMPLEMENTATION evil\r\nLOGIN-DELAY 900\r\n"
                           "SASL PLAIN\r\n.\r\n"}),
        # before TLS: AUTH PLAIN only; inside: AUTH LOGIN only
        "smtp-tamper": Scenario(
            "smtp", "no STARTTLS in EHLO, AUTH PLAIN before / LOGIN inside",
            plain={"greeting": "220-hostile.test\r\n220-250 AUTH PLAIN\r\n"
                               "220 ready\r\n",
                   "EHLO": "250-hostile.test\r\n250-AUTH PLAIN\r\n"
                           "250 SIZE 1\r\n"},
            tls={"EHLO": "250-hostile.test\r\n250 AUTH LOGIN\r\n",
                 "AUTH": smtp_auth(True, (b"LOGIN",))}),
        "imap-unadvertised-works": Scenario(
            "imap", "STARTTLS not advertised but accepted",
            plain={"CAPABILITY": "* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n"
                                 "{tag} OK done\r\n"}),
    }


def spoofing():
    """ALERT and REFERRAL before TLS: never shown, never followed."""
    alert = "[ALERT] Your mailbox is locked: log in at https://evil.example/"
    ref = "[REFERRAL imap://alice@127.0.0.1:{canary}/INBOX]"
    return {
        "imap-spoof": Scenario(
            "imap", "ALERT greeting, REFERRAL untagged, ALERT on STARTTLS OK",
            plain={"greeting": "* OK %s\r\n" % alert,
                   "CAPABILITY": "* OK %s go there\r\n* CAPABILITY IMAP4rev1 "
                                 "STARTTLS\r\n{tag} OK done\r\n" % ref,
                   "STARTTLS": "{tag} OK %s\r\n" % alert}),
        "imap-spoof-referral-starttls": Scenario(
            "imap", "STARTTLS answered NO [REFERRAL] to another server",
            plain={"STARTTLS": "{tag} NO %s STARTTLS is done there\r\n" % ref},
            then="plain"),
        "imap-spoof-bye-referral": Scenario(
            "imap", "* BYE [REFERRAL] greeting",
            plain={"greeting": "* BYE %s moved\r\n" % ref}),
        "pop3-spoof": Scenario(
            "pop3", "+OK [ALERT]-like greeting text",
            plain={"greeting": "+OK %s <1.2@hostile.test>\r\n" % alert}),
        "smtp-spoof": Scenario(
            "smtp", "220 greeting with an ALERT-like text",
            plain={"greeting": "220-hostile.test %s\r\n220 ready\r\n" % alert}),
    }


def broken():
    """Broken peers (-> exit 2 or 5, in time, no crash)."""
    garbage = "\x00\xff\x16\x03\x01 GARBAGE \x1b[31m\r\n"
    bye = {"imap": "* BYE go away\r\n", "pop3": "-ERR go away\r\n",
           "smtp": "554 5.3.2 go away\r\n"}
    out = {}
    for p in PROTOS:
        out[p + "-garbage"] = Scenario(p, "garbage greeting",
                                       plain={"greeting": garbage})
        out[p + "-bye"] = Scenario(p, "refusing greeting: " + bye[p].strip(),
                                   plain={"greeting": bye[p]})
        out[p + "-huge"] = Scenario(p, "1 MiB greeting line without newline",
                                    plain={"greeting": HUGE})
        out[p + "-flood"] = Scenario(p, "64 MiB greeting line without newline",
                                     plain={"greeting": FLOOD})
        out[p + "-drip"] = Scenario(p, "greeting at one byte per second",
                                    plain={"greeting": DRIP})
        out[p + "-close"] = Scenario(p, "close right after accept",
                                     plain={"greeting": CLOSE})
        out[p + "-midhandshake"] = Scenario(
            p, "half the server's TLS flight, then close", then="midhandshake")
        out[p + "-hello-close"] = Scenario(
            p, "close once the ClientHello is in", then="hello-close")
        out[p + "-tls-hang"] = Scenario(
            p, "TLS done, then silence", then="hang")
    return out


def mitm_family():
    """A man in the middle in front of <proto>-clean (--upstream)."""
    strip = {
        "imap": dict(rewrite=[(r" STARTTLS", "")],
                     starttls="{tag} BAD unknown command\r\n"),
        "pop3": dict(rewrite=[(r"^STLS$", "<drop>")],
                     starttls="-ERR unknown command\r\n"),
        "smtp": dict(rewrite=[(r"^250-STARTTLS$", "<drop>")],
                     starttls="502 5.5.1 unrecognized command\r\n"),
    }
    inject = {"imap": "* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n{tag} OK hi\r\n",
              "pop3": "+OK\r\n",
              "smtp": "250-x\r\n250 AUTH LOGIN\r\n"}
    out = {}
    for p in PROTOS:
        out["mitm-%s-strip" % p] = Scenario(
            p, "MITM removes STARTTLS and refuses it itself", mitm=strip[p])
        out["mitm-%s-inject" % p] = Scenario(
            p, "MITM appends forged responses to the real STARTTLS reply",
            mitm=dict(inject=inject[p]))
    out["mitm-imap-tamper"] = Scenario(
        "imap", "MITM lies before TLS (LOGINDISABLED, EXISTS), relays TLS",
        mitm=dict(rewrite=[(r"^(\* CAPABILITY .*)$", r"\1 LOGINDISABLED")],
                  after_greeting="* 54321 EXISTS\r\n"
                                 "* CAPABILITY IMAP4rev1 LOGINDISABLED\r\n"))
    return out


SCENARIOS = {}
for family in (clean, stripping, downgrade, preauth, injection, tampering,
               spoofing, broken, mitm_family):
    SCENARIOS.update(family())

if __name__ == "__main__":
    main()
