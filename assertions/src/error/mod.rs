//! The crate's error type [`Error`] and the type checks' [`TypeError`] it wraps.
//!
//! `Display` prints snapd's text exactly where snapd has a message, including the
//! prefixes snapd adds (`parsing assertion headers: `, `assertion: `,
//! `assertion <type>: `). Those prefixes are wrapping variants
//! ([`Error::ParsingHeaders`], [`Error::Assertion`], [`Error::Type`]) so a caller can
//! match on the inner cause. `%q` is Go's quoting ([`ucore_go_text::quote()`]).

use ucore_go_text::{quote, quote_time};

mod type_error;

pub use type_error::TypeError;

/// Everything that can go wrong when decoding, checking, building or streaming
/// assertions.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    // ---- header grammar (snapd's `parseHeaders`, `asserts/headers.go`);
    // `Decode` wraps these in `ParsingHeaders` ----
    /// The header block is not valid UTF-8.
    #[error("header is not utf8")]
    HeaderNotUtf8,
    /// A top-level line has no `:`.
    #[error("header entry missing ':' separator: {}", quote(.line))]
    HeaderMissingSeparator {
        /// The whole line.
        line: String,
    },
    /// A top-level header name does not match `^[a-z](?:-?[a-z0-9])*$`.
    #[error("invalid header name: {}", quote(.name))]
    InvalidHeaderName {
        /// The rejected name.
        name: String,
    },
    /// `name:x`: neither a space nor the end of the line follows the colon.
    #[error("header entry should have a space or newline (for multiline) before value: {}", quote(.line))]
    HeaderMissingSpace {
        /// The whole line.
        line: String,
    },
    /// A bare `name:` is not followed by a line with the multi-line indentation.
    #[error("expected {indent} chars nesting prefix after multiline introduction {}: {}", quote(.intro), .next.as_deref().map(quote).unwrap_or_else(|| "EOF".to_owned()))]
    MultilinePrefix {
        /// The expected indentation (base + 4).
        indent: usize,
        /// The introducing line.
        intro: String,
        /// The line that follows, or `None` at the end of the headers.
        next: Option<String>,
    },
    /// The same top-level header appears twice.
    #[error("repeated header: {}", quote(.name))]
    RepeatedHeader {
        /// The repeated name.
        name: String,
    },
    /// A map line has no `:`.
    #[error("map entry missing ':' separator: {}", quote(.entry))]
    MapMissingSeparator {
        /// The line without its indentation prefix.
        entry: String,
    },
    /// A map key does not match the header-name pattern.
    #[error("invalid map entry key: {}", quote(.key))]
    InvalidMapKey {
        /// The rejected key.
        key: String,
    },
    /// The same key appears twice in one map.
    #[error("repeated map entry: {}", quote(.key))]
    RepeatedMapEntry {
        /// The repeated key.
        key: String,
    },
    /// Lists and maps are nested deeper than ucore accepts (snapd has no limit).
    #[error("header values nested deeper than {max} levels at line {line}")]
    NestingTooDeep {
        /// The limit ([`crate::headers::MAX_NESTING_DEPTH`]).
        max: usize,
        /// 1-based line number in the header block.
        line: usize,
    },
    /// Wraps a header grammar error: `parsing assertion headers: …`.
    #[error("parsing assertion headers: {0}")]
    ParsingHeaders(Box<Error>),

    // ---- single-assertion `Decode` and `assemble` (`asserts/asserts.go`) ----
    /// No `\n\n` in the input.
    #[error("assertion content/signature separator not found")]
    SeparatorNotFound,
    /// The body does not have the declared `body-length`.
    #[error("assertion body length and declared body-length don't match: {actual} != {declared}")]
    BodyLengthMismatch {
        /// The length of the body found.
        actual: usize,
        /// The `body-length` header.
        declared: i64,
    },
    /// The body is not valid UTF-8.
    #[error("assertion body is not utf8")]
    BodyNotUtf8,
    /// Wraps a meta-header error: `assertion: …`.
    #[error("assertion: {0}")]
    Assertion(Box<Error>),
    /// Wraps a type-specific error: `assertion <type>: …`.
    #[error("assertion {assertion_type}: {source}")]
    Type {
        /// The type name.
        assertion_type: &'static str,
        /// The cause.
        source: Box<Error>,
    },
    /// The `type` header names no known type.
    #[error("unknown assertion type: {}", quote(.name))]
    UnknownType {
        /// The `type` header.
        name: String,
    },
    /// A type without authority has an `authority-id` header.
    #[error("{} assertion cannot have authority-id set", quote(.assertion_type))]
    AuthorityIdSet {
        /// The type name.
        assertion_type: &'static str,
    },
    /// `format` or `revision` is negative (`<name> should be positive: <n>`).
    #[error("{name} should be positive: {value}")]
    NotPositive {
        /// `format` or `revision`.
        name: &'static str,
        /// The value.
        value: i64,
    },
    /// A primary key header contains `/`.
    #[error("{} primary key header cannot contain '/'", quote(.name))]
    PrimaryKeySlash {
        /// The primary key header.
        name: String,
    },
    /// The signature part is empty.
    #[error("empty assertion signature")]
    EmptySignature,
    /// A JSON-body type (confdb-schema) has an empty body.
    #[error("body must contain JSON")]
    JsonBodyMissing,
    /// A JSON body does not parse.
    #[error("invalid JSON in body: {reason}")]
    JsonBodyInvalid {
        /// The parser's message (serde_json's text, not Go's).
        reason: String,
    },
    /// A JSON body is not in Go's `json.MarshalIndent` form.
    #[error("JSON in body must be indented with 2 spaces and sort object entries by key")]
    JsonBodyNotCanonical,

    // ---- value helpers (`checks`; snapd's `asserts/header_checks.go`) ----
    /// A mandatory value is absent: `%q %s is mandatory`.
    #[error("{} {context} is mandatory", quote(.name))]
    Mandatory {
        /// The header or entry name.
        name: String,
        /// `header`, or a context such as `of snap "x"`.
        context: String,
    },
    /// The value is not a string: `%q %s must be a string`.
    #[error("{} {context} must be a string", quote(.name))]
    NotString {
        /// The header or entry name.
        name: String,
        /// `header` or a context string.
        context: String,
    },
    /// The value is empty: `%q %s should not be empty`.
    #[error("{} {context} should not be empty", quote(.name))]
    EmptyValue {
        /// The header or entry name.
        name: String,
        /// `header` or a context string.
        context: String,
    },
    /// Not a Go `strconv.Atoi` integer: `%q %s is not an integer: %v`.
    #[error("{} {context} is not an integer: {value}", quote(.name))]
    NotInteger {
        /// The header or entry name.
        name: String,
        /// `header` or a context string.
        context: String,
        /// The value as text (Go `%v` for lists and maps).
        value: String,
    },
    /// Not an unsigned integer: `%q %s is not an unsigned integer: %v`.
    #[error("{} {context} is not an unsigned integer: {value}", quote(.name))]
    NotUnsignedInteger {
        /// The header or entry name.
        name: String,
        /// `header` or a context string.
        context: String,
        /// The value.
        value: String,
    },
    /// Integer outside the 64-bit range: `%q %s is out of range: %v`.
    #[error("{} {context} is out of range: {value}", quote(.name))]
    OutOfRange {
        /// The header or entry name.
        name: String,
        /// `header` or a context string.
        context: String,
        /// The value.
        value: String,
    },
    /// Integer with leading zeros: `%q %s has invalid prefix zeros: %s`.
    #[error("{} {context} has invalid prefix zeros: {value}", quote(.name))]
    PrefixZeros {
        /// The header or entry name.
        name: String,
        /// `header` or a context string.
        context: String,
        /// The value.
        value: String,
    },
    /// Not `true`/`false`: `%q header must be 'true' or 'false'`.
    #[error("{} header must be 'true' or 'false'", quote(.name))]
    NotBool {
        /// The header name.
        name: String,
    },
    /// Not an RFC 3339 date (Go `time.Parse` text in `reason`).
    #[error("{} {context} is not a RFC3339 date: {reason}", quote(.name))]
    NotRfc3339 {
        /// The header or entry name.
        name: String,
        /// `header` or a context string.
        context: String,
        /// The parse failure.
        reason: TimeError,
    },
    /// A digest does not decode as unpadded base64url.
    #[error("{} header cannot be decoded: illegal base64 data at input byte {offset}", quote(.name))]
    DigestUndecodable {
        /// The header name.
        name: String,
        /// Go's `CorruptInputError` offset.
        offset: usize,
    },
    /// A digest has the wrong size.
    #[error("{} header does not have the expected bit length: {bits}", quote(.name))]
    DigestBitLength {
        /// The header name.
        name: String,
        /// Decoded size in bits.
        bits: usize,
    },
    /// Not a list of strings: `%s must be a list of strings` (`what` is e.g. `"x" header`).
    #[error("{what} must be a list of strings")]
    NotStringList {
        /// Description, e.g. `"series" header`.
        what: String,
    },
    /// A list element fails its pattern: `%s contains an invalid element: %q`.
    #[error("{what} contains an invalid element: {}", quote(.element))]
    InvalidListElement {
        /// Description, e.g. `"series" header`.
        what: String,
        /// The element.
        element: String,
    },
    /// Not a map: `%q %s must be a map`.
    #[error("{} {context} must be a map", quote(.name))]
    NotMap {
        /// The header or entry name.
        name: String,
        /// `header` or a context string.
        context: String,
    },
    /// Not a list: `%q %s must be a list`.
    #[error("{} {context} must be a list", quote(.name))]
    NotList {
        /// The header or entry name.
        name: String,
        /// `header` or a context string.
        context: String,
    },
    /// A value does not match its pattern: `%q %s contains invalid characters: %q`.
    #[error("{} {context} contains invalid characters: {}", quote(.name), quote(.value))]
    InvalidCharacters {
        /// The header or entry name.
        name: String,
        /// `header` or a context string.
        context: String,
        /// The value.
        value: String,
    },
    /// The `model` header has uppercase letters.
    #[error("{} {context} cannot contain uppercase letters", quote(.name))]
    Uppercase {
        /// The header or entry name.
        name: String,
        /// `header` or a context string.
        context: String,
    },

    // ---- building and signing (snapd's `assembleAndSign`, `asserts/asserts.go`) ----
    /// The header name or map key would not decode (snapd does not check this).
    #[error("cannot encode header {}: {}", quote(.header), .reason)]
    Unencodable {
        /// The top-level header concerned.
        header: String,
        /// What is wrong.
        reason: String,
    },
    /// `format` above the type's maximum.
    #[error("cannot sign {} assertion with format {format} higher than max supported format {max}", quote(.assertion_type))]
    FormatTooHigh {
        /// The type name.
        assertion_type: &'static str,
        /// The requested format.
        format: i64,
        /// The maximum.
        max: i64,
    },
    /// `format` below what the included features need (snap-declaration rules):
    /// `cannot sign %q assertion with format set to %d lower than min format %d covering
    /// included features`.
    #[error("cannot sign {} assertion with format set to {format} lower than min format {min} covering included features", quote(.assertion_type))]
    FormatTooLow {
        /// The type name.
        assertion_type: &'static str,
        /// The requested format.
        format: i64,
        /// The lowest format covering the features.
        min: i64,
    },
    /// The built content does not decode as its type: `cannot assemble assertion %s: %v`.
    #[error("cannot assemble assertion {assertion_type}: {source}")]
    Assemble {
        /// The type name.
        assertion_type: &'static str,
        /// The cause.
        source: Box<Error>,
    },

    // ---- streams (snapd's `Encoder` and `Decoder`, `asserts/asserts.go`) ----
    /// The stream ended inside an assertion (Go `io.ErrUnexpectedEOF`).
    #[error("unexpected EOF")]
    UnexpectedEof,
    /// No `\n\n` within the size limit.
    #[error("maximum size exceeded while looking for delimiter \"\\n\\n\"")]
    MaxSizeExceeded,
    /// Reading from the stream failed, or the size limit was hit, while reading
    /// the headers.
    #[error("error reading assertion headers: {0}")]
    ReadingHeaders(Box<Error>),
    /// … while reading the content/signature separator.
    #[error("error reading assertion trailer: {0}")]
    ReadingTrailer(Box<Error>),
    /// … while reading the signature.
    #[error("error reading assertion signature: {0}")]
    ReadingSignature(Box<Error>),
    /// An I/O error of the underlying reader or writer.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// `body-length` above the per-type limit.
    #[error("assertion body length {length} exceeds maximum body size {max} for {} assertions", quote(.assertion_type))]
    BodyTooLargeForType {
        /// The declared length.
        length: i64,
        /// The per-type limit.
        max: usize,
        /// The type name.
        assertion_type: &'static str,
    },
    /// `body-length` above the default 2 MiB limit.
    #[error("assertion body length {length} exceeds maximum body size")]
    BodyTooLarge {
        /// The declared length.
        length: i64,
    },
    /// A body follows the headers but no separator follows the body.
    #[error("missing content/signature separator")]
    MissingSignatureSeparator,
    /// The stream encoder got empty data (`internal error: <what> cannot be empty`).
    #[error("internal error: {what} cannot be empty")]
    EmptyEncoding {
        /// `encoded assertion`, `content` or `signature`.
        what: &'static str,
    },
    /// An OpenPGP wire-format error (signature, public key, v1 wrapper).
    #[error(transparent)]
    Packet(#[from] crate::openpgp::PacketError),
    /// A type-specific check (snapd's per-type `assemble…`) failed.
    #[error(transparent)]
    TypeCheck(#[from] TypeError),
}

impl Error {
    /// The innermost cause, unwrapping the prefix variants
    /// ([`Error::ParsingHeaders`], [`Error::Assertion`], [`Error::Type`], [`Error::Assemble`]).
    pub fn root_cause(&self) -> &Error {
        match self {
            Error::ParsingHeaders(inner) | Error::Assertion(inner) => inner.root_cause(),
            Error::Type { source, .. } | Error::Assemble { source, .. } => source.root_cause(),
            other => other,
        }
    }

    pub(crate) fn in_type(self, assertion_type: &'static str) -> Error {
        Error::Type {
            assertion_type,
            source: Box::new(self),
        }
    }

    pub(crate) fn in_assertion(self) -> Error {
        Error::Assertion(Box::new(self))
    }
}

/// Why a date is not RFC 3339, with Go `time.Parse`'s text as `Display`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    /// `parsing time "V" as "2006-01-02T15:04:05Z07:00": cannot parse "REST" as "ELEM"`.
    #[error("parsing time {} as \"2006-01-02T15:04:05Z07:00\": cannot parse {} as {}", quote_time(.value), quote_time(.rest), quote_time(.layout_element))]
    CannotParse {
        /// The whole value.
        value: String,
        /// The value text where parsing failed.
        rest: String,
        /// The layout element expected there.
        layout_element: &'static str,
    },
    /// `parsing time "V": <what> out of range`.
    #[error("parsing time {}: {what} out of range", quote_time(.value))]
    OutOfRange {
        /// The whole value.
        value: String,
        /// `month`, `day`, `hour`, `minute`, `second`, `time zone offset hour` …
        what: &'static str,
    },
    /// `parsing time "V": extra text: "REST"`.
    #[error("parsing time {}: extra text: {}", quote_time(.value), quote_time(.rest))]
    ExtraText {
        /// The whole value.
        value: String,
        /// The trailing text.
        rest: String,
    },
}
