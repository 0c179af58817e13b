#!/bin/sh
# Regenerates the policy goldens from cases.py with the oracle (snapd 2.57):
#     UCORE_ORACLE=/tmp/snapd-oracle assertions/tests/data/policy/regenerate.sh
set -eu
cd "$(dirname "$0")"
O="${UCORE_ORACLE:-/tmp/snapd-oracle}" KEY="${ACME_PEM:-/work/shared/oracle/testdata/selfmade/acme.pem}" \
    python3 regenerate.py
