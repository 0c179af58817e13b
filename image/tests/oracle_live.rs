//! The seed reader against snapd's loader, live: every golden seed and every broken copy
//! of them (`golden/seed-check/`) re-materialized, then checked by the oracle's
//! `seed-check` (snapd 2.57's `seed` package) and by our reader; the two reports must be
//! equal. Runs only with `UCORE_ORACLE` set; a notice and a pass without it, unless
//! `UCORE_REQUIRE_ORACLE=1`.

mod seed_support;

use std::path::Path;
use std::process::Command;

use seed_support::{CASES, broken, fixtures, label, materialize, placeholder, seed_rel, trusted};
use serde_json::Value;
use ucore_image::seed::read::SeedCheck;
use ucore_test_support::oracle;

/// `seed-check` of the oracle on `seed`, its JSON output.
fn seed_check(oracle: &Path, seed: &Path, label: Option<&str>, trusted: bool) -> Value {
    let mut cmd = Command::new(oracle);
    cmd.arg("seed-check");
    if trusted {
        cmd.arg("--trusted")
            .arg(fixtures().join("tk/testrootorg-trusted.stream"));
    }
    cmd.arg(seed);
    if let Some(l) = label {
        cmd.arg(l);
    }
    let out = cmd.output().expect("run the oracle");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "seed-check printed no JSON ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[test]
fn golden_seeds_read_as_snapd_reads_them() {
    let Some(oracle) = oracle() else { return };
    let trusted = trusted();
    for case in CASES {
        let out = tempfile::tempdir().unwrap();
        materialize(case, out.path());
        let seed = out.path().join(seed_rel(case));
        let label = label(case);
        let snapd = seed_check(&oracle, &seed, label.as_deref(), true);
        let ours = serde_json::to_value(SeedCheck::run(&seed, label.as_deref(), &trusted)).unwrap();
        assert_eq!(ours, snapd, "{case}");
    }
}

#[test]
fn broken_seeds_fail_as_snapd_fails_them() {
    let Some(oracle) = oracle() else { return };
    let trusted = trusted();
    let mut failures = Vec::new();
    for b in broken() {
        let out = tempfile::tempdir().unwrap();
        let seed = b.make(out.path());
        let label = b.label();
        let snapd = seed_check(&oracle, &seed, label.as_deref(), b.trusted());
        let ours = SeedCheck::run(
            &seed,
            label.as_deref(),
            if b.trusted() { &trusted } else { &[] },
        );
        let ours = serde_json::to_value(ours).unwrap();
        let snapd = placeholder(snapd, &seed, "SEED");
        let ours = placeholder(ours, &seed, "SEED");
        if ours != snapd {
            failures.push(format!("{}:\n ours:  {ours}\n snapd: {snapd}", b.name));
        }
        // The recorded golden still says what snapd says today.
        assert_eq!(
            &snapd, &b.golden["output"],
            "{}: the golden is stale",
            b.name
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
