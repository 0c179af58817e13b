//! Snap info (`GET v2/snaps/info/{name}`) and find (`GET v2/snaps/find`), as snapd's
//! `Store.SnapInfo` and `Store.Find` call them.

use reqwest::{Method, StatusCode};

use super::config::{SNAP_ACTION_FIELDS, with_segments};
use super::{Request, StoreClient};
use crate::error::{Error, SnapError};
use crate::protocol::{ApiLevel, ErrorList, FindResponse, InfoResponse};

/// The info endpoint (the snap name follows).
pub const INFO_PATH: &str = "v2/snaps/info";
/// The find endpoint.
pub const FIND_PATH: &str = "v2/snaps/find";
/// Characters a find query may not hold (snapd's `ErrBadQuery` check).
const BAD_QUERY_CHARS: &str = "+=&|><!(){}[]^\"~*?:\\/";

/// What to find.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FindQuery {
    /// The search terms (`q`), or a name prefix (`name`) when `prefix` is set.
    pub query: String,
    /// Search by name prefix.
    pub prefix: bool,
    /// A category (`category`).
    pub category: Option<String>,
    /// A common id (`common-id`).
    pub common_id: Option<String>,
    /// Only the user's private snaps (`private=true`; needs user authorization).
    pub private: bool,
    /// Search every channel (`scope=wide`) instead of `stable` only.
    pub wide: bool,
}

impl FindQuery {
    /// A search for `terms`.
    pub fn new(terms: impl Into<String>) -> Self {
        FindQuery {
            query: terms.into(),
            ..FindQuery::default()
        }
    }
}

impl StoreClient {
    /// A snap's details and channel map. `404` or an empty channel map is
    /// [`Error::SnapNotFound`].
    pub async fn info(&self, name: &str) -> Result<InfoResponse, Error> {
        let base = self.inner.config.endpoint(INFO_PATH)?;
        let mut url = with_segments(base, &[name])?;
        let fields: Vec<&str> = fields_without(&["snap-yaml"]);
        url.query_pairs_mut()
            .append_pair("fields", &fields.join(","))
            .append_pair("architecture", &self.inner.device_headers.architecture);
        let op = "get details for snap";
        let answer = self
            .request(&Request::new(Method::GET, url, ApiLevel::V2, op))
            .await?;
        match answer.status {
            StatusCode::OK => {}
            StatusCode::NOT_FOUND => return Err(Error::SnapNotFound),
            _ => {
                return Err(answer.unexpected(&format!(
                    "get details for snap {}",
                    ucore_go_text::quote(name)
                )));
            }
        }
        let info: InfoResponse = answer.json(op)?;
        if info.channel_map.is_empty() {
            return Err(Error::SnapNotFound);
        }
        Ok(info)
    }

    /// Searches the store. Queries with characters the store may read specially are
    /// refused ([`Error::BadQuery`]); store errors come back as their first entry.
    pub async fn find(&self, query: &FindQuery) -> Result<FindResponse, Error> {
        let terms = query.query.trim();
        if terms.contains(|c| BAD_QUERY_CHARS.contains(c)) {
            return Err(Error::BadQuery);
        }
        let mut url = self.inner.config.endpoint(FIND_PATH)?;
        {
            let mut fields = fields_without(&[
                "architectures",
                "created-at",
                "epoch",
                "name",
                "snap-id",
                "snap-yaml",
            ]);
            fields.push("channel");
            let mut q = url.query_pairs_mut();
            q.append_pair("fields", &fields.join(","))
                .append_pair("architecture", &self.inner.device_headers.architecture);
            if query.private {
                q.append_pair("private", "true");
            }
            if query.prefix {
                q.append_pair("name", terms);
            } else {
                if let Some(id) = &query.common_id {
                    q.append_pair("common-id", id);
                }
                if !terms.is_empty() {
                    q.append_pair("q", terms);
                }
            }
            if let Some(c) = &query.category {
                q.append_pair("category", c);
            }
            if !query.wide {
                q.append_pair("channel", "stable");
            }
            let confinement = if self.inner.device_headers.classic {
                "strict,classic"
            } else {
                "strict"
            };
            q.append_pair("confinement", confinement);
        }
        let req = Request::new(Method::GET, url, ApiLevel::V2, "search").accept("application/json");
        let answer = self.request(&req).await?;
        if answer.status != StatusCode::OK {
            let list = answer
                .is_json("")
                .then(|| serde_json::from_slice::<ErrorList>(&answer.body).ok())
                .flatten();
            if let Some(first) = list.as_ref().and_then(|l| l.error_list.first()) {
                return Err(
                    match SnapError::from_code("", "", &first.code, &first.message, &[]) {
                        SnapError::NotFound => Error::SnapNotFound,
                        _ => Error::Store {
                            code: first.code.clone(),
                            message: first.message.clone(),
                        },
                    },
                );
            }
            return Err(answer.unexpected("search"));
        }
        if !answer.is_json("") {
            return Err(Error::BadResponse {
                op: "search".into(),
                detail: format!(
                    "received an unexpected content type ({}) when trying to search via {}",
                    ucore_go_text::quote(answer.header("content-type").unwrap_or_default()),
                    ucore_go_text::quote(answer.url.as_str())
                ),
            });
        }
        answer.json("search")
    }
}

fn fields_without(skip: &[&str]) -> Vec<&'static str> {
    SNAP_ACTION_FIELDS
        .iter()
        .copied()
        .filter(|f| !skip.contains(f))
        .collect()
}
