//! Policy decision cases: their description ([`Case`]), the proptest strategies that
//! generate them over a set of interfaces and every constraint kind, and their files
//! (snap.yamls, signed snap-declarations, model and store assertions) in the shapes the
//! oracle's `policy` commands read.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use proptest::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use ucore_assertions::policy::Subrule;
use ucore_assertions::{Encoder, Timestamp};
use ucore_signing::{RsaPrivateKey, builder_from_json, sign_assertion_at};

/// The interfaces cases use: builtin interfaces whose snapd sanitizer accepts any
/// attribute, with and without a rule in the small base-declaration.
pub const INTERFACES: [&str; 12] = [
    "audio-playback",
    "camera",
    "gsettings",
    "hardware-observe",
    "kernel-module-control",
    "network",
    "network-bind",
    "opengl",
    "screen-inhibit-control",
    "system-observe",
    "unity7",
    "x11",
];

/// The snapd snap's production snap id (`app` snaps with it are of type `snapd`).
pub const SNAPD_ID: &str = "PMrrV4ml8uWuEUDBT8dSGnKUYbevVhc4";
/// Snap ids declarations use.
pub const SNAP_IDS: [&str; 3] = [
    "plugsnapidididididididididididid",
    "slotsnapidididididididididididid",
    SNAPD_ID,
];
/// Publisher ids declarations use.
const PUBLISHERS: [&str; 3] = ["acme", "canonical", "other-pub"];
/// Attribute names snaps and constraints use.
const ATTR_NAMES: [&str; 5] = ["lens", "level", "legacy", "sandbox", "k"];

/// A plug or slot of a generated snap.yaml.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlugSlot {
    pub name: String,
    pub interface: String,
    pub attrs: Map<String, Value>,
}

/// A generated snap.yaml.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snap {
    pub name: String,
    #[serde(rename = "type")]
    pub snap_type: String,
    pub plugs: Vec<PlugSlot>,
    pub slots: Vec<PlugSlot>,
}

impl Snap {
    /// The snap.yaml text (attributes in JSON, which is YAML flow syntax).
    pub fn yaml(&self) -> String {
        let mut y = format!(
            "name: {}\nversion: 1\ntype: {}\n",
            self.name, self.snap_type
        );
        for (key, list) in [("plugs", &self.plugs), ("slots", &self.slots)] {
            if list.is_empty() {
                continue;
            }
            y.push_str(key);
            y.push_str(":\n");
            for p in list {
                y.push_str(&format!("  {}:\n    interface: {}\n", p.name, p.interface));
                for (k, v) in &p.attrs {
                    y.push_str(&format!("    {k}: {v}\n"));
                }
            }
        }
        y
    }
}

/// A generated snap-declaration: `plugs`/`slots` are header values as JSON (strings,
/// lists, maps).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decl {
    pub snap_id: String,
    pub snap_name: String,
    pub publisher_id: String,
    pub plugs: Option<Value>,
    pub slots: Option<Value>,
}

/// What the case asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    Install,
    InstallFull,
    Connect,
    AutoConnect,
}

/// One case of the differential.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Case {
    pub action: Action,
    /// The snap installed, or the plug side.
    pub snap: Snap,
    pub decl: Option<Decl>,
    /// Connections: the slot side.
    pub slot_snap: Option<Snap>,
    pub slot_decl: Option<Decl>,
    pub plug: String,
    pub slot: String,
    pub plug_attrs: Option<Value>,
    pub slot_attrs: Option<Value>,
    pub classic: bool,
    pub distro: Option<String>,
    /// An index into [`models`].
    pub model: Option<usize>,
    /// An index into [`stores`].
    pub store: Option<usize>,
}

fn strings(pool: &'static [&'static str], max: usize) -> impl Strategy<Value = Vec<String>> {
    prop::sample::subsequence(pool, 1..=max.min(pool.len()))
        .prop_map(|v| v.into_iter().map(str::to_owned).collect())
}

fn attr_value() -> impl Strategy<Value = Value> {
    let scalar = prop_oneof![
        prop::sample::select(vec!["wide", "tele", "x", "loud"]).prop_map(|s| json!(s)),
        any::<bool>().prop_map(|b| json!(b)),
        (0i64..3).prop_map(|i| json!(i)),
    ];
    prop_oneof![
        4 => scalar.clone(),
        1 => prop::collection::vec(scalar.clone(), 0..3).prop_map(Value::Array),
        1 => scalar.prop_map(|v| json!({"k": v})),
    ]
}

fn attrs() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::btree_map(
        prop::sample::select(ATTR_NAMES.to_vec()),
        attr_value(),
        0..3,
    )
    .prop_map(|m| m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

fn plug_slot(prefix: &'static str, iface: &'static str) -> impl Strategy<Value = PlugSlot> {
    let names = vec![
        iface.to_owned(),
        format!("{prefix}1"),
        format!("{prefix}-x"),
    ];
    (prop::sample::select(names), attrs()).prop_map(move |(name, attrs)| PlugSlot {
        name,
        interface: iface.to_owned(),
        attrs,
    })
}

fn snap(
    name: &'static str,
    types: Vec<&'static str>,
    plug_ifaces: Vec<&'static str>,
    slot_ifaces: Vec<&'static str>,
) -> impl Strategy<Value = Snap> {
    let plugs: Vec<_> = plug_ifaces.into_iter().map(|i| plug_slot("p", i)).collect();
    let slots: Vec<_> = slot_ifaces.into_iter().map(|i| plug_slot("s", i)).collect();
    (prop::sample::select(types), plugs, slots).prop_map(move |(t, plugs, slots)| {
        // one plug or slot per name
        let mut seen = std::collections::BTreeSet::new();
        let plugs: Vec<_> = plugs
            .into_iter()
            .filter(|p| seen.insert(p.name.clone()))
            .collect();
        let slots: Vec<_> = slots
            .into_iter()
            .filter(|p| seen.insert(p.name.clone()))
            .collect();
        Snap {
            name: name.to_owned(),
            snap_type: t.to_owned(),
            plugs,
            slots,
        }
    })
}

/// An attribute matcher: literals, regexps, `$SLOT()`/`$PLUG()`/`$MISSING`, nested maps
/// and alternatives.
fn matcher() -> impl Strategy<Value = Value> {
    let leaf = prop::sample::select(vec![
        "wide",
        "wide|tele",
        ".*",
        "x",
        "true",
        "1",
        "$SLOT(level)",
        "$PLUG(level)",
        "$SLOT(lens)",
        "$PLUG(lens)",
        "$MISSING",
    ])
    .prop_map(|s| json!(s));
    prop_oneof![
        5 => leaf.clone(),
        1 => prop::collection::vec(leaf.clone(), 2..3).prop_map(Value::Array),
        1 => leaf.prop_map(|v| json!({"k": v})),
    ]
}

fn attr_constraints() -> impl Strategy<Value = Value> {
    let map = || {
        prop::collection::btree_map(prop::sample::select(ATTR_NAMES.to_vec()), matcher(), 1..3)
            .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()))
    };
    prop_oneof![
        4 => map(),
        1 => prop::collection::vec(map(), 2..3).prop_map(Value::Array),
    ]
}

/// The keys a constraint set of `side`'s rule may hold in `subrule` (some ignored there,
/// as snapd ignores them), with a value strategy each.
fn constraint_set(side: &'static str, subrule: &'static str) -> BoxedStrategy<Value> {
    let other = if side == "plug" { "slot" } else { "plug" };
    let installation = subrule.ends_with("-installation");
    let allow_conn = !installation && subrule.starts_with("allow-");
    let names = || {
        strings(
            &["$INTERFACE", "p1", "p-x", "s1", "s-x", "camera", "network"],
            2,
        )
    };
    let mut keys: Vec<(String, BoxedStrategy<Value>)> = vec![
        (
            format!("{side}-names"),
            names().prop_map(|v| json!(v)).boxed(),
        ),
        (format!("{side}-attributes"), attr_constraints().boxed()),
        (
            "on-classic".into(),
            prop_oneof![
                Just(json!("true")),
                Just(json!("false")),
                Just(json!(["ubuntu", "debian"]))
            ]
            .boxed(),
        ),
        (
            "on-store".into(),
            strings(&["store1", "substore1"], 2)
                .prop_map(|v| json!(v))
                .boxed(),
        ),
        (
            "on-brand".into(),
            strings(&["acme", "brand2"], 2)
                .prop_map(|v| json!(v))
                .boxed(),
        ),
        (
            "on-model".into(),
            strings(&["acme/m1", "brand2/m3"], 2)
                .prop_map(|v| json!(v))
                .boxed(),
        ),
    ];
    if installation {
        keys.push((
            format!("{side}-snap-type"),
            strings(&["core", "app", "gadget", "kernel"], 3)
                .prop_map(|v| json!(v))
                .boxed(),
        ));
        keys.push((
            format!("{side}-snap-id"),
            strings(&SNAP_IDS, 2).prop_map(|v| json!(v)).boxed(),
        ));
    } else {
        keys.push((
            format!("{other}-names"),
            names().prop_map(|v| json!(v)).boxed(),
        ));
        keys.push((format!("{other}-attributes"), attr_constraints().boxed()));
        keys.push((
            format!("{other}-snap-type"),
            strings(&["core", "app", "gadget", "kernel"], 3)
                .prop_map(|v| json!(v))
                .boxed(),
        ));
        keys.push((
            format!("{other}-snap-id"),
            strings(&SNAP_IDS, 2).prop_map(|v| json!(v)).boxed(),
        ));
        let marker = if side == "plug" {
            "$PLUG_PUBLISHER_ID"
        } else {
            "$SLOT_PUBLISHER_ID"
        };
        let pubs = vec!["acme", "canonical", "other-pub", marker];
        keys.push((
            format!("{other}-publisher-id"),
            prop::sample::subsequence(pubs, 1..=2)
                .prop_map(|v| json!(v))
                .boxed(),
        ));
        if allow_conn {
            keys.push((
                "slots-per-plug".into(),
                prop_oneof![Just(json!("*")), Just(json!("1")), Just(json!("2"))].boxed(),
            ));
            keys.push((
                "plugs-per-slot".into(),
                prop_oneof![Just(json!("*")), Just(json!("1"))].boxed(),
            ));
        }
    }
    let n = keys.len();
    let (names, strategies): (Vec<String>, Vec<BoxedStrategy<Value>>) = keys.into_iter().unzip();
    (
        prop::sample::subsequence((0..n).collect::<Vec<_>>(), 1..=3),
        strategies,
    )
        .prop_map(move |(picked, values)| {
            let m: Map<String, Value> = picked
                .into_iter()
                .map(|i| (names[i].clone(), values[i].clone()))
                .collect();
            Value::Object(m)
        })
        .boxed()
}

fn subrule(side: &'static str, name: &'static str) -> BoxedStrategy<Value> {
    prop_oneof![
        1 => Just(json!("true")),
        1 => Just(json!("false")),
        4 => constraint_set(side, name),
        2 => prop::collection::vec(constraint_set(side, name), 1..3).prop_map(Value::Array),
    ]
    .boxed()
}

/// A plug or slot rule: `true`, `false`, or a map of one to three subrules.
fn rule(side: &'static str) -> BoxedStrategy<Value> {
    let names: Vec<&'static str> = Subrule::ALL.iter().map(|s| s.as_str()).collect();
    let subrules: Vec<BoxedStrategy<Value>> = names.iter().map(|s| subrule(side, s)).collect();
    prop_oneof![
        1 => Just(json!("true")),
        1 => Just(json!("false")),
        6 => (prop::sample::subsequence((0..6).collect::<Vec<_>>(), 1..=3), subrules).prop_map(
            move |(picked, values)| {
                Value::Object(picked.into_iter().map(|i| (names[i].to_owned(), values[i].clone())).collect())
            }
        ),
    ]
    .boxed()
}

fn rules(side: &'static str, ifaces: Vec<&'static str>) -> BoxedStrategy<Option<Value>> {
    let per_iface: Vec<_> = ifaces
        .into_iter()
        .map(move |i| (Just(i), rule(side)))
        .collect();
    prop::option::weighted(0.7, per_iface)
        .prop_map(|o| {
            o.filter(|list| !list.is_empty()).map(|list| {
                Value::Object(list.into_iter().map(|(i, r)| (i.to_owned(), r)).collect())
            })
        })
        .boxed()
}

fn decl(
    snap_name: &'static str,
    snap_ids: Vec<&'static str>,
    plug_ifaces: Vec<&'static str>,
    slot_ifaces: Vec<&'static str>,
) -> impl Strategy<Value = Decl> {
    (
        prop::sample::select(snap_ids),
        prop::sample::select(PUBLISHERS.to_vec()),
        rules("plug", plug_ifaces),
        rules("slot", slot_ifaces),
    )
        .prop_map(move |(id, publisher, plugs, slots)| Decl {
            snap_id: id.to_owned(),
            snap_name: snap_name.to_owned(),
            publisher_id: publisher.to_owned(),
            plugs,
            slots,
        })
}

fn environment() -> impl Strategy<Value = (bool, Option<String>, Option<usize>, Option<usize>)> {
    (
        any::<bool>(),
        prop::option::weighted(
            0.3,
            prop::sample::select(vec!["debian", "ubuntu", "fedora"]),
        ),
        prop::option::weighted(0.6, 0..models().len()),
        prop::option::weighted(0.3, 0..stores().len()),
    )
        .prop_map(|(classic, distro, model, store)| {
            (
                classic,
                distro.filter(|_| classic).map(str::to_owned),
                model,
                store,
            )
        })
}

fn some_ifaces() -> impl Strategy<Value = Vec<&'static str>> {
    prop::sample::subsequence(INTERFACES.to_vec(), 1..=3)
}

fn install_case() -> impl Strategy<Value = Case> {
    (some_ifaces(), some_ifaces(), any::<bool>())
        .prop_flat_map(|(plug_ifaces, slot_ifaces, with_decl)| {
            let s = snap(
                "installer",
                vec!["app", "app", "gadget", "kernel", "os"],
                plug_ifaces.clone(),
                slot_ifaces.clone(),
            );
            let d = prop::option::weighted(
                if with_decl { 0.9 } else { 0.1 },
                decl("installer", SNAP_IDS.to_vec(), plug_ifaces, slot_ifaces),
            );
            (s, d, any::<bool>(), environment())
        })
        .prop_map(|(snap, decl, full, (classic, distro, model, store))| Case {
            action: if full {
                Action::InstallFull
            } else {
                Action::Install
            },
            snap,
            decl,
            slot_snap: None,
            slot_decl: None,
            plug: String::new(),
            slot: String::new(),
            plug_attrs: None,
            slot_attrs: None,
            classic,
            distro,
            model,
            store,
        })
}

fn dynamic_attrs() -> impl Strategy<Value = Option<Value>> {
    prop::option::weighted(0.2, attrs().prop_map(Value::Object))
}

fn connect_case() -> impl Strategy<Value = Case> {
    (
        prop::sample::select(INTERFACES.to_vec()),
        prop::option::weighted(0.1, prop::sample::select(INTERFACES.to_vec())),
        any::<bool>(),
    )
        .prop_flat_map(|(iface, other, auto)| {
            let slot_iface = other.unwrap_or(iface);
            (
                snap("plugger", vec!["app", "app", "gadget"], vec![iface], vec![]),
                prop::option::weighted(
                    0.6,
                    decl("plugger", vec![SNAP_IDS[0]], vec![iface], vec![]),
                ),
                snap(
                    "slotter",
                    vec!["app", "os", "gadget", "kernel"],
                    vec![],
                    vec![slot_iface],
                ),
                prop::option::weighted(
                    0.6,
                    decl(
                        "slotter",
                        vec![SNAP_IDS[1], SNAPD_ID],
                        vec![],
                        vec![slot_iface],
                    ),
                ),
                dynamic_attrs(),
                dynamic_attrs(),
                environment(),
                Just(auto),
            )
        })
        .prop_map(
            |(snap, decl, slot_snap, slot_decl, plug_attrs, slot_attrs, env, auto)| {
                let (classic, distro, model, store) = env;
                Case {
                    action: if auto {
                        Action::AutoConnect
                    } else {
                        Action::Connect
                    },
                    plug: format!("plugger:{}", snap.plugs[0].name),
                    slot: format!("slotter:{}", slot_snap.slots[0].name),
                    snap,
                    decl,
                    slot_snap: Some(slot_snap),
                    slot_decl,
                    plug_attrs,
                    slot_attrs,
                    classic,
                    distro,
                    model,
                    store,
                }
            },
        )
}

/// Any case: installations and connections in equal parts.
pub fn case_strategy() -> impl Strategy<Value = Case> {
    prop_oneof![install_case(), connect_case()]
}

fn key() -> &'static RsaPrivateKey {
    static KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
    KEY.get_or_init(|| {
        RsaPrivateKey::from_pem(ucore_test_support::keys::ACME).expect("the test-only acme key")
    })
}

/// Signature creation time of every generated assertion (2020-01-01T00:00:00Z).
const SIG_TIME: u32 = 1_577_836_800;

/// Signs headers given as JSON with the test-only acme key.
fn sign(headers: &Value) -> String {
    let builder = builder_from_json(&headers.to_string(), None)
        .unwrap_or_else(|e| panic!("headers {headers}: {e}"));
    let signed = sign_assertion_at(&builder, key(), Timestamp::from_openpgp_time(SIG_TIME))
        .expect("signing with the test-only key");
    let mut enc = Encoder::new(Vec::new());
    enc.encode(&signed).expect("encoding to memory");
    String::from_utf8(enc.into_inner()).expect("assertions are text")
}

/// The signed snap-declaration of `d` (format 5: every 2.57 feature).
pub fn decl_assertion(d: &Decl) -> String {
    let mut h = json!({
        "type": "snap-declaration",
        "authority-id": "canonical",
        "format": "5",
        "series": "16",
        "snap-id": d.snap_id,
        "snap-name": d.snap_name,
        "publisher-id": d.publisher_id,
        "timestamp": "2020-01-01T00:00:00Z",
    });
    if let Some(p) = &d.plugs {
        h["plugs"] = p.clone();
    }
    if let Some(s) = &d.slots {
        h["slots"] = s.clone();
    }
    sign(&h)
}

/// The model assertions cases choose from: acme/m1 on store1, acme/m2 without a store,
/// brand2/m3 on substore1.
pub fn models() -> &'static [String] {
    static MODELS: OnceLock<Vec<String>> = OnceLock::new();
    MODELS.get_or_init(|| {
        [
            ("acme", "m1", Some("store1")),
            ("acme", "m2", None),
            ("brand2", "m3", Some("substore1")),
        ]
        .into_iter()
        .map(|(brand, model, store)| {
            let mut h = json!({
                "type": "model", "authority-id": brand, "brand-id": brand, "series": "16",
                "model": model, "architecture": "amd64", "gadget": "pc", "kernel": "pc-kernel",
                "timestamp": "2020-01-01T00:00:00Z",
            });
            if let Some(s) = store {
                h["store"] = json!(s);
            }
            sign(&h)
        })
        .collect()
    })
}

/// The store assertions cases choose from: store1, and substore1 whose friendly store is
/// store1.
pub fn stores() -> &'static [String] {
    static STORES: OnceLock<Vec<String>> = OnceLock::new();
    STORES.get_or_init(|| {
        [("store1", None), ("substore1", Some("store1"))]
            .into_iter()
            .map(|(store, friendly)| {
                let mut h = json!({
                    "type": "store", "authority-id": "canonical", "store": store,
                    "operator-id": "acme", "timestamp": "2020-01-01T00:00:00Z",
                });
                if let Some(f) = friendly {
                    h["friendly-stores"] = json!([f]);
                }
                sign(&h)
            })
            .collect()
    })
}

/// The case's files by name (the names the command line uses), beside the
/// base-declaration (`base-declaration.txt`, given separately).
pub fn files(case: &Case) -> BTreeMap<String, String> {
    let mut f = BTreeMap::new();
    f.insert("snap.yaml".to_owned(), case.snap.yaml());
    if let Some(d) = &case.decl {
        f.insert("snap-decl.assert".to_owned(), decl_assertion(d));
    }
    if let Some(s) = &case.slot_snap {
        f.insert("slot-snap.yaml".to_owned(), s.yaml());
    }
    if let Some(d) = &case.slot_decl {
        f.insert("slot-snap-decl.assert".to_owned(), decl_assertion(d));
    }
    if let Some(m) = case.model {
        f.insert("model.assert".to_owned(), models()[m].clone());
    }
    if let Some(s) = case.store {
        f.insert("store.assert".to_owned(), stores()[s].clone());
    }
    f
}

/// The `policy …` command line for the case, over the files of [`files`] and
/// `base-declaration.txt`.
pub fn args(case: &Case, files: &BTreeMap<String, String>) -> Vec<String> {
    let mut a: Vec<String> = vec!["policy".into()];
    a.push(
        match case.action {
            Action::Install | Action::InstallFull => "install",
            Action::Connect => "connect",
            Action::AutoConnect => "auto-connect",
        }
        .into(),
    );
    if case.action == Action::InstallFull {
        a.push("--full".into());
    }
    for (flag, file) in [
        ("--snap-yaml", "snap.yaml"),
        ("--snap-decl", "snap-decl.assert"),
        ("--slot-snap-yaml", "slot-snap.yaml"),
        ("--slot-snap-decl", "slot-snap-decl.assert"),
        ("--model", "model.assert"),
        ("--store", "store.assert"),
    ] {
        if files.contains_key(file) {
            a.extend([flag.to_owned(), file.to_owned()]);
        }
    }
    a.extend(["--base-decl".to_owned(), "base-declaration.txt".to_owned()]);
    if case.classic {
        a.push("--classic".into());
    }
    if let Some(d) = &case.distro {
        a.extend(["--distro".to_owned(), d.clone()]);
    }
    if let Some(v) = &case.plug_attrs {
        a.extend(["--plug-attrs".to_owned(), v.to_string()]);
    }
    if let Some(v) = &case.slot_attrs {
        a.extend(["--slot-attrs".to_owned(), v.to_string()]);
    }
    if matches!(case.action, Action::Connect | Action::AutoConnect) {
        a.extend([case.plug.clone(), case.slot.clone()]);
    }
    a
}
