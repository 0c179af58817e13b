//! Golden tests: every YAML file of `tests/data/{corpus,oracle-testdata,probes}` under every
//! model kind, compared with what snapd's own code (the oracle, snapd 2.57) printed — info,
//! layout, and layout with content where a gadget directory exists. Regenerate the goldens
//! with `tests/golden/regenerate.sh`.
//!
//! This crate follows snapd today (HEAD: `gadget/gadget.go`, `gadget/validate.go`,
//! `gadget/layout.go`); where 2.57 differs the golden is not
//! compared, and the HEAD outcome is asserted instead: for the corpus, from the outcome table
//! of the corpus README (snapd HEAD); for our own files, from `HEAD_DIFFERENCES` below.

mod common;

use common::*;
use serde_json::Value;
use std::path::Path;
use ucore_gadget_yaml::ModelClass;

fn committed(set: &'static str) -> impl Fn(&Path) -> Value {
    move |path: &Path| {
        let stem = stem(path);
        serde_json::from_str(
            &std::fs::read_to_string(crate_dir().join(format!("tests/golden/{set}/{stem}.json")))
                .unwrap_or_else(|_| panic!("golden for {set}/{stem}")),
        )
        .unwrap()
    }
}

#[test]
fn corpus_matches_oracle_and_head() {
    let head = corpus_head_outcomes();
    assert_eq!(head.len(), 28, "README table rows");
    let t = check_set("corpus", Some(&head), &committed("corpus"));
    report("corpus", &t);
    // The oracle README counts 26 of 140 (file, model) results where 2.57 and HEAD differ.
    assert_eq!(t.head_only, 26);
    assert_eq!(t.compared, 2 * (140 - 26));
}

#[test]
fn oracle_testdata_matches_oracle() {
    let t = check_set("oracle-testdata", None, &committed("oracle-testdata"));
    report("oracle-testdata", &t);
    assert!(t.compared >= 5 * 5 * 2);
}

#[test]
fn probes_match_oracle() {
    let t = check_set("probes", None, &committed("probes"));
    report("probes", &t);
    assert!(t.compared >= 40 * 5 * 2);
}

/// The 2.57-versus-HEAD differences of the corpus, one by one (oracle README).
#[test]
fn corpus_differences_from_2_57_are_the_documented_ones() {
    let head = corpus_head_outcomes();
    let mut differing = Vec::new();
    for path in yaml_files("corpus") {
        let stem = stem(&path);
        let golden: Value = serde_json::from_str(
            &std::fs::read_to_string(crate_dir().join(format!("tests/golden/corpus/{stem}.json")))
                .unwrap(),
        )
        .unwrap();
        for model in ModelClass::ALL {
            let old = outcome(&golden[model.name()]["info"]);
            let new = &head[&stem][model_column(model)];
            if old != *new {
                differing.push((stem.clone(), model, old, new.clone()));
            }
        }
    }
    for (stem, model, old, new) in &differing {
        let documented = match stem.as_str() {
            // 2.57 has no system-seed-null role.
            "canonical-pc-gadget__classic-24.04" => {
                old.ends_with("invalid role \"system-seed-null\": unsupported role")
            }
            // 2.57 has no min-size: structures with only min-size miss their size.
            "snapd-tests__muinstaller-real-gadget-partial" => old.ends_with("missing size"),
            // 2.57 has no system-boot-state role.
            "snapd-tests__prepare-image-ubootpart-extracted" => {
                old.ends_with("invalid role \"system-boot-state\": unsupported role")
            }
            // 2.57 has no classic-with-modes rules.
            _ => {
                *model == ModelClass::Uc20Classic
                    && old.starts_with("model requires system-seed partition")
                    && new == "system-boot and system-data roles are needed on classic"
            }
        };
        assert!(
            documented,
            "undocumented difference {stem} {model:?}: {old} -> {new}"
        );
    }
    assert_eq!(differing.len(), 26);
}
