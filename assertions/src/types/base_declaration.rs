//! `base-declaration` (snapd's `asserts/snap_asserts.go`, `assembleBaseDeclaration`): the
//! default plug/slot rules of every interface. The rules are kept as structured header
//! values (see [`InterfaceRules`]).

use serde::Serialize;

use crate::checks::{self, HEADER};
use crate::rfc3339::Rfc3339Time;
use crate::{AssertionAccess, Error};

use super::rules::{InterfaceRules, check_rules};

/// A `base-declaration` assertion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct BaseDeclaration<'a> {
    /// `series`.
    pub series: &'a str,
    /// `plugs` rules (not compiled).
    pub plugs: InterfaceRules<'a>,
    /// `slots` rules (not compiled).
    pub slots: InterfaceRules<'a>,
    /// `timestamp`.
    pub timestamp: Rfc3339Time,
}

impl<'a> BaseDeclaration<'a> {
    pub(crate) fn parse<A: AssertionAccess + ?Sized>(a: &'a A) -> Result<Self, Error> {
        let h = a.headers();
        let plugs = check_rules(h, "plug")?;
        let slots = check_rules(h, "slot")?;
        let timestamp = checks::check_rfc3339_date(h, "timestamp", HEADER)?;
        Ok(BaseDeclaration {
            series: h.get_str("series").unwrap_or(""),
            plugs,
            slots,
            timestamp,
        })
    }
}

super::view!(BaseDeclaration, BaseDeclaration);
