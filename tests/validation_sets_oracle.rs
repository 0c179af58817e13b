//! The validation-set differential against snapd 2.57's `asserts/snapasserts` (the
//! oracle's `validation-sets` command): generated cases live (`UCORE_ORACLE`), and the
//! committed golden corpus (`tests/data/validation-sets/golden/`) without Go.
//!
//! Regenerate the corpus with `bash tests/data/validation-sets/oracle-golden.sh`.

#[path = "common/golden.rs"]
mod golden;
mod validation_sets;

use std::path::PathBuf;

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, RngSeed, TestRng, TestRunner};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use validation_sets::cases::{Case, Installed, case_strategy, installed_json, stream};
use validation_sets::{compare, oracle, ours};

/// Generated cases per live run (each runs the oracle once: ~70 ms).
const LIVE_CASES: u32 = 256;
/// Generated cases in the golden corpus, beside the named ones.
const GOLDEN_GENERATED: usize = 200;

fn golden_dir() -> PathBuf {
    ucore_test_support::repo().join("tests/data/validation-sets/golden")
}

/// One golden file: the case's inputs and the oracle's JSON for them.
#[derive(Debug, Serialize, Deserialize)]
struct Golden {
    /// How the file was made.
    regenerate: String,
    /// The oracle's command line, in a directory holding `stream.assert` (= `stream`) and
    /// `installed.json` (= `installed`).
    command: Vec<String>,
    /// The `--installed` list, if any.
    installed: Option<Vec<Installed>>,
    /// The `--ignore-validation` names.
    ignore: Vec<String>,
    /// The signed validation sets.
    stream: String,
    /// What the oracle printed.
    oracle: Value,
}

impl Golden {
    fn to_text(&self) -> String {
        golden::golden_text(&serde_json::to_value(self).expect("golden JSON"))
    }
}

fn run_ours(case: &Case, stream: &[u8]) -> Value {
    let installed = case.installed.as_deref().map(installed_json);
    ours::run(stream, installed.as_deref(), &case.ignore)
}

fn run_oracle(oracle: &std::path::Path, case: &Case, stream: &[u8]) -> Value {
    let installed = case.installed.as_deref().map(installed_json);
    oracle::run(oracle, stream, installed.as_deref(), &case.ignore)
}

fn report(case: &Case, stream: &[u8], diffs: &[String]) -> String {
    format!(
        "ucore and snapd differ on\ncase: {}\nstream:\n{}\n{}",
        serde_json::to_string(case).unwrap_or_default(),
        String::from_utf8_lossy(stream),
        diffs.join("\n")
    )
}

#[test]
fn generated_cases_against_the_oracle() {
    let Some(oracle) = ucore_test_support::oracle() else {
        return;
    };
    let config = Config {
        cases: LIVE_CASES,
        rng_seed: RngSeed::Fixed(18),
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let result = runner.run(&case_strategy(), |case| {
        let stream = stream(&case.sets);
        let diffs = compare::differences(
            &run_ours(&case, &stream),
            &run_oracle(&oracle, &case, &stream),
        );
        proptest::prop_assert!(diffs.is_empty(), "{}", report(&case, &stream, &diffs));
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// The corpus: the named cases, then [`GOLDEN_GENERATED`] generated from a fixed seed.
fn golden_cases() -> Vec<(String, Case)> {
    let mut all = validation_sets::vectors::named();
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[18; 32]),
    );
    let strategy = case_strategy();
    for i in 0..GOLDEN_GENERATED {
        let case = strategy
            .new_tree(&mut runner)
            .expect("a generated case")
            .current();
        all.push((format!("generated-{i:03}"), case));
    }
    all
}

#[test]
#[ignore = "regenerates the golden corpus with the oracle: tests/data/validation-sets/oracle-golden.sh"]
fn regenerate_goldens() {
    let oracle = ucore_test_support::oracle().expect("UCORE_ORACLE names the oracle");
    let dir = golden_dir();
    golden::clear_golden_dir(&dir);
    for (name, case) in golden_cases() {
        let stream = stream(&case.sets);
        let golden = Golden {
            regenerate: "bash tests/data/validation-sets/oracle-golden.sh".into(),
            command: oracle::args(case.installed.is_some(), &case.ignore),
            oracle: run_oracle(&oracle, &case, &stream),
            stream: String::from_utf8(stream).expect("a text stream"),
            installed: case.installed,
            ignore: case.ignore,
        };
        let text = golden.to_text();
        std::fs::write(dir.join(format!("{name}.json")), text).expect("writing a golden file");
    }
}

#[test]
fn goldens_match() {
    let files = golden::golden_files(&golden_dir());
    assert!(
        files.len() >= GOLDEN_GENERATED,
        "only {} golden files",
        files.len()
    );
    let mut failures = Vec::new();
    for path in &files {
        let golden: Golden = serde_json::from_slice(&std::fs::read(path).expect("a golden file"))
            .expect("golden JSON");
        let case = Case {
            sets: Vec::new(),
            installed: golden.installed,
            ignore: golden.ignore,
        };
        let diffs =
            compare::differences(&run_ours(&case, golden.stream.as_bytes()), &golden.oracle);
        if !diffs.is_empty() {
            failures.push(format!("{}:\n{}", path.display(), diffs.join("\n")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} golden files differ:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n\n")
    );
}
