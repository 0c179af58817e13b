//! Making a seed bootable (snapd's `boot.MakeBootableImage`, spec `snap-image.md` §7.5):
//! the bootloader the gadget names, its config, the boot variables (grubenv, U-Boot
//! env), and the kernel assets.

use thiserror::Error;

use crate::snaps::SeedContents;
use crate::tree::PreparedTree;

/// Why a seed could not be made bootable.
#[derive(Debug, Error)]
pub enum BootError {
    /// Placeholder until the module is written.
    #[error("{0}")]
    Other(String),
}

/// Installs the boot config and variables for `contents` under `tree` (the gadget and
/// kernel already unpacked there).
pub fn make_bootable(_contents: &SeedContents, _tree: &PreparedTree) -> Result<(), BootError> {
    unimplemented!("make_bootable")
}
