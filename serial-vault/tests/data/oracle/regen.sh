#!/usr/bin/env bash
# Regenerates the oracle-made serial-requests (snapd 2.57's own signer, `snapd-oracle sign`)
# that tests/oracle.rs posts to the vault. Needs the oracle: UCORE_ORACLE=/tmp/snapd-oracle
# (built by ../shared/oracle/build.sh). Signatures are pinned with --sig-time so a rerun
# gives byte-identical files.
#
#   UCORE_ORACLE=/tmp/snapd-oracle bash serial-vault/tests/data/oracle/regen.sh
set -euo pipefail
O=${UCORE_ORACLE:?set UCORE_ORACLE to the snapd-oracle binary}
here=$(cd "$(dirname "$0")" && pwd)
key="$(cd "$here/../../../.." && pwd)/test-support/keys/test-only-device.pem"
devkey=$("$O" account-key "$key")
T=1700000000
sign() { # NAME REQUEST-ID SERIAL [BODY_FILE]
    local name=$1 rid=$2 serial=$3 body=${4:-}
    local headers
    headers=$(printf '{"type":"serial-request","brand-id":"acme","model":"acme-device-1","request-id":"%s","device-key":%s%s}' \
        "$rid" "$(printf '%s' "$devkey" | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read()))')" \
        "$( [ -n "$serial" ] && printf ',"serial":"%s"' "$serial")")
    # shellcheck disable=SC2086
    "$O" --sig-time=$T sign serial-request "$key" "$headers" $body > "$here/$name.assert"
}
printf 'serial: ORACLE-BODY-0003\nhardware: {"cpu": "armhf", "mac": "00:11:22:33:44:55"}' > "$here/body.txt"
sign sr-header-serial   0a1b2c3d4e5f60718293a4b5c6d7e8f901234561 ORACLE-0001
sign sr-header-body     0a1b2c3d4e5f60718293a4b5c6d7e8f901234562 ORACLE-0002 "$here/body.txt"
sign sr-body-serial     0a1b2c3d4e5f60718293a4b5c6d7e8f901234563 "" "$here/body.txt"
for f in "$here"/sr-*.assert; do "$O" decode "$f" > "${f%.assert}.decoded.json"; done
echo "regenerated: $(ls "$here"/sr-*.assert | wc -l) serial-requests"
