//! `base-declaration` (snapd's `asserts/snap_asserts.go`, `assembleBaseDeclaration`): the
//! default plug/slot rules of every interface, compiled ([`InterfaceRules`]).

use serde::Serialize;

use crate::checks::{self, HEADER};
use crate::policy::{InterfaceRules, PlugRule, RuleLanguage, SlotRule};
use crate::rfc3339::Rfc3339Time;
use crate::{AssertionAccess, Error};

use super::rules::{interface_rules, rules_budget};

/// A `base-declaration` assertion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct BaseDeclaration<'a> {
    /// `series`.
    pub series: &'a str,
    /// `plugs` rules, compiled.
    pub plugs: InterfaceRules<PlugRule>,
    /// `slots` rules, compiled.
    pub slots: InterfaceRules<SlotRule>,
    /// `timestamp`.
    pub timestamp: Rfc3339Time,
}

impl<'a> BaseDeclaration<'a> {
    fn parse_with<A: AssertionAccess + ?Sized>(
        a: &'a A,
        language: RuleLanguage,
    ) -> Result<Self, Error> {
        let h = a.headers();
        let mut budget = rules_budget(h);
        let plugs = interface_rules(h, "plugs", language, &mut budget)?;
        let slots = interface_rules(h, "slots", language, &mut budget)?;
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
super::rules_view!(BaseDeclaration);
