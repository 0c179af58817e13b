//! `list`: the validation sets a ucore store serves for the brand (the latest sequence of
//! each), as a table or JSON.

use std::process::ExitCode;

use clap::Args;
use ucore_store::publisher_client::ClientError;

use super::Outcome;
use super::remote::Remote;

/// The options of `list`.
#[derive(Args)]
pub struct ListArgs {
    /// Only the set of this name.
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    /// The store, and the brand's (or the store admin's) publishing credential.
    #[command(flatten)]
    remote: Remote,
    /// JSON output (the store's answer).
    #[arg(long)]
    json: bool,
}

/// Lists the sets; exit 1 when the store refuses.
pub fn run(args: ListArgs) -> Outcome {
    let client = args.remote.client()?;
    let list = match client.validation_sets(args.name.as_deref()) {
        Ok(list) => list,
        Err(e @ ClientError::Refused { .. }) => {
            eprintln!("refused: {e}");
            return Ok(ExitCode::from(1));
        }
        Err(e) => return Err(e.into()),
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&list)?);
        return Ok(ExitCode::SUCCESS);
    }
    if list.validation_sets.is_empty() {
        eprintln!("no validation sets");
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<[String; 5]> = list
        .validation_sets
        .iter()
        .map(|s| {
            [
                format!("{}/{}", s.account_id, s.name),
                s.sequence.to_string(),
                s.revision.to_string(),
                s.snaps.to_string(),
                s.timestamp.clone(),
            ]
        })
        .collect();
    let header = ["Set", "Sequence", "Revision", "Snaps", "Timestamp"];
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            rows.iter()
                .map(|r| r[i].len())
                .chain([header[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &[&str]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        println!("{}", padded.join("  ").trim_end());
    };
    line(&header);
    for r in &rows {
        line(&r.iter().map(String::as_str).collect::<Vec<_>>());
    }
    Ok(ExitCode::SUCCESS)
}
