//! The plug/slot rule language: arbitrary `plugs` and `slots` rule structures (interfaces
//! mapped to `true`/`false` or to allow/deny × installation/connection/auto-connection
//! subrules, each one constraint map or a list of alternatives, with snap types, ids,
//! publisher ids, attribute constraints with `$SLOT(…)`/`$PLUG(…)`/`$MISSING`, `on-classic`,
//! `on-store`/`on-brand`/`on-model`, arity and name constraints) assembled into a
//! snap-declaration of any format or into a base-declaration, then decoded: decoding compiles
//! the rules (or, before the rule compiler, checks their outer shape).
//!
//! An input that is a JSON object is read instead as headers (the seeds: the oracle's
//! `testdata/policy/*.json` and the tree's generated snap- and base-declarations): its
//! `plugs`, `slots` and `format` replace the template's.
//!
//! Checks beyond "no panic": what assembles decodes again with the placeholder signature,
//! re-encodes to the same bytes and survives a copy to the owned form.
#![no_main]

#[path = "shared/header_values.rs"]
mod header_values;

use std::borrow::Cow;
use std::sync::OnceLock;

use arbitrary::Arbitrary;
use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use ucore_assertions::HeaderValue;

use header_values::{
    Name, Scalar, Value, assemble_and_decode, json_headers, map, pick, policy_words,
    template_headers,
};

const SNAP_DECLARATION: &str = include_str!(
    "../../tests/data/assertions/generated/valid/snap-declaration-plugs-format1.assert"
);
const BASE_DECLARATION: &str =
    include_str!("../../tests/data/assertions/generated/valid/base-declaration-plugs.assert");

/// A section of `fuzz/dicts/policy.dict`, read once.
macro_rules! section {
    ($name:ident, $section:literal) => {
        fn $name() -> &'static [String] {
            static WORDS: OnceLock<Vec<String>> = OnceLock::new();
            WORDS.get_or_init(|| policy_words($section))
        }
    };
}
section!(subrules, "subrules");
section!(constraint_names, "constraints");
section!(special, "values");
section!(interfaces, "interfaces");

const ARITIES: &[&str] = &["*", "0", "1", "2", "-1", "01", "x"];

fn string(s: impl Into<String>) -> HeaderValue<'static> {
    HeaderValue::String(Cow::Owned(s.into()))
}

/// A constraint's value.
#[derive(Arbitrary, Debug)]
enum ConstraintValue {
    /// A list of snap types.
    SnapTypes(Vec<u16>),
    /// An arity.
    Arity(u8),
    /// A word with a meaning in rules (`$MISSING`, `$PLUG_PUBLISHER_ID`, `true`, …).
    Special(u16),
    /// A list of special words and scalars.
    Words(Vec<Result<u16, Scalar>>),
    /// Attribute constraints: attribute name → value (literal or regexp, `$SLOT(…)`, a list
    /// of alternatives, a nested map).
    Attributes(Vec<(Name, Value)>),
    /// Anything else.
    Other(Value),
}

impl ConstraintValue {
    fn header_value(&self) -> HeaderValue<'static> {
        match self {
            ConstraintValue::SnapTypes(t) => {
                HeaderValue::List(t.iter().map(|&i| string(pick(special(), i))).collect())
            }
            ConstraintValue::Arity(i) => string(ARITIES[usize::from(*i) % ARITIES.len()]),
            ConstraintValue::Special(i) => string(pick(special(), *i)),
            ConstraintValue::Words(w) => HeaderValue::List(
                w.iter()
                    .map(|w| match w {
                        Ok(i) => string(pick(special(), *i)),
                        Err(s) => string(s.text()),
                    })
                    .collect(),
            ),
            ConstraintValue::Attributes(a) => {
                map(a.iter().map(|(k, v)| (k.text(), v.header_value())))
            }
            ConstraintValue::Other(v) => v.header_value(),
        }
    }
}

/// A name of the rule language (interface, subrule, constraint): mostly a real one.
#[derive(Arbitrary, Debug)]
enum Key {
    Known(u8),
    Other(Name),
}

impl Key {
    fn text(&self, known: &[String]) -> String {
        match self {
            Key::Known(i) => pick(known, u16::from(*i)),
            Key::Other(n) => n.text(),
        }
    }
}

/// A map of rule-language names (from `names`) to values.
fn keyed<V>(
    entries: &[(Key, V)],
    names: &[String],
    value: impl Fn(&V) -> HeaderValue<'static>,
) -> HeaderValue<'static> {
    map(entries.iter().map(|(k, v)| (k.text(names), value(v))))
}

fn constraints(c: &[(Key, ConstraintValue)]) -> HeaderValue<'static> {
    keyed(c, constraint_names(), ConstraintValue::header_value)
}

/// A subrule's value.
#[derive(Arbitrary, Debug)]
enum Subrule {
    Bool(bool),
    One(Vec<(Key, ConstraintValue)>),
    Alternatives(Vec<Vec<(Key, ConstraintValue)>>),
    Other(Scalar),
}

/// An interface's rule.
#[derive(Arbitrary, Debug)]
enum Rule {
    Bool(bool),
    Subrules(Vec<(Key, Subrule)>),
    Other(Scalar),
}

impl Rule {
    fn header_value(&self) -> HeaderValue<'static> {
        match self {
            Rule::Bool(b) => string(b.to_string()),
            Rule::Other(s) => string(s.text()),
            Rule::Subrules(entries) => keyed(entries, subrules(), |v| match v {
                Subrule::Bool(b) => string(b.to_string()),
                Subrule::One(c) => constraints(c),
                Subrule::Alternatives(alts) => {
                    HeaderValue::List(alts.iter().map(|c| constraints(c)).collect())
                }
                Subrule::Other(s) => string(s.text()),
            }),
        }
    }
}

fn rules(r: &[(Key, Rule)]) -> HeaderValue<'static> {
    keyed(r, interfaces(), Rule::header_value)
}

#[derive(Arbitrary, Debug)]
struct Input {
    base_declaration: bool,
    format: u8,
    plugs: Vec<(Key, Rule)>,
    slots: Vec<(Key, Rule)>,
}

/// The template's headers with `plugs`, `slots` and (snap-declaration) `format` replaced.
fn decode_with(
    base_declaration: bool,
    plugs: Option<HeaderValue<'static>>,
    slots: Option<HeaderValue<'static>>,
    format: Option<HeaderValue<'static>>,
) {
    let text = if base_declaration {
        BASE_DECLARATION
    } else {
        SNAP_DECLARATION
    };
    let (template, mut headers) = template_headers(text);
    for (name, value) in [("plugs", plugs), ("slots", slots), ("format", format)] {
        headers.remove(name);
        if let Some(v) = value {
            headers.insert(name, v);
        }
    }
    if base_declaration {
        headers.remove("format");
    }
    assemble_and_decode(&template, &headers, None);
}

fuzz_target!(|data: &[u8]| {
    if let Some(mut json) = json_headers(data) {
        let mut take = |name: &str| json.remove(name);
        let (plugs, slots, format) = (take("plugs"), take("slots"), take("format"));
        let base = json.get_str("type") == Some("base-declaration");
        decode_with(base, plugs, slots, format);
        return;
    }
    let Ok(input) = Input::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let non_empty = |r: &[(Key, Rule)]| (!r.is_empty()).then(|| rules(r));
    decode_with(
        input.base_declaration,
        non_empty(&input.plugs),
        non_empty(&input.slots),
        Some(string((input.format % 8).to_string())),
    );
});
