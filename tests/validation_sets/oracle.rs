//! Running snapd-oracle's `validation-sets` command on a case.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// The command line for the files in `dir` (`stream.assert`, `installed.json` when there
/// is an installed list), as the oracle is run and as golden files record it.
pub fn args(has_installed: bool, ignore: &[String]) -> Vec<String> {
    let mut args = vec!["validation-sets".to_string()];
    if has_installed {
        args.extend(["--installed".to_string(), "installed.json".to_string()]);
    }
    for n in ignore {
        args.extend(["--ignore-validation".to_string(), n.clone()]);
    }
    args.push("stream.assert".to_string());
    args
}

/// Runs `oracle validation-sets` on `stream` (and `installed`, the `--installed` JSON) in a
/// temporary directory and returns its JSON. Exit codes 0 and 1 are answers; 2 (usage or
/// setup error) panics with the oracle's stderr.
pub fn run(oracle: &Path, stream: &[u8], installed: Option<&str>, ignore: &[String]) -> Value {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(dir.path().join("stream.assert"), stream).expect("writing the stream");
    if let Some(json) = installed {
        std::fs::write(dir.path().join("installed.json"), json)
            .expect("writing the installed list");
    }
    let out = Command::new(oracle)
        .args(args(installed.is_some(), ignore))
        .current_dir(dir.path())
        .output()
        .expect("running the oracle");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "oracle failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the oracle's JSON")
}
