//! A snap's `version` (snapd's `snap.ValidateVersion`).
//!
//! A version is 1 to 32 ASCII characters: an alphanumeric first, then `[a-zA-Z0-9:.+~-]`,
//! ending with an alphanumeric, `+` or `~`. A bad version is explained with every reason
//! that applies, in a fixed order.

use thiserror::Error;
use ucore_go_text::{quote, quote_integer, quote_to_ascii};

/// A version that breaks the rule; Display is snapd's whole text
/// (`invalid snap version "V": …`).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum VersionError {
    /// `invalid snap version: cannot be empty`.
    #[error("invalid snap version: cannot be empty")]
    Empty,
    /// A character outside printable, non-space ASCII: `invalid snap version "h\u00e9llo":
    /// must be printable, non-whitespace ASCII` (the version quoted ASCII-only).
    #[error(
        "invalid snap version {}: must be printable, non-whitespace ASCII",
        quote_to_ascii(.0)
    )]
    NotGraphicalAscii(String),
    /// The reasons an ASCII version is refused: `invalid snap version "V": R1, R2, and R3`.
    #[error("invalid snap version {}{}", quote(.version), join_reasons(.reasons))]
    Invalid {
        /// The version.
        version: String,
        /// What is wrong with it, in snapd's order (too long, first, last, middle).
        reasons: Vec<String>,
    },
}

/// `: R` for one reason, `: R1, R2, and Rn` for several, nothing for none.
fn join_reasons(reasons: &[String]) -> String {
    match reasons {
        [] => String::new(),
        [one] => format!(": {one}"),
        [init @ .., last] => format!(": {}, and {last}", init.join(", ")),
    }
}

fn is_middle(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b':' | b'.' | b'+' | b'~' | b'-')
}

fn is_last(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'+' | b'~')
}

fn is_valid(v: &[u8]) -> bool {
    match v {
        [] => false,
        [first] => first.is_ascii_alphanumeric(),
        [first, middle @ .., last] => {
            v.len() <= 32
                && first.is_ascii_alphanumeric()
                && middle.iter().all(|&c| is_middle(c))
                && is_last(*last)
        }
    }
}

/// Checks a snap version as `snap.ValidateVersion` does.
pub fn validate_version(version: &str) -> Result<(), VersionError> {
    let v = version.as_bytes();
    if is_valid(v) {
        return Ok(());
    }
    let (Some(&first), Some(&last)) = (v.first(), v.last()) else {
        return Err(VersionError::Empty);
    };
    if !v.iter().all(u8::is_ascii_graphic) {
        return Err(VersionError::NotGraphicalAscii(version.to_string()));
    }
    let mut reasons = Vec::new();
    if v.len() > 32 {
        reasons.push(format!(
            "cannot be longer than 32 characters (got: {})",
            v.len()
        ));
    }
    if !first.is_ascii_alphanumeric() {
        reasons.push(format!(
            "must start with an ASCII alphanumeric (and not {})",
            quote_integer(first.into())
        ));
    }
    if v.len() > 1 && !is_last(last) {
        reasons.push(format!(
            "must end with an ASCII alphanumeric or one of '+' or '~' (and not {})",
            quote_integer(last.into())
        ));
    }
    if v.len() > 2 {
        // The maximal runs of bad characters between the first and the last.
        let middle = &version[1..version.len() - 1];
        let runs: Vec<String> = middle
            .split(|c: char| c.is_ascii() && is_middle(c as u8))
            .filter(|run| !run.is_empty())
            .map(quote)
            .collect();
        if !runs.is_empty() {
            reasons.push(format!("contains invalid characters: {}", runs.join(", ")));
        }
    }
    Err(VersionError::Invalid {
        version: version.to_string(),
        reasons,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Versions and snapd's texts, from the oracle:
    /// `printf 'name: foo\nversion: "V"\n' | /tmp/snapd-oracle snap-yaml -`
    const CASES: &[(&str, &str)] = &[
        ("", "invalid snap version: cannot be empty"),
        (
            "-x",
            "invalid snap version \"-x\": must start with an ASCII alphanumeric (and not '-')",
        ),
        (
            "-x.y.",
            "invalid snap version \"-x.y.\": must start with an ASCII alphanumeric (and not '-'), \
             and must end with an ASCII alphanumeric or one of '+' or '~' (and not '.')",
        ),
        (
            "h\u{e9}llo",
            "invalid snap version \"h\\u00e9llo\": must be printable, non-whitespace ASCII",
        ),
        (
            "a b",
            "invalid snap version \"a b\": must be printable, non-whitespace ASCII",
        ),
        (
            "a\tb",
            "invalid snap version \"a\\tb\": must be printable, non-whitespace ASCII",
        ),
        (
            "1.0_beta!!x@y",
            "invalid snap version \"1.0_beta!!x@y\": contains invalid characters: \"_\", \"!!\", \"@\"",
        ),
        (
            "0123456789012345678901234567890123",
            "invalid snap version \"0123456789012345678901234567890123\": \
             cannot be longer than 32 characters (got: 34)",
        ),
        (
            "'01234567890123456789012345678901_3.",
            "invalid snap version \"'01234567890123456789012345678901_3.\": \
             cannot be longer than 32 characters (got: 36), \
             must start with an ASCII alphanumeric (and not '\\''), \
             must end with an ASCII alphanumeric or one of '+' or '~' (and not '.'), \
             and contains invalid characters: \"_\"",
        ),
        (
            "_",
            "invalid snap version \"_\": must start with an ASCII alphanumeric (and not '_')",
        ),
        (
            "a:",
            "invalid snap version \"a:\": must end with an ASCII alphanumeric or one of '+' or '~' (and not ':')",
        ),
    ];

    #[test]
    fn versions_match_snapd() {
        for (version, want) in CASES {
            let got = validate_version(version).err().map(|e| e.to_string());
            assert_eq!(got.as_deref(), Some(*want), "{version:?}");
        }
        for ok in [
            "1",
            "a",
            "1.0",
            "1:2.3+git~x",
            "v1-2",
            "1+",
            "1~",
            &"a".repeat(32),
        ] {
            assert_eq!(validate_version(ok), Ok(()), "{ok}");
        }
    }
}
