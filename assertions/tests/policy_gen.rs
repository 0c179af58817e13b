//! The rule compiler against snapd 2.57's on generated snap-declarations (and one in ten
//! base-declarations): a deterministic
//! generator of `plugs`/`slots` headers, valid and not (every key of spec §2.3, bad shapes,
//! bad elements, bad arity values, `$` forms, Go regexp errors, nested alternatives), whose
//! declarations are committed as `tests/data/policy_gen/cases.stream` with the oracle's
//! `policy compile` output `expected.jsonl` (regenerate both with
//! `tests/data/policy_gen/regenerate.sh`). Each declaration decodes with ucore to the same
//! compiled `plugs`/`slots`, or fails with the same text.
//!
//! Go iterates the interfaces of `plugs`/`slots`, the keys of attribute maps and the
//! device-scope keys in random order, so a declaration with two faults could fail either
//! way: each generated declaration has at most one fault.
//!
//! With `UCORE_ORACLE` set, a proptest also generates fresh declarations and runs both.
//!
//! One deliberate difference is kept out of the generator: ucore bounds the memory a
//! rule's regexps compile to (`constraint_regex`, 256 KiB plus 256 bytes per byte of the
//! rule's text), which half a dozen `\pL*` (50 KB of automata each) in one rule exhaust;
//! snapd has no such bound. The generated Unicode classes are small ones (`\p{Greek}`).

use std::fmt::Write as _;
use std::path::PathBuf;

use serde_json::{Map, Value, json};
use ucore_assertions::types::{BaseDeclaration, SnapDeclaration};
use ucore_assertions::{AssertionAccess, AssertionRef};

/// A small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// 1 to `max` distinct items of `items`, in their order.
    fn some(&mut self, items: &[&str], max: usize) -> Value {
        let n = 1 + self.below(max.min(items.len()));
        let mut chosen: Vec<usize> = Vec::new();
        while chosen.len() < n {
            let i = self.below(items.len());
            if !chosen.contains(&i) {
                chosen.push(i);
            }
        }
        chosen.sort_unstable();
        Value::Array(chosen.into_iter().map(|i| json!(items[i])).collect())
    }
}

const SUBRULES: &[&str] = &[
    "allow-installation",
    "deny-installation",
    "allow-connection",
    "deny-connection",
    "allow-auto-connection",
    "deny-auto-connection",
];
const INTERFACES: &[&str] = &[
    "network",
    "docker-support",
    "dbus",
    "home",
    "x11",
    "iface-a",
];
const GOOD_REGEXPS: &[&str] = &[
    "org.example.*",
    "/dev/tty[0-9]+",
    "x{,3}",
    "\\w+",
    "[a-z]{2,4}",
    "foo|bar",
    "(?i)abc",
    "\\Qa.b\\E",
    "[[:alpha:]]+",
    "\\p{Greek}+",
    "",
    ".*",
];
/// Patterns Go refuses, one per error code and then some.
const BAD_REGEXPS: &[&str] = &[
    "[",
    "(",
    ")",
    "a**",
    "x{1001}",
    "\\8",
    "(?P<>a)",
    "[z-a]",
    "\\pX",
    "(?<n>a)",
    "a{2}{3}",
    "[[:foo:]]",
    "*",
    "(?i",
    "\\C",
    "(a{10}){101}",
    "\\x{110000}",
    "(?P=n)",
    "a{2,1}",
];
const ATTR_NAMES: &[&str] = &["name", "path", "read", "write", "interface", "a"];
const SNAP_TYPES: &[&str] = &["core", "kernel", "gadget", "app"];
const SNAP_IDS: &[&str] = &[
    "helloidaaaaaaaaaaaaaaaaaaaaaaaaa",
    "PMrrV4ml8uWuEUDBT8dSGnKUYbevVhc4",
];
const PUBLISHERS: &[&str] = &[
    "acme",
    "canonical",
    "$SLOT_PUBLISHER_ID",
    "$PLUG_PUBLISHER_ID",
];

/// What is wrong with a declaration, if anything (at most one fault each).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fault {
    None,
    /// The rule itself: not a map and not a shortcut, or a map without subrules.
    Rule,
    /// A subrule value: a bad string, a list with a non-map.
    Subrule,
    /// One key of one constraint set.
    Key,
    /// A connection set with no known key (E-C2).
    NoKnownKey,
    /// An attribute constraint (shape, `$` form, Go regexp).
    Attribute,
    /// The `plugs`/`slots` header is not a map.
    Header,
}

const FAULTS: &[Fault] = &[
    Fault::Rule,
    Fault::Subrule,
    Fault::Key,
    Fault::Key,
    Fault::Key,
    Fault::NoKnownKey,
    Fault::Attribute,
    Fault::Attribute,
    Fault::Attribute,
    Fault::Header,
];

/// The generator's state for one declaration: where its one fault goes.
struct Gen<'r> {
    rng: &'r mut Rng,
    /// The fault still to place (it goes at the first place that can take it).
    pending: Fault,
}

impl Gen<'_> {
    fn take(&mut self, fault: Fault) -> bool {
        if self.pending == fault {
            self.pending = Fault::None;
            true
        } else {
            false
        }
    }

    /// The `plugs` or `slots` header: interface → rule.
    fn side(&mut self, plug: bool) -> Value {
        if self.take(Fault::Header) {
            return json!(self.rng.pick(&["true", "foo"]).to_string());
        }
        Value::Object(self.map_of(INTERFACES, 3, |g, _| g.rule(plug)))
    }

    /// A map of 1 to `max` distinct keys of `keys`, each with `value(key)`.
    fn map_of<K: AsRef<str>>(
        &mut self,
        keys: &[K],
        max: usize,
        mut value: impl FnMut(&mut Self, &str) -> Value,
    ) -> Map<String, Value> {
        let mut out = Map::new();
        let n = 1 + self.rng.below(max.min(keys.len()));
        while out.len() < n {
            let key = self.rng.pick(keys).as_ref();
            if !out.contains_key(key) {
                let v = value(self, key);
                out.insert(key.to_owned(), v);
            }
        }
        out
    }

    fn rule(&mut self, plug: bool) -> Value {
        if self.take(Fault::Rule) {
            return match self.rng.below(3) {
                0 => json!("maybe"),
                1 => json!(["true"]),
                _ => json!({"allow-connect": "true", "bogus": "x"}),
            };
        }
        if self.rng.chance(15) {
            return json!(self.rng.pick(&["true", "false"]).to_string());
        }
        let mut out = self.map_of(SUBRULES, 3, |g, sub| g.subrule(plug, sub));
        if self.rng.chance(10) {
            out.insert("bogus-subrule".to_owned(), json!("true"));
        }
        Value::Object(out)
    }

    fn subrule(&mut self, plug: bool, sub: &str) -> Value {
        if self.take(Fault::Subrule) {
            return match self.rng.below(3) {
                0 => json!("maybe"),
                1 => json!(["true"]),
                _ => json!([{"on-classic": "true"}, "false"]),
            };
        }
        match self.rng.below(10) {
            0 | 1 => json!(self.rng.pick(&["true", "false"]).to_string()),
            2..=4 => {
                let n = 1 + self.rng.below(3);
                Value::Array((0..n).map(|_| self.set(plug, sub)).collect())
            }
            _ => self.set(plug, sub),
        }
    }

    /// One constraint set of `sub` in a plug or slot rule.
    fn set(&mut self, plug: bool, sub: &str) -> Value {
        let installation = sub.ends_with("installation");
        let (own, other) = if plug {
            ("plug", "slot")
        } else {
            ("slot", "plug")
        };
        let mut out = Map::new();
        if !installation && self.take(Fault::NoKnownKey) {
            out.insert(format!("{other}-snap-ids"), json!(["foo"]));
            return Value::Object(out);
        }
        // the keys this set reads (§2.3)
        let mut keys: Vec<String> = vec![format!("{own}-names"), format!("{own}-attributes")];
        if installation {
            keys.extend([format!("{own}-snap-type"), format!("{own}-snap-id")]);
        } else {
            keys.extend([
                format!("{other}-names"),
                format!("{other}-attributes"),
                format!("{other}-snap-type"),
                format!("{other}-publisher-id"),
                format!("{other}-snap-id"),
            ]);
            if sub.starts_with("allow") {
                keys.extend(["slots-per-plug".to_owned(), "plugs-per-slot".to_owned()]);
            }
        }
        keys.extend(["on-classic", "on-store", "on-brand", "on-model"].map(String::from));
        out.extend(self.map_of(&keys, 3, Gen::value));
        if self.rng.chance(10) {
            // a key this set does not read is ignored
            let ignored = if installation {
                format!("{other}-snap-type")
            } else {
                format!("{own}-snap-type")
            };
            out.entry(ignored).or_insert(json!(["app"]));
        }
        if self.pending == Fault::Key {
            self.pending = Fault::None;
            let (key, value) = self.bad_key(installation || sub.starts_with("deny"), own, other);
            out.insert(key, value);
        }
        Value::Object(out)
    }

    /// A good value for `key`.
    fn value(&mut self, key: &str) -> Value {
        let r = &mut *self.rng;
        match key {
            k if k.ends_with("-names") => r.some(&["foo-.*", "$INTERFACE", "[a-z]+", "x|y"], 2),
            k if k.ends_with("-attributes") => self.attributes(),
            k if k.ends_with("-snap-type") => r.some(SNAP_TYPES, 3),
            k if k.ends_with("-snap-id") => r.some(SNAP_IDS, 2),
            k if k.ends_with("-publisher-id") => r.some(PUBLISHERS, 2),
            "slots-per-plug" | "plugs-per-slot" => json!(*r.pick(&["*", "1", "2", "+1"])),
            "on-classic" => match r.below(3) {
                0 => json!("true"),
                1 => json!("false"),
                _ => r.some(&["ubuntu", "debian", "fedora"], 2),
            },
            "on-store" => r.some(&["my-store", "other_Store"], 2),
            "on-brand" => r.some(&["acme", "canonical"], 2),
            _ => r.some(
                &["acme/pc", "acme/pi-4", "canonical/ubuntu-core-22-amd64"],
                2,
            ),
        }
    }

    /// One bad key (or a good key with a bad value) for a set: `restricted` for
    /// installation and deny sets, where arity keys are refused.
    fn bad_key(&mut self, restricted: bool, own: &str, other: &str) -> (String, Value) {
        let r = &mut *self.rng;
        let names = if r.chance(50) { own } else { other };
        match r.below(12) {
            0 => {
                let bad_regexp = json!([*r.pick(BAD_REGEXPS)]);
                let value = r
                    .pick(&[
                        json!("foo"),
                        json!([{"a": "b"}]),
                        json!(["$bad"]),
                        json!(["foo bar"]),
                        bad_regexp,
                    ])
                    .clone();
                (format!("{names}-names"), value)
            }
            1 => (
                format!("{own}-snap-type"),
                r.pick(&[
                    json!("app"),
                    json!(["base"]),
                    json!(["snapd"]),
                    json!([{"a": "b"}]),
                ])
                .clone(),
            ),
            2 => (
                format!("{own}-snap-id"),
                r.pick(&[json!(["short"]), json!("helloidaaaaaaaaaaaaaaaaaaaaaaaaa")])
                    .clone(),
            ),
            3 => (format!("{other}-publisher-id"), json!(["Bad_Id"])),
            4 if restricted => ("slots-per-plug".to_owned(), json!(*r.pick(&["*", "1"]))),
            4 | 5 => (
                (*r.pick(&["slots-per-plug", "plugs-per-slot"])).to_owned(),
                json!(*r.pick(&["0", "x", "-1", "00", "01", "99999999999999999999", "1.5"])),
            ),
            6 | 7 => (
                "on-classic".to_owned(),
                r.pick(&[
                    json!("maybe"),
                    json!([{"a": "b"}]),
                    json!(["Ubuntu"]),
                    json!({"a": "b"}),
                ])
                .clone(),
            ),
            8 => (
                "on-store".to_owned(),
                r.pick(&[json!("x"), json!(["bad store"])]).clone(),
            ),
            9 => (
                "on-brand".to_owned(),
                r.pick(&[json!(["A"]), json!([["acme"]])]).clone(),
            ),
            10 => (
                "on-model".to_owned(),
                r.pick(&[json!(["nobrand"]), json!(["acme/-x"])]).clone(),
            ),
            _ => (format!("{own}-snap-type"), json!(["app", "bogus"])),
        }
    }

    /// An attribute constraint map (nested maps, alternatives, `$` forms, regexps).
    fn attributes(&mut self) -> Value {
        if self.rng.chance(15) {
            let n = 1 + self.rng.below(2);
            return Value::Array((0..=n).map(|_| self.attr_map(0)).collect());
        }
        self.attr_map(0)
    }

    fn attr_map(&mut self, depth: usize) -> Value {
        Value::Object(self.map_of(ATTR_NAMES, 2, |g, _| g.attr_value(depth)))
    }

    fn attr_value(&mut self, depth: usize) -> Value {
        if self.take(Fault::Attribute) {
            let r = &mut *self.rng;
            return match r.below(6) {
                0..=2 => json!(*r.pick(BAD_REGEXPS)),
                3 => json!(*r.pick(&["$FOO(a)", "$SLOT(a,b)", "$PLUG_PUBLISHER_ID", "$SLOT", "$"])),
                4 => json!([["a", "b"]]),
                _ => json!(["x", {"b": *r.pick(BAD_REGEXPS)}]),
            };
        }
        match self.rng.below(10) {
            0 if depth < 2 => self.attr_map(depth + 1),
            1 => json!(
                *self
                    .rng
                    .pick(&["$MISSING", "$SLOT(name)", "$PLUG(a.b)", "$SLOT( a )"])
            ),
            2 => {
                let a = json!(*self.rng.pick(GOOD_REGEXPS));
                let b = json!(*self.rng.pick(GOOD_REGEXPS));
                json!([a, b])
            }
            _ => json!(*self.rng.pick(GOOD_REGEXPS)),
        }
    }
}

/// Declaration `index` of the stream seeded by `seed`: whether it is a base-declaration
/// (one in ten), and its `plugs`/`slots` headers.
fn declaration(seed: u64, index: u64) -> (bool, Map<String, Value>) {
    let mut rng = Rng(seed ^ index.wrapping_mul(0x2545_F491_4F6C_DD1D));
    let pending = if rng.chance(40) {
        Fault::None
    } else {
        *rng.pick(FAULTS)
    };
    let mut g = Gen {
        rng: &mut rng,
        pending,
    };
    let mut h = Map::new();
    let (plugs, slots) = match g.rng.below(3) {
        0 => (true, false),
        1 => (false, true),
        _ => (true, true),
    };
    if plugs {
        h.insert("plugs".to_owned(), g.side(true));
    }
    if slots {
        h.insert("slots".to_owned(), g.side(false));
    }
    (rng.chance(10), h)
}

/// One header entry (`intro` is `key:`) or list item (`-`) in assertion syntax.
fn emit(out: &mut String, intro: &str, v: &Value, indent: usize) {
    let pad = " ".repeat(indent);
    match v {
        Value::String(s) => {
            let _ = writeln!(out, "{pad}{intro} {s}");
        }
        Value::Array(items) => {
            let _ = writeln!(out, "{pad}{intro}");
            for x in items {
                emit(out, "-", x, indent + 2);
            }
        }
        Value::Object(m) => {
            let _ = writeln!(out, "{pad}{intro}");
            for (k, x) in m {
                emit(out, &format!("{k}:"), x, indent + 2);
            }
        }
        other => panic!("not in assertion syntax: {other}"),
    }
}

/// The snap-declaration (or base-declaration) with `rules` (`plugs`/`slots`), with a
/// placeholder signature (neither decoder verifies it; snapd would not sign the faulty
/// ones).
fn assertion_text((base, rules): &(bool, Map<String, Value>)) -> String {
    let mut out = String::from(if *base {
        "type: base-declaration\nauthority-id: canonical\nseries: 16\n"
    } else {
        "type: snap-declaration\nauthority-id: canonical\nseries: 16\n\
         snap-id: helloidaaaaaaaaaaaaaaaaaaaaaaaaa\n"
    });
    for (k, v) in rules {
        emit(&mut out, &format!("{k}:"), v, 0);
    }
    if !base {
        out.push_str("publisher-id: acme\nsnap-name: hello\n");
    }
    out.push_str("timestamp: 2020-01-01T00:00:00Z\n");
    out.push_str("sign-key-sha3-384: ");
    out.push_str(&"A".repeat(64));
    out.push_str("\n\nAXNpZw==\n");
    out
}

/// The committed set's seed and size.
const SEED: u64 = 13;
const CASES: u64 = 400;

fn generated(seed: u64, n: u64) -> Vec<String> {
    (0..n)
        .map(|i| assertion_text(&declaration(seed, i)))
        .collect()
}

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/policy_gen")
}

/// The stream of `texts`, as the oracle reads it.
fn stream(texts: &[String]) -> String {
    texts.join("\n")
}

/// The committed stream is the generator's (with `UCORE_POLICY_GEN_WRITE=1`, writes it).
#[test]
fn committed_cases_are_the_generators() {
    let texts = generated(SEED, CASES);
    let path = data_dir().join("cases.stream");
    if std::env::var("UCORE_POLICY_GEN_WRITE").as_deref() == Ok("1") {
        std::fs::write(&path, stream(&texts)).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap();
    assert!(
        committed == stream(&texts),
        "cases.stream is stale: run regenerate.sh"
    );
}

/// ucore's `policy compile` line for one assertion, as the oracle prints it
/// (`ok`, `error`; the compiled rules are compared by [`compiled`]).
fn ours(text: &str) -> Value {
    match AssertionRef::decode(text.as_bytes()) {
        Ok(a) => json!({"ok": true, "error": null, "rules": compiled(&a)}),
        Err(e) => json!({"ok": false, "error": e.to_string(), "rules": null}),
    }
}

/// The compiled `plugs` and `slots` of a decoded snap- or base-declaration, serialized
/// as the oracle prints them.
fn compiled(a: &AssertionRef<'_>) -> Value {
    if a.assertion_type().name() == "base-declaration" {
        let d = BaseDeclaration::try_from(a).expect("a base-declaration");
        return json!({"plugs": d.plugs, "slots": d.slots});
    }
    let d = SnapDeclaration::try_from(a).expect("a snap-declaration");
    json!({"plugs": d.plugs, "slots": d.slots})
}

/// The oracle's line, reduced to what [`ours`] gives.
fn project(oracle: &Value) -> Value {
    if oracle["ok"] == json!(true) {
        json!({"ok": true, "error": null, "rules": {"plugs": oracle["plugs"], "slots": oracle["slots"]}})
    } else {
        json!({"ok": false, "error": oracle["error"], "rules": null})
    }
}

/// Where ucore and the oracle differ on the declarations `texts`.
fn differences(texts: &[String], oracle_lines: &[Value]) -> Vec<String> {
    assert_eq!(
        texts.len(),
        oracle_lines.len(),
        "one oracle line per declaration"
    );
    let mut out = Vec::new();
    for (i, (text, theirs)) in texts.iter().zip(oracle_lines).enumerate() {
        let (ours, theirs) = (ours(text), project(theirs));
        if ours != theirs {
            out.push(format!(
                "case {i}:\n{text}\n ours   {ours}\n oracle {theirs}"
            ));
        }
    }
    out
}

fn parse_lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn generated_declarations_compile_as_in_snapd() {
    let texts = generated(SEED, CASES);
    let expected =
        parse_lines(&std::fs::read_to_string(data_dir().join("expected.jsonl")).unwrap());
    let oks = expected.iter().filter(|l| l["ok"] == json!(true)).count();
    assert!(
        oks > 100 && expected.len() - oks > 150,
        "{oks} of {} decode",
        expected.len()
    );
    let diffs = differences(&texts, &expected);
    assert!(
        diffs.is_empty(),
        "{} of {} differ:\n{}",
        diffs.len(),
        texts.len(),
        diffs.join("\n")
    );
}

/// The oracle's `policy compile` lines for `texts` (one stream, one run).
fn oracle_compile(oracle: &std::path::Path, texts: &[String]) -> Vec<Value> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cases.stream");
    std::fs::write(&path, stream(texts)).unwrap();
    let out = std::process::Command::new(oracle)
        .args(["policy", "compile"])
        .arg(&path)
        .output()
        .unwrap();
    parse_lines(&String::from_utf8(out.stdout).unwrap())
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: 8,
        max_shrink_iters: 4,
        ..proptest::prelude::ProptestConfig::default()
    })]

    /// Fresh generated declarations (50 per seed) through ucore and the live oracle.
    #[test]
    fn live_fresh_declarations_compile_as_in_snapd(seed in proptest::prelude::any::<u64>()) {
        let Some(oracle) = ucore_test_support::oracle() else {
            return Ok(());
        };
        let texts = generated(seed, 50);
        let diffs = differences(&texts, &oracle_compile(&oracle, &texts));
        proptest::prop_assert!(diffs.is_empty(), "seed {seed}: {}", diffs.join("\n"));
    }
}
