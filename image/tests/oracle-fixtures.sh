#!/usr/bin/env bash
# Regenerate the fixtures of ucore-image's tests (image/tests/data/fixtures/): the store
# fixtures (store/tests/data/fixtures/, copied verbatim) plus what the image examples of
# spec snap-image.md §9 add, made with snapd's own tools:
#
#     bash image/tests/oracle-fixtures.sh [OUT]      # OUT defaults to image/tests/data/fixtures
#
# Needs /tmp/snapd-oracle, /tmp/snapd-snap, /tmp/snapd-fakestore (shared/oracle/build.sh;
# override with SNAPD_ORACLE, SNAPD_SNAP, SNAPD_FAKESTORE). About 2 s.
#
# `snap pack` (mksquashfs) stamps times into every snap and OpenPGP signatures carry their
# creation time, so each run gives new bytes for the snaps and assertions made here: the
# fixtures are committed; rerun image/tests/oracle-golden.sh after this.
#
# OUT gets (everything test-only; the keys are snapd's public TEST keys from its source):
#   tk/, snaps/, fs-asserts/, snaps.tsv, uc16.model, uc20.model, uc16-store.model,
#   uc20-store.model, store-id     copied from store/tests/data/fixtures/
#   snaps/core18_1.0_all.snap      base core18 (snap-id core18x…, revision 7, testrootorg)
#   snaps/pc18_1.0_all.snap        gadget pc18, base core18, grub, mbr + vfat ESP (developer1, rev 7)
#   snaps/hello-extra_1.0_all.snap app with base core20 (testrootorg, revision 7)
#   fs-asserts/                    + their snap-declaration and snap-revision (fakestore's
#                                  new-snap-declaration / new-snap-revision: test store key)
#   snaps.tsv                      + their lines (name, snap-id, publisher, file)
#   local/local-tool_1.0_all.snap  unasserted local snap: devmode, base core20, version 1.0
#   local/local16_2.0_all.snap     unasserted local snap: no base, version 2.0
#   uc18.model                     pc-oracle-18: base core18, gadget pc18, kernel pc-kernel=18,
#                                  required-snaps hello-oracle (signed by developer1)
#   uc20-dangerous.model           pc-oracle-20-dangerous: uc20.model's snaps, grade dangerous
#   uc20.json, uc20-dangerous.json, uc18.json   the headers the models were signed from
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here/data/fixtures}"
store_fx="$here/../../store/tests/data/fixtures"
O=${SNAPD_ORACLE:-/tmp/snapd-oracle}
SNAP=${SNAPD_SNAP:-/tmp/snapd-snap}
FS=${SNAPD_FAKESTORE:-/tmp/snapd-fakestore}
for b in "$O" "$SNAP" "$FS"; do [ -x "$b" ] || { echo "missing $b: run shared/oracle/build.sh" >&2; exit 2; }; done
[ -f "$store_fx/snaps.tsv" ] || { echo "no store fixtures in $store_fx" >&2; exit 2; }
export LC_ALL=C TZ=UTC

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

rm -rf "$out"
mkdir -p "$out"
cp -r "$store_fx/tk" "$store_fx/snaps" "$store_fx/fs-asserts" "$out/"
cp "$store_fx"/snaps.tsv "$store_fx"/uc16.model "$store_fx"/uc20.model \
	"$store_fx"/uc16-store.model "$store_fx"/uc20-store.model "$store_fx"/store-id "$out/"

# mk NAME TYPE VERSION [EXTRA snap.yaml LINES]  (the shape of fakestore-setup.sh's snaps)
mk() {
	mkdir -p "$work/src/$1/meta"
	printf 'name: %s\nversion: %s\nsummary: snapd-oracle test snap\ndescription: test\ntype: %s\n%b' \
		"$1" "$3" "$2" "${4:-}" > "$work/src/$1/meta/snap.yaml"
}
mk core18 base 1.0
mk pc18 gadget 1.0 'base: core18\n'
mk hello-extra app 1.0 'base: core20\n'
mk local-tool app 1.0 'base: core20\nconfinement: devmode\n'
mk local16 app 2.0
touch "$work/src/pc18/grub.conf"
cat > "$work/src/pc18/meta/gadget.yaml" <<'EOF'
volumes:
  pc:
    bootloader: grub
    structure:
      - name: mbr
        type: mbr
        size: 440
      - name: EFI System
        type: EF,C12A7328-F81F-11D2-BA4B-00A0C93EC93B
        filesystem: vfat
        filesystem-label: system-boot
        size: 50M
EOF

snapid() { local n=${1//-/}x; while [ ${#n} -lt 32 ]; do n="${n}oracle"; done; echo "${n:0:32}"; }

mkdir -p "$work/fs/asserts" "$out/local"
for n in core18 pc18 hello-extra; do
	f=$("$SNAP" pack "$work/src/$n" "$out/snaps")
	f=${f#built: }
	id=$(snapid "$n") pub=testrootorg
	[ "$n" = pc18 ] && pub=developer1
	"$FS" new-snap-declaration --dir "$work/fs" \
		--snap-decl-json <(echo "{\"snap-id\":\"$id\",\"publisher-id\":\"$pub\"}") "$f" > /dev/null
	"$FS" new-snap-revision --dir "$work/fs" \
		--snap-rev-json <(echo "{\"snap-id\":\"$id\",\"developer-id\":\"$pub\",\"snap-revision\":\"7\"}") "$f" > /dev/null
	printf '%s\t%s\t%s\t%s\n' "$n" "$id" "$pub" "$(basename "$f")" >> "$out/snaps.tsv"
done
cp "$work"/fs/asserts/* "$out/fs-asserts/"
for n in local-tool local16; do
	"$SNAP" pack "$work/src/$n" "$out/local" > /dev/null
done

# models, signed by developer1
cat > "$out/uc18.json" <<'EOF'
{"authority-id":"developer1","brand-id":"developer1","series":"16","model":"pc-oracle-18","architecture":"amd64","base":"core18","gadget":"pc18","kernel":"pc-kernel=18","required-snaps":["hello-oracle"],"timestamp":"2018-01-01T00:00:00Z"}
EOF
uc20() {
	cat <<EOF
{"authority-id":"developer1","brand-id":"developer1","series":"16","model":"$1","architecture":"amd64",
 "base":"core20","grade":"$2","timestamp":"2020-01-01T00:00:00Z",
 "snaps":[{"name":"pc20","id":"$(snapid pc20)","type":"gadget","default-channel":"20/stable"},
          {"name":"pc-kernel","id":"$(snapid pc-kernel)","type":"kernel","default-channel":"20/stable"},
          {"name":"core20","id":"DLqre5XGLbDqg9jPtiAhRRjDuPVa5X1q","type":"base"},
          {"name":"snapd","id":"PMrrV4ml8uWuEUDBT8dSGnKUYbevVhc4","type":"snapd"},
          {"name":"hello20","id":"$(snapid hello20)","type":"app","modes":["run","ephemeral"]}]}
EOF
}
uc20 pc-oracle-20 signed > "$out/uc20.json"
uc20 pc-oracle-20-dangerous dangerous > "$out/uc20-dangerous.json"
"$O" sign model "$out/tk/developer1.pem" "$out/uc18.json" > "$out/uc18.model"
"$O" sign model "$out/tk/developer1.pem" "$out/uc20-dangerous.json" > "$out/uc20-dangerous.model"

# Every model must check against developer1's key under the test root.
{ cat "$out/tk/developer1-account.assert"; echo; cat "$out/tk/developer1-account-key.assert"; echo
  for f in uc16.model uc18.model uc20.model uc20-dangerous.model; do cat "$out/$f"; echo; done
} > "$work/chain"
"$O" verify "$out/tk/testrootorg-trusted.stream" "$work/chain" > "$work/verify.jsonl"
if grep -q '"error"' "$work/verify.jsonl"; then
	cat "$work/verify.jsonl" >&2
	exit 1
fi
echo "$out"
