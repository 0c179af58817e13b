//! Every function against Go's own output (`tests/data/golden.txt`, made by `go-text/gen`
//! with Go 1.19). With `UCORE_ORACLE` set, the generator is run to check that the golden
//! file and the Unicode table are what Go prints today.

use std::path::Path;
use ucore_go_text::{is_print, number, quote_bytes, quote_integer, quote_rune};

const GOLDEN: &str = include_str!("data/golden.txt");
const TABLE: &str = include_str!("../src/quote/print_table.rs");

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

fn text<T: ToString, E: ToString>(r: Result<T, E>) -> String {
    match r {
        Ok(v) => v.to_string(),
        Err(e) => e.to_string(),
    }
}

#[test]
fn every_golden_case_matches_go() {
    let mut failures = Vec::new();
    let mut counts = std::collections::BTreeMap::new();
    for line in GOLDEN.lines().filter(|l| !l.starts_with('#')) {
        let mut parts = line.splitn(3, '\t');
        let (kind, input, want) = (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
        );
        *counts.entry(kind).or_insert(0) += 1;
        let rune = || char::from_u32(u32::from_str_radix(input, 16).unwrap());
        let string = || String::from_utf8(unhex(input)).expect("valid UTF-8");
        let got = match kind {
            "print" => match rune() {
                Some(c) => u8::from(is_print(c)).to_string(),
                None => "0".into(), // surrogates: not printable in Go either
            },
            "rune" => quote_rune(rune().unwrap_or(char::REPLACEMENT_CHARACTER)),
            "quote" => quote_bytes(&unhex(input)),
            "qint" => quote_integer(i128::from(u64::from_str_radix(input, 16).unwrap() as i64)),
            "float" => {
                number::format_float(f64::from_bits(u64::from_str_radix(input, 16).unwrap()))
            }
            "atoi" => text(number::atoi(&string())),
            "uint" => text(number::parse_uint(&string())),
            "int0" => text(number::parse_int_base0(&string())),
            "uint0" => text(number::parse_uint_base0(&string())),
            other => panic!("unknown kind {other}"),
        };
        if got != want {
            failures.push(format!("{kind} {input}: Go {want:?}, ucore {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Every class is there: the rune boundaries of IsPrint, above U+FFFF, invalid UTF-8.
    assert!(counts["print"] > 2000, "{counts:?}");
    assert!(GOLDEN.contains("quote\teda080\t\"\\xed\\xa0\\x80\""));
    assert!(GOLDEN.contains("\\U0010fffd"));
}

/// With `UCORE_ORACLE` set (the live differential tests run), Go regenerates the golden
/// file and the table, which must equal the committed ones.
#[test]
fn golden_file_and_table_are_what_go_prints() {
    if std::env::var_os("UCORE_ORACLE").is_none_or(|o| o.is_empty()) {
        eprintln!("UCORE_ORACLE unset: skipping the live comparison with Go");
        return;
    }
    let gen_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("gen");
    for (mode, committed) in [("golden", GOLDEN), ("table", TABLE)] {
        let out = std::process::Command::new("go")
            .args(["run", ".", mode])
            .current_dir(&gen_dir)
            .output()
            .expect("go run (Go 1.19 on PATH)");
        assert!(
            out.status.success(),
            "go run . {mode}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.stdout == committed.as_bytes(),
            "go-text/gen {mode} differs from the committed file: regenerate it"
        );
    }
}
