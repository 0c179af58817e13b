//! The typed view of a snap's `meta/snap.yaml` (snapd's `snap.Info`): what
//! [`Info::from_yaml`] reads and [`Info::validate`] checks.
//!
//! snapd links apps, hooks, plugs and slots by pointers; here they refer to each other by
//! name (an app's `plugs` are plug names, a plug's `apps` are app names).
//!
//! Modules: `app` (App, Socket, Timeout), `hook` (Hook, the supported hook names),
//! `environment` (ordered `environment` maps), `layout_entry`, `system_username`.

mod app;
mod environment;
mod hook;
mod layout_entry;
mod system_username;

pub use app::{App, Socket, Timeout};
pub use environment::Environment;
pub use hook::{Hook, is_hook_supported};
pub use layout_entry::LayoutEntry;
pub use system_username::SystemUsername;

use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

use crate::epoch::Epoch;
use crate::{Confinement, PlugOrSlot, PlugSlot, SnapType};

/// The snap-id of the snapd snap in the production store (`naming.WellKnownSnapID("snapd")`).
pub const SNAPD_SNAP_ID: &str = "PMrrV4ml8uWuEUDBT8dSGnKUYbevVhc4";

/// The provenance a snap has when snap.yaml names none (`naming.DefaultProvenance`).
pub const DEFAULT_PROVENANCE: &str = "global-upload";

/// A snap as its `meta/snap.yaml` describes it.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Info {
    /// `name`: the snap name.
    pub name: String,
    /// The instance key of a parallel install (`name_key`); empty from snap.yaml.
    #[serde(skip)]
    pub instance_key: String,
    /// The snap-id, when known from assertions; empty from snap.yaml. Only
    /// [`Info::snap_type`] looks at it.
    #[serde(skip)]
    pub snap_id: String,
    /// The revision, when known (snapd's `Revision`: 0 is unset, negative is local `xN`);
    /// 0 from snap.yaml. Layout paths expand with it.
    #[serde(skip)]
    pub revision: i32,
    /// `version`, as written.
    pub version: String,
    /// `type`, as written or defaulted (`app`; `snapd` for a snap named `snapd`). See also
    /// [`Info::snap_type`].
    #[serde(rename = "type")]
    pub type_: SnapType,
    /// `base`.
    pub base: String,
    /// `architectures`; `["all"]` when absent or empty.
    pub architectures: Vec<String>,
    /// `assumes`, sorted.
    pub assumes: Vec<String>,
    /// `confinement`; `strict` by default.
    pub confinement: Confinement,
    /// `epoch`; `0` by default.
    pub epoch: Epoch,
    /// `title`.
    pub title: String,
    /// `summary`.
    pub summary: String,
    /// `description`.
    pub description: String,
    /// `license` (an SPDX expression).
    pub license: String,
    /// `provenance` as written; see [`Info::effective_provenance`].
    pub provenance: String,
    /// The top-level `environment`.
    pub environment: Environment,
    /// `apps`, by name.
    pub apps: BTreeMap<String, App>,
    /// `hooks`, by name: the supported ones declared in snap.yaml, plus those added by
    /// [`Info::add_implicit_hooks`].
    pub hooks: BTreeMap<String, Hook>,
    /// Plugs, declared at top level or implicitly by apps and hooks, by name.
    pub plugs: BTreeMap<String, PlugSlot>,
    /// Slots, likewise.
    pub slots: BTreeMap<String, PlugSlot>,
    /// Plugs and slots the interface sanitizer removed, with its reason, by name.
    pub bad_interfaces: BTreeMap<String, String>,
    /// `layout`, by path.
    pub layout: BTreeMap<String, LayoutEntry>,
    /// `system-usernames`, by name.
    pub system_usernames: BTreeMap<String, SystemUsername>,
    /// `links`, by key.
    pub links: BTreeMap<String, Vec<String>>,
    /// The apps' `common-id`s, in the order the apps were read.
    pub common_ids: Vec<String>,
    /// Legacy aliases (`apps.A.aliases`): alias → app name.
    #[serde(skip)]
    pub legacy_aliases: BTreeMap<String, String>,
    /// Plugs that an app's or hook's list names ("scoped"); the others are bound to every
    /// app and hook, including implicit hooks added later.
    #[serde(skip)]
    pub scoped_plugs: BTreeSet<String>,
    /// Slots that an app's or hook's list (or `activates-on`) names.
    #[serde(skip)]
    pub scoped_slots: BTreeSet<String>,
}

impl Info {
    /// The snap name.
    pub fn snap_name(&self) -> &str {
        &self.name
    }

    /// The instance name: the snap name, with `_key` for a parallel install.
    pub fn instance_name(&self) -> String {
        if self.instance_key.is_empty() {
            self.name.clone()
        } else {
            format!("{}_{}", self.name, self.instance_key)
        }
    }

    /// The snap's type as snapd reports it (`Info.Type()`): `snapd` for an `app` with the
    /// snapd snap's snap-id, else [`Info::type_`].
    pub fn snap_type(&self) -> SnapType {
        if self.type_ == SnapType::App && self.snap_id == SNAPD_SNAP_ID {
            SnapType::Snapd
        } else {
            self.type_
        }
    }

    /// The provenance, `global-upload` when snap.yaml names none (`Info.Provenance()`).
    pub fn effective_provenance(&self) -> &str {
        if self.provenance.is_empty() {
            DEFAULT_PROVENANCE
        } else {
            &self.provenance
        }
    }

    /// The apps that are services.
    pub fn services(&self) -> impl Iterator<Item = &App> {
        self.apps.values().filter(|a| a.is_service())
    }

    /// Adds the hooks found in the snap's `meta/hooks/` (file names) that are supported and
    /// not declared in snap.yaml, and binds the unscoped plugs and slots (those no app or
    /// hook lists) to them, as `snap.ReadInfoFromSnapFile` does.
    pub fn add_implicit_hooks<'a>(&mut self, names: impl IntoIterator<Item = &'a str>) {
        for name in names {
            if !is_hook_supported(name) || self.hooks.contains_key(name) {
                continue;
            }
            self.hooks.insert(
                name.to_string(),
                Hook {
                    name: name.to_string(),
                    ..Hook::default()
                },
            );
        }
        let implicit: Vec<String> = self
            .hooks
            .values()
            .filter(|h| !h.explicit)
            .map(|h| h.name.clone())
            .collect();
        let unscoped_plugs = unscoped(&self.plugs, &self.scoped_plugs);
        let unscoped_slots = unscoped(&self.slots, &self.scoped_slots);
        for hook_name in &implicit {
            for plug in &unscoped_plugs {
                self.bind(Owner::Hook(hook_name), plug, PlugOrSlot::Plug);
            }
            for slot in &unscoped_slots {
                self.bind(Owner::Hook(hook_name), slot, PlugOrSlot::Slot);
            }
        }
    }

    /// Binds the plug or slot `name` to an app or hook, both ways (nothing when either
    /// does not exist).
    pub(crate) fn bind(&mut self, owner: Owner<'_>, name: &str, kind: PlugOrSlot) {
        let defs = match kind {
            PlugOrSlot::Plug => &mut self.plugs,
            PlugOrSlot::Slot => &mut self.slots,
        };
        let Some(def) = defs.get_mut(name) else {
            return;
        };
        let (owner_name, owner_set, def_set) = match owner {
            Owner::App(a) => (
                a,
                self.apps.get_mut(a).map(|x| match kind {
                    PlugOrSlot::Plug => &mut x.plugs,
                    PlugOrSlot::Slot => &mut x.slots,
                }),
                &mut def.apps,
            ),
            Owner::Hook(h) => (
                h,
                self.hooks.get_mut(h).map(|x| match kind {
                    PlugOrSlot::Plug => &mut x.plugs,
                    PlugOrSlot::Slot => &mut x.slots,
                }),
                &mut def.hooks,
            ),
        };
        if let Some(set) = owner_set {
            set.insert(name.to_string());
            def_set.insert(owner_name.to_string());
        }
    }
}

/// What a plug or slot is bound to: an app or a hook, by name.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Owner<'a> {
    /// An app.
    App(&'a str),
    /// A hook.
    Hook(&'a str),
}

/// The plugs or slots of `defs` not in `scoped`.
pub(crate) fn unscoped(
    defs: &BTreeMap<String, PlugSlot>,
    scoped: &BTreeSet<String>,
) -> Vec<String> {
    defs.keys()
        .filter(|n| !scoped.contains(*n))
        .cloned()
        .collect()
}
