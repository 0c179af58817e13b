//! Plug and slot rules (policy.md §2.1–§2.2; snapd's `compilePlugRule`/`compileSlotRule`):
//! the six subrules of one interface, each a non-empty list of alternative constraint
//! sets, and [`InterfaceRules`], the compiled `plugs` or `slots` header of a declaration.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::headers::{HeaderMap, HeaderValue};
use crate::types::constraint_regex::Budget;

use super::constraints::{
    ConstraintSet, FromCompiled, PlugConnectionConstraints, PlugInstallationConstraints, SetKind,
    SlotConnectionConstraints, SlotInstallationConstraints, compile_set, shortcut_set,
};
use super::error::RuleError;
use super::language::RuleLanguage;
use super::subrule::{At, Subrule};

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

/// Compiles a rule of `I`'s side into its typed constraint sets (snapd's
/// `baseCompileRule`: the six subrules in order, E-R4 last).
fn compile_rule_as<I: FromCompiled, C: FromCompiled>(
    interface: &str,
    rule: &HeaderValue<'_>,
    language: RuleLanguage,
    budget: &mut Budget,
) -> Result<Rule<I, C>, RuleError> {
    let side = I::SIDE;
    let at = At {
        side,
        interface,
        subrule: None,
        alternative: None,
    };
    let (rule_map, invert) = match map_or_shortcut(rule) {
        Some(SetDef::Map(m)) => (Some(m), false),
        // `true`/`false`: every subrule takes the default or inverted shortcut
        Some(SetDef::Shortcut { invert }) => (None, invert),
        None => {
            return Err(RuleError::NotMapOrShortcut {
                context: at.owned(),
            });
        }
    };
    let mut c = SubruleCompiler {
        at,
        language,
        rule_map,
        invert,
        default_used: 0,
        budget,
    };
    let rule = Rule {
        interface: interface.to_owned(),
        allow_installation: c.sets(Subrule::AllowInstallation)?,
        deny_installation: c.sets(Subrule::DenyInstallation)?,
        allow_connection: c.sets(Subrule::AllowConnection)?,
        deny_connection: c.sets(Subrule::DenyConnection)?,
        allow_auto_connection: c.sets(Subrule::AllowAutoConnection)?,
        deny_auto_connection: c.sets(Subrule::DenyAutoConnection)?,
    };
    if c.default_used == Subrule::ALL.len() {
        return Err(RuleError::NoSubrule {
            context: at.owned(),
        });
    }
    Ok(rule)
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

/// The subrules of one rule, compiled one after the other.
struct SubruleCompiler<'r, 'm, 'a> {
    at: At<'r>,
    language: RuleLanguage,
    /// The rule's map; `None` for the `true`/`false` shortcut (`invert` for `false`).
    rule_map: Option<&'m HeaderMap<'a>>,
    invert: bool,
    /// How many subrules were absent.
    default_used: usize,
    budget: &'r mut Budget,
}

impl SubruleCompiler<'_, '_, '_> {
    /// The alternatives of `subrule`, each compiled into the kind's struct.
    fn sets<T: FromCompiled>(&mut self, subrule: Subrule) -> Result<Vec<T>, RuleError> {
        let kind = SetKind {
            side: self.at.side,
            subrule,
            language: self.language,
        };
        let mut at = At {
            subrule: Some(subrule),
            ..self.at
        };
        let Some(rule_map) = self.rule_map else {
            let set = shortcut_set(kind, subrule.is_allow() == self.invert);
            return Ok(vec![T::from_compiled(set)]);
        };
        let Some(value) = rule_map.get(subrule.as_str()) else {
            self.default_used += 1;
            return Ok(vec![T::from_compiled(shortcut_set(
                kind,
                !subrule.is_allow(),
            ))]);
        };
        match value {
            HeaderValue::List(alts) if !alts.is_empty() => {
                let mut sets = Vec::with_capacity(alts.len());
                for (i, alt) in alts.iter().enumerate() {
                    at.alternative = Some(i + 1);
                    let Some(SetDef::Map(m)) = map_or_shortcut(alt) else {
                        return Err(RuleError::AlternativeNotMap {
                            context: at.owned(),
                        });
                    };
                    sets.push(T::from_compiled(compile_set(kind, m, at, self.budget)?));
                }
                Ok(sets)
            }
            // an empty list cannot be written in assertion syntax (snapd would panic)
            _ => match map_or_shortcut(value) {
                Some(SetDef::Map(m)) => Ok(vec![T::from_compiled(compile_set(
                    kind,
                    m,
                    at,
                    self.budget,
                )?)]),
                Some(SetDef::Shortcut { invert }) => {
                    Ok(vec![T::from_compiled(shortcut_set(kind, invert))])
                }
                None => Err(RuleError::NotMapOrShortcut {
                    context: at.owned(),
                }),
            },
        }
    }
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
