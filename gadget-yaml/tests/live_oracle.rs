//! Live differential test against snapd's own code: the oracle named by `UCORE_ORACLE`
//! runs `gadget-info` and `gadget-layout` on the corpus, the oracle's own
//! `testdata/gadget/*.yaml` (from `$UCORE_SHARED/oracle`, default /work/shared, else the
//! copies in tests/data) and our probes, under every model; this crate must agree, except
//! for the documented 2.57-versus-HEAD differences (see tests/golden.rs). It also checks that
//! the committed goldens are what the oracle prints today.
//!
//! Without `UCORE_ORACLE` it prints a notice and passes, unless `UCORE_REQUIRE_ORACLE=1`.

mod common;

use common::*;
use serde_json::Value;
use std::path::Path;
use std::process::Command;
use ucore_test_support::oracle;

fn run(oracle: &Path, args: &[&str], file: &Path) -> Value {
    let out = Command::new(oracle)
        .args(args)
        .arg(file)
        .output()
        .expect("run oracle");
    assert!(
        matches!(out.status.code(), Some(0) | Some(1)),
        "oracle {args:?} {}: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("oracle JSON")
}

/// The oracle's answers for one file, in the goldens' shape.
fn live(oracle: &Path) -> impl Fn(&Path) -> Value + '_ {
    move |path: &Path| {
        let gadget_dir = crate_dir().join("tests/data/gadget-dirs").join(stem(path));
        let mut out = serde_json::Map::new();
        for m in ["none", "uc16", "uc20", "classic", "uc20-classic"] {
            let model = format!("--model={m}");
            let mut r = serde_json::Map::new();
            r.insert("info".into(), run(oracle, &[&model, "gadget-info"], path));
            r.insert(
                "layout".into(),
                run(oracle, &[&model, "gadget-layout"], path),
            );
            if gadget_dir.is_dir() {
                let dir = format!("--gadget-dir={}", gadget_dir.display());
                r.insert(
                    "layout-with-content".into(),
                    run(oracle, &[&model, &dir, "gadget-layout"], path),
                );
            }
            out.insert(m.into(), Value::Object(r));
        }
        Value::Object(out)
    }
}

#[test]
fn live_oracle_agrees_on_corpus_testdata_and_probes() {
    let Some(oracle) = oracle() else { return };
    let head = corpus_head_outcomes();
    let live = live(&oracle);
    for set in ["corpus", "oracle-testdata", "probes"] {
        let t = check_set(set, (set == "corpus").then_some(&head), &live);
        report(set, &t);
        assert!(t.compared > 0);
    }
}

#[test]
fn live_oracle_on_its_own_testdata_directory() {
    let Some(oracle) = oracle() else { return };
    let shared = std::env::var("UCORE_SHARED").unwrap_or_else(|_| "/work/shared".into());
    let dir = Path::new(&shared).join("oracle/testdata/gadget");
    if !dir.is_dir() {
        println!(
            "notice: {} not found; the copies in tests/data were checked",
            dir.display()
        );
        return;
    }
    let live = live(&oracle);
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let golden = live(&path);
        for model in ucore_gadget_yaml::ModelClass::ALL {
            let g = &golden[model.name()];
            if let Some(d) = difference(&ours_info(&text, model), &g["info"]) {
                // Only the documented classic-with-modes difference is allowed here.
                assert!(
                    classic_with_modes_difference(&text, model, &g["info"]).is_some(),
                    "{} {}:\n{d}",
                    path.display(),
                    model.name()
                );
                continue;
            }
            assert!(
                difference(&ours_layout(&text, model, None), &g["layout"]).is_none(),
                "{} {} layout",
                path.display(),
                model.name()
            );
            checked += 1;
        }
    }
    assert!(checked > 0);
}

#[test]
fn committed_goldens_are_what_the_oracle_prints() {
    let Some(oracle) = oracle() else { return };
    let live = live(&oracle);
    for set in ["corpus", "oracle-testdata", "probes"] {
        for path in yaml_files(set) {
            let stem = stem(&path);
            let committed: Value = serde_json::from_str(
                &std::fs::read_to_string(
                    crate_dir().join(format!("tests/golden/{set}/{stem}.json")),
                )
                .unwrap(),
            )
            .unwrap();
            assert_eq!(
                committed,
                live(&path),
                "{set}/{stem}: run tests/golden/regenerate.sh"
            );
        }
    }
}
