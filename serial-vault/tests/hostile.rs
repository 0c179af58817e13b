//! Hostile input for the vault: the `/v1/serial` body parser under memory and time limits,
//! the input that killed the vault (a 288-byte system-user that sent the decoder into an
//! unbounded loop) against a vault process, and the vault's
//! answer to a panic while handling a request.

mod common;

use std::sync::Arc;

use common::process::{ChildVault, child_vault_main};
use common::*;
use ucore_assertions::AssertionAccess;
use ucore_serial_vault::Settings;
use ucore_serial_vault::http::ErrorBody;
use ucore_serial_vault::vault::request::parse_request;
use ucore_signing::{RsaPrivateKey, RsaPublicKey, Signer};
use ucore_test_support::hostile::{Check, Limits};

#[global_allocator]
static ALLOC: ucore_test_support::alloc::Counting = ucore_test_support::alloc::Counting;

#[test]
#[ignore = "a vault process, started by the tests in this file"]
fn child_vault() {
    child_vault_main();
}

/// The 288 bytes of a system-user whose email sent the decoder into an unbounded loop and
/// made a running vault exit (issue 19 of this project, which the tests below are named
/// after).
fn issue_19_input() -> Vec<u8> {
    std::fs::read(
        ucore_test_support::repo().join("tests/data/hostile/system-user-email-loop.assert"),
    )
    .expect("regression input")
}

/// Issue 19's input with `prefix` put before its email.
fn email_prefixed(prefix: &str) -> Vec<u8> {
    let mut a = issue_19_input();
    let at = a
        .windows(7)
        .position(|w| w == b"email: ")
        .expect("email header")
        + 7;
    a.splice(at..at, prefix.bytes());
    a
}

const SNAPD_TEXT: &str = "assertion system-user: \"email\" header must be a RFC 5322 compliant \
                          email address: mail: no angle-addr";

fn expect_invalid_assertion(resp: (u16, String, Vec<u8>), message: &str) {
    let (status, content_type, body) = resp;
    assert_eq!(status, 400, "{}", String::from_utf8_lossy(&body));
    assert_eq!(content_type, "application/json");
    let e: ErrorBody = serde_json::from_slice(&body).expect("the JSON error envelope");
    assert_eq!(e.error_code, "invalid-assertion");
    assert_eq!(e.message, message);
}

/// The request parser's memory is bounded by its input, and the vault bounds its input
/// (`Settings::max_body_bytes`, 413 beyond): so one request's decode holds at most
/// 16 × 64 KiB + 1 MiB by default. Checked here on patterns at the body limit.
#[test]
fn the_request_parser_stays_linear_up_to_the_body_limit() {
    let check = Check::new("parse_request", Limits::default(), |body: &[u8]| {
        if let Ok(parsed) = parse_request(body) {
            let _ = parsed.request();
        }
    });
    let limit = Settings::default().max_body_bytes;
    let model = model().encode();
    check.input("issue 19", &issue_19_input());
    check.growth("many models after the request", 1, |n| {
        let mut body = Vec::new();
        for _ in 0..n {
            body.extend_from_slice(&model);
            body.extend_from_slice(b"\n");
        }
        body
    });
    check.growth("email phrase", 100, |n| email_prefixed(&" a..".repeat(n)));
    let pad = limit - issue_19_input().len();
    let cost = check.input(
        "a body at the limit",
        &email_prefixed(&"a..".repeat(pad / 3)),
    );
    assert!(cost.len <= limit && cost.len > limit - 3);
    assert!(
        cost.peak_bytes <= 16 * limit + (1 << 20),
        "a body at the limit held {} bytes",
        cost.peak_bytes
    );
}

/// What a device reads from a vault: its JSON answers. 32 bytes a byte, not 16: an
/// error-list item of 30 bytes of text holds two `String`s (48 bytes) and a place in a
/// vector that grows by doubling.
#[test]
fn json_answers_stay_linear() {
    let limits = Limits {
        bytes_per_input_byte: 32,
        ..Limits::default()
    };
    let check = Check::new("vault JSON answers", limits, |input: &[u8]| {
        let _ = serde_json::from_slice::<ErrorBody>(input);
        let _ = serde_json::from_slice::<ucore_serial_vault::http::RequestIdBody>(input);
    });
    check.growth("JSON nesting", 200, |n| {
        format!("{{\"message\": {}{}}}", "[".repeat(n), "]".repeat(n)).into_bytes()
    });
    check.growth("JSON long message", 4_000, |n| {
        format!("{{\"success\": false, \"message\": \"{}\"}}", "m".repeat(n)).into_bytes()
    });
    check.growth("JSON long error list", 500, |n| {
        let item = r#"{"code": "c", "message": "m"}"#;
        format!("{{\"error_list\": [{}]}}", vec![item; n].join(",")).into_bytes()
    });
}

/// What a vault reads from its operator: the TOML configuration. 160 bytes a byte: the
/// `toml` crate's document keeps spans and a table for each `[t]\nk = 1` of 12 bytes
/// (measured: about 140 bytes a byte at every size).
#[test]
fn the_configuration_reader_stays_linear() {
    let limits = Limits {
        bytes_per_input_byte: 160,
        ..Limits::default()
    };
    let check = Check::new("vault TOML", limits, |input: &[u8]| {
        if let Ok(text) = std::str::from_utf8(input) {
            let _ = ucore_serial_vault::VaultConfig::from_toml(text);
        }
    });
    check.growth("TOML nesting", 200, |n| {
        format!("x = {}{}\n", "[".repeat(n), "]".repeat(n)).into_bytes()
    });
    check.growth("TOML many tables", 200, |n| {
        (0..n)
            .map(|i| format!("[t{i}]\nk = 1\n"))
            .collect::<String>()
            .into_bytes()
    });
    check.growth("TOML long string", 4_000, |n| {
        format!("database = \"{}\"\n", "d".repeat(n)).into_bytes()
    });
}

/// Issue 19's input, posted with a valid API key to an in-process vault: 400 with snapd's
/// text, and the vault goes on signing.
#[test]
fn the_issue_19_input_gets_400_with_snapds_text() {
    let tv = TestVault::memory();
    expect_invalid_assertion(tv.post_serial(&issue_19_input()), SNAPD_TEXT);
    let id = request_id(&tv);
    let req =
        ucore_serial::build_serial_request(&model(), &key("device"), &id, Some("after-19"), None)
            .unwrap();
    assert_eq!(tv.post_serial(&snapd_stream(&req, &model())).0, 200);
}

/// The same against a vault in its own process, as the issue found it: the process answers
/// 400 and is still serving afterwards.
#[test]
fn a_vault_process_survives_the_issue_19_input() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("vault.db");
    let vault = ChildVault::spawn(&db.to_string_lossy());
    let serial = format!("{}serial", vault.url);
    for _ in 0..3 {
        expect_invalid_assertion(
            post(&serial, Some(&vault.api_key), &issue_19_input()),
            SNAPD_TEXT,
        );
    }
    let (status, _, _) = post(
        &format!("{}request-id", vault.url),
        Some(&vault.api_key),
        b"",
    );
    assert_eq!(status, 200, "the vault process still answers");
    vault.stop();
}

/// A signer that panics: a bug in a PKCS#11 module or a signing backend.
struct PanickingSigner(RsaPublicKey);

impl Signer for PanickingSigner {
    fn public_key(&self) -> &RsaPublicKey {
        &self.0
    }

    fn sign_digest(&self, _: &[u8; 64]) -> Result<Vec<u8>, ucore_signing::Error> {
        panic!("the signing backend failed");
    }
}

/// A panic while signing is a 500 with the JSON envelope (`server-error`, no panic text for
/// the client), and the vault keeps serving: the same model signs again once its key is
/// one that works.
#[test]
fn a_panic_while_signing_is_a_500_and_the_vault_carries_on() {
    let tv = TestVault::memory();
    let spare: RsaPrivateKey = key("spare");
    let panicking = Arc::new(PanickingSigner(spare.public_key().clone()));
    let brand_key_id = key("acme").key_id().to_string();
    tv.rt.block_on(async {
        tv.vault
            .add_external_key("acme", "broken", panicking)
            .await
            .unwrap();
        tv.vault
            .set_model_key("acme", "acme-device-1", spare.key_id())
            .await
            .unwrap();
    });
    let sign = |serial: &str| {
        let id = request_id(&tv);
        let req =
            ucore_serial::build_serial_request(&model(), &key("device"), &id, Some(serial), None)
                .unwrap();
        tv.post_serial(&snapd_stream(&req, &model()))
    };
    for _ in 0..2 {
        let (status, content_type, body) = sign("panics");
        assert_eq!(status, 500, "{}", String::from_utf8_lossy(&body));
        assert_eq!(content_type, "application/json");
        let e: ErrorBody = serde_json::from_slice(&body).unwrap();
        assert!(!e.success);
        assert_eq!(e.error_code, "server-error");
        assert_eq!(e.message, "Internal error while handling the request");
        assert_eq!(e.error_list[0].code, "server-error");
    }
    tv.rt.block_on(async {
        tv.vault
            .set_model_key("acme", "acme-device-1", &brand_key_id)
            .await
            .unwrap();
    });
    assert_eq!(sign("works").0, 200);
}
