#!/usr/bin/env bash
# Regenerates signing/tests/golden/consistency/: assertion streams signed by snapd 2.57
# (the oracle's `sign --sig-time`, so the bytes are reproducible) and the oracle's `verify`
# output for each (Database.Add in order, with snapd's error texts). Each stream is the
# acme prerequisites followed by the case's assertions; trusted roots are the self-made
# testroot. tests/database_consistency_goldens.rs replays them against our Database.
#
#   UCORE_ORACLE=/tmp/snapd-oracle signing/tests/golden/regenerate.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
O=${UCORE_ORACLE:-$(/work/shared/oracle/build.sh)}
SELF=$ROOT/tests/data/assertions/selfmade
KEYS=$ROOT/test-support/keys
OUT=$ROOT/signing/tests/golden/consistency
T=1480593600
NOW=2017-01-01T00:00:00Z
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
mkdir -p "$OUT"; rm -f "$OUT"/*.stream "$OUT"/*.jsonl

SPARE=$("$O" keyid "$KEYS/test-only-spare.pem")
"$O" account-key "$KEYS/test-only-spare.pem" >"$TMP/spare.body"
SPAREQ=$(jq -Rs . <"$TMP/spare.body")
SHA=ZmFrZS1zaGEzLTM4NC1vZi1zbmFwLWJ1aWxkLWJ5LXNwYXJlLWtleS0xMjM0NTY3
A=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
B=bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb

# sign NAME TYPE KEY JSON [BODY]: one signed assertion into $TMP/NAME.assert
sign() { "$O" --sig-time=$T sign "$2" "$3" "$4" ${5:+"$5"} >"$TMP/$1.assert"; }
# case NAME ASSERTION...: stream = prerequisites + the assertions; golden = oracle verify
case_() {
	local name=$1; shift
	{ cat "$SELF/acme-prereqs.stream"; for a in "$@"; do cat "$TMP/$a.assert"; echo; done; } >"$OUT/$name.stream"
	"$O" --now=$NOW verify "$SELF/trusted.stream" "$OUT/$name.stream" >"$OUT/$name.jsonl" || true
}

R=$SELF/root.pem; M=$SELF/acme.pem
sign acc-by-acme account $M '{"type":"account","authority-id":"acme","account-id":"foo","display-name":"Foo","validation":"unproven","timestamp":"2016-12-01T12:00:00Z"}'
sign ak-nobody account-key $R "{\"type\":\"account-key\",\"authority-id\":\"testroot\",\"account-id\":\"nobody\",\"name\":\"k\",\"public-key-sha3-384\":\"$SPARE\",\"since\":\"2016-01-01T00:00:00Z\"}" "$TMP/spare.body"
sign ak-by-acme account-key $M "{\"type\":\"account-key\",\"authority-id\":\"acme\",\"account-id\":\"acme\",\"name\":\"k\",\"public-key-sha3-384\":\"$SPARE\",\"since\":\"2016-01-01T00:00:00Z\"}" "$TMP/spare.body"
sign ak-same-name account-key $R "{\"type\":\"account-key\",\"authority-id\":\"testroot\",\"account-id\":\"acme\",\"name\":\"models\",\"public-key-sha3-384\":\"$SPARE\",\"since\":\"2016-01-01T00:00:00Z\"}" "$TMP/spare.body"
sign ak-until account-key $R "{\"type\":\"account-key\",\"authority-id\":\"testroot\",\"account-id\":\"acme\",\"name\":\"old\",\"public-key-sha3-384\":\"$SPARE\",\"since\":\"2016-01-01T00:00:00Z\",\"until\":\"2016-06-01T00:00:00Z\"}" "$TMP/spare.body"
sign model-by-spare model "$KEYS/test-only-spare.pem" '{"type":"model","authority-id":"acme","brand-id":"acme","series":"16","model":"m9","architecture":"amd64","gadget":"gg","kernel":"kk","timestamp":"2016-12-01T12:00:00Z"}'
sign model-early model $M '{"type":"model","authority-id":"acme","brand-id":"acme","series":"16","model":"m2","architecture":"amd64","gadget":"gg","kernel":"kk","timestamp":"2015-12-01T12:00:00+01:00"}'
sign model-r3 model $M '{"type":"model","authority-id":"acme","brand-id":"acme","series":"16","model":"m3","architecture":"amd64","gadget":"gg","kernel":"kk","revision":"3","timestamp":"2016-12-01T12:00:00Z"}'
sign model-r2 model $M '{"type":"model","authority-id":"acme","brand-id":"acme","series":"16","model":"m3","architecture":"amd64","gadget":"gg","kernel":"kk","revision":"2","timestamp":"2016-12-01T12:00:00Z"}'
sign model-r4 model $M '{"type":"model","authority-id":"acme","brand-id":"acme","series":"16","model":"m3","architecture":"amd64","gadget":"gg","kernel":"kk","revision":"4","timestamp":"2016-12-01T12:00:00Z"}'
sign serial-other serial $M "{\"type\":\"serial\",\"authority-id\":\"acme\",\"brand-id\":\"other\",\"model\":\"m\",\"serial\":\"1\",\"device-key-sha3-384\":\"$SPARE\",\"device-key\":$SPAREQ,\"timestamp\":\"2016-12-01T12:00:00Z\"}"
sign store-acme store $M '{"type":"store","authority-id":"acme","store":"s1","operator-id":"acme","timestamp":"2016-12-01T12:00:00Z"}'
sign store-nobody store $R '{"type":"store","authority-id":"testroot","store":"s1","operator-id":"nobody","timestamp":"2016-12-01T12:00:00Z"}'
sign store-ok store $R '{"type":"store","authority-id":"testroot","store":"s2","operator-id":"acme","timestamp":"2016-12-01T12:00:00Z"}'
sign decl-nobody snap-declaration $R "{\"type\":\"snap-declaration\",\"authority-id\":\"testroot\",\"series\":\"16\",\"snap-id\":\"$A\",\"snap-name\":\"foo\",\"publisher-id\":\"nobody\",\"timestamp\":\"2016-12-01T12:00:00Z\"}"
sign decl-by-acme snap-declaration $M "{\"type\":\"snap-declaration\",\"authority-id\":\"acme\",\"series\":\"16\",\"snap-id\":\"$A\",\"snap-name\":\"foo\",\"publisher-id\":\"acme\",\"timestamp\":\"2016-12-01T12:00:00Z\"}"
sign decl-a-root snap-declaration $R "{\"type\":\"snap-declaration\",\"authority-id\":\"testroot\",\"series\":\"16\",\"snap-id\":\"$A\",\"snap-name\":\"gating\",\"publisher-id\":\"testroot\",\"timestamp\":\"2016-12-01T12:00:00Z\"}"
sign decl-a-acme snap-declaration $R "{\"type\":\"snap-declaration\",\"authority-id\":\"testroot\",\"series\":\"16\",\"snap-id\":\"$A\",\"snap-name\":\"gating\",\"publisher-id\":\"acme\",\"timestamp\":\"2016-12-01T12:00:00Z\"}"
sign decl-b snap-declaration $R "{\"type\":\"snap-declaration\",\"authority-id\":\"testroot\",\"series\":\"16\",\"snap-id\":\"$B\",\"snap-name\":\"gated\",\"publisher-id\":\"acme\",\"timestamp\":\"2016-12-01T12:00:00Z\"}"
sign bd-by-acme base-declaration $M '{"type":"base-declaration","authority-id":"acme","series":"16","timestamp":"2016-12-01T12:00:00Z"}'
sign rev-by-root snap-revision $R "{\"type\":\"snap-revision\",\"authority-id\":\"testroot\",\"snap-sha3-384\":\"$SHA\",\"snap-id\":\"$A\",\"snap-size\":\"10\",\"snap-revision\":\"1\",\"developer-id\":\"acme\",\"timestamp\":\"2016-12-01T12:00:00Z\"}"
sign rev-nodev snap-revision $R "{\"type\":\"snap-revision\",\"authority-id\":\"testroot\",\"snap-sha3-384\":\"$SHA\",\"snap-id\":\"$A\",\"snap-size\":\"10\",\"snap-revision\":\"1\",\"developer-id\":\"nobody\",\"timestamp\":\"2016-12-01T12:00:00Z\"}"
sign rev-by-acme snap-revision $M "{\"type\":\"snap-revision\",\"authority-id\":\"acme\",\"snap-sha3-384\":\"$SHA\",\"snap-id\":\"$A\",\"snap-size\":\"10\",\"snap-revision\":\"1\",\"developer-id\":\"acme\",\"timestamp\":\"2016-12-01T12:00:00Z\"}"
sign validation validation $M "{\"type\":\"validation\",\"authority-id\":\"acme\",\"series\":\"16\",\"snap-id\":\"$A\",\"approved-snap-id\":\"$B\",\"approved-snap-revision\":\"1\",\"timestamp\":\"2016-12-01T12:00:00Z\"}"
sign akr-nobody account-key-request "$KEYS/test-only-spare.pem" "{\"type\":\"account-key-request\",\"account-id\":\"nobody\",\"name\":\"k\",\"public-key-sha3-384\":\"$SPARE\",\"since\":\"2016-01-01T00:00:00Z\"}" "$TMP/spare.body"
sign akr-acme account-key-request "$KEYS/test-only-spare.pem" "{\"type\":\"account-key-request\",\"account-id\":\"acme\",\"name\":\"k\",\"public-key-sha3-384\":\"$SPARE\",\"since\":\"2016-01-01T00:00:00Z\"}" "$TMP/spare.body"
sign serial-request serial-request "$KEYS/test-only-spare.pem" "{\"type\":\"serial-request\",\"brand-id\":\"acme\",\"model\":\"m\",\"request-id\":\"r\",\"device-key\":$SPAREQ}"

case_ account-not-trusted acc-by-acme
case_ account-key-without-account ak-nobody
case_ account-key-not-trusted ak-by-acme
case_ account-key-same-name ak-same-name
case_ key-revoked-by-until ak-until model-by-spare
case_ timestamp-before-key model-early
case_ revisions model-r3 model-r2 model-r3 model-r4
case_ serial-other-brand serial-other
case_ store-rules store-acme store-nobody store-ok
case_ declaration-rules decl-nobody decl-by-acme decl-a-acme
case_ base-declaration-not-trusted bd-by-acme
case_ revision-without-declaration rev-by-root rev-by-acme
case_ revision-rules decl-a-acme rev-nodev rev-by-acme rev-by-root rev-by-root
case_ validation-no-declarations validation
case_ validation-gating-missing decl-b validation
case_ validation-not-publisher decl-a-root decl-b validation
case_ validation-ok decl-a-acme decl-b validation
case_ account-key-requests akr-nobody akr-acme
case_ serial-request serial-request
echo "regenerated $(ls "$OUT"/*.jsonl | wc -l) cases in $OUT"
