//! The assertions a device may fetch: one by its primary key (the assertions endpoint,
//! `GET /v2/assertions/{type}/{key…}`), or many at once (snap action's
//! `fetch-assertions`, answered with stream URLs to that endpoint).
//!
//! A `snap-declaration` or `snap-revision` of a snap the viewer may not see is not found,
//! like the snap itself. Assertions about snaps the store has no record of (imported
//! ones) and every other type are public: accounts and account-keys must be fetchable
//! by anyone who checks a signature.

use std::collections::BTreeMap;

use ucore_assertions::{Assertion, AssertionAccess, AssertionType};
use ucore_store_client::protocol::{ActionResult, AssertionQuery, ErrorEntry};

use crate::db::AssertionRecord;
use crate::error::Error;
use crate::state::Store;
use crate::visibility::Viewer;

/// The longest primary-key value accepted.
const MAX_KEY_LEN: usize = 512;

/// Which member of a sequence is wanted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sequence {
    /// The highest sequence number stored.
    Latest,
    /// This one.
    Number(u32),
}

impl Sequence {
    /// Reads `?sequence=`: `latest` or a number ≥ 1.
    pub fn parse(s: &str) -> Result<Sequence, Error> {
        if s == "latest" {
            return Ok(Sequence::Latest);
        }
        match s.parse::<u32>() {
            Ok(n) if n >= 1 && !s.starts_with('+') => Ok(Sequence::Number(n)),
            _ => Err(Error::BadRequest(format!(
                "invalid sequence {s:?}: want \"latest\" or a number >= 1"
            ))),
        }
    }
}

/// The type named `name`.
pub fn assertion_type(name: &str) -> Result<AssertionType, Error> {
    AssertionType::from_name(name)
        .ok_or_else(|| Error::BadRequest(format!("unknown assertion type: {name:?}")))
}

/// Checks one primary-key value: not empty, not `.`/`..`, no `/`, no control
/// characters, not too long.
pub fn check_key_part(part: &str) -> Result<(), Error> {
    let bad = part.is_empty()
        || part == "."
        || part == ".."
        || part.len() > MAX_KEY_LEN
        || part
            .chars()
            .any(|c| c == '/' || c == '\\' || c.is_control());
    if bad {
        return Err(Error::BadRequest(format!(
            "invalid primary key value {part:?}"
        )));
    }
    Ok(())
}

/// The full primary key from the values given: trailing keys with defaults may be left
/// out (snapd's `ReducePrimaryKey`), and so is a sequence-forming type's sequence.
pub fn full_primary_key(t: AssertionType, given: &[String]) -> Result<Vec<String>, Error> {
    let keys = t.primary_key();
    let mut required = keys.iter().filter(|k| k.default.is_none()).count();
    if t.is_sequence_forming() {
        required = required.saturating_sub(1);
    }
    if given.len() < required || given.len() > keys.len() {
        return Err(Error::BadRequest(format!(
            "wrong primary key length for {}: {} values",
            t.name(),
            given.len()
        )));
    }
    for p in given {
        check_key_part(p)?;
    }
    let mut out = given.to_vec();
    for k in keys.iter().skip(given.len()) {
        match k.default {
            Some(d) => out.push(d.to_string()),
            None => break, // a sequence, chosen by `Sequence`
        }
    }
    Ok(out)
}

fn not_found(t: AssertionType, key: &[String]) -> Error {
    Error::NotFound(format!(
        "{} assertion not found: {}",
        t.name(),
        key.join("/")
    ))
}

/// Whether `viewer` may see `rec` (see the module doc).
async fn visible(store: &Store, viewer: &Viewer, rec: &AssertionRecord) -> Result<bool, Error> {
    if rec.snap_id.is_empty() {
        return Ok(true);
    }
    Ok(match store.db.snap_by_id(&rec.snap_id).await? {
        Some(snap) => viewer.sees(&snap, store.authority.account_id()),
        None => true,
    })
}

/// The format of a stored assertion (declarations decoded in the store's rule language,
/// as they were signed).
fn format_of(store: &Store, rec: &AssertionRecord) -> Result<i64, Error> {
    Assertion::decode_in(rec.text.as_bytes(), store.policy.rule_language())
        .map(|a| a.format())
        .map_err(|e| Error::assertion("cannot decode a stored assertion", e))
}

/// Finds a stored member of a sequence: `prefix` is the primary key without the sequence.
async fn find_in_sequence(
    store: &Store,
    t: AssertionType,
    prefix: &[String],
    sequence: Sequence,
) -> Result<Option<AssertionRecord>, Error> {
    if let Sequence::Number(n) = sequence {
        let mut key = prefix.to_vec();
        key.push(n.to_string());
        return store.db.assertion(t.name(), &key).await;
    }
    let mut best: Option<(u32, AssertionRecord)> = None;
    let members = store
        .db
        .assertions_in_sequences(t.name(), &[prefix.to_vec()])
        .await?;
    for rec in members {
        let Some((last, head)) = rec.primary_key.split_last() else {
            continue;
        };
        if head != prefix {
            continue;
        }
        let Ok(n) = last.parse::<u32>() else { continue };
        if best.as_ref().is_none_or(|(b, _)| n > *b) {
            best = Some((n, rec));
        }
    }
    Ok(best.map(|(_, r)| r))
}

/// The assertion of type `type_name` with primary key `key` (reduced or full) that
/// `viewer` may see, in a format no higher than `max_format`. For sequence-forming
/// types, `key` leaves out the sequence and `sequence` picks it (latest by default).
pub async fn lookup(
    store: &Store,
    viewer: &Viewer,
    type_name: &str,
    key: &[String],
    sequence: Option<Sequence>,
    max_format: Option<i64>,
) -> Result<AssertionRecord, Error> {
    let t = assertion_type(type_name)?;
    let full = full_primary_key(t, key)?;
    let rec = if t.is_sequence_forming() && full.len() < t.primary_key().len() {
        find_in_sequence(store, t, &full, sequence.unwrap_or(Sequence::Latest)).await?
    } else {
        store.db.assertion(t.name(), &full).await?
    };
    let rec = rec.ok_or_else(|| not_found(t, &full))?;
    if !visible(store, viewer, &rec).await? {
        return Err(not_found(t, &full));
    }
    if let Some(max) = max_format
        && format_of(store, &rec)? > max
    {
        return Err(not_found(t, &full));
    }
    Ok(rec)
}

/// Percent-encodes one path segment (RFC 3986 unreserved characters pass).
fn path_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The URL of an assertion on this store's assertions endpoint, its primary key reduced
/// as snapd reduces it (trailing keys at their defaults left out); a sequence-forming
/// type's sequence goes in `?sequence=`.
pub fn stream_url(base_url: &str, t: AssertionType, primary_key: &[String]) -> String {
    let keys = t.primary_key();
    let mut parts: Vec<&str> = primary_key.iter().map(String::as_str).collect();
    let mut query = String::new();
    if t.is_sequence_forming()
        && let Some(seq) = parts.pop()
    {
        query = format!("?sequence={}", path_segment(seq));
    }
    while let Some(last) = parts.last() {
        let default = keys.get(parts.len() - 1).and_then(|k| k.default);
        if default == Some(*last) {
            parts.pop();
        } else {
            break;
        }
    }
    let mut url = format!("{base_url}/v2/assertions/{}", t.name());
    for p in parts {
        url.push('/');
        url.push_str(&path_segment(p));
    }
    url.push_str(&query);
    url
}

fn query_error(q: &AssertionQuery, code: &str, message: String) -> ErrorEntry {
    ErrorEntry {
        code: code.into(),
        message,
        assertion_type: q.assertion_type.clone(),
        primary_key: q.primary_key.clone(),
        sequence_key: q.sequence_key.clone(),
    }
}

/// Answers one `fetch-assertions` action: a stream URL for every assertion found (and
/// newer than the device's, when it says which it has), a `not-found` entry in the
/// result's `error-list` for every one missing.
pub async fn fetch(
    store: &Store,
    viewer: &Viewer,
    key: &str,
    queries: &[AssertionQuery],
    max_formats: &BTreeMap<String, u32>,
) -> Result<ActionResult, Error> {
    let mut urls = Vec::new();
    let mut errors = Vec::new();
    for q in queries {
        let max = i64::from(max_formats.get(&q.assertion_type).copied().unwrap_or(0));
        let (given, sequence) = if q.sequence_key.is_empty() {
            (&q.primary_key, None)
        } else {
            (
                &q.sequence_key,
                Some(q.sequence.map_or(Sequence::Latest, Sequence::Number)),
            )
        };
        let rec = match lookup(store, viewer, &q.assertion_type, given, sequence, Some(max)).await {
            Ok(rec) => rec,
            Err(Error::NotFound(m)) => {
                errors.push(query_error(q, "not-found", m));
                continue;
            }
            Err(Error::BadRequest(m)) => {
                errors.push(query_error(q, "invalid-request", m));
                continue;
            }
            Err(e) => return Err(e),
        };
        let seq = rec
            .primary_key
            .last()
            .and_then(|s| s.parse::<u32>().ok())
            .unwrap_or(0);
        let newer = q.if_newer_than.is_none_or(|r| rec.revision > r);
        let seq_ok = q.if_sequence_equal_or_newer_than.is_none_or(|s| seq >= s)
            && q.if_sequence_newer_than.is_none_or(|s| seq > s);
        // A later sequence is news even at a lower revision.
        let later_seq = q.if_sequence_newer_than.is_some_and(|s| seq > s)
            || q.if_sequence_equal_or_newer_than.is_some_and(|s| seq > s);
        if seq_ok && (newer || later_seq) {
            let t = assertion_type(&rec.assertion_type)?;
            urls.push(stream_url(&store.settings.base_url, t, &rec.primary_key));
        }
    }
    Ok(ActionResult {
        result: "fetch-assertions".into(),
        key: key.to_string(),
        assertion_stream_urls: urls,
        error_list: errors,
        ..ActionResult::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(parts: &[&str]) -> Vec<String> {
        parts.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn primary_keys_fill_defaults_and_refuse_bad_values() {
        let t = AssertionType::SnapRevision;
        assert_eq!(
            full_primary_key(t, &v(&["abc"])).unwrap(),
            ["abc", "global-upload"]
        );
        assert!(full_primary_key(t, &v(&[])).is_err());
        assert!(full_primary_key(t, &v(&["a", "b", "c"])).is_err());
        assert!(full_primary_key(AssertionType::AccountKey, &v(&[".."])).is_err());
        assert!(full_primary_key(AssertionType::AccountKey, &v(&["a/b"])).is_err());
        assert!(full_primary_key(AssertionType::AccountKey, &v(&[""])).is_err());
        let vs = AssertionType::ValidationSet;
        assert_eq!(
            full_primary_key(vs, &v(&["16", "acme", "set"]))
                .unwrap()
                .len(),
            3
        );
        assert_eq!(
            full_primary_key(vs, &v(&["16", "acme", "set", "2"]))
                .unwrap()
                .len(),
            4
        );
    }

    #[test]
    fn stream_urls_reduce_the_key_and_escape() {
        let u = stream_url(
            "http://s",
            AssertionType::SnapRevision,
            &v(&["a-b_c", "global-upload"]),
        );
        assert_eq!(u, "http://s/v2/assertions/snap-revision/a-b_c");
        let u = stream_url("http://s", AssertionType::Account, &v(&["a b/c"]));
        assert_eq!(u, "http://s/v2/assertions/account/a%20b%2Fc");
        let u = stream_url(
            "http://s",
            AssertionType::ValidationSet,
            &v(&["16", "acme", "set", "3"]),
        );
        assert_eq!(
            u,
            "http://s/v2/assertions/validation-set/16/acme/set?sequence=3"
        );
    }

    #[test]
    fn sequences_parse() {
        assert_eq!(Sequence::parse("latest").unwrap(), Sequence::Latest);
        assert_eq!(Sequence::parse("7").unwrap(), Sequence::Number(7));
        for bad in ["0", "-1", "+3", "x", ""] {
            assert!(Sequence::parse(bad).is_err(), "{bad}");
        }
    }
}
