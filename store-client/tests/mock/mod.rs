//! A mock store on axum, on a real socket: it records every request, answers scripted
//! responses first, and otherwise plays a small store (nonces, sessions that check the
//! device-session-request, snap info, downloads with `Range`, assertions).

#![allow(dead_code)] // each test binary uses a part

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use ucore_assertions::{Assertion, AssertionAccess, AssertionBuilder, AssertionType, HeaderValue};
use ucore_signing::{RsaPrivateKey, Signer};
use ucore_store_client::{Config, DeviceIdentity, RetryPolicy};

/// One request as the mock saw it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: Method,
    pub path: String,
    pub query: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// A canned answer.
#[derive(Clone, Debug)]
pub struct Canned {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

impl Canned {
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Canned {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }
    pub fn json(status: u16, body: serde_json::Value) -> Self {
        Canned::new(status, body.to_string()).header("Content-Type", "application/json")
    }
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
}

#[derive(Default)]
pub struct MockState {
    pub seen: Vec<Seen>,
    pub script: HashMap<String, VecDeque<Canned>>,
    pub nonces: u32,
    pub sessions: u32,
    pub files: HashMap<String, Vec<u8>>,
    pub assertions: HashMap<String, Vec<u8>>,
    /// Honour `Range` on downloads.
    pub ranges: bool,
    /// Per-request session errors: what the session endpoint saw wrong.
    pub session_errors: Vec<String>,
}

#[derive(Clone)]
pub struct Mock {
    pub addr: SocketAddr,
    pub state: Arc<Mutex<MockState>>,
}

impl Mock {
    /// Starts the mock on 127.0.0.1 (inside the current tokio runtime).
    pub async fn start() -> Mock {
        let state = Arc::new(Mutex::new(MockState {
            ranges: true,
            ..MockState::default()
        }));
        let app = Router::new().fallback(handle).with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        Mock { addr, state }
    }

    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// A configuration for this mock with quick retries.
    pub fn config(&self) -> Config {
        let mut c = Config::parse(&self.url()).unwrap();
        c.retry = fast_retry();
        c.download_retry = fast_retry();
        c.request_timeout = Duration::from_secs(5);
        c
    }

    pub fn script(&self, path: &str, answers: impl IntoIterator<Item = Canned>) {
        self.state
            .lock()
            .unwrap()
            .script
            .entry(path.to_string())
            .or_default()
            .extend(answers);
    }

    pub fn seen(&self, path: &str) -> Vec<Seen> {
        let s = self.state.lock().unwrap();
        s.seen.iter().filter(|r| r.path == path).cloned().collect()
    }
}

pub fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        attempts: 6,
        total: Duration::from_secs(5),
        initial: Duration::from_millis(10),
        factor: 2.0,
    }
}

async fn handle(
    State(state): State<Arc<Mutex<MockState>>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_string();
    let mut s = state.lock().unwrap();
    s.seen.push(Seen {
        method: method.clone(),
        path: path.clone(),
        query: uri.query().unwrap_or_default().to_string(),
        headers: headers.clone(),
        body: body.clone(),
    });
    if let Some(c) = s.script.get_mut(&path).and_then(VecDeque::pop_front) {
        return canned(c);
    }
    if path == "/api/v1/snaps/auth/nonces" {
        s.nonces += 1;
        return canned(Canned::json(
            200,
            serde_json::json!({"nonce": format!("nonce-{}", s.nonces)}),
        ));
    }
    if path == "/api/v1/snaps/auth/sessions" {
        if let Err(e) = check_session_request(&body, s.nonces) {
            s.session_errors.push(e);
            return canned(Canned::new(400, "bad session request"));
        }
        s.sessions += 1;
        return canned(Canned::json(
            200,
            serde_json::json!({"macaroon": format!("session-{}", s.sessions)}),
        ));
    }
    if let Some(file) = path.strip_prefix("/download/") {
        let Some(data) = s.files.get(file).cloned() else {
            return StatusCode::NOT_FOUND.into_response();
        };
        let range = headers
            .get("range")
            .and_then(|r| r.to_str().ok())
            .and_then(|r| r.strip_prefix("bytes="))
            .and_then(|r| r.strip_suffix('-'))
            .and_then(|n| n.parse::<usize>().ok());
        return match range {
            Some(n) if s.ranges && n <= data.len() => {
                let c = Canned::new(206, data[n..].to_vec()).header(
                    "Content-Range",
                    format!("bytes {n}-{}/{}", data.len().saturating_sub(1), data.len()),
                );
                canned(c)
            }
            _ => canned(Canned::new(200, data)),
        };
    }
    if let Some(key) = path.strip_prefix("/v2/assertions/") {
        return match s.assertions.get(key) {
            Some(a) => canned(
                Canned::new(200, a.clone())
                    .header("Content-Type", "application/x.ubuntu.assertion"),
            ),
            None => canned(Canned::json(
                404,
                serde_json::json!({"error-list": [{"code": "not-found", "message": "not found"}]}),
            )),
        };
    }
    canned(Canned::json(
        404,
        serde_json::json!({"error-list": [{"code": "not-found", "message": "no route"}]}),
    ))
}

/// The session request must carry a device-session-request for the last nonce, signed
/// by the serial's device key.
fn check_session_request(body: &[u8], nonce: u32) -> Result<(), String> {
    let v: serde_json::Value = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    let field = |n: &str| v[n].as_str().map(str::to_string).ok_or(format!("no {n}"));
    let dsr = Assertion::decode(field("device-session-request")?.as_bytes())
        .map_err(|e| e.to_string())?;
    let serial =
        Assertion::decode(field("serial-assertion")?.as_bytes()).map_err(|e| e.to_string())?;
    Assertion::decode(field("model-assertion")?.as_bytes()).map_err(|e| e.to_string())?;
    if dsr.assertion_type() != AssertionType::DeviceSessionRequest {
        return Err("not a device-session-request".into());
    }
    if dsr.header_str("nonce") != Some(&format!("nonce-{nonce}")) {
        return Err(format!("wrong nonce {:?}", dsr.header_str("nonce")));
    }
    if dsr.header_str("sign-key-sha3-384") != serial.header_str("device-key-sha3-384") {
        return Err("not signed by the device key".into());
    }
    if dsr.header_str("serial") != serial.header_str("serial") {
        return Err("serial mismatch".into());
    }
    Ok(())
}

fn canned(c: Canned) -> Response {
    let mut r = (StatusCode::from_u16(c.status).unwrap(), c.body).into_response();
    for (k, v) in c.headers {
        r.headers_mut().insert(k, v.parse().unwrap());
    }
    r
}

/// The test device: the `acme-device-1` model, a serial `S-1` signed by acme, the
/// test-only device key.
pub fn device() -> DeviceIdentity {
    let model_text =
        std::fs::read(ucore_test_support::repo().join("serial/tests/data/model.assert")).unwrap();
    let model = Assertion::decode(&model_text).unwrap();
    let acme = RsaPrivateKey::from_pem(ucore_test_support::keys::ACME).unwrap();
    let device = RsaPrivateKey::from_pem(ucore_test_support::keys::DEVICE).unwrap();
    let b = AssertionBuilder::new(AssertionType::Serial)
        .header("authority-id", HeaderValue::from("acme".to_string()))
        .header("brand-id", HeaderValue::from("acme".to_string()))
        .header("model", HeaderValue::from("acme-device-1".to_string()))
        .header("serial", HeaderValue::from("S-1".to_string()))
        .header(
            "device-key",
            HeaderValue::from(device.public_key().to_snapd_text()),
        )
        .header(
            "device-key-sha3-384",
            HeaderValue::from(Signer::key_id(&device).to_string()),
        )
        .header(
            "timestamp",
            HeaderValue::from("2024-05-10T12:07:36Z".to_string()),
        );
    let serial = ucore_signing::sign_assertion(&b, &acme).unwrap();
    DeviceIdentity::new(model, serial, Arc::new(device)).unwrap()
}
