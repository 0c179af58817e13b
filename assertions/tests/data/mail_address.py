#!/usr/bin/env python3
"""Regenerates mail_address.jsonl: system-user `email` values and what snapd 2.57 says of them.

Each line: email (the header value) and oracle (snapd's decode error for the system-user of
tests/data/assertions/generated/valid/system-user-basic.assert with that email, or "OK").
The cases are hand-picked ones (Go net/mail's grammar: addr-spec, name-addr, groups, comments,
quoted strings, RFC 2047 encoded words) and random strings from a fixed seed over the tokens
that grammar cares about.

    UCORE_ORACLE=/tmp/snapd-oracle assertions/tests/data/mail_address.py
"""
import json, os, random, subprocess, sys, tempfile
from concurrent.futures import ThreadPoolExecutor

here = os.path.dirname(os.path.abspath(__file__))
repo = os.path.dirname(os.path.dirname(os.path.dirname(here)))
oracle = os.environ.get("UCORE_ORACLE", "/tmp/snapd-oracle")
path = os.path.join(here, "mail_address.jsonl")

with open(os.path.join(repo, "tests/data/assertions/generated/valid/system-user-basic.assert")) as f:
    BASE = f.read()
BASE = BASE[: BASE.rindex("\n\n")] + "\n\nAXNpZw=="

HAND = [
    "a@b.c", "Foo Bar <a@b.c>", "\"x y\"@b.c", "<a@b.c>", " a@b.c", "a@b.c ", "a @b.c", "a@ b.c",
    "a@b.c (A =?utf-8?q?B?=)", "g: a@b.c;", "g: Foo <a@b.c> (c);", "a =?x?q?b?= <x@y>",
    "bad", "a@b.c, d@e.f", "Foo <a@b.c", "Foo <a..b@c>", "Foo <.a@c>", "Foo <a.@c>", "Foo <a@.c>",
    "Foo <a@c.>", "Foo <a@c..d>", "a@[1.2.3.4]", "Foo <a@[1.2.3.4]>", "g: ;", "g: ; x",
    "g: a@b.c, d@e.f;", "g: a@b.c (x;", "g: a@b.c; (x", "g: a@b.c", "g: a@b.c,", "g: h: a@b.c;;",
    "a@b.c (c", "a@b.c (c) (d)", "a@b.c (c) x", "(c) a@b.c", "a (<) <x@y>", "a (b c) <x@y>",
    "=?X?q?a?= <a@b>", "=?UTF-8?Q?a_b?= <a@b>", "=?utf-8?b?YUBi?=", "=?utf-8?b?YQ==?= <a@b>",
    "=?utf-8?q?a?= =?utf-8?q?b?=", "=?utf-8?q?a?= b", "=?us-ascii?q?a=40b?=", "=?iso-8859-1?q?=E9?=",
    "=?\u017fs-ascii?q?a?=", "=?x?b?YQ?=", "=?x?b?YQ==?=", "=?x?z?a?=", "=?x?qq?a?=", "=??q?a?=",
    "=?x?q??=", "a@b (=?x?q?a?=)", "a@b (=?x?q?a?=", "a@b (\\(=?x?q?a?=)", "\"a\x01\" <a@b>",
    "\"a\\\x01\" <a@b>", "\"'\" <a@b>", "\"\" <a@b>", "\"\"@b", "Foo <\"\"@b>", "Foo <\"a\x01\"@b>",
    "Foo <\"a@b>", "\"a", "\"a\\", "Foo <>", "Foo <a>", "Foo <a@>", "Foo <@b>", "Foo <a@b> x",
    "Foo: <a@b>", "a.b", ".a", "a..b", "a@b@c", "a\tb <c@d>", "\u00e9@b.c", "J\u00e9 <a@b>",
    "a@b.c\x7f", "\x7f", "adn..@acme.\x01\x7fexam3wdHCAVydigestZEmYsCMFDE9qt92UV8rC8Wdk: ACME Admin",
    "x (\\", "a@b.c (\\", "a@b.c (a\\)", "[a] <b@c>", "a, b <c@d>", "a;b <c@d>", "a\\b <c@d>",
]

TOKENS = [
    "a", "b", "xy", ".", "..", "@", "<", ">", "\"", "\\", "(", ")", "[", "]", ":", ";", ",", " ",
    "\t", "\x01", "\x7f", "\u00e9", "\U0001f600", "=?utf-8?q?a?=", "=?x?q?a?=", "=?utf-8?b?YQ==?=",
    "_", "=", "?", "'", "a@b.c", "<a@b.c>", "\"q\"",
]


def cases():
    rng = random.Random(19)
    out = list(HAND)
    seen = set(out)
    while len(out) < 3000:
        s = "".join(rng.choice(TOKENS) for _ in range(rng.randint(1, 9)))
        # a header value is one line, and snapd refuses an empty one before parsing it
        if not s.strip(" \t") or s != s.rstrip(" \t") and rng.random() < 0.5 or s in seen:
            continue
        seen.add(s)
        out.append(s)
    return out


def verdict(email):
    text = BASE.replace("email: admin@acme.example", "email: " + email, 1)
    with tempfile.NamedTemporaryFile("w", suffix=".assert", delete=False) as t:
        t.write(text)
    out = subprocess.run([oracle, "decode", t.name], capture_output=True, text=True).stdout.strip().splitlines()
    os.unlink(t.name)
    return json.loads(out[-1]).get("error", "OK") if out else "OK"


if __name__ == "__main__":
    emails = cases()
    with ThreadPoolExecutor(max_workers=4) as pool:
        verdicts = list(pool.map(verdict, emails))
    with open(path, "w") as f:
        for e, v in zip(emails, verdicts):
            f.write(json.dumps({"email": e, "oracle": v}) + "\n")
    print(f"{len(emails)} cases written to {path}", file=sys.stderr)
