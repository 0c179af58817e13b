//! What the build tests share: the prepare-image cases of the goldens as build options
//! (`--snap`s, model, label), `build` run to its end, a prepared directory listed as the
//! goldens' `listing.txt` lists it, and two prepared directories' files compared (grubenv
//! files as variable sets, since snapd writes their variables in Go's map order).
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::Path;

use ucore_image::options::{ImageOptions, OptionSnap, SnapSource};
use ucore_image::progress::NoProgress;
use ucore_image::{Error, Summary};

use crate::seed_support::{case_dir, fixtures, label};

/// The validation warning snapd 2.57 prints when `--validation` is not given; we enforce
/// validation sets by default, so we never print it.
pub const VALIDATION_WARNING: &str = "proceeding to download snaps ignoring validations, this default will change in the future. For now use --validation=enforce for validations to be taken into account, pass instead --validation=ignore to preserve current behavior going forward";

/// A golden case's `snap prepare-image` arguments.
#[derive(Debug, Clone)]
pub struct CaseArgs {
    /// The `--snap` arguments, in order (local paths relative to the fixtures).
    pub snaps: Vec<String>,
    /// The model file (relative to the fixtures).
    pub model: String,
}

impl CaseArgs {
    /// The `--snap` arguments with local paths made absolute (under the fixtures).
    pub fn snap_args(&self) -> Vec<String> {
        self.snaps
            .iter()
            .map(|s| {
                if s.split('=').next().is_some_and(|p| p.ends_with(".snap")) {
                    fixtures().join(s).display().to_string()
                } else {
                    s.clone()
                }
            })
            .collect()
    }

    /// The `--snap` options, local paths made absolute.
    pub fn option_snaps(&self) -> Vec<OptionSnap> {
        self.snap_args()
            .iter()
            .map(|s| OptionSnap::parse(s).unwrap_or_else(|e| panic!("--snap {s}: {e}")))
            .collect()
    }
}

/// Parses the `command` of a golden case (`… snap prepare-image [--snap S]… MODEL {OUT}`).
pub fn case_args(case: &str) -> CaseArgs {
    let command = std::fs::read_to_string(case_dir(case).join("command")).unwrap();
    let words: Vec<&str> = command.split_whitespace().collect();
    let at = words
        .iter()
        .position(|w| *w == "prepare-image")
        .unwrap_or_else(|| panic!("{case}: no prepare-image in {command:?}"));
    let mut rest = words[at + 1..].iter();
    let mut snaps = Vec::new();
    let mut positional = Vec::new();
    while let Some(w) = rest.next() {
        if *w == "--snap" {
            snaps.push(rest.next().expect("--snap value").to_string());
        } else {
            assert!(!w.starts_with('-'), "{case}: unexpected option {w}");
            positional.push(w.to_string());
        }
    }
    assert_eq!(positional.len(), 2, "{case}: MODEL {{OUT}} in {command:?}");
    assert_eq!(positional[1], "{OUT}");
    CaseArgs {
        snaps,
        model: positional[0].clone(),
    }
}

/// The options of a golden case built from `source` into `out`: its model, `--snap`s and
/// label, the test root trusted, the prepared tree only (prepare-image writes no disk
/// images).
pub fn case_options(case: &str, source: SnapSource, out: &Path) -> ImageOptions {
    let args = case_args(case);
    let model = std::fs::read(fixtures().join(&args.model)).unwrap();
    let mut options = ImageOptions::new(model, source, out);
    options.model_file = args.model.clone();
    options.snaps = args.option_snaps();
    options.label = label(case);
    options.trusted =
        vec![std::fs::read(fixtures().join("tk/testrootorg-trusted.stream")).unwrap()];
    options.disk_images = false;
    options
}

/// Runs `build` on a multi-threaded runtime, as the example does.
pub fn build(options: &ImageOptions) -> Result<Summary, Error> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(ucore_image::build(options, &NoProgress))
}

/// The `WARNING:` lines of a recorded stderr, without the prefix and without the
/// validation warning.
pub fn golden_warnings(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter_map(|l| l.strip_prefix("WARNING: "))
        .filter(|w| *w != VALIDATION_WARNING)
        .map(str::to_string)
        .collect()
}

/// One entry of a prepared directory.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Entry {
    /// Its path relative to the directory.
    pub path: String,
    /// `d`, `f` or `l`.
    pub kind: char,
    /// Its permission bits.
    pub mode: u32,
    /// A symlink's target, the directory written `{OUT}`.
    pub target: Option<String>,
}

impl Entry {
    /// The entry as compared: its type, mode (none for `.snap` files: we write them 0644,
    /// prepare-image writes its downloads 0600), path and symlink target.
    pub fn key(&self) -> String {
        let mode = if self.kind == 'f' && self.path.ends_with(".snap") {
            "-".to_string()
        } else {
            format!("{:04o}", self.mode)
        };
        format!(
            "{}\t{mode}\t{}\t{}",
            self.kind,
            self.path,
            self.target.as_deref().unwrap_or("")
        )
    }
}

/// The entries of a golden `listing.txt`.
pub fn golden_listing(case: &str) -> Vec<Entry> {
    let text = std::fs::read_to_string(case_dir(case).join("listing.txt")).unwrap();
    text.lines()
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            Entry {
                path: f[3].to_string(),
                kind: f[0].chars().next().unwrap(),
                mode: u32::from_str_radix(f[1], 8).unwrap(),
                target: f.get(4).map(|t| t.to_string()),
            }
        })
        .collect()
}

/// Every entry under `dir`, sorted by path.
pub fn listing(dir: &Path) -> Vec<Entry> {
    use std::os::unix::fs::PermissionsExt;
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let meta = std::fs::symlink_metadata(&p).unwrap();
            let rel = p.strip_prefix(dir).unwrap().display().to_string();
            let (kind, target) = if meta.file_type().is_symlink() {
                let t = std::fs::read_link(&p).unwrap().display().to_string();
                ('l', Some(t.replace(&dir.display().to_string(), "{OUT}")))
            } else if meta.is_dir() {
                todo.push(p.clone());
                ('d', None)
            } else {
                ('f', None)
            };
            out.push(Entry {
                path: rel,
                kind,
                mode: meta.permissions().mode() & 0o7777,
                target,
            });
        }
    }
    out.sort();
    out
}

/// What one listing has that the other has not: `+ ` ours, `- ` theirs.
pub fn listing_diff(ours: &[Entry], theirs: &[Entry]) -> Vec<String> {
    let a: BTreeSet<String> = ours.iter().map(Entry::key).collect();
    let b: BTreeSet<String> = theirs.iter().map(Entry::key).collect();
    let mut out: Vec<String> = a.difference(&b).map(|k| format!("+ {k}")).collect();
    out.extend(b.difference(&a).map(|k| format!("- {k}")));
    out
}

/// A grubenv file's variables (the `NAME=VALUE` lines of its 1024-byte block).
pub fn grubenv_vars(bytes: &[u8]) -> BTreeSet<String> {
    String::from_utf8_lossy(bytes)
        .lines()
        .filter(|l| !l.starts_with('#') && l.contains('='))
        .map(str::to_string)
        .collect()
}

/// Whether two versions of the file at `rel` are the same: byte for byte, or for a
/// grubenv the same size and the same variables.
pub fn same_file(rel: &str, ours: &[u8], theirs: &[u8]) -> bool {
    if rel.ends_with("grubenv") {
        ours.len() == theirs.len() && grubenv_vars(ours) == grubenv_vars(theirs)
    } else {
        ours == theirs
    }
}

/// The regular files under `dir` that are not snaps, relative, sorted.
pub fn metadata_files(dir: &Path) -> Vec<String> {
    listing(dir)
        .into_iter()
        .filter(|e| e.kind == 'f' && !e.path.ends_with(".snap") && !e.path.ends_with(".img"))
        .map(|e| e.path)
        .collect()
}

/// The one file we write differently on purpose: the UC20+ recovery GRUB config is our
/// own script, not snapd's GPL asset; only its first line (the edition header snapd's
/// asset management reads) is snapd's.
pub const RECOVERY_GRUB_CFG: &str = "system-seed/EFI/ubuntu/grub.cfg";

/// What is wrong with our recovery GRUB config against snapd's `theirs`: it must be the
/// crate's script, with snapd's first line.
fn recovery_grub_cfg_diff(ours: &[u8], theirs: &[u8]) -> Option<String> {
    let first = |b: &[u8]| {
        String::from_utf8_lossy(b)
            .lines()
            .next()
            .map(str::to_string)
    };
    if ours != ucore_image::boot::RECOVERY_GRUB_CFG.as_bytes() {
        Some(format!(
            "{RECOVERY_GRUB_CFG}: not the crate's recovery script"
        ))
    } else if first(ours) != first(theirs) {
        Some(format!(
            "{RECOVERY_GRUB_CFG}: first line {:?}, snapd's {:?}",
            first(ours),
            first(theirs)
        ))
    } else {
        None
    }
}

/// The files of `theirs` (relative paths under `theirs_dir`) that `ours_dir` lacks or holds
/// with other content, each with what differs.
pub fn file_diffs(ours_dir: &Path, theirs_dir: &Path, files: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for rel in files {
        let theirs = std::fs::read(theirs_dir.join(rel)).unwrap();
        match std::fs::read(ours_dir.join(rel)) {
            Err(e) => out.push(format!("{rel}: ours: {e}")),
            Ok(ours) if rel == RECOVERY_GRUB_CFG => {
                out.extend(recovery_grub_cfg_diff(&ours, &theirs));
            }
            Ok(ours) if !same_file(rel, &ours, &theirs) => out.push(format!(
                "{rel}: differs\n--- ours\n{}\n--- theirs\n{}",
                String::from_utf8_lossy(&ours),
                String::from_utf8_lossy(&theirs)
            )),
            Ok(_) => {}
        }
    }
    out
}
