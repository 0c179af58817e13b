#!/usr/bin/env python3
"""Compare `assertions decode` of ours with the oracle's `decode`, file by file, line by line.

usage: compare_decode.py ORACLE OURS KNOWN_DIFFERENCES_TSV FILE...
Each output line is parsed as JSON and compared as an object. A file listed in the known
differences (first column: path relative to the repository, second: the reason) must differ;
every other file must agree exactly. Prints 'N passed, N failed'.
"""
import json, subprocess, sys

def run(cmd):
    p = subprocess.run(cmd, capture_output=True)
    lines = [json.loads(l) for l in p.stdout.decode().splitlines() if l.strip()]
    return p.returncode, lines

def main():
    oracle, ours, known_path, files = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    known = {}
    try:
        for line in open(known_path):
            if line.strip() and not line.startswith('#'):
                path, _, why = line.rstrip('\n').partition('\t')
                known[path] = why
    except FileNotFoundError:
        pass
    passed = failed = 0
    for f in files:
        orc, o = run([oracle, 'decode', f])
        urc, u = run([ours, 'decode', f])
        same = (orc == urc) and o == u
        if f in known:
            if same:
                print(f'FAIL {f}: listed as a known difference ({known[f]}) but outputs agree')
                failed += 1
            else:
                passed += 1
            continue
        if same:
            passed += 1
            continue
        failed += 1
        print(f'FAIL {f}: exit {orc} vs ours {urc}')
        for i, (a, b) in enumerate(zip(o, u)):
            if a != b:
                keys = sorted(set(a) | set(b))
                diff = {k: (a.get(k), b.get(k)) for k in keys if a.get(k) != b.get(k)}
                print(f'  line {i}: {json.dumps(diff)[:600]}')
                break
        if len(o) != len(u):
            print(f'  {len(o)} lines vs ours {len(u)}')
    print(f'{passed} passed, {failed} failed')
    sys.exit(1 if failed else 0)

main()
