#!/usr/bin/env bash
# Decoding speed of ucore against snapd's own decoder (the oracle), measured in one run on the
# same files: `assertions bench` and `snapd-oracle bench` decode each stream N times.
# usage: [ROUNDS=5] benches/compare-oracle.sh [ORACLE]   (default: $UCORE_ORACLE or ../shared/oracle/build.sh)
# Prints the median ns/op of each over ROUNDS alternating runs, and their ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/alternate.sh
oracle=${1:-${UCORE_ORACLE:-$(bash ../shared/oracle/build.sh | tail -n 1)}}
cargo build --release -q --example assertions
ours=target/release/examples/assertions
# The oracle (2.57) rejects 9 of the real models (tests/golden/assertions/DIFFERENCES.md): the
# stream for the comparison holds only the models both decode.
accepted=$(mktemp); trap 'rm -f "$accepted"' EXIT
first=1
for f in tests/data/assertions/canonical-models/*.model; do
    [ -s "$f" ] && "$oracle" decode "$f" >/dev/null 2>&1 || continue
    [ $first = 1 ] || printf '\n' >>"$accepted"
    first=0
    cat "$f" >>"$accepted"
done
printf '%-44s %12s %12s %8s\n' file "oracle ns/op" "ucore ns/op" ratio
for spec in "tests/data/assertions/selfmade/model.assert 100000" \
            "tests/data/assertions/trust/canonical-root-account-key.assert 50000" \
            "tests/data/ubuntu-core-22-amd64.model 100000" \
            "$accepted 500"; do
    set -- $spec
    alternate "$oracle bench $1 $2" "$ours bench $1 $2"
    name=$1; [ "$1" = "$accepted" ] && name="stream of the $(grep -c '^type: model' "$accepted") models both accept"
    printf '%-44s %12s %12s %7.1fx\n' "$name" "$o" "$u" "$(python3 -c "print($o/$u)")"
done
