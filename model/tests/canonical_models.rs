//! All 128 real Canonical model files (125 models; 3 files are empty, 0 bytes, as in the
//! upstream corpus): the typed view builds, re-encoding is byte-exact, and the
//! summary (kind, essential snaps with channels and ids, snaps per mode, grade, storage
//! safety, validation sets, authorities) equals the golden file.
//!
//! The golden `tests/golden/model-summaries.json` is made by OUR code
//! (`UCORE_REGENERATE=1 cargo test -p ucore-model --test canonical_models`) and was reviewed
//! against the models' headers; the oracle (snapd 2.57) has no command that prints a
//! model's snap sets. So that the goldens are not merely our code agreeing with itself,
//! [`snap_sets_match_the_raw_headers`] re-derives the snap names and essential snaps from
//! the raw headers with no use of the typed view.

mod common;

use std::collections::BTreeMap;

use ucore_assertions::{AssertionAccess, AssertionRef, HeaderValue};
use ucore_model::{BootMode, Model, ModelMeaning, ModelSummary};

fn models() -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(common::canonical_models_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "model"))
        .filter(|p| std::fs::metadata(p).unwrap().len() > 0)
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn all_128_models_match_the_goldens() {
    let models = models();
    assert_eq!(models.len(), 125, "128 files, 3 of them empty");
    let mut summaries = BTreeMap::new();
    for (name, bytes) in &models {
        let a = AssertionRef::decode(bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(a.encode(), *bytes, "{name}: re-encoding");
        let m = Model::try_from(&a).unwrap_or_else(|e| panic!("{name}: {e}"));
        let revision = u64::try_from(a.revision()).unwrap();
        summaries.insert(name.clone(), ModelSummary::of(&m, revision));
    }
    let json = serde_json::to_string_pretty(&summaries).unwrap() + "\n";
    let path = common::golden("model-summaries.json");
    if std::env::var("UCORE_REGENERATE").as_deref() == Ok("1") {
        std::fs::write(&path, &json).unwrap();
    }
    let golden = std::fs::read_to_string(&path).expect("golden exists (UCORE_REGENERATE=1)");
    assert!(golden == json, "summaries differ from {}", path.display());
}

fn names(v: Option<&HeaderValue<'_>>) -> Vec<String> {
    match v {
        Some(HeaderValue::List(l)) => l
            .iter()
            .filter_map(|i| match i {
                HeaderValue::String(s) => Some(s.to_string()),
                HeaderValue::Map(m) => m.get("name").and_then(|n| n.as_str()).map(str::to_owned),
                HeaderValue::List(_) => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

#[test]
fn snap_sets_match_the_raw_headers() {
    let (mut uc16, mut uc20, mut classic) = (0, 0, 0);
    for (name, bytes) in models() {
        let a = AssertionRef::decode(&bytes).unwrap();
        let h = a.headers();
        let m = Model::try_from(&a).unwrap();
        let run: Vec<String> = m
            .snaps_in_mode(BootMode::Run)
            .iter()
            .map(|s| s.name.to_owned())
            .collect();
        let mut expected: Vec<String> = Vec::new();
        if let Some(snaps) = h.get("snaps") {
            uc20 += 1;
            // Every listed snap whose modes include run (or which lists none, or is
            // essential), plus a base without an entry.
            if let Some(list) = snaps.as_list() {
                for entry in list {
                    let e = entry.as_map().unwrap();
                    let modes = names(e.get("modes"));
                    let essential = matches!(
                        e.get("type").and_then(|t| t.as_str()),
                        Some("snapd" | "kernel" | "gadget" | "base")
                    );
                    if essential || modes.is_empty() || modes.iter().any(|m| m == "run") {
                        expected.push(e.get("name").unwrap().as_str().unwrap().to_owned());
                    }
                }
            }
            let base = h.get_str("base").unwrap().to_owned();
            if !expected.contains(&base) {
                expected.push(base);
            }
            // Essential snaps: the typed ones + base, with the header's channels.
            for s in m.essential_snaps() {
                if let Some(entry) = snaps
                    .as_list()
                    .unwrap()
                    .iter()
                    .filter_map(|e| e.as_map())
                    .find(|e| e.get("name").and_then(|n| n.as_str()) == Some(s.name))
                {
                    let ch = entry
                        .get("default-channel")
                        .and_then(|c| c.as_str())
                        .unwrap_or("latest/stable");
                    assert_eq!(s.default_channel, ch, "{name}: {}", s.name);
                    assert_eq!(
                        s.snap_id,
                        entry.get("id").and_then(|c| c.as_str()),
                        "{name}: {}",
                        s.name
                    );
                }
            }
        } else {
            if m.classic {
                classic += 1;
            } else {
                uc16 += 1;
            }
            for header in ["kernel", "base", "gadget"] {
                if let Some(v) = h.get_str(header) {
                    expected.push(v.split('=').next().unwrap().to_owned());
                }
            }
            expected.extend(names(h.get("required-snaps")));
            // No boot modes before UC20.
            assert!(m.snaps_in_mode(BootMode::Install).is_empty(), "{name}");
        }
        let (mut a_sorted, mut e_sorted) = (run.clone(), expected.clone());
        a_sorted.sort();
        e_sorted.sort();
        assert_eq!(a_sorted, e_sorted, "{name}: run-mode snaps");
        for s in m.essential_snaps() {
            assert!(
                [h.get_str("kernel"), h.get_str("gadget"), h.get_str("base")]
                    .iter()
                    .flatten()
                    .any(|v| v.split('=').next() == Some(s.name))
                    || h.get("snaps").is_some(),
                "{name}: essential {} not named by a header",
                s.name
            );
        }
    }
    assert!(
        uc16 > 0 && uc20 > 0 && classic > 0,
        "{uc16} {uc20} {classic}"
    );
}
