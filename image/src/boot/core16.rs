//! UC16/18 (snapd's `makeBootable16`), in `OUT/image`:
//!
//! 1. the gadget's config: GRUB's `grub.conf` as `boot/grub/grub.cfg`; U-Boot's
//!    non-empty `uboot.conf` as `boot/uboot/uboot.env`, or a fresh 4096-byte environment
//!    there when it is empty;
//! 2. `var/lib/snapd/snaps/<base|kernel file>`: relative links to `../seed/snaps/<file>`;
//! 3. the kernel assets: GRUB extracts them to `boot/grub/<kernel file>/` only when the
//!    kernel has `meta/force-kernel-extraction`, U-Boot always to `boot/uboot/<kernel file>/`;
//! 4. the boot variables `snap_mode`, `snap_try_core`, `snap_try_kernel` (empty),
//!    `snap_menuentry` (the model's display name), `snap_core`, `snap_kernel`; U-Boot
//!    drops the empty ones, as snapd's `Set` does;
//! 5. the gadget's `cloud.conf`, if any, as `etc/cloud/cloud.cfg` (spec §7.3 step 15).

use std::path::Path;

use super::{BootError, Bootloader, GrubEnv, UbootEnv, create_parent, extract_kernel_assets};
use crate::fsio::{self, at};
use crate::tree::PreparedTree;

/// The boot snaps of a UC16/18 image, as the variables name them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BootSnaps {
    /// The base's file in the seed (`core_1.snap`, `core18_7.snap`).
    pub base_file: String,
    /// The kernel's file in the seed.
    pub kernel_file: String,
    /// The model's display name (its name when it has none).
    pub menuentry: String,
}

/// Makes the UC16/18 `image/` of `tree` bootable with `bootloader` (GRUB or U-Boot).
pub fn make_bootable16(
    tree: &PreparedTree,
    bootloader: Bootloader,
    snaps: &BootSnaps,
) -> Result<(), BootError> {
    let root = tree.image_root();
    let gadget_dir = tree.gadget_dir();
    let kernel_dir = tree.kernel_dir();

    // The boot snaps, linked from the blob directory to the seed.
    let blobs = root.join("var/lib/snapd/snaps");
    std::fs::create_dir_all(&blobs).map_err(at("create", &blobs))?;
    for file in [&snaps.base_file, &snaps.kernel_file] {
        let link = blobs.join(file);
        std::os::unix::fs::symlink(Path::new("../seed/snaps").join(file), &link)
            .map_err(at("symlink", &link))?;
    }

    let vars = [
        ("snap_mode", ""),
        ("snap_try_core", ""),
        ("snap_try_kernel", ""),
        ("snap_menuentry", snaps.menuentry.as_str()),
        ("snap_core", snaps.base_file.as_str()),
        ("snap_kernel", snaps.kernel_file.as_str()),
    ];
    match bootloader {
        Bootloader::Grub => {
            let dir = root.join("boot/grub");
            let cfg = dir.join("grub.cfg");
            create_parent(&cfg)?;
            fsio::copy_entry(&gadget_dir.join("grub.conf"), &cfg, fsio::Mode::Copy)?;
            if kernel_dir.join("meta/force-kernel-extraction").exists() {
                extract_kernel_assets(&kernel_dir, &dir.join(&snaps.kernel_file))?;
            }
            let mut env = GrubEnv::new();
            for (k, v) in vars {
                env.set(k, v);
            }
            env.save(&dir.join("grubenv"))?;
        }
        Bootloader::Uboot => {
            let dir = root.join("boot/uboot");
            let env_file = dir.join("uboot.env");
            create_parent(&env_file)?;
            let conf = gadget_dir.join("uboot.conf");
            let conf_len = std::fs::metadata(&conf).map_err(at("stat", &conf))?.len();
            let mut env = if conf_len == 0 {
                UbootEnv::new(super::ubootenv::DEFAULT_SIZE)
            } else {
                fsio::copy_entry(&conf, &env_file, fsio::Mode::Copy)?;
                UbootEnv::load(&env_file, true)?
            };
            extract_kernel_assets(&kernel_dir, &dir.join(&snaps.kernel_file))?;
            for (k, v) in vars {
                env.set(k, v);
            }
            env.save(&env_file)?;
        }
        other => return Err(BootError::Unsupported(other.name())),
    }

    let cloud = gadget_dir.join("cloud.conf");
    if cloud.exists() {
        let dst = root.join("etc/cloud/cloud.cfg");
        fsio::copy_entry(&cloud, &dst, fsio::Mode::Copy)?;
    }
    Ok(())
}
