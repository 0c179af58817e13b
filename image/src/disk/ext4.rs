//! ext4 filesystems of gadget structures, made by e2fsprogs as ubuntu-image makes them
//! (snapd's `osutil/mkfs`): `mkfs.ext4 [-b 1024] -d ROOT -L LABEL IMAGE`, with 1024-byte
//! blocks for structures of 32 MiB or less. `mkfs.ext4` must be on `PATH`.

use std::path::{Path, PathBuf};
use std::process::Command;

use thiserror::Error;

/// Structures up to this size get 1024-byte blocks.
const SMALL_FS: u64 = 32 << 20;

/// Why an ext4 filesystem could not be made.
#[derive(Debug, Error)]
pub enum Ext4Error {
    /// `mkfs.ext4` is not installed.
    #[error("cannot run mkfs.ext4 (install e2fsprogs): {0}")]
    Missing(#[source] std::io::Error),
    /// `mkfs.ext4` failed.
    #[error("mkfs.ext4 failed ({status}): {stderr}")]
    Failed {
        /// Its exit status.
        status: std::process::ExitStatus,
        /// What it said on stderr (trimmed).
        stderr: String,
    },
    /// The image file could not be sized.
    #[error("cannot read {path:?}: {source}")]
    Image {
        /// The image file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// The arguments of `mkfs.ext4` for an image of `size` bytes.
pub fn mkfs_args(image: &Path, size: u64, label: &str, root: Option<&Path>) -> Vec<String> {
    let mut args = Vec::new();
    if size <= SMALL_FS {
        args.extend(["-b".to_string(), "1024".to_string()]);
    }
    if let Some(root) = root {
        args.extend(["-d".to_string(), root.display().to_string()]);
    }
    if !label.is_empty() {
        args.extend(["-L".to_string(), label.to_string()]);
    }
    args.extend(["-q".to_string(), image.display().to_string()]);
    args
}

/// Makes an ext4 filesystem over the whole of `image` (a file of the structure's size),
/// filled with the tree at `root` if given.
pub fn make_ext4(image: &Path, label: &str, root: Option<&Path>) -> Result<(), Ext4Error> {
    let size = std::fs::metadata(image)
        .map_err(|source| Ext4Error::Image {
            path: image.to_path_buf(),
            source,
        })?
        .len();
    let out = Command::new("mkfs.ext4")
        .args(mkfs_args(image, size, label, root))
        .output()
        .map_err(Ext4Error::Missing)?;
    if !out.status.success() {
        return Err(Ext4Error::Failed {
            status: out.status,
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_filesystems_get_small_blocks() {
        let img = Path::new("/o/p.img");
        assert_eq!(
            mkfs_args(img, 16 << 20, "ubuntu-save", None),
            ["-b", "1024", "-L", "ubuntu-save", "-q", "/o/p.img"]
        );
        assert_eq!(
            mkfs_args(img, 1 << 30, "writable", Some(Path::new("/r"))),
            ["-d", "/r", "-L", "writable", "-q", "/o/p.img"]
        );
    }
}
