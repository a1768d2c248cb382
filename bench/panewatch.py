#!/usr/bin/env python3
"""Watch the pane of a bench run through a tmux control-mode client: tmux
says when the pane got output (%output), and each look (capture-pane) is a
command on the open connection, so there is no polling and no fork per
look to take CPU from the client being measured.

usage: panewatch.py SOCKET first START_FILE      (SOCKET: a tmux -S path)
           let the pane's command start (it waits with `tmux wait-for go`),
           wait until an index line shows; print the seconds from the time
           in START_FILE (written by the pane just before it exec'd the
           client) to that look, or "-" after 120 s.
       panewatch.py SOCKET keys COUNT BURST HOME END KIND PROMPT
           the same start, wait until the index is on screen with no row
           loading, then time keys (milliseconds from just before tmux is
           asked to send them to the look that shows the expected screen):
             HOME        the top: message 1 on screen
             END         back to the bottom: message COUNT on screen
             BURST x PgUp, sent at once: the top row is where the client's
                         paging puts it (KIND: "cursor" -- the first press
                         takes the cursor to the top row, each one after
                         moves it and the view ROWS-1 up, as starling does;
                         "page" -- each press moves the view ROWS up, as
                         NeoMutt does)
             / PROMPT "bench 000001" Enter: the search, from Enter until
                         message 1 is the top row
           and print "HOME END BURST SEARCH LOOK" in ms ("-": not seen
           within 30 s), LOOK being the mean time of one capture-pane.

A screen counts only once no row is loading (starling draws rows it is
still fetching as "..." from column 6).
"""
import os
import re
import select
import subprocess
import sys
import time

MARK = re.compile(rb"\[bench (\d{6})\]")
LOADING = re.compile(rb"^ {6}(\xe2\x80\xa6|\.\.\.)", re.M)
GAP = 0.002     # seconds between looks at least, while the pane is busy


class Pane:
    """A control-mode client of the tmux server at the socket path."""

    def __init__(self, sock):
        self.proc = subprocess.Popen(
            ["tmux", "-S", sock, "-f", "/dev/null", "-C", "attach"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
        self.fd = self.proc.stdout.fileno()
        self.buf = b""
        self.looks = 0
        self.look_time = 0.0
        self.last = 0.0
        self.block()            # the attach's own %begin ... %end

    def line(self, timeout):
        """The next line from tmux, or None after timeout seconds."""
        end = time.monotonic() + timeout
        while b"\n" not in self.buf:
            left = end - time.monotonic()
            if left <= 0 or not select.select([self.fd], [], [], left)[0]:
                return None
            data = os.read(self.fd, 65536)
            if not data:
                raise EOFError("the tmux control client ended")
            self.buf += data
        out, self.buf = self.buf.split(b"\n", 1)
        return out

    def block(self):
        """The output of the next command (notifications before it are
        skipped: a look follows every one anyway)."""
        lines, inside = [], False
        while True:
            ln = self.line(30)
            if ln is None:
                raise TimeoutError("tmux did not answer a command")
            if not inside:
                inside = ln.startswith(b"%begin ")
            elif ln.startswith((b"%end ", b"%error ")):
                return b"\n".join(lines)
            else:
                lines.append(ln)

    def cmd(self, text):
        self.proc.stdin.write(text.encode() + b"\n")
        return self.block()

    def look(self):
        t = time.monotonic()
        pane = self.cmd("capture-pane -p")
        self.last = time.monotonic()
        self.looks += 1
        self.look_time += self.last - t
        return pane

    def until(self, cond, timeout=30, settled=True):
        """Look until cond(pane) holds (and, when settled, no row is
        loading) after output; True when it did."""
        end = time.monotonic() + timeout
        while True:
            pane = self.look()
            if (not settled or not LOADING.search(pane)) and cond(pane):
                self.pane = pane
                return True
            # the next output of the pane (a look every 50 ms anyway);
            # while output keeps coming, at most one look every GAP
            got = False
            while True:
                left = end - time.monotonic()
                if left <= 0:
                    return False
                wait = self.last + GAP - time.monotonic() if got else 0.05
                if wait <= 0:
                    break
                ln = self.line(min(left, wait))
                if ln is None:
                    break
                got = got or ln.startswith(b"%output ")

    def close(self):
        try:
            self.proc.stdin.close()
            self.proc.wait(5)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()


def top_row(pane):
    m = MARK.search(pane)
    return int(m.group(1)) if m else None


def shows(n):
    tag = b"[bench %06d]" % n
    return lambda pane: tag in pane


def timed(p, cond, keys):
    """Send keys (a list of tmux key names); ms until cond, or "-"."""
    t = time.monotonic()
    p.cmd("send-keys " + " ".join("'%s'" % k for k in keys))
    if not p.until(cond):
        return "-"
    return "%.1f" % ((time.monotonic() - t) * 1000)


def keys(p, count, burst, home, end, kind, prompt):
    out = ["-"] * 4
    out[0] = timed(p, shows(1), [home])
    if out[0] == "-":
        return out
    rows = len(MARK.findall(p.pane))        # the top page is full
    out[1] = timed(p, shows(count), [end])
    first = top_row(p.pane)
    if out[1] == "-" or first is None:
        return out
    if kind == "cursor":
        want = first - (burst - 1) * (rows - 1)
    else:
        want = first - burst * rows
    if burst > 0:
        out[2] = timed(p, lambda pane: top_row(pane) == want,
                       ["PPage"] * burst)
    p.cmd("send-keys /")
    prompt = prompt.encode()
    if p.until(lambda pane: prompt.rstrip() in pane):
        p.cmd("send-keys -l 'bench 000001'")
        if p.until(lambda pane: prompt + b"bench 000001" in pane):
            out[3] = timed(p, lambda pane: top_row(pane) == 1, ["Enter"])
    return out


def main():
    sock, mode = sys.argv[1], sys.argv[2]
    p = Pane(sock)
    try:
        p.cmd("wait-for -S go")
        if mode == "first":
            seen = p.until(lambda pane: MARK.search(pane), 120, False)
            t1 = time.time()
            with open(sys.argv[3]) as f:
                t0 = float(f.read())
            print("%.4f" % (t1 - t0) if seen else "-")
            return
        count, burst = int(sys.argv[3]), int(sys.argv[4])
        if not p.until(lambda pane: MARK.search(pane), 120):
            print("- - - - -")
            return
        out = keys(p, count, burst, *sys.argv[5:9])
        print(" ".join(out + ["%.2f" % (p.look_time / p.looks * 1000)]))
    finally:
        p.close()


if __name__ == "__main__":
    main()
