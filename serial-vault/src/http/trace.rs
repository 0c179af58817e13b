//! What wraps every request on both APIs: a request id, a tracing span, the line that says
//! how the request ended, and the metrics ([`Metrics::global`]).
//!
//! * The request id is the caller's `X-Request-Id` when it is 1–64 characters of
//!   `[A-Za-z0-9._-]` (a proxy's id, to follow a request across both logs), else a new
//!   one; it is sent back in `X-Request-Id`.
//! * The span `request` carries `id`, `method` and `path`; every line logged while the
//!   request is handled (the signing line included) is inside it.
//! * The end line has `status` and `latency_us` (microseconds): at DEBUG for a success,
//!   at WARN with the Serial Vault's `code` for a refusal (4xx), at ERROR for a server
//!   fault (5xx).
//! * The metrics: requests by endpoint and status, and the signing latency of each
//!   `/v1/serial` answered 200.
//!
//! Headers and bodies are never logged: an `api-key` or admin token cannot reach the logs.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use serde::Deserialize;
use tracing::Instrument as _;

use crate::metrics::{Endpoint, Metrics};

/// The request-id header.
pub const REQUEST_ID: &str = "x-request-id";

/// The largest error body read back for its `error_code` (the vault's envelopes are a few
/// hundred bytes).
const ERROR_BODY_LIMIT: usize = 16 * 1024;

/// Whether `given` may serve as a request id.
fn sane_request_id(given: &str) -> bool {
    (1..=64).contains(&given.len())
        && given
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// The request's id: the caller's if sane, else a random process tag and a sequence number.
fn request_id(headers: &HeaderMap) -> String {
    if let Some(given) = headers
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|g| sane_request_id(g))
    {
        return given.to_string();
    }
    static TAG: OnceLock<String> = OnceLock::new();
    static SEQUENCE: AtomicU64 = AtomicU64::new(1);
    let tag = TAG.get_or_init(|| {
        let mut b = [0u8; 6];
        rand::fill(&mut b);
        b.iter().map(|x| format!("{x:02x}")).collect()
    });
    format!("{tag}-{}", SEQUENCE.fetch_add(1, Ordering::Relaxed))
}

/// The `error_code` of the vault's JSON error envelope.
#[derive(Deserialize)]
struct Envelope {
    error_code: String,
}

/// The Serial Vault error code of an error answer, read back from its JSON envelope (the
/// body is buffered and put back); `None` for other bodies.
async fn error_code(response: Response) -> (Response, Option<String>) {
    let json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes() == b"application/json");
    if !json {
        return (response, None);
    }
    let (parts, body) = response.into_parts();
    match axum::body::to_bytes(body, ERROR_BODY_LIMIT).await {
        Ok(bytes) => {
            let code = serde_json::from_slice::<Envelope>(&bytes)
                .ok()
                .map(|e| e.error_code);
            (Response::from_parts(parts, Body::from(bytes)), code)
        }
        // Too large or failed: not the vault's envelope; the answer cannot be put back.
        Err(_) => (Response::from_parts(parts, Body::empty()), None),
    }
}

/// Middleware: request id, span, end line and metrics (see the module documentation).
pub async fn observe(request: Request, next: Next) -> Response {
    let endpoint = Endpoint::of_path(request.uri().path());
    let id = request_id(request.headers());
    let span = tracing::info_span!(
        "request",
        id = %id,
        method = %request.method(),
        path = %request.uri().path(),
    );
    let start = Instant::now();
    let mut response = next.run(request).instrument(span.clone()).await;
    let elapsed = start.elapsed();
    let status = response.status();
    let metrics = Metrics::global();
    metrics.request(endpoint, status.as_u16());
    if endpoint == Endpoint::Serial && status.is_success() {
        metrics.signed(elapsed);
    }
    let latency_us = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
    if status.is_client_error() || status.is_server_error() {
        let (r, code) = error_code(response).await;
        response = r;
        let code = code.as_deref().unwrap_or("");
        span.in_scope(|| {
            if status.is_server_error() {
                tracing::error!(status = status.as_u16(), code, latency_us, "answered");
            } else {
                tracing::warn!(status = status.as_u16(), code, latency_us, "answered");
            }
        });
    } else {
        span.in_scope(|| tracing::debug!(status = status.as_u16(), latency_us, "answered"));
    }
    if let Ok(v) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, v);
    }
    response
}

/// `router` with [`observe`] around every route and its fallback. Applied outermost, so
/// it sees the panics answered 500 and every layer's own answers.
pub(crate) fn observed(router: Router) -> Router {
    router.layer(axum::middleware::from_fn(observe))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sane_request_ids_are_kept_and_others_made_up() {
        let mut h = HeaderMap::new();
        h.insert(REQUEST_ID, HeaderValue::from_static("proxy-42_a.b"));
        assert_eq!(request_id(&h), "proxy-42_a.b");
        for bad in ["with space", "quote\"", "", &"a".repeat(65)] {
            let Ok(v) = HeaderValue::from_str(bad) else {
                continue;
            };
            h.insert(REQUEST_ID, v);
            let made = request_id(&h);
            assert_ne!(made, bad);
            assert!(sane_request_id(&made), "{made}");
        }
        let (a, b) = (request_id(&HeaderMap::new()), request_id(&HeaderMap::new()));
        assert_ne!(a, b);
        let (tag, n) = a.split_once('-').unwrap();
        assert_eq!(tag.len(), 12);
        assert!(n.parse::<u64>().is_ok());
    }
}
