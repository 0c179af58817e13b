#!/usr/bin/env bash
# Record what snapd's `snap prepare-image` writes, and what snapd's seed loader
# (`snapd-oracle seed-check`) says of it and of broken copies of it, for the committed
# fixtures (image/tests/data/fixtures/, made by oracle-fixtures.sh):
#
#     bash image/tests/oracle-golden.sh
#
# Needs /tmp/snapd-oracle, /tmp/snapd-snap and /tmp/snapd-fakestore (shared/oracle/build.sh;
# override with SNAPD_ORACLE, SNAPD_SNAP, SNAPD_FAKESTORE) and python3. About 5 s.
# Idempotent: the fixtures are served verbatim, so a rerun on the same UTC day writes the
# same bytes; on another day only the UC20 label (the build date) and what names it change.
#
# It starts snapd's fakestore on a free loopback port over the fixtures' snaps and
# assertions and runs, in the fixtures directory (so that `--snap local/…` resolves),
#   SNAPPY_FORCE_API_URL={STORE}/ UBUNTU_STORE_ID= snap prepare-image [--snap …] MODEL {OUT}
# for every case of CASES below, and writes image/tests/data/golden/prepare-image/<case>/:
#   command         the command line ({STORE}, {OUT} placeholders; working dir {FIXTURES})
#   stdout, stderr  its output ({OUT} placeholder; snapd's "no host system xdelta3" log
#                   line dropped)
#   listing.txt     every entry under {OUT}, sorted by path, one per line, tab-separated:
#                   type (d, f, l), octal mode, size (bytes; "-" for directories), path
#                   relative to {OUT}, and for symlinks the target ({OUT} placeholder)
#   tree/           every regular file under {OUT} that is not a .snap, verbatim, except
#                   grubenv files, whose variable lines are sorted (snapd writes them in Go's
#                   map order, which varies from run to run; length and padding unchanged)
#   snap-files.txt  every .snap under {OUT}: path, tab, the fixture file with the same
#                   SHA3-384 (relative to the fixtures directory): tree/ + these + the
#                   listing's symlinks re-materialize the prepared directory
#   label           UC20+ only: the system label (the UTC build date)
#   seed-check.json `snapd-oracle seed-check --trusted {FIXTURES}/tk/testrootorg-trusted.stream
#                   {OUT}/SEED [LABEL]`, paths under {OUT} written {OUT}
# and image/tests/data/golden/seed-check/<name>.json for every case of BROKEN below: a
# prepared seed changed by `ops` (applied in order to the seed directory, paths relative
# to it, {LABEL} the case's label):
#   {"op": "remove", "path": P}            remove a file or a whole directory
#   {"op": "truncate", "path": P, "size": N}
#   {"op": "flip", "path": P, "offset": N} XOR the byte at N with 0xff
#   {"op": "write", "path": P, "text": T}  (re)write a file
#   {"op": "copy", "from": P, "to": Q}
#   {"op": "fixture", "from": F, "to": Q}  copy fixture file F (relative to the fixtures)
#   {"op": "replace", "path": P, "old": A, "new": B}  the first A in the text becomes B
# then checked with seed-check with `label` (the case's label if null; UC16/18: none) and
# the test root trusted unless `trusted` is false; the golden holds the case, its ops and
# seed-check's `output` (the seed directory written {SEED}) and `exit`.
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
import hashlib
import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import time
import urllib.request

FIX = os.environ["ORACLE_FIXTURES"]
GOLDEN = os.environ["ORACLE_GOLDEN"]
ORACLE = os.environ["SNAPD_ORACLE"]
SNAP = os.environ["SNAPD_SNAP"]
FAKESTORE = os.environ["SNAPD_FAKESTORE"]
XDELTA = "no host system xdelta3 available to use deltas"
TRUSTED = os.path.join(FIX, "tk", "testrootorg-trusted.stream")

# ---- the cases ---------------------------------------------------------------------------
# name: (model, --snap options, seed dir under OUT, UC20+)
CASES = {
    "uc16": ("uc16.model", [], "image/var/lib/snapd/seed", False),
    "uc18": ("uc18.model", [], "image/var/lib/snapd/seed", False),
    "uc20": ("uc20.model", [], "system-seed", True),
    "uc20-dangerous": ("uc20-dangerous.model",
                       ["local/local-tool_1.0_all.snap", "hello-extra", "hello20=edge"], "system-seed", True),
    "uc16-local": ("uc16.model", ["local/local16_2.0_all.snap", "hello-oracle=beta"],
                   "image/var/lib/snapd/seed", False),
}

BROKEN = []


def broken(name, case, *ops, label=None, trusted=True):
    BROKEN.append({"name": name, "case": case, "ops": list(ops), "label": label, "trusted": trusted})


S20 = "systems/{LABEL}/"
# spec snap-image.md §9.6
broken("uc20-wrong-size", "uc20", {"op": "truncate", "path": "snaps/hello20_1.snap", "size": 4000})
broken("uc20-hash-mismatch", "uc20", {"op": "flip", "path": "snaps/hello20_1.snap", "offset": 4000})
broken("uc20-snap-removed", "uc20", {"op": "remove", "path": "snaps/pc20_1.snap"})
broken("uc20-bad-label", "uc20", label="Bad_Label")
broken("uc20-unknown-label", "uc20", label="20000101")
broken("uc20-model-in-assertions", "uc20", {"op": "copy", "from": S20 + "model", "to": S20 + "assertions/model"})
broken("uc20-model-file-not-model", "uc20", {"op": "copy", "from": S20 + "assertions/model-etc", "to": S20 + "model"})
broken("uc20-snaps-assertions-removed", "uc20", {"op": "remove", "path": S20 + "assertions/snaps"})
broken("uc20-dangerous-options-name-only", "uc20-dangerous",
       {"op": "write", "path": S20 + "options.yaml", "text": "snaps:\n- name: hello20\n"})
broken("uc20-signed-options-ignored", "uc20",
       {"op": "write", "path": S20 + "options.yaml", "text": "snaps:\n- name: hello20\n"})
broken("uc16-gadget-entry-removed", "uc16", {"op": "replace", "path": "seed.yaml",
       "old": "- name: pc\n  snap-id: pcxoracleoracleoracleoracleoracl\n  channel: stable\n  file: pc_1.snap\n", "new": ""})
broken("uc16-model-removed", "uc16", {"op": "remove", "path": "assertions/model"})
broken("uc16-seed-yaml-removed", "uc16", {"op": "remove", "path": "seed.yaml"})
broken("uc16-file-is-path", "uc16", {"op": "replace", "path": "seed.yaml", "old": "file: pc_1.snap", "new": "file: snaps/pc_1.snap"})
broken("uc16-untrusted", "uc16", trusted=False)
# more texts of §4.2, §4.4, §5.2, §5.4
broken("uc16-duplicate-name", "uc16", {"op": "replace", "path": "seed.yaml", "old": "name: hello-oracle", "new": "name: pc"})
broken("uc16-invalid-name", "uc16", {"op": "replace", "path": "seed.yaml", "old": "name: hello-oracle", "new": "name: Hello_Oracle"})
broken("uc16-invalid-channel", "uc16", {"op": "replace", "path": "seed.yaml", "old": "channel: stable\n  file: hello", "new": "channel: a/b/c/d\n  file: hello"})
broken("uc16-empty-file", "uc16", {"op": "replace", "path": "seed.yaml", "old": "file: hello-oracle_1.snap", "new": "file: \"\""})
broken("uc16-yaml-syntax", "uc16", {"op": "write", "path": "seed.yaml", "text": "snaps: [\n"})
broken("uc16-yaml-type", "uc16", {"op": "write", "path": "seed.yaml", "text": "snaps: 3\n"})
broken("uc16-empty-element", "uc16", {"op": "write", "path": "seed.yaml", "text": "snaps:\n-\n"})
broken("uc16-empty-seed-yaml", "uc16", {"op": "write", "path": "seed.yaml", "text": ""})
broken("uc16-assertions-dir-removed", "uc16", {"op": "remove", "path": "assertions"})
broken("uc16-garbage-assertion", "uc16", {"op": "write", "path": "assertions/zzz.account", "text": "type: account\n"})
broken("uc16-same-model-twice", "uc16", {"op": "copy", "from": "assertions/model", "to": "assertions/model2"})
broken("uc16-two-models", "uc16", {"op": "fixture", "from": "uc18.model", "to": "assertions/model2"})
broken("uc16-snap-revision-removed", "uc16",
       {"op": "remove", "path": "assertions/{REV:pc-kernel}.snap-revision"})
broken("uc16-wrong-size", "uc16", {"op": "truncate", "path": "snaps/hello-oracle_1.snap", "size": 4000})
broken("uc16-hash-mismatch", "uc16", {"op": "flip", "path": "snaps/core_1.snap", "offset": 4000})
broken("uc16-snap-removed", "uc16", {"op": "remove", "path": "snaps/hello-oracle_1.snap"})
broken("uc16-local-unasserted-removed", "uc16-local", {"op": "remove", "path": "snaps/local16_x1.snap"})
broken("uc16-contact-private", "uc16", {"op": "replace", "path": "seed.yaml", "old": "file: hello-oracle_1.snap",
       "new": "file: hello-oracle_1.snap\n  contact: mailto:a@b.c\n  private: true\n  devmode: true\n  classic: true"})
broken("uc18-core-removed", "uc18", {"op": "replace", "path": "seed.yaml",
       "old": "- name: core18\n", "new": "- name: core18x\n"})
broken("uc20-dangerous-options-bad-id", "uc20-dangerous",
       {"op": "replace", "path": S20 + "options.yaml", "old": "id: hello20xoracleoracleoracleoracle", "new": "id: short"})
broken("uc20-dangerous-options-duplicate", "uc20-dangerous",
       {"op": "replace", "path": S20 + "options.yaml", "old": "name: hello-extra", "new": "name: hello20"})
broken("uc20-dangerous-options-path", "uc20-dangerous",
       {"op": "replace", "path": S20 + "options.yaml", "old": "unasserted: local-tool_1.0.snap", "new": "unasserted: a/b.snap"})
broken("uc20-dangerous-options-invalid-name", "uc20-dangerous",
       {"op": "replace", "path": S20 + "options.yaml", "old": "name: local-tool", "new": "name: Local"})
broken("uc20-dangerous-options-channel", "uc20-dangerous",
       {"op": "replace", "path": S20 + "options.yaml", "old": "channel: latest/edge", "new": "channel: a/b/c/d"})
broken("uc20-dangerous-options-syntax", "uc20-dangerous", {"op": "write", "path": S20 + "options.yaml", "text": "snaps: {\n"})
broken("uc20-dangerous-options-empty", "uc20-dangerous", {"op": "write", "path": S20 + "options.yaml", "text": "snaps:\n-\n"})
broken("uc20-dangerous-options-removed", "uc20-dangerous", {"op": "remove", "path": S20 + "options.yaml"})
broken("uc20-dangerous-extra-assertions-removed", "uc20-dangerous", {"op": "remove", "path": S20 + "assertions/extra-snaps"})
broken("uc20-dangerous-local-removed", "uc20-dangerous", {"op": "remove", "path": S20 + "snaps/local-tool_1.0.snap"})
broken("uc20-dangerous-extra-removed", "uc20-dangerous", {"op": "remove", "path": S20 + "snaps/hello-extra_7.snap"})
broken("uc20-untrusted", "uc20", trusted=False)
broken("uc20-assertions-dir-removed", "uc20", {"op": "remove", "path": S20 + "assertions"})
broken("uc20-aux-info", "uc20",
       {"op": "write", "path": S20 + "snaps/aux-info.json",
        "text": '{"hello20xoracleoracleoracleoracle":{"private":true,"contact":"mailto:x@y.z"}}\n'})
broken("uc20-aux-info-bad", "uc20", {"op": "write", "path": S20 + "snaps/aux-info.json", "text": "{"})


# ---- helpers -------------------------------------------------------------------------------
def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def sha3(path):
    h = hashlib.sha3_384()
    with open(path, "rb") as f:
        h.update(f.read())
    return h.hexdigest()


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


def grubenv(data):
    """Variable lines sorted (snapd writes them in Go's map order); same length."""
    text = data.decode("utf-8")
    lines = text.split("\n")
    head = [l for l in lines if l.startswith("# GRUB")]
    vars_ = sorted(l for l in lines if l and not l.startswith("#"))
    pad = [l for l in lines if l.startswith("#") and not l.startswith("# GRUB")]
    out = "\n".join(head + vars_ + pad)
    assert len(out) == len(text), (text, out)
    return out.encode("utf-8")


FIXTURE_SNAPS = {}
for sub in ("snaps", "local"):
    for n in sorted(os.listdir(os.path.join(FIX, sub))):
        FIXTURE_SNAPS[sha3(os.path.join(FIX, sub, n))] = sub + "/" + n


def record_tree(out, dest, m):
    listing, snap_files = [], []
    entries = []
    for root, dirs, names in os.walk(out):
        for n in dirs + names:
            entries.append(os.path.relpath(os.path.join(root, n), out))
    for rel in sorted(entries):
        p = os.path.join(out, rel)
        st = os.lstat(p)
        mode = "%04o" % stat.S_IMODE(st.st_mode)
        if stat.S_ISLNK(st.st_mode):
            listing.append("l\t%s\t%d\t%s\t%s" % (mode, st.st_size, rel, unsubst(os.readlink(p), m)))
        elif stat.S_ISDIR(st.st_mode):
            listing.append("d\t%s\t-\t%s" % (mode, rel))
        else:
            listing.append("f\t%s\t%d\t%s" % (mode, st.st_size, rel))
            if rel.endswith(".snap"):
                snap_files.append("%s\t%s" % (rel, FIXTURE_SNAPS[sha3(p)]))
            else:
                t = os.path.join(dest, "tree", rel)
                os.makedirs(os.path.dirname(t), exist_ok=True)
                data = open(p, "rb").read()
                if os.path.basename(rel) == "grubenv":
                    data = grubenv(data)
                open(t, "wb").write(data)
    open(os.path.join(dest, "listing.txt"), "w").write("".join(l + "\n" for l in listing))
    open(os.path.join(dest, "snap-files.txt"), "w").write("".join(l + "\n" for l in snap_files))


def seed_check(seed, label, trusted=True):
    args = [ORACLE, "seed-check"] + (["--trusted", TRUSTED] if trusted else []) + [seed] + ([label] if label else [])
    p = subprocess.run(args, capture_output=True, text=True, timeout=120)
    return p.returncode, json.loads(p.stdout)


def revision_file(seed, name):
    """The snap-revision file of snap NAME in a UC16/18 seed (by its digest)."""
    import base64
    f = [l for l in open(os.path.join(seed, "seed.yaml")) if l.strip().startswith("file: " + name + "_")][0]
    path = os.path.join(seed, "snaps", f.split(": ", 1)[1].strip())
    d = hashlib.sha3_384(open(path, "rb").read()).digest()
    return base64.urlsafe_b64encode(d).decode().rstrip("=")


def apply(seed, ops, label):
    for op in ops:
        def path(k):
            rel = op[k].replace("{LABEL}", label or "")
            if "{REV:" in rel:
                a = rel.index("{REV:")
                b = rel.index("}", a)
                rel = rel[:a] + revision_file(seed, rel[a + 5:b]) + rel[b + 1:]
            return os.path.join(seed, rel)
        kind = op["op"]
        if kind == "remove":
            p = path("path")
            if os.path.isdir(p):
                shutil.rmtree(p)
            else:
                os.remove(p)
        elif kind == "truncate":
            os.truncate(path("path"), op["size"])
        elif kind == "flip":
            with open(path("path"), "r+b") as f:
                f.seek(op["offset"])
                b = f.read(1)
                f.seek(op["offset"])
                f.write(bytes([b[0] ^ 0xFF]))
        elif kind == "write":
            os.makedirs(os.path.dirname(path("path")), exist_ok=True)
            open(path("path"), "w").write(op["text"])
        elif kind == "fixture":
            shutil.copyfile(os.path.join(FIX, op["from"]), path("to"))
        elif kind == "copy":
            shutil.copyfile(path("from"), path("to"))
        elif kind == "replace":
            t = open(path("path")).read()
            assert op["old"] in t, (op, t)
            open(path("path"), "w").write(t.replace(op["old"], op["new"], 1))
        else:
            raise ValueError(kind)


# ---- running them ------------------------------------------------------------------------
work = tempfile.mkdtemp(prefix="image-golden-")
fs = os.path.join(work, "fs")
os.makedirs(os.path.join(fs, "asserts"))
for n in os.listdir(os.path.join(FIX, "snaps")):
    shutil.copy(os.path.join(FIX, "snaps", n), fs)
for a in os.listdir(os.path.join(FIX, "fs-asserts")):
    shutil.copy(os.path.join(FIX, "fs-asserts", a), os.path.join(fs, "asserts"))
port = free_port()
store = "http://127.0.0.1:%d" % port
log = open(os.path.join(work, "fakestore.log"), "w")
proc = subprocess.Popen([FAKESTORE, "run", "--dir", fs, "--addr", "127.0.0.1:%d" % port], stdout=log, stderr=log)
failed = []
try:
    for _ in range(100):
        try:
            urllib.request.urlopen(store + "/v2/assertions/account/testrootorg", timeout=1).read()
            break
        except Exception:
            time.sleep(0.1)
    else:
        sys.exit("fakestore did not start")
    pi_dir = os.path.join(GOLDEN, "prepare-image")
    sc_dir = os.path.join(GOLDEN, "seed-check")
    shutil.rmtree(pi_dir, ignore_errors=True)
    shutil.rmtree(sc_dir, ignore_errors=True)
    os.makedirs(sc_dir)
    outs = {}
    for name, (model, snaps, seed_rel, uc20) in CASES.items():
        out = os.path.join(work, "out", name)
        os.makedirs(os.path.dirname(out), exist_ok=True)
        args = ["prepare-image"]
        for s in snaps:
            args += ["--snap", s]
        args += [model, out]
        env = dict(os.environ, HOME=work, SNAPPY_FORCE_API_URL=store + "/", UBUNTU_STORE_ID="")
        p = subprocess.run([SNAP] + args, cwd=FIX, env=env, capture_output=True, text=True, timeout=120)
        m = {"STORE": store, "OUT": out}
        dest = os.path.join(pi_dir, name)
        os.makedirs(dest)
        cmd = "SNAPPY_FORCE_API_URL={STORE}/ UBUNTU_STORE_ID= snap " + " ".join(unsubst(a, m) for a in args)
        open(os.path.join(dest, "command"), "w").write(cmd + "\n")
        open(os.path.join(dest, "stdout"), "w").write(unsubst(p.stdout, m))
        stderr = "".join(l + "\n" for l in p.stderr.splitlines() if XDELTA not in l)
        open(os.path.join(dest, "stderr"), "w").write(unsubst(stderr, m))
        label = None
        if uc20:
            label = os.listdir(os.path.join(out, seed_rel, "systems"))[0]
            open(os.path.join(dest, "label"), "w").write(label + "\n")
        record_tree(out, dest, m)
        code, sc = seed_check(os.path.join(out, seed_rel), label)
        with open(os.path.join(dest, "seed-check.json"), "w") as f:
            json.dump(unsubst(sc, m), f, indent=1, sort_keys=True)
            f.write("\n")
        ok = p.returncode == 0 and code == 0
        print("prepare-image %-28s exit %d, seed-check %d%s" % (name, p.returncode, code, "" if ok else "  UNEXPECTED"))
        if not ok:
            failed.append(name)
        outs[name] = (out, seed_rel, label)
    for b in BROKEN:
        out, seed_rel, label = outs[b["case"]]
        copy = os.path.join(work, "broken", b["name"])
        shutil.copytree(out, copy, symlinks=True)
        seed = os.path.join(copy, seed_rel)
        apply(seed, b["ops"], label)
        check_label = b["label"] if b["label"] is not None else label
        code, sc = seed_check(seed, check_label, b["trusted"])
        rec = dict(b, output=unsubst(sc, {"SEED": seed}), exit=code)
        with open(os.path.join(sc_dir, b["name"] + ".json"), "w") as f:
            json.dump(rec, f, indent=1, sort_keys=True)
            f.write("\n")
        print("seed-check %-40s %s" % (b["name"], sc.get("stage", "ok") + ": " + sc.get("error", "")[:90]))
    print("%d prepare-image cases, %d broken seeds, %d failed" % (len(CASES), len(BROKEN), len(failed)))
    sys.exit(1 if failed else 0)
finally:
    proc.terminate()
    proc.wait()
    shutil.rmtree(work, ignore_errors=True)
EOF
