//! `Store::open` with the authority's key on a PKCS#11 token (SoftHSM2): the test-only
//! ROOT key imported into a fresh token, found by its snapd key id, signs for the store.
//!
//! Skips with a notice when SoftHSM2 is not installed, unless `UCORE_REQUIRE_TOOLS=1`.
//! The PKCS#11 module reads `SOFTHSM2_CONF` from the environment, so the test re-runs
//! itself as a child process with it set.
#![cfg(feature = "pkcs11")]

mod server_support;

use std::path::{Path, PathBuf};
use std::process::Command;

use server_support::{BRAND, acme_assertions, key, write_assertion_files};
use ucore_signing::Signer;
use ucore_store::{Store, StoreConfig};
use ucore_test_support::keys;

const MODULES: &[&str] = &[
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
];
const CHILD: &str = "UCORE_STORE_PKCS11_CHILD";

fn module() -> Option<PathBuf> {
    let m = MODULES.iter().map(PathBuf::from).find(|p| p.exists())?;
    let tool = Command::new("softhsm2-util")
        .arg("--version")
        .output()
        .ok()?;
    tool.status.success().then_some(m)
}

fn softhsm(conf: &Path, args: &[&str]) {
    let out = Command::new("softhsm2-util")
        .env("SOFTHSM2_CONF", conf)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "softhsm2-util {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_authority_key_on_a_token_opens_the_store() {
    if let Some(dir) = std::env::var_os(CHILD) {
        return child(Path::new(&dir));
    }
    let Some(_) = module() else {
        assert_ne!(
            std::env::var("UCORE_REQUIRE_TOOLS").as_deref(),
            Ok("1"),
            "softhsm2 is required (UCORE_REQUIRE_TOOLS=1) but missing"
        );
        eprintln!("NOTICE: softhsm2 not installed; skipping (apt-get install softhsm2)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    // SoftHSM2 keeps this test's tokens in its own directory.
    let tokens = dir.path().join("tokens");
    std::fs::create_dir_all(&tokens).unwrap();
    let conf = dir.path().join("softhsm2.conf");
    let settings = [
        format!("directories.tokendir = {}", tokens.display()),
        "objectstore.backend = file".into(),
        "log.level = ERROR".into(),
    ];
    std::fs::write(&conf, settings.join("\n") + "\n").unwrap();
    softhsm(
        &conf,
        &[
            "--init-token",
            "--free",
            "--label",
            "store",
            "--pin",
            "1234",
            "--so-pin",
            "5678",
        ],
    );
    let pkcs8 = dir.path().join("root.p8");
    std::fs::write(&pkcs8, key(keys::ROOT).to_pkcs8_pem().unwrap().as_bytes()).unwrap();
    softhsm(
        &conf,
        &[
            "--import",
            pkcs8.to_str().unwrap(),
            "--token",
            "store",
            "--label",
            "authority",
            "--id",
            "01",
            "--pin",
            "1234",
        ],
    );
    std::fs::remove_file(&pkcs8).unwrap();
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "the_authority_key_on_a_token_opens_the_store",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("SOFTHSM2_CONF", &conf)
        .env(CHILD, dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "child failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains("STORE-PKCS11-OK"), "{stdout}\n{stderr}");
}

fn child(dir: &Path) {
    let module = module().expect("the module");
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
