//! `snap pack`'s pieces: the image mksquashfs builds with snapd's flags holds what snapd's
//! own `snap pack` puts in (golden `tests/data/files/sample_1.0_amd64.*`), packs with a fixed
//! time are byte-identical, and the container check logs and fails as snapd's does.

use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};

use ucore_snap::container::{self, Container, SnapDir, WalkControl};
use ucore_snap::digest::snap_file_digest;
use ucore_snap::pack::{
    AppPaths, BuildOptions, ContainerCheck, ContainerCheckError, build_squashfs, snap_file_name,
    validate_container,
};

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/files")
        .join(name)
}

fn write(path: &Path, text: &str, mode: u32) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// The tree `regenerate.sh` packs (owners aside: `-all-root` makes them 0/0).
fn sample_tree(d: &Path) {
    write(
        &d.join("meta/snap.yaml"),
        "name: sample\nversion: 1.0\nsummary: a sample snap\ndescription: used by ucore-snap's tests\narchitectures: [amd64]\napps:\n  hello:\n    command: bin/hello\n  svc:\n    command: bin/hello --serve\n    daemon: simple\n",
        0o644,
    );
    write(&d.join("bin/hello"), "#!/bin/sh\necho hello\n", 0o4755);
    write(
        &d.join("meta/hooks/configure"),
        "#!/bin/sh\nexit 0\n",
        0o755,
    );
    symlink("hello", d.join("bin/hi")).expect("symlink");
    std::fs::create_dir_all(d.join("lib/deep/er")).expect("mkdir");
    std::fs::create_dir_all(d.join("empty-dir")).expect("mkdir");
    symlink("../../bin/hello", d.join("lib/deep/up")).expect("symlink");
    write(&d.join("lib/empty"), "", 0o644);
    write(&d.join("lib/private"), "secret\n", 0o600);
    let big: String = (0..14000)
        .map(|i| format!("{:09}\n", if i % 100 == 0 { i } else { 0 }))
        .collect();
    write(&d.join("lib/deep/er/big.txt"), &big, 0o644);
    write(&d.join("lib/deep/er/small"), "x", 0o644);
    write(&d.join(".git/config"), "ignored\n", 0o644);
    write(&d.join("lib/notes.txt~"), "ignored\n", 0o644);
    write(&d.join("lib/old.snap"), "ignored\n", 0o644);
}

fn have_mksquashfs() -> bool {
    let found = std::process::Command::new("mksquashfs")
        .arg("-version")
        .output()
        .is_ok();
    if !found {
        eprintln!("mksquashfs not on PATH: skipping the pack build");
    }
    found
}

/// Walk lines without the time: mode, owner, size, path, target.
fn timeless(c: &dyn Container) -> Vec<String> {
    let mut out = Vec::new();
    c.walk(".", &mut |st| {
        out.push(format!(
            "{:o} {:?} {}/{} {} {} {:?}",
            st.perm, st.kind, st.uid, st.gid, st.size, st.path, st.symlink_target
        ));
        Ok(WalkControl::Continue)
    })
    .expect("walk");
    out
}

#[test]
fn packed_image_holds_what_snap_pack_puts_in() {
    if !have_mksquashfs() {
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    let src = dir.path().join("src");
    sample_tree(&src);
    let out = dir
        .path()
        .join(snap_file_name("sample", "1.0", &["amd64".to_string()]));
    build_squashfs(&src, &out, &BuildOptions::default()).expect("build");
    let ours = container::SnapFile::open(&out).expect("open ours");
    let snapds = container::SnapFile::open(data("sample_1.0_amd64.snap")).expect("open golden");
    assert_eq!(timeless(&ours), timeless(&snapds));
    assert_eq!(
        ours.image().superblock().flags,
        snapds.image().superblock().flags
    );
    assert_eq!(ours.image().superblock().block_size, 131072);
    assert_eq!(ours.size().expect("size"), 4096);
    for f in ["meta/snap.yaml", "lib/deep/er/big.txt", "lib/private"] {
        assert_eq!(
            ours.read_file(f, 1 << 20).expect(f),
            snapds.read_file(f, 1 << 20).expect(f)
        );
    }
}

#[test]
fn fixed_time_packs_are_reproducible() {
    if !have_mksquashfs() {
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    let src = dir.path().join("src");
    sample_tree(&src);
    let opts = BuildOptions {
        fixed_time: Some(1_700_000_000),
        ..BuildOptions::default()
    };
    let (a, b) = (dir.path().join("a.snap"), dir.path().join("b.snap"));
    build_squashfs(&src, &a, &opts).expect("build a");
    // touch the tree: a fixed time ignores the mtimes
    write(&src.join("lib/empty"), "", 0o644);
    build_squashfs(&src, &b, &opts).expect("build b");
    assert_eq!(std::fs::read(&a).expect("a"), std::fs::read(&b).expect("b"));
    let image = container::SnapFile::open(&a).expect("open");
    assert_eq!(image.image().superblock().mkfs_time, 1_700_000_000);
    let mut times = Vec::new();
    image
        .walk(".", &mut |st| {
            times.push(st.mtime);
            Ok(WalkControl::Continue)
        })
        .expect("walk");
    assert!(times.iter().all(|&t| t == 1_700_000_000), "{times:?}");
    assert_eq!(
        snap_file_digest(&a).expect("a"),
        snap_file_digest(&b).expect("b")
    );
}

#[test]
fn mksquashfs_failure_is_reported_as_snapd_does() {
    let dir = tempfile::tempdir().expect("tmp");
    let src = dir.path().join("src");
    sample_tree(&src);
    let opts = BuildOptions {
        mksquashfs: ucore_snap::pack::Mksquashfs("/nonexistent/mksquashfs".into()),
        ..BuildOptions::default()
    };
    let e = build_squashfs(&src, &dir.path().join("x.snap"), &opts).expect_err("no program");
    assert!(
        e.to_string()
            .starts_with("mksquashfs call failed: exec: \"/nonexistent/mksquashfs\": "),
        "{e}"
    );
}

/// The tree of the container-check case and its snap.yaml, as the check sees it.
fn bad_tree(d: &Path) -> ContainerCheck {
    write(
        &d.join("meta/snap.yaml"),
        "name: foo\nversion: 1\napps:\n  a:\n    command: bin/a\n  d:\n    command: bin/d --x\n    daemon: simple\n    stop-command: bin/stop\n    completer: share/comp\n",
        0o644,
    );
    write(&d.join("bin/a"), "x\n", 0o700);
    write(&d.join("bin/d"), "y\n", 0o644);
    write(&d.join("meta/hooks/install"), "h\n", 0o644);
    ContainerCheck {
        instance_name: "foo".into(),
        apps: vec![
            AppPaths {
                command: "bin/a".into(),
                ..AppPaths::default()
            },
            AppPaths {
                command: "bin/d --x".into(),
                stop_command: "bin/stop".into(),
                completer: "share/comp".into(),
                daemon: true,
                ..AppPaths::default()
            },
        ],
    }
}

const BAD_TREE_LOG: [&str; 6] = [
    "in snap \"foo\": \"bin/a\" should be world-readable and executable, and isn't: -rwx------",
    "in snap \"foo\": \"bin/d\" should be executable, and isn't: -rw-r--r--",
    "in snap \"foo\": \"meta/hooks/install\" should be executable, and isn't: -rw-r--r--",
    "in snap \"foo\": path \"bin/stop\" does not exist",
    "in snap \"foo\": path \"share\" does not exist",
    "in snap \"foo\": path \"share/comp\" does not exist",
];

#[test]
fn container_check_logs_and_fails_as_snapd() {
    let dir = tempfile::tempdir().expect("tmp");
    let check = bad_tree(dir.path());
    let c = SnapDir::new(dir.path());
    let e = validate_container(&c, &check).expect_err("unusable");
    assert_eq!(e.to_string(), "snap is unusable due to missing files");
    assert_eq!(e.problems(), BAD_TREE_LOG);

    // the missing files made, the bad modes remain
    write(&dir.path().join("bin/stop"), "", 0o755);
    write(&dir.path().join("share/comp"), "c", 0o644);
    let e = validate_container(&c, &check).expect_err("unusable");
    assert!(matches!(e, ContainerCheckError::BadModes { .. }));
    assert_eq!(e.to_string(), "snap is unusable due to bad permissions");
    assert_eq!(e.problems(), &BAD_TREE_LOG[..3]);

    for (p, m) in [
        ("bin/a", 0o755),
        ("bin/d", 0o755),
        ("meta/hooks/install", 0o755),
    ] {
        std::fs::set_permissions(dir.path().join(p), std::fs::Permissions::from_mode(m))
            .expect("chmod");
    }
    validate_container(&c, &check).expect("usable");

    // a directory where a command should be, and an unreadable meta file
    write(&dir.path().join("meta/extra"), "", 0o600);
    std::fs::remove_file(dir.path().join("bin/a")).expect("rm");
    std::fs::create_dir(dir.path().join("bin/a")).expect("mkdir");
    let e = validate_container(&c, &check).expect_err("unusable");
    assert_eq!(
        e.problems(),
        ["in snap \"foo\": \"meta/extra\" should be world-readable, and isn't: -rw-------",]
    );
}

#[test]
fn container_check_on_a_packed_snap_reads_the_image() {
    let snap = container::SnapFile::open(data("sample_1.0_amd64.snap")).expect("open");
    let check = ContainerCheck {
        instance_name: "sample".into(),
        apps: vec![
            AppPaths {
                command: "bin/hello".into(),
                ..AppPaths::default()
            },
            AppPaths {
                command: "bin/hello --serve".into(),
                daemon: true,
                ..AppPaths::default()
            },
        ],
    };
    validate_container(&snap, &check).expect("usable");
}

/// With the oracle: snapd's `snap pack` logs the same problems and fails with the same
/// verdict on the same tree.
#[test]
fn live_container_check_matches_snap_pack() {
    if ucore_test_support::oracle().is_none() {
        return;
    }
    let snap = std::env::var("SNAPD_SNAP").unwrap_or_else(|_| "/tmp/snapd-snap".into());
    let dir = tempfile::tempdir().expect("tmp");
    let src = dir.path().join("s");
    bad_tree(&src);
    let out = std::process::Command::new(&snap)
        .arg("pack")
        .arg(&src)
        .arg(dir.path().join("out"))
        .output()
        .expect("snap pack");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let mut logged: Vec<&str> = stderr
        .lines()
        .filter_map(|l| l.split_once(": in snap ").map(|(_, rest)| rest))
        .collect();
    logged.sort_unstable();
    let mut want: Vec<&str> = BAD_TREE_LOG
        .iter()
        .map(|l| l.trim_start_matches("in snap "))
        .collect();
    want.sort_unstable();
    assert_eq!(logged, want);
    assert!(
        stderr.contains(": snap is unusable due to missing files"),
        "{stderr}"
    );
}

/// With the oracle: snapd reads a snap ucore packed with the same info, digest and size.
#[test]
fn live_snapd_reads_our_pack() {
    let Some(oracle) = ucore_test_support::oracle() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tmp");
    let src = dir.path().join("src");
    sample_tree(&src);
    let out = dir.path().join("sample_1.0_amd64.snap");
    build_squashfs(&src, &out, &BuildOptions::default()).expect("build");
    let run = std::process::Command::new(oracle)
        .arg("snap-file")
        .arg(&out)
        .output()
        .expect("oracle");
    let mut got: serde_json::Value = serde_json::from_slice(&run.stdout).expect("json");
    let d = snap_file_digest(&out).expect("digest");
    assert_eq!(got["sha3_384"], d.sha3_384_base64url());
    assert_eq!(got["size"], d.size);
    let mut want: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(data("sample_1.0_amd64.oracle.json")).expect("golden"),
    )
    .expect("json");
    for v in [&mut got, &mut want] {
        let o = v.as_object_mut().expect("object");
        o.remove("sha3_384");
        o.remove("size");
    }
    assert_eq!(got, want);
}
