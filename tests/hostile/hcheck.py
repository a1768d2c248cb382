#!/usr/bin/python3
"""hcheck.py -- the assertions of the hostile-server tests.

    hcheck.py leaks CAPTURE --user U --password P
        Every credential and private command found in CAPTURE (what the
        client sent), one per line; exit 1 if any, 0 if none.
    hcheck.py json FILE EXPECTATION...
        Check the JSON object in FILE (starling check --json); exit 1 and
        say which failed.  EXPECTATION: PATH=VALUE (VALUE as JSON if it
        parses, else a string), PATH~REGEX / PATH!~REGEX (case-insensitive
        search in the value, as text), PATH#=N (length).  PATH: dotted keys
        and indices, e.g. services.0.error.
    hcheck.py phases FILE SERVICE TEXT PHASE
        In services.SERVICE.transcript, at least one line contains TEXT,
        and every line that does has phase PHASE.

The tests run these through "hostile.py helper" (one Python process per
test script instead of one per check).
"""

import binascii
import json
import re
import sys

# A private command at the start of a line, after an optional IMAP tag.
PRIVATE = re.compile(
    rb"^(?:[A-Za-z0-9.+_-]+ )?(LOGIN|AUTHENTICATE|USER|PASS|APOP|AUTH|SELECT"
    rb"|EXAMINE|APPEND|MAIL FROM|RCPT TO|DATA)(?=[ :\r\n]|$)",
    re.IGNORECASE | re.MULTILINE)


def b64_forms(secret):
    """The base64 text that any encoding of secret, at any offset inside a
    larger base64-encoded blob, must contain (the characters that do not
    depend on the neighbouring bytes)."""
    forms = []
    for k in range(3):
        enc = binascii.b2a_base64(b"\0" * k + secret, newline=False).decode()
        start = -(-k * 4 // 3)                  # chars touched by the prefix
        end = (k + len(secret)) * 4 // 3        # chars fully from secret
        if end - start >= 4:
            forms.append(enc[start:end])
    return forms


def leaks(args):
    path, user, password = args[0], None, None
    i = 1
    while i < len(args):
        if args[i] == "--user":
            user = args[i + 1].encode()
        elif args[i] == "--password":
            password = args[i + 1].encode()
        i += 2
    data = open(path, "rb").read()
    found = []
    secrets = {"the password": password, "the user name": user,
               "PLAIN blob": b"\0" + user + b"\0" + password,
               "PLAIN blob with authzid": user + b"\0" + user + b"\0" + password}
    for what, s in secrets.items():
        if s.lower() in data.lower() and what in ("the password",
                                                   "the user name"):
            found.append("%s in the clear: %r" % (what, s.decode()))
        for form in b64_forms(s):
            if form.encode() in data:
                found.append("base64 of %s: %s" % (what, form))
                break
    for m in PRIVATE.finditer(data):
        line = data[m.start():data.find(b"\n", m.start()) + 1 or None]
        found.append("private command %s: %r" % (
            m.group(1).decode().upper(), line[:80]))
    for f in found:
        print(f)
    return 1 if found else 0


def get(obj, path):
    for part in path.split("."):
        if isinstance(obj, list):
            obj = obj[int(part)]
        else:
            obj = obj[part]
    return obj


def expect_json(args):
    try:
        obj = json.load(open(args[0]))
    except (OSError, ValueError) as e:
        print("no JSON object: %s" % e)
        return 1
    bad = 0
    for e in args[1:]:
        m = re.match(r"^([\w.]+)(#=|!~|~|=)(.*)$", e, re.S)
        path, op, want = m.groups()
        try:
            have = get(obj, path)
        except (KeyError, IndexError, ValueError, TypeError):
            print("%s: missing" % path)
            bad += 1
            continue
        text = have if isinstance(have, str) else json.dumps(have)
        if op == "=":
            try:
                want_v = json.loads(want)
            except ValueError:
                want_v = want
            ok = have == want_v
        elif op == "~":
            ok = re.search(want, text, re.I | re.S) is not None
        elif op == "!~":
            ok = re.search(want, text, re.I | re.S) is None
        else:
            ok = isinstance(have, (list, dict, str)) and len(have) == int(want)
        if not ok:
            print("%s: expected %s %s, got %s" % (path, op, want, text))
            bad += 1
    return 1 if bad else 0


def phases(args):
    path, svc, text, phase = args
    try:
        tr = get(json.load(open(path)), "services.%s.transcript" % svc)
    except (OSError, ValueError, KeyError, IndexError) as e:
        print("no transcript: %s" % e)
        return 1
    hits = [t for t in tr if text.lower() in t.get("text", "").lower()]
    if not hits:
        print("no transcript line contains %r" % text)
        return 1
    wrong = [t for t in hits if t.get("phase") != phase]
    for t in wrong:
        print("phase %s, not %s: %s %r" % (t.get("phase"), phase,
                                           t.get("dir"), t.get("text")))
    return 1 if wrong else 0


COMMANDS = {"leaks": leaks, "json": expect_json, "phases": phases}


def run(argv):
    """One check (argv as on the command line, without the program name);
    its findings on stdout; the exit status."""
    if len(argv) < 2 or argv[0] not in COMMANDS:
        print(__doc__)
        return 2
    return COMMANDS[argv[0]](argv[1:])


def main():
    sys.exit(run(sys.argv[1:]))


if __name__ == "__main__":
    main()
