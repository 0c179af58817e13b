#!/usr/bin/env python3
"""Writes NAME.assert and NAME.oracle.json for every case of cases.py (see there).

Run through ./regenerate.sh (O = the oracle, KEY = acme.pem of the oracle's testdata).
"""
import json, os, re, subprocess, tempfile

from cases import BUILTIN, CASES, SD, ID

O, KEY = os.environ["O"], os.environ["KEY"]
PLACEHOLDER_KEY = "A" * 64


def headers_of(case):
    case = dict(case)
    kind = case.pop("type", SD)
    h = {"authority-id": "canonical", "series": "16", "timestamp": "2020-01-01T00:00:00Z"}
    if kind == SD:
        h.update({"snap-id": ID, "snap-name": "hello", "publisher-id": "acme"})
    h.update(case)
    return kind, h


def emit(lines, intro, v, ind):
    """One header entry (intro "key:") or list item (intro "-") in assertion syntax."""
    pad = " " * ind
    if isinstance(v, str):
        lines.append(f"{pad}{intro} {v}")
        return
    lines.append(f"{pad}{intro}")
    if isinstance(v, list):
        for x in v:
            emit(lines, "-", x, ind + 2)
    else:
        for k in sorted(v):
            emit(lines, f"{k}:", v[k], ind + 2)


def crafted(kind, h):
    """The assertion text of headers snapd refuses to sign, with a placeholder signature."""
    lines = [f"type: {kind}"]
    first = ["authority-id", "series", "snap-id"]
    for k in first + sorted(k for k in h if k not in first):
        if k in h:
            emit(lines, f"{k}:", h[k], 0)
    lines.append(f"sign-key-sha3-384: {PLACEHOLDER_KEY}")
    return "\n".join(lines) + "\n\nAXNpZw==\n"


def sign(kind, h):
    out = subprocess.run([O, "--sig-time=1480593600", "sign", kind, KEY, json.dumps(h)],
                         capture_output=True, text=True)
    if out.returncode == 0:
        return out.stdout, None
    return None, json.loads(out.stdout.strip().splitlines()[-1])["error"]


for name, case in sorted(CASES.items()):
    kind, h = headers_of(case)
    text, err = sign(kind, h)
    min_format = 0 if text is not None else None
    m = re.search(r"lower than min format (\d+)", err or "")
    if m:
        min_format = int(m.group(1))
        text, err = sign(kind, dict(h, format=m.group(1)))
    if text is None:
        text = crafted(kind, h)
    with open(f"{name}.assert", "w") as f:
        f.write(text)
    out = subprocess.run([O, "policy", "compile", f"{name}.assert"], capture_output=True, text=True)
    lines = [json.loads(l) for l in out.stdout.splitlines() if l.strip()]
    golden = {"compile": lines[0], "min_format": min_format}
    with open(f"{name}.oracle.json", "w") as f:
        json.dump(golden, f, sort_keys=True, indent=1)
        f.write("\n")
    print(name, "OK" if lines[0].get("ok") else lines[0].get("error"), min_format)


for name, text in sorted(BUILTIN.items()):
    with open(f"{name}.txt", "w") as f:
        f.write(text)
    out = subprocess.run([O, "policy", "compile", f"{name}.txt"], capture_output=True, text=True)
    lines = [json.loads(l) for l in out.stdout.splitlines() if l.strip()]
    with open(f"{name}.oracle.json", "w") as f:
        json.dump({"compile": lines[0], "min_format": None}, f, sort_keys=True, indent=1)
        f.write("\n")
    print(name, "OK" if lines[0].get("ok") else lines[0].get("error"))
