//! Untyped values: what yaml.v2 makes of a scalar, sequence or mapping decoded into
//! `interface{}`, and Go's `%v` and `%q` renderings of them for snapd's messages.

use serde::Serialize;
use std::collections::BTreeMap;

use crate::node::{Node, NodeKind};
use ucore_go_text::number;

/// An untyped YAML value, typed as yaml.v2 types it for an `interface{}` target (YAML 1.1)
/// and normalised as snapd normalises attribute and configuration values (ints are 64-bit,
/// map keys are strings).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `~`, `null` or an empty plain scalar .
    Null,
    /// `true`, `yes`, `on`, `y` … and their false forms.
    Bool(bool),
    /// An integer, in any of yaml.v2's notations (`0x10`, `010`, `0o17`, `0b11`, `1_000`).
    Int(i64),
    /// An integer above `i64::MAX` (yaml.v2 gives `uint64`).
    Uint(u64),
    /// A float, including `.inf` and `.nan`.
    Float(f64),
    /// Anything else, or any quoted scalar.
    String(String),
    /// A sequence.
    List(Vec<Value>),
    /// A mapping; nested mappings are keyed by strings after normalisation.
    Map(BTreeMap<String, Value>),
}

impl Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Int(i) => s.serialize_i64(*i),
            Value::Uint(u) => s.serialize_u64(*u),
            // JSON has no infinities: print them as Go's %v does, like the oracle.
            Value::Float(f) if f.is_nan() => s.serialize_str("NaN"),
            Value::Float(f) if f.is_infinite() && *f > 0.0 => s.serialize_str("+Inf"),
            Value::Float(f) if f.is_infinite() => s.serialize_str("-Inf"),
            Value::Float(f) => s.serialize_f64(*f),
            Value::String(t) => s.serialize_str(t),
            Value::List(l) => l.serialize(s),
            Value::Map(m) => m.serialize(s),
        }
    }
}

impl Value {
    /// Go's `%v` rendering, used in snapd's `non-string key` message.
    pub fn go_display(&self) -> String {
        match self {
            Value::Null => "<nil>".into(),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Uint(u) => u.to_string(),
            Value::Float(f) => number::format_float(*f),
            Value::String(t) => t.clone(),
            Value::List(l) => format!(
                "[{}]",
                l.iter()
                    .map(|v| v.go_display())
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            Value::Map(m) => format!(
                "map[{}]",
                m.iter()
                    .map(|(k, v)| format!("{k}:{}", v.go_display()))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
        }
    }

    /// Go's `%q` rendering (`map["a":<nil>]`, `%!q(bool=true)`, ints as quoted runes), used
    /// in snapd's `default value %q of %q` message.
    pub fn go_q(&self) -> String {
        match self {
            Value::Null => "<nil>".into(),
            Value::Bool(b) => format!("%!q(bool={b})"),
            Value::Int(i) => ucore_go_text::quote_integer((*i).into()),
            Value::Uint(u) => ucore_go_text::quote_integer((*u).into()),
            Value::Float(f) => format!("%!q(float64={})", number::format_float(*f)),
            Value::String(t) => ucore_go_text::quote(t),
            Value::List(l) => format!(
                "[{}]",
                l.iter().map(|v| v.go_q()).collect::<Vec<_>>().join(" ")
            ),
            Value::Map(m) => format!(
                "map[{}]",
                m.iter()
                    .map(|(k, v)| format!("{}:{}", ucore_go_text::quote(k), v.go_q()))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
        }
    }
}

impl Value {
    /// Resolves a scalar node as yaml.v2 does for an `interface{}` target (YAML 1.1 rules).
    /// Collections are not scalars: `None`.
    pub fn from_scalar(node: &Node) -> Option<Value> {
        let NodeKind::Scalar { text, plain, tag } = &node.kind else {
            return None;
        };
        if let Some(tag) = tag {
            return Some(match tag.as_str() {
                "tag:yaml.org,2002:null" => Value::Null,
                "tag:yaml.org,2002:bool" | "tag:yaml.org,2002:int" | "tag:yaml.org,2002:float" => {
                    resolve_plain(text)
                }
                _ => Value::String(text.clone()),
            });
        }
        if !plain {
            return Some(Value::String(text.clone()));
        }
        Some(resolve_plain(text))
    }
}

pub(crate) fn resolve_plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Value::Bool(true);
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Value::Bool(false);
        }
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Value::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return Value::Float(f64::NEG_INFINITY),
        _ => {}
    }
    let first = text.chars().next().unwrap_or(' ');
    if !(first.is_ascii_digit() || first == '+' || first == '-' || first == '.') {
        return Value::String(text.to_string());
    }
    let cleaned: String = text.chars().filter(|&c| c != '_').collect();
    if let Ok(i) = number::parse_int_base0(&cleaned) {
        return Value::Int(i);
    }
    if let Ok(u) = number::parse_uint_base0(&cleaned) {
        return Value::Uint(u);
    }
    if is_yaml_float(&cleaned)
        && let Ok(f) = cleaned.parse::<f64>()
    {
        return Value::Float(f);
    }
    // yaml.v2 handles 0b itself (Go's ParseInt base 0 also would).
    Value::String(text.to_string())
}

/// yaml.v2's float pattern: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_yaml_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+') | Some(b'-')) {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e') | Some(b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+') | Some(b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}
