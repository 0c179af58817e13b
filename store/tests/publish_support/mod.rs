//! A running store for the publishing tests: the store's authority (`teststore`, the
//! checked-in test-only root key), two brands (`acme`, `other`) whose accounts it signed,
//! a credential for each and an admin one, served on a real socket; and `.snap` files
//! built with mksquashfs from a snap.yaml, valid or not.

#![allow(dead_code)] // each test crate uses its own part

use std::path::{Path, PathBuf};
use std::sync::Arc;

use ucore_assertions::{Assertion, AssertionBuilder, AssertionType};
use ucore_signing::{RsaPrivateKey, encode_public_key, sign_assertion};
use ucore_snap::pack::{BuildOptions, build_squashfs};
use ucore_store::credential::new_credential;
use ucore_store::db::{AssertionRecord, CredentialScope};
use ucore_store::http::RunningStore;
use ucore_store::metrics::Metrics;
use ucore_store::publisher_api::CredentialFile;
use ucore_store::session::SessionKeys;
use ucore_store::state::Inner;
use ucore_store::upload_policy::UploadPolicy;
use ucore_store::{Authority, Blobs, Db, Settings, Store};
use ucore_store_client::protocol::{ErrorList, MacaroonAuthorization};

/// The authority's account id.
pub const AUTHORITY: &str = "teststore";
/// The largest upload the test store takes.
pub const MAX_SNAP_SIZE: u64 = 256 << 10;

/// A store on a socket, and who may publish there.
pub struct Fixture {
    /// The store.
    pub store: Store,
    /// Its server.
    pub server: Option<RunningStore>,
    /// Its URL.
    pub url: String,
    /// The operator's credential.
    pub admin: CredentialFile,
    /// Brand `acme`'s credential.
    pub acme: CredentialFile,
    /// Brand `other`'s credential.
    pub other: CredentialFile,
    /// The authority's account and account-key (the trust a device starts with).
    pub trusted: Vec<Assertion>,
    /// The brands' accounts.
    pub brands: Vec<Assertion>,
    /// Where snaps are built.
    pub dir: tempfile::TempDir,
}

fn sign(builder: AssertionBuilder, key: &RsaPrivateKey) -> Assertion {
    sign_assertion(&builder, key).unwrap()
}

/// The authority's account and account-key, self-signed with the test-only root key.
pub fn authority_chain(key: &RsaPrivateKey) -> (Assertion, Assertion) {
    let account = sign(
        AssertionBuilder::new(AssertionType::Account)
            .header("authority-id", AUTHORITY)
            .header("account-id", AUTHORITY)
            .header("display-name", "Test Store")
            .header("validation", "verified")
            .header("timestamp", "2020-01-01T00:00:00Z"),
        key,
    );
    let account_key = sign(
        AssertionBuilder::new(AssertionType::AccountKey)
            .header("authority-id", AUTHORITY)
            .header("account-id", AUTHORITY)
            .header("name", "store")
            .header("public-key-sha3-384", key.key_id().to_string())
            .header("since", "2020-01-01T00:00:00Z")
            .body(encode_public_key(key.public_key())),
        key,
    );
    (account, account_key)
}

/// A brand account the authority signs.
pub fn brand_account(id: &str, key: &RsaPrivateKey) -> Assertion {
    sign(
        AssertionBuilder::new(AssertionType::Account)
            .header("authority-id", AUTHORITY)
            .header("account-id", id.to_string())
            .header("display-name", id.to_uppercase())
            .header("validation", "verified")
            .header("timestamp", "2020-01-01T00:00:00Z"),
        key,
    )
}

impl Fixture {
    /// A store serving on 127.0.0.1.
    pub async fn start() -> Fixture {
        Fixture::start_with_policy(|_| UploadPolicy::none()).await
    }

    /// A running store whose upload review is `policy(dir)`, with `dir` the fixture's
    /// scratch directory (for the policy's files).
    pub async fn start_with_policy(policy: impl FnOnce(&Path) -> UploadPolicy) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let policy = policy(dir.path());
        let key = RsaPrivateKey::from_pem(ucore_test_support::keys::ROOT).unwrap();
        let (account, account_key) = authority_chain(&key);
        let brands = vec![brand_account("acme", &key), brand_account("other", &key)];
        let db = Db::open(&dir.path().join("store.db").display().to_string())
            .await
            .unwrap();
        for brand in &brands {
            let id = ucore_assertions::AssertionAccess::header_str(brand, "account-id")
                .unwrap()
                .to_string();
            let text = String::from_utf8(ucore_assertions::AssertionAccess::encode(brand)).unwrap();
            db.put_assertion(&AssertionRecord {
                assertion_type: "account".into(),
                primary_key: vec![id],
                revision: 0,
                snap_id: String::new(),
                text,
            })
            .await
            .unwrap();
        }
        let authority =
            Authority::new(Arc::new(key), account.clone(), account_key.clone()).unwrap();
        let mut settings = Settings::new("teststore-id", "http://127.0.0.1:0");
        settings.max_snap_size = MAX_SNAP_SIZE;
        let store = Store::from_parts(Inner {
            settings,
            db: db.clone(),
            blobs: Blobs::open(dir.path().join("snaps")).unwrap(),
            authority,
            sessions: SessionKeys::from_secret([7; 32]),
            metrics: Metrics::new(),
            policy,
        });
        let server = ucore_store::http::serve(store.clone(), "127.0.0.1:0".parse().unwrap(), false)
            .await
            .unwrap();
        let url = server.url();
        let credential = |scope| {
            let (record, file) = new_credential(scope, &url);
            (record, file)
        };
        let (admin_rec, admin) = credential(CredentialScope::Admin);
        let (acme_rec, acme) = credential(CredentialScope::Publisher("acme".into()));
        let (other_rec, other) = credential(CredentialScope::Publisher("other".into()));
        for rec in [admin_rec, acme_rec, other_rec] {
            db.add_credential(&rec).await.unwrap();
        }
        Fixture {
            store,
            server: Some(server),
            url,
            admin,
            acme,
            other,
            trusted: vec![account, account_key],
            brands,
            dir,
        }
    }

    /// Builds a `.snap` from `snap_yaml` (and `files`, path → contents), as mksquashfs
    /// packs it, without snap pack's checks.
    pub fn snap(&self, file_name: &str, snap_yaml: &str, files: &[(&str, &str)]) -> PathBuf {
        let src = self.dir.path().join(format!("{file_name}.d"));
        std::fs::create_dir_all(src.join("meta")).unwrap();
        std::fs::write(src.join("meta/snap.yaml"), snap_yaml).unwrap();
        for (path, contents) in files {
            let p = src.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, contents).unwrap();
        }
        let out = self.dir.path().join(file_name);
        build_squashfs(
            &src,
            &out,
            &BuildOptions {
                fixed_time: Some(1_600_000_000),
                ..BuildOptions::default()
            },
        )
        .unwrap();
        out
    }
}

/// An HTTP answer: status and body.
#[derive(Debug)]
pub struct Answer {
    /// The status.
    pub status: u16,
    /// The body.
    pub body: String,
}

impl Answer {
    /// The body as `T`.
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> T {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {} {}", self.status, self.body))
    }

    /// The one error of an error body: (status, code, message).
    pub fn error(&self) -> (u16, String, String) {
        let list: ErrorList = self.json();
        assert_eq!(list.error_list.len(), 1, "{}", self.body);
        let e = &list.error_list[0];
        (self.status, e.code.clone(), e.message.clone())
    }
}

/// An expected refusal: status, code, message.
pub fn refusal(status: u16, code: &str, message: &str) -> (u16, String, String) {
    (status, code.to_string(), message.to_string())
}

/// The `Authorization` value of a credential.
pub fn authorization(c: &CredentialFile) -> String {
    MacaroonAuthorization {
        root: c.macaroon.clone(),
        discharges: c.discharges.clone(),
    }
    .to_header()
}

/// A request on a blocking client, from an async test.
pub async fn call(
    method: &'static str,
    url: String,
    auth: Option<String>,
    content_type: &'static str,
    body: Vec<u8>,
) -> Answer {
    tokio::task::spawn_blocking(move || {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let mut response = match method {
            "GET" => {
                let mut r = agent.get(&url);
                if let Some(a) = &auth {
                    r = r.header("Authorization", a);
                }
                r.call()
            }
            "PUT" => {
                let mut r = agent.put(&url).header("Content-Type", content_type);
                if let Some(a) = &auth {
                    r = r.header("Authorization", a);
                }
                r.send(&body[..])
            }
            _ => {
                let mut r = agent.post(&url).header("Content-Type", content_type);
                if let Some(a) = &auth {
                    r = r.header("Authorization", a);
                }
                r.send(&body[..])
            }
        }
        .unwrap();
        Answer {
            status: response.status().as_u16(),
            body: response.body_mut().read_to_string().unwrap(),
        }
    })
    .await
    .unwrap()
}

impl Fixture {
    /// POSTs JSON as `who`.
    pub async fn post_json(
        &self,
        who: Option<&CredentialFile>,
        path: &str,
        body: serde_json::Value,
    ) -> Answer {
        self.send_json("POST", who, path, body).await
    }

    /// PUTs JSON as `who`.
    pub async fn put_json(
        &self,
        who: Option<&CredentialFile>,
        path: &str,
        body: serde_json::Value,
    ) -> Answer {
        self.send_json("PUT", who, path, body).await
    }

    async fn send_json(
        &self,
        method: &'static str,
        who: Option<&CredentialFile>,
        path: &str,
        body: serde_json::Value,
    ) -> Answer {
        call(
            method,
            format!("{}{path}", self.url),
            who.map(authorization),
            "application/json",
            body.to_string().into_bytes(),
        )
        .await
    }

    /// GETs as `who`.
    pub async fn get(&self, who: Option<&CredentialFile>, path: &str) -> Answer {
        call(
            "GET",
            format!("{}{path}", self.url),
            who.map(authorization),
            "",
            Vec::new(),
        )
        .await
    }

    /// Uploads the file at `snap` as `who`, with a query string (`release=…`).
    pub async fn push(&self, who: &CredentialFile, snap: &Path, query: &str) -> Answer {
        self.push_bytes(who, std::fs::read(snap).unwrap(), query)
            .await
    }

    /// Uploads `bytes` as `who`.
    pub async fn push_bytes(&self, who: &CredentialFile, bytes: Vec<u8>, query: &str) -> Answer {
        let q = if query.is_empty() {
            String::new()
        } else {
            format!("?{query}")
        };
        call(
            "POST",
            format!("{}/api/v1/publisher/snaps{q}", self.url),
            Some(authorization(who)),
            "application/octet-stream",
            bytes,
        )
        .await
    }

    /// `POST /api/v1/publisher/names` as `who`.
    pub async fn names(&self, who: &CredentialFile, body: serde_json::Value) -> Answer {
        self.post_json(Some(who), "/api/v1/publisher/names", body)
            .await
    }

    /// `POST /api/v1/publisher/releases` of `revision` (any JSON) to `channels` as `who`.
    pub async fn release(
        &self,
        who: &CredentialFile,
        name: &str,
        revision: serde_json::Value,
        channels: serde_json::Value,
    ) -> Answer {
        let body = serde_json::json!({"name": name, "revision": revision, "channels": channels});
        self.post_json(Some(who), "/api/v1/publisher/releases", body)
            .await
    }

    /// `POST /api/v1/publisher/close` as `who`.
    pub async fn close(&self, who: &CredentialFile, name: &str, channel: &str) -> Answer {
        let body = serde_json::json!({"name": name, "channel": channel});
        self.post_json(Some(who), "/api/v1/publisher/close", body)
            .await
    }

    /// `GET /api/v1/publisher/snaps/{name}` as `who`.
    pub async fn status(&self, who: &CredentialFile, name: &str) -> Answer {
        self.get(Some(who), &format!("/api/v1/publisher/snaps/{name}"))
            .await
    }

    /// Registers `name` for `publisher` as the admin; the snap id.
    pub async fn register(&self, name: &str, publisher: &str) -> String {
        let a = self
            .names(
                &self.admin,
                serde_json::json!({"name": name, "publisher": publisher}),
            )
            .await;
        assert_eq!(a.status, 200, "{}", a.body);
        let r: ucore_store::publisher_api::NameRegistered = a.json();
        r.snap_id
    }
}

/// A request written by hand on a raw socket: `head` (request line and headers, without
/// the blank line), then `body` in chunks; write errors are ignored (the server may answer
/// and close before the body is sent), and the answer is read to the end.
pub async fn raw(url: &str, head: String, body: Vec<Vec<u8>>) -> Answer {
    use std::io::{Read as _, Write as _};
    let addr = url.trim_start_matches("http://").to_string();
    tokio::task::spawn_blocking(move || {
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(std::time::Duration::from_secs(20)))
            .unwrap();
        let _ = s.write_all(format!("{head}\r\nConnection: close\r\n\r\n").as_bytes());
        for chunk in body {
            if s.write_all(&chunk).is_err() {
                break;
            }
        }
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
        let text = String::from_utf8_lossy(&out).into_owned();
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no status in {head:?}"));
        Answer {
            status,
            body: body.to_string(),
        }
    })
    .await
    .unwrap()
}

/// A GET's body as bytes (a download), asserting a 200.
pub async fn call_bytes(url: &str) -> Vec<u8> {
    let url = url.to_string();
    tokio::task::spawn_blocking(move || {
        let mut r = ureq::get(&url).call().unwrap();
        r.body_mut()
            .with_config()
            .limit(64 << 20)
            .read_to_vec()
            .unwrap()
    })
    .await
    .unwrap()
}
