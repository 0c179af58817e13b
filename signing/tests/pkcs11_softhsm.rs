//! A key generated inside a SoftHSM2 token signs; the signature is checked with the public
//! key read from the token (and, in `assertions_chain`, by snapd's oracle when available).
//!
//! Skips with a notice when SoftHSM2 is not installed, unless `UCORE_REQUIRE_TOOLS=1`.
//! The PKCS#11 module reads `SOFTHSM2_CONF` from the process environment, so the test
//! re-runs itself as a child process with that variable set (no `unsafe` `set_var`).
#![cfg(feature = "pkcs11")]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use ucore_signing::{HashAlgorithm, Pkcs11Token, Signer};

const MODULES: &[&str] = &[
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
];

fn module() -> Option<PathBuf> {
    MODULES.iter().map(PathBuf::from).find(|p| p.exists())
}

fn tools_present() -> Option<PathBuf> {
    let m = module()?;
    Command::new("softhsm2-util")
        .arg("--version")
        .output()
        .ok()?
        .status
        .success()
        .then_some(m)
}

/// Creates a token directory and config, initialises a token; returns the config path.
pub fn init_token(dir: &Path, label: &str) -> PathBuf {
    let tokens = dir.join("tokens");
    std::fs::create_dir_all(&tokens).unwrap();
    let conf = dir.join("softhsm2.conf");
    std::fs::write(
        &conf,
        format!(
            "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n",
            tokens.display()
        ),
    )
    .unwrap();
    let out = Command::new("softhsm2-util")
        .env("SOFTHSM2_CONF", &conf)
        .args([
            "--init-token",
            "--free",
            "--label",
            label,
            "--pin",
            "1234",
            "--so-pin",
            "5678",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "softhsm2-util: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    conf
}

fn skip_or_fail(what: &str) {
    if std::env::var("UCORE_REQUIRE_TOOLS").as_deref() == Ok("1") {
        panic!("{what} is required (UCORE_REQUIRE_TOOLS=1) but missing");
    }
    eprintln!("NOTICE: {what} not installed; skipping the PKCS#11 test (apt-get install softhsm2)");
}

#[test]
fn softhsm_key_signs_in_token() {
    if std::env::var_os("UCORE_PKCS11_CHILD").is_some() {
        return child();
    }
    let Some(_) = tools_present() else {
        return skip_or_fail("softhsm2");
    };
    let dir = tempfile::tempdir().unwrap();
    let conf = init_token(dir.path(), "ucore-test");
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "softhsm_key_signs_in_token",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("SOFTHSM2_CONF", &conf)
        .env("UCORE_PKCS11_CHILD", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "child failed:\n{stdout}\n{stderr}");
    assert!(
        stdout.contains("PKCS11-CHILD-OK"),
        "child did not run the check:\n{stdout}\n{stderr}"
    );
}

fn child() {
    let module = module().expect("module");
    let token = Pkcs11Token::open(&module, "ucore-test", "1234").unwrap();
    assert!(Pkcs11Token::open(&module, "no-such-token", "1234").is_err());
    let signer = token.generate_key("brand-key", 2048).unwrap();
    assert_eq!(signer.public_key().bits(), 2048);
    let msg = b"content signed inside the token";
    let sig = signer.sign_message(msg).unwrap();
    assert_eq!(sig.len(), 256);
    signer
        .public_key()
        .verify(HashAlgorithm::Sha512, msg, &sig)
        .unwrap();
    assert!(
        signer
            .public_key()
            .verify(HashAlgorithm::Sha512, b"tampered", &sig)
            .is_err()
    );
    // found again by label, same key id
    let again = token.signer("brand-key").unwrap();
    assert_eq!(again.key_id(), signer.key_id());
    assert_eq!(
        token.keys().unwrap(),
        vec![("brand-key".to_string(), signer.key_id().to_string())]
    );
    assert!(token.signer("missing").unwrap_err().is_key_not_found());
    // An assertion signed in the token verifies with our database, and with snapd's when
    // the oracle is available.
    let t = ucore_assertions::Timestamp::now()
        .to_openpgp_time()
        .unwrap();
    let account = common::sign(
        common::root(),
        &serde_json::json!({"type":"account","authority-id":"testroot","account-id":"hsmbrand","display-name":"HSM",
            "validation":"verified","timestamp":"2016-01-01T00:00:00Z"}),
        None,
        t,
    );
    let key = common::sign(
        common::root(),
        &serde_json::json!({"type":"account-key","authority-id":"testroot","account-id":"hsmbrand","name":"models",
            "public-key-sha3-384":signer.key_id(),"since":"2016-01-01T00:00:00Z"}),
        Some(signer.public_key().to_snapd_text()),
        t,
    );
    let model = common::sign(
        &signer,
        &serde_json::json!({"type":"model","authority-id":"hsmbrand","brand-id":"hsmbrand","series":"16",
            "model":"hsm-1","architecture":"amd64","gadget":"pc","kernel":"pc-kernel",
            "timestamp":"2016-12-01T12:00:00Z"}),
        None,
        t,
    );
    let chain = common::stream(&[&account, &key, &model]);
    let trusted = common::repo().join("tests/data/assertions/selfmade/trusted.stream");
    let roots = ucore_assertions::Decoder::new(&std::fs::read(&trusted).unwrap()[..])
        .map(Result::unwrap)
        .collect();
    let db = ucore_signing::Database::with_trusted(roots).unwrap();
    db.add_stream(&chain).expect("the chain adds");
    if let Some(o) = std::env::var_os("UCORE_ORACLE") {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("hsm.stream");
        std::fs::write(&p, &chain).unwrap();
        let out = common::run_oracle(
            Path::new(&o),
            &["verify", trusted.to_str().unwrap(), p.to_str().unwrap()],
        );
        assert_eq!(
            out.lines().filter(|l| l.contains("\"ok\":true")).count(),
            3,
            "{out}"
        );
        println!("PKCS11-ORACLE-OK");
    }
    println!("PKCS11-CHILD-OK");
}
