//! The signing API over HTTP: the happy path as snapd drives it, and every error path of
//! the Serial Vault's `/v1/request-id` and `/v1/serial` handlers
//! (`service/sign/handlers_sign.go`) plus ucore's own policy (single-use, expiring nonces;
//! a serial number refused to a second device key; a body size limit), each with its
//! status, code and message.

mod common;

use common::*;
use ucore_assertions::{Assertion, AssertionAccess, AssertionType};
use ucore_serial::{self as device, DeviceServiceConfig, Registration};
use ucore_serial_vault::Settings;
use ucore_serial_vault::http::ErrorBody;

fn expect_error(resp: (u16, String, Vec<u8>), status: u16, code: &str, message: &str) {
    let (st, ct, body) = resp;
    assert_eq!(st, status, "body: {}", String::from_utf8_lossy(&body));
    assert_eq!(ct, "application/json");
    let e: ErrorBody = serde_json::from_slice(&body).unwrap();
    assert!(!e.success);
    assert_eq!(e.error_code, code);
    assert!(
        e.message.contains(message),
        "{:?} does not contain {message:?}",
        e.message
    );
    assert_eq!(e.error_list[0].message, e.message);
}

fn request(tv: &TestVault, serial: &str, key: &str) -> Assertion {
    let id = request_id(tv);
    device::build_serial_request(&model(), &common::key(key), &id, Some(serial), None).unwrap()
}

#[test]
fn version_and_health() {
    let tv = TestVault::memory();
    let r = agent().get(&format!("{}version", tv.url)).call().unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let v: serde_json::Value =
        serde_json::from_slice(&r.into_body().read_to_vec().unwrap()).unwrap();
    assert_eq!(v["version"], env!("CARGO_PKG_VERSION"));
    let r = agent().get(&format!("{}health", tv.url)).call().unwrap();
    let v: serde_json::Value =
        serde_json::from_slice(&r.into_body().read_to_vec().unwrap()).unwrap();
    assert_eq!(v["database"], "healthy");
}

#[test]
fn snapd_flow_signs_a_serial_that_verifies() {
    let tv = TestVault::memory();
    let req = request(&tv, "A123456L", "device");
    let (st, ct, body) = tv.post_serial(&snapd_stream(&req, &model()));
    assert_eq!(st, 200, "{}", String::from_utf8_lossy(&body));
    assert_eq!(ct, "application/x.ubuntu.assertion");
    let serial = Assertion::decode(&body).unwrap();
    assert_eq!(serial.assertion_type(), AssertionType::Serial);
    assert_eq!(serial.header_str("serial"), Some("A123456L"));
    assert_eq!(serial.header_str("authority-id"), Some("acme"));
    assert_eq!(
        serial.header_str("device-key-sha3-384"),
        Some(key("device").key_id())
    );
    assert_eq!(serial.revision(), 1);
    ucore_signing::verify_signature(&serial, key("acme").public_key()).unwrap();
    device::check_serial(&serial, &model(), key("device").key_id(), &[], None).unwrap();
    // In the signing log before it was returned.
    let log = tv
        .rt
        .block_on(tv.vault.signing_log(Default::default()))
        .unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].assertion.as_bytes(), &body[..]);
}

#[test]
fn serial_stream_appends_account_and_account_key() {
    let tv = TestVault::memory();
    let req = request(&tv, "S1", "device");
    let resp = agent()
        .post(&tv.serial_url())
        .header("api-key", &tv.api_key)
        .header("Snap-Device-Capabilities", "serial-stream")
        .send(&snapd_stream(&req, &model())[..])
        .unwrap();
    let body = resp.into_body().read_to_vec().unwrap();
    let mut d = ucore_assertions::Decoder::new(&body[..]);
    let mut types = vec![];
    while let Some(a) = d.decode().unwrap() {
        types.push(a.assertion_type().name());
    }
    assert_eq!(types, ["serial", "account", "account-key"]);
}

#[test]
fn body_in_header_less_request_gives_the_serial_and_is_copied() {
    let tv = TestVault::memory();
    let id = request_id(&tv);
    let req = device::build_serial_request(
        &model(),
        &key("device"),
        &id,
        None,
        Some("serial: B-77\nmac: \"00:00:00:00:ff:00\""),
    )
    .unwrap();
    let (st, _, body) = tv.post_serial(&snapd_stream(&req, &model()));
    assert_eq!(st, 200);
    let serial = Assertion::decode(&body).unwrap();
    assert_eq!(serial.header_str("serial"), Some("B-77"));
    assert_eq!(serial.body(), req.body());
}

#[test]
fn bad_api_key() {
    let tv = TestVault::memory();
    expect_error(
        post(&format!("{}request-id", tv.url), None, b""),
        400,
        "invalid-api-key",
        "Invalid API key",
    );
    expect_error(
        post(&format!("{}request-id", tv.url), Some("wrong-key-123"), b""),
        400,
        "invalid-api-key",
        "Invalid API key",
    );
    let req = request(&tv, "X", "device");
    expect_error(
        post(
            &tv.serial_url(),
            Some("wrong-key-123"),
            &snapd_stream(&req, &model()),
        ),
        400,
        "invalid-api-key",
        "Invalid API key",
    );
}

#[test]
fn empty_body() {
    let tv = TestVault::memory();
    expect_error(tv.post_serial(b""), 400, "empty-data", "Nothing supplied");
}

#[test]
fn undecodable_body() {
    let tv = TestVault::memory();
    expect_error(
        tv.post_serial(b"type: serial-request\n"),
        400,
        "invalid-assertion",
        "",
    );
}

#[test]
fn wrong_first_type() {
    let tv = TestVault::memory();
    expect_error(
        tv.post_serial(&model().encode()),
        400,
        "invalid-type",
        "serial-request",
    );
}

#[test]
fn wrong_second_type() {
    let tv = TestVault::memory();
    let req = request(&tv, "X", "device");
    let other = Assertion::decode(read("acme-account.assert").as_bytes()).unwrap();
    expect_error(
        tv.post_serial(&snapd_stream(&req, &other)),
        400,
        "invalid-second-type",
        "'model'",
    );
}

#[test]
fn extra_assertion_after_model_is_refused() {
    let tv = TestVault::memory();
    let req = request(&tv, "X", "device");
    let mut s = snapd_stream(&req, &model());
    s.extend_from_slice(&model().encode());
    expect_error(tv.post_serial(&s), 400, "invalid-second-type", "'serial'");
}

#[test]
fn mismatched_model() {
    let tv = TestVault::memory();
    let id = request_id(&tv);
    // A serial-request for another model of the brand, sent with the acme-device-1 model.
    let other_model = model_named("other");
    let req =
        device::build_serial_request(&other_model, &key("device"), &id, Some("X"), None).unwrap();
    expect_error(
        tv.post_serial(&snapd_stream(&req, &model())),
        400,
        "mismatched-model",
        "do not match",
    );
}

/// Every way of forging a serial-request's self-signature, each refused with the exact
/// code and message (the verifier's text, as the Serial Vault sends its verifier's), and
/// nothing signed.
#[test]
fn forged_serial_request_signature() {
    let tv = TestVault::memory();
    let device_key = key("device");
    let req = request(&tv, "X", "device");
    let sig_by = |content: &[u8], signer: &str| {
        ucore_signing::signature::sign_content(
            content,
            &key(signer),
            ucore_assertions::Timestamp::from_openpgp_time(1_700_000_000),
        )
        .unwrap()
        .into_bytes()
    };
    let text = String::from_utf8(req.encode()).unwrap();
    let verification_failure =
        "failed signature verification: openpgp: invalid signature: RSA verification failure";
    // The signature's hash prefix does not match the content's digest.
    let other_digest =
        "failed signature verification: openpgp: invalid signature: hash tag doesn't match";
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            // Same content, signed by another key than its device-key.
            "another key's signature",
            Assertion::from_parts(req.content().to_vec(), sig_by(req.content(), "spare"))
                .unwrap()
                .encode(),
            verification_failure,
        ),
        (
            // A header changed after signing, the signature kept.
            "content changed after signing",
            text.replace("serial: X\n", "serial: Y\n").into_bytes(),
            other_digest,
        ),
        (
            // The device's own signature over other content.
            "a signature of other content",
            Assertion::from_parts(req.content().to_vec(), sig_by(b"other content", "device"))
                .unwrap()
                .encode(),
            other_digest,
        ),
        (
            // Signed by the device key, but naming another device-key (the spare key's
            // request, its sign-key-sha3-384 turned to the device key's id).
            "signed by a key other than its device-key",
            {
                let spare = key("spare");
                let theirs = device::build_serial_request(
                    &model(),
                    &spare,
                    &request_id(&tv),
                    Some("X"),
                    None,
                )
                .unwrap();
                let content = String::from_utf8(theirs.content().to_vec())
                    .unwrap()
                    .replace(spare.key_id(), device_key.key_id());
                let mut raw = content.clone().into_bytes();
                raw.extend_from_slice(b"\n\n");
                raw.extend_from_slice(&sig_by(content.as_bytes(), "device"));
                raw
            },
            "assertion serial-request: device key does not match included signing key id",
        ),
    ];
    let mut wrong = Vec::new();
    for (name, forged, message) in cases {
        let (st, ct, body) = tv.post_serial(&{
            let mut s = forged.clone();
            s.push(b'\n');
            s.extend_from_slice(&model().encode());
            s.push(b'\n');
            s
        });
        assert_eq!(st, 400, "{name}: {}", String::from_utf8_lossy(&body));
        assert_eq!(ct, "application/json", "{name}");
        let e: ErrorBody = serde_json::from_slice(&body).unwrap();
        assert_eq!(e.error_list[0].message, e.message, "{name}");
        let got = (e.error_code.as_str(), e.message.as_str());
        if got != ("invalid-assertion", message) {
            wrong.push(format!("{name}: {got:?}"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    // Nothing was signed, and the request-id is still good for the genuine request.
    let log = tv
        .rt
        .block_on(tv.vault.signing_log(Default::default()))
        .unwrap();
    assert!(log.is_empty());
    assert_eq!(tv.post_serial(&snapd_stream(&req, &model())).0, 200);
}

#[test]
fn replayed_nonce() {
    let tv = TestVault::memory();
    let req = request(&tv, "R1", "device");
    let s = snapd_stream(&req, &model());
    assert_eq!(tv.post_serial(&s).0, 200);
    expect_error(
        tv.post_serial(&s),
        400,
        "invalid-nonce",
        "Nonce is invalid or expired",
    );
}

#[test]
fn unknown_nonce() {
    let tv = TestVault::memory();
    let req =
        device::build_serial_request(&model(), &key("device"), "not-a-nonce", Some("X"), None)
            .unwrap();
    expect_error(
        tv.post_serial(&snapd_stream(&req, &model())),
        400,
        "invalid-nonce",
        "Nonce",
    );
}

#[test]
fn expired_nonce() {
    let tv = TestVault::start(
        "sqlite::memory:",
        Settings {
            nonce_ttl: std::time::Duration::ZERO,
            ..Default::default()
        },
    );
    let req = request(&tv, "X", "device");
    // A TTL of zero: the nonce is past its lifetime once the clock moves a second.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    expect_error(
        tv.post_serial(&snapd_stream(&req, &model())),
        400,
        "invalid-nonce",
        "expired",
    );
}

#[test]
fn nonce_is_consumed_even_when_a_later_check_fails() {
    let tv = TestVault::memory();
    tv.rt
        .block_on(tv.vault.set_key_active(key("acme").key_id(), false))
        .unwrap();
    let req = request(&tv, "X", "device");
    let s = snapd_stream(&req, &model());
    expect_error(tv.post_serial(&s), 400, "invalid-model", "");
    tv.rt
        .block_on(tv.vault.set_key_active(key("acme").key_id(), true))
        .unwrap();
    expect_error(tv.post_serial(&s), 400, "invalid-nonce", "");
}

#[test]
fn unknown_model() {
    let tv = TestVault::memory();
    // Another model with its own API key; the acme-device-1 request with that key finds nothing.
    tv.rt
        .block_on(tv.vault.add_model(
            "acme",
            "other",
            key("acme").key_id(),
            Some("other-api-key-01".into()),
        ))
        .unwrap();
    let (st, _, body) = post(
        &format!("{}request-id", tv.url),
        Some("other-api-key-01"),
        b"",
    );
    assert_eq!(st, 200);
    let id: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let req = device::build_serial_request(
        &model(),
        &key("device"),
        id["request-id"].as_str().unwrap(),
        Some("X"),
        None,
    )
    .unwrap();
    expect_error(
        post(
            &tv.serial_url(),
            Some("other-api-key-01"),
            &snapd_stream(&req, &model()),
        ),
        400,
        "invalid-model",
        "Cannot find model",
    );
}

#[test]
fn inactive_key() {
    let tv = TestVault::memory();
    tv.rt
        .block_on(tv.vault.set_key_active(key("acme").key_id(), false))
        .unwrap();
    let req = request(&tv, "X", "device");
    expect_error(
        tv.post_serial(&snapd_stream(&req, &model())),
        400,
        "invalid-model",
        "",
    );
}

#[test]
fn missing_serial_number() {
    let tv = TestVault::memory();
    let id = request_id(&tv);
    let req = device::build_serial_request(&model(), &key("device"), &id, None, None).unwrap();
    expect_error(
        tv.post_serial(&snapd_stream(&req, &model())),
        400,
        "create-assertion",
        "missing",
    );
}

#[test]
fn duplicate_serial_with_another_key_then_release() {
    let tv = TestVault::memory();
    let first = request(&tv, "DUP-1", "device");
    assert_eq!(tv.post_serial(&snapd_stream(&first, &model())).0, 200);
    let second = request(&tv, "DUP-1", "spare");
    expect_error(
        tv.post_serial(&snapd_stream(&second, &model())),
        400,
        "duplicate-assertion",
        "DUP-1 is already in use",
    );
    // The operator releases it; the other key may now have it, at the next revision.
    tv.rt
        .block_on(tv.vault.release_serial("acme", "acme-device-1", "DUP-1"))
        .unwrap();
    let third = request(&tv, "DUP-1", "spare");
    let (st, _, body) = tv.post_serial(&snapd_stream(&third, &model()));
    assert_eq!(st, 200);
    assert_eq!(Assertion::decode(&body).unwrap().revision(), 2);
}

#[test]
fn same_key_retry_gets_the_next_revision() {
    let tv = TestVault::memory();
    for rev in 1..=3 {
        let req = request(&tv, "IDEM-1", "device");
        let (st, _, body) = tv.post_serial(&snapd_stream(&req, &model()));
        assert_eq!(st, 200);
        assert_eq!(Assertion::decode(&body).unwrap().revision(), rev);
    }
}

#[test]
fn oversize_body() {
    let tv = TestVault::start(
        "sqlite::memory:",
        Settings {
            max_body_bytes: 4096,
            ..Default::default()
        },
    );
    let big = vec![b'a'; 8192];
    expect_error(tv.post_serial(&big), 413, "too-large", "4096");
    // The api-key is still checked first.
    expect_error(
        post(&tv.serial_url(), Some("nope-nope-nope"), &big),
        400,
        "invalid-api-key",
        "",
    );
}

#[test]
fn remodel_requests_are_refused() {
    let tv = TestVault::memory();
    let req = request(&tv, "X", "device");
    let mut s = snapd_stream(&req, &model());
    let serial = {
        let r2 = request(&tv, "Y", "device");
        let (_, _, b) = tv.post_serial(&snapd_stream(&r2, &model()));
        Assertion::decode(&b).unwrap()
    };
    s.extend_from_slice(&serial.encode());
    s.push(b'\n');
    expect_error(
        tv.post_serial(&s),
        400,
        "invalid-assertion",
        "unexpected assertion in the request stream",
    );
}

#[test]
fn device_library_registers_and_reports_events() {
    let tv = TestVault::memory();
    let config = DeviceServiceConfig::from_gadget_config(&serde_json::json!({
        "device-service": {"url": tv.url.trim_end_matches('/'), "headers": format!("{{\"api-key\":\"{}\"}}", tv.api_key)},
        "registration": {"proposed-serial": "Y1234", "body": "mac: \"00:00:00:00:ff:00\""}
    }))
    .unwrap();
    let trust = ucore_signing::Database::with_trusted(vec![
        Assertion::decode(read("testroot-account.assert").as_bytes()).unwrap(),
        Assertion::decode(read("testroot-account-key.assert").as_bytes()).unwrap(),
    ])
    .unwrap();
    let reg = Registration::new(config).with_trust(std::sync::Arc::new(trust));
    let mut events = vec![];
    let r = reg
        .register(&model(), &key("device"), &mut |e| events.push(e.clone()))
        .unwrap();
    assert_eq!(r.serial_number, "Y1234");
    assert_eq!(r.ancillary.len(), 2);
    assert!(
        matches!(events.last(), Some(device::Event::Registered { serial }) if serial == "Y1234")
    );
    assert!(matches!(events.first(), Some(device::Event::RequestingId)));
}

#[test]
fn device_library_reports_the_vault_message() {
    let tv = TestVault::memory();
    let config = DeviceServiceConfig::new(&tv.url)
        .header("api-key", "wrong-key-123")
        .proposed_serial("Z");
    let err = Registration::new(config)
        .register(&model(), &key("device"), &mut |_| {})
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot retrieve request-id for making a request for a serial: Invalid API key used"
    );
}

#[test]
fn device_library_can_be_awaited() {
    let tv = TestVault::memory();
    let config = DeviceServiceConfig::new(&tv.url)
        .header("api-key", &tv.api_key)
        .proposed_serial("AW-1");
    let reg = std::sync::Arc::new(Registration::new(config));
    let r = tv.rt.block_on(async {
        let h = reg.spawn(model(), key("device"));
        h.registered().await
    });
    assert_eq!(r.unwrap().serial_number, "AW-1");
}

#[test]
fn device_checks_refuse_a_serial_for_another_key() {
    let tv = TestVault::memory();
    let req = request(&tv, "K1", "device");
    let (_, _, body) = tv.post_serial(&snapd_stream(&req, &model()));
    let serial = Assertion::decode(&body).unwrap();
    let err =
        device::check_serial(&serial, &model(), key("spare").key_id(), &[], None).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("obtained serial assertion does not match provided device identity")
    );
}
