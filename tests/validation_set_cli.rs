//! The validation-set example (`cargo run --example validation-set`) as a user runs it:
//! signing the oracle-shaped statements, the next revision after `--previous`, a statement
//! that changes nothing, a dry run with its diff and conflicts, refusals and their exit
//! codes, and `check` with the oracle's `validation-sets` field names (compared live with
//! the oracle when `UCORE_ORACLE` is set); `push` to a running store and `preview` of a
//! device against it (and offline).

mod common;
#[path = "common/store_world.rs"]
mod store_world;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use serde_json::{Value, json};
use ucore::store::config::StoreConfig;
use ucore::store::publisher_api::RegisterName;
use ucore::store::publisher_client::PublisherClient;
use ucore_test_support::{keys, oracle, repo};

const NOW: &str = "2020-01-02T00:00:00Z";

fn exe() -> &'static PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        common::build_examples(&["validation-set"])
            .remove("validation-set")
            .expect("the validation-set example")
    })
}

fn run(args: &[&str]) -> Output {
    Command::new(exe())
        .args(args)
        .output()
        .expect("run the validation-set example")
}

fn data(name: &str) -> String {
    repo()
        .join("model/tests/data/validation-sets")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// `sign STATEMENT --key ACME MORE…`.
fn signing(statement: &str, more: &[&str]) -> Output {
    let key = keys::path("acme");
    let mut args = vec!["sign", statement, "--key", key.to_str().unwrap()];
    args.extend(more);
    run(&args)
}

/// Signs `statement` with the acme key at [`NOW`] (more args after), expecting success.
fn sign(statement: &str, more: &[&str]) -> String {
    let mut args = vec!["--now", NOW];
    args.extend(more);
    let out = signing(statement, &args);
    assert!(out.status.success(), "{more:?}: {}", text(&out.stderr));
    text(&out.stdout)
}

/// Writes the streams of the oracle's sets: `base+extra` and `base+clash`.
fn streams(dir: &Path) -> (PathBuf, PathBuf) {
    let signed: Vec<String> = ["base", "extra", "clash"]
        .iter()
        .map(|n| sign(&data(&format!("{n}.json")), &[]))
        .collect();
    let be = dir.join("base+extra");
    let bc = dir.join("base+clash");
    std::fs::write(&be, format!("{}\n{}", signed[0], signed[1])).unwrap();
    std::fs::write(&bc, format!("{}\n{}", signed[0], signed[2])).unwrap();
    std::fs::write(dir.join("base.assert"), &signed[0]).unwrap();
    (be, bc)
}

#[test]
fn help_and_version() {
    for args in [&["--help"][..], &["sign", "--help"], &["check", "--help"]] {
        let out = run(args);
        assert!(out.status.success(), "{args:?}");
        assert!(
            text(&out.stdout).contains("Usage: validation-set"),
            "{args:?}"
        );
    }
    let out = run(&["--version"]);
    assert_eq!(
        text(&out.stdout),
        format!("validation-set {}\n", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(run(&["sign"]).status.code(), Some(2));
}

#[test]
fn check_reports_as_the_oracle() {
    let dir = tempfile::tempdir().unwrap();
    let (be, bc) = streams(dir.path());
    let be = be.to_str().unwrap();
    let wrong = data("installed-wrong.json");

    let out = run(&["check", be, "--installed", &wrong, "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let got: Value = serde_json::from_slice(&out.stdout).unwrap();
    // The oracle README's example for these inputs.
    assert_eq!(got["ok"], json!(false));
    assert_eq!(
        got["installed_check"],
        json!({
            "missing": {"world": {"unset": ["acme/base"], "7": ["acme/extra"]}},
            "invalid": {"badsnap": ["acme/base"]},
            "wrong_revision": {"hello": {"5": ["acme/base"]}},
            "sets": ["acme/base", "acme/extra"],
            "error": "validation sets assertions are not met:\n- missing required snaps:\n  - world (required at any revision by sets acme/base, at revision 7 by sets acme/extra)\n- invalid snaps:\n  - badsnap (invalid for sets acme/base)\n- snaps at wrong revisions:\n  - hello (required at revision 5 by sets acme/base)",
        })
    );
    // Ignoring the invalid snap clears it; a missing snap is never ignored.
    let out = run(&[
        "check",
        be,
        "--installed",
        &wrong,
        "--ignore-validation",
        "badsnap",
        "--json",
    ]);
    let got: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(got["installed_check"]["invalid"], Value::Null);
    assert!(got["installed_check"]["missing"]["world"].is_object());

    let out = run(&["check", be, "--installed", &data("installed-ok.json")]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert_eq!(text(&out.stdout), "ok\n");

    let out = run(&["check", bc.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stdout),
        "validation sets are in conflict:\n\
         - cannot constrain snap \"badsnap\" as both invalid (acme/base) and required at any revision (acme/clash)\n\
         - cannot constrain snap \"hello\" at different revisions 5 (acme/base), 6 (acme/clash)\n"
    );
    let out = run(&["check", bc.to_str().unwrap(), "--json"]);
    let got: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(got["conflict_sets"], json!(["acme/base", "acme/clash"]));
    assert_eq!(
        got["conflict_snaps"]["helloidaaaaaaaaaaaaaaaaaaaaaaaaa"],
        json!(
            "cannot constrain snap \"hello\" at different revisions 5 (acme/base), 6 (acme/clash)"
        )
    );
    assert_eq!(got["installed_check"], Value::Null);

    // Two revisions of one set: snapd's add error.
    let twice = dir.path().join("twice");
    let base = std::fs::read_to_string(dir.path().join("base.assert")).unwrap();
    std::fs::write(&twice, format!("{base}\n{base}")).unwrap();
    let out = run(&["check", twice.to_str().unwrap(), "--json"]);
    let got: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        got["add_errors"],
        json!(["cannot add a second validation-set under \"acme/base\""])
    );
    // Not a stream: decode_error; not a file: exit 2.
    let junk = dir.path().join("junk");
    std::fs::write(&junk, "type: validation-set\n").unwrap();
    let out = run(&["check", junk.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let got: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(got["decode_error"].is_string());
    assert_eq!(run(&["check", "/nonexistent"]).status.code(), Some(2));
}

/// The same streams through the oracle's `validation-sets`: the fields both compute agree.
#[test]
fn check_matches_the_live_oracle() {
    let Some(oracle) = oracle() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (be, bc) = streams(dir.path());
    for (stream, installed) in [
        (&be, Some("installed-wrong.json")),
        (&be, Some("installed-ok.json")),
        (&bc, None),
        (&bc, Some("installed-ok.json")),
    ] {
        let mut ours = vec![
            "check".to_owned(),
            stream.to_string_lossy().into_owned(),
            "--json".into(),
        ];
        let mut theirs = vec!["validation-sets".to_owned()];
        if let Some(i) = installed {
            ours.extend(["--installed".into(), data(i)]);
            theirs.extend(["--installed".into(), data(i)]);
        }
        theirs.push(stream.to_string_lossy().into_owned());
        let a = Command::new(exe()).args(&ours).output().unwrap();
        let b = Command::new(&oracle).args(&theirs).output().unwrap();
        assert_eq!(a.status.code(), b.status.code(), "{theirs:?}");
        let a: Value = serde_json::from_slice(&a.stdout).unwrap();
        let b: Value = serde_json::from_slice(&b.stdout).unwrap();
        for field in [
            "ok",
            "decode_error",
            "add_errors",
            "conflict_snaps",
            "conflict_sets",
        ] {
            assert_eq!(a[field], b[field], "{field} of {theirs:?}");
        }
        // The error texts list snaps in Go's random order: compare their lines as sets.
        let lines = |v: &Value| {
            let mut l: Vec<String> = v
                .as_str()
                .unwrap_or("")
                .lines()
                .map(str::to_owned)
                .collect();
            l.sort();
            l
        };
        assert_eq!(lines(&a["conflict"]), lines(&b["conflict"]));
        let (ia, ib) = (&a["installed_check"], &b["installed_check"]);
        for field in ["missing", "invalid", "wrong_revision", "sets"] {
            assert_eq!(
                ia[field], ib[field],
                "installed_check.{field} of {theirs:?}"
            );
        }
        assert_eq!(lines(&ia["error"]), lines(&ib["error"]));
    }
}

#[test]
fn sign_places_diffs_and_refuses() {
    let dir = tempfile::tempdir().unwrap();
    let (_, bc) = streams(dir.path());
    let base = dir.path().join("base.assert");
    let base = base.to_str().unwrap();

    // The same statement again: nothing to sign (exit 1), unless forced.
    let same = signing(&data("base.json"), &["--previous", base]);
    assert_eq!(same.status.code(), Some(1));
    assert!(
        text(&same.stderr).contains("nothing to sign"),
        "{}",
        text(&same.stderr)
    );
    let forced = sign(&data("base.json"), &["--previous", base, "--force"]);
    assert!(forced.contains("\nrevision: 1\n"), "{forced}");

    // The next revision, written in YAML with numbers.
    let next = dir.path().join("next.yaml");
    std::fs::write(
        &next,
        "account-id: acme\nname: base\nsnaps:\n  - name: hello\n    id: helloidaaaaaaaaaaaaaaaaaaaaaaaaa\n    revision: 6\n  - name: world\n    id: worldidbbbbbbbbbbbbbbbbbbbbbbbbb\n",
    )
    .unwrap();
    let next = next.to_str().unwrap();
    let out = signing(next, &["--previous", base, "--dry-run", "--now", NOW]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        text(&out.stdout),
        "validation set acme/base: sequence 1 revision 1 (after sequence 1 revision 0)\n\
         \x20 - badsnap  badsnapidccccccccccccccccccccccc  invalid\n\
         \x20 ~ hello    revision 5 -> 6\n"
    );
    let out = signing(
        next,
        &["--previous", base, "--new-sequence", "--dry-run", "--json"],
    );
    let got: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(got["diff"]["next"], json!({"sequence": 2, "revision": 0}));
    assert_eq!(got["diff"]["new_sequence"], json!(true));
    assert_eq!(got["conflicts"], Value::Null);

    let signed = sign(next, &["--previous", base]);
    assert!(
        signed.contains("\nrevision: 1\n") && signed.contains("\nsequence: 1\n"),
        "{signed}"
    );

    // Against acme/clash (hello at 6, badsnap required): the new base agrees with it; the
    // old one (hello at 5, badsnap invalid) does not, and is not signed.
    let bc = bc.to_str().unwrap();
    let out = signing(next, &["--previous", base, "--with", bc, "--dry-run"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(text(&out.stdout).ends_with("other set acme/clash\nno conflicts\n"));
    let clash_only = dir.path().join("clash.assert");
    std::fs::write(&clash_only, sign(&data("clash.json"), &[])).unwrap();
    let out = signing(
        &data("base.json"),
        &["--with", clash_only.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(text(&out.stderr).contains(
        "cannot constrain snap \"hello\" at different revisions 5 (acme/base), 6 (acme/clash)"
    ));

    // Going backwards, and snapd's refusals.
    let out = signing(
        next,
        &["--previous", base, "--new-sequence", "--json", "--dry-run"],
    );
    assert_eq!(out.status.code(), Some(0));
    let back = dir.path().join("back.json");
    std::fs::write(&back, r#"{"account-id":"acme","name":"base","sequence":"1","revision":"0","snaps":[{"name":"hello","id":"helloidaaaaaaaaaaaaaaaaaaaaaaaaa"}]}"#).unwrap();
    let out = signing(back.to_str().unwrap(), &["--previous", base, "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let got: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        got["error"],
        json!(
            "validation set acme/base: revision 0 of sequence 1 is not above the latest signed revision 0"
        )
    );
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, r#"{"account-id":"acme","name":"base","snaps":[{"name":"hello","id":"helloidaaaaaaaaaaaaaaaaaaaaaaaaa","presence":"invalid","revision":3}]}"#).unwrap();
    let out = signing(bad.to_str().unwrap(), &[]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "cannot assemble assertion validation-set: cannot specify revision of snap \"hello\" at the same time as stating its presence is invalid\n"
    );
    // A key that is not there: exit 2.
    let out = run(&[
        "sign",
        next,
        "--key",
        "nope",
        "--keystore",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
}

#[test]
fn push_to_a_store_then_preview_a_device_against_it() {
    let tmp = tempfile::tempdir().unwrap();
    let w = store_world::world(tmp.path());
    let rt = store_world::runtime();
    let init = rt
        .block_on(ucore::store::init::init(&store_world::options(
            &tmp.path().join("store"),
            &w,
        )))
        .unwrap();
    let config = StoreConfig::load(&init.config_file).unwrap();
    let running = rt
        .block_on(async {
            let store = ucore::store::Store::open(&config).await?;
            ucore::store::http::serve(store, "127.0.0.1:0".parse().unwrap(), false).await
        })
        .unwrap();
    let url = running.url();
    let credential = init.credential_file.to_string_lossy().into_owned();

    // `sample` (public: published by the store's authority): revision 1 in stable, 2 not
    // released.
    let c = PublisherClient::from_credential_file(&init.credential_file, Some(&url)).unwrap();
    let name = c
        .register_name(&RegisterName {
            name: "sample".into(),
            publisher: "testroot".into(),
            snap_id: None,
        })
        .unwrap();
    let files = repo().join("snap/tests/data/files");
    c.push(
        &files.join("sample_1.0_amd64.snap"),
        &["stable".into()],
        &mut |_, _| {},
    )
    .unwrap();
    c.push(&files.join("sample-xz-noI.snap"), &[], &mut |_, _| {})
        .unwrap();

    // acme's set pins sample at 2; signed, then pushed (twice: the second is a no-op).
    let statement = tmp.path().join("fleet.json");
    let entry = json!({"name": "sample", "id": name.snap_id, "revision": 2});
    std::fs::write(
        &statement,
        json!({"account-id": "acme", "name": "fleet", "snaps": [entry]}).to_string(),
    )
    .unwrap();
    let signed = sign(statement.to_str().unwrap(), &[]);
    let assertion = tmp.path().join("fleet.assert");
    std::fs::write(&assertion, &signed).unwrap();
    let push = |file: &Path| {
        run(&[
            "push",
            file.to_str().unwrap(),
            "--store",
            &url,
            "--credential",
            &credential,
        ])
    };
    let out = push(&assertion);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "acme/fleet sequence 1 revision 0: published (1 snaps)\n"
    );
    let out = push(&assertion);
    assert_eq!(
        text(&out.stdout),
        "acme/fleet sequence 1 revision 0: already published (1 snaps)\n"
    );

    let out = run(&["list", "--store", &url, "--credential", &credential]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    assert!(table.starts_with("Set"), "{table}");
    assert!(
        table.lines().any(|l| l.split_whitespace().collect::<Vec<_>>()[..4] == ["acme/fleet", "1", "0", "1"]),
        "{table}"
    );

    // A set naming a snap the store does not have is refused (exit 1).
    let bad = tmp.path().join("bad.json");
    let unknown = json!({"name": "nothere", "id": "nothereidididididididididididid1"});
    std::fs::write(
        &bad,
        json!({"account-id": "acme", "name": "bad", "snaps": [unknown]}).to_string(),
    )
    .unwrap();
    let bad_assertion = tmp.path().join("bad.assert");
    std::fs::write(&bad_assertion, sign(bad.to_str().unwrap(), &[])).unwrap();
    let out = push(&bad_assertion);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("nothere"),
        "{}",
        text(&out.stderr)
    );

    // A device enforcing the set, with sample at 1 from stable: the store answers the pin.
    let state = tmp.path().join("device.json");
    std::fs::write(
        &state,
        json!({"now": "2024-06-01T00:00:00Z", "last-refresh": "2024-05-01T00:00:00Z",
            "validation-sets": [{"assertion": signed, "mode": "enforce", "pinned-at": 1}],
            "snaps": [{"name": "sample", "snap-id": name.snap_id, "revision": 1,
                       "channel": "latest/stable"}]})
        .to_string(),
    )
    .unwrap();
    let state = state.to_str().unwrap();
    let out = run(&["preview", state, "--store", &url, "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let row = &v["snaps"][0];
    assert_eq!(
        (row["snap"].as_str(), row["decision"].as_str()),
        (Some("sample"), Some("refresh")),
        "{v}"
    );
    assert_eq!(
        (row["from"].as_i64(), row["to"].as_i64()),
        (Some(1), Some(2)),
        "{v}"
    );
    // Offline, from the revisions a store offers: the same answer, as a table.
    let available = tmp.path().join("available.json");
    std::fs::write(&available, r#"{"sample": [1, 2]}"#).unwrap();
    let out = run(&["preview", state, "--available", available.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("sample") && l.contains("refresh") && l.contains(" 2 ")),
        "{table}"
    );
    // Neither a store nor a list: a usage error.
    assert_eq!(run(&["preview", state]).status.code(), Some(2));
    rt.block_on(running.shutdown());
}
