#!/usr/bin/env python3
"""Writes snap/src/interfaces/list.rs: the names of the interfaces snapd registers in
interfaces/builtin (every `registerIface(...)` call), read from snapd's Go source.

Regenerate (from the workspace root):
    python3 snap/tests/data/interfaces/extract-names.py \
        /usr/share/gocode/src/github.com/snapcore/snapd > snap/src/interfaces/list.rs

A call names its interface either in the literal (`name: "x"`, commonInterface) or
through the type's `Name()` method (`return "x"`); anything else is an error here.
"""
import glob
import os
import re
import sys


def balanced(text, start):
    """The text of the parenthesised group opening at text[start] == '('."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return text[start + 1 : i]
    raise SystemExit("unbalanced registerIface call")


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/gocode/src/github.com/snapcore/snapd"
    files = sorted(
        f
        for f in glob.glob(os.path.join(root, "interfaces/builtin/*.go"))
        if not f.endswith("_test.go")
    )
    sources = {f: open(f, encoding="utf-8").read() for f in files}
    name_methods = {}
    for text in sources.values():
        for m in re.finditer(
            r'func \(\w+ \*(\w+)\) Name\(\) string \{\s*return "([^"]+)"\s*\}', text
        ):
            name_methods[m.group(1)] = m.group(2)
    names = []
    for f, text in sources.items():
        for m in re.finditer(r"\bregisterIface\(", text):
            if re.match(r"func registerIface", text[m.start() - 5 : m.start() + 20]):
                continue
            call = balanced(text, m.end() - 1)
            if call.strip() == "iface":  # the definition's own body
                continue
            literal = re.search(r'\bname:\s*"([^"]+)"', call)
            if literal:
                names.append(literal.group(1))
                continue
            typ = re.match(r"\s*&(\w+)\{", call)
            if typ and typ.group(1) in name_methods:
                names.append(name_methods[typ.group(1)])
                continue
            raise SystemExit(f"{f}: cannot tell the name of registerIface({call[:60]}...)")
    if len(set(names)) != len(names):
        raise SystemExit("duplicate interface names")
    out = [
        "//! The names of snapd 2.57's builtin interfaces (`interfaces/builtin`, every",
        "//! `registerIface`), sorted. Generated; do not edit. Regenerate from the workspace root:",
        "//!",
        "//! ```text",
        "//! python3 snap/tests/data/interfaces/extract-names.py \\",
        "//!     /usr/share/gocode/src/github.com/snapcore/snapd > snap/src/interfaces/list.rs",
        "//! ```",
        "",
        "/// Every builtin interface's name, sorted (bytewise), for binary search.",
        "pub const BUILTIN_INTERFACES: &[&str] = &[",
    ]
    out += [f'    "{n}",' for n in sorted(names)]
    out += ["];", ""]
    sys.stdout.write("\n".join(out))


main()
