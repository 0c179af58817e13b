//! A blocking client for the publishing API (`/api/v1/publisher/…`, bodies in
//! [`crate::publisher_api`]): what the `store` command runs against a running store. It
//! speaks HTTP/1.1 with `ureq` (rustls over ring for `https://`), authenticates with the
//! [`CredentialFile`] that `store init` wrote, streams uploads from disk, and reads the
//! store's `{"error-list": […]}` answers into [`ClientError::Refused`], whose Display is
//! the store's own message.
//!
//! ```no_run
//! use ucore_store::publisher_api::RegisterName;
//! use ucore_store::publisher_client::PublisherClient;
//!
//! let client = PublisherClient::from_credential_file("store/credential.json".as_ref(), None)?;
//! let name = client.register_name(&RegisterName {
//!     name: "acme-gadget".into(),
//!     publisher: "acme".into(),
//!     snap_id: None,
//! })?;
//! let pushed = client.push("acme-gadget_1.0_amd64.snap".as_ref(), &["stable".into()], &mut |_, _| {})?;
//! println!("{} revision {} ({})", pushed.name, pushed.revision, name.snap_id);
//! # Ok::<(), ucore_store::publisher_client::ClientError>(())
//! ```

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use ucore_store_client::protocol::{ErrorList, MacaroonAuthorization};

use crate::publisher_api::{
    Close, Closed, CredentialFile, InterfaceRulesSet, NameRegistered, Pushed, RegisterName,
    Release, Released, SetInterfaceRules, SnapStatus, ValidationSetList, ValidationSetPushed,
};

/// The publishing API's path prefix.
const API: &str = "/api/v1/publisher";

/// The largest answer read (a status of a snap with many revisions stays far below).
const MAX_ANSWER: u64 = 16 << 20;

/// What can go wrong talking to the store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The store answered with an error: its first `error-list` entry (or, for an answer
    /// that is not the store's JSON, the status and the body's start).
    #[error("{message}")]
    Refused {
        /// The HTTP status.
        status: u16,
        /// The store's error code (`not-found`, `conflict`, …); empty when the body was
        /// not an error list.
        code: String,
        /// The store's message.
        message: String,
    },
    /// The store could not be reached, or the exchange broke off.
    #[error("cannot talk to the store at {url}: {source}")]
    Network {
        /// The URL called.
        url: String,
        /// The HTTP client's error.
        #[source]
        source: Box<ureq::Error>,
    },
    /// A success answer that is not the expected JSON.
    #[error("unexpected answer from {url}: {source}")]
    Answer {
        /// The URL called.
        url: String,
        /// The JSON error.
        #[source]
        source: serde_json::Error,
    },
    /// A local file (the credential, the snap) could not be read.
    #[error("cannot read {}: {source}", path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// The credential file is not a `store init` credential.
    #[error("{} is not a store credential: {reason}", path.display())]
    Credential {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// No store URL: neither given nor in the credential file.
    #[error("no store URL: pass one, or use a credential file that names its store")]
    NoStoreUrl,
}

impl ClientError {
    /// Whether the store itself refused the request (as opposed to a local or network
    /// failure).
    pub fn is_refusal(&self) -> bool {
        matches!(self, ClientError::Refused { .. })
    }
}

/// A blocking publishing-API client. Cheap to clone.
#[derive(Clone, Debug)]
pub struct PublisherClient {
    base: String,
    authorization: String,
    agent: ureq::Agent,
}

impl PublisherClient {
    /// A client for the store at `store_url` (e.g. `http://127.0.0.1:8480`) with a
    /// credential.
    pub fn new(store_url: &str, credential: &CredentialFile) -> Self {
        let authorization = MacaroonAuthorization {
            root: credential.macaroon.clone(),
            discharges: credential.discharges.clone(),
        }
        .to_header();
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(30)))
            .timeout_recv_response(Some(Duration::from_secs(600)))
            .timeout_recv_body(Some(Duration::from_secs(60)))
            .build()
            .into();
        PublisherClient {
            base: store_url.trim_end_matches('/').to_string(),
            authorization,
            agent,
        }
    }

    /// A client from a credential file; the store URL is `store_url`, or else the one the
    /// file names.
    pub fn from_credential_file(path: &Path, store_url: Option<&str>) -> Result<Self, ClientError> {
        let credential = read_credential(path)?;
        let url = match store_url {
            Some(u) => u.to_string(),
            None if !credential.store.is_empty() => credential.store.clone(),
            None => return Err(ClientError::NoStoreUrl),
        };
        Ok(PublisherClient::new(&url, &credential))
    }

    /// The store's URL.
    pub fn store_url(&self) -> &str {
        &self.base
    }

    /// `POST /api/v1/publisher/names`: registers a snap name for a publisher.
    pub fn register_name(&self, req: &RegisterName) -> Result<NameRegistered, ClientError> {
        self.post_json("/names", req)
    }

    /// `POST /api/v1/publisher/snaps`: uploads the `.snap` at `path`, streamed from disk,
    /// and releases the new revision to `release` (channel names). `progress` is called
    /// with (bytes sent, total) as the upload goes.
    pub fn push(
        &self,
        path: &Path,
        release: &[String],
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<Pushed, ClientError> {
        let file_err = |source| ClientError::File {
            path: path.to_owned(),
            source,
        };
        let file = std::fs::File::open(path).map_err(file_err)?;
        let size = file.metadata().map_err(file_err)?.len();
        self.push_reader(file, size, release, progress)
    }

    /// Uploads `size` bytes of a `.snap` from `reader` (see [`PublisherClient::push`]).
    pub fn push_reader(
        &self,
        reader: impl Read,
        size: u64,
        release: &[String],
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<Pushed, ClientError> {
        let mut url = format!("{}{API}/snaps", self.base);
        for (i, channel) in release.iter().enumerate() {
            url.push(if i == 0 { '?' } else { '&' });
            url.push_str("release=");
            url.push_str(&percent_encode(channel));
        }
        let mut body = Progress {
            inner: reader.take(size),
            sent: 0,
            total: size,
            report: progress,
        };
        let answer = self
            .agent
            .post(&url)
            .header("Authorization", &self.authorization)
            .header("Accept", "application/json")
            .header("Content-Type", "application/octet-stream")
            .header("Content-Length", &size.to_string())
            // The store refuses a bad credential or an oversized snap before reading the
            // body: waiting for its `100 Continue` lets its answer, not a broken pipe, be
            // what the upload ends with.
            .header("Expect", "100-continue")
            .send(ureq::SendBody::from_reader(&mut body));
        read_answer(&url, answer)
    }

    /// `POST /api/v1/publisher/releases`: releases a revision to channels.
    pub fn release(&self, req: &Release) -> Result<Released, ClientError> {
        self.post_json("/releases", req)
    }

    /// `POST /api/v1/publisher/close`: closes a channel.
    pub fn close(&self, req: &Close) -> Result<Closed, ClientError> {
        self.post_json("/close", req)
    }

    /// `GET /api/v1/publisher/snaps/{name}`: a snap's revisions and channel map.
    pub fn status(&self, name: &str) -> Result<SnapStatus, ClientError> {
        self.get_json(&format!(
            "{}{API}/snaps/{}",
            self.base,
            percent_encode(name)
        ))
    }

    /// `PUT /api/v1/publisher/snaps/{name}/interface-rules` (admin): signs a new revision of
    /// the snap's `snap-declaration` with these `plugs` and `slots` rules.
    pub fn set_interface_rules(
        &self,
        name: &str,
        req: &SetInterfaceRules,
    ) -> Result<InterfaceRulesSet, ClientError> {
        let path = format!("/snaps/{}/interface-rules", percent_encode(name));
        self.send_json(Method::Put, &path, req)
    }

    /// `POST /api/v1/publisher/validation-sets`: publishes a signed `validation-set`
    /// assertion (its encoded bytes).
    pub fn push_validation_set(
        &self,
        assertion: &[u8],
    ) -> Result<ValidationSetPushed, ClientError> {
        let url = format!("{}{API}/validation-sets", self.base);
        let answer = self
            .agent
            .post(&url)
            .header("Authorization", &self.authorization)
            .header("Accept", "application/json")
            .content_type("application/x.ubuntu.assertion")
            .send(assertion);
        read_answer(&url, answer)
    }

    /// `GET /api/v1/publisher/validation-sets[?name=NAME]`: the latest sequence of each of
    /// the credential's validation sets (every account's for an admin), only those named
    /// `name` when given.
    pub fn validation_sets(&self, name: Option<&str>) -> Result<ValidationSetList, ClientError> {
        let mut url = format!("{}{API}/validation-sets", self.base);
        if let Some(name) = name {
            url.push_str("?name=");
            url.push_str(&percent_encode(name));
        }
        self.get_json(&url)
    }

    /// `GET url` with the credential, its JSON answer read.
    fn get_json<T: DeserializeOwned>(&self, url: &str) -> Result<T, ClientError> {
        let answer = self
            .agent
            .get(url)
            .header("Authorization", &self.authorization)
            .header("Accept", "application/json")
            .call();
        read_answer(url, answer)
    }

    fn post_json<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &impl Serialize,
    ) -> Result<T, ClientError> {
        self.send_json(Method::Post, path, body)
    }

    fn send_json<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: &impl Serialize,
    ) -> Result<T, ClientError> {
        let url = format!("{}{API}{path}", self.base);
        let json = serde_json::to_vec(body).map_err(|source| ClientError::Answer {
            url: url.clone(),
            source,
        })?;
        let request = match method {
            Method::Post => self.agent.post(&url),
            Method::Put => self.agent.put(&url),
        };
        let answer = request
            .header("Authorization", &self.authorization)
            .header("Accept", "application/json")
            .content_type("application/json")
            .send(&json[..]);
        read_answer(&url, answer)
    }
}

/// Reads a credential file (the JSON `store init` writes).
pub fn read_credential(path: &Path) -> Result<CredentialFile, ClientError> {
    let text = std::fs::read(path).map_err(|source| ClientError::File {
        path: path.to_owned(),
        source,
    })?;
    let credential: CredentialFile =
        serde_json::from_slice(&text).map_err(|e| ClientError::Credential {
            path: path.to_owned(),
            reason: e.to_string(),
        })?;
    if credential.macaroon.is_empty() || credential.discharges.is_empty() {
        return Err(ClientError::Credential {
            path: path.to_owned(),
            reason: "it has no macaroon or no discharge".into(),
        });
    }
    Ok(credential)
}

/// A success answer as `T`; an error status as [`ClientError::Refused`] with the store's
/// message.
fn read_answer<T: DeserializeOwned>(
    url: &str,
    answer: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
) -> Result<T, ClientError> {
    let net = |source| ClientError::Network {
        url: url.to_string(),
        source: Box::new(source),
    };
    let mut answer = answer.map_err(net)?;
    let status = answer.status().as_u16();
    let body = answer
        .body_mut()
        .with_config()
        .limit(MAX_ANSWER)
        .read_to_vec()
        .map_err(net)?;
    if status >= 400 {
        return Err(refusal(status, &body));
    }
    serde_json::from_slice(&body).map_err(|source| ClientError::Answer {
        url: url.to_string(),
        source,
    })
}

/// The store's refusal: the first entry of its error list, or the status and the start of
/// a body that is not one.
fn refusal(status: u16, body: &[u8]) -> ClientError {
    match serde_json::from_slice::<ErrorList>(body)
        .ok()
        .and_then(|l| l.error_list.into_iter().next())
    {
        Some(e) => ClientError::Refused {
            status,
            code: e.code,
            message: e.message,
        },
        None => {
            let text = String::from_utf8_lossy(body);
            let start: String = text.chars().take(200).collect();
            ClientError::Refused {
                status,
                code: String::new(),
                message: format!("the store answered {status}: {}", start.trim()),
            }
        }
    }
}

/// Everything but RFC 3986's unreserved characters is percent-encoded, so that a name or a
/// channel is one path segment or one query value whatever it holds.
const NOT_UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn percent_encode(s: &str) -> String {
    utf8_percent_encode(s, NOT_UNRESERVED).to_string()
}

/// A reader that reports how much of the upload has been read.
struct Progress<'a, R> {
    inner: R,
    sent: u64,
    total: u64,
    report: &'a mut dyn FnMut(u64, u64),
}

impl<R: Read> Read for Progress<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.sent += n as u64;
        (self.report)(self.sent, self.total);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_encoding_keeps_one_segment() {
        assert_eq!(percent_encode("hello-world_1.0"), "hello-world_1.0");
        assert_eq!(percent_encode("../etc"), "..%2Fetc");
        assert_eq!(
            percent_encode("latest/stable/fix 1"),
            "latest%2Fstable%2Ffix%201"
        );
        assert_eq!(percent_encode("é"), "%C3%A9");
    }

    #[test]
    fn refusals_carry_the_store_message() {
        let body = br#"{"error-list":[{"code":"conflict","message":"snap name \"x\" is taken"}]}"#;
        let e = refusal(409, body);
        assert_eq!(e.to_string(), "snap name \"x\" is taken");
        assert!(
            matches!(e, ClientError::Refused { status: 409, ref code, .. } if code == "conflict")
        );
        let e = refusal(502, b"<html>bad gateway</html>");
        assert_eq!(
            e.to_string(),
            "the store answered 502: <html>bad gateway</html>"
        );
    }

    #[test]
    fn credential_files_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.json");
        std::fs::write(
            &path,
            r#"{"macaroon":"id","discharges":["s"],"store":"http://h:1/"}"#,
        )
        .unwrap();
        let c = PublisherClient::from_credential_file(&path, None).unwrap();
        assert_eq!(c.store_url(), "http://h:1");
        assert_eq!(c.authorization, r#"Macaroon root="id", discharge="s""#);
        let c = PublisherClient::from_credential_file(&path, Some("http://other")).unwrap();
        assert_eq!(c.store_url(), "http://other");

        std::fs::write(&path, r#"{"macaroon":"id","discharges":["s"]}"#).unwrap();
        let e = PublisherClient::from_credential_file(&path, None).unwrap_err();
        assert!(matches!(e, ClientError::NoStoreUrl));
        std::fs::write(&path, r#"{"macaroon":"","discharges":[]}"#).unwrap();
        let e = PublisherClient::from_credential_file(&path, None).unwrap_err();
        assert!(
            e.to_string()
                .ends_with("is not a store credential: it has no macaroon or no discharge")
        );
        let e = PublisherClient::from_credential_file(&dir.path().join("none"), None).unwrap_err();
        assert!(matches!(e, ClientError::File { .. }));
    }

    #[test]
    fn an_unreachable_store_is_a_network_error() {
        // A port nobody listens on: bind, learn the port, close.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        let credential = CredentialFile {
            macaroon: "id".into(),
            discharges: vec!["s".into()],
            store: String::new(),
        };
        let c = PublisherClient::new(&format!("http://127.0.0.1:{port}"), &credential);
        let e = c.status("hello").unwrap_err();
        assert!(matches!(e, ClientError::Network { .. }), "{e:?}");
        assert!(!e.is_refusal());
    }
}

/// The HTTP methods that carry a JSON body here.
#[derive(Clone, Copy)]
enum Method {
    Post,
    Put,
}
