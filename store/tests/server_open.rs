//! `Store::open` from a configuration file, with the test-only keys: the authority's key
//! and assertions, brands whose account-keys check (and refusals of those that do not),
//! the assertions stored for devices, and the store served.

mod server_support;

use std::path::Path;

use server_support::{AUTHORITY, BRAND, account, account_key, key, write_assertion_files};
use ucore_assertions::{Assertion, AssertionAccess};
use ucore_signing::Signer;
use ucore_store::{Error, Store, StoreConfig};
use ucore_test_support::keys;

/// A store directory: the authority's key and assertions, and `brand` with
/// `assertions`; returns the configuration file.
fn store_dir(dir: &Path, brand_assertions: &[Assertion]) -> std::path::PathBuf {
    std::fs::write(dir.join("authority.pem"), keys::ROOT).unwrap();
    write_assertion_files(dir, brand_assertions);
    std::fs::write(dir.join("metrics.token"), "s3cret\n").unwrap();
    let config = format!(
        r#"[store]
id = "acme-store"
base-url = "http://127.0.0.1:8480/"
listen = "127.0.0.1:0"
database = "sqlite://store.db"
snaps-dir = "snaps"

[authority]
assertions = "authority.assert"
key-file = "authority.pem"

[[brand]]
id = "{BRAND}"
assertions = "acme.assert"

[limits]
max-connections = 16

[metrics]
token-file = "metrics.token"
"#
    );
    let path = dir.join("store.toml");
    std::fs::write(&path, config).unwrap();
    path
}

async fn open(path: &Path) -> Result<Store, Error> {
    Store::open(&StoreConfig::load(path)?).await
}

#[tokio::test]
async fn a_configured_store_opens_stores_its_assertions_and_serves() {
    let dir = tempfile::tempdir().unwrap();
    let root = key(keys::ROOT);
    let acme = key(keys::ACME);
    let brand = [
        account(&*root, AUTHORITY, BRAND),
        account_key(&*root, AUTHORITY, BRAND, &*acme),
    ];
    let path = store_dir(dir.path(), &brand);
    let store = open(&path).await.unwrap();
    assert_eq!(store.settings.store_id, "acme-store");
    assert_eq!(store.settings.base_url, "http://127.0.0.1:8480");
    assert_eq!(store.settings.limits.max_connections, 16);
    assert_eq!(store.authority.account_id(), AUTHORITY);
    assert!(dir.path().join("store.db").exists());
    assert!(dir.path().join("snaps").is_dir());
    // Devices can fetch the brand's key and the authority's.
    for (t, k) in [
        ("account-key", acme.key_id()),
        ("account-key", root.key_id()),
        ("account", BRAND),
        ("account", AUTHORITY),
    ] {
        let rec = store.db.assertion(t, &[k.to_string()]).await.unwrap();
        assert!(rec.is_some(), "{t} {k} not stored");
    }
    let rec = store
        .db
        .assertion("account-key", &[acme.key_id().to_string()])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(rec.text.as_bytes(), brand[1].encode().as_slice());
    assert!(store.metrics.authorized(Some("Bearer s3cret")));
    assert!(!store.metrics.authorized(None));

    // Opening again (a restart) works on the same database.
    drop(store);
    let store = open(&path).await.unwrap();
    let running = ucore_store::http::serve(store, "127.0.0.1:0".parse().unwrap(), false)
        .await
        .unwrap();
    let a = server_support::send(running.addr, &server_support::get("/")).await;
    assert_eq!(a.status, 200);
    assert!(a.text().contains(r#""store-id":"acme-store""#));
    running.shutdown().await;
}

fn refusal(e: Error) -> String {
    match e {
        Error::Config(m) => m,
        other => panic!("not a configuration error: {other}"),
    }
}

#[tokio::test]
async fn brand_keys_that_do_not_check_are_refused() {
    let root = key(keys::ROOT);
    let acme = key(keys::ACME);
    let spare = key(keys::SPARE);

    // Signed by a key the store does not trust.
    let dir = tempfile::tempdir().unwrap();
    let brand = [
        account(&*root, AUTHORITY, BRAND),
        account_key(&*spare, "someone", BRAND, &*acme),
    ];
    let e = refusal(open(&store_dir(dir.path(), &brand)).await.unwrap_err());
    assert!(e.starts_with("brand \"acme\": account-key"), "{e}");
    assert!(e.contains("is refused"), "{e}");

    // Another account's key under the brand.
    let dir = tempfile::tempdir().unwrap();
    let brand = [
        account(&*root, AUTHORITY, BRAND),
        account_key(&*root, AUTHORITY, "other", &*acme),
    ];
    let e = refusal(open(&store_dir(dir.path(), &brand)).await.unwrap_err());
    assert!(e.contains("is not the brand's"), "{e}");

    // No account-key at all.
    let dir = tempfile::tempdir().unwrap();
    let brand = [account(&*root, AUTHORITY, BRAND)];
    let e = refusal(open(&store_dir(dir.path(), &brand)).await.unwrap_err());
    assert!(e.contains("at least one account-key"), "{e}");
}

#[tokio::test]
async fn the_authority_needs_the_account_key_of_its_key() {
    let dir = tempfile::tempdir().unwrap();
    let root = key(keys::ROOT);
    let acme = key(keys::ACME);
    let path = store_dir(
        dir.path(),
        &[
            account(&*root, AUTHORITY, BRAND),
            account_key(&*root, AUTHORITY, BRAND, &*acme),
        ],
    );
    // The key file holds another key than the account-key's.
    std::fs::write(dir.path().join("authority.pem"), keys::SPARE).unwrap();
    let e = refusal(open(&path).await.unwrap_err());
    assert!(e.contains("no account-key for the key"), "{e}");

    // A token without the cargo feature.
    #[cfg(not(feature = "pkcs11"))]
    {
        let text = std::fs::read_to_string(&path).unwrap().replace(
            "key-file = \"authority.pem\"",
            "pkcs11 = { module = \"m.so\", token-label = \"t\", pin-file = \"p\", key-id = \"k\" }",
        );
        std::fs::write(&path, text).unwrap();
        let e = refusal(open(&path).await.unwrap_err());
        assert!(e.contains("cargo feature `pkcs11`"), "{e}");
    }
}
