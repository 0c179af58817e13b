//! Shared helpers of the golden and live tests: run this crate the way the oracle runs
//! snapd, and compare the JSON.
#![allow(dead_code)]

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use ucore_gadget_yaml::{GadgetInfo, LayoutOptions, ModelClass, validate};

/// The oracle-shaped JSON reports, shared with the `gadget` example.
#[path = "../../../examples/gadget/report.rs"]
pub mod report;

pub fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn yaml_files(set: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(crate_dir().join("tests/data").join(set))
        .expect("data set")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    files
}

pub fn stem(p: &Path) -> String {
    p.file_stem().unwrap().to_string_lossy().into_owned()
}

/// What `snapd-oracle gadget-info` prints, computed by this crate.
pub fn ours_info(text: &str, model: ModelClass) -> Value {
    match GadgetInfo::parse(text, model.model())
        .and_then(|i| validate(&i, model.model(), None).map(|()| i))
    {
        Ok(info) => report::info_json(&info, model),
        Err(e) => report::error_json(&e),
    }
}

/// What `snapd-oracle gadget-layout [--gadget-dir]` prints, computed by this crate.
pub fn ours_layout(text: &str, model: ModelClass, gadget_dir: Option<&Path>) -> Value {
    let options = LayoutOptions {
        gadget_dir: gadget_dir.map(Path::to_path_buf),
    };
    match GadgetInfo::parse(text, model.model())
        .and_then(|i| validate(&i, model.model(), None).map(|()| i))
        .and_then(|i| i.layout(&options))
    {
        Ok(v) => report::layout_json(&v, model, gadget_dir.is_some()),
        Err(e) => report::error_json(&e),
    }
}

/// Drops the keys the oracle does not print, and makes every number a float (Go's JSON
/// prints a whole float64 like an int: `1000`, where serde prints `1000.0`).
pub fn strip(v: &Value) -> Value {
    match v {
        Value::Number(n) => n
            .as_f64()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .unwrap_or_else(|| v.clone()),
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| !matches!(k.as_str(), "min-size" | "path" | "line" | "column"))
                .map(|(k, v)| (k.clone(), strip(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(strip).collect()),
        other => other.clone(),
    }
}

/// The outcome in the corpus README's words: `ok` or the error text.
pub fn outcome(v: &Value) -> String {
    if v["ok"] == Value::Bool(true) {
        "ok".into()
    } else {
        v["error"].as_str().unwrap_or("?").to_string()
    }
}

/// YAML syntax errors: libyaml's and saphyr's wording differ; only the prefix is compared.
pub const SYNTAX_PREFIX: &str = "cannot parse gadget metadata: yaml: ";

fn is_syntax(outcome: &str) -> bool {
    outcome.starts_with(SYNTAX_PREFIX)
        && !outcome.starts_with("cannot parse gadget metadata: yaml: unmarshal errors")
}

/// Compares ours with the oracle's JSON; `None` when equal (syntax errors by prefix).
pub fn difference(ours: &Value, oracle: &Value) -> Option<String> {
    let ours = strip(ours);
    if ours == strip(oracle) {
        return None;
    }
    let (o, g) = (outcome(&ours), outcome(oracle));
    if is_syntax(&o) && is_syntax(&g) {
        return None;
    }
    Some(format!("ours:   {ours}\noracle: {oracle}"))
}

/// (set, file stem, models (`a|b`) or `*`, outcome at HEAD, why 2.57 differs). Besides these, under
/// `uc20-classic` 2.57 has no classic-with-modes rules (see `classic_with_modes_difference`).
pub const HEAD_DIFFERENCES: &[(&str, &str, &str, &str, &str)] = &[
    (
        "probes",
        "mbr-too-big",
        "*",
        r#"invalid volume "pc": invalid structure #0 ("mbr"): invalid role "mbr": mbr structures cannot be larger than 446 bytes"#,
        "HEAD sets the implicit role mbr before validating (2.57: `invalid implicit role`)",
    ),
    (
        "probes",
        "overlap",
        "*",
        r#"invalid volume "pc": structure "b" overlaps with the preceding structure "a""#,
        "HEAD names structures by name (2.57: `structure #1 (\"b\") … #0 (\"a\")`)",
    ),
    (
        "probes",
        "overlapping-nil",
        "*",
        r#"invalid volume "pc": structure "b" overlaps with the preceding structure "a""#,
        "HEAD bumps the implicit offset of `a` to 1 MiB before its overlap check (2.57 checks \
         from 0 at parse time and fails only at layout)",
    ),
    (
        "probes",
        "unknown-keys",
        "none|uc16|classic",
        "ok",
        "content-level offset-write is an unknown key at HEAD (2.57 still decodes it)",
    ),
];

pub fn head_difference(set: &str, stem: &str, model: &str) -> Option<&'static str> {
    HEAD_DIFFERENCES
        .iter()
        .find(|(s, f, m, _, _)| {
            *s == set && *f == stem && (*m == "*" || m.split('|').any(|x| x == model))
        })
        .map(|d| d.3)
}

/// The corpus README's outcome table (snapd HEAD): file → five outcomes (nil, uc16, uc20,
/// classic, classic-modes), with the P/V codes expanded to their text.
pub fn corpus_head_outcomes() -> BTreeMap<String, [String; 5]> {
    let readme =
        std::fs::read_to_string(crate_dir().join("tests/data/corpus/README.md")).expect("README");
    let mut codes = BTreeMap::new();
    for line in readme.lines() {
        let l = line.trim_start_matches("- ");
        if let Some((code, text)) = l.split_once(": `")
            && code.len() == 2
            && (code.starts_with('P') || code.starts_with('V'))
        {
            codes.insert(code.to_string(), text.trim_end_matches('`').to_string());
        }
    }
    let mut table = BTreeMap::new();
    let mut in_outcomes = false;
    for line in readme.lines() {
        if line.starts_with("## Expected outcomes") {
            in_outcomes = true;
        }
        if !in_outcomes || !line.starts_with("| `") {
            continue;
        }
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let file = cells[1]
            .trim_matches('`')
            .trim_end_matches(".yaml")
            .to_string();
        let outcome = |c: &str| {
            if c == "ok" {
                "ok".to_string()
            } else {
                codes.get(c).cloned().unwrap_or_else(|| panic!("code {c}"))
            }
        };
        table.insert(
            file,
            [
                outcome(cells[2]),
                outcome(cells[3]),
                outcome(cells[4]),
                outcome(cells[5]),
                outcome(cells[6]),
            ],
        );
    }
    table
}

pub fn model_column(m: ModelClass) -> usize {
    match m {
        ModelClass::None => 0,
        ModelClass::Uc16 => 1,
        ModelClass::Uc20 => 2,
        ModelClass::Classic => 3,
        ModelClass::Uc20Classic => 4,
    }
}

/// 2.57 validates a classic model with a grade exactly like UC20; HEAD has its own rules
/// (`system-boot and system-data roles are needed on classic`, labels, same volume). When
/// the oracle's `uc20-classic` answer is what this crate says under `uc20` but this crate's
/// `uc20-classic` answer differs, it is that documented difference: HEAD's outcome is ours,
/// which must come from the classic-with-modes rules.
pub fn classic_with_modes_difference(
    text: &str,
    model: ModelClass,
    oracle: &Value,
) -> Option<String> {
    if model != ModelClass::Uc20Classic {
        return None;
    }
    let ours = outcome(&ours_info(text, model));
    // 2.57: parsed as classic with a grade, validated with UC20's rules.
    let as_uc20 = match GadgetInfo::parse(text, model.model()) {
        Err(e) => e.to_string(),
        Ok(info) => match validate(&info, ModelClass::Uc20.model(), None) {
            Err(e) => e.to_string(),
            Ok(()) => "ok".into(),
        },
    };
    if ours == outcome(oracle) || as_uc20 != outcome(oracle) {
        return None;
    }
    let classic_rule = ours.starts_with("system-boot and ")
        || ours.contains(" structure must have an implicit label or ")
        || ours == "ok";
    assert!(classic_rule, "unexpected uc20-classic outcome {ours:?}");
    Some(ours)
}

pub struct Tally {
    pub compared: usize,
    pub head_only: usize,
    pub failures: Vec<String>,
}

/// Compares every file of `set` under every model with `golden(stem)` (the oracle's JSON).
pub fn check_set(
    set: &str,
    head: Option<&BTreeMap<String, [String; 5]>>,
    golden: &dyn Fn(&Path) -> Value,
) -> Tally {
    let mut t = Tally {
        compared: 0,
        head_only: 0,
        failures: Vec::new(),
    };
    let files = yaml_files(set);
    assert!(!files.is_empty(), "no files in {set}");
    for path in files {
        let stem = stem(&path);
        let text = std::fs::read_to_string(&path).unwrap();
        let golden = golden(&path);
        let gadget_dir = crate_dir().join("tests/data/gadget-dirs").join(&stem);
        for model in ModelClass::ALL {
            let g = &golden[model.name()];
            let info = ours_info(&text, model);
            let layout = ours_layout(&text, model, None);
            // The outcome snapd HEAD gives, when it is known to differ from 2.57's.
            let head_outcome: Option<String> = match head {
                Some(table) => {
                    let row = table
                        .get(&stem)
                        .unwrap_or_else(|| panic!("{stem} not in the README table"));
                    let expected = row[model_column(model)].clone();
                    if outcome(&info) != expected {
                        t.failures.push(format!(
                            "{set}/{stem} {}: HEAD outcome (corpus README) is {expected:?}, ours {:?}",
                            model.name(),
                            outcome(&info)
                        ));
                    }
                    (expected != outcome(&g["info"])).then_some(expected)
                }
                None => head_difference(set, &stem, model.name())
                    .map(str::to_string)
                    .or_else(|| classic_with_modes_difference(&text, model, &g["info"])),
            };
            if let Some(expected) = head_outcome {
                t.head_only += 1;
                for (what, ours) in [("info", &info), ("layout", &layout)] {
                    if outcome(ours) != expected {
                        t.failures.push(format!(
                            "{set}/{stem} {} {what}: HEAD outcome {expected:?}, ours {:?}",
                            model.name(),
                            outcome(ours)
                        ));
                    }
                }
                continue;
            }
            let mut pairs = vec![("info", info, &g["info"]), ("layout", layout, &g["layout"])];
            if gadget_dir.is_dir() {
                pairs.push((
                    "layout-with-content",
                    ours_layout(&text, model, Some(&gadget_dir)),
                    &g["layout-with-content"],
                ));
            }
            for (what, ours, oracle) in pairs {
                t.compared += 1;
                if let Some(d) = difference(&ours, oracle) {
                    t.failures
                        .push(format!("{set}/{stem} {} {what}:\n{d}", model.name()));
                }
            }
        }
    }
    t
}

pub fn report(set: &str, t: &Tally) {
    println!(
        "{set}: {} comparisons equal to the oracle, {} (file, model) pairs checked against HEAD only",
        t.compared - t.failures.len().min(t.compared),
        t.head_only
    );
    assert!(t.failures.is_empty(), "{}", t.failures.join("\n\n"));
}
