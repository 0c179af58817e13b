//! Snap files in a content-addressed directory: each file is stored once, as
//! `ROOT/<first two hex digits>/<SHA3-384 hex>`, written first to a staging file in
//! `ROOT/tmp/` while it is hashed and counted, then renamed into place.
//!
//! ```text
//! let mut stage = blobs.stage(limit).await?;   // ROOT/tmp/<random>.partial
//! stage.write(&chunk).await?;                  // …for every chunk of the upload
//! let staged = stage.finish().await?;          // digest and size known, file synced
//! let blob = staged.commit().await?;           // ROOT/ab/abcd…, directory synced
//! ```
//!
//! Dropping a stage (or a staged blob) before `commit` removes its file. Digests given to
//! [`Blobs::path`] and [`Blobs::open_file`] are checked strictly (96 lower-case hex
//! digits), so no name can reach outside the directory.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use sha3::{Digest, Sha3_384};
use tokio::io::AsyncWriteExt;

use crate::error::Error;

/// The length of a SHA3-384 digest in hex.
pub const DIGEST_HEX_LEN: usize = 96;

/// How much of a chunk is hashed before the task yields to others.
const HASH_SLICE: usize = 256 * 1024;

/// Staging files older than this are left-overs of a crash, removed on open.
const STALE_STAGE: Duration = Duration::from_secs(24 * 60 * 60);

/// The directory of snap files.
#[derive(Clone, Debug)]
pub struct Blobs {
    root: PathBuf,
}

/// A stored blob.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Blob {
    /// SHA3-384 of the content, hex.
    pub sha3_384: String,
    /// The size in bytes.
    pub size: u64,
    /// Where it is.
    pub path: PathBuf,
}

/// Whether `hex` is a SHA3-384 digest as blobs are named: 96 lower-case hex digits.
pub fn is_digest(hex: &str) -> bool {
    hex.len() == DIGEST_HEX_LEN && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> Error {
    move |e| Error::io(context, e)
}

/// Runs blocking file-system work on the blocking pool.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, Error> + Send + 'static,
) -> Result<T, Error> {
    tokio::task::spawn_blocking(f).await.map_err(|e| {
        Error::io(
            "a file-system task failed",
            std::io::Error::other(e.to_string()),
        )
    })?
}

impl Blobs {
    /// Uses (and creates) `root` and its staging directory, removing staging files left
    /// by a crash more than a day ago.
    pub fn open(root: impl Into<PathBuf>) -> Result<Self, Error> {
        let root = root.into();
        let tmp = root.join("tmp");
        std::fs::create_dir_all(&tmp).map_err(io(format!("cannot create {}", tmp.display())))?;
        let blobs = Blobs { root };
        blobs.remove_stale_stages();
        Ok(blobs)
    }

    /// The directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn remove_stale_stages(&self) {
        let Ok(entries) = std::fs::read_dir(self.root.join("tmp")) else {
            return;
        };
        let now = SystemTime::now();
        for e in entries.flatten() {
            let stale = e
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| now.duration_since(t).ok())
                .is_some_and(|age| age > STALE_STAGE);
            if stale && e.file_name().to_string_lossy().ends_with(".partial") {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }

    /// Where the blob with this digest is (whether or not it exists).
    /// [`Error::BadRequest`] unless `sha3_384` is 96 lower-case hex digits.
    pub fn path(&self, sha3_384: &str) -> Result<PathBuf, Error> {
        if !is_digest(sha3_384) {
            return Err(Error::BadRequest(format!(
                "invalid SHA3-384 digest {:?}",
                sha3_384.chars().take(120).collect::<String>()
            )));
        }
        let (prefix, _) = sha3_384.split_at(2);
        Ok(self.root.join(prefix).join(sha3_384))
    }

    /// Whether the blob with this digest is stored.
    pub async fn contains(&self, sha3_384: &str) -> Result<bool, Error> {
        let path = self.path(sha3_384)?;
        tokio::fs::try_exists(&path)
            .await
            .map_err(io(format!("cannot look for {}", path.display())))
    }

    /// Opens the blob with this digest for reading: the file and its length.
    /// [`Error::NotFound`] if it is not stored.
    pub async fn open_file(&self, sha3_384: &str) -> Result<(tokio::fs::File, u64), Error> {
        let path = self.path(sha3_384)?;
        let f = match tokio::fs::File::open(&path).await {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::NotFound(format!("no snap file {sha3_384}")));
            }
            Err(e) => return Err(Error::io(format!("cannot open {}", path.display()), e)),
        };
        let len = f
            .metadata()
            .await
            .map_err(io(format!("cannot stat {}", path.display())))?
            .len();
        Ok((f, len))
    }

    /// Starts writing a new blob of at most `limit` bytes.
    pub async fn stage(&self, limit: u64) -> Result<Stage, Error> {
        let name = format!("{:032x}.partial", rand::random::<u128>());
        let path = self.root.join("tmp").join(name);
        let p = path.clone();
        let file = blocking(move || {
            use std::os::unix::fs::OpenOptionsExt;
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&p)
                .map_err(io(format!("cannot create {}", p.display())))
        })
        .await?;
        Ok(Stage {
            file: Some(tokio::fs::File::from_std(file)),
            temp: TempFile(Some(path)),
            hasher: Sha3_384::new(),
            size: 0,
            limit,
            root: self.root.clone(),
        })
    }
}

/// A staging file, removed on drop unless it was committed.
#[derive(Debug)]
struct TempFile(Option<PathBuf>);

impl TempFile {
    fn path(&self) -> &Path {
        self.0.as_deref().unwrap_or(Path::new(""))
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// A blob being written: hashes and counts what is written.
#[derive(Debug)]
pub struct Stage {
    file: Option<tokio::fs::File>,
    temp: TempFile,
    hasher: Sha3_384,
    size: u64,
    limit: u64,
    root: PathBuf,
}

impl Stage {
    /// The bytes written so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Appends a chunk. [`Error::TooLarge`] once the blob would exceed the limit (the
    /// stage is then useless: drop it).
    pub async fn write(&mut self, chunk: &[u8]) -> Result<(), Error> {
        let len = u64::try_from(chunk.len()).unwrap_or(u64::MAX);
        let size = self.size.saturating_add(len);
        if size > self.limit {
            self.file = None;
            return Err(Error::TooLarge { limit: self.limit });
        }
        let Some(file) = self.file.as_mut() else {
            return Err(Error::io(
                format!("cannot write {}", self.temp.path().display()),
                std::io::Error::other("the stage failed before"),
            ));
        };
        // Hash in slices, letting other tasks run between them, so that a large chunk
        // does not hold an async worker for long.
        for (i, slice) in chunk.chunks(HASH_SLICE).enumerate() {
            if i > 0 {
                tokio::task::yield_now().await;
            }
            self.hasher.update(slice);
        }
        if let Err(e) = file.write_all(chunk).await {
            self.file = None;
            return Err(Error::io(
                format!("cannot write {}", self.temp.path().display()),
                e,
            ));
        }
        self.size = size;
        Ok(())
    }

    /// Ends the writing: the file is flushed and synced, its digest and size known.
    pub async fn finish(mut self) -> Result<Staged, Error> {
        let context = || format!("cannot write {}", self.temp.path().display());
        let Some(mut file) = self.file.take() else {
            return Err(Error::io(
                context(),
                std::io::Error::other("the stage failed before"),
            ));
        };
        file.flush().await.map_err(io(context()))?;
        file.sync_all().await.map_err(io(context()))?;
        drop(file);
        let digest = self.hasher.finalize();
        let sha3_384 = digest
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>();
        Ok(Staged {
            sha3_384,
            size: self.size,
            temp: self.temp,
            root: self.root,
        })
    }
}

/// A fully written blob, not yet in place.
#[derive(Debug)]
pub struct Staged {
    sha3_384: String,
    size: u64,
    temp: TempFile,
    root: PathBuf,
}

impl Staged {
    /// SHA3-384 of the content, hex.
    pub fn sha3_384(&self) -> &str {
        &self.sha3_384
    }

    /// The size in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Where the staged content is (to read it before committing, e.g. to check it is a
    /// snap).
    pub fn staged_path(&self) -> &Path {
        self.temp.path()
    }

    /// Moves the blob into place. If the same content is stored already, that copy stays
    /// and the staged one is removed. The directory entry is synced.
    pub async fn commit(mut self) -> Result<Blob, Error> {
        let blobs = Blobs {
            root: self.root.clone(),
        };
        let target = blobs.path(&self.sha3_384)?;
        let temp = self.temp.0.take().unwrap_or_default();
        let guard = TempFile(Some(temp.clone()));
        let t = target.clone();
        blocking(move || {
            let dir = t.parent().unwrap_or(Path::new("."));
            std::fs::create_dir_all(dir).map_err(io(format!("cannot create {}", dir.display())))?;
            if !t.exists() {
                std::fs::rename(&temp, &t).map_err(io(format!(
                    "cannot move {} to {}",
                    temp.display(),
                    t.display()
                )))?;
                std::fs::File::open(dir)
                    .and_then(|d| d.sync_all())
                    .map_err(io(format!("cannot sync {}", dir.display())))?;
            }
            // Removes the staged file when an identical blob was there (no-op otherwise).
            drop(guard);
            Ok(())
        })
        .await?;
        Ok(Blob {
            sha3_384: self.sha3_384,
            size: self.size,
            path: target,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncReadExt;

    fn sha3_hex(data: &[u8]) -> String {
        Sha3_384::digest(data)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    fn staged_files(blobs: &Blobs) -> usize {
        std::fs::read_dir(blobs.root().join("tmp")).unwrap().count()
    }

    #[tokio::test]
    async fn stores_by_digest_and_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = Blobs::open(dir.path().join("blobs")).unwrap();
        let data: Vec<u8> = (0..700_000u32).map(|i| (i % 251) as u8).collect();
        let mut stage = blobs.stage(1 << 20).await.unwrap();
        for chunk in data.chunks(300_000) {
            stage.write(chunk).await.unwrap();
        }
        assert_eq!(stage.size(), 700_000);
        let staged = stage.finish().await.unwrap();
        let want = sha3_hex(&data);
        assert_eq!(staged.sha3_384(), want);
        assert_eq!(staged.size(), 700_000);
        assert!(staged.staged_path().starts_with(blobs.root().join("tmp")));
        let blob = staged.commit().await.unwrap();
        assert_eq!(blob.path, blobs.root().join(&want[..2]).join(&want));
        assert_eq!(staged_files(&blobs), 0);
        assert!(blobs.contains(&want).await.unwrap());

        let (mut f, len) = blobs.open_file(&want).await.unwrap();
        assert_eq!(len, 700_000);
        let mut back = Vec::new();
        f.read_to_end(&mut back).await.unwrap();
        assert_eq!(back, data);

        // The same content again: the stored copy stays, the staged one goes.
        let mut stage = blobs.stage(1 << 20).await.unwrap();
        stage.write(&data).await.unwrap();
        let again = stage.finish().await.unwrap().commit().await.unwrap();
        assert_eq!(again, blob);
        assert_eq!(staged_files(&blobs), 0);
    }

    #[tokio::test]
    async fn an_empty_blob_is_a_blob() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = Blobs::open(dir.path()).unwrap();
        let blob = blobs
            .stage(0)
            .await
            .unwrap()
            .finish()
            .await
            .unwrap()
            .commit()
            .await
            .unwrap();
        assert_eq!((blob.sha3_384, blob.size), (sha3_hex(b""), 0));
    }

    #[tokio::test]
    async fn too_large_is_refused_and_cleaned_up() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = Blobs::open(dir.path()).unwrap();
        let mut stage = blobs.stage(10).await.unwrap();
        stage.write(b"0123456789").await.unwrap();
        let e = stage.write(b"x").await.unwrap_err();
        assert!(matches!(e, Error::TooLarge { limit: 10 }), "{e:?}");
        assert_eq!(e.http_status(), 413);
        assert!(
            stage.write(b"").await.is_err(),
            "a failed stage stays failed"
        );
        assert_eq!(staged_files(&blobs), 1);
        drop(stage);
        assert_eq!(staged_files(&blobs), 0);
    }

    #[tokio::test]
    async fn dropped_stages_leave_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = Blobs::open(dir.path()).unwrap();
        let mut stage = blobs.stage(100).await.unwrap();
        stage.write(b"abc").await.unwrap();
        drop(stage);
        let mut stage = blobs.stage(100).await.unwrap();
        stage.write(b"abc").await.unwrap();
        let staged = stage.finish().await.unwrap();
        let digest = staged.sha3_384().to_string();
        drop(staged);
        assert_eq!(staged_files(&blobs), 0);
        let e = blobs.open_file(&digest).await.unwrap_err();
        assert!(matches!(e, Error::NotFound(_)), "{e:?}");
        assert!(!blobs.contains(&digest).await.unwrap());
    }

    #[tokio::test]
    async fn digests_are_checked_strictly() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = Blobs::open(dir.path().join("blobs")).unwrap();
        std::fs::write(dir.path().join("secret"), b"x").unwrap();
        let good = "a".repeat(96);
        assert!(blobs.path(&good).is_ok());
        for bad in [
            String::new(),
            "../secret".to_string(),
            format!("../{}", "a".repeat(93)),
            format!("{}/..", "a".repeat(93)),
            "A".repeat(96),
            "a".repeat(95),
            "a".repeat(97),
            format!("{}g", "a".repeat(95)),
            format!("/{}", "a".repeat(95)),
            format!("{}\0", "a".repeat(95)),
            format!("{}é", "a".repeat(94)),
        ] {
            let e = blobs.path(&bad).unwrap_err();
            assert!(matches!(e, Error::BadRequest(_)), "{bad:?}: {e:?}");
            assert!(
                matches!(blobs.open_file(&bad).await, Err(Error::BadRequest(_))),
                "{bad:?}"
            );
        }
    }

    #[tokio::test]
    async fn stale_stages_are_removed_on_open() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = Blobs::open(dir.path()).unwrap();
        let old = blobs.root().join("tmp").join("old.partial");
        let fresh = blobs.root().join("tmp").join("fresh.partial");
        std::fs::write(&old, b"x").unwrap();
        std::fs::write(&fresh, b"x").unwrap();
        let f = std::fs::File::options().write(true).open(&old).unwrap();
        f.set_modified(SystemTime::now() - 2 * STALE_STAGE).unwrap();
        drop(f);
        Blobs::open(dir.path()).unwrap();
        assert!(!old.exists());
        assert!(fresh.exists());
    }
}
