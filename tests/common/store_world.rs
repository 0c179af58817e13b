//! A store's world for the command-line tests, from the checked-in test-only keys: the
//! authority `testroot` and the brand `acme` (their account and account-key assertions in
//! files), `store init`'s options for them, and a runtime.
#![allow(dead_code)] // each test uses what it needs

use std::path::{Path, PathBuf};

use ucore::assertions::{Assertion, AssertionAccess, AssertionBuilder, AssertionType, HeaderValue};
use ucore::signing::RsaPrivateKey;
use ucore::store::init::{AuthoritySource, BrandSource, InitOptions};
use ucore_test_support::keys;

pub fn key(pem: &str) -> RsaPrivateKey {
    RsaPrivateKey::from_pem(pem).unwrap()
}

pub fn s(v: &str) -> HeaderValue<'static> {
    HeaderValue::from(v.to_string())
}

/// `account` `id`, signed by `signer` for `authority`.
pub fn account(id: &str, authority: &str, signer: &RsaPrivateKey) -> Assertion {
    let b = AssertionBuilder::new(AssertionType::Account)
        .header("authority-id", s(authority))
        .header("account-id", s(id))
        .header("display-name", s(id))
        .header("validation", s("verified"))
        .header("timestamp", s("2016-01-01T00:00:00Z"));
    ucore::signing::sign_assertion(&b, signer).unwrap()
}

/// `account-key` of `owned`'s key for `id`, signed by `signer` for `authority`.
pub fn account_key(
    id: &str,
    owned: &RsaPrivateKey,
    authority: &str,
    signer: &RsaPrivateKey,
) -> Assertion {
    let b = AssertionBuilder::new(AssertionType::AccountKey)
        .header("authority-id", s(authority))
        .header("account-id", s(id))
        .header("name", s("default"))
        .header("public-key-sha3-384", s(owned.key_id()))
        .header("since", s("2016-01-01T00:00:00Z"))
        .body(owned.public_key().to_snapd_text().into_bytes());
    ucore::signing::sign_assertion(&b, signer).unwrap()
}

pub fn write_stream(path: &Path, assertions: &[Assertion]) -> PathBuf {
    let mut text = Vec::new();
    for a in assertions {
        if !text.is_empty() {
            text.push(b'\n');
        }
        text.extend_from_slice(&a.encode());
    }
    std::fs::write(path, text).unwrap();
    path.to_owned()
}

/// The test-only keys as a store's world: the authority `testroot` (the root key, its
/// account and account-key self-signed) and the brand `acme` (its account and account-key
/// signed by the authority), in files under `dir`.
pub struct World {
    pub root: RsaPrivateKey,
    pub root_key_file: PathBuf,
    pub root_assertions: PathBuf,
    pub acme_assertions: PathBuf,
}

pub fn world(dir: &Path) -> World {
    let root = key(keys::ROOT);
    let acme = key(keys::ACME);
    let root_assertions = write_stream(
        &dir.join("root.assert"),
        &[
            account("testroot", "testroot", &root),
            account_key("testroot", &root, "testroot", &root),
        ],
    );
    let acme_assertions = write_stream(
        &dir.join("acme.assert"),
        &[
            account("acme", "testroot", &root),
            account_key("acme", &acme, "testroot", &root),
        ],
    );
    World {
        root,
        root_key_file: keys::path("root"),
        root_assertions,
        acme_assertions,
    }
}

pub fn options(dir: &Path, w: &World) -> InitOptions {
    let mut o = InitOptions::new(
        dir,
        AuthoritySource::Files {
            key_file: w.root_key_file.clone(),
            assertions: w.root_assertions.clone(),
        },
    );
    o.store_id = "acme-store".into();
    o.brands = vec![BrandSource {
        id: "acme".into(),
        assertions: w.acme_assertions.clone(),
    }];
    o.listen = "127.0.0.1:0".parse().unwrap();
    o
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Runtime::new().unwrap()
}
