//! `snap-revision` (snapd's `asserts/snap_asserts.go`, `assembleSnapRevision`): a snap
//! blob's digest, size, revision and (optionally) dm-verity integrity data.

use serde::Serialize;

use crate::checks::{self, HEADER, VALID_PROVENANCE};
use crate::headers::HeaderValue;
use crate::rfc3339::Rfc3339Time;
use crate::{AssertionAccess, Error};

use super::common::{self, invalid_item};

/// One `integrity` entry (dm-verity data of the snap).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Integrity<'a> {
    /// `type` (`dm-verity`).
    pub integrity_type: &'a str,
    /// `version` (1).
    pub version: u64,
    /// `hash-algorithm` (`sha256`).
    pub hash_algorithm: &'a str,
    /// `data-block-size`.
    pub data_block_size: u64,
    /// `hash-block-size`.
    pub hash_block_size: u64,
    /// `digest` (hex).
    pub digest: &'a str,
    /// `salt` (hex, 32 bytes).
    pub salt: &'a str,
}

/// A `snap-revision` assertion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SnapRevision<'a> {
    /// `snap-sha3-384`.
    pub snap_sha3_384: &'a str,
    /// `provenance` (default `global-upload`).
    pub provenance: &'a str,
    /// `snap-id`.
    pub snap_id: &'a str,
    /// `snap-size`.
    pub snap_size: u64,
    /// `snap-revision`.
    pub snap_revision: i64,
    /// `developer-id`.
    pub developer_id: &'a str,
    /// `integrity`.
    pub integrity: Vec<Integrity<'a>>,
    /// `timestamp`.
    pub timestamp: Rfc3339Time,
}

impl<'a> SnapRevision<'a> {
    pub(crate) fn parse<A: AssertionAccess + ?Sized>(a: &'a A) -> Result<Self, Error> {
        let h = a.headers();
        checks::check_digest(h, "snap-sha3-384", 48)?;
        let provenance = checks::check_string_matches(h, "provenance", HEADER, &VALID_PROVENANCE)?;
        let snap_id = checks::check_not_empty_string(h, "snap-id", HEADER)?;
        let snap_size = checks::check_uint(h, "snap-size")?;
        let snap_revision = common::check_at_least_one(h, "snap-revision", HEADER)?;
        let developer_id = checks::check_not_empty_string(h, "developer-id", HEADER)?;
        let timestamp = checks::check_rfc3339_date(h, "timestamp", HEADER)?;
        let integrity = integrity(h.get("integrity"))?;
        Ok(SnapRevision {
            snap_sha3_384: h.get_str("snap-sha3-384").unwrap_or(""),
            provenance,
            snap_id,
            snap_size,
            snap_revision,
            developer_id,
            integrity,
            timestamp,
        })
    }
}

super::view!(SnapRevision, SnapRevision);

fn hex_of_len(s: &str, bytes: usize) -> bool {
    s.len() == bytes * 2 && s.bytes().all(|c| c.is_ascii_hexdigit())
}

/// `integrity`: a list of dm-verity descriptions (also used by
/// snap-resource-revision).
pub(crate) fn integrity<'a>(
    value: Option<&'a HeaderValue<'a>>,
) -> Result<Vec<Integrity<'a>>, Error> {
    const WRONG: &str = "\"integrity\" header must be a list of maps";
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    let list = value
        .as_list()
        .ok_or_else(|| invalid_item("integrity", WRONG))?;
    let mut out = Vec::with_capacity(list.len());
    for (i, item) in list.iter().enumerate() {
        let m = item
            .as_map()
            .ok_or_else(|| invalid_item("integrity", WRONG))?;
        let what = format!("of integrity data [{i}]");
        let integrity_type = checks::check_not_empty_string(m, "type", &what)?;
        if integrity_type != "dm-verity" {
            return Err(invalid_item(
                "integrity",
                format!(
                    "\"type\" {what} must be \"dm-verity\", not {}",
                    ucore_go_text::quote(integrity_type)
                ),
            ));
        }
        let version = checks::check_int(m, "version", &what)?;
        if version != 1 {
            return Err(invalid_item(
                "integrity",
                format!("unsupported integrity data version {version} {what}"),
            ));
        }
        let hash_algorithm = checks::check_not_empty_string(m, "hash-algorithm", &what)?;
        if hash_algorithm != "sha256" {
            return Err(invalid_item(
                "integrity",
                format!(
                    "unsupported hash algorithm {} {what}",
                    ucore_go_text::quote(hash_algorithm)
                ),
            ));
        }
        let data_block_size = checks::check_uint(m, "data-block-size")?;
        let hash_block_size = checks::check_uint(m, "hash-block-size")?;
        let digest = checks::check_not_empty_string(m, "digest", &what)?;
        if !hex_of_len(digest, 32) {
            return Err(invalid_item(
                "integrity",
                format!("\"digest\" {what} must be a hex-encoded sha256 digest"),
            ));
        }
        let salt = checks::check_not_empty_string(m, "salt", &what)?;
        if !hex_of_len(salt, 32) {
            return Err(invalid_item(
                "integrity",
                format!("\"salt\" {what} must be 32 hex-encoded bytes"),
            ));
        }
        out.push(Integrity {
            integrity_type,
            version: version as u64,
            hash_algorithm,
            data_block_size,
            hash_block_size,
            digest,
            salt,
        });
    }
    Ok(out)
}
