//! One app's checks (snapd's `ValidateApp`), in snapd's order.

use thiserror::Error;
use ucore_go_text::quote;

use crate::DaemonScope;
use crate::info::{App, Info, Timeout};
use crate::naming::NameError;
use crate::socket::SocketError;
use crate::timer::ScheduleError;

/// The characters allowed in commands and `bus-name`.
pub const APP_CONTENT_WHITELIST: &str = "^[A-Za-z0-9/. _#:$-]*$";
/// The characters allowed in `command-chain` entries (no space).
pub const COMMAND_CHAIN_WHITELIST: &str = "^[A-Za-z0-9/._#:$-]*$";

/// Whether `value` matches the app content whitelist (`space` allowed or not).
fn whitelisted(value: &str, space: bool) -> bool {
    value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"/._#:$-".contains(&b) || (space && b == b' '))
}

/// Whether `name` is a valid app name (`^[a-zA-Z0-9](?:-?[a-zA-Z0-9])*$`).
pub fn is_valid_app_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('-')
        && !name.ends_with('-')
        && !name.contains("--")
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// Why an app is refused; Display is snapd's text (wrapped by
/// `invalid definition of application "A": `).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AppError {
    /// An unknown `daemon`.
    #[error("\"daemon\" field contains invalid value {}", quote(.0))]
    Daemon(String),
    /// `daemon-scope` on a non-daemon.
    #[error("\"daemon-scope\" can only be set for daemons")]
    DaemonScopeWithoutDaemon,
    /// A daemon without `daemon-scope` (cannot happen after reading snap.yaml).
    #[error("\"daemon-scope\" must be set for daemons")]
    DaemonScopeMissing,
    /// A bad app name.
    #[error("cannot have {} as app name - use letters, digits, and dash as separator", quote(.0))]
    Name(String),
    /// A command, `bus-name` or command-chain entry with characters outside the whitelist.
    #[error("app description field '{field}' contains illegal {} (legal: '{whitelist}')", quote(.value))]
    IllegalField {
        /// The field (`command`, `command-chain` …).
        field: &'static str,
        /// Its value.
        value: String,
        /// The whitelist pattern.
        whitelist: &'static str,
    },
    /// Sockets without a `network-bind` plug.
    #[error("\"network-bind\" interface plug is required when sockets are used")]
    SocketsNeedNetworkBind,
    /// A bad socket.
    #[error("invalid definition of socket {}: {source}", quote(.name))]
    Socket {
        /// The socket's name.
        name: String,
        /// What is wrong.
        #[source]
        source: SocketFault,
    },
    /// `activates-on` on a non-service.
    #[error("activates-on is only applicable to services")]
    ActivatesOnNotService,
    /// An `activates-on` slot that is not `dbus`.
    #[error("invalid activates-on value {}: slot does not use dbus interface", quote(.0))]
    ActivatesOnNotDbus(String),
    /// An `activates-on` slot on the wrong bus.
    #[error("invalid activates-on value {}: bus {bus} does not match daemon-scope {}", quote(.slot), quote(.scope))]
    ActivatesOnBus {
        /// The slot.
        slot: String,
        /// Go's `%q` of its `bus` attribute.
        bus: String,
        /// The app's daemon-scope.
        scope: String,
    },
    /// A slot activatable on two apps.
    #[error("invalid activates-on value {}: slot is also activatable on app {}", quote(.slot), quote(.other))]
    ActivatesOnTwice {
        /// The slot.
        slot: String,
        /// The other app.
        other: String,
    },
    /// A timeout, restart-delay or restart-condition on a non-service.
    #[error("{0} is only applicable to services")]
    OnlyForServices(&'static str),
    /// A negative timeout or restart-delay.
    #[error("{0} cannot be negative")]
    Negative(&'static str),
    /// `before`/`after` on a non-service.
    #[error("must be a service to define before/after ordering")]
    OrderingNotService,
    /// `before`/`after` naming no app.
    #[error("before/after references a missing application {}", quote(.0))]
    OrderingMissing(String),
    /// `before`/`after` naming a non-service.
    #[error("before/after references a non-service application {}", quote(.0))]
    OrderingNonService(String),
    /// `before`/`after` naming a service of another scope.
    #[error("before/after references service with different daemon-scope {}", quote(.0))]
    OrderingScope(String),
    /// An unknown `stop-mode`.
    #[error("\"stop-mode\" field contains invalid value {}", quote(.0))]
    StopMode(String),
    /// An unknown `refresh-mode`.
    #[error("\"refresh-mode\" field contains invalid value {}", quote(.0))]
    RefreshMode(String),
    /// An unknown `install-mode`.
    #[error("\"install-mode\" field contains invalid value {}", quote(.0))]
    InstallMode(String),
    /// `stop-mode` on a non-service.
    #[error("\"stop-mode\" cannot be used for {}, only for services", quote(.0))]
    StopModeNotService(String),
    /// `refresh-mode: ignore-running` on a service.
    #[error("\"refresh-mode\" cannot be set to \"ignore-running\" for services")]
    IgnoreRunningService,
    /// Another refresh-mode on a non-service.
    #[error("\"refresh-mode\" for app {} can only have value \"ignore-running\"", quote(.0))]
    RefreshModeNotService(String),
    /// `install-mode` on a non-service.
    #[error("\"install-mode\" cannot be used for {}, only for services", quote(.0))]
    InstallModeNotService(String),
    /// A timer that does not parse.
    #[error("timer has invalid format: {0}")]
    Timer(#[source] ScheduleError),
}

/// What is wrong with a socket: its name or its values.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SocketFault {
    /// `invalid socket name: "X"`.
    #[error(transparent)]
    Name(#[from] NameError),
    /// Its mode or listen-stream.
    #[error(transparent)]
    Value(#[from] SocketError),
}

/// `ValidateApp`.
pub fn validate_app(info: &Info, app: &App) -> Result<(), AppError> {
    if !matches!(
        app.daemon.as_str(),
        "" | "simple" | "forking" | "oneshot" | "dbus" | "notify"
    ) {
        return Err(AppError::Daemon(app.daemon.clone()));
    }
    match (app.daemon_scope, app.is_service()) {
        (None, true) => return Err(AppError::DaemonScopeMissing),
        (Some(_), false) => return Err(AppError::DaemonScopeWithoutDaemon),
        _ => {}
    }
    if !is_valid_app_name(&app.name) {
        return Err(AppError::Name(app.name.clone()));
    }
    for (field, value) in [
        ("command", &app.command),
        ("stop-command", &app.stop_command),
        ("reload-command", &app.reload_command),
        ("post-stop-command", &app.post_stop_command),
        ("bus-name", &app.bus_name),
    ] {
        if !whitelisted(value, true) {
            return Err(AppError::IllegalField {
                field,
                value: value.clone(),
                whitelist: APP_CONTENT_WHITELIST,
            });
        }
    }
    if let Some(value) = app.command_chain.iter().find(|v| !whitelisted(v, false)) {
        return Err(AppError::IllegalField {
            field: "command-chain",
            value: value.clone(),
            whitelist: COMMAND_CHAIN_WHITELIST,
        });
    }
    if !app.sockets.is_empty() && !app.plugs.contains("network-bind") {
        return Err(AppError::SocketsNeedNetworkBind);
    }
    for socket in app.sockets.values() {
        let check = || -> Result<(), SocketFault> {
            crate::naming::validate_socket_name(&socket.name)?;
            crate::socket::validate_socket_mode(socket.socket_mode)?;
            crate::socket::validate_listen_stream(
                &socket.listen_stream,
                app.daemon_scope,
                info.snap_name(),
            )?;
            Ok(())
        };
        check().map_err(|source| AppError::Socket {
            name: socket.name.clone(),
            source,
        })?;
    }
    validate_activates_on(info, app)?;
    validate_restart(app)?;
    validate_ordering(info, app, &app.before)?;
    validate_ordering(info, app, &app.after)?;
    for (key, t) in [
        ("start-timeout", app.start_timeout),
        ("stop-timeout", app.stop_timeout),
        ("watchdog-timeout", app.watchdog_timeout),
    ] {
        check_timeout(app, key, t)?;
    }
    let stop_mode_ok = app.stop_mode.is_empty()
        || ["sigterm", "sighup", "sigusr1", "sigusr2", "sigint"]
            .iter()
            .any(|s| app.stop_mode == *s || app.stop_mode.strip_suffix("-all") == Some(s));
    if !stop_mode_ok {
        return Err(AppError::StopMode(app.stop_mode.clone()));
    }
    if !matches!(
        app.refresh_mode.as_str(),
        "" | "endure" | "restart" | "ignore-running"
    ) {
        return Err(AppError::RefreshMode(app.refresh_mode.clone()));
    }
    if !matches!(app.install_mode.as_str(), "" | "enable" | "disable") {
        return Err(AppError::InstallMode(app.install_mode.clone()));
    }
    if !app.stop_mode.is_empty() && !app.is_service() {
        return Err(AppError::StopModeNotService(app.name.clone()));
    }
    if !app.refresh_mode.is_empty() {
        if app.is_service() && app.refresh_mode == "ignore-running" {
            return Err(AppError::IgnoreRunningService);
        } else if !app.is_service() && app.refresh_mode != "ignore-running" {
            return Err(AppError::RefreshModeNotService(app.name.clone()));
        }
    }
    if !app.install_mode.is_empty() && !app.is_service() {
        return Err(AppError::InstallModeNotService(app.name.clone()));
    }
    if let Some(timer) = &app.timer {
        if !app.is_service() {
            return Err(AppError::OnlyForServices("timer"));
        }
        crate::timer::validate_schedule(timer).map_err(AppError::Timer)?;
    }
    Ok(())
}

fn check_timeout(app: &App, key: &'static str, t: Timeout) -> Result<(), AppError> {
    if !t.is_set() {
        return Ok(());
    }
    if !app.is_service() {
        return Err(AppError::OnlyForServices(key));
    }
    if t.0 < 0 {
        return Err(AppError::Negative(key));
    }
    Ok(())
}

fn validate_restart(app: &App) -> Result<(), AppError> {
    check_timeout(app, "restart-delay", app.restart_delay)?;
    if !app.restart_condition.is_empty() && !app.is_service() {
        return Err(AppError::OnlyForServices("restart-condition"));
    }
    Ok(())
}

fn validate_activates_on(info: &Info, app: &App) -> Result<(), AppError> {
    if app.activates_on.is_empty() {
        return Ok(());
    }
    if !app.is_service() {
        return Err(AppError::ActivatesOnNotService);
    }
    for name in &app.activates_on {
        let Some(s) = info.slots.get(name) else {
            continue;
        };
        if s.interface != "dbus" {
            return Err(AppError::ActivatesOnNotDbus(name.clone()));
        }
        let bus = s.attrs.get("bus");
        let wanted = match app.daemon_scope {
            Some(DaemonScope::System) => Some("system"),
            Some(DaemonScope::User) => Some("session"),
            None => None,
        };
        let matches = match (wanted, bus) {
            (Some(w), Some(ucore_go_yaml::Value::String(b))) => w == b,
            (Some(_), _) => false,
            (None, _) => true,
        };
        if !matches {
            return Err(AppError::ActivatesOnBus {
                slot: name.clone(),
                bus: crate::parse::go_q_interface(bus.unwrap_or(&ucore_go_yaml::Value::Null)),
                scope: app.daemon_scope_str().to_string(),
            });
        }
        for other in &s.apps {
            if *other == app.name {
                continue;
            }
            if info
                .apps
                .get(other)
                .is_some_and(|o| o.activates_on.contains(name))
            {
                return Err(AppError::ActivatesOnTwice {
                    slot: name.clone(),
                    other: other.clone(),
                });
            }
        }
    }
    Ok(())
}

fn validate_ordering(info: &Info, app: &App, deps: &[String]) -> Result<(), AppError> {
    if !deps.is_empty() && !app.is_service() {
        return Err(AppError::OrderingNotService);
    }
    for dep in deps {
        let Some(other) = info.apps.get(dep) else {
            return Err(AppError::OrderingMissing(dep.clone()));
        };
        if !other.is_service() {
            return Err(AppError::OrderingNonService(dep.clone()));
        }
        if app.daemon_scope != other.daemon_scope {
            return Err(AppError::OrderingScope(dep.clone()));
        }
    }
    Ok(())
}

/// `SortServices`' cycle check (Kahn's algorithm over the services' before/after): the
/// services left in a cycle, sorted by name (snapd lists them in Go map order).
pub fn services_in_cycles(info: &Info) -> Vec<String> {
    use std::collections::{BTreeMap, VecDeque};
    let services: BTreeMap<&str, &App> = info.services().map(|a| (a.name.as_str(), a)).collect();
    let mut successors: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut predecessors: BTreeMap<&str, usize> = BTreeMap::new();
    for app in services.values() {
        for other in &app.after {
            if let Some((name, _)) = services.get_key_value(other.as_str()) {
                *predecessors.entry(&app.name).or_default() += 1;
                successors.entry(name).or_default().push(&app.name);
            }
        }
        for other in &app.before {
            if let Some((name, _)) = services.get_key_value(other.as_str()) {
                *predecessors.entry(name).or_default() += 1;
                successors.entry(&app.name).or_default().push(name);
            }
        }
    }
    let mut queue: VecDeque<&str> = services
        .keys()
        .filter(|n| predecessors.get(*n).copied().unwrap_or(0) == 0)
        .copied()
        .collect();
    while let Some(n) = queue.pop_front() {
        for s in successors.get(n).map(Vec::as_slice).unwrap_or_default() {
            if let Some(count) = predecessors.get_mut(s) {
                *count = count.saturating_sub(1);
                if *count == 0 {
                    predecessors.remove(s);
                    queue.push_back(s);
                }
            }
        }
    }
    predecessors
        .into_iter()
        .filter(|(_, c)| *c > 0)
        .map(|(n, _)| n.to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_names_and_field_charsets() {
        for ok in ["a", "A-1", "a-b-c", "0"] {
            assert!(is_valid_app_name(ok), "{ok}");
        }
        for bad in ["", "-a", "a-", "a--b", "a_b", "é"] {
            assert!(!is_valid_app_name(bad), "{bad}");
        }
        assert!(whitelisted("bin/a --x $SNAP/y #:.", true));
        assert!(!whitelisted("a b", false));
        assert!(!whitelisted("a'b", true));
        assert!(!whitelisted("a\"b", true));
    }

    #[test]
    fn cycles_name_only_the_services_left() {
        let info = Info::from_yaml(
            b"name: foo\nversion: 1\napps:\n  a:\n    daemon: simple\n    after: [b]\n  b:\n    daemon: simple\n    before: [a]\n  c:\n    daemon: simple\n    after: [c]\n  d:\n    after: [d]\n",
        )
        .unwrap();
        assert_eq!(services_in_cycles(&info), ["c"]);
    }
}
