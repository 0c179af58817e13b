//! Account-key `constraints` (format 1, spec §4.2): a key may sign an assertion only if the
//! assertion's headers match at least one constraint's `headers` map.
//!
//! Matchers: a string is a regular expression anchored as `^(…)$` (Rust `regex`, RE2
//! syntax like Go's), `$MISSING` matches an absent header, a list is a set of
//! alternatives, a map matches a map header key by key. A list-valued header matches a
//! string matcher when every element does.

use ucore_assertions::{Assertion, AssertionAccess, HeaderMap, HeaderValue};

const MAX_DEPTH: usize = 16;

fn matches(matcher: &HeaderValue<'_>, value: Option<&HeaderValue<'_>>, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    match matcher {
        HeaderValue::String(pattern) if pattern.as_ref() == "$MISSING" => value.is_none(),
        HeaderValue::String(pattern) => {
            let Ok(re) = regex::Regex::new(&format!("^(?:{pattern})$")) else {
                return false;
            };
            match value {
                Some(HeaderValue::String(s)) => re.is_match(s),
                Some(HeaderValue::List(items)) => {
                    items.iter().all(|i| matches(matcher, Some(i), depth + 1))
                }
                _ => false,
            }
        }
        HeaderValue::List(alternatives) => {
            alternatives.iter().any(|m| matches(m, value, depth + 1))
        }
        HeaderValue::Map(want) => match value {
            Some(HeaderValue::Map(have)) => map_matches(want, |k| have.get(k), depth + 1),
            _ => false,
        },
    }
}

fn map_matches<'v>(
    want: &HeaderMap<'_>,
    lookup: impl Fn(&str) -> Option<&'v HeaderValue<'v>>,
    depth: usize,
) -> bool {
    want.iter()
        .all(|(k, m)| matches(m, lookup(k.as_ref()), depth))
}

/// Whether an account-key with these `constraints` may sign `assertion`. No `constraints`
/// header means no restriction.
pub(crate) fn can_sign(
    account_key: &Assertion,
    assertion: &(impl AssertionAccess + ?Sized),
) -> bool {
    let Some(HeaderValue::List(constraints)) = account_key.header("constraints") else {
        return account_key.header("constraints").is_none();
    };
    constraints.iter().any(|c| {
        let Some(HeaderValue::Map(headers)) = c.as_map().and_then(|m| m.get("headers")) else {
            return false;
        };
        map_matches(headers, |k| assertion.header(k), 0)
    })
}
