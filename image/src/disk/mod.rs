//! Disk images: each gadget volume laid out (ucore-gadget-yaml), its partition table
//! written, its filesystems made (vfat in-process, ext4 with `mkfs.ext4 -d`), filled with
//! the gadget content and the seed, and raw content placed at its offsets.

use std::path::PathBuf;

use thiserror::Error;
use ucore_assertions::Assertion;

use crate::progress::Progress;
use crate::tree::PreparedTree;

/// Why a disk image could not be written.
#[derive(Debug, Error)]
pub enum DiskError {
    /// Placeholder until the module is written.
    #[error("{0}")]
    Other(String),
}

/// A written volume image.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct VolumeImage {
    /// The gadget volume's name.
    pub volume: String,
    /// The image file.
    pub path: PathBuf,
    /// Its size in bytes.
    pub size: u64,
}

/// Validates the unpacked gadget against the model and writes the resolved content of
/// its filesystem structures (spec §7.3 steps 12–13).
pub fn write_resolved_content(_model: &Assertion, _tree: &PreparedTree) -> Result<(), DiskError> {
    unimplemented!("write_resolved_content")
}

/// Writes one image per gadget volume into the output directory.
pub fn write_disk_images(
    _model: &Assertion,
    _tree: &PreparedTree,
    _progress: &dyn Progress,
) -> Result<Vec<VolumeImage>, DiskError> {
    unimplemented!("write_disk_images")
}
