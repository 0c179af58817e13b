//! Fuzzes `ucore_assertions::go_regexp`, Go's regexp syntax read by Go's rules, as it is
//! given and anchored as snapd anchors rule and constraint regexps (`^(…)$`). Nothing may
//! panic; the class memory is bounded; an error quotes a part of the pattern (Go's
//! fragments are always substrings); an accepted pattern compiles (within a size limit)
//! and matches without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use regex_automata::meta::Regex;
use ucore_assertions::go_regexp::{self, Limits, ParseError};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let limits = Limits {
        class_runes: 64 * text.len() + 4096,
    };
    for pattern in [text.to_owned(), format!("^({text})$")] {
        match go_regexp::parse_with(&pattern, limits) {
            Ok(hir) => {
                let config = Regex::config()
                    .nfa_size_limit(Some(1 << 20))
                    .onepass_size_limit(Some(1 << 20))
                    .dfa(false);
                if let Ok(re) = Regex::builder().configure(config).build_from_hir(&hir) {
                    let _ = re.is_match(text);
                    let _ = re.is_match("");
                }
            }
            Err(ParseError::Syntax(e)) => {
                assert!(pattern.contains(&e.fragment), "{e} for {pattern:?}");
            }
            Err(ParseError::ClassesTooLarge) => {}
        }
    }
});
