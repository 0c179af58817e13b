//! [`Limits`]: how long a client may take over each part of a connection, how many
//! connections a listener serves at once, and how long shutdown waits. With serde,
//! durations are written as `"10s"`, `"500ms"`, `"2m"` (or ISO 8601, `"PT10S"`), and
//! unknown keys are refused.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// A timeout that never runs out (e.g. [`Limits::request_timeout`] for a server whose
/// downloads stream as long as they take). It cannot be serialized.
pub const UNLIMITED: Duration = Duration::MAX;

/// The limits a listener serves its connections under ([`crate::serve`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Time allowed for a request head (request line and headers), from the connection's
    /// start or from the first byte after an idle spell. A client trickling its headers
    /// (slowloris) is cut off. Default 10 s.
    #[serde(with = "duration_text")]
    pub header_timeout: Duration,
    /// How long a keep-alive connection may sit idle between requests. Default 60 s.
    #[serde(with = "duration_text")]
    pub idle_timeout: Duration,
    /// Time allowed to receive a request body, from its head. Default 10 s.
    #[serde(with = "duration_text")]
    pub body_timeout: Duration,
    /// Time allowed for a whole request, from its head until its response is sent: the
    /// body, the handler and the response. The connection is closed when it runs out.
    /// Default 30 s.
    #[serde(with = "duration_text")]
    pub request_timeout: Duration,
    /// Most connections a listener serves at once; what happens to the next ones is the
    /// [`AtCap`](crate::AtCap) of [`crate::Serve`]. Default 1024.
    pub max_connections: usize,
    /// How long shutdown waits for in-flight requests to finish; then the connections
    /// left are dropped. Default 30 s.
    #[serde(with = "duration_text")]
    pub shutdown_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            body_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            max_connections: 1024,
            shutdown_timeout: Duration::from_secs(30),
        }
    }
}

/// Durations as text, for `#[serde(with = "ucore_http_server::duration_text")]`:
/// `"10s"`, `"1m 30s"`, `"250ms"` or ISO 8601 (`"PT10S"`) when read, the friendly form
/// when written. Negative durations are refused.
pub mod duration_text {
    use std::time::Duration;

    use jiff::SignedDuration;
    use serde::{Deserialize, Deserializer, Serializer, de};

    /// Writes `d` as `"1m 30s"`.
    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        let signed = SignedDuration::try_from(*d).map_err(serde::ser::Error::custom)?;
        s.collect_str(&format_args!("{signed:#}"))
    }

    /// Reads `"10s"`, `"1m 30s"`, `"PT10S"`…
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let text = String::deserialize(d)?;
        let signed: SignedDuration = text
            .parse()
            .map_err(|e| de::Error::custom(format!("invalid duration {text:?}: {e}")))?;
        Duration::try_from(signed)
            .map_err(|_| de::Error::custom(format!("invalid duration {text:?}: negative")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize, Serialize, PartialEq)]
    struct Wrap {
        server: Limits,
    }

    #[test]
    fn durations_read_as_text_and_written_back() {
        let w: Wrap = toml::from_str(
            "[server]\nheader_timeout = \"250ms\"\nidle_timeout = \"PT2M\"\nmax_connections = 3\n",
        )
        .unwrap();
        assert_eq!(w.server.header_timeout, Duration::from_millis(250));
        assert_eq!(w.server.idle_timeout, Duration::from_secs(120));
        assert_eq!(w.server.max_connections, 3);
        assert_eq!(w.server.body_timeout, Limits::default().body_timeout);
        let text = toml::to_string(&w).unwrap();
        assert!(text.contains("header_timeout = \"250ms\""), "{text}");
        assert_eq!(toml::from_str::<Wrap>(&text).unwrap(), w);
    }

    #[test]
    fn bad_durations_and_keys_are_refused() {
        for bad in [
            "header_timeout = \"-1s\"",
            "header_timeout = \"soon\"",
            "header_timeout = 10",
            "read_timeout = \"1s\"",
        ] {
            let text = format!("[server]\n{bad}\n");
            assert!(toml::from_str::<Wrap>(&text).is_err(), "{bad}");
        }
    }

    #[test]
    fn unlimited_is_not_written() {
        let w = Wrap {
            server: Limits {
                request_timeout: UNLIMITED,
                ..Limits::default()
            },
        };
        assert!(toml::to_string(&w).is_err());
    }
}
