//! The download cache (`ImageOptions::cache`): snap files named by their SHA3-384 in the
//! store's form (lower-case hex). A hit is copied into staging with its digest taken
//! during the copy (a corrupt entry is dropped and counts as a miss); a download is
//! hard-linked into the cache (copied where a link is not possible).

use std::path::{Path, PathBuf};

use thiserror::Error;

use super::download::{FileDigest, base64url_to_hex, copy_with_digest, remove_if_present};
use crate::fsio::IoError;
use crate::progress::Progress;

/// Why the cache could not be used.
#[derive(Debug, Error)]
pub enum CacheError {
    /// A copy in or out failed, or a cache file or directory could not be made or
    /// removed.
    #[error(transparent)]
    File(#[from] IoError),
}

/// A directory of snap files named by digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    /// The cache in `dir` (made on first insert).
    pub fn new(dir: impl Into<PathBuf>) -> Cache {
        Cache { dir: dir.into() }
    }

    /// Where the file with digest `sha3_384` (base64url) is kept; `None` for a value that
    /// is not a SHA3-384.
    pub fn path_of(&self, sha3_384: &str) -> Option<PathBuf> {
        base64url_to_hex(sha3_384).map(|hex| self.dir.join(hex))
    }

    /// Copies the file with digest `sha3_384` to the new file `dest`, verifying it on the
    /// way: `None` when the cache does not have it (or had a corrupt copy, now removed).
    pub async fn copy_out(
        &self,
        sha3_384: &str,
        dest: &Path,
        progress: &dyn Progress,
        what: &str,
    ) -> Result<Option<FileDigest>, CacheError> {
        let Some(entry) = self.path_of(sha3_384) else {
            return Ok(None);
        };
        match tokio::fs::metadata(&entry).await {
            Ok(m) if m.is_file() => {}
            Ok(_) => return Ok(None),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(IoError::at("stat", entry)(e).into()),
        }
        let digest = copy_with_digest(&entry, dest, progress, what).await?;
        if digest.sha3_384 == sha3_384 {
            return Ok(Some(digest));
        }
        tracing::warn!(entry = %entry.display(), "dropping a corrupt cache entry");
        remove_if_present(dest).await?;
        remove_if_present(&entry).await?;
        Ok(None)
    }

    /// Adds `file`, whose digest is `digest`, to the cache.
    pub async fn insert(&self, file: &Path, digest: &FileDigest) -> Result<(), CacheError> {
        let Some(entry) = self.path_of(&digest.sha3_384) else {
            return Ok(());
        };
        tokio::fs::create_dir_all(&self.dir)
            .await
            .map_err(IoError::at("create", self.dir.clone()))?;
        match tokio::fs::hard_link(file, &entry).await {
            Ok(()) => return Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Ok(()),
            Err(e) => tracing::debug!(error = %e, "cannot link into the cache; copying"),
        }
        let mut partial = entry.clone().into_os_string();
        partial.push(".partial");
        let partial = PathBuf::from(partial);
        remove_if_present(&partial).await?;
        tokio::fs::copy(file, &partial)
            .await
            .map_err(IoError::at("copy into", partial.clone()))?;
        tokio::fs::rename(&partial, &entry)
            .await
            .map_err(IoError::at("rename", partial))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::NoProgress;

    #[tokio::test]
    async fn a_hit_is_copied_and_a_corrupt_entry_is_a_miss() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path().join("cache"));
        let src = dir.path().join("snap");
        std::fs::write(&src, b"a snap").unwrap();
        let d = ucore_snap::digest::digest_bytes(b"a snap");
        let digest = FileDigest {
            sha3_384: d.sha3_384_base64url(),
            size: d.size,
        };
        let out = dir.path().join("out1");
        assert!(
            cache
                .copy_out(&digest.sha3_384, &out, &NoProgress, "x")
                .await
                .unwrap()
                .is_none()
        );
        cache.insert(&src, &digest).await.unwrap();
        let entry = cache.path_of(&digest.sha3_384).unwrap();
        assert_eq!(entry.file_name().unwrap().len(), 96);
        let got = cache
            .copy_out(&digest.sha3_384, &out, &NoProgress, "x")
            .await
            .unwrap();
        assert_eq!(got.as_ref(), Some(&digest));
        assert_eq!(std::fs::read(&out).unwrap(), b"a snap");

        // a corrupt entry: dropped, the partial copy removed, a miss
        std::fs::remove_file(&entry).unwrap();
        std::fs::write(&entry, b"a snaq").unwrap();
        let out2 = dir.path().join("out2");
        let got = cache
            .copy_out(&digest.sha3_384, &out2, &NoProgress, "x")
            .await
            .unwrap();
        assert_eq!(got, None);
        assert!(!entry.exists());
        assert!(!out2.exists());
        assert!(cache.path_of("not a digest").is_none());
    }
}
