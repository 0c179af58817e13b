//! snapd 2.57's own store client (the oracle's `store-session`, `store-refresh`,
//! `store-download`, `store-info`, `store-find`, `store-assertion`) against the device
//! API, with the test store's device (acme's model, serial and device key). Runs only
//! when `UCORE_ORACLE=/tmp/snapd-oracle` is set.

mod device_support;

use std::path::Path;
use std::process::Command;

use device_support::*;
use ucore_assertions::AssertionAccess;
use ucore_test_support::keys;

fn run(oracle: &Path, args: &[&str]) -> serde_json::Value {
    let out = Command::new(oracle).args(args).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "{args:?}: {e}: {text} {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[test]
fn snapds_client_opens_a_session_and_uses_every_endpoint() {
    let Some(oracle) = ucore_test_support::oracle() else {
        return;
    };
    let f = Fixture::new();
    let dir = tempfile::tempdir().unwrap();
    let k = key(keys::ACME);
    let files = [
        ("model", model(&k, "acme", "m1", STORE_ID).encode()),
        ("serial", serial(&k, "acme", "acme", "m1", "s1").encode()),
        ("device.pem", keys::DEVICE.as_bytes().to_vec()),
    ];
    for (name, bytes) in &files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    let p = |n: &str| dir.path().join(n).display().to_string();
    let (model_f, serial_f, key_f) = (p("model"), p("serial"), p("device.pem"));
    let device: Vec<&str> = vec![
        "--store",
        &f.url,
        "--model",
        &model_f,
        "--serial",
        &serial_f,
        "--device-key",
        &key_f,
        "--arch",
        "amd64",
    ];
    let with = |cmd: &str, rest: &[&str]| {
        let mut a = vec![cmd];
        a.extend(device.iter().copied());
        a.extend(rest);
        run(&oracle, &a)
    };

    let v = with("store-session", &[]);
    assert!(v["session"].as_str().is_some_and(|s| !s.is_empty()), "{v}");

    let v = with(
        "store-refresh",
        &["install:acme-app@beta", "install:other-app"],
    );
    let results = v["results"].as_array().unwrap_or_else(|| panic!("{v}"));
    assert_eq!(results.len(), 1, "{v}");
    assert_eq!(results[0]["revision"], "2", "{v}");
    assert!(
        v["error"].as_str().unwrap_or("").contains("other-app"),
        "{v}"
    );

    let t = f.snap("acme-app");
    let rev1 = format!("refresh:acme-app:{}:1", t.snap_id);
    let v = with("store-refresh", &[&rev1]);
    assert!(
        v["error"].as_str().unwrap_or("").contains("no updates"),
        "{v}"
    );

    let out = tempfile::tempdir().unwrap();
    let out_dir = out.path().display().to_string();
    let v = with("store-download", &["acme-app", &out_dir]);
    assert_eq!(v["sha3-384"], t.sha3_384.as_str(), "{v}");
    let path = v["path"].as_str().unwrap_or_else(|| panic!("{v}"));
    assert_eq!(std::fs::read(path).unwrap(), t.file);

    let v = with("store-info", &["acme-app"]);
    assert!(v.to_string().contains("acme-app"), "{v}");
    let v = with("store-info", &["other-app"]);
    assert!(v["error"].is_string(), "{v}");

    let v = with("store-find", &["app"]);
    let text = v.to_string();
    assert!(
        text.contains("acme-app") && !text.contains("other-app"),
        "{v}"
    );

    let out = Command::new(&oracle)
        .args(["store-assertion"])
        .args(&device)
        .args(["snap-declaration", "16", &f.snap("other-app").snap_id])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("not_found"), "{text}");
}
