//! JSON bodies (snapd's `checkJSON` in `asserts/asserts.go`, newer than 2.57): the body
//! must be byte-identical to Go
//! `json.MarshalIndent(json.Unmarshal(body), "", "  ")`.
//!
//! [`go_marshal_indent`] reproduces Go's output: 2-space indentation, `": "`, keys
//! sorted bytewise, HTML escaping (`<`, `>`, `&` as `\u003c` …, U+2028/U+2029
//! escaped), every number through `float64` with Go's formatting, `[]`/`{}` for
//! empty containers, no trailing newline.

use std::fmt::Write as _;

use serde_json::Value;

use crate::Error;

/// Checks a JSON body as snapd's `checkJSON` does.
pub fn check_json(body: Option<&str>) -> Result<(), Error> {
    let body = match body {
        Some(b) if !b.is_empty() => b,
        _ => return Err(Error::JsonBodyMissing),
    };
    let value: Value = serde_json::from_str(body).map_err(|e| Error::JsonBodyInvalid {
        reason: if e.is_eof() {
            "unexpected end of JSON input".to_owned()
        } else {
            e.to_string()
        },
    })?;
    // The canonical text is written only as far as the body goes: indentation can make it
    // far longer than the body (127 levels of `[` then `1,1,…` is 127 times longer), and a
    // longer text cannot be equal.
    let mut out = String::with_capacity(body.len());
    write_value(&mut out, &value, 0, body.len());
    if out != body {
        return Err(Error::JsonBodyNotCanonical);
    }
    Ok(())
}

/// Go `json.MarshalIndent(v, "", "  ")` of a JSON value.
pub fn go_marshal_indent(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value, 0, usize::MAX);
    out
}

fn newline(out: &mut String, level: usize) {
    out.push('\n');
    for _ in 0..level {
        out.push_str("  ");
    }
}

/// Writes `value` at `level`; stops early (with `out` longer than `limit`) once `out` is
/// longer than `limit`.
fn write_value(out: &mut String, value: &Value, level: usize, limit: usize) {
    if out.len() > limit {
        return;
    }
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_float(out, n.as_f64().unwrap_or(0.0)),
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if out.len() > limit {
                    return;
                }
                if i > 0 {
                    out.push(',');
                }
                newline(out, level + 1);
                write_value(out, item, level + 1, limit);
            }
            newline(out, level);
            out.push(']');
        }
        Value::Object(map) => {
            if map.is_empty() {
                out.push_str("{}");
                return;
            }
            // Sort explicitly: serde_json's `preserve_order` feature may be on.
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push('{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if out.len() > limit {
                    return;
                }
                if i > 0 {
                    out.push(',');
                }
                newline(out, level + 1);
                write_string(out, k);
                out.push_str(": ");
                write_value(out, v, level + 1, limit);
            }
            newline(out, level);
            out.push('}');
        }
    }
}

/// Go `encoding/json` float64 formatting: shortest digits, `%f` style unless the
/// magnitude is below 1e-6 or at least 1e21, then `%e` with `e+XX` / `e-X`.
pub(crate) fn write_float(out: &mut String, f: f64) {
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let s = format!("{f:e}");
        let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        out.push_str(mantissa);
        if exp < 0 {
            let _ = write!(out, "e-{}", -exp);
        } else {
            let _ = write!(out, "e+{exp:02}");
        }
    } else {
        let _ = write!(out, "{f}");
    }
}

fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(f: f64) -> String {
        let mut s = String::new();
        write_float(&mut s, f);
        s
    }

    #[test]
    fn floats_like_go() {
        assert_eq!(fmt(1.0), "1");
        assert_eq!(fmt(1e21), "1e+21");
        assert_eq!(fmt(1e20), "100000000000000000000");
        assert_eq!(fmt(0.0000001), "1e-7");
        assert_eq!(fmt(0.000001), "0.000001");
        assert_eq!(fmt(1.5e-10), "1.5e-10");
        assert_eq!(fmt(-2.5), "-2.5");
        assert_eq!(fmt(1e100), "1e+100");
    }

    #[test]
    fn marshal_indent_like_go() {
        let v: Value =
            serde_json::from_str(r#"{"b":[1,2.50,{}],"a":"<&>\u2028\u0001","c":[],"d":null}"#)
                .unwrap();
        assert_eq!(
            go_marshal_indent(&v),
            "{\n  \"a\": \"\\u003c\\u0026\\u003e\\u2028\\u0001\",\n  \"b\": [\n    1,\n    2.5,\n    {}\n  ],\n  \"c\": [],\n  \"d\": null\n}"
        );
    }

    #[test]
    fn check_json_messages() {
        assert_eq!(
            check_json(None).unwrap_err().to_string(),
            "body must contain JSON"
        );
        assert_eq!(
            check_json(Some("{")).unwrap_err().to_string(),
            "invalid JSON in body: unexpected end of JSON input"
        );
        assert_eq!(
            check_json(Some(r#"{"a": 1}"#)).unwrap_err().to_string(),
            "JSON in body must be indented with 2 spaces and sort object entries by key"
        );
        assert!(check_json(Some("{\n  \"a\": 1\n}")).is_ok());
    }
}
