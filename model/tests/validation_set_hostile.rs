//! Hostile validation-set statements: JSON and YAML made to work the readers and the
//! checks hard (deep nesting, "billion laughs", aliases of a long scalar, many headers,
//! thousands of snaps), each at 1×, 8× and 64× its size, parsed, checked and planned. Every
//! run must stay within 64 bytes of memory per input byte (plus 1 MiB), finish, not panic,
//! and take time that grows no faster than the input (`ucore_test_support::hostile`), so a
//! huge or deep statement is refused (or read) cheaply.

mod common;

use ucore_assertions::Timestamp;
use ucore_model::validation_set::{SetHistory, SignOptions, SignPlan, ValidationSetStatement};
use ucore_test_support::hostile::{Check, Limits, yaml_laughs};

#[global_allocator]
static ALLOC: ucore_test_support::alloc::Counting = ucore_test_support::alloc::Counting;

fn statement(input: &[u8]) {
    let Ok(text) = std::str::from_utf8(input) else {
        return;
    };
    let now: Timestamp = "2024-01-01T00:00:00Z".parse().unwrap();
    for parse in [
        ValidationSetStatement::from_json,
        ValidationSetStatement::from_yaml,
    ] {
        let Ok(s) = parse(text) else { continue };
        if s.check_at(now).is_ok()
            && let Ok(history) = SetHistory::for_statement(&s)
        {
            let _ = SignPlan::new(&s, &history, SignOptions::default(), now);
        }
    }
}

const HEAD: &str = r#""account-id": "acme", "name": "base", "timestamp": "2024-01-01T00:00:00Z""#;

/// Snap `i`: a valid name and a distinct 32-character id.
fn snap(i: usize) -> String {
    format!(
        r#"{{"name": "s{i}", "id": "{i:0>32}", "revision": "{}"}}"#,
        i + 1
    )
}

#[test]
fn statement_readers_stay_linear() {
    let limits = Limits {
        bytes_per_input_byte: 64,
        ..Limits::default()
    };
    let check = Check::new("validation-set statement", limits, statement);
    check.growth("JSON nesting", 200, |n| {
        format!(
            "{{{HEAD}, \"snaps\": [{{\"name\": \"a\", \"id\": {}{}}}]}}",
            "[".repeat(n),
            "]".repeat(n)
        )
        .into_bytes()
    });
    check.growth("JSON many snaps", 100, |n| {
        let snaps: Vec<String> = (0..n).map(snap).collect();
        format!("{{{HEAD}, \"snaps\": [{}]}}", snaps.join(",")).into_bytes()
    });
    check.growth("JSON many headers", 500, |n| {
        let extra: String = (0..n).map(|i| format!(", \"h{i}\": \"v\"")).collect();
        format!("{{{HEAD}{extra}, \"snaps\": [{}]}}", snap(0)).into_bytes()
    });
    check.growth("JSON long snap name", 4_000, |n| {
        format!(
            "{{{HEAD}, \"snaps\": [{{\"name\": \"{}\", \"id\": \"x\"}}]}}",
            "a".repeat(n)
        )
        .into_bytes()
    });
    common::yaml_growths(&check, "snaps");
    check.growth("YAML many snaps", 100, |n| {
        let snaps: String = (0..n)
            .map(|i| {
                format!(
                    "  - name: s{i}\n    id: \"{i:0>32}\"\n    revision: {}\n",
                    i + 1
                )
            })
            .collect();
        format!("account-id: acme\nname: base\nsnaps:\n{snaps}").into_bytes()
    });
}

/// The 16 uses of an anchor YAML allows, of a long scalar: the statement holds 16 copies,
/// and the check holds each a few times more (the parsed value, its JSON text, the
/// builder's headers, the content), so up to 128 bytes per input byte, and no more than
/// linear.
#[test]
fn sixteen_aliases_of_a_long_scalar_stay_linear() {
    let limits = Limits {
        bytes_per_input_byte: 128,
        ..Limits::default()
    };
    let check = Check::new("validation-set statement", limits, statement);
    check.growth("YAML 16 aliases of a long scalar", 100, |n| {
        format!(
            "account-id: acme\nname: base\nsnaps:\n  - {{name: &m \"{}\", id: x}}\n{}",
            "m".repeat(40 * n),
            "  - {name: *m, id: x}\n".repeat(16)
        )
        .into_bytes()
    });
}

/// A "billion laughs" statement is refused as a syntax error instead of expanding.
#[test]
fn yaml_laughs_are_refused() {
    let e = ValidationSetStatement::from_yaml(&yaml_laughs(9)).unwrap_err();
    assert!(e.to_string().contains("YAML"), "{e}");
}
