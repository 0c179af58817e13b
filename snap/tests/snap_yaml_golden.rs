//! snap.yaml read by ucore-snap against snapd 2.57's own reading, case by case: 1012
//! single-fault cases made by `snap/tests/snap-yaml-mutations.py` and 37 real snap.yaml files
//! of public snaps, with the oracle's answers committed as goldens
//! (`UCORE_ORACLE=/tmp/snapd-oracle bash snap/tests/snap-yaml-golden.sh` regenerates them).
//!
//! Each case must be accepted or refused as snapd does, at the same stage and with the same
//! text; an accepted one must give every field the oracle prints, with the same value.

use serde_json::Value;
use std::path::PathBuf;

mod common;

use common::{differences, report};

fn data() -> PathBuf {
    ucore_test_support::repo().join("snap/tests/data")
}

/// Cases where snapd picks its message by Go's map order (random from run to run; the
/// regenerate script keeps a case only if three runs agree, which these did by chance), with
/// the message ucore gives, which must be one of snapd's possible ones.
const MAP_ORDER_CASES: &[(&str, &str)] = &[(
    "0661",
    "invalid definition of application \"svc\": invalid activates-on value \"dbus-slot\": \
     slot is also activatable on app \"svc2\"",
)];

/// Runs every case of `golden` (a JSON-lines file), reading the input with `input(case)`;
/// panics with the list of cases that differ.
fn check(golden: &str, input: impl Fn(&str) -> PathBuf) -> usize {
    let text = std::fs::read_to_string(data().join(golden)).expect("golden file");
    let mut failures = Vec::new();
    let mut count = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let g: Value = serde_json::from_str(line).expect("golden line is JSON");
        let case = g["case"].as_str().expect("case name");
        let what = g["what"].as_str().unwrap_or("");
        let theirs = &g["out"];
        let yaml = std::fs::read(input(case)).expect("case file");
        let (mut ours, _) = report::snap_yaml_json(&yaml);
        let mut theirs = theirs.clone();
        if let Some((_, ours_possible)) = MAP_ORDER_CASES.iter().find(|(c, _)| *c == case) {
            assert_eq!(ours["error"], *ours_possible, "{case}");
            ours["error"] = Value::Null;
            theirs["error"] = Value::Null;
        }
        let mut diffs = Vec::new();
        differences("", &theirs, &ours, &mut diffs);
        if !diffs.is_empty() {
            failures.push(format!("{case} ({what}):\n    {}", diffs.join("\n    ")));
        }
        count += 1;
    }
    assert!(
        failures.is_empty(),
        "{} of {count} cases differ from snapd:\n{}",
        failures.len(),
        failures.join("\n")
    );
    count
}

#[test]
fn single_fault_cases_read_as_snapd_reads_them() {
    let n = check("snap-yaml/golden.jsonl", |case| {
        data().join(format!("snap-yaml/cases/{case}.yaml"))
    });
    assert!(n > 1000, "{n} cases");
}

#[test]
fn corpus_of_public_snaps_reads_as_snapd_reads_it() {
    let n = check("corpus/golden.jsonl", |case| {
        data().join("corpus").join(case)
    });
    assert!(n >= 30, "{n} files");
}

/// Live: the goldens are still snapd's answers. Every 10th case (and every corpus file) is
/// run through the oracle again and must print what the golden holds.
#[test]
fn live_goldens_are_current() {
    let Some(oracle) = ucore_test_support::oracle() else {
        return;
    };
    let mut stale = Vec::new();
    for (golden, dir, every) in [
        ("snap-yaml/golden.jsonl", "snap-yaml/cases", 10),
        ("corpus/golden.jsonl", "corpus", 1),
    ] {
        let text = std::fs::read_to_string(data().join(golden)).expect("golden file");
        for line in text.lines().step_by(every) {
            let g: Value = serde_json::from_str(line).expect("golden line is JSON");
            let case = g["case"].as_str().expect("case name");
            let file = if dir == "corpus" {
                data().join(dir).join(case)
            } else {
                data().join(dir).join(format!("{case}.yaml"))
            };
            let out = std::process::Command::new(&oracle)
                .arg("snap-yaml")
                .arg(&file)
                .output()
                .expect("the oracle runs");
            let now: Value = serde_json::from_slice(&out.stdout).expect("oracle JSON");
            if now != g["out"] && !MAP_ORDER_CASES.iter().any(|(c, _)| *c == case) {
                stale.push(case.to_string());
            }
        }
    }
    assert!(
        stale.is_empty(),
        "goldens differ from the oracle now: {stale:?}"
    );
}
