//! Format analysis of snap-declarations (policy.md §2.6; snapd's
//! `snapDeclarationFormatAnalyze`): the lowest `format` that covers the rule features a
//! declaration uses, which signing requires.

use crate::Error;
use crate::headers::{HeaderValue, Headers};
use crate::types::constraint_regex::Budget;

use super::attr_matcher::AttributeConstraints;
use super::constraints::{
    ConstraintSet, PlugConnectionConstraints, PlugInstallationConstraints,
    SlotConnectionConstraints, SlotInstallationConstraints,
};
use super::language::RuleLanguage;
use super::on_classic::OnClassicConstraint;
use super::rule::{InterfaceRules, PlugRule, SlotRule, compile_rules};

/// The format one constraint set needs: 2 for `$SLOT()`/`$PLUG()`/`$MISSING`, 3 for
/// device scope, 4 for name constraints, 5 for attribute alternatives, and (newer snapd)
/// 6 for publisher-id attribute references and 7 for `on-classic` variants.
fn set_format(
    attrs: &[&AttributeConstraints],
    names: bool,
    device_scope: bool,
    on_classic: Option<&OnClassicConstraint>,
) -> i64 {
    let matchers = || attrs.iter().filter_map(|a| a.matcher());
    let mut format = 1;
    let mut need = |cond: bool, n: i64| {
        if cond {
            format = format.max(n);
        }
    };
    need(matchers().any(|m| m.has_dollar_constraints()), 2);
    need(device_scope, 3);
    need(names, 4);
    need(matchers().any(|m| m.has_alternatives()), 5);
    need(matchers().any(|m| m.has_publisher_id_constraints()), 6);
    need(
        on_classic.is_some_and(|c| c.system_ids.iter().any(|id| id.contains('/'))),
        7,
    );
    format
}

/// Implements [`ConstraintSet`] for a kind from its attribute and name fields.
macro_rules! constraint_set_format {
    ($kind:ty, [$($attrs:ident),+], [$($names:ident),+]) => {
        impl ConstraintSet for $kind {
            fn format(&self) -> i64 {
                set_format(
                    &[$(&self.$attrs),+],
                    false $(|| self.$names.is_some())+,
                    self.device_scope.is_some(),
                    self.on_classic.as_ref(),
                )
            }
        }
    };
}

constraint_set_format!(PlugInstallationConstraints, [plug_attributes], [plug_names]);
constraint_set_format!(SlotInstallationConstraints, [slot_attributes], [slot_names]);
constraint_set_format!(
    PlugConnectionConstraints,
    [plug_attributes, slot_attributes],
    [plug_names, slot_names]
);
constraint_set_format!(
    SlotConnectionConstraints,
    [plug_attributes, slot_attributes],
    [plug_names, slot_names]
);

/// The lowest `format` a snap-declaration with these headers needs (snapd's
/// `SuggestFormat` for snap-declaration): 0 without `plugs` and `slots`, else 1 raised by
/// the features of every rule. Errors are the compile errors, prefixed
/// `assertion snap-declaration: ` (`"plugs" header must be a map`, …).
pub fn suggested_format(headers: &Headers<'_>, language: RuleLanguage) -> Result<i64, Error> {
    let (plugs, slots) = (headers.get("plugs"), headers.get("slots"));
    if plugs.is_none() && slots.is_none() {
        return Ok(0);
    }
    let prefixed = |e: Error| e.in_type("snap-declaration");
    let not_map = |name: &str| {
        prefixed(Error::NotMap {
            name: name.to_owned(),
            context: crate::checks::HEADER.to_owned(),
        })
    };
    let mut budget = Budget::for_patterns(
        plugs.map_or(0, super::string_bytes) + slots.map_or(0, super::string_bytes),
    );
    let mut format = 1;
    match plugs {
        None => {}
        Some(HeaderValue::Map(m)) => {
            let rules: InterfaceRules<PlugRule> = compile_rules(m, language, &mut budget)
                .map_err(|e| prefixed(crate::error::TypeError::from(e).into()))?;
            format = rules.iter().map(|(_, r)| r.format()).fold(format, i64::max);
        }
        Some(_) => return Err(not_map("plugs")),
    }
    match slots {
        None => {}
        Some(HeaderValue::Map(m)) => {
            let rules: InterfaceRules<SlotRule> = compile_rules(m, language, &mut budget)
                .map_err(|e| prefixed(crate::error::TypeError::from(e).into()))?;
            format = rules.iter().map(|(_, r)| r.format()).fold(format, i64::max);
        }
        Some(_) => return Err(not_map("slots")),
    }
    Ok(format)
}
