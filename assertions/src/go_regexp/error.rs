//! Go's `regexp/syntax` parse errors: the codes and the text `regexp.Compile` prints.

use std::fmt;

/// Why Go's parser refused a pattern: one of `regexp/syntax`'s `ErrorCode`s (Go 1.19).
///
/// Go 1.19 has no `ErrLarge` ("expression too large", added in Go 1.20): a pattern over
/// its size limits gets [`ErrorCode::InternalError`] instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// `regexp/syntax: internal error`: Go 1.19's answer to a pattern whose compiled size
    /// or character-class runes pass its limits.
    InternalError,
    /// `invalid character class`.
    InvalidCharClass,
    /// `invalid character class range`: a backwards range, an unknown `[:name:]` or an
    /// unknown or unclosed `\p{…}`.
    InvalidCharRange,
    /// `invalid escape sequence`.
    InvalidEscape,
    /// `invalid named capture`.
    InvalidNamedCapture,
    /// `invalid or unsupported Perl syntax`: a `(?…` that is not a flag group.
    InvalidPerlOp,
    /// `invalid nested repetition operator`: `**`, `+*`, `{2}*`, ….
    InvalidRepeatOp,
    /// `invalid repeat count`: over 1000, `min > max`, or nested counts multiplying to
    /// over 1000.
    InvalidRepeatSize,
    /// `invalid UTF-8` (never produced for a Rust `&str`).
    InvalidUtf8,
    /// `missing closing ]`.
    MissingBracket,
    /// `missing closing )`.
    MissingParen,
    /// `missing argument to repetition operator`.
    MissingRepeatArgument,
    /// `trailing backslash at end of expression`.
    TrailingBackslash,
    /// `unexpected )`.
    UnexpectedParen,
    /// `expression nests too deeply`: a parse tree over 1000 levels high.
    NestingDepth,
}

impl ErrorCode {
    /// Go's text for the code.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InternalError => "regexp/syntax: internal error",
            ErrorCode::InvalidCharClass => "invalid character class",
            ErrorCode::InvalidCharRange => "invalid character class range",
            ErrorCode::InvalidEscape => "invalid escape sequence",
            ErrorCode::InvalidNamedCapture => "invalid named capture",
            ErrorCode::InvalidPerlOp => "invalid or unsupported Perl syntax",
            ErrorCode::InvalidRepeatOp => "invalid nested repetition operator",
            ErrorCode::InvalidRepeatSize => "invalid repeat count",
            ErrorCode::InvalidUtf8 => "invalid UTF-8",
            ErrorCode::MissingBracket => "missing closing ]",
            ErrorCode::MissingParen => "missing closing )",
            ErrorCode::MissingRepeatArgument => "missing argument to repetition operator",
            ErrorCode::TrailingBackslash => "trailing backslash at end of expression",
            ErrorCode::UnexpectedParen => "unexpected )",
            ErrorCode::NestingDepth => "expression nests too deeply",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A pattern Go's `regexp.Compile` refuses, with the part of it Go names.
///
/// Display is Go's text: ``error parsing regexp: missing closing ]: `[)$` ``.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("error parsing regexp: {code}: `{fragment}`")]
pub struct SyntaxError {
    /// What is wrong.
    pub code: ErrorCode,
    /// The text Go quotes: a part of the pattern (or all of it, or nothing).
    pub fragment: String,
}

impl SyntaxError {
    pub(super) fn new(code: ErrorCode, fragment: &str) -> Self {
        SyntaxError {
            code,
            fragment: fragment.to_owned(),
        }
    }
}

/// Why a pattern did not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// Go refuses the pattern too: its error.
    #[error(transparent)]
    Syntax(#[from] SyntaxError),
    /// Go would accept the pattern, but its character classes need more memory than the
    /// caller allowed ([`super::Limits::class_runes`]).
    #[error("the pattern's character classes are too large")]
    ClassesTooLarge,
}

/// Go's error `code`, quoting `fragment`.
pub(super) fn syntax(code: ErrorCode, fragment: &str) -> ParseError {
    ParseError::Syntax(SyntaxError::new(code, fragment))
}
