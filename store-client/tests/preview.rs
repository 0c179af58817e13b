//! The auto-refresh preview offline (the store's answers from revisions it offers):
//! pinned revisions, invalid and missing snaps, the sticky ignore-validation flag,
//! conflicting sets, holds (snapd 2.57's cap vs today) and first boot.

mod preview_support;

use preview_support::*;
use serde_json::json;
use ucore_store_client::preview::{
    Decision, DeviceState, FindingKind, HoldBy, HoldUntil, Preview, SnapdBehaviour,
};
use ucore_store_client::protocol::SnapAction;

fn decision(p: &Preview, snap: &str) -> Decision {
    p.snap(snap)
        .unwrap_or_else(|| panic!("no row for {snap}: {p}"))
        .decision
        .clone()
}

fn findings(p: &Preview, kind: FindingKind) -> Vec<String> {
    p.findings
        .iter()
        .filter(|f| f.kind == kind)
        .map(|f| f.message.clone())
        .collect()
}

fn refresh(from: i64, to: i64) -> Decision {
    use ucore_store_client::preview::vs::SnapRevision;
    Decision::Refresh {
        from: SnapRevision(from),
        to: SnapRevision(to),
        channel: "latest/stable".into(),
    }
}

fn pins(revision: u32) -> serde_json::Value {
    json!({"validation-sets": [enforce(vset("pins", 1, json!([
        {"name": "hello", "id": HELLO, "revision": revision.to_string()}])))]})
}

#[test]
fn without_sets_every_snap_moves_to_its_channels_newest() {
    let p = Preview::offline(&state(json!({})), &store()).unwrap();
    assert_eq!(decision(&p, "hello"), refresh(3, 7));
    assert_eq!(decision(&p, "core"), refresh(10, 11));
    assert!(p.findings.is_empty(), "{:?}", p.findings);
    let req = p.request.clone().unwrap();
    assert_eq!(req.context.len(), 2);
    assert!(
        matches!(&req.actions[0], SnapAction::Refresh { revision: None, validation_sets, .. } if validation_sets.is_empty())
    );
}

#[test]
fn a_pinned_revision_is_asked_for_with_its_set() {
    let p = Preview::offline(&state(pins(5)), &store()).unwrap();
    assert_eq!(decision(&p, "hello"), refresh(3, 5));
    let row = p.snap("hello").unwrap();
    assert_eq!(row.why, "revision 5 required by 16/acme/pins/1");
    assert_eq!(
        row.not_removable.as_deref(),
        Some(
            r#"snap "hello" is not removable: snap "hello" at revision 5 is required by validation sets: 16/acme/pins/1"#
        )
    );
    let req = p.request.as_ref().unwrap();
    let body = serde_json::to_value(&req.actions[0]).unwrap();
    assert_eq!(
        body,
        json!({"action": "refresh", "instance-key": HELLO, "snap-id": HELLO, "revision": 5,
               "validation-sets": [["16", "acme", "pins", "1"]]})
    );
    // the wrong revision is what the refresh fixes
    let not_met = findings(&p, FindingKind::NotMet);
    assert!(not_met[0].starts_with("validation sets assertions are not met:\n- snaps at wrong revisions:\n  - hello (required at revision 5 by sets acme/pins)"), "{not_met:?}");
}

#[test]
fn a_snap_at_its_pinned_revision_is_not_asked_about() {
    let mut s = state(pins(5));
    s.snaps[0].revision = "5".parse().unwrap();
    let p = Preview::offline(&s, &store()).unwrap();
    assert_eq!(decision(&p, "hello"), Decision::UpToDate);
    assert_eq!(
        p.snap("hello").unwrap().why,
        "at revision 5 required by 16/acme/pins/1"
    );
    let req = p.request.clone().unwrap();
    assert_eq!(req.context.len(), 2, "still context");
    assert_eq!(req.actions.len(), 1, "but no action");
    assert!(findings(&p, FindingKind::NotMet).is_empty());
}

#[test]
fn a_pinned_revision_the_store_lacks_is_refused() {
    let p = Preview::offline(&state(pins(6)), &store()).unwrap();
    assert_eq!(
        decision(&p, "hello"),
        Decision::Refused {
            reason: "no snap revision available as specified".into()
        }
    );
    assert_eq!(
        p.snap("hello").unwrap().why,
        "16/acme/pins/1 require revision 6, which the store does not offer to this device"
    );
}

fn with_bad(ignore: bool) -> DeviceState {
    let mut s = state(json!({"validation-sets": [enforce(vset("rules", 2, json!([
        {"name": "bad", "id": BAD, "presence": "invalid"}])))]}));
    s.snaps.push(
        serde_json::from_value(json!({"name": "bad", "snap-id": BAD, "revision": 1,
            "ignore-validation": ignore}))
        .unwrap(),
    );
    s
}

#[test]
fn an_installed_invalid_snap_stops_the_whole_auto_refresh() {
    let p = Preview::offline(&with_bad(false), &store()).unwrap();
    assert!(p.request.is_none());
    let reason = r#"unexpected presence "invalid" for snap "bad""#;
    assert_eq!(
        decision(&p, "bad"),
        Decision::Refused {
            reason: reason.into()
        }
    );
    assert!(
        p.snap("bad")
            .unwrap()
            .why
            .starts_with("declared invalid by 16/acme/rules/2")
    );
    assert_eq!(
        decision(&p, "hello"),
        Decision::Aborted {
            reason: reason.into()
        }
    );
    assert_eq!(
        findings(&p, FindingKind::Aborted),
        [format!("auto-refresh fails: {reason}")]
    );
    let not_met = findings(&p, FindingKind::NotMet);
    assert!(
        not_met[0].contains("- invalid snaps:\n  - bad (invalid for sets acme/rules)"),
        "{not_met:?}"
    );
}

#[test]
fn the_sticky_ignore_validation_flag_lets_an_invalid_snap_refresh() {
    let p = Preview::offline(&with_bad(true), &store()).unwrap();
    assert_eq!(decision(&p, "bad"), refresh(1, 2));
    assert_eq!(decision(&p, "hello"), refresh(3, 7));
    assert!(
        p.snap("bad")
            .unwrap()
            .why
            .contains("ignore-validation is set")
    );
    let req = p.request.clone().unwrap();
    let ctx = req.context.iter().find(|c| c.snap_id == BAD).unwrap();
    assert!(ctx.ignore_validation);
    assert_eq!(
        serde_json::to_value(ctx).unwrap()["ignore-validation"],
        true
    );
    assert!(findings(&p, FindingKind::NotMet).is_empty());
}

#[test]
fn a_missing_required_snap_is_never_installed_by_a_refresh() {
    let s = state(json!({"validation-sets": [enforce(vset("needs", 1, json!([
        {"name": "tool", "id": TOOL, "revision": "4"}])))]}));
    let p = Preview::offline(&s, &store()).unwrap();
    let row = p.snap("tool").unwrap();
    assert_eq!(row.installed, None);
    assert_eq!(
        row.decision,
        Decision::Missing {
            required_by: vec!["16/acme/needs/1".into()]
        }
    );
    assert_eq!(row.revision.map(|r| r.0), Some(4));
    assert!(
        row.why.contains("no auto-refresh installs it"),
        "{}",
        row.why
    );
    let not_met = findings(&p, FindingKind::NotMet);
    assert!(not_met[0].contains(
        "- missing required snaps:\n  - tool (required at revision 4 by sets acme/needs)"
    ));

    let old = DeviceState {
        snapd_behaviour: SnapdBehaviour::V2_57,
        ..s
    };
    let p = Preview::offline(&old, &store()).unwrap();
    assert!(
        p.snap("tool")
            .unwrap()
            .why
            .contains("snapd 2.57 never installs it")
    );
}

#[test]
fn conflicting_sets_are_reported_and_do_not_constrain_the_snap() {
    let s = state(json!({"validation-sets": [
        enforce(vset("a", 1, json!([{"name": "hello", "id": HELLO, "revision": "5"}]))),
        enforce(vset("b", 3, json!([{"name": "hello", "id": HELLO, "revision": "6"}]))),
    ]}));
    let p = Preview::offline(&s, &store()).unwrap();
    assert_eq!(
        findings(&p, FindingKind::Conflict),
        [
            "validation sets are in conflict:\n- cannot constrain snap \"hello\" at different revisions 5 (acme/a), 6 (acme/b)"
        ]
    );
    assert_eq!(decision(&p, "hello"), refresh(3, 7));
    assert!(
        p.snap("hello")
            .unwrap()
            .why
            .contains("the enforced sets conflict over it")
    );
}

#[test]
fn monitored_sets_do_not_constrain() {
    let s = state(
        json!({"validation-sets": [{"assertion": vset("pins", 1, json!([
        {"name": "hello", "id": HELLO, "revision": "5"}])), "mode": "monitor"}]}),
    );
    let p = Preview::offline(&s, &store()).unwrap();
    assert_eq!(decision(&p, "hello"), refresh(3, 7));
    assert_eq!(
        findings(&p, FindingKind::Monitor),
        ["monitored only, no effect on refreshes: acme/pins"]
    );
}

#[test]
fn a_set_tracked_at_another_sequence_is_an_input_error() {
    let s = state(
        json!({"validation-sets": [{"assertion": vset("pins", 1, json!([
        {"name": "hello", "id": HELLO}])), "mode": "enforce", "pinned-at": 2}]}),
    );
    let e = Preview::offline(&s, &store()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "validation set acme/pins is tracked at sequence 2 but its assertion has sequence 1"
    );
}

#[test]
fn a_long_system_hold_holds_today_but_is_capped_by_2_57() {
    // last refresh 2024-05-01: 2.57 holds at most until 2024-08-04
    let s = state(json!({"refresh-hold": "2024-12-01T00:00:00Z", "now": "2024-09-01T00:00:00Z"}));
    let p = Preview::offline(&s, &store()).unwrap();
    assert_eq!(
        decision(&p, "hello"),
        Decision::Held {
            until: "2024-12-01T00:00:00Z".parse().unwrap(),
            by: HoldBy::System
        }
    );
    assert_eq!(p.snap("hello").unwrap().revision.map(|r| r.0), Some(7));
    assert!(p.hold.active);

    let old = DeviceState {
        snapd_behaviour: SnapdBehaviour::V2_57,
        ..s
    };
    let p = Preview::offline(&old, &store()).unwrap();
    assert_eq!(decision(&p, "hello"), refresh(3, 7));
    assert_eq!(p.hold.cap, Some("2024-08-04T00:00:00Z".parse().unwrap()));
    assert!(!p.hold.active);
    assert!(findings(&p, FindingKind::Hold)[0].contains("exceeds snapd 2.57's limit"));
}

#[test]
fn per_snap_holds_exist_today_only() {
    let mut s = state(json!({}));
    s.snaps[0].hold_until = Some(HoldUntil::Forever);
    let p = Preview::offline(&s, &store()).unwrap();
    assert_eq!(
        decision(&p, "hello"),
        Decision::Held {
            until: HoldUntil::Forever,
            by: HoldBy::User
        }
    );
    assert_eq!(decision(&p, "core"), refresh(10, 11));

    let old = DeviceState {
        snapd_behaviour: SnapdBehaviour::V2_57,
        ..s
    };
    let p = Preview::offline(&old, &store()).unwrap();
    assert_eq!(decision(&p, "hello"), refresh(3, 7));
    assert_eq!(
        findings(&p, FindingKind::SnapHolds),
        ["snapd 2.57 has no per-snap holds (snap refresh --hold needs 2.58); ignored for hello"]
    );
}

fn first_boot(behaviour: &str) -> DeviceState {
    state(json!({
        "first-boot": true, "snapd-behaviour": behaviour,
        "last-refresh": null, "seed-time": null,
        "validation-sets": [{"assertion": vset("seeded", 1, json!([
            {"name": "hello", "id": HELLO, "revision": "5"}])), "mode": "monitor"}],
    }))
}

#[test]
fn at_first_boot_today_enforces_the_seeded_sets_and_fails_when_unmet() {
    let p = Preview::offline(&first_boot("today"), &store()).unwrap();
    let text = "cannot enforce validation sets: validation sets assertions are not met:\n- snaps at wrong revisions:\n  - hello (required at revision 5 by sets acme/seeded)";
    assert_eq!(
        decision(&p, "hello"),
        Decision::Aborted {
            reason: text.into()
        }
    );
    assert_eq!(
        decision(&p, "core"),
        Decision::Aborted {
            reason: text.into()
        }
    );
    assert!(findings(&p, FindingKind::FirstBoot)[0].ends_with(text));
    assert_eq!(p.enforced, ["acme/seeded"]);
}

#[test]
fn at_first_boot_2_57_ignores_the_seeded_sets_and_refreshes_at_once() {
    let p = Preview::offline(&first_boot("2.57"), &store()).unwrap();
    assert_eq!(decision(&p, "hello"), refresh(3, 7));
    assert!(p.enforced.is_empty());
    let fb = findings(&p, FindingKind::FirstBoot);
    assert_eq!(
        fb,
        [
            "snapd 2.57 does not enforce the seed's validation sets at first boot (2.60 does): acme/seeded",
            "on Core the first auto-refresh runs immediately once seeded and registered (no hold applies); a gadget can delay it with a refresh.hold default",
        ]
    );
}

#[test]
fn at_first_boot_a_satisfied_seed_refreshes_to_the_pinned_revision_only() {
    let mut s = first_boot("today");
    s.snaps[0].revision = "5".parse().unwrap();
    let p = Preview::offline(&s, &store()).unwrap();
    assert_eq!(decision(&p, "hello"), Decision::UpToDate);
    assert_eq!(decision(&p, "core"), refresh(10, 11));
    // a gadget's refresh.hold=forever: today a hold, 2.57 a first-boot failure
    s.refresh_hold = Some(HoldUntil::Forever);
    let p = Preview::offline(&s, &store()).unwrap();
    assert!(matches!(
        decision(&p, "core"),
        Decision::Held {
            by: HoldBy::System,
            ..
        }
    ));
    let old = DeviceState {
        snapd_behaviour: SnapdBehaviour::V2_57,
        ..s
    };
    let p = Preview::offline(&old, &store()).unwrap();
    assert!(findings(&p, FindingKind::FirstBoot).iter().any(|f| {
        f.starts_with("a gadget default refresh.hold=forever makes snapd 2.57's first boot fail")
    }));
}

#[test]
fn local_snaps_are_never_auto_refreshed() {
    let mut s = state(json!({}));
    s.snaps
        .push(serde_json::from_value(json!({"name": "mine", "revision": "x2"})).unwrap());
    let p = Preview::offline(&s, &store()).unwrap();
    let row = p.snap("mine").unwrap();
    assert_eq!(row.decision, Decision::Local);
    assert_eq!(row.installed.map(|r| r.to_string()).as_deref(), Some("x2"));
    assert_eq!(p.request.unwrap().context.len(), 2);
}

#[test]
fn the_table_and_the_json_name_the_decisions() {
    let p = Preview::offline(&state(pins(5)), &store()).unwrap();
    let table = p.to_string();
    let first: Vec<&str> = table.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(first, ["Snap", "Installed", "Decision", "Revision", "Why"]);
    assert!(
        table.lines().any(
            |l| l.split_whitespace().collect::<Vec<_>>()[..4] == ["hello", "3", "refresh", "5"]
        ),
        "{table}"
    );
    let j = serde_json::to_value(&p).unwrap();
    assert_eq!(j["snaps"][0]["decision"], "refresh");
    assert_eq!(j["snaps"][0]["to"], 5);
    assert_eq!(j["snapd-behaviour"], "today");
}

/// The documented example (`tests/data/preview/device.json`) reads and previews; its
/// table is the committed golden. Regenerate both with
/// `UCORE_REGENERATE=1 cargo test -p ucore-store-client --test preview example`.
#[test]
fn the_example_device_state_previews_as_committed() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/preview");
    if std::env::var_os("UCORE_REGENERATE").is_some() {
        let example = json!({
            "snapd-behaviour": "today",
            "validation-sets": [
                {"assertion": vset("fleet", 2, json!([
                    {"name": "hello", "id": HELLO, "revision": "5"},
                    {"name": "tool", "id": TOOL},
                    {"name": "bad", "id": BAD, "presence": "invalid"}])),
                 "mode": "enforce", "pinned-at": 2},
            ],
            "snaps": [
                {"name": "hello", "snap-id": HELLO, "revision": 3, "channel": "latest/stable"},
                {"name": "core", "snap-id": CORE, "revision": 10, "hold-until": "2024-07-01T00:00:00Z"},
                {"name": "mine", "revision": "x1"},
            ],
            "refresh-hold": "2024-05-15T00:00:00Z",
            "last-refresh": "2024-05-01T00:00:00Z",
            "seed-time": "2024-04-01T00:00:00Z",
            "now": "2024-06-01T00:00:00Z",
        });
        std::fs::write(
            dir.join("device.json"),
            serde_json::to_string_pretty(&example).unwrap() + "\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("store.json"),
            serde_json::to_string_pretty(&store()).unwrap() + "\n",
        )
        .unwrap();
    }
    let state =
        DeviceState::from_json(&std::fs::read_to_string(dir.join("device.json")).unwrap()).unwrap();
    let store =
        serde_json::from_str(&std::fs::read_to_string(dir.join("store.json")).unwrap()).unwrap();
    let table = Preview::offline(&state, &store).unwrap().to_string();
    if std::env::var_os("UCORE_REGENERATE").is_some() {
        std::fs::write(dir.join("device.table"), &table).unwrap();
    }
    assert_eq!(
        table,
        std::fs::read_to_string(dir.join("device.table")).unwrap()
    );
}
