//! `push`: signed validation sets published to a ucore store, which checks them (the
//! brand's signature, the snaps and revisions they name, the set's revisions) and serves
//! them to devices.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use ucore_assertions::{AssertionAccess, AssertionType};
use ucore_store::publisher_client::ClientError;

use super::Outcome;
use super::files::assertions;
use super::remote::Remote;

/// The options of `push`.
#[derive(Args)]
pub struct PushArgs {
    /// Files of signed validation-set assertions (what `sign` printed); each set is pushed
    /// in the order given.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// The store, and the brand's (or the store admin's) publishing credential.
    #[command(flatten)]
    remote: Remote,
    /// JSON output: the store's answer for each set.
    #[arg(long)]
    json: bool,
}

/// Pushes every validation set of the files; exit 1 when the store refuses one (the
/// ones before it stay published).
pub fn run(args: PushArgs) -> Outcome {
    let client = args.remote.client()?;
    let mut answers = Vec::new();
    for file in &args.files {
        for a in assertions(file)? {
            if a.assertion_type() != AssertionType::ValidationSet {
                continue;
            }
            match client.push_validation_set(&a.encode()) {
                Ok(pushed) => {
                    if !args.json {
                        let s = &pushed.set;
                        println!(
                            "{}/{} sequence {} revision {}: {} ({} snaps)",
                            s.account_id,
                            s.name,
                            s.sequence,
                            s.revision,
                            if pushed.unchanged {
                                "already published"
                            } else {
                                "published"
                            },
                            s.snaps
                        );
                    }
                    answers.push(pushed);
                }
                Err(e @ ClientError::Refused { .. }) => {
                    if args.json {
                        println!("{}", serde_json::to_string_pretty(&answers)?);
                    }
                    eprintln!("{}: refused: {e}", file.display());
                    return Ok(ExitCode::from(1));
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
    if answers.is_empty() {
        return Err("no validation-set assertion in the files given".into());
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&answers)?);
    }
    Ok(ExitCode::SUCCESS)
}
