//! Plug and slot rules (policy.md §2.1–§2.2; snapd's `compilePlugRule`/`compileSlotRule`):
//! the six subrules of one interface, each a non-empty list of alternative constraint
//! sets, and [`InterfaceRules`], the compiled `plugs` or `slots` header of a declaration.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::headers::{HeaderMap, HeaderValue};
use crate::types::constraint_regex::Budget;

use super::constraints::{
    CompiledSet, ConstraintSet, FromCompiled, PlugConnectionConstraints,
    PlugInstallationConstraints, SetKind, SlotConnectionConstraints, SlotInstallationConstraints,
    compile_set, shortcut_set,
};
use super::error::RuleError;
use super::language::RuleLanguage;
use super::subrule::{RuleContext, Side, Subrule};

/// The compiled rule of one interface for one side (snapd's `PlugRule`/`SlotRule`):
/// [`PlugRule`] or [`SlotRule`]. Each list has at least one alternative; absent subrules
/// hold their defaults (`allow-*: true`, `deny-*: false`).
///
/// Serializes as the oracle's `policy compile` prints one interface of `plugs`/`slots`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rule<I, C> {
    /// The interface.
    #[serde(skip)]
    pub interface: String,
    /// `allow-installation`.
    #[serde(rename = "allow-installation")]
    pub allow_installation: Vec<I>,
    /// `deny-installation`.
    #[serde(rename = "deny-installation")]
    pub deny_installation: Vec<I>,
    /// `allow-connection`.
    #[serde(rename = "allow-connection")]
    pub allow_connection: Vec<C>,
    /// `deny-connection`.
    #[serde(rename = "deny-connection")]
    pub deny_connection: Vec<C>,
    /// `allow-auto-connection`.
    #[serde(rename = "allow-auto-connection")]
    pub allow_auto_connection: Vec<C>,
    /// `deny-auto-connection`.
    #[serde(rename = "deny-auto-connection")]
    pub deny_auto_connection: Vec<C>,
}

/// The rule for the plugs of one interface (snapd's `PlugRule`).
pub type PlugRule = Rule<PlugInstallationConstraints, PlugConnectionConstraints>;

/// The rule for the slots of one interface (snapd's `SlotRule`).
pub type SlotRule = Rule<SlotInstallationConstraints, SlotConnectionConstraints>;

impl<I: ConstraintSet, C: ConstraintSet> Rule<I, C> {
    /// The lowest snap-declaration format that covers this rule's features (1 at least;
    /// policy.md §2.6).
    pub fn format(&self) -> i64 {
        let installation = self
            .allow_installation
            .iter()
            .chain(&self.deny_installation);
        let connection = self
            .allow_connection
            .iter()
            .chain(&self.deny_connection)
            .chain(&self.allow_auto_connection)
            .chain(&self.deny_auto_connection);
        installation
            .map(ConstraintSet::format)
            .chain(connection.map(ConstraintSet::format))
            .fold(1, i64::max)
    }
}

/// Compiles the rule for plugs of `interface` (snapd's `compilePlugRule`).
pub fn compile_plug_rule(
    interface: &str,
    rule: &HeaderValue<'_>,
    language: RuleLanguage,
) -> Result<PlugRule, RuleError> {
    let mut budget = Budget::for_patterns(super::string_bytes(rule));
    compile_rule_as(interface, rule, language, &mut budget)
}

/// Compiles the rule for slots of `interface` (snapd's `compileSlotRule`).
pub fn compile_slot_rule(
    interface: &str,
    rule: &HeaderValue<'_>,
    language: RuleLanguage,
) -> Result<SlotRule, RuleError> {
    let mut budget = Budget::for_patterns(super::string_bytes(rule));
    compile_rule_as(interface, rule, language, &mut budget)
}

/// Compiles a rule of `I`'s side into its typed constraint sets.
fn compile_rule_as<I: FromCompiled, C: FromCompiled>(
    interface: &str,
    rule: &HeaderValue<'_>,
    language: RuleLanguage,
    budget: &mut Budget,
) -> Result<Rule<I, C>, RuleError> {
    let mut subrules = compile_rule(I::SIDE, interface, rule, language, budget)?.into_iter();
    let mut next = || subrules.next().unwrap_or_default();
    let installation = |sets: Vec<CompiledSet>| sets.into_iter().map(I::from_compiled).collect();
    let connection = |sets: Vec<CompiledSet>| sets.into_iter().map(C::from_compiled).collect();
    Ok(Rule {
        interface: interface.to_owned(),
        allow_installation: installation(next()),
        deny_installation: installation(next()),
        allow_connection: connection(next()),
        deny_connection: connection(next()),
        allow_auto_connection: connection(next()),
        deny_auto_connection: connection(next()),
    })
}

/// A subrule value: a constraint map or a shortcut (`invert` for `false`).
enum SetDef<'m, 'a> {
    Map(&'m HeaderMap<'a>),
    Shortcut { invert: bool },
}

/// snapd's `checkMapOrShortcut`.
fn map_or_shortcut<'m, 'a>(v: &'m HeaderValue<'a>) -> Option<SetDef<'m, 'a>> {
    match v {
        HeaderValue::Map(m) => Some(SetDef::Map(m)),
        HeaderValue::String(s) if s == "true" => Some(SetDef::Shortcut { invert: false }),
        HeaderValue::String(s) if s == "false" => Some(SetDef::Shortcut { invert: true }),
        _ => None,
    }
}

/// snapd's `baseCompileRule`: the six subrules in order, each a list of compiled sets.
fn compile_rule(
    side: Side,
    interface: &str,
    rule: &HeaderValue<'_>,
    language: RuleLanguage,
    budget: &mut Budget,
) -> Result<Vec<Vec<CompiledSet>>, RuleError> {
    let rule_context = RuleContext::rule(side, interface);
    let rule_map = match map_or_shortcut(rule) {
        Some(SetDef::Map(m)) => Some(m),
        // `true`/`false`: every subrule takes the default or inverted shortcut
        Some(SetDef::Shortcut { invert }) => {
            return Ok(Subrule::ALL
                .iter()
                .map(|&subrule| {
                    let kind = SetKind {
                        side,
                        subrule,
                        language,
                    };
                    vec![shortcut_set(kind, subrule.is_allow() == invert)]
                })
                .collect());
        }
        None => None,
    };
    let Some(rule_map) = rule_map else {
        return Err(RuleError::NotMapOrShortcut {
            context: rule_context,
        });
    };
    let mut default_used = 0;
    let mut out = Vec::with_capacity(Subrule::ALL.len());
    for subrule in Subrule::ALL {
        let kind = SetKind {
            side,
            subrule,
            language,
        };
        let mut context = RuleContext {
            subrule: Some(subrule),
            ..rule_context.clone()
        };
        let Some(value) = rule_map.get(subrule.as_str()) else {
            default_used += 1;
            out.push(vec![shortcut_set(kind, !subrule.is_allow())]);
            continue;
        };
        let sets = match value {
            HeaderValue::List(alts) if !alts.is_empty() => {
                let mut sets = Vec::with_capacity(alts.len());
                for (i, alt) in alts.iter().enumerate() {
                    context.alternative = Some(i + 1);
                    let Some(SetDef::Map(m)) = map_or_shortcut(alt) else {
                        return Err(RuleError::AlternativeNotMap { context });
                    };
                    sets.push(compile_set(kind, m, &context, budget)?);
                }
                sets
            }
            // an empty list cannot be written in assertion syntax (snapd would panic)
            _ => match map_or_shortcut(value) {
                Some(SetDef::Map(m)) => vec![compile_set(kind, m, &context, budget)?],
                Some(SetDef::Shortcut { invert }) => vec![shortcut_set(kind, invert)],
                None => return Err(RuleError::NotMapOrShortcut { context }),
            },
        };
        out.push(sets);
    }
    if default_used == Subrule::ALL.len() {
        return Err(RuleError::NoSubrule {
            context: rule_context,
        });
    }
    Ok(out)
}

/// The compiled `plugs` ([`PlugRule`]) or `slots` ([`SlotRule`]) header of a
/// declaration, by interface name (bytewise order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct InterfaceRules<R> {
    rules: BTreeMap<String, R>,
}

impl<R> Default for InterfaceRules<R> {
    fn default() -> Self {
        InterfaceRules {
            rules: BTreeMap::new(),
        }
    }
}

impl<R> InterfaceRules<R> {
    /// The rule for `interface`, if any.
    pub fn get(&self, interface: &str) -> Option<&R> {
        self.rules.get(interface)
    }

    /// The interfaces with a rule, in bytewise order.
    pub fn interfaces(&self) -> impl Iterator<Item = &str> {
        self.rules.keys().map(String::as_str)
    }

    /// The rules by interface, in bytewise order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &R)> {
        self.rules.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// How many interfaces have a rule.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Whether there is no rule.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

impl<R> FromIterator<(String, R)> for InterfaceRules<R> {
    fn from_iter<I: IntoIterator<Item = (String, R)>>(iter: I) -> Self {
        InterfaceRules {
            rules: iter.into_iter().collect(),
        }
    }
}

/// Compiles every rule of a `plugs` or `slots` map (interfaces in bytewise
/// order: snapd's order is Go's random map order, so with two bad rules ucore reports the
/// first by name).
pub(crate) fn compile_rules<I: FromCompiled, C: FromCompiled>(
    rules: &HeaderMap<'_>,
    language: RuleLanguage,
    budget: &mut Budget,
) -> Result<InterfaceRules<Rule<I, C>>, RuleError> {
    rules
        .iter()
        .map(|(iface, rule)| {
            compile_rule_as(iface, rule, language, budget).map(|r| (iface.to_string(), r))
        })
        .collect()
}
