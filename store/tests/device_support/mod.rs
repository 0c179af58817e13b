//! A store for the device API tests, on a real socket: the store's authority (the
//! test-only root key, account `storeauth`), two brands it serves (`acme` with the ACME
//! key, `other` with the spare key), a device of each (the device key), snaps of the
//! authority (public), of acme and of other, with files, releases and assertions.

#![allow(dead_code)]

use std::sync::Arc;

use sha3::{Digest, Sha3_384};
use ucore_assertions::{Assertion, AssertionAccess, Timestamp};
use ucore_signing::{RsaPrivateKey, builder_from_json, sign_assertion, sign_assertion_at};
use ucore_store::db::{AssertionRecord, NewRevision, SnapRecord};
use ucore_store::session::SessionKeys;
use ucore_store::state::Inner;
use ucore_store::{Authority, Blobs, Channel, Db, Settings, Store};
use ucore_test_support::keys;

/// The store id of the test store.
pub const STORE_ID: &str = "acme-store";
/// The authority's account.
pub const AUTHORITY: &str = "storeauth";

const T: Timestamp = Timestamp::from_openpgp_time(1_480_593_600); // 2016-12-01T12:00:00Z

pub fn key(pem: &str) -> RsaPrivateKey {
    RsaPrivateKey::from_pem(pem).unwrap()
}

pub fn sign(k: &RsaPrivateKey, json: serde_json::Value, body: Option<String>) -> Assertion {
    let b = builder_from_json(&json.to_string(), body.map(String::into_bytes)).unwrap();
    sign_assertion_at(&b, k, T).unwrap()
}

fn text(a: &Assertion) -> String {
    String::from_utf8(a.encode()).unwrap()
}

pub fn account(id: &str) -> Assertion {
    sign(
        &key(keys::ROOT),
        serde_json::json!({"type":"account","authority-id":AUTHORITY,"account-id":id,
            "display-name":format!("{id} Inc."),"username":id,"validation":"verified",
            "timestamp":"2016-01-01T00:00:00Z"}),
        None,
    )
}

pub fn account_key(of: &RsaPrivateKey, account: &str) -> Assertion {
    sign(
        &key(keys::ROOT),
        serde_json::json!({"type":"account-key","authority-id":AUTHORITY,"account-id":account,
            "name":"default","public-key-sha3-384":of.key_id(),"since":"2016-01-01T00:00:00Z"}),
        Some(of.public_key().to_snapd_text()),
    )
}

/// A model of `brand` (signed by `signer`) for `store`.
pub fn model(signer: &RsaPrivateKey, brand: &str, name: &str, store: &str) -> Assertion {
    sign(
        signer,
        serde_json::json!({"type":"model","authority-id":brand,"brand-id":brand,"series":"16",
            "model":name,"architecture":"amd64","gadget":"pc","kernel":"pc-kernel",
            "store":store,"timestamp":"2016-12-01T00:00:00Z"}),
        None,
    )
}

/// A serial of `brand`/`model`, signed by `signer` as `authority`, for the device key.
pub fn serial(
    signer: &RsaPrivateKey,
    authority: &str,
    brand: &str,
    model: &str,
    serial: &str,
) -> Assertion {
    let device = key(keys::DEVICE);
    sign(
        signer,
        serde_json::json!({"type":"serial","authority-id":authority,"brand-id":brand,
            "model":model,"serial":serial,"device-key":device.public_key().to_snapd_text(),
            "device-key-sha3-384":device.key_id(),"timestamp":"2016-12-01T00:00:00Z"}),
        None,
    )
}

/// A device-session request for `serial`, signed by `signer` (the device key, unless a
/// test forges it), stamped `at`.
pub fn session_request(
    signer: &RsaPrivateKey,
    serial: &Assertion,
    nonce: &str,
    at: Timestamp,
) -> Assertion {
    let h = |n| serial.header_str(n).unwrap().to_string();
    let b = builder_from_json(
        &serde_json::json!({"type":"device-session-request","brand-id":h("brand-id"),
            "model":h("model"),"serial":h("serial"),"nonce":nonce,
            "timestamp":at.trunc_to_second().to_string()})
        .to_string(),
        None,
    )
    .unwrap();
    sign_assertion(&b, signer).unwrap()
}

/// A snap in the test store.
#[derive(Clone, Debug)]
pub struct TestSnap {
    pub name: &'static str,
    pub snap_id: String,
    pub publisher: &'static str,
    /// Revision 1's file.
    pub file: Vec<u8>,
    pub sha3_384: String,
}

/// The running test store.
pub struct Fixture {
    pub rt: tokio::runtime::Runtime,
    pub store: Store,
    pub url: String,
    pub dir: tempfile::TempDir,
    pub snaps: Vec<TestSnap>,
}

fn snap_id(name: &str) -> String {
    let mut id: String = name.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    while id.len() < 32 {
        id.push('X');
    }
    id
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Puts a file in the store's snap directory; its hex SHA3-384.
async fn put_blob(blobs: &Blobs, bytes: &[u8]) -> String {
    let mut stage = blobs.stage(u64::MAX).await.unwrap();
    for chunk in bytes.chunks(10_000) {
        stage.write(chunk).await.unwrap();
    }
    let staged = stage.finish().await.unwrap();
    let digest = staged.sha3_384().to_string();
    assert_eq!(digest, hex(&Sha3_384::digest(bytes)));
    staged.commit().await.unwrap();
    digest
}

impl Fixture {
    /// The store with `settings` changed by `tweak`.
    pub fn with(tweak: impl FnOnce(&mut Settings)) -> Fixture {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let mut settings = Settings::new(STORE_ID, &url);
        tweak(&mut settings);
        let root = key(keys::ROOT);
        let (store, snaps) = rt.block_on(async {
            let db = Db::open("sqlite::memory:").await.unwrap();
            let blobs = Blobs::open(dir.path().join("snaps")).unwrap();
            let authority_account = account(AUTHORITY);
            let authority_key = account_key(&root, AUTHORITY);
            for (id, k) in [
                (AUTHORITY, key(keys::ROOT)),
                ("acme", key(keys::ACME)),
                ("other", key(keys::SPARE)),
            ] {
                for a in [account(id), account_key(&k, id)] {
                    let pk = a.primary_key().iter().map(|s| s.to_string()).collect();
                    db.put_assertion(&AssertionRecord {
                        assertion_type: a.assertion_type().name().into(),
                        primary_key: pk,
                        revision: a.revision(),
                        snap_id: String::new(),
                        text: text(&a),
                    })
                    .await
                    .unwrap();
                }
            }
            let sessions = SessionKeys::load(&db).await.unwrap();
            let authority =
                Authority::new(Arc::new(key(keys::ROOT)), authority_account, authority_key)
                    .unwrap();
            let store = Store::from_parts(Inner {
                settings,
                db,
                blobs,
                authority,
                sessions,
                metrics: Default::default(),
                policy: Default::default(),
            });
            let mut snaps = Vec::new();
            for (name, publisher) in [
                ("core-base", AUTHORITY),
                ("acme-app", "acme"),
                ("other-app", "other"),
            ] {
                snaps.push(add_snap(&store, name, publisher).await);
            }
            (store, snaps)
        });
        let app = ucore_store::http::router(store.clone());
        rt.spawn(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
        Fixture {
            rt,
            store,
            url,
            dir,
            snaps,
        }
    }

    pub fn new() -> Fixture {
        Fixture::with(|_| {})
    }

    /// The device API's routes alone (without the server's layers) on another socket;
    /// its URL.
    pub fn serve_device_router_alone(&self) -> String {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let app = ucore_store::http::device::router(self.store.clone());
        self.rt.spawn(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
        url
    }

    pub fn snap(&self, name: &str) -> &TestSnap {
        self.snaps.iter().find(|s| s.name == name).unwrap()
    }

    /// A nonce from the store.
    pub fn nonce(&self) -> String {
        let (status, body) = post_json(&format!("{}/api/v1/snaps/auth/nonces", self.url), &[], "");
        assert_eq!(status, 200, "{body}");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        v["nonce"].as_str().unwrap().to_string()
    }

    /// Posts a session request; status and body.
    pub fn open_session(
        &self,
        dsr: &Assertion,
        serial: &Assertion,
        model: &Assertion,
    ) -> (u16, String) {
        let body = serde_json::json!({
            "device-session-request": text(dsr),
            "serial-assertion": text(serial),
            "model-assertion": text(model),
        });
        post_json(
            &format!("{}/api/v1/snaps/auth/sessions", self.url),
            &[],
            &body.to_string(),
        )
    }

    /// A session for a device of `brand` (`acme` or `other`).
    pub fn session(&self, brand: &str) -> String {
        let k = key(if brand == "acme" {
            keys::ACME
        } else {
            keys::SPARE
        });
        let m = model(&k, brand, "m1", STORE_ID);
        let s = serial(&k, brand, brand, "m1", "s1");
        let dsr = session_request(&key(keys::DEVICE), &s, &self.nonce(), Timestamp::now());
        let (status, body) = self.open_session(&dsr, &s, &m);
        assert_eq!(status, 200, "{body}");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        v["macaroon"].as_str().unwrap().to_string()
    }
}

async fn add_snap(store: &Store, name: &'static str, publisher: &'static str) -> TestSnap {
    let snap_id = snap_id(name);
    store
        .db
        .register_name(&SnapRecord {
            snap_id: snap_id.clone(),
            name: name.into(),
            publisher_id: publisher.into(),
            registered_at: T,
        })
        .await
        .unwrap();
    let file: Vec<u8> = (0..200_000u32)
        .map(|i| (i % 251) as u8 ^ name.len() as u8)
        .collect();
    let digest = put_blob(&store.blobs, &file).await;
    let yaml = format!("name: {name}\nversion: 1.0\n");
    let rev = store
        .db
        .add_revision(&NewRevision {
            snap_id: snap_id.clone(),
            sha3_384: digest.clone(),
            size: file.len() as u64,
            version: "1.0".into(),
            snap_type: "app".into(),
            architectures: vec!["all".into()],
            base: String::new(),
            confinement: "strict".into(),
            grade: "stable".into(),
            epoch: r#"{"read":[0],"write":[0]}"#.into(),
            summary: format!("{name} summary"),
            description: String::new(),
            title: String::new(),
            license: String::new(),
            snap_yaml: yaml,
            uploaded_by: publisher.into(),
            created_at: T,
        })
        .await
        .unwrap();
    assert_eq!(rev.revision, 1);
    // A second revision, amd64 only, in beta.
    let mut second = rev.data.clone();
    let file2: Vec<u8> = file.iter().map(|b| b ^ 0x5a).collect();
    second.sha3_384 = put_blob(&store.blobs, &file2).await;
    second.architectures = vec!["amd64".into()];
    second.version = "2.0".into();
    let rev2 = store.db.add_revision(&second).await.unwrap();
    let ch = |s| Channel::parse(s).unwrap();
    store
        .db
        .release(&snap_id, "all", &ch("stable"), 1, T)
        .await
        .unwrap();
    store
        .db
        .release(&snap_id, "amd64", &ch("beta"), rev2.revision, T)
        .await
        .unwrap();
    store.db.close(&snap_id, &ch("candidate"), T).await.unwrap();
    // Its snap-declaration, signed by the store.
    let decl = sign(
        &key(keys::ROOT),
        serde_json::json!({"type":"snap-declaration","authority-id":AUTHORITY,"series":"16",
            "snap-id":snap_id,"snap-name":name,"publisher-id":publisher,
            "timestamp":"2016-12-01T00:00:00Z"}),
        None,
    );
    store
        .db
        .put_assertion(&AssertionRecord {
            assertion_type: "snap-declaration".into(),
            primary_key: vec!["16".into(), snap_id.clone()],
            revision: 0,
            snap_id: snap_id.clone(),
            text: text(&decl),
        })
        .await
        .unwrap();
    TestSnap {
        name,
        snap_id,
        publisher,
        file,
        sha3_384: digest,
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

/// Posts JSON with `headers`; status and body.
pub fn post_json(url: &str, headers: &[(&str, &str)], body: &str) -> (u16, String) {
    let mut req = agent().post(url).header("Content-Type", "application/json");
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let mut resp = req.send(body).unwrap();
    let status = resp.status().as_u16();
    (status, resp.body_mut().read_to_string().unwrap())
}

/// A GET answer: status, headers, body bytes.
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.text()))
    }
}

/// GETs `url` with `headers`.
pub fn get(url: &str, headers: &[(&str, &str)]) -> Answer {
    let mut req = agent().get(url);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let mut resp = req.call().unwrap();
    let status = resp.status().as_u16();
    let headers = resp
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let body = resp
        .body_mut()
        .with_config()
        .limit(u64::MAX)
        .read_to_vec()
        .unwrap();
    Answer {
        status,
        headers,
        body,
    }
}

/// The device header of a v2 request.
pub fn device_v2(session: &str) -> String {
    format!("Macaroon root=\"{session}\"")
}
