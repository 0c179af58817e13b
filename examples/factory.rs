//! The factory step on one machine: sign the ACME model, start a Serial Vault on
//! 127.0.0.1 with SQLite in a temporary directory, register devices concurrently (each with
//! its own RSA device key, generated once and cached), verify every serial through the
//! trust database, and print a summary.
//!
//! ```text
//! cargo run --release --example factory -- --devices 200 [--concurrency 16] [--key-bits 4096] [--cache DIR] [--json]
//! ```

use ucore::serial::factory::{self, FactoryOptions};

fn main() {
    let mut opts = FactoryOptions {
        progress: true,
        ..Default::default()
    };
    let mut json = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = |name: &str| {
            args.next()
                .unwrap_or_else(|| usage(&format!("{name} needs a value")))
        };
        match a.as_str() {
            "--devices" => {
                opts.devices = val("--devices")
                    .parse()
                    .unwrap_or_else(|_| usage("bad --devices"))
            }
            "--concurrency" => {
                opts.concurrency = val("--concurrency")
                    .parse()
                    .unwrap_or_else(|_| usage("bad --concurrency"))
            }
            "--key-bits" => {
                opts.key_bits = val("--key-bits")
                    .parse()
                    .unwrap_or_else(|_| usage("bad --key-bits"))
            }
            "--cache" => opts.cache_dir = val("--cache").into(),
            "--json" => json = true,
            "--quiet" => opts.progress = false,
            _ => usage(&format!("unknown argument {a}")),
        }
    }
    match factory::run(&opts) {
        Ok(s) => {
            if json {
                println!("{}", serde_json::to_string_pretty(&s).unwrap_or_default());
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
            if s.verified != s.devices {
                std::process::exit(1);
            }
        }
        Err(e) => {
            eprintln!("factory: {e}");
            std::process::exit(1);
        }
    }
}

fn usage(msg: &str) -> ! {
    eprintln!(
        "{msg}\nusage: factory [--devices N] [--concurrency N] [--key-bits BITS] [--cache DIR] [--json] [--quiet]"
    );
    std::process::exit(2)
}
