//! What the server tests share: a store on the test-only keys (an authority and the
//! brand `acme`), and a raw HTTP/1.1 client on real sockets.
#![allow(dead_code)] // each test crate uses its own part

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use ucore_assertions::{Assertion, AssertionBuilder, AssertionType};
use ucore_signing::{RsaPrivateKey, Signer, encode_public_key, sign_assertion};
use ucore_store::config::Settings;
use ucore_store::metrics::Metrics;
use ucore_store::open::{BrandAssertions, StoreParts};
use ucore_store::{Authority, Blobs, Db, Store};
use ucore_test_support::keys;

/// The store's authority account id in these tests.
pub const AUTHORITY: &str = "store-authority";
/// The brand.
pub const BRAND: &str = "acme";

/// A test-only key.
pub fn key(pem: &str) -> Arc<RsaPrivateKey> {
    Arc::new(RsaPrivateKey::from_pem(pem).expect("test key"))
}

/// `account-id`'s account, signed by `signer` for `authority_id`.
pub fn account(signer: &dyn Signer, authority_id: &str, account_id: &str) -> Assertion {
    let b = AssertionBuilder::new(AssertionType::Account)
        .header("authority-id", authority_id.to_string())
        .header("account-id", account_id.to_string())
        .header("display-name", account_id.to_string())
        .header("validation", "verified")
        .header("timestamp", "2021-01-01T00:00:00Z");
    sign_assertion(&b, signer).expect("sign account")
}

/// An account-key of `account_id` for `key`, signed by `signer` for `authority_id`.
pub fn account_key(
    signer: &dyn Signer,
    authority_id: &str,
    account_id: &str,
    key: &dyn Signer,
) -> Assertion {
    let b = AssertionBuilder::new(AssertionType::AccountKey)
        .header("authority-id", authority_id.to_string())
        .header("account-id", account_id.to_string())
        .header("name", "default")
        .header("public-key-sha3-384", key.key_id().to_string())
        .header("since", "2020-01-01T00:00:00Z")
        .body(encode_public_key(key.public_key()));
    sign_assertion(&b, signer).expect("sign account-key")
}

/// The authority's self-signed chain (the test-only ROOT key).
pub fn authority_chain() -> (Arc<RsaPrivateKey>, Assertion, Assertion) {
    let root = key(keys::ROOT);
    let acc = account(&*root, AUTHORITY, AUTHORITY);
    let ak = account_key(&*root, AUTHORITY, AUTHORITY, &*root);
    (root, acc, ak)
}

/// The brand `acme` (the test-only ACME key), signed by the authority.
pub fn acme_assertions(authority: &dyn Signer) -> Vec<Assertion> {
    let acme = key(keys::ACME);
    vec![
        account(authority, AUTHORITY, BRAND),
        account_key(authority, AUTHORITY, BRAND, &*acme),
    ]
}

/// A store in memory with `settings`, serving `acme`. Keep the directory as long as the
/// store.
pub async fn store(settings: Settings, metrics: Metrics) -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    let (root, acc, ak) = authority_chain();
    let brands = vec![BrandAssertions {
        id: BRAND.into(),
        assertions: acme_assertions(&*root),
    }];
    let store = Store::open_parts(StoreParts {
        settings,
        db: Db::open("sqlite::memory:").await.expect("db"),
        blobs: Blobs::open(dir.path().join("snaps")).expect("blobs"),
        authority: Authority::new(root, acc, ak).expect("authority"),
        brands,
        metrics,
        policy: Default::default(),
    })
    .await
    .expect("store");
    (store, dir)
}

/// Writes assertions to a file as a stream.
pub fn write_stream(path: &std::path::Path, assertions: &[Assertion]) {
    let mut text = Vec::new();
    for a in assertions {
        text.extend_from_slice(&ucore_assertions::AssertionAccess::encode(a));
        text.extend_from_slice(b"\n");
    }
    std::fs::write(path, text).expect("write the assertions");
}

/// Writes `authority.assert` (the authority's chain) and `acme.assert` (`brand`) into
/// `dir`, the files a test configuration names.
pub fn write_assertion_files(dir: &std::path::Path, brand: &[Assertion]) {
    let (_, acc, ak) = authority_chain();
    write_stream(&dir.join("authority.assert"), &[acc, ak]);
    write_stream(&dir.join("acme.assert"), brand);
}

/// Settings for a test server.
pub fn settings() -> Settings {
    Settings::new("test-store", "http://127.0.0.1:1")
}

/// An answer: status, headers (lower-case names) and body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Headers,
    pub body: Vec<u8>,
}

impl Answer {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as snapd's error list; panics when it is not one.
    pub fn error_list(&self) -> ucore_store_client::protocol::ErrorList {
        assert_eq!(
            self.header("content-type"),
            Some("application/json"),
            "{self:?}"
        );
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not an error-list ({e}): {}", self.text()))
    }
}

/// Header names (lower case) and values.
type Headers = Vec<(String, String)>;

/// The status line and headers of an answer, and where its body starts.
fn parse_head(raw: &[u8]) -> Option<(u16, Headers, usize)> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..end]).ok()?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Some((status, headers, end + 4))
}

/// Parses one complete answer (its body as long as `Content-Length` says).
pub fn parse(raw: &[u8]) -> Option<Answer> {
    let (status, headers, start) = parse_head(raw)?;
    let len = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok())?;
    let body = raw.get(start..start + len)?.to_vec();
    Some(Answer {
        status,
        headers,
        body,
    })
}

/// Sends `request` (raw bytes) on a new connection and reads one answer.
pub async fn send(addr: std::net::SocketAddr, request: &[u8]) -> Answer {
    let mut s = TcpStream::connect(addr).await.expect("connect");
    s.write_all(request).await.expect("write");
    read_answer(&mut s).await.expect("an answer")
}

/// Reads one answer from a connection: complete by `Content-Length`, or whatever came
/// when the server closes (a HEAD's answer has no body). None if nothing came.
pub async fn read_answer(s: &mut TcpStream) -> Option<Answer> {
    let mut raw = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        if let Some(a) = parse(&raw) {
            return Some(a);
        }
        let n = s.read(&mut buf).await.ok()?;
        if n == 0 {
            let (status, headers, start) = parse_head(&raw)?;
            return Some(Answer {
                status,
                headers,
                body: raw.get(start..).unwrap_or_default().to_vec(),
            });
        }
        raw.extend_from_slice(&buf[..n]);
    }
}

/// A GET request closing the connection after the answer.
pub fn get(path: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nHost: store\r\nConnection: close\r\n\r\n").into_bytes()
}

/// Whether the server closes `s` within `within` (reading and dropping anything sent).
pub async fn closed_within(s: &mut TcpStream, within: Duration) -> bool {
    let mut buf = [0u8; 1024];
    tokio::time::timeout(within, async {
        loop {
            match s.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await
    .is_ok()
}

/// The value of a series in the store's metrics; panics when it is not there.
pub fn counter(store: &Store, series: &str) -> u64 {
    let text = store.metrics.render();
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or_else(|| panic!("{series} not in\n{text}"))
}
