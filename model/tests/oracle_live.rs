//! Live differential tests against snapd 2.57 (`UCORE_ORACLE=/tmp/snapd-oracle`): models
//! signed from statements (JSON, YAML, typed builder; signed now, through a keypair store
//! as the `model sign` example does) decode and verify in the oracle after the brand's
//! account-key; and the oracle's models decode and verify in ours (that half needs no
//! oracle and always runs).

mod common;

use std::sync::Arc;

use ucore_assertions::{Assertion, AssertionAccess};
use ucore_model::{Grade, Model, ModelBuilder, SnapEntry, SnapType, Statement};
use ucore_signing::{CheckTime, Database, FsKeypairManager, KeypairManager, Signer};

/// The brand's key through a filesystem keypair store, by name (as `--key models`).
fn keystore_signer(dir: &std::path::Path) -> Arc<dyn Signer> {
    let store = FsKeypairManager::open(dir).unwrap();
    store.put(common::acme()).unwrap();
    store.set_name("models", common::acme().key_id()).unwrap();
    let id = store.key_id_for_name("models").unwrap();
    store.get(&id).unwrap()
}

fn statements() -> Vec<(&'static str, Statement)> {
    let seed = std::fs::read_to_string(common::data("model.json")).unwrap();
    let mut no_timestamp: serde_json::Value = serde_json::from_str(&seed).unwrap();
    no_timestamp.as_object_mut().unwrap().remove("timestamp");
    vec![
        ("seed sample", Statement::parse(&seed).unwrap()),
        ("seed sample, timestamp now", Statement::from_json(&no_timestamp.to_string()).unwrap()),
        (
            "yaml uc20",
            Statement::from_yaml(
                "type: model\nauthority-id: acme\nbrand-id: acme\nseries: 16\nmodel: acme-yaml\n\
                 architecture: arm64\nbase: core22\ngrade: dangerous\nsnaps:\n  - name: pi\n    \
                 type: gadget\n    default-channel: 22/stable\n  - name: pi-kernel\n    type: kernel\n\
                 \x20   default-channel: 22/stable\n  - name: acme-app\n    modes: [run, install]\n    \
                 presence: optional\n",
            )
            .unwrap(),
        ),
        (
            "builder uc20",
            ModelBuilder::new("acme", "acme-device-2")
                .display_name("ACME Device 2")
                .architecture("amd64")
                .base("core22")
                .grade(Grade::Secured)
                .store("acme-store")
                .snap(SnapEntry::new("pc").id("UqFziVZDHLSyO3TqSWgNBoAdHbLI4dAH").snap_type(SnapType::Gadget).default_channel("22/stable"))
                .snap(SnapEntry::new("pc-kernel").id("pYVQrBcKmBa0mZ4CCN7ExT6jH8rY1hza").snap_type(SnapType::Kernel).default_channel("22/stable"))
                .serial_authority(&["acme"])
                .system_user_authority_any()
                .build(),
        ),
    ]
}

#[test]
fn signed_statements_decode_and_verify_in_the_oracle() {
    let Some(oracle) = common::oracle() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let signer = keystore_signer(dir.path());
    let trusted = common::data("trusted.stream");
    let prereqs = std::fs::read(common::data("acme-prereqs.stream")).unwrap();
    let now = jiff::Timestamp::now().to_string();
    for (name, statement) in statements() {
        let signed = statement.sign(&*signer).unwrap();
        let bytes = signed.encode();
        let (code, out) = common::run_oracle(&oracle, &["decode", "-"], &bytes);
        assert_eq!(code, 0, "{name}: {out}");
        let decoded: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
        assert_eq!(decoded["reencoded_equal"], true, "{name}");
        assert_eq!(decoded["headers"]["brand-id"], "acme", "{name}");
        let mut stream = prereqs.clone();
        stream.extend_from_slice(&bytes);
        let now_arg = format!("--now={now}");
        let trusted_arg = trusted.to_str().unwrap();
        let (code, out) =
            common::run_oracle(&oracle, &[&now_arg, "verify", trusted_arg, "-"], &stream);
        assert_eq!(code, 0, "{name}: {out}");
        assert_eq!(out.lines().count(), 3, "{name}: {out}");
        assert!(
            out.lines().all(|l| l.contains("\"ok\":true")),
            "{name}: {out}"
        );
    }
}

#[test]
fn the_oracles_models_decode_and_verify_in_ours() {
    let db = Database::with_trusted(common::stream("trusted.stream")).unwrap();
    db.set_check_time(CheckTime::Fixed("2017-01-01T00:00:00Z".parse().unwrap()));
    for a in common::stream("acme-prereqs.stream") {
        db.add(a).unwrap();
    }
    let model = Assertion::decode(&std::fs::read(common::data("model.assert")).unwrap()).unwrap();
    db.check(&model).unwrap();
    let view = Model::try_from(&model).unwrap();
    assert_eq!(view.model, "acme-device-1");
    db.add(model).unwrap();
}

#[test]
fn our_signed_statements_verify_in_ours() {
    let db = Database::with_trusted(common::stream("trusted.stream")).unwrap();
    for a in common::stream("acme-prereqs.stream") {
        db.add(a).unwrap();
    }
    for (name, statement) in statements() {
        let signed = statement.sign(common::acme()).unwrap();
        db.check(&signed).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            signed.header_str("sign-key-sha3-384"),
            Some(common::acme().key_id())
        );
    }
}
