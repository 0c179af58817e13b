//! `.snap` files read by ucore-snap against snapd 2.57's reading of the same files (the
//! oracle's `snap-file`: digest, size, snap.yaml, `ReadInfoFromSnapFile`), from the goldens
//! next to each test snap (`snap/tests/data/files/regenerate.sh` makes them), and live when
//! `UCORE_ORACLE` names the oracle: on the test snaps and on snaps ucore packs.

use serde_json::Value;
use std::path::{Path, PathBuf};

mod common;

use common::{differences, report};

fn files() -> PathBuf {
    ucore_test_support::repo().join("snap/tests/data/files")
}

fn assert_same(snap: &Path, theirs: &Value) {
    let (ours, _) = report::snap_file_json(snap);
    let mut diffs = Vec::new();
    differences("", theirs, &ours, &mut diffs);
    assert!(
        diffs.is_empty(),
        "{}:\n  {}",
        snap.display(),
        diffs.join("\n  ")
    );
}

#[test]
fn test_snaps_read_as_snapd_reads_them() {
    let mut n = 0;
    for entry in std::fs::read_dir(files()).expect("files") {
        let snap = entry.expect("entry").path();
        if snap.extension().is_none_or(|e| e != "snap") {
            continue;
        }
        let golden = snap.with_extension("oracle.json");
        let theirs: Value =
            serde_json::from_slice(&std::fs::read(&golden).expect("golden")).expect("JSON");
        assert_same(&snap, &theirs);
        n += 1;
    }
    assert!(n >= 5, "{n} snaps");
}

/// The `open` stage: neither a squashfs file nor a snap directory.
#[test]
fn not_a_snap_is_refused_as_snapd_refuses_it() {
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("notasnap.snap");
    std::fs::write(&file, "hi\n").expect("write");
    let (ours, ok) = report::snap_file_json(&file);
    assert!(!ok);
    assert_eq!(ours["stage"], "open");
    assert_eq!(
        ours["error"],
        format!("\"{}\" is not a snap or snapdir", file.display())
    );
    // The digest of the 3 bytes is still computed, as the oracle does first.
    // (`printf 'hi\n' > notasnap.snap; snapd-oracle snap-file notasnap.snap`)
    assert_eq!(
        ours["sha3_384"],
        "W_lztGphN7oNjeqFxrc4jQwOB2GNqJkU3BNxbsSQAGkRkzIFHin7G-IvgTo0lE9-"
    );
}

/// Live: directories packed by `snap pack` and by ucore, each read by both.
#[test]
fn live_packed_snaps_read_the_same_by_both() {
    let Some(oracle) = ucore_test_support::oracle() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tmp");
    let src = dir.path().join("src");
    std::fs::create_dir_all(src.join("meta/hooks")).expect("mkdir");
    std::fs::create_dir_all(src.join("bin")).expect("mkdir");
    std::fs::write(
        src.join("meta/snap.yaml"),
        "name: both\nversion: 2.1\nsummary: s\napps:\n  both:\n    command: bin/both\n    plugs: [home]\n",
    )
    .expect("snap.yaml");
    let exe = |p: PathBuf| {
        use std::os::unix::fs::PermissionsExt;
        std::fs::write(&p, "#!/bin/sh\n").expect("write");
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    };
    exe(src.join("bin/both"));
    exe(src.join("meta/hooks/install"));
    let ours = ucore_snap::pack::pack_snap(
        &src,
        &ucore_snap::pack::PackOptions {
            target_dir: dir.path().join("ours"),
            ..Default::default()
        },
    )
    .expect("ucore packs");
    assert_eq!(ours.file_name().unwrap(), "both_2.1_all.snap");
    let snap_cli = oracle.with_file_name("snapd-snap");
    let status = std::process::Command::new(&snap_cli)
        .arg("pack")
        .arg(&src)
        .arg(dir.path().join("theirs"))
        .output()
        .expect("snap pack runs");
    assert!(status.status.success(), "{status:?}");
    let theirs = dir.path().join("theirs/both_2.1_all.snap");
    for snap in [&ours, &theirs] {
        let out = std::process::Command::new(&oracle)
            .arg("snap-file")
            .arg(snap)
            .output()
            .expect("oracle runs");
        let json: Value = serde_json::from_slice(&out.stdout).expect("oracle JSON");
        assert_eq!(
            json["read_info_from_snap_file"]["hooks"],
            serde_json::json!(["install"])
        );
        assert_same(snap, &json);
    }
}
