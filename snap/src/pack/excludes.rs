//! The names `snap pack` leaves out (`pack.go`'s exclude list, in mksquashfs `-wildcards`
//! syntax: a bare name matches at the top level only, `... PATTERN` anywhere).

use std::io::Write;

/// The exclude file's contents, byte for byte as snapd writes it.
pub const EXCLUDES_CONTENT: &str = "
# \"anchored\", only match at top level
DEBIAN
.arch-ids
.arch-inventory
.bzr
.bzr-builddeb
.bzr.backup
.bzr.tags
.bzrignore
.cvsignore
.git
.gitattributes
.gitignore
.gitmodules
.hg
.hgignore
.hgsigs
.hgtags
.shelf
.svn
CVS
DEADJOE
RCS
_MTN
_darcs
{arch}
.snapignore

# \"non-anchored\", match anywhere
... .[#~]*
... *.snap
... *.click
... .*.sw?
... *~
... ,,*
";

/// Writes [`EXCLUDES_CONTENT`] to a new temporary file `.snap-pack-exclude-*` (removed when
/// the returned handle drops), as snapd's `excludesFile` does.
pub fn write_excludes_file() -> std::io::Result<tempfile::NamedTempFile> {
    let mut f = tempfile::Builder::new()
        .prefix(".snap-pack-exclude-")
        .tempfile()?;
    f.write_all(EXCLUDES_CONTENT.as_bytes())?;
    f.flush()?;
    Ok(f)
}
