//! Writing a seed: UC16/18 (`seed.yaml`, `snaps/`, one file per assertion) and UC20+
//! (`systems/LABEL/` with `model`, `assertions/`, `options.yaml`, and the shared
//! `snaps/`), as snapd's seed writer lays them out (spec `snap-image.md` §4, §5, §6.9);
//! and reading one back as snapd's first boot does.

pub mod read;

use thiserror::Error;

use crate::snaps::SeedContents;
use crate::tree::PreparedTree;

/// Why a seed could not be written.
#[derive(Debug, Error)]
pub enum SeedError {
    /// Placeholder until the module is written.
    #[error("{0}")]
    Other(String),
}

/// Writes `contents` as the seed of `tree`: moves each staged snap file into place (its
/// `file` is updated) and writes the metadata.
pub fn write(_contents: &mut SeedContents, _tree: &PreparedTree) -> Result<(), SeedError> {
    unimplemented!("seed::write")
}
