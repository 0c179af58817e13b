//! Errors on the wire. Every error answer is `{"error-list": [{"code", "message"}]}` as
//! `application/json` (the body snapd's store client reads, §3.8), with the status of
//! [`Error::http_status`]:
//!
//! * [`Error`] answers itself ([`IntoResponse`]); a 401 whose device session should be
//!   renewed carries `WWW-Authenticate: Macaroon refresh_device_session=1`.
//! * axum's own refusals (JSON that does not parse, a missing `Content-Type`, a body over
//!   the limit, an unknown route, a wrong method) are rewritten into that body, keeping
//!   their status and headers ([`json_errors`]).
//! * A panicking handler answers 500 with that body ([`Error::RequestPanicked`]), and the
//!   server carries on ([`catch_panics`]).
//!
//! Server errors (5xx) are logged at `error` with their causes; refusals (4xx) at `debug`.
//! The answer carries the [`ErrorCode`] as a response extension, so that the request
//! layer counts errors by code in [`Metrics`](crate::metrics::Metrics).

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_http::catch_panic::CatchPanicLayer;
use ucore_store_client::protocol::ErrorList;

use crate::error::Error;
use crate::state::Store;

/// The store error code of an error answer, left in the response's extensions.
pub use ucore_http_server::ErrorCode;

/// Longest error text of axum's that is carried over into the JSON `message`.
const MAX_REWRITTEN_BODY: usize = 4096;

/// An error answer: `status`, and `{"error-list": [{code, message}]}` as JSON.
pub fn error_response(
    status: StatusCode,
    code: &'static str,
    message: impl Into<String>,
) -> Response {
    let body = serde_json::to_vec(&ErrorList::one(code, message)).unwrap_or_default();
    let mut response = (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response();
    response.extensions_mut().insert(ErrorCode(code));
    response
}

/// The error and its causes, `: `-separated, for the log.
fn with_causes(e: &Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let more = s.to_string();
        if !text.ends_with(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = s.source();
    }
    text
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if status.is_server_error() {
            tracing::error!(code = self.code(), error = %with_causes(&self), "request failed");
        } else {
            tracing::debug!(code = self.code(), error = %self, "request refused");
        }
        let mut response = error_response(status, self.code(), self.to_string());
        if let Error::Unauthorized {
            refresh_session: true,
            ..
        } = self
        {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Macaroon refresh_device_session=1"),
            );
        }
        response
    }
}

/// The store error code for a status that axum (or hyper) chose.
fn code_for_status(status: StatusCode) -> &'static str {
    match status.as_u16() {
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not-found",
        405 => "method-not-allowed",
        408 => "request-timeout",
        409 => "conflict",
        413 => "too-large",
        415 => "unsupported-media-type",
        429 => "too-many-requests",
        503 => "service-unavailable",
        s if s >= 500 => "internal-error",
        _ => "invalid-request",
    }
}

/// Middleware: rewrites every error answer (status ≥ 400) that is not already JSON
/// (`application/json`, or the assertions endpoint's `application/problem+json`) into
/// the `error-list` body, keeping its status and headers (`Allow` of a 405, …). axum's
/// text (e.g. `Failed to parse the request body as JSON: …`) becomes the message.
pub async fn json_errors(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.starts_with("application/json") || v.starts_with("application/problem+json")
        });
    if status.as_u16() < 400 || is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, MAX_REWRITTEN_BODY)
        .await
        .ok()
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    let message = match status {
        StatusCode::NOT_FOUND if text.is_empty() => format!("no such endpoint: {method} {path}"),
        StatusCode::METHOD_NOT_ALLOWED if text.is_empty() => {
            format!("method {method} is not allowed on {path}")
        }
        _ if text.is_empty() => status
            .canonical_reason()
            .unwrap_or("request failed")
            .to_lowercase(),
        _ => text,
    };
    let code = code_for_status(status);
    tracing::debug!(%status, code, %message, "request refused by the router");
    let rewritten = error_response(status, code, message);
    let (new_parts, new_body) = rewritten.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    for (name, value) in &new_parts.headers {
        parts.headers.insert(name, value.clone());
    }
    parts.extensions.extend(new_parts.extensions);
    Response::from_parts(parts, Body::new(new_body))
}

/// The answer to a request no route takes: 404 with the error body.
pub async fn no_route(request: Request) -> Response {
    Error::NotFound(format!(
        "no such endpoint: {} {}",
        request.method(),
        request.uri().path()
    ))
    .into_response()
}

/// What a panic said: its `&str` or `String` payload.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> &str {
    if let Some(text) = payload.downcast_ref::<&'static str>() {
        text
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text
    } else {
        "(a panic without a message)"
    }
}

/// Wraps `router` so that a panic while handling a request becomes a 500 with the error
/// body ([`Error::RequestPanicked`]), a log line and a count in the metrics, instead of a
/// dropped connection; the process and its other requests carry on.
pub fn catch_panics(router: Router, store: &Store) -> Router {
    let store = store.clone();
    router.layer(CatchPanicLayer::custom(
        move |panic: Box<dyn std::any::Any + Send + 'static>| {
            tracing::error!(panic = panic_message(&*panic), "request handler panicked");
            store.metrics.panic();
            Error::RequestPanicked.into_response()
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn body_of(r: Response) -> ErrorList {
        let b = axum::body::to_bytes(r.into_body(), 1 << 16).await.unwrap();
        serde_json::from_slice(&b).unwrap()
    }

    #[tokio::test]
    async fn errors_answer_with_the_error_list() {
        let r = Error::Conflict("revision 3 exists".into()).into_response();
        assert_eq!(r.status(), 409);
        assert_eq!(r.headers()[header::CONTENT_TYPE], "application/json");
        assert_eq!(
            r.extensions().get::<ErrorCode>(),
            Some(&ErrorCode("conflict"))
        );
        assert!(r.headers().get(header::WWW_AUTHENTICATE).is_none());
        assert_eq!(
            body_of(r).await,
            ErrorList::one("conflict", "revision 3 exists")
        );
    }

    #[tokio::test]
    async fn an_expired_session_asks_for_a_new_one() {
        let r = Error::Unauthorized {
            message: "session expired".into(),
            refresh_session: true,
        }
        .into_response();
        assert_eq!(r.status(), 401);
        assert_eq!(
            r.headers()[header::WWW_AUTHENTICATE],
            "Macaroon refresh_device_session=1"
        );
        let plain = Error::unauthorized("no").into_response();
        assert!(plain.headers().get(header::WWW_AUTHENTICATE).is_none());
    }

    #[test]
    fn causes_are_logged_once() {
        let e = Error::io(
            "cannot open x",
            std::io::Error::new(std::io::ErrorKind::NotFound, "gone"),
        );
        assert_eq!(with_causes(&e), "cannot open x: gone");
        let e = Error::database(
            "insert",
            false,
            Some(Box::new(std::io::Error::other("disk full")) as crate::error::Cause),
        );
        assert_eq!(with_causes(&e), "database error: insert: disk full");
    }

    #[test]
    fn statuses_have_codes() {
        assert_eq!(code_for_status(StatusCode::PAYLOAD_TOO_LARGE), "too-large");
        assert_eq!(
            code_for_status(StatusCode::UNPROCESSABLE_ENTITY),
            "invalid-request"
        );
        assert_eq!(code_for_status(StatusCode::BAD_GATEWAY), "internal-error");
        assert_eq!(
            code_for_status(StatusCode::SERVICE_UNAVAILABLE),
            "service-unavailable"
        );
    }
}
