#!/bin/sh
# Regenerates the oracle goldens of ucore-model's tests with snapd 2.57's own code
# (the oracle, /work/shared/oracle; built at /tmp/snapd-oracle by its build.sh).
#
#   UCORE_ORACLE=/tmp/snapd-oracle model/tests/golden/regenerate.sh
#
# * statement-errors.jsonl: for each case of tests/data/statement-cases.json, what the
#   oracle's `sign model` says (the encoded assertion's first line, or snapd's error).
# * model-summaries.json is NOT made here: it comes from OUR code (see README.md beside).
set -eu
O=${UCORE_ORACLE:-/tmp/snapd-oracle}
here=$(cd "$(dirname "$0")" && pwd)
data="$here/../data"
python3 - "$O" "$data" "$here" <<'PY'
import json, subprocess, sys
oracle, data, here = sys.argv[1:]
cases = json.load(open(f"{data}/statement-cases.json"))
with open(f"{here}/statement-errors.jsonl", "w") as out:
    for c in cases:
        r = subprocess.run([oracle, "--sig-time=1480593600", "sign", "model",
                            f"{here}/../../../test-support/keys/test-only-acme.pem", json.dumps(c["statement"])],
                           capture_output=True, text=True)
        if r.returncode == 0:
            res = {"name": c["name"], "ok": True}
        else:
            res = {"name": c["name"], "error": json.loads(r.stdout)["error"]}
        out.write(json.dumps(res) + "\n")
PY
echo "wrote $here/statement-errors.jsonl"
