//! `snap pack`'s refusals, in snapd's words: each case is a snap directory that snapd 2.57's
//! own `snap pack` refuses, with its message (from `/tmp/snapd-snap pack DIR OUT`, which
//! prints `error: cannot pack "DIR": <text>`), and ucore's `pack_snap` must refuse it with the
//! same text. Live, with `UCORE_ORACLE` set, snapd's `snap pack` runs on each case too.

use std::path::{Path, PathBuf};
use ucore_snap::pack::{GadgetCheck, PackOptions, pack_snap};

/// (case, files to write (path, content), snapd's text after `cannot pack "DIR": `, where
/// `{DIR}` stands for the directory as given).
type Case = (
    &'static str,
    &'static [(&'static str, &'static str)],
    &'static str,
);

const CASES: &[Case] = &[
    (
        "no-snap-yaml",
        &[("x", "")],
        "open {DIR}/meta/snap.yaml: no such file or directory",
    ),
    (
        "bad-name",
        &[("meta/snap.yaml", "name: x\nversion: 1\n")],
        "cannot validate snap \"x\": invalid snap name: \"x\"",
    ),
    (
        "bad-type",
        &[("meta/snap.yaml", "name: pp\nversion: 1\ntype: bogus\n")],
        "cannot parse snap.yaml: invalid snap type: \"bogus\"",
    ),
    (
        "missing-command",
        &[(
            "meta/snap.yaml",
            "name: mc\nversion: 1\napps:\n  a:\n    command: bin/a\n",
        )],
        "snap is unusable due to missing files",
    ),
    (
        "bad-snapshots",
        &[
            ("meta/snap.yaml", "name: ss\nversion: 1\n"),
            ("meta/snapshots.yaml", "exclude: [/etc/x]\n"),
        ],
        "snapshot exclude path must start with one of [\"$SNAP_DATA\" \"$SNAP_COMMON\" \
         \"$SNAP_USER_DATA\" \"$SNAP_USER_COMMON\"] (got: \"/etc/x\")",
    ),
    (
        "kernel-asset-missing",
        &[
            ("meta/snap.yaml", "name: kk\nversion: 1\ntype: kernel\n"),
            (
                "meta/kernel.yaml",
                "assets:\n  dtbs:\n    update: true\n    content: [dtbs/]\n",
            ),
        ],
        "asset \"dtbs\": content \"dtbs/\" source path does not exist",
    ),
    (
        "gadget-bad-bootloader",
        &[
            ("meta/snap.yaml", "name: gg\nversion: 1\ntype: gadget\n"),
            (
                "meta/gadget.yaml",
                "volumes:\n  pc:\n    bootloader: bogus\n",
            ),
        ],
        "bootloader must be one of grub, u-boot, android-boot, piboot or lk",
    ),
];

fn make(root: &Path, files: &[(&str, &str)]) {
    for (path, content) in files {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, content).expect("write");
    }
}

fn gadget_check(dir: &Path) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    ucore_gadget_yaml::check_gadget_dir(dir)?;
    Ok(())
}

#[test]
fn refusals_are_snap_packs() {
    let tmp = tempfile::tempdir().expect("tmp");
    let check: &GadgetCheck<'_> = &gadget_check;
    for (name, files, want) in CASES {
        let dir = tmp.path().join(name);
        std::fs::create_dir_all(&dir).expect("mkdir");
        make(&dir, files);
        let opts = PackOptions {
            target_dir: tmp.path().join("out"),
            gadget_check: Some(check),
            ..Default::default()
        };
        let err = pack_snap(&dir, &opts).expect_err(name);
        let want = want.replace("{DIR}", &dir.display().to_string());
        assert_eq!(err.to_string(), want, "{name}");
    }
    // A gadget snap without gadget.yaml packs (snapd 2.57: gadget.yaml is optional without
    // a model), and so does a good app snap; the compression is checked first.
    let dir = tmp.path().join("gadget-without-yaml");
    make(
        &dir,
        &[("meta/snap.yaml", "name: gm\nversion: 1\ntype: gadget\n")],
    );
    if mksquashfs_present() {
        let opts = PackOptions {
            target_dir: tmp.path().join("out"),
            gadget_check: Some(check),
            ..Default::default()
        };
        let out = pack_snap(&dir, &opts).expect("packs");
        assert_eq!(out, tmp.path().join("out/gm_1_all.snap"));
    }
    let opts = PackOptions {
        compression: "gzip".into(),
        ..Default::default()
    };
    assert_eq!(
        pack_snap(&dir, &opts).unwrap_err().to_string(),
        "cannot use compression \"gzip\""
    );
}

fn mksquashfs_present() -> bool {
    let found = std::process::Command::new("mksquashfs")
        .arg("-version")
        .output()
        .is_ok();
    assert!(
        found || std::env::var("UCORE_REQUIRE_TOOLS").as_deref() != Ok("1"),
        "UCORE_REQUIRE_TOOLS=1 but mksquashfs is missing"
    );
    found
}

/// Live: snapd's own `snap pack` on every case gives `cannot pack "DIR": <the same text>`.
#[test]
fn live_snap_pack_refuses_the_same() {
    let Some(oracle) = ucore_test_support::oracle() else {
        return;
    };
    let snap_cli: PathBuf = oracle.with_file_name("snapd-snap");
    let tmp = tempfile::tempdir().expect("tmp");
    for (name, files, want) in CASES {
        let dir = tmp.path().join(name);
        std::fs::create_dir_all(&dir).expect("mkdir");
        make(&dir, files);
        let out = std::process::Command::new(&snap_cli)
            .arg("pack")
            .arg(&dir)
            .arg(tmp.path().join("out"))
            .output()
            .expect("snap pack runs");
        assert!(!out.status.success(), "{name}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let last = stderr.lines().last().unwrap_or_default();
        let dir_text = dir.display().to_string();
        let want = format!(
            "error: cannot pack \"{dir_text}\": {}",
            want.replace("{DIR}", &dir_text)
        );
        assert_eq!(last, want, "{name}");
    }
}

/// A member whose name is not UTF-8 (Go keeps names as bytes): snapd's `snap pack` packs
/// the directory (`/tmp/snapd-snap pack d o` → `built: o/foo_1_all.snap`), and so does ucore.
#[test]
fn a_name_that_is_not_utf8_packs() {
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::PermissionsExt;
    if !mksquashfs_present() {
        return;
    }
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("d");
    make(
        &dir,
        &[
            (
                "meta/snap.yaml",
                "name: foo\nversion: 1\napps:\n  a:\n    command: bin/a\n",
            ),
            ("bin/a", "#!/bin/sh\n"),
        ],
    );
    std::fs::set_permissions(dir.join("bin/a"), std::fs::Permissions::from_mode(0o755))
        .expect("chmod");
    std::fs::write(dir.join(std::ffi::OsStr::from_bytes(b"x\xff")), "").expect("odd name");
    let opts = PackOptions {
        target_dir: tmp.path().join("out"),
        ..Default::default()
    };
    let out = pack_snap(&dir, &opts).expect("packs");
    assert_eq!(out, tmp.path().join("out/foo_1_all.snap"));
}
