#!/usr/bin/env bash
# Regenerate the fixtures of ucore-store's oracle tests (store/tests/data/fixtures/): the same
# test snaps, keys and models that snapd's fakestore is tested with, plus what a device of a
# ucore store needs (models that name the store, a device key, serials).
#
#     bash store/tests/oracle-fixtures.sh [OUT]      # OUT defaults to store/tests/data/fixtures
#
# Needs the oracle tools (/work/shared/oracle/build.sh: /tmp/snapd-oracle, /tmp/snapd-snap,
# /tmp/snapd-fakestore, /tmp/snapd-fakedevicesvc; override with SNAPD_ORACLE, SNAPD_SNAP,
# SNAPD_FAKESTORE, SNAPD_FAKEDEVICESVC) and ../shared/oracle/fakestore-setup.sh (override with
# FAKESTORE_SETUP). About 10 s.
#
# `snap pack` (mksquashfs) stamps times into every snap and OpenPGP signatures carry their
# creation time, so each run gives new bytes: the fixtures are committed, and
# oracle-golden.sh records the goldens from the committed files (rerun it after this).
#
# OUT gets (everything test-only; the keys are snapd's public TEST keys from its source):
#   snaps/NAME_1.0_all.snap   the test snaps packed by snapd's `snap pack`
#   snaps.tsv                 name, snap-id, publisher, file name (one line each)
#   fs-asserts/               the fakestore's DIR/asserts: snap-declaration and snap-revision of
#                             every snap (signed by snapd's test store key, authority testrootorg),
#                             developer1's account and account-key
#   tk/                       `snapd-oracle testkeys` (testrootorg.pem, teststore.pem,
#                             developer1.pem, testrootorg-trusted.stream, account(-key)s)
#   uc16.model, uc20.model    fakestore-setup.sh's models (no store), signed by developer1
#   uc16-store.model, uc20-store.model
#                             the same models with `store: STORE_ID` (ucore-store serves only
#                             models of its store; prepare-image sends the model's store id)
#   store-id                  STORE_ID (default ucore-oracle-store)
#   test-only-device.pem      a device key (RSA 4096, PKCS#1), test-only
#   serial16.assert, serial20.assert
#                             serials 7777 for test-only-device.pem and the models pc-oracle-16 /
#                             pc-oracle-20 of brand developer1, obtained by snapd's own
#                             registration client (`snapd-oracle register`) from snapd's
#                             fakedevicesvc, which signs them with developer1's key
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here/data/fixtures}"
O=${SNAPD_ORACLE:-/tmp/snapd-oracle}
SVC=${SNAPD_FAKEDEVICESVC:-/tmp/snapd-fakedevicesvc}
SETUP=${FAKESTORE_SETUP:-$here/../../../shared/oracle/fakestore-setup.sh}
[ -f "$SETUP" ] || SETUP=/work/shared/oracle/fakestore-setup.sh
STORE_ID=${STORE_ID:-ucore-oracle-store}
for b in "$O" "$SVC"; do [ -x "$b" ] || { echo "missing $b: run shared/oracle/build.sh" >&2; exit 2; }; done
export LC_ALL=C TZ=UTC

work="$(mktemp -d)"
svc_pid=""
cleanup() {
	[ -n "$svc_pid" ] && kill "$svc_pid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

bash "$SETUP" "$work/fx" > /dev/null
fx="$work/fx"

rm -rf "$out"
mkdir -p "$out/snaps" "$out/fs-asserts" "$out/tk"
cp "$fx"/fs/*.snap "$out/snaps/"
cp "$fx"/fs/asserts/* "$out/fs-asserts/"
cp "$fx"/tk/* "$out/tk/"
cp "$fx/uc16.model" "$fx/uc20.model" "$out/"
# snaps.tsv without the temporary directory
while IFS=$'\t' read -r name id pub file; do
	printf '%s\t%s\t%s\t%s\n' "$name" "$id" "$pub" "$(basename "$file")"
done < "$fx/snaps.tsv" > "$out/snaps.tsv"
printf '%s\n' "$STORE_ID" > "$out/store-id"

# The models again, naming the store. Same model names: a serial serves both.
"$O" sign model "$fx/tk/developer1.pem" '{"authority-id":"developer1","brand-id":"developer1","series":"16","model":"pc-oracle-16","architecture":"amd64","gadget":"pc","kernel":"pc-kernel","store":"'"$STORE_ID"'","required-snaps":["hello-oracle"],"timestamp":"2018-01-01T00:00:00Z"}' > "$out/uc16-store.model"
python3 - "$fx/uc20.json" "$STORE_ID" > "$work/uc20-store.json" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))
m["store"] = sys.argv[2]
print(json.dumps(m))
EOF
"$O" sign model "$fx/tk/developer1.pem" "$work/uc20-store.json" > "$out/uc20-store.model"

# A device key and its serials, through snapd's registration client and fakedevicesvc.
"$O" genkey 4096 > "$out/test-only-device.pem" 2> /dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$SVC" "127.0.0.1:$port" > "$work/svc.log" 2>&1 &
svc_pid=$!
for _ in $(seq 50); do
	(exec 3<>"/dev/tcp/127.0.0.1/$port") 2> /dev/null && break
	sleep 0.1
done
for v in 16 20; do
	"$O" register --model "$out/uc$v-store.model" --url "http://127.0.0.1:$port/" \
		--device-key "$out/test-only-device.pem" > "$work/reg$v.json"
	python3 - "$work/reg$v.json" > "$out/serial$v.assert" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
if not r.get("ok"):
    sys.exit("register failed: %s" % r.get("error"))
sys.stdout.write(r["serial"])
EOF
done
# Every model and serial must check against developer1's key under the test root.
{ cat "$out/tk/developer1-account.assert"; echo; cat "$out/tk/developer1-account-key.assert"; echo
  for f in uc16-store.model uc20-store.model serial16.assert serial20.assert; do cat "$out/$f"; echo; done
} > "$work/chain"
"$O" verify "$out/tk/testrootorg-trusted.stream" "$work/chain" > "$work/verify.jsonl"
if grep -q '"error"' "$work/verify.jsonl"; then
	cat "$work/verify.jsonl" >&2
	exit 1
fi
echo "$out"
