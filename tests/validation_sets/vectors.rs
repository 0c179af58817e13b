//! The named cases of the golden corpus: the oracle's own testdata (what its selftest runs)
//! and the test vectors of spec §9.2–§9.4 (snapd's `TestIntersections`,
//! `TestCheckInstalledSnaps*`, `TestCheckPresence*`).

use serde_json::{Value, json};

use super::cases::{Case, Entry, Installed, Set, snap_id};

fn entry(name: &str, id: &str, presence: Option<&str>, revision: Option<u32>) -> Entry {
    Entry {
        name: name.into(),
        id: id.into(),
        presence: presence.map(Into::into),
        revision,
    }
}

fn set(account: &str, name: &str, sequence: u32, snaps: Vec<Entry>) -> Set {
    Set {
        account: account.into(),
        name: name.into(),
        sequence,
        snaps,
    }
}

fn installed(name: &str, id: &str, revision: Value) -> Installed {
    Installed {
        name: name.into(),
        snap_id: id.into(),
        revision,
    }
}

fn case(sets: Vec<Set>, installed: Option<Vec<Installed>>, ignore: &[&str]) -> Case {
    Case {
        sets,
        installed,
        ignore: ignore.iter().map(|s| s.to_string()).collect(),
    }
}

/// A set of the oracle's testdata (`tests/data/validation-sets/testdata/NAME.json`, the
/// headers its `sign` reads).
fn testdata_set(name: &str) -> Set {
    let path =
        ucore_test_support::repo().join(format!("tests/data/validation-sets/testdata/{name}.json"));
    let h: Value =
        serde_json::from_slice(&std::fs::read(&path).expect("oracle testdata")).expect("JSON");
    let text = |v: &Value| v.as_str().map(str::to_string);
    let snaps = h["snaps"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| Entry {
            name: text(&s["name"]).unwrap_or_default(),
            id: text(&s["id"]).unwrap_or_default(),
            presence: text(&s["presence"]),
            revision: text(&s["revision"]).and_then(|r| r.parse().ok()),
        })
        .collect();
    Set {
        account: text(&h["account-id"]).unwrap_or_default(),
        name: text(&h["name"]).unwrap_or_default(),
        sequence: text(&h["sequence"])
            .and_then(|s| s.parse().ok())
            .unwrap_or(1),
        snaps,
    }
}

fn testdata_installed(name: &str) -> Vec<Installed> {
    let path =
        ucore_test_support::repo().join(format!("tests/data/validation-sets/testdata/{name}.json"));
    serde_json::from_slice(&std::fs::read(&path).expect("oracle testdata")).expect("installed JSON")
}

fn oracle_testdata() -> Vec<(String, Case)> {
    let (base, extra, clash) = (
        testdata_set("base"),
        testdata_set("extra"),
        testdata_set("clash"),
    );
    let ok = vec![base.clone(), extra];
    vec![
        ("oracle-ok".into(), case(ok.clone(), None, &[])),
        (
            "oracle-installed-ok".into(),
            case(ok.clone(), Some(testdata_installed("installed-ok")), &[]),
        ),
        (
            "oracle-installed-wrong".into(),
            case(ok.clone(), Some(testdata_installed("installed-wrong")), &[]),
        ),
        (
            "oracle-installed-wrong-ignore-hello".into(),
            case(ok, Some(testdata_installed("installed-wrong")), &["hello"]),
        ),
        (
            "oracle-clash".into(),
            case(vec![base.clone(), clash], None, &[]),
        ),
        (
            "oracle-second-set".into(),
            case(vec![base.clone(), base], None, &[]),
        ),
    ]
}

/// §9.2: every set constrains `my-snap`, signed by `account-id`.
fn intersections() -> Vec<(String, Case)> {
    let id = snap_id("mysnapid");
    let one = |name: &str, presence: &str, revision: Option<u32>| {
        set(
            "account-id",
            name,
            1,
            vec![entry("my-snap", &id, Some(presence), revision)],
        )
    };
    let short = |s: &str| match s {
        "R7" => one("my-snap-ctl", "required", Some(7)),
        "R7b" => one("my-snap-ctl2", "required", Some(7)),
        "R8" => one("my-snap-ctl-other", "required", Some(8)),
        "O8" => one("my-snap-ctl-opt", "optional", Some(8)),
        "I" => one("my-snap-ctl-inv", "invalid", None),
        "O7" => one("my-snap-ctl-opt2", "optional", Some(7)),
        "R" => one("my-snap-ctl-req-only", "required", None),
        "O" => one("my-snap-ctl-opt-only", "optional", None),
        other => panic!("no set {other}"),
    };
    // the spec's lists: first without conflict, then in conflict
    let combos = "R7 R7,R7b R8,O8 O8,I I,O8 O7,O8 R7,R R,R7 O8,R R7,O O,R7 O8,O O8,O,O7 I,O O,I \
                  R7,R8 R7,O8 R7,I I,R7 O7,O8,R7 O8,I,R7 O8,R,O7 O8,O7,R R,I I,R R7,R8,O R7,R8,R,I";
    let mut cases: Vec<(String, Case)> = combos
        .split_whitespace()
        .map(|c| {
            let name = format!("spec-9.2-{}", c.replace(',', "-"));
            (name, case(c.split(',').map(short).collect(), None, &[]))
        })
        .collect();
    let (a, b) = (snap_id("snapaid"), snap_id("snapbid"));
    cases.push((
        "spec-9.2-two-snaps".into(),
        case(
            vec![
                set(
                    "acme",
                    "s1",
                    1,
                    vec![
                        entry("snap-a", &a, Some("required"), Some(7)),
                        entry("snap-b", &b, Some("invalid"), None),
                    ],
                ),
                set(
                    "acme",
                    "s2",
                    1,
                    vec![
                        entry("snap-a", &a, Some("required"), Some(8)),
                        entry("snap-b", &b, Some("required"), None),
                    ],
                ),
            ],
            None,
            &[],
        ),
    ));
    cases
}

/// §9.3: installed snaps against seven sets, then the exact texts and the ignore map.
fn installed_snaps() -> Vec<(String, Case)> {
    let ids: Vec<(String, String)> = ["a", "b", "c", "d", "e", "f"]
        .iter()
        .map(|n| (format!("snap-{n}"), snap_id(&format!("snap{n}id"))))
        .collect();
    let e = |i: usize, presence: &str, revision: Option<u32>| {
        let (n, id) = &ids[i];
        entry(n, id, Some(presence), revision)
    };
    let inst = |i: usize, revision: Value| installed(&ids[i].0, &ids[i].1, revision);
    let local = |i: usize, revision: &str| installed(&ids[i].0, "", json!(revision));
    let sets = vec![
        set(
            "acme",
            "fooname",
            1,
            vec![
                e(0, "invalid", None),
                e(1, "required", Some(3)),
                e(2, "optional", Some(2)),
            ],
        ),
        set(
            "acme",
            "barname",
            1,
            vec![e(3, "required", None), e(4, "optional", None)],
        ),
        set("acme", "bazname", 1, vec![e(4, "optional", None)]),
        set("acme", "booname", 1, vec![e(0, "invalid", None)]),
        set("acme", "huhname", 1, vec![e(5, "required", Some(4))]),
        set("acme", "duhname", 1, vec![e(5, "required", Some(4))]),
        set("acme", "bahname", 1, vec![e(5, "required", None)]),
    ];
    let ok = || vec![inst(1, json!(3)), inst(3, json!(99)), inst(5, json!(4))];
    let with = |mut v: Vec<Installed>, extra: Installed| {
        v.push(extra);
        v
    };
    let mut cases = vec![
        (
            "spec-9.3-nothing".to_string(),
            case(sets.clone(), Some(vec![]), &[]),
        ),
        ("spec-9.3-ok".into(), case(sets.clone(), Some(ok()), &[])),
        (
            "spec-9.3-invalid-a".into(),
            case(sets.clone(), Some(with(ok(), inst(0, json!(1)))), &[]),
        ),
        (
            "spec-9.3-wrong-c".into(),
            case(
                sets.clone(),
                Some(vec![
                    inst(1, json!(3)),
                    inst(2, json!(99)),
                    inst(3, json!(1)),
                    inst(5, json!(4)),
                ]),
                &[],
            ),
        ),
        (
            "spec-9.3-local-b".into(),
            case(
                sets.clone(),
                Some(vec![local(1, "x3"), inst(3, json!(99)), inst(5, json!(4))]),
                &[],
            ),
        ),
        (
            "spec-9.3-local-d".into(),
            case(
                sets.clone(),
                Some(vec![inst(1, json!(3)), local(3, "x1"), inst(5, json!(4))]),
                &[],
            ),
        ),
        (
            "spec-9.3-local-a".into(),
            case(sets, Some(with(ok(), local(0, "x2"))), &[]),
        ),
    ];
    let texts = vec![
        set(
            "acme",
            "fooname",
            1,
            vec![e(0, "invalid", None), e(1, "required", Some(3))],
        ),
        set("acme", "barname", 1, vec![e(1, "required", None)]),
    ];
    cases.extend([
        (
            "spec-9.3-text-nothing".to_string(),
            case(texts.clone(), Some(vec![]), &[]),
        ),
        (
            "spec-9.3-text-invalid".into(),
            case(texts.clone(), Some(vec![inst(0, json!(1))]), &[]),
        ),
        (
            "spec-9.3-text-wrong".into(),
            case(
                texts.clone(),
                Some(vec![inst(0, json!(1)), local(1, "x3")]),
                &[],
            ),
        ),
        (
            "spec-9.3-ignore-a".into(),
            case(
                texts.clone(),
                Some(vec![inst(0, json!(1)), local(1, "x3")]),
                &["snap-a"],
            ),
        ),
        (
            "spec-9.3-ignore-b".into(),
            case(
                texts,
                Some(vec![inst(0, json!(1)), local(1, "x3")]),
                &["snap-b"],
            ),
        ),
    ]);
    cases
}

/// §9.4: presence queries.
fn presence() -> Vec<(String, Case)> {
    let (my, other) = (snap_id("mysnapid"), snap_id("othersnapid"));
    // my-snap required @7 beside other-snap with `other`'s presence
    let ctl = |name: &str, sequence: u32, other_presence: &str| {
        let snaps = vec![
            entry("my-snap", &my, Some("required"), Some(7)),
            entry("other-snap", &other, Some(other_presence), None),
        ];
        set("account-id", name, sequence, snaps)
    };
    let (ctl, ctl2) = (
        ctl("my-snap-ctl", 1, "optional"),
        ctl("my-snap-ctl2", 2, "invalid"),
    );
    let ctl3 = set(
        "account-id",
        "my-snap-ctl3",
        1,
        vec![entry("my-snap", &my, Some("required"), None)],
    );
    let inv = |name: &str, seq: u32| {
        set(
            "account-id",
            name,
            seq,
            vec![
                entry("my-snap", &my, Some("invalid"), None),
                entry("other-snap", &other, Some("optional"), None),
            ],
        )
    };
    let req = set(
        "acme",
        "req",
        3,
        vec![entry("my-snap", &my, Some("required"), None)],
    );
    let opt = set(
        "acme",
        "opt",
        2,
        vec![entry("my-snap", &my, Some("optional"), Some(5))],
    );
    let o1 = set(
        "acme",
        "o1",
        1,
        vec![entry("my-snap", &my, Some("optional"), Some(1))],
    );
    let o2 = set(
        "acme",
        "o2",
        1,
        vec![entry("my-snap", &my, Some("optional"), Some(2))],
    );
    vec![
        (
            "spec-9.4-required".into(),
            case(vec![ctl, ctl2, ctl3.clone()], None, &[]),
        ),
        ("spec-9.4-required-ctl3".into(), case(vec![ctl3], None, &[])),
        (
            "spec-9.4-invalid".into(),
            case(
                vec![inv("my-snap-ctl", 1), inv("my-snap-ctl2", 2)],
                None,
                &[],
            ),
        ),
        (
            "spec-2.4-required-any-optional-pinned".into(),
            case(vec![req, opt], None, &[]),
        ),
        (
            "spec-2.4-two-optionals".into(),
            case(vec![o1, o2], None, &[]),
        ),
    ]
}

/// Every named case, with its golden file's name.
pub fn named() -> Vec<(String, Case)> {
    let mut all = oracle_testdata();
    all.extend(intersections());
    all.extend(installed_snaps());
    all.extend(presence());
    all
}
