//! The plug/slot rule language of snap-declaration and base-declaration (snapd's
//! `asserts/ifacedecls.go` and `asserts/constraint.go`; spec `policy.md` §1–§5): rules
//! compiled exactly as snapd compiles them while decoding, with snapd's error texts, and
//! the matching primitives the policy evaluation ([`crate::policy`]) builds on.
//!
//! The typed views of `types` compile their rules with it; [`crate::policy`] re-exports
//! everything here, so users name one module.
//!
//! ## Layers (each uses only the ones below it)
//!
//! * [`rule`] — [`PlugRule`], [`SlotRule`] ([`compile_plug_rule`], [`compile_slot_rule`])
//!   and [`InterfaceRules`], the compiled `plugs`/`slots` headers; [`suggested_format`]
//!   (in `format`) reads their features.
//! * [`constraints`] — the four kinds of constraint set (installation/connection ×
//!   plug/slot) and their compiler, in snapd's key order.
//! * The constraints themselves: [`attr_matcher`] ([`AttributeConstraints`],
//!   [`AttrMatcher`]), [`names`] ([`NameConstraints`]), [`arity`] ([`SideArity`]),
//!   [`on_classic`] ([`OnClassicConstraint`], [`Release`]) and [`device_scope`]
//!   ([`DeviceScopeConstraint`], [`Device`]).
//! * [`attr_value`] — [`AttrValue`], the attributes matched, and [`Attrer`].
//! * [`subrule`], [`language`], [`error`] — the vocabulary: [`Side`], [`Subrule`],
//!   [`RuleContext`], [`RuleLanguage`] and the compile errors.
//!
//! ## Reading order for a newcomer
//!
//! `rule.rs` (how a rule value becomes six lists of alternatives), `constraints.rs` (one
//! alternative), then `attr_matcher.rs` (the richest constraint). `language.rs` lists what
//! newer snapd changed; by default everything is snapd 2.57, quirks included.
//!
//! ## Deterministic where snapd is not
//!
//! snapd iterates Go maps in random order in three places that decide which error it
//! reports: the interfaces of `plugs`/`slots`, the entries of an attribute map matcher
//! and the three device-scope keys. ucore always goes in bytewise order, so it reports
//! one of the errors snapd may report.

pub mod anchored;
pub mod arity;
pub mod attr_matcher;
pub mod attr_value;
pub mod constraints;
pub mod device_scope;
pub mod error;
mod format;
pub mod language;
pub mod names;
pub mod on_classic;
pub mod rule;
pub mod subrule;

pub use anchored::AnchoredRegex;
pub use arity::SideArity;
pub use attr_matcher::{AttrMatchContext, AttrMatcher, AttributeConstraints, EvalOp};
pub use attr_value::{AttrValue, Attrer};
pub use constraints::{
    ConstraintSet, PlugConnectionConstraints, PlugInstallationConstraints,
    SlotConnectionConstraints, SlotInstallationConstraints, check_id,
};
pub use device_scope::{Device, DeviceModel, DeviceScopeConstraint, DeviceStore};
pub use error::{
    AttrMatcherError, DeviceScopeError, NameConstraintsError, OnClassicError, RuleError,
};
pub use format::suggested_format;
pub use language::RuleLanguage;
pub use names::{NameConstraints, NameMatcher};
pub use on_classic::{OnClassicConstraint, Release};
pub use rule::{InterfaceRules, PlugRule, Rule, SlotRule, compile_plug_rule, compile_slot_rule};
pub use subrule::{RuleContext, Side, Subrule};

use serde::Serializer;

use crate::headers::{HeaderValue, MAX_NESTING_DEPTH};

/// The bytes of every string inside `value` (the pattern text a regexp budget is sized
/// by); nesting past the header limit is not counted.
pub(crate) fn string_bytes(value: &HeaderValue<'_>) -> usize {
    fn walk(value: &HeaderValue<'_>, depth: usize) -> usize {
        if depth > MAX_NESTING_DEPTH + 2 {
            return 0;
        }
        match value {
            HeaderValue::String(s) => s.len(),
            HeaderValue::List(items) => items.iter().map(|v| walk(v, depth + 1)).sum(),
            HeaderValue::Map(m) => m.iter().map(|(k, v)| k.len() + walk(v, depth + 1)).sum(),
        }
    }
    walk(value, 0)
}

/// Serializes a list as Go's JSON does a nil-or-not slice: `null` when empty.
pub(crate) fn serialize_list_or_null<S: Serializer>(
    list: &[String],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    if list.is_empty() {
        serializer.serialize_none()
    } else {
        serializer.collect_seq(list)
    }
}
