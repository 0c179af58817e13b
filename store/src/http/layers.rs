//! What wraps every request: a request id, a tracing span and an access-log line
//! ([`ucore_http_server::trace`], the line at DEBUG: errors are logged where they are
//! answered), the metrics ([`Endpoint`] and status class, latency, error codes), and the
//! time allowed to the handler.
//!
//! The time limit runs until the response head: `request_timeout` for every route but
//! the upload, which gets `upload_timeout` (it reads the whole `.snap`). A download's
//! body streams after its head, so the limit never cuts a download short. A handler out
//! of time answers 503 `service-unavailable` (snapd retries those).

use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use ucore_http_server::trace::{Answer, EndLine, Observer};

use super::error::error_response;
use crate::metrics::Endpoint;
use crate::state::Store;

/// The request-id header: taken from the request when it is sane, made up otherwise,
/// and always sent back.
pub use ucore_http_server::REQUEST_ID;

/// The store's [`Observer`]: endpoint classes by method and path, answers counted in
/// the store's metrics (by endpoint, status class and latency, and by error code).
#[derive(Clone, Debug)]
pub(super) struct StoreRequests(pub Store);

impl Observer for StoreRequests {
    type Endpoint = Endpoint;

    fn endpoint(&self, method: &Method, path: &str) -> Endpoint {
        Endpoint::classify(method.as_str(), path)
    }

    fn answered(&self, answer: &Answer<Endpoint>) {
        let metrics = &self.0.metrics;
        metrics.request(answer.endpoint, answer.status.as_u16(), answer.elapsed);
        if let Some(code) = answer.code {
            metrics.error(code);
        }
    }

    fn end_line(&self) -> EndLine {
        EndLine::quiet()
    }
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
