#!/bin/sh
# Regenerates the generated rule-compiler differential (assertions/tests/policy_gen.rs):
# cases.stream from the test's deterministic generator, and expected.jsonl, snapd 2.57's
# `policy compile` of it (the oracle: UCORE_ORACLE, default /tmp/snapd-oracle).
set -eu
cd "$(dirname "$0")"
O=${UCORE_ORACLE:-/tmp/snapd-oracle}
UCORE_POLICY_GEN_WRITE=1 cargo test -q -p ucore-assertions --test policy_gen -- committed_cases_are_the_generators
"$O" policy compile cases.stream > expected.jsonl
