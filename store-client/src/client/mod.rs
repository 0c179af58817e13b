//! The async store client: [`StoreClient`], built from a [`Config`] with an optional
//! [`DeviceIdentity`] and user authorization.
//!
//! Every call goes through one request path (`request`), as snapd's `Store.doRequest`
//! inside `httputil.RetryRequest`: device headers of the endpoint's API level, the device
//! session (opened on first use), a refresh of the session and a new try when a 401 asks for
//! it (up to 4 times), and retries with backoff on transport errors and 5xx answers.
//!
//! - [`config`]: base URLs, device headers, User-Agent, retry policies;
//! - [`identity`]: the device's model, serial and key;
//! - [`retry`]: snapd's retry strategies;
//! - `session` (private): nonce → device-session-request → session;
//! - `tls` (private): rustls over ring;
//! - [`action`]: snap action and its conveniences (install, download, refresh,
//!   fetch-assertions);
//! - `catalog` (private): info and find;
//! - `assertions` (private): the assertions endpoint;
//! - [`download`]: snap downloads checked by SHA3-384, resumable.

pub mod action;
mod assertions;
mod catalog;
pub mod config;
pub mod download;
pub mod identity;
pub mod retry;
mod session;
mod tls;

use std::future::Future;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::StreamExt;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, USER_AGENT};
use reqwest::{Method, StatusCode, Url};

pub use action::{ActionOptions, AssertionBatch, RefreshOutcome};
pub use assertions::reduce_primary_key;
pub use catalog::FindQuery;
pub use config::Config;
pub use download::{DownloadOptions, Progress};
pub use identity::DeviceIdentity;
pub use retry::RetryPolicy;

use crate::error::{BODY_EXCERPT, Error, UnexpectedStatus};
use crate::protocol::headers::OOPS_ID;
use crate::protocol::{ApiLevel, DeviceHeaders, MacaroonAuthorization, WwwAuthenticate};
use retry::is_retryable;
use session::Sessions;

/// The largest API answer read into memory (snap action answers with many snaps included).
pub const MAX_ANSWER: usize = 64 << 20;

/// How many times one request refreshes its authorization on a 401 (snapd: 4).
const AUTH_REFRESHES: u32 = 4;

/// A client of one store. Cheap to clone: clones share the HTTP connections and the
/// device session.
#[derive(Clone, Debug)]
pub struct StoreClient {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    config: Config,
    device_headers: DeviceHeaders,
    http: reqwest::Client,
    download_http: reqwest::Client,
    device: Option<DeviceIdentity>,
    user: Option<MacaroonAuthorization>,
    sessions: Sessions,
}

/// Builds a [`StoreClient`].
#[derive(Debug)]
pub struct ClientBuilder {
    config: Config,
    device: Option<DeviceIdentity>,
    user: Option<MacaroonAuthorization>,
    session: Option<String>,
}

impl ClientBuilder {
    /// Requests authorize as this device (a session is opened on first use).
    pub fn device(mut self, device: DeviceIdentity) -> Self {
        self.device = Some(device);
        self
    }

    /// Requests carry this user's or publisher's `Authorization: Macaroon root, discharge`.
    pub fn user(mut self, user: MacaroonAuthorization) -> Self {
        self.user = Some(user);
        self
    }

    /// Starts with a device session kept from earlier (snapd's `device.session-macaroon`).
    pub fn session(mut self, session: impl Into<String>) -> Self {
        self.session = Some(session.into());
        self
    }

    /// The client.
    pub fn build(self) -> Result<StoreClient, Error> {
        let tls = tls::client_config(&self.config.extra_roots)?;
        let http = reqwest::Client::builder()
            .tls_backend_preconfigured(tls.clone())
            .timeout(self.config.request_timeout)
            .build()
            .map_err(|e| Error::Tls(e.to_string()))?;
        // downloads: no overall limit, and redirects followed by hand, without the
        // authorization headers (the CDN must not see them)
        let download_http = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .connect_timeout(self.config.request_timeout)
            .read_timeout(download::READ_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::Tls(e.to_string()))?;
        let mut device_headers = self.config.device.clone();
        if let Some(id) = self.device.as_ref().and_then(|d| d.store_id()) {
            device_headers.store_id = Some(id.to_string());
        }
        Ok(StoreClient {
            inner: Arc::new(Inner {
                config: self.config,
                device_headers,
                http,
                download_http,
                device: self.device,
                user: self.user,
                sessions: Sessions::new(self.session),
            }),
        })
    }
}

/// One request, before authorization.
#[derive(Clone, Debug)]
pub(crate) struct Request {
    method: Method,
    url: Url,
    level: ApiLevel,
    accept: &'static str,
    json_body: Option<Bytes>,
    headers: Vec<(&'static str, String)>,
    /// What the call does, for errors (`query the store for updates`).
    op: &'static str,
    /// Only `User-Agent`, `Accept` and the extra headers (nonce and session requests).
    bare: bool,
}

impl Request {
    pub(crate) fn new(method: Method, url: Url, level: ApiLevel, op: &'static str) -> Self {
        Request {
            method,
            url,
            level,
            accept: "",
            json_body: None,
            headers: Vec::new(),
            op,
            bare: false,
        }
    }

    pub(crate) fn accept(mut self, accept: &'static str) -> Self {
        self.accept = accept;
        self
    }

    pub(crate) fn json(mut self, body: Vec<u8>) -> Self {
        self.json_body = Some(Bytes::from(body));
        self
    }

    pub(crate) fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    pub(crate) fn bare(mut self) -> Self {
        self.bare = true;
        self
    }
}

/// A read answer.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    method: Method,
    url: Url,
}

impl Answer {
    /// snapd's `respToError`: 429 is too many requests, anything else unexpected.
    pub(crate) fn unexpected(&self, op: &str) -> Error {
        if self.status == StatusCode::TOO_MANY_REQUESTS {
            return Error::TooManyRequests;
        }
        let end = self.body.len().min(BODY_EXCERPT);
        Error::UnexpectedStatus(Box::new(UnexpectedStatus {
            op: op.to_string(),
            status: self.status.as_u16(),
            method: self.method.to_string(),
            url: self.url.to_string(),
            oops_id: self.header(OOPS_ID).map(str::to_string),
            body_excerpt: String::from_utf8_lossy(self.body.get(..end).unwrap_or_default())
                .into_owned(),
        }))
    }

    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body as JSON of type `T`.
    pub(crate) fn json<T: serde::de::DeserializeOwned>(&self, op: &str) -> Result<T, Error> {
        serde_json::from_slice(&self.body).map_err(|e| Error::BadResponse {
            op: op.to_string(),
            detail: format!("cannot decode the answer: {e}"),
        })
    }

    /// Whether the answer is JSON (`application/json`, with or without parameters).
    pub(crate) fn is_json(&self, also: &str) -> bool {
        self.header(CONTENT_TYPE.as_str())
            .and_then(|ct| ct.split(';').next())
            .is_some_and(|ct| {
                let ct = ct.trim();
                ct == "application/json" || (!also.is_empty() && ct == also)
            })
    }
}

impl StoreClient {
    /// A builder for a client of the store `config` describes.
    pub fn builder(config: Config) -> ClientBuilder {
        ClientBuilder {
            config,
            device: None,
            user: None,
            session: None,
        }
    }

    /// A client without device or user authorization.
    pub fn new(config: Config) -> Result<Self, Error> {
        Self::builder(config).build()
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The device headers requests carry (the model's store id included).
    pub fn device_headers(&self) -> &DeviceHeaders {
        &self.inner.device_headers
    }

    /// The device identity, if any.
    pub fn device(&self) -> Option<&DeviceIdentity> {
        self.inner.device.as_ref()
    }

    fn build(
        &self,
        client: &reqwest::Client,
        req: &Request,
        url: &Url,
        session: Option<&str>,
        authorize: bool,
    ) -> reqwest::RequestBuilder {
        let mut b = client
            .request(req.method.clone(), url.clone())
            .header(USER_AGENT, &self.inner.config.user_agent);
        if !req.accept.is_empty() {
            b = b.header(ACCEPT, req.accept);
        }
        if !req.bare {
            for (name, value) in self.inner.device_headers.pairs(req.level) {
                b = b.header(name, value);
            }
            if authorize {
                if let Some(s) = session {
                    let value = MacaroonAuthorization::device(s).to_header();
                    b = b.header(req.level.device_authorization(), value);
                }
                if let Some(user) = &self.inner.user {
                    b = b.header(AUTHORIZATION, user.to_header());
                }
            }
        }
        for (name, value) in &req.headers {
            b = b.header(*name, value);
        }
        if let Some(body) = &req.json_body {
            b = b
                .header(CONTENT_TYPE, "application/json")
                .body(body.clone());
        }
        b
    }

    /// snapd's `doRequest`: sends `req` once, refreshing the device session and sending
    /// again when a 401 asks for it. Transport errors are returned as they are, for the
    /// retry loop to judge.
    pub(crate) async fn send(
        &self,
        client: &reqwest::Client,
        req: &Request,
        url: &Url,
        authorize: bool,
    ) -> Result<Result<reqwest::Response, reqwest::Error>, Error> {
        let mut refreshes = 0;
        loop {
            let session = if req.bare || !authorize {
                None
            } else {
                self.ensure_session().await?
            };
            let resp = match self
                .build(client, req, url, session.as_deref(), authorize)
                .send()
                .await
            {
                Ok(r) => r,
                Err(e) => return Ok(Err(e)),
            };
            if resp.status() == StatusCode::UNAUTHORIZED && refreshes < AUTH_REFRESHES {
                let hint = resp
                    .headers()
                    .get(reqwest::header::WWW_AUTHENTICATE)
                    .and_then(|v| v.to_str().ok())
                    .map(WwwAuthenticate::parse)
                    .unwrap_or_default();
                if hint.refresh_device_session && self.inner.device.is_some() {
                    tracing::debug!(url = %url, "the store asks for a new device session");
                    self.refresh_session(session.as_deref()).await?;
                    refreshes += 1;
                    continue;
                }
            }
            return Ok(Ok(resp));
        }
    }

    /// snapd's `RetryRequest` around [`StoreClient::send`]: retries transport errors and
    /// 5xx answers as the configuration says, and reads the answer (at most
    /// [`MAX_ANSWER`] bytes). The last answer is returned whatever its status.
    pub(crate) async fn request(&self, req: &Request) -> Result<Answer, Error> {
        self.retrying(req, || self.send(&self.inner.http, req, &req.url, true))
            .await
    }

    /// [`StoreClient::request`] for the session endpoints: no device headers, no
    /// authorization but what `req` carries, and so no session to open first.
    pub(crate) async fn request_bare(&self, req: &Request) -> Result<Answer, Error> {
        self.retrying(req, || async {
            Ok(self
                .build(&self.inner.http, req, &req.url, None, false)
                .send()
                .await)
        })
        .await
    }

    async fn retrying<F, Fut>(&self, req: &Request, send: F) -> Result<Answer, Error>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<Result<reqwest::Response, reqwest::Error>, Error>>,
    {
        let mut attempts = self.inner.config.retry.start();
        let mut last_err = None;
        while attempts.next().await {
            let resp = match send().await? {
                Ok(r) => r,
                Err(e) => {
                    if is_retryable(&e) && attempts.more() {
                        tracing::debug!(url = %req.url, error = %e, "store request failed; retrying");
                        last_err = Some(e);
                        continue;
                    }
                    return Err(Error::Transport {
                        op: req.op.to_string(),
                        source: e,
                    });
                }
            };
            let status = resp.status();
            if status.is_server_error() && attempts.more() {
                tracing::debug!(url = %req.url, %status, "store answered a server error; retrying");
                continue;
            }
            let headers = resp.headers().clone();
            match read_limited(resp, MAX_ANSWER).await {
                Ok(body) => {
                    tracing::debug!(method = %req.method, url = %req.url, %status, attempts = attempts.made(), "store request");
                    return Ok(Answer {
                        status,
                        headers,
                        body,
                        method: req.method.clone(),
                        url: req.url.clone(),
                    });
                }
                Err(ReadError::Transport(e)) => {
                    if is_retryable(&e) && attempts.more() {
                        last_err = Some(e);
                        continue;
                    }
                    return Err(Error::Transport {
                        op: req.op.to_string(),
                        source: e,
                    });
                }
                Err(ReadError::TooLarge) => {
                    return Err(Error::BadResponse {
                        op: req.op.to_string(),
                        detail: format!("answer larger than {MAX_ANSWER} bytes"),
                    });
                }
            }
        }
        // the loop only ends without returning after a retried transport error
        Err(match last_err {
            Some(e) => Error::Transport {
                op: req.op.to_string(),
                source: e,
            },
            None => Error::BadResponse {
                op: req.op.to_string(),
                detail: "no attempt made".into(),
            },
        })
    }
}

pub(crate) enum ReadError {
    Transport(reqwest::Error),
    TooLarge,
}

/// Reads a body of at most `limit` bytes.
pub(crate) async fn read_limited(
    resp: reqwest::Response,
    limit: usize,
) -> Result<Bytes, ReadError> {
    if resp
        .content_length()
        .is_some_and(|n| n > u64::try_from(limit).unwrap_or(u64::MAX))
    {
        return Err(ReadError::TooLarge);
    }
    let mut out = Vec::new();
    let mut stream = resp.bytes_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(ReadError::Transport)?;
        if out.len() + chunk.len() > limit {
            return Err(ReadError::TooLarge);
        }
        out.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(out))
}
