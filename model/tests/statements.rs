//! Statements → checked → signed models: every statement error against snapd 2.57's own
//! answer (goldens from the oracle, `tests/golden/regenerate.sh`), snapd today's rules
//! where they are newer than 2.57 (`assembleModel`, `asserts/model.go`), our own statement
//! checks, and byte-identity with the oracle.

mod common;

use std::collections::BTreeMap;

use serde_json::Value;
use ucore_assertions::AssertionAccess;
use ucore_model::{Error, Model, ModelBuilder, ModelKind, ModelMeaning, Statement};

fn cases() -> Vec<(String, Value)> {
    let text = std::fs::read_to_string(common::data("statement-cases.json")).unwrap();
    let v: Vec<Value> = serde_json::from_str(&text).unwrap();
    v.into_iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_owned(),
                c["statement"].clone(),
            )
        })
        .collect()
}

fn goldens() -> BTreeMap<String, Option<String>> {
    std::fs::read_to_string(common::golden("statement-errors.jsonl"))
        .unwrap()
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (
                v["name"].as_str().unwrap().to_owned(),
                v["error"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

/// Where snapd today (newer than 2.57) is stricter than the oracle (snapd 2.57, which signs
/// these): today's message, and the field.
const SPEC_NEWER_THAN_2_57: &[(&str, &str, &str)] = &[
    (
        "uc20-classic-snap-in-core",
        "cannot assemble assertion model: snap \"classy\" cannot be classic in non-classic model",
        "snaps[classy]",
    ),
    (
        "hybrid-classic-snap-not-app",
        "cannot assemble assertion model: snap \"classy\" cannot be classic with type \"base\" instead of app",
        "snaps[classy]",
    ),
    (
        "vs-not-list",
        "cannot assemble assertion model: \"validation-sets\" must be a list of validation sets",
        "validation-sets",
    ),
    (
        "vs-bad-name",
        "cannot assemble assertion model: \"name\" of validation-set contains invalid characters: \"Bad\"",
        "validation-sets.name",
    ),
    (
        "vs-no-mode",
        "cannot assemble assertion model: \"mode\" of validation-set is mandatory",
        "validation-sets.mode",
    ),
    (
        "vs-bad-mode",
        "cannot assemble assertion model: \"mode\" of validation-set must be prefer-enforce|enforce, not \"strict\"",
        "validation-sets",
    ),
    (
        "vs-bad-sequence",
        "cannot assemble assertion model: \"sequence\" of validation-set must be larger than 0 or left unspecified (meaning tracking latest)",
        "validation-sets",
    ),
    (
        "vs-twice",
        "cannot assemble assertion model: cannot add validation set \"acme/set-1\" twice",
        "validation-sets",
    ),
];

/// The field each oracle-refused case is about.
const FIELDS: &[(&str, &str)] = &[
    ("missing-series", "series"),
    ("missing-brand-id", "brand-id"),
    ("missing-model", "model"),
    ("authority-mismatch", "brand-id"),
    ("uc16-missing-gadget", "gadget"),
    ("uc16-missing-kernel", "kernel"),
    ("uc16-missing-architecture", "architecture"),
    ("uc16-empty-architecture", "architecture"),
    ("uc16-grade", "grade"),
    ("uc16-storage-safety", "storage-safety"),
    ("uc16-kernel-track-slash", "kernel"),
    ("uc16-kernel-track-risk", "kernel"),
    ("uc16-bad-required-snap", "required-snaps"),
    ("uc16-required-snaps-not-list", "required-snaps"),
    ("bad-model-name", "model"),
    ("classic-not-bool", "classic"),
    ("classic-with-kernel", "kernel"),
    ("classic-with-base", "base"),
    ("bad-base-name", "base"),
    ("bad-timestamp", "timestamp"),
    ("distribution-not-classic", "distribution"),
    ("uc20-with-gadget", "gadget"),
    ("uc20-with-required-snaps", "required-snaps"),
    ("uc20-missing-base", "base"),
    ("uc20-bad-grade", "grade"),
    ("uc20-bad-storage-safety", "storage-safety"),
    ("uc20-secured-unencrypted", "storage-safety"),
    ("uc20-snaps-not-list", "snaps"),
    ("uc20-snap-not-map", "snaps"),
    ("uc20-snap-no-name", "name of snap"), // no name to point at: the entry has none
    ("uc20-snap-bad-name", "snaps[Bad!]"),
    ("uc20-snap-missing-id", "snaps[noid]"),
    ("uc20-snap-bad-id", "snaps[badid].id"),
    ("uc20-snap-bad-type", "snaps[typed]"),
    ("uc20-snap-bad-mode", "snaps[moded].modes"),
    ("uc20-snap-bad-channel", "snaps[chan]"),
    ("uc20-snap-bad-presence", "snaps[pres]"),
    ("uc20-essential-with-modes", "snaps[pc]"),
    ("uc20-essential-with-presence", "snaps[pc-kernel]"),
    ("uc20-two-gadgets", "snaps[pc2]"),
    ("uc20-no-kernel", "snaps"),
    ("uc20-no-gadget", "snaps"),
    ("uc20-repeated-snap", "snaps"),
    ("uc20-repeated-id", "snaps"),
    ("uc20-base-wrong-type", "snaps[core22]"),
    ("uc20-unknown-base", "snaps"),
    ("hybrid-no-distribution", "distribution"),
    ("hybrid-bad-distribution", "distribution"),
    ("serial-authority-bad", "serial-authority"),
    ("system-user-authority-bad", "system-user-authority"),
    ("boolean-value", "classic"),
    ("null-value", "store"),
];

#[test]
fn every_statement_case_matches_snapd() {
    let goldens = goldens();
    let cases = cases();
    assert_eq!(cases.len(), goldens.len(), "regenerate the goldens");
    let mut refused = 0;
    for (name, statement) in cases {
        let ours = Statement::from_json(&statement.to_string())
            .unwrap()
            .check()
            .map(|_| ());
        let oracle = goldens.get(&name).expect("golden for every case");
        if let Some((_, message, field)) = SPEC_NEWER_THAN_2_57.iter().find(|(n, _, _)| *n == name)
        {
            assert_eq!(oracle, &None, "{name}: 2.57 signs it");
            let e = ours.expect_err(&name);
            assert_eq!(e.to_string(), *message, "{name}");
            assert_eq!(e.field(), Some(*field), "{name}");
            refused += 1;
            continue;
        }
        match (oracle, ours) {
            (None, Ok(())) => {}
            (Some(expected), Err(e)) => {
                assert_eq!(&e.to_string(), expected, "{name}");
                let field = FIELDS
                    .iter()
                    .find(|(n, _)| *n == name)
                    .unwrap_or_else(|| panic!("{name}: no expected field"))
                    .1;
                assert_eq!(e.field(), Some(field), "{name}: {e}");
                refused += 1;
            }
            (o, u) => panic!("{name}: oracle {o:?}, ours {u:?}"),
        }
    }
    assert!(refused >= 55, "{refused}");
}

#[test]
fn seed_sample_signs_byte_identical_to_the_oracle() {
    let statement =
        Statement::parse(&std::fs::read_to_string(common::data("model.json")).unwrap()).unwrap();
    let at = jiff::Timestamp::from_second(1_480_593_600).unwrap();
    let signed = statement.sign_at(common::acme(), at).unwrap();
    let expected = std::fs::read(common::data("model.assert")).unwrap();
    assert_eq!(signed.encode(), expected);
}

#[test]
fn yaml_statement_signs_the_same_as_json() {
    let yaml = "type: model\nauthority-id: acme\nbrand-id: acme\nseries: 16\nmodel: acme-device-1\n\
                architecture: armhf\ngadget: device-1\nkernel: device-1-kernel\nrequired-snaps:\n  \
                - acme-dashboard\n  - acme-control-plane\ntimestamp: 2016-12-01T12:00:00+00:00\n";
    let at = jiff::Timestamp::from_second(1_480_593_600).unwrap();
    let signed = Statement::from_yaml(yaml)
        .unwrap()
        .sign_at(common::acme(), at)
        .unwrap();
    assert_eq!(
        signed.encode(),
        std::fs::read(common::data("model.assert")).unwrap()
    );
}

#[test]
fn builder_writes_the_seed_sample() {
    let statement = ModelBuilder::new("acme", "acme-device-1")
        .architecture("armhf")
        .gadget("device-1")
        .kernel("device-1-kernel")
        .required_snap("acme-dashboard")
        .required_snap("acme-control-plane")
        .timestamp("2016-12-01T12:00:00+00:00")
        .build();
    let at = jiff::Timestamp::from_second(1_480_593_600).unwrap();
    let signed = statement.sign_at(common::acme(), at).unwrap();
    assert_eq!(
        signed.encode(),
        std::fs::read(common::data("model.assert")).unwrap()
    );
    let model = Model::try_from(&signed).unwrap();
    assert_eq!(model.kind(), ModelKind::Core16Or18);
}

/// The seed sample statement (model.json) without its `timestamp`.
fn sample_without_timestamp() -> Value {
    let mut v: Value =
        serde_json::from_str(&std::fs::read_to_string(common::data("model.json")).unwrap())
            .unwrap();
    v.as_object_mut().unwrap().remove("timestamp");
    v
}

#[test]
fn timestamp_defaults_to_now_and_nothing_else_is_invented() {
    let mut v = sample_without_timestamp();
    v.as_object_mut().unwrap().remove("type");
    let at = jiff::Timestamp::from_second(1_700_000_000).unwrap();
    let signed = Statement::from_json(&v.to_string())
        .unwrap()
        .sign_at(common::acme(), at)
        .unwrap();
    assert_eq!(signed.header_str("timestamp"), Some("2023-11-14T22:13:20Z"));
    assert_eq!(signed.header_str("type"), Some("model"));
    // Without authority-id, nothing fills it in.
    v.as_object_mut().unwrap().remove("authority-id");
    let e = Statement::from_json(&v.to_string())
        .unwrap()
        .check()
        .unwrap_err();
    assert_eq!(e.field(), Some("authority-id"), "{e}");
}

/// The `chrono` feature: the default `timestamp` and the signature time from a
/// `chrono::DateTime<Utc>`, and the model's timestamp back as one.
#[cfg(feature = "chrono")]
#[test]
fn chrono_times() {
    use chrono::{DateTime, TimeZone, Utc};
    use ucore_assertions::Timestamp;

    let v = sample_without_timestamp();
    let at = Utc.with_ymd_and_hms(2023, 11, 14, 22, 13, 20).unwrap();
    let statement = Statement::from_json(&v.to_string()).unwrap();
    let checked = statement
        .check_at(Timestamp::try_from(at).unwrap())
        .unwrap();
    let signed = checked
        .sign_at(common::acme(), Timestamp::try_from(at).unwrap())
        .unwrap();
    assert_eq!(signed.header_str("timestamp"), Some("2023-11-14T22:13:20Z"));
    let model = Model::try_from(&signed).unwrap();
    let back: DateTime<Utc> = model.timestamp.timestamp.into();
    assert_eq!(back, at);
}

#[test]
fn our_own_statement_checks() {
    let seed = std::fs::read_to_string(common::data("model.json")).unwrap();
    let mut v: Value = serde_json::from_str(&seed).unwrap();
    v["requried-snaps"] = Value::from(vec!["x"]);
    let s = Statement::from_json(&v.to_string()).unwrap();
    let e = s.check().unwrap_err();
    assert_eq!(e.field(), Some("requried-snaps"));
    assert_eq!(
        e.to_string(),
        "model statement field \"requried-snaps\": is not a header of model assertions (snapd \
         would sign and ignore it; check the spelling, or allow unknown headers)"
    );
    assert!(s.allow_unknown_headers(true).check().is_ok());

    let mut v: Value = serde_json::from_str(&seed).unwrap();
    v["type"] = Value::from("serial");
    let e = Statement::from_json(&v.to_string())
        .unwrap()
        .check()
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "model statement field \"type\": a model statement is of type \"model\", not \"serial\""
    );

    let mut v: Value = serde_json::from_str(&seed).unwrap();
    v["sign-key-sha3-384"] = Value::from("abc");
    let e = Statement::from_json(&v.to_string())
        .unwrap()
        .check()
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "model statement field \"sign-key-sha3-384\": is set by the signer, not by the statement"
    );

    let e = Statement::from_json("[1]").unwrap_err();
    assert_eq!(
        e.to_string(),
        "cannot read the model statement as JSON: a statement must be a mapping of header names to values"
    );
    let e = Statement::from_json("{\"a\":").unwrap_err();
    assert!(
        matches!(e, Error::StatementSyntax { format: "JSON", .. }),
        "{e}"
    );
    let e = Statement::from_yaml("a: [1\n").unwrap_err();
    assert!(
        matches!(e, Error::StatementSyntax { format: "YAML", .. }),
        "{e}"
    );
    let e = Statement::from_yaml("classic: true\n")
        .unwrap()
        .check()
        .unwrap_err();
    assert_eq!(e.field(), Some("classic"));
}
