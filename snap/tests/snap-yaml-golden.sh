#!/usr/bin/env bash
# Regenerate the snap.yaml goldens of ucore-snap's differential tests from the oracle
# (snapd 2.57's own snap.yaml reader and validator, /work/shared/oracle/README.md `snap-yaml`).
#
# Run from the repository root (needs python3 with PyYAML, and the oracle binary):
#
#     UCORE_ORACLE=/tmp/snapd-oracle bash snap/tests/snap-yaml-golden.sh
#
# It
#  1. runs snap/tests/snap-yaml-mutations.py over snap/tests/data/corpus into a temporary
#     directory (deterministic cases, numbered NNNN, with a one-line description each);
#  2. runs `$UCORE_ORACLE snap-yaml CASE` THREE times per case and per corpus file. snapd ranges
#     over Go maps, so an input with two independent faults can get a different error from run
#     to run: a case whose three outputs differ is DROPPED (the count is printed);
#  3. rewrites snap/tests/data/snap-yaml/cases/NNNN.yaml (the kept inputs; numbers keep the
#     generator's, so dropped cases leave gaps), snap/tests/data/snap-yaml/golden.jsonl and
#     snap/tests/data/corpus/golden.jsonl, one JSON line per case:
#         {"case": "NNNN" | "<corpus file name>", "what": "<what the case changes>",
#          "exit": 0|1|2, "out": <the oracle's JSON line, or null on exit 2>[, "stderr": "..."]}
#
# The oracle runs with its defaults (an Ubuntu Core device: "release" is always
# {"distro": "ubuntu-core", "on_classic": false}), reads the file itself (no temporary paths
# in its output), and needs no network. LC_ALL=C and TZ=UTC are set anyway.
set -euo pipefail

: "${UCORE_ORACLE:?set UCORE_ORACLE to the snapd-oracle binary, e.g. /tmp/snapd-oracle}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
data="$here/data"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export LC_ALL=C TZ=UTC

python3 "$here/snap-yaml-mutations.py" "$data/corpus" "$work/cases"

python3 - "$UCORE_ORACLE" "$work/cases" "$data" <<'EOF'
import concurrent.futures
import json
import os
import shutil
import subprocess
import sys

oracle, cases_dir, data = sys.argv[1:4]
RUNS = 3


def run(path):
    outs = []
    for _ in range(RUNS):
        p = subprocess.run([oracle, "snap-yaml", path], capture_output=True)
        outs.append((p.returncode, p.stdout, p.stderr))
    return outs


def record(case, what, outs):
    if any(o != outs[0] for o in outs[1:]):
        return None
    code, stdout, stderr = outs[0]
    rec = {"case": case, "what": what, "exit": code}
    if code == 2:
        rec["out"] = None
        rec["stderr"] = stderr.decode("utf-8", "replace").strip()
    else:
        rec["out"] = json.loads(stdout)
    return rec


def golden(jobs, path):
    """jobs: [(case, what, input path)]; writes the stable records, returns (records, dropped)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as ex:
        results = list(ex.map(lambda j: run(j[2]), jobs))
    recs, dropped = [], []
    for (case, what, _), outs in zip(jobs, results):
        rec = record(case, what, outs)
        if rec is None:
            dropped.append(case)
        else:
            recs.append(rec)
    with open(path, "w", encoding="utf-8") as f:
        for rec in recs:
            f.write(json.dumps(rec, ensure_ascii=False, separators=(",", ":")) + "\n")
    return recs, dropped


def summary(name, recs, dropped):
    ok = sum(1 for r in recs if r["exit"] == 0)
    refused = sum(1 for r in recs if r["exit"] == 1)
    other = len(recs) - ok - refused
    print(f"{name}: {len(recs)} kept ({ok} accepted, {refused} refused, {other} exit 2), "
          f"{len(dropped)} dropped as unstable{': ' + ' '.join(dropped) if dropped else ''}")


# corpus
corpus = os.path.join(data, "corpus")
files = sorted(f for f in os.listdir(corpus) if f.endswith(".yaml"))
recs, dropped = golden([(f, "corpus file", os.path.join(corpus, f)) for f in files],
                       os.path.join(corpus, "golden.jsonl"))
summary("corpus", recs, dropped)

# mutations
index = []
with open(os.path.join(cases_dir, "index.tsv"), encoding="utf-8") as f:
    for line in f:
        case, what = line.rstrip("\n").split("\t", 1)
        index.append((case, what, os.path.join(cases_dir, case + ".yaml")))
out_dir = os.path.join(data, "snap-yaml")
os.makedirs(out_dir, exist_ok=True)
recs, dropped = golden(index, os.path.join(out_dir, "golden.jsonl"))
dest = os.path.join(out_dir, "cases")
shutil.rmtree(dest, ignore_errors=True)
os.makedirs(dest)
for rec in recs:
    shutil.copyfile(os.path.join(cases_dir, rec["case"] + ".yaml"), os.path.join(dest, rec["case"] + ".yaml"))
summary("snap-yaml mutations", recs, dropped)
EOF
