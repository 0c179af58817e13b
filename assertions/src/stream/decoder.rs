//! snapd's stream `Decoder` (`NewDecoder`, `Decoder.Decode`; `asserts/asserts.go`) over
//! any [`Read`]. It holds one assertion at a time: its buffer holds the assertion being
//! decoded plus at most one read (8 KiB, or as much as is pending when that is more). The
//! framing (`super::frame`) is shared with the in-memory [`super::SliceDecoder`].

use std::collections::HashMap;
use std::io::{ErrorKind, Read};

use super::frame::{Framed, frame};
use crate::Error;
use crate::assertion::Assertion;
use crate::assertion_type::AssertionType;
use crate::rules::RuleLanguage;

/// The smallest read; a read is as large as the pending input when that is
/// larger, so an assertion spanning many reads is framed a logarithmic number
/// of times.
const READ_CHUNK: usize = 8192;

/// Decodes a stream of assertions one by one; an [`Iterator`] of
/// `Result<Assertion, Error>` that stops after the first error.
#[derive(Debug)]
pub struct Decoder<R: Read> {
    reader: R,
    /// `buf[start..end]` is pending input; `buf[end..]` is initialized room that
    /// is reused for the next read (zeroed only when the buffer grows).
    buf: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    failed: bool,
    type_max_body_size: HashMap<AssertionType, usize>,
    language: RuleLanguage,
}

impl<R: Read> Decoder<R> {
    /// A decoder with snapd's default limits.
    pub fn new(reader: R) -> Self {
        Decoder {
            reader,
            buf: Vec::new(),
            start: 0,
            end: 0,
            eof: false,
            failed: false,
            type_max_body_size: HashMap::new(),
            language: RuleLanguage::default(),
        }
    }

    /// A decoder with per-type body limits (snapd
    /// `NewDecoderWithTypeMaxBodySize`). A per-type limit can only lower the
    /// 2 MiB default: a larger one is never reached (`Decoder.Decode` tests the per-type
    /// limit, then the default in an `else if`).
    pub fn with_type_max_body_size(
        reader: R,
        limits: impl IntoIterator<Item = (AssertionType, usize)>,
    ) -> Self {
        let mut d = Decoder::new(reader);
        d.type_max_body_size = limits.into_iter().collect();
        d
    }

    /// Compiles declarations' plug/slot rules in `language` (snapd 2.57's by default),
    /// as [`AssertionRef::decode_in`](crate::AssertionRef::decode_in) does.
    pub fn with_rule_language(mut self, language: RuleLanguage) -> Self {
        self.language = language;
        self
    }

    /// The size of the internal buffer, for tests of the one-assertion-at-a-time
    /// memory bound.
    #[doc(hidden)]
    pub fn buffer_capacity(&self) -> usize {
        self.buf.capacity()
    }

    /// Reads once into the buffer (at least [`READ_CHUNK`] bytes of room, or as
    /// much as is pending); sets `eof` at the end.
    fn fill(&mut self) -> Result<(), Error> {
        let pending = self.end - self.start;
        if self.start > 0 && (self.start * 2 >= self.end || self.buf.len() - self.end < READ_CHUNK)
        {
            self.buf.copy_within(self.start..self.end, 0);
            self.start = 0;
            self.end = pending;
        }
        let room = READ_CHUNK.max(pending);
        if self.buf.len() - self.end < room {
            self.buf.resize(self.end + room, 0);
        }
        loop {
            match self.reader.read(&mut self.buf[self.end..]) {
                Ok(n) => {
                    self.end += n.min(self.buf.len() - self.end);
                    if n == 0 {
                        self.eof = true;
                    }
                    return Ok(());
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Decodes the next assertion; `Ok(None)` at a clean end of stream.
    pub fn decode(&mut self) -> Result<Option<Assertion>, Error> {
        loop {
            let pending = self.buf.get(self.start..self.end).unwrap_or_default();
            let scanned = pending.len();
            let (stage, consumed, wait) =
                match frame(pending, self.eof, &self.type_max_body_size, self.language) {
                    Ok(Framed::End) => return Ok(None),
                    Ok(Framed::Assertion(assertion, consumed)) => {
                        let assertion = assertion.into_owned();
                        self.start += consumed;
                        return Ok(Some(assertion));
                    }
                    Ok(Framed::NeedMore {
                        stage,
                        consumed,
                        wait,
                    }) => (stage, consumed, wait),
                    Err(e) => {
                        self.start += e.consumed;
                        return Err(e.error);
                    }
                };
            // Read until the step can go on: at least once, then until what it
            // waits for is here.
            let mut scanned = scanned;
            loop {
                if let Err(e) = self.fill() {
                    self.start += consumed;
                    return Err(stage.wrap(e));
                }
                let pending = self.buf.get(self.start..self.end).unwrap_or_default();
                if self.eof || wait.is_met(pending, scanned) {
                    break;
                }
                scanned = pending.len();
            }
        }
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
    use crate::AssertionAccess;
    use crate::stream::{MAX_BODY_SIZE, MAX_HEADERS_SIZE, MAX_SIGNATURE_SIZE};

    const KEY: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    fn account(id: &str) -> String {
        format!(
            "type: account\nauthority-id: canonical\naccount-id: {id}\ndisplay-name: A\nvalidation: unproven\ntimestamp: 2016-01-01T00:00:00Z\nsign-key-sha3-384: {KEY}\n\nAXNpZw=="
        )
    }

    /// A reader that returns at most `chunk` bytes per read.
    struct Trickle<'a> {
        rest: &'a [u8],
        chunk: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let n = self.rest.len().min(self.chunk).min(out.len());
            out[..n].copy_from_slice(&self.rest[..n]);
            self.rest = &self.rest[n..];
            Ok(n)
        }
    }

    /// Decodes `s` with the `Read` decoder (one big read, and reads of 1 and
    /// 7 bytes) and the in-memory decoder; all must agree.
    fn decode_all(s: &[u8]) -> Vec<Result<Vec<u8>, String>> {
        fn collect<A: AssertionAccess>(
            it: impl Iterator<Item = Result<A, Error>>,
        ) -> Vec<Result<Vec<u8>, String>> {
            it.map(|r| r.map(|a| a.encode()).map_err(|e| e.to_string()))
                .collect()
        }
        let got = collect(Decoder::new(s));
        for chunk in [1, 7] {
            let trickle = Trickle { rest: s, chunk };
            assert_eq!(collect(Decoder::new(trickle)), got, "reads of {chunk}");
        }
        assert_eq!(collect(crate::stream::decode_slice(s)), got, "in memory");
        got
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
    /// "The stream decoder holds one assertion at a time": 10 000 assertions
    /// generated on the fly, read in small and large pieces, never grow the
    /// buffer beyond a few reads.
    #[test]
    fn buffer_stays_bounded_over_a_long_stream() {
        struct Generated {
            next: usize,
            total: usize,
            pending: Vec<u8>,
            chunk: usize,
        }
        impl Read for Generated {
            fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
                if self.pending.is_empty() && self.next < self.total {
                    self.pending =
                        format!("{}\n\n", account(&format!("a{}", self.next))).into_bytes();
                    self.next += 1;
                }
                let n = self.pending.len().min(out.len()).min(self.chunk);
                out[..n].copy_from_slice(&self.pending[..n]);
                self.pending.drain(..n);
                Ok(n)
            }
        }
        for chunk in [usize::MAX, 100] {
            let mut decoder = Decoder::new(Generated {
                next: 0,
                total: 10_000,
                pending: Vec::new(),
                chunk,
            });
            let mut count = 0;
            let mut largest = 0;
            while let Some(assertion) = decoder.decode().unwrap() {
                assert_eq!(assertion.primary_key(), [format!("a{count}")]);
                count += 1;
                largest = largest.max(decoder.buffer_capacity());
            }
            assert_eq!(count, 10_000);
            // One assertion is ~250 bytes; the buffer is one minimum read plus
            // room for compaction, independent of the stream's 2.5 MB.
            assert!(largest <= 2 * READ_CHUNK, "buffer grew to {largest}");
        }
    }

    #[test]
    fn io_errors_are_wrapped_by_step() {
        struct Failing<'a>(&'a [u8]);
        impl Read for Failing<'_> {
            fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
                if self.0.is_empty() {
                    return Err(std::io::Error::other("boom"));
                }
                let n = self.0.len().min(out.len());
                out[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let cases: [(&[u8], &str); 4] = [
            (b"type: account", "error reading assertion headers: boom"),
            (b"type: account\nbody-length: 3\n\nab", "boom"),
            (
                b"type: account\n\nsig",
                "error reading assertion trailer: boom",
            ),
            (
                b"type: account\n\n\n\nsig",
                "error reading assertion signature: boom",
            ),
        ];
        for (input, want) in cases {
            let err = Decoder::new(Failing(input)).decode().unwrap_err();
            assert_eq!(err.to_string(), want);
        }
    }
}
