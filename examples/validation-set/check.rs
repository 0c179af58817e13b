//! `check`: the sets of a stream combined as snapd combines them, their conflicts, and a
//! device's installed snaps checked against them, in the oracle's field names.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use serde::Serialize;
use ucore_assertions::types::ValidationSet;
use ucore_assertions::validation_sets::{
    InstalledError, InstalledSnap, RevisionSets, ValidationSets,
};
use ucore_assertions::{AssertionType, Decoder};

use super::Outcome;
use super::files::read;

/// The options of `check`.
#[derive(Args)]
pub struct CheckArgs {
    /// The validation-set assertions (a stream; other assertion types are skipped).
    stream: PathBuf,
    /// The device's snaps: a JSON list of `{"name", "snap-id", "revision"}` (revision a
    /// number or snapd's text: `5`, `x1` for a local snap, `unset`).
    #[arg(long, value_name = "FILE")]
    installed: Option<PathBuf>,
    /// A snap installed with `--ignore-validation` (by the name the sets give it;
    /// repeatable): its entries are skipped when it is installed.
    #[arg(long, value_name = "NAME")]
    ignore_validation: Vec<String>,
    /// JSON output (the oracle's `validation-sets` field names).
    #[arg(long)]
    json: bool,
}

/// The installed check, as the oracle prints it: snapd's fields, `null` when empty.
#[derive(Serialize)]
struct InstalledReport {
    error: Option<String>,
    missing: Option<BTreeMap<String, BTreeMap<String, Vec<String>>>>,
    invalid: Option<BTreeMap<String, Vec<String>>>,
    wrong_revision: Option<BTreeMap<String, BTreeMap<String, Vec<String>>>>,
    sets: Option<Vec<String>>,
}

fn by_revision_text(m: &RevisionSets) -> Option<BTreeMap<String, BTreeMap<String, Vec<String>>>> {
    (!m.is_empty()).then(|| {
        m.iter()
            .map(|(name, revs)| {
                let revs = revs
                    .iter()
                    .map(|(r, s)| (r.to_string(), s.clone()))
                    .collect();
                (name.clone(), revs)
            })
            .collect()
    })
}

impl InstalledReport {
    fn of(result: Result<(), InstalledError>) -> Self {
        let e = match result {
            Ok(()) => InstalledError::default(),
            Err(e) => e,
        };
        let failed = !(e.missing.is_empty() && e.invalid.is_empty() && e.wrong_revision.is_empty());
        InstalledReport {
            error: failed.then(|| e.to_string()),
            missing: by_revision_text(&e.missing),
            invalid: (!e.invalid.is_empty()).then(|| e.invalid.clone()),
            wrong_revision: by_revision_text(&e.wrong_revision),
            sets: (!e.sets.is_empty()).then(|| e.sets.iter().cloned().collect()),
        }
    }
}

/// What `check` found, in the oracle's field names (the fields both compute).
#[derive(Serialize)]
struct Report {
    ok: bool,
    decode_error: Option<String>,
    add_errors: Vec<String>,
    conflict: Option<String>,
    conflict_snaps: Option<BTreeMap<String, String>>,
    conflict_sets: Option<Vec<String>>,
    installed_check: Option<InstalledReport>,
}

impl Report {
    fn empty() -> Self {
        Report {
            ok: false,
            decode_error: None,
            add_errors: Vec::new(),
            conflict: None,
            conflict_snaps: None,
            conflict_sets: None,
            installed_check: None,
        }
    }

    fn print(&self, json: bool) -> Result<(), serde_json::Error> {
        if json {
            println!("{}", serde_json::to_string_pretty(self)?);
            return Ok(());
        }
        if let Some(e) = &self.decode_error {
            println!("cannot decode the stream: {e}");
        }
        for e in &self.add_errors {
            println!("{e}");
        }
        if let Some(c) = &self.conflict {
            println!("{c}");
        }
        if let Some(e) = self.installed_check.as_ref().and_then(|i| i.error.as_ref()) {
            println!("{e}");
        }
        if self.ok {
            println!("ok");
        }
        Ok(())
    }
}

pub fn run(args: CheckArgs) -> Outcome {
    let bytes = read(&args.stream)?;
    let installed: Option<Vec<InstalledSnap>> = match &args.installed {
        Some(path) => Some(
            serde_json::from_slice(&read(path)?).map_err(|e| format!("{}: {e}", path.display()))?,
        ),
        None => None,
    };
    let mut report = Report::empty();
    let mut stream = Vec::new();
    for item in Decoder::new(&bytes[..]) {
        match item {
            Ok(a) => stream.push(a),
            Err(e) => {
                report.decode_error = Some(e.to_string());
                report.print(args.json)?;
                return Ok(ExitCode::from(1));
            }
        }
    }
    let mut sets = ValidationSets::new();
    for a in stream.iter().filter(|a| {
        ucore_assertions::AssertionAccess::assertion_type(*a) == AssertionType::ValidationSet
    }) {
        match ValidationSet::from_assertion(a) {
            Ok(set) => {
                if let Err(e) = sets.add(&set) {
                    report.add_errors.push(e.to_string());
                }
            }
            Err(e) => report.add_errors.push(e.to_string()),
        }
    }
    if let Err(e) = sets.conflict() {
        report.conflict = Some(e.to_string());
        report.conflict_snaps = Some(
            e.snaps
                .iter()
                .map(|(id, c)| (id.clone(), c.to_string()))
                .collect(),
        );
        report.conflict_sets = Some(e.sets.iter().cloned().collect());
    }
    if let Some(installed) = &installed {
        let ignore: BTreeSet<String> = args.ignore_validation.iter().cloned().collect();
        report.installed_check = Some(InstalledReport::of(
            sets.check_installed(installed, &ignore),
        ));
    }
    report.ok = report.add_errors.is_empty()
        && report.conflict.is_none()
        && report
            .installed_check
            .as_ref()
            .is_none_or(|i| i.error.is_none());
    report.print(args.json)?;
    Ok(if report.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
