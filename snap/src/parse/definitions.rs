//! The value forms of a top-level plug, slot or system username (snapd's
//! `convertToSlotOrPlugData` and `convertToUsernamesData`), and attribute values normalised
//! as snapd's `metautil.NormalizeValue` does.

use std::collections::BTreeMap;
use thiserror::Error;

use ucore_go_text::quote;
use ucore_go_yaml::{Node, NodeKind, Value};

/// What a definition defines: the words snapd's messages use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefinitionKind {
    /// A plug.
    Plug,
    /// A slot.
    Slot,
    /// A system username.
    SystemUsername,
}

impl std::fmt::Display for DefinitionKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            DefinitionKind::Plug => "plug",
            DefinitionKind::Slot => "slot",
            DefinitionKind::SystemUsername => "system username",
        })
    }
}

/// A top-level plug, slot or system username whose value snapd cannot take. `found` is
/// Go's `%T` of the decoded value (`int`, `bool`, `[]interface {}` …).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DefinitionError {
    /// A key of the long form that is not a string.
    #[error("{kind} {} has attribute key that is not a string (found {found})", quote(.name))]
    KeyNotString {
        /// Plug, slot or system username.
        kind: DefinitionKind,
        /// Its name.
        name: String,
        /// The key's Go type.
        found: &'static str,
    },
    /// A key starting with `$`.
    #[error("{kind} {} uses reserved attribute {}", quote(.name), quote(.key))]
    ReservedAttribute {
        /// Plug or slot.
        kind: DefinitionKind,
        /// Its name.
        name: String,
        /// The key.
        key: String,
    },
    /// An empty key.
    #[error("{kind} {} has an empty attribute key", quote(.name))]
    EmptyKey {
        /// Plug, slot or system username.
        kind: DefinitionKind,
        /// Its name.
        name: String,
    },
    /// `interface:` that is not a string.
    #[error("interface name on {kind} {} is not a string (found {found})", quote(.name))]
    InterfaceNotString {
        /// Plug or slot.
        kind: DefinitionKind,
        /// Its name.
        name: String,
        /// The value's Go type.
        found: &'static str,
    },
    /// `label:` that is not a string.
    #[error("label of {kind} {} is not a string (found {found})", quote(.name))]
    LabelNotString {
        /// Plug or slot.
        kind: DefinitionKind,
        /// Its name.
        name: String,
        /// The value's Go type.
        found: &'static str,
    },
    /// `scope:` of a system username that is not a string.
    #[error("scope on system username {} is not a string (found {found})", quote(.name))]
    ScopeNotString {
        /// The username.
        name: String,
        /// The value's Go type.
        found: &'static str,
    },
    /// An attribute value snapd does not normalise.
    #[error("attribute {} of {kind} {}: {reason}", quote(.key), quote(.name))]
    Attribute {
        /// The attribute.
        key: String,
        /// Plug, slot or system username.
        kind: DefinitionKind,
        /// Its name.
        name: String,
        /// `invalid scalar: <nil>`, `non-string key: 1`.
        reason: String,
    },
    /// A value that is neither a string, null nor a mapping.
    #[error("{kind} {} has malformed definition (found {found})", quote(.name))]
    Malformed {
        /// Plug, slot or system username.
        kind: DefinitionKind,
        /// Its name.
        name: String,
        /// The value's Go type.
        found: &'static str,
    },
}

/// A plug's or slot's interface, label and attributes.
#[derive(Debug, Default)]
pub(crate) struct PlugSlotData {
    pub interface: String,
    pub label: String,
    pub attrs: BTreeMap<String, Value>,
}

/// Go's `%T` of what yaml.v2 decodes a node to as `interface{}`.
fn go_type(node: &Node) -> &'static str {
    match &node.kind {
        NodeKind::Seq(_) => "[]interface {}",
        NodeKind::Map(_) => "map[interface {}]interface {}",
        NodeKind::Scalar { .. } => match Value::from_scalar(node) {
            Some(Value::Null) | None => "<nil>",
            Some(Value::Bool(_)) => "bool",
            Some(Value::Int(_)) => "int",
            Some(Value::Uint(_)) => "uint64",
            Some(Value::Float(_)) => "float64",
            Some(_) => "string",
        },
    }
}

/// A scalar decoded as a string, if it is one.
fn as_string(node: &Node) -> Option<String> {
    match Value::from_scalar(node) {
        Some(Value::String(s)) => Some(s),
        _ => None,
    }
}

/// The pairs of a mapping with repeated keys removed (the last wins, as in a Go map).
fn last_wins(pairs: &[(Node, Node)]) -> Vec<(&Node, &Node)> {
    let mut out: Vec<(&Node, &Node)> = Vec::with_capacity(pairs.len());
    for (k, v) in pairs {
        let key = Value::from_scalar(k);
        if let Some(i) = out
            .iter()
            .position(|(ok, _)| key.is_some() && Value::from_scalar(ok) == key)
        {
            out.remove(i);
        }
        out.push((k, v));
    }
    out
}

/// `convertToSlotOrPlugData`: a string is the interface, null means the interface is the
/// name, a mapping has `interface`, `label` and attributes.
pub(crate) fn plug_slot_data(
    kind: DefinitionKind,
    name: &str,
    node: &Node,
) -> Result<PlugSlotData, DefinitionError> {
    let mut data = PlugSlotData {
        interface: name.to_string(),
        ..PlugSlotData::default()
    };
    let pairs = match &node.kind {
        NodeKind::Map(pairs) => pairs,
        _ if node.is_null() => return Ok(data),
        _ => match as_string(node) {
            Some(s) => {
                data.interface = s;
                return Ok(data);
            }
            None => {
                return Err(DefinitionError::Malformed {
                    kind,
                    name: name.to_string(),
                    found: go_type(node),
                });
            }
        },
    };
    for (k, v) in last_wins(pairs) {
        let key = attribute_key(kind, name, k)?;
        match key.as_str() {
            "interface" => {
                data.interface =
                    as_string(v).ok_or_else(|| DefinitionError::InterfaceNotString {
                        kind,
                        name: name.to_string(),
                        found: go_type(v),
                    })?
            }
            "label" => {
                data.label = as_string(v).ok_or_else(|| DefinitionError::LabelNotString {
                    kind,
                    name: name.to_string(),
                    found: go_type(v),
                })?
            }
            _ => {
                let value = attribute(kind, name, &key, v)?;
                data.attrs.insert(key, value);
            }
        }
    }
    Ok(data)
}

/// The checks every key of a long form gets: a string, not `$…` (plugs and slots), not
/// empty.
fn attribute_key(kind: DefinitionKind, name: &str, k: &Node) -> Result<String, DefinitionError> {
    let key = as_string(k).ok_or_else(|| DefinitionError::KeyNotString {
        kind,
        name: name.to_string(),
        found: go_type(k),
    })?;
    if kind != DefinitionKind::SystemUsername && key.starts_with('$') {
        return Err(DefinitionError::ReservedAttribute {
            kind,
            name: name.to_string(),
            key,
        });
    }
    if key.is_empty() {
        return Err(DefinitionError::EmptyKey {
            kind,
            name: name.to_string(),
        });
    }
    Ok(key)
}

/// `convertToUsernamesData`: the scope and other attributes of a system username
/// (`scope` is empty when not given).
pub(crate) fn system_username_data(
    name: &str,
    node: &Node,
) -> Result<(String, Option<BTreeMap<String, Value>>), DefinitionError> {
    let kind = DefinitionKind::SystemUsername;
    let pairs = match &node.kind {
        NodeKind::Map(pairs) => pairs,
        _ if node.is_null() => return Ok((String::new(), None)),
        _ => match as_string(node) {
            Some(s) => return Ok((s, None)),
            None => {
                return Err(DefinitionError::Malformed {
                    kind,
                    name: name.to_string(),
                    found: go_type(node),
                });
            }
        },
    };
    let mut scope = String::new();
    let mut attrs: Option<BTreeMap<String, Value>> = None;
    for (k, v) in last_wins(pairs) {
        let key = attribute_key(kind, name, k)?;
        if key == "scope" {
            scope = as_string(v).ok_or_else(|| DefinitionError::ScopeNotString {
                name: name.to_string(),
                found: go_type(v),
            })?;
            continue;
        }
        let value = attribute(kind, name, &key, v)?;
        attrs.get_or_insert_with(BTreeMap::new).insert(key, value);
    }
    Ok((scope, attrs))
}

/// An attribute's normalised value, or the error naming it.
fn attribute(
    kind: DefinitionKind,
    name: &str,
    key: &str,
    v: &Node,
) -> Result<Value, DefinitionError> {
    normalize(v).map_err(|reason| DefinitionError::Attribute {
        key: key.to_string(),
        kind,
        name: name.to_string(),
        reason,
    })
}

/// `metautil.NormalizeValue` of a decoded node: strings, bools, 64-bit ints, floats,
/// lists and string-keyed maps; null and integers above `i64::MAX` are
/// `invalid scalar: V`, other map keys `non-string key: K`. The depth is bounded by the
/// YAML reader's nesting limit.
pub(crate) fn normalize(node: &Node) -> Result<Value, String> {
    match &node.kind {
        NodeKind::Scalar { .. } => match Value::from_scalar(node).unwrap_or(Value::Null) {
            Value::Null => Err("invalid scalar: <nil>".into()),
            Value::Uint(u) => Err(format!("invalid scalar: {u}")),
            v => Ok(v),
        },
        NodeKind::Seq(items) => items
            .iter()
            .map(normalize)
            .collect::<Result<_, _>>()
            .map(Value::List),
        NodeKind::Map(pairs) => {
            let mut map = BTreeMap::new();
            for (k, v) in last_wins(pairs) {
                let key = match Value::from_scalar(k) {
                    Some(Value::String(s)) => s,
                    other => {
                        return Err(format!(
                            "non-string key: {}",
                            other.unwrap_or(Value::Null).go_display()
                        ));
                    }
                };
                map.insert(key, normalize(v)?);
            }
            Ok(Value::Map(map))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(text: &str) -> Node {
        ucore_go_yaml::load(text).unwrap().unwrap_or(Node {
            kind: NodeKind::Scalar {
                text: String::new(),
                plain: true,
                tag: None,
            },
            pos: Default::default(),
        })
    }

    fn err(kind: DefinitionKind, text: &str) -> String {
        plug_slot_data(kind, "p", &node(text))
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn value_forms() {
        let d = plug_slot_data(DefinitionKind::Plug, "p", &node("network")).unwrap();
        assert_eq!(d.interface, "network");
        let d = plug_slot_data(DefinitionKind::Plug, "p", &node("~")).unwrap();
        assert_eq!(d.interface, "p");
        let d = plug_slot_data(
            DefinitionKind::Slot,
            "p",
            &node("{interface: content, label: L, read: [$SNAP/a], num: 1, m: {a: 1.5}}"),
        )
        .unwrap();
        assert_eq!(d.interface, "content");
        assert_eq!(d.label, "L");
        assert_eq!(d.attrs["num"], Value::Int(1));
        assert_eq!(
            d.attrs["read"],
            Value::List(vec![Value::String("$SNAP/a".into())])
        );
    }

    #[test]
    fn error_texts() {
        use DefinitionKind::*;
        assert_eq!(
            err(Plug, "1"),
            "plug \"p\" has malformed definition (found int)"
        );
        assert_eq!(
            err(Slot, "[a]"),
            "slot \"p\" has malformed definition (found []interface {})"
        );
        assert_eq!(
            err(Plug, "{interface: 1}"),
            "interface name on plug \"p\" is not a string (found int)"
        );
        assert_eq!(
            err(Plug, "{label: true}"),
            "label of plug \"p\" is not a string (found bool)"
        );
        assert_eq!(
            err(Plug, "{1: a}"),
            "plug \"p\" has attribute key that is not a string (found int)"
        );
        assert_eq!(
            err(Plug, "{$x: a}"),
            "plug \"p\" uses reserved attribute \"$x\""
        );
        assert_eq!(
            err(Plug, "{'': a}"),
            "plug \"p\" has an empty attribute key"
        );
        assert_eq!(
            err(Plug, "{a: ~}"),
            "attribute \"a\" of plug \"p\": invalid scalar: <nil>"
        );
        assert_eq!(
            err(Plug, "{a: {1: x}}"),
            "attribute \"a\" of plug \"p\": non-string key: 1"
        );
        assert_eq!(
            err(Plug, "{a: 18446744073709551615}"),
            "attribute \"a\" of plug \"p\": invalid scalar: 18446744073709551615"
        );
    }

    #[test]
    fn system_usernames() {
        assert_eq!(
            system_username_data("u", &node("shared")).unwrap(),
            ("shared".into(), None)
        );
        let (scope, attrs) = system_username_data("u", &node("{scope: shared, x: 1}")).unwrap();
        assert_eq!(scope, "shared");
        assert_eq!(attrs.unwrap()["x"], Value::Int(1));
        assert_eq!(
            system_username_data("u", &node("{scope: 1}"))
                .unwrap_err()
                .to_string(),
            "scope on system username \"u\" is not a string (found int)"
        );
        assert_eq!(
            system_username_data("u", &node("[a]"))
                .unwrap_err()
                .to_string(),
            "system username \"u\" has malformed definition (found []interface {})"
        );
    }
}
