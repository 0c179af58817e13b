//! The publishing API on HTTP (`/api/v1/publisher/…`, see [`crate::publisher_api`]): thin
//! handlers over [`crate::publish`].
//!
//! A validation set is pushed as its assertion (`application/x.ubuntu.assertion`), capped
//! at `settings.max_body_size` like the JSON bodies.
//!
//! Every route authenticates first, from the `Authorization: Macaroon root="<id>",
//! discharge="<secret>"` header ([`PublisherAuth`]), before any body is read. JSON bodies
//! are capped at `settings.max_body_size`; an upload is streamed to the blob store as it
//! arrives (never buffered whole) and capped at `settings.max_snap_size`, refused up front
//! when its `Content-Length` says it is larger. Errors are the store's error JSON.

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, FromRequestParts, Path, RawQuery, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use ucore_store_client::protocol::MacaroonAuthorization;

use super::device::extract::JsonBody;
use crate::db::CredentialScope;
use crate::publish::ValidationSetError;
use crate::publisher_api::{
    Close, Closed, InterfaceRulesSet, NameRegistered, Pushed, RegisterName, Release, Released,
    SetInterfaceRules, SnapStatus, ValidationSetList, ValidationSetPushed,
};
use crate::{Error, Store, credential, publish};

/// The publishing API's routes, with `store` as their state.
pub fn router(store: Store) -> Router {
    let json_limit = usize::try_from(store.settings.max_body_size).unwrap_or(usize::MAX);
    let json_routes = Router::new()
        .route("/api/v1/publisher/names", post(register_name))
        .route("/api/v1/publisher/releases", post(release))
        .route("/api/v1/publisher/close", post(close))
        .route("/api/v1/publisher/snaps/{name}", get(status))
        .route(
            "/api/v1/publisher/snaps/{name}/interface-rules",
            put(set_interface_rules),
        )
        .route(
            "/api/v1/publisher/validation-sets",
            post(push_validation_set).get(validation_sets),
        )
        .layer(DefaultBodyLimit::max(json_limit));
    let upload = Router::new()
        .route("/api/v1/publisher/snaps", post(push))
        .layer(DefaultBodyLimit::disable());
    json_routes.merge(upload).with_state(store)
}

/// The scope of the credential a request carries: [`Error::Unauthorized`] when there is
/// none, it is malformed, unknown or wrong (one answer for all).
#[derive(Debug, Clone)]
pub struct PublisherAuth(pub CredentialScope);

impl FromRequestParts<Store> for PublisherAuth {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, store: &Store) -> Result<Self, Error> {
        let auth = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|h| h.to_str().ok())
            .and_then(MacaroonAuthorization::parse)
            .ok_or_else(|| {
                Error::unauthorized("a publisher credential is required (Authorization: Macaroon)")
            })?;
        credential::authenticate(&store.db, &auth)
            .await
            .map(PublisherAuth)
    }
}

async fn register_name(
    State(store): State<Store>,
    PublisherAuth(scope): PublisherAuth,
    JsonBody(req): JsonBody<RegisterName>,
) -> Result<Json<NameRegistered>, Error> {
    publish::register_name(&store, &scope, &req).await.map(Json)
}

async fn push(
    State(store): State<Store>,
    PublisherAuth(scope): PublisherAuth,
    RawQuery(query): RawQuery,
    headers: axum::http::HeaderMap,
    body: Body,
) -> Result<Json<Pushed>, Error> {
    let release = release_channels(query.as_deref().unwrap_or(""))?;
    let limit = store.settings.max_snap_size;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(Error::TooLarge { limit });
    }
    publish::push(&store, &scope, body.into_data_stream(), &release)
        .await
        .map(Json)
}

async fn release(
    State(store): State<Store>,
    PublisherAuth(scope): PublisherAuth,
    JsonBody(req): JsonBody<Release>,
) -> Result<Json<Released>, Error> {
    publish::release(&store, &scope, &req).await.map(Json)
}

async fn close(
    State(store): State<Store>,
    PublisherAuth(scope): PublisherAuth,
    JsonBody(req): JsonBody<Close>,
) -> Result<Json<Closed>, Error> {
    publish::close(&store, &scope, &req).await.map(Json)
}

async fn status(
    State(store): State<Store>,
    PublisherAuth(scope): PublisherAuth,
    path: Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> Result<Json<SnapStatus>, Error> {
    let Path(name) = path.map_err(|e| Error::BadRequest(e.body_text()))?;
    publish::status(&store, &scope, &name).await.map(Json)
}

async fn set_interface_rules(
    State(store): State<Store>,
    PublisherAuth(scope): PublisherAuth,
    path: Result<Path<String>, axum::extract::rejection::PathRejection>,
    JsonBody(req): JsonBody<SetInterfaceRules>,
) -> Result<Json<InterfaceRulesSet>, Error> {
    let Path(name) = path.map_err(|e| Error::BadRequest(e.body_text()))?;
    publish::set_interface_rules(&store, &scope, &name, &req)
        .await
        .map(Json)
}

/// The media type of an assertion body.
const ASSERTION_MEDIA_TYPE: &str = "application/x.ubuntu.assertion";

async fn push_validation_set(
    State(store): State<Store>,
    PublisherAuth(scope): PublisherAuth,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Result<Json<ValidationSetPushed>, Error> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let media_type = content_type.split(';').next().unwrap_or("").trim();
    if !media_type.eq_ignore_ascii_case(ASSERTION_MEDIA_TYPE) {
        store.metrics.validation_set_refused();
        return Err(ValidationSetError::MediaType(content_type.to_string()).into());
    }
    publish::push_validation_set(&store, &scope, &body)
        .await
        .map(Json)
}

async fn validation_sets(
    State(store): State<Store>,
    PublisherAuth(scope): PublisherAuth,
    RawQuery(query): RawQuery,
) -> Result<Json<ValidationSetList>, Error> {
    let name = query_values(query.as_deref().unwrap_or(""), "name")?
        .into_iter()
        .next_back();
    publish::validation_sets(&store, &scope, name.as_deref())
        .await
        .map(Json)
}

/// The `release` parameters of an upload's query string, percent-decoded, in order.
fn release_channels(query: &str) -> Result<Vec<String>, Error> {
    query_values(query, "release")
}

/// The values of the parameter `name` in a query string, percent-decoded, in order.
fn query_values(query: &str, name: &str) -> Result<Vec<String>, Error> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
        .filter(|(key, _)| *key == name)
        .map(|(_, value)| percent_decode(value))
        .collect()
}

/// `application/x-www-form-urlencoded` decoding of one value: `+` is a space, `%XX` a
/// byte; the result must be UTF-8.
fn percent_decode(value: &str) -> Result<String, Error> {
    let bad = || Error::BadRequest(format!("invalid query parameter value {value:?}"));
    let mut out = Vec::with_capacity(value.len());
    let mut bytes = value.bytes();
    while let Some(b) = bytes.next() {
        out.push(match b {
            b'+' => b' ',
            b'%' => {
                let hi = bytes.next().and_then(|c| char::from(c).to_digit(16));
                let lo = bytes.next().and_then(|c| char::from(c).to_digit(16));
                match (hi, lo) {
                    (Some(hi), Some(lo)) => u8::try_from(hi * 16 + lo).map_err(|_| bad())?,
                    _ => return Err(bad()),
                }
            }
            b => b,
        });
    }
    String::from_utf8(out).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_parameters_are_decoded_in_order() {
        assert_eq!(
            release_channels("release=stable&x=1&release=2.0%2Fbeta&release=edge%2fa+b").unwrap(),
            ["stable", "2.0/beta", "edge/a b"]
        );
        assert!(release_channels("").unwrap().is_empty());
        assert_eq!(release_channels("release").unwrap(), [""]);
        assert!(release_channels("release=%2").is_err());
        assert!(release_channels("release=%zz").is_err());
        assert!(release_channels("release=%ff").is_err());
    }
}
