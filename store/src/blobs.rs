//! Snap files in a content-addressed directory: each file is stored once under its
//! SHA3-384 (hex), written to a temporary name while it is hashed, then renamed.

use std::path::PathBuf;

/// The directory of snap files.
#[derive(Clone, Debug)]
pub struct Blobs {
    root: PathBuf,
}

impl Blobs {
    /// Uses (and creates) `root`.
    pub fn open(root: impl Into<PathBuf>) -> Result<Self, crate::Error> {
        let root = root.into();
        std::fs::create_dir_all(&root)
            .map_err(|e| crate::Error::io(format!("cannot create {}", root.display()), e))?;
        Ok(Blobs { root })
    }

    /// The directory.
    pub fn root(&self) -> &std::path::Path {
        &self.root
    }
}
