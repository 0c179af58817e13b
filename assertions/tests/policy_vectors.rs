//! The spec's test vectors for the rule language's matching primitives and for what the
//! oracle cannot show (policy.md §8.1–§8.4, §8.10 and Appendix A): attribute matching
//! (M1–M9), name constraints, device scope, on-classic, compiled shapes and arity
//! normalization, format suggestion, and the newer language beside 2.57's.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde_json::{Value, json};
use ucore_assertions::HeaderValue;
use ucore_assertions::policy::{
    AttrMatchContext, AttrMatcher, AttrValue, Device, DeviceModel, DeviceScopeConstraint,
    DeviceStore, NameConstraints, Release, RuleContext, RuleLanguage, Side, SideArity,
    compile_plug_rule, compile_slot_rule,
};

/// A header value from JSON (strings, lists and maps only).
fn hv(v: &Value) -> HeaderValue<'static> {
    match v {
        Value::String(s) => HeaderValue::from(s.clone()),
        Value::Array(l) => HeaderValue::List(l.iter().map(hv).collect()),
        Value::Object(m) => HeaderValue::from(
            m.iter()
                .map(|(k, v)| (Cow::Owned(k.clone()), hv(v)))
                .collect::<BTreeMap<_, _>>(),
        ),
        other => panic!("not a header value: {other}"),
    }
}

fn attrs(v: Value) -> BTreeMap<String, AttrValue> {
    serde_json::from_value(v).expect("attributes")
}

fn matcher(v: Value) -> AttrMatcher {
    AttrMatcher::compile(&hv(&v), true, RuleLanguage::Snapd2_57).expect("compiles")
}

/// `$SLOT()`/`$PLUG()` resolve in these attributes.
struct Connection {
    plug: BTreeMap<String, AttrValue>,
    slot: BTreeMap<String, AttrValue>,
}

impl AttrMatchContext for Connection {
    fn plug_attr(&self, dotted: &str) -> Result<&AttrValue, String> {
        use ucore_assertions::policy::Attrer;
        self.plug
            .lookup(dotted)
            .ok_or_else(|| format!("plug attribute {dotted:?} not found"))
    }
    fn slot_attr(&self, dotted: &str) -> Result<&AttrValue, String> {
        use ucore_assertions::policy::Attrer;
        self.slot
            .lookup(dotted)
            .ok_or_else(|| format!("slot attribute {dotted:?} not found"))
    }
}

#[test]
fn attribute_matching_m1_to_m9() {
    let foo_bar = json!({"foo": "FOO", "bar": "BAR"});
    let nested = json!({"foo": "FOO", "bar": {"bar1": "BAR1", "bar2": "BAR2"}});
    let cases: Vec<(Value, Value, Option<&str>)> = vec![
        (
            foo_bar.clone(),
            json!({"foo": "FOO", "bar": "BAR", "baz": "BAZ"}),
            None,
        ),
        (
            foo_bar.clone(),
            json!({"foo": "FOO", "bar": "BAZ"}),
            Some(r#"attribute "bar" value "BAZ" does not match ^(BAR)$"#),
        ),
        (
            foo_bar.clone(),
            json!({"foo": "FOO", "baz": "BAZ"}),
            Some(r#"attribute "bar" has constraints but is unset"#),
        ),
        (
            json!({"bar": "BAR|BAZ"}),
            json!({"bar": "BARR"}),
            Some(r#"attribute "bar" value "BARR" does not match ^(BAR|BAZ)$"#),
        ),
        (
            json!({"bar": "BAR|BAZ"}),
            json!({"bar": "BABAZ"}),
            Some(r#"attribute "bar" value "BABAZ" does not match ^(BAR|BAZ)$"#),
        ),
        (
            nested.clone(),
            json!({"foo": "FOO", "bar": {"bar1": "BAR1", "bar2": "BAR2", "bar3": "x"}}),
            None,
        ),
        (
            nested.clone(),
            json!({"foo": "FOO", "bar": "BAZ"}),
            Some(r#"attribute "bar" must be a map"#),
        ),
        (
            nested.clone(),
            json!({"foo": "FOO", "bar": {"bar1": "BAR1", "bar2": "BAR22"}}),
            Some(r#"attribute "bar.bar2" value "BAR22" does not match ^(BAR2)$"#),
        ),
        (
            nested.clone(),
            json!({"foo": "FOO", "bar": {"bar1": "BAR1", "bar2": {"bar22": true}}}),
            Some(r#"attribute "bar.bar2" must be a scalar or list"#),
        ),
        (
            json!([{"foo": "FOO", "bar": "BAR"}, {"foo": "FOO", "bar": "BAZ"}]),
            json!({"foo": "FOO", "bar": "BAZ"}),
            None,
        ),
        (
            json!([{"foo": "FOO", "bar": "BAR"}, {"foo": "FOO", "bar": "BAZ"}]),
            json!({"foo": "FOO", "bar": "BARR"}),
            Some(r#"no alternative matches: attribute "bar" value "BARR" does not match ^(BAR)$"#),
        ),
        (
            json!({"foo": "FOO", "bar": {"bar1": "BAR1", "bar2": ["BAR2", "BAR22"]}}),
            json!({"foo": "FOO", "bar": {"bar1": "BAR1", "bar2": "BAR3"}}),
            Some(
                r#"no alternative for attribute "bar.bar2" matches: attribute "bar.bar2" value "BAR3" does not match ^(BAR2)$"#,
            ),
        ),
        (
            json!({"write": "/var/(tmp|lib/snapd/snapshots)"}),
            json!({"write": ["/var/tmp", "/var/lib/snapd/snapshots"]}),
            None,
        ),
        (
            json!({"write": ["/var/tmp", "/var/lib/snapd/snapshots"]}),
            json!({"write": ["/var/tmp", "/var/lib/snapd/snapshots"]}),
            None,
        ),
        (
            json!({"mnt": [{"what": "/(bar/|dev/x)\\*", "where": "/(foo|baz)/\\*", "options": "rw|bind|nodev"}]}),
            json!({"mnt": [{"what": "/dev/x*", "where": "/foo/*", "options": ["rw", "nodev"]}, {"what": "/bar/*", "where": "/baz/*", "options": ["rw", "bind"]}]}),
            None,
        ),
        (
            json!({"foo": "1", "bar": "true"}),
            json!({"foo": 1, "bar": true}),
            None,
        ),
        (
            json!({"foo": "/foo/.*"}),
            json!({"foo": ["/foo/x", "/foo"]}),
            Some(r#"attribute "foo.1" value "/foo" does not match ^(/foo/.*)$"#),
        ),
        (
            json!({"foo": {"p": "/foo/.*"}}),
            json!({"foo": [{"p": "zzz"}, {"p": "/foo/y"}]}),
            Some(r#"attribute "foo.0.p" value "zzz" does not match ^(/foo/.*)$"#),
        ),
        (json!({"foo": "$MISSING"}), json!({"bar": "baz"}), None),
        (
            json!({"foo": "$MISSING"}),
            json!({"foo": ["x"]}),
            Some(r#"attribute "foo" is constrained to be missing but is set"#),
        ),
        (
            json!({"foo": ["$MISSING", "x"]}),
            json!({}),
            Some(r#"attribute "foo" has constraints but is unset"#),
        ),
        (
            json!({"foo": ["$MISSING", "x"]}),
            json!({"foo": "y"}),
            Some(
                r#"no alternative for attribute "foo" matches: attribute "foo" is constrained to be missing but is set"#,
            ),
        ),
        (
            json!({"foo": "x"}),
            json!({"foo": 1.5}),
            Some(r#"attribute "foo" must be a scalar or list"#),
        ),
        (
            json!({"foo": "x"}),
            json!({"foo": {"a": "x"}}),
            Some(r#"attribute "foo" must be a scalar or list"#),
        ),
        (json!({"foo": "x"}), json!({"foo": []}), None),
        (
            json!({"foo": {"a": "x"}}),
            json!({"foo": [{"a": "x"}, "y"]}),
            Some(r#"attribute "foo.1" must be a map"#),
        ),
        (
            json!({"foo": ["a", "b"]}),
            json!({"foo": ["a", "c"]}),
            Some(
                r#"no alternative for attribute "foo.1" matches: attribute "foo.1" value "c" does not match ^(a)$"#,
            ),
        ),
        (
            json!([{"foo": "a"}, {"foo": "b"}]),
            json!({"foo": "c"}),
            Some(r#"no alternative matches: attribute "foo" value "c" does not match ^(a)$"#),
        ),
        (json!({"foo": {"a": "$MISSING"}}), json!({"foo": {}}), None),
        (
            json!({"foo": {"a": "$MISSING"}}),
            json!({}),
            Some(r#"attribute "foo" has constraints but is unset"#),
        ),
        (
            json!({"a": {"b": "x"}}),
            json!({"a": {"b": "y"}}),
            Some(r#"attribute "a.b" value "y" does not match ^(x)$"#),
        ),
        (json!({"foo": ""}), json!({"foo": ""}), None),
        (json!({"a": "a)|(b"}), json!({"a": "xyzb"}), None),
        (
            json!({"a": "\\d"}),
            json!({"a": "٣"}),
            Some(r#"attribute "a" value "٣" does not match ^(\d)$"#),
        ),
    ];
    for (constraint, attributes, want) in cases {
        let got =
            matcher(constraint.clone()).matches(&attrs(attributes.clone()), "attribute", None);
        assert_eq!(
            got.err().as_deref(),
            want,
            "{constraint} against {attributes}"
        );
    }
}

#[test]
fn references_need_a_context_and_compare_whole_values() {
    let m = matcher(json!({"foo": "$SLOT(foo)", "bar": "$PLUG(bar.baz)"}));
    let plug = attrs(json!({"foo": "foo", "bar": "bar.baz"}));
    // bytewise order: "bar" is checked before "foo"
    assert_eq!(
        m.matches(&plug, "attribute", None).unwrap_err(),
        r#"attribute "bar" cannot be matched without context"#
    );
    let ctx = Connection {
        plug: attrs(json!({"bar": {"baz": "bar.baz"}})),
        slot: attrs(json!({"foo": "foo"})),
    };
    assert_eq!(m.matches(&plug, "attribute", Some(&ctx)), Ok(()));
    let other = Connection {
        plug: attrs(json!({"bar": {"baz": "bar.baz"}})),
        slot: attrs(json!({"foo": "other-value"})),
    };
    assert_eq!(
        m.matches(&plug, "attribute", Some(&other)).unwrap_err(),
        r#"attribute "foo" does not match $SLOT(foo): foo != other-value"#
    );
    let missing = Connection {
        plug: attrs(json!({})),
        slot: attrs(json!({"foo": "foo"})),
    };
    assert_eq!(
        m.matches(&plug, "attribute", Some(&missing)).unwrap_err(),
        r#"attribute "bar" constraint $PLUG(bar.baz) cannot be evaluated: plug attribute "bar.baz" not found"#
    );
    // lists are compared whole, in order; int64 1 is not float64 1
    let m = matcher(json!({"a": {"b": "$SLOT(a.b)"}}));
    let ctx = Connection {
        plug: attrs(json!({})),
        slot: attrs(json!({"a": {"b": ["x", "y"]}, "n": 1.0})),
    };
    assert_eq!(
        m.matches(&attrs(json!({"a": {"b": []}})), "attribute", Some(&ctx))
            .unwrap_err(),
        r#"attribute "a.b" does not match $SLOT(a.b): [] != [x y]"#
    );
    assert!(
        m.matches(
            &attrs(json!({"a": {"b": ["x", "y"]}})),
            "attribute",
            Some(&ctx)
        )
        .is_ok()
    );
    let n = matcher(json!({"n": "$SLOT(n)"}));
    assert_eq!(
        n.matches(&attrs(json!({"n": 1})), "attribute", Some(&ctx))
            .unwrap_err(),
        r#"attribute "n" does not match $SLOT(n): 1 != 1"#
    );
}

#[test]
fn attribute_compile_errors() {
    let err = |v: Value, ops: bool| {
        AttrMatcher::compile(&hv(&v), ops, RuleLanguage::Snapd2_57)
            .unwrap_err()
            .to_string()
    };
    assert!(err(json!({"foo": "["}), true).starts_with(r#"cannot compile "foo" constraint "[": "#));
    assert!(
        err(json!({"foo": ["foo", "["]}), true)
            .starts_with(r#"cannot compile "foo/alt#2/" constraint "[": "#)
    );
    assert_eq!(
        err(json!({"foo": ["foo", ["bar", "baz"]]}), true),
        r#"cannot nest alternative constraints directly at "foo/alt#2/""#
    );
    for top in [json!("FOO"), json!(["FOO"])] {
        assert_eq!(
            err(top, true),
            "first level of non alternative constraints must be a set of key-value contraints"
        );
    }
    assert_eq!(
        err(json!({"foo": "$FOO()"}), false),
        r#"cannot compile "foo" constraint "$FOO()": no $OP() constraints supported"#
    );
    for bad in [
        "$",
        "$FOO(a)",
        "$SLOT",
        "$SLOT()",
        "$SLOT(x,y,z)",
        "$PLUG(x,)",
        "$FOO",
        "$PLUG_PUBLISHER_ID",
    ] {
        assert_eq!(
            err(json!({"foo": bad}), true),
            format!(
                r#"cannot compile "foo" constraint "{bad}": not a valid $SLOT()/$PLUG() constraint"#
            )
        );
    }
    assert_eq!(
        err(json!({"foo": "$SLOT(x,y)"}), true),
        r#"cannot compile "foo" constraint "$SLOT(x,y)": $SLOT() constraint expects 1 argument"#
    );
    for good in ["$SLOT(a.b)", "$SLOT( a )", "$SLOT(a))"] {
        assert!(
            AttrMatcher::compile(&hv(&json!({"foo": good})), true, RuleLanguage::Snapd2_57).is_ok()
        );
    }
    let m = matcher(json!({"foo": "$SLOT(a))"}));
    assert_eq!(
        serde_json::to_value(&m).unwrap(),
        json!({"foo": "$SLOT(a))"})
    );
}

#[test]
fn name_constraints() {
    let names = |v: Value| NameConstraints::compile("slot-names", &hv(&v));
    let nc = names(json!(["foo[0-9]", "bar"])).unwrap();
    for ok in ["foo0", "foo1", "bar"] {
        assert_eq!(nc.check("slot name", ok, &[]), Ok(()));
    }
    for bad in ["baz", "fooo", "foo12"] {
        assert_eq!(
            nc.check("slot name", bad, &[]).unwrap_err(),
            format!(r#"slot name "{bad}" does not match constraints"#)
        );
    }
    let nc = names(json!(["$INTERFACE"])).unwrap();
    assert!(nc.check("slot name", "foo", &[]).is_err());
    assert_eq!(
        nc.check("slot name", "foo", &[("$INTERFACE", "foo")]),
        Ok(())
    );
    assert!(
        nc.check("slot name", "bar", &[("$INTERFACE", "foo")])
            .is_err()
    );
    assert!(nc.check("slot name", "", &[("$INTERFACE", "")]).is_err());
    let err = |key, v: Value| {
        NameConstraints::compile(key, &hv(&v))
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        err("slot-names", json!("true")),
        "slot-names constraints must be a list of regexps and special $ values"
    );
    assert_eq!(
        err("slot-names", json!([{"foo": "bar"}])),
        "slot-names constraint entry must be a regexp or special $ value"
    );
    assert!(
        err("plug-names", json!(["["]))
            .starts_with(r#"cannot compile plug-names constraint entry "[":"#)
    );
    assert_eq!(
        err("plug-names", json!(["$"])),
        r#"plug-names constraint entry special value "$" is invalid"#
    );
    assert_eq!(
        err("plug-names", json!(["$12"])),
        r#"plug-names constraint entry special value "$12" is invalid"#
    );
    assert_eq!(
        err("plug-names", json!(["a b"])),
        "plug-names constraint entry regexp contains unexpected spaces"
    );
    assert_eq!(
        err("plug-names", json!(["a\u{a0}b"])),
        "plug-names constraint entry regexp contains unexpected spaces"
    );
}

fn scope(v: Value) -> Result<DeviceScopeConstraint, String> {
    let HeaderValue::Map(m) = hv(&v) else {
        unreachable!()
    };
    DeviceScopeConstraint::compile(&m, "constraint")
        .map(|c| c.expect("has device scope"))
        .map_err(|e| e.to_string())
}

#[test]
fn device_scope_elements() {
    let brand28 = "1".repeat(28);
    let brand32 = "a".repeat(32);
    for store in ["foo", "F_o-O88"] {
        assert!(scope(json!({"on-store": [store]})).is_ok(), "{store}");
    }
    for store in ["", "foo!", "foo.", "foo/"] {
        assert_eq!(
            scope(json!({"on-store": [store]})).unwrap_err(),
            format!(r#"on-store in constraint contains an invalid element: "{store}""#)
        );
    }
    let good_brands = [
        "dwell",
        "dwell-88",
        "ab",
        brand28.as_str(),
        brand32.as_str(),
    ];
    for brand in good_brands {
        assert!(scope(json!({"on-brand": [brand]})).is_ok(), "{brand}");
        assert!(
            scope(json!({"on-model": [format!("{brand}/foo")]})).is_ok(),
            "{brand}"
        );
    }
    let bad_brands: Vec<String> = [
        "", "Dwell", "dwell_88", "dwell.88", "dwell:88", "dwell!88", "a",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([29, 30, 31, 33].map(|n| "b".repeat(n)))
    .chain(["!", "_", "-"].map(|c| format!("{c}{}", "a".repeat(31))))
    .collect();
    for brand in &bad_brands {
        assert!(scope(json!({"on-brand": [brand]})).is_err(), "{brand}");
        assert!(
            scope(json!({"on-model": [format!("{brand}/foo")]})).is_err(),
            "{brand}"
        );
    }
    for model in ["dwell/dwell1", "dwell/dwell1-23"] {
        assert!(scope(json!({"on-model": [model]})).is_ok(), "{model}");
    }
    for model in [
        "",
        "/",
        "dwell",
        "dwell/",
        "dwell//dwell1",
        "dwell/-dwell1",
        "dwell/dwell1-",
        "dwell/dwell1!",
        "dwell/dwe_ll1",
        "dwell/dwe.ll1",
    ] {
        assert!(scope(json!({"on-model": [model]})).is_err(), "{model}");
    }
    for (key, v) in [
        ("on-store", json!("")),
        ("on-brand", json!("foo")),
        ("on-model", json!({"brand": "x"})),
    ] {
        assert_eq!(
            scope(json!({ key: v })).unwrap_err(),
            format!("{key} in constraint must be a list of strings")
        );
    }
}

#[test]
fn device_scope_check() {
    let model = |brand: &str, model: &str, store: &str| DeviceModel {
        brand_id: brand.into(),
        model: model.into(),
        store: store.into(),
    };
    let m1 = model("my-brand", "my-model1", "store1");
    let m2 = model("my-brand-subbrand", "my-model2", "store2");
    let m3 = model("my-brand", "my-model3", "substore1");
    let substore1 = DeviceStore {
        store: "substore1".into(),
        friendly_stores: vec!["a-store".into(), "store1".into(), "store2".into()],
    };
    let dev = |m: &DeviceModel, store: Option<&DeviceStore>| Device {
        model: Some(m.clone()),
        store: store.cloned(),
    };
    let check = |c: Value, d: &Device| scope(c).unwrap().check(d).err();
    let mismatch = |s: &str| Some(s.to_owned());
    assert_eq!(
        check(json!({"on-store": ["store1"]}), &dev(&m1, None)),
        None
    );
    assert_eq!(
        check(json!({"on-store": ["a-store", "store1"]}), &dev(&m1, None)),
        None
    );
    assert_eq!(
        check(json!({"on-store": ["store1"]}), &dev(&m2, None)),
        mismatch("on-store mismatch")
    );
    assert_eq!(
        check(json!({"on-store": ["store1"]}), &dev(&m3, Some(&substore1))),
        None
    );
    assert_eq!(
        check(json!({"on-store": ["store1"]}), &dev(&m3, None)),
        mismatch("on-store mismatch")
    );
    assert_eq!(
        check(json!({"on-store": ["store1"]}), &Device::default()),
        mismatch("cannot match on-store/on-brand/on-model without model")
    );
    assert_eq!(
        check(json!({"on-store": ["store1"]}), &dev(&m2, Some(&substore1))),
        mismatch("store assertion and model store must match")
    );
    assert_eq!(
        check(
            json!({"on-store": ["other-store"]}),
            &dev(&m3, Some(&substore1))
        ),
        mismatch("on-store mismatch")
    );
    assert_eq!(
        check(json!({"on-brand": ["my-brand"]}), &dev(&m1, None)),
        None
    );
    assert_eq!(
        check(
            json!({"on-brand": ["my-brand", "my-brand-subbrand"]}),
            &dev(&m2, None)
        ),
        None
    );
    assert_eq!(
        check(json!({"on-brand": ["other-brand"]}), &dev(&m2, None)),
        mismatch("on-brand mismatch")
    );
    assert_eq!(
        check(json!({"on-model": ["my-brand/my-model1"]}), &dev(&m1, None)),
        None
    );
    assert_eq!(
        check(
            json!({"on-model": ["my-brand/other-model"]}),
            &dev(&m1, None)
        ),
        mismatch("on-model mismatch")
    );
    let all = json!({"on-store": ["store2"], "on-brand": ["my-brand", "my-brand-subbrand"],
                     "on-model": ["my-brand/my-model3", "my-brand-subbrand/my-model2"]});
    assert_eq!(check(all.clone(), &dev(&m2, None)), None);
    assert_eq!(check(all, &dev(&m3, Some(&substore1))), None);
    let models = json!(["my-brand/my-model1", "my-brand-subbrand/my-model2"]);
    assert_eq!(
        check(
            json!({"on-store": ["store2"], "on-brand": ["my-brand"], "on-model": models}),
            &dev(&m3, Some(&substore1))
        ),
        mismatch("on-model mismatch")
    );
    assert_eq!(
        check(
            json!({"on-store": ["store2"], "on-brand": ["my-brand"], "on-model": models}),
            &dev(&m3, None)
        ),
        mismatch("on-store mismatch")
    );
}

fn plug(rule: Value) -> Result<Value, String> {
    compile_plug_rule("iface", &hv(&rule), RuleLanguage::Snapd2_57)
        .map(|r| serde_json::to_value(r).unwrap())
        .map_err(|e| e.to_string())
}

#[test]
fn arity_is_normalized() {
    let arity = |sub: &str, c: Value| {
        let r = plug(json!({ sub: c })).unwrap();
        (
            r[sub][0]["slots-per-plug"].clone(),
            r[sub][0]["plugs-per-slot"].clone(),
        )
    };
    let any = || (json!("*"), json!("*"));
    for c in [
        json!({"slots-per-plug": "1", "plugs-per-slot": "2"}),
        json!({"slots-per-plug": "*", "plugs-per-slot": "1"}),
        json!({"slots-per-plug": "2", "plugs-per-slot": "*"}),
    ] {
        assert_eq!(arity("allow-connection", c), any());
    }
    assert_eq!(
        arity(
            "allow-auto-connection",
            json!({"slots-per-plug": "1", "plugs-per-slot": "2"})
        ),
        (json!("1"), json!("*"))
    );
    assert_eq!(
        arity(
            "allow-auto-connection",
            json!({"slots-per-plug": "*", "plugs-per-slot": "1"})
        ),
        any()
    );
    assert_eq!(
        arity(
            "allow-auto-connection",
            json!({"slots-per-plug": "2", "plugs-per-slot": "*"})
        ),
        (json!("1"), json!("*"))
    );
    assert_eq!(
        arity("allow-auto-connection", json!({"slots-per-plug": "+01"})),
        (json!("1"), json!("*"))
    );
    assert_eq!(
        arity("deny-connection", json!({"on-classic": "true"})),
        (Value::Null, Value::Null)
    );
    let r = compile_plug_rule("iface", &hv(&json!("true")), RuleLanguage::Snapd2_57).unwrap();
    assert!(r.allow_auto_connection[0].slots_per_plug.is_one());
    assert!(r.allow_connection[0].slots_per_plug.is_any());
    assert_eq!(r.deny_connection[0].plugs_per_slot, SideArity::Undefined);
    assert!(r.deny_connection[0].plug_attributes.is_never());
    assert!(r.allow_installation[0].plug_attributes.is_always());
}

#[test]
fn on_classic_checks_the_release() {
    let rule = |v: Value| {
        compile_slot_rule(
            "iface",
            &hv(&json!({"allow-connection": {"on-classic": v}})),
            RuleLanguage::Snapd2_57,
        )
        .unwrap()
        .allow_connection[0]
            .on_classic
            .clone()
            .unwrap()
    };
    let core = Release::default();
    let debian = Release {
        on_classic: true,
        id: "debian".into(),
        ..Release::default()
    };
    assert_eq!(rule(json!("false")).check(&core), Ok(()));
    assert_eq!(
        rule(json!("true")).check(&core).unwrap_err(),
        "on-classic mismatch"
    );
    assert_eq!(rule(json!("true")).check(&debian), Ok(()));
    let ids = rule(json!(["ubuntu", "debian"]));
    assert_eq!(ids.system_ids, ["ubuntu", "debian"]);
    assert_eq!(ids.check(&debian), Ok(()));
    let fedora = Release {
        id: "fedora".into(),
        ..debian.clone()
    };
    assert_eq!(
        ids.check(&fedora).unwrap_err(),
        "operating system ID does not match"
    );
}

#[test]
fn newer_language_beside_2_57() {
    let current = |rule: Value| {
        compile_plug_rule("iface", &hv(&rule), RuleLanguage::Current).map_err(|e| e.to_string())
    };
    let old = |rule: Value| plug(rule).map(drop);
    // on-core-desktop: a constraint now, an unknown key (so "must specify") in 2.57
    let r = current(json!({"allow-connection": {"on-core-desktop": "true"}})).unwrap();
    assert_eq!(r.allow_connection[0].on_core_desktop, Some(true));
    assert!(
        old(json!({"allow-connection": {"on-core-desktop": "true"}}))
            .unwrap_err()
            .contains("must specify at least one of")
    );
    assert_eq!(
        current(json!({"allow-connection": {"on-core-desktop": "maybe"}})).unwrap_err(),
        r#"on-core-desktop in allow-connection in plug rule for interface "iface" must be 'true' or 'false'"#
    );
    assert_eq!(
        current(json!({"allow-connection": {"bogus": "x"}})).unwrap_err(),
        r#"allow-connection in plug rule for interface "iface" must specify at least one of plug-names, slot-names, plug-attributes, slot-attributes, slot-snap-type, slot-publisher-id, slot-snap-id, slots-per-plug, plugs-per-slot, on-classic, on-core-desktop, on-store, on-brand, on-model"#
    );
    // on-classic variants (format 7)
    let r = current(
        json!({"allow-installation": {"on-classic": ["ubuntu/desktop", "fedora/*", "debian/"]}}),
    )
    .unwrap();
    let oc = r.allow_installation[0].on_classic.clone().unwrap();
    let rel = |id: &str, variant: Option<&str>| Release {
        on_classic: true,
        id: id.into(),
        variant_id: variant.map(Into::into),
        on_core_desktop: false,
    };
    assert_eq!(oc.check(&rel("ubuntu", Some("desktop"))), Ok(()));
    assert_eq!(
        oc.check(&rel("ubuntu", Some("server"))).unwrap_err(),
        "operating system does not match"
    );
    assert_eq!(oc.check(&rel("fedora", Some("x"))), Ok(()));
    assert_eq!(oc.check(&rel("debian", None)), Ok(()));
    assert!(oc.check(&rel("debian", Some("x"))).is_err());
    assert_eq!(r.format(), 7);
    for (bad, why) in [
        ("a/b/c", "too many '/' separators"),
        ("Ubuntu", "invalid distro ID"),
        ("ubuntu/Desk!", "invalid variant ID"),
    ] {
        assert_eq!(
            current(json!({"allow-installation": {"on-classic": [bad]}})).unwrap_err(),
            format!(
                r#"on-classic in allow-installation in plug rule for interface "iface" contains an invalid element: "{bad}": invalid operating system constraint: {why}"#
            )
        );
    }
    assert_eq!(
        current(json!({"allow-installation": {"on-classic": "yes"}})).unwrap_err(),
        r#"on-classic in allow-installation in plug rule for interface "iface" must be 'true', 'false' or a list of operating system IDs with optional /variant IDs"#
    );
    // publisher-id attribute references (format 6)
    let r = current(
        json!({"allow-auto-connection": {"plug-attributes": {"account": "$PLUG_PUBLISHER_ID"}}}),
    )
    .unwrap();
    assert_eq!(r.format(), 6);
    assert_eq!(
        current(json!({"allow-connection": {"slot-attributes": {"a": "$FOO"}}})).unwrap_err(),
        r#"cannot compile slot-attributes in allow-connection in plug rule for interface "iface": cannot compile "a" constraint "$FOO": not a valid $SLOT()/$PLUG()/$PLUG_PUBLISHER_ID/$SLOT_PUBLISHER_ID constraint"#
    );
    assert_eq!(
        current(json!({"allow-installation": {"plug-attributes": "x"}})).unwrap_err(),
        r#"cannot compile plug-attributes in allow-installation in plug rule for interface "iface": first level of non alternative constraints must be a set of key-value constraints"#
    );
    // slot-snap-type in slot-rule connection sets (2.61)
    let s = compile_slot_rule(
        "iface",
        &hv(&json!({"deny-connection": {"slot-snap-type": ["app"]}})),
        RuleLanguage::Current,
    )
    .unwrap();
    assert_eq!(s.deny_connection[0].slot_snap_types, ["app"]);
    // the installation bug stays
    assert!(current(json!({"allow-installation": {"bogus": "x"}})).is_ok());
}

#[test]
fn rule_contexts_read_as_snapd_writes_them() {
    let mut c = RuleContext::rule(Side::Slot, "a\"b");
    assert_eq!(c.to_string(), r#"slot rule for interface "a\"b""#);
    c.subrule = Some(ucore_assertions::policy::Subrule::DenyAutoConnection);
    c.alternative = Some(3);
    assert_eq!(
        c.to_string(),
        r#"alternative 3 of deny-auto-connection in slot rule for interface "a\"b""#
    );
}

#[test]
fn any_line_patterns_are_gos() {
    for (pattern, value, ok) in [
        (".+", "x y", true),
        (".+", "", false),
        (".+", "a\nb", false),
        (".*", "", true),
        (".*", "a\n", false),
    ] {
        let m = matcher(json!({ "a": pattern }));
        let got = m.matches(&attrs(json!({ "a": value })), "attribute", None);
        assert_eq!(got.is_ok(), ok, "{pattern} against {value:?}");
    }
}
