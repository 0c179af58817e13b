//! snapd's stream `Decoder` (§2.5). It holds one assertion at a time: the buffer
//! never grows beyond the size limits plus one read.

use std::collections::HashMap;
use std::io::{ErrorKind, Read};

use memchr::memmem;

use crate::Error;
use crate::assertion::Assertion;
use crate::assertion_type::AssertionType;
use crate::checks;
use crate::headers::parse_headers;

/// Largest body the decoder accepts by default (2 MiB).
pub const MAX_BODY_SIZE: usize = 2 * 1024 * 1024;
/// Largest header block, including its `\n\n` (128 KiB).
pub const MAX_HEADERS_SIZE: usize = 128 * 1024;
/// Largest signature, including its `\n\n` (128 KiB).
pub const MAX_SIGNATURE_SIZE: usize = 128 * 1024;

const READ_CHUNK: usize = 8192;

/// Decodes a stream of assertions one by one; an [`Iterator`] of
/// `Result<Assertion, Error>` that stops after the first error.
#[derive(Debug)]
pub struct Decoder<R: Read> {
    reader: R,
    buf: Vec<u8>,
    start: usize,
    eof: bool,
    failed: bool,
    type_max_body_size: HashMap<AssertionType, usize>,
}

enum Until {
    /// The bytes up to and including the delimiter.
    Found(Vec<u8>),
    /// End of stream first: all remaining bytes.
    Eof(Vec<u8>),
}

impl<R: Read> Decoder<R> {
    /// A decoder with snapd's default limits.
    pub fn new(reader: R) -> Self {
        Decoder {
            reader,
            buf: Vec::new(),
            start: 0,
            eof: false,
            failed: false,
            type_max_body_size: HashMap::new(),
        }
    }

    /// A decoder with per-type body limits (snapd
    /// `NewDecoderWithTypeMaxBodySize`). A per-type limit can only lower the
    /// 2 MiB default: a larger one is never reached (§2.5, §7.3).
    pub fn with_type_max_body_size(
        reader: R,
        limits: impl IntoIterator<Item = (AssertionType, usize)>,
    ) -> Self {
        let mut d = Decoder::new(reader);
        d.type_max_body_size = limits.into_iter().collect();
        d
    }

    fn pending(&self) -> &[u8] {
        self.buf.get(self.start..).unwrap_or_default()
    }

    /// Reads more input; sets `eof` at the end.
    fn fill(&mut self) -> Result<(), Error> {
        if self.start > 0 && self.start * 2 >= self.buf.len() {
            self.buf.drain(..self.start);
            self.start = 0;
        }
        let old = self.buf.len();
        self.buf.resize(old + READ_CHUNK, 0);
        loop {
            match self.reader.read(&mut self.buf[old..]) {
                Ok(n) => {
                    self.buf.truncate(old + n);
                    if n == 0 {
                        self.eof = true;
                    }
                    return Ok(());
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.buf.truncate(old);
                    return Err(e.into());
                }
            }
        }
    }

    fn take(&mut self, n: usize) -> Vec<u8> {
        let out = self.pending()[..n].to_vec();
        self.start += n;
        out
    }

    /// snapd `readUntil("\n\n", max)`: the delimiter must end within the first
    /// `max` bytes.
    fn read_until(&mut self, max: usize) -> Result<Until, Error> {
        let mut searched: usize = 0;
        loop {
            let pending = self.pending();
            let limit = pending.len().min(max);
            let from = searched.saturating_sub(1);
            if let Some(i) = memmem::find(&pending[from..limit], b"\n\n") {
                return Ok(Until::Found(self.take(from + i + 2)));
            }
            searched = limit;
            if pending.len() >= max {
                return Err(Error::MaxSizeExceeded);
            }
            if self.eof {
                let n = pending.len();
                return Ok(Until::Eof(self.take(n)));
            }
            self.fill()?;
        }
    }

    fn read_exact(&mut self, n: usize) -> Result<Vec<u8>, Error> {
        while self.pending().len() < n {
            if self.eof {
                self.start = self.buf.len();
                return Err(Error::UnexpectedEof);
            }
            self.fill()?;
        }
        Ok(self.take(n))
    }

    /// Decodes the next assertion; `Ok(None)` at a clean end of stream.
    pub fn decode(&mut self) -> Result<Option<Assertion>, Error> {
        let head_and_sep = match self.read_until(MAX_HEADERS_SIZE) {
            Ok(Until::Found(b)) => b,
            Ok(Until::Eof(b)) if b.is_empty() => return Ok(None),
            Ok(Until::Eof(_)) => return Err(Error::UnexpectedEof),
            Err(e) => return Err(Error::ReadingHeaders(Box::new(e))),
        };
        let head_len = head_and_sep.len() - 2;
        let length = {
            let headers = parse_headers(&head_and_sep[..head_len])
                .map_err(|e| Error::ParsingHeaders(Box::new(e)))?;
            let assertion_type = headers.get_str("type").and_then(AssertionType::from_name);
            let length = checks::check_int_with_default(&headers, "body-length", 0)
                .map_err(Error::in_assertion)?;
            let type_max =
                assertion_type.and_then(|t| Some((t, *self.type_max_body_size.get(&t)?)));
            match type_max {
                Some((t, max)) if max != 0 && length > max as i64 => {
                    return Err(Error::BodyTooLargeForType {
                        length,
                        max,
                        assertion_type: t.name(),
                    });
                }
                _ if length > MAX_BODY_SIZE as i64 => {
                    return Err(Error::BodyTooLarge { length });
                }
                _ => usize::try_from(length).unwrap_or(0),
            }
        };
        let mut content = head_and_sep;
        if length > 0 {
            let body = self.read_exact(length)?;
            content.extend_from_slice(&body);
        }
        let end_of_body = match self.read_until(MAX_SIGNATURE_SIZE) {
            Ok(Until::Found(b) | Until::Eof(b)) => b,
            Err(e) => return Err(Error::ReadingTrailer(Box::new(e))),
        };
        let mut signature = if end_of_body == b"\n\n" {
            match self.read_until(MAX_SIGNATURE_SIZE) {
                Ok(Until::Found(b) | Until::Eof(b)) => b,
                Err(e) => return Err(Error::ReadingSignature(Box::new(e))),
            }
        } else {
            if length > 0 {
                return Err(Error::MissingSignatureSeparator);
            }
            content.truncate(head_len);
            end_of_body
        };
        if signature.ends_with(b"\n\n") {
            signature.pop();
        }
        Assertion::from_parts(content, signature).map(Some)
    }
}

impl<R: Read> Iterator for Decoder<R> {
    type Item = Result<Assertion, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let result = self.decode();
        if result.is_err() {
            self.failed = true;
        }
        result.transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AssertionAccess as _;

    const KEY: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    fn account(id: &str) -> String {
        format!(
            "type: account\nauthority-id: canonical\naccount-id: {id}\ndisplay-name: A\nvalidation: unproven\ntimestamp: 2016-01-01T00:00:00Z\nsign-key-sha3-384: {KEY}\n\nAXNpZw=="
        )
    }

    fn decode_all(s: &[u8]) -> Vec<Result<Vec<u8>, String>> {
        Decoder::new(s)
            .map(|r| r.map(|a| a.encode()).map_err(|e| e.to_string()))
            .collect()
    }

    #[test]
    fn stream_of_two() {
        let s = format!("{}\n\n{}\n", account("a"), account("b"));
        let got = decode_all(s.as_bytes());
        assert_eq!(got.len(), 2);
        assert_eq!(
            got[0].as_ref().unwrap(),
            format!("{}\n", account("a")).as_bytes()
        );
        assert_eq!(
            got[1].as_ref().unwrap(),
            format!("{}\n", account("b")).as_bytes()
        );
    }

    #[test]
    fn errors_stop_the_stream() {
        let s = format!("{}\n\n\n{}", account("a"), account("b"));
        let got = decode_all(s.as_bytes());
        assert_eq!(got.len(), 2);
        assert_eq!(
            got[1].as_ref().unwrap_err(),
            r#"parsing assertion headers: header entry missing ':' separator: """#
        );
        let s = format!("{}\n\n\n", account("a"));
        let got = decode_all(s.as_bytes());
        assert_eq!(got[1].as_ref().unwrap_err(), "unexpected EOF");
    }

    #[test]
    fn limits() {
        let big = format!("type: account\nbody-length: {}\n\n", MAX_BODY_SIZE + 1);
        assert_eq!(
            decode_all(big.as_bytes())[0].as_ref().unwrap_err(),
            "assertion body length 2097153 exceeds maximum body size"
        );
        let mut d = Decoder::with_type_max_body_size(
            &b"type: repair\nbody-length: 11\n\n"[..],
            [(AssertionType::Repair, 10)],
        );
        assert_eq!(
            d.decode().unwrap_err().to_string(),
            r#"assertion body length 11 exceeds maximum body size 10 for "repair" assertions"#
        );
        let huge = "a: b\n".repeat(MAX_HEADERS_SIZE / 5 + 1);
        assert_eq!(
            decode_all(huge.as_bytes())[0].as_ref().unwrap_err(),
            r#"error reading assertion headers: maximum size exceeded while looking for delimiter "\n\n""#
        );
        assert_eq!(
            decode_all(b"type: account\nbody-length: 5\n\nab")[0]
                .as_ref()
                .unwrap_err(),
            "unexpected EOF"
        );
        assert_eq!(
            decode_all(b"type: account\nbody-length: 2\n\nabsig")[0]
                .as_ref()
                .unwrap_err(),
            "missing content/signature separator"
        );
    }

    /// The signature limits; texts and the boundary checked with the oracle.
    #[test]
    fn signature_limits() {
        let long = "x".repeat(MAX_SIGNATURE_SIZE);
        assert_eq!(
            decode_all(format!("type: account\n\n{long}").as_bytes())[0]
                .as_ref()
                .unwrap_err(),
            r#"error reading assertion trailer: maximum size exceeded while looking for delimiter "\n\n""#
        );
        assert_eq!(
            decode_all(format!("type: account\n\n\n\n{long}").as_bytes())[0]
                .as_ref()
                .unwrap_err(),
            r#"error reading assertion signature: maximum size exceeded while looking for delimiter "\n\n""#
        );
        // The limit includes the delimiter: 131070 bytes + "\n\n" pass …
        let sig = "x".repeat(MAX_SIGNATURE_SIZE - 2);
        let text = format!("{}{sig}\n\n", account("b").replace("AXNpZw==", ""));
        assert!(decode_all(text.as_bytes())[0].is_ok());
        // … one byte more does not.
        let text = format!("{}x{sig}\n\n", account("b").replace("AXNpZw==", ""));
        assert_eq!(
            decode_all(text.as_bytes())[0].as_ref().unwrap_err(),
            r#"error reading assertion trailer: maximum size exceeded while looking for delimiter "\n\n""#
        );
    }
}
