//! What the differential tests share: the oracle-shaped reports of the `snap` example, and
//! the comparison of a report with the oracle's.

#![allow(dead_code)] // each test uses a part

use serde_json::Value;

#[path = "../../../examples/snap/report.rs"]
pub mod report;

/// Where `ours` differs from the oracle's `theirs`, on the keys the oracle prints (ours may
/// print more), as JSON paths; numbers compare by value.
pub fn differences(path: &str, theirs: &Value, ours: &Value, out: &mut Vec<String>) {
    match (theirs, ours) {
        (Value::Object(t), Value::Object(o)) => {
            for (k, tv) in t {
                match o.get(k) {
                    Some(ov) => differences(&format!("{path}.{k}"), tv, ov, out),
                    None => out.push(format!("{path}.{k}: missing (oracle: {tv})")),
                }
            }
        }
        (Value::Array(t), Value::Array(o)) if t.len() == o.len() => {
            for (i, (tv, ov)) in t.iter().zip(o).enumerate() {
                differences(&format!("{path}[{i}]"), tv, ov, out);
            }
        }
        (Value::Number(t), Value::Number(o)) if t.as_f64() == o.as_f64() => {}
        _ if theirs == ours => {}
        _ => out.push(format!("{path}: ours {ours}, oracle {theirs}")),
    }
}
