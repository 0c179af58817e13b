//! `assertions policy compile FILE`: the oracle's `policy compile`, one JSON line per
//! assertion of a stream (`index`, `ok`, `type`, `primary_key`, `error`), with the compiled
//! `plugs`/`slots` of snap- and base-declarations; headers-only text is taken as snapd's
//! builtin base-declaration (`"form": "builtin-headers"`). The stream goes on after an
//! assertion that does not assemble, as snapd's decoder does; it stops at framing errors.

use std::process::ExitCode;

use serde_json::{Map, Value, json};
use ucore_assertions::policy::{BaseDeclarationRules, RuleLanguage};
use ucore_assertions::types::{BaseDeclaration, SnapDeclaration};
use ucore_assertions::{AssertionAccess, AssertionRef, AssertionType, Error, SliceDecoder};

/// The compiled `plugs` and `slots` of a declaration.
fn rules_json(
    plugs: &impl serde::Serialize,
    slots: &impl serde::Serialize,
    line: &mut Map<String, Value>,
) {
    line.insert(
        "plugs".into(),
        serde_json::to_value(plugs).expect("rules serialize"),
    );
    line.insert(
        "slots".into(),
        serde_json::to_value(slots).expect("rules serialize"),
    );
}

fn assertion_line(a: &AssertionRef<'_>, line: &mut Map<String, Value>) {
    line.insert("type".into(), json!(a.assertion_type().name()));
    line.insert("primary_key".into(), json!(a.primary_key()));
    line.insert("ok".into(), json!(true));
    match a.assertion_type() {
        AssertionType::SnapDeclaration => {
            if let Ok(d) = SnapDeclaration::try_from(a) {
                rules_json(&d.plugs, &d.slots, line);
            }
        }
        AssertionType::BaseDeclaration => {
            if let Ok(d) = BaseDeclaration::try_from(a) {
                rules_json(&d.plugs, &d.slots, line);
            }
        }
        _ => {}
    }
}

/// Prints the lines for `input`; exit 1 when any assertion failed.
pub fn compile(input: &[u8], language: RuleLanguage) -> ExitCode {
    let mut failed = false;
    if BaseDeclarationRules::is_headers_only(input) {
        let mut line = Map::new();
        line.insert("index".into(), json!(0));
        line.insert("type".into(), json!("base-declaration"));
        line.insert("form".into(), json!("builtin-headers"));
        match BaseDeclarationRules::from_builtin_text(input, language) {
            Ok(rules) => {
                rules_json(&rules.plugs, &rules.slots, &mut line);
                line.insert("ok".into(), json!(true));
            }
            Err(e) => {
                failed = true;
                line.insert("ok".into(), json!(false));
                line.insert("error".into(), json!(e.to_string()));
            }
        }
        println!("{}", Value::Object(line));
        return ExitCode::from(u8::from(failed));
    }
    let mut dec = SliceDecoder::new(input).with_rule_language(language);
    for index in 0.. {
        let mut line = Map::new();
        line.insert("index".into(), json!(index));
        match dec.decode() {
            Ok(None) => break,
            Ok(Some(a)) => assertion_line(&a, &mut line),
            Err(e) => {
                failed = true;
                line.insert("ok".into(), json!(false));
                line.insert("error".into(), json!(e.to_string()));
                println!("{}", Value::Object(line));
                if matches!(e, Error::UnexpectedEof | Error::MaxSizeExceeded) {
                    break;
                }
                continue;
            }
        }
        println!("{}", Value::Object(line));
    }
    ExitCode::from(u8::from(failed))
}
