#!/bin/sh
# Regenerates the .snap goldens of snap/tests/squashfs_read.rs and snap/tests/pack_*.rs:
# small snaps made by snapd's own `snap pack` and by mksquashfs with other options, and
# what snapd's reader (`snapd-oracle snap-file`) and `unsquashfs -lln` say of them.
#
#   snap/tests/data/files/regenerate.sh            (needs /tmp/snapd-snap, /tmp/snapd-oracle
#                                                   and squashfs-tools 4.5.1; run as root so
#                                                   that owners other than root can be set)
#
# The trees are built here (git keeps no modes or owners). Each pack has a new mtime, so
# regenerating changes the .snap bytes and digests: commit them together.
set -eu
here=${GOLDEN_DIR:-$(cd "$(dirname "$0")" && pwd)}
SNAP=${SNAPD_SNAP:-/tmp/snapd-snap}
ORACLE=${UCORE_ORACLE:-/tmp/snapd-oracle}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The sample tree: apps, a hook, nested dirs, modes, a symlink, an empty file, a
# multi-block file, and names snap pack excludes.
tree() {
    d=$1
    mkdir -p "$d/meta/hooks" "$d/bin" "$d/lib/deep/er" "$d/.git" "$d/empty-dir"
    cat > "$d/meta/snap.yaml" <<'YAML'
name: sample
version: 1.0
summary: a sample snap
description: used by ucore-snap's tests
architectures: [amd64]
apps:
  hello:
    command: bin/hello
  svc:
    command: bin/hello --serve
    daemon: simple
YAML
    printf '#!/bin/sh\necho hello\n' > "$d/bin/hello"
    chmod 0755 "$d/bin/hello"
    printf '#!/bin/sh\nexit 0\n' > "$d/meta/hooks/configure"
    chmod 0755 "$d/meta/hooks/configure"
    ln -s hello "$d/bin/hi"
    ln -s ../../bin/hello "$d/lib/deep/up"
    : > "$d/lib/empty"
    printf 'secret\n' > "$d/lib/private"
    chmod 0600 "$d/lib/private"
    chmod 4755 "$d/bin/hello"
    # 140000 bytes: two data blocks, the last partial.
    awk 'BEGIN { for (i = 0; i < 14000; i++) printf "%09d\n", (i % 100 == 0 ? i : 0) }' > "$d/lib/deep/er/big.txt"
    printf 'x' > "$d/lib/deep/er/small"
    printf 'ignored\n' > "$d/.git/config"
    printf 'ignored\n' > "$d/lib/notes.txt~"
    printf 'ignored\n' > "$d/lib/old.snap"
    chown 1000:1000 "$d/lib/deep/er/small" 2>/dev/null || true
}

tree "$work/sample"
# snapd's snap pack (xz, no fragments, all root, no xattrs, 4 KiB padding)
"$SNAP" pack "$work/sample" "$work" >/dev/null
cp "$work/sample_1.0_amd64.snap" "$here/sample_1.0_amd64.snap"
# the same tree with fragments and owners kept, gzip (another compressor, fragments read)
mksquashfs "$work/sample" "$here/sample-gzip-fragments.snap" -noappend -comp gzip -no-progress -no-xattrs >/dev/null
# and xz with fragments, uncompressed inodes (other layouts of the tables)
mksquashfs "$work/sample" "$here/sample-xz-noI.snap" -noappend -comp xz -no-progress -no-xattrs -noI >/dev/null
# snap pack --compression lzo
"$SNAP" pack --compression lzo "$work/sample" "$work/lzo" >/dev/null
cp "$work/lzo/sample_1.0_amd64.snap" "$here/sample-lzo.snap"
# metadata uncompressed: the base of the hand-made hostile images of squashfs_hostile.rs
mksquashfs "$work/sample" "$here/sample-uncompressed.snap" -noappend -comp xz -no-progress -no-xattrs -no-fragments -all-root -noI -noId >/dev/null

for f in sample_1.0_amd64 sample-gzip-fragments sample-xz-noI sample-uncompressed sample-lzo; do
    (cd "$work" && TZ=UTC unsquashfs -no-progress -dest . -lln "$here/$f.snap") > "$here/$f.unsquashfs-lln"
    "$ORACLE" snap-file "$here/$f.snap" > "$here/$f.oracle.json" || true
done
echo "regenerated in $here"
