//! Framing one assertion of a stream (snapd's `Decoder.Decode`, `asserts/asserts.go`),
//! written once for both stream decoders: [`frame`] looks at the bytes available so far
//! and either frames and checks one assertion (borrowing those bytes), reports a clean
//! end of stream, or says which step needs more input. It performs no I/O: the [`Read`]
//! decoder fills its buffer and calls it again; the in-memory decoder calls it once per
//! assertion with the whole rest of its input (`eof = true`).
//!
//! [`Read`]: std::io::Read

use std::collections::HashMap;
use std::sync::LazyLock;

use memchr::memmem;

use crate::Error;
use crate::assemble::assemble;
use crate::assertion::AssertionRef;
use crate::assertion_type::AssertionType;
use crate::checks;
use crate::headers::parse_headers;
use crate::rules::RuleLanguage;

/// Largest body a stream decoder accepts by default (2 MiB).
pub const MAX_BODY_SIZE: usize = 2 * 1024 * 1024;
/// Largest header block, including its `\n\n` (128 KiB).
pub const MAX_HEADERS_SIZE: usize = 128 * 1024;
/// Largest signature, including its `\n\n` (128 KiB).
pub const MAX_SIGNATURE_SIZE: usize = 128 * 1024;

/// The step of snapd's `Decoder.Decode` that is reading when input runs short; it decides
/// how an I/O error is wrapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    /// Step 1, up to the first `\n\n`: `error reading assertion headers: …`.
    Headers,
    /// Step 4, exactly `body-length` bytes: errors are not wrapped.
    Body,
    /// Step 5, up to the next `\n\n`: `error reading assertion trailer: …`.
    Trailer,
    /// Step 5, the signature after a bare `\n\n`: `error reading assertion signature: …`.
    Signature,
}

impl Stage {
    /// Wraps an error of reading more input in this step's context.
    pub(crate) fn wrap(self, e: Error) -> Error {
        match self {
            Stage::Headers => Error::ReadingHeaders(Box::new(e)),
            Stage::Body => e,
            Stage::Trailer => Error::ReadingTrailer(Box::new(e)),
            Stage::Signature => Error::ReadingSignature(Box::new(e)),
        }
    }
}

/// What [`frame`] found at the start of the input.
#[derive(Debug)]
pub(crate) enum Framed<'a> {
    /// No input left at end of stream: the stream ended cleanly.
    End,
    /// The input ends inside the assertion and more may come.
    NeedMore {
        /// The step that ran short.
        stage: Stage,
        /// Bytes of input already taken by the steps before `stage` (the
        /// position the decoder resumes from on an I/O error).
        consumed: usize,
        /// What the step waits for.
        wait: Wait,
    },
    /// One assertion, checked, and the number of input bytes it took.
    Assertion(AssertionRef<'a>, usize),
}

/// What a step that ran short waits for; a reader decoder reads until it is
/// there (or the stream ends) before framing again, so framing an assertion
/// that arrives in many small reads stays linear.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Wait {
    /// The input is at least this long.
    Length(usize),
    /// A `\n\n` at or after `from`, or `max` bytes from there to decide that
    /// there is none.
    Delimiter {
        /// Where the search starts.
        from: usize,
        /// The step's size limit.
        max: usize,
    },
}

impl Wait {
    /// Whether `input` now holds what the step waits for; `scanned`: a prefix
    /// already known not to hold it.
    pub(crate) fn is_met(self, input: &[u8], scanned: usize) -> bool {
        match self {
            Wait::Length(n) => input.len() >= n,
            Wait::Delimiter { from, max } => {
                input.len().saturating_sub(from) >= max
                    || input
                        .get(from.max(scanned.saturating_sub(1))..)
                        .is_some_and(|new| BLANK_LINE.find(new).is_some())
            }
        }
    }
}

/// An error of framing or checking one assertion, with the number of input
/// bytes taken before it (as snapd's decoder consumes them).
#[derive(Debug)]
pub(crate) struct FrameError {
    pub(crate) error: Error,
    pub(crate) consumed: usize,
}

fn fail<T>(error: Error, consumed: usize) -> Result<T, FrameError> {
    Err(FrameError { error, consumed })
}

/// The `\n\n` searcher, built once.
static BLANK_LINE: LazyLock<memmem::Finder<'static>> =
    LazyLock::new(|| memmem::Finder::new(b"\n\n"));

/// snapd `readUntil("\n\n", max)` over `input[from..]`: the delimiter must end
/// within the first `max` bytes.
enum Until {
    /// The end (exclusive) of the delimiter.
    Found(usize),
    /// End of stream before the delimiter.
    Eof,
    /// More input may bring the delimiter.
    NeedMore,
}

fn read_until(input: &[u8], from: usize, max: usize, eof: bool) -> Result<Until, Error> {
    let pending = input.get(from..).unwrap_or_default();
    let limit = pending.len().min(max);
    if let Some(i) = BLANK_LINE.find(&pending[..limit]) {
        return Ok(Until::Found(from + i + 2));
    }
    if pending.len() >= max {
        return Err(Error::MaxSizeExceeded);
    }
    Ok(if eof { Until::Eof } else { Until::NeedMore })
}

/// Frames and checks the assertion at the start of `input` (the steps of snapd's
/// `Decoder.Decode`: headers, body, trailer, signature, then `assemble`).
/// `eof`: no input follows `input`.
pub(crate) fn frame<'a>(
    input: &'a [u8],
    eof: bool,
    type_max_body_size: &HashMap<AssertionType, usize>,
    language: RuleLanguage,
) -> Result<Framed<'a>, FrameError> {
    let need = |stage, consumed, wait| {
        Ok(Framed::NeedMore {
            stage,
            consumed,
            wait,
        })
    };
    let delimiter = |from, max| Wait::Delimiter { from, max };
    // 1. the header block, up to and including the first `\n\n`
    let head_end = match read_until(input, 0, MAX_HEADERS_SIZE, eof) {
        Ok(Until::Found(end)) => end,
        Ok(Until::Eof) if input.is_empty() => return Ok(Framed::End),
        Ok(Until::Eof) => return fail(Error::UnexpectedEof, input.len()),
        Ok(Until::NeedMore) => return need(Stage::Headers, 0, delimiter(0, MAX_HEADERS_SIZE)),
        Err(e) => return fail(Error::ReadingHeaders(Box::new(e)), 0),
    };
    let head_len = head_end - 2;
    // 2. parse, 3. body-length and its limits
    let head = input.get(..head_len).unwrap_or_default();
    let headers = parse_headers(head).map_err(|e| FrameError {
        error: Error::ParsingHeaders(Box::new(e)),
        consumed: head_end,
    })?;
    let length =
        checks::check_int_with_default(&headers, "body-length", 0).map_err(|e| FrameError {
            error: e.in_assertion(),
            consumed: head_end,
        })?;
    let type_max = if type_max_body_size.is_empty() {
        None
    } else {
        headers
            .get_str("type")
            .and_then(AssertionType::from_name)
            .and_then(|t| Some((t, *type_max_body_size.get(&t)?)))
    };
    let length = match type_max {
        Some((t, max)) if max != 0 && length > max as i64 => {
            return fail(
                Error::BodyTooLargeForType {
                    length,
                    max,
                    assertion_type: t.name(),
                },
                head_end,
            );
        }
        _ if length > MAX_BODY_SIZE as i64 => {
            return fail(Error::BodyTooLarge { length }, head_end);
        }
        _ => usize::try_from(length).unwrap_or(0),
    };
    // 4. the body
    let body_end = head_end + length;
    if input.len() < body_end {
        if eof {
            return fail(Error::UnexpectedEof, input.len());
        }
        return need(Stage::Body, head_end, Wait::Length(body_end));
    }
    // 5. the trailer: a bare `\n\n` before the signature, or the signature itself
    let trailer_end = match read_until(input, body_end, MAX_SIGNATURE_SIZE, eof) {
        Ok(Until::Found(end)) => end,
        Ok(Until::Eof) => input.len(),
        Ok(Until::NeedMore) => {
            return need(
                Stage::Trailer,
                body_end,
                delimiter(body_end, MAX_SIGNATURE_SIZE),
            );
        }
        Err(e) => return fail(Error::ReadingTrailer(Box::new(e)), body_end),
    };
    let trailer = input.get(body_end..trailer_end).unwrap_or_default();
    let (content_end, signature_start, end) = if trailer == b"\n\n" {
        let end = match read_until(input, trailer_end, MAX_SIGNATURE_SIZE, eof) {
            Ok(Until::Found(end)) => end,
            Ok(Until::Eof) => input.len(),
            Ok(Until::NeedMore) => {
                return need(
                    Stage::Signature,
                    trailer_end,
                    delimiter(trailer_end, MAX_SIGNATURE_SIZE),
                );
            }
            Err(e) => return fail(Error::ReadingSignature(Box::new(e)), trailer_end),
        };
        (body_end, trailer_end, end)
    } else if length > 0 {
        return fail(Error::MissingSignatureSeparator, trailer_end);
    } else {
        (head_len, body_end, trailer_end)
    };
    // 6. a signature followed by a separator keeps one `\n`
    let mut signature = input.get(signature_start..end).unwrap_or_default();
    if let [rest @ .., b'\n', b'\n'] = signature {
        signature = input
            .get(signature_start..signature_start + rest.len() + 1)
            .unwrap_or_default();
    }
    // 7. the common and type-specific checks
    let content = input.get(..content_end).unwrap_or_default();
    let body = input
        .get(head_end.min(content_end)..content_end)
        .unwrap_or_default();
    match assemble(headers, body, content, signature, language) {
        Ok(assertion) => Ok(Framed::Assertion(assertion, end)),
        Err(error) => fail(error, end),
    }
}
