//! # ucore-http-server
//!
//! The HTTP-server plumbing ucore's services share (the Serial Vault, the branded store):
//! an axum [`Router`](axum::Router) served by hyper under timeouts and a connection cap,
//! graceful shutdown with a deadline, request ids with a span and an end-of-request log
//! line, and the primitives of Prometheus' text format.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! use axum::Router;
//! use axum::routing::get;
//! use ucore_http_server::{AtCap, Limits, Serve, Shutdown};
//!
//! let rt = tokio::runtime::Runtime::new()?;
//! rt.block_on(async {
//!     let app = Router::new().route("/hello", get(|| async { "hello" }));
//!     let limits = Limits {
//!         header_timeout: Duration::from_secs(5),
//!         max_connections: 100,
//!         shutdown_timeout: Duration::from_secs(2),
//!         ..Limits::default()
//!     };
//!     let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//!     let addr = listener.local_addr()?;
//!     let shutdown = Shutdown::new();
//!     let serve = Serve::new(limits).at_cap(AtCap::Refuse).name("hello");
//!     let server = tokio::spawn(ucore_http_server::serve(listener, app, serve, &shutdown));
//!
//!     let body = tokio::task::spawn_blocking(move || {
//!         ureq::get(format!("http://{addr}/hello")).call()?.body_mut().read_to_string()
//!     })
//!     .await??;
//!     assert_eq!(body, "hello");
//!
//!     // Stop accepting, finish in-flight requests (at most 2 s), stop.
//!     shutdown.trigger();
//!     server.await?;
//!     Ok::<_, Box<dyn std::error::Error>>(())
//! })?;
//! # Ok(())
//! # }
//! ```
//!
//! ## Module map, from the bottom up
//!
//! * [`limits`]: [`Limits`], the timeouts, the connection cap and the shutdown timeout,
//!   with serde (durations as `"10s"`).
//! * [`events`]: [`Events`], what the server tells its owner about connections (metrics).
//! * `connection` (private): one connection, hyper's HTTP/1 under a watchdog that closes
//!   it when its head, body, request or idle spell lasts too long.
//! * `listener` (private): the accept loop under the cap ([`AtCap`]), backing off on
//!   `EMFILE`, and the shutdown with its deadline.
//! * [`server`]: [`serve`] with [`Serve`]'s settings until a [`Shutdown`] (or a signal).
//! * [`error_code`]: [`ErrorCode`], an error answer's code as a response extension.
//! * [`trace`]: request id, span and end line around a router ([`observed`]), and the
//!   application's [`Observer`].
//! * [`prometheus`]: counters, histograms, label escaping and the text format's lines.
//!
//! The crate has no error type of its own: binding a listener is the caller's
//! (`std::io::Error`), and a failing connection is logged and closed.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod connection;
pub mod error_code;
pub mod events;
pub mod limits;
mod listener;
pub mod prometheus;
pub mod server;
pub mod trace;

pub use error_code::ErrorCode;
pub use events::{Events, NoEvents, Timeout};
pub use limits::{Limits, UNLIMITED, duration_text};
pub use listener::AtCap;
pub use server::{Serve, Shutdown, serve, signal};
pub use trace::{Answer, EndLine, Observer, REQUEST_ID, observed};
