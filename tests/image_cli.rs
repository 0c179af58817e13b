//! The image example (`cargo run --example image`) as a user runs it: its help, builds from
//! a `--snaps DIR` of the image crate's fixtures (UC16 and UC20) with their summary and disk
//! images, its refusals with their exit codes, and the seed's assertions verified by the
//! assertions example against the test root.
//!
//! The examples are built with `cargo build --example` (a no-op when they are up to date;
//! `cargo test --test image_cli` alone does not build them) and run as processes.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use serde_json::Value;
use ucore_test_support::repo;

/// The image crate's fixtures.
fn fixtures() -> PathBuf {
    repo().join("image/tests/data/fixtures")
}

/// The test root's trusted stream.
fn trusted() -> PathBuf {
    fixtures().join("tk/testrootorg-trusted.stream")
}

/// The examples' executables, built once.
fn examples() -> &'static (PathBuf, PathBuf) {
    static BUILT: OnceLock<(PathBuf, PathBuf)> = OnceLock::new();
    BUILT.get_or_init(|| {
        let mut built = common::build_examples(&["image", "assertions"]);
        (
            built
                .remove("image")
                .expect("the image example's executable"),
            built
                .remove("assertions")
                .expect("the assertions example's executable"),
        )
    })
}

fn image(args: &[&str]) -> Output {
    Command::new(&examples().0)
        .args(args)
        .output()
        .expect("run the image example")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A `--snaps DIR` under `dir`: the fixture snaps, and the `*.assert` files the directory
/// source reads (the fakestore's assertions, the keys' account and account-key assertions).
fn snaps_dir(dir: &Path) -> PathBuf {
    let snaps = dir.join("snaps");
    std::fs::create_dir_all(&snaps).unwrap();
    for (from, suffix) in [("snaps", ""), ("fs-asserts", ".assert"), ("tk", "")] {
        for e in std::fs::read_dir(fixtures().join(from)).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if from == "tk" && !name.ends_with(".assert") {
                continue;
            }
            std::fs::copy(&p, snaps.join(format!("{name}{suffix}"))).unwrap();
        }
    }
    snaps
}

/// `image build MODEL --snaps DIR --out OUT --trusted ROOT [more…]`.
fn build(model: &str, snaps: &Path, out: &Path, more: &[&str]) -> Output {
    let model = fixtures().join(model);
    let mut args = vec![
        "build",
        model.to_str().unwrap(),
        "--snaps",
        snaps.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--trusted",
        trusted().to_str().unwrap(),
    ]
    .into_iter()
    .map(str::to_string)
    .collect::<Vec<_>>();
    args.extend(more.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    image(&refs)
}

fn assert_exit(out: &Output, code: i32, what: &str) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "{what}\nstdout: {}\nstderr: {}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

/// `sfdisk --json IMAGE`'s partition table, when sfdisk is there.
fn sfdisk(img: &Path) -> Option<Value> {
    let out = Command::new("sfdisk")
        .arg("--json")
        .arg(img)
        .output()
        .ok()?;
    assert!(out.status.success(), "sfdisk: {}", text(&out.stderr));
    Some(serde_json::from_slice::<Value>(&out.stdout).unwrap()["partitiontable"].clone())
}

/// The summary's `NAME REVISION CHANNEL SIZE` rows, as (name, revision, channel).
fn summary_rows(stdout: &str) -> Vec<(String, String, String)> {
    stdout
        .lines()
        .skip_while(|l| !l.starts_with("snap "))
        .skip(1)
        .take_while(|l| !l.is_empty() && !l.contains(" snaps, "))
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let channel = if f.len() == 5 { f[2] } else { "" };
            (f[0].to_string(), f[1].to_string(), channel.to_string())
        })
        .collect()
}

/// `assertions verify ROOT FILE`: one JSON line per assertion.
fn verify(file: &Path) -> Vec<Value> {
    let out = Command::new(&examples().1)
        .arg("verify")
        .arg(trusted())
        .arg(file)
        .output()
        .expect("run the assertions example");
    assert_exit(&out, 0, "assertions verify");
    text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn all_ok(lines: &[Value], what: &str) {
    assert!(!lines.is_empty(), "{what}: nothing verified");
    for l in lines {
        assert_eq!(l["ok"], Value::Bool(true), "{what}: {l}");
    }
}

/// `files` concatenated with a blank line between them, into `to`.
fn concatenate(files: &[PathBuf], to: &Path) {
    let mut all = Vec::new();
    for f in files {
        if !all.is_empty() {
            all.push(b'\n');
        }
        all.extend(std::fs::read(f).unwrap());
    }
    std::fs::write(to, all).unwrap();
}

#[test]
fn help_answers() {
    let out = image(&["--help"]);
    assert_exit(&out, 0, "--help");
    assert!(text(&out.stdout).contains("build"), "{}", text(&out.stdout));
    let out = image(&["build", "--help"]);
    assert_exit(&out, 0, "build --help");
    let help = text(&out.stdout);
    for opt in [
        "--store",
        "--snaps",
        "--out",
        "--snap",
        "--label",
        "--trusted",
    ] {
        assert!(help.contains(opt), "build --help lacks {opt}:\n{help}");
    }
}

#[test]
fn a_uc16_image_from_a_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let snaps = snaps_dir(tmp.path());
    let out_dir = tmp.path().join("out");
    let out = build("uc16.model", &snaps, &out_dir, &[]);
    assert_exit(&out, 0, "build uc16");
    let stdout = text(&out.stdout);
    let seed = out_dir.join("image/var/lib/snapd/seed");
    assert!(
        stdout.contains(&format!("seed: {}", seed.display())),
        "{stdout}"
    );
    let rows = summary_rows(&stdout);
    let names: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(
        names,
        ["core", "pc-kernel", "pc", "hello-oracle"],
        "{stdout}"
    );
    assert!(
        rows.iter().all(|r| r.1 == "1" && r.2 == "stable"),
        "{rows:?}"
    );
    assert!(stdout.contains("4 snaps, 16.0 KiB"), "{stdout}");
    assert!(stdout.contains("time: "), "{stdout}");
    assert!(seed.join("seed.yaml").is_file());

    let img = out_dir.join("pc.img");
    let size = std::fs::metadata(&img).unwrap().len();
    assert!(
        stdout.contains(&format!("pc: {} (", img.display())),
        "{stdout}"
    );
    // the 50M ESP at 1 MiB, the writable partition, the GPT backup at the end
    assert!(size > 51 * 1024 * 1024, "{size}");
    if let Some(table) = sfdisk(&img) {
        assert_eq!(table["label"], "gpt", "{table}");
        let parts = table["partitions"].as_array().unwrap();
        assert_eq!(parts.len(), 2, "{table}");
        assert_eq!(parts[0]["type"], "C12A7328-F81F-11D2-BA4B-00A0C93EC93B");
        assert_eq!(parts[0]["name"], "EFI System");
        assert_eq!(parts[0]["start"], 2048);
        assert_eq!(parts[0]["size"], 50 * 2048);
        // the gadget has no system-data: ubuntu-image's implicit ext4 `writable` after it
        assert_eq!(parts[1]["name"], "writable", "{table}");
        assert_eq!(parts[1]["type"], "0FC63DAF-8483-4772-8E79-3D69D8477DE4");
        assert_eq!(parts[1]["start"], 51 * 2048);
    }

    // The seed's assertions, prerequisites first: accounts, account-keys, then the rest.
    let dir = seed.join("assertions");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let rank = |p: &PathBuf| {
        let n = p.file_name().unwrap().to_string_lossy().into_owned();
        let r = [
            ".account",
            ".account-key",
            ".snap-declaration",
            ".snap-revision",
        ]
        .iter()
        .position(|s| n.ends_with(s))
        .unwrap_or(4);
        (r, n)
    };
    files.sort_by_key(rank);
    let all = tmp.path().join("uc16.assertions");
    concatenate(&files, &all);
    let lines = verify(&all);
    assert_eq!(lines.len(), files.len(), "{lines:?}");
    all_ok(&lines, "uc16 seed");
}

#[test]
fn a_uc20_image_from_a_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let snaps = snaps_dir(tmp.path());
    let out_dir = tmp.path().join("out");
    let out = build("uc20.model", &snaps, &out_dir, &["--label", "20261205"]);
    assert_exit(&out, 0, "build uc20");
    let stdout = text(&out.stdout);
    assert!(stdout.contains("recovery system: 20261205"), "{stdout}");
    let rows = summary_rows(&stdout);
    let names: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(
        names,
        ["snapd", "pc-kernel", "core20", "pc20", "hello20"],
        "{stdout}"
    );
    let channels: Vec<&str> = rows.iter().map(|r| r.2.as_str()).collect();
    assert_eq!(
        channels,
        [
            "latest/stable",
            "20/stable",
            "latest/stable",
            "20/stable",
            "latest/stable"
        ],
        "{stdout}"
    );
    assert!(stdout.contains("5 snaps, 20.0 KiB"), "{stdout}");
    assert!(stdout.contains("time: "), "{stdout}");

    let img = out_dir.join("pc.img");
    assert!(img.is_file(), "{stdout}");
    if let Some(table) = sfdisk(&img) {
        assert_eq!(table["label"], "gpt", "{table}");
        let names: Vec<&str> = table["partitions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            ["ubuntu-seed", "ubuntu-boot", "ubuntu-save", "ubuntu-data"],
            "{table}"
        );
        let sizes: Vec<u64> = table["partitions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["size"].as_u64().unwrap())
            .collect();
        assert_eq!(
            sizes,
            [1200 * 2048, 750 * 2048, 16 * 2048, 1024 * 2048],
            "{table}"
        );
    }

    // model-etc, snaps and the model, as a device's first boot checks them.
    let system = out_dir.join("system-seed/systems/20261205");
    let all = tmp.path().join("uc20.assertions");
    concatenate(
        &[
            system.join("assertions/model-etc"),
            system.join("assertions/snaps"),
            system.join("model"),
        ],
        &all,
    );
    let lines = verify(&all);
    let types: Vec<&str> = lines.iter().map(|l| l["type"].as_str().unwrap()).collect();
    assert_eq!(types.iter().filter(|t| **t == "snap-revision").count(), 5);
    assert_eq!(types.last(), Some(&"model"), "{types:?}");
    all_ok(&lines, "uc20 seed");
}

#[test]
fn refusals_name_what_is_wrong_with_their_exit_codes() {
    let tmp = tempfile::tempdir().unwrap();
    let snaps = snaps_dir(tmp.path());
    let out_dir = |n: &str| tmp.path().join(n);

    // A snap the directory does not hold.
    std::fs::remove_file(snaps.join("hello-oracle_1.0_all.snap")).unwrap();
    let out = build("uc16.model", &snaps, &out_dir("missing"), &[]);
    assert_exit(&out, 1, "a missing snap");
    let stderr = text(&out.stderr);
    assert!(stderr.contains("hello-oracle"), "{stderr}");

    // snapd's refusals of --snap options.
    for (model, snap, want) in [
        (
            "uc20.model",
            "hello20=edge",
            "cannot override channels, add devmode snaps, local snaps, or extra snaps with a model of grade higher than dangerous",
        ),
        (
            "uc16.model",
            "nothere.snap",
            "local option snap \"nothere.snap\" does not exist",
        ),
    ] {
        let out = build(model, &snaps, &out_dir("option"), &["--snap", snap]);
        assert_exit(&out, 1, snap);
        let stderr = text(&out.stderr);
        assert!(stderr.contains(want), "--snap {snap}: {stderr}");
    }

    // Usage: an empty --snap, no source, an unreadable model.
    let out = build("uc16.model", &snaps, &out_dir("usage"), &["--snap", ""]);
    assert_exit(&out, 2, "--snap ''");
    assert!(
        text(&out.stderr).contains("snap option cannot be empty"),
        "{}",
        text(&out.stderr)
    );
    let out = image(&["build", "model", "--out", "x"]);
    assert_exit(&out, 2, "no --store or --snaps");
    let out = build("no.model", &snaps, &out_dir("usage"), &[]);
    assert_exit(&out, 2, "no model file");
    assert!(
        text(&out.stderr).contains("no.model"),
        "{}",
        text(&out.stderr)
    );
}
