//! Remodel reports: every refusal with snapd's (2.57 `devicestate.Remodel`) message, the
//! remodel kinds of `ClassifyRemodel`, the preconditions and the changes.

mod common;

use ucore_assertions::Assertion;
use ucore_model::remodel::{Precondition, Refusal, RemodelKind, RemodelReport};
use ucore_model::{Grade, ModelBuilder, SnapEntry, ValidationSetEntry, ValidationSetMode};

const AT: i64 = 1_714_521_600; // 2024-05-01

fn sign(b: ModelBuilder) -> Assertion {
    b.timestamp("2024-05-01T00:00:00Z")
        .build()
        .sign_at(common::acme(), jiff::Timestamp::from_second(AT).unwrap())
        .unwrap()
}

fn uc16(model: &str) -> ModelBuilder {
    ModelBuilder::new("acme", model)
        .architecture("armhf")
        .gadget("device-1")
        .kernel("device-1-kernel")
        .required_snap("acme-dashboard")
}

fn uc20(model: &str, grade: Grade) -> ModelBuilder {
    common::uc22(model).grade(grade)
}

fn report(a: ModelBuilder, b: ModelBuilder) -> RemodelReport {
    RemodelReport::of(&sign(a), &sign(b)).unwrap()
}

fn first_refusal(r: &RemodelReport) -> String {
    r.snapd_error().expect("refused").to_string()
}

#[test]
fn update_with_a_new_revision_is_allowed() {
    let r = report(
        uc16("m1"),
        uc16("m1").revision(1).required_snap("acme-control-plane"),
    );
    assert_eq!(r.kind, RemodelKind::Update);
    assert!(r.allowed, "{r:?}");
    assert!(r.preconditions.is_empty(), "{:?}", r.preconditions);
    assert!(r.changes.iter().any(|c| c.what == "snap"
        && c.name.as_deref() == Some("acme-control-plane")
        && c.from.is_none()));
    assert!(r.changes.iter().any(|c| c.what == "revision"));
}

#[test]
fn same_revision_is_refused_by_the_database() {
    let r = report(uc16("m1"), uc16("m1").required_snap("acme-control-plane"));
    assert_eq!(
        first_refusal(&r),
        "revision 0 is already the current revision"
    );
    let r = report(uc16("m1").revision(3), uc16("m1").revision(2));
    assert_eq!(
        first_refusal(&r),
        "revision 2 is older than current revision 3"
    );
}

#[test]
fn series_change_is_refused() {
    let r = report(uc16("m1"), uc16("m1").revision(1).series("18"));
    // The typed view does not restrict series; snapd refuses the change.
    assert!(matches!(r.refusals[0], Refusal::DifferentSeries { .. }));
    assert_eq!(first_refusal(&r), "cannot remodel to different series yet");
}

#[test]
fn pre_uc20_to_uc20_is_refused() {
    let r = report(uc16("m1"), uc20("m1", Grade::Signed).revision(1));
    assert_eq!(
        first_refusal(&r),
        "cannot remodel from pre-UC20 to UC20+ models"
    );
    // Architecture and core-to-bases refusals come after, in snapd's order.
    let rest: Vec<String> = r.refusals.iter().map(ToString::to_string).collect();
    assert_eq!(
        rest,
        [
            "cannot remodel from pre-UC20 to UC20+ models",
            "cannot remodel to different architectures yet",
            "cannot remodel from core to bases yet",
        ]
    );
}

#[test]
fn grade_changes_are_refused() {
    let r = report(
        uc20("m1", Grade::Signed),
        uc20("m1", Grade::Dangerous).revision(1),
    );
    assert_eq!(
        first_refusal(&r),
        "cannot remodel from grade signed to grade dangerous"
    );
    let r = report(
        uc20("m1", Grade::Signed),
        uc16("m1").architecture("amd64").revision(1),
    );
    // UC20+ to UC16/18: the new grade is unset, printed empty by snapd.
    assert_eq!(
        first_refusal(&r),
        "cannot remodel from grade signed to grade "
    );
}

#[test]
fn architecture_change_is_refused() {
    let r = report(uc16("m1"), uc16("m1").architecture("arm64").revision(1));
    assert_eq!(
        first_refusal(&r),
        "cannot remodel to different architectures yet"
    );
}

#[test]
fn core_to_bases_is_refused() {
    let r = report(uc16("m1"), uc16("m1").base("core18").revision(1));
    assert_eq!(first_refusal(&r), "cannot remodel from core to bases yet");
}

#[test]
fn new_model_needs_a_new_serial_and_store_switch_is_a_precondition() {
    let r = report(
        uc20("m1", Grade::Signed),
        uc20("m2", Grade::Signed)
            .store("acme-store")
            .serial_authority(&["acme", "serials-inc"]),
    );
    assert_eq!(r.kind, RemodelKind::Reregistration);
    assert!(r.allowed, "{:?}", r.refusals);
    assert!(r.preconditions.contains(&Precondition::NewSerial {
        serial_authority: vec!["acme".into(), "serials-inc".into()]
    }));
    assert!(r.preconditions.contains(&Precondition::StoreSwitch {
        from: None,
        to: Some("acme-store".into())
    }));
    let r = report(
        uc20("m1", Grade::Signed),
        uc20("m1", Grade::Signed).store("s2").revision(1),
    );
    assert_eq!(r.kind, RemodelKind::StoreSwitch);
}

#[test]
fn a_new_signing_key_must_be_acknowledged() {
    let old = sign(uc16("m1"));
    // The same statement signed by another (test-only) key.
    let other = ucore_signing::RsaPrivateKey::from_pem(ucore_test_support::keys::SPARE).unwrap();
    let new = uc16("m1")
        .revision(1)
        .timestamp("2024-05-01T00:00:00Z")
        .build()
        .sign_at(&other, jiff::Timestamp::from_second(AT).unwrap())
        .unwrap();
    let r = RemodelReport::of(&old, &new).unwrap();
    assert!(
        r.preconditions.iter().any(|p| matches!(
            p,
            Precondition::AcknowledgeSigningKey { account_id, key_id }
                if account_id == "acme" && key_id == ucore_signing::Signer::key_id(&other)
        )),
        "{:?}",
        r.preconditions
    );
}

#[test]
fn snap_and_validation_set_changes_are_listed() {
    let r = report(
        uc20("m1", Grade::Signed)
            .snap(SnapEntry::new("acme-app").id("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"))
            .validation_set(ValidationSetEntry::new(
                "old-set",
                ValidationSetMode::Enforce,
            )),
        uc20("m1", Grade::Signed)
            .revision(1)
            .snap(
                SnapEntry::new("acme-app")
                    .id("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
                    .default_channel("2/stable"),
            )
            .validation_set(
                ValidationSetEntry::new("new-set", ValidationSetMode::PreferEnforce).sequence(2),
            ),
    );
    assert!(r.allowed);
    let text = r.to_text();
    assert!(
        text.contains("snap acme-app: acme-app (latest/stable) -> acme-app (2/stable)"),
        "{text}"
    );
    assert!(
        text.contains("validation-set acme/new-set: (none) -> prefer-enforce sequence 2"),
        "{text}"
    );
    assert!(
        text.contains("validation-set acme/old-set: enforce -> (none)"),
        "{text}"
    );
    assert!(r.preconditions.contains(&Precondition::ValidationSets {
        added: vec!["acme/new-set".into()]
    }));
}
