//! The base-declaration a policy decision reads ([`BaseDeclarationRules`]): the compiled
//! `plugs` and `slots` rules of a decoded `base-declaration` assertion, or of the
//! headers-only text snapd composes from its interfaces and installs with
//! `asserts.InitBuiltinBaseDeclaration` (spec §7.1, the oracle's `policy
//! base-declaration`).
//!
//! ucore embeds no base-declaration: snapd's text is data of its GPL-3 sources. The caller
//! brings one (a file, or an assertion fetched from a store).

use ucore_go_text::quote;

use super::language::RuleLanguage;
use super::rule::{InterfaceRules, PlugRule, SlotRule, compile_rules};
use crate::checks::{self, HEADER};
use crate::headers::Headers;
use crate::types::BaseDeclaration;
use crate::types::constraint_regex::Budget;

/// The headers snapd insists on in the builtin base-declaration, in its check order.
const EXPECTED_HEADERS: [(&str, &str); 3] = [
    ("type", "base-declaration"),
    ("authority-id", "canonical"),
    ("series", "16"),
];

/// Why headers-only base-declaration text was refused, with snapd's
/// `InitBuiltinBaseDeclaration` texts.
#[derive(Debug, thiserror::Error)]
pub enum BuiltinBaseDeclarationError {
    /// The headers do not parse (the parser's own text).
    #[error(transparent)]
    Headers(crate::Error),
    /// `type`, `authority-id` or `series` is not what snapd's builtin one has.
    #[error(
        "the builtin base-declaration {} header is not set to expected value {}",
        quote(header),
        quote(expected)
    )]
    UnexpectedHeader {
        /// The header.
        header: &'static str,
        /// Its expected value.
        expected: &'static str,
    },
    /// `revision` is not a non-negative integer (snapd's text has the hyphen misplaced).
    #[error("cannot assemble the builtin-base declaration: {0}")]
    Revision(#[source] crate::Error),
    /// `plugs`/`slots` is not a map, or a rule does not compile.
    #[error("cannot assemble the builtin base-declaration: {0}")]
    Assemble(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// The compiled rules of a base-declaration.
#[derive(Debug, Clone, Default)]
pub struct BaseDeclarationRules {
    /// The plug rules, by interface.
    pub plugs: InterfaceRules<PlugRule>,
    /// The slot rules, by interface.
    pub slots: InterfaceRules<SlotRule>,
}

impl BaseDeclarationRules {
    /// The rules of a decoded `base-declaration` assertion.
    pub fn from_assertion(d: &BaseDeclaration<'_>) -> Self {
        BaseDeclarationRules {
            plugs: d.plugs.clone(),
            slots: d.slots.clone(),
        }
    }

    /// Whether `text` is headers-only base-declaration text rather than an assertion: it
    /// has no blank line (the oracle's test, after trimming white space).
    pub fn is_headers_only(text: &[u8]) -> bool {
        !text.trim_ascii().windows(2).any(|w| w == b"\n\n")
    }

    /// Headers-only text as snapd's `InitBuiltinBaseDeclaration` takes it: trimmed, parsed,
    /// `type: base-declaration`, `authority-id: canonical` and `series: 16` checked in that
    /// order, `revision` checked, then the `plugs` and `slots` rules compiled.
    pub fn from_builtin_text(
        text: &[u8],
        language: RuleLanguage,
    ) -> Result<Self, BuiltinBaseDeclarationError> {
        let headers =
            Headers::parse(text.trim_ascii()).map_err(BuiltinBaseDeclarationError::Headers)?;
        for (header, expected) in EXPECTED_HEADERS {
            if headers.get_str(header) != Some(expected) {
                return Err(BuiltinBaseDeclarationError::UnexpectedHeader { header, expected });
            }
        }
        let revision = checks::check_int_with_default(&headers, "revision", 0)
            .map_err(BuiltinBaseDeclarationError::Revision)?;
        if revision < 0 {
            return Err(BuiltinBaseDeclarationError::Revision(crate::Error::NotPositive {
                name: "revision",
                value: revision,
            }));
        }
        let assemble = |e: Box<dyn std::error::Error + Send + Sync>| {
            BuiltinBaseDeclarationError::Assemble(e)
        };
        // one regexp budget for every pattern of both headers, as decoding has
        let bytes = ["plugs", "slots"]
            .iter()
            .filter_map(|k| headers.get(k))
            .map(super::string_bytes)
            .sum();
        let mut budget = Budget::for_patterns(bytes);
        let mut rules = BaseDeclarationRules::default();
        if let Some(m) = checks::check_map(&headers, "plugs", HEADER).map_err(|e| assemble(e.into()))? {
            rules.plugs = compile_rules(m, language, &mut budget).map_err(|e| assemble(e.into()))?;
        }
        if let Some(m) = checks::check_map(&headers, "slots", HEADER).map_err(|e| assemble(e.into()))? {
            rules.slots = compile_rules(m, language, &mut budget).map_err(|e| assemble(e.into()))?;
        }
        Ok(rules)
    }

    /// The plug rule for `interface`, if any.
    pub fn plug_rule(&self, interface: &str) -> Option<&PlugRule> {
        self.plugs.get(interface)
    }

    /// The slot rule for `interface`, if any.
    pub fn slot_rule(&self, interface: &str) -> Option<&SlotRule> {
        self.slots.get(interface)
    }
}
