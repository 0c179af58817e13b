//! `validation` (legacy; snapd's `asserts/snap_asserts.go`, `assembleValidation`): a
//! gating snap approves a revision of another.

use serde::Serialize;

use crate::checks::{self, HEADER};
use crate::rfc3339::Rfc3339Time;
use crate::{AssertionAccess, Error};

use super::common;

/// A `validation` assertion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Validation<'a> {
    /// `series`.
    pub series: &'a str,
    /// `snap-id`: the gating snap.
    pub snap_id: &'a str,
    /// `approved-snap-id`.
    pub approved_snap_id: &'a str,
    /// `approved-snap-revision`.
    pub approved_snap_revision: i64,
    /// `revoked`.
    pub revoked: bool,
    /// `timestamp`.
    pub timestamp: Rfc3339Time,
}

impl<'a> Validation<'a> {
    pub(crate) fn parse<A: AssertionAccess + ?Sized>(a: &'a A) -> Result<Self, Error> {
        let h = a.headers();
        let approved_snap_revision =
            common::check_at_least_one(h, "approved-snap-revision", HEADER)?;
        let revoked = checks::check_optional_bool(h, "revoked")?;
        let timestamp = checks::check_rfc3339_date(h, "timestamp", HEADER)?;
        Ok(Validation {
            series: h.get_str("series").unwrap_or(""),
            snap_id: h.get_str("snap-id").unwrap_or(""),
            approved_snap_id: h.get_str("approved-snap-id").unwrap_or(""),
            approved_snap_revision,
            revoked,
            timestamp,
        })
    }
}

super::view!(Validation, Validation);
