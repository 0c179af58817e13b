//! The factory step on one machine: sign the ACME model, start a Serial Vault on
//! 127.0.0.1 with SQLite in a temporary directory, register devices concurrently (each with
//! its own RSA device key, generated once and cached), verify every serial through the
//! trust database, and print a summary.
//!
//! ```text
//! cargo run --release --example factory -- --devices 200 [--concurrency 16] [--key-bits 4096] [--cache DIR] [--json]
//! ```

mod job;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use job::FactoryOptions;

/// The factory job: a Serial Vault on 127.0.0.1 and many devices registering against it,
/// each serial verified through a trust database.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// How many devices register.
    #[arg(long, default_value_t = 200)]
    devices: usize,
    /// How many register at once.
    #[arg(long, default_value_t = 16)]
    concurrency: usize,
    /// Device and brand key size in bits (snapd makes 4096-bit device keys).
    #[arg(long, default_value_t = 4096)]
    key_bits: usize,
    /// Where generated keys are cached between runs [default: $TMPDIR/ucore-factory-keys].
    #[arg(long, value_name = "DIR")]
    cache: Option<PathBuf>,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
    /// No progress bars.
    #[arg(long)]
    quiet: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let mut opts = FactoryOptions {
        devices: args.devices,
        concurrency: args.concurrency,
        key_bits: args.key_bits,
        progress: !args.quiet,
        ..Default::default()
    };
    if let Some(dir) = args.cache {
        opts.cache_dir = dir;
    }
    let s = match job::run(&opts) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    if args.json {
        match serde_json::to_string_pretty(&s) {
            Ok(text) => println!("{text}"),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        }
    } else {
        println!("devices            {}", s.devices);
        println!("serials verified   {}", s.verified);
        println!("signing-log rows   {}", s.signing_log_rows);
        println!("elapsed            {:.2} s", s.elapsed_secs);
        println!("throughput         {:.1} registrations/s", s.throughput);
        println!("latency p50 / p99  {:.1} ms / {:.1} ms", s.p50_ms, s.p99_ms);
        for f in s.failures.iter().take(10) {
            println!("failure: {f}");
        }
    }
    if s.verified == s.devices {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
