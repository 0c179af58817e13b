//! Attributes read as snapd's interfaces read them: by type assertion on the raw value
//! (`attrs["x"].(string)`), or through `Attr`, which converts the value into a Go type
//! (`metautil.SetValueFromAttribute`) and fails with snapd's texts naming Go's types.

use std::collections::BTreeMap;

use ucore_go_text::quote;

use super::SnapContext;
use crate::plug_slot::Value;

/// Go's `%T` of an attribute value (as normalised by snapd).
pub fn go_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "<nil>",
        Value::Bool(_) => "bool",
        Value::Int(_) => "int64",
        Value::Uint(_) => "uint64",
        Value::Float(_) => "float64",
        Value::String(_) => "string",
        Value::List(_) => "[]interface {}",
        Value::Map(_) => "map[string]interface {}",
    }
}

/// The Go type an interface reads an attribute into with `Attr`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// `string`.
    String,
    /// `[]string`.
    StringList,
    /// `map[string][]string`.
    StringListMap,
    /// `[]map[string]interface{}`.
    MapList,
}

impl Target {
    /// `%T` of a pointer to the target, as snapd's message prints it.
    pub fn go_pointer_type(self) -> &'static str {
        match self {
            Target::String => "*string",
            Target::StringList => "*[]string",
            Target::StringListMap => "*map[string][]string",
            Target::MapList => "*[]map[string]interface {}",
        }
    }

    /// Whether `metautil`'s conversion of `value` into the target succeeds.
    pub fn accepts(self, value: &Value) -> bool {
        let is_string = |v: &Value| matches!(v, Value::String(_));
        let is_string_list =
            |v: &Value| matches!(v, Value::List(items) if items.iter().all(is_string));
        match self {
            Target::String => is_string(value),
            Target::StringList => is_string_list(value),
            Target::StringListMap => {
                matches!(value, Value::Map(map) if map.values().all(is_string_list))
            }
            Target::MapList => {
                matches!(value, Value::List(items) if items.iter().all(|v| matches!(v, Value::Map(_))))
            }
        }
    }
}

/// Why `Attr` failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttrError {
    /// `snap.AttributeNotFoundError`.
    NotFound(String),
    /// The value does not convert into the target type.
    WrongType(String),
}

impl AttrError {
    /// snapd's text.
    pub fn text(&self) -> String {
        match self {
            AttrError::NotFound(t) | AttrError::WrongType(t) => t.clone(),
        }
    }
}

/// `plug.Attr(key, &target)` / `slot.Attr(...)` for a key without dots: the value when it
/// converts into `target`.
pub fn attr<'v>(
    snap: &SnapContext<'_>,
    interface: &str,
    attrs: &'v BTreeMap<String, Value>,
    key: &str,
    target: Target,
) -> Result<&'v Value, AttrError> {
    let Some(value) = attrs.get(key) else {
        return Err(AttrError::NotFound(format!(
            "snap {} does not have attribute {} for interface {}",
            quote(snap.instance_name),
            quote(key),
            quote(interface)
        )));
    };
    if !target.accepts(value) {
        return Err(AttrError::WrongType(format!(
            "snap {} has interface {} with invalid value type {} for {} attribute: {}",
            quote(snap.instance_name),
            quote(interface),
            go_type(value),
            quote(key),
            target.go_pointer_type()
        )));
    }
    Ok(value)
}

/// [`attr`] into a Go `string`.
pub fn attr_string<'v>(
    snap: &SnapContext<'_>,
    interface: &str,
    attrs: &'v BTreeMap<String, Value>,
    key: &str,
) -> Result<&'v str, AttrError> {
    match attr(snap, interface, attrs, key, Target::String)? {
        Value::String(s) => Ok(s),
        _ => Ok(""),
    }
}

/// The strings of a list that [`Target::StringList`] accepted (others are skipped).
pub fn strings(value: &Value) -> Vec<&str> {
    match value {
        Value::List(items) => items
            .iter()
            .filter_map(|v| match v {
                Value::String(s) => Some(s.as_str()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// `attrs[key].(string)`: the value when it is a string.
pub fn string_attr<'v>(attrs: &'v BTreeMap<String, Value>, key: &str) -> Option<&'v str> {
    match attrs.get(key) {
        Some(Value::String(s)) => Some(s),
        _ => None,
    }
}

/// `attrs[key].(int64)`: the value when it is an integer.
pub fn int_attr(attrs: &BTreeMap<String, Value>, key: &str) -> Option<i64> {
    match attrs.get(key) {
        Some(Value::Int(i)) => Some(*i),
        _ => None,
    }
}

/// The common default of `content`, `custom-device`, `posix-mq` and `shared-memory`: when
/// `key` is not a non-empty string, it becomes the plug's or slot's name.
pub fn default_to_name(attrs: &mut BTreeMap<String, Value>, key: &str, name: &str) {
    if string_attr(attrs, key).is_none_or(str::is_empty) {
        attrs.insert(key.to_string(), Value::String(name.to_string()));
    }
}

/// The interfaces' "must be a string, not %v" check of an attribute that, when absent or
/// empty, defaults to the name: `Err(%v of the value)` when it is set to a non-string.
pub fn string_or_unset(attrs: &BTreeMap<String, Value>, key: &str) -> Result<(), String> {
    match attrs.get(key) {
        Some(Value::String(_)) | None => Ok(()),
        Some(other) => Err(other.go_display()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(items: &[Value]) -> Value {
        Value::List(items.to_vec())
    }

    #[test]
    fn conversions_like_metautil() {
        let s = Value::String("a".into());
        assert!(Target::StringList.accepts(&list(std::slice::from_ref(&s))));
        assert!(Target::StringList.accepts(&list(&[])));
        assert!(!Target::StringList.accepts(&list(&[s.clone(), Value::Int(1)])));
        assert!(!Target::StringList.accepts(&s));
        let map = Value::Map([("read".to_string(), list(std::slice::from_ref(&s)))].into());
        assert!(Target::StringListMap.accepts(&map));
        assert!(Target::MapList.accepts(&list(std::slice::from_ref(&map))));
        assert!(!Target::MapList.accepts(&list(std::slice::from_ref(&s))));
        assert!(!Target::String.accepts(&Value::Int(1)));
    }

    #[test]
    fn texts_name_go_types() {
        let snap = SnapContext::new("foo_x", "foo", crate::SnapType::App);
        let attrs: BTreeMap<String, Value> = [("p".to_string(), Value::Bool(true))].into();
        assert_eq!(
            attr(&snap, "polkit", &attrs, "p", Target::String)
                .unwrap_err()
                .text(),
            r#"snap "foo_x" has interface "polkit" with invalid value type bool for "p" attribute: *string"#
        );
        assert_eq!(
            attr(&snap, "polkit", &attrs, "q", Target::String).unwrap_err(),
            AttrError::NotFound(
                r#"snap "foo_x" does not have attribute "q" for interface "polkit""#.into()
            )
        );
    }
}
