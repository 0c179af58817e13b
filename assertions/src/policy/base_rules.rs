//! The base-declaration a policy decision reads ([`BaseDeclarationRules`]): the compiled
//! `plugs` and `slots` rules of a decoded `base-declaration` assertion, or of the
//! headers-only text snapd composes from its interfaces and installs with
//! `asserts.InitBuiltinBaseDeclaration` ([`BuiltinBaseDeclaration`], spec §7.1; the
//! oracle's `policy base-declaration` prints it).
//!
//! ucore embeds no base-declaration: snapd's text is data of its GPL-3 sources. The caller
//! brings one (a file, or an assertion fetched from a store).

use crate::rules::language::RuleLanguage;
use crate::rules::rule::{InterfaceRules, PlugRule, SlotRule};
use crate::types::{BaseDeclaration, BuiltinBaseDeclaration, BuiltinBaseDeclarationError};

/// The compiled rules of a base-declaration.
#[derive(Debug, Clone, Default)]
pub struct BaseDeclarationRules {
    /// The plug rules, by interface.
    pub plugs: InterfaceRules<PlugRule>,
    /// The slot rules, by interface.
    pub slots: InterfaceRules<SlotRule>,
}

impl From<BaseDeclaration<'_>> for BaseDeclarationRules {
    /// The rules of a decoded `base-declaration` assertion.
    fn from(d: BaseDeclaration<'_>) -> Self {
        BaseDeclarationRules {
            plugs: d.plugs,
            slots: d.slots,
        }
    }
}

impl From<BuiltinBaseDeclaration> for BaseDeclarationRules {
    /// The rules of headers-only base-declaration text.
    fn from(d: BuiltinBaseDeclaration) -> Self {
        BaseDeclarationRules {
            plugs: d.plugs,
            slots: d.slots,
        }
    }
}

impl BaseDeclarationRules {
    /// Whether `text` is headers-only base-declaration text rather than an assertion: it
    /// has no blank line once trimmed (the oracle's test).
    pub fn is_headers_only(text: &[u8]) -> bool {
        !text.trim_ascii().windows(2).any(|w| w == b"\n\n")
    }

    /// Headers-only text as snapd's `InitBuiltinBaseDeclaration` takes it (see
    /// [`BuiltinBaseDeclaration::parse`]), with snapd's texts for what it refuses.
    pub fn from_builtin_text(
        text: &[u8],
        language: RuleLanguage,
    ) -> Result<Self, BuiltinBaseDeclarationError> {
        BuiltinBaseDeclaration::parse(text, language).map(Self::from)
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
