//! The system-user `email` header against snapd 2.57 (Go 1.19's `net/mail`): every case of
//! `tests/data/mail_address.jsonl` (made by `tests/data/mail_address.py`) is decoded as a
//! system-user and must give snapd's verdict and error text.
//!
//! With `UCORE_ORACLE` set, a fresh set of random addresses is also compared live.

use std::path::Path;
use std::process::Command;

use serde_json::Value;
use ucore_assertions::AssertionRef;
use ucore_test_support::{oracle, repo};

/// The system-user of `system-user-basic.assert` with `email` as its email, as the generator
/// makes it.
fn system_user(email: &str) -> String {
    let base = std::fs::read_to_string(
        repo().join("tests/data/assertions/generated/valid/system-user-basic.assert"),
    )
    .expect("base system-user");
    let head = &base[..base.rfind("\n\n").expect("signature separator")];
    format!("{head}\n\nAXNpZw==").replacen(
        "email: admin@acme.example",
        &format!("email: {email}"),
        1,
    )
}

fn verdict(email: &str) -> String {
    match AssertionRef::decode(system_user(email).as_bytes()) {
        Ok(_) => "OK".to_owned(),
        Err(e) => e.to_string(),
    }
}

#[test]
fn every_golden_address_gets_snapds_verdict() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/mail_address.jsonl");
    let text = std::fs::read_to_string(&path).expect("mail_address.jsonl");
    let mut failures = Vec::new();
    let mut count = 0;
    for line in text.lines() {
        let case: Value = serde_json::from_str(line).expect("a JSON line");
        let email = case["email"].as_str().expect("email");
        let want = case["oracle"].as_str().expect("oracle");
        let got = verdict(email);
        if got != want {
            failures.push(format!("{email:?}\n   snapd: {want}\n   ucore: {got}"));
        }
        count += 1;
    }
    assert!(count >= 3000, "only {count} cases");
    assert!(
        failures.is_empty(),
        "{} of {count} differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The decoder's unbounded allocation (a loop in the address parser that consumed no
/// input, found by seeded fuzzing): the 288-byte input is refused with
/// snapd's text.
#[test]
fn the_crashing_input_is_refused_with_snapds_text() {
    let input = std::fs::read(repo().join("tests/data/hostile/system-user-email-loop.assert"))
        .expect("regression input");
    assert_eq!(input.len(), 288);
    let err = AssertionRef::decode(&input).unwrap_err();
    assert_eq!(
        err.to_string(),
        "assertion system-user: \"email\" header must be a RFC 5322 compliant email address: \
         mail: no angle-addr"
    );
}

/// Random addresses compared with the oracle as it runs (skipped without `UCORE_ORACLE`).
#[test]
fn random_addresses_match_the_live_oracle() {
    let Some(oracle) = oracle() else {
        return;
    };
    const TOKENS: &[&str] = &[
        "a",
        "b",
        ".",
        "@",
        "<",
        ">",
        "\"",
        "\\",
        "(",
        ")",
        ":",
        ";",
        ",",
        " ",
        "\u{1}",
        "é",
        "=?utf-8?q?a?=",
        "=?x?q?a?=",
        "a@b.c",
        "<a@b.c>",
    ];
    // A seed from the clock, printed, so a failure can be replayed.
    let seed = std::env::var("UCORE_MAIL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(1)
        });
    eprintln!("UCORE_MAIL_SEED={seed}");
    let mut state = seed | 1;
    let mut next = move |n: usize| {
        // xorshift64: enough to pick tokens
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let mut failures = Vec::new();
    for i in 0..120 {
        let len = 1 + next(8);
        let email: String = (0..len).map(|_| TOKENS[next(TOKENS.len())]).collect();
        if email.trim_matches([' ', '\t']).is_empty() || email.ends_with([' ', '\t']) {
            continue;
        }
        let file = dir.path().join(format!("{i}.assert"));
        std::fs::write(&file, system_user(&email)).expect("write case");
        let out = Command::new(&oracle)
            .arg("decode")
            .arg(&file)
            .output()
            .expect("run the oracle");
        let line = String::from_utf8_lossy(&out.stdout);
        let last = line.lines().last().unwrap_or("{}");
        let v: Value = serde_json::from_str(last).expect("oracle JSON");
        let want = v["error"].as_str().unwrap_or("OK").to_owned();
        let got = verdict(&email);
        if got != want {
            failures.push(format!("{email:?}\n   snapd: {want}\n   ucore: {got}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
