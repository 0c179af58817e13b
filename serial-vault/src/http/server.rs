//! Running a vault: the signing API and the admin API on their own listeners
//! ([`ucore_http_server::serve`]), each under the [`ServerLimits`] (timeouts per
//! connection, a connection cap beyond which connections are closed at once), with
//! graceful shutdown on request or on SIGINT/SIGTERM, bounded by `shutdown_timeout`.

use std::net::SocketAddr;

use ucore_http_server::{AtCap, Serve, Shutdown};

use super::admin::admin_router;
use super::limits::ServerLimits;
use super::signing::signing_router;
use crate::error::Error;
use crate::vault::Vault;

/// A vault serving on two listeners.
#[derive(Debug)]
pub struct RunningVault {
    /// Where the signing API listens.
    pub signing_addr: SocketAddr,
    /// Where the admin API listens.
    pub admin_addr: Option<SocketAddr>,
    shutdown: Shutdown,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl RunningVault {
    /// Base URL of the signing API, with its trailing `/v1/` (what a gadget puts in
    /// `device-service.url`).
    pub fn service_url(&self) -> String {
        format!("http://{}/v1/", self.signing_addr)
    }

    /// Base URL of the admin API.
    pub fn admin_url(&self) -> Option<String> {
        self.admin_addr.map(|a| format!("http://{a}/admin/v1/"))
    }

    /// Stops accepting, lets in-flight requests finish, drops the connections left after
    /// the `shutdown_timeout` of its [`ServerLimits`], and waits until both listeners
    /// have stopped.
    pub async fn shutdown(mut self) {
        self.shutdown.trigger();
        for t in self.tasks.drain(..) {
            let _ = t.await;
        }
    }

    /// Waits until the servers stop (after a signal or [`RunningVault::shutdown`]).
    pub async fn wait(mut self) {
        for t in self.tasks.drain(..) {
            let _ = t.await;
        }
    }
}

/// Starts `vault` on `signing` (and the admin API on `admin`, if given), with the default
/// [`ServerLimits`]: [`serve_with`].
pub async fn serve(
    vault: Vault,
    signing: SocketAddr,
    admin: Option<SocketAddr>,
    handle_signals: bool,
) -> Result<RunningVault, Error> {
    serve_with(
        vault,
        signing,
        admin,
        handle_signals,
        ServerLimits::default(),
    )
    .await
}

/// Starts `vault` on `signing` (and the admin API on `admin`, if given), each listener
/// under `limits`: header, body, request and idle timeouts per connection, and at most
/// `limits.max_connections` connections at once (more are closed as soon as they are
/// accepted). The servers shut down gracefully on [`RunningVault::shutdown`], or on
/// SIGINT/SIGTERM when `handle_signals`: they stop accepting, let in-flight requests
/// finish, and drop what is left after `limits.shutdown_timeout`.
pub async fn serve_with(
    vault: Vault,
    signing: SocketAddr,
    admin: Option<SocketAddr>,
    handle_signals: bool,
    limits: ServerLimits,
) -> Result<RunningVault, Error> {
    let shutdown = Shutdown::new();
    let bind = |addr: SocketAddr| async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| Error::io(format!("cannot listen on {addr}"), e))?;
        let local = listener
            .local_addr()
            .map_err(|e| Error::io("local address", e))?;
        Ok::<_, Error>((listener, local))
    };
    let (signing_listener, signing_addr) = bind(signing).await?;
    let admin_listener = match admin {
        Some(addr) => Some(bind(addr).await?),
        None => None,
    };
    let serving = |name| Serve::new(limits.clone()).at_cap(AtCap::Refuse).name(name);
    let mut tasks = vec![tokio::spawn(ucore_http_server::serve(
        signing_listener,
        signing_router(vault.clone()),
        serving("signing"),
        &shutdown,
    ))];
    let admin_addr = admin_listener.map(|(listener, addr)| {
        tasks.push(tokio::spawn(ucore_http_server::serve(
            listener,
            admin_router(vault.clone()),
            serving("admin"),
            &shutdown,
        )));
        addr
    });
    if handle_signals {
        shutdown.on_signals();
    }
    tracing::info!(%signing_addr, ?admin_addr, "serial vault listening");
    Ok(RunningVault {
        signing_addr,
        admin_addr,
        shutdown,
        tasks,
    })
}
