//! A snap's apps (snapd's `snap.AppInfo`), their sockets and timeouts.

use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

use super::Environment;
use crate::DaemonScope;

/// A duration from snap.yaml (`stop-timeout: 10s`), in nanoseconds as Go's
/// `time.Duration`; zero means unset. Serialises as Go prints it (`1m30s`, `0s`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Timeout(pub i64);

impl Timeout {
    /// Whether it is set (non-zero).
    pub fn is_set(self) -> bool {
        self.0 != 0
    }
}

impl std::fmt::Display for Timeout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&ucore_go_text::duration::format_duration(self.0))
    }
}

impl Serialize for Timeout {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A socket an app is activated by (`apps.A.sockets.S`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Socket {
    /// The socket's name.
    #[serde(skip)]
    pub name: String,
    /// Where it listens: a path, an abstract `@` name, or `[host:]port`.
    pub listen_stream: String,
    /// Its permission bits (`socket-mode`), 0 when unset.
    pub socket_mode: u32,
}

/// An app (a command or a service) of a snap.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct App {
    /// The app's name.
    #[serde(skip)]
    pub name: String,
    /// `command`.
    pub command: String,
    /// `command-chain`.
    pub command_chain: Vec<String>,
    /// `daemon`: empty for a command, else the service type (`simple`, `forking` …).
    pub daemon: String,
    /// `daemon-scope`; `system` by default for services. Serialises as its name, or `""`.
    #[serde(serialize_with = "scope_text")]
    pub daemon_scope: Option<DaemonScope>,
    /// `restart-condition`, as written (`never` is kept as `never`); empty when unset.
    pub restart_condition: String,
    /// `stop-mode`.
    pub stop_mode: String,
    /// `refresh-mode`.
    pub refresh_mode: String,
    /// `install-mode`.
    pub install_mode: String,
    /// `stop-command`.
    pub stop_command: String,
    /// `reload-command`.
    pub reload_command: String,
    /// `post-stop-command`.
    pub post_stop_command: String,
    /// `stop-timeout`.
    pub stop_timeout: Timeout,
    /// `start-timeout`.
    pub start_timeout: Timeout,
    /// `watchdog-timeout`.
    pub watchdog_timeout: Timeout,
    /// `restart-delay`.
    pub restart_delay: Timeout,
    /// `bus-name`.
    pub bus_name: String,
    /// `activates-on`: names of D-Bus slots that activate the service, in YAML order.
    pub activates_on: Vec<String>,
    /// `common-id`.
    pub common_id: String,
    /// `completer`.
    pub completer: String,
    /// `after`: services this one starts after.
    pub after: Vec<String>,
    /// `before`: services this one starts before.
    pub before: Vec<String>,
    /// `timer`, when set.
    pub timer: Option<String>,
    /// `autostart`.
    pub autostart: String,
    /// `aliases` (legacy aliases).
    pub aliases: Vec<String>,
    /// `sockets`, by name.
    pub sockets: BTreeMap<String, Socket>,
    /// The plugs bound to the app, by name.
    pub plugs: BTreeSet<String>,
    /// The slots bound to the app, by name.
    pub slots: BTreeSet<String>,
    /// `environment`.
    pub environment: Environment,
}

impl App {
    /// Whether the app is a service (`daemon` is set).
    pub fn is_service(&self) -> bool {
        !self.daemon.is_empty()
    }

    /// The `daemon-scope` as snapd's text (`system`, `user`, or empty).
    pub fn daemon_scope_str(&self) -> &'static str {
        self.daemon_scope.map_or("", DaemonScope::as_str)
    }
}

fn scope_text<S: serde::Serializer>(scope: &Option<DaemonScope>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(scope.map_or("", DaemonScope::as_str))
}
