#!/usr/bin/env bash
# Every figure of docs/perf/store.md in one run, from the repository root:
#   bash benches/store-figures.sh [DEVICES] [SIZE_MIB]
# the refresh and session CPU table (benches/store.rs, without criterion's part),
# DEVICES devices opening sessions at once (1000), and a SIZE_MIB MiB snap (1024) read
# from disk against downloaded through the store (examples/store_load.rs).
set -euo pipefail
devices=${1:-1000}
size_mib=${2:-1024}
cargo build --release --example store_load
cargo bench --bench store -- cpu-only
echo
echo "## ${devices} sessions at once"
target/release/examples/store_load sessions --devices "$devices"
echo
echo "## a ${size_mib} MiB snap"
target/release/examples/store_load download --size-mib "$size_mib"
