//! The store's settings, and the TOML file of `store serve --config` that holds them.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The HTTP server's limits: timeouts and the connection cap.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerLimits {
    /// Time allowed to send the request line and headers.
    pub header_read_timeout: Duration,
    /// How long an idle keep-alive connection is kept.
    pub idle_timeout: Duration,
    /// Time allowed for a whole request (not for streaming a download).
    pub request_timeout: Duration,
    /// Time allowed for an upload body.
    pub upload_timeout: Duration,
    /// Most connections served at once; more wait in the kernel's backlog.
    pub max_connections: usize,
    /// How long shutdown waits for in-flight requests.
    pub shutdown_deadline: Duration,
}

impl Default for ServerLimits {
    fn default() -> Self {
        ServerLimits {
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            request_timeout: Duration::from_secs(30),
            upload_timeout: Duration::from_secs(3600),
            max_connections: 4096,
            shutdown_deadline: Duration::from_secs(30),
        }
    }
}

/// What the running store needs besides its database, files and authority key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// The store id: the `store` header of the models it serves.
    pub store_id: String,
    /// The URL devices reach the store at, without a trailing `/` (download and assertion
    /// URLs are built on it), e.g. `http://127.0.0.1:8480`.
    pub base_url: String,
    /// Largest `.snap` upload, in bytes.
    pub max_snap_size: u64,
    /// Largest JSON (or assertion) request body, in bytes.
    pub max_body_size: u64,
    /// How long a device-session nonce is valid.
    pub nonce_ttl: Duration,
    /// How long a device session is valid; then snapd is asked to open a new one.
    pub session_ttl: Duration,
    /// Timeouts and caps.
    pub limits: ServerLimits,
}

impl Settings {
    /// Settings with the defaults for a store id and base URL.
    pub fn new(store_id: impl Into<String>, base_url: impl Into<String>) -> Self {
        Settings {
            store_id: store_id.into(),
            base_url: base_url.into().trim_end_matches('/').to_string(),
            max_snap_size: 4 << 30,
            max_body_size: 1 << 20,
            nonce_ttl: Duration::from_secs(300),
            session_ttl: Duration::from_secs(24 * 3600),
            limits: ServerLimits::default(),
        }
    }
}
