//! A `system-usernames` entry (snapd's `snap.SystemUsernameInfo`).

use serde::Serialize;
use std::collections::BTreeMap;

use crate::plug_slot::Value;

/// A system user the snap asks for, with its scope (`shared` …) and other attributes.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct SystemUsername {
    /// The user's name.
    #[serde(skip)]
    pub name: String,
    /// Its `scope`; snap.yaml requires one (checked at install time, not here).
    pub scope: String,
    /// The other attributes of the long form, normalised like plug attributes; `None` for
    /// the short form.
    pub attrs: Option<BTreeMap<String, Value>>,
}
