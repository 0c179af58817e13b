//! The policy decision differential against snapd 2.57's `interfaces/policy` (the oracle's
//! `policy install|connect|auto-connect`): generated snap.yamls, snap-declarations and
//! candidates (plug, slot, dynamic attributes, classic or not, model and store) over a set
//! of interfaces and every constraint kind.
//!
//! * `goldens_match`: the committed corpus (`tests/data/policy-decisions/golden/`), decided
//!   with our own small base-declaration (`assertions/tests/data/policy/`), without Go.
//!   Regenerate it with `bash tests/data/policy-decisions/regenerate.sh`.
//! * `generated_cases_against_the_oracle` (`UCORE_ORACLE`): fresh cases, with the small
//!   base-declaration and with snapd's real one (`$UCORE_ORACLE policy base-declaration`
//!   at test time: snapd's GPL-3 data, never committed).
//!
//! snapd's installation error depends on Go's map order when several plugs or slots are
//! refused; ucore lists every refusal snapd could report and the oracle's must be one of
//! them (the decision and every other member must be equal). Connection errors name the
//! single deciding rule and are always compared.

#[path = "common/golden.rs"]
mod golden;
mod policy_decisions;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, RngSeed, TestRng, TestRunner};
use serde::{Deserialize, Serialize};

use policy_decisions::cases::{Case, args, case_strategy, files};
use policy_decisions::run::{self, Answer};

/// Cases in the golden corpus (generated from a fixed seed).
const GOLDEN_CASES: usize = 400;
/// Generated cases per live run and base-declaration (each runs the oracle once).
const LIVE_CASES: u32 = 200;

fn golden_dir() -> PathBuf {
    ucore_test_support::repo().join("tests/data/policy-decisions/golden")
}

fn small_base_declaration() -> String {
    let path =
        ucore_test_support::repo().join("tests/data/policy-decisions/small-base-declaration.txt");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// One golden file: the case, its files and command line, and the oracle's answer.
#[derive(Debug, Serialize, Deserialize)]
struct Golden {
    /// How the file was made.
    regenerate: String,
    /// The oracle's command line, in a directory holding `files` and
    /// `base-declaration.txt` (= `tests/data/policy-decisions/small-base-declaration.txt`).
    command: Vec<String>,
    /// The case as generated.
    case: Case,
    /// The files.
    files: BTreeMap<String, String>,
    /// What the oracle answered.
    oracle: Answer,
}

impl Golden {
    fn to_text(&self) -> String {
        golden::golden_text(&serde_json::to_value(self).expect("golden JSON"))
    }
}

fn golden_cases() -> Vec<Case> {
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[13; 32]),
    );
    let strategy = case_strategy();
    (0..GOLDEN_CASES)
        .map(|_| {
            strategy
                .new_tree(&mut runner)
                .expect("a generated case")
                .current()
        })
        .collect()
}

fn compare(
    oracle: Option<&Path>,
    expected: Option<&Answer>,
    base_declaration: &str,
    case: &Case,
) -> Result<(), String> {
    let files = files(case);
    let args = args(case, &files);
    let dir = run::write_files(&files, base_declaration);
    let oracle_answer = match (expected, oracle) {
        (Some(a), _) => a.clone(),
        (None, Some(o)) => run::oracle(o, dir.path(), &args),
        (None, None) => unreachable!("an expected answer or an oracle"),
    };
    let (ours, possible) = run::ours(dir.path(), &args, &files);
    let diffs = run::differences(&ours, &possible, &oracle_answer);
    if diffs.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "ucore and snapd differ on\n{}\n{}\nfiles: {}",
            args.join(" "),
            diffs.join("\n"),
            serde_json::to_string_pretty(&files).unwrap_or_default()
        ))
    }
}

#[test]
#[ignore = "regenerates the golden corpus with the oracle: tests/data/policy-decisions/regenerate.sh"]
fn regenerate_goldens() {
    let oracle = ucore_test_support::oracle().expect("UCORE_ORACLE names the oracle");
    let dir = golden_dir();
    golden::clear_golden_dir(&dir);
    let base = small_base_declaration();
    for (i, case) in golden_cases().into_iter().enumerate() {
        let files = files(&case);
        let command = args(&case, &files);
        let tmp = run::write_files(&files, &base);
        let golden = Golden {
            regenerate: "bash tests/data/policy-decisions/regenerate.sh".into(),
            oracle: run::oracle(&oracle, tmp.path(), &command),
            command,
            case,
            files,
        };
        std::fs::write(dir.join(format!("case-{i:03}.json")), golden.to_text())
            .expect("writing a golden file");
    }
}

#[test]
fn goldens_match() {
    let paths = golden::golden_files(&golden_dir());
    assert!(
        paths.len() >= GOLDEN_CASES,
        "only {} golden files",
        paths.len()
    );
    let base = small_base_declaration();
    let mut failures = Vec::new();
    for path in &paths {
        let golden: Golden = serde_json::from_slice(&std::fs::read(path).expect("a golden file"))
            .expect("golden JSON");
        if let Err(e) = compare(None, Some(&golden.oracle), &base, &golden.case) {
            failures.push(format!("{}: {e}", path.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} golden files differ:\n{}",
        failures.len(),
        paths.len(),
        failures.join("\n\n")
    );
}

fn live(base_declaration: &str, seed: u64) {
    let Some(oracle) = ucore_test_support::oracle() else {
        return;
    };
    let config = Config {
        cases: LIVE_CASES,
        rng_seed: RngSeed::Fixed(seed),
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let result = runner.run(&case_strategy(), |case| {
        let r = compare(Some(&oracle), None, base_declaration, &case);
        proptest::prop_assert!(r.is_ok(), "{}", r.err().unwrap_or_default());
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[test]
fn generated_cases_against_the_oracle() {
    live(&small_base_declaration(), 1313);
}

#[test]
fn generated_cases_against_the_oracle_with_snapds_base_declaration() {
    let Some(oracle) = ucore_test_support::oracle() else {
        return;
    };
    live(&ucore_test_support::snapd_base_declaration(&oracle), 1314);
}

/// Without `--base-decl` ucore has no base-declaration to use: a usage error (exit 2),
/// where the oracle would use snapd's built-in one.
#[test]
fn no_base_declaration_is_a_usage_error() {
    let case = golden_cases().swap_remove(0);
    let files = files(&case);
    let mut args = args(&case, &files);
    let at = args
        .iter()
        .position(|a| a == "--base-decl")
        .expect("a --base-decl flag");
    args.drain(at..at + 2);
    let dir = run::write_files(&files, &small_base_declaration());
    let (ours, _) = run::ours(dir.path(), &args, &files);
    assert_eq!(ours.exit, 2);
}

/// `--current` decodes the declarations in newer snapd's rule language: a plug rule keyed
/// on `on-core-desktop` (a key snapd 2.57 does not know, so its decoder refuses the
/// declaration: a usage error) decides auto-connection on an Ubuntu Core device, which
/// is not a core desktop.
#[test]
fn current_decodes_declarations_in_newer_rules() {
    let decl = |on_core_desktop: bool| {
        format!(
            "type: snap-declaration\n\
             authority-id: canonical\n\
             series: 16\n\
             snap-id: plugsnapidididididididididididid\n\
             snap-name: plugger\n\
             publisher-id: canonical\n\
             plugs:\n  screen-inhibit-control:\n    allow-auto-connection:\n      \
             on-core-desktop: {on_core_desktop}\n\
             timestamp: 2020-01-01T00:00:00Z\n\
             sign-key-sha3-384: dKgGLvNmYhvRaJM33UC9mpIVjQvGqdmwzpKv85BOrpO7QhXgYetYUCKYYf8-V6E6\n\
             \n\
             AXNpZw==\n"
        )
    };
    let answer = |on_core_desktop: bool, current: bool| {
        let files: BTreeMap<String, String> = [
            (
                "snap.yaml",
                "name: plugger\nversion: 1\nplugs:\n  p1:\n    interface: screen-inhibit-control\n"
                    .to_owned(),
            ),
            (
                "slot-snap.yaml",
                "name: slotter\nversion: 1\ntype: gadget\nslots:\n  s1:\n    interface: \
                 screen-inhibit-control\n"
                    .to_owned(),
            ),
            ("snap-decl.assert", decl(on_core_desktop)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        let mut args: Vec<String> = [
            "policy",
            "auto-connect",
            "--snap-yaml",
            "snap.yaml",
            "--snap-decl",
            "snap-decl.assert",
            "--slot-snap-yaml",
            "slot-snap.yaml",
            "--base-decl",
            run::BASE_DECLARATION,
            "plugger:p1",
            "slotter:s1",
        ]
        .map(String::from)
        .to_vec();
        if current {
            args.insert(2, "--current".into());
        }
        let dir = run::write_files(&files, &small_base_declaration());
        run::ours(dir.path(), &args, &files).0
    };
    // 2.57: the declaration does not decode
    assert_eq!(answer(true, false).exit, 2);
    assert_eq!(answer(false, false).exit, 2);
    // newer snapd: the rule decides, one way or the other
    let refused = answer(true, true);
    assert_eq!(refused.exit, 1, "{:?}", refused.json);
    assert_eq!(refused.json["allowed"], false);
    assert_eq!(
        refused.json["error"],
        "auto-connection not allowed by plug rule of interface \"screen-inhibit-control\" \
         for \"plugger\" snap"
    );
    let allowed = answer(false, true);
    assert_eq!(allowed.exit, 0, "{:?}", allowed.json);
    assert_eq!(allowed.json["allowed"], true);
}
