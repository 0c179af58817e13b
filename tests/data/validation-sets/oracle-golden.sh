#!/usr/bin/env bash
# Regenerates tests/data/validation-sets/golden/*.json: every named case (the oracle's own
# testdata, spec §9.2–§9.4) and 200 generated ones (fixed seed), each signed with the
# test-only acme key at a fixed time and run through snapd 2.57's snapasserts (the oracle's
# `validation-sets`). The test `goldens_match` then compares ucore with them, without Go.
#   UCORE_ORACLE=/tmp/snapd-oracle bash tests/data/validation-sets/oracle-golden.sh
set -euo pipefail
cd "$(dirname "$0")/../../.."
: "${UCORE_ORACLE:=/tmp/snapd-oracle}"
test -x "$UCORE_ORACLE" || { echo "no oracle at $UCORE_ORACLE (bash ../shared/oracle/build.sh)" >&2; exit 2; }
export UCORE_ORACLE
cargo test -q --test validation_sets_oracle -- --ignored --exact regenerate_goldens
ls tests/data/validation-sets/golden/*.json | wc -l
