//! A small client for the vault's admin API (what `examples/vault.rs admin …` uses).

use crate::error::Error;
use crate::store::{ModelRecord, NewSubstore, SubstoreRecord};

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
            // A fresh connection for each call: admin calls are few, and a pooled one the
            // vault closed after answering an error (its request body unread) would fail
            // the next call with "peer disconnected".
            agent: ureq::Agent::config_builder()
                .http_status_as_error(false)
                .max_idle_connections(0)
                .build()
                .into(),
        }
    }

    /// `method` `/admin/v1/<path>` with an optional JSON body; returns the response text,
    /// or the API's error as [`Error::AdminApi`] with its status and message. `path` is sent
    /// as given: build it with [`AdminClient::path`] when it holds names.
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

/// Every character of `s` but the unreserved ones of RFC 3986 (`A-Za-z0-9-._~`),
/// percent-encoded as UTF-8 bytes: `/`, `?`, `#`, `%`, spaces and newlines stay inside one
/// path segment; a segment of only `.` or `..` is encoded whole (`%2E%2E`), so that no
/// client or proxy folds it away as a dot-segment.
pub fn encode_segment(s: &str) -> String {
    if s == "." || s == ".." {
        return "%2E".repeat(s.len());
    }
    let unreserved = |b: u8| b.is_ascii_alphanumeric() || b"-._~".contains(&b);
    s.bytes()
        .fold(String::with_capacity(s.len()), |mut out, b| {
            if unreserved(b) {
                out.push(char::from(b));
            } else {
                use std::fmt::Write as _;
                let _ = write!(out, "%{b:02X}");
            }
            out
        })
}

/// Keys and models by name: each name is one percent-encoded path segment.
impl AdminClient {
    /// The admin path of `segments`, each percent-encoded ([`encode_segment`]): `["models",
    /// "acme", "a/b"]` is `models/acme/a%2Fb`.
    pub fn path(segments: &[&str]) -> String {
        segments
            .iter()
            .map(|s| encode_segment(s))
            .collect::<Vec<_>>()
            .join("/")
    }

    /// `path?name=value&…` with each name and value percent-encoded ([`encode_segment`]);
    /// `path` alone when there is no pair: `("signing-log", [("model", "a&b")])` is
    /// `signing-log?model=a%26b`.
    pub fn with_query(path: &str, pairs: &[(&str, &str)]) -> String {
        let query = pairs
            .iter()
            .map(|(k, v)| format!("{}={}", encode_segment(k), encode_segment(v)))
            .collect::<Vec<_>>()
            .join("&");
        if query.is_empty() {
            path.to_string()
        } else {
            format!("{path}?{query}")
        }
    }

    /// `POST /admin/v1/keys/{key_id}/activate` or `…/deactivate`.
    pub fn set_key_active(&self, key_id: &str, active: bool) -> Result<(), Error> {
        let action = if active { "activate" } else { "deactivate" };
        self.call("POST", &Self::path(&["keys", key_id, action]), None)
            .map(|_| ())
    }

    /// `PUT /admin/v1/models/{brand}/{model}/key`: the model's serials are signed with
    /// `key_id` from now on.
    pub fn set_model_key(&self, brand_id: &str, model: &str, key_id: &str) -> Result<(), Error> {
        let body = serde_json::json!({ "key_id": key_id });
        self.call(
            "PUT",
            &Self::path(&["models", brand_id, model, "key"]),
            Some(&body),
        )
        .map(|_| ())
    }

    /// `PUT /admin/v1/models/{brand}/{model}/serial-authority`: the accounts besides the
    /// brand whose keys may sign the model's serials; the model as it now is.
    pub fn set_serial_authority(
        &self,
        brand_id: &str,
        model: &str,
        serial_authority: &[String],
    ) -> Result<ModelRecord, Error> {
        let body = serde_json::json!({ "serial_authority": serial_authority });
        let text = self.call(
            "PUT",
            &Self::path(&["models", brand_id, model, "serial-authority"]),
            Some(&body),
        )?;
        Self::parse(&text)
    }

    /// `POST /admin/v1/models/{brand}/{model}/rotate-api-key`: the model's new API key.
    pub fn rotate_api_key(&self, brand_id: &str, model: &str) -> Result<String, Error> {
        #[derive(serde::Deserialize)]
        struct Rotated {
            api_key: String,
        }
        let text = self.call(
            "POST",
            &Self::path(&["models", brand_id, model, "rotate-api-key"]),
            None,
        )?;
        Self::parse::<Rotated>(&text).map(|r| r.api_key)
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
        self.call("DELETE", &Self::path(&["substores", &id.to_string()]), None)
            .map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_percent_encoded() {
        assert_eq!(encode_segment("acme-1.x_~"), "acme-1.x_~");
        assert_eq!(
            encode_segment("a/b c?d#e%f\n../"),
            "a%2Fb%20c%3Fd%23e%25f%0A..%2F"
        );
        assert_eq!(encode_segment("é"), "%C3%A9");
        assert_eq!(encode_segment(".."), "%2E%2E");
        assert_eq!(encode_segment("."), "%2E");
        assert_eq!(
            AdminClient::path(&["models", "acme", "../keys", "key"]),
            "models/acme/..%2Fkeys/key"
        );
    }

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(AdminClient::with_query("signing-log", &[]), "signing-log");
        assert_eq!(
            AdminClient::with_query("signing-log", &[("model", "a&b=c d"), ("limit", "5")]),
            "signing-log?model=a%26b%3Dc%20d&limit=5"
        );
    }
}
