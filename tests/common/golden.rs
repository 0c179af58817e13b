//! The text of a golden file: a JSON object with one member per line, each value compact,
//! so that diffs stay readable and files small. Included by path by the oracle tests.

use serde_json::Value;

/// `value` (a JSON object) as golden file text.
pub fn golden_text(value: &Value) -> String {
    let members: Vec<String> = value
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| format!("  {}: {v}", Value::from(k.as_str())))
        .collect();
    format!("{{\n{}\n}}\n", members.join(",\n"))
}

/// The golden files (`*.json`) of `dir`, sorted by name.
pub fn golden_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    paths
}

/// Makes `dir` and removes its golden files, before a regeneration writes them anew.
pub fn clear_golden_dir(dir: &std::path::Path) {
    std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for old in golden_files(dir) {
        std::fs::remove_file(&old).unwrap_or_else(|e| panic!("{}: {e}", old.display()));
    }
}
