//! An app's `sockets` entries: `listen-stream` and `socket-mode` (snapd's
//! `validateAppSocket`, without the name and the network-bind plug, which `validate` checks).
//!
//! STUB: H2 fills this in.

use thiserror::Error;

use crate::DaemonScope;

/// Why a socket is refused; Display is snapd's text (the caller adds
/// `invalid definition of socket "S": `).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SocketError {
    /// `"listen-stream" is not defined`.
    #[error("\"listen-stream\" is not defined")]
    NoListenStream,
}

/// Checks a socket's `listen-stream` for a daemon of `scope` (`None` when the app has no
/// daemon-scope) in the snap `instance_name`.
pub fn validate_listen_stream(
    _listen_stream: &str,
    _scope: Option<DaemonScope>,
    _instance_name: &str,
) -> Result<(), SocketError> {
    Ok(())
}

/// Checks a `socket-mode` (`cannot use mode: %04o` above 0777).
pub fn validate_socket_mode(_mode: u32) -> Result<(), SocketError> {
    Ok(())
}
