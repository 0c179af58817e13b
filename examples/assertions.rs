//! `assertions`: snapd's assertion format from the command line, with the JSON of snapd's own
//! code (the oracle in `../shared/oracle`) so the two can be compared line by line.
//!
//! ```text
//! cargo run --release -q --example assertions -- decode FILE|-
//! cargo run --release -q --example assertions -- keyid FILE
//! cargo run --release -q --example assertions -- bench FILE N
//! cargo run --release -q --example assertions -- verify TRUSTED|--canonical FILE [--now RFC3339]
//! cargo run --release -q --example assertions -- sign TYPE KEYFILE HEADERS_JSON [BODY_FILE] [--sig-time UNIX]
//! cargo run --release -q --example assertions -- account-key KEYFILE
//! cargo run --release -q --example assertions -- bench-verify TRUSTED|--canonical FILE N [PREREQS] [--now RFC3339]
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
//!
//! Options may be written `--now=T` or `--now T`, anywhere on the line, as the oracle takes them.
use std::io::Read;
use std::process::ExitCode;
use std::time::Instant;

use serde_json::{Value, json};
use ucore::assertions::{Assertion, AssertionAccess, Decoder, decode_slice, openpgp};
use ucore::signing::commands::{self, Trust};

const USAGE: &str = "usage: assertions decode FILE|- | keyid FILE | bench FILE N | \
verify TRUSTED|--canonical FILE [--now RFC3339] | \
sign TYPE KEYFILE HEADERS_JSON [BODY_FILE] [--sig-time UNIX] | account-key KEYFILE | \
bench-verify TRUSTED|--canonical FILE N [PREREQS] [--now RFC3339]";

/// The command line: positional arguments and the oracle's options.
#[derive(Default)]
struct CommandLine {
    args: Vec<String>,
    now: Option<jiff::Timestamp>,
    sig_time: Option<u32>,
    canonical: bool,
}

impl CommandLine {
    fn parse(raw: impl Iterator<Item = String>) -> Result<Self, String> {
        let mut line = CommandLine::default();
        let mut raw = raw.peekable();
        while let Some(arg) = raw.next() {
            let (name, inline) = match arg.split_once('=') {
                Some((name, value)) if name.starts_with("--") => {
                    (name.to_string(), Some(value.to_string()))
                }
                _ => (arg.clone(), None),
            };
            let mut value = |what: &str| -> Result<String, String> {
                inline
                    .clone()
                    .or_else(|| raw.next())
                    .ok_or_else(|| format!("{what} needs a value"))
            };
            match name.as_str() {
                "--now" => {
                    let v = value("--now")?;
                    line.now = Some(v.parse().map_err(|e| format!("--now {v:?}: {e}"))?);
                }
                "--sig-time" => {
                    let v = value("--sig-time")?;
                    line.sig_time = Some(v.parse().map_err(|e| format!("--sig-time {v:?}: {e}"))?);
                }
                "--canonical" | "-sysdb" => line.canonical = true,
                _ => line.args.push(arg),
            }
        }
        Ok(line)
    }

    /// The trust roots: `--canonical`, or the first positional argument (a stream file).
    fn trust(&mut self) -> Result<Option<Vec<u8>>, String> {
        if self.canonical {
            Ok(None)
        } else if self.args.len() > 1 {
            let file = self.args.remove(1);
            read_input(&file).map(Some)
        } else {
            Err(USAGE.to_string())
        }
    }
}

fn main() -> ExitCode {
    let result = CommandLine::parse(std::env::args().skip(1)).and_then(run);
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("assertions: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(mut line: CommandLine) -> Result<ExitCode, String> {
    let command = line.args.first().cloned().unwrap_or_default();
    if matches!(command.as_str(), "verify" | "bench-verify") {
        let trust = line.trust()?;
        let trust = match &trust {
            Some(bytes) => Trust::Stream(bytes),
            None => Trust::Sysdb,
        };
        let args: Vec<&str> = line.args.iter().map(String::as_str).collect();
        return match args.as_slice() {
            ["verify", file] => verify(trust, &read_input(file)?, line.now),
            ["bench-verify", file, n, prereqs @ ..] if prereqs.len() <= 1 => {
                let prereqs = prereqs.first().map(|p| read_input(p)).transpose()?;
                bench_verify(
                    trust,
                    &read_input(file)?,
                    parse_count(n)?,
                    prereqs.as_deref(),
                    line.now,
                )
            }
            _ => Err(USAGE.to_string()),
        };
    }
    let args: Vec<&str> = line.args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["decode", file] => read_input(file).map(|input| decode(&input)),
        ["keyid", file] => read_input(file).and_then(|input| keyid(&input)),
        ["bench", file, n] => bench(&read_input(file)?, parse_count(n)? as u64),
        ["account-key", file] => account_key(&read_input(file)?),
        ["sign", type_name, key_file, headers, body @ ..] if body.len() <= 1 => {
            let body = body.first().map(|b| read_input(b)).transpose()?;
            sign(type_name, key_file, headers, body, line.sig_time)
        }
        _ => Err(USAGE.to_string()),
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
    let sig_created = openpgp::decode_signature(assertion.signature())
        .ok()
        .map(|signature| signature.creation_time());
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

/// Prints the key id of a PEM key, an account-key assertion or a v1 public key text.
fn keyid(input: &[u8]) -> Result<ExitCode, String> {
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
    println!("{id}");
    Ok(ExitCode::SUCCESS)
}

/// Adds each assertion to a database over `trust`; one JSON line per assertion. Exit 1 if any
/// was refused, as the oracle does.
fn verify(
    trust: Trust<'_>,
    input: &[u8],
    now: Option<jiff::Timestamp>,
) -> Result<ExitCode, String> {
    let outcomes = commands::verify(trust, input, now).map_err(|e| e.to_string())?;
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
    match commands::sign(type_name, &key, &headers, body, sig_time) {
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
    let result =
        commands::bench_verify(trust, input, n, prereqs, now).map_err(|e| e.to_string())?;
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
