//! The store's HTTP API on axum: the device API snapd's client speaks
//! (`device`), the publishing API (`publisher`), errors as snapd reads them (`error`),
//! and the server with its timeouts and connection cap (`server`).
//!
//! [`router`] mounts:
//! * the device API ([`device::router`]) and the publishing API ([`publisher::router`]);
//! * `GET /` (and `HEAD /`): health — 200 `{"name", "version", "store-id"}` when the
//!   database answers, the database's error otherwise;
//! * `GET /metrics`: the counters in Prometheus' text format. It tells about traffic:
//!   keep it off the public network, or configure a token (`[metrics] token-file`), then
//!   only `Authorization: Bearer <token>` reads it;
//! * a JSON 404 for every other path.
//!
//! Every route sits under the same layers ([`with_layers`]), outermost first: request id,
//! span, access log and metrics; error bodies rewritten to snapd's `error-list`; the
//! handler's time limit; panics answered 500; the body limit (`max_body_size`; a route
//! may set its own, like the upload).

pub mod device;
pub mod error;
mod layers;
pub mod publisher;
pub mod server;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::{Deserialize, Serialize};

pub use error::{ErrorCode, error_response};
pub use layers::REQUEST_ID;
pub use server::{RunningStore, serve, serve_router};

use crate::error::Error;
use crate::state::Store;

/// The body of `GET /`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    /// `ucore-store`.
    pub name: String,
    /// The store's version (the crate's).
    pub version: String,
    /// The store id.
    #[serde(rename = "store-id")]
    pub store_id: String,
}

/// The whole HTTP API of `store`, with its layers: [`with_layers`] over [`routes`].
pub fn router(store: Store) -> Router {
    with_layers(routes(store.clone()), &store)
}

/// The store's routes without the layers: the device API, the publishing API, health and
/// metrics.
pub fn routes(store: Store) -> Router {
    Router::new()
        .merge(device::router(store.clone()))
        .merge(publisher::router(store.clone()))
        .merge(service_routes(store))
}

/// The store's own routes: health and metrics.
fn service_routes(store: Store) -> Router {
    Router::new()
        .route("/", get(health))
        .route("/metrics", get(metrics))
        .with_state(store)
}

/// `routes` under the store's layers (see the module documentation), with the JSON 404
/// for paths no route takes. [`router`] uses it; tests use it to put their own routes
/// under the same layers.
pub fn with_layers(routes: Router, store: &Store) -> Router {
    let limit = usize::try_from(store.settings.max_body_size).unwrap_or(usize::MAX);
    let routes = routes
        .fallback(error::no_route)
        .layer(DefaultBodyLimit::max(limit));
    let routes = error::catch_panics(routes, store)
        .layer(axum::middleware::from_fn_with_state(
            store.clone(),
            layers::time_limit,
        ))
        .layer(axum::middleware::from_fn(error::json_errors));
    ucore_http_server::observed(routes, layers::StoreRequests(store.clone()))
}

async fn health(State(store): State<Store>) -> Result<axum::Json<Health>, Error> {
    store.db.health().await?;
    Ok(axum::Json(Health {
        name: "ucore-store".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        store_id: store.settings.store_id.clone(),
    }))
}

async fn metrics(State(store): State<Store>, headers: HeaderMap) -> Response {
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    if !store.metrics.authorized(auth) {
        return Error::unauthorized("the metrics need the metrics token").into_response();
    }
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static(ucore_http_server::prometheus::CONTENT_TYPE),
        )],
        store.metrics.render(),
    )
        .into_response()
}
