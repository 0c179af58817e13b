#!/usr/bin/env bash
# CI for ucore-serial, called by .ci/run. Runs the crate's tests (the vault API error
# paths, the device library, the 1 000-registration load test on SQLite) and a small
# factory run. PostgreSQL is not needed yet: the PostgreSQL store, the two-process test
# and the SIGKILL crash test are not written (see serial/README.md), so nothing is
# installed or started here. Runtime: about 3 minutes on 2 cores with a warm target/.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test -p ucore-serial
cargo clippy -p ucore-serial --all-targets -- -D warnings
# The factory job end to end (2048-bit keys to keep key generation short on a cold cache).
cargo run --release --example factory -- --devices 50 --key-bits 2048 --quiet \
    --cache "${TMPDIR:-/tmp}/ucore-factory-ci-keys"
