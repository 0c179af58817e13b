//! Extractors: what a handler needs from a request, with the vault's own refusals.
//!
//! * [`ApiKey`]: the `api-key` header a device sends (checked by the vault, which answers
//!   `invalid-api-key` itself).
//! * [`AdminAuth`]: the admin API's `Authorization: Bearer <token>`, checked before anything
//!   else is read (`invalid-admin-token`, 401).
//! * [`JsonInput`]: a JSON body; a body that does not parse is `invalid-input` with
//!   axum's text, in the vault's envelope.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;

use crate::error::Error;
use crate::vault::Vault;

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

/// A JSON request body of type `T`.
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
            .map_err(|e| Error::InvalidInput(e.body_text().into()))
    }
}
