//! The recorded seeds of `image/tests/data/golden/` made real again: a prepared directory
//! re-materialized from its golden (`listing.txt`, `tree/`, `snap-files.txt` with the
//! fixture snaps), the broken copies of `golden/seed-check/*.json` (their `ops` applied),
//! and seed-check's JSON with paths under a directory written as a placeholder.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use serde_json::Value;

/// `image/tests/data`.
pub fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

/// `image/tests/data/fixtures`.
pub fn fixtures() -> PathBuf {
    data().join("fixtures")
}

/// The golden directory of a prepare-image case.
pub fn case_dir(case: &str) -> PathBuf {
    data().join("golden/prepare-image").join(case)
}

/// The prepare-image cases.
pub const CASES: [&str; 5] = ["uc16", "uc18", "uc20", "uc20-dangerous", "uc16-local"];

/// The seed directory of a case, relative to its prepared directory.
pub fn seed_rel(case: &str) -> &'static str {
    if case.starts_with("uc20") {
        "system-seed"
    } else {
        "image/var/lib/snapd/seed"
    }
}

/// The UC20+ label of a case.
pub fn label(case: &str) -> Option<String> {
    std::fs::read_to_string(case_dir(case).join("label"))
        .ok()
        .map(|l| l.trim().to_string())
}

/// The test root (`tk/testrootorg-trusted.stream`), decoded.
pub fn trusted() -> Vec<ucore_assertions::Assertion> {
    let bytes = std::fs::read(fixtures().join("tk/testrootorg-trusted.stream")).unwrap();
    ucore_image::seed::read::decode_trusted(&bytes).unwrap()
}

/// Writes the prepared directory of `case` under `out`.
pub fn materialize(case: &str, out: &Path) {
    let dir = case_dir(case);
    let listing = std::fs::read_to_string(dir.join("listing.txt")).unwrap();
    for line in listing.lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        let path = out.join(fields[3]);
        match fields[0] {
            "d" => std::fs::create_dir_all(&path).unwrap(),
            "l" => {
                let target = fields[4].replace("{OUT}", &out.display().to_string());
                std::os::unix::fs::symlink(target, &path).unwrap();
            }
            _ if fields[3].ends_with(".snap") => {}
            _ => {
                std::fs::copy(dir.join("tree").join(fields[3]), &path).unwrap();
            }
        }
    }
    let snaps = std::fs::read_to_string(dir.join("snap-files.txt")).unwrap();
    for line in snaps.lines() {
        let (path, fixture) = line.split_once('\t').unwrap();
        std::fs::copy(fixtures().join(fixture), out.join(path)).unwrap();
    }
}

/// A broken seed of `golden/seed-check/`.
pub struct Broken {
    /// Its name.
    pub name: String,
    /// The golden.
    pub golden: Value,
}

/// Every broken seed, by name.
pub fn broken() -> Vec<Broken> {
    let mut out = Vec::new();
    let dir = data().join("golden/seed-check");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    for n in names {
        let golden: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join(&n)).unwrap()).unwrap();
        out.push(Broken {
            name: n.trim_end_matches(".json").to_string(),
            golden,
        });
    }
    out
}

impl Broken {
    /// The prepare-image case it breaks.
    pub fn case(&self) -> &str {
        self.golden["case"].as_str().unwrap()
    }

    /// The label to check with (`None`: a UC16/18 seed).
    pub fn label(&self) -> Option<String> {
        match self.golden["label"].as_str() {
            Some(l) => Some(l.to_string()),
            None => label(self.case()),
        }
    }

    /// Whether the test root is trusted.
    pub fn trusted(&self) -> bool {
        self.golden["trusted"].as_bool().unwrap()
    }

    /// Materializes the case under `out` and breaks it; returns the seed directory.
    pub fn make(&self, out: &Path) -> PathBuf {
        materialize(self.case(), out);
        let seed = out.join(seed_rel(self.case()));
        let label = label(self.case()).unwrap_or_default();
        for op in self.golden["ops"].as_array().unwrap() {
            apply(&seed, op, &label);
        }
        seed
    }
}

fn path_of(seed: &Path, rel: &str, label: &str) -> PathBuf {
    let mut rel = rel.replace("{LABEL}", label);
    if let Some(a) = rel.find("{REV:") {
        let b = a + rel[a..].find('}').unwrap();
        let name = &rel[a + 5..b];
        let yaml = std::fs::read_to_string(seed.join("seed.yaml")).unwrap();
        let file = yaml
            .lines()
            .find_map(|l| {
                l.trim()
                    .strip_prefix("file: ")
                    .filter(|f| f.starts_with(&format!("{name}_")))
            })
            .unwrap();
        let digest = ucore_snap::digest::snap_file_digest(seed.join("snaps").join(file)).unwrap();
        rel = format!(
            "{}{}{}",
            &rel[..a],
            digest.sha3_384_base64url(),
            &rel[b + 1..]
        );
    }
    seed.join(rel)
}

/// Applies one op of a broken seed (the ops of `oracle-golden.sh`).
fn apply(seed: &Path, op: &Value, label: &str) {
    let p = |k: &str| path_of(seed, op[k].as_str().unwrap(), label);
    match op["op"].as_str().unwrap() {
        "remove" => {
            let path = p("path");
            if path.is_dir() {
                std::fs::remove_dir_all(path).unwrap();
            } else {
                std::fs::remove_file(path).unwrap();
            }
        }
        "truncate" => {
            let f = std::fs::OpenOptions::new()
                .write(true)
                .open(p("path"))
                .unwrap();
            f.set_len(op["size"].as_u64().unwrap()).unwrap();
        }
        "flip" => {
            let path = p("path");
            let mut bytes = std::fs::read(&path).unwrap();
            let at = op["offset"].as_u64().unwrap() as usize;
            bytes[at] ^= 0xff;
            std::fs::write(path, bytes).unwrap();
        }
        "write" => {
            let path = p("path");
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, op["text"].as_str().unwrap()).unwrap();
        }
        "fixture" => {
            std::fs::copy(fixtures().join(op["from"].as_str().unwrap()), p("to")).unwrap();
        }
        "copy" => {
            std::fs::copy(p("from"), p("to")).unwrap();
        }
        "replace" => {
            let path = p("path");
            let text = std::fs::read_to_string(&path).unwrap();
            let old = op["old"].as_str().unwrap();
            assert!(text.contains(old), "{old:?} not in {path:?}");
            std::fs::write(path, text.replacen(old, op["new"].as_str().unwrap(), 1)).unwrap();
        }
        other => panic!("unknown op {other}"),
    }
}

/// `value` with every string's `dir` prefix replaced by `{name}`.
pub fn placeholder(value: Value, dir: &Path, name: &str) -> Value {
    let d = dir.display().to_string();
    match value {
        Value::String(s) => Value::String(s.replace(&d, &format!("{{{name}}}"))),
        Value::Array(a) => Value::Array(a.into_iter().map(|v| placeholder(v, dir, name)).collect()),
        Value::Object(o) => Value::Object(
            o.into_iter()
                .map(|(k, v)| (k, placeholder(v, dir, name)))
                .collect(),
        ),
        v => v,
    }
}
