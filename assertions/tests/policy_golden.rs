//! The rule compiler against snapd 2.57's (the oracle's `policy compile`): every
//! declaration of `tests/data/policy/` (made by its `regenerate.sh` from `cases.py`: the
//! §5 compile errors, every constraint key, the 2.57 quirks) decodes to the same compiled
//! `plugs`/`slots`, or fails with the same text, and its suggested format is the lowest
//! one the oracle's `sign` accepts.
//!
//! Go regexp texts (`error parsing regexp: …`) are compared up to that prefix until ucore's
//! regexp compiler gives Go's texts; then they are compared whole.
//!
//! Headers-only base-declaration text (`.txt`, snapd's builtin form) goes through
//! `BuiltinBaseDeclaration::parse` (policy.md §8.11).
//!
//! With `UCORE_ORACLE` set, the same comparison also runs live on the same files and on
//! snapd's real base-declaration (`policy base-declaration --sign`, generated at test
//! time, not committed).

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use ucore_assertions::policy::{RuleLanguage, suggested_format};
use ucore_assertions::types::{BaseDeclaration, BuiltinBaseDeclaration, SnapDeclaration};
use ucore_assertions::{AssertionAccess, AssertionRef};

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/policy")
}

/// ucore's `policy compile` line for one assertion: `ok`, `error`, `plugs`, `slots`.
fn ours(bytes: &[u8]) -> Value {
    let a = match AssertionRef::decode(bytes) {
        Ok(a) => a,
        Err(e) => return json!({"ok": false, "error": e.to_string()}),
    };
    let (plugs, slots) = match a.assertion_type().name() {
        "snap-declaration" => {
            let d = SnapDeclaration::try_from(&a).expect("decoded");
            (json!(d.plugs), json!(d.slots))
        }
        "base-declaration" => {
            let d = BaseDeclaration::try_from(&a).expect("decoded");
            (json!(d.plugs), json!(d.slots))
        }
        _ => (Value::Null, Value::Null),
    };
    json!({"ok": true, "error": null, "plugs": plugs, "slots": slots})
}

/// ucore's line for headers-only base-declaration text (snapd's builtin form).
fn ours_builtin(text: &[u8]) -> Value {
    match BuiltinBaseDeclaration::parse(text, RuleLanguage::Snapd2_57) {
        Ok(d) => json!({"ok": true, "error": null, "plugs": d.plugs, "slots": d.slots}),
        Err(e) => json!({"ok": false, "error": e.to_string()}),
    }
}

/// ucore's line for a case file (`.assert` or headers-only `.txt`).
fn ours_file(path: &Path) -> Value {
    let bytes = fs::read(path).expect("case");
    if path.extension().is_some_and(|e| e == "txt") {
        ours_builtin(&bytes)
    } else {
        ours(&bytes)
    }
}

/// The oracle's line, reduced to what [`ours`] gives.
fn project(oracle: &Value) -> Value {
    if oracle["ok"] == json!(true) {
        json!({"ok": true, "error": null, "plugs": oracle["plugs"], "slots": oracle["slots"]})
    } else {
        json!({"ok": false, "error": oracle["error"]})
    }
}

/// Compares error texts; Go regexp messages only up to `error parsing regexp:` unless
/// ours is Go's too.
fn same(ours: &Value, theirs: &Value) -> bool {
    const GO: &str = "error parsing regexp: ";
    if ours == theirs {
        return true;
    }
    let (Some(o), Some(t)) = (ours["error"].as_str(), theirs["error"].as_str()) else {
        return false;
    };
    match t.find(GO) {
        Some(i) if !o.contains(GO) => o.get(..i) == t.get(..i),
        _ => false,
    }
}

fn suggested(bytes: &[u8]) -> Option<i64> {
    let a = AssertionRef::decode(bytes).ok()?;
    if a.assertion_type().name() != "snap-declaration" {
        return Some(0);
    }
    suggested_format(a.headers(), RuleLanguage::Snapd2_57).ok()
}

fn cases() -> Vec<(String, PathBuf)> {
    let mut out: Vec<(String, PathBuf)> = fs::read_dir(data_dir())
        .expect("policy data")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "assert" || e == "txt"))
        .map(|p| {
            let name = p
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            (name, p)
        })
        .collect();
    out.sort();
    out
}

#[test]
fn compiled_rules_match_the_oracles_goldens() {
    let mut failures = Vec::new();
    let cases = cases();
    for (name, path) in &cases {
        let bytes = fs::read(path).expect("case");
        let golden: Value =
            serde_json::from_slice(&fs::read(path.with_extension("oracle.json")).expect("golden"))
                .expect("golden JSON");
        let (ours, theirs) = (ours_file(path), project(&golden["compile"]));
        if !same(&ours, &theirs) {
            failures.push(format!("{name}:\n ours   {ours}\n oracle {theirs}"));
        }
        if let Some(min) = golden["min_format"].as_i64()
            && suggested(&bytes) != Some(min)
        {
            failures.push(format!("{name}: format {:?} != {min}", suggested(&bytes)));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(cases.len() >= 80, "{} cases", cases.len());
}

fn oracle_compile(oracle: &Path, path: &Path) -> Value {
    let out = std::process::Command::new(oracle)
        .args(["policy", "compile"])
        .arg(path)
        .output()
        .expect("oracle runs");
    let line = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(line.lines().next().unwrap_or_default()).expect("oracle prints JSON")
}

/// The live oracle on the same files, and on snapd's real base-declaration.
#[test]
fn live_oracle_compiles_the_same() {
    let Some(oracle) = ucore_test_support::oracle() else {
        return;
    };
    let mut failures = Vec::new();
    let mut compared = 0;
    for (name, path) in cases() {
        compared += 1;
        let (ours, theirs) = (ours_file(&path), project(&oracle_compile(&oracle, &path)));
        if !same(&ours, &theirs) {
            failures.push(format!("{name}:\n ours   {ours}\n oracle {theirs}"));
        }
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let base = dir.path().join("base-declaration.assert");
    {
        let key = ucore_test_support::keys::path("acme");
        let out = std::process::Command::new(&oracle)
            .args([
                "--sig-time=1480593600",
                "policy",
                "base-declaration",
                "--sign",
            ])
            .arg(&key)
            .output()
            .expect("oracle runs");
        fs::write(&base, &out.stdout).expect("write");
        let (ours, theirs) = (ours(&out.stdout), project(&oracle_compile(&oracle, &base)));
        assert_eq!(ours["ok"], json!(true), "{ours}");
        assert_eq!(theirs["slots"].as_object().map(|m| m.len()), Some(177));
        if ours != theirs {
            failures.push("snapd's base-declaration compiles differently".to_owned());
        }
        compared += 1;
        // and its headers-only form, as snapd composes its builtin one
        let text = dir.path().join("base-declaration.txt");
        fs::write(&text, ucore_test_support::snapd_base_declaration(&oracle)).expect("write");
        let (ours, theirs) = (ours_file(&text), project(&oracle_compile(&oracle, &text)));
        assert_eq!(ours["ok"], json!(true), "{ours}");
        if ours != theirs {
            failures.push("snapd's builtin base-declaration text compiles differently".to_owned());
        }
        compared += 1;
    }
    println!("{compared} declarations compared with the live oracle");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
