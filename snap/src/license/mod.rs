//! SPDX license expressions as snapd checks them (`spdx/`, SPDX list 3.11).
//!
//! An expression is a sequence of tokens, split at spaces and newlines, with `(` and `)`
//! tokens of their own: license identifiers from snapd's list ([`is_license`]), joined by
//! `AND` or `OR`, each optionally followed by `WITH` and an exception ([`is_exception`]),
//! grouped with parentheses. `LicenseRef-` identifiers are not supported. The checks run
//! token by token, left to right, so the first fault found is the one reported, with
//! snapd's reason.

mod list;

use thiserror::Error;
use ucore_go_text::quote;

/// Why an expression is refused; Display is snapd's reason (the caller adds
/// `cannot validate license "X": `).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LicenseError {
    /// `empty expression`: nothing at all, or `()`.
    #[error("empty expression")]
    Empty,
    /// `unknown license: X`.
    #[error("unknown license: {0}")]
    UnknownLicense(String),
    /// `unknown license exception: X`.
    #[error("unknown license exception: {0}")]
    UnknownException(String),
    /// `"(" not allowed after WITH`.
    #[error("{} not allowed after WITH", quote(.0))]
    NotAllowedAfterWith(String),
    /// `expected ")" got ""`: a group not closed at the end.
    #[error("expected \")\" got {}", quote(.0))]
    ExpectedClose(String),
    /// `unexpected ")"`: a `)` without its `(`.
    #[error("unexpected \")\"")]
    UnexpectedClose,
    /// `missing license before AND` (or `OR`, `WITH`).
    #[error("missing license before {0}")]
    MissingLicenseBefore(String),
    /// `expected license name, got "OR"`: an operator after `AND` or `OR`.
    #[error("expected license name, got {}", quote(.0))]
    ExpectedLicense(String),
    /// `expected license name before WITH`: `WITH` after a group.
    #[error("expected license name before WITH")]
    ExpectedLicenseBeforeWith,
    /// `expected exception name, got "AND"`: an operator after `WITH`.
    #[error("expected exception name, got {}", quote(.0))]
    ExpectedException(String),
    /// `missing AND or OR between "A" and "B"`: two known licenses in a row.
    #[error("missing AND or OR between {} and {}", quote(.0), quote(.1))]
    MissingOperator(String, String),
    /// `unexpected string: "T"`: a word where an operator belongs.
    #[error("unexpected string: {}", quote(.0))]
    UnexpectedString(String),
    /// `missing license after AND` (or `OR`, `WITH`): an operator at the end.
    #[error("missing license after {0}")]
    MissingLicenseAfter(String),
    /// `bufio.Scanner: token too long`: a token of more than 65535 bytes (snapd reads the
    /// tokens with Go's `bufio.Scanner`, whose buffer is 64 KiB).
    #[error("bufio.Scanner: token too long")]
    TokenTooLong,
}

/// The longest token Go's `bufio.Scanner` hands out with its default 64 KiB buffer.
const MAX_TOKEN: usize = 64 * 1024 - 1;

/// Whether `id` is in snapd's SPDX license list (exact case).
pub fn is_license(id: &str) -> bool {
    list::LICENSES.binary_search(&id).is_ok()
}

/// Whether `id` is in snapd's list of license exceptions (exact case).
pub fn is_exception(id: &str) -> bool {
    list::EXCEPTIONS.binary_search(&id).is_ok()
}

fn is_operator(token: &str) -> bool {
    matches!(token, "AND" | "OR" | "WITH")
}

/// The tokens of an expression: `(` and `)` alone, other runs of characters cut at spaces,
/// newlines and parentheses.
fn tokens(expression: &str) -> impl Iterator<Item = Result<&str, LicenseError>> {
    let mut rest = expression;
    std::iter::from_fn(move || {
        rest = rest.trim_start_matches([' ', '\n']);
        if rest.is_empty() {
            return None;
        }
        let len = if rest.starts_with(['(', ')']) {
            1
        } else {
            rest.find([' ', '\n', '(', ')']).unwrap_or(rest.len())
        };
        let (token, after) = rest.split_at(len);
        rest = after;
        Some(if len > MAX_TOKEN {
            Err(LicenseError::TokenTooLong)
        } else {
            Ok(token)
        })
    })
}

/// Checks an SPDX expression as `spdx.ValidateLicense` does.
pub fn validate_license(expression: &str) -> Result<(), LicenseError> {
    // The nesting depth, and the previous token at this depth: "" at the start of the
    // expression or of a group, "(" just after a group.
    let mut depth = 0usize;
    let mut last = "";
    for token in tokens(expression) {
        let token = token?;
        match token {
            "(" => {
                if last == "WITH" {
                    return Err(LicenseError::NotAllowedAfterWith(token.into()));
                }
                depth += 1;
                last = "";
                continue;
            }
            ")" => {
                if depth == 0 {
                    return Err(LicenseError::UnexpectedClose);
                }
                if last.is_empty() {
                    return Err(LicenseError::Empty);
                }
                depth -= 1;
                last = "(";
                continue;
            }
            op if is_operator(op) => {
                if last.is_empty() {
                    return Err(LicenseError::MissingLicenseBefore(op.into()));
                }
                if last == "AND" || last == "OR" {
                    return Err(LicenseError::ExpectedLicense(op.into()));
                }
                if op == "WITH" && last == "(" {
                    return Err(LicenseError::ExpectedLicenseBeforeWith);
                }
                if last == "WITH" {
                    return Err(LicenseError::ExpectedException(op.into()));
                }
            }
            word => {
                if last == "WITH" {
                    if !is_exception(word) {
                        return Err(LicenseError::UnknownException(word.into()));
                    }
                } else if last.is_empty() || last == "AND" || last == "OR" {
                    if !is_license(word) {
                        return Err(LicenseError::UnknownLicense(word.into()));
                    }
                } else if is_license(last) && is_license(word) {
                    return Err(LicenseError::MissingOperator(last.into(), word.into()));
                } else {
                    return Err(LicenseError::UnexpectedString(word.into()));
                }
            }
        }
        last = token;
    }
    if is_operator(last) {
        return Err(LicenseError::MissingLicenseAfter(last.into()));
    }
    if last.is_empty() {
        return Err(LicenseError::Empty);
    }
    if depth > 0 {
        return Err(LicenseError::ExpectedClose(String::new()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expressions and snapd's reasons, from the oracle (which adds `cannot validate
    /// license "X": `): `printf 'name: foo\nversion: 1\nlicense: "X"\n' |
    /// /tmp/snapd-oracle snap-yaml -`.
    const CASES: &[(&str, &str)] = &[
        // (snap.Validate skips an empty license; `spdx.ValidateLicense("")` says this.)
        ("", "empty expression"),
        ("  \n ", "empty expression"),
        ("()", "empty expression"),
        ("MIT AND ()", "empty expression"),
        ("mit", "unknown license: mit"),
        ("MIT\tAND GPL-3.0", "unknown license: MIT\tAND"),
        ("LicenseRef-x", "unknown license: LicenseRef-x"),
        ("GPL-2.0 WITH bogus", "unknown license exception: bogus"),
        ("GPL-2.0 WITH (MIT)", r#""(" not allowed after WITH"#),
        ("(MIT", r#"expected ")" got """#),
        ("((MIT) AND GPL-3.0", r#"expected ")" got """#),
        ("MIT)", r#"unexpected ")""#),
        ("AND MIT", "missing license before AND"),
        ("(OR MIT)", "missing license before OR"),
        ("MIT AND OR GPL-3.0", r#"expected license name, got "OR""#),
        (
            "(MIT) WITH GCC-exception-3.1",
            "expected license name before WITH",
        ),
        ("GPL-2.0 WITH AND", r#"expected exception name, got "AND""#),
        (
            "MIT GPL-3.0",
            r#"missing AND or OR between "MIT" and "GPL-3.0""#,
        ),
        ("MIT bogus", r#"unexpected string: "bogus""#),
        ("(MIT) GPL-3.0", r#"unexpected string: "GPL-3.0""#),
        (
            "GPL-2.0 WITH GCC-exception-3.1 MIT",
            r#"unexpected string: "MIT""#,
        ),
        ("MIT AND", "missing license after AND"),
        ("GPL-2.0 WITH", "missing license after WITH"),
    ];

    #[test]
    fn expressions_match_snapd() {
        for (expression, want) in CASES {
            let got = validate_license(expression).err().map(|e| e.to_string());
            assert_eq!(got.as_deref(), Some(*want), "{expression:?}");
        }
        for ok in [
            "MIT",
            "Proprietary",
            "GPL-2.0+",
            "MIT OR (GPL-2.0 WITH GCC-exception-3.1 AND Apache-2.0)",
            "(MIT)(GPL-3.0)",
            "(MIT) AND (GPL-3.0)",
            "((((MIT))))",
            "GPL-2.0-only WITH eCos-exception-2.0",
            "MIT\nAND\n0BSD",
            "zlib-acknowledgement OR ZPL-2.1",
            // A group may end with an operator: snapd checks that only at the very end.
            "(MIT OR)",
            "(GPL-2.0 WITH) AND MIT",
        ] {
            assert_eq!(validate_license(ok), Ok(()), "{ok:?}");
        }
    }

    #[test]
    fn long_tokens_and_deep_nesting() {
        // `bufio.Scanner`'s limit, from the oracle: 65535 bytes is a token, 65536 is not.
        let a = "a".repeat(MAX_TOKEN);
        assert_eq!(
            validate_license(&format!("MIT AND {a}")),
            Err(LicenseError::UnknownLicense(a.clone()))
        );
        let b = "a".repeat(MAX_TOKEN + 1);
        assert_eq!(
            validate_license(&format!("({b})")),
            Err(LicenseError::TokenTooLong)
        );
        assert_eq!(
            validate_license(&format!("bogus {b}")),
            Err(LicenseError::UnknownLicense("bogus".into()))
        );
        let deep = format!("{}MIT{}", "(".repeat(100_000), ")".repeat(100_000));
        assert_eq!(validate_license(&deep), Ok(()));
    }

    #[test]
    fn list_is_sorted_and_complete() {
        assert!(list::LICENSES.windows(2).all(|w| w[0] < w[1]));
        assert!(list::EXCEPTIONS.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(list::LICENSES.len(), 449);
        assert_eq!(list::EXCEPTIONS.len(), 9);
        assert!(is_license("0BSD") && is_license("ZPL-2.1") && is_license("Proprietary"));
        assert!(!is_license("proprietary") && !is_exception("GPL-2.0"));
    }
}
