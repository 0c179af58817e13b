#!/usr/bin/env bash
# snap.yaml reading and validation: ucore against snapd 2.57's own code, measured in one run on
# the same files. snapd's side is benches/oracle-snap-yaml (snap.InfoFromSnapYaml with the
# builtin plugs/slots sanitizer, then snap.Validate, in a loop inside one Go process); ucore's
# is the `snap` example's hidden `bench-yaml` command (Info::from_yaml, then validate, in a
# loop). Both run ROUNDS alternating times per file; the medians are compared.
# usage: [ROUNDS=5] benches/compare-snap-yaml.sh
# Needs Go and Debian's snapd sources (../shared/oracle/build.sh installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/alternate.sh
oracle_bench=${TMPDIR:-/tmp}/oracle-snap-yaml
GO111MODULE=off GOPATH=/usr/share/gocode GOFLAGS= GOPROXY=off \
    GOCACHE=${GOCACHE:-/tmp/snapd-oracle-gocache} go build -o "$oracle_bench" ./benches/oracle-snap-yaml
cargo build --release -q --example snap
ours=target/release/examples/snap
printf '%-44s %6s %12s %12s %8s\n' file bytes "oracle ns/op" "ucore ns/op" ratio
for spec in "snap/tests/data/bench/app.yaml 20000" \
            "snap/tests/data/bench/core.yaml 50000" \
            "snap/tests/data/bench/large.yaml 2000"; do
    set -- $spec
    [ -f "$1" ] || continue
    alternate "$oracle_bench $1 $2" "$ours bench-yaml $1 $2"
    printf '%-44s %6s %12.0f %12.0f %7.1fx\n' "$1" "$(stat -c %s "$1")" "$o" "$u" "$(python3 -c "print($o/$u)")"
done
