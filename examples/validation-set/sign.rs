//! `sign`: a statement placed after its set's earlier revisions, checked for conflicts,
//! signed (or, with `--dry-run`, only shown).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use serde::Serialize;
use ucore_assertions::types::Model;
use ucore_assertions::{AssertionAccess, AssertionType, Timestamp};
use ucore_model::validation_set::{
    ConflictReport, SequenceChoice, SetDiff, SetHistory, SignOptions, SignPlan,
    ValidationSetStatement,
};

use super::Outcome;
use super::files::{KeyArgs, all_assertions, assertions, read};

/// The options of `sign`.
#[derive(Args)]
pub struct SignArgs {
    /// The statement file (JSON if it starts with `{`, YAML otherwise).
    statement: PathBuf,
    #[command(flatten)]
    key: KeyArgs,
    /// The signing account: sets `authority-id` (and `account-id` when the statement has
    /// none; snapd requires them to be equal).
    #[arg(long, value_name = "ID")]
    authority: Option<String>,
    /// Earlier signed revisions of the set (assertion files or streams; other assertion
    /// types in them are skipped).
    #[arg(long, value_name = "STREAM")]
    previous: Vec<PathBuf>,
    /// Start a new sequence (`latest + 1`, revision 0) instead of the next revision of the
    /// latest sequence.
    #[arg(long)]
    new_sequence: bool,
    /// Sign even when nothing changed since the last revision, or when the sets conflict.
    #[arg(long)]
    force: bool,
    /// Show what would be signed (the diff, the conflicts) and sign nothing.
    #[arg(long)]
    dry_run: bool,
    /// A model whose `validation-sets` the set must agree with.
    #[arg(long, value_name = "FILE")]
    model: Option<PathBuf>,
    /// Validation sets to check against (the model's and others; assertion files or
    /// streams).
    #[arg(long, value_name = "STREAM")]
    with: Vec<PathBuf>,
    /// JSON output for `--dry-run` (and for refusals).
    #[arg(long)]
    json: bool,
    /// The clock: the default `timestamp` and the signature's creation time (default:
    /// now).
    #[arg(long, value_name = "RFC3339")]
    now: Option<jiff::Timestamp>,
}

/// What `--dry-run --json` prints.
#[derive(Serialize)]
struct DryRun<'a> {
    diff: &'a SetDiff,
    unchanged: bool,
    conflicts: Option<&'a ConflictReport>,
}

/// A refusal, as `--json` prints it.
#[derive(Serialize)]
struct Refusal<'a> {
    error: String,
    field: Option<&'a str>,
}

pub fn run(args: SignArgs) -> Outcome {
    let text = String::from_utf8(read(&args.statement)?)?;
    let now: Timestamp = args.now.map(Into::into).unwrap_or_else(Timestamp::now);
    let refused = |e: ucore_model::validation_set::Error| -> Outcome {
        if args.json {
            let r = Refusal {
                error: e.to_string(),
                field: e.field(),
            };
            println!("{}", serde_json::to_string_pretty(&r)?);
        } else {
            eprintln!("{e}");
        }
        Ok(ExitCode::from(1))
    };
    let mut statement = match ValidationSetStatement::parse(&text) {
        Ok(s) => s,
        Err(e) => return refused(e),
    };
    if let Some(authority) = &args.authority {
        statement.set("authority-id", authority.as_str());
        if statement.account_id().is_none() {
            statement.set("account-id", authority.as_str());
        }
    }
    let mut history = match SetHistory::for_statement(&statement) {
        Ok(h) => h,
        // No set named: snapd's own text for the statement.
        Err(e) => return refused(statement.check_at(now).err().unwrap_or(e.into())),
    };
    let previous = all_assertions(&args.previous)?;
    history.extend(&previous)?;
    let options = SignOptions {
        sequence: if args.new_sequence {
            SequenceChoice::NewSequence
        } else {
            SequenceChoice::Latest
        },
        force: args.force,
    };
    let plan = match SignPlan::new(&statement, &history, options, now) {
        Ok(p) => p,
        Err(e) => return refused(e),
    };

    let conflicts = if args.model.is_some() || !args.with.is_empty() {
        let model_assertion = match &args.model {
            Some(path) => Some(
                assertions(path)?
                    .into_iter()
                    .find(|a| a.assertion_type() == AssertionType::Model)
                    .ok_or_else(|| format!("{}: no model assertion", path.display()))?,
            ),
            None => None,
        };
        let model = model_assertion.as_ref().map(Model::try_from).transpose()?;
        let with = all_assertions(&args.with)?;
        let set = plan.checked().view()?;
        Some(ConflictReport::check(&set, model.as_ref(), &with))
    } else {
        None
    };
    let in_conflict = conflicts.as_ref().is_some_and(|c| c.conflict.is_some());

    if args.dry_run {
        if args.json {
            let out = DryRun {
                diff: plan.diff(),
                unchanged: plan.diff().is_unchanged(),
                conflicts: conflicts.as_ref(),
            };
            println!("{}", serde_json::to_string_pretty(&out)?);
        } else {
            print!("{}", plan.diff());
            if let Some(c) = &conflicts {
                print!("{c}");
            }
        }
        let problems = in_conflict || (plan.diff().is_unchanged() && !args.force);
        return Ok(if problems {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        });
    }
    if in_conflict && !args.force {
        if let Some(c) = &conflicts {
            eprint!("{c}");
        }
        eprintln!("not signed: the sets are in conflict (--force signs all the same)");
        return Ok(ExitCode::from(1));
    }
    let signer = args.key.signer()?;
    let signed = match plan.sign_at(&*signer, now) {
        Ok(a) => a,
        Err(ucore_model::validation_set::Error::Signing(e)) => return Err(e.into()),
        Err(e) => return refused(e),
    };
    print!("{}", String::from_utf8_lossy(&signed.encode()));
    Ok(ExitCode::SUCCESS)
}
