//! The admin API (`/admin/v1/…`, `Authorization: Bearer <admin token>`): keys, models and
//! the signing log. JSON in and out; errors use the signing API's envelope.

use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use super::admin_substore as substore;
use super::error::catch_panics;
use super::extract::{
    ADMIN_MAX_BODY_BYTES, AdminAuth, JsonInput, PathInput as Path, QueryInput as Query,
    method_not_allowed, not_found,
};
use crate::error::Error;
use crate::store::LogFilter;
use crate::vault::Vault;

/// `POST /admin/v1/keys/import`.
#[derive(Debug, Clone, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GenerateKey {
    /// Owner account.
    pub authority_id: String,
    /// Name.
    pub name: String,
    /// Size (default 4096).
    pub bits: Option<usize>,
}

/// `POST /admin/v1/models`: `brand_id`, `model`, `key_id`, optional `api_key` (random when
/// absent) and `serial_authority` (a list of account ids).
pub use crate::store::NewModel as AddModel;

/// `PUT /admin/v1/models/{brand}/{model}/serial-authority`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SetSerialAuthority {
    /// The accounts besides the brand whose keys may sign the model's serials.
    pub serial_authority: Vec<String>,
}

/// `PUT /admin/v1/models/{brand}/{model}/key`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SetKey {
    /// The new signing key id.
    pub key_id: String,
}

async fn import_key(
    State(v): State<Vault>,
    _: AdminAuth,
    JsonInput(b): JsonInput<ImportKey>,
) -> Result<Response, Error> {
    Ok(Json(
        v.import_key(&b.authority_id, &b.name, &b.pem, b.account, b.account_key)
            .await?,
    )
    .into_response())
}

async fn generate_key(
    State(v): State<Vault>,
    _: AdminAuth,
    JsonInput(b): JsonInput<GenerateKey>,
) -> Result<Response, Error> {
    Ok(Json(
        v.generate_key(&b.authority_id, &b.name, b.bits.unwrap_or(4096))
            .await?,
    )
    .into_response())
}

async fn list_keys(State(v): State<Vault>, _: AdminAuth) -> Result<Response, Error> {
    Ok(Json(v.keys().await?).into_response())
}

async fn deactivate_key(
    State(v): State<Vault>,
    _: AdminAuth,
    Path(key_id): Path<String>,
) -> Result<Response, Error> {
    v.set_key_active(&key_id, false).await?;
    Ok(Json(serde_json::json!({"success": true})).into_response())
}

async fn activate_key(
    State(v): State<Vault>,
    _: AdminAuth,
    Path(key_id): Path<String>,
) -> Result<Response, Error> {
    v.set_key_active(&key_id, true).await?;
    Ok(Json(serde_json::json!({"success": true})).into_response())
}

async fn add_model(
    State(v): State<Vault>,
    _: AdminAuth,
    JsonInput(b): JsonInput<AddModel>,
) -> Result<Response, Error> {
    Ok(Json(v.create_model(b).await?).into_response())
}

async fn set_serial_authority(
    State(v): State<Vault>,
    _: AdminAuth,
    Path((brand, model)): Path<(String, String)>,
    JsonInput(b): JsonInput<SetSerialAuthority>,
) -> Result<Response, Error> {
    let model = v
        .set_serial_authority(&brand, &model, b.serial_authority)
        .await?;
    Ok(Json(model).into_response())
}

async fn list_models(State(v): State<Vault>, _: AdminAuth) -> Result<Response, Error> {
    Ok(Json(v.models().await?).into_response())
}

async fn set_model_key(
    State(v): State<Vault>,
    _: AdminAuth,
    Path((brand, model)): Path<(String, String)>,
    JsonInput(b): JsonInput<SetKey>,
) -> Result<Response, Error> {
    v.set_model_key(&brand, &model, &b.key_id).await?;
    Ok(Json(serde_json::json!({"success": true})).into_response())
}

async fn rotate_api_key(
    State(v): State<Vault>,
    _: AdminAuth,
    Path((brand, model)): Path<(String, String)>,
) -> Result<Response, Error> {
    let key = v.rotate_api_key(&brand, &model).await?;
    Ok(Json(serde_json::json!({"api_key": key})).into_response())
}

async fn signing_log(
    State(v): State<Vault>,
    _: AdminAuth,
    Query(f): Query<LogFilter>,
) -> Result<Response, Error> {
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
    _: AdminAuth,
    Query(mut f): Query<LogFilter>,
) -> Result<Response, Error> {
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
#[derive(Debug, Clone, Serialize, Deserialize)]
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
    _: AdminAuth,
    JsonInput(b): JsonInput<Release>,
) -> Result<Response, Error> {
    let n = v.release_serial(&b.brand_id, &b.model, &b.serial).await?;
    Ok(Json(serde_json::json!({"success": true, "released": n})).into_response())
}

/// The admin API router (`/admin/v1/…`) of `vault`, with its body limit and panic
/// handling.
pub fn admin_router(vault: Vault) -> Router {
    let router = Router::new()
        .route("/admin/v1/keys", get(list_keys))
        .route("/admin/v1/keys/import", post(import_key))
        .route("/admin/v1/keys/generate", post(generate_key))
        .route("/admin/v1/keys/{key_id}/deactivate", post(deactivate_key))
        .route("/admin/v1/keys/{key_id}/activate", post(activate_key))
        .route("/admin/v1/models", get(list_models).post(add_model))
        .route("/admin/v1/models/{brand}/{model}/key", put(set_model_key))
        .route(
            "/admin/v1/models/{brand}/{model}/serial-authority",
            put(set_serial_authority),
        )
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
        .route("/metrics", get(super::metrics::metrics))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(ADMIN_MAX_BODY_BYTES))
        .with_state(vault);
    super::trace::observed(catch_panics(router))
}
