//! Running a vault: the signing API and the admin API on their own listeners, with
//! graceful shutdown on request or on SIGINT/SIGTERM.

use std::net::SocketAddr;

use super::admin::admin_router;
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
    shutdown: Option<tokio::sync::watch::Sender<bool>>,
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

    /// Stops accepting, finishes in-flight requests, and waits.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(true);
        }
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

/// Starts `vault` on `signing` (and the admin API on `admin`, if given). The servers shut
/// down gracefully on [`RunningVault::shutdown`], or on SIGINT/SIGTERM when
/// `handle_signals`.
pub async fn serve(
    vault: Vault,
    signing: SocketAddr,
    admin: Option<SocketAddr>,
    handle_signals: bool,
) -> Result<RunningVault, Error> {
    let (tx, rx) = tokio::sync::watch::channel(false);
    let mut tasks = Vec::new();
    let bind = |addr: SocketAddr| async move {
        tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| Error::io(format!("cannot listen on {addr}"), e))
    };
    let listener = bind(signing).await?;
    let signing_addr = listener
        .local_addr()
        .map_err(|e| Error::io("local address", e))?;
    let mut rx1 = rx.clone();
    let router = signing_router(vault.clone());
    tasks.push(tokio::spawn(async move {
        let r = axum::serve(listener, router)
            .with_graceful_shutdown(async move {
                let _ = rx1.wait_for(|v| *v).await;
            })
            .await;
        if let Err(e) = r {
            tracing::error!(error = %e, "signing server failed");
        }
    }));
    let mut admin_addr = None;
    if let Some(addr) = admin {
        let listener = bind(addr).await?;
        admin_addr = Some(
            listener
                .local_addr()
                .map_err(|e| Error::io("local address", e))?,
        );
        let mut rx2 = rx.clone();
        let router = admin_router(vault.clone());
        tasks.push(tokio::spawn(async move {
            let r = axum::serve(listener, router)
                .with_graceful_shutdown(async move {
                    let _ = rx2.wait_for(|v| *v).await;
                })
                .await;
            if let Err(e) = r {
                tracing::error!(error = %e, "admin server failed");
            }
        }));
    }
    if handle_signals {
        let tx2 = tx.clone();
        tokio::spawn(async move {
            wait_for_signal().await;
            tracing::info!("shutting down");
            let _ = tx2.send(true);
        });
    }
    tracing::info!(%signing_addr, ?admin_addr, "serial vault listening");
    Ok(RunningVault {
        signing_addr,
        admin_addr,
        shutdown: Some(tx),
        tasks,
    })
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
