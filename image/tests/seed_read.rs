//! The seed reader against snapd's loader: every seed `snap prepare-image` wrote for the
//! goldens, re-materialized from its recorded metadata and the fixture snaps, reads to the
//! JSON seed-check printed for it; every broken copy of them (`golden/seed-check/`) fails
//! at the same stage with snapd's text, or loads as snapd loads it.

mod seed_support;

use seed_support::{CASES, broken, case_dir, label, materialize, placeholder, seed_rel, trusted};
use ucore_image::seed::read::SeedCheck;

#[test]
fn every_prepared_seed_reads_as_seed_check_read_it() {
    let trusted = trusted();
    for case in CASES {
        let out = tempfile::tempdir().unwrap();
        materialize(case, out.path());
        let label = label(case);
        let report = SeedCheck::run(out.path().join(seed_rel(case)), label.as_deref(), &trusted);
        let ours = placeholder(serde_json::to_value(&report).unwrap(), out.path(), "OUT");
        let golden: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(case_dir(case).join("seed-check.json")).unwrap(),
        )
        .unwrap();
        assert_eq!(
            ours,
            golden,
            "{case}: ours\n{}",
            serde_json::to_string_pretty(&ours).unwrap()
        );
    }
}

#[test]
fn every_broken_seed_fails_as_seed_check_failed() {
    let trusted = trusted();
    let mut failures = Vec::new();
    for b in broken() {
        let out = tempfile::tempdir().unwrap();
        let seed = b.make(out.path());
        let label = b.label();
        let report = SeedCheck::run(
            &seed,
            label.as_deref(),
            if b.trusted() { &trusted } else { &[] },
        );
        let ours = placeholder(serde_json::to_value(&report).unwrap(), &seed, "SEED");
        let golden = &b.golden["output"];
        if &ours != golden {
            failures.push(format!(
                "{}:\n ours:   {}\n snapd:  {}",
                b.name,
                ours.get("error").unwrap_or(&serde_json::Value::Null),
                golden.get("error").unwrap_or(&serde_json::Value::Null)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_loaded_seed_lists_essential_and_mode_snaps() {
    let trusted = trusted();
    let out = tempfile::tempdir().unwrap();
    materialize("uc20-dangerous", out.path());
    let label = label("uc20-dangerous");
    let (assertions, loaded) =
        ucore_image::seed::read::load(out.path().join("system-seed"), label.as_deref(), &trusted)
            .unwrap();
    assert_eq!(assertions.model().headers.grade, "dangerous");
    let essential: Vec<_> = loaded
        .essential_snaps()
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(essential, ["snapd", "pc-kernel", "core20", "pc20"]);
    let recover: Vec<_> = loaded
        .mode_snaps("recover")
        .unwrap()
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(recover, ["hello20"]);
    let run: Vec<_> = loaded
        .mode_snaps("run")
        .unwrap()
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(run, ["hello20", "local-tool", "hello-extra"]);
}

/// A seed's declarations are decoded in the rule language asked for: one using what newer
/// snapd added (`on-core-desktop`) fails to decode in snapd 2.57's, and in newer snapd's
/// it decodes and goes on to the trust database, which has no key that signed it.
#[test]
fn declarations_are_decoded_in_the_rule_language_asked_for() {
    use ucore_assertions::rules::RuleLanguage;
    use ucore_image::seed::read::{AssertionsError, Seed};
    let trusted = trusted();
    let out = tempfile::tempdir().unwrap();
    materialize("uc16", out.path());
    let seed_dir = out.path().join(seed_rel("uc16"));
    std::fs::write(
        seed_dir.join("assertions/newer.assert"),
        ucore_test_support::newer_rules_declaration(),
    )
    .unwrap();
    let load = |language| {
        Seed::open(&seed_dir, None)
            .unwrap()
            .with_rule_language(language)
            .load_assertions(&trusted)
            .unwrap_err()
    };
    let old = load(RuleLanguage::default());
    assert!(matches!(old, AssertionsError::Read(_)), "{old:?}");
    assert!(
        old.to_string().contains("must specify at least one of"),
        "{old}"
    );
    let new = load(RuleLanguage::Current);
    assert_eq!(
        new.to_string(),
        "cannot resolve prerequisite assertion: account-key \
         (AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA)"
    );
}
