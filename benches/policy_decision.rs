//! One policy decision (target ≤ 5 µs): an auto-connection check of an app's `home` plug
//! (`network` with the small base-declaration) to the core snap's slot, as snapd's
//! `ConnectCandidate.CheckAutoConnect` runs it for every candidate pair, with the snaps,
//! declarations and base-declaration already read and compiled. Also the connection check
//! and the installation check of a snap with a snap-declaration on the same inputs.
//!
//! With `UCORE_ORACLE` set, the base-declaration is snapd's real one
//! (`$UCORE_ORACLE policy base-declaration`, generated at bench time, never committed);
//! else our small one (`tests/data/policy-decisions/small-base-declaration.txt`).
//!
//! `cargo bench --bench policy_decision`; figures in `docs/perf/policy-decision.md`.
use std::collections::BTreeMap;
use std::hint::black_box;

use criterion::{Criterion, criterion_group};
use ucore::assertions::policy::{
    AttrValue, BaseDeclarationRules, ConnectCandidate, ConnectedPlugSlot, DeclarationRules,
    InstallCandidate, PlugSlotInfo, PolicyEnvironment, PolicySnap, RuleLanguage,
};

fn base_declaration() -> (String, &'static str) {
    if let Some(oracle) = std::env::var_os("UCORE_ORACLE").filter(|o| !o.is_empty()) {
        let text = ucore_test_support::snapd_base_declaration(std::path::Path::new(&oracle));
        return (text, "home");
    }
    let path =
        ucore_test_support::repo().join("tests/data/policy-decisions/small-base-declaration.txt");
    (
        std::fs::read_to_string(path).expect("the small base-declaration"),
        "network",
    )
}

fn plug_slot(name: &str, attrs: BTreeMap<String, AttrValue>) -> PlugSlotInfo {
    PlugSlotInfo {
        name: name.into(),
        interface: name.into(),
        attrs,
    }
}

fn decisions(c: &mut Criterion) {
    let (text, iface) = base_declaration();
    let bd = BaseDeclarationRules::from_builtin_text(text.as_bytes(), RuleLanguage::Snapd2_57)
        .expect("the base-declaration compiles");
    let decl_rules = BaseDeclarationRules::default();
    let env = PolicyEnvironment::default();
    let attrs = BTreeMap::from([("read".to_owned(), AttrValue::String("owner".into()))]);
    let plug = plug_slot(iface, attrs);
    let slot = plug_slot(iface, BTreeMap::new());
    let app = PolicySnap {
        name: "app".into(),
        snap_type: "app".into(),
        plugs: BTreeMap::from([(iface.to_owned(), plug.clone())]),
        slots: BTreeMap::new(),
    };
    let core = PolicySnap {
        name: "core".into(),
        snap_type: "os".into(),
        plugs: BTreeMap::new(),
        slots: BTreeMap::from([(iface.to_owned(), slot.clone())]),
    };
    let app_decl = DeclarationRules {
        snap_id: "appidxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        snap_name: "app",
        publisher_id: "acme",
        plugs: &decl_rules.plugs,
        slots: &decl_rules.slots,
    };
    let cc = ConnectCandidate {
        plug: ConnectedPlugSlot::new(&app, &plug),
        plug_declaration: Some(app_decl),
        slot: ConnectedPlugSlot::new(&core, &slot),
        slot_declaration: None,
        base_declaration: &bd,
        env: &env,
    };
    let mut g = c.benchmark_group("policy_decision");
    g.bench_function("auto_connect", |b| {
        b.iter(|| black_box(black_box(&cc).check_auto_connect()))
    });
    g.bench_function("connect", |b| b.iter(|| black_box(black_box(&cc).check())));
    let ic = InstallCandidate {
        snap: &app,
        snap_declaration: Some(app_decl),
        base_declaration: &bd,
        env: &env,
    };
    g.bench_function("install", |b| b.iter(|| black_box(black_box(&ic).check())));
    g.finish();
}

criterion_group!(benches, decisions);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
