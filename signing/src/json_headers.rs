//! Headers from JSON, the way `snap sign` and the oracle's `sign` read them: a JSON object
//! whose strings, lists and maps become header values, whose numbers become their literal
//! text, and whose other scalars (booleans, null) are refused with snapd's message.

use std::borrow::Cow;

use serde_json::Value;
use ucore_assertions::{AssertionBuilder, AssertionType, HeaderValue};

use crate::error::{Error, HeadersError};

fn go_value(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".into(),
        Value::Bool(b) => b.to_string(),
        other => other.to_string(),
    }
}

/// One header's value from JSON, as [`builder_from_json`] reads it: strings, lists and maps
/// as they are, numbers as their literal text; booleans and null are refused with snapd's
/// message naming `header`.
pub fn header_value_from_json(header: &str, value: &Value) -> Result<HeaderValue<'static>, Error> {
    convert(header, value, 0).map_err(Error::from)
}

fn convert(header: &str, v: &Value, depth: usize) -> Result<HeaderValue<'static>, HeadersError> {
    let refuse = || HeadersError::ValueType {
        header: header.to_string(),
        value: go_value(v),
    };
    if depth > ucore_assertions::headers::MAX_NESTING_DEPTH {
        return Err(refuse());
    }
    Ok(match v {
        Value::String(s) => HeaderValue::String(Cow::Owned(s.clone())),
        Value::Number(n) => HeaderValue::String(Cow::Owned(n.to_string())),
        Value::Array(items) => HeaderValue::List(
            items
                .iter()
                .map(|i| convert(header, i, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(map) => {
            let mut out = ucore_assertions::HeaderMap::with_capacity(map.len());
            for (k, i) in map {
                out.insert(Cow::Owned(k.clone()), convert(header, i, depth + 1)?);
            }
            HeaderValue::Map(out)
        }
        Value::Bool(_) | Value::Null => return Err(refuse()),
    })
}

/// A builder from a JSON object of headers (which must name the `type`) and an optional
/// body. A `body` member, as `snap sign` allows, is used when `body` is `None`.
pub fn builder_from_json(json: &str, body: Option<Vec<u8>>) -> Result<AssertionBuilder, Error> {
    let value: Value = serde_json::from_str(json).map_err(HeadersError::Json)?;
    let Value::Object(map) = value else {
        return Err(HeadersError::Shape {
            reason: "expected a JSON object",
        }
        .into());
    };
    let type_name = match map.get("type") {
        Some(Value::String(t)) => t.clone(),
        _ => {
            return Err(HeadersError::Shape {
                reason: "the \"type\" header is mandatory",
            }
            .into());
        }
    };
    let assertion_type = AssertionType::from_name(&type_name)
        .ok_or(ucore_assertions::Error::UnknownType { name: type_name })?;
    let mut builder = AssertionBuilder::new(assertion_type);
    let mut json_body = None;
    for (k, v) in &map {
        if k == "body" {
            match v {
                Value::String(s) => json_body = Some(s.clone().into_bytes()),
                _ => {
                    return Err(HeadersError::Shape {
                        reason: "\"body\" must be a string",
                    }
                    .into());
                }
            }
            continue;
        }
        builder = builder.header(k.clone(), convert(k, v, 0)?);
    }
    if let Some(b) = body.or(json_body) {
        builder = builder.body(b);
    }
    Ok(builder)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_and_refuses() {
        let b = builder_from_json(
            r#"{"type":"account","authority-id":"a","n":16,"l":["x",{"k":"v"}]}"#,
            None,
        );
        assert!(b.is_ok());
        let e = builder_from_json(r#"{"type":"account","x":true}"#, None).unwrap_err();
        assert_eq!(
            e.to_string(),
            "header \"x\": header values must be strings or nested lists or maps with strings as the only scalars: true"
        );
        let e = builder_from_json(r#"{"type":"account","x":[null]}"#, None).unwrap_err();
        assert!(e.to_string().ends_with("scalars: <nil>"), "{e}");
        let e = builder_from_json(r#"{"type":"nope"}"#, None).unwrap_err();
        assert_eq!(e.to_string(), "unknown assertion type: \"nope\"");
        assert!(builder_from_json("[1]", None).is_err());
        assert!(builder_from_json("{", None).is_err());
    }
}
