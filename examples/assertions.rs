//! `assertions`: snapd's assertion format from the command line, with the JSON of snapd's own
//! code (the oracle, snapd 2.57 built as a CLI) so the two can be compared line by line.
//!
//! ```text
//! cargo run --release -q --example assertions -- decode FILE|-
//! cargo run --release -q --example assertions -- keyid FILE [--json]
//! cargo run --release -q --example assertions -- bench FILE N
//! cargo run --release -q --example assertions -- verify TRUSTED|--canonical FILE [--now RFC3339]
//! cargo run --release -q --example assertions -- sign TYPE KEYFILE HEADERS_JSON [BODY_FILE] [--sig-time UNIX]
//! cargo run --release -q --example assertions -- account-key KEYFILE
//! cargo run --release -q --example assertions -- bench-verify TRUSTED|--canonical FILE N [PREREQS] [--now RFC3339]
//! cargo run --release -q --example assertions -- policy install --snap-yaml F --base-decl F [--snap-decl F] [--full] [COMMON]
//! cargo run --release -q --example assertions -- policy connect|auto-connect --snap-yaml F [--slot-snap-yaml F]
//!     [--snap-decl F] [--slot-snap-decl F] [--plug-attrs JSON] [--slot-attrs JSON] [COMMON] PLUG SLOT
//!     (COMMON: --base-decl F [--model F] [--store F] [--classic] [--distro ID] [--current])
//! ```
//!
//! * `decode` prints one JSON line per assertion of the stream (`type`, `headers`, `body`,
//!   `primary_key`, `format`, `revision`, `content_sha3_384`, `sign_key`, `signature`,
//!   `sig_created`, `reencoded_equal`), or `{"error": "<snapd's text>"}` and exits 1 at the first
//!   failure.
//! * `keyid` prints snapd's key id (SHA3-384) of a PEM RSA key (public or private), of an
//!   `account-key` assertion's body, or of a v1 public key text.
//! * `bench` decodes the stream N times and prints `ns_per_op`, `ns_per_assertion`, `mb_per_s`.
//! * `verify` adds each assertion of FILE in order to a trust database whose roots are the
//!   account and account-key assertions of TRUSTED (or snapd's built-in Canonical roots with
//!   `--canonical`), one JSON line each: `index`, `type`, `primary_key`, `ok`, `error`.
//! * `sign` signs HEADERS_JSON (a file, `-` or inline `{...}`; `snap sign` semantics) with the
//!   PEM RSA key at KEYFILE, at `--sig-time` (default now), and prints the assertion.
//! * `account-key` prints the account-key body (snapd's public key encoding) of a PEM key.
//! * `bench-verify` times N × (decode FILE + check each assertion) after adding PREREQS.
//! * `policy` runs snapd's interface policy (`install`, `connect`, `auto-connect`) with the
//!   oracle's arguments and JSON line; ucore has no built-in base-declaration, so
//!   `--base-decl` is required (see `examples/policy/mod.rs`).
//!
//! Options may be written `--now=T` or `--now T`, before or after the command, as the oracle
//! takes them (`-sysdb` is accepted for `--canonical`). Errors go to standard error as
//! `error: …` with exit status 2; exit status 1 is the oracle's "refused".
use std::io::Read;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};
use serde_json::{Value, json};
use ucore::assertions::{Assertion, AssertionAccess, Decoder, decode_slice, openpgp};

mod common;
mod policy;

use common::Trust;

/// snapd's assertion format from the command line, with the JSON of snapd's own code.
#[derive(Parser)]
#[command(name = "assertions", version)]
struct Cli {
    /// The clock of the trust checks (RFC 3339; default: now).
    #[arg(long, global = true, value_name = "RFC3339")]
    now: Option<jiff::Timestamp>,
    /// The signature creation time of `sign` (Unix seconds; default: now).
    #[arg(long, global = true, value_name = "UNIX")]
    sig_time: Option<u32>,
    /// Trust snapd's built-in Canonical roots instead of a TRUSTED stream (`-sysdb`).
    #[arg(long, global = true)]
    canonical: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// One JSON line per assertion of a stream, as snapd's decoder sees it.
    Decode {
        /// The stream (`-`: standard input).
        file: String,
    },
    /// snapd's key id of a PEM key, an account-key assertion or a v1 public key text.
    Keyid {
        /// The key or assertion (`-`: standard input).
        file: String,
        /// Print `{"key_id": …}` instead of the bare id.
        #[arg(long)]
        json: bool,
    },
    /// Decode a stream N times; the oracle's `bench` JSON.
    Bench {
        /// The stream.
        file: String,
        /// Iterations (a positive integer).
        n: String,
    },
    /// Add each assertion of FILE to a trust database; one JSON line per assertion.
    Verify {
        /// TRUSTED (account and account-key assertions; omitted with `--canonical`), then FILE.
        #[arg(value_name = "TRUSTED|FILE", num_args = 1..=2, required = true)]
        files: Vec<String>,
    },
    /// Sign headers given as JSON with a PEM RSA key; print the assertion.
    Sign {
        /// The assertion type.
        #[arg(value_name = "TYPE")]
        type_name: String,
        /// The PEM RSA key (PKCS#1 or PKCS#8).
        key_file: String,
        /// The headers: a JSON file, `-`, or inline `{...}`.
        headers: String,
        /// The body (a file).
        body_file: Option<String>,
    },
    /// The account-key body (snapd's public key encoding) of a PEM key.
    AccountKey {
        /// The PEM RSA key (public or private).
        key_file: String,
    },
    /// Time N × (decode FILE + check each assertion) after adding PREREQS; the oracle's JSON.
    BenchVerify {
        /// [TRUSTED] FILE N [PREREQS] (no TRUSTED with `--canonical`).
        #[arg(value_name = "ARGS", num_args = 2..=4, required = true)]
        args: Vec<String>,
    },
    /// snapd's interface policy: installation, connection and auto-connection checks.
    Policy {
        #[command(subcommand)]
        command: Box<policy::PolicyCommand>,
    },
}

fn main() -> ExitCode {
    // The oracle's single-dash spelling of `--canonical`.
    let args = std::env::args().map(|a| {
        if a == "-sysdb" {
            "--canonical".to_string()
        } else {
            a
        }
    });
    let cli = Cli::parse_from(args);
    match run(cli) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    let Cli {
        now,
        sig_time,
        canonical,
        command,
    } = cli;
    match command {
        Command::Decode { file } => read_input(&file).map(|input| decode(&input)),
        Command::Keyid { file, json } => read_input(&file).and_then(|input| keyid(&input, json)),
        Command::Bench { file, n } => bench(&read_input(&file)?, parse_count(&n)? as u64),
        Command::AccountKey { key_file } => account_key(&read_input(&key_file)?),
        Command::Sign {
            type_name,
            key_file,
            headers,
            body_file,
        } => {
            let body = body_file.as_deref().map(read_input).transpose()?;
            sign(&type_name, &key_file, &headers, body, sig_time)
        }
        Command::Verify { mut files } => {
            let trust = trust_roots(canonical, &mut files, "verify TRUSTED|--canonical FILE")?;
            let [file] = files.as_slice() else {
                return Err("usage: verify TRUSTED|--canonical FILE".into());
            };
            verify(trust.as_trust(), &read_input(file)?, now)
        }
        Command::Policy { command } => policy::run(&command),
        Command::BenchVerify { mut args } => {
            const USAGE: &str = "bench-verify TRUSTED|--canonical FILE N [PREREQS]";
            let trust = trust_roots(canonical, &mut args, USAGE)?;
            let (file, n, prereqs) = match args.as_slice() {
                [file, n] => (file, n, None),
                [file, n, prereqs] => (file, n, Some(read_input(prereqs)?)),
                _ => return Err(format!("usage: {USAGE}")),
            };
            bench_verify(
                trust.as_trust(),
                &read_input(file)?,
                parse_count(n)?,
                prereqs.as_deref(),
                now,
            )
        }
    }
}

/// The roots of trust: Canonical's, or the stream named by the first positional argument.
enum Roots {
    Canonical,
    Stream(Vec<u8>),
}

impl Roots {
    fn as_trust(&self) -> Trust<'_> {
        match self {
            Roots::Canonical => Trust::Sysdb,
            Roots::Stream(bytes) => Trust::Stream(bytes),
        }
    }
}

fn trust_roots(canonical: bool, args: &mut Vec<String>, usage: &str) -> Result<Roots, String> {
    if canonical {
        Ok(Roots::Canonical)
    } else if args.len() > 1 {
        read_input(&args.remove(0)).map(Roots::Stream)
    } else {
        Err(format!("usage: {usage}"))
    }
}

fn parse_count(n: &str) -> Result<usize, String> {
    match n.parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("N must be a positive integer, got {n:?}")),
    }
}

fn read_input(file: &str) -> Result<Vec<u8>, String> {
    if file == "-" {
        let mut input = Vec::new();
        std::io::stdin()
            .read_to_end(&mut input)
            .map_err(|e| format!("reading standard input: {e}"))?;
        Ok(input)
    } else {
        std::fs::read(file).map_err(|e| format!("{file}: {e}"))
    }
}

/// Decodes the stream and prints one line per assertion, as the oracle's `decode` does.
fn decode(input: &[u8]) -> ExitCode {
    // Where the next assertion starts in the input: `reencoded_equal` compares the encoding of
    // each assertion with the bytes the stream decoder consumed for it.
    let mut offset = 0;
    for item in Decoder::new(input) {
        match item {
            Ok(assertion) => {
                let encoded = assertion.encode();
                let consumed = input.get(offset..offset + encoded.len());
                let reencoded_equal = consumed == Some(encoded.as_slice());
                offset += encoded.len();
                if input.get(offset) == Some(&b'\n') {
                    offset += 1; // the blank line between two assertions
                }
                println!("{}", decode_json(&assertion, reencoded_equal));
            }
            Err(error) => {
                println!("{}", json!({ "error": error.to_string() }));
                return ExitCode::from(1);
            }
        }
    }
    ExitCode::SUCCESS
}

fn decode_json(assertion: &Assertion, reencoded_equal: bool) -> Value {
    let sig_created = signature_created(assertion.signature());
    json!({
        "type": assertion.assertion_type().name(),
        "headers": assertion.headers(),
        "body": assertion.body(),
        "primary_key": assertion.primary_key(),
        "format": assertion.format(),
        "revision": assertion.revision(),
        "content_sha3_384": assertion.content_sha3_384(),
        "sign_key": assertion.sign_key_sha3_384().unwrap_or_default(),
        "signature": String::from_utf8_lossy(assertion.signature()),
        "sig_created": sig_created,
        "reencoded_equal": reencoded_equal,
    })
}

/// `sig_created` as the oracle reads it: the creation time of the signature packet, from the
/// signature text with its surrounding whitespace trimmed (Go's `strings.TrimSpace`) and its
/// line breaks dropped. A signature followed by lines of only whitespace so still has one,
/// although snapd's check, which decodes the bytes as they are, refuses it
/// (`cannot decode signature: illegal base64 data at input byte N`).
fn signature_created(signature: &[u8]) -> Option<u32> {
    let text = String::from_utf8_lossy(signature);
    let flat: Vec<u8> = text.trim().bytes().filter(|&b| b != b'\n').collect();
    openpgp::decode_signature(&flat)
        .ok()
        .map(|signature| signature.creation_time())
}

/// Prints the key id of a PEM key, an account-key assertion or a v1 public key text.
fn keyid(input: &[u8], json: bool) -> Result<ExitCode, String> {
    let text = std::str::from_utf8(input).map_err(|_| "input is not UTF-8".to_string())?;
    let id = if text.contains("-----BEGIN") {
        if text.contains("PRIVATE KEY-----") {
            ucore::signing::RsaPrivateKey::from_pem(text)
                .map_err(|e| e.to_string())?
                .public_key()
                .key_id()
                .to_string()
        } else {
            ucore::signing::RsaPublicKey::from_pem(text)
                .map_err(|e| e.to_string())?
                .key_id()
                .to_string()
        }
    } else if let Ok(assertion) = Assertion::decode(input) {
        let body = assertion.body().ok_or_else(|| {
            format!(
                "{} assertion has no public key body",
                assertion.assertion_type()
            )
        })?;
        openpgp::decode_public_key(body.as_bytes())
            .map_err(|e| e.to_string())?
            .key_id()
            .to_string()
    } else {
        openpgp::decode_public_key(text.trim_end().as_bytes())
            .map_err(|e| e.to_string())?
            .key_id()
            .to_string()
    };
    if json {
        println!("{}", json!({ "key_id": id }));
    } else {
        println!("{id}");
    }
    Ok(ExitCode::SUCCESS)
}

/// Adds each assertion to a database over `trust`; one JSON line per assertion. Exit 1 if any
/// was refused, as the oracle does.
fn verify(
    trust: Trust<'_>,
    input: &[u8],
    now: Option<jiff::Timestamp>,
) -> Result<ExitCode, String> {
    let outcomes = common::verify(trust, input, now).map_err(|e| e.to_string())?;
    let mut refused = false;
    for outcome in &outcomes {
        let line = serde_json::to_value(outcome).map_err(|e| e.to_string())?;
        refused |= line.get("ok") != Some(&Value::Bool(true));
        println!("{line}");
    }
    Ok(if refused {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Signs headers (JSON: a file, `-` or inline) with a PEM key; prints the assertion or the
/// oracle's `{"error": ...}` with exit 1.
fn sign(
    type_name: &str,
    key_file: &str,
    headers: &str,
    body: Option<Vec<u8>>,
    sig_time: Option<u32>,
) -> Result<ExitCode, String> {
    let key =
        String::from_utf8(read_input(key_file)?).map_err(|_| format!("{key_file}: not UTF-8"))?;
    let headers = if headers.trim_start().starts_with('{') {
        headers.to_string()
    } else {
        String::from_utf8(read_input(headers)?).map_err(|_| format!("{headers}: not UTF-8"))?
    };
    match common::sign(type_name, &key, &headers, body, sig_time) {
        Ok(encoded) => {
            print!("{}", String::from_utf8_lossy(&encoded));
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => {
            println!("{}", json!({ "error": error.to_string() }));
            Ok(ExitCode::from(1))
        }
    }
}

/// Prints the account-key body of a PEM RSA key (no trailing newline, as the oracle).
fn account_key(input: &[u8]) -> Result<ExitCode, String> {
    let text = std::str::from_utf8(input).map_err(|_| "key file is not UTF-8".to_string())?;
    let public = if text.contains("PRIVATE KEY-----") {
        ucore::signing::RsaPrivateKey::from_pem(text)
            .map_err(|e| e.to_string())?
            .public_key()
            .clone()
    } else {
        ucore::signing::RsaPublicKey::from_pem(text).map_err(|e| e.to_string())?
    };
    print!("{}", public.to_snapd_text());
    Ok(ExitCode::SUCCESS)
}

/// The oracle's `bench-verify` JSON.
fn bench_verify(
    trust: Trust<'_>,
    input: &[u8],
    n: usize,
    prereqs: Option<&[u8]>,
    now: Option<jiff::Timestamp>,
) -> Result<ExitCode, String> {
    let result = common::bench_verify(trust, input, n, prereqs, now).map_err(|e| e.to_string())?;
    println!(
        "{}",
        json!({
            "op": "decode+check",
            "iterations": result.iterations,
            "assertions_per_op": result.assertions,
            "bytes_per_op": input.len(),
            "ns_per_op": result.ns_per_op.round() as u64,
            "ns_per_assertion": result.ns_per_assertion.round() as u64,
            "mb_per_s": result.mb_per_s,
        })
    );
    Ok(ExitCode::SUCCESS)
}

/// Decodes the whole stream `n` times; the oracle's `bench` JSON.
fn bench(input: &[u8], n: u64) -> Result<ExitCode, String> {
    // The input is in memory: the zero-copy stream decoder (same framing, checks and
    // errors as `Decoder` over a reader).
    let per_op = decode_slice(input)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?
        .len() as u64;
    let start = Instant::now();
    let mut decoded = 0u64;
    for _ in 0..n {
        for assertion in decode_slice(std::hint::black_box(input)) {
            std::hint::black_box(assertion.map_err(|e| e.to_string())?);
            decoded += 1;
        }
    }
    let elapsed = start.elapsed().as_nanos() as f64;
    assert_eq!(
        decoded,
        per_op * n,
        "every iteration decodes the whole stream"
    );
    let ns_per_op = elapsed / n as f64;
    let ns_per_assertion = ns_per_op / per_op.max(1) as f64;
    let mb_per_s = (input.len() as f64 * n as f64) / (elapsed / 1e9) / 1e6;
    println!(
        "{}",
        json!({
            "op": "decode",
            "iterations": n,
            "assertions_per_op": per_op,
            "bytes_per_op": input.len(),
            "ns_per_op": ns_per_op.round() as u64,
            "ns_per_assertion": ns_per_assertion.round() as u64,
            "mb_per_s": mb_per_s,
        })
    );
    Ok(ExitCode::SUCCESS)
}
