//! Fuzzes the plug/slot rule compiler: the input is an assertion header block; its
//! `plugs`/`slots` are compiled in both languages (and as headers-only base-declaration
//! text), every rule's attribute matchers are matched against the block's own headers, and
//! `constraints`-like `headers` maps compile as account-key matchers.
//! No input may panic; a compiled rule has at least one alternative per subrule.
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use ucore_assertions::Headers;
use ucore_assertions::policy::{
    AttrMatcher, AttrValue, RuleLanguage, compile_plug_rule, compile_slot_rule, suggested_format,
};
use ucore_assertions::types::BuiltinBaseDeclaration;

fuzz_target!(|data: &[u8]| {
    let _ = BuiltinBaseDeclaration::parse(data, RuleLanguage::Snapd2_57);
    let Ok(headers) = Headers::parse(data) else {
        return;
    };
    let attrs: BTreeMap<String, AttrValue> = headers
        .iter()
        .map(|(k, v)| (k.to_owned(), AttrValue::from_header(v)))
        .collect();
    for language in [RuleLanguage::Snapd2_57, RuleLanguage::Current] {
        let _ = suggested_format(&headers, language);
        if let Some(m) = headers.get("plugs").and_then(|v| v.as_map()) {
            for (iface, rule) in m.iter() {
                if let Ok(r) = compile_plug_rule(iface, rule, language) {
                    assert!(!r.allow_installation.is_empty() && !r.deny_auto_connection.is_empty());
                    for c in r.allow_connection.iter().chain(&r.deny_connection) {
                        let _ = c.plug_attributes.check(&attrs, None);
                        let _ = c.slot_attributes.check(&attrs, None);
                    }
                    let _ = serde_json::to_string(&r);
                }
            }
        }
        if let Some(m) = headers.get("slots").and_then(|v| v.as_map()) {
            for (iface, rule) in m.iter() {
                if let Ok(r) = compile_slot_rule(iface, rule, language) {
                    assert!(!r.allow_installation.is_empty() && !r.deny_auto_connection.is_empty());
                    for c in r.allow_installation.iter() {
                        let _ = c.slot_attributes.check(&attrs, None);
                    }
                    let _ = serde_json::to_string(&r);
                }
            }
        }
        if let Some(h) = headers.get("headers") {
            if let Ok(m) = AttrMatcher::compile(h, false, language) {
                let _ = m.matches(&attrs, "header", None);
            }
        }
    }
});
