//! The plug/slot rules of snap-declaration and base-declaration, kept as
//! structured header values: only their outer shape is checked (interface →
//! `true`/`false` or a map of `allow-`/`deny-` subrules; subrules `true`/`false`,
//! a map of constraints or a list of alternatives; a few constraint shapes).
//! The rule language itself (attribute matchers, device scope, `$SLOT()`…) is
//! not compiled yet.

use serde::Serialize;

use crate::checks;
use crate::headers::HeaderValue;
use crate::{Error, Headers};
use ucore_go_text::quote;

use super::TypeError;
use super::common::Map;

const SUBRULES: [&str; 6] = [
    "allow-installation",
    "deny-installation",
    "allow-connection",
    "deny-connection",
    "allow-auto-connection",
    "deny-auto-connection",
];

/// The `plugs` or `slots` rules of a declaration, by interface name (bytewise
/// order), as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct InterfaceRules<'a> {
    /// The rules as header values: `true`/`false` or a map of subrules.
    pub rules: Option<&'a Map<'a>>,
}

impl<'a> InterfaceRules<'a> {
    /// The rule for `interface`, if any.
    pub fn get(&self, interface: &str) -> Option<&'a HeaderValue<'a>> {
        self.rules.and_then(|r| r.get(interface))
    }

    /// The interface names with a rule.
    pub fn interfaces(&self) -> impl Iterator<Item = &'a str> {
        self.rules.into_iter().flat_map(|r| r.keys())
    }
}

fn rule_error(side: &'static str, interface: &str, message: String) -> Error {
    TypeError::InterfaceRule {
        side,
        interface: interface.to_owned(),
        message,
    }
    .into()
}

/// Checks the `plugs` (`side` = `plug`) or `slots` (`slot`) header.
pub(crate) fn check_rules<'a>(
    h: &'a Headers<'a>,
    side: &'static str,
) -> Result<InterfaceRules<'a>, Error> {
    let header = if side == "plug" { "plugs" } else { "slots" };
    let rules = checks::check_map(h, header, checks::HEADER)?;
    if let Some(rules) = rules {
        for (interface, rule) in rules {
            check_rule(side, interface, rule)?;
        }
    }
    Ok(InterfaceRules { rules })
}

fn check_rule(side: &'static str, interface: &str, rule: &HeaderValue<'_>) -> Result<(), Error> {
    let ctx = format!("{side} rule for interface {}", quote(interface));
    let m = match rule {
        HeaderValue::String(s) if s == "true" || s == "false" => return Ok(()),
        HeaderValue::Map(m) => m,
        _ => {
            return Err(rule_error(
                side,
                interface,
                format!("{ctx} must be a map or one of the shortcuts 'true' or 'false'"),
            ));
        }
    };
    if !SUBRULES.iter().any(|s| m.contains_key(s)) {
        return Err(rule_error(
            side,
            interface,
            format!("{ctx} must specify at least one of {}", SUBRULES.join(", ")),
        ));
    }
    for sub in SUBRULES {
        let Some(value) = m.get(sub) else { continue };
        let sub_ctx = format!("{sub} in {ctx}");
        match value {
            HeaderValue::String(s) if s == "true" || s == "false" => {}
            HeaderValue::Map(c) => check_constraints(side, interface, sub, c, &sub_ctx)?,
            HeaderValue::List(alts) => {
                for (i, alt) in alts.iter().enumerate() {
                    let c = alt.as_map().ok_or_else(|| {
                        rule_error(
                            side,
                            interface,
                            format!("alternative {} of {sub_ctx} must be a map", i + 1),
                        )
                    })?;
                    check_constraints(side, interface, sub, c, &sub_ctx)?;
                }
            }
            _ => {
                return Err(rule_error(
                    side,
                    interface,
                    format!("{sub_ctx} must be a map or one of the shortcuts 'true' or 'false'"),
                ));
            }
        }
    }
    Ok(())
}

fn check_constraints(
    side: &'static str,
    interface: &str,
    sub: &str,
    c: &Map<'_>,
    ctx: &str,
) -> Result<(), Error> {
    let other = if side == "plug" { "slot" } else { "plug" };
    let connection = !sub.ends_with("-installation");
    if connection {
        let known = [
            "plug-names".to_owned(),
            "slot-names".to_owned(),
            "plug-attributes".to_owned(),
            "slot-attributes".to_owned(),
            format!("{other}-snap-type"),
            format!("{other}-publisher-id"),
            format!("{other}-snap-id"),
            "slots-per-plug".to_owned(),
            "plugs-per-slot".to_owned(),
            "on-classic".to_owned(),
            "on-core-desktop".to_owned(),
            "on-store".to_owned(),
            "on-brand".to_owned(),
            "on-model".to_owned(),
        ];
        if !known.iter().any(|k| c.contains_key(k.as_str())) {
            return Err(rule_error(
                side,
                interface,
                format!("{ctx} must specify at least one of {}", known.join(", ")),
            ));
        }
    }
    for (key, value) in c {
        let key: &str = key;
        match key {
            "plug-attributes" | "slot-attributes" => {
                let ok = match value {
                    HeaderValue::Map(_) => true,
                    HeaderValue::List(alts) => alts.iter().all(|a| a.as_map().is_some()),
                    HeaderValue::String(_) => false,
                };
                if !ok {
                    return Err(rule_error(
                        side,
                        interface,
                        format!(
                            "cannot compile {key} in {ctx}: first level of non alternative constraints must be a set of key-value contraints"
                        ),
                    ));
                }
            }
            "plug-snap-type" | "slot-snap-type" | "plug-snap-id" | "slot-snap-id"
            | "plug-publisher-id" | "slot-publisher-id" | "on-store" | "on-brand"
                if !value
                    .as_list()
                    .is_some_and(|l| l.iter().all(|i| i.as_str().is_some())) =>
            {
                return Err(rule_error(
                    side,
                    interface,
                    format!("{key} in {ctx} must be a list of strings"),
                ));
            }
            "on-classic" => {
                let ok = match value {
                    HeaderValue::String(s) => s == "true" || s == "false",
                    HeaderValue::List(l) => l.iter().all(|i| i.as_str().is_some()),
                    HeaderValue::Map(_) => false,
                };
                if !ok {
                    return Err(rule_error(
                        side,
                        interface,
                        format!(
                            "{key} in {ctx} must be 'true', 'false' or a list of operating system IDs"
                        ),
                    ));
                }
            }
            "on-core-desktop" if !matches!(value, HeaderValue::String(s) if s == "true" || s == "false") =>
            {
                return Err(rule_error(
                    side,
                    interface,
                    format!("{key} in {ctx} must be 'true' or 'false'"),
                ));
            }
            _ => {}
        }
    }
    Ok(())
}
