//! Errors on the wire: the Serial Vault's JSON envelope, sent as exactly
//! `application/json` so that snapd shows its `message` (snapd's `retryErr` and status
//! handling in `overlord/devicestate/handlers_serial.go`), plus snapd's `error_list`, and
//! `Retry-After` on a transient fault's 503 ([`crate::error::transient`]); and panics in
//! handlers answered with that envelope.

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tower_http::catch_panic::CatchPanicLayer;

use crate::error::Error;

/// The JSON error envelope.
#[derive(Debug, Serialize, Deserialize)]
pub struct ErrorBody {
    /// Always false.
    pub success: bool,
    /// The Serial Vault error code.
    pub error_code: String,
    /// Always empty.
    pub error_subcode: String,
    /// The human message (shown by snapd).
    pub message: String,
    /// snapd's alternative shape: `[{"code", "message"}]`.
    pub error_list: Vec<ErrorItem>,
}

/// One entry of `error_list`.
#[derive(Debug, Serialize, Deserialize)]
pub struct ErrorItem {
    /// The error code.
    pub code: String,
    /// The message.
    pub message: String,
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if status.is_server_error() && self.retry_after().is_none() {
            tracing::error!(error = %self, "request failed");
        } else {
            tracing::debug!(code = self.code(), error = %self, "request refused");
        }
        let message = self.to_string();
        let body = ErrorBody {
            success: false,
            error_code: self.code().to_string(),
            error_subcode: String::new(),
            message: message.clone(),
            error_list: vec![ErrorItem {
                code: self.code().to_string(),
                message,
            }],
        };
        let bytes = serde_json::to_vec(&body).unwrap_or_default();
        let mut response = (
            status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            bytes,
        )
            .into_response();
        // A transient fault or a limit (503): when to try again.
        if let Some(secs) = self.retry_after() {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        // For the request's end line (`super::trace`), without parsing the body.
        response
            .extensions_mut()
            .insert(ucore_http_server::ErrorCode(self.code()));
        response
    }
}

/// Wraps every route of `router` so that a panic while handling a request becomes a 500
/// with the JSON error envelope ([`Error::RequestPanicked`]) and a log line, instead of a
/// dropped connection; the process and its other requests carry on. Applied last, so it
/// covers the routes and every layer beneath it.
pub(crate) fn catch_panics(router: Router) -> Router {
    router.layer(CatchPanicLayer::custom(panic_response))
}

fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let what = crate::error::panic_text(&*panic);
    tracing::error!(panic = what, "request handler panicked");
    Error::RequestPanicked.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::get;

    async fn boom() -> &'static str {
        panic!("handler bug")
    }

    /// A handler that panics answers 500 with the JSON envelope, and the server answers the
    /// next request: the panic took neither the connection task nor the process down.
    #[test]
    fn a_panicking_handler_is_a_500_with_the_envelope() {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let router = catch_panics(
                Router::new()
                    .route("/boom", get(boom))
                    .route("/fine", get(|| async { "fine" })),
            );
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            tokio::spawn(async move { axum::serve(listener, router).await });
            let answers = tokio::task::spawn_blocking(move || {
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .http_status_as_error(false)
                    .build()
                    .into();
                ["boom", "fine", "boom"].map(|path| {
                    let mut r = agent.get(format!("http://{addr}/{path}")).call().unwrap();
                    let status = r.status().as_u16();
                    (status, r.body_mut().read_to_string().unwrap())
                })
            })
            .await
            .unwrap();
            let [(s1, b1), (s2, b2), (s3, _)] = answers;
            assert_eq!((s1, s2, s3), (500, 200, 500));
            assert_eq!(b2, "fine");
            let e: ErrorBody = serde_json::from_str(&b1).unwrap();
            assert_eq!(e.error_code, "server-error");
            assert_eq!(e.message, "Internal error while handling the request");
        });
    }
}
