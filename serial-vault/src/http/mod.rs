//! The vault on HTTP (axum): thin handlers over [`Vault`](crate::Vault)'s operations.
//!
//! * [`error`]: the JSON error envelope and panics answered with it;
//! * [`extract`]: the `api-key`, the admin token and JSON bodies, as extractors;
//! * [`signing`]: the signing API snapd devices call (`/v1/…`);
//! * [`admin`]: the admin API operators call (`/admin/v1/…`);
//! * [`trace`]: around every request of both: request id, span, end line, metrics;
//! * [`metrics`]: `GET /metrics` on the admin port (behind the admin token);
//! * [`limits`]: [`ServerLimits`], the timeouts and the connection cap;
//! * [`rate_limit`]: the per-address rate limits of `/v1/request-id` and `/v1/serial`;
//! * [`server`]: both APIs on their listeners ([`serve`], [`serve_with`]), each on
//!   [`ucore_http_server`] (accepting under the cap, one connection's timeouts, shutdown).

pub mod admin;
mod admin_substore;
pub mod error;
pub mod extract;
pub mod limits;
pub mod metrics;
pub mod rate_limit;
pub mod server;
pub mod signing;
pub mod trace;

pub use admin::admin_router;
pub use error::{ErrorBody, ErrorItem};
pub use limits::ServerLimits;
pub use server::{RunningVault, serve, serve_with};
pub use signing::{ASSERTION_MEDIA_TYPE, RequestIdBody, signing_router};
