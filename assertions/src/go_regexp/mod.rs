//! Go's regular expressions (`regexp/syntax`, Go 1.19, Perl flags as `regexp.Compile` uses
//! them) read by Go's rules, with Go's errors, and translated into a `regex-syntax`
//! expression that matches the same strings.
//!
//! snapd compiles the regexps of the rule language and of account-key constraints with
//! `regexp.Compile("^(" + s + ")$")` and prints Go's error when that fails, for instance
//! ``error parsing regexp: missing closing ]: `[)$` ``. The Rust `regex` crate accepts
//! other patterns and words its errors otherwise, so this module parses by Go's rules
//! first: the first error Go meets, left to right, is the one returned, quoting the same
//! fragment ([`SyntaxError`]). A pattern Go accepts becomes an [`Hir`] in Go's dialect:
//!
//! - `\d \w \s \b` and the POSIX classes are ASCII, as in Go;
//! - `x{,3}` is the literal text (a `{` that does not start a count is a literal);
//! - `\Q…\E` quotes; counts are at most 1000, also nested (`(a{10}){200}` is refused);
//! - `\pN` and `\p{Name}` take only Go 1.19's category and script names (the classes'
//!   contents come from `regex-syntax`'s newer Unicode tables: characters assigned after
//!   Unicode 13 are the difference);
//! - `(?i)` folds by Unicode simple case folding, as Go's `unicode.SimpleFold` does.
//!
//! Go 1.19 also refuses trees over 1000 levels high (`expression nests too deeply`) and
//! patterns over its size limits (`regexp/syntax: internal error`). The tree here is
//! shaped as Go shapes its own (literal runs merged, concatenations and alternations
//! flattened, runs of single characters in an alternation merged into a class) but without
//! Go's prefix factoring of alternations, so right at those limits the two may disagree.
//!
//! Memory: the tree is linear in the pattern, except for character classes, which hold
//! up to two runes per range (a `\pL` is about 1300); [`Limits::class_runes`] bounds them
//! ([`ParseError::ClassesTooLarge`]), by default at Go's own limit.
//!
//! Reading order: [`error`] (the codes), `parser` (the scanner, Go's order of checks),
//! `lexical` (escapes, class characters, counts), `tree` (nodes, Go's size and height,
//! translation), `classes` (named classes).

mod classes;
pub mod error;
mod lexical;
mod parser;
mod tree;

pub use error::{ErrorCode, ParseError, SyntaxError};
pub use regex_syntax::hir::Hir;

/// Bounds on what parsing may allocate.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The most runes the pattern's character classes may hold together, two per range
    /// (Go's count). Past it: [`ParseError::ClassesTooLarge`], or Go's own error past Go's
    /// limit (32 Mi runes).
    pub class_runes: usize,
}

impl Default for Limits {
    /// Go's limit.
    fn default() -> Self {
        Limits {
            class_runes: parser::MAX_RUNES,
        }
    }
}

/// Parses `pattern` as Go's `regexp.Compile(pattern)` does: Go's error, or the expression.
pub fn parse(pattern: &str) -> Result<Hir, ParseError> {
    parse_with(pattern, Limits::default())
}

/// [`parse`], with the caller's bounds.
pub fn parse_with(pattern: &str, limits: Limits) -> Result<Hir, ParseError> {
    let class_runes = limits.class_runes.min(parser::MAX_RUNES);
    parser::parse(pattern, class_runes).map(tree::Re::into_hir)
}

/// Whether Go's `regexp.Compile(pattern)` accepts `pattern`, with its error if not.
///
/// ```
/// use ucore_assertions::go_regexp;
///
/// // snapd anchors a constraint `[` as `^([)$`
/// let err = go_regexp::check("^([)$").unwrap_err();
/// assert_eq!(err.to_string(), "error parsing regexp: missing closing ]: `[)$`");
/// assert_eq!(err.code, go_regexp::ErrorCode::MissingBracket);
/// assert!(go_regexp::check("x{,3}").is_ok()); // a literal in Go
/// assert!(go_regexp::check("x{1001}").is_err());
/// ```
pub fn check(pattern: &str) -> Result<(), SyntaxError> {
    match parse(pattern) {
        Ok(_) | Err(ParseError::ClassesTooLarge) => Ok(()),
        Err(ParseError::Syntax(e)) => Err(e),
    }
}
