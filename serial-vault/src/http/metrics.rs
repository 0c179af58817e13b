//! `GET /metrics` on the admin port: the [`Metrics`] in Prometheus' text format, behind
//! the admin token (`Authorization: Bearer <token>`, as the admin API takes it; 401
//! `invalid-admin-token` without it). The nonce table's size is read from the store at
//! each scrape; when the database does not answer, the gauge is left out (and the error
//! counted in `ucore_vault_database_errors_total`).

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use super::extract::AdminAuth;
use crate::metrics::Metrics;
use crate::vault::Vault;

/// Prometheus' text exposition format.
pub use ucore_http_server::prometheus::CONTENT_TYPE as PROMETHEUS_TEXT;

/// The `/metrics` handler.
pub async fn metrics(State(v): State<Vault>, _: AdminAuth) -> Response {
    let nonces = match v.store().nonce_count().await {
        Ok(n) => Some(n),
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the nonce table's size");
            None
        }
    };
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static(PROMETHEUS_TEXT),
        )],
        Metrics::global().render(nonces),
    )
        .into_response()
}
