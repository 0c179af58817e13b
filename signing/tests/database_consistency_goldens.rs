//! Consistency, authority, validity and revision rules against snapd 2.57: each stream of
//! `tests/golden/consistency/` (signed by the oracle, see `tests/golden/regenerate.sh`) is
//! added to our database and every outcome, error text included, must equal the oracle's
//! `verify` output beside it.

// The oracle's `verify` lines, as the `assertions` example prints them.
#[path = "../../examples/common/mod.rs"]
mod shapes;

use std::path::PathBuf;

use ucore_assertions::Assertion;
use ucore_signing::{CheckTime, Database};
use ucore_test_support::repo;

#[test]
fn consistency_goldens_agree_with_snapd() {
    let dir = repo().join("signing/tests/golden/consistency");
    let trusted =
        std::fs::read(repo().join("tests/data/assertions/selfmade/trusted.stream")).unwrap();
    let mut streams: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "stream"))
        .collect();
    streams.sort();
    let (mut lines, mut failures) = (0, Vec::new());
    for stream in &streams {
        let roots: Vec<Assertion> = ucore_assertions::Decoder::new(&trusted[..])
            .map(Result::unwrap)
            .collect();
        let db = Database::with_trusted(roots).unwrap();
        db.set_check_time(CheckTime::Fixed("2017-01-01T00:00:00Z".parse().unwrap()));
        let got: Vec<serde_json::Value> =
            shapes::verify_stream(&db, &std::fs::read(stream).unwrap())
                .iter()
                .map(|o| serde_json::to_value(o).unwrap())
                .collect();
        let golden = std::fs::read_to_string(stream.with_extension("jsonl")).unwrap();
        let want: Vec<serde_json::Value> = golden
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        lines += want.len();
        for (i, w) in want.iter().enumerate() {
            if got.get(i) != Some(w) {
                failures.push(format!(
                    "{} line {i}:\n  want {w}\n  got  {:?}",
                    stream.display(),
                    got.get(i)
                ));
            }
        }
        if got.len() != want.len() {
            failures.push(format!(
                "{}: {} outcomes, want {}",
                stream.display(),
                got.len(),
                want.len()
            ));
        }
    }
    assert!(streams.len() >= 19, "only {} golden streams", streams.len());
    assert!(
        failures.is_empty(),
        "{} of {lines} lines differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
