//! `Store::open` with the authority's key on a PKCS#11 token (SoftHSM2): the test-only
//! ROOT key imported into a fresh token, found by its snapd key id, signs for the store.
//!
//! Skips with a notice when SoftHSM2 is not installed, unless `UCORE_REQUIRE_TOOLS=1`.
//! The PKCS#11 module reads `SOFTHSM2_CONF` from the environment, so the test re-runs
//! itself as a child process with it set.
#![cfg(feature = "pkcs11")]

mod server_support;

use std::path::Path;

use server_support::{BRAND, acme_assertions, key, write_assertion_files};
use ucore_signing::Signer;
use ucore_store::{Store, StoreConfig};
use ucore_test_support::{keys, softhsm};

const CHILD: &str = "UCORE_STORE_PKCS11_CHILD";

#[test]
fn the_authority_key_on_a_token_opens_the_store() {
    if let Some(dir) = std::env::var_os(CHILD) {
        return child(Path::new(&dir));
    }
    if softhsm::module().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // SoftHSM2 keeps this test's tokens in its own directory.
    let conf = softhsm::init_token(dir.path(), "store");
    let pem = key(keys::ROOT).to_pkcs8_pem().unwrap();
    softhsm::import_key(&conf, "store", &pem, "authority", "01");
    softhsm::run_in_child(
        "the_authority_key_on_a_token_opens_the_store",
        &conf,
        CHILD,
        dir.path(),
        "STORE-PKCS11-OK",
    );
}

fn child(dir: &Path) {
    let module = softhsm::module().expect("the module");
    let root = key(keys::ROOT);
    write_assertion_files(dir, &acme_assertions(&*root));
    std::fs::write(dir.join("pin"), "1234\n").unwrap();
    let config = format!(
        r#"[authority]
assertions = "authority.assert"
pkcs11 = {{ module = "{}", token-label = "store", pin-file = "pin", key-id = "{}" }}

[store]
id = "hsm-store"
base-url = "http://127.0.0.1:8480"
database = "sqlite::memory:"

[[brand]]
id = "{BRAND}"
assertions = "acme.assert"
"#,
        module.display(),
        root.key_id()
    );
    let path = dir.join("store.toml");
    std::fs::write(&path, config).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let store = Store::open(&StoreConfig::load(&path).unwrap())
            .await
            .unwrap();
        let signer = store.authority.signer();
        assert_eq!(signer.key_id(), root.key_id());
        // The token signs what the key would.
        let sig = signer.sign_message(b"in the token").unwrap();
        root.public_key()
            .verify(ucore_signing::HashAlgorithm::Sha512, b"in the token", &sig)
            .unwrap();

        // A key id the token does not have is refused clearly. (One login per token and
        // process: the first store logs out when dropped.)
        drop(store);
        let text = std::fs::read_to_string(&path)
            .unwrap()
            .replace(root.key_id(), "no-such-key");
        std::fs::write(&path, text).unwrap();
        let e = Store::open(&StoreConfig::load(&path).unwrap())
            .await
            .unwrap_err()
            .to_string();
        assert_eq!(e, "the token \"store\" has no key no-such-key");
    });
    println!("STORE-PKCS11-OK");
}
