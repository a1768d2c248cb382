#!/usr/bin/env python3
"""A TCP relay that stops relaying on request: the server that "stops
answering mid-fetch", with the real Dovecot behind it (the bytes, TLS
included, pass through unchanged until then).

usage: stallproxy.py TARGET_HOST TARGET_PORT STALL_FILE
Prints the port it listens on (127.0.0.1), then relays every connection to
TARGET.  Once STALL_FILE exists it forwards nothing more in either
direction and keeps the connections open, silent.  It exits when its
parent (the test script) is gone, or after 120 s at most.
"""
import os
import select
import socket
import sys
import time


def main():
    host, port, stall = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    parent = os.getppid()
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(8)
    print(ls.getsockname()[1], flush=True)
    peer = {}
    end = time.time() + 120
    while time.time() < end and os.getppid() == parent:
        stalled = os.path.exists(stall)
        rd = [ls] + ([] if stalled else list(peer))
        r, _, _ = select.select(rd, [], [], 0.2)
        for s in r:
            if s is ls:
                c, _ = ls.accept()
                try:
                    u = socket.create_connection((host, port), 5)
                except OSError:
                    c.close()
                    continue
                peer[c] = u
                peer[u] = c
                continue
            if s not in peer:
                continue
            try:
                data = s.recv(65536)
            except OSError:
                data = b""
            if data:
                try:
                    peer[s].sendall(data)
                    continue
                except OSError:
                    pass
            o = peer.pop(s)
            peer.pop(o, None)
            s.close()
            o.close()


main()
