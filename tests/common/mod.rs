//! What the command-line tests share: the examples built once and run as processes.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;
use ucore_test_support::repo;

/// Builds the examples `names` with `cargo build --example` (a no-op when they are up to
/// date; `cargo test --test NAME` alone does not build them) and gives each one's
/// executable.
pub fn build_examples(names: &[&str]) -> BTreeMap<String, PathBuf> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    // What cargo sets for this test's process (its package, its OUT_DIR…) is not the
    // user's environment: build scripts that watch those variables (ring's) would
    // rerun, and every crate above them be rebuilt, here and again in the next build.
    for (key, _) in std::env::vars_os() {
        let k = key.to_string_lossy();
        if ["CARGO_PKG_", "CARGO_MANIFEST_", "CARGO_CFG_"]
            .iter()
            .any(|p| k.starts_with(p))
            || [
                "OUT_DIR",
                "CARGO_CRATE_NAME",
                "CARGO_BIN_NAME",
                "CARGO_TARGET_TMPDIR",
                "CARGO_PRIMARY_PACKAGE",
                "CARGO_RUSTC_CURRENT_DIR",
            ]
            .contains(&k.as_ref())
        {
            cmd.env_remove(&key);
        }
    }
    cmd.current_dir(repo()).arg("build");
    for name in names {
        cmd.args(["--example", name]);
    }
    let out = cmd
        .arg("--message-format=json")
        .output()
        .expect("run cargo");
    assert!(
        out.status.success(),
        "cargo build --example: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut found = BTreeMap::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Ok(msg) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        if let (Some(name), Some(exe)) =
            (msg["target"]["name"].as_str(), msg["executable"].as_str())
            && names.contains(&name)
        {
            found.insert(name.to_owned(), PathBuf::from(exe));
        }
    }
    for name in names {
        assert!(found.contains_key(*name), "the {name} example's executable");
    }
    found
}
