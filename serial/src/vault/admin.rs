//! The admin API (`/admin/v1/…`, `Authorization: Bearer <admin token>`): keys, models and
//! the signing log. JSON in and out; errors use the signing API's envelope.

use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde::Deserialize;

mod substore;

use super::Vault;
use crate::error::Error;
use crate::store::LogFilter;

fn auth(v: &Vault, headers: &HeaderMap) -> Result<(), Error> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.strip_prefix("Bearer "));
    v.check_admin_token(token)
}

use axum::Json;

fn json_input<T>(r: Result<Json<T>, axum::extract::rejection::JsonRejection>) -> Result<T, Error> {
    r.map(|j| j.0).map_err(|e| Error::InvalidInput {
        reason: e.body_text(),
    })
}

/// `POST /admin/v1/keys/import`.
#[derive(Debug, Deserialize)]
pub struct ImportKey {
    /// Owner account.
    pub authority_id: String,
    /// Name.
    pub name: String,
    /// PKCS#1 or PKCS#8 PEM.
    pub pem: String,
    /// The brand's account assertion.
    pub account: Option<String>,
    /// The key's account-key assertion.
    pub account_key: Option<String>,
}

/// `POST /admin/v1/keys/generate`.
#[derive(Debug, Deserialize)]
pub struct GenerateKey {
    /// Owner account.
    pub authority_id: String,
    /// Name.
    pub name: String,
    /// Size (default 4096).
    pub bits: Option<usize>,
}

/// `POST /admin/v1/models`.
#[derive(Debug, Deserialize)]
pub struct AddModel {
    /// brand-id.
    pub brand_id: String,
    /// model.
    pub model: String,
    /// The signing key id.
    pub key_id: String,
    /// The API key (random when absent).
    pub api_key: Option<String>,
}

/// `PUT /admin/v1/models/{brand}/{model}/key`.
#[derive(Debug, Deserialize)]
pub struct SetKey {
    /// The new signing key id.
    pub key_id: String,
}

async fn import_key(
    State(v): State<Vault>,
    h: HeaderMap,
    body: Result<Json<ImportKey>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, Error> {
    auth(&v, &h)?;
    let b = json_input(body)?;
    Ok(Json(
        v.import_key(&b.authority_id, &b.name, &b.pem, b.account, b.account_key)
            .await?,
    )
    .into_response())
}

async fn generate_key(
    State(v): State<Vault>,
    h: HeaderMap,
    body: Result<Json<GenerateKey>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, Error> {
    auth(&v, &h)?;
    let b = json_input(body)?;
    Ok(Json(
        v.generate_key(&b.authority_id, &b.name, b.bits.unwrap_or(4096))
            .await?,
    )
    .into_response())
}

async fn list_keys(State(v): State<Vault>, h: HeaderMap) -> Result<Response, Error> {
    auth(&v, &h)?;
    Ok(Json(v.keys().await?).into_response())
}

async fn deactivate_key(
    State(v): State<Vault>,
    h: HeaderMap,
    Path(key_id): Path<String>,
) -> Result<Response, Error> {
    auth(&v, &h)?;
    v.set_key_active(&key_id, false).await?;
    Ok(Json(serde_json::json!({"success": true})).into_response())
}

async fn activate_key(
    State(v): State<Vault>,
    h: HeaderMap,
    Path(key_id): Path<String>,
) -> Result<Response, Error> {
    auth(&v, &h)?;
    v.set_key_active(&key_id, true).await?;
    Ok(Json(serde_json::json!({"success": true})).into_response())
}

async fn add_model(
    State(v): State<Vault>,
    h: HeaderMap,
    body: Result<Json<AddModel>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, Error> {
    auth(&v, &h)?;
    let b = json_input(body)?;
    Ok(Json(
        v.add_model(&b.brand_id, &b.model, &b.key_id, b.api_key)
            .await?,
    )
    .into_response())
}

async fn list_models(State(v): State<Vault>, h: HeaderMap) -> Result<Response, Error> {
    auth(&v, &h)?;
    Ok(Json(v.models().await?).into_response())
}

async fn set_model_key(
    State(v): State<Vault>,
    h: HeaderMap,
    Path((brand, model)): Path<(String, String)>,
    body: Result<Json<SetKey>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, Error> {
    auth(&v, &h)?;
    let b = json_input(body)?;
    v.set_model_key(&brand, &model, &b.key_id).await?;
    Ok(Json(serde_json::json!({"success": true})).into_response())
}

async fn rotate_api_key(
    State(v): State<Vault>,
    h: HeaderMap,
    Path((brand, model)): Path<(String, String)>,
) -> Result<Response, Error> {
    auth(&v, &h)?;
    let key = v.rotate_api_key(&brand, &model).await?;
    Ok(Json(serde_json::json!({"api_key": key})).into_response())
}

async fn signing_log(
    State(v): State<Vault>,
    h: HeaderMap,
    Query(f): Query<LogFilter>,
) -> Result<Response, Error> {
    auth(&v, &h)?;
    Ok(Json(v.signing_log(f).await?).into_response())
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

async fn signing_log_csv(
    State(v): State<Vault>,
    h: HeaderMap,
    Query(mut f): Query<LogFilter>,
) -> Result<Response, Error> {
    auth(&v, &h)?;
    if f.limit.is_none() {
        f.limit = Some(10_000);
    }
    let rows = v.signing_log(f).await?;
    let mut out =
        String::from("id,make,model,serial_number,fingerprint,revision,created,released\n");
    for r in rows {
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{}\n",
            r.id,
            csv_field(&r.make),
            csv_field(&r.model),
            csv_field(&r.serial_number),
            csv_field(&r.fingerprint),
            r.revision,
            csv_field(&r.created),
            r.released
        ));
    }
    Ok((
        [(header::CONTENT_TYPE, HeaderValue::from_static("text/csv"))],
        out,
    )
        .into_response())
}

/// `POST /admin/v1/signing-log/release`.
#[derive(Debug, Deserialize)]
pub struct Release {
    /// brand-id.
    pub brand_id: String,
    /// model.
    pub model: String,
    /// serial number.
    pub serial: String,
}

async fn release(
    State(v): State<Vault>,
    h: HeaderMap,
    body: Result<Json<Release>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, Error> {
    auth(&v, &h)?;
    let b = json_input(body)?;
    let n = v.release_serial(&b.brand_id, &b.model, &b.serial).await?;
    Ok(Json(serde_json::json!({"success": true, "released": n})).into_response())
}

pub(super) fn router(vault: Vault) -> Router {
    let router = Router::new()
        .route("/admin/v1/keys", get(list_keys))
        .route("/admin/v1/keys/import", post(import_key))
        .route("/admin/v1/keys/generate", post(generate_key))
        .route("/admin/v1/keys/{key_id}/deactivate", post(deactivate_key))
        .route("/admin/v1/keys/{key_id}/activate", post(activate_key))
        .route("/admin/v1/models", get(list_models).post(add_model))
        .route("/admin/v1/models/{brand}/{model}/key", put(set_model_key))
        .route(
            "/admin/v1/models/{brand}/{model}/rotate-api-key",
            post(rotate_api_key),
        )
        .route("/admin/v1/signing-log", get(signing_log))
        .route("/admin/v1/signing-log.csv", get(signing_log_csv))
        .route("/admin/v1/signing-log/release", post(release))
        .route(
            "/admin/v1/substores",
            get(substore::list).post(substore::add),
        )
        .route(
            "/admin/v1/substores/{id}",
            axum::routing::delete(substore::delete),
        )
        .layer(DefaultBodyLimit::max(1024 * 1024))
        .with_state(vault);
    super::http::catch_panics(router)
}
