//! UC20+ (snapd's `makeBootable20` and `MakeRecoverySystemBootable`), in
//! `OUT/system-seed` (the ubuntu-seed partition):
//!
//! 1. one recovery system only (`systems/*`);
//! 2. the recovery bootloader: GRUB gets [`RECOVERY_GRUB_CFG`](super::RECOVERY_GRUB_CFG)
//!    as `EFI/ubuntu/grub.cfg` (the gadget's `grub.conf` is only a marker); U-Boot needs
//!    an empty `uboot.conf` and gets a 4096-byte `uboot/ubuntu/boot.sel`;
//! 3. the recovery environment (`EFI/ubuntu/grubenv` or `boot.sel`):
//!    `snapd_recovery_mode=install`, `snapd_recovery_system=<label>`;
//! 4. the recovery system: GRUB writes `systems/<label>/grubenv` with
//!    `snapd_recovery_kernel=/<kernel path in the seed>` and the gadget's command line
//!    (`snapd_extra_cmdline_args`, `snapd_full_cmdline_args`); U-Boot instead gets the kernel
//!    assets extracted into `systems/<label>/kernel/`.

use super::{BootError, Bootloader, GrubEnv, UbootEnv, cmdline, create_parent};
use crate::fsio::at;
use crate::tree::PreparedTree;

/// Makes the UC20+ seed of `tree` (recovery system `label`) bootable with `bootloader`;
/// `kernel_path` is the kernel snap's path relative to `system-seed/`.
pub fn make_bootable20(
    tree: &PreparedTree,
    bootloader: Bootloader,
    label: &str,
    kernel_path: &str,
) -> Result<(), BootError> {
    let root = tree.seed_dir();
    let systems = root.join("systems");
    let count = std::fs::read_dir(&systems)
        .map_err(at("list", &systems))?
        .count();
    if count > 1 {
        return Err(BootError::MultipleSystems);
    }
    let system_dir = systems.join(label);
    let gadget_dir = tree.gadget_dir();
    let recovery = [
        ("snapd_recovery_mode", "install"),
        ("snapd_recovery_system", label),
    ];
    match bootloader {
        Bootloader::Grub => {
            let cfg = root.join("EFI/ubuntu/grub.cfg");
            create_parent(&cfg)?;
            std::fs::write(&cfg, super::RECOVERY_GRUB_CFG).map_err(at("write", &cfg))?;
            let mut env = GrubEnv::new();
            for (k, v) in recovery {
                env.set(k, v);
            }
            env.save(&root.join("EFI/ubuntu/grubenv"))?;

            let line = cmdline::from_gadget(&gadget_dir).map_err(BootError::Cmdline)?;
            let mut system = GrubEnv::new();
            system.set("snapd_recovery_kernel", &format!("/{kernel_path}"));
            system.set("snapd_extra_cmdline_args", &line.extra);
            system.set("snapd_full_cmdline_args", &line.full);
            let system_env = system_dir.join("grubenv");
            create_parent(&system_env)?;
            system.save(&system_env)?;
        }
        Bootloader::Uboot => {
            let conf = gadget_dir.join("uboot.conf");
            let conf_len = std::fs::metadata(&conf).map_err(at("stat", &conf))?.len();
            if conf_len != 0 {
                return Err(BootError::NonEmptyUbootConf);
            }
            let sel = root.join("uboot/ubuntu/boot.sel");
            create_parent(&sel)?;
            let mut env = UbootEnv::new(super::ubootenv::DEFAULT_SIZE);
            for (k, v) in recovery {
                env.set(k, v);
            }
            env.save(&sel)?;
            super::extract_kernel_assets(&tree.kernel_dir(), &system_dir.join("kernel"))?;
        }
        other => return Err(BootError::Unsupported(other.name())),
    }
    Ok(())
}
