//! One listener's accept loop, under [`Limits`]:
//!
//! * **the connection cap** (`max_connections`), with one of two policies ([`AtCap`]):
//!   close a connection beyond the cap as soon as it is accepted, so that a client holding
//!   many idle connections cannot make others queue (the ones refused are counted and
//!   logged, `warn`, at most once a second); or stop accepting until a connection ends, so
//!   that new clients wait in the kernel's backlog (logged each time the cap is reached);
//! * **accept errors** that concern the process (e.g. `EMFILE`, out of file descriptors)
//!   are logged and the loop backs off (1 ms doubling to 1 s) instead of spinning;
//! * **shutdown**: the listener is closed, each connection finishes its request in
//!   progress, and after `shutdown_timeout` the connections left are dropped.
//!
//! Each connection is served by [`crate::connection`], which holds the timeouts.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use serde::{Deserialize, Serialize};
use tokio::net::TcpListener;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::connection::{self, Accepted};
use crate::events::Events;
use crate::limits::Limits;

/// The first pause after a failed `accept`; it doubles up to [`MAX_BACKOFF`].
const MIN_BACKOFF: Duration = Duration::from_millis(1);
/// The longest pause after failed `accept`s.
const MAX_BACKOFF: Duration = Duration::from_secs(1);
/// At most one warning about refused connections in this time.
const WARN_EVERY: Duration = Duration::from_secs(1);

/// What a listener does with new clients while `max_connections` are being served.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AtCap {
    /// Accept and close at once: a client gets a closed connection instead of a queue.
    #[default]
    Refuse,
    /// Stop accepting: new clients wait in the kernel's backlog, and are served in order
    /// as others leave.
    Wait,
}

/// Counts the connections refused at the cap, and warns at most once per
/// [`WARN_EVERY`].
#[derive(Debug, Default)]
struct Refusals {
    total: u64,
    since_warning: u64,
    last_warning: Option<Instant>,
}

impl Refusals {
    fn refused(&mut self, name: &'static str, max_connections: usize) {
        self.total = self.total.saturating_add(1);
        self.since_warning = self.since_warning.saturating_add(1);
        let now = Instant::now();
        if self
            .last_warning
            .is_none_or(|last| now.duration_since(last) >= WARN_EVERY)
        {
            tracing::warn!(
                api = name,
                max_connections,
                refused = self.since_warning,
                refused_total = self.total,
                "connection cap reached; closing new connections"
            );
            self.since_warning = 0;
            self.last_warning = Some(now);
        }
    }
}

/// Whether an `accept` error concerns only the connection being accepted (the next one
/// may well succeed), rather than the process (file descriptors, memory).
fn connection_only(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(
        e.kind(),
        ConnectionAborted | ConnectionReset | ConnectionRefused | Interrupted | WouldBlock
    )
}

/// Resolves once shutdown is asked for (or its sender is gone).
pub(crate) async fn stop_asked(stopped: &mut watch::Receiver<bool>) {
    let _ = stopped.wait_for(|stop| *stop).await;
}

/// What one listener serves, and how.
pub(crate) struct Listening {
    pub app: Router,
    pub limits: Arc<Limits>,
    pub at_cap: AtCap,
    pub events: Arc<dyn Events>,
    pub name: &'static str,
}

/// A place under the cap for the next connection, waiting for one with [`AtCap::Wait`];
/// `None` when shutdown is asked for meanwhile.
async fn wait_for_place(
    permits: &Arc<Semaphore>,
    l: &Listening,
    stopped: &mut watch::Receiver<bool>,
) -> Option<OwnedSemaphorePermit> {
    if let Ok(permit) = Arc::clone(permits).try_acquire_owned() {
        return Some(permit);
    }
    tracing::warn!(
        api = l.name,
        max_connections = l.limits.max_connections,
        "connection cap reached; new clients wait in the backlog"
    );
    l.events.cap_reached();
    tokio::select! {
        permit = Arc::clone(permits).acquire_owned() => permit.ok(),
        () = stop_asked(stopped) => None,
    }
}

/// Serves `l.app` on `listener` until `stopped` turns true (or its sender is gone), then
/// shuts down as the module says.
pub(crate) async fn run(listener: TcpListener, l: Listening, mut stopped: watch::Receiver<bool>) {
    let permits = Arc::new(Semaphore::new(l.limits.max_connections.max(1)));
    let mut connections = JoinSet::new();
    let mut refusals = Refusals::default();
    let mut backoff = MIN_BACKOFF;
    loop {
        while connections.try_join_next().is_some() {}
        let mut place = None;
        if l.at_cap == AtCap::Wait {
            match wait_for_place(&permits, &l, &mut stopped).await {
                Some(permit) => place = Some(permit),
                None => break,
            }
        }
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = stop_asked(&mut stopped) => break,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => {
                backoff = MIN_BACKOFF;
                accepted
            }
            Err(e) if connection_only(&e) => {
                tracing::debug!(api = l.name, error = %e, "accept failed for one connection");
                continue;
            }
            Err(e) => {
                l.events.accept_failed();
                tracing::error!(api = l.name, error = %e, ?backoff, "accept failed; backing off");
                tokio::select! {
                    () = tokio::time::sleep(backoff) => {}
                    () = stop_asked(&mut stopped) => break,
                }
                backoff = (backoff * 2).min(MAX_BACKOFF);
                continue;
            }
        };
        let permit = match place {
            Some(permit) => permit,
            None => match Arc::clone(&permits).try_acquire_owned() {
                Ok(permit) => permit,
                Err(_) => {
                    l.events.cap_reached();
                    refusals.refused(l.name, l.limits.max_connections);
                    drop(stream);
                    continue;
                }
            },
        };
        connections.spawn(connection::serve(
            Accepted {
                stream,
                peer,
                permit,
            },
            l.app.clone(),
            Arc::clone(&l.limits),
            Arc::clone(&l.events),
            stopped.clone(),
        ));
    }
    drop(listener);
    tracing::info!(
        api = l.name,
        open = connections.len(),
        timeout = ?l.limits.shutdown_timeout,
        "stopped accepting; finishing in-flight requests"
    );
    let drained = tokio::time::timeout(l.limits.shutdown_timeout, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            api = l.name,
            left = connections.len(),
            "shutdown timeout passed; dropping the connections left"
        );
        connections.shutdown().await;
    }
    tracing::info!(api = l.name, "stopped");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn process_wide_accept_errors_back_off() {
        let emfile = std::io::Error::from_raw_os_error(24);
        assert!(!connection_only(&emfile));
        let aborted = std::io::Error::from(std::io::ErrorKind::ConnectionAborted);
        assert!(connection_only(&aborted));
    }

    #[tokio::test]
    async fn refusals_are_counted_and_warned_once_a_second() {
        let mut r = Refusals::default();
        r.refused("signing", 2);
        let first = r.last_warning;
        assert!(first.is_some());
        r.refused("signing", 2);
        r.refused("signing", 2);
        assert_eq!((r.total, r.since_warning), (3, 2));
        assert_eq!(r.last_warning, first);
    }
}
