//! The offline consistency check: each kind of finding, naming assertion and header.

mod common;

use ucore_assertions::{Assertion, AssertionAccess};
use ucore_model::consistency::{Problem, check_consistency};
use ucore_model::{
    Grade, ModelBuilder, SnapEntry, SnapType, ValidationSetEntry, ValidationSetMode,
};

fn prereqs() -> Vec<Assertion> {
    common::stream("acme-prereqs.stream")
}

fn signed(b: ModelBuilder, timestamp: &str) -> Assertion {
    b.timestamp(timestamp)
        .build()
        .sign_at(
            common::acme(),
            jiff::Timestamp::from_second(1_714_521_600).unwrap(),
        )
        .unwrap()
}

fn uc20() -> ModelBuilder {
    ModelBuilder::new("acme", "acme-device-2")
        .architecture("amd64")
        .base("core22")
        .grade(Grade::Signed)
        .snap(
            SnapEntry::new("pc")
                .id("UqFziVZDHLSyO3TqSWgNBoAdHbLI4dAH")
                .snap_type(SnapType::Gadget),
        )
        .snap(
            SnapEntry::new("pc-kernel")
                .id("pYVQrBcKmBa0mZ4CCN7ExT6jH8rY1hza")
                .snap_type(SnapType::Kernel),
        )
}

#[test]
fn the_seed_sample_with_its_prerequisites_is_consistent() {
    let model = Assertion::decode(&std::fs::read(common::data("model.assert")).unwrap()).unwrap();
    assert_eq!(check_consistency(&model, &prereqs()).unwrap(), []);
}

#[test]
fn missing_brand_account_and_key() {
    let model = Assertion::decode(&std::fs::read(common::data("model.assert")).unwrap()).unwrap();
    let f = check_consistency(&model, &[]).unwrap();
    let got: Vec<(&str, &str, &Problem)> = f
        .iter()
        .map(|f| (f.assertion.as_str(), f.header.as_str(), &f.problem))
        .collect();
    assert_eq!(
        got,
        [
            ("model acme/acme-device-1", "brand-id", &Problem::Missing),
            (
                "model acme/acme-device-1",
                "sign-key-sha3-384",
                &Problem::Missing
            ),
        ]
    );
    assert_eq!(f[0].message, "no account assertion for the brand \"acme\"");
}

#[test]
fn model_timestamp_before_the_key_since() {
    let model = signed(uc20(), "2015-06-01T00:00:00Z");
    let f = check_consistency(&model, &prereqs()).unwrap();
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].header, "timestamp");
    assert_eq!(
        f[0].message,
        "the model's timestamp 2015-06-01T00:00:00+00:00 is before the signing key's since 2016-01-01T00:00:00+00:00"
    );
}

#[test]
fn key_not_registered_to_the_brand() {
    // A model of brand "other" signed by acme's key: the key belongs to acme.
    let model = ModelBuilder::new("other", "device")
        .architecture("armhf")
        .gadget("device-1")
        .kernel("device-1-kernel")
        .timestamp("2024-05-01T00:00:00Z")
        .build()
        .sign_at(
            common::acme(),
            jiff::Timestamp::from_second(1_714_521_600).unwrap(),
        )
        .unwrap();
    let f = check_consistency(&model, &prereqs()).unwrap();
    let key = f
        .iter()
        .find(|f| f.header == "account-id")
        .expect("key finding");
    assert!(key.assertion.starts_with("account-key "), "{key}");
    assert_eq!(key.problem, Problem::Inconsistent);
    assert!(
        key.message
            .contains("registered to \"acme\", not to the brand \"other\""),
        "{key}"
    );
    assert!(
        f.iter().any(|f| f.header == "brand-id"),
        "no account for other: {f:?}"
    );
}

#[test]
fn validation_set_nobody_has_and_authorities_without_accounts() {
    let model = signed(
        uc20()
            .validation_set(ValidationSetEntry::new(
                "base-set",
                ValidationSetMode::Enforce,
            ))
            .serial_authority(&["acme", "serials-inc"])
            .system_user_authority(&["acme", "users-inc"]),
        "2024-05-01T00:00:00Z",
    );
    let f = check_consistency(&model, &prereqs()).unwrap();
    let headers: Vec<&str> = f.iter().map(|f| f.header.as_str()).collect();
    assert_eq!(
        headers,
        [
            "validation-sets",
            "serial-authority",
            "system-user-authority"
        ]
    );
    assert_eq!(
        f[0].to_string(),
        "model acme/acme-device-2 [validation-sets]: the model names validation set \"acme/base-set\" (enforce), but no validation-set assertion for it is given"
    );
}

#[test]
fn tampered_signature_is_found() {
    let model = Assertion::decode(&std::fs::read(common::data("model.assert")).unwrap()).unwrap();
    let text = String::from_utf8(model.encode())
        .unwrap()
        .replace("acme-dashboard", "acme-dashbored");
    let tampered = Assertion::decode(text.as_bytes()).unwrap();
    let f = check_consistency(&tampered, &prereqs()).unwrap();
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(
        f[0].message.starts_with("the signature does not verify"),
        "{}",
        f[0]
    );
}
