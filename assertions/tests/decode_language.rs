//! Decoding declarations in a chosen rule language (`AssertionRef::decode_in`,
//! `Assertion::decode_in`, the stream decoders' `with_rule_language`): snapd 2.57's by
//! default, newer snapd's on request; the language is remembered and the typed views
//! compile the rules in it.

use std::sync::Arc;

use ucore_assertions::rules::RuleLanguage;
use ucore_assertions::stream::decode_slice;
use ucore_assertions::types::{BaseDeclaration, SnapDeclaration};
use ucore_assertions::{Assertion, AssertionAccess, AssertionRef, Decoder};

const KEY: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

/// A snap-declaration whose only plug rule uses a key newer snapd added.
fn snap_declaration(format: u32, rule: &str) -> String {
    format!(
        "type: snap-declaration\n\
         authority-id: canonical\n\
         series: 16\n\
         snap-id: snapidsnapidsnapidsnapidsnapidsn\n\
         snap-name: hello\n\
         publisher-id: canonical\n\
         format: {format}\n\
         plugs:\n  x11:\n{rule}\
         timestamp: 2016-09-29T19:50:49Z\n\
         sign-key-sha3-384: {KEY}\n\
         \n\
         AXNpZw=="
    )
}

fn on_core_desktop() -> String {
    snap_declaration(
        1,
        "    allow-auto-connection:\n      on-core-desktop: true\n",
    )
}

/// snapd 2.57's text for the same input (`snapd-oracle decode`: the key is unknown to
/// it, so the set has no constraint it knows).
const ON_CORE_DESKTOP_2_57: &str = "assertion snap-declaration: allow-auto-connection in plug \
    rule for interface \"x11\" must specify at least one of plug-names, slot-names, \
    plug-attributes, slot-attributes, slot-snap-type, slot-publisher-id, slot-snap-id, \
    slots-per-plug, plugs-per-slot, on-classic, on-store, on-brand, on-model";

#[test]
fn the_default_is_snapd_2_57() {
    let text = on_core_desktop();
    let err = AssertionRef::decode(text.as_bytes()).unwrap_err();
    assert_eq!(err.to_string(), ON_CORE_DESKTOP_2_57);
    let err = AssertionRef::decode_in(text.as_bytes(), RuleLanguage::Snapd2_57).unwrap_err();
    assert_eq!(err.to_string(), ON_CORE_DESKTOP_2_57);
    let err = Assertion::decode(text.as_bytes()).unwrap_err();
    assert_eq!(err.to_string(), ON_CORE_DESKTOP_2_57);

    let model = include_bytes!("../../tests/data/ubuntu-core-22-amd64.model");
    let a = AssertionRef::decode(model).unwrap();
    assert_eq!(a.rule_language(), RuleLanguage::Snapd2_57);
}

#[test]
fn decoding_in_current_compiles_newer_rules_and_remembers_the_language() {
    let text = on_core_desktop();
    let a = AssertionRef::decode_in(text.as_bytes(), RuleLanguage::Current).unwrap();
    assert_eq!(a.rule_language(), RuleLanguage::Current);
    let view = SnapDeclaration::try_from(&a).unwrap();
    let sets = &view.plugs.get("x11").unwrap().allow_auto_connection;
    assert_eq!(sets.len(), 1);
    assert_eq!(sets[0].on_core_desktop, Some(true));
    // an explicit language still wins: 2.57 refuses what the assertion holds
    let err = SnapDeclaration::with_language(&a, RuleLanguage::Snapd2_57).unwrap_err();
    assert_eq!(err.to_string(), ON_CORE_DESKTOP_2_57);

    // owned copies, and pointers to them, keep it
    let owned = a.to_owned();
    assert_eq!(owned.rule_language(), RuleLanguage::Current);
    assert_eq!(a.clone().into_owned(), owned);
    let decoded = Assertion::decode_in(text.as_bytes(), RuleLanguage::Current).unwrap();
    assert_eq!(decoded, owned);
    let shared = Arc::new(decoded);
    assert_eq!(shared.rule_language(), RuleLanguage::Current);
    assert!(SnapDeclaration::from_assertion(&shared).is_ok());

    // the same bytes decoded in 2.57's language are not the same assertion value
    let model = include_bytes!("../../tests/data/ubuntu-core-22-amd64.model");
    assert_ne!(
        AssertionRef::decode(model).unwrap(),
        AssertionRef::decode_in(model, RuleLanguage::Current).unwrap()
    );
}

#[test]
fn publisher_id_attribute_references_need_current() {
    // format 6: `$PLUG_PUBLISHER_ID` as an attribute matcher (snapd 2.64)
    let text = snap_declaration(
        6,
        "    allow-connection:\n      slot-attributes:\n        owner: $PLUG_PUBLISHER_ID\n",
    );
    let err = AssertionRef::decode(text.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("not a valid $SLOT()/$PLUG() constraint"),
        "{err}"
    );
    let a = AssertionRef::decode_in(text.as_bytes(), RuleLanguage::Current).unwrap();
    let view = SnapDeclaration::try_from(&a).unwrap();
    assert_eq!(view.plugs.get("x11").unwrap().format(), 6);
}

#[test]
fn stream_decoders_take_the_language() {
    let text = on_core_desktop();
    let stream = format!("{text}\n\n{text}\n");

    let errs: Vec<String> = decode_slice(stream.as_bytes())
        .filter_map(|r| r.err().map(|e| e.to_string()))
        .collect();
    assert_eq!(errs, [ON_CORE_DESKTOP_2_57]);
    let decoded: Vec<AssertionRef<'_>> = decode_slice(stream.as_bytes())
        .with_rule_language(RuleLanguage::Current)
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(decoded.len(), 2);
    assert!(
        decoded
            .iter()
            .all(|a| a.rule_language() == RuleLanguage::Current)
    );

    let err = Decoder::new(stream.as_bytes()).next().unwrap().unwrap_err();
    assert_eq!(err.to_string(), ON_CORE_DESKTOP_2_57);
    let decoded: Vec<Assertion> = Decoder::new(stream.as_bytes())
        .with_rule_language(RuleLanguage::Current)
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(decoded.len(), 2);
    for a in &decoded {
        assert_eq!(a.rule_language(), RuleLanguage::Current);
        assert!(SnapDeclaration::try_from(a).is_ok());
    }
}

#[test]
fn base_declarations_too() {
    let text = format!(
        "type: base-declaration\n\
         authority-id: canonical\n\
         series: 16\n\
         plugs:\n  x11:\n    allow-auto-connection:\n      on-core-desktop: false\n\
         timestamp: 2016-09-29T19:50:49Z\n\
         sign-key-sha3-384: {KEY}\n\
         \n\
         AXNpZw=="
    );
    let err = AssertionRef::decode(text.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("assertion base-declaration: allow-auto-connection in plug rule for interface \"x11\" must specify at least one of"), "{err}");
    let a = AssertionRef::decode_in(text.as_bytes(), RuleLanguage::Current).unwrap();
    let view = BaseDeclaration::try_from(&a).unwrap();
    let sets = &view.plugs.get("x11").unwrap().allow_auto_connection;
    assert_eq!(sets[0].on_core_desktop, Some(false));
}
