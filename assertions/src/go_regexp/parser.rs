//! The scanner: Go's `regexp/syntax` parser with the Perl flags, one token at a time, left
//! to right, so that the first error found is the one Go reports, with Go's fragment.

use std::collections::HashMap;

use regex_syntax::hir::ClassUnicode;

use super::classes;
use super::error::{ErrorCode, ParseError, syntax};
use super::lexical::{char_range, class_char, counted_repeat, escape};
use super::tree::{Kind, Re, RepeatOp};

/// Go's `maxHeight`: the highest parse tree it builds.
const MAX_HEIGHT: u32 = 1000;
/// Go's `maxSize`: the most instructions a pattern may compile to (128 MiB of 40-byte
/// instructions).
const MAX_SIZE: u64 = (128 << 20) / 40;
/// Go's `maxRunes`: the most runes the character classes may hold (128 MiB of them).
pub(super) const MAX_RUNES: usize = (128 << 20) / 4;
/// Go's limit on a repeat count.
const MAX_REPEAT: i64 = 1000;

/// The flags a group can change: `(?i)`, `(?m)`, `(?s)` and `(?U)`.
#[derive(Debug, Clone, Copy)]
struct Flags {
    fold: bool,
    /// `^`/`$` match at the text's ends only (cleared by `(?m)`).
    one_line: bool,
    dot_nl: bool,
    non_greedy: bool,
}

impl Flags {
    /// What `^`, `$` or `.` (`c`) means under these flags.
    fn metacharacter(self, c: u8) -> Kind {
        match (c, self.one_line, self.dot_nl) {
            (b'^', true, _) => Kind::BeginText,
            (b'^', false, _) => Kind::BeginLine,
            (b'$', true, _) => Kind::EndText,
            (b'$', false, _) => Kind::EndLine,
            (_, _, true) => Kind::AnyChar,
            (_, _, false) => Kind::AnyCharNotNl,
        }
    }
}

/// An open group: what it restores at `)` and what it has parsed so far.
struct Group {
    capture: bool,
    saved: Flags,
    alternatives: Vec<Re>,
    concat: Vec<Re>,
}

impl Group {
    fn new(capture: bool, saved: Flags) -> Group {
        Group {
            capture,
            saved,
            alternatives: Vec::new(),
            concat: Vec::new(),
        }
    }
}

/// Parses `whole` as Go's `regexp.Compile` does, into a tree; `rune_limit` bounds the
/// runes of its character classes (ucore's memory bound, at most Go's).
pub(super) fn parse(whole: &str, rune_limit: usize) -> Result<Re, ParseError> {
    let mut p = Parser {
        whole,
        flags: Flags {
            fold: false,
            one_line: true,
            dot_nl: false,
            non_greedy: false,
        },
        groups: Vec::new(),
        nodes: 0,
        repeats: 1,
        size_tracked: false,
        runes: 0,
        rune_limit,
        tables: HashMap::new(),
    };
    p.groups.push(Group::new(false, p.flags));
    let mut pos = 0;
    // where the repetition operator just parsed started, if the last token was one
    let mut last_repeat: Option<usize> = None;
    while pos < whole.len() {
        let mut repeat = None;
        let t = &whole[pos..];
        pos = match t.as_bytes()[0] {
            b'(' if t.as_bytes().get(1) == Some(&b'?') => p.perl_flags(pos)?,
            b'(' => {
                p.groups.push(Group::new(true, p.flags));
                pos + 1
            }
            b'|' => {
                p.vertical_bar()?;
                pos + 1
            }
            b')' => {
                p.right_paren()?;
                pos + 1
            }
            c @ (b'^' | b'$' | b'.') => {
                p.push_new(p.flags.metacharacter(c))?;
                pos + 1
            }
            b'[' => p.class(pos)?,
            c @ (b'*' | b'+' | b'?') => {
                let (op, min, max) = match c {
                    b'*' => (RepeatOp::Star, 0, None),
                    b'+' => (RepeatOp::Plus, 1, None),
                    _ => (RepeatOp::Quest, 0, Some(1)),
                };
                repeat = Some(pos);
                p.repeat(op, min, max, pos, pos + 1, last_repeat)?
            }
            b'{' => match counted_repeat(t) {
                None => {
                    p.literal(u32::from('{'))?;
                    pos + 1
                }
                Some((min, max, len)) => {
                    let after = pos + len;
                    if !(0..=MAX_REPEAT).contains(&min) || max > MAX_REPEAT || max >= 0 && min > max
                    {
                        return Err(syntax(ErrorCode::InvalidRepeatSize, &whole[pos..after]));
                    }
                    let max = u32::try_from(max).ok();
                    repeat = Some(pos);
                    p.repeat(RepeatOp::Counted, min as u32, max, pos, after, last_repeat)?
                }
            },
            b'\\' => p.backslash(pos)?,
            _ => {
                let c = t.chars().next().unwrap_or_default();
                p.literal(u32::from(c))?;
                pos + c.len_utf8()
            }
        };
        last_repeat = repeat;
    }
    let re = p.finish_group()?;
    if !p.groups.is_empty() {
        return Err(syntax(ErrorCode::MissingParen, whole));
    }
    Ok(re)
}

struct Parser<'a> {
    whole: &'a str,
    flags: Flags,
    /// The open groups, the whole pattern's first.
    groups: Vec<Group>,
    /// Nodes built so far (Go's `numRegexp`, near enough).
    nodes: u64,
    /// The product of the counted repetitions seen (Go's `repeats`), up to [`MAX_SIZE`].
    repeats: u64,
    /// Whether Go would be checking compiled sizes by now.
    size_tracked: bool,
    /// Runes pushed so far (Go's `numRunes`: literal characters, and two per class range).
    runes: usize,
    rune_limit: usize,
    /// The Unicode tables looked up so far, by name.
    tables: HashMap<&'a str, ClassUnicode>,
}

impl<'a> Parser<'a> {
    fn group(&mut self) -> &mut Group {
        self.groups
            .last_mut()
            .expect("the whole pattern's group is open")
    }

    /// A new node, checked against Go's limits.
    fn node(&mut self, kind: Kind) -> Result<Re, ParseError> {
        self.nodes += 1;
        let re = Re::new(kind);
        self.check_limits(&re)?;
        Ok(re)
    }

    /// Go's `checkLimits`: runes, compiled size (once enough nodes and repetitions make it
    /// worth checking) and height.
    fn check_limits(&mut self, re: &Re) -> Result<(), ParseError> {
        if self.runes > MAX_RUNES {
            return Err(syntax(ErrorCode::InternalError, self.whole));
        }
        if self.runes > self.rune_limit {
            return Err(ParseError::ClassesTooLarge);
        }
        if !self.size_tracked {
            if let Kind::Repeat {
                op: RepeatOp::Counted,
                min,
                max,
                ..
            } = &re.kind
            {
                let n = u64::from(max.unwrap_or(*min)).max(1);
                self.repeats = if n > MAX_SIZE / self.repeats {
                    MAX_SIZE
                } else {
                    self.repeats * n
                };
            }
            self.size_tracked = self.nodes >= MAX_SIZE / self.repeats;
        }
        if self.size_tracked && re.size > MAX_SIZE {
            return Err(syntax(ErrorCode::InternalError, self.whole));
        }
        if self.nodes >= u64::from(MAX_HEIGHT) && re.height > MAX_HEIGHT {
            return Err(syntax(ErrorCode::NestingDepth, self.whole));
        }
        Ok(())
    }

    fn push_new(&mut self, kind: Kind) -> Result<(), ParseError> {
        let re = self.node(kind)?;
        self.push(re)
    }

    /// Go's `push`: a one-character class becomes a literal, and the two literals on top
    /// of the concatenation so far merge (the one now below the new node can no longer be
    /// repeated alone).
    fn push(&mut self, mut re: Re) -> Result<(), ParseError> {
        self.runes += match &re.kind {
            Kind::Literal { chars, .. } => chars.len(),
            Kind::Class(c) => 2 * c.ranges().len(),
            _ => 0,
        };
        if let Kind::Class(c) = &re.kind
            && let [r] = c.ranges()
            && r.start() == r.end()
        {
            re = Re::new(Kind::Literal {
                chars: vec![r.start()],
                fold: false,
            });
        }
        self.merge_top_literals();
        self.check_limits(&re)?;
        self.group().concat.push(re);
        Ok(())
    }

    /// Go's `maybeConcat`: merges the two nodes on top of the concatenation when both are
    /// literals with the same case folding.
    fn merge_top_literals(&mut self) {
        let concat = &mut self.group().concat;
        let n = concat.len();
        if n < 2 {
            return;
        }
        match (concat[n - 2].literal_fold(), concat[n - 1].literal_fold()) {
            (Some(a), Some(b)) if a == b => {}
            _ => return,
        }
        if let Some(Re {
            kind: Kind::Literal { chars: top, .. },
            ..
        }) = concat.pop()
            && let Some(below) = concat.last_mut()
            && let Kind::Literal { chars, fold } = &mut below.kind
        {
            chars.extend(top);
            *below = Re::new(Kind::Literal {
                chars: std::mem::take(chars),
                fold: *fold,
            });
        }
    }

    /// A literal character (a Go rune: a surrogate code point is kept as a class matching
    /// nothing, which is what it matches in Go).
    fn literal(&mut self, rune: u32) -> Result<(), ParseError> {
        let kind = match char::from_u32(rune) {
            Some(c) => Kind::Literal {
                chars: vec![c],
                fold: self.flags.fold,
            },
            None => Kind::Class(ClassUnicode::empty()),
        };
        self.push_new(kind)
    }

    /// `*`, `+`, `?` or `{…}` from `before` to `after`: wraps the node on top. Go's order
    /// of errors: nested repetition, then missing argument, then limits, then the count.
    fn repeat(
        &mut self,
        op: RepeatOp,
        min: u32,
        max: Option<u32>,
        before: usize,
        mut after: usize,
        last_repeat: Option<usize>,
    ) -> Result<usize, ParseError> {
        let whole = self.whole;
        let mut greedy = !self.flags.non_greedy;
        if whole[after..].starts_with('?') {
            after += 1;
            greedy = !greedy;
        }
        if let Some(last) = last_repeat {
            return Err(syntax(ErrorCode::InvalidRepeatOp, &whole[last..after]));
        }
        let Some(sub) = self.group().concat.pop() else {
            return Err(syntax(
                ErrorCode::MissingRepeatArgument,
                &whole[before..after],
            ));
        };
        let re = self.node(Kind::Repeat {
            op,
            min,
            max,
            greedy,
            sub: Box::new(sub),
        })?;
        let counted_over_one = op == RepeatOp::Counted && (min >= 2 || max.is_some_and(|m| m >= 2));
        if counted_over_one && !re.repeat_is_valid(MAX_REPEAT as u32) {
            return Err(syntax(ErrorCode::InvalidRepeatSize, &whole[before..after]));
        }
        self.group().concat.push(re);
        Ok(after)
    }

    /// `(?` at `pos`: a named capture `(?P<name>`, or flags with or without a group.
    fn perl_flags(&mut self, pos: usize) -> Result<usize, ParseError> {
        let t = &self.whole[pos..];
        if t.len() > 4 && t.as_bytes()[2] == b'P' && t.as_bytes()[3] == b'<' {
            let Some(end) = t.find('>') else {
                return Err(syntax(ErrorCode::InvalidNamedCapture, t));
            };
            let name = &t[4..end];
            let valid =
                !name.is_empty() && name.bytes().all(|b| b == b'_' || b.is_ascii_alphanumeric());
            if !valid {
                return Err(syntax(ErrorCode::InvalidNamedCapture, &t[..=end]));
            }
            self.groups.push(Group::new(true, self.flags));
            return Ok(pos + end + 1);
        }
        let mut flags = self.flags;
        let mut negated = false;
        let mut saw_flag = false;
        let mut i = 2;
        while let Some(c) = t[i..].chars().next() {
            i += c.len_utf8();
            let set = !negated;
            match c {
                'i' => flags.fold = set,
                'm' => flags.one_line = !set,
                's' => flags.dot_nl = set,
                'U' => flags.non_greedy = set,
                '-' if !negated => {
                    negated = true;
                    saw_flag = false;
                    continue;
                }
                ':' | ')' if !negated || saw_flag => {
                    if c == ':' {
                        self.groups.push(Group::new(false, self.flags));
                    }
                    self.flags = flags;
                    return Ok(pos + i);
                }
                _ => break,
            }
            saw_flag = true;
        }
        Err(syntax(ErrorCode::InvalidPerlOp, &t[..i]))
    }

    /// `|`: the concatenation so far becomes an alternative.
    fn vertical_bar(&mut self) -> Result<(), ParseError> {
        let re = self.finish_concat()?;
        self.group().alternatives.push(re);
        Ok(())
    }

    /// `)`: closes the innermost group.
    fn right_paren(&mut self) -> Result<(), ParseError> {
        let (re, capture) = self.finish_group_keeping()?;
        if self.groups.is_empty() {
            return Err(syntax(ErrorCode::UnexpectedParen, self.whole));
        }
        let re = if capture {
            self.node(Kind::Capture(Box::new(re)))?
        } else {
            re
        };
        self.push(re)
    }

    /// Closes the innermost group at the end of the pattern.
    fn finish_group(&mut self) -> Result<Re, ParseError> {
        self.finish_group_keeping().map(|(re, _)| re)
    }

    /// Closes the innermost group: its alternation, whether it captures; restores the
    /// flags it saved.
    fn finish_group_keeping(&mut self) -> Result<(Re, bool), ParseError> {
        let last = self.finish_concat()?;
        let group = self.groups.pop().expect("a group is open");
        let (mut alternatives, capture) = (group.alternatives, group.capture);
        self.flags = group.saved;
        alternatives.push(last);
        let re = self.alternate(alternatives)?;
        Ok((re, capture))
    }

    /// Go's `concat`: the current concatenation as one node (flattened), or an empty match.
    fn finish_concat(&mut self) -> Result<Re, ParseError> {
        self.merge_top_literals();
        let items = std::mem::take(&mut self.group().concat);
        let subs = flatten(items, |k| match k {
            Kind::Concat(inner) => Ok(inner),
            k => Err(k),
        });
        self.collapse(subs, Kind::EmptyMatch, Kind::Concat)
    }

    /// Go's `collapse`: no nodes as `none`, one as itself, more as `many`.
    fn collapse(
        &mut self,
        mut subs: Vec<Re>,
        none: Kind,
        many: fn(Vec<Re>) -> Kind,
    ) -> Result<Re, ParseError> {
        let re = match subs.len() {
            0 => self.node(none)?,
            1 => subs.pop().expect("one node"),
            _ => self.node(many(subs))?,
        };
        self.check_limits(&re)?;
        Ok(re)
    }

    /// Go's `alternate`: flattened, runs of single characters and classes merged into one
    /// class, runs of empty matches into one.
    fn alternate(&mut self, alternatives: Vec<Re>) -> Result<Re, ParseError> {
        let flat = flatten(alternatives, |k| match k {
            Kind::Alternate(inner) => Ok(inner),
            k => Err(k),
        });
        let mut out: Vec<Re> = Vec::with_capacity(flat.len());
        for re in flat {
            let merge_class = re.is_char_class() && out.last().is_some_and(Re::is_char_class);
            let merge_empty = matches!(re.kind, Kind::EmptyMatch)
                && out
                    .last()
                    .is_some_and(|l| matches!(l.kind, Kind::EmptyMatch));
            if merge_class {
                let mut class = out.pop().expect("a class").to_class();
                class.union(&re.to_class());
                out.push(Re::new(Kind::Class(class)));
            } else if !merge_empty {
                out.push(re);
            }
        }
        self.collapse(out, Kind::NoMatch, Kind::Alternate)
    }

    /// `\` at `pos`: an assertion, `\Q…\E`, a class or an escaped character.
    fn backslash(&mut self, pos: usize) -> Result<usize, ParseError> {
        let whole = self.whole;
        let t = &whole[pos..];
        let second = t.as_bytes().get(1).copied();
        let assertion = match second {
            Some(b'A') => Some(Kind::BeginText),
            Some(b'b') => Some(Kind::WordBoundary),
            Some(b'B') => Some(Kind::NoWordBoundary),
            Some(b'z') => Some(Kind::EndText),
            Some(b'C') => return Err(syntax(ErrorCode::InvalidEscape, &t[..2])),
            Some(b'Q') => {
                let rest = &t[2..];
                let (quoted, len) = match rest.find("\\E") {
                    Some(end) => (&rest[..end], 2 + end + 2),
                    None => (rest, t.len()),
                };
                for c in quoted.chars() {
                    self.literal(u32::from(c))?;
                }
                return Ok(pos + len);
            }
            _ => None,
        };
        if let Some(kind) = assertion {
            self.push_new(kind)?;
            return Ok(pos + 2);
        }
        if matches!(second, Some(b'p' | b'P')) {
            let (class, len) = self.unicode_class(t)?;
            self.push_new(Kind::Class(class))?;
            return Ok(pos + len);
        }
        if let Some(group) = second.and_then(classes::perl) {
            let class = group.class(self.flags.fold);
            self.push_new(Kind::Class(class))?;
            return Ok(pos + 2);
        }
        let (rune, len) = escape(t)?;
        self.literal(rune)?;
        Ok(pos + len)
    }

    /// `\pN`, `\p{Name}`, `\PN`, `\P{Name}` (and `\p{^Name}`) at the start of `t`: the
    /// class and the length of its text.
    fn unicode_class(&mut self, t: &'a str) -> Result<(ClassUnicode, usize), ParseError> {
        let mut negated = t.as_bytes()[1] == b'P';
        let (written, name) = match t[2..].chars().next() {
            Some('{') => {
                let Some(end) = t.find('}') else {
                    return Err(syntax(ErrorCode::InvalidCharRange, t));
                };
                (&t[..=end], &t[3..end])
            }
            Some(c) => (&t[..2 + c.len_utf8()], &t[2..2 + c.len_utf8()]),
            None => (&t[..2], ""),
        };
        let name = match name.strip_prefix('^') {
            Some(rest) => {
                negated = !negated;
                rest
            }
            None => name,
        };
        let table = match self.tables.get(name) {
            Some(table) => table.clone(),
            None => {
                let table = classes::unicode(name)
                    .ok_or_else(|| syntax(ErrorCode::InvalidCharRange, written))?;
                self.tables.insert(name, table.clone());
                table
            }
        };
        let mut class = table;
        classes::finish(&mut class, self.flags.fold, negated);
        Ok((class, written.len()))
    }

    /// A bracketed class `[…]` at `pos`.
    fn class(&mut self, pos: usize) -> Result<usize, ParseError> {
        let whole = self.whole;
        let t = &whole[pos..];
        let bytes = t.as_bytes();
        let fold = self.flags.fold;
        let mut i = 1;
        let negated = bytes.get(1) == Some(&b'^');
        if negated {
            i += 1;
        }
        let mut class = ClassUnicode::empty();
        let mut first = true;
        while i == t.len() || bytes[i] != b']' || first {
            first = false;
            let u = &t[i..];
            if u.len() > 2
                && u.starts_with("[:")
                && let Some(end) = u[2..].find(":]")
            {
                let written = &u[..end + 4];
                let group = classes::posix(written)
                    .ok_or_else(|| syntax(ErrorCode::InvalidCharRange, written))?;
                class.union(&group.class(fold));
                i += written.len();
                continue;
            }
            if u.starts_with("\\p") || u.starts_with("\\P") {
                let (c, len) = self.unicode_class(u)?;
                class.union(&c);
                i += len;
                continue;
            }
            if let Some(group) = u
                .strip_prefix('\\')
                .and_then(|e| e.bytes().next())
                .and_then(classes::perl)
            {
                class.union(&group.class(fold));
                i += 2;
                continue;
            }
            let start = i;
            let (lo, len) = class_char(u, t)?;
            i += len;
            let mut hi = lo;
            if bytes.len() >= i + 2 && bytes[i] == b'-' && bytes[i + 1] != b']' {
                i += 1;
                let (h, len) = class_char(&t[i..], t)?;
                i += len;
                if h < lo {
                    return Err(syntax(ErrorCode::InvalidCharRange, &t[start..i]));
                }
                hi = h;
            }
            if let Some(range) = char_range(lo, hi) {
                let mut part = ClassUnicode::new([range]);
                classes::finish(&mut part, fold, false);
                class.union(&part);
            }
        }
        if negated {
            class.negate();
        }
        self.push_new(Kind::Class(class))?;
        Ok(pos + i + 1)
    }
}

/// `items`, with the children of those `inner` opens (Go hoists the subexpressions of a
/// concatenation into the concatenation around it, and alternations likewise).
fn flatten(items: Vec<Re>, inner: fn(Kind) -> Result<Vec<Re>, Kind>) -> Vec<Re> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        match inner(item.kind) {
            Ok(subs) => out.extend(subs),
            Err(kind) => out.push(Re {
                kind,
                height: item.height,
                size: item.size,
            }),
        }
    }
    out
}
