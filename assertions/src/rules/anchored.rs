//! The regexps of the rule language: the text as written, compiled as snapd compiles it,
//! `^(` + text + `)$` with Go's RE2 syntax (so `a)|(b` changes the anchoring exactly as in
//! snapd), within the declaration's memory budget.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::types::constraint_regex::{self, Budget, ConstraintRegex};

/// A compiled rule regexp. Two are equal when their texts are.
///
/// Most patterns in real declarations are plain words (`true`, `all`, `core`) or `.+`:
/// those match by comparison, without building an automaton.
#[derive(Clone)]
pub struct AnchoredRegex {
    kind: Kind,
}

#[derive(Clone)]
enum Kind {
    /// A pattern without metacharacters: `^(text)$` matches `text` only.
    Literal(String),
    /// `.*` (`nonempty` false) or `.+`: any line (Go's `.` is any character but `\n`).
    AnyLine {
        nonempty: bool,
    },
    Regex(ConstraintRegex),
}

impl AnchoredRegex {
    /// Compiles `text`, charging `budget`; the error is the regexp compiler's text (Go's
    /// `error parsing regexp: …`).
    pub(crate) fn compile(text: &str, budget: &mut Budget) -> Result<Self, String> {
        if text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'/')
        {
            return Ok(AnchoredRegex {
                kind: Kind::Literal(text.to_owned()),
            });
        }
        if text == ".*" || text == ".+" {
            return Ok(AnchoredRegex {
                kind: Kind::AnyLine {
                    nonempty: text == ".+",
                },
            });
        }
        constraint_regex::compile(text, budget)
            .map(|regex| AnchoredRegex {
                kind: Kind::Regex(regex),
            })
            .map_err(|e| e.to_string())
    }

    /// The text as written.
    pub fn as_str(&self) -> &str {
        match &self.kind {
            Kind::Literal(s) => s,
            Kind::AnyLine { nonempty: false } => ".*",
            Kind::AnyLine { nonempty: true } => ".+",
            Kind::Regex(re) => re.as_str(),
        }
    }

    /// Whether the whole of `value` matches.
    pub fn is_match(&self, value: &str) -> bool {
        match &self.kind {
            Kind::Literal(s) => s == value,
            Kind::AnyLine { nonempty } => match value {
                "" => !*nonempty,
                line => !line.contains('\n'),
            },
            Kind::Regex(re) => re.is_match(value),
        }
    }
}

/// `^(text)$`, as Go prints the compiled regexp.
impl fmt::Display for AnchoredRegex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "^({})$", self.as_str())
    }
}

impl fmt::Debug for AnchoredRegex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AnchoredRegex({})", self)
    }
}

impl PartialEq for AnchoredRegex {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for AnchoredRegex {}

impl Serialize for AnchoredRegex {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}
