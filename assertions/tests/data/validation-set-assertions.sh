#!/bin/sh
# Regenerates validation-set-{base,extra,clash}.assert: the oracle's own test sets
# (/work/shared/oracle/testdata/validation-sets/*.json) signed by snapd's code with the
# oracle's test-only acme key, at a fixed signature time.
set -e
O=${UCORE_ORACLE:-/tmp/snapd-oracle}
T=${ORACLE_TESTDATA:-../shared/oracle/testdata}
for n in base extra clash; do
    "$O" --sig-time=1577836800 sign validation-set "$T/selfmade/acme.pem" \
        "$T/validation-sets/$n.json" > "assertions/tests/data/validation-set-$n.assert"
done
