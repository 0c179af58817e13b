//! Model statements and models, from the command line.
//!
//! ```text
//! cargo run --example model -- sign STATEMENT.json|yaml --key NAME [--keystore DIR] [--now RFC3339]
//! cargo run --example model -- show MODEL [--json]
//! cargo run --example model -- remodel OLD NEW [--json]
//! cargo run --example model -- check MODEL [ASSERTIONS…] [--json]
//! ```
//!
//! `sign` looks `NAME` up in a keypair store in snapd's layout (`FsKeypairManager`: key
//! names, then key ids); `--keystore` defaults to `$UCORE_KEYSTORE`, then
//! `~/.local/share/ucore/keystore`. `NAME` may also be the path of a PEM private key
//! (for tests). The signed model is printed on stdout.
//!
//! `check` exits 1 when there are findings; every command exits 2 on usage or read errors
//! (printed on stderr as `error: …`). Every command answers `--help`.

mod common;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use ucore_assertions::{Assertion, AssertionAccess, AssertionType};
use ucore_model::consistency::check_consistency;
use ucore_model::remodel::RemodelReport;
use ucore_model::{Model, ModelSummary, Statement};

type Failure = Box<dyn std::error::Error>;

/// Model statements and models: sign a statement, show what a model means, check a
/// remodel, check a model against the assertions around it.
#[derive(Parser)]
#[command(name = "model", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Checks a model statement (JSON or YAML, as `snap sign` takes it) and signs it;
    /// prints the signed model.
    Sign {
        /// The statement file (JSON if it starts with `{`, YAML otherwise).
        statement: PathBuf,
        /// The key: a key name or id in the keypair store, or the path of a PEM private
        /// key (`*.pem`, for tests).
        #[arg(long, value_name = "NAME")]
        key: String,
        /// The keypair store directory (snapd's layout); default `$UCORE_KEYSTORE`, then
        /// `~/.local/share/ucore/keystore`.
        #[arg(long, value_name = "DIR")]
        keystore: Option<PathBuf>,
        /// The clock: the default `timestamp` and the signature's creation time (default:
        /// now).
        #[arg(long, value_name = "RFC3339")]
        now: Option<jiff::Timestamp>,
    },
    /// Shows what a model means: kind, snaps per boot mode, grade, storage safety,
    /// validation sets, authorities.
    Show {
        /// A file holding the model assertion (alone or in a stream).
        model: PathBuf,
        /// JSON output.
        #[arg(long)]
        json: bool,
    },
    /// Reports a remodel from OLD to NEW: what changes, whether snapd allows it and
    /// what must be done first.
    Remodel {
        /// The device's current model.
        old: PathBuf,
        /// The new model.
        new: PathBuf,
        /// JSON output.
        #[arg(long)]
        json: bool,
    },
    /// Checks a model against the assertions around it (brand account, account-keys,
    /// validation sets, authorities); exits 1 when there are findings.
    Check {
        /// A file holding the model assertion (and possibly others, as a stream).
        model: PathBuf,
        /// More files of assertions (single assertions or streams).
        assertions: Vec<PathBuf>,
        /// JSON output.
        #[arg(long)]
        json: bool,
    },
}

use common::{assertions_in as assertions, read_file as read};

fn model_file(path: &Path) -> Result<Assertion, Failure> {
    let all = assertions(path)?;
    all.into_iter()
        .find(|a| a.assertion_type() == AssertionType::Model)
        .ok_or_else(|| format!("{}: no model assertion", path.display()).into())
}

fn run(command: Command) -> Result<ExitCode, Failure> {
    match command {
        Command::Sign {
            statement,
            key,
            keystore,
            now,
        } => {
            let text = String::from_utf8(read(&statement)?)?;
            let signer = common::keystore_signer(&key, keystore.as_deref())?;
            let statement = Statement::parse(&text)?;
            let signed = match now {
                Some(now) => statement.sign_at(&*signer, now)?,
                None => statement.sign(&*signer)?,
            };
            print!("{}", String::from_utf8_lossy(&signed.encode()));
            Ok(ExitCode::SUCCESS)
        }
        Command::Show { model, json } => {
            let a = model_file(&model)?;
            let summary = ModelSummary::of(&Model::try_from(&a)?, a.revision().max(0) as u64);
            if json {
                println!("{}", serde_json::to_string_pretty(&summary)?);
            } else {
                print!("{}", summary.to_text());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Remodel { old, new, json } => {
            let report = RemodelReport::of(&model_file(&old)?, &model_file(&new)?)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print!("{}", report.to_text());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Check {
            model,
            assertions: rest,
            json,
        } => {
            let model_assertion = model_file(&model)?;
            let mut others = assertions(&model)?;
            for f in &rest {
                others.extend(assertions(f)?);
            }
            let findings = check_consistency(&model_assertion, &others)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&findings)?);
            } else if findings.is_empty() {
                println!("no findings");
            } else {
                for f in &findings {
                    println!("{f}");
                }
            }
            Ok(if findings.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
