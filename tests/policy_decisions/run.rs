//! Running a case: ucore in process (the `assertions` example's policy code, included by
//! path), the oracle as a process, both over the same files in a temporary directory; and
//! comparing the two answers.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use clap::Parser;
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[path = "../../examples/policy/mod.rs"]
mod policy_cli;

/// The file name of the base-declaration in a case's directory.
pub const BASE_DECLARATION: &str = "base-declaration.txt";

/// What a command answered: its exit code and, for 0 and 1, its JSON line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    /// 0 allowed, 1 not allowed, 2 usage or input error.
    pub exit: i32,
    /// The JSON line (`null` with exit 2).
    pub json: Value,
}

/// Writes the case's files and the base-declaration into a fresh temporary directory.
pub fn write_files(files: &BTreeMap<String, String>, base_declaration: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("writing a case file");
    }
    std::fs::write(dir.path().join(BASE_DECLARATION), base_declaration)
        .expect("writing the base-declaration");
    dir
}

/// Runs the oracle with `args` in `dir`.
pub fn oracle(oracle: &Path, dir: &Path, args: &[String]) -> Answer {
    let out = Command::new(oracle)
        .args(args)
        .current_dir(dir)
        .output()
        .expect("running the oracle");
    let exit = out.status.code().expect("the oracle exited");
    let json = if exit == 2 {
        Value::Null
    } else {
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "oracle JSON ({e}): {}",
                String::from_utf8_lossy(&out.stdout)
            )
        })
    };
    Answer { exit, json }
}

#[derive(Parser)]
struct Cli {
    #[command(subcommand)]
    top: Top,
}

#[derive(clap::Subcommand)]
enum Top {
    Policy {
        #[command(subcommand)]
        command: policy_cli::PolicyCommand,
    },
}

/// ucore's answer and every error snapd could have given in its place.
pub fn ours(
    dir: &Path,
    args: &[String],
    files: &BTreeMap<String, String>,
) -> (Answer, Vec<String>) {
    // the same command line, the case's files named by absolute path
    let abs: Vec<String> = args
        .iter()
        .map(|a| {
            if files.contains_key(a) || a == BASE_DECLARATION {
                dir.join(a).display().to_string()
            } else {
                a.clone()
            }
        })
        .collect();
    let cli = Cli::try_parse_from(std::iter::once("assertions".to_owned()).chain(abs))
        .unwrap_or_else(|e| panic!("ucore's command line {args:?}: {e}"));
    let Top::Policy { command } = cli.top;
    match policy_cli::outcome(&command) {
        Err(_) => (
            Answer {
                exit: 2,
                json: Value::Null,
            },
            Vec::new(),
        ),
        Ok(o) => {
            let mut json = o.json;
            json["base_declaration"] = Value::from(BASE_DECLARATION);
            let exit = if json["ok"] == Value::Bool(true) {
                0
            } else {
                1
            };
            (Answer { exit, json }, o.possible_errors)
        }
    }
}

/// How ucore's answer differs from the oracle's: every JSON member equal, except that
/// where snapd's error depends on Go's map order (several plugs or slots refused) the
/// oracle's error need only be one ucore lists as possible.
pub fn differences(ours: &Answer, possible_errors: &[String], oracle: &Answer) -> Vec<String> {
    let mut diffs = Vec::new();
    if ours.exit != oracle.exit {
        diffs.push(format!("exit: ucore {} oracle {}", ours.exit, oracle.exit));
        return diffs;
    }
    let (Some(o), Some(u)) = (oracle.json.as_object(), ours.json.as_object()) else {
        return diffs;
    };
    for key in o.keys().chain(u.keys().filter(|k| !o.contains_key(*k))) {
        let (ov, uv) = (o.get(key), u.get(key));
        if ov == uv {
            continue;
        }
        if key == "error"
            && let Some(Value::String(e)) = ov
            && possible_errors.iter().any(|p| p == e)
        {
            continue;
        }
        diffs.push(format!(
            "{key}: ucore {} oracle {}",
            uv.map_or("(absent)".into(), Value::to_string),
            ov.map_or("(absent)".into(), Value::to_string)
        ));
    }
    diffs
}
