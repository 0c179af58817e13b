//! Hostile model statements: JSON and YAML made to work the readers hard (deep nesting,
//! "billion laughs" aliases, aliases of a long scalar, many headers, long lists), each at
//! 1×, 8× and 64× its size, parsed and checked. Every run must stay within 64 bytes of
//! memory per input byte (plus 1 MiB), finish, not panic, and take time that grows no
//! faster than the input (`ucore_test_support::hostile`). 64, not 16: a parsed JSON value
//! takes about 80 bytes, and `[1,1,1]` spends two bytes of text on one.

mod common;

use ucore_model::Statement;
use ucore_test_support::hostile::{Check, Limits, yaml_laughs};

#[global_allocator]
static ALLOC: ucore_test_support::alloc::Counting = ucore_test_support::alloc::Counting;

fn statement(input: &[u8]) {
    let Ok(text) = std::str::from_utf8(input) else {
        return;
    };
    for parse in [Statement::from_json, Statement::from_yaml] {
        if let Ok(s) = parse(text) {
            let _ = s.check();
        }
    }
}

const HEAD: &str = r#""type": "model", "authority-id": "acme", "brand-id": "acme", "series": "16", "model": "m", "architecture": "amd64", "gadget": "pc", "kernel": "pc-kernel", "timestamp": "2017-01-01T00:00:00Z""#;

#[test]
fn statement_readers_stay_linear() {
    let limits = Limits {
        bytes_per_input_byte: 64,
        ..Limits::default()
    };
    let check = Check::new("model statement", limits, statement);
    check.growth("JSON nesting", 200, |n| {
        format!("{{{HEAD}, \"x\": {}{}}}", "[".repeat(n), "]".repeat(n)).into_bytes()
    });
    check.growth("JSON long list", 1_000, |n| {
        format!(
            "{{{HEAD}, \"required-snaps\": [{}]}}",
            vec!["\"a\""; n].join(",")
        )
        .into_bytes()
    });
    check.growth("JSON many headers", 500, |n| {
        let extra: String = (0..n).map(|i| format!(", \"h{i}\": \"v\"")).collect();
        format!("{{{HEAD}{extra}}}").into_bytes()
    });
    check.growth("JSON long string", 4_000, |n| {
        format!("{{{HEAD}, \"display-name\": \"{}\"}}", "d".repeat(n)).into_bytes()
    });
    check.growth("JSON escapes", 1_000, |n| {
        format!("{{{HEAD}, \"display-name\": \"{}\"}}", "\\u00e9".repeat(n)).into_bytes()
    });
    check.growth("JSON small numbers", 2_000, |n| {
        format!("[{}]", vec!["1"; n].join(",")).into_bytes()
    });
    common::yaml_growths(&check, "required-snaps");
    check.growth("YAML long list", 1_000, |n| {
        format!("required-snaps:\n{}", "  - a\n".repeat(n)).into_bytes()
    });
}

/// The YAML alias bounds themselves: 16 uses of an anchor parse, 17 do not, and a "billion
/// laughs" statement is refused as a syntax error instead of expanding.
#[test]
fn yaml_alias_uses_are_bounded() {
    let uses = |n: usize| {
        format!(
            "type: model\nmodel: &m m\nrequired-snaps: [{}]\n",
            vec!["*m"; n].join(", ")
        )
    };
    assert!(Statement::from_yaml(&uses(16)).is_ok());
    let err = Statement::from_yaml(&uses(17)).unwrap_err().to_string();
    assert!(err.contains("YAML"), "{err}");
    let laughs = yaml_laughs(9);
    assert!(Statement::from_yaml(&laughs).is_err());
}

/// A fuzz finding (`fuzz/seeds/regressions/json_bodies/float-round-trip.json`): a number
/// the YAML reader gives as a float must come back the same from the statement's JSON
/// (serde_json's default float parsing could be one unit in the last place off).
#[test]
fn statement_numbers_survive_a_json_round_trip() {
    let text = std::fs::read_to_string(
        ucore_test_support::repo().join("fuzz/seeds/regressions/json_bodies/float-round-trip.json"),
    )
    .unwrap();
    for parse in [Statement::from_json, Statement::from_yaml] {
        if let Ok(statement) = parse(&text) {
            let json = serde_json::to_string(statement.headers()).unwrap();
            let again = Statement::from_json(&json).unwrap();
            assert_eq!(again.headers(), statement.headers());
        }
    }
}
