//! What the device handlers take from a request: the [`Viewer`] (device session and/or
//! publishing credential), the device's architecture, and JSON bodies with the store's
//! refusals.

use axum::body::Bytes;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use serde::de::DeserializeOwned;
use ucore_assertions::Timestamp;
use ucore_store_client::protocol::{ApiLevel, MacaroonAuthorization};

use crate::credential;
use crate::error::Error;
use crate::state::Store;
use crate::visibility::Viewer;

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The viewer of a request: a device session from `Snap-Device-Authorization` (v2) or
/// `X-Device-Authorization` (v1, downloads, assertions), and a publishing credential
/// from `Authorization`. A header that is present but wrong is refused (401; an expired
/// session asks snapd to open a new one), never silently ignored.
#[derive(Clone, Debug)]
pub struct RequestViewer(pub Viewer);

impl FromRequestParts<Store> for RequestViewer {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, store: &Store) -> Result<Self, Error> {
        let mut viewer = Viewer::anonymous();
        let device = header_str(&parts.headers, ApiLevel::V2.device_authorization())
            .or_else(|| header_str(&parts.headers, ApiLevel::V1.device_authorization()));
        if let Some(value) = device {
            let auth = MacaroonAuthorization::parse(value)
                .ok_or_else(|| Error::unauthorized("malformed device authorization header"))?;
            let session =
                store
                    .sessions
                    .verify(&auth.root, &store.settings.store_id, Timestamp::now())?;
            viewer.device = Some(session);
        }
        if let Some(value) = header_str(&parts.headers, header::AUTHORIZATION.as_str()) {
            let auth = MacaroonAuthorization::parse(value)
                .ok_or_else(|| Error::unauthorized("malformed authorization header"))?;
            viewer.credential = Some(credential::authenticate(&store.db, &auth).await?);
        }
        Ok(RequestViewer(viewer))
    }
}

/// The device's architecture: `?architecture=` where the endpoint has it, else
/// `Snap-Device-Architecture` (v2) or `X-Ubuntu-Architecture` (v1); `None` when the
/// request names none (then every architecture matches).
#[derive(Clone, Debug)]
pub struct Architecture(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for Architecture {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Error> {
        let from_query = parts.uri.query().and_then(|q| {
            q.split('&')
                .filter_map(|kv| kv.split_once('='))
                .find(|(k, _)| *k == "architecture")
                .map(|(_, v)| v.to_string())
        });
        let arch = from_query
            .or_else(|| header_str(&parts.headers, ApiLevel::V2.architecture()).map(str::to_string))
            .or_else(|| header_str(&parts.headers, ApiLevel::V1.architecture()).map(str::to_string))
            .filter(|a| !a.is_empty());
        if let Some(a) = &arch
            && (a.len() > 32
                || !a
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
        {
            return Err(Error::BadRequest(format!("invalid architecture {a:?}")));
        }
        Ok(Architecture(arch))
    }
}

/// A JSON body of type `T`; a body over the limit is [`Error::TooLarge`], one that does
/// not parse is [`Error::BadRequest`] with serde's text (and the path to the bad field).
///
/// A body of `Content-Type: application/json` (what snapd sends) is decoded straight
/// with serde_json; only when that fails is it decoded again the way `axum::Json` does
/// (tracking the path, which costs on every value) for the error's text. Any other
/// content type goes through `axum::Json` as is, which decides on it.
#[derive(Clone, Debug)]
pub struct JsonBody<T>(pub T);

/// Whether the request's content type is plainly `application/json`.
fn plain_json(headers: &HeaderMap) -> bool {
    header_str(headers, header::CONTENT_TYPE.as_str())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"))
}

fn json_refusal(e: &JsonRejection, store: &Store) -> Error {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        Error::TooLarge {
            limit: store.settings.max_body_size,
        }
    } else {
        Error::BadRequest(e.body_text())
    }
}

impl<T> FromRequest<Store> for JsonBody<T>
where
    T: DeserializeOwned,
    axum::Json<T>: FromRequest<Store, Rejection = JsonRejection>,
{
    type Rejection = Error;

    async fn from_request(req: Request, store: &Store) -> Result<Self, Error> {
        if !plain_json(req.headers()) {
            return match axum::Json::<T>::from_request(req, store).await {
                Ok(axum::Json(v)) => Ok(JsonBody(v)),
                Err(e) => Err(json_refusal(&e, store)),
            };
        }
        let bytes = Bytes::from_request(req, store)
            .await
            .map_err(|e| json_refusal(&JsonRejection::from(e), store))?;
        if let Ok(v) = serde_json::from_slice::<T>(&bytes) {
            return Ok(JsonBody(v));
        }
        match axum::Json::<T>::from_bytes(&bytes) {
            Ok(axum::Json(v)) => Ok(JsonBody(v)),
            Err(e) => Err(json_refusal(&e, store)),
        }
    }
}
