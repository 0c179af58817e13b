//! `snap-resource-revision` (as snapd newer than 2.57 checks it; the type is registered
//! in its `asserts/asserts.go`): a snap resource (component) blob's digest, size and
//! revision.

use serde::Serialize;

use crate::checks::{self, HEADER, VALID_PROVENANCE};
use crate::rfc3339::Rfc3339Time;
use crate::{AssertionAccess, Error};
use ucore_go_text::quote;

use super::common::{self, invalid_header};
use super::snap_revision::{Integrity, integrity};

/// `resource-name` follows the snap-name rules.
pub(crate) fn check_resource_name(h: &crate::Headers<'_>) -> Result<(), Error> {
    let name = h.get_str("resource-name").unwrap_or("");
    if !checks::is_valid_snap_name(name) {
        return Err(invalid_header(
            "resource-name",
            format!("is not a valid resource name: {}", quote(name)),
        ));
    }
    Ok(())
}

/// A `snap-resource-revision` assertion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SnapResourceRevision<'a> {
    /// `snap-id`.
    pub snap_id: &'a str,
    /// `resource-name`.
    pub resource_name: &'a str,
    /// `resource-sha3-384`.
    pub resource_sha3_384: &'a str,
    /// `provenance`.
    pub provenance: &'a str,
    /// `resource-size`.
    pub resource_size: u64,
    /// `resource-revision`.
    pub resource_revision: i64,
    /// `developer-id`.
    pub developer_id: &'a str,
    /// `integrity`.
    pub integrity: Vec<Integrity<'a>>,
    /// `timestamp`.
    pub timestamp: Rfc3339Time,
}

impl<'a> SnapResourceRevision<'a> {
    pub(crate) fn parse<A: AssertionAccess + ?Sized>(a: &'a A) -> Result<Self, Error> {
        let h = a.headers();
        check_resource_name(h)?;
        checks::check_digest(h, "resource-sha3-384", 48)?;
        let provenance = checks::check_string_matches(h, "provenance", HEADER, &VALID_PROVENANCE)?;
        let resource_size = checks::check_uint(h, "resource-size")?;
        let resource_revision = common::check_at_least_one(h, "resource-revision", HEADER)?;
        let developer_id = checks::check_not_empty_string(h, "developer-id", HEADER)?;
        let timestamp = checks::check_rfc3339_date(h, "timestamp", HEADER)?;
        let integrity = integrity(h.get("integrity"))?;
        Ok(SnapResourceRevision {
            snap_id: h.get_str("snap-id").unwrap_or(""),
            resource_name: h.get_str("resource-name").unwrap_or(""),
            resource_sha3_384: h.get_str("resource-sha3-384").unwrap_or(""),
            provenance,
            resource_size,
            resource_revision,
            developer_id,
            integrity,
            timestamp,
        })
    }
}

super::view!(SnapResourceRevision, SnapResourceRevision);
