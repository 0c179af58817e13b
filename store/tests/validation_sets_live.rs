//! snapd 2.57's own clients and a validation set published to ucore-store: the brand
//! `developer1` (snapd's test key) signs a set over the fixture snaps, pushes it with the
//! publishing client, and snapd's store client (the oracle's `store-assertion`) fetches it
//! by its full primary key; snapd's assertion database (the oracle's `verify`) then accepts
//! it on top of snapd's test root and the brand's account and account-key. Runs only when
//! `UCORE_ORACLE=/tmp/snapd-oracle` is set (fails without it when
//! `UCORE_REQUIRE_ORACLE=1`).
//!
//! Snap action's enforcement is not driven from here: the oracle's `store-refresh` cannot
//! send `validation-sets`, so `validation_sets.rs` sends snapd's exact request shape as
//! raw JSON instead.

mod common;

use std::path::Path;
use std::process::Command;

use common::fixtures::{self, BRAND};
use common::ucore::UcoreStore;
use ucore_assertions::{Assertion, AssertionAccess};
use ucore_signing::{RsaPrivateKey, builder_from_json, sign_assertion};

/// Runs the oracle; its stdout and exit code.
fn oracle_run(oracle: &Path, args: &[&str]) -> (String, i32) {
    let out = Command::new(oracle)
        .args(args)
        .output()
        .expect("run the oracle");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.code().is_some_and(|c| c < 2),
        "{args:?}: {stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (stdout, out.status.code().unwrap_or(-1))
}

/// developer1's set `name`, sequence `sequence`, over the fixture snaps.
fn developer1_set(name: &str, sequence: u32) -> Assertion {
    let key = RsaPrivateKey::from_pem(&fixtures::read_string("tk/developer1.pem")).expect("key");
    let pc = fixtures::snap("pc");
    let core = fixtures::snap("core");
    let headers = serde_json::json!({"type": "validation-set", "authority-id": BRAND,
        "account-id": BRAND, "series": "16", "name": name, "sequence": sequence.to_string(),
        "snaps": [
            {"name": "pc", "id": pc.snap_id, "presence": "required", "revision": "1"},
            {"name": "core", "id": core.snap_id, "presence": "optional"},
        ],
        "timestamp": "2020-01-01T00:00:00Z"});
    let builder = builder_from_json(&headers.to_string(), None).expect("headers");
    sign_assertion(&builder, &key).expect("sign")
}

#[test]
fn snapds_client_fetches_and_accepts_a_published_set() {
    let Some(oracle) = ucore_test_support::oracle() else {
        return;
    };
    let store = UcoreStore::start();
    store.publish_fixtures();
    let publisher = store.publisher();
    let set1 = developer1_set("fleet", 1);
    let set2 = developer1_set("fleet", 2);
    for set in [&set1, &set2] {
        let pushed = publisher
            .push_validation_set(&set.encode())
            .expect("push the set");
        assert!(!pushed.unchanged);
    }

    let dir = tempfile::tempdir().expect("temporary directory");
    for (sequence, set) in [("1", &set1), ("2", &set2)] {
        let (text, code) = oracle_run(
            &oracle,
            &[
                "store-assertion",
                "--store",
                &store.url,
                "validation-set",
                "16",
                BRAND,
                "fleet",
                sequence,
            ],
        );
        assert_eq!(code, 0, "{text}");
        // snapd prints the assertion it decoded: the very bytes published.
        let published = String::from_utf8(set.encode()).expect("text");
        assert_eq!(text.trim_end(), published.trim_end(), "sequence {sequence}");
        let fetched = Assertion::decode(text.as_bytes()).expect("snapd's output");

        // snapd's database takes it, after its signer's account and account-key.
        let stream = dir.path().join(format!("fleet-{sequence}.stream"));
        let parts = [
            fixtures::read("tk/developer1-account.assert"),
            fixtures::read("tk/developer1-account-key.assert"),
            fetched.encode(),
        ];
        std::fs::write(&stream, parts.join(&b"\n"[..])).expect("write the stream");
        let trusted = fixtures::path("tk/testrootorg-trusted.stream");
        let (lines, code) = oracle_run(
            &oracle,
            &[
                "verify",
                &trusted.display().to_string(),
                &stream.display().to_string(),
            ],
        );
        assert_eq!(code, 0, "{lines}");
        let results: Vec<serde_json::Value> = lines
            .lines()
            .map(|l| serde_json::from_str(l).expect("a JSON line"))
            .collect();
        assert_eq!(results.len(), 3, "{lines}");
        for r in &results {
            assert_eq!(r["ok"], true, "{lines}");
        }
        assert_eq!(results[2]["type"], "validation-set", "{lines}");
    }

    // An unknown sequence: snapd's not-found.
    let (text, code) = oracle_run(
        &oracle,
        &[
            "store-assertion",
            "--store",
            &store.url,
            "validation-set",
            "16",
            BRAND,
            "fleet",
            "7",
        ],
    );
    assert_eq!(code, 1, "{text}");
    let v: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(v["not_found"], true, "{text}");
}
