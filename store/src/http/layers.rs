//! What wraps every request: a request id, a tracing span and an access-log line, the
//! metrics ([`Endpoint`] and status class, latency, error codes), and the time allowed
//! to the handler.
//!
//! The time limit runs until the response head: `request_timeout` for every route but
//! the upload, which gets `upload_timeout` (it reads the whole `.snap`). A download's
//! body streams after its head, so the limit never cuts a download short. A handler out
//! of time answers 503 `service-unavailable` (snapd retries those).

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument as _;

use super::error::{ErrorCode, error_response};
use crate::metrics::Endpoint;
use crate::state::Store;

/// The request-id header: taken from the request when it is sane, made up otherwise,
/// and always sent back.
pub const REQUEST_ID: &str = "x-request-id";

/// A request id: the caller's `X-Request-Id` if it is 1–64 characters of `[A-Za-z0-9._-]`,
/// else a process prefix and a counter.
fn request_id(headers: &HeaderMap) -> String {
    if let Some(given) = headers.get(REQUEST_ID).and_then(|v| v.to_str().ok())
        && (1..=64).contains(&given.len())
        && given
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    {
        return given.to_string();
    }
    static PREFIX: OnceLock<u32> = OnceLock::new();
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let prefix = PREFIX.get_or_init(|| {
        let mut b = [0u8; 4];
        rand::fill(&mut b);
        u32::from_be_bytes(b)
    });
    format!("{prefix:08x}-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// Middleware: request id, span, access log and metrics. Outermost, so it sees every
/// answer, the error rewrites and the panics included.
pub async fn observe(State(store): State<Store>, request: Request, next: Next) -> Response {
    let endpoint = Endpoint::classify(request.method().as_str(), request.uri().path());
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
    store.metrics.request(endpoint, status.as_u16(), elapsed);
    if let Some(ErrorCode(code)) = response.extensions().get::<ErrorCode>() {
        store.metrics.error(code);
    }
    if let Ok(v) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, v);
    }
    span.in_scope(|| {
        tracing::debug!(
            status = status.as_u16(),
            micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX),
            "answered"
        );
    });
    response
}

/// The time a request of this class may take to its response head.
fn time_allowed(store: &Store, endpoint: Endpoint) -> Duration {
    let limits = &store.settings.limits;
    match endpoint {
        Endpoint::Upload => limits.upload_timeout,
        _ => limits.request_timeout,
    }
}

/// Middleware: the handler's time limit (see the module documentation).
pub async fn time_limit(State(store): State<Store>, request: Request, next: Next) -> Response {
    let endpoint = Endpoint::classify(request.method().as_str(), request.uri().path());
    let allowed = time_allowed(&store, endpoint);
    match tokio::time::timeout(allowed, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            store.metrics.request_timeout();
            tracing::warn!(?allowed, "request handler ran out of time");
            error_response(
                StatusCode::SERVICE_UNAVAILABLE,
                "service-unavailable",
                format!(
                    "the request was not handled within {} seconds",
                    allowed.as_secs_f64()
                ),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sane_request_ids_are_kept_and_others_made_up() {
        let mut h = HeaderMap::new();
        h.insert(REQUEST_ID, HeaderValue::from_static("abc-123_x.y"));
        assert_eq!(request_id(&h), "abc-123_x.y");
        h.insert(REQUEST_ID, HeaderValue::from_static("bad id\"with junk"));
        let made = request_id(&h);
        assert_ne!(made, "bad id\"with junk");
        let (prefix, n) = made.split_once('-').unwrap();
        assert_eq!(prefix.len(), 8);
        assert!(n.parse::<u64>().is_ok());
        assert_ne!(request_id(&HeaderMap::new()), request_id(&HeaderMap::new()));
        h.insert(REQUEST_ID, HeaderValue::from_str(&"a".repeat(65)).unwrap());
        assert_ne!(request_id(&h), "a".repeat(65));
    }
}
