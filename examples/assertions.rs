//! `assertions`: snapd's assertion format from the command line, with the JSON of snapd's own
//! code (the oracle in `../shared/oracle`) so the two can be compared line by line.
//!
//! ```text
//! cargo run --release -q --example assertions -- decode FILE|-
//! cargo run --release -q --example assertions -- keyid FILE
//! cargo run --release -q --example assertions -- bench FILE N
//! ```
//!
//! * `decode` prints one JSON line per assertion of the stream (`type`, `headers`, `body`,
//!   `primary_key`, `format`, `revision`, `content_sha3_384`, `sign_key`, `signature`,
//!   `sig_created`, `reencoded_equal`), or `{"error": "<snapd's text>"}` and exits 1 at the first
//!   failure.
//! * `keyid` prints snapd's key id (SHA3-384) of a PEM RSA key (public or private), of an
//!   `account-key` assertion's body, or of a v1 public key text.
//! * `bench` decodes the stream N times and prints `ns_per_op`, `ns_per_assertion`, `mb_per_s`.
use std::io::Read;
use std::process::ExitCode;
use std::time::Instant;

use serde_json::{Value, json};
use ucore::assertions::{Assertion, AssertionAccess, Decoder, openpgp};

const USAGE: &str = "usage: assertions decode FILE|- | keyid FILE | bench FILE N";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["decode", file] => read_input(file).map(|input| decode(&input)),
        ["keyid", file] => read_input(file).and_then(|input| keyid(&input)),
        ["bench", file, n] => match n.parse::<u64>() {
            Ok(n) if n > 0 => read_input(file).and_then(|input| bench(&input, n)),
            _ => Err(format!("bench: N must be a positive integer, got {n:?}")),
        },
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("assertions: {message}");
            ExitCode::from(2)
        }
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

/// Decodes the whole stream `n` times; the oracle's `bench` JSON.
fn bench(input: &[u8], n: u64) -> Result<ExitCode, String> {
    let per_op = Decoder::new(input)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?
        .len() as u64;
    let start = Instant::now();
    let mut decoded = 0u64;
    for _ in 0..n {
        for assertion in Decoder::new(input) {
            let assertion = assertion.map_err(|e| e.to_string())?;
            decoded += std::hint::black_box(&assertion).content().len() as u64 / u64::MAX;
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
