//! JSON reports with the fields and meaning of the snapd oracle's `snap-yaml` and
//! `snap-file`, so ucore-snap's reading can be compared with snapd's file by file.
//!
//! Shared by the `snap` example (`info --json`), ucore-snap's golden and live oracle tests
//! (`snap/tests/common`) and the `snap_yaml` fuzz target, each of which includes this file
//! with `#[path]`: the shape is the oracle's, not library API.

#![allow(dead_code)] // each includer uses a part

use serde_json::{Value, json};
use ucore_snap::{Info, ParseError, ValidateError};

/// The oracle's `release` for its default device (Ubuntu Core, not classic).
pub fn release() -> Value {
    json!({"distro": "ubuntu-core", "on_classic": false})
}

/// `{"ok": true, "name", "version", "type", …}` as `snap-yaml` prints an accepted snap.yaml.
pub fn info_json(info: &Info) -> Value {
    let mut v = serde_json::to_value(info).expect("Info serializes to JSON");
    let map = v.as_object_mut().expect("Info is a JSON object");
    map.insert("ok".into(), Value::Bool(true));
    map.insert("type".into(), json!(info.snap_type().as_str()));
    map.insert("epoch".into(), json!(info.epoch.to_string()));
    map.insert(
        "epoch_structured".into(),
        serde_json::to_value(&info.epoch).expect("epoch"),
    );
    map.insert(
        "effective_provenance".into(),
        json!(info.effective_provenance()),
    );
    map.insert("grade".into(), Value::Null);
    map.insert("release".into(), release());
    v
}

/// Which of snapd's steps refused the snap.yaml: `parse` (`InfoFromSnapYaml`) or
/// `validate` (`snap.Validate`).
pub enum Refusal<'a> {
    /// Refused while reading.
    Parse(&'a ParseError),
    /// Refused by validation.
    Validate(&'a ValidateError),
}

/// `{"ok": false, "stage", "error", "release"}` as `snap-yaml` prints a refusal.
pub fn error_json(refusal: Refusal<'_>) -> Value {
    let (stage, error) = match refusal {
        Refusal::Parse(e) => ("parse", e.to_string()),
        Refusal::Validate(e) => ("validate", e.to_string()),
    };
    json!({"ok": false, "stage": stage, "error": error, "release": release()})
}

/// snapd's `InfoFromSnapYaml` then `snap.Validate`, as the oracle's `snap-yaml` runs them,
/// reported in its shape. Returns the report and whether the snap.yaml was accepted.
pub fn snap_yaml_json(text: &[u8]) -> (Value, bool) {
    match Info::from_yaml(text) {
        Err(e) => (error_json(Refusal::Parse(&e)), false),
        Ok(info) => match info.validate() {
            Err(e) => (error_json(Refusal::Validate(&e)), false),
            Ok(()) => (info_json(&info), true),
        },
    }
}

/// What the oracle's `snap-file` prints for the snap file or directory at `path`:
/// `sha3_384` and `size` (for a file), then the stages `open` (snapd's `snapfile.Open`),
/// `read` (`meta/snap.yaml`), `parse` and `validate` (as [`snap_yaml_json`]) and
/// `read_info` (`snap.ReadInfoFromSnapFile`, whose `hooks` include the implicit ones).
/// Returns the report and whether every stage passed.
pub fn snap_file_json(path: &std::path::Path) -> (Value, bool) {
    use ucore_snap::container::{self, META_FILE_LIMIT};
    use ucore_snap::parse::Sanitizer;
    let mut head = serde_json::Map::new();
    if path.is_file()
        && let Ok(d) = ucore_snap::digest::snap_file_digest(path)
    {
        head.insert("sha3_384".into(), json!(d.sha3_384_base64url()));
        head.insert("size".into(), json!(d.size));
    }
    let with_head = |mut v: Value| {
        if let Some(map) = v.as_object_mut() {
            map.extend(head.clone());
        }
        v
    };
    let failed = |stage: &str, error: String| {
        with_head(json!({"ok": false, "stage": stage, "error": error, "release": release()}))
    };
    let snap = match container::open(path) {
        Ok(snap) => snap,
        Err(e) => return (failed("open", e.to_string()), false),
    };
    let yaml = match container::read_snap_yaml(snap.container(), META_FILE_LIMIT) {
        Ok(yaml) => yaml,
        Err(e) => return (failed("read", e.to_string()), false),
    };
    let (mut report, ok) = snap_yaml_json(&yaml);
    if !ok {
        return (with_head(report), false);
    }
    let (read_info, ok) =
        match ucore_snap::read_info::read_info(snap.container(), Sanitizer::Builtin) {
            Ok(read) => {
                let hooks: Vec<&String> = read.info.hooks.keys().collect();
                (json!({"error": null, "hooks": hooks}), true)
            }
            Err(e) => (json!({"error": e.to_string(), "hooks": null}), false),
        };
    if let Some(map) = report.as_object_mut() {
        if !ok {
            map.insert("ok".into(), json!(false));
            map.insert("stage".into(), json!("read_info"));
            map.insert("error".into(), read_info["error"].clone());
        }
        map.insert("read_info_from_snap_file".into(), read_info);
    }
    (with_head(report), ok)
}
