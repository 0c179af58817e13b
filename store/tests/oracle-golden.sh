#!/usr/bin/env bash
# Record what snapd's own clients get from snapd's fakestore for the committed fixtures
# (store/tests/data/fixtures/, made by oracle-fixtures.sh): the goldens that ucore-store's
# oracle tests compare against (store/tests/data/golden/*.json).
#
#     bash store/tests/oracle-golden.sh
#
# Needs /tmp/snapd-oracle, /tmp/snapd-snap and /tmp/snapd-fakestore (shared/oracle/build.sh;
# override with SNAPD_ORACLE, SNAPD_SNAP, SNAPD_FAKESTORE) and python3. About 10 s.
#
# It starts the fakestore on a free loopback port over a copy of the fixtures' snaps and
# assertions, then runs every case of CASES below. Each golden is one JSON object:
#   regenerate  the command that rewrites it
#   tool        "oracle" (snapd-oracle) or "snap" (snapd's snap CLI)
#   args, env   the command line and extra environment, with placeholders: {STORE} the
#               store's base URL without a trailing "/", {FIXTURES} the fixtures directory,
#               {OUT} a fresh empty directory for the case (also the working directory)
#   exit        the exit code
#   output      the command's stdout: parsed JSON, or text for assertions and `snap`
#   files       for cases that write files: every file under {OUT} by relative path, with
#               {"size", "sha3-384"} (snaps, binary files), {"assertions": TEXT} (assertion
#               files), {"text": TEXT} (other text files; a grubenv's variables sorted, as
#               snapd writes them in Go's map order) or {"symlink": TARGET};
#               UC20 seed labels (today's date) become {LABEL}
#   seed_check  for prepare-image: `snapd-oracle seed-check` on the seed written
# Ports, temporary paths and seed labels are replaced by the placeholders; the fixtures'
# assertions are served verbatim, so no timestamp needs normalising. snapd's log line
# "no host system xdelta3 available to use deltas" (stderr) is not recorded.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export ORACLE_FIXTURES="$here/data/fixtures"
export ORACLE_GOLDEN="$here/data/golden"
export SNAPD_ORACLE=${SNAPD_ORACLE:-/tmp/snapd-oracle}
export SNAPD_SNAP=${SNAPD_SNAP:-/tmp/snapd-snap}
export SNAPD_FAKESTORE=${SNAPD_FAKESTORE:-/tmp/snapd-fakestore}
for b in "$SNAPD_ORACLE" "$SNAPD_SNAP" "$SNAPD_FAKESTORE"; do
	[ -x "$b" ] || { echo "missing $b: run shared/oracle/build.sh" >&2; exit 2; }
done
[ -f "$ORACLE_FIXTURES/snaps.tsv" ] || { echo "no fixtures: run $here/oracle-fixtures.sh" >&2; exit 2; }
export LC_ALL=C TZ=UTC

exec python3 - <<'EOF'
import base64
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

FIX = os.environ["ORACLE_FIXTURES"]
GOLDEN = os.environ["ORACLE_GOLDEN"]
TOOLS = {"oracle": os.environ["SNAPD_ORACLE"], "snap": os.environ["SNAPD_SNAP"]}
FAKESTORE = os.environ["SNAPD_FAKESTORE"]
REGEN = "bash store/tests/oracle-fixtures.sh (fixtures, rarely) then bash store/tests/oracle-golden.sh"
XDELTA = "no host system xdelta3 available to use deltas"

snaps = []  # (name, snap-id, publisher, file)
with open(os.path.join(FIX, "snaps.tsv")) as f:
    for line in f:
        snaps.append(tuple(line.rstrip("\n").split("\t")))
snap_id = {s[0]: s[1] for s in snaps}
ALL = [s[0] for s in snaps]
BRAND = [s[0] for s in snaps if s[2] == "developer1"]
PUBLIC = [s[0] for s in snaps if s[2] != "developer1"]


def digest(path):
    h = hashlib.sha3_384()
    with open(path, "rb") as f:
        h.update(f.read())
    return h.hexdigest()


def b64digest(path):
    h = hashlib.sha3_384()
    with open(path, "rb") as f:
        h.update(f.read())
    return base64.urlsafe_b64encode(h.digest()).decode().rstrip("=")


def snap_file(name):
    return os.path.join(FIX, "snaps", [s[3] for s in snaps if s[0] == name][0])


# ---- the cases ---------------------------------------------------------------------------
M16 = "{FIXTURES}/uc16-store.model"
M20 = "{FIXTURES}/uc20-store.model"
CASES = []


def case(name, tool, args, env=None, files=False, seed=None):
    CASES.append({"name": name, "tool": tool, "args": args, "env": env or {}, "files": files, "seed": seed})


def store_args(cmd, *rest, model=M16):
    a = [cmd, "--store", "{STORE}/"]
    if model:
        a += ["--model", model]
    return a + list(rest)


# snap action: install, download, refresh (from a local revision: an update; from the same
# revision: snapd's "snap has no updates available"), without a device context (public
# snaps), and the UC20 model's channels.
case("refresh-install", "oracle", store_args("store-refresh", *["install:" + n for n in ALL]))
case("refresh-download", "oracle", store_args("store-refresh", *["download:" + n for n in ALL]))
case("refresh-refresh", "oracle",
     store_args("store-refresh", *["refresh:%s:%s:x1" % (n, snap_id[n]) for n in ALL]))
case("refresh-up-to-date", "oracle",
     store_args("store-refresh", "refresh:hello-oracle:%s:1" % snap_id["hello-oracle"]))
case("refresh-no-model", "oracle", store_args("store-refresh", *["install:" + n for n in PUBLIC], model=None))
case("refresh-uc20-channels", "oracle",
     store_args("store-refresh", "install:pc20@20/stable", "install:pc-kernel@20/stable",
                "install:core20", "install:snapd", "install:hello20", model=M20))
# downloads, checked by snapd against the store's sha3-384
for n in ALL:
    case("download-" + n, "oracle", store_args("store-download", n, "{OUT}"), files=True)
# assertions, one or more of each kind the store serves
dev_key = None
for line in open(os.path.join(FIX, "tk", "developer1-account-key.assert")):
    if line.startswith("public-key-sha3-384: "):
        dev_key = line.split(": ", 1)[1].strip()
store_key = None
for line in open(os.path.join(FIX, "tk", "teststore-account-key.assert")):
    if line.startswith("public-key-sha3-384: "):
        store_key = line.split(": ", 1)[1].strip()
case("assertion-account-developer1", "oracle", store_args("store-assertion", "account", "developer1"))
case("assertion-account-testrootorg", "oracle", store_args("store-assertion", "account", "testrootorg"))
case("assertion-account-key-developer1", "oracle", store_args("store-assertion", "account-key", dev_key))
case("assertion-account-key-store", "oracle", store_args("store-assertion", "account-key", store_key))
for n in ("pc", "core"):
    case("assertion-snap-declaration-" + n, "oracle",
         store_args("store-assertion", "snap-declaration", "16", snap_id[n]))
    case("assertion-snap-revision-" + n, "oracle",
         store_args("store-assertion", "snap-revision", b64digest(snap_file(n))))
case("assertion-not-found", "oracle", store_args("store-assertion", "account", "no-such-account"))
# snapd's snap CLI (tooling store): download, prepare-image + seed-check
SNAP_ENV = {"SNAPPY_FORCE_API_URL": "{STORE}/", "UBUNTU_STORE_ID": ""}
for n in ("hello-oracle", "core", "pc"):
    case("snap-download-" + n, "snap", ["download", "--target-directory={OUT}", n], SNAP_ENV, files=True)
case("snap-prepare-image-uc16", "snap", ["prepare-image", M16, "{OUT}"], SNAP_ENV, files=True,
     seed=("image/var/lib/snapd/seed", None))
case("snap-prepare-image-uc20", "snap", ["prepare-image", M20, "{OUT}"], SNAP_ENV, files=True,
     seed=("system-seed", "LABEL"))


# ---- running them ------------------------------------------------------------------------
def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def subst(v, m):
    for k, r in m.items():
        v = v.replace("{" + k + "}", r)
    return v


def unsubst(v, m):
    if isinstance(v, str):
        for k, r in sorted(m.items(), key=lambda kv: -len(kv[1])):
            if r:
                v = v.replace(r, "{" + k + "}")
        return v
    if isinstance(v, list):
        return [unsubst(x, m) for x in v]
    if isinstance(v, dict):
        return {unsubst(k, m): unsubst(x, m) for k, x in v.items()}
    return v


def is_assertion(rel):
    parts = rel.split("/")
    return "assertions" in parts[:-1] or parts[-1] == "model" or rel.endswith(".assert")


def grubenv(text):
    """snapd writes a grubenv's variables in Go's map order: sorted here, so that the
    goldens do not change from run to run (the tests compare them as a set)."""
    lines = text.split("\n")
    head = [l for l in lines if l.startswith("# GRUB")]
    vars_ = sorted(l for l in lines if l and not l.startswith("#"))
    pad = [l for l in lines if l.startswith("#") and not l.startswith("# GRUB")]
    out = "\n".join(head + vars_ + pad)
    assert len(out) == len(text), (text, out)
    return out


def walk(out, m):
    files = {}
    for root, dirs, names in os.walk(out):
        dirs.sort()
        for n in sorted(names + [d for d in dirs if os.path.islink(os.path.join(root, d))]):
            p = os.path.join(root, n)
            rel = os.path.relpath(p, out)
            if os.path.islink(p):
                files[rel] = {"symlink": os.readlink(p)}
            elif is_assertion(rel):
                files[rel] = {"assertions": open(p, encoding="utf-8").read()}
            elif rel.endswith(".snap"):
                files[rel] = {"size": os.path.getsize(p), "sha3-384": digest(p)}
            else:
                try:
                    text = open(p, encoding="utf-8").read()
                    if n == "grubenv":
                        text = grubenv(text)
                    files[rel] = {"text": text}
                except UnicodeDecodeError:
                    files[rel] = {"size": os.path.getsize(p), "sha3-384": digest(p)}
    return unsubst(files, m)


def run(c, store, work):
    out = os.path.join(work, c["name"])
    os.makedirs(out)
    m = {"STORE": store, "FIXTURES": FIX, "OUT": out}
    args = [subst(a, m) for a in c["args"]]
    env = dict(os.environ, HOME=work)
    env.update({k: subst(v, m) for k, v in c["env"].items()})
    p = subprocess.run([TOOLS[c["tool"]]] + args, cwd=out, env=env, capture_output=True, text=True, timeout=120)
    stderr = "".join(l + "\n" for l in p.stderr.splitlines() if XDELTA not in l)
    rec = {"regenerate": REGEN, "tool": c["tool"], "args": c["args"], "env": c["env"], "exit": p.returncode}
    label = None
    if c["seed"] and c["seed"][1]:
        systems = os.path.join(out, c["seed"][0], "systems")
        labels = os.listdir(systems) if os.path.isdir(systems) else []
        if len(labels) == 1:
            label = labels[0]
            m["LABEL"] = label
    try:
        rec["output"] = unsubst(json.loads(p.stdout), m)
    except ValueError:
        rec["output"] = unsubst(p.stdout, m)
    if p.returncode != 0:
        rec["stderr"] = unsubst(stderr, m)
    if c["files"]:
        rec["files"] = walk(out, m)
    if c["seed"]:
        seed_dir, lab = c["seed"]
        sargs = ["seed-check", "--trusted", os.path.join(FIX, "tk", "testrootorg-trusted.stream"),
                 os.path.join(out, seed_dir)] + ([label] if lab else [])
        s = subprocess.run([TOOLS["oracle"]] + sargs, capture_output=True, text=True, timeout=120)
        rec["seed_check"] = {"args": ["seed-check", "--trusted", "{FIXTURES}/tk/testrootorg-trusted.stream",
                                      "{OUT}/" + seed_dir] + (["{LABEL}"] if lab else []),
                             "exit": s.returncode, "output": unsubst(json.loads(s.stdout), m)}
    return rec


work = tempfile.mkdtemp(prefix="oracle-golden-")
fs = os.path.join(work, "fs")
os.makedirs(os.path.join(fs, "asserts"))
for s in snaps:
    shutil.copy(os.path.join(FIX, "snaps", s[3]), fs)
for a in os.listdir(os.path.join(FIX, "fs-asserts")):
    shutil.copy(os.path.join(FIX, "fs-asserts", a), os.path.join(fs, "asserts"))
port = free_port()
store = "http://127.0.0.1:%d" % port
log = open(os.path.join(work, "fakestore.log"), "w")
proc = subprocess.Popen([FAKESTORE, "run", "--dir", fs, "--addr", "127.0.0.1:%d" % port], stdout=log, stderr=log)
try:
    for _ in range(100):
        try:
            urllib.request.urlopen(store + "/v2/assertions/account/testrootorg", timeout=1).read()
            break
        except Exception:
            time.sleep(0.1)
    else:
        sys.exit("fakestore did not start")
    os.makedirs(GOLDEN, exist_ok=True)
    for old in os.listdir(GOLDEN):
        if old.endswith(".json"):
            os.remove(os.path.join(GOLDEN, old))
    failed = []
    for c in CASES:
        rec = run(c, store, os.path.join(work, "runs"))
        with open(os.path.join(GOLDEN, c["name"] + ".json"), "w", encoding="utf-8") as f:
            json.dump(rec, f, indent=1, sort_keys=True, ensure_ascii=False)
            f.write("\n")
        expect_fail = c["name"] in ("refresh-up-to-date", "assertion-not-found")
        ok = (rec["exit"] != 0) == expect_fail and (not c["seed"] or rec["seed_check"]["exit"] == 0)
        print("%-36s exit %d%s" % (c["name"], rec["exit"], "" if ok else "  UNEXPECTED"))
        if not ok:
            failed.append(c["name"])
    print("%d passed, %d failed" % (len(CASES) - len(failed), len(failed)))
    sys.exit(1 if failed else 0)
finally:
    proc.terminate()
    proc.wait()
    shutil.rmtree(work, ignore_errors=True)
EOF
