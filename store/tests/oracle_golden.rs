//! The goldens of snapd's own clients against snapd's fakestore (`tests/data/golden/`,
//! recorded by `tests/oracle-golden.sh` from the fixtures of `tests/oracle-fixtures.sh`),
//! checked without Go: they are well-formed, free of the recording host's ports and paths,
//! agree with the fixtures (snap-ids, publishers, sha3-384s, sizes), and every assertion in
//! them verifies under snapd's test root. `oracle_live.rs` compares ucore-store with them.

mod common;

use common::compare::{Keys, verify_chain};
use common::fixtures::{self, sha3_hex};
use common::golden::{self, Golden, Tool};
use serde_json::Value;
use ucore_assertions::AssertionAccess;

/// The goldens whose command fails against the fakestore too, on purpose.
const EXPECTED_FAILURES: &[&str] = &["refresh-up-to-date", "assertion-not-found"];

/// The chain below the test root, and the fakestore's snap-declarations (what a
/// snap-revision needs).
fn prereqs() -> Vec<String> {
    let mut p: Vec<String> = [
        "tk/developer1-account.assert",
        "tk/developer1-account-key.assert",
        "tk/teststore-account-key.assert",
    ]
    .iter()
    .map(|f| fixtures::read_string(f))
    .collect();
    let mut decls: Vec<_> = std::fs::read_dir(fixtures::path("fs-asserts"))
        .expect("fs-asserts")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".snap-declaration"))
        .collect();
    decls.sort();
    p.extend(
        decls
            .iter()
            .map(|n| fixtures::read_string(&format!("fs-asserts/{n}"))),
    );
    p
}

fn verify(what: &str, text: &str) {
    let p = prereqs();
    let p: Vec<&str> = p.iter().map(String::as_str).collect();
    verify_chain(&p, text).unwrap_or_else(|e| panic!("{what}: {e}"));
}

/// Every string in `v`.
fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(o) => o.iter().for_each(|(k, x)| {
            out.push(k.clone());
            strings(x, out)
        }),
        _ => {}
    }
}

#[test]
fn goldens_are_complete_and_host_free() {
    let all = golden::all();
    let names: Vec<&str> = all.iter().map(|g| g.name.as_str()).collect();
    for wanted in [
        "refresh-install",
        "refresh-download",
        "refresh-refresh",
        "refresh-uc20-channels",
        "snap-prepare-image-uc16",
        "snap-prepare-image-uc20",
    ] {
        assert!(
            names.contains(&wanted),
            "golden {wanted} missing: {names:?}"
        );
    }
    for s in fixtures::snaps() {
        assert!(
            names.contains(&format!("download-{}", s.name).as_str()),
            "no download golden for {}",
            s.name
        );
    }
    for kind in [
        "account",
        "account-key",
        "snap-declaration",
        "snap-revision",
    ] {
        assert!(
            all.iter()
                .any(|g| g.command() == "store-assertion" && g.args.get(5) == Some(&kind.into())),
            "no store-assertion golden for {kind}"
        );
    }
    for g in &all {
        assert!(g.regenerate.contains("oracle-golden.sh"), "{}", g.name);
        let mut s = g.args.clone();
        strings(&g.observed(), &mut s);
        for v in s {
            assert!(
                !v.contains("127.0.0.1") && !v.contains("/tmp/") && !v.contains("/work/"),
                "{}: host-specific string {v:?}",
                g.name
            );
        }
        let should_fail = EXPECTED_FAILURES.contains(&g.name.as_str());
        assert_eq!(g.exit != 0, should_fail, "{}: exit {}", g.name, g.exit);
        if let Some(sc) = &g.seed_check {
            assert_eq!(sc.exit, 0, "{}: seed-check {}", g.name, sc.output);
            assert_eq!(sc.output["ok"], true, "{}", g.name);
        }
    }
}

/// A result of `store-refresh` / the info of `store-download` agrees with the fixtures.
fn check_result(g: &Golden, r: &Value) {
    let name = r["name"].as_str().expect("result name");
    let s = fixtures::snap(name);
    assert_eq!(r["snap-id"], s.snap_id.as_str(), "{}: {name}", g.name);
    assert_eq!(
        r["publisher"]["id"],
        s.publisher.as_str(),
        "{}: {name}",
        g.name
    );
    assert_eq!(r["revision"], "1", "{}: {name}", g.name);
    let bytes = s.bytes();
    assert_eq!(r["download"]["size"], bytes.len(), "{}: {name}", g.name);
    assert_eq!(
        r["download"]["sha3-384"],
        sha3_hex(&bytes).as_str(),
        "{}: {name}",
        g.name
    );
}

#[test]
fn store_client_goldens_agree_with_the_fixtures() {
    for g in golden::all().iter().filter(|g| g.tool == Tool::Oracle) {
        match g.command() {
            "store-refresh" => {
                let results = g.output["results"].as_array().expect("results");
                // one result per action, except the refresh snapd finds up to date
                let actions = g.args.iter().filter(|a| a.contains(':')).count();
                let expected = if g.exit == 0 { actions } else { actions - 1 };
                assert_eq!(results.len(), expected, "{}", g.name);
                results.iter().for_each(|r| check_result(g, r));
                if g.exit != 0 {
                    assert_eq!(
                        g.output["error"],
                        "cannot refresh snap \"hello-oracle\": snap has no updates available",
                        "{}",
                        g.name
                    );
                }
            }
            "store-download" => {
                check_result(g, &g.output["info"]);
                let name = g.output["info"]["name"].as_str().expect("name");
                let s = fixtures::snap(name);
                let files = g.files.as_ref().expect("files");
                let f = &files[&format!("{name}_1.snap")];
                assert_eq!(f["sha3-384"], sha3_hex(&s.bytes()).as_str(), "{}", g.name);
                assert_eq!(
                    g.output["path"],
                    format!("{{OUT}}/{name}_1.snap"),
                    "{}",
                    g.name
                );
            }
            "store-assertion" if g.exit == 0 => {
                let text = g.output.as_str().expect("assertion text");
                verify(&g.name, text);
                let a = fixtures::decode_stream(text.as_bytes());
                assert_eq!(a.len(), 1, "{}", g.name);
                assert_eq!(a[0].assertion_type().name(), g.args[5], "{}", g.name);
            }
            "store-assertion" => {
                assert_eq!(g.output["not_found"], true, "{}", g.name);
                assert_eq!(
                    g.output["error"], "account (no-such-account) not found",
                    "{}",
                    g.name
                );
            }
            other => panic!("{}: unexpected command {other}", g.name),
        }
    }
}

#[test]
fn snap_cli_goldens_agree_with_the_fixtures() {
    for g in golden::all().iter().filter(|g| g.tool == Tool::Snap) {
        let files = g.files.as_ref().expect("files");
        let mut snaps = 0;
        for (rel, f) in files {
            if let Some(text) = f.get("assertions").and_then(Value::as_str) {
                verify(&format!("{}: {rel}", g.name), text);
            } else if rel.ends_with(".snap") && f.get("symlink").is_none() {
                let base = rel.rsplit('/').next().unwrap_or(rel);
                let name = base.strip_suffix("_1.snap").expect("revision 1");
                let s = fixtures::snap(name);
                assert_eq!(
                    f["sha3-384"],
                    sha3_hex(&s.bytes()).as_str(),
                    "{}: {rel}",
                    g.name
                );
                snaps += 1;
            }
        }
        match g.command() {
            "download" => {
                assert_eq!(snaps, 1, "{}", g.name);
                assert_eq!(files.len(), 2, "{}: the snap and its assertions", g.name);
            }
            "prepare-image" => {
                let sc = g.seed_check.as_ref().expect("seed-check");
                let seeded = sc.output["snaps"].as_array().expect("seed snaps");
                assert!(seeded.len() >= 4, "{}", g.name);
                for s in seeded {
                    let f = fixtures::snap(s["name"].as_str().expect("name"));
                    assert_eq!(s["snap-id"], f.snap_id.as_str(), "{}", g.name);
                    assert_eq!(s["revision"], "1", "{}", g.name);
                }
                assert_eq!(sc.output["model"]["store"], fixtures::store_id().as_str());
                assert!(snaps >= seeded.len(), "{}: {snaps} snap files", g.name);
            }
            other => panic!("{}: unexpected snap command {other}", g.name),
        }
    }
}

#[test]
fn fixture_models_and_serials_verify_under_the_test_root() {
    for f in [
        "uc16.model",
        "uc20.model",
        "uc16-store.model",
        "uc20-store.model",
        "serial16.assert",
        "serial20.assert",
    ] {
        verify(f, &fixtures::read_string(f));
    }
    let store_id = fixtures::store_id();
    for f in ["uc16-store.model", "uc20-store.model"] {
        let m = fixtures::assertion(f);
        assert_eq!(m.header_str("store"), Some(store_id.as_str()), "{f}");
        assert_eq!(m.header_str("brand-id"), Some(fixtures::BRAND), "{f}");
    }
}

#[test]
fn comparison_takes_the_fakestore_as_reference() {
    let g = golden::load("refresh-install");
    let same = g.observed();
    assert_eq!(common::compare::compare(&same, &same), Vec::<String>::new());

    // What another store may differ in: its download URLs, and the fields the fakestore
    // does not send.
    let mut other = same.clone();
    let r = &mut other["output"]["results"][0];
    r["download"]["url"] = "{STORE}/api/v1/snaps/download/x_1.snap".into();
    r["channel"] = "latest/stable".into();
    r["summary"] = "snapd-oracle test snap".into();
    other["output"]["results"]
        .as_array_mut()
        .expect("results")
        .reverse();
    assert_eq!(
        common::compare::compare(&same, &other),
        Vec::<String>::new()
    );

    // What it may not.
    for (path, value) in [
        ("/download/sha3-384", Value::from("00")),
        ("/download/size", Value::from(4097)),
        ("/revision", Value::from("2")),
        ("/publisher/id", Value::from("someone")),
        ("/download/url", Value::from("http://elsewhere/x.snap")),
        ("/redirect-channel", Value::from("latest/edge")),
    ] {
        let mut bad = same.clone();
        *bad["output"]["results"][1]
            .pointer_mut(path)
            .expect("result field") = value;
        assert!(
            !common::compare::compare(&same, &bad).is_empty(),
            "{path} not compared"
        );
    }
    let mut fewer = same.clone();
    fewer["output"]["results"]
        .as_array_mut()
        .expect("results")
        .pop();
    assert!(!common::compare::compare(&same, &fewer).is_empty());

    // Assertions: by content, not by timestamp or signature.
    let a = golden::load("assertion-snap-declaration-pc").observed();
    let text = a["output"].as_str().expect("text");
    let restamped: String = text
        .lines()
        .map(|l| match l.starts_with("timestamp: ") {
            true => "timestamp: 2030-01-01T00:00:00Z\n".to_string(),
            false => format!("{l}\n"),
        })
        .collect();
    assert_ne!(restamped, text);
    assert!(common::compare::compare(&a, &json_output(&restamped)).is_empty());
    let other_pub = text.replace("publisher-id: developer1", "publisher-id: testrootorg");
    assert!(!common::compare::compare(&a, &json_output(&other_pub)).is_empty());

    // Another store signs with its own key: that key, and only it, stands in.
    let fake_key = Keys::fakestore();
    let root_key = fixtures::decode_stream(&fixtures::read("tk/testrootorg-trusted.stream"))
        .into_iter()
        .find_map(|a| a.header_str("public-key-sha3-384").map(str::to_string))
        .expect("root account-key");
    let resigned = text.replace(&fake_key, &root_key);
    assert_ne!(resigned, text);
    let keys = Keys {
        golden: fake_key.clone(),
        observed: root_key.clone(),
    };
    assert!(common::compare::compare_with(&a, &json_output(&resigned), &keys).is_empty());
    assert!(!common::compare::compare(&a, &json_output(&resigned)).is_empty());
    let wrong = Keys {
        golden: fake_key,
        observed: "another-key".into(),
    };
    assert!(!common::compare::compare_with(&a, &json_output(&resigned), &wrong).is_empty());
}

fn json_output(text: &str) -> Value {
    serde_json::json!({"exit": 0, "output": text})
}

// ---- ucore's own client against ucore-store, compared with the goldens ------------------

use std::sync::Arc;

use common::compare::essentials_signed_by;
use common::ucore::UcoreStore;
use ucore_assertions::AssertionType;
use ucore_store_client::protocol::{ActionResult, ContextSnap, Epoch};
use ucore_store_client::{Config, DeviceIdentity, DownloadOptions, StoreClient};

/// A client of `store` for the device of the fixtures' `MODEL.model` and `SERIAL.assert`.
fn device_client(store: &UcoreStore, model: &str, serial: &str) -> StoreClient {
    let key =
        ucore_signing::RsaPrivateKey::from_pem(&fixtures::read_string("test-only-device.pem"))
            .expect("device key");
    let identity = DeviceIdentity::new(
        fixtures::assertion(&format!("{model}.model")),
        fixtures::assertion(&format!("{serial}.assert")),
        Arc::new(key),
    )
    .expect("device identity");
    let config = Config::parse(&format!("{}/", store.url)).expect("store URL");
    StoreClient::builder(config)
        .device(identity)
        .build()
        .expect("client")
}

/// A result as the oracle prints it, on the fields the fakestore sends.
fn as_oracle_result(r: &ActionResult) -> Value {
    let s = r.snap.as_ref().expect("a result with a snap");
    serde_json::json!({
        "name": s.name, "snap-id": s.snap_id, "revision": s.revision.to_string(),
        "version": s.version, "type": s.snap_type, "base": s.base,
        "confinement": s.confinement, "publisher": {"id": s.publisher.id, "username": s.publisher.username},
        "download": {"sha3-384": s.download.sha3_384, "size": s.download.size},
    })
}

/// The golden's results on the same fields.
fn golden_results(g: &Golden) -> Vec<Value> {
    let mut v: Vec<Value> = g.output["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            let mut r = r.clone();
            let m = r.as_object_mut().expect("object");
            for k in ["channel", "epoch", "redirect-channel", "summary"] {
                m.remove(k);
            }
            if let Some(d) = m.get_mut("download").and_then(Value::as_object_mut) {
                d.remove("url");
            }
            r
        })
        .collect();
    v.sort_by_key(|r| r["name"].to_string());
    v
}

/// `NAME[@CHANNEL]` of an `install:`/`download:` argument.
fn action_target(arg: &str) -> Option<(&str, &str, Option<&str>)> {
    let (kind, rest) = arg.split_once(':')?;
    let (name, channel) = match rest.split_once('@') {
        Some((n, c)) => (n, Some(c)),
        None => (rest, None),
    };
    Some((kind, name, channel))
}

#[test]
fn ucore_client_against_ucore_store_matches_the_goldens() {
    let store = UcoreStore::start();
    store.publish_fixtures();
    let uc16 = device_client(&store, "uc16-store", "serial16");
    let uc20 = device_client(&store, "uc20-store", "serial20");
    let keys = Keys {
        golden: Keys::fakestore(),
        observed: store.signing_key(),
    };
    let work = tempfile::tempdir().expect("temporary directory");
    let rt = &store.rt;
    let mut failures: Vec<String> = Vec::new();
    let mut check = |what: &str, ok: bool, detail: String| {
        if !ok {
            failures.push(format!("{what}: {detail}"));
        }
    };

    // install and download actions, for each device
    for name in [
        "refresh-install",
        "refresh-download",
        "refresh-uc20-channels",
    ] {
        let g = golden::load(name);
        let client = if g.args.iter().any(|a| a.contains("uc20")) {
            &uc20
        } else {
            &uc16
        };
        let mut got = Vec::new();
        for (kind, snap, channel) in g.args.iter().filter_map(|a| action_target(a)) {
            let r = match kind {
                "install" => rt.block_on(client.install(snap, channel, None)),
                _ => rt.block_on(client.download_action(snap, channel, None)),
            };
            match r {
                Ok(r) => got.push(as_oracle_result(&r)),
                Err(e) => check(name, false, format!("{kind} {snap}: {e}")),
            }
        }
        got.sort_by_key(|r| r["name"].to_string());
        let want = golden_results(&g);
        check(name, got == want, format!("golden {want:?}\n  got {got:?}"));
    }

    // a refresh to the revision the device has: snapd's "no updates"
    let g = golden::load("refresh-up-to-date");
    let s = fixtures::snap("hello-oracle");
    let context = ContextSnap {
        snap_id: s.snap_id.clone(),
        instance_key: s.snap_id.clone(),
        revision: 1,
        tracking_channel: "stable".into(),
        epoch: Epoch::default(),
        ..Default::default()
    };
    match rt.block_on(uc16.refresh(vec![context], &Default::default())) {
        Ok(outcome) => check(
            "refresh-up-to-date",
            outcome.results.is_empty() && outcome.errors.to_string() == g.output["error"],
            format!(
                "golden {}, got {:?} / {}",
                g.output["error"], outcome.results, outcome.errors
            ),
        ),
        Err(e) => check("refresh-up-to-date", false, e.to_string()),
    }

    // downloads, checked by sha3-384, equal to the fakestore's files
    for s in fixtures::snaps() {
        let g = golden::load(&format!("download-{}", s.name));
        let want = &g.files.as_ref().expect("files")[&format!("{}_1.snap", s.name)];
        let dest = work.path().join(format!("{}_1.snap", s.name));
        let r = rt.block_on(async {
            let r = uc16.download_action(&s.name, None, None).await?;
            let snap = r.snap.expect("snap");
            uc16.download(
                &s.name,
                &snap.download,
                &dest,
                &DownloadOptions::default(),
                None,
            )
            .await
        });
        let got = std::fs::read(&dest)
            .map(|b| sha3_hex(&b))
            .unwrap_or_default();
        check(
            &g.name,
            r.is_ok() && want["sha3-384"] == got.as_str(),
            format!("{r:?}, sha3-384 {got}"),
        );
    }

    // assertions, by content (each store signs with its own key)
    for g in golden::all()
        .iter()
        .filter(|g| g.command() == "store-assertion")
    {
        let t = AssertionType::from_name(&g.args[5]).expect("assertion type");
        let key: Vec<&str> = g.args[6..]
            .iter()
            .map(|k| {
                if *k == keys.golden {
                    keys.observed.as_str()
                } else {
                    k.as_str()
                }
            })
            .collect();
        match (rt.block_on(uc16.assertion(t, &key)), g.exit) {
            (Ok(a), 0) => {
                let text = String::from_utf8(a.encode()).expect("text");
                let want = essentials_signed_by(g.output.as_str().expect("text"), &keys.golden);
                let got = essentials_signed_by(&text, &keys.observed);
                check(
                    &g.name,
                    want == got,
                    format!("golden {want:?}\n  got {got:?}"),
                );
            }
            (Err(e), 1) => check(
                &g.name,
                g.output["error"] == e.to_string().as_str(),
                format!("golden {}, got {e}", g.output["error"]),
            ),
            (r, _) => check(
                &g.name,
                false,
                format!("{:?}", r.map(|a| a.primary_key().join("/"))),
            ),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
