#!/usr/bin/env bash
# Regenerates tests/data/policy-decisions/golden/*.json: 400 generated policy cases (fixed
# seed; tests/policy_decisions/cases.rs) each decided by snapd 2.57's interfaces/policy
# (the oracle's `policy install|connect|auto-connect`) with our own small base-declaration
# (tests/data/policy-decisions/small-base-declaration.txt). The test `goldens_match` then
# compares ucore with them, without Go.
#   UCORE_ORACLE=/tmp/snapd-oracle bash tests/data/policy-decisions/regenerate.sh
set -euo pipefail
cd "$(dirname "$0")/../../.."
: "${UCORE_ORACLE:=/tmp/snapd-oracle}"
test -x "$UCORE_ORACLE" || { echo "no oracle at $UCORE_ORACLE (bash ../shared/oracle/build.sh)" >&2; exit 2; }
export UCORE_ORACLE
cargo test -q --test policy_oracle -- --ignored --exact regenerate_goldens
ls tests/data/policy-decisions/golden/*.json | wc -l
