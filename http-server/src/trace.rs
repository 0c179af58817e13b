//! What wraps every request of a router ([`observed`]): a request id, a tracing span, the
//! line that says how the request ended, and a call to the application's [`Observer`]
//! (its metrics).
//!
//! * The request id is the caller's `X-Request-Id` when it is 1–64 characters of
//!   `[A-Za-z0-9._-]` (a proxy's id, to follow a request across both logs), else a new
//!   one (a random process tag, a dash, a sequence number); it is sent back in
//!   `X-Request-Id`.
//! * The span `request` carries `id`, `method` and `path`; every line logged while the
//!   request is handled is inside it.
//! * The end line, `answered`, has `status`, `latency_us` (microseconds) and, for an error
//!   answer that carries one, the application's `code` ([`ErrorCode`]); its level is the
//!   observer's [`EndLine`] for a success, a refusal (4xx) or a server fault (5xx).
//!
//! Headers and bodies are never logged: credentials cannot reach the logs.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use tracing::{Instrument as _, Level};

use crate::error_code::ErrorCode;

/// The request-id header.
pub const REQUEST_ID: &str = "x-request-id";

/// How a request was answered, for the [`Observer`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Answer<E> {
    /// The endpoint, as the observer named it.
    pub endpoint: E,
    /// The status answered.
    pub status: StatusCode,
    /// From the request's arrival at the layer to its response head.
    pub elapsed: Duration,
    /// The [`ErrorCode`] the answer carries, if any.
    pub code: Option<&'static str>,
}

/// The levels of the end line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EndLine {
    /// For a success (below 400). Default DEBUG.
    pub success: Level,
    /// For a refusal (4xx). Default WARN.
    pub refusal: Level,
    /// For a server fault (5xx). Default ERROR.
    pub fault: Level,
}

impl Default for EndLine {
    fn default() -> Self {
        EndLine {
            success: Level::DEBUG,
            refusal: Level::WARN,
            fault: Level::ERROR,
        }
    }
}

impl EndLine {
    /// Every end line at DEBUG (for an application that logs its errors itself).
    pub fn quiet() -> Self {
        EndLine {
            success: Level::DEBUG,
            refusal: Level::DEBUG,
            fault: Level::DEBUG,
        }
    }

    fn level(&self, status: StatusCode) -> Level {
        if status.is_server_error() {
            self.fault
        } else if status.is_client_error() {
            self.refusal
        } else {
            self.success
        }
    }
}

/// What an application does with each request: name its endpoint (before the handler
/// runs), and hear how it was answered.
pub trait Observer: Clone + Send + Sync + 'static {
    /// The application's name for an endpoint (a metrics label).
    type Endpoint: Copy + Send + Sync + 'static;

    /// The endpoint a request goes to.
    fn endpoint(&self, method: &Method, path: &str) -> Self::Endpoint;

    /// A request was answered (count it).
    fn answered(&self, answer: &Answer<Self::Endpoint>);

    /// The levels of the end line ([`EndLine::default`] unless overridden).
    fn end_line(&self) -> EndLine {
        EndLine::default()
    }
}

/// Whether `given` may serve as a request id.
fn sane_request_id(given: &str) -> bool {
    (1..=64).contains(&given.len())
        && given
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// The request's id: the caller's if sane, else a random process tag and a sequence number.
pub fn request_id(headers: &HeaderMap) -> String {
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

/// The end line at `level`.
fn end_line(level: Level, status: u16, code: Option<&'static str>, latency_us: u64) {
    if level == Level::ERROR {
        tracing::error!(status, code, latency_us, "answered");
    } else if level == Level::WARN {
        tracing::warn!(status, code, latency_us, "answered");
    } else if level == Level::INFO {
        tracing::info!(status, code, latency_us, "answered");
    } else if level == Level::DEBUG {
        tracing::debug!(status, code, latency_us, "answered");
    } else {
        tracing::trace!(status, code, latency_us, "answered");
    }
}

/// Middleware: request id, span, end line and the observer (see the module
/// documentation).
pub async fn observe<O: Observer>(
    State(observer): State<O>,
    request: Request,
    next: Next,
) -> Response {
    let endpoint = observer.endpoint(request.method(), request.uri().path());
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
    let code = ErrorCode::of(&response);
    observer.answered(&Answer {
        endpoint,
        status,
        elapsed,
        code,
    });
    let latency_us = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
    let level = observer.end_line().level(status);
    span.in_scope(|| end_line(level, status.as_u16(), code, latency_us));
    if let Ok(v) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, v);
    }
    response
}

/// `router` with [`observe`] around every route and its fallback. Apply it outermost, so
/// that it sees every layer's own answers (panics answered 500 included).
pub fn observed<O: Observer>(router: Router, observer: O) -> Router {
    router.layer(axum::middleware::from_fn_with_state(observer, observe::<O>))
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

    #[test]
    fn end_line_levels_by_status_class() {
        let d = EndLine::default();
        assert_eq!(d.level(StatusCode::OK), Level::DEBUG);
        assert_eq!(d.level(StatusCode::NOT_FOUND), Level::WARN);
        assert_eq!(d.level(StatusCode::SERVICE_UNAVAILABLE), Level::ERROR);
        assert_eq!(
            EndLine::quiet().level(StatusCode::BAD_GATEWAY),
            Level::DEBUG
        );
    }
}
