//! The whole build against snapd 2.57's `snap prepare-image`, live, on the same store: a
//! ucore-store in process with the fixtures published; for the UC16, UC20 and UC20
//! dangerous (`--snap` local, extra and channel) cases, `snap prepare-image` (`snapd-snap`
//! next to the oracle, with the store's credential) into one directory and our `build`
//! (store source, same credential, the test root trusted) into another; then
//! - the oracle's `seed-check` says the same of both seeds (model, snaps, revisions, modes,
//!   channels), paths written `{OUT}`;
//! - every file prepare-image wrote besides snaps is ours too with the same bytes (grubenv:
//!   the same variables), the snap files are the same, the trees list the same (but the
//!   modes of snap files: ours 0644, prepare-image's downloads 0600).
//!
//! Runs only with `UCORE_ORACLE` set (a notice and a pass without it); fails without it
//! when `UCORE_REQUIRE_ORACLE=1`.

mod build_support;
mod common;
mod seed_support;

use std::path::{Path, PathBuf};
use std::process::Command;

use build_support::{
    build, case_args, case_options, file_diffs, listing, listing_diff, metadata_files,
};
use seed_support::{fixtures, placeholder, seed_rel};
use serde_json::Value;
use ucore_image::options::SnapSource;
use ucore_test_support::oracle;

/// The cases built on both sides (their `--snap`s and models are the goldens').
const CASES: [&str; 3] = ["uc16", "uc20", "uc20-dangerous"];

/// The oracle's `seed-check --trusted ROOT SEED [LABEL]`, paths under `out` written
/// `{OUT}`.
fn seed_check(oracle: &Path, out: &Path, seed: &Path, label: Option<&str>) -> Value {
    let mut cmd = Command::new(oracle);
    cmd.arg("seed-check")
        .arg("--trusted")
        .arg(fixtures().join("tk/testrootorg-trusted.stream"))
        .arg(seed);
    if let Some(l) = label {
        cmd.arg(l);
    }
    let run = cmd.output().expect("run the oracle");
    let report: Value = serde_json::from_slice(&run.stdout).unwrap_or_else(|e| {
        panic!(
            "seed-check printed no JSON ({e}): {}",
            String::from_utf8_lossy(&run.stderr)
        )
    });
    placeholder(report, out, "OUT")
}

/// `snap prepare-image [--snap …] MODEL OUT` against `store`; the label it chose (UC20+).
fn prepare_image(
    snap_cli: &Path,
    store: &common::store::UcoreStore,
    case: &str,
    out: &Path,
) -> Option<String> {
    let args = case_args(case);
    let mut cmd = Command::new(snap_cli);
    cmd.arg("prepare-image");
    for s in args.snap_args() {
        cmd.arg("--snap").arg(s);
    }
    let run = cmd
        .arg(fixtures().join(&args.model))
        .arg(out)
        .env("UBUNTU_STORE_URL", &store.url)
        .env("UBUNTU_STORE_AUTH_DATA_FILENAME", store.credential_file())
        .env_remove("SNAPPY_FORCE_API_URL")
        .env_remove("UBUNTU_STORE_ID")
        .output()
        .expect("run snap prepare-image");
    assert!(
        run.status.success(),
        "{case}: snap prepare-image: {}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    let systems = out.join("system-seed/systems");
    let labels: Vec<String> = std::fs::read_dir(&systems)
        .ok()?
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(labels.len(), 1, "{case}: {labels:?}");
    labels.into_iter().next()
}

#[test]
fn builds_as_prepare_image_builds_on_the_same_store() {
    let Some(oracle) = oracle() else { return };
    let snap_cli: PathBuf = oracle.with_file_name("snapd-snap");
    assert!(
        snap_cli.is_file(),
        "{}: snapd's snap CLI next to the oracle (shared/oracle/build.sh)",
        snap_cli.display()
    );
    let store = common::store::start();
    let auth = std::fs::read_to_string(store.credential_file()).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for case in CASES {
        let theirs = tmp.path().join(format!("{case}-snapd"));
        let ours = tmp.path().join(format!("{case}-ucore"));
        let label = prepare_image(&snap_cli, &store, case, &theirs);

        let mut options = case_options(
            case,
            SnapSource::Store {
                url: store.url.clone(),
                auth: Some(auth.clone()),
            },
            &ours,
        );
        options.label = label.clone();
        let summary = build(&options).unwrap_or_else(|e| panic!("{case}: {e}"));

        let mut diffs = Vec::new();
        let rel = seed_rel(case);
        let snapd = seed_check(&oracle, &theirs, &theirs.join(rel), label.as_deref());
        let ucore = seed_check(&oracle, &ours, &ours.join(rel), label.as_deref());
        assert_eq!(
            snapd["ok"],
            Value::Bool(true),
            "{case}: snapd's seed: {snapd}"
        );
        if ucore != snapd {
            diffs.push(format!(
                "seed-check: ours\n{}\nsnapd's\n{}",
                serde_json::to_string_pretty(&ucore).unwrap(),
                serde_json::to_string_pretty(&snapd).unwrap()
            ));
        }
        let all = metadata_files(&theirs);
        diffs.extend(file_diffs(&ours, &theirs, &all));
        let snaps: Vec<String> = listing(&theirs)
            .into_iter()
            .filter(|e| e.kind == 'f' && e.path.ends_with(".snap"))
            .map(|e| e.path)
            .collect();
        diffs.extend(file_diffs(&ours, &theirs, &snaps));
        diffs.extend(listing_diff(&listing(&ours), &listing(&theirs)));
        assert_eq!(summary.snaps.len(), snaps.len(), "{case}: {snaps:?}");
        eprintln!(
            "{case}: {} snaps, {} other files compared with prepare-image's",
            snaps.len(),
            all.len()
        );
        if !diffs.is_empty() {
            failures.push(format!("{case}:\n  {}", diffs.join("\n  ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
