//! `account-key-request` (snapd's `asserts/account_key.go`, `assembleAccountKeyRequest`):
//! a request to register a key, self-signed by the key in its body.

use serde::Serialize;

use crate::checks::{self, HEADER};
use crate::openpgp::PublicKey;
use crate::rfc3339::Rfc3339Time;
use crate::{AssertionAccess, Error};

use super::account_key::{VALID_KEY_NAME, body_key, validity};

/// An `account-key-request` assertion.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct AccountKeyRequest<'a> {
    /// `account-id`.
    pub account_id: &'a str,
    /// `name` (mandatory here).
    pub name: &'a str,
    /// `since`.
    pub since: Rfc3339Time,
    /// `until`, if any.
    pub until: Option<Rfc3339Time>,
    /// `public-key-sha3-384`.
    pub public_key_sha3_384: &'a str,
    /// The body, parsed: the key that signs the request.
    pub public_key: PublicKey,
}

impl<'a> AccountKeyRequest<'a> {
    pub(crate) fn parse<A: AssertionAccess + ?Sized>(a: &'a A) -> Result<Self, Error> {
        let h = a.headers();
        let account_id = checks::check_not_empty_string(h, "account-id", HEADER)?;
        let name = checks::check_string_matches(h, "name", HEADER, &VALID_KEY_NAME)?;
        let (since, until) = validity(a)?;
        let public_key_sha3_384 = h.get_str("public-key-sha3-384").unwrap_or("");
        let public_key = body_key(a, public_key_sha3_384)?;
        Ok(AccountKeyRequest {
            account_id,
            name,
            since,
            until,
            public_key_sha3_384,
            public_key,
        })
    }

    /// Whether the requested key would be valid at `t` (`since <= t < until`).
    pub fn is_valid_at(&self, t: impl Into<crate::Timestamp>) -> bool {
        let t = t.into();
        self.since.timestamp <= t && self.until.is_none_or(|u| t < u.timestamp)
    }
}

super::view!(AccountKeyRequest, AccountKeyRequest);
