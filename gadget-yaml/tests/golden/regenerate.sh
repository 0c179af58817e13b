#!/usr/bin/env bash
# Regenerates the gadget.yaml golden files of ucore-gadget-yaml from snapd's own code.
#
#   gadget-yaml/tests/golden/regenerate.sh
#
# The oracle is snapd 2.57's `gadget` package behind a small CLI (see
# /work/shared/oracle/README.md, "gadget.yaml commands"). Its path comes from $UCORE_ORACLE,
# or /work/shared/oracle/build.sh builds it and prints it. $UCORE_SHARED (default
# /work/shared) is where the real corpus and the oracle's own test files are copied from.
#
# Inputs copied (so tests run on a fresh clone without /work/shared):
#   tests/data/corpus/*.yaml + README.md   <- $UCORE_SHARED/corpus/gadget/
#   tests/data/oracle-testdata/*.yaml      <- $UCORE_SHARED/oracle/testdata/gadget/
# Inputs kept (ours): tests/data/probes/*.yaml, tests/data/gadget-dirs/<stem>/ (sized files
# that stand in for an unpacked gadget snap of the YAML file with that stem).
# Output: tests/golden/<set>/<stem>.json = {"<model>": {"info": …, "layout": …}, …} for the
# five model kinds, plus "layout-with-content" (per model) when a gadget dir exists.
# Deterministic: a second run gives no git diff. Needs bash, python3 and the oracle.
set -euo pipefail
export LC_ALL=C

HERE=$(cd "$(dirname "$0")" && pwd)
CRATE=$(cd "$HERE/../.." && pwd)
SHARED=${UCORE_SHARED:-/work/shared}
O=${UCORE_ORACLE:-$("$SHARED/oracle/build.sh" | tail -n 1)}
[ -x "$O" ] || { echo "oracle not executable: $O" >&2; exit 2; }

DATA=$CRATE/tests/data
mkdir -p "$DATA/corpus" "$DATA/oracle-testdata"
cp "$SHARED"/corpus/gadget/*.yaml "$DATA/corpus/"
cp "$SHARED/corpus/gadget/README.md" "$DATA/corpus/README.md"
cp "$SHARED"/oracle/testdata/gadget/*.yaml "$DATA/oracle-testdata/"

for set in corpus oracle-testdata probes; do
	out="$HERE/$set"
	rm -rf "$out"
	mkdir -p "$out"
	for f in "$DATA/$set"/*.yaml; do
		stem=$(basename "$f" .yaml)
		dir="$DATA/gadget-dirs/$stem"
		python3 - "$O" "$f" "$dir" > "$out/$stem.json" <<'PY'
import json, os, subprocess, sys
oracle, path, gdir = sys.argv[1:4]
def run(*args):
    p = subprocess.run([oracle, *args, path], capture_output=True, text=True)
    if p.returncode not in (0, 1):
        sys.exit("oracle failed: %s %s: %s" % (args, path, p.stderr))
    return json.loads(p.stdout)
out = {}
for m in ["none", "uc16", "uc20", "classic", "uc20-classic"]:
    r = {"info": run("--model=" + m, "gadget-info"), "layout": run("--model=" + m, "gadget-layout")}
    if os.path.isdir(gdir):
        r["layout-with-content"] = run("--model=" + m, "--gadget-dir=" + gdir, "gadget-layout")
    out[m] = r
print(json.dumps(out, indent=1, sort_keys=True))
PY
	done
done
echo "goldens written under $HERE" >&2
