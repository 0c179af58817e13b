//! snapd's own clients against ucore-store, compared with what they get from snapd's
//! fakestore (the goldens of `tests/data/golden/`). Runs only with `UCORE_ORACLE` set (the
//! oracle, with snapd's `snap` CLI and fakestore next to it, as `shared/oracle/build.sh`
//! builds them); a notice and a pass without it, unless `UCORE_REQUIRE_ORACLE=1`.
//!
//! * `fakestore_replays_the_goldens`: the goldens, re-run against the fakestore by this
//!   test's own runner, come out the same (the runner records what the golden script does).
//! * `ucore_store_gives_snapds_clients_what_the_fakestore_gives`: a ucore-store in process
//!   on 127.0.0.1 with snapd's test root as authority and developer1 as brand; the test
//!   snaps registered under the fakestore's snap-ids, pushed and released; then every
//!   golden's command against it (oracle store commands with a device session: the model,
//!   serial and device key of the fixtures), compared with the golden.

mod common;

use common::compare::{Keys, compare, compare_with};
use common::fakestore::FakeStore;
use common::fixtures::{self, sha3_hex};
use common::golden::{self, Golden, Tool};
use common::run::{Places, Tools, observe};
use common::ucore::{UcoreStore, channels as channels_of};
use serde_json::Value;
use ucore_test_support::oracle;

fn tools() -> Option<Tools> {
    oracle().map(Tools::new)
}

#[test]
fn fakestore_replays_the_goldens() {
    let Some(tools) = tools() else { return };
    let fake = FakeStore::start(&tools.oracle);
    let work = tempfile::tempdir().expect("temporary directory");
    let mut failures = Vec::new();
    for g in golden::all() {
        let got = observe(&tools, &g, &fake.url, &work.path().join(&g.name), &[]);
        let diffs = compare(&g.observed(), &got);
        if !diffs.is_empty() {
            failures.push(format!("{}:\n  {}", g.name, diffs.join("\n  ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The golden's command as it runs against ucore-store: oracle store commands with a
/// model get a device session (the fixtures' serial for that model and the device key,
/// so the brand's snaps are visible, as on a device), and an argument naming the
/// fakestore's signing key names the store's own.
fn for_ucore(g: &Golden, keys: &Keys) -> Golden {
    let mut g = g.clone();
    for a in &mut g.args {
        if *a == keys.golden {
            *a = keys.observed.clone();
        }
    }
    if g.tool == Tool::Oracle
        && let Some(i) = g.args.iter().position(|a| a == "--model")
    {
        let serial = match g.args.get(i + 1).map(String::as_str) {
            Some("{FIXTURES}/uc16-store.model") => "{FIXTURES}/serial16.assert",
            Some("{FIXTURES}/uc20-store.model") => "{FIXTURES}/serial20.assert",
            other => panic!("{}: no serial for model {other:?}", g.name),
        };
        let session = [
            "--serial",
            serial,
            "--device-key",
            "{FIXTURES}/test-only-device.pem",
        ];
        g.args
            .splice(i + 2..i + 2, session.iter().map(|s| s.to_string()));
    }
    g
}

/// The environment of snapd's `snap` against ucore-store: the admin credential `store
/// init` wrote, which snapd's tooling store sends (the brand's snaps are private).
fn snap_env(store: &UcoreStore, g: &Golden) -> Vec<(&'static str, String)> {
    match g.tool {
        Tool::Snap => vec![(
            "UBUNTU_STORE_AUTH_DATA_FILENAME",
            store.credential_file().display().to_string(),
        )],
        Tool::Oracle => Vec::new(),
    }
}

#[test]
fn ucore_store_gives_snapds_clients_what_the_fakestore_gives() {
    let Some(tools) = tools() else { return };
    let store = UcoreStore::start();
    store.publish_fixtures();
    let keys = Keys {
        golden: Keys::fakestore(),
        observed: store.signing_key(),
    };
    let work = tempfile::tempdir().expect("temporary directory");
    let mut failures = Vec::new();
    let all = golden::all();
    for g in &all {
        let run = for_ucore(g, &keys);
        let got = observe(
            &tools,
            &run,
            &store.url,
            &work.path().join(&g.name),
            &snap_env(&store, g),
        );
        let diffs = compare_with(&g.observed(), &got, &keys);
        if !diffs.is_empty() {
            failures.push(format!(
                "{} ({}):\n  {}",
                g.name,
                run.args.join(" "),
                diffs.join("\n  ")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} commands differ from the fakestore:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
}

/// Runs the oracle with `args` (placeholders of [`Places`] filled for `store`); its exit
/// code and JSON output.
fn oracle_json(tools: &Tools, store: &UcoreStore, args: &[&str]) -> (i32, Value) {
    let places = Places::new(&store.url, std::path::Path::new("/nonexistent"));
    let o = std::process::Command::new(&tools.oracle)
        .args(args.iter().map(|a| places.fill(a)))
        .output()
        .expect("run the oracle");
    let out = String::from_utf8_lossy(&o.stdout);
    let v = serde_json::from_str(&out).unwrap_or_else(|e| {
        panic!(
            "{args:?}: {e}: {out} {}",
            String::from_utf8_lossy(&o.stderr)
        )
    });
    (o.status.code().unwrap_or(-1), v)
}

/// A device session: the model, the serial for it and the device key.
const UC16: [&str; 6] = [
    "--model",
    "{FIXTURES}/uc16-store.model",
    "--serial",
    "{FIXTURES}/serial16.assert",
    "--device-key",
    "{FIXTURES}/test-only-device.pem",
];

fn with<'a>(cmd: &'a str, session: &[&'a str], rest: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec![cmd, "--store", "{STORE}/"];
    v.extend_from_slice(session);
    v.extend_from_slice(rest);
    v
}

/// `store-session` for the fixtures' `MODEL.model` with `SERIAL.assert` and the device key.
fn session(tools: &Tools, store: &UcoreStore, model: &str, serial: &str) -> (i32, Value) {
    let m = format!("{{FIXTURES}}/{model}.model");
    let s = format!("{{FIXTURES}}/{serial}.assert");
    let args = [
        "--model",
        &m,
        "--serial",
        &s,
        "--device-key",
        "{FIXTURES}/test-only-device.pem",
    ];
    oracle_json(tools, store, &with("store-session", &args, &[]))
}

#[test]
fn device_sessions_open_for_the_stores_models_only() {
    let Some(tools) = tools() else { return };
    let store = UcoreStore::start();
    for (model, serial) in [("uc16-store", "serial16"), ("uc20-store", "serial20")] {
        let (code, out) = session(&tools, &store, model, serial);
        assert_eq!(code, 0, "{model}: {out}");
        assert_eq!(out["ok"], true, "{model}: {out}");
        assert!(
            out["session"].as_str().is_some_and(|s| !s.is_empty()),
            "{model}: {out}"
        );
    }
    // The same brand's models without `store` (fakestore-setup.sh's): refused, with the
    // error JSON snapd shows.
    for (model, serial) in [("uc16", "serial16"), ("uc20", "serial20")] {
        let (code, out) = session(&tools, &store, model, serial);
        let err = out["error"].as_str().unwrap_or_default();
        assert_eq!(code, 1, "{model} + {serial}: {out}");
        assert!(
            err.contains("cannot get device session from store")
                && err.contains("is not for store"),
            "{model} + {serial}: {err}"
        );
    }
}

#[test]
fn info_and_find_describe_the_published_snaps() {
    let Some(tools) = tools() else { return };
    let store = UcoreStore::start();
    store.publish_fixtures();
    for s in fixtures::snaps() {
        let (code, out) = oracle_json(&tools, &store, &with("store-info", &UC16, &[&s.name]));
        assert_eq!(code, 0, "{}: {out}", s.name);
        let info = &out["info"];
        let bytes = s.bytes();
        assert_eq!(info["snap-id"], s.snap_id.as_str(), "{}", s.name);
        assert_eq!(info["publisher"]["id"], s.publisher.as_str(), "{}", s.name);
        assert_eq!(info["revision"], "1", "{}", s.name);
        assert_eq!(info["version"], "1.0", "{}", s.name);
        assert_eq!(info["summary"], "snapd-oracle test snap", "{}", s.name);
        assert_eq!(info["download"]["size"], bytes.len(), "{}", s.name);
        assert_eq!(
            info["download"]["sha3-384"],
            sha3_hex(&bytes).as_str(),
            "{}",
            s.name
        );
        let channels = info["channels"].as_object().expect("channels");
        assert!(channels.contains_key("latest/stable"), "{}: {out}", s.name);
        assert_eq!(
            channels.contains_key("20/stable"),
            channels_of(&s.name).iter().any(|c| c == "20/stable"),
            "{}: {out}",
            s.name
        );
    }
    let names = |session: &[&str], query: &str| -> Vec<String> {
        let (code, out) = oracle_json(&tools, &store, &with("store-find", session, &[query]));
        assert_eq!(code, 0, "find {query:?}: {out}");
        let mut n: Vec<String> = out["results"]
            .as_array()
            .expect("results")
            .iter()
            .filter_map(|r| r["name"].as_str().map(str::to_string))
            .collect();
        n.sort();
        n
    };
    let all: Vec<String> = fixtures::snaps().into_iter().map(|s| s.name).collect();
    let public: Vec<String> = fixtures::snaps()
        .into_iter()
        .filter(|s| !s.is_brand())
        .map(|s| s.name)
        .collect();
    assert_eq!(names(&UC16, ""), sorted(all));
    assert_eq!(names(&[], ""), sorted(public));
    assert_eq!(names(&UC16, "hello"), ["hello-oracle", "hello20"]);
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[test]
fn brand_snaps_are_invisible_without_the_brands_device() {
    let Some(tools) = tools() else { return };
    let store = UcoreStore::start();
    store.publish_fixtures();
    for s in fixtures::snaps() {
        let action = format!("install:{}", s.name);
        let (code, out) = oracle_json(&tools, &store, &with("store-refresh", &[], &[&action]));
        if s.is_brand() {
            assert_eq!(code, 1, "{}: {out}", s.name);
            assert_eq!(
                out["snap_action_error"]["install"][&s.name],
                "snap not found"
            );
            let (code, out) = oracle_json(&tools, &store, &with("store-info", &[], &[&s.name]));
            assert_eq!(code, 1, "{}: {out}", s.name);
        } else {
            assert_eq!(code, 0, "{}: {out}", s.name);
        }
    }
}
