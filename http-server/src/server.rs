//! Serving a router on a listener ([`serve`]) under [`Serve`]'s limits and policies, until
//! a [`Shutdown`] is triggered (by a call, or by SIGINT/SIGTERM).

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::events::{Events, NoEvents};
use crate::limits::Limits;
use crate::listener::{self, AtCap, Listening};

/// How a listener serves: its [`Limits`], what it does at the connection cap, who hears
/// about its connections, and its name in logs.
#[derive(Clone)]
pub struct Serve {
    /// The timeouts, the connection cap and the shutdown timeout.
    pub limits: Limits,
    /// What happens to new clients at the cap (default [`AtCap::Refuse`]).
    pub at_cap: AtCap,
    /// Told about connections (default [`NoEvents`]).
    pub events: Arc<dyn Events>,
    /// The listener's name, the `api` field of its log lines (default `"http"`).
    pub name: &'static str,
}

impl std::fmt::Debug for Serve {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Serve")
            .field("limits", &self.limits)
            .field("at_cap", &self.at_cap)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl Serve {
    /// Serving under `limits`, refusing connections beyond the cap, telling nobody.
    pub fn new(limits: Limits) -> Self {
        Serve {
            limits,
            at_cap: AtCap::Refuse,
            events: Arc::new(NoEvents),
            name: "http",
        }
    }

    /// With `at_cap` as the policy at the connection cap.
    pub fn at_cap(mut self, at_cap: AtCap) -> Self {
        self.at_cap = at_cap;
        self
    }

    /// With `events` told about connections.
    pub fn events(mut self, events: Arc<dyn Events>) -> Self {
        self.events = events;
        self
    }

    /// Named `name` in logs.
    pub fn name(mut self, name: &'static str) -> Self {
        self.name = name;
        self
    }
}

/// The switch that stops servers: every [`serve`] given it stops accepting when it is
/// triggered, lets in-flight requests finish, and drops the connections left after its
/// `shutdown_timeout`. Clones share the switch; dropping every clone triggers it too.
#[derive(Clone, Debug)]
pub struct Shutdown {
    tx: watch::Sender<bool>,
}

impl Default for Shutdown {
    fn default() -> Self {
        Shutdown::new()
    }
}

impl Shutdown {
    /// A switch not triggered yet.
    pub fn new() -> Self {
        Shutdown {
            tx: watch::channel(false).0,
        }
    }

    /// Asks every server under this switch to stop.
    pub fn trigger(&self) {
        self.tx.send_replace(true);
    }

    /// Whether the switch was triggered.
    pub fn is_triggered(&self) -> bool {
        *self.tx.borrow()
    }

    /// Triggers the switch on SIGINT or SIGTERM (from a task on the current runtime).
    pub fn on_signals(&self) {
        let switch = self.clone();
        tokio::spawn(async move {
            signal().await;
            tracing::info!("signal received, shutting down");
            switch.trigger();
        });
    }

    fn subscribe(&self) -> watch::Receiver<bool> {
        self.tx.subscribe()
    }
}

/// Serves `app` on `listener` as `serve` says, until `shutdown` is triggered; then stops
/// accepting, lets in-flight requests finish, drops the connections left after
/// `limits.shutdown_timeout`, and resolves. Spawn it (the future owns all it needs).
pub fn serve(
    listener: TcpListener,
    app: Router,
    serve: Serve,
    shutdown: &Shutdown,
) -> impl Future<Output = ()> + Send + 'static {
    let Serve {
        limits,
        at_cap,
        events,
        name,
    } = serve;
    let listening = Listening {
        app,
        limits: Arc::new(limits),
        at_cap,
        events,
        name,
    };
    listener::run(listener, listening, shutdown.subscribe())
}

/// Resolves on SIGINT or SIGTERM (a signal that cannot be watched is logged and never
/// comes).
pub async fn signal() {
    #[cfg(unix)]
    {
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
    #[cfg(not(unix))]
    {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// The next signal of a watched kind; never, for a kind that is not watched.
#[cfg(unix)]
async fn next_or_never(signals: Option<&mut tokio::signal::unix::Signal>) {
    match signals {
        Some(signals) => {
            let _ = signals.recv().await;
        }
        None => std::future::pending().await,
    }
}
