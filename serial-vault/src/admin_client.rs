//! A small client for the vault's admin API (what `examples/vault.rs admin …` uses).

use crate::error::Error;
use crate::store::{NewSubstore, SubstoreRecord};

/// An admin API client.
#[derive(Debug, Clone)]
pub struct AdminClient {
    base: String,
    token: String,
    agent: ureq::Agent,
}

impl AdminClient {
    /// A client for the admin API at `base` (e.g. `http://127.0.0.1:8081`) with `token`.
    pub fn new(base: impl Into<String>, token: impl Into<String>) -> Self {
        Self {
            base: base.into().trim_end_matches('/').to_string(),
            token: token.into(),
            agent: ureq::Agent::config_builder()
                .http_status_as_error(false)
                .build()
                .into(),
        }
    }

    /// `method` `/admin/v1/<path>` with an optional JSON body; returns the response text,
    /// or the API's error as [`Error::InvalidInput`] with its message.
    pub fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<String, Error> {
        let url = format!("{}/admin/v1/{}", self.base, path.trim_start_matches('/'));
        let auth = format!("Bearer {}", self.token);
        let net = |e: ureq::Error| Error::Network(Box::new(e));
        let resp = match (method, body) {
            ("DELETE", _) => self
                .agent
                .delete(&url)
                .header("Authorization", &auth)
                .call()
                .map_err(net)?,
            ("GET", _) => self
                .agent
                .get(&url)
                .header("Authorization", &auth)
                .call()
                .map_err(net)?,
            (m, b) => {
                let text = b.map(|b| b.to_string()).unwrap_or_else(|| "{}".into());
                let r = match m {
                    "PUT" => self.agent.put(&url),
                    _ => self.agent.post(&url),
                };
                r.header("Authorization", &auth)
                    .content_type("application/json")
                    .send(text.as_bytes())
                    .map_err(net)?
            }
        };
        let status = resp.status().as_u16();
        let text = resp
            .into_body()
            .read_to_string()
            .map_err(|e| Error::Network(Box::new(e)))?;
        if status >= 400 {
            let msg = serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .and_then(|v| {
                    v.get("message")
                        .and_then(|m| m.as_str())
                        .map(str::to_string)
                })
                .unwrap_or(text);
            return Err(Error::AdminApi {
                status,
                message: msg,
            });
        }
        Ok(text)
    }
}

/// Sub-store rows: which device may re-register (remodel) under which model name and store
/// (the Serial Vault's `substore` table and its admin routes in `service/router.go`
/// `AdminRouter`).
impl AdminClient {
    fn parse<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, Error> {
        serde_json::from_str(text).map_err(Error::AdminAnswer)
    }

    /// `POST /admin/v1/substores`: maps a device to a new model and store.
    pub fn add_substore(&self, new: &NewSubstore) -> Result<SubstoreRecord, Error> {
        let body = serde_json::to_value(new).map_err(|e| Error::InvalidInput(e.into()))?;
        Self::parse(&self.call("POST", "substores", Some(&body))?)
    }

    /// `GET /admin/v1/substores`: every sub-store row.
    pub fn substores(&self) -> Result<Vec<SubstoreRecord>, Error> {
        Self::parse(&self.call("GET", "substores", None)?)
    }

    /// `DELETE /admin/v1/substores/{id}`.
    pub fn delete_substore(&self, id: i64) -> Result<(), Error> {
        self.call("DELETE", &format!("substores/{id}"), None)
            .map(|_| ())
    }
}
