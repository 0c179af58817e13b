//! Files of a seed: snap files moved (or, from outside the staging directory, copied)
//! into place, metadata files created with mode 0644, directories with 0755, assertion
//! streams and the names of single assertion files.

use std::fs::{self, DirBuilder, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use ucore_assertions::{AssertionAccess, AssertionType, Encoder};

use super::SeedError;
use crate::snaps::SeedSnap;

fn io<'a>(op: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> SeedError + 'a {
    move |source| SeedError::Io {
        op,
        path: path.to_path_buf(),
        source,
    }
}

/// `mkdir -p` with mode 0755.
pub(super) fn make_dirs(dir: &Path) -> Result<(), SeedError> {
    DirBuilder::new()
        .recursive(true)
        .mode(0o755)
        .create(dir)
        .map_err(io("create directory", dir))
}

/// Moves `snap`'s file to `dst` (a rename when it is staged under `staging`, a copy
/// otherwise: a local file given by the user stays), mode 0644; `snap.file` follows.
pub(super) fn place_snap(
    snap: &mut SeedSnap,
    dst: PathBuf,
    staging: &Path,
) -> Result<(), SeedError> {
    if snap.file.starts_with(staging) {
        fs::rename(&snap.file, &dst).map_err(io("move snap file to", &dst))?;
    } else {
        fs::copy(&snap.file, &dst).map_err(io("copy snap file to", &dst))?;
    }
    fs::set_permissions(&dst, fs::Permissions::from_mode(0o644))
        .map_err(io("set the mode of", &dst))?;
    snap.file = dst;
    Ok(())
}

/// Creates `path` (it must not exist) with mode 0644.
pub(super) fn create_new(path: &Path) -> Result<File, SeedError> {
    let f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o644)
        .open(path)
        .map_err(io("create", path))?;
    f.set_permissions(fs::Permissions::from_mode(0o644))
        .map_err(io("set the mode of", path))?;
    Ok(f)
}

/// Writes `bytes` to a new file `path`, mode 0644.
pub(super) fn write_new(path: &Path, bytes: &[u8]) -> Result<(), SeedError> {
    let mut f = create_new(path)?;
    f.write_all(bytes).map_err(io("write", path))
}

/// Writes a stream of `assertions` (snapd's `Encoder`) to a new file `path`.
pub(super) fn write_stream<'a, A: AssertionAccess + 'a>(
    path: &Path,
    assertions: impl IntoIterator<Item = &'a A>,
) -> Result<(), SeedError> {
    let mut enc = Encoder::new(create_new(path)?);
    for a in assertions {
        enc.encode(a).map_err(|source| SeedError::Encode {
            path: path.to_path_buf(),
            source: Box::new(source),
        })?;
    }
    enc.into_inner().flush().map_err(io("write", path))
}

/// The file name of one assertion in a UC16/18 seed: `model`, or
/// `<reduced primary key joined with ",">.<type>`.
pub(super) fn assertion_file_name(a: &impl AssertionAccess) -> String {
    let t = a.assertion_type();
    if t == AssertionType::Model {
        return "model".to_string();
    }
    let key = a.primary_key();
    let reduced = ucore_store_client::client::reduce_primary_key(t, &key);
    format!("{}.{}", reduced.join(","), t.name())
}
