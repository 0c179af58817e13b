//! Name constraints, `plug-names` and `slot-names` (policy.md §4.1): a plug's or slot's
//! name must match one entry, a regexp or a special `$` value (`$INTERFACE`).

use serde::{Serialize, Serializer};
use ucore_go_text::quote;

use crate::headers::HeaderValue;
use crate::types::constraint_regex::Budget;

use super::anchored::AnchoredRegex;
use super::error::NameConstraintsError;

/// One entry of a name constraint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameMatcher {
    /// A regexp, anchored.
    Regex(AnchoredRegex),
    /// A special value such as `$INTERFACE`, replaced when checking.
    Special(String),
}

impl Serialize for NameMatcher {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            NameMatcher::Regex(re) => re.serialize(serializer),
            NameMatcher::Special(s) => serializer.serialize_str(s),
        }
    }
}

/// Compiled `plug-names` or `slot-names` (snapd's `NameConstraints`): serializes as the
/// list of anchored regexps and special values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct NameConstraints {
    /// The entries, in order; a name matches if any entry matches.
    pub matchers: Vec<NameMatcher>,
}

/// Whether `s` is a special value: `^\$[A-Z][A-Z0-9_]*$`.
pub(crate) fn is_special(s: &str) -> bool {
    let mut bytes = s.bytes();
    bytes.next() == Some(b'$')
        && bytes.next().is_some_and(|b| b.is_ascii_uppercase())
        && bytes.all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

impl NameConstraints {
    /// Compiles the value of `key` (`plug-names` or `slot-names`).
    pub fn compile(
        key: &'static str,
        value: &HeaderValue<'_>,
    ) -> Result<Self, NameConstraintsError> {
        let mut budget = Budget::for_patterns(super::string_bytes(value));
        Self::compile_with(key, value, &mut budget)
    }

    pub(crate) fn compile_with(
        key: &'static str,
        value: &HeaderValue<'_>,
        budget: &mut Budget,
    ) -> Result<Self, NameConstraintsError> {
        let list = value
            .as_list()
            .ok_or(NameConstraintsError::NotList { key })?;
        let mut matchers = Vec::with_capacity(list.len());
        for entry in list {
            let s = entry
                .as_str()
                .ok_or(NameConstraintsError::EntryNotString { key })?;
            if s.starts_with('$') {
                if !is_special(s) {
                    return Err(NameConstraintsError::InvalidSpecial {
                        key,
                        entry: s.to_owned(),
                    });
                }
                matchers.push(NameMatcher::Special(s.to_owned()));
                continue;
            }
            if s.chars().any(char::is_whitespace) {
                return Err(NameConstraintsError::Spaces { key });
            }
            let re = AnchoredRegex::compile(s, budget).map_err(|message| {
                NameConstraintsError::Regexp {
                    key,
                    entry: s.to_owned(),
                    message,
                }
            })?;
            matchers.push(NameMatcher::Regex(re));
        }
        Ok(NameConstraints { matchers })
    }

    /// Checks `name`: `what` is `plug name` or `slot name`; `special` gives the values of
    /// special entries (`[("$INTERFACE", iface)]`); a special entry whose value is unknown
    /// or empty never matches. The error is `<what> "<name>" does not match constraints`.
    pub fn check(&self, what: &str, name: &str, special: &[(&str, &str)]) -> Result<(), String> {
        let matches = |m: &NameMatcher| match m {
            NameMatcher::Regex(re) => re.is_match(name),
            NameMatcher::Special(s) => special
                .iter()
                .any(|(k, v)| k == s && !v.is_empty() && *v == name),
        };
        if self.matchers.iter().any(matches) {
            Ok(())
        } else {
            Err(format!("{what} {} does not match constraints", quote(name)))
        }
    }
}
