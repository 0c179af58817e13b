//! Go's `time.Duration`: `time.ParseDuration` with its error texts, and `Duration.String`.
//!
//! STUB: H2 fills this in.

/// A duration that does not parse; Display is Go's text
/// (`time: missing unit in duration "10"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DurationError {
    text: String,
}

impl std::fmt::Display for DurationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::error::Error for DurationError {}

/// `time.ParseDuration`: a signed sequence of decimal numbers with units (`1h30m`, `1.5s`,
/// `-2ms`), in nanoseconds.
pub fn parse_duration(_text: &str) -> Result<i64, DurationError> {
    Ok(0)
}

/// `time.Duration.String` of `nanoseconds` (`1h30m0s`, `1.5s`, `0s`).
pub fn format_duration(_nanoseconds: i64) -> String {
    "0s".to_string()
}
