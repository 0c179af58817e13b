#!/usr/bin/env bash
# CI for ucore-store: its tests and clippy with every feature, with a throwaway PostgreSQL
# cluster, so that the database suite (store/tests/db_behaviour.rs) runs against SQLite
# and PostgreSQL. The cluster is serial-vault/ci.sh's (installed from Debian when missing,
# 127.0.0.1 on a free port, trust auth, removed on exit); its URL is exported as
# UCORE_STORE_PG_URL (each test case makes its own schema in that database).
#
#   bash store/ci.sh                  # tests + clippy, every feature, with PostgreSQL
#   bash store/ci.sh --with-pg CMD…   # only run CMD with UCORE_STORE_PG_URL set, e.g.
#                                     # `cargo test -p ucore-store --features postgres`
set -euo pipefail
cd "$(dirname "$0")/.."

# Runs "$@" in the cluster's environment, with the store's name for its URL.
with_pg() {
    bash serial-vault/ci.sh --with-pg \
        bash -c 'export UCORE_STORE_PG_URL="$UCORE_POSTGRES_URL"; exec "$@"' store/ci.sh "$@"
}

if [ "${1:-}" = --with-pg ]; then
    shift
    with_pg "$@"
    exit $?
fi

# PostgreSQL tests fail (instead of printing a notice) when the URL is missing.
export UCORE_REQUIRE_TOOLS=1
with_pg cargo test -p ucore-store --all-features
cargo clippy -p ucore-store --all-targets --all-features -- -D warnings
