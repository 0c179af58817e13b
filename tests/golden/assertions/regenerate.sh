#!/usr/bin/env bash
# Regenerates the assertion test data and the oracle golden files of ucore.
#
#   tests/golden/assertions/regenerate.sh
#
# The oracle is snapd 2.57's own `asserts` package behind a small CLI (see
# /work/shared/oracle/README.md). Its path comes from $UCORE_ORACLE, or
# /work/shared/oracle/build.sh builds it and prints it. $UCORE_SHARED (default
# /work/shared) is where the corpus and the trust roots are copied from.
#
# Deterministic and idempotent: every signature uses --sig-time=$SIG_TIME, every
# verification --now=$NOW; a second run gives no git diff. Committed inputs that
# the script reads but never rewrites:
#   test-support/keys/test-only-*.pem        (made by `genkey 2048` only if missing)
#   tests/data/assertions/generated/valid/*.json|body (header inputs of the signed valid set)
# Everything else below tests/data/assertions/{trust,selfmade,generated} and
# tests/golden/assertions/ (except README.md, DIFFERENCES.md and this script) is output.
# Needs: bash, awk, sed, jq, and the oracle.
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
SHARED=${UCORE_SHARED:-/work/shared}
O=${UCORE_ORACLE:-$("$SHARED/oracle/build.sh")}
[ -x "$O" ] || { echo "oracle not executable: $O" >&2; exit 2; }
SIG_TIME=1480593600          # 2016-12-01T12:00:00Z, signature creation time of every signed case
NOW=2017-01-01T00:00:00Z     # clock of the database checkers in the verify goldens (self-made chain)
CANONICAL_NOW=2024-01-01T00:00:00Z # the same for the Canonical chain (generic models key valid from 2017-07-27)
PLACEHOLDER_SIG=AXNpZw==     # 0x01 "sig": decodes, never verifies

cd "$ROOT"
DATA=tests/data/assertions
GOLD=tests/golden/assertions
GEN=$DATA/generated
SELF=$DATA/selfmade
KEYS=test-support/keys

# --- helpers ----------------------------------------------------------------

# decode_golden IN OUT: the oracle's `decode` output (exit 1 = an {"error":...} line, kept)
decode_golden() {
	local rc=0
	mkdir -p "$(dirname "$2")"
	"$O" decode "$1" >"$2" || rc=$?
	[ "$rc" -le 1 ] || { echo "oracle decode failed on $1" >&2; exit 2; }
}

# verify_golden OUT TRUSTED FILE [extra oracle options]
verify_golden() {
	local out=$1 trusted=$2 file=$3 rc=0
	shift 3
	mkdir -p "$(dirname "$out")"
	"$O" "$@" verify "$trusted" "$file" >"$out" || rc=$?
	[ "$rc" -le 1 ] || { echo "oracle verify failed on $file" >&2; exit 2; }
}

# --- 0. clean the outputs (inputs are kept) ---------------------------------

rm -rf "$DATA/trust" "$SELF" "$GEN/invalid" "$GEN/streams" \
	"$GOLD/trust" "$GOLD/selfmade" "$GOLD/canonical-models" "$GOLD/generated" \
	"$GOLD/streams" "$GOLD/verify" "$GOLD/keyids.json" "$GOLD/canonical-models-rejected-by-2.57.txt"
rm -f "$GEN"/valid/*.assert
mkdir -p "$DATA/trust" "$SELF" "$KEYS" "$GEN/valid" "$GEN/invalid" "$GEN/streams" \
	"$GOLD/generated/valid" "$GOLD/generated/invalid" "$GOLD/streams" "$GOLD/verify"

# --- 1. trust roots, selfmade chain, canonical models ------------------------

cp "$SHARED"/oracle/testdata/*.assert "$DATA/trust/"
cp "$SHARED"/oracle/testdata/selfmade/* "$SELF/"
chmod -R u+w "$DATA/trust" "$SELF"
cat >"$SELF/README.md" <<'EOF'
# Self-made test chain — TEST-ONLY KEYS

Copied by `tests/golden/assertions/regenerate.sh` from `/work/shared/oracle/testdata/selfmade/`.

`root.pem` (RSA-4096, account `testroot`) and `acme.pem` (RSA-2048, account `acme`) are
**test-only private keys, published on purpose and NOT secret**. Never trust them
anywhere outside tests.

* `trusted.stream`: testroot account + account-key (the trust root of the chain).
* `acme-prereqs.stream`: acme account + account-key `models`, signed by testroot.
* `model.json` / `model.assert`: an acme model signed at 2016-12-01T12:00:00Z (`--sig-time=1480593600`).
* `model-signed-by-snap-cli.assert` + `snap-cli-account-key.assert`: signed by Debian's `snap sign` (gpg).
EOF

for f in "$DATA"/trust/*.assert; do
	decode_golden "$f" "$GOLD/trust/$(basename "$f").decode.jsonl"
done
for f in "$SELF"/*.assert "$SELF"/*.stream; do
	decode_golden "$f" "$GOLD/selfmade/$(basename "$f").decode.jsonl"
done
for f in "$SHARED"/corpus/assertions/canonical-models/*.model; do
	decode_golden "$f" "$GOLD/canonical-models/$(basename "$f").decode.jsonl"
done

# --- 3. keys and key ids -----------------------------------------------------

for k in device requester spare; do
	[ -s "$KEYS/test-only-$k.pem" ] || "$O" genkey 2048 >"$KEYS/test-only-$k.pem" 2>/dev/null
done
{
	first=1
	printf '[\n'
	for k in "$SELF/root.pem" "$SELF/acme.pem" "$KEYS"/test-only-device.pem "$KEYS"/test-only-requester.pem "$KEYS"/test-only-spare.pem; do
		[ $first = 1 ] || printf ',\n'
		first=0
		jq -cn --arg key "$k" --arg keyid "$("$O" keyid "$k")" --arg ak "$("$O" account-key "$k")" \
			'{key: $key, keyid: $keyid, "account-key": $ak}' | tr -d '\n'
	done
	printf '\n]\n'
} >"$GOLD/keyids.json"

ACME_ID=$("$O" keyid "$SELF/acme.pem")
DEVICE_ID=$("$O" keyid "$KEYS/test-only-device.pem")
SPARE_ID=$("$O" keyid "$KEYS/test-only-spare.pem")
DEVICE_PUB=$("$O" account-key "$KEYS/test-only-device.pem")
SPARE_PUB=$("$O" account-key "$KEYS/test-only-spare.pem")
REQUESTER_PUB=$("$O" account-key "$KEYS/test-only-requester.pem")

# --- 2a. valid set, signed by the oracle -------------------------------------
# Key choice: authority-id testroot -> selfmade/root.pem, acme -> selfmade/acme.pem;
# no authority: account-key-request -> the key in its body (test-only-requester.pem),
# serial-request / device-session-request -> the device key (test-only-device.pem).

sign_cases=$GOLD/generated/sign-cases.jsonl
: >"$sign_cases"
for j in "$GEN"/valid/*.json; do
	name=$(basename "$j" .json)
	type=$(jq -r .type "$j")
	case "$(jq -r '."authority-id" // ""' "$j")" in
	testroot) key=$SELF/root.pem ;;
	acme) key=$SELF/acme.pem ;;
	"") case $type in
		account-key-request) key=$KEYS/test-only-requester.pem ;;
		*) key=$KEYS/test-only-device.pem ;;
		esac ;;
	*) echo "$j: no key for this authority" >&2; exit 2 ;;
	esac
	case $name in # cases named after their signer
	*-by-spare-key) key=$KEYS/test-only-spare.pem ;;
	*-by-wrong-key) key=$SELF/root.pem ;;
	esac
	body=()
	[ -f "$GEN/valid/$name.body" ] && body=("$GEN/valid/$name.body")
	out=$GEN/valid/$name.assert
	if ! "$O" --sig-time="$SIG_TIME" sign "$type" "$key" "$j" "${body[@]}" >"$out"; then
		echo "signing $j failed: $(cat "$out")" >&2
		exit 2
	fi
	decode_golden "$out" "$GOLD/generated/valid/$name.decode.jsonl"
	jq -cn --arg type "$type" --arg key "$key" --arg headers_file "$j" \
		--arg body_file "${body[0]-}" --argjson sig_time "$SIG_TIME" --arg output "$out" \
		'{type: $type, key: $key, headers_file: $headers_file,
		  body_file: (if $body_file == "" then null else $body_file end),
		  sig_time: $sig_time, output: $output}' >>"$sign_cases"
done

# --- 2b. hand-made assertions (placeholder signature) ------------------------
# The signature is $PLACEHOLDER_SIG and sign-key-sha3-384 is acme's key id unless
# a case says otherwise: these exercise Decode only.

# edit OP...: filter assertion header text (stdin -> stdout).
#   -NAME        drop top-level header NAME and its indented continuation lines
#   NAME=TEXT    replace NAME (or append it) with "NAME: TEXT"; a TEXT starting with
#                a newline is written verbatim after "NAME:" (multi-line, list, map)
edit() {
	EDIT_OPS=$(printf '%s\037' "$@") awk '
	BEGIN {
		n = split(ENVIRON["EDIT_OPS"], op, "\037")
		for (i = 1; i < n; i++) {
			o = op[i]
			if (substr(o, 1, 1) == "-") { del[substr(o, 2)] = 1; continue }
			k = substr(o, 1, index(o, "=") - 1)
			rep[k] = substr(o, index(o, "=") + 1); order[++m] = k
		}
	}
	function put(k) { print k ":" (substr(rep[k], 1, 1) == "\n" ? "" : " ") rep[k]; done[k] = 1 }
	/^ / { if (!skip) print; next }
	{
		skip = 0; name = $0; sub(/:.*/, "", name)
		if (name in del) { skip = 1; next }
		if (name in rep) { put(name); skip = 1; next }
		print
	}
	END { for (j = 1; j <= m; j++) if (!(order[j] in done)) put(order[j]) }'
}

# mk DIR NAME [BODY]: stdin = header lines; adds body-length (if BODY), the
# sign-key-sha3-384 line (unless present), the body and the placeholder signature.
mk() {
	local dir=$1 name=$2 headers
	headers=$(cat)
	{
		printf '%s' "$headers"
		[ $# -lt 3 ] || printf '\nbody-length: %d' "${#3}"
		grep -q '^sign-key-sha3-384:' <<<"$headers" || printf '\nsign-key-sha3-384: %s' "$ACME_ID"
		[ $# -lt 3 ] || printf '\n\n%s' "$3"
		printf '\n\n%s\n' "$PLACEHOLDER_SIG"
	} >"$GEN/$dir/$name.assert"
}
inv() { mk invalid "$@"; }
handmade() { mk valid "$@"; }
# raw DIR NAME: stdin written byte for byte (use printf for control over every byte)
raw() { cat >"$GEN/$1/$2.assert"; }

# --- templates (header text, no sign-key line) -------------------------------
ml() { printf '\n'; sed 's/^/    /' <<<"$1"; }   # multi-line header value
ML_DEVICE=$(ml "$DEVICE_PUB")
ML_DEVICE=$'\n'${ML_DEVICE#$'\n'}
TS=2016-12-01T12:00:00Z
SNAP_SHA=$(jq -r '."snap-sha3-384"' "$GEN/valid/snap-revision-basic.json")
SNAPID=acmesnapidacmesnapidacmesnapid01
SNAPID2=acmesnapidacmesnapidacmesnapid02

ACCOUNT="type: account
authority-id: testroot
account-id: acme
display-name: ACME
timestamp: 2016-01-01T00:00:00Z
validation: verified"
ACCOUNT_KEY="type: account-key
authority-id: testroot
public-key-sha3-384: $SPARE_ID
account-id: acme
name: spare
since: 2016-01-01T00:00:00Z"
AKR="type: account-key-request
public-key-sha3-384: $SPARE_ID
account-id: acme
name: spare
since: 2016-01-01T00:00:00Z"
MODEL16="type: model
authority-id: acme
series: 16
brand-id: acme
model: acme-device-1
architecture: armhf
gadget: device-1
kernel: device-1-kernel
timestamp: $TS"
MODEL_CLASSIC="type: model
authority-id: acme
series: 16
brand-id: acme
model: acme-classic
classic: true
timestamp: $TS"
SNAPS20="
  -
    default-channel: 20/stable
    id: UqFziVZDHLSyO3TqSWgNBoAdHbLI4dAH
    name: pc
    type: gadget
  -
    default-channel: 20/stable
    id: pYVQrBcKmBa0mZ4CCN7ExT6jH8rY1hza
    name: pc-kernel
    type: kernel"
MODEL20="type: model
authority-id: acme
series: 16
brand-id: acme
model: acme-uc20
architecture: amd64
base: core20
grade: signed
snaps:$SNAPS20
timestamp: $TS"
# model20 with one extra snaps entry (args: entry lines, each indented by 4)
model20_plus() { edit "snaps=$SNAPS20
  -
$1" <<<"$MODEL20"; }
SERIAL="type: serial
authority-id: acme
brand-id: acme
model: acme-core16
serial: A1B2C3-0001
device-key:$ML_DEVICE
device-key-sha3-384: $DEVICE_ID
timestamp: $TS"
SERIAL_REQUEST="type: serial-request
brand-id: acme
model: acme-core16
request-id: REQ-1
device-key:$ML_DEVICE
sign-key-sha3-384: $DEVICE_ID"
DSR="type: device-session-request
brand-id: acme
model: acme-core16
serial: A1B2C3-0001
nonce: NONCE-abc
timestamp: $TS
sign-key-sha3-384: $DEVICE_ID"
REPAIR="type: repair
authority-id: acme
brand-id: acme
repair-id: 1
summary: fix the thing
timestamp: $TS"
BASE_DECL="type: base-declaration
authority-id: testroot
series: 16
timestamp: $TS"
SNAP_DECL="type: snap-declaration
authority-id: testroot
series: 16
snap-id: $SNAPID
publisher-id: acme
snap-name: acme-app
timestamp: $TS"
SNAP_BUILD="type: snap-build
authority-id: acme
snap-sha3-384: $SNAP_SHA
grade: stable
snap-id: $SNAPID
snap-size: 1024
timestamp: $TS"
SNAP_REV="type: snap-revision
authority-id: testroot
snap-sha3-384: $SNAP_SHA
developer-id: acme
snap-id: $SNAPID
snap-revision: 1
snap-size: 4096
timestamp: $TS"
SNAP_DEV="type: snap-developer
authority-id: acme
snap-id: $SNAPID
publisher-id: acme
developers:
  -
    developer-id: dev1
    since: 2017-01-01T00:00:00Z"
SYSUSER="type: system-user
authority-id: acme
brand-id: acme
email: admin@acme.example
models:
  - acme-core16
name: ACME Admin
since: 2016-12-01T00:00:00Z
until: 2017-06-01T00:00:00Z
username: admin"
VALIDATION="type: validation
authority-id: acme
series: 16
snap-id: $SNAPID
approved-snap-id: $SNAPID2
approved-snap-revision: 7
timestamp: $TS"
VSET="type: validation-set
authority-id: acme
series: 16
account-id: acme
name: my-set
sequence: 1
snaps:
  -
    id: $SNAPID
    name: acme-app
timestamp: $TS"
# validation-set with given snaps entries
vset_snaps() { edit "snaps=$1" <<<"$VSET"; }
STORE="type: store
authority-id: testroot
store: acme-store
operator-id: acme
timestamp: $TS"
PRESEED="type: preseed
authority-id: acme
series: 16
brand-id: acme
model: acme-uc20
system-label: 20161201
artifact-sha3-384: $SNAP_SHA
snaps:
  -
    id: UqFziVZDHLSyO3TqSWgNBoAdHbLI4dAH
    name: pc
    revision: 1
timestamp: $TS"
preseed_snaps() { edit "snaps=$1" <<<"$PRESEED"; }

# --- 2b-i. hand-made valid inputs --------------------------------------------
# Decode quirks that snapd (2.57 and today) accepts:
edit revision=+5 <<<"$ACCOUNT" | handmade account-quirk-revision-plus-sign
edit revision=-0 <<<"$ACCOUNT" | handmade account-quirk-revision-minus-zero
edit format=+0 revision=+05 <<<"$ACCOUNT" | handmade account-quirk-format-plus-zero
edit format=0 revision=0 <<<"$ACCOUNT" | handmade account-quirk-explicit-zeros
handmade account-quirk-noncanonical-order <<EOF
validation: verified
timestamp: 2016-01-01T00:00:00Z
display-name: ACME
account-id: acme
authority-id: testroot
type: account
EOF
edit format=3 <<<"$MODEL16" | handmade model-quirk-format-above-max
edit timestamp=2016-01-01T00:00:00,5-00:00 <<<"$ACCOUNT" | handmade account-quirk-timestamp-comma-fraction
edit "x-note=trailing space " "x-colon=a: b: c" "x-empty=" <<<"$ACCOUNT" | handmade account-quirk-string-values
edit "x-text=$(ml $'first\n\nthird\n')" <<<"$ACCOUNT" | handmade account-quirk-multiline-empty-lines
# features of snapd today that 2.57 cannot sign (format too high for 2.57):
handmade account-key-constraints-format1 "$SPARE_PUB" <<<"$(edit format=1 "constraints=
  -
    headers:
      model: acme-.*
      type: model
  -
    headers:
      type: serial" <<<"$ACCOUNT_KEY")"
handmade system-user-user-presence-format2 <<<"$(edit format=2 user-presence=until-expiration <<<"$SYSUSER")"
handmade snap-declaration-on-classic-distro-format7 <<<"$(edit format=7 "plugs=
  acme-iface:
    allow-installation:
      on-classic:
        - ubuntu
        - debian" <<<"$SNAP_DECL")"
handmade snap-declaration-publisher-id-format6 <<<"$(edit format=6 "slots=
  acme-iface:
    allow-auto-connection:
      plug-publisher-id:
        - \$SLOT_PUBLISHER_ID" <<<"$SNAP_DECL")"
handmade snap-declaration-revision-authority <<<"$(edit "revision-authority=
  -
    account-id: acme
    max-revision: 100
    min-revision: 10
    on-store:
      - acme-store
    provenance:
      - acme-prov" <<<"$SNAP_DECL")"
handmade model-uc20-components <<<"$(model20_plus "    components:
      comp-one: required
      comp-two:
        modes:
          - run
        presence: optional
    id: $SNAPID
    name: acme-app")"
handmade validation-set-components <<<"$(vset_snaps "
  -
    components:
      comp-one: optional
      comp-two:
        presence: required
        revision: 3
    id: $SNAPID
    name: acme-app
    revision: 5")"
handmade preseed-components <<<"$(preseed_snaps "
  -
    components:
      -
        name: comp-one
        revision: 2
    id: $SNAPID
    name: acme-app
    revision: 4")"
# types that 2.57 does not know (decoding fails there with `unknown assertion type`):
handmade snap-resource-revision-basic <<EOF
type: snap-resource-revision
authority-id: testroot
snap-id: $SNAPID
resource-name: acme-res
resource-sha3-384: $SNAP_SHA
developer-id: acme
resource-revision: 1
resource-size: 100
timestamp: $TS
EOF
handmade snap-resource-pair-basic <<EOF
type: snap-resource-pair
authority-id: testroot
snap-id: $SNAPID
resource-name: acme-res
resource-revision: 1
snap-revision: 2
provenance: acme-prov
developer-id: acme
timestamp: $TS
EOF
handmade confdb-schema-basic '{
  "storage": {
    "schema": {
      "wifi": "any"
    }
  }
}' <<EOF
type: confdb-schema
authority-id: acme
account-id: acme
name: network
summary: network settings
views:
  wifi-setup:
    rules:
      -
        request: ssid
        storage: wifi.ssid
timestamp: $TS
EOF
handmade confdb-control-basic <<EOF
type: confdb-control
brand-id: acme
model: acme-uc20
serial: A1B2C3-0001
groups:
  -
    authentications:
      - operator-key
    operators:
      - acme
    views:
      - acme/network/wifi-setup
sign-key-sha3-384: $DEVICE_ID
EOF
handmade cluster-basic <<EOF
type: cluster
authority-id: acme
cluster-id: acme-cluster
sequence: 1
devices:
  -
    addresses:
      - 10.0.0.1
    device: A1B2C3-0001.acme-uc20.acme
    id: 1
subclusters:
  -
    devices:
      - 1
    name: default
    snaps:
      -
        channel: latest/stable
        instance: acme-app
        state: clustered
timestamp: $TS
EOF
handmade request-message-basic 'payload' <<EOF
type: request-message
authority-id: acme
account-id: acme
message-id: abcd1234-1
message-kind: generic
devices:
  - A1B2C3-0001.acme-uc20.acme
assumes:
  - snapd2.70
valid-since: 2016-12-01T00:00:00Z
valid-until: 2016-12-02T00:00:00Z
timestamp: $TS
EOF
handmade response-message-basic <<EOF
type: response-message
account-id: acme
message-id: abcd1234-1
device: A1B2C3-0001.acme-uc20.acme
status: success
timestamp: $TS
sign-key-sha3-384: $DEVICE_ID
EOF
handmade hardware-identity-basic <<EOF
type: hardware-identity
authority-id: acme
issuer-id: acme
manufacturer: ACME Corp
hardware-name: acme-board
hardware-id: board-0001
hardware-id-key:
    MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE7Y5NU3hOQ2b6AdCUn3mQ5oSbWM0y
    W8qx5JAuSRL2W0v7x1tGgd5C4mFv7dFbF3sNRYs0qfhqMx9Kq2uLdKJ2xw==
hardware-id-key-sha3-384: $SNAP_SHA
timestamp: $TS
EOF

# --- 2b-ii. invalid: header grammar (snapd's asserts/headers.go, parseHeaders) --
edit "display-name=AC"$'\xff'"ME" <<<"$ACCOUNT" | inv grammar-header-not-utf8
printf '%s\nno colon here' "$ACCOUNT" | inv grammar-missing-colon
printf '%s\nDisplay-Name: x' "$ACCOUNT" | inv grammar-name-uppercase
printf '%s\n1abc: x' "$ACCOUNT" | inv grammar-name-leading-digit
printf '%s\nabc-: x' "$ACCOUNT" | inv grammar-name-trailing-hyphen
printf '%s\na--b: x' "$ACCOUNT" | inv grammar-name-double-hyphen
printf '%s\na_b: x' "$ACCOUNT" | inv grammar-name-underscore
printf '%s\n: x' "$ACCOUNT" | inv grammar-name-empty
printf '%s\nx-note : x' "$ACCOUNT" | inv grammar-name-space-before-colon
printf '%s\n type-x: x' "$ACCOUNT" | inv grammar-name-leading-space
printf '%s\nx-note:value' "$ACCOUNT" | inv grammar-no-space-after-colon
printf '%s\nx-note:\tvalue' "$ACCOUNT" | inv grammar-tab-after-colon
printf '%s\nx-note:' "$ACCOUNT" | inv grammar-multiline-intro-then-header
printf '%s\nsign-key-sha3-384: %s\nx-note:' "$ACCOUNT" "$ACME_ID" | inv grammar-multiline-intro-at-eof
printf '%s\nx-note:\n   three spaces' "$ACCOUNT" | inv grammar-multiline-three-spaces
printf '%s\nx-note:\n    ok\n   short' "$ACCOUNT" | inv grammar-multiline-short-continuation
printf '%s\ndisplay-name: again' "$ACCOUNT" | inv grammar-repeated-header
printf '%s\ntype: account' "$ACCOUNT" | inv grammar-repeated-type
printf '%s\nx-map:\n  no colon' "$ACCOUNT" | inv grammar-map-missing-colon
printf '%s\nx-map:\n  Key: v' "$ACCOUNT" | inv grammar-map-key-uppercase
printf '%s\nx-map:\n  a_b: v' "$ACCOUNT" | inv grammar-map-key-underscore
printf '%s\nx-map:\n  k-: v' "$ACCOUNT" | inv grammar-map-key-trailing-hyphen
printf '%s\nx-map:\n  k: v\n  k: w' "$ACCOUNT" | inv grammar-map-repeated-key
printf '%s\nx-map:\n  k:v' "$ACCOUNT" | inv grammar-map-no-space
printf '%s\nx-map:\n  k:' "$ACCOUNT" | inv grammar-map-value-intro-then-header
printf '%s\nx-map:\n  k:\n    Bad: v' "$ACCOUNT" | inv grammar-nested-map-bad-key
printf '%s\nx-list:\n  -a' "$ACCOUNT" | inv grammar-list-item-no-space
printf '%s\nx-list:\n  -' "$ACCOUNT" | inv grammar-list-empty-item-then-header
printf '%s\nx-list:\n  - a\n   b' "$ACCOUNT" | inv grammar-list-overindented-line
printf '%s\nx-list:\n  - a\n   b: c' "$ACCOUNT" | inv grammar-list-overindented-header
printf '%s\nx-list:\n  - a\n    - b' "$ACCOUNT" | inv grammar-list-nested-without-intro
printf '%s\nx-list:\n  -\n    K: v' "$ACCOUNT" | inv grammar-list-map-item-bad-key
printf '%s\nx-list:\n  -\n    k: v\n    k: w' "$ACCOUNT" | inv grammar-list-map-item-repeated-key
printf '%s\nx-list:\n  -\n    -\n      k:' "$ACCOUNT" | inv grammar-deep-nesting-missing-value
printf '%s\r\n\r\n%s\r\n' "$(printf '%s\nsign-key-sha3-384: %s' "$ACCOUNT" "$ACME_ID" | sed 's/$/\r/' | sed '$s/\r$//')" "$PLACEHOLDER_SIG" >"$GEN/invalid/grammar-crlf-line-endings.assert"
printf '\n\n%s\nsign-key-sha3-384: %s\n\n%s\n' "$ACCOUNT" "$ACME_ID" "$PLACEHOLDER_SIG" | raw invalid grammar-empty-header-block
{ printf '%s\nx-big: ' "$ACCOUNT"; head -c 131100 /dev/zero | tr '\0' a; } | inv grammar-headers-too-large

# --- invalid: meta headers and common checks (asserts.go assemble, header_checks.go)
edit body-length=abc <<<"$ACCOUNT" | inv meta-body-length-not-integer
edit body-length=1.5 <<<"$ACCOUNT" | inv meta-body-length-float
edit body-length=-1 <<<"$ACCOUNT" | inv meta-body-length-negative
edit body-length=03 <<<"$ACCOUNT" | inv meta-body-length-prefix-zeros
edit "body-length=
  - 3" <<<"$ACCOUNT" | inv meta-body-length-list
printf '%s\nbody-length: 10\nsign-key-sha3-384: %s\n\nabc\n\n%s\n' "$ACCOUNT" "$ACME_ID" "$PLACEHOLDER_SIG" | raw invalid meta-body-length-longer-than-body
printf '%s\nbody-length: 2\nsign-key-sha3-384: %s\n\nabc\n\n%s\n' "$ACCOUNT" "$ACME_ID" "$PLACEHOLDER_SIG" | raw invalid meta-body-length-shorter-than-body
printf '%s\nsign-key-sha3-384: %s\n\nabc\n\n%s\n' "$ACCOUNT" "$ACME_ID" "$PLACEHOLDER_SIG" | raw invalid meta-body-without-body-length
inv meta-body-not-utf8 $'bad \xff\xfe body' <<<"$ACCOUNT"
edit body-length=2097153 <<<"$ACCOUNT" | inv meta-body-length-above-max
printf '%s\n\n%s\n' "$ACCOUNT" "$PLACEHOLDER_SIG" | raw invalid meta-sign-key-missing
edit "sign-key-sha3-384=" <<<"$ACCOUNT" | inv meta-sign-key-empty
edit "sign-key-sha3-384=${ACME_ID:0:10}+${ACME_ID:11}" <<<"$ACCOUNT" | inv meta-sign-key-not-base64url
edit "sign-key-sha3-384=${ACME_ID:0:62}==" <<<"$ACCOUNT" | inv meta-sign-key-padded
edit "sign-key-sha3-384=${ACME_ID:0:43}" <<<"$ACCOUNT" | inv meta-sign-key-short
edit "sign-key-sha3-384=
  - $ACME_ID" <<<"$ACCOUNT" | inv meta-sign-key-list
edit -type <<<"$ACCOUNT" | inv meta-type-missing
edit "type=" <<<"$ACCOUNT" | inv meta-type-empty
edit type=acount <<<"$ACCOUNT" | inv meta-type-unknown
edit type=Account <<<"$ACCOUNT" | inv meta-type-uppercase
edit "type=
  - account" <<<"$ACCOUNT" | inv meta-type-list
edit -authority-id <<<"$ACCOUNT" | inv meta-authority-id-missing
edit "authority-id=" <<<"$ACCOUNT" | inv meta-authority-id-empty
edit "authority-id=
  - testroot" <<<"$ACCOUNT" | inv meta-authority-id-list
edit authority-id=acme <<<"$SERIAL_REQUEST" | inv meta-authority-id-on-serial-request
edit authority-id=acme <<<"$DSR" | inv meta-authority-id-on-device-session-request
edit authority-id=acme <<<"$AKR" | inv meta-authority-id-on-account-key-request "$SPARE_PUB"
for what in format revision; do
	edit "$what=one" <<<"$ACCOUNT" | inv "meta-$what-not-integer"
	edit "$what=-1" <<<"$ACCOUNT" | inv "meta-$what-negative"
	edit "$what=01" <<<"$ACCOUNT" | inv "meta-$what-prefix-zeros"
	edit "$what=-01" <<<"$ACCOUNT" | inv "meta-$what-negative-prefix-zeros"
	edit "$what=99999999999999999999" <<<"$ACCOUNT" | inv "meta-$what-out-of-range"
	edit "$what=1.0" <<<"$ACCOUNT" | inv "meta-$what-float"
	edit "$what=" <<<"$ACCOUNT" | inv "meta-$what-empty"
	edit "$what= 1" <<<"$ACCOUNT" | inv "meta-$what-leading-space"
	edit "$what=0x1" <<<"$ACCOUNT" | inv "meta-$what-hex"
	edit "$what=
  - 1" <<<"$ACCOUNT" | inv "meta-$what-list"
done
edit -account-id <<<"$ACCOUNT" | inv meta-primary-key-missing
edit "account-id=" <<<"$ACCOUNT" | inv meta-primary-key-empty
edit "account-id=ac/me" <<<"$ACCOUNT" | inv meta-primary-key-slash
edit "account-id=
  - acme" <<<"$ACCOUNT" | inv meta-primary-key-list
edit "account-id=
  k: acme" <<<"$ACCOUNT" | inv meta-primary-key-map
edit -model <<<"$MODEL16" | inv meta-primary-key-missing-second
edit "series=1/6" <<<"$MODEL16" | inv meta-primary-key-slash-first
edit "provenance=" <<<"$SNAP_REV" | inv meta-optional-primary-key-empty
edit "provenance=a/b" <<<"$SNAP_REV" | inv meta-optional-primary-key-slash
printf '%s\nsign-key-sha3-384: %s\n\n' "$ACCOUNT" "$ACME_ID" | raw invalid meta-signature-empty
printf '%s\nsign-key-sha3-384: %s\n%s\n' "$ACCOUNT" "$ACME_ID" "$PLACEHOLDER_SIG" | raw invalid meta-signature-missing-separator
printf '%s\nsign-key-sha3-384: %s' "$ACCOUNT" "$ACME_ID" | raw invalid meta-headers-only-no-newline
printf '%s\nbody-length: 3\nsign-key-sha3-384: %s\n\nabc' "$ACCOUNT" "$ACME_ID" | raw invalid meta-body-without-signature

# --- invalid: per type (each type's file in snapd's asserts/, e.g. model.go) ---
# account
edit -display-name <<<"$ACCOUNT" | inv account-display-name-missing
edit "display-name=" <<<"$ACCOUNT" | inv account-display-name-empty
edit "display-name=
  - ACME" <<<"$ACCOUNT" | inv account-display-name-list
edit -validation <<<"$ACCOUNT" | inv account-validation-missing
edit "validation=" <<<"$ACCOUNT" | inv account-validation-empty
edit "username=
  - acme" <<<"$ACCOUNT" | inv account-username-list
edit -timestamp <<<"$ACCOUNT" | inv account-timestamp-missing
edit "timestamp=" <<<"$ACCOUNT" | inv account-timestamp-empty
edit timestamp=2016-01-01t00:00:00z <<<"$ACCOUNT" | inv account-timestamp-lowercase
edit "timestamp=2016-01-01 00:00:00Z" <<<"$ACCOUNT" | inv account-timestamp-space-separator
edit timestamp=2016-01-01T00:00:00+0100 <<<"$ACCOUNT" | inv account-timestamp-offset-without-colon
edit timestamp=2016-01-01T00:00:60Z <<<"$ACCOUNT" | inv account-timestamp-second-60
edit timestamp=2016-01-01T24:00:00Z <<<"$ACCOUNT" | inv account-timestamp-hour-24
edit timestamp=2016-02-30T00:00:00Z <<<"$ACCOUNT" | inv account-timestamp-february-30
edit timestamp=2016-01-01 <<<"$ACCOUNT" | inv account-timestamp-date-only
edit timestamp=2016-01-01T00:00:00 <<<"$ACCOUNT" | inv account-timestamp-no-zone
edit timestamp=2016-01-01T1:00:00Z <<<"$ACCOUNT" | inv account-timestamp-single-digit-hour
edit timestamp=2016-01-01T00:00:00+24:00 <<<"$ACCOUNT" | inv account-timestamp-offset-24h
edit timestamp=2016-01-01T00:00:00+00:60 <<<"$ACCOUNT" | inv account-timestamp-offset-minute-60
edit timestamp=2016-01-01T00:00:00+99:00 <<<"$ACCOUNT" | inv account-timestamp-offset-99h
edit "timestamp=
  - 2016-01-01T00:00:00Z" <<<"$ACCOUNT" | inv account-timestamp-list
# account-key
inv account-key-body-missing <<<"$ACCOUNT_KEY"
inv account-key-body-not-base64 'not base64 at all!' <<<"$ACCOUNT_KEY"
inv account-key-body-wrong-version "${SPARE_PUB/#A/B}" <<<"$ACCOUNT_KEY"
inv account-key-body-base64-without-data '====' <<<"$ACCOUNT_KEY"
inv account-key-body-trailing-data "${SPARE_PUB%=*}AAAA" <<<"$ACCOUNT_KEY"
inv account-key-body-not-a-key "$PLACEHOLDER_SIG" <<<"$ACCOUNT_KEY"
inv account-key-id-mismatch "$REQUESTER_PUB" <<<"$ACCOUNT_KEY"
edit -account-id <<<"$ACCOUNT_KEY" | inv account-key-account-id-missing "$SPARE_PUB"
edit "account-id=" <<<"$ACCOUNT_KEY" | inv account-key-account-id-empty "$SPARE_PUB"
edit name=-bad <<<"$ACCOUNT_KEY" | inv account-key-name-leading-hyphen "$SPARE_PUB"
edit name=Models <<<"$ACCOUNT_KEY" | inv account-key-name-uppercase "$SPARE_PUB"
edit name=123 <<<"$ACCOUNT_KEY" | inv account-key-name-digits-only "$SPARE_PUB"
edit "name=" <<<"$ACCOUNT_KEY" | inv account-key-name-empty "$SPARE_PUB"
edit -since <<<"$ACCOUNT_KEY" | inv account-key-since-missing "$SPARE_PUB"
edit since=2016-13-01T00:00:00Z <<<"$ACCOUNT_KEY" | inv account-key-since-invalid "$SPARE_PUB"
edit until=2016 <<<"$ACCOUNT_KEY" | inv account-key-until-invalid "$SPARE_PUB"
edit until=2015-12-31T23:59:59Z <<<"$ACCOUNT_KEY" | inv account-key-until-before-since "$SPARE_PUB"
edit "public-key-sha3-384=${SPARE_ID:0:40}" <<<"$ACCOUNT_KEY" | inv account-key-id-malformed "$SPARE_PUB"
edit format=1 "constraints=not-a-list" <<<"$ACCOUNT_KEY" | inv account-key-constraints-not-list "$SPARE_PUB"
edit format=1 "constraints=
  - not-a-map" <<<"$ACCOUNT_KEY" | inv account-key-constraints-item-not-map "$SPARE_PUB"
edit format=1 "constraints=
  -
    other: x" <<<"$ACCOUNT_KEY" | inv account-key-constraints-no-headers "$SPARE_PUB"
edit format=1 "constraints=
  -
    headers:
      model: x" <<<"$ACCOUNT_KEY" | inv account-key-constraints-no-type "$SPARE_PUB"
edit format=1 "constraints=
  -
    headers:
      type: mod.*" <<<"$ACCOUNT_KEY" | inv account-key-constraints-type-regexp "$SPARE_PUB"
edit format=1 "constraints=
  -
    headers:
      model: (unclosed
      type: model" <<<"$ACCOUNT_KEY" | inv account-key-constraints-bad-regexp "$SPARE_PUB"
# account-key-request
edit -name <<<"$AKR" | inv account-key-request-name-missing "$SPARE_PUB"
edit -account-id <<<"$AKR" | inv account-key-request-account-id-missing "$SPARE_PUB"
inv account-key-request-id-mismatch "$REQUESTER_PUB" <<<"$AKR"
edit until=2015-01-01T00:00:00Z <<<"$AKR" | inv account-key-request-until-before-since "$SPARE_PUB"
# model, all models
edit authority-id=other <<<"$MODEL16" | inv model-authority-not-brand
edit model=Acme-Device <<<"$MODEL16" | inv model-model-uppercase
edit model=acme_device <<<"$MODEL16" | inv model-model-underscore
edit model=-acme <<<"$MODEL16" | inv model-model-leading-hyphen
edit classic=yes <<<"$MODEL16" | inv model-classic-not-bool
edit -timestamp <<<"$MODEL16" | inv model-timestamp-missing
edit "display-name=
  - x" <<<"$MODEL16" | inv model-display-name-list
edit "store=
  k: v" <<<"$MODEL16" | inv model-store-map
edit base=Core18 <<<"$MODEL16" | inv model-base-invalid-name
edit "serial-authority=acme" <<<"$MODEL16" | inv model-serial-authority-not-list
edit "serial-authority=
  - bad_id!" <<<"$MODEL16" | inv model-serial-authority-bad-account
edit "system-user-authority=acme" <<<"$MODEL16" | inv model-system-user-authority-string
edit "preseed-authority=*" <<<"$MODEL16" | inv model-preseed-authority-star
# model, non-extended
edit -architecture <<<"$MODEL16" | inv model-architecture-missing
edit "architecture=" <<<"$MODEL16" | inv model-architecture-empty
edit -gadget <<<"$MODEL16" | inv model-gadget-missing
edit -kernel <<<"$MODEL16" | inv model-kernel-missing
edit kernel=device-1-kernel=stable <<<"$MODEL16" | inv model-kernel-track-is-risk
edit kernel=device-1-kernel=18/stable <<<"$MODEL16" | inv model-kernel-track-with-slash
edit gadget=device-1=edge <<<"$MODEL16" | inv model-gadget-track-is-risk
edit gadget=Device <<<"$MODEL16" | inv model-gadget-invalid-name
edit grade=signed <<<"$MODEL16" | inv model-grade-without-snaps
edit storage-safety=encrypted <<<"$MODEL16" | inv model-storage-safety-without-snaps
edit "required-snaps=
  - acme_app" <<<"$MODEL16" | inv model-required-snaps-invalid-name
edit "required-snaps=acme-app" <<<"$MODEL16" | inv model-required-snaps-not-list
edit kernel=k-kernel <<<"$MODEL_CLASSIC" | inv model-classic-with-kernel
edit base=core18 <<<"$MODEL_CLASSIC" | inv model-classic-with-base
edit distribution=ubuntu <<<"$MODEL16" | inv model-distribution-non-extended
# model, extended (UC20+)
edit gadget=pc <<<"$MODEL20" | inv model-extended-with-gadget-header
edit kernel=pc-kernel <<<"$MODEL20" | inv model-extended-with-kernel-header
edit "required-snaps=
  - acme-app" <<<"$MODEL20" | inv model-extended-with-required-snaps
edit -architecture <<<"$MODEL20" | inv model-extended-architecture-missing
edit -base <<<"$MODEL20" | inv model-extended-base-missing
edit grade=gold <<<"$MODEL20" | inv model-extended-grade-invalid
edit storage-safety=maybe <<<"$MODEL20" | inv model-extended-storage-safety-invalid
edit grade=secured storage-safety=prefer-encrypted <<<"$MODEL20" | inv model-extended-secured-not-encrypted
edit distribution=ubuntu <<<"$MODEL20" | inv model-extended-distribution-not-classic
edit classic=true <<<"$MODEL20" | inv model-extended-classic-distribution-missing
edit classic=true distribution=Ubuntu <<<"$MODEL20" | inv model-extended-classic-distribution-invalid
edit "snaps=pc" <<<"$MODEL20" | inv model-snaps-not-list
edit "snaps=
  - pc" <<<"$MODEL20" | inv model-snaps-entry-not-map
model20_plus "    id: $SNAPID
    type: app" | inv model-snap-name-missing
model20_plus "    id: $SNAPID
    name: Acme_App" | inv model-snap-name-invalid
model20_plus "    name: acme-app" | inv model-snap-id-missing-signed-grade
model20_plus "    id: short
    name: acme-app" | inv model-snap-id-wrong-length
model20_plus "    id: $SNAPID
    name: acme-app
    type: library" | inv model-snap-type-invalid
model20_plus "    id: $SNAPID
    name: acme-app
    presence: maybe" | inv model-snap-presence-invalid
model20_plus "    id: $SNAPID
    modes:
      - RUN
    name: acme-app" | inv model-snap-modes-invalid
model20_plus "    id: $SNAPID
    modes: run
    name: acme-app" | inv model-snap-modes-not-list
model20_plus "    default-channel: stable
    id: $SNAPID
    name: acme-app" | inv model-snap-default-channel-risk-only
model20_plus "    default-channel: a/b/c/d
    id: $SNAPID
    name: acme-app" | inv model-snap-default-channel-invalid
model20_plus "    id: $SNAPID
    name: pc" | inv model-snap-name-repeated
model20_plus "    id: UqFziVZDHLSyO3TqSWgNBoAdHbLI4dAH
    name: other-pc" | inv model-snap-id-repeated
model20_plus "    id: $SNAPID
    name: pc-2
    type: gadget" | inv model-snap-two-gadgets
model20_plus "    id: $SNAPID
    name: kernel-2
    type: kernel" | inv model-snap-two-kernels
edit "snaps=$SNAPS20
  -
    id: $SNAPID
    name: snapd
    type: snapd
  -
    id: $SNAPID2
    name: snapd-2
    type: snapd" <<<"$MODEL20" | inv model-snap-two-snapds
model20_plus "    id: $SNAPID
    name: core20
    type: app" | inv model-snap-base-wrong-type
model20_plus "    id: $SNAPID
    name: snapd
    presence: optional
    type: snapd" | inv model-snap-essential-with-presence
model20_plus "    id: $SNAPID
    modes:
      - run
    name: snapd
    type: snapd" | inv model-snap-essential-with-modes
model20_plus "    classic: true
    id: $SNAPID
    name: acme-app" | inv model-snap-classic-in-core-model
model20_plus "    classic: maybe
    id: $SNAPID
    name: acme-app" | inv model-snap-classic-not-bool
edit "snaps=
  -
    id: UqFziVZDHLSyO3TqSWgNBoAdHbLI4dAH
    name: pc
    type: gadget" <<<"$MODEL20" | inv model-snaps-no-kernel
edit "snaps=
  -
    id: pYVQrBcKmBa0mZ4CCN7ExT6jH8rY1hza
    name: pc-kernel
    type: kernel" <<<"$MODEL20" | inv model-snaps-no-gadget
edit base=acme-base <<<"$MODEL20" | inv model-snaps-unknown-base-without-entry
model20_plus "    components:
      a: required
    id: $SNAPID
    name: acme-app" | inv model-snap-components-bad-name
model20_plus "    components:
      comp-one: sometimes
    id: $SNAPID
    name: acme-app" | inv model-snap-components-bad-presence
model20_plus "    components:
      comp-one:
        modes:
          - run
    id: $SNAPID
    name: acme-app" | inv model-snap-components-presence-missing
edit "validation-sets=
  -
    mode: enforce
    name: Bad_Name" <<<"$MODEL20" | inv model-validation-sets-bad-name
edit "validation-sets=
  -
    mode: sometimes
    name: my-set" <<<"$MODEL20" | inv model-validation-sets-bad-mode
edit "validation-sets=
  -
    name: my-set" <<<"$MODEL20" | inv model-validation-sets-mode-missing
edit "validation-sets=
  -
    mode: enforce
    name: my-set
    sequence: 0" <<<"$MODEL20" | inv model-validation-sets-sequence-zero
edit "validation-sets=
  -
    mode: enforce
    name: my-set
  -
    account-id: acme
    mode: prefer-enforce
    name: my-set" <<<"$MODEL20" | inv model-validation-sets-repeated
# serial
edit -device-key <<<"$SERIAL" | inv serial-device-key-missing
edit "device-key-sha3-384=$SPARE_ID" <<<"$SERIAL" | inv serial-device-key-id-mismatch
edit "device-key=not base64!" <<<"$SERIAL" | inv serial-device-key-not-base64
edit -device-key-sha3-384 <<<"$SERIAL" | inv serial-device-key-id-missing
edit "brand-id=Bad_Brand" authority-id=Bad_Brand <<<"$SERIAL" | inv serial-brand-id-invalid
edit model=Acme <<<"$SERIAL" | inv serial-model-uppercase
edit -serial <<<"$SERIAL" | inv serial-serial-missing
edit -timestamp <<<"$SERIAL" | inv serial-timestamp-missing
# serial-request
edit -brand-id <<<"$SERIAL_REQUEST" | inv serial-request-brand-id-missing
edit -request-id <<<"$SERIAL_REQUEST" | inv serial-request-request-id-missing
edit "model=" <<<"$SERIAL_REQUEST" | inv serial-request-model-empty
edit -device-key <<<"$SERIAL_REQUEST" | inv serial-request-device-key-missing
edit "sign-key-sha3-384=$SPARE_ID" <<<"$SERIAL_REQUEST" | inv serial-request-sign-key-not-device-key
edit "serial=
  - x" <<<"$SERIAL_REQUEST" | inv serial-request-serial-list
# device-session-request
edit -nonce <<<"$DSR" | inv device-session-request-nonce-missing
edit -timestamp <<<"$DSR" | inv device-session-request-timestamp-missing
edit timestamp=yesterday <<<"$DSR" | inv device-session-request-timestamp-invalid
edit -model <<<"$DSR" | inv device-session-request-model-missing
edit -serial <<<"$DSR" | inv device-session-request-serial-missing
# repair
edit brand-id=other <<<"$REPAIR" | inv repair-authority-not-brand
edit repair-id=0 <<<"$REPAIR" | inv repair-repair-id-zero
edit repair-id=abc <<<"$REPAIR" | inv repair-repair-id-not-integer
edit repair-id=01 <<<"$REPAIR" | inv repair-repair-id-prefix-zeros
edit -summary <<<"$REPAIR" | inv repair-summary-missing
edit "summary=$(ml $'two\nlines')" <<<"$REPAIR" | inv repair-summary-multiline
edit "modes=
  - install" <<<"$REPAIR" | inv repair-modes-invalid
edit "bases=
  - Core20" <<<"$REPAIR" | inv repair-bases-invalid-name
edit "modes=
  - run" "bases=
  - core18" <<<"$REPAIR" | inv repair-bases-core18-with-modes
edit disabled=yes <<<"$REPAIR" | inv repair-disabled-not-bool
edit series=16 <<<"$REPAIR" | inv repair-series-not-list
edit "architectures=
  -
    k: v" <<<"$REPAIR" | inv repair-architectures-not-strings
edit -timestamp <<<"$REPAIR" | inv repair-timestamp-missing
# base-declaration
edit "plugs=
  network: maybe" <<<"$BASE_DECL" | inv base-declaration-plugs-bad-rule
edit "slots=not-a-map" <<<"$BASE_DECL" | inv base-declaration-slots-not-map
edit -timestamp <<<"$BASE_DECL" | inv base-declaration-timestamp-missing
# snap-declaration
edit -snap-name <<<"$SNAP_DECL" | inv snap-declaration-snap-name-missing
edit -publisher-id <<<"$SNAP_DECL" | inv snap-declaration-publisher-id-missing
edit "publisher-id=" <<<"$SNAP_DECL" | inv snap-declaration-publisher-id-empty
edit -timestamp <<<"$SNAP_DECL" | inv snap-declaration-timestamp-missing
edit "refresh-control=$SNAPID" <<<"$SNAP_DECL" | inv snap-declaration-refresh-control-not-list
edit "auto-aliases=
  - -bad" <<<"$SNAP_DECL" | inv snap-declaration-auto-aliases-invalid
edit "aliases=
  -
    name: -bad
    target: cmd" <<<"$SNAP_DECL" | inv snap-declaration-aliases-bad-name
edit "aliases=
  -
    name: acme
    target: bad_target" <<<"$SNAP_DECL" | inv snap-declaration-aliases-bad-target
edit "aliases=
  -
    name: acme
    target: cmd
  -
    name: acme
    target: cmd2" <<<"$SNAP_DECL" | inv snap-declaration-aliases-repeated
edit "aliases=
  - acme" <<<"$SNAP_DECL" | inv snap-declaration-aliases-not-maps
edit format=1 "plugs=
  network: maybe" <<<"$SNAP_DECL" | inv snap-declaration-plugs-bad-rule
edit format=1 "plugs=
  network:
    allow-installation:
      plug-attributes: x" <<<"$SNAP_DECL" | inv snap-declaration-plugs-attributes-not-map
edit format=1 "slots=
  network:
    allow-sometimes: true" <<<"$SNAP_DECL" | inv snap-declaration-slots-unknown-subrule
edit "revision-authority=
  -
    account-id: acme
    provenance:
      - acme-prov
    min-revision: 10
    max-revision: 5" <<<"$SNAP_DECL" | inv snap-declaration-revision-authority-max-below-min
edit "revision-authority=
  -
    account-id: acme" <<<"$SNAP_DECL" | inv snap-declaration-revision-authority-provenance-missing
# snap-build
edit -grade <<<"$SNAP_BUILD" | inv snap-build-grade-missing
edit snap-size=-1 <<<"$SNAP_BUILD" | inv snap-build-snap-size-negative
edit -snap-id <<<"$SNAP_BUILD" | inv snap-build-snap-id-missing
edit "snap-sha3-384=${SNAP_SHA:0:60}" <<<"$SNAP_BUILD" | inv snap-build-digest-short
# snap-revision
edit "snap-sha3-384=${SNAP_SHA:0:60}" <<<"$SNAP_REV" | inv snap-revision-digest-short
edit "snap-sha3-384=${SNAP_SHA:0:63}=" <<<"$SNAP_REV" | inv snap-revision-digest-padded
edit provenance=-bad <<<"$SNAP_REV" | inv snap-revision-provenance-invalid
edit snap-size=+5 <<<"$SNAP_REV" | inv snap-revision-snap-size-plus-sign
edit snap-size=012 <<<"$SNAP_REV" | inv snap-revision-snap-size-prefix-zeros
edit snap-size=18446744073709551616 <<<"$SNAP_REV" | inv snap-revision-snap-size-out-of-range
edit snap-revision=0 <<<"$SNAP_REV" | inv snap-revision-snap-revision-zero
edit -developer-id <<<"$SNAP_REV" | inv snap-revision-developer-id-missing
edit -snap-id <<<"$SNAP_REV" | inv snap-revision-snap-id-missing
edit -timestamp <<<"$SNAP_REV" | inv snap-revision-timestamp-missing
edit "integrity=
  -
    data-block-size: 4096
    digest: 00
    hash-algorithm: sha256
    hash-block-size: 4096
    salt: 00
    type: other
    version: 1" <<<"$SNAP_REV" | inv snap-revision-integrity-bad-type
edit "integrity=
  -
    data-block-size: 4096
    digest: 00
    hash-algorithm: sha256
    hash-block-size: 4096
    salt: 00
    type: dm-verity
    version: 2" <<<"$SNAP_REV" | inv snap-revision-integrity-bad-version
edit "integrity=not-a-list" <<<"$SNAP_REV" | inv snap-revision-integrity-not-list
# snap-developer
edit "developers=
  -
    since: 2017-01-01T00:00:00Z" <<<"$SNAP_DEV" | inv snap-developer-developer-id-missing
edit "developers=
  -
    developer-id: dev1
    since: 2018-01-01T00:00:00Z
    until: 2017-01-01T00:00:00Z" <<<"$SNAP_DEV" | inv snap-developer-until-before-since
edit "developers=
  -
    developer-id: dev1
    since: 2017-01-01T00:00:00Z
    until: 2017-01-01T00:00:00Z
  -
    developer-id: dev1
    since: 2016-01-01T00:00:00Z" <<<"$SNAP_DEV" | inv snap-developer-revocation-not-alone
edit "developers=
  -
    developer-id: dev1
    since: someday" <<<"$SNAP_DEV" | inv snap-developer-since-invalid
edit "developers=dev1" <<<"$SNAP_DEV" | inv snap-developer-developers-not-list
edit -publisher-id <<<"$SNAP_DEV" | inv snap-developer-publisher-id-missing
# system-user
edit email=not-an-email <<<"$SYSUSER" | inv system-user-email-invalid
edit "email=" <<<"$SYSUSER" | inv system-user-email-empty
edit "email=a@b.c, d@e.f" <<<"$SYSUSER" | inv system-user-email-two-addresses
edit username=-bad <<<"$SYSUSER" | inv system-user-username-invalid
edit password=plain <<<"$SYSUSER" | inv system-user-password-not-crypt
edit 'password=$5$salt$hash' <<<"$SYSUSER" | inv system-user-password-id-5
edit 'password=$x$salt$hash' <<<"$SYSUSER" | inv system-user-password-id-not-integer
edit 'password=$6$rounds=4999$salt$hash' <<<"$SYSUSER" | inv system-user-password-rounds-too-low
edit 'password=$6$rounds=1000000000$salt$hash' <<<"$SYSUSER" | inv system-user-password-rounds-too-high
edit 'password=$6$sa_lt$hash' <<<"$SYSUSER" | inv system-user-password-salt-bad-chars
edit 'password=$6$salt$ha-sh' <<<"$SYSUSER" | inv system-user-password-hash-bad-chars
edit 'password=$6$salt' <<<"$SYSUSER" | inv system-user-password-hash-missing
edit force-password-change=true <<<"$SYSUSER" | inv system-user-force-password-change-without-password
edit until=2016-11-01T00:00:00Z <<<"$SYSUSER" | inv system-user-until-before-since
edit -since <<<"$SYSUSER" | inv system-user-since-missing
edit -until <<<"$SYSUSER" | inv system-user-until-missing
edit -models until=2018-01-01T00:00:00Z <<<"$SYSUSER" | inv system-user-no-models-until-beyond-one-year
edit "serials=
  - A1B2C3-0001" <<<"$SYSUSER" | inv system-user-serials-format-0
edit format=1 "models=
  - m1
  - m2" "serials=
  - A1B2C3-0001" <<<"$SYSUSER" | inv system-user-serials-two-models
edit user-presence=until-expiration <<<"$SYSUSER" | inv system-user-user-presence-format-0
edit format=2 user-presence=forever <<<"$SYSUSER" | inv system-user-user-presence-invalid
edit "ssh-keys=ssh-rsa AAAA" <<<"$SYSUSER" | inv system-user-ssh-keys-not-list
# validation
edit approved-snap-revision=0 <<<"$VALIDATION" | inv validation-approved-revision-zero
edit revoked=yes <<<"$VALIDATION" | inv validation-revoked-not-bool
edit -timestamp <<<"$VALIDATION" | inv validation-timestamp-missing
# validation-set
edit account-id=other <<<"$VSET" | inv validation-set-authority-not-account
edit name=My_Set <<<"$VSET" | inv validation-set-name-invalid
edit sequence=0 <<<"$VSET" | inv validation-set-sequence-zero
edit sequence=-1 <<<"$VSET" | inv validation-set-sequence-negative
edit -snaps <<<"$VSET" | inv validation-set-snaps-missing
edit -timestamp <<<"$VSET" | inv validation-set-timestamp-missing
vset_snaps "
  -
    name: acme-app" | inv validation-set-snap-id-missing
vset_snaps "
  -
    id: $SNAPID
    name: acme-app
    presence: sometimes" | inv validation-set-snap-presence-invalid
vset_snaps "
  -
    id: $SNAPID
    name: acme-app
    presence: invalid
    revision: 3" | inv validation-set-snap-invalid-with-revision
vset_snaps "
  -
    id: $SNAPID
    name: acme-app
    revision: 0" | inv validation-set-snap-revision-zero
vset_snaps "
  -
    id: $SNAPID
    name: acme-app
  -
    id: $SNAPID2
    name: acme-app" | inv validation-set-snap-name-repeated
vset_snaps "
  -
    id: $SNAPID
    name: acme-app
  -
    id: $SNAPID
    name: acme-app-2" | inv validation-set-snap-id-repeated
vset_snaps "
  -
    components:
      comp-one: optional
    id: $SNAPID
    name: acme-app
    revision: 5" | inv validation-set-component-revision-missing
vset_snaps "
  -
    components:
      comp-one:
        presence: optional
        revision: 2
    id: $SNAPID
    name: acme-app" | inv validation-set-component-revision-without-snap-revision
# store
edit -operator-id <<<"$STORE" | inv store-operator-id-missing
edit url=ftp://store.acme.example <<<"$STORE" | inv store-url-scheme-ftp
edit url=https:///path <<<"$STORE" | inv store-url-no-host
edit "url=https://store.acme.example/?q=1" <<<"$STORE" | inv store-url-query
edit "url=https://store.acme.example/#frag" <<<"$STORE" | inv store-url-fragment
edit "url=://bad" <<<"$STORE" | inv store-url-unparsable
edit "url=store.acme.example" <<<"$STORE" | inv store-url-no-scheme
edit "friendly-stores=acme" <<<"$STORE" | inv store-friendly-stores-not-list
edit "location=
  - x" <<<"$STORE" | inv store-location-list
edit -timestamp <<<"$STORE" | inv store-timestamp-missing
# preseed
edit system-label=Bad_Label <<<"$PRESEED" | inv preseed-system-label-invalid
edit -snaps <<<"$PRESEED" | inv preseed-snaps-missing
edit "artifact-sha3-384=abc" <<<"$PRESEED" | inv preseed-artifact-digest-invalid
edit brand-id=other <<<"$PRESEED" | inv preseed-authority-not-brand
edit -timestamp <<<"$PRESEED" | inv preseed-timestamp-missing
preseed_snaps "
  -
    id: UqFziVZDHLSyO3TqSWgNBoAdHbLI4dAH
    name: pc" | inv preseed-snap-id-without-revision
preseed_snaps "
  -
    name: pc
    revision: 1" | inv preseed-snap-revision-without-id
preseed_snaps "
  -
    name: Bad_Name" | inv preseed-snap-name-invalid
preseed_snaps "
  -
    name: pc
  -
    name: pc" | inv preseed-snap-name-repeated
preseed_snaps "
  -
    components:
      -
        name: comp-one
    id: UqFziVZDHLSyO3TqSWgNBoAdHbLI4dAH
    name: pc
    revision: 1" | inv preseed-component-revision-missing

for f in "$GEN"/valid/*.assert; do
	n=$(basename "$f" .assert)
	[ -f "$GEN/valid/$n.json" ] || decode_golden "$f" "$GOLD/generated/valid/$n.decode.jsonl"
done
for f in "$GEN"/invalid/*.assert; do
	decode_golden "$f" "$GOLD/generated/invalid/$(basename "$f" .assert).decode.jsonl"
done

# --- 4. streams --------------------------------------------------------------
# join FILE...: assertions separated by one blank line, like snapd's Encoder
join() {
	local first=1 f
	for f in "$@"; do
		[ $first = 1 ] || printf '\n'
		first=0
		cat "$f"
	done
}
ST=$GEN/streams
: >"$ST/empty.stream" # zero assertions, clean EOF
TRUST=("$DATA"/trust/canonical-root-account-key.assert "$DATA"/trust/canonical-account.assert
	"$DATA"/trust/generic-account.assert "$DATA"/trust/generic-models-account-key.assert
	"$DATA"/trust/generic-classic-model.assert)
join "${TRUST[@]}" >"$ST/trust-roots.stream"
{ join "${TRUST[@]}"; printf '\n'; } >"$ST/trust-roots-trailing-blank-line.stream"
{ join "${TRUST[@]}"; printf '\n\n'; } >"$ST/trust-roots-two-trailing-blank-lines.stream"
{ join "${TRUST[@]}" | head -c -1; } >"$ST/trust-roots-no-final-newline.stream"
cat "${TRUST[@]:0:2}" >"$ST/trust-roots-no-separator.stream"
{ cat "${TRUST[0]}"; printf '\n\n'; cat "${TRUST[1]}"; } >"$ST/trust-roots-two-blank-lines-between.stream"
join "$GEN/valid/account-basic.assert" "$GEN/valid/model-core16.assert" \
	"$GEN/invalid/model-kernel-missing.assert" "$GEN/valid/serial-basic.assert" >"$ST/broken-third.stream"
{ cat "$SELF/acme-prereqs.stream"; cat "$SELF/model.assert"; } >"$ST/selfmade-prereqs-model.stream"
SIGNED=()
for j in "$GEN"/valid/*.json; do SIGNED+=("${j%.json}.assert"); done
join "${SIGNED[@]}" >"$ST/generated-valid.stream"
{ cat "$SELF/acme-prereqs.stream"; sed 's/^architecture: armhf$/architecture: amd64/' "$GEN/valid/model-core16.assert"; } >"$ST/tampered-model.stream"
{ cat "$SELF/acme-prereqs.stream"; join "$GEN/valid/account-key-until.assert" "$GEN/valid/snap-build-by-spare-key.assert"; } >"$ST/spare-key-chain.stream"
{ cat "$SELF/acme-prereqs.stream"; cat "$GEN/valid/snap-build-by-wrong-key.assert"; } >"$ST/wrong-authority.stream"
{ cat "$SELF/acme-prereqs.stream"; join "$SELF/model.assert" "$SELF/model.assert"; } >"$ST/model-added-twice.stream"
for f in "$ST"/*.stream; do
	decode_golden "$f" "$GOLD/streams/$(basename "$f").decode.jsonl"
done

# --- 5. verify (database Add in stream order) --------------------------------
V=$GOLD/verify
verify_golden "$V/selfmade-chain.jsonl" "$SELF/trusted.stream" "$ST/selfmade-prereqs-model.stream" --now="$NOW"
{ cat "$SELF/acme-prereqs.stream"; join "$SELF/snap-cli-account-key.assert" "$SELF/model-signed-by-snap-cli.assert"; } >"$ST/selfmade-snap-cli.stream"
verify_golden "$V/selfmade-chain-snap-cli-model.jsonl" "$SELF/trusted.stream" "$ST/selfmade-snap-cli.stream" --now="$NOW"
join "${TRUST[@]:0:2}" >"$ST/canonical-trusted.stream"
join "${TRUST[@]:2:3}" >"$ST/canonical-generic.stream"
verify_golden "$V/canonical-chain-sysdb.jsonl" -sysdb "$ST/canonical-generic.stream" --now="$CANONICAL_NOW"
verify_golden "$V/canonical-chain-trusted-roots.jsonl" "$ST/canonical-trusted.stream" "$ST/canonical-generic.stream" --now="$CANONICAL_NOW"
verify_golden "$V/canonical-chain-model-only.jsonl" -sysdb "${TRUST[4]}" --now="$CANONICAL_NOW"
verify_golden "$V/fail-tampered-model.jsonl" "$SELF/trusted.stream" "$ST/tampered-model.stream" --now="$NOW"
verify_golden "$V/spare-key-chain.jsonl" "$SELF/trusted.stream" "$ST/spare-key-chain.stream" --now="$NOW"
verify_golden "$V/fail-expired-key.jsonl" "$SELF/trusted.stream" "$ST/spare-key-chain.stream" --now=2031-01-01T00:00:00Z
verify_golden "$V/fail-key-not-yet-valid.jsonl" "$SELF/trusted.stream" "$ST/selfmade-prereqs-model.stream" --now=2015-06-01T00:00:00Z
verify_golden "$V/fail-wrong-authority.jsonl" "$SELF/trusted.stream" "$ST/wrong-authority.stream" --now="$NOW"
verify_golden "$V/fail-model-added-twice.jsonl" "$SELF/trusted.stream" "$ST/model-added-twice.stream" --now="$NOW"
verify_golden "$V/fail-untrusted-root.jsonl" -sysdb "$ST/selfmade-prereqs-model.stream" --now="$NOW"
{ cat "$SELF/acme-prereqs.stream"; join "${SIGNED[@]}"; } >"$ST/prereqs-generated-valid.stream"
verify_golden "$V/prereqs-generated-valid.jsonl" "$SELF/trusted.stream" "$ST/prereqs-generated-valid.stream" --now="$NOW"

# --- 6. known differences between the oracle (2.57) and snapd today -----------
# Every invalid case that 2.57 accepts and every valid case that 2.57 rejects must
# be listed here (the script fails otherwise), with what snapd today does. Written
# to generated/spec-differences.jsonl for the Rust tests; explained in DIFFERENCES.md.
# case <TAB> snapd today: "reject" or "accept" <TAB> error text of snapd today (or "") <TAB> why
DIFFS=$(cat <<'TSV'
account-key-constraints-not-list	reject	assertion account-key: assertions constraints must be a list of maps	2.57 has no account-key constraints (header ignored)
account-key-constraints-item-not-map	reject	assertion account-key: assertions constraints must be a list of maps	2.57 has no account-key constraints (header ignored)
account-key-constraints-no-headers	reject	assertion account-key: "headers" constraint mandatory in asserions constraints	2.57 has no account-key constraints (header ignored)
account-key-constraints-no-type	reject	assertion account-key: type header constraint mandatory in asserions constraints	2.57 has no account-key constraints (header ignored)
account-key-constraints-type-regexp	reject	assertion account-key: type header constraint must be a precise string and not a regexp	2.57 has no account-key constraints (header ignored)
account-key-constraints-bad-regexp	reject		2.57 has no account-key constraints; today: cannot compile headers constraint: <Go regexp error>
account-timestamp-single-digit-hour	reject		Go 1.19 time.Parse(RFC3339) accepts a one-digit hour; Go >= 1.20 rejects it
account-timestamp-offset-24h	reject		Go 1.19 accepts a zone offset hour of 24; Go >= 1.20 rejects offsets out of range
account-timestamp-offset-minute-60	reject		Go 1.19 accepts a zone offset minute of 60; Go >= 1.20 rejects offsets out of range
account-timestamp-offset-99h	reject		Go 1.19 accepts a zone offset hour of 99; Go >= 1.20 rejects offsets out of range
model-preseed-authority-star	reject	assertion model: "preseed-authority" header must be a list of account ids	2.57 has no preseed-authority (header ignored)
model-snap-classic-in-core-model	reject		2.57 has no per-snap classic in model snaps entries (ignored)
model-snap-classic-not-bool	reject		2.57 has no per-snap classic in model snaps entries (ignored)
model-snap-components-bad-name	reject		2.57 has no model snap components (ignored)
model-snap-components-bad-presence	reject		2.57 has no model snap components (ignored)
model-snap-components-presence-missing	reject		2.57 has no model snap components (ignored)
model-validation-sets-bad-mode	reject		2.57 has no model validation-sets (header ignored)
model-validation-sets-bad-name	reject		2.57 has no model validation-sets (header ignored)
model-validation-sets-mode-missing	reject		2.57 has no model validation-sets (header ignored)
model-validation-sets-repeated	reject	assertion model: cannot add validation set "acme/my-set" twice	2.57 has no model validation-sets (header ignored)
model-validation-sets-sequence-zero	reject		2.57 has no model validation-sets (header ignored)
preseed-component-revision-missing	reject		2.57 has no preseed snap components (ignored)
snap-revision-integrity-bad-type	reject		2.57 has no snap-revision integrity (header ignored)
snap-revision-integrity-bad-version	reject		2.57 has no snap-revision integrity (header ignored)
snap-revision-integrity-not-list	reject		2.57 has no snap-revision integrity (header ignored)
system-user-user-presence-format-0	reject		2.57 has no user-presence (header ignored); today it needs format 2
system-user-user-presence-invalid	reject		2.57 has no user-presence (header ignored); today the only value is until-expiration
validation-set-component-revision-missing	reject		2.57 has no validation-set snap components (ignored)
validation-set-component-revision-without-snap-revision	reject		2.57 has no validation-set snap components (ignored)
snap-resource-revision-basic	accept		type unknown to 2.57
snap-resource-pair-basic	accept		type unknown to 2.57
confdb-schema-basic	accept		type unknown to 2.57
confdb-control-basic	accept		type unknown to 2.57
cluster-basic	accept		type unknown to 2.57
request-message-basic	accept		type unknown to 2.57
response-message-basic	accept		type unknown to 2.57
hardware-identity-basic	accept		type unknown to 2.57
TSV
)
listed=$(cut -f1 <<<"$DIFFS" | sort)
actual=$( {
	for f in "$GOLD"/generated/invalid/*.decode.jsonl; do
		grep -q '"error"' "$f" || basename "$f" .decode.jsonl
	done
	for f in "$GOLD"/generated/valid/*.decode.jsonl; do
		! grep -q '"error"' "$f" || basename "$f" .decode.jsonl
	done
} | sort)
if [ "$listed" != "$actual" ]; then
	echo "oracle/snapd-today differences changed; update DIFFS and DIFFERENCES.md:" >&2
	diff <(echo "$listed") <(echo "$actual") >&2 || true
	exit 1
fi
while IFS=$'\t' read -r name today err why; do
	dir=invalid
	[ -f "$GEN/valid/$name.assert" ] && dir=valid
	jq -cn --arg case "$dir/$name" --arg today "$today" --arg err "$err" --arg why "$why" \
		--slurpfile oracle "$GOLD/generated/$dir/$name.decode.jsonl" \
		'{case: $case, oracle_2_57: ($oracle[-1].error // "accepted"), snapd_today: $today,
		  snapd_today_error: (if $err == "" then null else $err end), why: $why}'
done <<<"$DIFFS" >"$GOLD/generated/spec-differences.jsonl"
for f in "$GOLD"/canonical-models/*.decode.jsonl; do
	grep -q '"error"' "$f" && basename "$f" .decode.jsonl
done >"$GOLD/canonical-models-rejected-by-2.57.txt"

echo "regenerated: $(find "$DATA" "$GOLD" -type f | wc -l) files under $DATA and $GOLD" >&2
