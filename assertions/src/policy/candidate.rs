//! The inputs of a policy decision that are not assertions: a snap as the policy sees it
//! ([`PolicySnap`]: its name, type, plugs and slots with their attributes), a plug or slot
//! taking part in a connection ([`ConnectedPlugSlot`]: static attributes from snap.yaml,
//! dynamic ones set by interface hooks), and a snap-declaration reduced to what the policy
//! reads ([`DeclarationRules`]).
//!
//! snapd's `snap.Info`, `interfaces.ConnectedPlug`/`ConnectedSlot` and
//! `asserts.SnapDeclaration` play these parts in `interfaces/policy`.

use std::collections::BTreeMap;

use crate::rules::attr_value::{AttrValue, Attrer};
use crate::rules::rule::{InterfaceRules, PlugRule, SlotRule};
use crate::types::{SnapDeclaration, well_known_snap_id};

/// A plug or slot of a snap: its name (the key under `plugs:`/`slots:` of snap.yaml), its
/// interface and its static attributes (normalised as snapd normalises snap.yaml's:
/// integers are [`AttrValue::Int`], floats [`AttrValue::Float`]).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlugSlotInfo {
    /// The plug's or slot's name.
    pub name: String,
    /// The interface it uses.
    pub interface: String,
    /// Its static attributes.
    pub attrs: BTreeMap<String, AttrValue>,
}

impl Attrer for PlugSlotInfo {
    /// snapd's `PlugInfo.Lookup`/`SlotInfo.Lookup`: a dotted path through the static
    /// attributes (empty parts dropped).
    fn lookup(&self, dotted: &str) -> Option<&AttrValue> {
        self.attrs.lookup(dotted)
    }
}

/// A snap as the policy sees it (snapd's `snap.Info`, of which the policy reads the
/// instance name, the type and the plugs and slots).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PolicySnap {
    /// The snap's (instance) name.
    pub name: String,
    /// The `type` of snap.yaml as snapd spells it: `app`, `gadget`, `kernel`, `base`,
    /// `os` or `snapd`.
    pub snap_type: String,
    /// The plugs, by name.
    pub plugs: BTreeMap<String, PlugSlotInfo>,
    /// The slots, by name.
    pub slots: BTreeMap<String, PlugSlotInfo>,
}

impl PolicySnap {
    /// The type that `plug-snap-type`/`slot-snap-type` constraints compare (§4.2): snapd's
    /// `Info.Type()` (an `app` snap with the snapd snap's well-known id, production store's,
    /// is `snapd`), then `os` and `snapd` read as `core`.
    pub fn constraint_type(&self, snap_id: &str) -> &str {
        let snapd = self.snap_type == "app"
            && !snap_id.is_empty()
            && well_known_snap_id("snapd") == Some(snap_id);
        if snapd || self.snap_type == "os" || self.snap_type == "snapd" {
            "core"
        } else {
            &self.snap_type
        }
    }
}

/// A plug or slot in a connection: the snap it belongs to, its definition, and the dynamic
/// attributes interface hooks set (snapd's `ConnectedPlug`/`ConnectedSlot`).
#[derive(Debug, Clone, Copy)]
pub struct ConnectedPlugSlot<'a> {
    /// The snap of the plug or slot.
    pub snap: &'a PolicySnap,
    /// The plug or slot.
    pub info: &'a PlugSlotInfo,
    /// Dynamic attributes (`None` or empty: none).
    pub dynamic_attrs: Option<&'a BTreeMap<String, AttrValue>>,
}

impl<'a> ConnectedPlugSlot<'a> {
    /// A plug or slot with its static attributes only.
    pub fn new(snap: &'a PolicySnap, info: &'a PlugSlotInfo) -> Self {
        ConnectedPlugSlot {
            snap,
            info,
            dynamic_attrs: None,
        }
    }
}

impl Attrer for ConnectedPlugSlot<'_> {
    /// snapd's `lookupAttr`: the dynamic attributes when they hold the path's first part,
    /// else the static ones; then the dotted path through maps.
    fn lookup(&self, dotted: &str) -> Option<&AttrValue> {
        let first = dotted.split('.').find(|p| !p.is_empty())?;
        match self.dynamic_attrs {
            Some(dynamic) if dynamic.contains_key(first) => dynamic.lookup(dotted),
            _ => self.info.attrs.lookup(dotted),
        }
    }
}

/// What the policy reads of a snap-declaration: the snap's id, name and publisher, and its
/// compiled plug and slot rules.
#[derive(Debug, Clone, Copy)]
pub struct DeclarationRules<'d> {
    /// `snap-id`.
    pub snap_id: &'d str,
    /// `snap-name` (the error texts' ` for "<snap-name>" snap`).
    pub snap_name: &'d str,
    /// `publisher-id`.
    pub publisher_id: &'d str,
    /// The `plugs` rules.
    pub plugs: &'d InterfaceRules<PlugRule>,
    /// The `slots` rules.
    pub slots: &'d InterfaceRules<SlotRule>,
}

impl<'d> DeclarationRules<'d> {
    /// The plug rule for `interface`, if the declaration has one.
    pub fn plug_rule(&self, interface: &str) -> Option<&'d PlugRule> {
        self.plugs.get(interface)
    }

    /// The slot rule for `interface`, if the declaration has one.
    pub fn slot_rule(&self, interface: &str) -> Option<&'d SlotRule> {
        self.slots.get(interface)
    }
}

impl<'d> From<&'d SnapDeclaration<'_>> for DeclarationRules<'d> {
    fn from(d: &'d SnapDeclaration<'_>) -> Self {
        DeclarationRules {
            snap_id: d.snap_id,
            snap_name: d.snap_name,
            publisher_id: d.publisher_id,
            plugs: &d.plugs,
            slots: &d.slots,
        }
    }
}
