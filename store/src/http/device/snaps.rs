//! `POST /v2/snaps/refresh` (snap action), `GET /v2/snaps/info/{name}` and
//! `GET /v2/snaps/find`.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use serde::Deserialize;
use ucore_store_client::protocol::{
    FindResponse, InfoResponse, SnapActionRequest, SnapActionResponse,
};

use super::extract::{Architecture, JsonBody, RequestViewer};
use crate::action::{self, info::FindQuery};
use crate::error::Error;
use crate::state::Store;

/// Snap action.
pub async fn refresh(
    State(store): State<Store>,
    RequestViewer(viewer): RequestViewer,
    Architecture(arch): Architecture,
    JsonBody(req): JsonBody<SnapActionRequest>,
) -> Result<Json<SnapActionResponse>, Error> {
    Ok(Json(
        action::snap_action(&store, &viewer, arch.as_deref(), &req).await?,
    ))
}

/// Snap info.
pub async fn info(
    State(store): State<Store>,
    RequestViewer(viewer): RequestViewer,
    Architecture(arch): Architecture,
    Path(name): Path<String>,
) -> Result<Json<InfoResponse>, Error> {
    Ok(Json(
        action::info::info(&store, &viewer, &name, arch.as_deref()).await?,
    ))
}

/// Find's query parameters (others, such as `fields` or `confinement`, are ignored).
#[derive(Debug, Default, Deserialize)]
pub struct FindParams {
    /// A part of the name.
    #[serde(default)]
    pub q: String,
    /// An exact name.
    #[serde(default)]
    pub name: Option<String>,
    /// The channel.
    #[serde(default)]
    pub channel: Option<String>,
}

/// Find.
pub async fn find(
    State(store): State<Store>,
    RequestViewer(viewer): RequestViewer,
    Architecture(arch): Architecture,
    params: Result<Query<FindParams>, QueryRejection>,
) -> Result<Json<FindResponse>, Error> {
    let Query(p) = params.map_err(|e| Error::BadRequest(e.body_text()))?;
    let query = FindQuery {
        q: p.q,
        name: p.name,
        channel: p.channel,
    };
    Ok(Json(
        action::info::find(&store, &viewer, &query, arch.as_deref()).await?,
    ))
}
