#!/usr/bin/env python3
"""Check fields of a JSON document read from stdin.

usage: jexpect.py EXPECTATION...

  path=VALUE    equal; VALUE is read as JSON (null, true, 143, ["a"]) and
                otherwise taken as a string
  path!=VALUE   not equal
  path~REGEX    str(field) matches REGEX (re.search); a missing field fails
  path@=LIST    a list with the same elements in any order (LIST is JSON)
  path#=N       a list (or object) of length N

path is dot-separated; numbers index lists: services.0.certificate.san
Prints one line per failed expectation; exit 0 when all hold, 1 otherwise.
"""
import json
import re
import sys

MISSING = object()


def get(doc, path):
    for part in path.split("."):
        if isinstance(doc, list) and re.fullmatch(r"-?\d+", part):
            i = int(part)
            if not -len(doc) <= i < len(doc):
                return MISSING
            doc = doc[i]
        elif isinstance(doc, dict) and part in doc:
            doc = doc[part]
        else:
            return MISSING
    return doc


def value(text):
    try:
        return json.loads(text)
    except ValueError:
        return text


def show(v):
    return "<missing>" if v is MISSING else json.dumps(v)


def main():
    text = sys.stdin.read()
    try:
        doc = json.loads(text)
    except ValueError as e:
        print("output is not one JSON object: %s" % e)
        return 1
    bad = 0
    for exp in sys.argv[1:]:
        m = re.match(r"([\w.-]+?)(!=|@=|#=|=|~)(.*)$", exp, re.S)
        if not m:
            print("bad expectation: " + exp)
            bad += 1
            continue
        path, op, want = m.groups()
        got = get(doc, path)
        if op == "=":
            ok = got is not MISSING and got == value(want)
        elif op == "!=":
            ok = got is MISSING or got != value(want)
        elif op == "~":
            ok = got is not MISSING and re.search(want, str(got)) is not None
        elif op == "@=":
            ok = isinstance(got, list) and sorted(map(json.dumps, got)) == \
                sorted(map(json.dumps, value(want)))
        else:  # '#='
            ok = isinstance(got, (list, dict)) and len(got) == int(want)
        if not ok:
            print("%s: expected %s %s, got %s" % (path, op, want, show(got)))
            bad += 1
    return 1 if bad else 0


sys.exit(main())
