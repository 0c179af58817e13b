//! yaml.v2's decoding of a node tree into the small typed documents of a snap
//! (`meta/snapshots.yaml`, `meta/kernel.yaml`): null leaves the zero value, unknown keys
//! are ignored, a later duplicate key wins, string targets take any scalar's text, and a
//! type mismatch is collected (`line N: cannot unmarshal !!seq into string`) while
//! decoding goes on; the collected mismatches make one error,
//! `yaml: unmarshal errors:\n  line N: …`.

use ucore_go_yaml::{Node, NodeKind, Value};

/// The type mismatches found while decoding, in document order.
#[derive(Debug, Default)]
pub(crate) struct TypeErrors(Vec<String>);

impl TypeErrors {
    /// Records that `node` cannot go into the Go type `target` (`[]string`, `kernel.Info`).
    pub(crate) fn push(&mut self, node: &Node, target: &str) {
        self.0.push(format!(
            "line {}: cannot unmarshal {} into {target}",
            node.pos.line,
            node.describe()
        ));
    }

    /// yaml.v2's error for the mismatches, if any.
    pub(crate) fn into_result(self) -> Result<(), String> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "yaml: unmarshal errors:\n  {}",
                self.0.join("\n  ")
            ))
        }
    }
}

/// Reads a YAML text into its node tree (`None`: no document, or a null one), with a
/// yaml.v2-style error (`yaml: line N: …`; the reader's own words, not libyaml's).
pub(crate) fn load(text: &[u8]) -> Result<Option<Node>, String> {
    let text = std::str::from_utf8(text).map_err(|e| {
        format!(
            "yaml: invalid leading UTF-8 octet at byte {}",
            e.valid_up_to()
        )
    })?;
    ucore_go_yaml::load(text).map_err(|e| format!("yaml: line {}: {}", e.pos.line, e.message))
}

/// A scalar decoded into a Go string: its text (null: `""`); `None` for a collection.
fn string(node: &Node) -> Option<String> {
    match &node.kind {
        NodeKind::Scalar { .. } if node.is_null() => Some(String::new()),
        NodeKind::Scalar { text, .. } => Some(text.clone()),
        _ => None,
    }
}

/// The entries of a mapping decoded into a struct or a `map[string]…` of Go type
/// `target`, keys as text (a null key is `""`), in document order; a null node has none.
pub(crate) fn entries<'n>(
    node: &'n Node,
    target: &str,
    errors: &mut TypeErrors,
) -> Vec<(String, &'n Node)> {
    match &node.kind {
        NodeKind::Map(pairs) => pairs
            .iter()
            .filter_map(|(key, value)| {
                let key_text = string(key);
                if key_text.is_none() {
                    errors.push(key, "string");
                }
                Some((key_text?, value))
            })
            .collect(),
        _ if node.is_null() => Vec::new(),
        _ => {
            errors.push(node, target);
            Vec::new()
        }
    }
}

/// A `[]string`: a sequence's items (null items are `""`, collections are mismatches and
/// left out); null is an empty list.
pub(crate) fn string_list(node: &Node, errors: &mut TypeErrors) -> Vec<String> {
    match &node.kind {
        NodeKind::Seq(items) => items
            .iter()
            .filter_map(|item| {
                let text = string(item);
                if text.is_none() {
                    errors.push(item, "string");
                }
                text
            })
            .collect(),
        _ if node.is_null() => Vec::new(),
        _ => {
            errors.push(node, "[]string");
            Vec::new()
        }
    }
}

/// A `bool`: a YAML 1.1 boolean (`true`, `yes`, `on` …); null is false.
pub(crate) fn boolean(node: &Node, errors: &mut TypeErrors) -> bool {
    match Value::from_scalar(node) {
        Some(Value::Bool(b)) => b,
        Some(Value::Null) => false,
        _ => {
            errors.push(node, "bool");
            false
        }
    }
}
