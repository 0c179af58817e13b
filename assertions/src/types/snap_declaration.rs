//! `snap-declaration` (snapd's `asserts/snap_asserts.go`, `assembleSnapDeclaration`): a
//! snap's name, publisher, interface rules, aliases and revision authorities.
//!
//! The plug/slot rules are compiled while decoding ([`InterfaceRules`], see
//! [`crate::policy`]), and so is the device scope of `revision-authority`.

use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

use crate::checks::{self, HEADER, VALID_ACCOUNT_ID, VALID_PROVENANCE};
use crate::headers::HeaderValue;
use crate::rfc3339::Rfc3339Time;
use crate::{AssertionAccess, Error};
use ucore_go_text::quote;

use super::TypeError;
use super::common::{self, Map, invalid_item};
use super::rules::{interface_rules, rules_budget};
use crate::rules::{DeviceScopeConstraint, InterfaceRules, PlugRule, RuleLanguage, SlotRule};

/// Alias names: `^[a-zA-Z0-9][-_.a-zA-Z0-9]*$`.
static VALID_ALIAS: LazyLock<Regex> =
    LazyLock::new(|| common::regex("^[a-zA-Z0-9][-_.a-zA-Z0-9]*$"));
/// App names: `^[a-zA-Z0-9](?:-?[a-zA-Z0-9])*$`.
static VALID_APP: LazyLock<Regex> =
    LazyLock::new(|| common::regex("^[a-zA-Z0-9](?:-?[a-zA-Z0-9])*$"));

/// An explicit alias.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Alias<'a> {
    /// The alias.
    pub name: &'a str,
    /// The app it points to.
    pub target: &'a str,
}

/// Who may sign revisions of the snap with non-default provenance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct RevisionAuthority<'a> {
    /// `account-id`.
    pub account_id: &'a str,
    /// `provenance` values it may sign.
    pub provenance: Vec<&'a str>,
    /// `min-revision` (default 1).
    pub min_revision: i64,
    /// `max-revision` (0 = no maximum).
    pub max_revision: i64,
    /// The device scope (`on-store`, `on-brand`, `on-model`), compiled; `None` without
    /// any of the keys.
    pub device_scope: Option<DeviceScopeConstraint>,
}

/// A `snap-declaration` assertion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SnapDeclaration<'a> {
    /// `series`.
    pub series: &'a str,
    /// `snap-id`.
    pub snap_id: &'a str,
    /// `snap-name` (may be empty).
    pub snap_name: &'a str,
    /// `publisher-id`.
    pub publisher_id: &'a str,
    /// `timestamp`.
    pub timestamp: Rfc3339Time,
    /// `refresh-control`: snap ids gated by this snap.
    pub refresh_control: Vec<&'a str>,
    /// `plugs` rules, compiled.
    pub plugs: InterfaceRules<PlugRule>,
    /// `slots` rules, compiled.
    pub slots: InterfaceRules<SlotRule>,
    /// `auto-aliases`.
    pub auto_aliases: Vec<&'a str>,
    /// `aliases`.
    pub aliases: Vec<Alias<'a>>,
    /// `revision-authority`.
    pub revision_authority: Vec<RevisionAuthority<'a>>,
}

impl<'a> SnapDeclaration<'a> {
    fn parse_with<A: AssertionAccess + ?Sized>(
        a: &'a A,
        language: RuleLanguage,
    ) -> Result<Self, Error> {
        let h = a.headers();
        let snap_name = checks::check_exists_string(h, "snap-name", HEADER)?;
        let publisher_id = checks::check_not_empty_string(h, "publisher-id", HEADER)?;
        let timestamp = checks::check_rfc3339_date(h, "timestamp", HEADER)?;
        let refresh_control = checks::check_string_list(h, "refresh-control")?;
        let mut budget = rules_budget(h);
        let plugs = interface_rules(h, "plugs", language, &mut budget)?;
        let slots = interface_rules(h, "slots", language, &mut budget)?;
        let auto_aliases = checks::check_string_list_matches(h, "auto-aliases", &VALID_ALIAS)?;
        let aliases = aliases(h.get("aliases"))?;
        let revision_authority = revision_authorities(h.get("revision-authority"))?;
        Ok(SnapDeclaration {
            series: h.get_str("series").unwrap_or(""),
            snap_id: h.get_str("snap-id").unwrap_or(""),
            snap_name,
            publisher_id,
            timestamp,
            refresh_control,
            plugs,
            slots,
            auto_aliases,
            aliases,
            revision_authority,
        })
    }
}

super::view!(SnapDeclaration, SnapDeclaration);
super::rules_view!(SnapDeclaration);

fn aliases<'a>(value: Option<&'a HeaderValue<'a>>) -> Result<Vec<Alias<'a>>, Error> {
    const WRONG: &str = "\"aliases\" header must be a list of alias maps";
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    let list = value
        .as_list()
        .ok_or_else(|| invalid_item("aliases", WRONG))?;
    let mut out: Vec<Alias<'a>> = Vec::with_capacity(list.len());
    let mut names = std::collections::HashSet::with_capacity(list.len());
    for (i, item) in list.iter().enumerate() {
        let m = item
            .as_map()
            .ok_or_else(|| invalid_item("aliases", WRONG))?;
        let name = checks::check_string_matches(
            m,
            "name",
            &format!("in \"aliases\" item {}", i + 1),
            &VALID_ALIAS,
        )?;
        let target = checks::check_string_matches(
            m,
            "target",
            &format!("for alias {}", quote(name)),
            &VALID_APP,
        )?;
        if !names.insert(name) {
            return Err(invalid_item(
                "aliases",
                format!(
                    "duplicated definition in \"aliases\" for alias {}",
                    quote(name)
                ),
            ));
        }
        out.push(Alias { name, target });
    }
    Ok(out)
}

fn revision_authorities<'a>(
    value: Option<&'a HeaderValue<'a>>,
) -> Result<Vec<RevisionAuthority<'a>>, Error> {
    const WRONG: &str = "revision-authority stanza must be a list of maps";
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    let list = value
        .as_list()
        .filter(|l| !l.is_empty())
        .ok_or_else(|| invalid_item("revision-authority", WRONG))?;
    let mut out = Vec::with_capacity(list.len());
    for item in list {
        let m: &'a Map<'a> = item
            .as_map()
            .ok_or_else(|| invalid_item("revision-authority", WRONG))?;
        const WHAT: &str = "in revision authority";
        let account_id = checks::check_string_matches(m, "account-id", WHAT, &VALID_ACCOUNT_ID)?;
        let provenance = checks::check_string_list_in_map(
            m,
            "provenance",
            "provenance in revision authority",
            Some(&VALID_PROVENANCE),
        )?;
        if provenance.is_empty() {
            return Err(invalid_item(
                "revision-authority",
                "provenance in revision authority cannot be empty",
            ));
        }
        let min_revision = if m.contains_key("min-revision") {
            common::check_at_least_one(m, "min-revision", WHAT)?
        } else {
            1
        };
        let max_revision = if m.contains_key("max-revision") {
            common::check_at_least_one(m, "max-revision", WHAT)?
        } else {
            0
        };
        if max_revision != 0 && max_revision < min_revision {
            return Err(invalid_item(
                "revision-authority",
                "optional max-revision cannot be less than min-revision in revision-authority",
            ));
        }
        let device_scope =
            DeviceScopeConstraint::compile(m, "revision-authority").map_err(TypeError::from)?;
        out.push(RevisionAuthority {
            account_id,
            provenance,
            min_revision,
            max_revision,
            device_scope,
        });
    }
    Ok(out)
}
