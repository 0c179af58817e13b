//! Checks shared by several types (snapd's `asserts/header_checks.go` and the
//! per-type `assemble…` functions): signer/brand agreement, `>= 1`
//! integers, booleans inside maps, public keys and validity windows.

use std::collections::{HashMap, HashSet};

use crate::checks::{self, HEADER, Lookup};
use crate::headers::HeaderValue;
use crate::openpgp::{PublicKey, decode_public_key};
use crate::rfc3339::Rfc3339Time;
use crate::{AssertionAccess, Error};

use super::TypeError;

/// A map header value (a `snaps` entry, a constraint, …).
pub type Map<'a> = crate::headers::HeaderMap<'a>;

/// `authority-id == <header>` (model, preseed, repair: `brand-id`;
/// validation-set, confdb-schema: `account-id`).
pub(crate) fn authority_matches<A: AssertionAccess + ?Sized>(
    a: &A,
    header: &'static str,
    signer: &'static str,
) -> Result<(), Error> {
    let authority = a.authority_id().unwrap_or("");
    let value = a.header_str(header).unwrap_or("");
    if authority != value {
        return Err(TypeError::AuthorityMismatch {
            header,
            assertion_type: a.assertion_type().name(),
            signer,
            authority_id: authority.to_owned(),
            value: value.to_owned(),
        }
        .into());
    }
    Ok(())
}

/// A mandatory integer ≥ 1: `%q must be >=1: %v` after the integer checks.
pub(crate) fn check_sequence(m: &impl Lookup, name: &str) -> Result<i64, Error> {
    let n = checks::check_int(m, name, HEADER)?;
    if n < 1 {
        return Err(TypeError::NotAtLeastOne {
            name: name.to_owned(),
            context: None,
            value: n,
        }
        .into());
    }
    Ok(n)
}

/// A mandatory integer ≥ 1: `%q %s must be >=1: %v` (`context` e.g. `header`).
pub(crate) fn check_at_least_one(m: &impl Lookup, name: &str, context: &str) -> Result<i64, Error> {
    let n = checks::check_int(m, name, context)?;
    if n < 1 {
        return Err(TypeError::NotAtLeastOne {
            name: name.to_owned(),
            context: Some(context.to_owned()),
            value: n,
        }
        .into());
    }
    Ok(n)
}

/// An optional boolean inside a map: absent is `false`.
pub(crate) fn check_optional_bool_in(
    m: &impl Lookup,
    name: &str,
    context: &str,
) -> Result<bool, Error> {
    if context == HEADER {
        return checks::check_optional_bool(m, name);
    }
    match m.lookup(name) {
        None => Ok(false),
        Some(HeaderValue::String(s)) if s == "true" => Ok(true),
        Some(HeaderValue::String(s)) if s == "false" => Ok(false),
        Some(_) => Err(TypeError::NotBoolIn {
            name: name.to_owned(),
            context: context.to_owned(),
        }
        .into()),
    }
}

/// Decodes a v1 public key (snapd `DecodePublicKey`).
pub(crate) fn public_key(text: &str) -> Result<PublicKey, Error> {
    decode_public_key(text.as_bytes()).map_err(Error::from)
}

/// `until`, if any, is not before `since`.
pub(crate) fn check_until(since: &Rfc3339Time, until: Option<&Rfc3339Time>) -> Result<(), Error> {
    if let Some(until) = until
        && until.timestamp < since.timestamp
    {
        return Err(TypeError::UntilBeforeSince.into());
    }
    Ok(())
}

/// A `TypeError::InvalidHeader` for `header`.
pub(crate) fn invalid_header(header: &str, message: impl Into<String>) -> Error {
    TypeError::InvalidHeader {
        header: header.to_owned(),
        message: message.into(),
    }
    .into()
}

/// A `TypeError::Forbidden` for `header`.
pub(crate) fn forbidden(header: &str, message: impl Into<String>) -> Error {
    TypeError::Forbidden {
        header: header.to_owned(),
        message: message.into(),
    }
    .into()
}

/// A `TypeError::InvalidSnap` for snap `snap`.
pub(crate) fn invalid_snap(snap: &str, message: impl Into<String>) -> Error {
    TypeError::InvalidSnap {
        snap: snap.to_owned(),
        message: message.into(),
    }
    .into()
}

/// The maps of `value`, which must be a list of maps (header `header`), one by one: an
/// item that is not a map yields snapd's `wrong` in its turn, after the items before it
/// were checked.
pub(crate) fn list_of_maps<'v, 'a>(
    value: &'v HeaderValue<'a>,
    header: &'static str,
    wrong: &'static str,
) -> Result<impl Iterator<Item = Result<&'v Map<'a>, Error>>, Error> {
    let list = value.as_list().ok_or_else(|| invalid_item(header, wrong))?;
    Ok(list
        .iter()
        .map(move |item| item.as_map().ok_or_else(|| invalid_item(header, wrong))))
}

/// snapd's error for snap `name` listed twice.
pub(crate) fn repeated_snap(name: &str) -> Error {
    TypeError::RepeatedSnap {
        name: name.to_owned(),
    }
    .into()
}

/// The snaps of a `snaps` list seen so far, for snapd's repeated-name and repeated-id
/// errors. A real list (a handful of snaps) is scanned, which costs no allocation on the
/// decoder's path; past [`SnapIndex::SCAN`] snaps the names and ids are hashed, so a long
/// list is not quadratic.
#[derive(Default)]
pub(crate) struct SnapIndex<'a> {
    /// (name, snap id) in list order, while scanning
    snaps: Vec<(&'a str, Option<&'a str>)>,
    /// name set, and snap id → the name of the first snap with it, once hashed
    hashed: Option<(HashSet<&'a str>, HashMap<&'a str, &'a str>)>,
}

impl<'a> SnapIndex<'a> {
    /// How many snaps are scanned before they are hashed.
    const SCAN: usize = 32;

    /// Records a snap; snapd's error if its name, or else its id, was seen before.
    pub(crate) fn add(&mut self, name: &'a str, snap_id: Option<&'a str>) -> Result<(), Error> {
        if self.hashed.is_none() && self.snaps.len() == Self::SCAN {
            let mut ids = HashMap::new();
            for &(n, id) in &self.snaps {
                if let Some(id) = id {
                    ids.entry(id).or_insert(n);
                }
            }
            let names = self.snaps.drain(..).map(|(n, _)| n).collect();
            self.hashed = Some((names, ids));
        }
        let (first_name, first_with_id) = match &self.hashed {
            Some((names, ids)) => (
                names.contains(name),
                snap_id.and_then(|id| ids.get(id).copied()),
            ),
            None => (
                self.snaps.iter().any(|(n, _)| *n == name),
                snap_id.and_then(|id| {
                    self.snaps
                        .iter()
                        .find(|(_, i)| *i == Some(id))
                        .map(|(n, _)| *n)
                }),
            ),
        };
        if first_name {
            return Err(repeated_snap(name));
        }
        if let (Some(id), Some(first)) = (snap_id, first_with_id) {
            return Err(repeated_snap_id(id, first, name));
        }
        match &mut self.hashed {
            Some((names, ids)) => {
                names.insert(name);
                if let Some(id) = snap_id {
                    ids.insert(id, name);
                }
            }
            None => self.snaps.push((name, snap_id)),
        }
        Ok(())
    }
}

/// snapd's error for snap id `id` given to snaps `first` and `second`.
pub(crate) fn repeated_snap_id(id: &str, first: &str, second: &str) -> Error {
    TypeError::RepeatedSnapId {
        id: id.to_owned(),
        first: first.to_owned(),
        second: second.to_owned(),
    }
    .into()
}

/// A `TypeError::InvalidItem` for list header `header`.
pub(crate) fn invalid_item(header: &str, message: impl Into<String>) -> Error {
    TypeError::InvalidItem {
        header: header.to_owned(),
        message: message.into(),
    }
    .into()
}

/// Compiles a constant pattern (checked by the unit tests).
pub(crate) fn regex(pattern: &str) -> regex::Regex {
    regex::Regex::new(pattern).unwrap_or_else(|_| unreachable!("constant regex {pattern}"))
}

#[cfg(test)]
mod snap_index_tests {
    use super::*;

    /// The same errors while scanning and once hashed.
    #[test]
    fn repeats_are_found_before_and_after_hashing() {
        let names: Vec<String> = (0..80).map(|i| format!("s{i}")).collect();
        let ids: Vec<String> = (0..80).map(|i| format!("{i:0>32}")).collect();
        for n in [
            3,
            SnapIndex::SCAN - 1,
            SnapIndex::SCAN,
            SnapIndex::SCAN + 5,
            79,
        ] {
            let mut index = SnapIndex::default();
            for i in 0..n {
                index.add(&names[i], Some(&ids[i])).unwrap();
            }
            let name_again = index.add(&names[1], None).unwrap_err().to_string();
            assert_eq!(name_again, repeated_snap(&names[1]).to_string(), "{n}");
            let id_again = index.add("other", Some(&ids[2])).unwrap_err().to_string();
            assert_eq!(
                id_again,
                repeated_snap_id(&ids[2], &names[2], "other").to_string()
            );
        }
    }
}
