//! Shared helpers of the integration tests: repository paths, test keys, the live oracle.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

use ucore_assertions::Assertion;
use ucore_signing::{RsaPrivateKey, Signer, builder_from_json, sign_assertion_at};
#[allow(unused_imports)] // used by some of the test binaries that include this module
pub use ucore_test_support::oracle;
pub use ucore_test_support::repo;

/// The repository root.
fn key(path: &str) -> RsaPrivateKey {
    RsaPrivateKey::from_pem(&std::fs::read_to_string(repo().join(path)).unwrap()).unwrap()
}

/// testroot's key (`trusted.stream`), 4096 bits, test only.
pub fn root() -> &'static RsaPrivateKey {
    static K: OnceLock<RsaPrivateKey> = OnceLock::new();
    K.get_or_init(|| key("test-support/keys/test-only-root.pem"))
}

/// acme's key (`acme-prereqs.stream`), 2048 bits, test only.
pub fn acme() -> &'static RsaPrivateKey {
    static K: OnceLock<RsaPrivateKey> = OnceLock::new();
    K.get_or_init(|| key("test-support/keys/test-only-acme.pem"))
}

/// Signs headers given as JSON.
pub fn sign(k: &dyn Signer, json: &serde_json::Value, body: Option<String>, t: u32) -> Assertion {
    let b = builder_from_json(&json.to_string(), body.map(String::into_bytes)).unwrap();
    sign_assertion_at(&b, k, ucore_assertions::Timestamp::from_openpgp_time(t)).unwrap()
}

/// Runs the oracle; returns stdout (exit status 0 or 1 are both answers).
pub fn run_oracle(oracle: &Path, args: &[&str]) -> String {
    let out = Command::new(oracle).args(args).output().unwrap();
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "oracle {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Joins assertions into a stream (one blank line between them).
pub fn stream(items: &[&Assertion]) -> Vec<u8> {
    let mut out = Vec::new();
    for a in items {
        if !out.is_empty() {
            out.push(b'\n');
        }
        out.extend_from_slice(&ucore_assertions::AssertionAccess::encode(*a));
        if out.last() != Some(&b'\n') {
            out.push(b'\n');
        }
    }
    out
}
