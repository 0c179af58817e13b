//! Which bootloader a gadget uses (snapd's `bootloader.ForGadget`): the first of `uboot`,
//! `grub`, `androidboot`, `lk`, `piboot` whose marker file `<name>.conf` is in the unpacked
//! gadget's root.

use std::path::Path;

/// A bootloader snapd knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bootloader {
    /// U-Boot (`uboot.conf`).
    Uboot,
    /// GRUB (`grub.conf`).
    Grub,
    /// Android boot (`androidboot.conf`).
    AndroidBoot,
    /// Little Kernel (`lk.conf`).
    Lk,
    /// Raspberry Pi boot (`piboot.conf`).
    Piboot,
}

impl Bootloader {
    /// snapd's order of detection.
    pub const ALL: [Bootloader; 5] = [
        Bootloader::Uboot,
        Bootloader::Grub,
        Bootloader::AndroidBoot,
        Bootloader::Lk,
        Bootloader::Piboot,
    ];

    /// snapd's name of the bootloader (its marker file is `<name>.conf`).
    pub fn name(self) -> &'static str {
        match self {
            Bootloader::Uboot => "uboot",
            Bootloader::Grub => "grub",
            Bootloader::AndroidBoot => "androidboot",
            Bootloader::Lk => "lk",
            Bootloader::Piboot => "piboot",
        }
    }

    /// The marker file name.
    pub fn marker(self) -> String {
        format!("{}.conf", self.name())
    }

    /// The bootloader whose marker `gadget_dir` holds, if any.
    pub fn for_gadget(gadget_dir: &Path) -> Option<Bootloader> {
        Bootloader::ALL
            .into_iter()
            .find(|b| gadget_dir.join(b.marker()).exists())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uboot_wins_over_grub_and_nothing_is_none() {
        let d = tempfile::tempdir().unwrap();
        assert_eq!(Bootloader::for_gadget(d.path()), None);
        std::fs::write(d.path().join("grub.conf"), "").unwrap();
        assert_eq!(Bootloader::for_gadget(d.path()), Some(Bootloader::Grub));
        std::fs::write(d.path().join("uboot.conf"), "").unwrap();
        assert_eq!(Bootloader::for_gadget(d.path()), Some(Bootloader::Uboot));
    }
}
