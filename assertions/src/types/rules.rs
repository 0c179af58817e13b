//! The `plugs` and `slots` headers of snap-declaration and base-declaration, compiled
//! while decoding as snapd's `assemble…Declaration` compiles them (see
//! [`crate::policy`]), with one regexp budget covering every pattern of the declaration.

use crate::checks;
use crate::headers::Headers;
use crate::rules::constraints::FromCompiled;
use crate::rules::rule::compile_rules;
use crate::rules::{InterfaceRules, Rule, RuleLanguage};
use crate::{Error, policy};

use super::TypeError;
use super::constraint_regex::Budget;

/// The budget for every pattern of the `plugs` and `slots` headers of `h`.
pub(crate) fn rules_budget(h: &Headers<'_>) -> Budget {
    let bytes = ["plugs", "slots"]
        .iter()
        .filter_map(|k| h.get(k))
        .map(policy::string_bytes)
        .sum();
    Budget::for_patterns(bytes)
}

/// Compiles the `plugs` or `slots` header (empty when absent); it must be a map.
pub(crate) fn interface_rules<I: FromCompiled, C: FromCompiled>(
    h: &Headers<'_>,
    header: &str,
    language: RuleLanguage,
    budget: &mut Budget,
) -> Result<InterfaceRules<Rule<I, C>>, Error> {
    match checks::check_map(h, header, checks::HEADER)? {
        None => Ok(InterfaceRules::default()),
        Some(m) => Ok(compile_rules(m, language, budget).map_err(TypeError::from)?),
    }
}
