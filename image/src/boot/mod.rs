//! Making a seed bootable (snapd's `boot.MakeBootableImage`, spec `snap-image.md` §7.5):
//! the bootloader the gadget names, its config, the boot variables (grubenv, U-Boot
//! env), and the kernel assets.
//!
//! - UC16/18 ([`core16`]): the gadget's config installed under `image/boot/`, the base and
//!   kernel linked from `image/var/lib/snapd/snaps/` to the seed, the `snap_*` variables,
//!   the kernel assets extracted where the bootloader needs them, and the gadget's
//!   `cloud.conf` as `image/etc/cloud/cloud.cfg`.
//! - UC20+ ([`core20`]): the recovery bootloader on `system-seed/` (for GRUB a recovery
//!   menu of our own, [`RECOVERY_GRUB_CFG`]), its environment naming the system to install,
//!   and the recovery system's kernel and command line.
//!
//! GRUB and U-Boot are supported; android-boot, lk and piboot are detected and refused.

pub mod bootloader;
pub mod cmdline;
pub mod core16;
pub mod core20;
pub mod grubenv;
pub mod ubootenv;

use std::path::{Path, PathBuf};

use thiserror::Error;
use ucore_go_text::quote;
use ucore_snap::SnapType;

use crate::fsio::{self, IoError, at};
use crate::snaps::{SeedContents, SeedSnap};
use crate::tree::PreparedTree;

pub use bootloader::Bootloader;
pub use cmdline::{CmdlineError, GadgetCmdline};
pub use grubenv::{GrubEnv, GrubEnvError};
pub use ubootenv::{UbootEnv, UbootEnvError};

/// The recovery GRUB config UC20+ images get as `system-seed/EFI/ubuntu/grub.cfg`: our own
/// script (not snapd's asset), with the edition header snapd's asset management reads.
pub const RECOVERY_GRUB_CFG: &str = include_str!("grub-recovery.cfg");

/// Why a seed could not be made bootable.
#[derive(Debug, Error)]
pub enum BootError {
    /// The gadget has no bootloader marker file (snapd's text).
    #[error("cannot find boot config in {}", quote(&.0.display().to_string()))]
    NoBootConfig(PathBuf),
    /// The gadget's bootloader is one this crate does not make bootable.
    #[error("cannot make an image bootable with the {0} bootloader yet")]
    Unsupported(&'static str),
    /// The model could not be read.
    #[error("cannot read the model: {0}")]
    Model(#[source] ucore_assertions::Error),
    /// The seed lacks a snap booting needs.
    #[error("the seed has no {0} snap")]
    MissingSnap(&'static str),
    /// More than one recovery system in the seed (snapd's text).
    #[error("cannot make multiple recovery systems bootable yet")]
    MultipleSystems,
    /// A UC20+ gadget with a non-empty `uboot.conf` (snapd's text).
    #[error("non-empty uboot.env not supported on UC20+ yet")]
    NonEmptyUbootConf,
    /// The gadget's kernel command line is refused.
    #[error(
        "cannot obtain recovery system command line: cannot use kernel command line from gadget: {0}"
    )]
    Cmdline(#[source] CmdlineError),
    /// A grubenv could not be written.
    #[error(transparent)]
    GrubEnv(#[from] GrubEnvError),
    /// A U-Boot environment could not be read or written.
    #[error(transparent)]
    UbootEnv(#[from] UbootEnvError),
    /// A file or directory could not be read or written.
    #[error(transparent)]
    Io(#[from] IoError),
}

/// Installs the boot config and variables for `contents` under `tree` (the gadget and
/// kernel already unpacked there, the seed written).
pub fn make_bootable(contents: &SeedContents, tree: &PreparedTree) -> Result<(), BootError> {
    let gadget_dir = tree.gadget_dir();
    let bootloader =
        Bootloader::for_gadget(&gadget_dir).ok_or(BootError::NoBootConfig(gadget_dir))?;
    if !matches!(bootloader, Bootloader::Grub | Bootloader::Uboot) {
        return Err(BootError::Unsupported(bootloader.name()));
    }
    let kernel = contents
        .model_snaps
        .iter()
        .find(|s| s.info.snap_type() == SnapType::Kernel)
        .ok_or(BootError::MissingSnap("kernel"))?;
    match &tree.label {
        None => {
            let model = ucore_assertions::types::Model::from_assertion(&contents.model)
                .map_err(BootError::Model)?;
            let base = match model.base {
                Some(name) => contents.model_snaps.iter().find(|s| s.planned.name == name),
                None => contents
                    .model_snaps
                    .iter()
                    .find(|s| s.info.snap_type() == SnapType::Os),
            }
            .ok_or(BootError::MissingSnap("base"))?;
            let menuentry = model.display_name.unwrap_or(model.model);
            core16::make_bootable16(
                tree,
                bootloader,
                &core16::BootSnaps {
                    base_file: seed_file_name(base),
                    kernel_file: seed_file_name(kernel),
                    menuentry: menuentry.to_string(),
                },
            )
        }
        Some(label) => {
            core20::make_bootable20(tree, bootloader, label, &seed_relative_path(tree, kernel))
        }
    }
}

/// The file name of a model snap in the seed's `snaps/`: `<name>_<revision>.snap`
/// (`x1` for an unasserted snap), as the seed writer names it.
pub(crate) fn seed_file_name(snap: &SeedSnap) -> String {
    format!("{}_{}.snap", snap.planned.name, snap.revision)
}

/// Where a snap is in a UC20+ seed, relative to `system-seed/`: asserted snaps in
/// `snaps/<name>_<revision>.snap`, unasserted ones in the system's
/// `snaps/<name>_<version>.snap`.
fn seed_relative_path(tree: &PreparedTree, snap: &SeedSnap) -> String {
    match (&tree.label, snap.is_asserted()) {
        (Some(label), false) => format!(
            "systems/{label}/snaps/{}_{}.snap",
            snap.planned.name, snap.info.version
        ),
        _ => format!("snaps/{}", seed_file_name(snap)),
    }
}

/// Copies the kernel assets (`kernel.img`, `initrd.img`, `dtbs/`) of the unpacked kernel at
/// `kernel_dir` into `dest`, as snapd extracts them for bootloaders that load the kernel
/// from their own partition; the ones the kernel lacks are skipped.
pub(crate) fn extract_kernel_assets(kernel_dir: &Path, dest: &Path) -> Result<(), BootError> {
    std::fs::create_dir_all(dest).map_err(at("create", dest))?;
    for asset in ["kernel.img", "initrd.img", "dtbs"] {
        let src = kernel_dir.join(asset);
        if std::fs::symlink_metadata(&src).is_err() {
            continue;
        }
        fsio::copy_any(&src, &dest.join(asset), fsio::Mode::Copy)?;
    }
    Ok(())
}

/// Creates the directory holding `path`.
pub(crate) fn create_parent(path: &Path) -> Result<(), BootError> {
    match path.parent() {
        Some(parent) => Ok(std::fs::create_dir_all(parent).map_err(at("create", parent))?),
        None => Ok(()),
    }
}
