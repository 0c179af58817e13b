//! Constraint sets (policy.md §2.3–§2.5): what one alternative of a subrule requires, in
//! the four kinds snapd compiles (`Plug|Slot` × `Installation|Connection`), and their
//! compiler (snapd's `baseCompileConstraints`, with its key order and its installation
//! "at least one" bug).

use serde::Serialize;

use crate::checks::is_valid_snap_id;
use crate::headers::{HeaderMap, HeaderValue};
use crate::types::constraint_regex::Budget;

use super::arity::{ARITY_KEYS, SideArity, compile_side_arity, normalize};
use super::attr_matcher::{AttrMatcher, AttributeConstraints};
use super::device_scope::{DEVICE_SCOPE_KEYS, DeviceScopeConstraint, is_account_id};
use super::error::RuleError;
use super::language::RuleLanguage;
use super::names::{NameConstraints, is_special};
use super::on_classic::OnClassicConstraint;
use super::serialize_list_or_null as list_or_null;
use super::subrule::{At, Side, Subrule};

/// Defines a constraint set kind: its own fields plus the environment constraints every
/// kind has (device scope, `on-classic`, `on-core-desktop`).
macro_rules! constraint_set {
    ($(#[$meta:meta])* pub struct $name:ident { $($fields:tt)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
        pub struct $name {
            $($fields)*
            /// `on-store`/`on-brand`/`on-model`.
            #[serde(rename = "device-scope")]
            pub device_scope: Option<DeviceScopeConstraint>,
            /// `on-classic`.
            #[serde(rename = "on-classic")]
            pub on_classic: Option<OnClassicConstraint>,
            /// `on-core-desktop` (newer snapd only).
            #[serde(rename = "on-core-desktop", skip_serializing_if = "Option::is_none")]
            pub on_core_desktop: Option<bool>,
        }
    };
}

constraint_set! {
/// What an installation subrule of a plug rule requires (snapd's
/// `PlugInstallationConstraints`).
pub struct PlugInstallationConstraints {
    /// `plug-attributes`.
    #[serde(rename = "plug-attributes")]
    pub plug_attributes: AttributeConstraints,
    /// `plug-names`.
    #[serde(rename = "plug-names")]
    pub plug_names: Option<NameConstraints>,
    /// `plug-snap-id`.
    #[serde(rename = "plug-snap-id", serialize_with = "list_or_null")]
    pub plug_snap_ids: Vec<String>,
    /// `plug-snap-type`.
    #[serde(rename = "plug-snap-type", serialize_with = "list_or_null")]
    pub plug_snap_types: Vec<String>,
}
}

constraint_set! {
/// What an installation subrule of a slot rule requires (snapd's
/// `SlotInstallationConstraints`).
pub struct SlotInstallationConstraints {
    /// `slot-attributes`.
    #[serde(rename = "slot-attributes")]
    pub slot_attributes: AttributeConstraints,
    /// `slot-names`.
    #[serde(rename = "slot-names")]
    pub slot_names: Option<NameConstraints>,
    /// `slot-snap-id`.
    #[serde(rename = "slot-snap-id", serialize_with = "list_or_null")]
    pub slot_snap_ids: Vec<String>,
    /// `slot-snap-type`.
    #[serde(rename = "slot-snap-type", serialize_with = "list_or_null")]
    pub slot_snap_types: Vec<String>,
}
}

constraint_set! {
/// What a connection or auto-connection subrule of a plug rule requires (snapd's
/// `PlugConnectionConstraints`).
pub struct PlugConnectionConstraints {
    /// `plug-attributes`.
    #[serde(rename = "plug-attributes")]
    pub plug_attributes: AttributeConstraints,
    /// `plug-names`.
    #[serde(rename = "plug-names")]
    pub plug_names: Option<NameConstraints>,
    /// `plugs-per-slot` (normalized: any in `allow-*`, undefined in `deny-*`).
    #[serde(rename = "plugs-per-slot")]
    pub plugs_per_slot: SideArity,
    /// `slot-attributes`.
    #[serde(rename = "slot-attributes")]
    pub slot_attributes: AttributeConstraints,
    /// `slot-names`.
    #[serde(rename = "slot-names")]
    pub slot_names: Option<NameConstraints>,
    /// `slot-publisher-id` (account ids or `$MARKER`s).
    #[serde(rename = "slot-publisher-id", serialize_with = "list_or_null")]
    pub slot_publisher_ids: Vec<String>,
    /// `slot-snap-id`.
    #[serde(rename = "slot-snap-id", serialize_with = "list_or_null")]
    pub slot_snap_ids: Vec<String>,
    /// `slot-snap-type`.
    #[serde(rename = "slot-snap-type", serialize_with = "list_or_null")]
    pub slot_snap_types: Vec<String>,
    /// `slots-per-plug` (normalized: any in `allow-connection`, any or 1 in
    /// `allow-auto-connection`, undefined in `deny-*`).
    #[serde(rename = "slots-per-plug")]
    pub slots_per_plug: SideArity,
}
}

constraint_set! {
/// What a connection or auto-connection subrule of a slot rule requires (snapd's
/// `SlotConnectionConstraints`).
pub struct SlotConnectionConstraints {
    /// `plug-attributes`.
    #[serde(rename = "plug-attributes")]
    pub plug_attributes: AttributeConstraints,
    /// `plug-names`.
    #[serde(rename = "plug-names")]
    pub plug_names: Option<NameConstraints>,
    /// `plug-publisher-id` (account ids or `$MARKER`s).
    #[serde(rename = "plug-publisher-id", serialize_with = "list_or_null")]
    pub plug_publisher_ids: Vec<String>,
    /// `plug-snap-id`.
    #[serde(rename = "plug-snap-id", serialize_with = "list_or_null")]
    pub plug_snap_ids: Vec<String>,
    /// `plug-snap-type`.
    #[serde(rename = "plug-snap-type", serialize_with = "list_or_null")]
    pub plug_snap_types: Vec<String>,
    /// `plugs-per-slot` (normalized as for plug rules).
    #[serde(rename = "plugs-per-slot")]
    pub plugs_per_slot: SideArity,
    /// `slot-attributes`.
    #[serde(rename = "slot-attributes")]
    pub slot_attributes: AttributeConstraints,
    /// `slot-names`.
    #[serde(rename = "slot-names")]
    pub slot_names: Option<NameConstraints>,
    /// `slot-snap-type`, checked on the slot's own snap: newer snapd only (2.61); empty
    /// under 2.57, where the key is not read.
    #[serde(rename = "slot-snap-type", skip_serializing_if = "Vec::is_empty")]
    pub slot_snap_types: Vec<String>,
    /// `slots-per-plug` (normalized as for plug rules).
    #[serde(rename = "slots-per-plug")]
    pub slots_per_plug: SideArity,
}
}

/// A constraint set of one of the four kinds.
pub trait ConstraintSet {
    /// The lowest snap-declaration format that covers the set's features (policy.md
    /// §2.6).
    fn format(&self) -> i64;
}

/// Building a kind's struct from a compiled set.
pub(crate) trait FromCompiled {
    /// The side of the rules the set belongs to.
    const SIDE: Side;
    fn from_compiled(set: CompiledSet) -> Self;
}

/// snapd's `checkID`: an empty list passes; an empty `id` never matches; `$MARKER`
/// entries are replaced through `special` and skipped when unknown or empty. The error is
/// `<kind> does not match` (`kind`: `snap id`, `publisher id`, …).
pub fn check_id(
    kind: &str,
    id: &str,
    ids: &[String],
    special: &[(&str, &str)],
) -> Result<(), String> {
    if ids.is_empty() {
        return Ok(());
    }
    let matches = |cand: &String| {
        let cand = if cand.starts_with('$') {
            special
                .iter()
                .find(|(k, _)| k == cand)
                .map_or("", |(_, v)| *v)
        } else {
            cand.as_str()
        };
        !cand.is_empty() && cand == id
    };
    if !id.is_empty() && ids.iter().any(matches) {
        Ok(())
    } else {
        Err(format!("{kind} does not match"))
    }
}

/// The kind of constraint set being compiled.
#[derive(Clone, Copy)]
pub(crate) struct SetKind {
    pub(crate) side: Side,
    pub(crate) subrule: Subrule,
    pub(crate) language: RuleLanguage,
}

impl SetKind {
    fn installation(self) -> bool {
        self.subrule.is_installation()
    }

    /// The name keys the kind reads.
    fn name_keys(self) -> &'static [&'static str] {
        match (self.installation(), self.side) {
            (true, Side::Plug) => &["plug-names"],
            (true, Side::Slot) => &["slot-names"],
            (false, _) => &["plug-names", "slot-names"],
        }
    }

    /// The attribute keys the kind reads.
    fn attr_keys(self) -> &'static [&'static str] {
        match (self.installation(), self.side) {
            (true, Side::Plug) => &["plug-attributes"],
            (true, Side::Slot) => &["slot-attributes"],
            (false, _) => &["plug-attributes", "slot-attributes"],
        }
    }

    /// The id keys the kind reads, in snapd's order.
    fn id_keys(self) -> &'static [&'static str] {
        match (self.installation(), self.side, self.language.is_current()) {
            (true, Side::Plug, _) => &["plug-snap-type", "plug-snap-id"],
            (true, Side::Slot, _) => &["slot-snap-type", "slot-snap-id"],
            (false, Side::Plug, _) => &["slot-snap-type", "slot-publisher-id", "slot-snap-id"],
            (false, Side::Slot, false) => &["plug-snap-type", "plug-publisher-id", "plug-snap-id"],
            (false, Side::Slot, true) => &[
                "slot-snap-type",
                "plug-snap-type",
                "plug-publisher-id",
                "plug-snap-id",
            ],
        }
    }
}

/// Whether `s` is a valid element of id key `key`.
fn valid_id(key: &str, s: &str) -> bool {
    if key.ends_with("-snap-type") {
        matches!(s, "core" | "kernel" | "gadget" | "app")
    } else if key.ends_with("-snap-id") {
        is_valid_snap_id(s)
    } else {
        is_account_id(s) || is_special(s)
    }
}

/// Index of a `plug-…` (0) or `slot-…` (1) key.
fn side_index(key: &str) -> usize {
    usize::from(key.starts_with("slot"))
}

/// Index of an id key: `*-snap-type` (0), `*-snap-id` (1), `*-publisher-id` (2).
fn id_index(key: &str) -> usize {
    if key.ends_with("-snap-type") {
        0
    } else if key.ends_with("-snap-id") {
        1
    } else {
        2
    }
}

/// One compiled set, every field of every kind (by side: plug, slot); converted into the
/// kind's struct. Fixed slots, so that a set costs no allocation of its own.
#[derive(Default)]
pub(crate) struct CompiledSet {
    names: [Option<NameConstraints>; 2],
    attrs: [Option<AttributeConstraints>; 2],
    ids: [[Vec<String>; 3]; 2],
    slots_per_plug: SideArity,
    plugs_per_slot: SideArity,
    on_classic: Option<OnClassicConstraint>,
    on_core_desktop: Option<bool>,
    device_scope: Option<DeviceScopeConstraint>,
}

impl CompiledSet {
    fn names(&mut self, key: &str) -> Option<NameConstraints> {
        self.names[side_index(key)].take()
    }

    fn attributes(&mut self, key: &str) -> AttributeConstraints {
        self.attrs[side_index(key)]
            .take()
            .unwrap_or_else(AttributeConstraints::always)
    }

    fn ids(&mut self, key: &str) -> Vec<String> {
        std::mem::take(&mut self.ids[side_index(key)][id_index(key)])
    }
}

impl FromCompiled for PlugInstallationConstraints {
    const SIDE: Side = Side::Plug;
    fn from_compiled(mut set: CompiledSet) -> Self {
        PlugInstallationConstraints {
            plug_attributes: set.attributes("plug-attributes"),
            plug_names: set.names("plug-names"),
            plug_snap_ids: set.ids("plug-snap-id"),
            plug_snap_types: set.ids("plug-snap-type"),
            device_scope: set.device_scope,
            on_classic: set.on_classic,
            on_core_desktop: set.on_core_desktop,
        }
    }
}

impl FromCompiled for SlotInstallationConstraints {
    const SIDE: Side = Side::Slot;
    fn from_compiled(mut set: CompiledSet) -> Self {
        SlotInstallationConstraints {
            slot_attributes: set.attributes("slot-attributes"),
            slot_names: set.names("slot-names"),
            slot_snap_ids: set.ids("slot-snap-id"),
            slot_snap_types: set.ids("slot-snap-type"),
            device_scope: set.device_scope,
            on_classic: set.on_classic,
            on_core_desktop: set.on_core_desktop,
        }
    }
}

impl FromCompiled for PlugConnectionConstraints {
    const SIDE: Side = Side::Plug;
    fn from_compiled(mut set: CompiledSet) -> Self {
        PlugConnectionConstraints {
            plug_attributes: set.attributes("plug-attributes"),
            slot_attributes: set.attributes("slot-attributes"),
            plug_names: set.names("plug-names"),
            slot_names: set.names("slot-names"),
            slot_publisher_ids: set.ids("slot-publisher-id"),
            slot_snap_ids: set.ids("slot-snap-id"),
            slot_snap_types: set.ids("slot-snap-type"),
            slots_per_plug: set.slots_per_plug,
            plugs_per_slot: set.plugs_per_slot,
            device_scope: set.device_scope,
            on_classic: set.on_classic,
            on_core_desktop: set.on_core_desktop,
        }
    }
}

impl FromCompiled for SlotConnectionConstraints {
    const SIDE: Side = Side::Slot;
    fn from_compiled(mut set: CompiledSet) -> Self {
        SlotConnectionConstraints {
            plug_attributes: set.attributes("plug-attributes"),
            slot_attributes: set.attributes("slot-attributes"),
            plug_names: set.names("plug-names"),
            slot_names: set.names("slot-names"),
            plug_publisher_ids: set.ids("plug-publisher-id"),
            plug_snap_ids: set.ids("plug-snap-id"),
            plug_snap_types: set.ids("plug-snap-type"),
            slot_snap_types: set.ids("slot-snap-type"),
            slots_per_plug: set.slots_per_plug,
            plugs_per_slot: set.plugs_per_slot,
            device_scope: set.device_scope,
            on_classic: set.on_classic,
            on_core_desktop: set.on_core_desktop,
        }
    }
}

/// A shortcut set: `true` (`invert` false) or `false`: the kind's attribute keys get
/// always/never, nothing else is set; connection kinds are arity-normalized.
pub(crate) fn shortcut_set(kind: SetKind, invert: bool) -> CompiledSet {
    let mut set = CompiledSet::default();
    for key in kind.attr_keys() {
        let fixed = if invert {
            AttributeConstraints::never()
        } else {
            AttributeConstraints::always()
        };
        set.attrs[side_index(key)] = Some(fixed);
    }
    normalize(
        kind.subrule,
        &mut set.slots_per_plug,
        &mut set.plugs_per_slot,
    );
    set
}

/// Compiles the constraint map `m` of kind `kind` at `context` (snapd's
/// `baseCompileConstraints` then `normalizeSideArityConstraints`).
pub(crate) fn compile_set(
    kind: SetKind,
    m: &HeaderMap<'_>,
    context: At<'_>,
    budget: &mut Budget,
) -> Result<CompiledSet, RuleError> {
    let mut set = CompiledSet::default();
    let mut default_used = 0;
    for &key in kind.name_keys() {
        match m.get(key) {
            Some(v) => {
                set.names[side_index(key)] = Some(NameConstraints::compile_with(key, v, budget)?);
            }
            None => default_used += 1,
        }
    }
    for &key in kind.attr_keys() {
        let Some(v) = m.get(key) else {
            default_used += 1;
            continue;
        };
        let matcher =
            AttrMatcher::compile_with(v, true, kind.language, budget).map_err(|source| {
                RuleError::Attributes {
                    field: key,
                    context: context.owned(),
                    source: Box::new(source),
                }
            })?;
        set.attrs[side_index(key)] = Some(matcher.into());
    }
    for &key in kind.id_keys() {
        let Some(v) = m.get(key) else {
            default_used += 1;
            continue;
        };
        let not_list = || RuleError::NotStringList {
            key,
            context: context.owned(),
        };
        let items = v.as_list().ok_or_else(not_list)?;
        let mut ids = Vec::with_capacity(items.len());
        for item in items {
            let s = item.as_str().ok_or_else(not_list)?;
            if !valid_id(key, s) {
                return Err(RuleError::InvalidElement {
                    key,
                    context: context.owned(),
                    element: s.to_owned(),
                });
            }
            ids.push(s.to_owned());
        }
        if ids.is_empty() {
            default_used += 1;
        } else {
            set.ids[side_index(key)][id_index(key)] = ids;
        }
    }
    for (i, key) in ARITY_KEYS.into_iter().enumerate() {
        if !m.contains_key(key) {
            default_used += 1;
            continue;
        }
        let arity = compile_side_arity(m, key, context, kind.subrule)?;
        if i == 0 {
            set.slots_per_plug = arity;
        } else {
            set.plugs_per_slot = arity;
        }
    }
    match m.get("on-classic") {
        None => default_used += 1,
        Some(v) => {
            set.on_classic = Some(OnClassicConstraint::compile(
                v,
                &context.owned(),
                kind.language,
            )?)
        }
    }
    if kind.language.is_current() {
        match m.get("on-core-desktop") {
            None => default_used += 1,
            Some(HeaderValue::String(s)) if s == "true" || s == "false" => {
                set.on_core_desktop = Some(s == "true");
            }
            Some(_) => {
                return Err(RuleError::OnCoreDesktop {
                    context: context.owned(),
                });
            }
        }
    }
    // the context text is only built for a set with device scope
    if DEVICE_SCOPE_KEYS.iter().any(|k| m.contains_key(k)) {
        set.device_scope = DeviceScopeConstraint::compile(m, &context.to_string())?;
    } else {
        default_used += 1;
    }
    // snapd compares with the length of the package-level list of attribute keys (2),
    // not the kind's own: installation kinds (1 attribute key) can never reach it, so an
    // installation set of only unknown keys compiles and matches everything (§2.5).
    let on_keys = if kind.language.is_current() { 3 } else { 2 };
    let threshold = kind.name_keys().len() + 2 + kind.id_keys().len() + ARITY_KEYS.len() + on_keys;
    if default_used == threshold {
        let mut keys: Vec<&'static str> = Vec::new();
        keys.extend(kind.name_keys());
        keys.extend(kind.attr_keys());
        keys.extend(kind.id_keys());
        keys.extend(ARITY_KEYS);
        keys.push("on-classic");
        if kind.language.is_current() {
            keys.push("on-core-desktop");
        }
        keys.extend(["on-store", "on-brand", "on-model"]);
        return Err(RuleError::NoConstraint {
            context: context.owned(),
            keys,
        });
    }
    normalize(
        kind.subrule,
        &mut set.slots_per_plug,
        &mut set.plugs_per_slot,
    );
    Ok(set)
}
