//! # ucore-go-text
//!
//! The texts Go's standard library writes, where snapd's messages carry them. ucore's
//! crates print snapd's errors byte for byte, and those errors are made with Go's
//! formatting; this leaf crate (no dependencies) is the one place that formatting lives.
//!
//! Modules:
//! - [`quote`](mod@quote): `%q` of strings, bytes, runes and integers (`strconv.Quote`,
//!   `strconv.QuoteRune`), with Go 1.19's `unicode.IsPrint` ([`is_print`]) deciding what
//!   is escaped, and the `time` package's quoting ([`quote_time`]);
//! - [`number`]: `%v` of a float64 and the `strconv` integer parsers with their errors;
//! - [`os`]: the text of an operating-system error's cause;
//! - [`duration`]: `time.ParseDuration` and `Duration.String`;
//! - [`filepath`](mod@filepath): Go's `filepath.Clean`;
//! - [`url`](mod@url): whether `url.Parse` accepts a text, and its errors.
//!
//! ```
//! use ucore_go_text::{number, quote};
//!
//! assert_eq!(quote("a\"b\n"), r#""a\"b\n""#);
//! assert_eq!(quote("\u{200b}"), r#""\u200b""#);
//! assert_eq!(number::format_float(1e6), "1e+06");
//! ```
//!
//! The tests compare every function with Go's own output, kept in
//! `tests/data/golden.txt`; `go-text/gen` regenerates that file and the Unicode table, and
//! with `UCORE_ORACLE` set the tests run it to check both are current.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod duration;
pub mod filepath;
pub mod number;
pub mod os;
pub mod quote;
pub mod url;

pub use quote::{
    is_print, quote, quote_bytes, quote_integer, quote_rune, quote_time, quote_to_ascii,
};
