#!/usr/bin/env python3
"""Regenerates the "oracle" field of types_crafted.jsonl.

Each line: base (a file of tests/data/assertions/generated/valid/ without
".assert"), edits ([old, new] first-occurrence replacements), oracle (what snapd
2.57 says: its error text, or "OK"), and optionally today (snapd today's verdict
where snapd newer than 2.57 differs: a type or check 2.57 lacks).

    UCORE_ORACLE=/tmp/snapd-oracle assertions/tests/data/types_crafted.py
"""
import json, os, subprocess, sys, tempfile

here = os.path.dirname(os.path.abspath(__file__))
repo = os.path.dirname(os.path.dirname(os.path.dirname(here)))
oracle = os.environ.get("UCORE_ORACLE", "/tmp/snapd-oracle")
path = os.path.join(here, "types_crafted.jsonl")


def crafted(case):
    with open(os.path.join(repo, "tests/data/assertions/generated/valid", case["base"] + ".assert")) as f:
        text = f.read()
    text = text[: text.rindex("\n\n")] + "\n\nAXNpZw=="
    for old, new in case["edits"]:
        if old not in text:
            sys.exit(f"{case['base']}: {old!r} not found")
        text = text.replace(old, new, 1)
    return text


lines = []
for line in open(path):
    case = json.loads(line)
    with tempfile.NamedTemporaryFile("w", suffix=".assert", delete=False) as t:
        t.write(crafted(case))
    out = subprocess.run([oracle, "decode", t.name], capture_output=True, text=True).stdout.strip().splitlines()
    os.unlink(t.name)
    case["oracle"] = json.loads(out[-1]).get("error", "OK") if out else "OK"
    lines.append(json.dumps(case))
with open(path, "w") as f:
    f.write("\n".join(lines) + "\n")
