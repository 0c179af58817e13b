//! What wraps every request on both APIs ([`ucore_http_server::trace`]): a request id, a
//! tracing span, the line that says how the request ended, and the metrics
//! ([`Metrics::global`]).
//!
//! * The request id is the caller's `X-Request-Id` when it is 1–64 characters of
//!   `[A-Za-z0-9._-]` (a proxy's id, to follow a request across both logs), else a new
//!   one; it is sent back in `X-Request-Id`.
//! * The span `request` carries `id`, `method` and `path`; every line logged while the
//!   request is handled (the signing line included) is inside it.
//! * The end line has `status` and `latency_us` (microseconds): at DEBUG for a success,
//!   at WARN with the Serial Vault's `code` for a refusal (4xx), at ERROR for a server
//!   fault (5xx). The code is the one the error answer carries as an
//!   [`ErrorCode`](ucore_http_server::ErrorCode) extension ([`super::error`]).
//! * The metrics: requests by endpoint and status, and the signing latency of each
//!   `/v1/serial` answered 200.
//!
//! Headers and bodies are never logged: an `api-key` or admin token cannot reach the logs.

use axum::Router;
use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use ucore_http_server::trace::{Answer, Observer};

use crate::metrics::{Endpoint, Metrics};

pub use ucore_http_server::REQUEST_ID;

/// The vault's [`Observer`]: endpoints by path, answers counted in [`Metrics::global`].
#[derive(Clone, Copy, Debug, Default)]
pub struct VaultRequests;

impl Observer for VaultRequests {
    type Endpoint = Endpoint;

    fn endpoint(&self, _method: &Method, path: &str) -> Endpoint {
        Endpoint::of_path(path)
    }

    fn answered(&self, answer: &Answer<Endpoint>) {
        let metrics = Metrics::global();
        metrics.request(answer.endpoint, answer.status.as_u16());
        if answer.endpoint == Endpoint::Serial && answer.status.is_success() {
            metrics.signed(answer.elapsed);
        }
    }
}

/// Middleware: request id, span, end line and metrics (see the module documentation).
pub async fn observe(request: Request, next: Next) -> Response {
    ucore_http_server::trace::observe(State(VaultRequests), request, next).await
}

/// `router` with [`observe`] around every route and its fallback. Applied outermost, so
/// it sees the panics answered 500 and every layer's own answers.
pub(crate) fn observed(router: Router) -> Router {
    ucore_http_server::observed(router, VaultRequests)
}
