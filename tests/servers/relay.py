#!/usr/bin/python3
"""relay.py -- a TCP relay that records what the client sends (the view of
anyone on the path) and can slow the dialogue down, for the send tests.

    relay.py PORTFILE TARGET_HOST TARGET_PORT CAPTURE [DELAY_MS]

Listens on 127.0.0.1 (a free port, written to PORTFILE when ready) and
relays every connection to TARGET.  Every byte from the client is appended
to CAPTURE.  With DELAY_MS, each chunk in either direction waits that long
before it is passed on (so that a kill lands mid-dialogue).  Exits when its
parent is gone, or after 600 s.
"""
import os
import socket
import sys
import threading
import time


def pump(src, dst, cap, delay, lock):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            if cap is not None:
                with lock:
                    cap.write(data)
                    cap.flush()
            if delay:
                time.sleep(delay)
            dst.sendall(data)
    except OSError:
        pass
    for s in (src, dst):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def main():
    portfile, host, port, capture = sys.argv[1:5]
    delay = int(sys.argv[5]) / 1000.0 if len(sys.argv) > 5 else 0
    parent, lock = os.getppid(), threading.Lock()
    cap = open(capture, "ab")
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(16)
    ls.settimeout(0.5)
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % ls.getsockname()[1])
    os.rename(portfile + ".tmp", portfile)
    end = time.time() + 600
    while time.time() < end and os.getppid() == parent:
        try:
            c, _ = ls.accept()
        except socket.timeout:
            continue
        try:
            u = socket.create_connection((host, int(port)), 5)
        except OSError:
            c.close()
            continue
        for a, b, k in ((c, u, cap), (u, c, None)):
            threading.Thread(target=pump, args=(a, b, k, delay, lock),
                             daemon=True).start()


if __name__ == "__main__":
    main()
