#!/usr/bin/python3
"""killfetch.py -- run `starling fetch` again and again and SIGKILL it at
random moments, for tests/servers/t-fetch-kill.sh.

    killfetch.py STARLING CONF ACCOUNT MAILDIR RUNS SEED

Each run starts `starling fetch --config CONF ACCOUNT` and kills it with
SIGKILL: one run in four at a random moment in its first 400 ms (the
handshake, the login, the listing, the first messages), the others once
1 to 12 more messages have appeared in MAILDIR (new/ and cur/) plus a
random 0-15 ms, so that the kill lands in the middle of the download: in a
RETR, in a delivery (tmp/, fsync, link), between a delivery and its DELE.

Prints one line per run ("run N: killed after D new messages" or "run N:
ended by itself") and a last line
    summary killed=K midfetch=M before=B ended=E indelivery=T
(midfetch: killed after at least one delivery of that run; before: killed
before any; ended: the fetch was over before the kill; indelivery: killed
inside a delivery, as a file it left in tmp/ shows -- the next fetch
removes it).  Exits 1 if a run did not make progress for 60 s (a hang),
else 0.
"""
import os
import random
import signal
import subprocess
import sys
import time


def count(md):
    n = 0
    for sub in ("new", "cur"):
        try:
            n += len(os.listdir(os.path.join(md, sub)))
        except FileNotFoundError:
            pass
    return n


def in_tmp(md):
    try:
        return len(os.listdir(os.path.join(md, "tmp")))
    except FileNotFoundError:
        return 0


def one_run(argv, md, rnd, early):
    """Run once; (delivered, killed, tmp left) or None on a hang."""
    before = count(md)
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    start = time.monotonic()
    if early:
        deadline = start + rnd.uniform(0, 0.4)
        while p.poll() is None and time.monotonic() < deadline:
            time.sleep(0.001)
    else:
        target = before + rnd.randint(1, 12)
        last, seen = start, before
        while p.poll() is None and count(md) < target:
            if count(md) != seen:
                seen, last = count(md), time.monotonic()
            if time.monotonic() - last > 60:
                p.kill()
                p.wait()
                return None
            time.sleep(0.0005)
        time.sleep(rnd.uniform(0, 0.015))
    killed = p.poll() is None
    if killed:
        os.kill(p.pid, signal.SIGKILL)
    p.wait()
    return count(md) - before, killed, in_tmp(md) > 0


def main():
    starling, conf, account, md, runs, seed = sys.argv[1:7]
    rnd = random.Random(int(seed))
    argv = [starling, "fetch", "--config", conf, account]
    killed = midfetch = before = ended = indelivery = 0
    for i in range(int(runs)):
        r = one_run(argv, md, rnd, i % 4 == 0)
        if r is None:
            print("run %d: no progress for 60 s" % (i + 1))
            return 1
        got, was_killed, left = r
        if not was_killed:
            ended += 1
            print("run %d: ended by itself (%d new)" % (i + 1, got))
            continue
        killed += 1
        indelivery += left
        if got > 0:
            midfetch += 1
        else:
            before += 1
        print("run %d: killed after %d new messages" % (i + 1, got))
    print("summary killed=%d midfetch=%d before=%d ended=%d indelivery=%d" %
          (killed, midfetch, before, ended, indelivery))
    return 0


if __name__ == "__main__":
    sys.exit(main())
