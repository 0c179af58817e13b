//! `snap.Validate`: the checks snapd runs on a read snap.yaml, in snapd's order
//! (§1.10 of the spec). Maps are walked in name order where snapd walks Go maps (random
//! order): with several independent errors the one reported may differ from snapd's.
//!
//! Modules: `app` (one app's checks, the service cycle check).

mod app;

pub use app::{
    APP_CONTENT_WHITELIST, AppError, COMMAND_CHAIN_WHITELIST, SocketFault, is_valid_app_name,
    services_in_cycles,
};

use thiserror::Error;
use ucore_go_text::quote;

use crate::epoch::EpochError;
use crate::info::{DEFAULT_PROVENANCE, Hook, Info};
use crate::layout::LayoutError;
use crate::license::LicenseError;
use crate::links::LinksError;
use crate::naming::NameError;
use crate::version::VersionError;
use crate::{PlugOrSlot, SnapType};

/// The most code points a `title` may have.
pub const MAX_TITLE: usize = 40;
/// The most code points a `description` may have.
pub const MAX_DESCRIPTION: usize = 4096;

/// Why a snap does not validate; Display is snapd's text.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ValidateError {
    /// No name.
    #[error("snap name cannot be empty")]
    EmptyName,
    /// `provenance: global-upload`.
    #[error("provenance cannot be set to default (global-upload) explicitly")]
    DefaultProvenance,
    /// A bad snap, instance, plug or slot name, provenance or system username.
    #[error(transparent)]
    Name(#[from] NameError),
    /// A title over 40 code points.
    #[error("title can have up to 40 codepoints, got {0}")]
    Title(usize),
    /// A description over 4096 code points.
    #[error("description can have up to 4096 codepoints, got {0}")]
    Description(usize),
    /// A bad version.
    #[error(transparent)]
    Version(#[from] VersionError),
    /// A bad epoch.
    #[error(transparent)]
    Epoch(#[from] EpochError),
    /// A license that is not a valid SPDX expression.
    #[error("cannot validate license {}: {source}", quote(.license))]
    License {
        /// The expression.
        license: String,
        /// Why.
        #[source]
        source: LicenseError,
    },
    /// A bad app.
    #[error("invalid definition of application {}: {source}", quote(.app))]
    App {
        /// The app.
        app: String,
        /// What is wrong.
        #[source]
        source: AppError,
    },
    /// Services ordered in a cycle (names comma-separated).
    #[error("applications are part of a before/after cycle: {}", .0.join(", "))]
    Cycle(Vec<String>),
    /// A bad legacy alias.
    #[error("cannot have {} as alias name for app {} - use only letters, digits, dash, underscore and dot characters", quote(.alias), quote(.app))]
    Alias {
        /// The alias.
        alias: String,
        /// Its app.
        app: String,
    },
    /// A hook command-chain entry with characters outside the whitelist.
    #[error("hook command-chain contains illegal {} (legal: '{}')", quote(.0), app::COMMAND_CHAIN_WHITELIST)]
    HookCommandChain(String),
    /// A plug or slot whose interface name is bad.
    #[error("invalid interface name {} for {} {}", quote(.interface), .kind.as_str(), quote(.name))]
    InterfaceName {
        /// The interface.
        interface: String,
        /// Plug or slot.
        kind: PlugOrSlot,
        /// The plug's or slot's name.
        name: String,
    },
    /// A name used for a plug and a slot.
    #[error("cannot have plug and slot with the same name: {}", quote(.0))]
    PlugSlotClash(String),
    /// `base` on a base or os snap.
    #[error("cannot have \"base\" field on {} snap {}", quote(.snap_type.as_str()), quote(.snap))]
    BaseOnBase {
        /// The snap's type.
        snap_type: SnapType,
        /// The instance name.
        snap: String,
    },
    /// `base: none` with apps or hooks.
    #[error("cannot have apps or hooks with base \"none\"")]
    BaseNoneWithApps,
    /// A base with an instance key.
    #[error("base cannot specify a snap instance name: {}", quote(.0))]
    BaseInstance(String),
    /// A base that is not a valid snap name.
    #[error("invalid base name: {0}")]
    BaseName(#[source] NameError),
    /// Bad links.
    #[error(transparent)]
    Links(#[from] LinksError),
    /// Two apps with one common-id.
    #[error("application {} common-id {} must be unique, already used by application {}", quote(.app), quote(.common_id), quote(.other))]
    CommonId {
        /// The app.
        app: String,
        /// The id.
        common_id: String,
        /// The app that has it too.
        other: String,
    },
    /// A bad layout.
    #[error(transparent)]
    Layout(#[from] LayoutError),
}

/// Why a snap.yaml is refused: when read (`InfoFromSnapYaml`) or when validated
/// (`snap.Validate`). Display is snapd's text for either.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum SnapYamlError {
    /// Reading failed.
    #[error(transparent)]
    Parse(#[from] crate::parse::ParseError),
    /// Validation failed.
    #[error(transparent)]
    Validate(#[from] ValidateError),
}

impl Info {
    /// Reads snap.yaml with `sanitizer`, then validates it: what snapd's
    /// `InfoFromSnapYaml` followed by `snap.Validate` does.
    ///
    /// ```
    /// use ucore_snap::{Info, Sanitizer};
    ///
    /// let info = Info::from_yaml_validated(b"name: hello\nversion: 1.0\nepoch: 2*\n", Sanitizer::Builtin)?;
    /// assert_eq!(info.epoch.to_string(), "2*");
    /// let err = Info::from_yaml_validated(b"name: hello\nversion: 1\nlayouts: {}\n", Sanitizer::None);
    /// assert_eq!(
    ///     err.unwrap_err().to_string(),
    ///     "cannot parse snap.yaml: typo detected: use singular \"layout\" instead of plural \"layouts\""
    /// );
    /// # Ok::<(), ucore_snap::validate::SnapYamlError>(())
    /// ```
    pub fn from_yaml_validated(
        text: &[u8],
        sanitizer: crate::parse::Sanitizer,
    ) -> Result<Info, SnapYamlError> {
        let info = Info::from_yaml_with(text, sanitizer)?;
        info.validate()?;
        Ok(info)
    }

    /// `snap.Validate`: the whole snap, in snapd's order.
    pub fn validate(&self) -> Result<(), ValidateError> {
        let instance = self.instance_name();
        if instance.is_empty() {
            return Err(ValidateError::EmptyName);
        }
        if !self.provenance.is_empty() {
            if self.provenance == DEFAULT_PROVENANCE {
                return Err(ValidateError::DefaultProvenance);
            }
            crate::naming::validate_provenance(&self.provenance)?;
        }
        crate::naming::validate_snap_name(self.snap_name())?;
        crate::naming::validate_instance_name(&instance)?;
        let title = self.title.chars().count();
        if title > MAX_TITLE {
            return Err(ValidateError::Title(title));
        }
        let description = self.description.chars().count();
        if description > MAX_DESCRIPTION {
            return Err(ValidateError::Description(description));
        }
        crate::version::validate_version(&self.version)?;
        self.epoch.validate()?;
        if !self.license.is_empty() {
            crate::license::validate_license(&self.license).map_err(|source| {
                ValidateError::License {
                    license: self.license.clone(),
                    source,
                }
            })?;
        }
        for app in self.apps.values() {
            app::validate_app(self, app).map_err(|source| ValidateError::App {
                app: app.name.clone(),
                source,
            })?;
        }
        let cycle = services_in_cycles(self);
        if !cycle.is_empty() {
            return Err(ValidateError::Cycle(cycle));
        }
        for (alias, app) in &self.legacy_aliases {
            if !crate::naming::is_valid_alias(alias) {
                return Err(ValidateError::Alias {
                    alias: alias.clone(),
                    app: app.clone(),
                });
            }
        }
        for hook in self.hooks.values() {
            validate_hook(hook)?;
        }
        self.validate_plug_slot_names()?;
        if let Some(name) = self.plugs.keys().find(|n| self.slots.contains_key(*n)) {
            return Err(ValidateError::PlugSlotClash(name.clone()));
        }
        self.validate_base()?;
        for name in self.system_usernames.keys() {
            crate::naming::validate_system_username(name)?;
        }
        crate::links::validate_links(&self.links)?;
        let mut seen: std::collections::BTreeMap<&str, &str> = Default::default();
        for app in self.apps.values() {
            if app.common_id.is_empty() {
                continue;
            }
            if let Some(other) = seen.insert(&app.common_id, &app.name) {
                return Err(ValidateError::CommonId {
                    app: app.name.clone(),
                    common_id: app.common_id.clone(),
                    other: other.to_string(),
                });
            }
        }
        crate::layout::validate_layout_all(self)?;
        Ok(())
    }

    fn validate_plug_slot_names(&self) -> Result<(), ValidateError> {
        for (kind, defs) in [
            (PlugOrSlot::Plug, &self.plugs),
            (PlugOrSlot::Slot, &self.slots),
        ] {
            for (name, def) in defs {
                match kind {
                    PlugOrSlot::Plug => crate::naming::validate_plug_name(name)?,
                    PlugOrSlot::Slot => crate::naming::validate_slot_name(name)?,
                }
                if crate::naming::validate_interface_name(&def.interface).is_err() {
                    return Err(ValidateError::InterfaceName {
                        interface: def.interface.clone(),
                        kind,
                        name: name.clone(),
                    });
                }
            }
        }
        Ok(())
    }

    /// `ValidateBase`.
    fn validate_base(&self) -> Result<(), ValidateError> {
        let t = self.snap_type();
        if matches!(t, SnapType::Os | SnapType::Base)
            && !self.base.is_empty()
            && self.base != "none"
        {
            return Err(ValidateError::BaseOnBase {
                snap_type: t,
                snap: self.instance_name(),
            });
        }
        if self.base == "none" && (!self.hooks.is_empty() || !self.apps.is_empty()) {
            return Err(ValidateError::BaseNoneWithApps);
        }
        if !self.base.is_empty() {
            let (name, key) = match self.base.split_once('_') {
                Some((n, k)) => (n, k),
                None => (self.base.as_str(), ""),
            };
            if !key.is_empty() {
                return Err(ValidateError::BaseInstance(self.base.clone()));
            }
            crate::naming::validate_snap_name(name).map_err(ValidateError::BaseName)?;
        }
        Ok(())
    }
}

/// `ValidateHook`: the name, then each command-chain entry.
fn validate_hook(hook: &Hook) -> Result<(), ValidateError> {
    crate::naming::validate_hook_name(&hook.name)?;
    if let Some(value) = hook.command_chain.iter().find(|v| {
        !v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/._#:$-".contains(&b))
    }) {
        return Err(ValidateError::HookCommandChain(value.clone()));
    }
    Ok(())
}
