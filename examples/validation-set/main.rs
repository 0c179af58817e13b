//! Validation sets as code, from the command line.
//!
//! ```text
//! cargo run --example validation-set -- sign STATEMENT.json|yaml --key NAME [--keystore DIR]
//!     [--pkcs11 MODULE --token LABEL [--pin-env VAR]] [--authority ID]
//!     [--previous STREAM]... [--new-sequence] [--force] [--dry-run]
//!     [--model FILE] [--with STREAM]... [--json] [--now RFC3339]
//! cargo run --example validation-set -- check STREAM [--installed FILE]
//!     [--ignore-validation NAME]... [--json]
//! cargo run --example validation-set -- push FILE... (--dir DIR | --store URL --credential FILE)
//!     [--json]
//! cargo run --example validation-set -- list [--name NAME] (--dir DIR | --store URL
//!     --credential FILE) [--json]
//! cargo run --example validation-set -- preview STATE.json (--store URL [--model FILE
//!     --serial FILE --device-key PEM] | --available FILE) [--json]
//! ```
//!
//! `sign` checks a statement with snapd's rules, places it after the set's earlier
//! revisions (`--previous`: the next revision of the latest sequence; `--new-sequence`: a
//! new sequence), checks it against the model's sets and others (`--model`, `--with`) and
//! prints the signed assertion; `--dry-run` prints what it would sign (the diff from the
//! last revision, the conflicts) and signs nothing. `check` combines the sets of a stream
//! as a device would and checks a device's installed snaps against them. `push` publishes
//! signed sets to a ucore store, `list` shows what it serves. `preview` says what snapd
//! would refresh or refuse on a device (its sets, holds and snaps, first boot included),
//! asking a store or offline.
//!
//! Exit codes: 0 fine, 1 problems found (a refused statement, conflicts, unmet sets, a
//! statement that changes nothing), 2 usage or I/O errors (`error: …` on stderr). Every
//! command answers `--help`. Lines snapd prints in Go's random map order come sorted by
//! snap name.

mod check;
#[path = "../common/mod.rs"]
mod common;
mod files;
mod list;
mod preview;
mod push;
#[path = "../common/remote.rs"]
mod remote;
mod sign;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Validation sets as code: sign a validation-set statement after its earlier revisions,
/// check sets (and a device's snaps) as snapd combines them, publish them, preview a
/// device's refresh.
#[derive(Parser)]
#[command(name = "validation-set", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Checks a validation-set statement (JSON or YAML), places it after the set's earlier
    /// revisions, checks it for conflicts and signs it; prints the signed assertion.
    Sign(sign::SignArgs),
    /// Combines the validation sets of a stream as snapd does, reports conflicts and, with
    /// `--installed`, whether a device's snaps meet them.
    Check(check::CheckArgs),
    /// Publishes signed validation sets to a ucore store, which checks and serves them.
    Push(push::PushArgs),
    /// Lists the validation sets a ucore store serves for the brand (latest sequences).
    List(list::ListArgs),
    /// Says what snapd would refresh or refuse on a device, and why, asking a store (or
    /// offline, from the revisions it offers).
    Preview(preview::PreviewArgs),
}

/// How a command ended: an exit code (0 fine, 1 problems found).
type Outcome = Result<ExitCode, files::Failure>;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome: Outcome = match cli.command {
        Command::Sign(args) => sign::run(args),
        Command::Check(args) => check::run(args),
        Command::Push(args) => push::run(args),
        Command::List(args) => list::run(args),
        Command::Preview(args) => preview::run(args),
    };
    match outcome {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
