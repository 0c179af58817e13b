//! A YAML node tree with positions, read with `saphyr-parser`'s event stream.
//!
//! snapd decodes gadget.yaml with Go's `gopkg.in/yaml.v2`; to behave the same we keep every
//! scalar's raw text and style (so string fields take the text as written, `type: 08` stays
//! `"08"`), let a later duplicate mapping key win, and resolve untyped scalars (the values
//! under `defaults`) with yaml.v2's YAML 1.1 rules in [`Value::from_scalar`].

use saphyr_parser::{Event, Parser, ScalarStyle, Span};
use std::collections::BTreeMap;

use crate::Position;
use crate::value::Value;

/// Deepest nesting of collections accepted; deeper input is an error, never a stack overflow.
pub const MAX_DEPTH: usize = 64;
/// The memory the copies of anchored nodes may take, per byte of the document's text. An
/// alias is a copy, and without this bound a short "billion laughs" text, or many aliases
/// of one long scalar, would take memory quadratic or exponential in its length. (The
/// nodes the text itself spells out take at most about 80 bytes a byte of text: a flow
/// map of one-letter keys, `{a,b,c}`, spends two bytes on a key and its null value.)
const TREE_BYTES_PER_TEXT_BYTE: usize = 48;
/// … plus this many, whatever the text's length.
const TREE_BYTES_FIXED: usize = 256 << 10;

/// What a node holds in memory, without its children: copies count it against the budget.
fn node_cost(kind: &NodeKind) -> usize {
    let own = match kind {
        NodeKind::Scalar { text, tag, .. } => text.len() + tag.as_ref().map_or(0, String::len),
        NodeKind::Seq(_) | NodeKind::Map(_) => 0,
    };
    std::mem::size_of::<Node>() + own
}

/// One YAML node and where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// What the node holds.
    pub kind: NodeKind,
    /// Where the node starts.
    pub pos: Position,
}

/// What a node holds.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    /// A scalar.
    Scalar {
        /// The scalar's text as written (after YAML's quoting and folding rules).
        text: String,
        /// Whether it was plain (unquoted): only plain scalars resolve to non-strings.
        plain: bool,
        /// Its explicit tag, expanded (`tag:yaml.org,2002:str`), if any.
        tag: Option<String>,
    },
    /// A sequence, in document order.
    Seq(Vec<Node>),
    /// Keys and values in document order; duplicates are kept (callers let the last win).
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// yaml.v2's view of null: a plain `~`, `null`, `Null`, `NULL` or empty scalar, or `!!null`.
    pub fn is_null(&self) -> bool {
        match &self.kind {
            NodeKind::Scalar { text, plain, tag } => {
                if let Some(t) = tag {
                    return t == "tag:yaml.org,2002:null";
                }
                *plain && matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL")
            }
            _ => false,
        }
    }

    /// The raw text of a scalar.
    pub fn scalar(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// yaml.v2's short tag for messages: `!!map`, `!!seq`, `!!str`, `!!int` …
    pub fn short_tag(&self) -> &'static str {
        match &self.kind {
            NodeKind::Map(_) => "!!map",
            NodeKind::Seq(_) => "!!seq",
            NodeKind::Scalar { .. } => match Value::from_scalar(self) {
                Some(Value::Bool(_)) => "!!bool",
                Some(Value::Int(_)) | Some(Value::Uint(_)) => "!!int",
                Some(Value::Float(_)) => "!!float",
                Some(Value::Null) => "!!null",
                _ => "!!str",
            },
        }
    }

    /// yaml.v2's rendering of a node in "cannot unmarshal" messages: tag plus, for scalars,
    /// the value in backquotes (cut to 7 characters and `...` when longer than 10).
    pub fn describe(&self) -> String {
        match &self.kind {
            NodeKind::Scalar { text, .. } => {
                let shown = if text.chars().count() > 10 {
                    format!("{}...", text.chars().take(7).collect::<String>())
                } else {
                    text.clone()
                };
                format!("{} `{}`", self.short_tag(), shown)
            }
            _ => self.short_tag().to_string(),
        }
    }
}

/// A syntax error from the YAML reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// The reader's description of the fault.
    pub message: String,
    /// Where the fault is.
    pub pos: Position,
    /// yaml.v2's text for it (see [`SyntaxError::yaml_v2_text`]).
    yaml_v2: String,
}

impl SyntaxError {
    fn new(message: impl Into<String>, pos: Position, text: &str) -> SyntaxError {
        let message = message.into();
        let yaml_v2 = crate::libyaml::yaml_v2_text(&message, pos.line, text);
        SyntaxError {
            message,
            pos,
            yaml_v2,
        }
    }

    /// The text snapd prints for this fault, as yaml.v2 words it: libyaml's message and
    /// yaml.v2's line numbering (`yaml: line 4: found character that cannot start any
    /// token`, `yaml: mapping values are not allowed in this context`). Faults only this
    /// reader has (nesting and alias-expansion bounds) keep the reader's words.
    pub fn yaml_v2_text(&self) -> &str {
        &self.yaml_v2
    }
}

impl std::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.yaml_v2)
    }
}

impl std::error::Error for SyntaxError {}

fn position(span: &Span) -> Position {
    Position {
        line: span.start.line(),
        column: span.start.col() + 1,
    }
}

/// [`load`] for bytes: text that is not UTF-8 is refused as libyaml's reader refuses it
/// (`invalid leading UTF-8 octet`), at the line where the bad byte is.
pub fn load_bytes(bytes: &[u8]) -> Result<Option<Node>, SyntaxError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => load(text),
        Err(e) => {
            let before = bytes.get(..e.valid_up_to()).unwrap_or_default();
            let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
            let column = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
            let pos = Position { line, column };
            let message = crate::libyaml::utf8_fault(bytes, e);
            Err(SyntaxError::new(message, pos, ""))
        }
    }
}

/// Reads the first document of `text` into a node tree; `Ok(None)` for an empty stream or
/// a document holding only comments.
pub fn load(text: &str) -> Result<Option<Node>, SyntaxError> {
    if let Some(at) = crate::libyaml::first_unprintable(text) {
        let before = text.get(..at).unwrap_or_default();
        let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        let pos = Position { line, column };
        return Err(SyntaxError::new(
            "control characters are not allowed",
            pos,
            text,
        ));
    }
    let mut parser = Parser::new_from_str(text);
    // A stack of collections being built: (node, pending key for maps, anchor id).
    enum Open {
        Seq(Vec<Node>, Position, usize),
        Map(Vec<(Node, Node)>, Option<Node>, Position, usize),
    }
    let mut stack: Vec<Open> = Vec::new();
    let mut anchors: BTreeMap<usize, Node> = BTreeMap::new();
    // What the copies made for anchors and aliases take so far.
    let budget = text
        .len()
        .saturating_mul(TREE_BYTES_PER_TEXT_BYTE)
        .saturating_add(TREE_BYTES_FIXED);
    let mut cost: usize = 0;
    let mut root: Option<Node> = None;
    let mut in_document = false;

    // Attaches a finished node to its parent, or makes it the root.
    fn attach(stack: &mut [Open], root: &mut Option<Node>, node: Node) {
        match stack.last_mut() {
            Some(Open::Seq(items, _, _)) => items.push(node),
            Some(Open::Map(entries, pending, _, _)) => match pending.take() {
                Some(key) => entries.push((key, node)),
                None => *pending = Some(node),
            },
            None => *root = Some(node),
        }
    }

    while let Some(next) = parser.next_event() {
        let (event, span) = next.map_err(|e| {
            let pos = Position {
                line: e.marker().line(),
                column: e.marker().col() + 1,
            };
            SyntaxError::new(e.info(), pos, text)
        })?;
        let pos = position(&span);
        match event {
            Event::StreamStart | Event::Nothing => {}
            Event::StreamEnd => break,
            Event::DocumentStart(_) => {
                if in_document || root.is_some() {
                    // yaml.v2's Unmarshal reads only the first document.
                    break;
                }
                in_document = true;
            }
            Event::DocumentEnd => {
                in_document = false;
                if root.is_some() {
                    break;
                }
            }
            Event::Alias(id) => {
                let Some(node) = anchors.get(&id) else {
                    return Err(SyntaxError::new("unknown anchor", pos, text));
                };
                cost = cost.saturating_add(tree_cost(node));
                if cost > budget {
                    return Err(SyntaxError::new(
                        "document is too large once aliases are expanded",
                        pos,
                        text,
                    ));
                }
                let node = Node {
                    kind: node.kind.clone(),
                    pos,
                };
                attach(&mut stack, &mut root, node);
            }
            Event::Scalar(value, style, anchor, tag) => {
                let tag = tag.map(|t| {
                    if t.handle == "!!" || t.handle == "tag:yaml.org,2002:" {
                        format!("tag:yaml.org,2002:{}", t.suffix)
                    } else {
                        format!("{}{}", t.handle, t.suffix)
                    }
                });
                let node = Node {
                    kind: NodeKind::Scalar {
                        text: value.into_owned(),
                        plain: style == ScalarStyle::Plain,
                        tag,
                    },
                    pos,
                };
                if anchor > 0 {
                    cost = cost.saturating_add(node_cost(&node.kind));
                    anchors.insert(anchor, node.clone());
                }
                attach(&mut stack, &mut root, node);
            }
            Event::SequenceStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(SyntaxError::new(
                        format!("nesting deeper than {MAX_DEPTH} levels"),
                        pos,
                        text,
                    ));
                }
                stack.push(Open::Seq(Vec::new(), pos, anchor));
            }
            Event::MappingStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(SyntaxError::new(
                        format!("nesting deeper than {MAX_DEPTH} levels"),
                        pos,
                        text,
                    ));
                }
                stack.push(Open::Map(Vec::new(), None, pos, anchor));
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor) = match stack.pop() {
                    Some(Open::Seq(items, pos, anchor)) => (
                        Node {
                            kind: NodeKind::Seq(items),
                            pos,
                        },
                        anchor,
                    ),
                    Some(Open::Map(entries, _, pos, anchor)) => (
                        Node {
                            kind: NodeKind::Map(entries),
                            pos,
                        },
                        anchor,
                    ),
                    None => {
                        return Err(SyntaxError::new("unbalanced collection end", pos, text));
                    }
                };
                if anchor > 0 {
                    // The anchor keeps a copy of the whole collection.
                    cost = cost.saturating_add(tree_cost(&node));
                    anchors.insert(anchor, node.clone());
                }
                attach(&mut stack, &mut root, node);
            }
        }
        if cost > budget {
            return Err(SyntaxError::new(
                "document is too large once aliases are expanded",
                pos,
                text,
            ));
        }
    }
    // A document of only `~` decodes like an empty one.
    Ok(root.filter(|n| !n.is_null()))
}

/// What a copy of `node` and everything under it takes (see [`node_cost`]).
fn tree_cost(node: &Node) -> usize {
    // Iterative, so deep trees cannot overflow the stack.
    let mut cost = 0usize;
    let mut todo = vec![node];
    while let Some(n) = todo.pop() {
        cost = cost.saturating_add(node_cost(&n.kind));
        match &n.kind {
            NodeKind::Scalar { .. } => {}
            NodeKind::Seq(items) => todo.extend(items.iter()),
            NodeKind::Map(entries) => {
                for (k, v) in entries {
                    todo.push(k);
                    todo.push(v);
                }
            }
        }
    }
    cost
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::resolve_plain;

    fn plain(t: &str) -> Value {
        resolve_plain(t)
    }

    /// Copies for aliases are bounded by the text's length. snapd (yaml.v2) shares alias
    /// values instead and accepts these documents or fails later with unmarshal errors;
    /// ucore refuses them here, a deliberate difference for input no gadget has.
    #[test]
    fn alias_expansion_is_bounded_by_the_text() {
        let big = format!(
            "a: &big \"{}\"\nb: [{}]\n",
            "x".repeat(4000),
            vec!["*big"; 400].join(", ")
        );
        let err = load(&big).unwrap_err();
        assert_eq!(
            err.message,
            "document is too large once aliases are expanded"
        );
        let laughs = ucore_test_support::hostile::yaml_laughs(9);
        assert!(load(&laughs).is_err());
        // A few aliases of a small anchor are fine.
        let small = format!("a: &s x\nb: [{}]\n", vec!["*s"; 100].join(", "));
        assert!(load(&small).is_ok());
    }

    #[test]
    fn yaml11_scalars_resolve_like_yaml_v2() {
        assert_eq!(plain("yes"), Value::Bool(true));
        assert_eq!(plain("on"), Value::Bool(true));
        assert_eq!(plain("Off"), Value::Bool(false));
        assert_eq!(plain("0x10"), Value::Int(16));
        assert_eq!(plain("010"), Value::Int(8));
        assert_eq!(plain("0o17"), Value::Int(15));
        assert_eq!(plain("0b11"), Value::Int(3));
        assert_eq!(plain("1_000"), Value::Int(1000));
        assert_eq!(plain("-0x10"), Value::Int(-16));
        assert_eq!(plain("+5"), Value::Int(5));
        assert_eq!(plain("1e3"), Value::Float(1000.0));
        assert_eq!(plain(".inf"), Value::Float(f64::INFINITY));
        assert_eq!(plain("2001-01-01"), Value::String("2001-01-01".into()));
        assert_eq!(
            plain("9223372036854775808"),
            Value::Uint(9223372036854775808)
        );
        assert_eq!(plain("0."), Value::Float(0.0));
        assert_eq!(plain("08"), Value::Float(8.0));
        assert_eq!(plain("~"), Value::Null);
        assert_eq!(plain("foo"), Value::String("foo".into()));
    }

    #[test]
    fn duplicate_keys_are_kept_in_order_and_positions_are_one_based() {
        let n = load("a: 1\na: 2\n").unwrap().unwrap();
        let NodeKind::Map(entries) = n.kind else {
            panic!("not a map")
        };
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[1].1.scalar(), Some("2"));
        assert_eq!(entries[1].1.pos, Position { line: 2, column: 4 });
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(10_000);
        assert!(load(&deep).is_err());
    }

    #[test]
    fn comment_only_and_null_documents_are_empty() {
        assert!(load("# nothing\n").unwrap().is_none());
        assert!(load("").unwrap().is_none());
        assert!(load("~\n").unwrap().is_none());
    }
}
