#!/bin/sh
# Regenerates list.rs, the SPDX identifiers snapd 2.57 accepts, from snapd's sources:
#   sh snap/src/license/gen-list.sh > snap/src/license/list.rs
# (SNAPD=/path/to/snapd to read another checkout). Only the identifier strings of
# spdx/licenses.go's `allLicenses` and `licenseExceptions` are taken, sorted bytewise.
set -eu
SNAPD=${SNAPD:-/usr/share/gocode/src/github.com/snapcore/snapd}
SRC="$SNAPD/spdx/licenses.go"

ids() {
    # The quoted strings between `var $1 = []string{` and the closing `}`.
    awk -v var="$1" '
        $0 ~ "^var " var " = \\[\\]string\\{" { on = 1; next }
        on && /^}/ { exit }
        on && match($0, /"[^"]*"/) { print substr($0, RSTART + 1, RLENGTH - 2) }
    ' "$SRC" | LC_ALL=C sort -u
}

emit() {
    printf '/// %s\npub(super) const %s: &[&str] = &[\n' "$2" "$1"
    ids "$3" | sed 's/.*/    "&",/'
    printf '];\n'
}

cat <<HEADER
//! The SPDX identifiers snapd 2.57 knows (SPDX license list 3.11, 2020-11-25, plus the
//! store's \`Proprietary\`), as facts: generated from snapd's \`spdx/licenses.go\`
//! (\`allLicenses\`, \`licenseExceptions\`) by \`sh snap/src/license/gen-list.sh >
//! snap/src/license/list.rs\`. Sorted bytewise for binary search; do not edit by hand.

HEADER
emit LICENSES "License identifiers (\`allLicenses\`)." allLicenses
printf '\n'
emit EXCEPTIONS "License exception identifiers (\`licenseExceptions\`)." licenseExceptions
