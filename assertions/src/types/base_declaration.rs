//! `base-declaration` (snapd's `asserts/snap_asserts.go`, `assembleBaseDeclaration`): the
//! default plug/slot rules of every interface, compiled ([`InterfaceRules`]).

use serde::Serialize;

use crate::checks::{self, HEADER};
use crate::rfc3339::Rfc3339Time;
use crate::rules::{InterfaceRules, PlugRule, RuleLanguage, SlotRule};
use crate::{AssertionAccess, Error};
use ucore_go_text::quote;

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

/// snapd's builtin base-declaration: headers-only text (no signature, no timestamp) as
/// `asserts.InitBuiltinBaseDeclaration` reads it, the form snapd composes its own in and
/// the oracle's `policy base-declaration` prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct BuiltinBaseDeclaration {
    /// `revision` (0 when absent).
    pub revision: i64,
    /// `plugs` rules, compiled.
    pub plugs: InterfaceRules<PlugRule>,
    /// `slots` rules, compiled.
    pub slots: InterfaceRules<SlotRule>,
}

/// Why headers-only base-declaration text was refused (snapd's texts).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuiltinBaseDeclarationError {
    /// The text is not assertion headers (the parser's error, as it is).
    #[error(transparent)]
    Headers(Error),
    /// `type`, `authority-id` or `series` is not `base-declaration`, `canonical`, `16`.
    #[error("the builtin base-declaration {} header is not set to expected value {}", quote(.header), quote(.expected))]
    NotExpected {
        /// The header.
        header: &'static str,
        /// Its required value.
        expected: &'static str,
    },
    /// `revision` is not a non-negative integer (snapd's text has the hyphen there).
    #[error("cannot assemble the builtin-base declaration: {0}")]
    Revision(#[source] Box<Error>),
    /// The rules do not compile.
    #[error("cannot assemble the builtin base-declaration: {0}")]
    Assemble(#[source] Box<Error>),
}

impl BuiltinBaseDeclaration {
    /// Reads headers-only text: trimmed, parsed, then `type`, `authority-id` and `series`
    /// checked in that order, `revision`, and the rules compiled in `language`.
    pub fn parse(text: &[u8], language: RuleLanguage) -> Result<Self, BuiltinBaseDeclarationError> {
        let trimmed = match std::str::from_utf8(text) {
            Ok(s) => s.trim().as_bytes(),
            Err(_) => text.trim_ascii(),
        };
        let h =
            crate::headers::parse_headers(trimmed).map_err(BuiltinBaseDeclarationError::Headers)?;
        for (header, expected) in [
            ("type", "base-declaration"),
            ("authority-id", "canonical"),
            ("series", "16"),
        ] {
            if h.get_str(header) != Some(expected) {
                return Err(BuiltinBaseDeclarationError::NotExpected { header, expected });
            }
        }
        let revision = checks::check_int_with_default(&h, "revision", 0)
            .and_then(|r| {
                if r < 0 {
                    Err(Error::NotPositive {
                        name: "revision",
                        value: r,
                    })
                } else {
                    Ok(r)
                }
            })
            .map_err(|e| BuiltinBaseDeclarationError::Revision(Box::new(e)))?;
        let assemble = |e| BuiltinBaseDeclarationError::Assemble(Box::new(e));
        let mut budget = rules_budget(&h);
        let plugs = interface_rules(&h, "plugs", language, &mut budget).map_err(assemble)?;
        let slots = interface_rules(&h, "slots", language, &mut budget).map_err(assemble)?;
        Ok(BuiltinBaseDeclaration {
            revision,
            plugs,
            slots,
        })
    }
}
