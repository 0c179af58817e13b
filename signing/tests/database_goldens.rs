//! The database against snapd 2.57: every `tests/golden/assertions/verify/*.jsonl` golden
//! (the oracle's `verify`, i.e. `Database.Add` of each assertion of a stream in order) is
//! replayed with our `Database` and must agree line by line, error texts included.

// The oracle's `verify` lines, as the `assertions` example prints them.
#[path = "../../examples/common/mod.rs"]
mod shapes;

use ucore_assertions::Assertion;
use ucore_signing::{CheckTime, Database};
use ucore_test_support::repo;

fn read(p: &str) -> Vec<u8> {
    std::fs::read(repo().join(p)).unwrap_or_else(|e| panic!("{p}: {e}"))
}

fn database(trusted: &str, now: &str) -> Database {
    let db = if trusted == "-sysdb" {
        Database::with_canonical_roots().unwrap()
    } else {
        let roots: Vec<Assertion> = ucore_assertions::Decoder::new(&read(trusted)[..])
            .map(|a| a.unwrap())
            .collect();
        Database::with_trusted(roots).unwrap()
    };
    db.set_check_time(CheckTime::Fixed(now.parse().unwrap()));
    db
}

const SELF: &str = "tests/data/assertions/selfmade";
const ST: &str = "tests/data/assertions/generated/streams";
const NOW: &str = "2017-01-01T00:00:00Z";
const CANONICAL_NOW: &str = "2024-01-01T00:00:00Z";

fn cases() -> Vec<(&'static str, String, String, &'static str)> {
    let trusted = format!("{SELF}/trusted.stream");
    let s = |n: &str| format!("{ST}/{n}");
    vec![
        (
            "selfmade-chain",
            trusted.clone(),
            s("selfmade-prereqs-model.stream"),
            NOW,
        ),
        (
            "selfmade-chain-snap-cli-model",
            trusted.clone(),
            s("selfmade-snap-cli.stream"),
            NOW,
        ),
        (
            "canonical-chain-sysdb",
            "-sysdb".into(),
            s("canonical-generic.stream"),
            CANONICAL_NOW,
        ),
        (
            "canonical-chain-trusted-roots",
            s("canonical-trusted.stream"),
            s("canonical-generic.stream"),
            CANONICAL_NOW,
        ),
        (
            "canonical-chain-model-only",
            "-sysdb".into(),
            "tests/data/assertions/trust/generic-classic-model.assert".into(),
            CANONICAL_NOW,
        ),
        (
            "fail-tampered-model",
            trusted.clone(),
            s("tampered-model.stream"),
            NOW,
        ),
        (
            "spare-key-chain",
            trusted.clone(),
            s("spare-key-chain.stream"),
            NOW,
        ),
        (
            "fail-expired-key",
            trusted.clone(),
            s("spare-key-chain.stream"),
            "2031-01-01T00:00:00Z",
        ),
        (
            "fail-key-not-yet-valid",
            trusted.clone(),
            s("selfmade-prereqs-model.stream"),
            "2015-06-01T00:00:00Z",
        ),
        (
            "fail-wrong-authority",
            trusted.clone(),
            s("wrong-authority.stream"),
            NOW,
        ),
        (
            "fail-model-added-twice",
            trusted.clone(),
            s("model-added-twice.stream"),
            NOW,
        ),
        (
            "fail-untrusted-root",
            "-sysdb".into(),
            s("selfmade-prereqs-model.stream"),
            NOW,
        ),
        (
            "prereqs-generated-valid",
            trusted,
            s("prereqs-generated-valid.stream"),
            NOW,
        ),
    ]
}

#[test]
fn verify_goldens_agree_with_snapd() {
    let mut lines = 0;
    let mut failures = Vec::new();
    for (name, trusted, stream, now) in cases() {
        let golden = String::from_utf8(read(&format!(
            "tests/golden/assertions/verify/{name}.jsonl"
        )))
        .unwrap();
        let db = database(&trusted, now);
        let ours = shapes::verify_stream(&db, &read(&stream));
        let want: Vec<serde_json::Value> = golden
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let got: Vec<serde_json::Value> = ours
            .iter()
            .map(|o| serde_json::to_value(o).unwrap())
            .collect();
        for (i, w) in want.iter().enumerate() {
            lines += 1;
            if got.get(i) != Some(w) {
                failures.push(format!(
                    "{name} line {i}:\n  want {w}\n  got  {:?}",
                    got.get(i)
                ));
            }
        }
        if got.len() != want.len() {
            failures.push(format!("{name}: {} lines, want {}", got.len(), want.len()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {lines} lines differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(lines > 100, "only {lines} golden lines");
}
