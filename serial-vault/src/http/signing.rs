//! The signing API snapd devices call: `/v1/request-id`, `/v1/serial`, `/v1/version`,
//! `/v1/health` (the Serial Vault's `service/signing.go` routes).

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};

use super::error::catch_panics;
use super::extract::{ApiKey, method_not_allowed, not_found};
use super::rate_limit::limit_address;
use crate::error::Error;
use crate::metrics::Endpoint;
use crate::vault::Vault;

/// The media type of assertion streams.
pub const ASSERTION_MEDIA_TYPE: &str = "application/x.ubuntu.assertion";

/// The `/v1/request-id` answer.
#[derive(Debug, Serialize, Deserialize)]
pub struct RequestIdBody {
    /// Always true.
    pub success: bool,
    /// Always empty.
    pub message: String,
    /// The nonce.
    #[serde(rename = "request-id")]
    pub request_id: String,
}

async fn version(State(v): State<Vault>) -> Response {
    axum::Json(serde_json::json!({"version": v.settings().version, "revision": ""})).into_response()
}

/// `GET /v1/health`: the Serial Vault's body, `{"database": "healthy"}` or
/// `{"database": "<error>"}`, within [`crate::store::HEALTH_DEADLINE`]. A database error is
/// 400, as in the Serial Vault; a transient one (locked, stalled, unreachable) is 503 with
/// `Retry-After`, as every transient fault: a load balancer's check fails on both, and
/// the 503 says to come back rather than that something is broken.
async fn health(State(v): State<Vault>) -> Response {
    match v.store().health().await {
        Ok(()) => axum::Json(serde_json::json!({"database": "healthy"})).into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "health check: the database is not healthy");
            let body = axum::Json(serde_json::json!({"database": e.to_string()}));
            match e.retry_after() {
                Some(secs) => (
                    StatusCode::SERVICE_UNAVAILABLE,
                    [(header::RETRY_AFTER, HeaderValue::from(secs))],
                    body,
                )
                    .into_response(),
                None => (StatusCode::BAD_REQUEST, body).into_response(),
            }
        }
    }
}

async fn request_id(State(v): State<Vault>, ApiKey(key): ApiKey) -> Result<Response, Error> {
    let id = v.request_id(key.as_deref()).await?;
    Ok(axum::Json(RequestIdBody {
        success: true,
        message: String::new(),
        request_id: id,
    })
    .into_response())
}

async fn serial(
    State(v): State<Vault>,
    ApiKey(key): ApiKey,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Error> {
    let body = match body {
        Ok(b) => b,
        Err(rejection) => {
            // The api-key is checked first, as the Serial Vault does.
            v.check_api_key(key.as_deref()).await?;
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                return Err(Error::BodyTooLarge {
                    limit: v.settings().max_body_bytes,
                });
            }
            return Err(Error::InvalidAssertion(rejection.body_text().into()));
        }
    };
    let stream = headers
        .get_all("snap-device-capabilities")
        .iter()
        .filter_map(|h| h.to_str().ok())
        .any(|h| h.split([',', ' ']).any(|c| c == "serial-stream"));
    let out = v.sign_serial(key.as_deref(), &body, stream).await?;
    Ok((
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static(ASSERTION_MEDIA_TYPE),
        )],
        out,
    )
        .into_response())
}

/// The signing API router (`/v1/…`) of `vault`, with its body limit and panic handling.
pub fn signing_router(vault: Vault) -> Router {
    let limit = vault.settings().max_body_bytes;
    let router = Router::new()
        .route("/v1/version", get(version))
        .route("/v1/health", get(health))
        .route(
            "/v1/request-id",
            post(request_id).route_layer(from_fn_with_state(
                (vault.clone(), Endpoint::RequestId),
                limit_address,
            )),
        )
        .route(
            "/v1/serial",
            post(serial).route_layer(from_fn_with_state(
                (vault.clone(), Endpoint::Serial),
                limit_address,
            )),
        )
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(limit))
        .with_state(vault);
    super::trace::observed(catch_panics(router))
}
