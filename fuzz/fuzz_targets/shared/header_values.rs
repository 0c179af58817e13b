//! Shared by the structure-aware assertion targets (`assertion_headers`, `policy_rules`):
//! header values built from `arbitrary` input, whose words come from the assertion
//! dictionary (`fuzz/dicts/assertions.dict`, the one the smoke run passes with `-dict=`), so
//! that names and values are mostly ones the type checks know.
// Each target compiles this module on its own and uses part of it.
#![allow(dead_code)]

use std::borrow::Cow;
use std::sync::OnceLock;

use arbitrary::Arbitrary;
use ucore_assertions::headers::is_valid_header_name;
use ucore_assertions::{AssertionRef, HeaderMap, HeaderValue, Headers, assemble_content};

/// The dictionaries, read at build time.
const DICT: &str = include_str!("../../dicts/assertions.dict");
const POLICY_DICT: &str = include_str!("../../dicts/policy.dict");

/// The placeholder signature the decoder accepts without checking it (`"\x01sig"`).
pub const SIGNATURE: &str = "AXNpZw==";

/// The assertion dictionary's entries, unescaped (`\\`, `\"`, `\xNN`).
pub fn words() -> &'static [String] {
    static WORDS: OnceLock<Vec<String>> = OnceLock::new();
    WORDS.get_or_init(|| entries(DICT))
}

/// The entries of one section (`# section: NAME`) of the rule-language dictionary:
/// `subrules`, `constraints`, `values`, `interfaces`.
pub fn policy_words(section: &str) -> Vec<String> {
    let mut current = "";
    let mut out = Vec::new();
    for line in POLICY_DICT.lines() {
        if let Some(name) = line.strip_prefix("# section: ") {
            current = name.trim();
        } else if current == section {
            out.extend(entry(line));
        }
    }
    out
}

fn entries(dict: &str) -> Vec<String> {
    dict.lines().filter_map(entry).collect()
}

/// A dictionary line's word: `"…"`, optionally after a `name=`; comments are none.
fn entry(line: &str) -> Option<String> {
    let quoted = line.trim();
    let start = quoted.find('"')?;
    (!quoted.starts_with('#') && quoted.ends_with('"') && quoted.len() > start + 1)
        .then(|| unescape(&quoted[start + 1..quoted.len() - 1]))
}

/// A map value from its entries (a repeated key keeps the last value).
pub fn map(entries: impl Iterator<Item = (String, HeaderValue<'static>)>) -> HeaderValue<'static> {
    HeaderValue::Map(entries.collect::<HeaderMap<'static>>())
}

/// The entries that are header names (`type`, `brand-id`, `plug-snap-type`, …).
pub fn names() -> &'static [String] {
    static NAMES: OnceLock<Vec<String>> = OnceLock::new();
    NAMES.get_or_init(|| {
        words()
            .iter()
            .filter(|w| is_valid_header_name(w))
            .cloned()
            .collect()
    })
}

fn unescape(s: &str) -> String {
    let mut out = Vec::with_capacity(s.len());
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match (b[i], b.get(i + 1)) {
            (b'\\', Some(b'x')) if i + 4 <= b.len() => {
                let hex = s.get(i + 2..i + 4).unwrap_or("");
                out.push(u8::from_str_radix(hex, 16).unwrap_or(b'?'));
                i += 4;
            }
            (b'\\', Some(&c)) => {
                out.push(c);
                i += 2;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The `i`-th entry of `list`, modulo its length.
pub fn pick(list: &[String], i: u16) -> String {
    if list.is_empty() {
        return String::new();
    }
    list[usize::from(i) % list.len()].clone()
}

/// A header or map-entry name: mostly a known one.
#[derive(Arbitrary, Debug)]
pub enum Name {
    /// A header name of the dictionary.
    Known(u16),
    /// Any text that is a valid header name (other text picks a known name, so that no
    /// input is spent on a name the encoder refuses).
    Raw(String),
}

impl Name {
    /// The name's text.
    pub fn text(&self) -> String {
        match self {
            Name::Known(i) => pick(names(), *i),
            Name::Raw(s) if is_valid_header_name(s) => s.clone(),
            Name::Raw(s) => pick(names(), s.len() as u16),
        }
    }
}

/// A string value.
#[derive(Arbitrary, Debug)]
pub enum Scalar {
    /// A word of the dictionary (ids, types, `true`, `$SLOT(`, timestamps, …).
    Word(u16),
    /// Two words joined, e.g. `$PLUG(` + `name`, `acme` + `-.*`.
    Joined(u16, u16),
    /// A word between `$SLOT(`…`)` or `$PLUG(`…`)`.
    Reference(bool, u16),
    /// A decimal number.
    Int(i64),
    /// An RFC 3339 time, valid or nearly so.
    Time {
        /// Year, taken modulo 10000.
        year: u16,
        /// Month (1–12 valid).
        month: u8,
        /// Day (1–31 valid).
        day: u8,
        /// Seconds into the day.
        second: u32,
        /// Offset in minutes, `None` for `Z`.
        offset: Option<i16>,
    },
    /// Any text.
    Raw(String),
}

impl Scalar {
    /// The value's text.
    pub fn text(&self) -> String {
        match self {
            Scalar::Word(i) => pick(words(), *i),
            Scalar::Joined(a, b) => pick(words(), *a) + &pick(words(), *b),
            Scalar::Reference(slot, i) => format!(
                "${}({})",
                if *slot { "SLOT" } else { "PLUG" },
                pick(names(), *i)
            ),
            Scalar::Int(n) => n.to_string(),
            Scalar::Time {
                year,
                month,
                day,
                second,
                offset,
            } => {
                let s = second % 86_400;
                let zone = match offset {
                    None => "Z".to_owned(),
                    Some(m) => {
                        let sign = if *m < 0 { '-' } else { '+' };
                        let m = m.unsigned_abs() % 1500;
                        format!("{sign}{:02}:{:02}", m / 60, m % 60)
                    }
                };
                format!(
                    "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{zone}",
                    year % 10_000,
                    month % 14,
                    day % 33,
                    s / 3600,
                    s / 60 % 60,
                    s % 60
                )
            }
            Scalar::Raw(s) => s.clone(),
        }
    }
}

/// A header value: a string, a list or a map.
#[derive(Arbitrary, Debug)]
pub enum Value {
    /// A string.
    Scalar(Scalar),
    /// A list.
    List(Vec<Value>),
    /// A map (a repeated key keeps the last value).
    Map(Vec<(Name, Value)>),
}

impl Value {
    /// The header value.
    pub fn header_value(&self) -> HeaderValue<'static> {
        match self {
            Value::Scalar(s) => HeaderValue::String(Cow::Owned(s.text())),
            // Empty lists and maps cannot be encoded: an empty string instead.
            Value::List(items) if items.is_empty() => HeaderValue::String(Cow::Borrowed("")),
            Value::Map(entries) if entries.is_empty() => HeaderValue::String(Cow::Borrowed("")),
            Value::List(items) => {
                HeaderValue::List(items.iter().map(Value::header_value).collect())
            }
            Value::Map(entries) => map(entries.iter().map(|(k, v)| (k.text(), v.header_value()))),
        }
    }
}

/// A template (a valid assertion of the tree) and its headers, owned.
pub fn template_headers(text: &str) -> (AssertionRef<'_>, Headers<'static>) {
    let a = AssertionRef::decode(text.as_bytes()).expect("templates decode");
    let headers = a.headers().clone().into_owned();
    (a, headers)
}

/// Headers written as a JSON object, as the oracle's `sign` and the tree's generated cases
/// take them (`tests/data/assertions/generated/valid/*.json`, the oracle's
/// `testdata/policy/*.json`): strings as they are, numbers as their text, booleans as
/// `true`/`false`, arrays as lists, objects as maps; `null` is left out. `None` unless the
/// input is such an object.
pub fn json_headers(data: &[u8]) -> Option<Headers<'static>> {
    if data.first() != Some(&b'{') {
        return None;
    }
    let serde_json::Value::Object(map) = serde_json::from_slice(data).ok()? else {
        return None;
    };
    Some(
        map.iter()
            .filter_map(|(k, v)| Some((k.clone(), json_value(v)?)))
            .collect(),
    )
}

fn json_value(v: &serde_json::Value) -> Option<HeaderValue<'static>> {
    Some(match v {
        serde_json::Value::Null => return None,
        serde_json::Value::Bool(b) => HeaderValue::String(Cow::Owned(b.to_string())),
        serde_json::Value::Number(n) => HeaderValue::String(Cow::Owned(n.to_string())),
        serde_json::Value::String(s) => HeaderValue::String(Cow::Owned(s.clone())),
        serde_json::Value::Array(a) => HeaderValue::List(a.iter().filter_map(json_value).collect()),
        serde_json::Value::Object(m) => map(m
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), json_value(v)?)))),
    })
}

/// Assembles `headers` as an assertion of the template's type, with the template's signing
/// key and `body`, gives it the placeholder signature and decodes it. What assembles (the
/// encoder decodes what it writes, so a type check refuses there) must decode again,
/// re-encode to the same bytes and survive a copy to the owned form.
pub fn assemble_and_decode(
    template: &AssertionRef<'_>,
    headers: &Headers<'_>,
    body: Option<&[u8]>,
) {
    use ucore_assertions::AssertionAccess;
    let sign_key = template.sign_key_sha3_384().unwrap_or_default();
    let Ok(mut full) = assemble_content(template.assertion_type(), headers, body, sign_key) else {
        return;
    };
    full.extend_from_slice(b"\n\n");
    full.extend_from_slice(SIGNATURE.as_bytes());
    let a = AssertionRef::decode(&full).expect("what assembles decodes");
    assert_eq!(a.encode(), full);
    let owned = a.to_owned();
    assert_eq!(owned.headers(), a.headers());
    let _ = a.primary_key();
    let _ = a.timestamp();
    // declarations also decode (or fail cleanly) in newer snapd's rule language
    if matches!(
        a.assertion_type(),
        ucore_assertions::AssertionType::SnapDeclaration
            | ucore_assertions::AssertionType::BaseDeclaration
    ) {
        let _ = AssertionRef::decode_in(&full, ucore_assertions::rules::RuleLanguage::Current);
    }
}
