//! The goldens (`tests/data/golden/*.json`, recorded by `tests/oracle-golden.sh` against
//! snapd's fakestore): one command of snapd's own clients each, and what it gave.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::{Map, Value};

/// The goldens directory.
pub fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/golden")
}

/// Which program a golden ran.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tool {
    /// `snapd-oracle` (snapd's store client and seed loader).
    Oracle,
    /// snapd's `snap` CLI (its tooling store).
    Snap,
}

/// `seed-check` on the seed a `prepare-image` wrote.
#[derive(Clone, Debug, Deserialize)]
pub struct SeedCheck {
    /// The command line (placeholders as in [`Golden::args`]).
    pub args: Vec<String>,
    /// Its exit code.
    pub exit: i32,
    /// Its output.
    pub output: Value,
}

/// One golden.
#[derive(Clone, Debug, Deserialize)]
pub struct Golden {
    /// The file name without `.json`.
    #[serde(skip)]
    pub name: String,
    /// The command that regenerates it.
    pub regenerate: String,
    /// The program.
    pub tool: Tool,
    /// Its arguments, with placeholders `{STORE}` (base URL, no trailing `/`),
    /// `{FIXTURES}` and `{OUT}` (the case's own empty directory, also its working one).
    pub args: Vec<String>,
    /// Extra environment (same placeholders).
    #[serde(default)]
    pub env: Map<String, Value>,
    /// The exit code.
    pub exit: i32,
    /// The output: JSON, or text (assertions, the `snap` CLI's messages).
    pub output: Value,
    /// The standard error, for a failure.
    #[serde(default)]
    pub stderr: Option<String>,
    /// The files written under `{OUT}`.
    #[serde(default)]
    pub files: Option<Map<String, Value>>,
    /// For `prepare-image`: `seed-check` on its seed.
    #[serde(default)]
    pub seed_check: Option<SeedCheck>,
}

impl Golden {
    /// The oracle subcommand or `snap` verb (`store-refresh`, `download`, …).
    pub fn command(&self) -> &str {
        self.args.first().map(String::as_str).unwrap_or("")
    }

    /// The golden as the JSON it was read from (for comparisons).
    pub fn observed(&self) -> Value {
        let mut m = Map::new();
        m.insert("exit".into(), self.exit.into());
        m.insert("output".into(), self.output.clone());
        if let Some(f) = &self.files {
            m.insert("files".into(), Value::Object(f.clone()));
        }
        if let Some(s) = &self.seed_check {
            m.insert(
                "seed_check".into(),
                serde_json::json!({"exit": s.exit, "output": s.output}),
            );
        }
        Value::Object(m)
    }
}

/// The golden `name`.
pub fn load(name: &str) -> Golden {
    let p = dir().join(format!("{name}.json"));
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    let mut g: Golden =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    g.name = name.to_string();
    g
}

/// Every golden, by name.
pub fn all() -> Vec<Golden> {
    let mut names: Vec<String> = std::fs::read_dir(dir())
        .expect("tests/data/golden")
        .filter_map(|e| {
            let n = e.ok()?.file_name().into_string().ok()?;
            n.strip_suffix(".json").map(str::to_string)
        })
        .collect();
    names.sort();
    names.iter().map(|n| load(n)).collect()
}
