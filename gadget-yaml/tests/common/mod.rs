//! Shared helpers of the golden and live tests: run this crate the way the oracle runs
//! snapd, and compare the JSON.
#![allow(dead_code)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use ucore_gadget_yaml::{GadgetInfo, LayoutOptions, ModelKind, report, validate};

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
pub fn ours_info(text: &str, model: ModelKind) -> Value {
    match GadgetInfo::parse(text, model.model())
        .and_then(|i| validate(&i, model.model(), None).map(|()| i))
    {
        Ok(info) => report::info_json(&info, model),
        Err(e) => report::error_json(&e),
    }
}

/// What `snapd-oracle gadget-layout [--gadget-dir]` prints, computed by this crate.
pub fn ours_layout(text: &str, model: ModelKind, gadget_dir: Option<&Path>) -> Value {
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
