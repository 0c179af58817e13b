//! A factory vault whose brand key and sync key are on a PKCS#11 token (SoftHSM2), opened
//! from its configuration's `[pkcs11]` section: the token's brand key signs serials
//! devices accept, and its sync key signs the sync bundles; a key the token lacks, or a
//! configuration without PIN, is refused clearly.
//!
//! Skips with a notice when SoftHSM2 is not installed, unless `UCORE_REQUIRE_TOOLS=1`.
//! The PKCS#11 module reads `SOFTHSM2_CONF` from the environment, so the test re-runs
//! itself as a child process with it set ([`ucore_test_support::softhsm`]).
#![cfg(feature = "pkcs11")]

mod common;

use std::path::Path;

use common::{key, model, post, request_id_at};
use ucore_assertions::{Assertion, AssertionAccess};
use ucore_serial_vault::sync::bundle::SignedBundle;
use ucore_serial_vault::{ServerLimits, VaultConfig};
use ucore_test_support::softhsm;

const CHILD: &str = "UCORE_VAULT_PKCS11_CHILD";

#[test]
fn brand_and_sync_keys_on_a_token_sign_serials_and_bundles() {
    if let Some(dir) = std::env::var_os(CHILD) {
        return child(Path::new(&dir));
    }
    if softhsm::module().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let conf = softhsm::init_token(dir.path(), "factory");
    for (name, label, id) in [
        ("acme", "acme-serials", "01"),
        ("spare", "factory-sync", "02"),
    ] {
        let pem = key(name).to_pkcs8_pem().unwrap();
        softhsm::import_key(&conf, "factory", &pem, label, id);
    }
    softhsm::run_in_child(
        "brand_and_sync_keys_on_a_token_sign_serials_and_bundles",
        &conf,
        CHILD,
        dir.path(),
        "VAULT-PKCS11-OK",
    );
}

/// The factory's configuration, its `[pkcs11]` section listing `brand_label`.
fn config(dir: &Path, module: &Path, brand_label: &str) -> VaultConfig {
    VaultConfig::from_toml(&format!(
        r#"database = "sqlite://{db}"
master_secret_file = "{secret}"

[pkcs11]
module = "{module}"
token_label = "factory"
pin_file = "{pin}"
keys = [{{ label = "{brand_label}", authority_id = "acme" }}]
sync_key = "factory-sync"
"#,
        db = dir.join("factory.db").display(),
        secret = dir.join("master.secret").display(),
        module = module.display(),
        pin = dir.join("pin").display(),
    ))
    .unwrap()
}

fn child(dir: &Path) {
    let module = softhsm::module().expect("the module");
    std::fs::write(dir.join("pin"), "1234\n").unwrap();
    std::fs::write(dir.join("master.secret"), "a test-only master secret 0123").unwrap();
    let (acme, spare) = (key("acme"), key("spare"));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let (vault, sync) = config(dir, &module, "acme-serials")
            .open_vault_and_sync_signer()
            .await
            .unwrap();
        // The token's keys, registered: the brand key as a row of acme's (no key material
        // in the database), the sync key as the signer of bundles.
        let keys = vault.keys().await.unwrap();
        let row = keys.iter().find(|k| k.key_id == acme.key_id()).unwrap();
        assert_eq!(
            (row.authority_id.as_str(), row.key_name.as_str()),
            ("acme", "acme-serials")
        );
        let sync = sync.expect("the sync key's signer");
        assert_eq!(sync.key_id(), spare.key_id());
        vault
            .add_model(
                "acme",
                "acme-device-1",
                acme.key_id(),
                Some("acme-api-key-0001".into()),
            )
            .await
            .unwrap();

        // A device registers: the token signs its serial.
        let running = ucore_serial_vault::serve_with(
            vault.clone(),
            "127.0.0.1:0".parse().unwrap(),
            None,
            false,
            ServerLimits::default(),
        )
        .await
        .unwrap();
        let url = running.service_url();
        let serial = tokio::task::spawn_blocking(move || {
            let id = request_id_at(&url, "acme-api-key-0001");
            let req = ucore_serial::build_serial_request(
                &model(),
                &key("device"),
                &id,
                Some("HSM-1"),
                None,
            )
            .unwrap();
            let (status, _, body) = post(
                &format!("{url}serial"),
                Some("acme-api-key-0001"),
                &req.encode(),
            );
            assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
            body
        })
        .await
        .unwrap();
        running.shutdown().await;
        let serial = Assertion::decode(&serial).unwrap();
        assert_eq!(serial.sign_key_sha3_384(), Some(acme.key_id()));
        ucore_signing::verify_signature(&serial, acme.public_key()).unwrap();
        ucore_serial::check_serial(&serial, &model(), key("device").key_id(), &[], None).unwrap();

        // The token's sync key is the factory's sync identity and signs its bundles.
        let identity = vault
            .sync_init_external("factory-1", "token", sync)
            .await
            .unwrap();
        assert_eq!(identity.key_id, spare.key_id());
        let out = dir.join("out");
        std::fs::create_dir_all(&out).unwrap();
        let exported = vault.sync_export("central", &out, 100).await.unwrap();
        assert_eq!(exported.len(), 1);
        let bytes = std::fs::read(&exported[0].path).unwrap();
        let bundle = SignedBundle::parse(&bytes, "bundle").unwrap();
        bundle.verify(spare.public_key(), "bundle").unwrap();
        assert_eq!(bundle.body().rows.len(), 1);
        drop(vault);

        // A key the token does not hold is refused by name (the first vault, dropped,
        // logged out: a process logs in to a token once at a time).
        let e = config(dir, &module, "no-such-key")
            .open_vault()
            .await
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("the PKCS#11 token \"factory\" has no usable key \"no-such-key\""),
            "{e}"
        );
    });
    // Without a PIN, the section is refused before the token is opened.
    let text = format!(
        "database = \"sqlite::memory:\"\nmaster_secret_file = \"{}\"\n\
         [pkcs11]\nmodule = \"{}\"\ntoken_label = \"factory\"\n",
        dir.join("master.secret").display(),
        module.display()
    );
    let e = rt
        .block_on(VaultConfig::from_toml(&text).unwrap().open_vault())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("[pkcs11] needs exactly one of pin_file and pin_env"),
        "{e}"
    );
    println!("VAULT-PKCS11-OK");
}
