//! A snap's hooks (snapd's `snap.HookInfo`) and the hook names snapd supports
//! (`snap/hooktypes.go`).

use serde::Serialize;
use std::collections::BTreeSet;

use super::Environment;

/// A hook: declared under `hooks:` (explicit) or found in `meta/hooks/` (implicit).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Hook {
    /// The hook's name (`configure`, `connect-plug-foo` …).
    #[serde(skip)]
    pub name: String,
    /// The plugs bound to the hook, by name.
    pub plugs: BTreeSet<String>,
    /// The slots bound to the hook, by name.
    pub slots: BTreeSet<String>,
    /// Whether snap.yaml declares it (implicit hooks come from `meta/hooks/`).
    pub explicit: bool,
    /// Its `command-chain`.
    pub command_chain: Vec<String>,
    /// Its `environment`.
    pub environment: Environment,
}

/// The fixed hook names snapd knows.
const FIXED_HOOKS: [&str; 10] = [
    "prepare-device",
    "install-device",
    "configure",
    "install",
    "pre-refresh",
    "post-refresh",
    "remove",
    "check-health",
    "fde-setup",
    "gate-auto-refresh",
];

/// Whether snapd supports a hook of this name (`snap.IsHookSupported`): one of the fixed
/// names, or `(prepare|unprepare|connect|disconnect)-(plug|slot)-` followed by `[-a-z0-9]+`.
pub fn is_hook_supported(name: &str) -> bool {
    if FIXED_HOOKS.contains(&name) {
        return true;
    }
    ["prepare-", "unprepare-", "connect-", "disconnect-"]
        .iter()
        .filter_map(|p| name.strip_prefix(p))
        .filter_map(|rest| {
            rest.strip_prefix("plug-")
                .or_else(|| rest.strip_prefix("slot-"))
        })
        .any(|tail| {
            !tail.is_empty()
                && tail
                    .bytes()
                    .all(|b| b == b'-' || b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn supported_hook_names() {
        for ok in [
            "configure",
            "install",
            "gate-auto-refresh",
            "connect-plug-x",
            "disconnect-slot-a-1",
            "prepare-plug--",
            "unprepare-slot-0",
        ] {
            assert!(is_hook_supported(ok), "{ok}");
        }
        for bad in [
            "bogus",
            "connect-plug-",
            "connect-plug-X",
            "connect-x-y",
            "configure-x",
            "",
            "xconnect-plug-a",
        ] {
            assert!(!is_hook_supported(bad), "{bad}");
        }
    }
}
