//! `GET /api/v1/snaps/download/{snap_id}_{revision}.snap`: a revision's file, streamed
//! from the snap file directory in fixed-size chunks (memory stays flat whatever the
//! size), with `Range: bytes=N-` / `bytes=N-M` for resuming (206 and `Content-Range`;
//! 416 when the range lies outside the file).

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use tokio::io::{AsyncReadExt, AsyncSeekExt};
use tokio_util::io::ReaderStream;

use super::extract::RequestViewer;
use crate::error::Error;
use crate::state::Store;

/// The chunk size of a streamed download.
const CHUNK: usize = 64 * 1024;

/// A download file name, `{snap_id}_{revision}.snap`, read strictly: a snap id of ASCII
/// letters and digits, a revision of decimal digits ≥ 1. Anything else (`..`, `/`,
/// `%2F`, signs, spaces) is refused.
pub fn parse_file_name(file: &str) -> Result<(String, u32), Error> {
    let bad = || Error::BadRequest(format!("invalid download file name {file:?}"));
    let stem = file.strip_suffix(".snap").ok_or_else(bad)?;
    let (snap_id, revision) = stem.rsplit_once('_').ok_or_else(bad)?;
    let id_ok = !snap_id.is_empty()
        && snap_id.len() <= 64
        && snap_id.bytes().all(|b| b.is_ascii_alphanumeric());
    let rev_ok = !revision.is_empty()
        && revision.len() <= 10
        && revision.bytes().all(|b| b.is_ascii_digit());
    if !id_ok || !rev_ok {
        return Err(bad());
    }
    match revision.parse::<u32>() {
        Ok(n) if n >= 1 => Ok((snap_id.to_string(), n)),
        _ => Err(bad()),
    }
}

/// The byte range a `Range` header asks of a file of `size` bytes: `None` for the whole
/// file (no header, or a unit other than bytes), `(start, end_inclusive)` otherwise.
/// [`Error::RangeNotSatisfiable`] for a range that is malformed, lists several ranges,
/// or starts at or past the end.
pub fn parse_range(value: Option<&str>, size: u64) -> Result<Option<(u64, u64)>, Error> {
    let Some(value) = value else { return Ok(None) };
    let Some(spec) = value.trim().strip_prefix("bytes=") else {
        return Ok(None);
    };
    let unsatisfiable = || Error::RangeNotSatisfiable { size };
    let (start, end) = spec.trim().split_once('-').ok_or_else(unsatisfiable)?;
    let num = |s: &str| -> Result<u64, Error> {
        if s.is_empty() || s.len() > 20 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(unsatisfiable());
        }
        s.parse::<u64>().map_err(|_| unsatisfiable())
    };
    let last = size.checked_sub(1).ok_or_else(unsatisfiable)?;
    let (start, end) = if start.is_empty() {
        // A suffix: the last N bytes.
        let n = num(end)?;
        if n == 0 {
            return Err(unsatisfiable());
        }
        (size.saturating_sub(n), last)
    } else {
        let s = num(start)?;
        let e = if end.is_empty() {
            last
        } else {
            num(end)?.min(last)
        };
        (s, e)
    };
    if start > last || end < start {
        return Err(unsatisfiable());
    }
    Ok(Some((start, end)))
}

/// Serves a download.
pub async fn download(
    State(store): State<Store>,
    RequestViewer(viewer): RequestViewer,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Error> {
    let (snap_id, revision) = parse_file_name(&file)?;
    let not_found = || Error::NotFound(format!("no such snap file: {file}"));
    let snap = store
        .db
        .snap_by_id(&snap_id)
        .await?
        .filter(|s| viewer.sees(s, store.authority.account_id()))
        .ok_or_else(not_found)?;
    let rev = store
        .db
        .revision(&snap.snap_id, revision)
        .await?
        .ok_or_else(not_found)?;
    let (mut f, size) = store.blobs.open_file(&rev.data.sha3_384).await?;
    let range = headers.get(header::RANGE).and_then(|v| v.to_str().ok());
    let range = match parse_range(range, size) {
        Ok(r) => r,
        Err(e) => {
            let mut resp = e.into_response();
            if let Ok(v) = HeaderValue::from_str(&format!("bytes */{size}")) {
                resp.headers_mut().insert(header::CONTENT_RANGE, v);
            }
            return Ok(resp);
        }
    };
    let (status, start, len) = match range {
        None => (StatusCode::OK, 0, size),
        Some((s, e)) => (StatusCode::PARTIAL_CONTENT, s, e - s + 1),
    };
    if start > 0 {
        f.seek(std::io::SeekFrom::Start(start))
            .await
            .map_err(|e| Error::io(format!("cannot seek in snap file {}", rev.data.sha3_384), e))?;
    }
    tracing::debug!(snap = %snap.name, revision, start, len, "download");
    store.metrics.download_started();
    if len == 0 {
        store.metrics.download_completed();
    }
    let counting = store.clone();
    let mut sent = 0u64;
    let stream = ReaderStream::with_capacity(f.take(len), CHUNK).map(move |chunk| {
        if let Ok(bytes) = &chunk {
            let n = bytes.len() as u64;
            counting.metrics.download_bytes(n);
            sent += n;
            if sent == len {
                counting.metrics.download_completed();
            }
        }
        chunk
    });
    let mut resp = Response::new(Body::from_stream(stream));
    *resp.status_mut() = status;
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    if status == StatusCode::PARTIAL_CONTENT
        && let Ok(v) = HeaderValue::from_str(&format!("bytes {start}-{}/{size}", start + len - 1))
    {
        h.insert(header::CONTENT_RANGE, v);
    }
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_read_strictly() {
        assert_eq!(
            parse_file_name("abcDEF123_12.snap").unwrap(),
            ("abcDEF123".to_string(), 12)
        );
        for bad in [
            "../x_1.snap",
            "a/b_1.snap",
            "a_0.snap",
            "a_-1.snap",
            "a_+1.snap",
            "a_1",
            "_1.snap",
            "a_.snap",
            "a_99999999999.snap",
            "a b_1.snap",
            "a%2F_1.snap",
            "a_1.snap.snap",
        ] {
            assert!(parse_file_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ranges() {
        assert_eq!(parse_range(None, 10).unwrap(), None);
        assert_eq!(parse_range(Some("items=1-2"), 10).unwrap(), None);
        assert_eq!(parse_range(Some("bytes=3-"), 10).unwrap(), Some((3, 9)));
        assert_eq!(parse_range(Some("bytes=3-5"), 10).unwrap(), Some((3, 5)));
        assert_eq!(parse_range(Some("bytes=3-500"), 10).unwrap(), Some((3, 9)));
        assert_eq!(parse_range(Some("bytes=-4"), 10).unwrap(), Some((6, 9)));
        assert_eq!(parse_range(Some("bytes=-40"), 10).unwrap(), Some((0, 9)));
        for bad in [
            "bytes=10-",
            "bytes=5-3",
            "bytes=x-",
            "bytes=1-2,4-5",
            "bytes=-0",
            "bytes=",
            "bytes=99999999999999999999999-",
        ] {
            assert!(
                matches!(
                    parse_range(Some(bad), 10),
                    Err(Error::RangeNotSatisfiable { size: 10 })
                ),
                "{bad}"
            );
        }
        assert!(parse_range(Some("bytes=0-"), 0).is_err());
    }
}
