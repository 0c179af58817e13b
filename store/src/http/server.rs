//! Running the store: an accept loop on hyper (not bare `axum::serve`), so that the
//! limits of [`ServerLimits`](crate::config::ServerLimits) hold:
//!
//! * **the connection cap**: a semaphore of `max_connections` permits, acquired *before*
//!   `accept`; while none is free the loop does not accept, so extra clients wait in the
//!   kernel's backlog (and get served, in order, as others leave). Reaching the cap is
//!   logged (`warn`) and counted;
//! * **header and idle timeouts**, per connection (`server::connection`): the request head must
//!   arrive within `header_read_timeout` of its first byte (or of the connection's
//!   start), and a keep-alive connection may sit idle for `idle_timeout`; then it is
//!   closed. A slowloris client that trickles its headers is cut off;
//! * **the handler's time limit** (`request_timeout`, `upload_timeout` for uploads) is a
//!   layer of the router ([`super::with_layers`]);
//! * **accept errors** (e.g. `EMFILE`, out of file descriptors) are logged and counted,
//!   and the loop backs off (1 ms doubling to 1 s) instead of spinning;
//! * **graceful shutdown** on [`RunningStore::shutdown`] or SIGINT/SIGTERM: stop
//!   accepting (the listener is closed), let in-flight requests finish and idle
//!   connections close, and after `shutdown_deadline` drop whatever is left.

mod connection;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, TryAcquireError, watch};
use tokio::task::JoinSet;

use crate::error::Error;
use crate::state::Store;

/// The first pause after a failed `accept`; it doubles up to [`MAX_ACCEPT_BACKOFF`].
const MIN_ACCEPT_BACKOFF: Duration = Duration::from_millis(1);
/// The longest pause after failed `accept`s.
const MAX_ACCEPT_BACKOFF: Duration = Duration::from_secs(1);

/// A store serving on a socket. Dropping it stops the server, as
/// [`RunningStore::shutdown`] does (without waiting).
#[derive(Debug)]
pub struct RunningStore {
    /// Where it listens (with the real port when asked for port 0).
    pub addr: SocketAddr,
    stop: watch::Sender<bool>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl RunningStore {
    /// `http://ADDR`: the base URL to reach it at on this machine.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, lets in-flight requests finish (within `shutdown_deadline`), and
    /// waits until the server has stopped.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// Waits until the server stops (after SIGINT/SIGTERM when it handles signals).
    pub async fn wait(mut self) {
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

/// Serves the store's API ([`super::router`]) on `addr`. With `handle_signals`, SIGINT
/// and SIGTERM shut it down gracefully.
pub async fn serve(
    store: Store,
    addr: SocketAddr,
    handle_signals: bool,
) -> Result<RunningStore, Error> {
    serve_router(super::router(store.clone()), store, addr, handle_signals).await
}

/// Serves `app` on `addr` with `store`'s limits and metrics: [`serve`] with another
/// router (e.g. the store's routes plus test routes under [`super::with_layers`]).
pub async fn serve_router(
    app: Router,
    store: Store,
    addr: SocketAddr,
    handle_signals: bool,
) -> Result<RunningStore, Error> {
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|e| Error::io(format!("cannot listen on {addr}"), e))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::io("cannot read the listening address", e))?;
    let (stop, stopped) = watch::channel(false);
    if handle_signals {
        let stop = stop.clone();
        tokio::spawn(async move {
            wait_for_signal().await;
            tracing::info!("signal received, shutting down");
            let _ = stop.send(true);
        });
    }
    tracing::info!(%addr, store_id = %store.settings.store_id, "store listening");
    let task = tokio::spawn(accept_loop(listener, app, store, stopped));
    Ok(RunningStore {
        addr,
        stop,
        task: Some(task),
    })
}

/// Resolves once shutdown is asked for (or the [`RunningStore`] is gone).
async fn stop_asked(stopped: &mut watch::Receiver<bool>) {
    let _ = stopped.wait_for(|stop| *stop).await;
}

/// Whether an `accept` error concerns only the connection being accepted (the next
/// `accept` may well succeed), rather than the process (file descriptors, memory).
fn connection_only(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(
        e.kind(),
        ConnectionAborted | ConnectionReset | ConnectionRefused | Interrupted | WouldBlock
    )
}

async fn accept_loop(
    listener: TcpListener,
    app: Router,
    store: Store,
    mut stopped: watch::Receiver<bool>,
) {
    let limits = store.settings.limits.clone();
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let mut connections = JoinSet::new();
    let mut backoff = MIN_ACCEPT_BACKOFF;
    loop {
        while connections.try_join_next().is_some() {}
        let permit = match Arc::clone(&permits).try_acquire_owned() {
            Ok(permit) => permit,
            Err(TryAcquireError::Closed) => break,
            Err(TryAcquireError::NoPermits) => {
                tracing::warn!(
                    max_connections = limits.max_connections,
                    "connection cap reached; new clients wait in the backlog"
                );
                store.metrics.connection_cap_reached();
                tokio::select! {
                    permit = Arc::clone(&permits).acquire_owned() => match permit {
                        Ok(permit) => permit,
                        Err(_) => break,
                    },
                    () = stop_asked(&mut stopped) => break,
                }
            }
        };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = stop_asked(&mut stopped) => break,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => {
                backoff = MIN_ACCEPT_BACKOFF;
                accepted
            }
            Err(e) if connection_only(&e) => {
                tracing::debug!(error = %e, "accept failed for one connection");
                continue;
            }
            Err(e) => {
                store.metrics.accept_error();
                tracing::error!(error = %e, ?backoff, "accept failed; backing off");
                tokio::select! {
                    () = tokio::time::sleep(backoff) => {}
                    () = stop_asked(&mut stopped) => break,
                }
                backoff = (backoff * 2).min(MAX_ACCEPT_BACKOFF);
                continue;
            }
        };
        store.metrics.connection_opened();
        connections.spawn(connection::serve(
            connection::Accepted {
                stream,
                peer,
                permit,
            },
            app.clone(),
            store.clone(),
            stopped.clone(),
        ));
    }
    drop(listener);
    let open = connections.len();
    tracing::info!(
        open,
        deadline = ?limits.shutdown_deadline,
        "stopped accepting; finishing in-flight requests"
    );
    let drained = tokio::time::timeout(limits.shutdown_deadline, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            left = connections.len(),
            "shutdown deadline passed; dropping the connections left"
        );
        connections.shutdown().await;
    }
    tracing::info!("store stopped");
}

/// Resolves on SIGINT or SIGTERM (or never, if neither can be watched).
async fn wait_for_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let watch = |kind: SignalKind| match signal(kind) {
        Ok(stream) => Some(stream),
        Err(e) => {
            tracing::warn!(error = %e, signal = ?kind, "cannot watch a signal");
            None
        }
    };
    let (mut int, mut term) = (
        watch(SignalKind::interrupt()),
        watch(SignalKind::terminate()),
    );
    tokio::select! {
        () = next_or_never(int.as_mut()) => {}
        () = next_or_never(term.as_mut()) => {}
    }
}

/// The next signal of a watched kind; never, for a kind that is not watched.
async fn next_or_never(signals: Option<&mut tokio::signal::unix::Signal>) {
    match signals {
        Some(signals) => {
            let _ = signals.recv().await;
        }
        None => std::future::pending().await,
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
}
