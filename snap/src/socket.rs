//! An app's `sockets` entries: `listen-stream` and `socket-mode` (snapd's
//! `validateAppSocket`, without the name and the network-bind plug, which `validate` checks).
//!
//! A `listen-stream` is a path (`/…` or `$…`), an abstract socket (`@…`) or a network
//! address (`[host:]port`).

use thiserror::Error;
use ucore_go_text::{filepath, quote};

use crate::DaemonScope;
use crate::naming::instance_snap;

/// Why a socket is refused; Display is snapd's text (the caller adds
/// `invalid definition of socket "S": `).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SocketError {
    /// `"listen-stream" is not defined`.
    #[error("\"listen-stream\" is not defined")]
    NoListenStream,
    /// `invalid "listen-stream": "P" should be written as "C"`.
    #[error(
        "invalid \"listen-stream\": {} should be written as {}",
        quote(.path),
        quote(.clean)
    )]
    NotClean {
        /// The path as written.
        path: String,
        /// Its `filepath.Clean` form.
        clean: String,
    },
    /// A system daemon's path outside `$SNAP_DATA/`, `$SNAP_COMMON/`, `$XDG_RUNTIME_DIR/`.
    #[error(
        "invalid \"listen-stream\": system daemon sockets must have a prefix of $SNAP_DATA, $SNAP_COMMON or $XDG_RUNTIME_DIR"
    )]
    SystemPrefix,
    /// A user daemon's path outside `$SNAP_USER_DATA/`, `$SNAP_USER_COMMON/`,
    /// `$XDG_RUNTIME_DIR/`.
    #[error(
        "invalid \"listen-stream\": user daemon sockets must have a prefix of $SNAP_USER_DATA, $SNAP_USER_COMMON, or $XDG_RUNTIME_DIR"
    )]
    UserPrefix,
    /// A path socket of an app without daemon scope: `invalid "listen-stream": cannot
    /// validate sockets for daemon-scope ""`.
    #[error("invalid \"listen-stream\": cannot validate sockets for daemon-scope \"\"")]
    NoScope,
    /// `path for "listen-stream" must be prefixed with "@snap.NAME."`.
    #[error("path for \"listen-stream\" must be prefixed with {}", quote(.0))]
    AbstractPrefix(String),
    /// `invalid "listen-stream" address "H", must be one of: 127.0.0.1, [::1], [::]`.
    #[error(
        "invalid \"listen-stream\" address {}, must be one of: 127.0.0.1, [::1], [::]",
        quote(.0)
    )]
    Address(String),
    /// `invalid "listen-stream" port number "P"`.
    #[error("invalid \"listen-stream\" port number {}", quote(.0))]
    Port(String),
    /// `cannot use mode: 1777` (octal, at least 4 digits).
    #[error("cannot use mode: {0:04o}")]
    Mode(u32),
}

/// Checks a socket's `listen-stream` for a daemon of `scope` (`None` when the app has no
/// daemon-scope) in the snap `instance_name`.
pub fn validate_listen_stream(
    listen_stream: &str,
    scope: Option<DaemonScope>,
    instance_name: &str,
) -> Result<(), SocketError> {
    match listen_stream.as_bytes().first() {
        None => Err(SocketError::NoListenStream),
        Some(b'/' | b'$') => validate_path(listen_stream, scope),
        Some(b'@') => {
            // The snap's name, without the instance key.
            let prefix = format!("@snap.{}.", instance_snap(instance_name));
            if listen_stream.starts_with(&prefix) {
                Ok(())
            } else {
                Err(SocketError::AbstractPrefix(prefix))
            }
        }
        Some(_) => match listen_stream.rsplit_once(':') {
            Some((host, port)) => {
                if !matches!(host, "127.0.0.1" | "[::1]" | "[::]") {
                    return Err(SocketError::Address(host.to_string()));
                }
                validate_port(port)
            }
            None => validate_port(listen_stream),
        },
    }
}

fn validate_path(path: &str, scope: Option<DaemonScope>) -> Result<(), SocketError> {
    let clean = filepath::clean(path);
    if clean != path {
        return Err(SocketError::NotClean {
            path: path.to_string(),
            clean,
        });
    }
    let has_prefix = |prefixes: &[&str]| prefixes.iter().any(|p| path.starts_with(p));
    match scope {
        Some(DaemonScope::System) => {
            if has_prefix(&["$SNAP_DATA/", "$SNAP_COMMON/", "$XDG_RUNTIME_DIR/"]) {
                Ok(())
            } else {
                Err(SocketError::SystemPrefix)
            }
        }
        Some(DaemonScope::User) => {
            if has_prefix(&[
                "$SNAP_USER_DATA/",
                "$SNAP_USER_COMMON/",
                "$XDG_RUNTIME_DIR/",
            ]) {
                Ok(())
            } else {
                Err(SocketError::UserPrefix)
            }
        }
        None => Err(SocketError::NoScope),
    }
}

/// `strconv.ParseUint(port, 10, 16)` in 1..=65535: decimal digits only.
fn validate_port(port: &str) -> Result<(), SocketError> {
    let ok = !port.is_empty()
        && port.bytes().all(|b| b.is_ascii_digit())
        && port.parse::<u16>().is_ok_and(|p| p >= 1);
    if ok {
        Ok(())
    } else {
        Err(SocketError::Port(port.to_string()))
    }
}

/// Checks a `socket-mode` (`cannot use mode: %04o` above 0777).
pub fn validate_socket_mode(mode: u32) -> Result<(), SocketError> {
    if mode > 0o777 {
        Err(SocketError::Mode(mode))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(listen: &str, scope: Option<DaemonScope>) -> String {
        validate_listen_stream(listen, scope, "foo_inst")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    }

    /// From the oracle, wrapped there in `invalid definition of application "a": invalid
    /// definition of socket "s": `:
    /// `printf 'name: foo\nversion: 1\napps:\n a:\n  command: x\n  daemon: simple\n  plugs:
    /// [network-bind]\n  sockets:\n   s:\n    listen-stream: "L"\n' | /tmp/snapd-oracle
    /// snap-yaml -` (and `daemon-scope: user` for the user cases).
    #[test]
    fn listen_streams_match_snapd() {
        let sys = Some(DaemonScope::System);
        let user = Some(DaemonScope::User);
        let cases = [
            ("", sys, r#""listen-stream" is not defined"#),
            (
                "$SNAP_DATA//x",
                sys,
                r#"invalid "listen-stream": "$SNAP_DATA//x" should be written as "$SNAP_DATA/x""#,
            ),
            (
                "/run/x",
                sys,
                "invalid \"listen-stream\": system daemon sockets must have a prefix of $SNAP_DATA, $SNAP_COMMON or $XDG_RUNTIME_DIR",
            ),
            (
                "$SNAP_DATA/x",
                user,
                "invalid \"listen-stream\": user daemon sockets must have a prefix of $SNAP_USER_DATA, $SNAP_USER_COMMON, or $XDG_RUNTIME_DIR",
            ),
            (
                "$SNAP_DATA/x",
                None,
                r#"invalid "listen-stream": cannot validate sockets for daemon-scope """#,
            ),
            (
                "@snap.foo_inst.x",
                sys,
                r#"path for "listen-stream" must be prefixed with "@snap.foo.""#,
            ),
            (
                "localhost:80",
                sys,
                r#"invalid "listen-stream" address "localhost", must be one of: 127.0.0.1, [::1], [::]"#,
            ),
            ("[::1]:0", sys, r#"invalid "listen-stream" port number "0""#),
            (
                "65536",
                sys,
                r#"invalid "listen-stream" port number "65536""#,
            ),
            ("+80", sys, r#"invalid "listen-stream" port number "+80""#),
            (
                "127.0.0.1:",
                sys,
                r#"invalid "listen-stream" port number """#,
            ),
            (
                "1:2:3",
                sys,
                r#"invalid "listen-stream" address "1:2", must be one of: 127.0.0.1, [::1], [::]"#,
            ),
        ];
        for (listen, scope, want) in cases {
            assert_eq!(text(listen, scope), want, "{listen:?}");
        }
        for (listen, scope) in [
            ("$SNAP_DATA/x", sys),
            ("$SNAP_COMMON/x", sys),
            ("$XDG_RUNTIME_DIR/x", user),
            ("$SNAP_USER_COMMON/x", user),
            ("@snap.foo.x", None),
            ("[::]:65535", None),
            ("127.0.0.1:0080", sys),
            ("1", None),
        ] {
            assert_eq!(text(listen, scope), "", "{listen:?}");
        }
    }

    #[test]
    fn socket_modes() {
        assert_eq!(validate_socket_mode(0o777), Ok(()));
        // `socket-mode: 01777` → `cannot use mode: 1777`; 512 = 0o1000.
        assert_eq!(
            validate_socket_mode(0o1777).unwrap_err().to_string(),
            "cannot use mode: 1777"
        );
        assert_eq!(
            validate_socket_mode(0o70000).unwrap_err().to_string(),
            "cannot use mode: 70000"
        );
    }
}
