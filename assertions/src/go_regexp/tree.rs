//! The parse tree, shaped as Go's parser shapes it (literal runs merged, concatenations and
//! alternations flattened) so that its height and compiled size, which Go limits, come out
//! as Go's; and its translation to a `regex-syntax` [`Hir`] matching the same strings.

use regex_syntax::hir::{Class, ClassUnicode, Hir, Look, Repetition};

/// One node of the tree, with the height and compiled size Go's limits read.
#[derive(Debug)]
pub(super) struct Re {
    pub(super) kind: Kind,
    pub(super) height: u32,
    /// Go's `calcSize`: instructions the node compiles to (at least 1).
    pub(super) size: u64,
}

/// What a node matches.
#[derive(Debug)]
pub(super) enum Kind {
    /// Matches nothing (an empty alternation).
    NoMatch,
    /// Matches the empty string.
    EmptyMatch,
    /// A run of characters; `fold` for `(?i)`.
    Literal { chars: Vec<char>, fold: bool },
    /// A character class, already folded and negated.
    Class(ClassUnicode),
    /// `.` without `(?s)`.
    AnyCharNotNl,
    /// `.` with `(?s)`.
    AnyChar,
    /// `^` with `(?m)`.
    BeginLine,
    /// `$` with `(?m)`.
    EndLine,
    /// `^` or `\A`.
    BeginText,
    /// `$` or `\z`.
    EndText,
    /// `\b` (ASCII).
    WordBoundary,
    /// `\B` (ASCII).
    NoWordBoundary,
    /// `( … )`.
    Capture(Box<Re>),
    /// `*`, `+`, `?` and `{min,max}` (`max` `None` for no upper bound).
    Repeat {
        op: RepeatOp,
        min: u32,
        max: Option<u32>,
        greedy: bool,
        sub: Box<Re>,
    },
    /// A concatenation of two or more nodes.
    Concat(Vec<Re>),
    /// An alternation of two or more nodes.
    Alternate(Vec<Re>),
}

/// Which repetition operator was written (Go sizes them differently).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RepeatOp {
    Star,
    Plus,
    Quest,
    Counted,
}

impl Re {
    /// A node, with its height and size computed from its children.
    pub(super) fn new(kind: Kind) -> Re {
        let children = kind.children();
        let height = 1 + children.iter().map(|c| c.height).max().unwrap_or(0);
        let sum: u64 = children.iter().map(|c| c.size).sum();
        let size = match &kind {
            Kind::Literal { chars, .. } => chars.len() as u64,
            Kind::Capture(sub) => 2 + sub.size,
            Kind::Repeat {
                op, min, max, sub, ..
            } => match (op, max) {
                (RepeatOp::Star, _) => 2 + sub.size,
                (RepeatOp::Plus | RepeatOp::Quest, _) => 1 + sub.size,
                (RepeatOp::Counted, None) if *min == 0 => 2 + sub.size,
                (RepeatOp::Counted, None) => 1 + u64::from(*min) * sub.size,
                (RepeatOp::Counted, Some(max)) => u64::from(*max) * sub.size + u64::from(max - min),
            },
            Kind::Concat(_) => sum,
            Kind::Alternate(subs) => sum + subs.len() as u64 - 1,
            _ => 0,
        };
        Re {
            kind,
            height,
            size: size.max(1),
        }
    }

    /// Whether the node is a run of characters (and which kind of run).
    pub(super) fn literal_fold(&self) -> Option<bool> {
        match &self.kind {
            Kind::Literal { fold, .. } => Some(*fold),
            _ => None,
        }
    }

    /// Whether Go could merge the node into a character class in an alternation: one
    /// character, a class, or `.`.
    pub(super) fn is_char_class(&self) -> bool {
        match &self.kind {
            Kind::Literal { chars, .. } => chars.len() == 1,
            Kind::Class(_) | Kind::AnyChar | Kind::AnyCharNotNl => true,
            _ => false,
        }
    }

    /// The class of a node for which [`Re::is_char_class`] holds.
    pub(super) fn to_class(&self) -> ClassUnicode {
        match &self.kind {
            Kind::Literal { chars, fold } => char_class(chars[0], *fold),
            Kind::Class(c) => c.clone(),
            Kind::AnyCharNotNl => {
                let mut c = char_class('\n', false);
                c.negate();
                c
            }
            _ => {
                let mut c = ClassUnicode::empty();
                c.negate();
                c
            }
        }
    }

    /// Go's `repeatIsValid`: whether nested counted repetitions, multiplied along any path,
    /// stay within `n` copies of the innermost node.
    pub(super) fn repeat_is_valid(&self, mut n: u32) -> bool {
        if let Kind::Repeat {
            op: RepeatOp::Counted,
            min,
            max,
            ..
        } = &self.kind
        {
            let m = max.unwrap_or(*min);
            if *max == Some(0) {
                return true;
            }
            if m > n {
                return false;
            }
            n = n.checked_div(m).unwrap_or(n);
        }
        self.kind.children().iter().all(|c| c.repeat_is_valid(n))
    }

    /// The tree as a `regex-syntax` expression matching the same strings (consumed, so
    /// that its classes move rather than being copied).
    pub(super) fn into_hir(self) -> Hir {
        match self.kind {
            Kind::NoMatch => Hir::fail(),
            Kind::EmptyMatch => Hir::empty(),
            Kind::Literal { chars, fold: false } => {
                Hir::literal(chars.iter().collect::<String>().into_bytes())
            }
            Kind::Literal { chars, fold: true } => Hir::concat(
                chars
                    .iter()
                    .map(|&c| class_hir(char_class(c, true)))
                    .collect(),
            ),
            Kind::Class(c) => class_hir(c),
            Kind::AnyCharNotNl | Kind::AnyChar => class_hir(self.to_class()),
            Kind::BeginLine => Hir::look(Look::StartLF),
            Kind::EndLine => Hir::look(Look::EndLF),
            Kind::BeginText => Hir::look(Look::Start),
            Kind::EndText => Hir::look(Look::End),
            Kind::WordBoundary => Hir::look(Look::WordAscii),
            Kind::NoWordBoundary => Hir::look(Look::WordAsciiNegate),
            Kind::Capture(sub) => sub.into_hir(),
            Kind::Repeat {
                min,
                max,
                greedy,
                sub,
                ..
            } => Hir::repetition(Repetition {
                min,
                max,
                greedy,
                sub: Box::new(sub.into_hir()),
            }),
            Kind::Concat(subs) => Hir::concat(subs.into_iter().map(Re::into_hir).collect()),
            Kind::Alternate(subs) => Hir::alternation(subs.into_iter().map(Re::into_hir).collect()),
        }
    }
}

impl Kind {
    fn children(&self) -> &[Re] {
        match self {
            Kind::Capture(sub) | Kind::Repeat { sub, .. } => std::slice::from_ref(&**sub),
            Kind::Concat(subs) | Kind::Alternate(subs) => subs,
            _ => &[],
        }
    }
}

/// The class of one character, with its case variants when `fold`.
pub(super) fn char_class(c: char, fold: bool) -> ClassUnicode {
    let mut class = ClassUnicode::new([regex_syntax::hir::ClassUnicodeRange::new(c, c)]);
    if fold {
        class.case_fold_simple();
    }
    class
}

fn class_hir(class: ClassUnicode) -> Hir {
    Hir::class(Class::Unicode(class))
}
