//! [`ServerLimits`]: how long a client may take over each part of a connection, how many
//! connections a listener serves at once, and how long shutdown waits. They are the
//! `[server]` table of the configuration file ([`crate::config`]); durations are written
//! as `"10s"`, `"500ms"`, `"2m"` (or ISO 8601, `"PT10S"`). The type is
//! [`ucore_http_server::Limits`], the server the vault runs on.

pub use ucore_http_server::Limits as ServerLimits;
