//! The whole build against what snapd's `snap prepare-image` wrote for the goldens
//! (`golden/prepare-image/<case>/`), no Go needed: each case built from a `--snaps DIR` of
//! the fixtures (the snaps and assertions the fakestore served, so the same revisions)
//! with the case's `--snap`s and label, then
//! - our seed read by our loader as snapd's `seed-check` read snapd's (`seed-check.json`);
//! - every file `snap prepare-image` wrote besides snaps (seed.yaml, assertions, model,
//!   options.yaml, boot files, the unpacked gadget and kernel) the same bytes (grubenv: the
//!   same variables; the UC20+ recovery `grub.cfg` is our own script, on purpose), every
//!   snap file the fixture snapd put there;
//! - the same paths, types, modes and symlink targets, except the modes of snap files
//!   (ours 0644, prepare-image's downloads 0600);
//! - the same warnings (but snapd 2.57's "ignoring validations" one: we enforce by default);
//! - the snaps in the order snapd fetched them, local ones last.

mod build_support;
mod common;
mod seed_support;

use std::path::Path;

use build_support::{
    build, case_options, file_diffs, golden_listing, golden_warnings, listing, listing_diff,
    metadata_files,
};
use seed_support::{CASES, case_dir, fixtures, label, placeholder, seed_rel, trusted};
use ucore_image::options::SnapSource;
use ucore_image::seed::read::SeedCheck;

/// Builds `case` from the fixtures' `--snaps DIR` into `out`; its summary.
fn build_case(case: &str, snaps: &Path, out: &Path) -> ucore_image::Summary {
    let options = case_options(case, SnapSource::Directory(snaps.to_path_buf()), out);
    build(&options).unwrap_or_else(|e| panic!("{case}: {e}"))
}

/// Every difference between our build of `case` (in `out`) and the golden.
fn differences(case: &str, out: &Path, summary: &ucore_image::Summary) -> Vec<String> {
    let golden = case_dir(case);
    let mut diffs = Vec::new();

    // The seed, as snapd's loader reads it.
    let seed = out.join(seed_rel(case));
    assert_eq!(summary.seed_dir, seed, "{case}");
    let report = SeedCheck::run(&seed, label(case).as_deref(), &trusted());
    let ours = placeholder(serde_json::to_value(&report).unwrap(), out, "OUT");
    let theirs: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(golden.join("seed-check.json")).unwrap())
            .unwrap();
    if ours != theirs {
        diffs.push(format!(
            "seed-check: ours\n{}",
            serde_json::to_string_pretty(&ours).unwrap()
        ));
    }

    // Every non-snap file, and the snap files themselves.
    diffs.extend(file_diffs(
        out,
        &golden.join("tree"),
        &metadata_files(&golden.join("tree")),
    ));
    let snap_files = std::fs::read_to_string(golden.join("snap-files.txt")).unwrap();
    for line in snap_files.lines() {
        let (path, fixture) = line.split_once('\t').unwrap();
        match std::fs::read(out.join(path)) {
            Ok(bytes) if bytes == std::fs::read(fixtures().join(fixture)).unwrap() => {}
            Ok(_) => diffs.push(format!("{path}: not {fixture}")),
            Err(e) => diffs.push(format!("{path}: {e}")),
        }
    }

    // The tree.
    diffs.extend(listing_diff(&listing(out), &golden_listing(case)));

    // The warnings.
    let warnings = golden_warnings(&std::fs::read_to_string(golden.join("stderr")).unwrap());
    if summary.warnings != warnings {
        diffs.push(format!(
            "warnings: ours {:?}, snapd {:?}",
            summary.warnings, warnings
        ));
    }

    // The snaps: those from the source in the order snapd fetched them, then the local
    // ones it copied (in the seed's order, which is the summary's: snapd copies local
    // snaps after its downloads, whatever their place among the `--snap`s).
    let stdout = std::fs::read_to_string(golden.join("stdout")).unwrap();
    let fetched: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("Fetching "))
        .collect();
    let copied: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("Copying "))
        .filter_map(|l| l.rsplit_once(" (").map(|(_, n)| n.trim_end_matches(')')))
        .collect();
    let ours = |local: bool| -> Vec<&str> {
        summary
            .snaps
            .iter()
            .filter(|s| s.revision.starts_with('x') == local)
            .map(|s| s.name.as_str())
            .collect()
    };
    if ours(false) != fetched || ours(true) != copied {
        diffs.push(format!(
            "snaps: ours {:?}, snapd fetched {fetched:?} and copied {copied:?}",
            summary.snaps.iter().map(|s| &s.name).collect::<Vec<_>>()
        ));
    }
    diffs
}

#[test]
fn every_case_builds_the_seed_prepare_image_wrote() {
    let tmp = tempfile::tempdir().unwrap();
    let snaps = tmp.path().join("snaps");
    common::gather::snaps_dir(&snaps);
    let mut failures = Vec::new();
    for case in CASES {
        let out = tmp.path().join(case);
        let summary = build_case(case, &snaps, &out);
        assert!(summary.volumes.is_empty(), "{case}: no disk images asked");
        let diffs = differences(case, &out, &summary);
        if !diffs.is_empty() {
            failures.push(format!("{case}:\n  {}", diffs.join("\n  ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_second_build_into_the_same_directory_is_refused_as_snapd_refuses_it() {
    let tmp = tempfile::tempdir().unwrap();
    let snaps = tmp.path().join("snaps");
    common::gather::snaps_dir(&snaps);
    for (case, want) in [
        ("uc16", "expected empty snap dir in rootdir, got: ["),
        ("uc20", "expected empty systems dir in system-seed, got: ["),
    ] {
        let out = tmp.path().join(case);
        build_case(case, &snaps, &out);
        let options = case_options(case, SnapSource::Directory(snaps.clone()), &out);
        let err = build(&options).expect_err(case).to_string();
        assert!(err.starts_with(want), "{case}: {err}");
    }
}
