#!/usr/bin/env python3
"""Write COUNT realistic messages straight into a Maildir, with a
dovecot-uidlist so that UIDs follow the order written (oldest first).

usage: mkfolder.py MAILDIR COUNT [SEED]

Senders, subjects (about one in eight Japanese, RFC 2047 encoded), dates
(one every 7 minutes up to now), sizes (mostly 1-8 kB, a few 100-300 kB),
two Received headers; the newest 200 about one in three unread. Every subject starts
with "[bench NNNNNN]" so a benchmark can tell when an index is on screen.
"""
import base64
import os
import random
import sys
import time

FIRST = ["Alice", "Bob", "Carol", "Dave", "Erin", "Frank", "Grace", "Heidi",
         "Ivan", "Judy", "Mallory", "Niaj", "Olivia", "Peggy", "Rupert",
         "Sybil", "Trent", "Victor", "Walter", "Yuki"]
LAST = ["Smith", "Jones", "Garcia", "Miller", "Davis", "Martin", "Lee",
        "Walker", "Young", "King"]
JA_NAMES = ["山田 太郎", "佐藤 花子", "鈴木 一郎", "高橋 美咲", "田中 健",
            "渡辺 直子"]
DOMAINS = ["example.com", "example.org", "lists.example.net", "corp.example",
           "mail.example.jp"]
WORDS = ("meeting report draft invoice release notes review build failure "
         "quarterly plan schedule update lunch travel budget design proposal "
         "security patch backup server migration feedback agenda").split()
JA_SUBJECTS = ["会議の議事録", "請求書の送付について", "来週の予定", "リリースノート",
               "セキュリティ更新のお知らせ", "見積もりのご依頼", "出張の件"]


def encoded(text):
    return "=?UTF-8?B?%s?=" % base64.b64encode(text.encode()).decode()


def sender(rnd):
    dom = rnd.choice(DOMAINS)
    if rnd.random() < 0.1:
        name = rnd.choice(JA_NAMES)
        return "%s <user%d@%s>" % (encoded(name), rnd.randrange(500), dom)
    first, last = rnd.choice(FIRST), rnd.choice(LAST)
    return "%s %s <%s.%s@%s>" % (first, last, first.lower(), last.lower(),
                                 dom)


def subject(rnd, n):
    if rnd.random() < 0.125:
        return encoded("[bench %06d] %s" % (n, rnd.choice(JA_SUBJECTS)))
    words = " ".join(rnd.choice(WORDS) for _ in range(rnd.randrange(2, 8)))
    prefix = rnd.choice(["", "", "", "Re: ", "Fwd: "])
    return "[bench %06d] %s%s" % (n, prefix, words.capitalize())


def body(rnd):
    size = rnd.choice([600, 1200, 2000, 3000, 5000, 8000])
    if rnd.random() < 0.01:
        size = rnd.randrange(100000, 300000)
    lines, total = [], 0
    while total < size:
        line = " ".join(rnd.choice(WORDS) for _ in range(12))
        lines.append(line)
        total += len(line) + 2
    return "\r\n".join(lines) + "\r\n"


def message(rnd, n, when):
    date = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(when))
    hops = ("Received: from mx.example.net (mx.example.net [192.0.2.10])\r\n"
            "\tby mail.localhost (Postfix) with ESMTPS id %X\r\n"
            "\tfor <alice@localhost>; %s\r\n"
            "Received: from client.example.com (client [198.51.100.7])\r\n"
            "\tby mx.example.net with ESMTPSA id %X; %s\r\n"
            % (n * 7919, date, n * 104729, date))
    return ("Return-Path: <bounce@example.net>\r\n" + hops +
            "From: %s\r\nTo: Alice <alice@localhost>\r\nSubject: %s\r\n"
            "Date: %s\r\nMessage-ID: <bench.%d@example.net>\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "Content-Transfer-Encoding: 8bit\r\n\r\n%s"
            % (sender(rnd), subject(rnd, n), date, n, body(rnd)))


def main():
    root, count = sys.argv[1], int(sys.argv[2])
    rnd = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    for sub in ("tmp", "new", "cur"):
        os.makedirs(os.path.join(root, sub), exist_ok=True)
    now = int(time.time())
    first = now - count * 420
    names = []
    for n in range(1, count + 1):
        when = first + n * 420
        data = message(rnd, n, when).encode()
        base = "%d.M%dP%d.bench,S=%d" % (when, n, os.getpid(), len(data))
        flags = "S" if rnd.random() < 0.67 or n < count - 200 else ""
        name = "%s:2,%s" % (base, flags)
        path = os.path.join(root, "cur", name)
        with open(path, "wb") as f:
            f.write(data)
        os.utime(path, (when, when))
        names.append(base)
    with open(os.path.join(root, "dovecot-uidlist"), "w") as f:
        f.write("3 V%d N%d\n" % (now, count + 1))
        for uid, base in enumerate(names, 1):
            f.write("%d :%s\n" % (uid, base))


if __name__ == "__main__":
    main()
