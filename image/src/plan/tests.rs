//! The plan driven through its rounds with the fixture models (and edited copies: the plan
//! does not verify signatures), and every text of spec §6.

use std::path::PathBuf;

use ucore_assertions::Assertion;
use ucore_snap::Info;

use super::*;
use crate::snaps::{Revision, SnapOrigin};

const UC16: &[u8] = include_bytes!("../../../store/tests/data/fixtures/uc16.model");
const UC20: &[u8] = include_bytes!("../../../store/tests/data/fixtures/uc20.model");
const ACCOUNT: &[u8] =
    include_bytes!("../../../store/tests/data/fixtures/fs-asserts/developer1-account.assert");

fn model(bytes: &[u8], edit: impl Fn(String) -> String) -> Assertion {
    let text = edit(String::from_utf8(bytes.to_vec()).unwrap());
    Assertion::decode(text.as_bytes()).unwrap()
}

fn uc18() -> Assertion {
    model(UC16, |t| {
        t.replace("gadget: pc\n", "gadget: pc18\nbase: core18\n")
            .replace("kernel: pc-kernel\n", "kernel: pc-kernel=18\n")
    })
}

fn dangerous() -> Assertion {
    model(UC20, |t| t.replace("grade: signed", "grade: dangerous"))
}

/// The snap.yaml a fixture snap would have.
fn yaml_of(name: &str) -> String {
    let (t, base) = match name {
        "core" => ("os", ""),
        "snapd" => ("snapd", ""),
        "core18" | "core20" => ("base", ""),
        "pc-kernel" => ("kernel", ""),
        "pc" => ("gadget", ""),
        "pc18" => ("gadget", "core18"),
        "pc20" => ("gadget", "core20"),
        "hello20" | "hello-extra" => ("app", "core20"),
        _ => ("app", ""),
    };
    let mut y = format!("name: {name}\nversion: '1.0'\ntype: {t}\n");
    if !base.is_empty() {
        y.push_str(&format!("base: {base}\n"));
    }
    y
}

fn seed_snap(planned: &PlannedSnap, yaml: &str, publisher: &str) -> SeedSnap {
    let info = Info::from_yaml(yaml.as_bytes()).unwrap();
    let id = planned
        .snap_id
        .clone()
        .unwrap_or_else(|| format!("{}-id", planned.name));
    SeedSnap {
        planned: planned.clone(),
        info,
        revision: Revision(1),
        snap_id: Some(id),
        publisher_id: Some(publisher.to_string()),
        file: PathBuf::from(format!("/staging/{}", planned.name)),
        size: 4096,
        sha3_384: String::new(),
        assertions: vec![Assertion::decode(ACCOUNT).unwrap()],
        contact: None,
        private: false,
    }
}

fn local_snap(path: &str, yaml: &str) -> SeedSnap {
    let planned = PlannedSnap {
        name: String::new(),
        snap_id: None,
        model_type: None,
        essential: false,
        required: false,
        modes: vec!["run".into()],
        channel: String::new(),
        pinned_revision: None,
        local: Some(PathBuf::from(path)),
        origin: SnapOrigin::Extra,
    };
    let mut s = seed_snap(&planned, yaml, "");
    s.snap_id = None;
    s.publisher_id = None;
    s.assertions.clear();
    s.file = PathBuf::from(path);
    s
}

/// Runs every round, fetching each snap with `yaml` for its name.
fn run(
    plan: &mut SeedPlan,
    yaml: impl Fn(&str) -> String,
) -> Result<Vec<Vec<(String, String)>>, PlanError> {
    let mut rounds = Vec::new();
    while let Some(round) = plan.next_round()? {
        rounds.push(
            round
                .iter()
                .map(|p| (p.name.clone(), p.channel.clone()))
                .collect(),
        );
        let snaps = round
            .iter()
            .map(|p| seed_snap(p, &yaml(&p.name), "developer1"))
            .collect();
        plan.fetched(snaps)?;
    }
    Ok(rounds)
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

fn opts(snaps: &[&str], channel: Option<&str>, label: Option<&str>) -> PlanOptions {
    PlanOptions {
        snaps: snaps
            .iter()
            .map(|s| OptionSnap::parse(s).unwrap())
            .collect(),
        channel: channel.map(str::to_string),
        label: label.map(str::to_string),
    }
}

#[test]
fn uc16_is_one_round_in_model_order() {
    let m = model(UC16, |t| t);
    let mut plan = SeedPlan::new(&m, &PlanOptions::default()).unwrap();
    assert_eq!(plan.label(), None);
    let rounds = run(&mut plan, yaml_of).unwrap();
    assert_eq!(
        rounds,
        [pairs(&[
            ("core", "stable"),
            ("pc-kernel", "stable"),
            ("pc", "stable"),
            ("hello-oracle", "stable")
        ])]
    );
    let contents = plan.finish(Vec::new()).unwrap();
    let names: Vec<_> = contents
        .model_snaps
        .iter()
        .map(|s| s.planned.name.as_str())
        .collect();
    assert_eq!(names, ["core", "pc-kernel", "pc", "hello-oracle"]);
    assert!(contents.warnings.is_empty());
    assert!(contents.model_snaps[1].planned.essential);
    assert_eq!(contents.model_snaps[3].planned.model_type, None);
}

#[test]
fn uc18_adds_core_implicitly_with_a_warning() {
    let mut plan = SeedPlan::new(&uc18(), &PlanOptions::default()).unwrap();
    let rounds = run(&mut plan, yaml_of).unwrap();
    assert_eq!(
        rounds,
        [
            pairs(&[
                ("snapd", "stable"),
                ("pc-kernel", "18"),
                ("core18", "stable"),
                ("pc18", "stable"),
                ("hello-oracle", "stable")
            ]),
            pairs(&[("core", "stable")])
        ]
    );
    let contents = plan.finish(Vec::new()).unwrap();
    assert_eq!(
        contents.warnings,
        [
            "model has base \"core18\" but some snaps (\"hello-oracle\") require \"core\" as base as well, for compatibility it was added implicitly, adding \"core\" explicitly is recommended"
        ]
    );
    let core = contents.model_snaps.last().unwrap();
    assert_eq!(core.planned.origin, SnapOrigin::Implicit);
    assert!(!core.planned.required);
}

#[test]
fn uc16_channels_resolve_against_options_and_pins() {
    let m = uc18();
    let mut plan = SeedPlan::new(
        &m,
        &opts(&["hello-oracle=beta", "pc-kernel=edge"], None, None),
    )
    .unwrap();
    let round = plan.next_round().unwrap().unwrap();
    let ch: Vec<_> = round.iter().map(|p| p.channel.as_str()).collect();
    assert_eq!(ch, ["stable", "18/edge", "stable", "stable", "beta"]);

    let mut plan = SeedPlan::new(&m, &opts(&["pc-kernel=20/stable"], None, None)).unwrap();
    assert_eq!(
        plan.next_round().unwrap_err().to_string(),
        "option channel \"20/stable\" for kernel \"pc-kernel\" has a track incompatible with the pinned track from model assertion: 18"
    );
    let mut plan = SeedPlan::new(&m, &opts(&[], Some("candidate"), None)).unwrap();
    let round = plan.next_round().unwrap().unwrap();
    let ch: Vec<_> = round.iter().map(|p| p.channel.as_str()).collect();
    assert_eq!(
        ch,
        [
            "candidate",
            "18/candidate",
            "candidate",
            "candidate",
            "candidate"
        ]
    );
}

#[test]
fn uc16_extra_snaps_come_after_the_model() {
    let m = model(UC16, |t| t);
    let mut plan =
        SeedPlan::new(&m, &opts(&["extra=edge", "hello-oracle=beta"], None, None)).unwrap();
    let rounds = run(&mut plan, yaml_of).unwrap();
    assert_eq!(rounds.len(), 2);
    assert_eq!(
        rounds[0][3],
        ("hello-oracle".to_string(), "beta".to_string())
    );
    assert_eq!(rounds[1], pairs(&[("extra", "edge")]));
    let contents = plan.finish(Vec::new()).unwrap();
    assert_eq!(contents.extra_snaps[0].planned.origin, SnapOrigin::Extra);
}

#[test]
fn uc20_signed_is_the_model_with_snapd_first() {
    let m = model(UC20, |t| t);
    assert_eq!(
        SeedPlan::new(&m, &PlanOptions::default())
            .unwrap_err()
            .to_string(),
        "internal error: cannot write UC20+ seed without Options.Label set"
    );
    assert_eq!(
        SeedPlan::new(&m, &opts(&[], None, Some("Bad_Label")))
            .unwrap_err()
            .to_string(),
        "invalid seed system label: \"Bad_Label\""
    );
    let mut plan = SeedPlan::new(&m, &opts(&[], None, Some("20261203"))).unwrap();
    assert_eq!(plan.label(), Some("20261203"));
    let rounds = run(&mut plan, yaml_of).unwrap();
    assert_eq!(
        rounds,
        [pairs(&[
            ("snapd", "latest/stable"),
            ("pc-kernel", "20/stable"),
            ("core20", "latest/stable"),
            ("pc20", "20/stable"),
            ("hello20", "latest/stable")
        ])]
    );
    let c = plan.finish(Vec::new()).unwrap();
    assert_eq!(c.model_snaps[4].planned.modes, ["run", "ephemeral"]);
    assert_eq!(c.label.as_deref(), Some("20261203"));

    const GRADE: &str = "cannot override channels, add devmode snaps, local snaps, or extra snaps with a model of grade higher than dangerous";
    let l = Some("x1");
    assert_eq!(
        SeedPlan::new(&m, &opts(&["hello20=edge"], None, l))
            .unwrap_err()
            .to_string(),
        GRADE
    );
    assert_eq!(
        SeedPlan::new(&m, &opts(&[], Some("edge"), l))
            .unwrap_err()
            .to_string(),
        GRADE
    );
    let mut plan = SeedPlan::new(&m, &opts(&["hello-extra"], None, l)).unwrap();
    assert_eq!(plan.next_round().unwrap_err().to_string(), GRADE);
}

#[test]
fn uc20_dangerous_with_a_local_an_extra_and_a_channel() {
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("local-tool_1.0_all.snap");
    std::fs::write(&local, b"x").unwrap();
    let local_arg = local.to_string_lossy().into_owned();
    let m = dangerous();
    let mut plan = SeedPlan::new(
        &m,
        &opts(
            &[&local_arg, "hello-extra", "hello20=edge"],
            None,
            Some("20261203"),
        ),
    )
    .unwrap();
    assert_eq!(
        plan.next_round().unwrap_err().to_string(),
        "internal error: seed plan expected local_snaps at this point, not next_round"
    );
    plan.local_snaps(vec![local_snap(
        &local_arg,
        "name: local-tool\nversion: '1.0'\nbase: core20\nconfinement: devmode\n",
    )])
    .unwrap();
    let rounds = run(&mut plan, yaml_of).unwrap();
    assert_eq!(rounds.len(), 2);
    assert_eq!(
        rounds[0][4],
        ("hello20".to_string(), "latest/edge".to_string())
    );
    // The local snap is not fetched.
    assert_eq!(rounds[1], pairs(&[("hello-extra", "latest/stable")]));
    let c = plan.finish(Vec::new()).unwrap();
    let extra: Vec<_> = c
        .extra_snaps
        .iter()
        .map(|s| s.planned.name.as_str())
        .collect();
    assert_eq!(extra, ["local-tool", "hello-extra"]);
    assert_eq!(c.extra_snaps[0].revision, Revision::LOCAL);
    assert_eq!(
        c.extra_snaps[0].planned.local.as_deref(),
        Some(local.as_path())
    );
    assert_eq!(
        c.warnings,
        [
            "\"local-tool\" installed from local snaps disconnected from a store cannot be refreshed subsequently!"
        ]
    );
}

#[test]
fn local_snaps_merge_name_options_and_refuse_repeats() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.snap");
    let b = dir.path().join("b.snap");
    std::fs::write(&a, b"x").unwrap();
    std::fs::write(&b, b"x").unwrap();
    let (a, b) = (
        a.to_string_lossy().into_owned(),
        b.to_string_lossy().into_owned(),
    );
    let m = model(UC16, |t| t);
    let yaml = "name: tool\nversion: '1'\n";

    let mut plan = SeedPlan::new(&m, &opts(&[&a, &b], None, None)).unwrap();
    assert_eq!(
        plan.local_snaps(vec![local_snap(&a, yaml), local_snap(&b, yaml)])
            .unwrap_err()
            .to_string(),
        "local snap \"tool\" is repeated in options"
    );

    let mut plan =
        SeedPlan::new(&m, &opts(&[&format!("{a}=edge"), "tool=beta"], None, None)).unwrap();
    assert_eq!(
        plan.local_snaps(vec![local_snap(&a, yaml)])
            .unwrap_err()
            .to_string(),
        format!(
            "option snap has different channels specified: \"{a}\"=\"edge\" vs \"tool\"=\"beta\""
        )
    );

    let mut plan = SeedPlan::new(&m, &opts(&[&a, "tool=beta"], None, None)).unwrap();
    plan.local_snaps(vec![local_snap(&a, yaml)]).unwrap();
    let rounds = run(&mut plan, yaml_of).unwrap();
    // The extra round holds the local snap only: nothing to fetch.
    assert_eq!(rounds.len(), 2, "{rounds:?}");
    assert!(rounds[1].is_empty());
    let c = plan.finish(Vec::new()).unwrap();
    assert_eq!(c.extra_snaps.len(), 1);
    assert_eq!(c.extra_snaps[0].planned.name, "tool");
}

#[test]
fn option_texts_are_snapds() {
    let m = model(UC16, |t| t);
    let err = |snaps: &[&str], channel: Option<&str>| {
        SeedPlan::new(&m, &opts(snaps, channel, None))
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        err(&["a_b"], None),
        "cannot use snap \"a_b\", parallel snap instances are unsupported"
    );
    assert_eq!(err(&["A"], None), "invalid snap name: \"A\"");
    assert_eq!(
        err(&["aa", "aa"], None),
        "snap \"aa\" is repeated in options"
    );
    assert_eq!(
        err(&["/nonexistent/x.snap"], None),
        "local option snap \"/nonexistent/x.snap\" does not exist"
    );
    assert_eq!(
        err(&["aa=a/b/c/d"], None),
        "cannot use option channel for snap \"aa\": channel name has too many components: a/b/c/d"
    );
    assert_eq!(
        err(&[], Some("foo/bar")),
        "cannot use global default option channel: invalid risk in channel name: foo/bar"
    );
    let p = PlanOptions {
        snaps: vec![OptionSnap::Path {
            path: "x.tar".into(),
            channel: None,
        }],
        ..PlanOptions::default()
    };
    assert_eq!(
        SeedPlan::new(&m, &p).unwrap_err().to_string(),
        "local option snap \"x.tar\" does not end in .snap"
    );
}

/// Runs the first round with `yaml` for `which` and the fixtures' for the others.
fn first_round_err(
    m: &Assertion,
    o: &PlanOptions,
    which: &str,
    yaml: &str,
    publisher: &str,
) -> String {
    let mut plan = SeedPlan::new(m, o).unwrap();
    let round = plan.next_round().unwrap().unwrap();
    let snaps = round
        .iter()
        .map(|p| {
            if p.name == which {
                seed_snap(p, yaml, publisher)
            } else {
                seed_snap(p, &yaml_of(&p.name), "developer1")
            }
        })
        .collect();
    plan.fetched(snaps).unwrap_err().to_string()
}

#[test]
fn downloaded_check_texts_are_snapds() {
    let uc16 = model(UC16, |t| t);
    let none = PlanOptions::default();
    assert_eq!(
        first_round_err(
            &uc16,
            &none,
            "pc-kernel",
            "name: pc-kernel\nversion: '1'\n",
            "developer1"
        ),
        "kernel \"pc-kernel\" has unexpected type: app"
    );
    assert_eq!(
        first_round_err(
            &uc16,
            &none,
            "hello-oracle",
            "name: hello-oracle\nversion: '1'\ntype: gadget\n",
            "developer1"
        ),
        "snap \"hello-oracle\" has unexpected type: gadget"
    );
    assert_eq!(
        first_round_err(
            &uc16,
            &none,
            "hello-oracle",
            "name: hello-oracle\nversion: '1'\nconfinement: classic\n",
            "x"
        ),
        "cannot use classic snap \"hello-oracle\" in a core system"
    );
    assert_eq!(
        first_round_err(
            &uc16,
            &none,
            "pc",
            "name: pc\nversion: '1'\ntype: gadget\nbase: core18\n",
            "developer1"
        ),
        "cannot use gadget snap because its base \"core18\" is different from model base \"\""
    );
    assert_eq!(
        first_round_err(
            &uc16,
            &none,
            "hello-oracle",
            "name: hello-oracle\nversion: '1'\nbase: core22\n",
            "x"
        ),
        "cannot add snap \"hello-oracle\" without also adding its base \"core22\" explicitly"
    );
    assert_eq!(
        first_round_err(
            &uc18(),
            &none,
            "hello-oracle",
            "name: hello-oracle\nversion: '1'\nbase: core16\n",
            "x"
        ),
        "cannot use \"hello-oracle\" requiring base \"core16\" without adding \"core16\" (or \"core\") explicitly"
    );
    // With core in the seed (UC16's system snap), core16 snaps are fine.
    let mut plan = SeedPlan::new(&uc16, &none).unwrap();
    let core16 = |name: &str| {
        if name == "hello-oracle" {
            "name: hello-oracle\nversion: '1'\nbase: core16\n".to_string()
        } else {
            yaml_of(name)
        }
    };
    assert_eq!(run(&mut plan, core16).unwrap().len(), 1);
    assert_eq!(
        first_round_err(
            &uc16,
            &none,
            "pc-kernel",
            &yaml_of("pc-kernel"),
            "testrootorg"
        ),
        "cannot use kernel \"pc-kernel\" published by \"testrootorg\" for model by \"developer1\""
    );
    assert_eq!(
        first_round_err(
            &uc16,
            &none,
            "hello-oracle",
            "name: hello-oracle\nversion: '1'\nplugs:\n  c:\n    interface: content\n    content: t\n    target: $SNAP/t\n    default-provider: provider:slot\n",
            "x"
        ),
        "cannot use snap \"hello-oracle\" without its default content provider \"provider\" being added explicitly"
    );
    let uc20 = model(UC20, |t| t);
    let l = opts(&[], None, Some("l1"));
    assert_eq!(
        first_round_err(&uc20, &l, "hello20", "name: hello20\nversion: '1'\n", "x"),
        "cannot add snap \"hello20\" without also adding its base \"core\" explicitly for all relevant modes (run, ephemeral)"
    );
    assert_eq!(
        first_round_err(
            &uc20,
            &l,
            "hello20",
            "name: hello20\nversion: '1'\nbase: core16\n",
            "x"
        ),
        "cannot add snap \"hello20\" without also adding its base \"core16\" (or \"core\") explicitly for all relevant modes (run, ephemeral)"
    );
    assert_eq!(
        first_round_err(
            &uc20,
            &l,
            "core20",
            "name: core20\nversion: '1'\ntype: app\n",
            "x"
        ),
        "boot base \"core20\" has unexpected type: app"
    );
    assert_eq!(
        first_round_err(
            &uc20,
            &l,
            "pc20",
            "name: pc20\nversion: '1'\nbase: core20\n",
            "x"
        ),
        "gadget \"pc20\" has unexpected type: app"
    );
    assert_eq!(
        first_round_err(
            &uc20,
            &l,
            "hello20",
            "name: hello20\nversion: '1'\nbase: core20\nconfinement: devmode\n",
            "x"
        ),
        "cannot override channels, add devmode snaps, local snaps, or extra snaps with a model of grade higher than dangerous"
    );
}

/// The first round, fetched with the fixtures' snap.yaml.
fn first_round(plan: &mut SeedPlan) -> Vec<SeedSnap> {
    let round = plan.next_round().unwrap().unwrap();
    round
        .iter()
        .map(|p| seed_snap(p, &yaml_of(&p.name), "developer1"))
        .collect()
}

#[test]
fn redirect_channels_are_checked_and_kept() {
    let uc16 = model(UC16, |t| t);
    let mut plan = SeedPlan::new(&uc16, &PlanOptions::default()).unwrap();
    let mut snaps = first_round(&mut plan);
    snaps[3].planned.channel = "2.0/stable".into();
    plan.fetched(snaps).unwrap();
    let c = plan.finish(Vec::new()).unwrap();
    assert_eq!(c.model_snaps[3].planned.channel, "2.0/stable");

    let mut plan = SeedPlan::new(&uc16, &PlanOptions::default()).unwrap();
    let mut snaps = first_round(&mut plan);
    snaps[3].planned.channel = "a/b/c/d".into();
    assert_eq!(
        plan.fetched(snaps).unwrap_err().to_string(),
        "invalid redirect channel for snap \"hello-oracle\": channel name has too many components: a/b/c/d"
    );
}

#[test]
fn internal_checks_name_the_snap() {
    let uc16 = model(UC16, |t| t);
    let mut plan = SeedPlan::new(&uc16, &PlanOptions::default()).unwrap();
    let mut snaps = first_round(&mut plan);
    snaps.pop();
    assert_eq!(
        plan.fetched(snaps).unwrap_err().to_string(),
        "internal error: before seedwriter.Writer.Downloaded snap \"hello-oracle\" Info should have been set"
    );
    let mut plan = SeedPlan::new(&uc16, &PlanOptions::default()).unwrap();
    let mut snaps = first_round(&mut plan);
    snaps[0].assertions.clear();
    assert_eq!(
        plan.fetched(snaps).unwrap_err().to_string(),
        "internal error: before seedwriter.Writer.Downloaded snap \"core\" ARefs should have been set"
    );
    let mut plan = SeedPlan::new(&uc16, &PlanOptions::default()).unwrap();
    assert_eq!(
        plan.fetched(Vec::new()).unwrap_err().to_string(),
        "internal error: seed plan expected next_round at this point, not fetched"
    );
}

#[test]
fn system_snap_listed_with_wrong_modes() {
    // A valid model cannot give an essential snap modes; the check guards the writer's
    // own system snap against the model's entry.
    let m = model(UC20, |t| t);
    let mut plan = SeedPlan::new(&m, &opts(&[], None, Some("l"))).unwrap();
    if let Some(snapd) = plan.facts.essential.iter_mut().find(|s| s.name == "snapd") {
        snapd.modes = vec!["run".into()];
    }
    assert_eq!(
        plan.next_round().unwrap_err().to_string(),
        "internal error: system snap \"snapd\" explicitly listed in model carries wrong modes: [\"run\"]"
    );
}
