//! The store's error bodies (§3.8): the v2 `error-list`, and the legacy problem JSON.

use serde::{Deserialize, Serialize};

/// One entry of an `error-list`. Assertion errors also name the assertion.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorEntry {
    /// A machine-readable code: `not-found`, `invalid-request`, …
    pub code: String,
    /// What went wrong, for people.
    pub message: String,
    /// The assertion type (fetch-assertions errors).
    #[serde(rename = "type", default, skip_serializing_if = "String::is_empty")]
    pub assertion_type: String,
    /// The assertion's primary key (fetch-assertions errors).
    #[serde(rename = "primary-key", default, skip_serializing_if = "Vec::is_empty")]
    pub primary_key: Vec<String>,
    /// The assertion's sequence key (fetch-assertions errors).
    #[serde(
        rename = "sequence-key",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub sequence_key: Vec<String>,
}

impl ErrorEntry {
    /// An entry with a code and a message.
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        ErrorEntry {
            code: code.into(),
            message: message.into(),
            ..ErrorEntry::default()
        }
    }
}

/// `{"error-list": [{"code", "message"}]}`: every v2 error body.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorList {
    /// The errors.
    #[serde(rename = "error-list", default)]
    pub error_list: Vec<ErrorEntry>,
}

impl ErrorList {
    /// A body with one error.
    pub fn one(code: impl Into<String>, message: impl Into<String>) -> Self {
        ErrorList {
            error_list: vec![ErrorEntry::new(code, message)],
        }
    }
}

/// The legacy v1 problem JSON: `{"status", "type", "title", "detail"}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// The HTTP status.
    #[serde(default)]
    pub status: u16,
    /// A problem type.
    #[serde(rename = "type", default)]
    pub problem_type: String,
    /// A title.
    #[serde(default)]
    pub title: String,
    /// The detail.
    #[serde(default)]
    pub detail: String,
}
