#!/usr/bin/env bash
# Rebuilds fuzz/seeds/TARGET/ for every fuzz target from the real and golden data already in
# the repository (nothing random, nothing fetched):
#
#     bash fuzz/seeds/regenerate.sh
#
# Each seed is named by the SHA-1 of its content (as libFuzzer names corpus files), so a
# rerun on unchanged data gives the same tree. Seeds over 64 KiB (the fuzz runs' -max_len)
# are left out. The findings of the seeded runs (fuzz/README.md) are kept in
# fuzz/seeds/regressions/TARGET/ and copied in as seeds too.
set -euo pipefail
cd "$(dirname "$0")/../.."
SEEDS=fuzz/seeds
MAX=65536

targets="assertion_decode stream_decode openpgp_packets gadget_yaml serial_request signing_verify signing_key_files json_bodies snap_yaml squashfs store_requests seed_yaml validation_sets validation_set_statement vault_sync_bundle policy_compile"
for t in $targets; do
    rm -rf "${SEEDS:?}/$t"
    mkdir -p "$SEEDS/$t"
done

# add TARGET FILE...: copy each file in, named by its SHA-1.
add() {
    local t=$1
    shift
    local f
    for f in "$@"; do
        [ -f "$f" ] || continue
        [ "$(stat -c %s "$f")" -le "$MAX" ] || continue
        cp "$f" "$SEEDS/$t/$(sha1sum <"$f" | cut -c1-40)"
    done
}
# add_text TARGET: standard input as one seed.
add_text() {
    local tmp
    tmp=$(mktemp)
    cat >"$tmp"
    [ -s "$tmp" ] && add "$1" "$tmp"
    rm -f "$tmp"
}

mapfile -t asserts < <(find tests/data/assertions assertions/tests/data serial/tests/data serial-vault/tests/data model/tests/data \
    signing/tests tests/data/hostile tests/data/ubuntu-core-22-amd64.model \
    -type f \( -name '*.assert' -o -name '*.model' \) | sort)
mapfile -t streams < <(find tests/data/assertions model/tests/data signing/tests -type f -name '*.stream' | sort)
mapfile -t pems < <(find . -path ./target -prune -o -path ./fuzz -prune -o -type f -name '*.pem' -print | sort)
mapfile -t gadgets < <(find gadget-yaml/tests/data -type f -name '*.yaml' | sort)
mapfile -t snap_yamls < <(find snap/tests/data/corpus snap/tests/data/snap-yaml/cases snap/tests/data/bench \
    -type f -name '*.yaml' | sort)
mapfile -t snaps < <(find . -path ./target -prune -o -path ./fuzz -prune -o -type f -name '*.snap' -print | sort)

# The decoders: every assertion, every stream.
add assertion_decode "${asserts[@]}"
add stream_decode "${asserts[@]}" "${streams[@]}"
add signing_verify "${asserts[@]}"

# The rule compiler: the header block of every policy golden declaration, and the
# headers-only base-declaration texts.
for a in assertions/tests/data/policy/*.assert; do
    python3 -c 'import sys; sys.stdout.buffer.write(open(sys.argv[1], "rb").read().split(b"\n\n")[0])' "$a" |
        add_text policy_compile
done
add policy_compile assertions/tests/data/policy/*.txt

# Serial requests: the vault tests' and the oracle's serial-requests, alone and followed by
# their model (the body snapd posts).
mapfile -t requests < <(grep -l '^type: serial-request' "${asserts[@]}" || true)
add serial_request "${requests[@]}"
for r in "${requests[@]}"; do
    { cat "$r"; printf '\n'; cat serial/tests/data/model.assert; } | add_text serial_request
done
add serial_request serial/tests/data/model.assert

# OpenPGP: the v1 text of every signature and account-key body, the raw packets it
# decodes to, and the golden cases' packets.
for a in "${asserts[@]}"; do
    python3 - "$a" "$SEEDS/openpgp_packets" <<'PY'
import base64, hashlib, os, sys
text = open(sys.argv[1], "rb").read()
out = sys.argv[2]
def put(b):
    if b and len(b) <= 65536:
        open(os.path.join(out, hashlib.sha1(b).hexdigest()), "wb").write(b)
parts = text.split(b"\n\n")
for chunk in parts[1:]:
    put(chunk.strip())
    try:
        raw = base64.b64decode(b"".join(chunk.split()), validate=False)
        put(raw)
        put(raw[1:])   # without the v1 format byte: a bare packet
    except Exception:
        pass
PY
done
python3 - "$SEEDS/openpgp_packets" <<'PY'
import base64, binascii, hashlib, json, os, sys
out = sys.argv[1]
def put(b):
    if b and len(b) <= 65536:
        open(os.path.join(out, hashlib.sha1(b).hexdigest()), "wb").write(b)
for name in ("crafted.jsonl", "real-keys.jsonl", "real-signatures.jsonl"):
    for line in open(os.path.join("assertions/tests/data/openpgp", name)):
        case = json.loads(line)
        for k, v in case.items():
            if not isinstance(v, str) or len(v) < 8:
                continue
            put(v.encode())
            for dec in (binascii.unhexlify, lambda s: base64.b64decode("".join(s.split()))):
                try:
                    put(dec(v))
                except Exception:
                    pass
PY

# Key files: the test-only PEM keys, their public halves' account-key bodies, and snapd's
# private-key files for them (written by the keys example into a throwaway keystore).
add signing_key_files "${pems[@]}"
ks=$(mktemp -d)
trap 'rm -rf "$ks"' EXIT
i=0
for p in "${pems[@]}"; do
    i=$((i + 1))
    cargo run -q --example keys -- --keystore "$ks" import "k$i" "$p" >/dev/null 2>&1 || true
done
add signing_key_files "$ks"/private-keys-v1/*
for a in "${asserts[@]}"; do
    if grep -q '^type: account-key$' "$a"; then
        python3 -c 'import sys; t=open(sys.argv[1],"rb").read().split(b"\n\n"); sys.stdout.buffer.write(t[1] if len(t)>2 else b"")' "$a" |
            add_text signing_key_files
    fi
done

# gadget.yaml: the real corpus, the probes and snapd's own test data.
add gadget_yaml "${gadgets[@]}"

# snap.yaml: the real corpus, the generated single-fault cases, the benchmark files.
add snap_yaml "${snap_yamls[@]}"

# squashfs: every packed test snap (each compression, fragments, the oracle's sample).
add squashfs "${snaps[@]}"

# JSON bodies: model statements (JSON and YAML), the vault admin API's bodies.
mapfile -t statements < <(find tests/data/assertions/selfmade model/tests/data tests/data/assertions/generated/valid \
    serial/tests/data serial-vault/tests/data -type f -name '*.json' | sort)
add json_bodies "${statements[@]}"
python3 - "$SEEDS/json_bodies" <<'PY'
import hashlib, json, os, sys
out = sys.argv[1]
def put(s):
    b = s.encode()
    open(os.path.join(out, hashlib.sha1(b).hexdigest()), "wb").write(b)
cases = json.load(open("model/tests/data/statement-cases.json"))
for c in cases if isinstance(cases, list) else cases.values():
    st = c.get("statement", c) if isinstance(c, dict) else c
    put(json.dumps(st))
pem = open("test-support/keys/test-only-acme.pem").read()
put(json.dumps({"authority_id": "acme", "name": "k", "pem": pem}))
put(json.dumps({"authority_id": "acme", "name": "k", "bits": 4096}))
put(json.dumps({"brand_id": "acme", "model": "m", "key_id": "x" * 64, "api_key": "k"}))
put(json.dumps({"key_id": "x" * 64}))
put("series: 16\nbrand-id: acme\nmodel: m\narchitecture: amd64\ngadget: pc\nkernel: pc-kernel\n"
    "timestamp: 2017-01-01T00:00:00Z\nauthority-id: acme\n")
PY

# The store's inputs: what snapd's store client sent and snapd's fakestore answered
# (store/tests/data/snapd-requests/), the goldens of snapd's clients against it, the refresh
# preview's device states (store-client/tests/data/preview/), and the header values, channel names, download file names and ranges found there.
mapfile -t store_data < <(find store/tests/data/snapd-requests store/tests/data/golden store-client/tests/data/preview -type f | sort)
add store_requests "${store_data[@]}"
python3 - "$SEEDS/store_requests" store/tests/data/snapd-requests store/tests/data/golden <<'PY'
import glob, hashlib, os, re, sys
out = sys.argv[1]
def put(s):
    b = s.encode()
    open(os.path.join(out, hashlib.sha1(b).hexdigest()), "wb").write(b)
seen = set()
for d in sys.argv[2:]:
    for f in sorted(glob.glob(d + "/*")):
        text = open(f, encoding="utf-8", errors="replace").read()
        for m in re.finditer(r'"(?:channel|tracking-channel|effective-channel)":\s*"([^"]+)"', text):
            seen.add(m.group(1))
        for m in re.finditer(r'/download/([^"\s]+\.snap)', text):
            seen.add(m.group(1))
        for m in re.finditer(r'(?m)^([A-Za-z-]+): (.+)$', text):
            seen.add(m.group(2))
for s in sorted(seen):
    put(s)
for s in ['Macaroon root="a.b"', 'Macaroon root="r", discharge="d"',
          "Macaroon refresh_device_session=1", "bytes=0-", "bytes=10-20", "bytes=-5",
          "latest/stable", "2.0/beta/fix-1", "latest", "2", "[store]\nid = \"x\"\n"]:
    put(s)
PY

# Seed metadata: every seed.yaml and options.yaml snapd's prepare-image wrote for the image
# goldens, and the texts the broken-seed goldens wrote in their place.
mapfile -t seed_meta < <(find image/tests/data/golden/prepare-image -type f \( -name seed.yaml -o -name options.yaml \) | sort)
add seed_yaml "${seed_meta[@]}"
python3 - "$SEEDS/seed_yaml" image/tests/data/golden/seed-check <<'PY'
import glob, hashlib, json, os, sys
out = sys.argv[1]
def put(s):
    b = s.encode()
    if b:
        open(os.path.join(out, hashlib.sha1(b).hexdigest()), "wb").write(b)
for f in sorted(glob.glob(sys.argv[2] + "/*.json")):
    for op in json.load(open(f))["ops"]:
        if op["op"] == "write" and op["path"].endswith(".yaml"):
            put(op["text"])
PY

# Validation sets: the oracle's test sets (signed by snapd's code), alone and combined, with
# the oracle's installed lists after the `--installed--` line.
vs=assertions/tests/data/validation-set
for combo in "base" "base extra" "base clash" "base extra clash" "extra clash"; do
    for list in "" installed-ok installed-wrong; do
        {
            first=1
            for n in $combo; do
                [ $first = 1 ] || echo
                first=0
                cat "$vs-$n.assert"
            done
            if [ -n "$list" ]; then
                printf -- '--installed--\n'
                cat "assertions/tests/data/validation-set-$list.json"
            fi
        } | add_text validation_sets
    done
done
# Validation-set statements: the oracle-shaped statements (JSON), the same in YAML with
# numbers, and snapd's decoding vectors (spec §9.1) one fault each.
mapfile -t vs_statements < <(find model/tests/data/validation-sets -type f -name '*.json' ! -name 'installed-*' | sort)
add validation_set_statement "${vs_statements[@]}"
python3 - "$SEEDS/validation_set_statement" <<'PY'
import copy, hashlib, json, os, sys
out = sys.argv[1]
def put(s):
    b = s.encode()
    if b:
        open(os.path.join(out, hashlib.sha1(b).hexdigest()), "wb").write(b)
base = {"account-id": "brand-id1", "name": "baz-3000-good", "sequence": "2",
        "snaps": [{"name": "baz-linux", "id": "bazlinuxidididididididididididid",
                   "presence": "optional", "revision": "99"}]}
put(json.dumps(base))
faults = [("series", ""), ("account-id", "random"), ("name", "baz/3000/good"),
          ("name", "baz+3000+good"), ("timestamp", "12:30"), ("sequence", "one"),
          ("sequence", "0"), ("sequence", "010"), ("snaps", "snap"), ("revision", "-1"),
          ("authority-id", "other"), ("snapz", "typo")]
for k, v in faults:
    d = copy.deepcopy(base); d[k] = v; put(json.dumps(d))
for k, v in [("name", "linux_2"), ("id", "2"), ("presence", "no"), ("presence", ["a"]),
             ("revision", "0"), ("revision", "03"), ("presence", "invalid")]:
    d = copy.deepcopy(base); d["snaps"][0][k] = v; put(json.dumps(d))
d = copy.deepcopy(base); d["snaps"].append(dict(base["snaps"][0])); put(json.dumps(d))
d = copy.deepcopy(base); e = dict(base["snaps"][0]); e["name"] = "baz-linux2"; d["snaps"].append(e); put(json.dumps(d))
put("account-id: acme\nname: base\nsequence: 3\nrevision: 1\nsnaps:\n"
    "  - name: hello\n    id: helloidaaaaaaaaaaaaaaaaaaaaaaaaa\n    revision: 5\n"
    "  - name: world\n    id: worldidbbbbbbbbbbbbbbbbbbbbbbbbb\n    presence: optional\n"
    "  - name: badsnap\n    id: badsnapidccccccccccccccccccccccc\n    presence: invalid\n")
put("account-id: &a acme\nauthority-id: *a\nname: base\nsnaps:\n"
    "  - &s {name: hello, id: helloidaaaaaaaaaaaaaaaaaaaaaaaaa}\n  - *s\n")
put("account-id: acme\nname: base\nsnaps:\n  - name: hello\n    id: helloidaaaaaaaaaaaaaaaaaaaaaaaaa\n"
    "    revision: 5\n    components:\n      comp: {presence: required, revision: 2}\n")
PY

# Sync bundles: the golden bundles a factory vault exported (serial-vault/tests/sync.rs
# regenerates them), and each cut short after its magic line and body.
mapfile -t sync_bundles < <(find serial-vault/tests/data/sync -type f -name '*.bundle' | sort)
add vault_sync_bundle "${sync_bundles[@]}"
for b in "${sync_bundles[@]}"; do
    head -n 2 "$b" | add_text vault_sync_bundle
done

# The findings of earlier runs (fuzz/README.md).
for t in $targets; do
    [ -d "$SEEDS/regressions/$t" ] && add "$t" "$SEEDS/regressions/$t"/*
done

for t in $targets; do
    printf '%-18s %5d seeds\n' "$t" "$(find "$SEEDS/$t" -type f | wc -l)"
done
