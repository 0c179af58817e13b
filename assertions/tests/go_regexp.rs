//! Differential tests of `go_regexp` against Go 1.19's `regexp`: the committed table
//! `tests/data/go_regexp/golden.jsonl` (regenerate with `tests/data/go_regexp/regenerate.sh`,
//! which runs `gen.go`), a proptest over it, and a live comparison on fresh random
//! patterns through `go run gen.go -stdin` (with `UCORE_GO=1` or `UCORE_REQUIRE_TOOLS=1`).

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use regex_automata::meta::Regex;
use serde::Deserialize;
use ucore_assertions::go_regexp;

/// Go's answer for one pattern (one line of `gen.go`'s output).
#[derive(Debug, Deserialize)]
struct Answer {
    p: String,
    raw: Option<String>,
    anchored: Option<String>,
    #[serde(default)]
    subjects: Option<Vec<String>>,
    #[serde(default)]
    matches: String,
}

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/go_regexp")
}

fn golden() -> &'static [Answer] {
    static GOLDEN: OnceLock<Vec<Answer>> = OnceLock::new();
    GOLDEN.get_or_init(|| {
        let text = std::fs::read_to_string(data_dir().join("golden.jsonl")).unwrap();
        text.lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    })
}

/// ucore's error text for `pattern`, or `None` when it accepts it.
fn ucore_error(pattern: &str) -> Option<String> {
    go_regexp::check(pattern).err().map(|e| e.to_string())
}

/// Where ucore and Go disagree on `answer`, as readable lines.
fn differences(answer: &Answer) -> Vec<String> {
    let p = &answer.p;
    let mut out = Vec::new();
    let raw = ucore_error(p);
    if raw != answer.raw {
        out.push(format!("{p:?}: raw: ucore {raw:?}, go {:?}", answer.raw));
    }
    let anchored_pattern = format!("^({p})$");
    let anchored = ucore_error(&anchored_pattern);
    if anchored != answer.anchored {
        out.push(format!(
            "{p:?}: anchored: ucore {anchored:?}, go {:?}",
            answer.anchored
        ));
    }
    if let (None, Some(subjects)) = (&answer.anchored, &answer.subjects) {
        let Ok(hir) = go_regexp::parse(&anchored_pattern) else {
            return out;
        };
        // Patterns past the Rust engine's default size limit (`\pL{1000}`, the limit
        // patterns of thousands of bytes repeated 1000 times) are compared by their parse
        // only: ucore refuses them by its memory budget (constraint_regex), a documented
        // difference.
        let Ok(re) = Regex::builder().build_from_hir(&hir) else {
            return out;
        };
        for (subject, expected) in subjects.iter().zip(answer.matches.bytes()) {
            let got = re.is_match(subject.as_str());
            if got != (expected == b'1') {
                out.push(format!("{p:?} on {subject:?}: ucore {got}, go {}", !got));
            }
        }
    }
    out
}

/// Fails with every difference between ucore and Go on `answers`.
fn assert_agree(answers: &[Answer]) {
    let diffs: Vec<String> = answers.iter().flat_map(differences).collect();
    assert!(
        diffs.is_empty(),
        "{} differences:\n{}",
        diffs.len(),
        diffs.join("\n")
    );
}

#[test]
fn golden_table_agrees_with_go() {
    let all = golden();
    assert!(all.len() >= 700, "{} answers", all.len());
    assert_agree(all);
}

#[test]
fn every_error_code_is_in_the_table() {
    let mut codes: Vec<&str> = golden()
        .iter()
        .flat_map(|a| [a.anchored.as_deref(), a.raw.as_deref()])
        .flatten()
        .filter_map(|e| e.strip_prefix("error parsing regexp: "))
        .filter_map(|e| e.split(": `").next())
        .collect();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(
        codes,
        [
            "expression nests too deeply",
            "invalid character class range",
            "invalid escape sequence",
            "invalid named capture",
            "invalid nested repetition operator",
            "invalid or unsupported Perl syntax",
            "invalid repeat count",
            "missing argument to repetition operator",
            "missing closing )",
            "missing closing ]",
            "regexp/syntax: internal error",
            "trailing backslash at end of expression",
            "unexpected )",
        ]
    );
}

/// Tokens of Go's syntax, valid and not, that random patterns are made of (as `gen.go`).
const TOKENS: &[&str] = &[
    "a",
    "b",
    "é",
    "K",
    "0",
    "9",
    ".",
    "*",
    "+",
    "?",
    "|",
    "(",
    ")",
    "[",
    "]",
    "^",
    "$",
    "-",
    "{",
    "}",
    ",",
    ":",
    "\\",
    "\\d",
    "\\w",
    "\\s",
    "\\b",
    "\\W",
    "\\Q",
    "\\E",
    "\\p",
    "\\pL",
    "\\p{Greek}",
    "\\x",
    "\\x{",
    "41",
    "{2}",
    "{2,}",
    "{,3}",
    "{1001}",
    "{2,1}",
    "(?",
    "(?i)",
    "(?:",
    "(?P<",
    ">",
    "(?s)",
    "(?m)",
    "(?-",
    "[:alpha:]",
    "[:",
    ":]",
    "[^",
    "\\1",
    "\\0",
    "\\z",
    "\\C",
    "\\A",
    "{1000}",
    "{500}",
    "P",
    "i",
    "-",
];

/// Single characters that matter to Go's parser, for character-level patterns.
const CHARS: &[char] = &[
    'a', 'b', 'K', 'k', 's', 'é', '0', '1', '2', '7', '9', 'x', 'P', 'p', 'Q', 'E', 'd', 'w', 'i',
    'm', 'U', 'z', '(', ')', '[', ']', '{', '}', '|', '*', '+', '?', '^', '$', '\\', '-', ':', ',',
    '.', '<', '>', '_', ' ', '\n',
];

/// Random patterns: token sequences, and character sequences.
fn pattern() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(prop::sample::select(TOKENS), 1..10).prop_map(|t| t.concat()),
        prop::collection::vec(prop::sample::select(CHARS), 1..16)
            .prop_map(|c| c.into_iter().collect()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn sampled_golden_answers_agree(i in 0usize..10_000) {
        let all = golden();
        let answer = &all[i % all.len()];
        let diffs = differences(answer);
        prop_assert!(diffs.is_empty(), "{}", diffs.join("\n"));
    }

    #[test]
    fn random_patterns_parse_without_panicking(p in pattern(), tail in ".{0,8}") {
        let p = format!("{p}{tail}");
        let _ = go_regexp::parse(&p);
        let _ = go_regexp::parse(&format!("^({p})$"));
    }
}

/// Whether to run the live comparison: `go` is needed under `UCORE_GO=1` or
/// `UCORE_REQUIRE_TOOLS=1`; otherwise it is skipped with a notice.
fn go_wanted() -> bool {
    let wanted = std::env::var("UCORE_GO").as_deref() == Ok("1")
        || std::env::var("UCORE_REQUIRE_TOOLS").as_deref() == Ok("1");
    if !wanted {
        eprintln!("UCORE_GO unset: skipping the live comparison with Go's regexp");
        return false;
    }
    let present = Command::new("go")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        present,
        "UCORE_GO=1 or UCORE_REQUIRE_TOOLS=1, but `go` is not installed"
    );
    true
}

#[test]
fn live_random_patterns_agree_with_go() {
    if !go_wanted() {
        return;
    }
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut patterns: Vec<String> = (0..400)
        .map(|_| pattern().new_tree(&mut runner).unwrap().current())
        .collect();
    // fresh ones on every run as well
    let mut fresh = proptest::test_runner::TestRunner::default();
    patterns.extend((0..live_count()).map(|_| pattern().new_tree(&mut fresh).unwrap().current()));
    let mut child = Command::new("go")
        .args(["run", "gen.go", "-stdin"])
        .current_dir(data_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input: String = patterns
        .iter()
        .map(|p| serde_json::to_string(p).unwrap() + "\n")
        .collect();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(out.status.success());
    let answers: Vec<Answer> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(answers.len(), patterns.len());
    assert_agree(&answers);
}

/// Fresh patterns per live run: `UCORE_GO_PATTERNS`, 400 by default.
fn live_count() -> usize {
    std::env::var("UCORE_GO_PATTERNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(400)
}
