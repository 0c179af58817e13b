//! Running the store on [`ucore_http_server`] (not bare `axum::serve`), so that the
//! limits of [`ServerLimits`] hold:
//!
//! * **the connection cap** ([`AtCap::Wait`]): at `max_connections` the listener stops
//!   accepting, so extra clients wait in the kernel's backlog (and get served, in order,
//!   as others leave). Reaching the cap is logged (`warn`) and counted;
//! * **header and idle timeouts**, per connection: the request head must arrive within
//!   `header_read_timeout` of its first byte (or of the connection's start), and a
//!   keep-alive connection may sit idle for `idle_timeout`; then it is closed (and
//!   counted). A slowloris client that trickles its headers is cut off. A connection busy
//!   with a request has no limit there: a download streams as long as it takes;
//! * **the handler's time limit** (`request_timeout`, `upload_timeout` for uploads) is a
//!   layer of the router ([`super::with_layers`]);
//! * **accept errors** (e.g. `EMFILE`, out of file descriptors) are logged and counted,
//!   and the loop backs off (1 ms doubling to 1 s) instead of spinning;
//! * **graceful shutdown** on [`RunningStore::shutdown`] or SIGINT/SIGTERM: stop
//!   accepting (the listener is closed), let in-flight requests finish and idle
//!   connections close, and after `shutdown_deadline` drop whatever is left.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use tokio::net::TcpListener;
use ucore_http_server::{AtCap, Events, Limits, Serve, Shutdown, Timeout, UNLIMITED};

use crate::config::ServerLimits;
use crate::error::Error;
use crate::state::Store;

/// A store serving on a socket. Dropping it stops the server, as
/// [`RunningStore::shutdown`] does (without waiting), unless it handles signals.
#[derive(Debug)]
pub struct RunningStore {
    /// Where it listens (with the real port when asked for port 0).
    pub addr: SocketAddr,
    stop: Shutdown,
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
        self.stop.trigger();
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
    let stop = Shutdown::new();
    if handle_signals {
        stop.on_signals();
    }
    tracing::info!(%addr, store_id = %store.settings.store_id, "store listening");
    let serve = Serve::new(connection_limits(&store.settings.limits))
        .at_cap(AtCap::Wait)
        .events(Arc::new(StoreEvents(store)))
        .name("store");
    let task = tokio::spawn(ucore_http_server::serve(listener, app, serve, &stop));
    Ok(RunningStore {
        addr,
        stop,
        task: Some(task),
    })
}

/// The limits the server enforces per connection: the head and idle timeouts; none while
/// a request is busy (the router's time limit bounds handlers, and downloads stream as
/// long as they take).
fn connection_limits(limits: &ServerLimits) -> Limits {
    Limits {
        header_timeout: limits.header_read_timeout,
        idle_timeout: limits.idle_timeout,
        body_timeout: UNLIMITED,
        request_timeout: UNLIMITED,
        max_connections: limits.max_connections,
        shutdown_timeout: limits.shutdown_deadline,
    }
}

/// The server's connection events, counted in the store's metrics.
struct StoreEvents(Store);

impl Events for StoreEvents {
    fn connection_opened(&self) {
        self.0.metrics.connection_opened();
    }

    fn connection_closed(&self) {
        self.0.metrics.connection_closed();
    }

    fn timed_out(&self, limit: Timeout) {
        match limit {
            Timeout::Header => self.0.metrics.header_timeout(),
            Timeout::Idle => self.0.metrics.idle_timeout(),
            // Unlimited here (connection_limits); the router's time limit counts its own.
            Timeout::Body | Timeout::Request => {}
        }
    }

    fn accept_failed(&self) {
        self.0.metrics.accept_error();
    }

    fn cap_reached(&self) {
        self.0.metrics.connection_cap_reached();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_store_keys_map_onto_the_server_limits() {
        let l = ServerLimits::default();
        let c = connection_limits(&l);
        assert_eq!(c.header_timeout, l.header_read_timeout);
        assert_eq!(c.idle_timeout, l.idle_timeout);
        assert_eq!(c.max_connections, l.max_connections);
        assert_eq!(c.shutdown_timeout, l.shutdown_deadline);
        assert_eq!((c.body_timeout, c.request_timeout), (UNLIMITED, UNLIMITED));
    }
}
