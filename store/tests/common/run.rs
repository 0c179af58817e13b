//! Running a golden's command against a store, recorded the way `tests/oracle-golden.sh`
//! records it (same placeholders, same file listing), so that [`super::compare`] can put
//! the two side by side.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Map, Value, json};

use super::fixtures::{self, sha3_hex};
use super::golden::{Golden, Tool};

/// snapd's log line that depends on the host, not on the store.
const XDELTA: &str = "no host system xdelta3 available to use deltas";

/// The programs: the oracle and snapd's `snap` CLI (next to the oracle unless
/// `SNAPD_SNAP` names it).
#[derive(Clone, Debug)]
pub struct Tools {
    /// `snapd-oracle`.
    pub oracle: PathBuf,
    /// snapd's `snap`.
    pub snap: PathBuf,
}

impl Tools {
    /// The tools next to `oracle`.
    pub fn new(oracle: PathBuf) -> Tools {
        let snap = std::env::var_os("SNAPD_SNAP")
            .filter(|s| !s.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| oracle.with_file_name("snapd-snap"));
        Tools { oracle, snap }
    }
}

/// The values the placeholders stand for in one run.
#[derive(Clone, Debug)]
pub struct Places {
    store: String,
    fixtures: String,
    out: String,
    label: Option<String>,
}

impl Places {
    /// `{STORE}` (without a trailing `/`), `{FIXTURES}`, `{OUT}`.
    pub fn new(store: &str, out: &Path) -> Places {
        Places {
            store: store.trim_end_matches('/').to_string(),
            fixtures: fixtures::dir().display().to_string(),
            out: out.display().to_string(),
            label: None,
        }
    }

    fn pairs(&self) -> Vec<(&'static str, &str)> {
        let mut p = vec![
            ("{STORE}", self.store.as_str()),
            ("{FIXTURES}", self.fixtures.as_str()),
            ("{OUT}", self.out.as_str()),
        ];
        if let Some(l) = &self.label {
            p.push(("{LABEL}", l.as_str()));
        }
        p
    }

    /// Placeholders replaced by their values.
    pub fn fill(&self, s: &str) -> String {
        let mut s = s.to_string();
        for (k, v) in self.pairs() {
            s = s.replace(k, v);
        }
        s
    }

    /// Values replaced by their placeholders (longest value first), in every string of `v`
    /// (object keys too).
    pub fn blank(&self, v: Value) -> Value {
        let mut pairs = self.pairs();
        pairs.sort_by_key(|(_, v)| std::cmp::Reverse(v.len()));
        blank_with(&pairs, v)
    }
}

fn blank_str(pairs: &[(&str, &str)], s: &str) -> String {
    let mut s = s.to_string();
    for (k, v) in pairs {
        if !v.is_empty() {
            s = s.replace(v, k);
        }
    }
    s
}

fn blank_with(pairs: &[(&str, &str)], v: Value) -> Value {
    match v {
        Value::String(s) => Value::String(blank_str(pairs, &s)),
        Value::Array(a) => Value::Array(a.into_iter().map(|x| blank_with(pairs, x)).collect()),
        Value::Object(o) => Value::Object(
            o.into_iter()
                .map(|(k, x)| (blank_str(pairs, &k), blank_with(pairs, x)))
                .collect(),
        ),
        other => other,
    }
}

/// The output of a command: JSON when it parses, else the text.
fn output_value(stdout: &[u8]) -> Value {
    let text = String::from_utf8_lossy(stdout).into_owned();
    serde_json::from_str(&text).unwrap_or(Value::String(text))
}

fn is_assertion_file(rel: &str) -> bool {
    let parts: Vec<&str> = rel.split('/').collect();
    let (last, dirs) = parts.split_last().unwrap_or((&"", &[]));
    dirs.contains(&"assertions") || *last == "model" || rel.ends_with(".assert")
}

/// Every file under `root` as `oracle-golden.sh` lists it (paths not yet blanked).
pub fn list_files(root: &Path) -> Map<String, Value> {
    let mut out = Map::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for e in entries {
            let p = e.expect("directory entry").path();
            let rel = p
                .strip_prefix(root)
                .expect("under root")
                .display()
                .to_string();
            let meta = std::fs::symlink_metadata(&p).expect("metadata");
            let entry = if meta.file_type().is_symlink() {
                let target = std::fs::read_link(&p).expect("readlink");
                json!({"symlink": target.display().to_string()})
            } else if meta.is_dir() {
                stack.push(p);
                continue;
            } else {
                let bytes = std::fs::read(&p).expect("read file");
                if is_assertion_file(&rel) {
                    json!({"assertions": String::from_utf8_lossy(&bytes)})
                } else if rel.ends_with(".snap") {
                    json!({"size": bytes.len(), "sha3-384": sha3_hex(&bytes)})
                } else {
                    match String::from_utf8(bytes) {
                        Ok(text) => json!({"text": text}),
                        Err(e) => {
                            let b = e.into_bytes();
                            json!({"size": b.len(), "sha3-384": sha3_hex(&b)})
                        }
                    }
                }
            };
            out.insert(rel, entry);
        }
    }
    out
}

/// Runs `golden`'s command against the store at `store` in the fresh directory `out`
/// (with `extra_env` besides the golden's own), and records it like the golden:
/// `{"exit", "output", "files"?, "seed_check"?}`, placeholders put back.
pub fn observe(
    tools: &Tools,
    golden: &Golden,
    store: &str,
    out: &Path,
    extra_env: &[(&str, String)],
) -> Value {
    std::fs::create_dir_all(out).expect("case directory");
    let mut places = Places::new(store, out);
    let program = match golden.tool {
        Tool::Oracle => &tools.oracle,
        Tool::Snap => &tools.snap,
    };
    let mut cmd = Command::new(program);
    cmd.args(golden.args.iter().map(|a| places.fill(a)))
        .current_dir(out)
        .env("HOME", out)
        .env("LC_ALL", "C")
        .env("TZ", "UTC");
    for (k, v) in &golden.env {
        cmd.env(k, places.fill(v.as_str().unwrap_or_default()));
    }
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    let o = cmd
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", program.display()));
    let stderr: String = String::from_utf8_lossy(&o.stderr)
        .lines()
        .filter(|l| !l.contains(XDELTA))
        .map(|l| format!("{l}\n"))
        .collect();

    // A UC20 seed's label is today's date: a placeholder, as in the golden.
    let seed = golden.seed_check.as_ref();
    let label_wanted = seed.is_some_and(|s| s.args.iter().any(|a| a == "{LABEL}"));
    let seed_dir = seed.and_then(|s| s.args.get(3)).map(|a| places.fill(a));
    if let (true, Some(dir)) = (label_wanted, &seed_dir) {
        let labels: Vec<String> = std::fs::read_dir(Path::new(dir).join("systems"))
            .map(|rd| {
                rd.filter_map(|e| e.ok()?.file_name().into_string().ok())
                    .collect()
            })
            .unwrap_or_default();
        if let [one] = labels.as_slice() {
            places.label = Some(one.clone());
        }
    }

    let mut rec = Map::new();
    rec.insert("exit".into(), o.status.code().unwrap_or(-1).into());
    rec.insert("output".into(), output_value(&o.stdout));
    if !o.status.success() {
        rec.insert("stderr".into(), stderr.into());
    }
    if golden.files.is_some() {
        rec.insert("files".into(), Value::Object(list_files(out)));
    }
    if let Some(s) = seed {
        let args: Vec<String> = s.args.iter().map(|a| places.fill(a)).collect();
        let c = Command::new(&tools.oracle)
            .args(&args)
            .output()
            .unwrap_or_else(|e| panic!("{}: {e}", tools.oracle.display()));
        rec.insert(
            "seed_check".into(),
            json!({"exit": c.status.code().unwrap_or(-1), "output": output_value(&c.stdout)}),
        );
    }
    places.blank(Value::Object(rec))
}
