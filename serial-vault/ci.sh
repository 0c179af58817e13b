#!/usr/bin/env bash
# CI for ucore-serial, called by .ci/run (as root). Installs PostgreSQL from Debian when it
# is missing, starts a throwaway cluster as the `postgres` user in a temporary directory
# (127.0.0.1, a free port, trust auth), exports UCORE_POSTGRES_URL and runs the crate's
# tests with every feature: the vault API error paths, the device library, the 1 000
# registration load tests on SQLite and PostgreSQL, two vault processes on one PostgreSQL
# database, the SIGKILL crash tests, and the oracle compatibility tests. The cluster is
# stopped and removed on exit. Runtime: about 3 minutes on 2 cores with a warm target/.
#
#   bash serial-vault/ci.sh                  # everything
#   bash serial-vault/ci.sh --with-pg CMD…   # only run CMD with UCORE_POSTGRES_URL set, e.g.
#                                      # `cargo test --workspace --all-features`
#   bash serial-vault/ci.sh --pg-only        # start the cluster, print the URL, wait (Ctrl-C)
set -euo pipefail
cd "$(dirname "$0")/.."

# ---- PostgreSQL ------------------------------------------------------------------------
pg_bin() {
    local d
    for d in /usr/lib/postgresql/*/bin; do
        [ -x "$d/initdb" ] && { echo "$d"; return 0; }
    done
    return 1
}

if ! PGBIN=$(pg_bin); then
    if [ "$(id -u)" != 0 ]; then
        echo "ci.sh: PostgreSQL is not installed and this is not root" >&2
        exit 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    PGBIN=$(pg_bin)
fi

# The server refuses to run as root: run it as `postgres` (created by the package), or as
# the calling user when that is not root.
if [ "$(id -u)" = 0 ]; then
    as_pg() { runuser -u postgres -- "$@"; }
else
    as_pg() { "$@"; }
fi

PGTMP=$(mktemp -d "${TMPDIR:-/tmp}/ucore-pg.XXXXXX")
chmod 755 "$PGTMP"
[ "$(id -u)" = 0 ] && chown postgres: "$PGTMP"
stop_pg() {
    as_pg "$PGBIN/pg_ctl" -D "$PGTMP/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PGTMP"
}
trap stop_pg EXIT

free_port() {
    local p
    for _ in $(seq 1 50); do
        p=$(( 20000 + RANDOM % 30000 ))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return 0
        fi
    done
    return 1
}
PGPORT=$(free_port)
as_pg "$PGBIN/initdb" -D "$PGTMP/data" -U postgres --auth=trust -E UTF8 --no-locale >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGTMP -c max_connections=200" start >/dev/null
as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres ucore_serial
export UCORE_POSTGRES_URL="postgres://postgres@127.0.0.1:$PGPORT/ucore_serial"
echo "ci.sh: PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') at $UCORE_POSTGRES_URL"

case "${1:-}" in
    --pg-only)
        echo "ci.sh: Ctrl-C stops the cluster"
        sleep infinity
        ;;
    --with-pg)
        shift
        "$@"
        exit $?
        ;;
esac

# ---- tests -----------------------------------------------------------------------------
# PostgreSQL tests fail (instead of printing a notice) when the URL is missing.
export UCORE_REQUIRE_TOOLS=1
# The sync kill tests run the `vault` example (a target of the root package).
cargo build --example vault --features postgres
cargo test -p ucore-serial -p ucore-serial-vault --all-features
cargo clippy -p ucore-serial -p ucore-serial-vault --all-targets --all-features -- -D warnings
# The factory job end to end (2048-bit keys to keep key generation short on a cold cache).
cargo run --release --example factory -- --devices 50 --key-bits 2048 --quiet \
    --cache "${TMPDIR:-/tmp}/ucore-factory-ci-keys"
