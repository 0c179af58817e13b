//! Snap downloads (snapd's `Store.Download`): streamed to `DEST.partial` with the SHA3-384
//! computed on the way, resumed with `Range: bytes=N-` when a `.partial` is there (its
//! bytes hashed first), checked against the store's size and digest, renamed to `DEST` on
//! success. Memory stays bounded: one chunk at a time.
//!
//! As in snapd, a digest mismatch truncates the partial file and downloads once more from
//! scratch; a download that fails removes the partial file unless
//! [`DownloadOptions::leave_partial_on_error`] is set (then a later call resumes it).

use std::path::{Path, PathBuf};
use std::time::Duration;

use futures_util::StreamExt;
use reqwest::header::{LOCATION, RANGE};
use reqwest::{Method, StatusCode, Url};
use sha3::{Digest, Sha3_384};
use tokio::fs::{File, OpenOptions};
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

use super::config::parse_url;
use super::retry::is_retryable;
use super::{Request, StoreClient};
use crate::error::{DownloadError, Error};
use crate::protocol::headers::REFRESH_REASON;
use crate::protocol::{ApiLevel, Download};

/// How long a download may stall before the attempt fails (and is retried).
pub const READ_TIMEOUT: Duration = Duration::from_secs(60);
/// Redirects followed (to the CDN) before giving up.
const MAX_REDIRECTS: u32 = 10;

/// Reports download progress.
pub trait Progress: Send {
    /// `done` of `total` bytes are on disk (`total` 0 when unknown).
    fn update(&mut self, done: u64, total: u64);
}

impl<F: FnMut(u64, u64) + Send> Progress for F {
    fn update(&mut self, done: u64, total: u64) {
        self(done, total)
    }
}

/// How to download.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DownloadOptions {
    /// Keep `DEST.partial` when the download fails, to resume it later.
    pub leave_partial_on_error: bool,
    /// An automatic refresh: `Snap-Refresh-Reason: scheduled`.
    pub auto_refresh: bool,
}

/// The file a download writes to before it is complete: `DEST.partial`.
pub fn partial_path(dest: &Path) -> PathBuf {
    let mut p = dest.as_os_str().to_owned();
    p.push(".partial");
    PathBuf::from(p)
}

fn io<'a>(op: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> Error + 'a {
    move |source| {
        Error::Download(DownloadError::Io {
            op,
            path: path.display().to_string(),
            source,
        })
    }
}

impl StoreClient {
    /// Downloads the snap `name` described by `download` (a snap action result's
    /// `snap.download`) to `dest`.
    pub async fn download(
        &self,
        name: &str,
        download: &Download,
        dest: &Path,
        options: &DownloadOptions,
        mut progress: Option<&mut dyn Progress>,
    ) -> Result<(), Error> {
        if download.url.is_empty() {
            return Err(DownloadError::NoUrl(name.to_string()).into());
        }
        if let Some(dir) = dest.parent().filter(|d| !d.as_os_str().is_empty()) {
            tokio::fs::create_dir_all(dir)
                .await
                .map_err(io("create", dir))?;
        }
        let partial = partial_path(dest);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&partial)
            .await
            .map_err(io("open", &partial))?;
        let result = self
            .download_into(name, download, &mut file, &partial, options, &mut progress)
            .await;
        let result = match result {
            Err(Error::Download(DownloadError::HashMismatch { .. })) => {
                tracing::debug!(name, "hash mismatch; downloading again from scratch");
                truncate(&mut file, &partial).await?;
                self.download_into(name, download, &mut file, &partial, options, &mut progress)
                    .await
            }
            other => other,
        };
        let finish = async {
            result?;
            file.sync_all().await.map_err(io("sync", &partial))?;
            tokio::fs::rename(&partial, dest)
                .await
                .map_err(io("rename", &partial))
        };
        let result = finish.await;
        if result.is_err() {
            let keep = options.leave_partial_on_error
                && tokio::fs::metadata(&partial)
                    .await
                    .is_ok_and(|m| m.len() > 0);
            if !keep {
                let _ = tokio::fs::remove_file(&partial).await;
            }
        }
        result
    }

    /// Brings `file` to the complete snap: resumes from its length, or only checks it when
    /// it is already complete.
    async fn download_into(
        &self,
        name: &str,
        download: &Download,
        file: &mut File,
        path: &Path,
        options: &DownloadOptions,
        progress: &mut Option<&mut dyn Progress>,
    ) -> Result<(), Error> {
        let expected = download.size;
        let mut resume = file.metadata().await.map_err(io("stat", path))?.len();
        if expected > 0 && resume > expected {
            // longer than the snap: not a prefix of it
            truncate(file, path).await?;
            resume = 0;
        }
        if expected > 0 && resume == expected {
            let got = hash_prefix(file, path, resume).await?;
            return check_digest(name, download, got);
        }
        let url = parse_url(&download.url)?;
        let mut attempts = self.inner.config.download_retry.start();
        let mut last_err = None;
        while attempts.next().await {
            let mut hasher = if resume > 0 {
                hash_prefix(file, path, resume).await?
            } else {
                Sha3_384::new()
            };
            let resp = match self.get_following(&url, resume, options).await? {
                Ok(r) => r,
                Err(e) => {
                    if is_retryable(&e) && attempts.more() {
                        last_err = Some(e);
                        continue;
                    }
                    return Err(transport(name, e));
                }
            };
            let status = resp.status();
            if resume > 0 && status != StatusCode::PARTIAL_CONTENT {
                tracing::debug!(name, "the server does not resume; starting over");
                truncate(file, path).await?;
                hasher = Sha3_384::new();
                resume = 0;
            }
            if status.is_server_error() && attempts.more() {
                continue;
            }
            match status {
                StatusCode::OK | StatusCode::PARTIAL_CONTENT => {}
                StatusCode::PAYMENT_REQUIRED => {
                    return Err(DownloadError::PaymentRequired(name.to_string()).into());
                }
                _ => {
                    return Err(DownloadError::Status {
                        status: status.as_u16(),
                        url: resp.url().to_string(),
                    }
                    .into());
                }
            }
            file.seek(std::io::SeekFrom::Start(resume))
                .await
                .map_err(io("seek", path))?;
            let mut done = resume;
            let mut stream = resp.bytes_stream();
            let mut broken = None;
            while let Some(chunk) = stream.next().await {
                let chunk = match chunk {
                    Ok(c) => c,
                    Err(e) => {
                        broken = Some(e);
                        break;
                    }
                };
                let len = u64::try_from(chunk.len()).unwrap_or(u64::MAX);
                done = done.saturating_add(len);
                if expected > 0 && done > expected {
                    return Err(DownloadError::SizeMismatch {
                        name: name.to_string(),
                        got: done,
                        expected,
                    }
                    .into());
                }
                file.write_all(&chunk).await.map_err(io("write", path))?;
                hasher.update(&chunk);
                if let Some(p) = progress.as_deref_mut() {
                    p.update(done, expected);
                }
            }
            file.flush().await.map_err(io("write", path))?;
            if let Some(e) = broken {
                if is_retryable(&e) && attempts.more() {
                    tracing::debug!(name, done, error = %e, "download broke off; resuming");
                    resume = done;
                    last_err = Some(e);
                    continue;
                }
                return Err(transport(name, e));
            }
            if expected > 0 && done != expected {
                return Err(DownloadError::SizeMismatch {
                    name: name.to_string(),
                    got: done,
                    expected,
                }
                .into());
            }
            return check_digest(name, download, hasher);
        }
        Err(match last_err {
            Some(e) => transport(name, e),
            None => DownloadError::Status {
                status: 0,
                url: url.to_string(),
            }
            .into(),
        })
    }

    /// GETs `url` at the v1 level with authorization, then follows redirects without the
    /// authorization headers.
    async fn get_following(
        &self,
        url: &Url,
        resume: u64,
        options: &DownloadOptions,
    ) -> Result<Result<reqwest::Response, reqwest::Error>, Error> {
        let mut req = Request::new(Method::GET, url.clone(), ApiLevel::V1, "download");
        if resume > 0 {
            req = req.header(RANGE.as_str(), format!("bytes={resume}-"));
        }
        if options.auto_refresh {
            req = req.header(REFRESH_REASON, "scheduled");
        }
        let client = &self.inner.download_http;
        let mut current = url.clone();
        let mut authorize = true;
        for _ in 0..=MAX_REDIRECTS {
            let resp = match self.send(client, &req, &current, authorize).await? {
                Ok(r) => r,
                Err(e) => return Ok(Err(e)),
            };
            if !resp.status().is_redirection() {
                return Ok(Ok(resp));
            }
            let Some(next) = resp
                .headers()
                .get(LOCATION)
                .and_then(|l| l.to_str().ok())
                .and_then(|l| current.join(l).ok())
            else {
                return Ok(Ok(resp));
            };
            tracing::debug!(from = %current, to = %next, "download redirected");
            current = next;
            authorize = false;
        }
        Err(DownloadError::Status {
            status: 310,
            url: current.to_string(),
        }
        .into())
    }
}

fn transport(name: &str, source: reqwest::Error) -> Error {
    DownloadError::Transport {
        name: name.to_string(),
        source,
    }
    .into()
}

async fn truncate(file: &mut File, path: &Path) -> Result<(), Error> {
    file.set_len(0).await.map_err(io("truncate", path))?;
    file.seek(std::io::SeekFrom::Start(0))
        .await
        .map_err(io("seek", path))?;
    Ok(())
}

/// The hasher after the first `len` bytes of `file`.
async fn hash_prefix(file: &mut File, path: &Path, len: u64) -> Result<Sha3_384, Error> {
    file.seek(std::io::SeekFrom::Start(0))
        .await
        .map_err(io("seek", path))?;
    let mut hasher = Sha3_384::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut left = len;
    while left > 0 {
        let want = usize::try_from(left.min(64 * 1024)).unwrap_or(64 * 1024);
        let n = file
            .read(buf.get_mut(..want).unwrap_or_default())
            .await
            .map_err(io("read", path))?;
        if n == 0 {
            return Err(io("read", path)(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                format!("resume offset wrong: {len} != {}", len - left),
            )));
        }
        hasher.update(buf.get(..n).unwrap_or_default());
        left -= u64::try_from(n).unwrap_or(left);
    }
    Ok(hasher)
}

fn check_digest(name: &str, download: &Download, hasher: Sha3_384) -> Result<(), Error> {
    let got = hex(&hasher.finalize());
    if !download.sha3_384.is_empty() && download.sha3_384 != got {
        return Err(DownloadError::HashMismatch {
            name: name.to_string(),
            got,
            expected: download.sha3_384.clone(),
        }
        .into());
    }
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
