//! A snap's `links` (snapd's `snap.ValidateLinks` and the parse-time key check).
//!
//! STUB: H2 fills this in.

use std::collections::BTreeMap;
use thiserror::Error;

/// Why links are refused; Display is snapd's text.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LinksError {
    /// `links key cannot be empty`.
    #[error("links key cannot be empty")]
    EmptyKey,
}

/// The parse-time check of one key (`links key cannot be empty`, `links key is invalid: K`).
pub fn validate_links_key(_key: &str) -> Result<(), LinksError> {
    Ok(())
}

/// `snap.ValidateLinks`: every list non-empty, every entry a valid http(s) URL or email.
pub fn validate_links(_links: &BTreeMap<String, Vec<String>>) -> Result<(), LinksError> {
    Ok(())
}
