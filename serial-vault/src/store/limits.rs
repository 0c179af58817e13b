//! How long a request may wait for the database, and how many may wait: the
//! `[database_limits]` section of the configuration ([`crate::config`]).

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// The database's waiting limits. Each key defaults on its own.
///
/// A request that runs out of them is answered 503 with `Retry-After` (a transient fault:
/// snapd retries registration on statuses above 500), never left hanging.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseLimits {
    /// How long one database call may wait, in all: in the database thread's queue, then
    /// for a lock another connection or process holds (SQLite's busy timeout, shortened by
    /// the time already spent in the queue). PostgreSQL: how long a call waits for a
    /// pooled connection, and to open one. Default 5 s.
    #[serde(with = "jiff::fmt::serde::unsigned_duration::friendly::compact::required")]
    pub busy_timeout: Duration,
    /// SQLite: the most calls waiting for each database thread (one writes, one reads);
    /// one more is answered at once with a transient error. Default 4096: a call takes tens
    /// of microseconds, so a burst of a thousand devices (the default connection cap is
    /// 1024) queues for milliseconds and is served, not refused; a stalled database is
    /// bounded by `busy_timeout`, after which queued calls are answered without running.
    pub queue_depth: usize,
}

impl Default for DatabaseLimits {
    fn default() -> Self {
        DatabaseLimits {
            busy_timeout: Duration::from_secs(5),
            queue_depth: 4096,
        }
    }
}

impl DatabaseLimits {
    /// Refuses limits no database call could run under: a zero busy timeout or queue.
    pub fn check(&self) -> Result<(), Error> {
        if self.busy_timeout < Duration::from_millis(1) {
            return Err(Error::config(
                "database_limits.busy_timeout must be at least 1ms",
            ));
        }
        if self.queue_depth == 0 {
            return Err(Error::config(
                "database_limits.queue_depth must be at least 1",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize, Serialize, PartialEq)]
    struct Wrap {
        database_limits: DatabaseLimits,
    }

    #[test]
    fn keys_default_one_by_one_and_round_trip() {
        let w: Wrap = toml::from_str("[database_limits]\nbusy_timeout = \"250ms\"\n").unwrap();
        assert_eq!(w.database_limits.busy_timeout, Duration::from_millis(250));
        assert_eq!(w.database_limits.queue_depth, 4096);
        let text = toml::to_string(&w).unwrap();
        assert_eq!(toml::from_str::<Wrap>(&text).unwrap(), w);
        let w: Wrap = toml::from_str("[database_limits]\nbusy_timeout = \"PT2S\"\n").unwrap();
        assert_eq!(w.database_limits.busy_timeout, Duration::from_secs(2));
    }

    #[test]
    fn unusable_limits_are_refused() {
        for bad in ["busy_timeout = \"-1s\"", "busy_timeout = 5", "queue = 3"] {
            let text = format!("[database_limits]\n{bad}\n");
            assert!(toml::from_str::<Wrap>(&text).is_err(), "{bad}");
        }
        let zero = DatabaseLimits {
            busy_timeout: Duration::ZERO,
            ..Default::default()
        };
        assert!(zero.check().is_err());
        let empty = DatabaseLimits {
            queue_depth: 0,
            ..Default::default()
        };
        assert!(empty.check().is_err());
        assert!(DatabaseLimits::default().check().is_ok());
    }
}
