//! Extractors: what a handler needs from a request, with the vault's own refusals, so that
//! every refusal is the vault's JSON envelope ([`crate::http::error`]), never axum's text.
//!
//! * [`ApiKey`]: the `api-key` header a device sends (checked by the vault, which answers
//!   `invalid-api-key` itself).
//! * [`AdminAuth`]: the admin API's `Authorization: Bearer <token>`, checked before anything
//!   else is read (`invalid-admin-token`, 401).
//! * [`JsonInput`]: a JSON body; a body over the limit is `too-large` (413), a body that
//!   does not parse `error-decode-json` (400, the Serial Vault's code), a missing JSON
//!   content type 415.
//! * [`PathInput`], [`QueryInput`]: path and query parameters; a bad one is
//!   `invalid-input` (400).
//! * [`not_found`], [`method_not_allowed`]: the routers' fallbacks (404, 405).

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};

use crate::error::Error;
use crate::vault::Vault;

/// The largest admin API body (413 beyond).
pub const ADMIN_MAX_BODY_BYTES: usize = 1024 * 1024;

/// The `api-key` header, if there is one and it is text.
#[derive(Debug, Clone)]
pub struct ApiKey(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for ApiKey {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ApiKey(
            parts
                .headers
                .get("api-key")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string),
        ))
    }
}

/// Proof that the request carries the vault's admin token.
#[derive(Debug, Clone, Copy)]
pub struct AdminAuth;

impl FromRequestParts<Vault> for AdminAuth {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, vault: &Vault) -> Result<Self, Error> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|h| h.to_str().ok())
            .and_then(|h| h.strip_prefix("Bearer "));
        vault.check_admin_token(token)?;
        Ok(AdminAuth)
    }
}

/// A JSON request body of type `T` (on the admin API, whose limit is
/// [`ADMIN_MAX_BODY_BYTES`]).
#[derive(Debug, Clone)]
pub struct JsonInput<T>(pub T);

impl<T, S> FromRequest<S> for JsonInput<T>
where
    axum::Json<T>: FromRequest<S, Rejection = JsonRejection>,
    S: Send + Sync,
{
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, Error> {
        axum::Json::<T>::from_request(req, state)
            .await
            .map(|axum::Json(v)| JsonInput(v))
            .map_err(json_refusal)
    }
}

fn json_refusal(e: JsonRejection) -> Error {
    match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => Error::BodyTooLarge {
            limit: ADMIN_MAX_BODY_BYTES,
        },
        StatusCode::UNSUPPORTED_MEDIA_TYPE => Error::Rejected {
            status: 415,
            code: "error-decode-json",
            message: e.body_text(),
        },
        _ => match e {
            JsonRejection::JsonDataError(_) | JsonRejection::JsonSyntaxError(_) => {
                Error::Rejected {
                    status: 400,
                    code: "error-decode-json",
                    message: e.body_text(),
                }
            }
            other => Error::InvalidInput(other.body_text().into()),
        },
    }
}

fn invalid_parameter(message: String) -> Error {
    Error::Rejected {
        status: 400,
        code: "invalid-input",
        message,
    }
}

/// Path parameters of type `T`.
#[derive(Debug, Clone)]
pub struct PathInput<T>(pub T);

impl<T, S> FromRequestParts<S> for PathInput<T>
where
    axum::extract::Path<T>: FromRequestParts<S, Rejection = PathRejection>,
    S: Send + Sync,
{
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Error> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(v)| PathInput(v))
            .map_err(|e| invalid_parameter(e.body_text()))
    }
}

/// Query parameters of type `T`.
#[derive(Debug, Clone)]
pub struct QueryInput<T>(pub T);

impl<T, S> FromRequestParts<S> for QueryInput<T>
where
    axum::extract::Query<T>: FromRequestParts<S, Rejection = QueryRejection>,
    S: Send + Sync,
{
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Error> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(v)| QueryInput(v))
            .map_err(|e| invalid_parameter(e.body_text()))
    }
}

/// The routers' fallback: no such path (404, `not-found`).
pub async fn not_found(uri: axum::http::Uri) -> Error {
    Error::Rejected {
        status: 404,
        code: "not-found",
        message: format!("{} not found", uri.path()),
    }
}

/// The routers' fallback for a known path and another method (405, `method-not-allowed`).
pub async fn method_not_allowed(method: axum::http::Method, uri: axum::http::Uri) -> Error {
    Error::Rejected {
        status: 405,
        code: "method-not-allowed",
        message: format!("method {method} not allowed on {}", uri.path()),
    }
}
