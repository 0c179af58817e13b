//! A snap file's `snap-sha3-384` and `snap-size`, computed streaming (snapd's
//! `asserts.SnapFileSHA3_384`).

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use base64::Engine as _;
use serde::Serialize;
use sha3::{Digest as _, Sha3_384};
use thiserror::Error;

/// Bytes read at a time: large enough that the hash, not the reads, sets the speed.
const BUFFER: usize = 1 << 20;

/// The digest and size of a snap file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SnapDigest {
    /// SHA3-384 of the whole file.
    #[serde(serialize_with = "as_base64url")]
    pub sha3_384: [u8; 48],
    /// Bytes hashed (the file's size).
    pub size: u64,
}

fn as_base64url<S: serde::Serializer>(d: &[u8; 48], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&encode_digest(d))
}

/// snapd's `asserts.EncodeDigest` for SHA3-384: unpadded base64url.
pub fn encode_digest(d: &[u8; 48]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(d)
}

impl SnapDigest {
    /// The `snap-sha3-384` header value: unpadded base64url, 64 characters.
    pub fn sha3_384_base64url(&self) -> String {
        encode_digest(&self.sha3_384)
    }

    /// The store's form (`DownloadInfo.Sha3_384`, Go's `%x`): lower-case hex, 96 characters.
    pub fn sha3_384_hex(&self) -> String {
        use std::fmt::Write as _;
        self.sha3_384
            .iter()
            .fold(String::with_capacity(96), |mut s, b| {
                let _ = write!(s, "{b:02x}");
                s
            })
    }
}

/// The digest could not be computed.
#[derive(Debug, Error)]
#[error(
    "cannot compute snap {} digest: {op} {path}: {}",
    ucore_go_text::quote(path),
    ucore_go_text::os::error_text(source)
)]
pub struct DigestError {
    /// The snap file's path as given.
    pub path: String,
    /// What failed, as Go's `*os.PathError` names it: `open` or `read`.
    pub op: &'static str,
    /// The I/O error.
    #[source]
    pub source: io::Error,
}

/// Digests everything `reader` yields.
pub fn digest_reader(mut reader: impl Read) -> io::Result<SnapDigest> {
    let mut hasher = Sha3_384::new();
    let mut buf = vec![0u8; BUFFER];
    let mut size = 0u64;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buf[..n]);
        size += n as u64;
    }
    Ok(SnapDigest {
        sha3_384: hasher.finalize().into(),
        size,
    })
}

/// Digests bytes in memory.
pub fn digest_bytes(bytes: &[u8]) -> SnapDigest {
    SnapDigest {
        sha3_384: Sha3_384::digest(bytes).into(),
        size: bytes.len() as u64,
    }
}

/// snapd's `SnapFileSHA3_384`: the digest and size of the file at `path`.
pub fn snap_file_digest(path: impl AsRef<Path>) -> Result<SnapDigest, DigestError> {
    let path = path.as_ref();
    let err = |op| {
        move |source| DigestError {
            path: path.display().to_string(),
            op,
            source,
        }
    };
    let file = File::open(path).map_err(err("open"))?;
    digest_reader(file).map_err(err("read"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_input_has_the_known_sha3_384() {
        let d = digest_bytes(b"");
        assert_eq!(
            d.sha3_384_hex(),
            "0c63a75b845e4f7d01107d852e4c2485c51a50aaaa94fc61995e71bbee983a2ac3713831264adb47fb6bd1e058d5f004"
        );
        assert_eq!(d.size, 0);
        assert_eq!(d.sha3_384_base64url().len(), 64);
    }

    #[test]
    fn streaming_equals_in_memory_across_buffer_boundaries() {
        let data: Vec<u8> = (0..(BUFFER * 2 + 12345))
            .map(|i| (i * 7 % 251) as u8)
            .collect();
        let streamed = digest_reader(std::io::Cursor::new(&data)).expect("read");
        assert_eq!(streamed, digest_bytes(&data));
        assert_eq!(streamed.size, data.len() as u64);
    }

    #[test]
    fn missing_file_error_names_the_snap() {
        let e = snap_file_digest("/nonexistent/foo.snap").expect_err("missing");
        assert_eq!(
            e.to_string(),
            "cannot compute snap \"/nonexistent/foo.snap\" digest: open /nonexistent/foo.snap: no such file or directory"
        );
    }
}
