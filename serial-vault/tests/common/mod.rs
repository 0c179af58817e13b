//! Shared set-up: a vault on SQLite with ACME's (test, 2048-bit) brand key and the seed's
//! model, and the test device keys.
#![allow(dead_code)]

use std::sync::Arc;

use ucore_assertions::{Assertion, AssertionAccess, AssertionBuilder, AssertionType, HeaderValue};
use ucore_serial_vault::KeyStore;
use ucore_serial_vault::store::{DatabaseLimits, Store};
use ucore_serial_vault::{self as vault, RunningVault, ServerLimits, Settings, Vault};
use ucore_signing::RsaPrivateKey;

/// The device side's test data (keys, the ACME model), shared with `ucore-serial`.
pub const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../serial/tests/data");

pub fn key(name: &str) -> RsaPrivateKey {
    RsaPrivateKey::from_pem(ucore_test_support::keys::pem(name)).unwrap()
}

pub fn model() -> Assertion {
    Assertion::decode(&std::fs::read(format!("{DATA}/model.assert")).unwrap()).unwrap()
}

pub fn read(name: &str) -> String {
    std::fs::read_to_string(format!("{DATA}/{name}")).unwrap()
}

pub struct TestVault {
    pub rt: tokio::runtime::Runtime,
    pub vault: Vault,
    pub running: Option<RunningVault>,
    pub api_key: String,
    pub url: String,
    pub admin_url: String,
}

pub const ADMIN_TOKEN: &str = "test-admin-token-0123456789";

impl TestVault {
    /// The signing API's `/v1/serial` URL.
    pub fn serial_url(&self) -> String {
        format!("{}serial", self.url)
    }

    /// `POST /v1/serial` with this vault's API key.
    pub fn post_serial(&self, body: &[u8]) -> (u16, String, Vec<u8>) {
        post(&self.serial_url(), Some(&self.api_key), body)
    }

    pub fn start(db: &str, settings: Settings) -> TestVault {
        Self::start_with_limits(db, settings, ServerLimits::default())
    }

    /// [`TestVault::start`] with the server under `limits`.
    pub fn start_with_limits(db: &str, settings: Settings, limits: ServerLimits) -> TestVault {
        Self::start_with_db_limits(db, settings, limits, DatabaseLimits::default())
    }

    /// [`TestVault::start_with_limits`] with the database under `db_limits`.
    pub fn start_with_db_limits(
        db: &str,
        settings: Settings,
        limits: ServerLimits,
        db_limits: DatabaseLimits,
    ) -> TestVault {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let brand = key("acme");
        let (vault, running, api_key) = rt.block_on(async {
            let store = Store::open_with(db, &db_limits).await.unwrap();
            let v = Vault::new(
                store,
                KeyStore::new(b"test master secret 0123".to_vec()).unwrap(),
                settings,
            )
            .with_admin_token(ADMIN_TOKEN);
            v.add_key(
                "acme",
                "serials",
                &brand,
                Some(read("acme-account.assert")),
                Some(read("acme-account-key.assert")),
            )
            .await
            .unwrap();
            let api_key = match v
                .add_model(
                    "acme",
                    "acme-device-1",
                    brand.key_id(),
                    Some("acme-api-key-0001".into()),
                )
                .await
            {
                Ok(m) => m.api_key,
                Err(_) => "acme-api-key-0001".to_string(),
            };
            let running = vault::serve_with(
                v.clone(),
                "127.0.0.1:0".parse().unwrap(),
                Some("127.0.0.1:0".parse().unwrap()),
                false,
                limits,
            )
            .await
            .unwrap();
            (v, running, api_key)
        });
        let url = running.service_url();
        let admin_url = running.admin_url().unwrap();
        TestVault {
            rt,
            vault,
            running: Some(running),
            api_key,
            url,
            admin_url,
        }
    }

    pub fn memory() -> TestVault {
        Self::start("sqlite::memory:", Settings::default())
    }
}

impl Drop for TestVault {
    fn drop(&mut self) {
        if let Some(r) = self.running.take() {
            self.rt.block_on(r.shutdown());
        }
    }
}

/// [`TestVault::memory`] that also holds resel's (test-only `spare`) key: an account
/// other than the model's brand.
pub fn vault_with_resel_key() -> TestVault {
    let tv = TestVault::memory();
    tv.rt.block_on(async {
        tv.vault
            .add_key("resel", "serials", &key("spare"), None, None)
            .await
            .unwrap();
    });
    tv
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

/// POST with optional api-key; returns (status, content-type, body).
pub fn post(url: &str, api_key: Option<&str>, body: &[u8]) -> (u16, String, Vec<u8>) {
    try_post(url, api_key, body).unwrap()
}

/// [`post`] that reports transport errors (a killed vault) instead of panicking.
pub fn try_post(
    url: &str,
    api_key: Option<&str>,
    body: &[u8],
) -> Result<(u16, String, Vec<u8>), ureq::Error> {
    let mut r = agent().post(url);
    if let Some(k) = api_key {
        r = r.header("api-key", k);
    }
    let resp = if body.is_empty() {
        r.send_empty()
    } else {
        r.content_type("application/x.ubuntu.assertion").send(body)
    }?;
    answer(resp)
}

/// A response as (status, content-type, body).
pub fn answer(
    resp: axum::http::Response<ureq::Body>,
) -> Result<(u16, String, Vec<u8>), ureq::Error> {
    let status = resp.status().as_u16();
    let ct = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = resp.into_body().read_to_vec()?;
    Ok((status, ct, body))
}

pub fn request_id(tv: &TestVault) -> String {
    request_id_at(&tv.url, &tv.api_key)
}

pub fn request_id_at(url: &str, api_key: &str) -> String {
    let (status, _, body) = post(&format!("{url}request-id"), Some(api_key), b"");
    assert_eq!(status, 200);
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    v["request-id"].as_str().unwrap().to_string()
}

/// serial-request + model, as snapd sends them.
pub fn snapd_stream(request: &Assertion, model: &Assertion) -> Vec<u8> {
    let mut s = request.encode();
    s.push(b'\n');
    s.extend_from_slice(&model.encode());
    s.push(b'\n');
    s
}

/// A model assertion for `name`, signed by the brand (like the seed's model A).
pub fn model_named(name: &str) -> Assertion {
    let b = AssertionBuilder::new(AssertionType::Model)
        .header("authority-id", HeaderValue::from("acme".to_string()))
        .header("series", HeaderValue::from("16".to_string()))
        .header("brand-id", HeaderValue::from("acme".to_string()))
        .header("model", HeaderValue::from(name.to_string()))
        .header("architecture", HeaderValue::from("armhf".to_string()))
        .header("gadget", HeaderValue::from("device-1".to_string()))
        .header("kernel", HeaderValue::from("device-1-kernel".to_string()))
        .header(
            "timestamp",
            HeaderValue::from("2016-12-01T12:00:00+00:00".to_string()),
        );
    ucore_signing::sign_assertion(&b, &key("acme")).unwrap()
}

/// A serial for (brand, model, serial) of `device`, signed by `signer` (to forge the
/// current serial in the ways a refusal needs).
pub fn serial_assertion(
    brand: &str,
    model: &str,
    serial: &str,
    device: &RsaPrivateKey,
    signer: &RsaPrivateKey,
) -> Assertion {
    let b = AssertionBuilder::new(AssertionType::Serial)
        .header("authority-id", HeaderValue::from(brand.to_string()))
        .header("brand-id", HeaderValue::from(brand.to_string()))
        .header("model", HeaderValue::from(model.to_string()))
        .header("serial", HeaderValue::from(serial.to_string()))
        .header(
            "device-key",
            HeaderValue::from(device.public_key().to_snapd_text()),
        )
        .header(
            "device-key-sha3-384",
            HeaderValue::from(device.key_id().to_string()),
        )
        .header(
            "timestamp",
            HeaderValue::from("2024-05-10T12:07:36+02:00".to_string()),
        )
        .header("revision", HeaderValue::from("1".to_string()));
    ucore_signing::sign_assertion(&b, signer).unwrap()
}

/// The assertions one after another, as a request body.
pub fn stream(parts: &[&Assertion]) -> Vec<u8> {
    let mut s = Vec::new();
    for a in parts {
        s.extend_from_slice(&a.encode());
        s.push(b'\n');
    }
    s
}

pub fn shared<T>(t: T) -> Arc<T> {
    Arc::new(t)
}

pub mod load;
pub mod lock;
#[cfg(feature = "postgres")]
pub mod pg;
pub mod process;
