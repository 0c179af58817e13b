//! A new revision of a set against the sets a model enforces (with their modes) and other
//! sets: snapd's conflict texts (spec §9.2), the statement standing in for its own set,
//! pinned sequences, and model sets that were not supplied.

mod common;

use ucore_assertions::types::{Model, ValidationSet, ValidationSetMode};
use ucore_assertions::{Assertion, Timestamp};
use ucore_model::ValidationSetEntry;
use ucore_model::validation_set::{ConflictReport, ValidationSetStatement};
use ucore_signing::RsaPrivateKey;

fn now() -> Timestamp {
    "2024-01-01T00:00:00Z".parse().unwrap()
}

fn key() -> RsaPrivateKey {
    RsaPrivateKey::from_pem(ucore_test_support::keys::ACME).unwrap()
}

/// A signed set `acme/NAME` at `sequence` with `snaps` (JSON entries).
fn set(name: &str, sequence: i64, snaps: &str) -> Assertion {
    ValidationSetStatement::parse(&format!(
        r#"{{"account-id":"acme","name":"{name}","sequence":{sequence},"snaps":[{snaps}]}}"#
    ))
    .unwrap()
    .sign_at(&key(), now())
    .unwrap()
}

const MY7: &str = r#"{"name":"my-snap","id":"mysnapididididididididididididid","revision":"7"}"#;
const MY8: &str = r#"{"name":"my-snap","id":"mysnapididididididididididididid","revision":"8"}"#;
const MY_INVALID: &str =
    r#"{"name":"my-snap","id":"mysnapididididididididididididid","presence":"invalid"}"#;

fn model() -> Assertion {
    common::uc22("acme-device")
        .validation_set(ValidationSetEntry::new("ctl", ValidationSetMode::Enforce))
        .validation_set(
            ValidationSetEntry::new("ctl-inv", ValidationSetMode::PreferEnforce).sequence(2),
        )
        .validation_set(ValidationSetEntry::new("gone", ValidationSetMode::Enforce))
        .timestamp("2024-01-01T00:00:00Z")
        .build()
        .sign_at(&key(), now())
        .unwrap()
}

#[test]
fn model_sets_with_modes_pins_and_missing_ones() {
    let model_assertion = model();
    let model = Model::try_from(&model_assertion).unwrap();
    let new = set("new", 1, MY7);
    let view = ValidationSet::from_assertion(&new).unwrap();
    let with = [
        set("ctl", 1, MY8),
        set("ctl-inv", 2, MY_INVALID),
        // A later sequence than the model pins: not the one combined.
        set("ctl-inv", 3, MY7),
        set("other", 1, MY7),
    ];
    let r = ConflictReport::check(&view, Some(&model), &with);
    assert_eq!(r.model.as_deref(), Some("acme/acme-device"));
    assert_eq!(r.missing_model_sets, ["acme/gone"]);
    assert_eq!(r.others, ["acme/other"]);
    assert_eq!(
        r.conflict.as_deref(),
        Some(
            "validation sets are in conflict:\n- cannot constrain snap \"my-snap\" as both \
             invalid (acme/ctl-inv) and required at different revisions 7 (acme/new,acme/other), \
             8 (acme/ctl)"
        )
    );
    let modes: Vec<_> = r
        .model_sets
        .iter()
        .map(|m| {
            (
                m.set.as_str(),
                m.mode,
                m.pinned,
                m.involved,
                m.used.map(|p| p.sequence),
            )
        })
        .collect();
    assert_eq!(
        modes,
        [
            ("acme/ctl", ValidationSetMode::Enforce, None, true, Some(1)),
            (
                "acme/ctl-inv",
                ValidationSetMode::PreferEnforce,
                Some(2),
                true,
                Some(2)
            ),
            ("acme/gone", ValidationSetMode::Enforce, None, false, None),
        ]
    );
    assert_eq!(
        r.conflict_snaps.keys().collect::<Vec<_>>(),
        ["mysnapididididididididididididid"]
    );
    assert!(!r.is_ok());
    let text = r.to_string();
    assert!(text.contains("model set acme/ctl-inv (prefer-enforce pinned at 2): sequence 2 revision 0 (in conflict)"), "{text}");
    assert!(
        text.contains("missing model sets (not checked): acme/gone"),
        "{text}"
    );
}

#[test]
fn the_statement_replaces_its_model_set() {
    let model_assertion = model();
    let model = Model::try_from(&model_assertion).unwrap();
    // The model's acme/ctl says my-snap at 8; its next revision says 7, like the others.
    let new = set("ctl", 2, MY7);
    let view = ValidationSet::from_assertion(&new).unwrap();
    let with = [
        set("ctl", 1, MY8),
        set("ctl-inv", 2, MY7),
        set("gone", 1, MY7),
    ];
    let r = ConflictReport::check(&view, Some(&model), &with);
    assert_eq!(r.conflict, None, "{r}");
    assert!(r.model_sets[0].replaced);
    assert!(r.missing_model_sets.is_empty());
    assert!(r.is_ok());
}
