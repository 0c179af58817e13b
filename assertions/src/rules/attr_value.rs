//! Plug and slot attribute values (snapd's normalized `interface{}` values: `string`,
//! `bool`, `int64`, `float64`, lists and string-keyed maps) and the dotted lookup the
//! attribute matcher reads them through ([`Attrer`]).

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::headers::HeaderValue;

/// One attribute value, as snapd normalizes snap.yaml and hook attributes
/// (`metautil.NormalizeValue`: `int` becomes `int64`, `float32` becomes `float64`).
///
/// `Display` is Go's `%v`: strings raw, `true`/`false`, decimal integers, floats as
/// `strconv.FormatFloat(f, 'g', -1, 64)`, lists as `[a b]`, maps as `map[k1:v1 k2:v2]`
/// with sorted keys.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AttrValue {
    /// A string.
    String(String),
    /// A boolean.
    Bool(bool),
    /// An integer (Go `int64`).
    Int(i64),
    /// A floating-point number (Go `float64`).
    Float(f64),
    /// A list, in order.
    List(Vec<AttrValue>),
    /// A map with string keys (bytewise order).
    Map(BTreeMap<String, AttrValue>),
}

impl AttrValue {
    /// The value at `path` below this one: each part must be a key of a map (no list
    /// indexing, as in snapd's `lookupAttr`). The empty path is the value itself.
    pub fn lookup_path<'v>(&'v self, parts: &[&str]) -> Option<&'v AttrValue> {
        let mut value = self;
        for part in parts {
            match value {
                AttrValue::Map(m) => value = m.get(*part)?,
                _ => return None,
            }
        }
        Some(value)
    }

    /// The attribute value of a header value: every scalar is a string.
    pub fn from_header(value: &HeaderValue<'_>) -> AttrValue {
        match value {
            HeaderValue::String(s) => AttrValue::String(s.to_string()),
            HeaderValue::List(l) => AttrValue::List(l.iter().map(AttrValue::from_header).collect()),
            HeaderValue::Map(m) => AttrValue::Map(
                m.iter()
                    .map(|(k, v)| (k.to_string(), AttrValue::from_header(v)))
                    .collect(),
            ),
        }
    }
}

impl From<&str> for AttrValue {
    fn from(s: &str) -> Self {
        AttrValue::String(s.to_owned())
    }
}

impl From<String> for AttrValue {
    fn from(s: String) -> Self {
        AttrValue::String(s)
    }
}

impl From<bool> for AttrValue {
    fn from(b: bool) -> Self {
        AttrValue::Bool(b)
    }
}

impl From<i64> for AttrValue {
    fn from(i: i64) -> Self {
        AttrValue::Int(i)
    }
}

impl From<f64> for AttrValue {
    fn from(f: f64) -> Self {
        AttrValue::Float(f)
    }
}

impl fmt::Display for AttrValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AttrValue::String(s) => f.write_str(s),
            AttrValue::Bool(b) => write!(f, "{b}"),
            AttrValue::Int(i) => write!(f, "{i}"),
            AttrValue::Float(x) => f.write_str(&ucore_go_text::number::format_float(*x)),
            AttrValue::List(l) => {
                f.write_str("[")?;
                for (i, v) in l.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str("]")
            }
            AttrValue::Map(m) => {
                f.write_str("map[")?;
                for (i, (k, v)) in m.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" ")?;
                    }
                    write!(f, "{k}:{v}")?;
                }
                f.write_str("]")
            }
        }
    }
}

/// Something attributes are looked up in by dotted path (snapd's `attrer`): a plug or
/// slot, or an assertion's headers.
pub trait Attrer {
    /// The value at `dotted` (`a.b.c`, empty parts dropped), if set.
    fn lookup(&self, dotted: &str) -> Option<&AttrValue>;
}

/// The parts of a dotted path, empty ones dropped (snapd's `strings.FieldsFunc` on `.`).
pub(crate) fn path_parts(dotted: &str) -> Vec<&str> {
    dotted.split('.').filter(|p| !p.is_empty()).collect()
}

impl Attrer for BTreeMap<String, AttrValue> {
    fn lookup(&self, dotted: &str) -> Option<&AttrValue> {
        let parts = path_parts(dotted);
        let (first, rest) = parts.split_first()?;
        self.get(*first)?.lookup_path(rest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(json: &str) -> AttrValue {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn display_is_go_percent_v() {
        assert_eq!(v(r#"["a", 1, true, 1.5]"#).to_string(), "[a 1 true 1.5]");
        assert_eq!(v(r#"{"b": 1e6, "a": "x"}"#).to_string(), "map[a:x b:1e+06]");
        assert_eq!(AttrValue::Float(100000.0).to_string(), "100000");
    }

    #[test]
    fn dotted_lookup_goes_through_maps_only() {
        let AttrValue::Map(m) = v(r#"{"a": {"b": [1]}, "c": "x"}"#) else {
            unreachable!()
        };
        assert_eq!(m.lookup("a..b"), Some(&v("[1]")));
        assert_eq!(m.lookup("c"), Some(&v(r#""x""#)));
        assert_eq!(m.lookup("c.d"), None);
        assert_eq!(m.lookup(""), None);
        assert_eq!(m.lookup("a.b.0"), None);
    }
}
