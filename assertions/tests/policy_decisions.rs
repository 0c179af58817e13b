//! The policy evaluation API against the spec's vectors (`policy.md` §8.5–§8.8, §8.11):
//! connection and auto-connection precedence and texts, arity, installation, the minimal
//! check under snapd 2.57 and newer snapd, and the builtin base-declaration's init errors.
//! Base-declarations are our own, written inline as headers-only text.

use std::collections::BTreeMap;

use ucore_assertions::policy::{
    AttrValue, BaseDeclarationRules, CheckKind, ConnectCandidate, ConnectedPlugSlot,
    DeclarationRules, Device, DeviceModel, DeviceStore, InstallCandidate,
    InstallCandidateMinimalCheck, PlugSlotInfo, PolicyEnvironment, PolicyError, PolicySnap,
    Release, RuleLanguage, RuleOrigin, RuleSide, SlotsPerPlug, Verdict,
};

const HEAD: &str = "type: base-declaration\nauthority-id: canonical\nseries: 16\n";

/// Compiled rules from `plugs:`/`slots:` header text.
fn rules(text: &str) -> BaseDeclarationRules {
    rules_in(text, RuleLanguage::Snapd2_57)
}

fn rules_in(text: &str, language: RuleLanguage) -> BaseDeclarationRules {
    BaseDeclarationRules::from_builtin_text(format!("{HEAD}{text}").as_bytes(), language)
        .unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn attrs(json: &str) -> BTreeMap<String, AttrValue> {
    serde_json::from_str(json).expect("attributes JSON")
}

fn ps(name: &str, iface: &str, a: &str) -> PlugSlotInfo {
    PlugSlotInfo {
        name: name.into(),
        interface: iface.into(),
        attrs: attrs(a),
    }
}

fn snap(name: &str, t: &str, plugs: &[PlugSlotInfo], slots: &[PlugSlotInfo]) -> PolicySnap {
    PolicySnap {
        name: name.into(),
        snap_type: t.into(),
        plugs: plugs.iter().map(|p| (p.name.clone(), p.clone())).collect(),
        slots: slots.iter().map(|p| (p.name.clone(), p.clone())).collect(),
    }
}

fn decl<'d>(
    id: &'d str,
    name: &'d str,
    publisher: &'d str,
    r: &'d BaseDeclarationRules,
) -> DeclarationRules<'d> {
    DeclarationRules {
        snap_id: id,
        snap_name: name,
        publisher_id: publisher,
        plugs: &r.plugs,
        slots: &r.slots,
    }
}

const PLUG_ID: &str = "plugsnapidididididididididididid";
const SLOT_ID: &str = "slotsnapidididididididididididid";

/// A connection between `plug-snap`'s plug and `slot-snap`'s slot, both named after the
/// interface unless given, with optional declarations.
struct Conn<'a> {
    plug_snap: PolicySnap,
    slot_snap: PolicySnap,
    plug: PlugSlotInfo,
    slot: PlugSlotInfo,
    pd: Option<DeclarationRules<'a>>,
    sd: Option<DeclarationRules<'a>>,
    plug_dynamic: Option<BTreeMap<String, AttrValue>>,
    env: PolicyEnvironment,
}

impl<'a> Conn<'a> {
    fn new(iface: &str) -> Self {
        Conn::with(ps(iface, iface, "{}"), ps(iface, iface, "{}"))
    }

    fn with(plug: PlugSlotInfo, slot: PlugSlotInfo) -> Self {
        Conn {
            plug_snap: snap("plug-snap", "app", std::slice::from_ref(&plug), &[]),
            slot_snap: snap("slot-snap", "app", &[], std::slice::from_ref(&slot)),
            plug,
            slot,
            pd: None,
            sd: None,
            plug_dynamic: None,
            env: PolicyEnvironment::default(),
        }
    }

    fn candidate<'c>(&'c self, bd: &'c BaseDeclarationRules) -> ConnectCandidate<'c> {
        ConnectCandidate {
            plug: ConnectedPlugSlot {
                snap: &self.plug_snap,
                info: &self.plug,
                dynamic_attrs: self.plug_dynamic.as_ref(),
            },
            plug_declaration: self.pd,
            slot: ConnectedPlugSlot::new(&self.slot_snap, &self.slot),
            slot_declaration: self.sd,
            base_declaration: bd,
            env: &self.env,
        }
    }

    fn check(&self, bd: &BaseDeclarationRules) -> Result<(), String> {
        self.candidate(bd).check().map_err(|e| e.to_string())
    }

    fn auto(&self, bd: &BaseDeclarationRules) -> Result<SlotsPerPlug, String> {
        self.candidate(bd)
            .check_auto_connect()
            .map_err(|e| e.to_string())
    }
}

const FIXTURE: &str = "plugs:
  base-plug-allow: true
  base-plug-deny:
    deny-connection: true
  base-plug-not-allow:
    allow-connection: false
  plug-or:
    allow-connection:
      -
        slot-attributes:
          s: S1
        plug-attributes:
          p: P1
      -
        slot-attributes:
          s: S2
        plug-attributes:
          p: P2
  auto-base-plug-deny:
    deny-auto-connection: true
  same-plug-publisher-id:
    allow-connection:
      slot-publisher-id:
        - $PLUG_PUBLISHER_ID
  plug-on-classic-distros:
    allow-connection:
      on-classic:
        - ubuntu
        - debian
slots:
  base-slot-deny:
    deny-connection: true
  base-slot-not-allow:
    allow-connection: false
  auto-base-slot-not-allow:
    allow-auto-connection: false
  base-deny-snap-slot-allow: false
  gadgethelp:
    allow-connection:
      plug-snap-type:
        - gadget
  slot-plug-attr:
    allow-connection:
      slot-attributes:
        c: $PLUG(c)
  slot-plug-missing:
    allow-connection:
      plug-attributes:
        x: $MISSING
  sdeny:
    allow-installation:
      slot-snap-type:
        - core
    deny-connection: true
    deny-auto-connection: true
  brandonly:
    allow-connection:
      on-brand:
        - my-brand
  slots-arity-default:
    allow-auto-connection: true
";

#[test]
fn no_rule_allows_with_one_slot_per_plug() {
    let bd = rules(FIXTURE);
    let c = Conn::new("random");
    assert_eq!(c.check(&bd), Ok(()));
    assert_eq!(c.auto(&bd), Ok(SlotsPerPlug::One));
}

#[test]
fn mismatched_interfaces() {
    let bd = rules(FIXTURE);
    let c = Conn::with(ps("bar", "bar", "{}"), ps("baz", "baz", "{}"));
    assert_eq!(
        c.check(&bd).unwrap_err(),
        r#"cannot connect mismatched plug interface "bar" to slot interface "baz""#
    );
}

#[test]
fn base_declaration_rules_and_texts() {
    let bd = rules(FIXTURE);
    let cases = [
        ("base-plug-allow", Ok(())),
        (
            "base-plug-deny",
            Err(r#"connection denied by plug rule of interface "base-plug-deny""#),
        ),
        (
            "base-plug-not-allow",
            Err(r#"connection not allowed by plug rule of interface "base-plug-not-allow""#),
        ),
        (
            "base-slot-deny",
            Err(r#"connection denied by slot rule of interface "base-slot-deny""#),
        ),
        (
            "base-slot-not-allow",
            Err(r#"connection not allowed by slot rule of interface "base-slot-not-allow""#),
        ),
    ];
    for (iface, want) in cases {
        assert_eq!(
            Conn::new(iface).check(&bd),
            want.map_err(str::to_owned),
            "{iface}"
        );
    }
    assert_eq!(
        Conn::new("auto-base-plug-deny").auto(&bd),
        Err(r#"auto-connection denied by plug rule of interface "auto-base-plug-deny""#.into())
    );
    assert_eq!(
        Conn::new("auto-base-slot-not-allow").auto(&bd),
        Err(
            r#"auto-connection not allowed by slot rule of interface "auto-base-slot-not-allow""#
                .into()
        )
    );
}

#[test]
fn alternatives_are_ored() {
    let bd = rules(FIXTURE);
    let try_ = |p: &str, s: &str| {
        Conn::with(
            ps("plug-or", "plug-or", &format!(r#"{{"p": "{p}"}}"#)),
            ps("plug-or", "plug-or", &format!(r#"{{"s": "{s}"}}"#)),
        )
        .check(&bd)
    };
    assert_eq!(try_("P1", "S1"), Ok(()));
    assert_eq!(try_("P2", "S2"), Ok(()));
    assert_eq!(
        try_("P1", "S2"),
        Err(r#"connection not allowed by plug rule of interface "plug-or""#.into())
    );
}

#[test]
fn snap_declarations_take_precedence_without_merging() {
    let bd = rules(FIXTURE);
    let pd_rules = rules(
        "plugs:\n  snap-plug-deny: false\n  base-deny-snap-plug-allow: true\n  sdeny:\n    allow-installation: true\n",
    );
    let sd_rules = rules("slots:\n  snap-slot-deny: false\n  base-deny-snap-slot-allow: true\n");
    let with_decls = |iface: &str| {
        let mut c = Conn::new(iface);
        c.pd = Some(decl(PLUG_ID, "plug-snap", "plug-publisher", &pd_rules));
        c.sd = Some(decl(SLOT_ID, "slot-snap", "slot-publisher", &sd_rules));
        c.check(&bd)
    };
    assert_eq!(
        with_decls("snap-plug-deny").unwrap_err(),
        r#"connection denied by plug rule of interface "snap-plug-deny" for "plug-snap" snap"#
    );
    assert_eq!(
        with_decls("snap-slot-deny").unwrap_err(),
        r#"connection denied by slot rule of interface "snap-slot-deny" for "slot-snap" snap"#
    );
    assert_eq!(with_decls("base-deny-snap-slot-allow"), Ok(()));
    // a plug decl rule of only allow-installation replaces the base slot rule's deny
    assert_eq!(with_decls("sdeny"), Ok(()));
    assert_eq!(
        Conn::new("sdeny").check(&bd).unwrap_err(),
        r#"connection denied by slot rule of interface "sdeny""#
    );
}

#[test]
fn the_error_names_the_deciding_rule() {
    let bd = rules(FIXTURE);
    let err = Conn::new("base-slot-not-allow")
        .candidate(&bd)
        .check()
        .unwrap_err();
    let PolicyError::Refused(r) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(r.check, CheckKind::Connection);
    assert_eq!(r.verdict, Verdict::NotAllowed);
    assert_eq!(r.side, RuleSide::Slot);
    assert_eq!(r.origin, RuleOrigin::BaseDeclaration);
    assert_eq!(r.interface, "base-slot-not-allow");
    // the reason, outside snapd's text
    assert_eq!(
        std::error::Error::source(&err)
            .map(ToString::to_string)
            .as_deref(),
        Some("not allowed")
    );
}

#[test]
fn snap_types_publishers_and_attributes() {
    let bd = rules(FIXTURE);
    // gadget plug snap → allowed; app → not
    let mut c = Conn::new("gadgethelp");
    assert!(c.check(&bd).is_err());
    c.plug_snap.snap_type = "gadget".into();
    assert_eq!(c.check(&bd), Ok(()));

    // $PLUG_PUBLISHER_ID
    let none = rules("");
    let mut c = Conn::new("same-plug-publisher-id");
    assert!(c.check(&bd).is_err());
    c.pd = Some(decl(PLUG_ID, "plug-snap", "plug-publisher", &none));
    c.sd = Some(decl(SLOT_ID, "slot-snap", "random-publisher", &none));
    assert!(c.check(&bd).is_err());
    c.sd = Some(decl(SLOT_ID, "slot-snap", "plug-publisher", &none));
    assert_eq!(c.check(&bd), Ok(()));

    // $PLUG(c), with dynamic attributes first
    let mut c = Conn::with(
        ps("slot-plug-attr", "slot-plug-attr", r#"{"c": "Z"}"#),
        ps("slot-plug-attr", "slot-plug-attr", r#"{"c": "C"}"#),
    );
    assert!(c.check(&bd).is_err());
    c.plug_dynamic = Some(attrs(r#"{"c": "C"}"#));
    assert_eq!(c.check(&bd), Ok(()));

    // $MISSING
    let c = Conn::with(
        ps(
            "slot-plug-missing",
            "slot-plug-missing",
            r#"{"x": 1, "z": 2}"#,
        ),
        ps("slot-plug-missing", "slot-plug-missing", "{}"),
    );
    assert!(c.check(&bd).is_err());
    let c = Conn::with(
        ps("slot-plug-missing", "slot-plug-missing", r#"{"z": 2}"#),
        ps("slot-plug-missing", "slot-plug-missing", "{}"),
    );
    assert_eq!(c.check(&bd), Ok(()));
}

#[test]
fn on_classic_and_device_scope() {
    let bd = rules(FIXTURE);
    let mut c = Conn::new("plug-on-classic-distros");
    assert!(c.check(&bd).is_err()); // core
    for (id, ok) in [("ubuntu", true), ("debian", true), ("other", false)] {
        c.env.release = Release {
            on_classic: true,
            id: id.into(),
            ..Release::default()
        };
        assert_eq!(c.check(&bd).is_ok(), ok, "{id}");
    }

    let mut c = Conn::new("brandonly");
    assert_eq!(
        c.check(&bd).unwrap_err(),
        r#"connection not allowed by slot rule of interface "brandonly""#
    );
    c.env.device = Device {
        model: Some(DeviceModel {
            brand_id: "my-brand".into(),
            model: "m1".into(),
            store: "store1".into(),
        }),
        store: None,
    };
    assert_eq!(c.check(&bd), Ok(()));
    c.env.device.store = Some(DeviceStore {
        store: "other".into(),
        friendly_stores: vec![],
    });
    assert!(
        c.check(&bd).is_err(),
        "store assertion and model store must match"
    );
}

#[test]
fn arity_comes_from_the_deciding_rule() {
    let bd = rules(
        "slots:
  slots-arity-default:
    allow-auto-connection: true
  slots-arity-slot-any:
    deny-auto-connection: true
  slots-arity-plug-any:
    deny-auto-connection: true
  slots-arity-slot-any-plug-two:
    deny-auto-connection: true
  bd-any:
    allow-auto-connection:
      slots-per-plug: *
",
    );
    let pd = rules(
        "plugs:
  slots-arity-plug-any:
    allow-auto-connection:
      slots-per-plug: *
  slots-arity-slot-any-plug-two:
    allow-auto-connection:
      slots-per-plug: 2
",
    );
    let sd = rules(
        "slots:
  slots-arity-slot-any:
    allow-auto-connection:
      slots-per-plug: *
  slots-arity-slot-any-plug-two:
    allow-auto-connection:
      slots-per-plug: *
",
    );
    let auto = |iface: &str| {
        let mut c = Conn::new(iface);
        c.pd = Some(decl(PLUG_ID, "plug-snap", "plug-publisher", &pd));
        c.sd = Some(decl(SLOT_ID, "slot-snap", "slot-publisher", &sd));
        c.auto(&bd)
    };
    assert_eq!(auto("slots-arity-default"), Ok(SlotsPerPlug::One));
    assert_eq!(auto("slots-arity-slot-any"), Ok(SlotsPerPlug::Any));
    assert_eq!(auto("slots-arity-plug-any"), Ok(SlotsPerPlug::Any));
    assert_eq!(auto("slots-arity-slot-any-plug-two"), Ok(SlotsPerPlug::One));
    assert_eq!(auto("bd-any"), Ok(SlotsPerPlug::Any));
}

const INSTALL_FIXTURE: &str = "plugs:
  install-plug-attr-ok:
    allow-installation:
      plug-attributes:
        attr: ok
  install-plug-gadget-only:
    allow-installation:
      plug-snap-type:
        - gadget
  install-plug-name-bound:
    allow-installation:
      plug-names:
        - $INTERFACE
slots:
  install-slot-coreonly:
    allow-installation:
      slot-snap-type:
        - core
  install-slot-attr-deny:
    deny-installation:
      slot-attributes:
        trust: trusted
  install-slot-or:
    deny-installation:
      -
        slot-attributes:
          p: P1
      -
        slot-snap-type:
          - gadget
        slot-attributes:
          p: P2
  install-slot-on-classic-distros:
    allow-installation:
      on-classic:
        - ubuntu
        - debian
  falseinst:
    allow-installation: false
";

fn install(
    s: &PolicySnap,
    d: Option<DeclarationRules<'_>>,
    bd: &BaseDeclarationRules,
    env: &PolicyEnvironment,
) -> Result<(), String> {
    InstallCandidate {
        snap: s,
        snap_declaration: d,
        base_declaration: bd,
        env,
    }
    .check()
    .map_err(|e| e.to_string())
}

#[test]
fn installation() {
    let bd = rules(INSTALL_FIXTURE);
    let env = PolicyEnvironment::default();
    let s = snap(
        "install-snap",
        "app",
        &[],
        &[
            ps("innocuous", "innocuous", "{}"),
            ps("install-slot-coreonly", "install-slot-coreonly", "{}"),
        ],
    );
    assert_eq!(
        install(&s, None, &bd, &env).unwrap_err(),
        r#"installation not allowed by "install-slot-coreonly" slot rule of interface "install-slot-coreonly""#
    );
    let s = snap(
        "install-snap",
        "app",
        &[],
        &[ps(
            "install-slot-attr-deny",
            "install-slot-attr-deny",
            r#"{"trust": "trusted"}"#,
        )],
    );
    assert_eq!(
        install(&s, None, &bd, &env).unwrap_err(),
        r#"installation denied by "install-slot-attr-deny" slot rule of interface "install-slot-attr-deny""#
    );
    let s = snap(
        "install-snap",
        "app",
        &[ps(
            "install-plug-attr-ok",
            "install-plug-attr-ok",
            r#"{"attr": "not-ok"}"#,
        )],
        &[],
    );
    assert!(install(&s, None, &bd, &env).is_err());
    let s = snap(
        "install-snap",
        "gadget",
        &[ps(
            "install-plug-gadget-only",
            "install-plug-gadget-only",
            "{}",
        )],
        &[],
    );
    assert_eq!(install(&s, None, &bd, &env), Ok(()));
    // the plug's name, not its interface, in the text; no context for base rules
    let s = snap(
        "install-snap",
        "app",
        &[ps(
            "install-plug-name-bound-other",
            "install-plug-name-bound",
            "{}",
        )],
        &[],
    );
    assert_eq!(
        install(&s, None, &bd, &env).unwrap_err(),
        r#"installation not allowed by "install-plug-name-bound-other" plug rule of interface "install-plug-name-bound""#
    );
    // a decl rule replaces the base rule, and names the decl's snap-name
    let dr = rules(
        "slots:\n  falseinst:\n    allow-installation:\n      slot-names:\n        - other\n",
    );
    let s = snap(
        "install-snap",
        "app",
        &[],
        &[ps("myslot", "falseinst", "{}")],
    );
    assert_eq!(
        install(
            &s,
            Some(decl(SLOT_ID, "declared-name", "pub", &dr)),
            &bd,
            &env
        )
        .unwrap_err(),
        r#"installation not allowed by "myslot" slot rule of interface "falseinst" for "declared-name" snap"#
    );
    // the snapd snap (app with snapd's id) counts as core
    let s = snap(
        "snapd",
        "app",
        &[],
        &[ps("install-slot-coreonly", "install-slot-coreonly", "{}")],
    );
    let none = rules("");
    assert_eq!(
        install(
            &s,
            Some(decl(
                "PMrrV4ml8uWuEUDBT8dSGnKUYbevVhc4",
                "snapd",
                "canonical",
                &none
            )),
            &bd,
            &env
        ),
        Ok(())
    );
    let s = snap(
        "b",
        "base",
        &[],
        &[ps("install-slot-coreonly", "install-slot-coreonly", "{}")],
    );
    assert!(install(&s, None, &bd, &env).is_err());
}

#[test]
fn installation_lists_every_refusal_snapd_could_report() {
    let bd = rules(INSTALL_FIXTURE);
    let env = PolicyEnvironment::default();
    let s = snap(
        "install-snap",
        "app",
        &[ps(
            "install-plug-gadget-only",
            "install-plug-gadget-only",
            "{}",
        )],
        &[
            ps("a", "install-slot-coreonly", "{}"),
            ps("b", "install-slot-coreonly", "{}"),
        ],
    );
    let ic = InstallCandidate {
        snap: &s,
        snap_declaration: None,
        base_declaration: &bd,
        env: &env,
    };
    let all: Vec<String> = ic.refusals().iter().map(ToString::to_string).collect();
    assert_eq!(
        all,
        [
            r#"installation not allowed by "a" slot rule of interface "install-slot-coreonly""#,
            r#"installation not allowed by "b" slot rule of interface "install-slot-coreonly""#,
        ]
    );
    assert_eq!(ic.check().unwrap_err().to_string(), all[0]);
}

fn minimal(
    s: &PolicySnap,
    bd: &BaseDeclarationRules,
    env: &PolicyEnvironment,
) -> Result<(), String> {
    InstallCandidateMinimalCheck {
        snap: s,
        base_declaration: bd,
        env,
    }
    .check()
    .map_err(|e| e.to_string())
}

#[test]
fn minimal_check_snapd_2_57_and_newer() {
    let bd = rules(INSTALL_FIXTURE);
    let mut env = PolicyEnvironment::default();
    let s = snap(
        "s",
        "app",
        &[],
        &[
            ps("innocuous", "innocuous", "{}"),
            ps("install-slot-coreonly", "install-slot-coreonly", "{}"),
        ],
    );
    assert_eq!(
        minimal(&s, &bd, &env).unwrap_err(),
        r#"installation not allowed by "install-slot-coreonly" slot rule of interface "install-slot-coreonly""#
    );
    // deny-installation with a snap type: denied in 2.57 even without the attribute
    let gadget = snap(
        "s",
        "gadget",
        &[],
        &[ps("install-slot-or", "install-slot-or", "{}")],
    );
    assert_eq!(
        minimal(&gadget, &bd, &env).unwrap_err(),
        r#"installation denied by "install-slot-or" slot rule of interface "install-slot-or""#
    );
    let app = snap(
        "s",
        "app",
        &[],
        &[ps("install-slot-or", "install-slot-or", "{}")],
    );
    assert_eq!(minimal(&app, &bd, &env), Ok(()));
    // plugs are not checked; allow-installation: false has no type constraint
    let s = snap(
        "s",
        "app",
        &[ps(
            "install-plug-gadget-only",
            "install-plug-gadget-only",
            "{}",
        )],
        &[ps("x", "falseinst", "{}")],
    );
    assert_eq!(minimal(&s, &bd, &env), Ok(()));
    // on-classic
    let s = snap(
        "s",
        "app",
        &[],
        &[ps(
            "install-slot-on-classic-distros",
            "install-slot-on-classic-distros",
            "{}",
        )],
    );
    assert!(minimal(&s, &bd, &env).is_err());
    env.release = Release {
        on_classic: true,
        id: "debian".into(),
        ..Release::default()
    };
    assert_eq!(minimal(&s, &bd, &env), Ok(()));

    // newer snapd ignores deny-installation
    let current = rules_in(INSTALL_FIXTURE, RuleLanguage::Current);
    let env = PolicyEnvironment {
        language: RuleLanguage::Current,
        ..PolicyEnvironment::default()
    };
    assert_eq!(minimal(&gadget, &current, &env), Ok(()));
}

#[test]
fn on_core_desktop_in_newer_snapd() {
    let text = "slots:\n  desk:\n    allow-connection:\n      on-core-desktop: true\n";
    assert!(
        BaseDeclarationRules::from_builtin_text(
            format!("{HEAD}{text}").as_bytes(),
            RuleLanguage::Snapd2_57
        )
        .is_err()
    );
    let bd = rules_in(text, RuleLanguage::Current);
    let mut c = Conn::new("desk");
    c.env.language = RuleLanguage::Current;
    assert_eq!(
        c.check(&bd).unwrap_err(),
        r#"connection not allowed by slot rule of interface "desk""#
    );
    c.env.release.on_core_desktop = true;
    assert_eq!(c.check(&bd), Ok(()));
}

#[test]
fn builtin_base_declaration_init_errors() {
    let err = |text: &str| {
        BaseDeclarationRules::from_builtin_text(text.as_bytes(), RuleLanguage::Snapd2_57)
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        err("type: foo"),
        r#"the builtin base-declaration "type" header is not set to expected value "base-declaration""#
    );
    assert_eq!(
        err("type: base-declaration"),
        r#"the builtin base-declaration "authority-id" header is not set to expected value "canonical""#
    );
    assert_eq!(
        err("type: base-declaration\nauthority-id: canonical"),
        r#"the builtin base-declaration "series" header is not set to expected value "16""#
    );
    assert_eq!(
        err(&format!("{HEAD}revision: zzz")),
        r#"cannot assemble the builtin-base declaration: "revision" header is not an integer: zzz"#
    );
    assert_eq!(
        err(&format!("{HEAD}plugs: foo")),
        r#"cannot assemble the builtin base-declaration: "plugs" header must be a map"#
    );
    assert!(
        err(&format!("{HEAD}slots:\n  intf1: foo"))
            .starts_with(r#"cannot assemble the builtin base-declaration: slot rule for interface "intf1" must be a map"#)
    );
    assert!(BaseDeclarationRules::is_headers_only(
        format!("\n{HEAD}revision: 0\n\n").as_bytes()
    ));
    assert!(!BaseDeclarationRules::is_headers_only(
        b"type: base-declaration\n\nsig"
    ));
}
