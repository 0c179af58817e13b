//! yaml.v2's `Unmarshal` of a node tree into the small typed documents of a seed
//! (`seed.yaml`, `options.yaml`): null leaves the zero value, unknown keys are ignored, a
//! later duplicate key wins, string fields take any scalar's text, and each type mismatch
//! is collected (`line N: cannot unmarshal !!seq into string`) while decoding goes on; the
//! mismatches make one error, `yaml: unmarshal errors:\n  line N: …`.

use ucore_go_yaml::{Node, NodeKind, Value};

/// Decodes YAML into Go-shaped values, collecting yaml.v2's type mismatches.
#[derive(Debug, Default)]
pub(crate) struct Unmarshal {
    mismatches: Vec<String>,
}

impl Unmarshal {
    /// Records that `node` cannot go into the Go type `target`.
    fn mismatch(&mut self, node: &Node, target: &str) {
        self.mismatches.push(format!(
            "line {}: cannot unmarshal {} into {target}",
            node.pos.line,
            node.describe()
        ));
    }

    /// yaml.v2's error for the mismatches, if any.
    pub(crate) fn finish(self) -> Result<(), String> {
        if self.mismatches.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "yaml: unmarshal errors:\n  {}",
                self.mismatches.join("\n  ")
            ))
        }
    }

    /// A mapping decoded into the struct of Go type `target`: its entries with their keys'
    /// text, in document order (null: none).
    pub(crate) fn fields<'n>(&mut self, node: &'n Node, target: &str) -> Vec<(String, &'n Node)> {
        match &node.kind {
            NodeKind::Map(pairs) => pairs
                .iter()
                .filter_map(|(key, value)| match &key.kind {
                    NodeKind::Scalar { text, .. } => Some((text.clone(), value)),
                    _ => {
                        self.mismatch(key, "string");
                        None
                    }
                })
                .collect(),
            _ if node.is_null() => Vec::new(),
            _ => {
                self.mismatch(node, target);
                Vec::new()
            }
        }
    }

    /// A sequence decoded into the slice of Go type `target` (null: empty).
    pub(crate) fn items<'n>(&mut self, node: &'n Node, target: &str) -> &'n [Node] {
        match &node.kind {
            NodeKind::Seq(items) => items,
            _ if node.is_null() => &[],
            _ => {
                self.mismatch(node, target);
                &[]
            }
        }
    }

    /// A Go `string`: a scalar's text (null: `""`).
    pub(crate) fn string(&mut self, node: &Node) -> String {
        match &node.kind {
            NodeKind::Scalar { .. } if node.is_null() => String::new(),
            NodeKind::Scalar { text, .. } => text.clone(),
            _ => {
                self.mismatch(node, "string");
                String::new()
            }
        }
    }

    /// A Go `bool`: a YAML 1.1 boolean (null: false).
    pub(crate) fn boolean(&mut self, node: &Node) -> bool {
        match Value::from_scalar(node) {
            Some(Value::Bool(b)) => b,
            Some(Value::Null) => false,
            _ => {
                self.mismatch(node, "bool");
                false
            }
        }
    }
}

/// Reads a document as yaml.v2 does for `Unmarshal` (`None`: empty or null), with
/// yaml.v2's text for syntax errors.
pub(crate) fn load(bytes: &[u8]) -> Result<Option<Node>, String> {
    match ucore_go_yaml::load_bytes(bytes) {
        Ok(Some(node)) if node.is_null() => Ok(None),
        Ok(node) => Ok(node),
        Err(e) => Err(e.yaml_v2_text().to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root(text: &str) -> Node {
        load(text.as_bytes()).unwrap().unwrap()
    }

    #[test]
    fn mismatches_are_collected_in_document_order() {
        let node = root("a: [1]\nb: x\n");
        let mut u = Unmarshal::default();
        let fields = u.fields(&node, "T");
        assert_eq!(u.string(fields[0].1), "");
        assert!(!u.boolean(fields[1].1));
        assert_eq!(
            u.finish().unwrap_err(),
            "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into string\n  line 2: cannot unmarshal !!str `x` into bool"
        );
    }

    #[test]
    fn null_is_the_zero_value() {
        let node = root("a: ~\nb:\n");
        let mut u = Unmarshal::default();
        let fields = u.fields(&node, "T");
        assert_eq!(u.string(fields[0].1), "");
        assert!(u.items(fields[1].1, "[]T").is_empty());
        assert!(u.finish().is_ok());
        assert!(load(b"").unwrap().is_none());
        assert!(load(b"~\n").unwrap().is_none());
    }

    #[test]
    fn scalars_keep_their_text_in_string_fields() {
        let node = root("a: 010\nb: on\n");
        let mut u = Unmarshal::default();
        let fields = u.fields(&node, "T");
        assert_eq!(u.string(fields[0].1), "010");
        assert!(u.boolean(fields[1].1));
    }
}
