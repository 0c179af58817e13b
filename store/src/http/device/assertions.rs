//! `GET /v2/assertions/{type}/{key…}[?max-format=N][&sequence=latest|N]`: one assertion
//! as `application/x.ubuntu.assertion`. Not found (also: not visible, or only in a
//! format above `max-format`) is 404 `{"error-list":[{"code":"not-found",…}]}` as
//! `application/problem+json`, as snapd's fakestore answers.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use ucore_store_client::protocol::headers::ASSERTION_MEDIA_TYPE;

use super::extract::RequestViewer;
use crate::action::assertions::{self, Sequence};
use crate::error::Error;
use crate::state::Store;

/// The query parameters.
#[derive(Debug, Default, Deserialize)]
pub struct AssertionParams {
    /// The highest format the client reads.
    #[serde(rename = "max-format", default)]
    pub max_format: Option<i64>,
    /// For sequence-forming types: `latest` or a number.
    #[serde(default)]
    pub sequence: Option<String>,
}

/// The 404 answer, as `application/problem+json`.
fn not_found(e: Error) -> Response {
    let mut resp = e.into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    resp
}

/// Serves one assertion.
pub async fn assertion(
    State(store): State<Store>,
    RequestViewer(viewer): RequestViewer,
    Path((type_name, key)): Path<(String, String)>,
    params: Result<Query<AssertionParams>, QueryRejection>,
) -> Result<Response, Error> {
    let Query(p) = params.map_err(|e| Error::BadRequest(e.body_text()))?;
    let sequence = p.sequence.as_deref().map(Sequence::parse).transpose()?;
    let parts: Vec<String> = key.split('/').map(str::to_string).collect();
    match assertions::lookup(&store, &viewer, &type_name, &parts, sequence, p.max_format).await {
        Ok(rec) => Ok((
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static(ASSERTION_MEDIA_TYPE),
            )],
            rec.text,
        )
            .into_response()),
        Err(e @ Error::NotFound(_)) => Ok(not_found(e)),
        Err(e) => Err(e),
    }
}
