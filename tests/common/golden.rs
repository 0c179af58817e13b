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
