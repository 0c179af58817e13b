//! The small closed vocabularies of snap.yaml: a snap's type, its confinement, a daemon's
//! scope.

use serde::{Deserialize, Serialize};

/// A snap's `type` (snapd's `snap.Type`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum SnapType {
    /// `app` (also written `application`): the default.
    #[default]
    App,
    /// `gadget`: the device's gadget snap.
    Gadget,
    /// `kernel`: the kernel snap.
    Kernel,
    /// `base`: a base snap (core18, core20 …).
    Base,
    /// `snapd`: the snapd snap (also any snap named `snapd`).
    Snapd,
    /// `os`: the legacy `core` snap.
    Os,
}

impl SnapType {
    /// The name snap.yaml and snapd use.
    pub fn as_str(self) -> &'static str {
        match self {
            SnapType::App => "app",
            SnapType::Gadget => "gadget",
            SnapType::Kernel => "kernel",
            SnapType::Base => "base",
            SnapType::Snapd => "snapd",
            SnapType::Os => "os",
        }
    }

    /// Reads a `type` value as snapd does (`application` is `app`); `None` for anything else.
    pub fn from_yaml(text: &str) -> Option<SnapType> {
        Some(match text {
            "app" | "application" => SnapType::App,
            "gadget" => SnapType::Gadget,
            "kernel" => SnapType::Kernel,
            "base" => SnapType::Base,
            "snapd" => SnapType::Snapd,
            "os" => SnapType::Os,
            _ => return None,
        })
    }
}

impl std::fmt::Display for SnapType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A snap's `confinement` (snapd's `snap.ConfinementType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Confinement {
    /// `strict`: the default.
    #[default]
    Strict,
    /// `devmode`.
    Devmode,
    /// `classic`.
    Classic,
}

impl Confinement {
    /// The name snap.yaml uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Confinement::Strict => "strict",
            Confinement::Devmode => "devmode",
            Confinement::Classic => "classic",
        }
    }
}

/// A daemon's `daemon-scope` (snapd's `snap.DaemonScope`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DaemonScope {
    /// `system`: the default for daemons.
    System,
    /// `user`: a per-user daemon.
    User,
}

impl DaemonScope {
    /// The name snap.yaml uses.
    pub fn as_str(self) -> &'static str {
        match self {
            DaemonScope::System => "system",
            DaemonScope::User => "user",
        }
    }
}
