//! `snap-build` (snapd's `asserts/snap_asserts.go`, `assembleSnapBuild`): a developer's
//! statement about a snap blob they built.

use serde::Serialize;

use crate::checks::{self, HEADER};
use crate::rfc3339::Rfc3339Time;
use crate::{AssertionAccess, Error};

/// A `snap-build` assertion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SnapBuild<'a> {
    /// `snap-sha3-384`.
    pub snap_sha3_384: &'a str,
    /// `snap-id`.
    pub snap_id: &'a str,
    /// `grade` (any non-empty text, e.g. `stable`, `devel`).
    pub grade: &'a str,
    /// `snap-size`.
    pub snap_size: u64,
    /// `timestamp`.
    pub timestamp: Rfc3339Time,
}

impl<'a> SnapBuild<'a> {
    pub(crate) fn parse<A: AssertionAccess + ?Sized>(a: &'a A) -> Result<Self, Error> {
        let h = a.headers();
        checks::check_digest(h, "snap-sha3-384", 48)?;
        let snap_id = checks::check_not_empty_string(h, "snap-id", HEADER)?;
        let grade = checks::check_not_empty_string(h, "grade", HEADER)?;
        let snap_size = checks::check_uint(h, "snap-size")?;
        let timestamp = checks::check_rfc3339_date(h, "timestamp", HEADER)?;
        Ok(SnapBuild {
            snap_sha3_384: h.get_str("snap-sha3-384").unwrap_or(""),
            snap_id,
            grade,
            snap_size,
            timestamp,
        })
    }
}

super::view!(SnapBuild, SnapBuild);
