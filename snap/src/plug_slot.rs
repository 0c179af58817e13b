//! A plug or a slot: its interface, attributes, label, and the apps and hooks bound to it
//! (snapd's `snap.PlugInfo` and `snap.SlotInfo`, which have the same shape).

use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

pub use ucore_go_yaml::Value;

/// Whether a definition is a plug or a slot: the word snapd's messages use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PlugOrSlot {
    /// A plug.
    Plug,
    /// A slot.
    Slot,
}

impl PlugOrSlot {
    /// `plug` or `slot`, as in snapd's texts.
    pub fn as_str(self) -> &'static str {
        match self {
            PlugOrSlot::Plug => "plug",
            PlugOrSlot::Slot => "slot",
        }
    }
}

/// A plug or slot of a snap.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct PlugSlot {
    /// The plug's or slot's name (the key under `plugs:`/`slots:`, or an app's list entry).
    pub name: String,
    /// The interface it uses.
    pub interface: String,
    /// Its attributes, normalised as snapd normalises them (ints are 64-bit, map keys are
    /// strings). Interface sanitizers may add or change some.
    pub attrs: BTreeMap<String, Value>,
    /// Its `label`, empty when absent.
    pub label: String,
    /// The apps bound to it, by name.
    pub apps: BTreeSet<String>,
    /// The hooks bound to it, by name.
    pub hooks: BTreeSet<String>,
}
