//! The device API snapd's store client speaks (`../shared/spec/serial-store.md` §3):
//!
//! * `POST /api/v1/snaps/auth/nonces`, `POST /api/v1/snaps/auth/sessions` — device
//!   sessions ([`crate::session`]);
//! * `POST /v2/snaps/refresh` — snap action; `GET /v2/snaps/info/{name}`;
//!   `GET /v2/snaps/find` ([`crate::action`]);
//! * `GET /api/v1/snaps/download/{snap_id}_{revision}.snap` — snap files, with `Range`;
//! * `GET /v2/assertions/{type}/{key…}` — assertions.
//!
//! Every route but the session ones reads the [`crate::visibility::Viewer`] from the
//! request's headers; what it may not see is not found. Handlers are thin: they read
//! the request and call the HTTP-free functions.

pub mod assertions;
pub mod download;
pub mod extract;
pub mod session;
pub mod snaps;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::state::Store;

/// The device API's routes, with `store` as their state and JSON bodies limited to
/// `settings.max_body_size`.
pub fn router(store: Store) -> Router {
    let limit = usize::try_from(store.settings.max_body_size).unwrap_or(usize::MAX);
    Router::new()
        .route("/api/v1/snaps/auth/nonces", post(session::nonce))
        .route("/api/v1/snaps/auth/sessions", post(session::open))
        .route("/v2/snaps/refresh", post(snaps::refresh))
        .route("/v2/snaps/info/{name}", get(snaps::info))
        .route("/v2/snaps/find", get(snaps::find))
        .route("/api/v1/snaps/download/{file}", get(download::download))
        .route("/v2/assertions/{type}/{*key}", get(assertions::assertion))
        .layer(DefaultBodyLimit::max(limit))
        .with_state(store)
}
