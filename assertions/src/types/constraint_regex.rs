//! The regular expressions of account-key `constraints`, compiled as Go's `regexp` reads
//! them and within a memory budget.
//!
//! snapd compiles each constraint string with Go's `regexp.Compile("^(" + s + ")$")`
//! (`asserts/constraint.go`, `compileAttrMatcher`). Two things keep ucore's compiled form
//! both faithful and bounded:
//!
//! - **Go's Perl classes are ASCII.** In Go `\d`, `\w`, `\s` and `\b` mean `[0-9]`,
//!   `[0-9A-Za-z_]`, `[\t\n\f\r ]` and an ASCII word boundary; in Rust's `regex` they are
//!   Unicode classes. The pattern is rewritten to the ASCII forms before it is compiled, so
//!   it matches what snapd matches, and so that `\w{200}` (11 MB compiled as a Unicode
//!   class) costs 50 KB as in Go.
//! - **A budget per assertion.** All the constraints of one account-key share a budget of
//!   compiled memory: 256 KiB plus 256 bytes per byte of pattern text. Rust compiles a
//!   pattern into automata whose size Go's backtracking-free matcher does not need (Go
//!   keeps `\pL` as one rune class), so a few bytes like `\pL{1000}` could otherwise take
//!   tens of megabytes each. Past the budget the account-key is refused: a deliberate
//!   difference from snapd for constraints no real key has.

use std::fmt;

use regex_automata::meta::Regex;

/// Compiled memory allowed for one account-key's constraints, before the per-byte part.
const BUDGET_FIXED: usize = 256 << 10;
/// Compiled memory allowed per byte of constraint pattern text.
const BUDGET_PER_PATTERN_BYTE: usize = 256;

/// One compiled constraint: the pattern as written and its anchored, ASCII-class form.
#[derive(Clone)]
pub struct ConstraintRegex {
    pattern: String,
    regex: Regex,
}

impl ConstraintRegex {
    /// The pattern as the account-key wrote it (without the `^(…)$` anchoring).
    pub fn as_str(&self) -> &str {
        &self.pattern
    }

    /// Whether the whole of `value` matches (the pattern is anchored at both ends).
    pub fn is_match(&self, value: &str) -> bool {
        self.regex.is_match(value)
    }
}

impl fmt::Debug for ConstraintRegex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ConstraintRegex")
            .field(&self.pattern)
            .finish()
    }
}

/// The compiled memory the constraints of one account-key may still take.
pub(crate) struct Budget {
    remaining: usize,
}

impl Budget {
    /// The budget for constraints whose patterns add up to `pattern_bytes`.
    pub(crate) fn for_patterns(pattern_bytes: usize) -> Self {
        Budget {
            remaining: pattern_bytes
                .saturating_mul(BUDGET_PER_PATTERN_BYTE)
                .saturating_add(BUDGET_FIXED),
        }
    }
}

/// Why a constraint did not compile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CompileError {
    /// The regex parser's message (its last line, as `regex` prints it).
    Syntax(String),
    /// The key's constraints together need more memory than their budget.
    TooLarge,
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CompileError::Syntax(s) => f.write_str(s),
            CompileError::TooLarge => f.write_str("the key's constraints are too large to compile"),
        }
    }
}

/// Compiles `pattern` anchored as `^(…)$`, charging its size to `budget`.
pub(crate) fn compile(pattern: &str, budget: &mut Budget) -> Result<ConstraintRegex, CompileError> {
    let anchored = format!("^({})$", go_ascii_classes(pattern));
    // The forward and reverse automata are each bounded, and building them takes about as
    // much again: a quarter of what is left for each.
    let limit = budget.remaining / 4;
    let config = Regex::config()
        .nfa_size_limit(Some(limit))
        .onepass_size_limit(Some(limit))
        // no full DFA (up to 40 MiB by default); the lazy DFA's cache is filled while
        // matching only, and kept small
        .dfa(false)
        .hybrid_cache_capacity(256 << 10);
    let regex = Regex::builder()
        .configure(config)
        .build(&anchored)
        .map_err(|e| match e.syntax_error() {
            Some(s) => CompileError::Syntax(
                s.to_string()
                    .lines()
                    .last()
                    .unwrap_or_default()
                    .trim()
                    .to_owned(),
            ),
            None => CompileError::TooLarge,
        })?;
    budget.remaining = budget
        .remaining
        .checked_sub(regex.memory_usage())
        .ok_or(CompileError::TooLarge)?;
    Ok(ConstraintRegex {
        pattern: pattern.to_owned(),
        regex,
    })
}

/// Rewrites the Perl classes of a Go pattern (`\d \D \w \W \s \S \b \B`) to the ASCII
/// classes Go gives them, outside and inside bracketed classes, and Go's `\Q…\E` quoting to
/// escaped text; everything else, POSIX classes included, is copied as it is.
fn go_ascii_classes(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars().peekable();
    // Depth of bracketed classes (Rust's syntax nests them), and whether a `]` now would
    // be a literal (first in its class).
    let mut depth = 0usize;
    let mut literal_bracket = false;
    while let Some(c) = chars.next() {
        let first_in_class = std::mem::take(&mut literal_bracket);
        match c {
            '\\' => {
                let Some(e) = chars.next() else {
                    out.push('\\');
                    break;
                };
                if e == 'Q' && depth == 0 {
                    // \Q…\E (Go's literal quoting, which Rust's syntax lacks): the text up to
                    // \E (or the end), escaped
                    let mut literal = String::new();
                    while let Some(q) = chars.next() {
                        if q == '\\' && chars.peek() == Some(&'E') {
                            chars.next();
                            break;
                        }
                        literal.push(q);
                    }
                    out.push_str(&regex::escape(&literal));
                    continue;
                }
                match ascii_class(e, depth > 0) {
                    Some(replacement) => out.push_str(replacement),
                    None => {
                        out.push('\\');
                        out.push(e);
                    }
                }
            }
            '[' if depth > 0 && chars.peek() == Some(&':') => {
                // a POSIX class `[:name:]`, copied through its `:]`
                out.push('[');
                let mut previous = '\0';
                for p in chars.by_ref() {
                    out.push(p);
                    if previous == ':' && p == ']' {
                        break;
                    }
                    previous = p;
                }
            }
            '[' => {
                depth += 1;
                out.push('[');
                if chars.peek() == Some(&'^') {
                    chars.next();
                    out.push('^');
                }
                literal_bracket = true;
            }
            ']' if depth > 0 && !first_in_class => {
                depth -= 1;
                out.push(']');
            }
            c => out.push(c),
        }
    }
    out
}

/// Go's ASCII meaning of the Perl class `\e`, written for outside or inside a bracketed
/// class; `None` for any other escape.
fn ascii_class(e: char, in_class: bool) -> Option<&'static str> {
    Some(match (e, in_class) {
        ('d', false) => "[0-9]",
        ('d', true) => "0-9",
        ('D', _) => "[^0-9]",
        ('w', false) => "[0-9A-Za-z_]",
        ('w', true) => "0-9A-Za-z_",
        ('W', _) => "[^0-9A-Za-z_]",
        ('s', false) => "[\\t\\n\\f\\r\\x20]",
        ('s', true) => "\\t\\n\\f\\r\\x20",
        ('S', _) => "[^\\t\\n\\f\\r\\x20]",
        ('b', false) => "(?-u:\\b)",
        ('B', false) => "(?-u:\\B)",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn re(p: &str) -> ConstraintRegex {
        compile(p, &mut Budget::for_patterns(p.len())).unwrap()
    }

    #[test]
    fn perl_classes_are_ascii_as_in_go() {
        assert!(re("\\w+").is_match("abc_09"));
        assert!(!re("\\w+").is_match("é"));
        assert!(re("\\W").is_match("é"));
        assert!(!re("\\d").is_match("٣"));
        assert!(re("[\\d-]+").is_match("1-2"));
        assert!(!re("[\\w]").is_match("é"));
        assert!(re("[^\\w]").is_match("é"));
        assert!(!re("\\s").is_match("\u{b}"));
        assert!(re("a\\b").is_match("a"));
        assert!(re("\\Q\\w\\E").is_match("\\w"));
        assert!(re("[[:alpha:]]\\w").is_match("ab"));
        assert!(re("[]\\w]+").is_match("]a"));
        assert_eq!(re("acme-.*").as_str(), "acme-.*");
        assert!(re("acme-.*").is_match("acme-x") && !re("acme-.*").is_match("xacme-"));
    }

    #[test]
    fn the_budget_bounds_what_patterns_compile_to() {
        // 11 MB as a Unicode class, 50 KB as Go's ASCII one
        assert!(compile("\\w{200}", &mut Budget::for_patterns(7)).is_ok());
        let err = compile("\\pL{1000}", &mut Budget::for_patterns(9)).unwrap_err();
        assert_eq!(err, CompileError::TooLarge);
        // the budget is shared: it runs out over many patterns
        let mut budget = Budget::for_patterns(0);
        let mut n = 0;
        while compile("[0-9a-z]{40}", &mut budget).is_ok() {
            n += 1;
            assert!(n < 10_000, "the budget never ran out");
        }
        assert!(n > 1);
    }

    #[test]
    fn syntax_errors_keep_the_parsers_text() {
        let err = compile("(", &mut Budget::for_patterns(1)).unwrap_err();
        assert_eq!(
            err,
            CompileError::Syntax("error: unclosed group".to_owned())
        );
    }
}
