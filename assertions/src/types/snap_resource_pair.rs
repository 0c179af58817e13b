//! `snap-resource-pair` (as snapd newer than 2.57 checks it; the type is registered in
//! its `asserts/asserts.go`): a resource revision goes with a snap revision.

use serde::Serialize;

use crate::checks::{self, HEADER, VALID_PROVENANCE};
use crate::rfc3339::Rfc3339Time;
use crate::{AssertionAccess, Error};

use super::common;
use super::snap_resource_revision::check_resource_name;

/// A `snap-resource-pair` assertion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SnapResourcePair<'a> {
    /// `snap-id`.
    pub snap_id: &'a str,
    /// `resource-name`.
    pub resource_name: &'a str,
    /// `resource-revision`.
    pub resource_revision: i64,
    /// `snap-revision`.
    pub snap_revision: i64,
    /// `provenance`.
    pub provenance: &'a str,
    /// `developer-id`.
    pub developer_id: &'a str,
    /// `timestamp`.
    pub timestamp: Rfc3339Time,
}

impl<'a> SnapResourcePair<'a> {
    pub(crate) fn parse<A: AssertionAccess + ?Sized>(a: &'a A) -> Result<Self, Error> {
        let h = a.headers();
        check_resource_name(h)?;
        let provenance = checks::check_string_matches(h, "provenance", HEADER, &VALID_PROVENANCE)?;
        let resource_revision = common::check_at_least_one(h, "resource-revision", HEADER)?;
        let snap_revision = common::check_at_least_one(h, "snap-revision", HEADER)?;
        let developer_id = checks::check_not_empty_string(h, "developer-id", HEADER)?;
        let timestamp = checks::check_rfc3339_date(h, "timestamp", HEADER)?;
        Ok(SnapResourcePair {
            snap_id: h.get_str("snap-id").unwrap_or(""),
            resource_name: h.get_str("resource-name").unwrap_or(""),
            resource_revision,
            snap_revision,
            provenance,
            developer_id,
            timestamp,
        })
    }
}

super::view!(SnapResourcePair, SnapResourcePair);
