//! snapd's `snapasserts` test vectors (spec `update-control.md` §9.2–§9.4): conflicts,
//! installed checks and presence queries, with snapd's texts.

use std::collections::BTreeSet;

use ucore_assertions::AssertionRef;
use ucore_assertions::types::ValidationSet;
use ucore_assertions::validation_sets::{InstalledSnap, Presence, SnapRevision, ValidationSets};

/// One snap entry: name, id, presence (`""` = absent), revision.
type Snap<'a> = (&'a str, &'a str, &'a str, Option<i64>);

/// A validation-set assertion's text (a placeholder signature: only decoded here).
fn text(account: &str, name: &str, sequence: u32, snaps: &[Snap<'_>]) -> String {
    let mut t = format!(
        "type: validation-set\nauthority-id: {account}\nseries: 16\naccount-id: {account}\n\
         name: {name}\nsequence: {sequence}\nsnaps:\n"
    );
    for (n, id, presence, revision) in snaps {
        t.push_str(&format!("  -\n    id: {id}\n    name: {n}\n"));
        if !presence.is_empty() {
            t.push_str(&format!("    presence: {presence}\n"));
        }
        if let Some(r) = revision {
            t.push_str(&format!("    revision: {r}\n"));
        }
    }
    t.push_str("timestamp: 2020-01-01T00:00:00Z\nsign-key-sha3-384: Jv8_JiHiIzJVcO9M55pPdqSDWUvuhfDIBJUS-3VW7F_idjix7Ffn5qMxB21ZQuij\n\nAXNpZw==");
    t
}

fn combine(sets: &[String]) -> ValidationSets {
    let mut vs = ValidationSets::new();
    for t in sets {
        let a = AssertionRef::decode(t.as_bytes()).expect("decodes");
        vs.add(&ValidationSet::try_from(&a).expect("a validation-set"))
            .expect("adds");
    }
    vs
}

const MY: &str = "mysnapididididididididididididid";

fn intersections(short: &str) -> String {
    let (name, presence, rev) = match short {
        "R7" => ("my-snap-ctl", "required", Some(7)),
        "R7b" => ("my-snap-ctl2", "required", Some(7)),
        "R8" => ("my-snap-ctl-other", "required", Some(8)),
        "O8" => ("my-snap-ctl-opt", "optional", Some(8)),
        "I" => ("my-snap-ctl-inv", "invalid", None),
        "O7" => ("my-snap-ctl-opt2", "optional", Some(7)),
        "R" => ("my-snap-ctl-req-only", "required", None),
        "O" => ("my-snap-ctl-opt-only", "optional", None),
        _ => unreachable!(),
    };
    text("account-id", name, 1, &[("my-snap", MY, presence, rev)])
}

fn of(shorts: &[&str]) -> ValidationSets {
    combine(&shorts.iter().map(|s| intersections(s)).collect::<Vec<_>>())
}

#[test]
fn intersections_without_conflict() {
    for case in [
        &["R7"][..],
        &["R7", "R7b"],
        &["R8", "O8"],
        &["O8", "I"],
        &["I", "O8"],
        &["O7", "O8"],
        &["R7", "R"],
        &["R", "R7"],
        &["O8", "R"],
        &["R7", "O"],
        &["O", "R7"],
        &["O8", "O"],
        &["O8", "O", "O7"],
        &["I", "O"],
        &["O", "I"],
    ] {
        let vs = of(case);
        assert_eq!(vs.conflict(), Ok(()), "{case:?}");
    }
    assert_eq!(
        of(&["O7", "O8"]).presence("my-snap", MY),
        Some(Presence::Invalid)
    );
    assert_eq!(
        of(&["O8", "O", "O7"]).presence("", MY),
        Some(Presence::Invalid)
    );
    assert_eq!(
        of(&["O8", "R"]).presence("my-snap", ""),
        Some(Presence::Required)
    );
}

#[test]
fn intersections_in_conflict() {
    let a = |s: &str| s.replace("A/", "account-id/");
    for (case, rest) in [
        (
            &["R7", "R8"][..],
            " at different revisions 7 (A/my-snap-ctl), 8 (A/my-snap-ctl-other)",
        ),
        (
            &["R7", "O8"],
            " at different revisions 7 (A/my-snap-ctl), 8 (A/my-snap-ctl-opt)",
        ),
        (
            &["R7", "I"],
            " as both invalid (A/my-snap-ctl-inv) and required at revision 7 (A/my-snap-ctl)",
        ),
        (
            &["I", "R7"],
            " as both invalid (A/my-snap-ctl-inv) and required at revision 7 (A/my-snap-ctl)",
        ),
        (
            &["O7", "O8", "R7"],
            " at different revisions 7 (A/my-snap-ctl,A/my-snap-ctl-opt2), 8 (A/my-snap-ctl-opt)",
        ),
        (
            &["O8", "I", "R7"],
            " as both invalid (A/my-snap-ctl-inv) and required at different revisions 7 (A/my-snap-ctl), 8 (A/my-snap-ctl-opt)",
        ),
        (
            &["O8", "R", "O7"],
            " at different revisions 7 (A/my-snap-ctl-opt2), 8 (A/my-snap-ctl-opt) or required at any revision (A/my-snap-ctl-req-only)",
        ),
        (
            &["O8", "O7", "R"],
            " at different revisions 7 (A/my-snap-ctl-opt2), 8 (A/my-snap-ctl-opt) or required at any revision (A/my-snap-ctl-req-only)",
        ),
        (
            &["R", "I"],
            " as both invalid (A/my-snap-ctl-inv) and required at any revision (A/my-snap-ctl-req-only)",
        ),
        (
            &["I", "R"],
            " as both invalid (A/my-snap-ctl-inv) and required at any revision (A/my-snap-ctl-req-only)",
        ),
        (
            &["R7", "R8", "O"],
            " at different revisions 7 (A/my-snap-ctl), 8 (A/my-snap-ctl-other)",
        ),
        (
            &["R7", "R8", "R", "I"],
            " as both invalid (A/my-snap-ctl-inv) and required at different revisions 7 (A/my-snap-ctl), 8 (A/my-snap-ctl-other) or at any revision (A/my-snap-ctl-req-only)",
        ),
    ] {
        let err = of(case).conflict().expect_err("a conflict");
        assert_eq!(
            err.to_string(),
            format!(
                "validation sets are in conflict:\n- cannot constrain snap \"my-snap\"{}",
                a(rest)
            ),
            "{case:?}"
        );
        assert_eq!(err.snaps.len(), 1);
        assert!(err.snaps.contains_key(MY));
    }
    // The sets of the error leave out an optional set at any revision.
    let err = of(&["R7", "R8", "O"]).conflict().unwrap_err();
    assert_eq!(
        err.sets.iter().map(String::as_str).collect::<Vec<_>>(),
        ["account-id/my-snap-ctl", "account-id/my-snap-ctl-other"]
    );
    assert_eq!(
        of(&["R7", "R8"]).presence("my-snap", MY),
        Some(Presence::Conflict)
    );
}

#[test]
fn two_snaps_in_conflict_are_sorted_by_name() {
    let a = "snapaidididididididididididididi";
    let b = "snapbidididididididididididididi";
    let vs = combine(&[
        text(
            "acme",
            "s1",
            1,
            &[("snap-b", b, "invalid", None), ("snap-a", a, "", Some(7))],
        ),
        text(
            "acme",
            "s2",
            1,
            &[("snap-a", a, "", Some(8)), ("snap-b", b, "required", None)],
        ),
    ]);
    assert_eq!(
        vs.conflict().unwrap_err().to_string(),
        "validation sets are in conflict:\n\
         - cannot constrain snap \"snap-a\" at different revisions 7 (acme/s1), 8 (acme/s2)\n\
         - cannot constrain snap \"snap-b\" as both invalid (acme/s1) and required at any revision (acme/s2)"
    );
}

#[test]
fn a_second_set_under_one_key_is_refused() {
    let mut vs = combine(&[text("acme", "base", 1, &[("hello", MY, "", None)])]);
    let again = text("acme", "base", 2, &[("hello", MY, "", None)]);
    let a = AssertionRef::decode(again.as_bytes()).unwrap();
    let err = vs.add(&ValidationSet::try_from(&a).unwrap()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot add a second validation-set under \"acme/base\""
    );
    assert_eq!(vs.keys().collect::<Vec<_>>(), ["16/acme/base/1"]);
}

fn id(c: char) -> String {
    format!("snap{c}")
        .chars()
        .chain(std::iter::repeat('i'))
        .take(32)
        .collect()
}

fn check_sets() -> ValidationSets {
    let (a, b, c, d, e, f) = (id('a'), id('b'), id('c'), id('d'), id('e'), id('f'));
    combine(&[
        text(
            "acme",
            "fooname",
            1,
            &[
                ("snap-a", &a, "invalid", None),
                ("snap-b", &b, "", Some(3)),
                ("snap-c", &c, "optional", Some(2)),
            ],
        ),
        text(
            "acme",
            "barname",
            1,
            &[("snap-d", &d, "", None), ("snap-e", &e, "optional", None)],
        ),
        text("acme", "bazname", 1, &[("snap-e", &e, "optional", None)]),
        text("acme", "booname", 1, &[("snap-a", &a, "invalid", None)]),
        text("acme", "huhname", 1, &[("snap-f", &f, "", Some(4))]),
        text("acme", "duhname", 1, &[("snap-f", &f, "", Some(4))]),
        text("acme", "bahname", 1, &[("snap-f", &f, "", None)]),
    ])
}

fn inst(name: &str, rev: &str) -> InstalledSnap {
    let c = name.chars().last().unwrap();
    InstalledSnap::new(name, id(c), rev.parse().unwrap())
}

#[test]
fn installed_snaps() {
    let vs = check_sets();
    let none = BTreeSet::new();
    let err = vs.check_installed(&[], &none).unwrap_err();
    assert_eq!(
        serde_json::to_value(&err.missing).unwrap(),
        serde_json::json!({"snap-b": {"3": ["acme/fooname"]}, "snap-d": {"0": ["acme/barname"]},
            "snap-f": {"0": ["acme/bahname"], "4": ["acme/duhname", "acme/huhname"]}})
    );
    let ok = [
        inst("snap-b", "3"),
        inst("snap-d", "99"),
        inst("snap-f", "4"),
    ];
    assert_eq!(vs.check_installed(&ok, &none), Ok(()));

    let mut with_a = ok.to_vec();
    with_a.push(inst("snap-a", "1"));
    let err = vs.check_installed(&with_a, &none).unwrap_err();
    assert_eq!(err.invalid["snap-a"], ["acme/booname", "acme/fooname"]);
    assert!(err.missing.is_empty() && err.wrong_revision.is_empty());

    let wrong = [
        inst("snap-b", "3"),
        inst("snap-c", "99"),
        inst("snap-d", "2"),
        inst("snap-f", "4"),
    ];
    let err = vs.check_installed(&wrong, &none).unwrap_err();
    assert_eq!(
        err.wrong_revision["snap-c"][&SnapRevision(2)],
        ["acme/fooname"]
    );

    let local_b = [
        inst("snap-b", "x3"),
        inst("snap-d", "2"),
        inst("snap-f", "4"),
    ];
    let err = vs.check_installed(&local_b, &none).unwrap_err();
    assert_eq!(
        err.wrong_revision["snap-b"][&SnapRevision(3)],
        ["acme/fooname"]
    );

    // A local snap (no snap-id) matches by name.
    let local_d = [
        inst("snap-b", "3"),
        InstalledSnap::new("snap-d", "", SnapRevision(-1)),
        inst("snap-f", "4"),
    ];
    assert_eq!(vs.check_installed(&local_d, &none), Ok(()));
    let local_a = [
        inst("snap-b", "3"),
        inst("snap-d", "2"),
        inst("snap-f", "4"),
        InstalledSnap::new("snap-a", "", SnapRevision(-2)),
    ];
    assert!(
        vs.check_installed(&local_a, &none)
            .unwrap_err()
            .invalid
            .contains_key("snap-a")
    );
    // Another snap-id under the name does not match: the snap is missing.
    let other_id = [
        InstalledSnap::new("snap-b", id('z'), SnapRevision(3)),
        inst("snap-d", "2"),
        inst("snap-f", "4"),
    ];
    assert!(
        vs.check_installed(&other_id, &none)
            .unwrap_err()
            .missing
            .contains_key("snap-b")
    );
}

#[test]
fn installed_texts() {
    let (a, b) = (id('a'), id('b'));
    let vs = combine(&[
        text(
            "acme",
            "fooname",
            1,
            &[("snap-a", &a, "invalid", None), ("snap-b", &b, "", Some(3))],
        ),
        text("acme", "barname", 1, &[("snap-b", &b, "", None)]),
    ]);
    let none = BTreeSet::new();
    let missing = "validation sets assertions are not met:\n- missing required snaps:\n  - snap-b (required at any revision by sets acme/barname, at revision 3 by sets acme/fooname)";
    assert_eq!(
        vs.check_installed(&[], &none).unwrap_err().to_string(),
        missing
    );
    assert_eq!(
        vs.check_installed(&[inst("snap-a", "1")], &none)
            .unwrap_err()
            .to_string(),
        format!("{missing}\n- invalid snaps:\n  - snap-a (invalid for sets acme/fooname)")
    );
    assert_eq!(
        vs.check_installed(&[inst("snap-b", "x3")], &none)
            .unwrap_err()
            .to_string(),
        "validation sets assertions are not met:\n- snaps at wrong revisions:\n  - snap-b (required at revision 3 by sets acme/fooname)"
    );
    // The ignore list clears installed snaps only.
    let ignore_a: BTreeSet<String> = ["snap-a".to_string()].into();
    let ignore_b: BTreeSet<String> = ["snap-b".to_string()].into();
    assert_eq!(
        vs.check_installed(&[inst("snap-a", "1"), inst("snap-b", "3")], &ignore_a),
        Ok(())
    );
    assert_eq!(
        vs.check_installed(&[inst("snap-b", "x3")], &ignore_b),
        Ok(())
    );
    assert!(
        !vs.check_installed(&[], &ignore_b)
            .unwrap_err()
            .missing
            .is_empty()
    );
}

#[test]
fn presence_queries() {
    let other = "othersnapididididididididididid1";
    let vs = combine(&[
        text(
            "account-id",
            "my-snap-ctl",
            1,
            &[
                ("my-snap", MY, "", Some(7)),
                ("other-snap", other, "optional", None),
            ],
        ),
        text(
            "account-id",
            "my-snap-ctl2",
            2,
            &[
                ("my-snap", MY, "", Some(7)),
                ("other-snap", other, "invalid", None),
            ],
        ),
        text(
            "account-id",
            "my-snap-ctl3",
            1,
            &[("my-snap", MY, "", None)],
        ),
    ]);
    for (name, snap_id) in [("my-snap", ""), ("", MY)] {
        let r = vs.check_presence_required(name, snap_id).unwrap();
        assert_eq!(
            r.sets,
            [
                "16/account-id/my-snap-ctl/1",
                "16/account-id/my-snap-ctl2/2",
                "16/account-id/my-snap-ctl3/1"
            ]
        );
        assert_eq!(r.revision, SnapRevision(7));
    }
    assert_eq!(
        vs.check_presence_required("other-snap", "")
            .unwrap_err()
            .to_string(),
        "unexpected presence \"invalid\" for snap \"other-snap\""
    );
    let unknown = vs.check_presence_required("unknown", "").unwrap();
    assert!(unknown.sets.is_empty() && unknown.revision.is_unset());
    let ctl3 = combine(&[text(
        "account-id",
        "my-snap-ctl3",
        1,
        &[("my-snap", MY, "", None)],
    )]);
    let r = ctl3.check_presence_required("my-snap", "").unwrap();
    assert_eq!(
        (r.sets.as_slice(), r.revision),
        (
            &["16/account-id/my-snap-ctl3/1".to_string()][..],
            SnapRevision(0)
        )
    );

    let inv = combine(&[
        text(
            "account-id",
            "my-snap-ctl",
            1,
            &[
                ("my-snap", MY, "invalid", None),
                ("other-snap", other, "optional", None),
            ],
        ),
        text(
            "account-id",
            "my-snap-ctl2",
            2,
            &[("my-snap", MY, "invalid", None)],
        ),
    ]);
    assert_eq!(
        inv.check_presence_invalid("my-snap", "").unwrap(),
        [
            "16/account-id/my-snap-ctl/1",
            "16/account-id/my-snap-ctl2/2"
        ]
    );
    assert_eq!(
        inv.check_presence_invalid("other-snap", "")
            .unwrap_err()
            .to_string(),
        "unexpected presence \"optional\" for snap \"other-snap\""
    );
    // Invalid only through two optionals: no set says so.
    assert!(
        of(&["O7", "O8"])
            .check_presence_invalid("my-snap", "")
            .unwrap()
            .is_empty()
    );
}

#[test]
fn revisions_of_sets() {
    let vs = of(&["R7", "O"]);
    assert_eq!(
        vs.revisions().unwrap().get("my-snap"),
        Some(&SnapRevision(7))
    );
    assert!(of(&["R7", "R8"]).revisions().is_err());
    assert!(of(&["R"]).revisions().unwrap().is_empty());
}
