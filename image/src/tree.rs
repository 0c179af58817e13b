//! Where things go in the output directory: the tree `snap prepare-image` writes, and
//! the disk images beside it.
//!
//! | path under OUT | UC16/18 | UC20+ |
//! |---|---|---|
//! | `image/var/lib/snapd/seed/` | the seed | — |
//! | `image/var/lib/snapd/snaps/` | links to the base and kernel | — |
//! | `image/boot/grub/` (or `boot/uboot/`) | boot config and variables | — |
//! | `system-seed/` | — | the seed (`snaps/`, `systems/LABEL/`), recovery bootloader |
//! | `gadget/`, `kernel/` | unpacked snaps | unpacked snaps |
//! | `resolved-content/VOLUME/partN/` | gadget content of filesystem structures | same; `system-seed`'s is a link to `system-seed/` |
//! | `VOLUME.img` | one per gadget volume | one per gadget volume |

use std::path::{Path, PathBuf};

/// The output directory of a build, and the paths in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedTree {
    /// The output directory.
    pub out: PathBuf,
    /// The UC20+ system label; `None` for UC16/18.
    pub label: Option<String>,
}

impl PreparedTree {
    /// A UC16/18 tree in `out`.
    pub fn core16(out: impl Into<PathBuf>) -> PreparedTree {
        PreparedTree {
            out: out.into(),
            label: None,
        }
    }

    /// A UC20+ tree in `out` with recovery system `label`.
    pub fn core20(out: impl Into<PathBuf>, label: impl Into<String>) -> PreparedTree {
        PreparedTree {
            out: out.into(),
            label: Some(label.into()),
        }
    }

    /// Whether this is a UC20+ tree.
    pub fn is_core20(&self) -> bool {
        self.label.is_some()
    }

    /// UC16/18: the image root (`OUT/image`), which becomes the writable partition.
    pub fn image_root(&self) -> PathBuf {
        self.out.join("image")
    }

    /// The seed directory: `OUT/image/var/lib/snapd/seed` (UC16/18) or `OUT/system-seed`
    /// (UC20+, the content of ubuntu-seed).
    pub fn seed_dir(&self) -> PathBuf {
        match &self.label {
            None => self.image_root().join("var/lib/snapd/seed"),
            Some(_) => self.out.join("system-seed"),
        }
    }

    /// The root the bootloader files go under: the image root (UC16/18) or the seed (UC20+).
    pub fn boot_root(&self) -> PathBuf {
        match &self.label {
            None => self.image_root(),
            Some(_) => self.seed_dir(),
        }
    }

    /// UC20+: `OUT/system-seed/systems/LABEL`.
    pub fn system_dir(&self) -> Option<PathBuf> {
        self.label
            .as_ref()
            .map(|l| self.seed_dir().join("systems").join(l))
    }

    /// The unpacked gadget: `OUT/gadget`.
    pub fn gadget_dir(&self) -> PathBuf {
        self.out.join("gadget")
    }

    /// The unpacked kernel: `OUT/kernel`.
    pub fn kernel_dir(&self) -> PathBuf {
        self.out.join("kernel")
    }

    /// The resolved gadget content of laid-out structure `index` of `volume`.
    pub fn resolved_content(&self, volume: &str, index: usize) -> PathBuf {
        self.out
            .join("resolved-content")
            .join(volume)
            .join(format!("part{index}"))
    }

    /// The disk image of `volume`: `OUT/VOLUME.img`.
    pub fn volume_image(&self, volume: &str) -> PathBuf {
        self.out.join(format!("{volume}.img"))
    }

    /// Where snap files wait (`OUT/.staging`) until every check has passed.
    pub fn staging_dir(&self) -> PathBuf {
        self.out.join(".staging")
    }

    /// The output directory.
    pub fn out(&self) -> &Path {
        &self.out
    }
}
