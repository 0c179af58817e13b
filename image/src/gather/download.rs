//! Snap files brought into staging: the files of a round fetched in parallel (a cache hit
//! copied instead of downloaded), and the one way bytes are copied here, with the
//! SHA3-384 taken while they pass (no file is read twice).

use std::path::{Path, PathBuf};

use futures_util::{StreamExt as _, TryStreamExt as _, stream};
use sha3::{Digest as _, Sha3_384};
use thiserror::Error;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

use super::cache::{Cache, CacheError};
use super::source::{Resolved, Source, SourceError};
use crate::fsio::IoError;
use crate::progress::Progress;

/// Bytes copied at a time.
const CHUNK: usize = 1 << 20;

/// A file's SHA3-384 and size, as a snap-revision states them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileDigest {
    /// SHA3-384, unpadded base64url (`snap-sha3-384`).
    pub sha3_384: String,
    /// Size in bytes (`snap-size`).
    pub size: u64,
}

impl FileDigest {
    /// The digest of a finished hasher over `size` bytes.
    pub fn from_hasher(hasher: Sha3_384, size: u64) -> FileDigest {
        let bytes: [u8; 48] = hasher.finalize().into();
        FileDigest {
            sha3_384: ucore_snap::digest::encode_digest(&bytes),
            size,
        }
    }

    /// The digest in the store's form (lower-case hex), `None` if `sha3_384` is not a
    /// base64url SHA3-384.
    pub fn hex(&self) -> Option<String> {
        base64url_to_hex(&self.sha3_384)
    }
}

/// A base64url SHA3-384 (`snap-sha3-384`) as lower-case hex (the store's form).
pub fn base64url_to_hex(digest: &str) -> Option<String> {
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(digest)
        .ok()?;
    if bytes.len() != 48 {
        return None;
    }
    Some(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// A lower-case or upper-case hex SHA3-384 (the store's form) as base64url.
pub fn hex_to_base64url(hex: &str) -> Option<String> {
    if hex.len() != 96 || !hex.is_ascii() {
        return None;
    }
    let mut bytes = [0u8; 48];
    for (i, b) in bytes.iter_mut().enumerate() {
        *b = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(ucore_snap::digest::encode_digest(&bytes))
}

/// Removes `path` if it is there.
pub async fn remove_if_present(path: &Path) -> Result<(), IoError> {
    match tokio::fs::remove_file(path).await {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(IoError::at("remove", path)(e)),
        _ => Ok(()),
    }
}

/// Copies `src` to the new file `dest` (which must not exist), hashing the bytes on the
/// way and reporting them to `progress` as `what`.
pub async fn copy_with_digest(
    src: &Path,
    dest: &Path,
    progress: &dyn Progress,
    what: &str,
) -> Result<FileDigest, IoError> {
    let mut input = tokio::fs::File::open(src)
        .await
        .map_err(IoError::at("open", src))?;
    let mut output = tokio::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(dest)
        .await
        .map_err(IoError::at("create", dest))?;
    let mut hasher = Sha3_384::new();
    let mut buf = vec![0u8; CHUNK];
    let mut size = 0u64;
    loop {
        let n = input
            .read(&mut buf)
            .await
            .map_err(IoError::at("read", src))?;
        let Some(chunk) = buf.get(..n).filter(|c| !c.is_empty()) else {
            break;
        };
        hasher.update(chunk);
        output
            .write_all(chunk)
            .await
            .map_err(IoError::at("write", dest))?;
        size += n as u64;
        progress.advance(what, n as u64);
    }
    output.flush().await.map_err(IoError::at("write", dest))?;
    Ok(FileDigest::from_hasher(hasher, size))
}

/// Why a file of a round could not be brought into staging.
#[derive(Debug, Error)]
pub enum FetchFileError {
    /// The source could not provide it.
    #[error("cannot fetch snap {name:?}: {source}")]
    Source {
        /// The snap.
        name: String,
        /// Why (boxed: a store error is large, and this error travels in every `Result`).
        #[source]
        source: Box<SourceError>,
    },
    /// The cache failed.
    #[error("cannot fetch snap {name:?}: {source}")]
    Cache {
        /// The snap.
        name: String,
        /// Why.
        #[source]
        source: CacheError,
    },
    /// The file is not the one the source described.
    #[error(
        "snap {name:?} file does not have the expected digest (download is broken or tampered): {got} ({got_size} bytes) != {want} ({want_size} bytes)"
    )]
    Mismatch {
        /// The snap.
        name: String,
        /// The file's digest.
        got: String,
        /// Its size.
        got_size: u64,
        /// The expected digest.
        want: String,
        /// The expected size.
        want_size: u64,
    },
}

/// A file of a round, in staging.
#[derive(Debug, Clone)]
pub struct StagedFile {
    /// What the source resolved.
    pub resolved: Resolved,
    /// The staged file.
    pub file: PathBuf,
    /// Its digest, taken while it was written.
    pub digest: FileDigest,
}

/// How the files of a round are fetched.
#[derive(Debug, Clone, Copy)]
pub struct FetchRound<'a> {
    /// The staging directory.
    pub staging: &'a Path,
    /// The download cache, if any.
    pub cache: Option<&'a Cache>,
    /// Files fetched at once.
    pub parallel: usize,
}

impl FetchRound<'_> {
    /// Fetches the files of `resolved`, `parallel` at once, into staging as
    /// `NAME_REV.snap`; returns them in the round's order.
    pub async fn run(
        &self,
        source: &impl Source,
        resolved: Vec<Resolved>,
        progress: &dyn Progress,
    ) -> Result<Vec<StagedFile>, FetchFileError> {
        stream::iter(resolved.into_iter().map(|r| self.one(source, r, progress)))
            .buffered(self.parallel.max(1))
            .try_collect()
            .await
    }

    async fn one(
        &self,
        source: &impl Source,
        resolved: Resolved,
        progress: &dyn Progress,
    ) -> Result<StagedFile, FetchFileError> {
        let name = resolved.name.clone();
        let what = name.as_str();
        let file = self
            .staging
            .join(format!("{}_{}.snap", resolved.name, resolved.revision));
        progress.message(&format!("Fetching {name}"));
        progress.start(what, resolved.size);
        let cache_err = |source| FetchFileError::Cache {
            name: name.clone(),
            source,
        };
        remove_if_present(&file)
            .await
            .map_err(|e| cache_err(e.into()))?;
        let cache = self.cache.filter(|_| source.is_remote());
        let hit = match cache {
            Some(c) => c
                .copy_out(&resolved.sha3_384, &file, progress, what)
                .await
                .map_err(cache_err)?,
            None => None,
        };
        let digest = match hit {
            Some(d) => d,
            None => {
                let d = source
                    .fetch(&resolved, &file, progress, what)
                    .await
                    .map_err(|source| FetchFileError::Source {
                        name: name.clone(),
                        source: Box::new(source),
                    })?;
                if let Some(c) = cache
                    && d.sha3_384 == resolved.sha3_384
                {
                    c.insert(&file, &d).await.map_err(cache_err)?;
                }
                d
            }
        };
        progress.finish(what);
        if digest.sha3_384 != resolved.sha3_384 || digest.size != resolved.size {
            return Err(FetchFileError::Mismatch {
                name,
                got: digest.sha3_384,
                got_size: digest.size,
                want: resolved.sha3_384,
                want_size: resolved.size,
            });
        }
        Ok(StagedFile {
            resolved,
            file,
            digest,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::NoProgress;

    #[test]
    fn digests_convert_between_the_store_and_assertion_forms() {
        let d = ucore_snap::digest::digest_bytes(b"snap");
        let b64 = d.sha3_384_base64url();
        let hex = d.sha3_384_hex();
        assert_eq!(base64url_to_hex(&b64).as_deref(), Some(hex.as_str()));
        assert_eq!(hex_to_base64url(&hex).as_deref(), Some(b64.as_str()));
        assert_eq!(
            hex_to_base64url(&hex.to_uppercase()).as_deref(),
            Some(b64.as_str())
        );
        assert_eq!(hex_to_base64url("abc"), None);
        assert_eq!(hex_to_base64url(&"zz".repeat(48)), None);
        assert_eq!(base64url_to_hex("AAAA"), None);
    }

    #[tokio::test]
    async fn a_copy_takes_the_digest_of_what_it_wrote() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("a");
        let bytes: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&src, &bytes).unwrap();
        let dest = dir.path().join("b");
        let got = copy_with_digest(&src, &dest, &NoProgress, "a")
            .await
            .unwrap();
        let want = ucore_snap::digest::digest_bytes(&bytes);
        assert_eq!(got.sha3_384, want.sha3_384_base64url());
        assert_eq!(got.size, want.size);
        assert_eq!(std::fs::read(&dest).unwrap(), bytes);
        // the destination must be new
        let again = copy_with_digest(&src, &dest, &NoProgress, "a").await;
        assert!(matches!(again, Err(IoError { op: "create", .. })));
    }
}
