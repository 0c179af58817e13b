//! Unpacking a snap file into a directory (`unsquashfs -n -f -d DIR SNAP`), with
//! ucore-snap's squashfs reader.

use std::path::Path;

use thiserror::Error;

/// Why a snap could not be unpacked.
#[derive(Debug, Error)]
pub enum UnpackError {
    /// Placeholder until the module is written.
    #[error("{0}")]
    Other(String),
}

/// Unpacks every member of the snap at `snap` into `dest`.
pub fn unpack(_snap: &Path, _dest: &Path) -> Result<(), UnpackError> {
    unimplemented!("unpack")
}
