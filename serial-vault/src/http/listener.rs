//! One listener's accept loop, under [`ServerLimits`]:
//!
//! * **the connection cap**: a connection beyond `max_connections` is closed as soon as
//!   it is accepted, so that a client holding many idle connections cannot make others
//!   queue; the ones refused are counted and logged (`warn`) at most once a second;
//! * **accept errors** that concern the process (e.g. `EMFILE`, out of file descriptors)
//!   are logged and the loop backs off (1 ms doubling to 1 s) instead of spinning;
//! * **shutdown**: the listener is closed, each connection finishes its request in
//!   progress, and after `shutdown_timeout` the connections left are dropped.
//!
//! Each connection is served by [`super::connection`], which holds the timeouts.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;

use super::connection;
use super::limits::ServerLimits;

/// The first pause after a failed `accept`; it doubles up to [`MAX_BACKOFF`].
const MIN_BACKOFF: Duration = Duration::from_millis(1);
/// The longest pause after failed `accept`s.
const MAX_BACKOFF: Duration = Duration::from_secs(1);
/// At most one warning about refused connections in this time.
const WARN_EVERY: Duration = Duration::from_secs(1);

/// Counts the connections refused at the cap, and warns at most once per
/// [`WARN_EVERY`].
#[derive(Debug, Default)]
struct Refusals {
    total: u64,
    since_warning: u64,
    last_warning: Option<Instant>,
}

impl Refusals {
    fn refused(&mut self, api: &'static str, max_connections: usize) {
        self.total = self.total.saturating_add(1);
        self.since_warning = self.since_warning.saturating_add(1);
        let now = Instant::now();
        if self
            .last_warning
            .is_none_or(|last| now.duration_since(last) >= WARN_EVERY)
        {
            tracing::warn!(
                api,
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

/// Serves `app` on `listener` (the `api` named in logs) until `stopped` turns true (or
/// its sender is gone), then shuts down as the module says.
pub(super) async fn run(
    listener: TcpListener,
    app: Router,
    limits: Arc<ServerLimits>,
    mut stopped: watch::Receiver<bool>,
    api: &'static str,
) {
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let mut connections = JoinSet::new();
    let mut refusals = Refusals::default();
    let mut backoff = MIN_BACKOFF;
    loop {
        while connections.try_join_next().is_some() {}
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stopped.wait_for(|stop| *stop) => break,
        };
        let stream = match accepted {
            Ok((stream, _)) => {
                backoff = MIN_BACKOFF;
                stream
            }
            Err(e) if connection_only(&e) => {
                tracing::debug!(api, error = %e, "accept failed for one connection");
                continue;
            }
            Err(e) => {
                tracing::error!(api, error = %e, ?backoff, "accept failed; backing off");
                tokio::select! {
                    () = tokio::time::sleep(backoff) => {}
                    _ = stopped.wait_for(|stop| *stop) => break,
                }
                backoff = (backoff * 2).min(MAX_BACKOFF);
                continue;
            }
        };
        let Ok(permit) = Arc::clone(&permits).try_acquire_owned() else {
            drop(stream);
            refusals.refused(api, limits.max_connections);
            continue;
        };
        connections.spawn(connection::serve(
            stream,
            permit,
            app.clone(),
            Arc::clone(&limits),
            stopped.clone(),
        ));
    }
    drop(listener);
    tracing::info!(
        api,
        open = connections.len(),
        timeout = ?limits.shutdown_timeout,
        "stopped accepting; finishing in-flight requests"
    );
    let drained = tokio::time::timeout(limits.shutdown_timeout, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            api,
            left = connections.len(),
            "shutdown timeout passed; dropping the connections left"
        );
        connections.shutdown().await;
    }
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
