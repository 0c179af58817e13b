//! The regular expressions of rules (snap- and base-declaration `plugs`/`slots`) and of
//! account-key `constraints`, read as Go's `regexp` reads them and within a memory budget.
//!
//! snapd compiles each constraint string with Go's `regexp.Compile("^(" + s + ")$")`
//! (`asserts/constraint.go`, `compileAttrMatcher`). Two things keep ucore's compiled form
//! both faithful and bounded:
//!
//! - **Go's syntax and dialect.** The anchored pattern is parsed by Go's rules
//!   ([`crate::go_regexp`]): what Go refuses fails with Go's error text, and what it
//!   accepts is compiled from the parsed expression, so it matches what snapd matches
//!   (ASCII `\d \w \s \b`, `x{,3}` literal, `\Q…\E`, counts up to 1000), and `\w{200}`
//!   costs 50 KB as in Go rather than 11 MB as a Unicode class.
//! - **A budget per assertion.** All the patterns of one assertion share a budget of
//!   memory: 256 KiB plus 256 bytes per byte of pattern text. Decoding charges what it
//!   keeps (the parsed expressions and their classes) and refuses the assertion past the
//!   budget; the automaton of a pattern is built on its first match ([`ConstraintRegex`]),
//!   within the share of the budget left when it was decoded. Rust's automata can be far
//!   larger than what Go's matcher needs (Go keeps `\pL` as one rune class), so a few
//!   bytes like `\pL{1000}` could otherwise take tens of megabytes each.

use std::fmt;

use regex_automata::Input;
use regex_automata::nfa::thompson::{self, WhichCaptures, pikevm::PikeVM};
use regex_syntax::hir::Hir;
use std::sync::OnceLock;

use crate::go_regexp;

/// Compiled memory allowed for one account-key's constraints, before the per-byte part.
const BUDGET_FIXED: usize = 256 << 10;
/// Compiled memory allowed per byte of constraint pattern text.
const BUDGET_PER_PATTERN_BYTE: usize = 256;
/// What a checked regex holds beyond its expression.
const REGEX_OVERHEAD: usize = 1 << 10;

/// One compiled constraint: the pattern as written, checked by Go's rules, and its
/// anchored, ASCII-class form.
///
/// Decoding checks the pattern (Go's syntax and errors, [`crate::go_regexp`]) and keeps the
/// parsed expression; the automaton, a Thompson NFA run by a PikeVM, is built on the first
/// match. Most patterns of a declaration are never matched by the program that decodes it
/// (a store serving assertions, a device checking one interface), and building automata
/// for all of them was most of the cost of decoding a declaration. The NFA may take at most
/// the share of the assertion's memory budget left when the pattern was decoded; a pattern
/// whose NFA would take more never matches (snapd would match it: a deliberate difference
/// for patterns no real declaration has, such as half a dozen `\pL{1000}`).
#[derive(Clone)]
pub struct ConstraintRegex {
    pattern: String,
    hir: Hir,
    nfa_limit: usize,
    vm: OnceLock<Option<PikeVM>>,
}

impl ConstraintRegex {
    /// The pattern as the account-key wrote it (without the `^(…)$` anchoring).
    pub fn as_str(&self) -> &str {
        &self.pattern
    }

    /// Whether `value` matches `^(pattern)$`: the whole of it, unless the pattern's own
    /// `)` and `(` unbalance the anchoring (`a)|(b` is `^(a)|(b)$`, which matches any
    /// string ending in `b`, as in snapd), so the search itself is not anchored.
    pub fn is_match(&self, value: &str) -> bool {
        let Some(vm) = self.vm.get_or_init(|| build(&self.hir, self.nfa_limit)) else {
            return false;
        };
        let mut cache = vm.create_cache();
        vm.is_match(&mut cache, Input::new(value))
    }
}

/// The PikeVM of `hir`, if its NFA fits in `limit` bytes.
fn build(hir: &Hir, limit: usize) -> Option<PikeVM> {
    let nfa = thompson::Compiler::new()
        .configure(
            thompson::Config::new()
                .nfa_size_limit(Some(limit))
                .which_captures(WhichCaptures::Implicit),
        )
        .build_from_hir(hir)
        .ok()?;
    PikeVM::new_from_nfa(nfa).ok()
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
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum CompileError {
    /// Go refuses the pattern: its error, with Go's text.
    #[error(transparent)]
    Syntax(#[from] go_regexp::SyntaxError),
    /// The key's constraints together need more memory than their budget.
    #[error("the key's constraints are too large to compile")]
    TooLarge,
}

/// Compiles `pattern` anchored as `^(…)$`, charging its size to `budget`.
pub(crate) fn compile(pattern: &str, budget: &mut Budget) -> Result<ConstraintRegex, CompileError> {
    let anchored = format!("^({pattern})$");
    // A class rune takes 4 bytes as Go keeps it: the classes may use the budget too.
    let limits = go_regexp::Limits {
        class_runes: budget.remaining / 4,
    };
    let hir = go_regexp::parse_with(&anchored, limits).map_err(|e| match e {
        go_regexp::ParseError::Syntax(e) => CompileError::Syntax(e),
        go_regexp::ParseError::ClassesTooLarge => CompileError::TooLarge,
    })?;
    // The expression is held as parsed (its classes were charged above through
    // `class_runes`); its NFA, built on the first match, may take half of what is left.
    let held = anchored
        .len()
        .saturating_mul(16)
        .saturating_add(REGEX_OVERHEAD);
    budget.remaining = budget
        .remaining
        .checked_sub(held)
        .ok_or(CompileError::TooLarge)?;
    Ok(ConstraintRegex {
        pattern: pattern.to_owned(),
        hir,
        nfa_limit: budget.remaining / 2,
        vm: OnceLock::new(),
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
        // 11 MB as a Unicode class, 50 KB as Go's ASCII one: built on the first match,
        // within the budget.
        let ascii = compile("\\w{200}", &mut Budget::for_patterns(7)).unwrap();
        assert!(ascii.is_match(&"a".repeat(200)));
        // Tens of megabytes of automaton: decoded, but it never matches.
        let letters = compile("\\pL{1000}", &mut Budget::for_patterns(9)).unwrap();
        assert!(!letters.is_match(&"a".repeat(1000)));
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
    fn syntax_errors_are_gos() {
        let err = compile("(", &mut Budget::for_patterns(1)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "error parsing regexp: missing closing ): `^(()$`"
        );
        let err = compile("[", &mut Budget::for_patterns(1)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "error parsing regexp: missing closing ]: `[)$`"
        );
    }
}
