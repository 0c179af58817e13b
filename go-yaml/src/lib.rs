//! YAML read the way snapd reads it with Go's `gopkg.in/yaml.v2`.
//!
//! snapd decodes `meta/snap.yaml`, `meta/gadget.yaml` and `meta/kernel.yaml` with yaml.v2,
//! and its behaviour shows through in what snapd accepts: a string field takes a scalar's
//! text as written (`version: 1.10` is `"1.10"`, `type: 08` is `"08"`), a repeated mapping
//! key lets the last one win, and untyped values follow YAML 1.1 (`on` is `true`, `010` is
//! 8). This crate gives the node tree those rules need, with positions, and the untyped
//! [`Value`] of a node.
//!
//! ```
//! use ucore_go_yaml::{NodeKind, Value, load};
//!
//! let root = load("name: hello\nversion: 1.10\nenabled: on\n")?.expect("a document");
//! let NodeKind::Map(entries) = &root.kind else { panic!("a mapping") };
//! // A string field keeps the text as written …
//! assert_eq!(entries[1].1.scalar(), Some("1.10"));
//! // … and an untyped value is resolved with YAML 1.1's rules.
//! assert_eq!(Value::from_scalar(&entries[2].1), Some(Value::Bool(true)));
//! assert_eq!(entries[2].1.pos.line, 3);
//! # Ok::<(), ucore_go_yaml::SyntaxError>(())
//! ```
//!
//! Input is bounded: nesting deeper than [`MAX_DEPTH`] is an error, and the copies that
//! aliases make may not take more memory than a fixed multiple of the text's length.
//!
//! Modules: `node` (the tree and [`load`]), `value` (untyped values and their Go
//! renderings), `libyaml` (yaml.v2's texts for syntax faults, [`SyntaxError::yaml_v2_text`]).

mod libyaml;
mod node;
mod value;

pub use node::{MAX_DEPTH, Node, NodeKind, SyntaxError, load, load_bytes};
pub use value::Value;

use serde::Serialize;

/// A place in a YAML text: 1-based line and column of a node's first character.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
pub struct Position {
    /// Line, counting from 1.
    pub line: usize,
    /// Column in characters, counting from 1.
    pub column: usize,
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}
