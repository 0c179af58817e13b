//! `account-key` (snapd's `asserts/account_key.go`, `assembleAccountKey`): a public key
//! an account signs with, its validity window and the optional `constraints` on what it
//! may sign.

use std::sync::LazyLock;

use regex::Regex;
use std::collections::BTreeMap;

use serde::Serialize;

use crate::checks::{self, HEADER};
use crate::headers::HeaderValue;
use crate::openpgp::PublicKey;
use crate::rfc3339::Rfc3339Time;
use crate::{AssertionAccess, Error};

use super::TypeError;
use super::common::{self, Map};
use super::constraint_regex::Budget;
use crate::rules::{AttrMatcher, AttrValue, RuleLanguage};

/// Key names: `^(?:[a-z0-9]+-?)*[a-z](?:-?[a-z0-9])*$`.
pub(crate) static VALID_KEY_NAME: LazyLock<Regex> =
    LazyLock::new(|| common::regex("^(?:[a-z0-9]+-?)*[a-z](?:-?[a-z0-9])*$"));

/// An `account-key` assertion.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct AccountKey<'a> {
    /// `account-id`: the account the key belongs to.
    pub account_id: &'a str,
    /// `name`, if any (optional for now in snapd).
    pub name: Option<&'a str>,
    /// `since`: start of validity (inclusive).
    pub since: Rfc3339Time,
    /// `until`: end of validity (exclusive); `None` is forever.
    pub until: Option<Rfc3339Time>,
    /// `public-key-sha3-384`: the key id.
    pub public_key_sha3_384: &'a str,
    /// The body, parsed.
    pub public_key: PublicKey,
    /// `constraints` (format 1): the key may sign an assertion only if one
    /// of them matches it; empty means no restriction.
    pub constraints: Vec<HeaderConstraint>,
}

impl<'a> AccountKey<'a> {
    pub(crate) fn parse<A: AssertionAccess + ?Sized>(a: &'a A) -> Result<Self, Error> {
        let h = a.headers();
        let account_id = checks::check_not_empty_string(h, "account-id", HEADER)?;
        let name = match h.get("name") {
            None => None,
            Some(_) => Some(checks::check_string_matches(
                h,
                "name",
                HEADER,
                &VALID_KEY_NAME,
            )?),
        };
        let (since, until) = validity(a)?;
        let public_key_sha3_384 = h.get_str("public-key-sha3-384").unwrap_or("");
        let public_key = body_key(a, public_key_sha3_384)?;
        let constraints = match h.get("constraints") {
            None => Vec::new(),
            Some(c) => parse_constraints(c)?,
        };
        Ok(AccountKey {
            account_id,
            name,
            since,
            until,
            public_key_sha3_384,
            public_key,
            constraints,
        })
    }

    /// Whether the key is valid at `t`: `since <= t < until` (half-open; no
    /// `until` is forever).
    pub fn is_valid_at(&self, t: impl Into<crate::Timestamp>) -> bool {
        let t = t.into();
        self.since.timestamp <= t && self.until.is_none_or(|u| t < u.timestamp)
    }

    /// Whether the `constraints` allow this key to sign `assertion` (always true
    /// without constraints). Authority and validity are the database's business.
    pub fn can_sign<A: AssertionAccess + ?Sized>(&self, assertion: &A) -> bool {
        self.constraints.is_empty() || self.constraints.iter().any(|c| c.matches(assertion))
    }
}

super::view!(AccountKey, AccountKey);

/// `since`, `until` and their order (account-key and account-key-request).
pub(crate) fn validity<A: AssertionAccess + ?Sized>(
    a: &A,
) -> Result<(Rfc3339Time, Option<Rfc3339Time>), Error> {
    let h = a.headers();
    let since = checks::check_rfc3339_date(h, "since", HEADER)?;
    let until = checks::check_optional_rfc3339_date(h, "until", HEADER)?;
    common::check_until(&since, until.as_ref())?;
    Ok((since, until))
}

/// The body's public key, whose id must be `key_id`.
pub(crate) fn body_key<A: AssertionAccess + ?Sized>(
    a: &A,
    key_id: &str,
) -> Result<PublicKey, Error> {
    let key = common::public_key(a.body().unwrap_or(""))?;
    if key.key_id().as_str() != key_id {
        return Err(TypeError::KeyIdMismatch {
            what: "public key",
            declared: "provided key id",
        }
        .into());
    }
    Ok(key)
}

/// One entry of `constraints`: the assertion type it allows and the matcher of its
/// `headers` (snapd's attribute matcher, attrWord `header`, without `$OP()`s).
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct HeaderConstraint {
    /// The `type` the key may sign.
    pub assertion_type: String,
    /// The `headers` matcher (`type` included, as a literal).
    pub headers: AttrMatcher,
}

impl HeaderConstraint {
    /// Whether `assertion`'s headers match (its type included).
    pub fn matches<A: AssertionAccess + ?Sized>(&self, assertion: &A) -> bool {
        self.check(assertion).is_ok()
    }

    /// Matches `assertion`'s headers, with the matcher's error (`header "model" value
    /// "x" does not match ^(acme-.*)$`, …).
    pub fn check<A: AssertionAccess + ?Sized>(&self, assertion: &A) -> Result<(), String> {
        // only the headers the matcher names are converted
        let names: Vec<&str> = match &self.headers {
            AttrMatcher::Map(entries) => entries.iter().map(|(k, _)| k.as_str()).collect(),
            _ => Vec::new(),
        };
        let headers: BTreeMap<String, AttrValue> = names
            .into_iter()
            .filter_map(|name| {
                let value = if name == "type" {
                    AttrValue::from(assertion.assertion_type().name())
                } else {
                    AttrValue::from_header(assertion.header(name)?)
                };
                Some((name.to_owned(), value))
            })
            .collect();
        self.headers.matches(&headers, "header", None)
    }
}

fn constraints_error(message: impl Into<String>) -> Error {
    TypeError::Constraints {
        message: message.into(),
    }
    .into()
}

fn parse_constraints(value: &HeaderValue<'_>) -> Result<Vec<HeaderConstraint>, Error> {
    const NOT_LIST: &str = "assertions constraints must be a list of maps";
    let list = value.as_list().ok_or_else(|| constraints_error(NOT_LIST))?;
    if list.is_empty() {
        return Err(constraints_error("assertions constraints cannot be empty"));
    }
    let mut out = Vec::with_capacity(list.len());
    let mut budget = Budget::for_patterns(crate::rules::string_bytes(value));
    for item in list {
        let m = item.as_map().ok_or_else(|| constraints_error(NOT_LIST))?;
        out.push(parse_constraint(m, &mut budget)?);
    }
    Ok(out)
}

fn parse_constraint(m: &Map<'_>, budget: &mut Budget) -> Result<HeaderConstraint, Error> {
    let (value, headers) = match m.get("headers") {
        None => {
            return Err(constraints_error(
                "\"headers\" constraint mandatory in asserions constraints",
            ));
        }
        Some(value @ HeaderValue::Map(h)) => (value, h),
        Some(_) => {
            return Err(constraints_error(
                "\"headers\" constraint must be a map in asserions constraints",
            ));
        }
    };
    let assertion_type = match headers.get("type") {
        None => {
            return Err(constraints_error(
                "type header constraint mandatory in asserions constraints",
            ));
        }
        Some(HeaderValue::String(t)) => t,
        Some(_) => return Err(constraints_error("type header constraint must be a string")),
    };
    if regex::escape(assertion_type) != assertion_type.as_ref() {
        return Err(constraints_error(
            "type header constraint must be a precise string and not a regexp",
        ));
    }
    let headers = AttrMatcher::compile_with(value, false, RuleLanguage::Current, budget)
        .map_err(|e| constraints_error(format!("cannot compile headers constraint: {e}")))?;
    Ok(HeaderConstraint {
        assertion_type: assertion_type.to_string(),
        headers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AssertionRef;

    fn data(name: &str) -> Vec<u8> {
        let path = format!(
            "{}/../tests/data/assertions/generated/valid/{name}.assert",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read(path).unwrap()
    }

    fn model(name: &str) -> String {
        let text = String::from_utf8(data("model-core16")).unwrap();
        text.replacen("model: acme-core16", &format!("model: {name}"), 1)
    }

    #[test]
    fn validity_is_half_open() {
        let bytes = data("account-key-until");
        let a = AssertionRef::decode(&bytes).unwrap();
        let k = AccountKey::try_from(&a).unwrap();
        let t = |s: &str| s.parse::<jiff::Timestamp>().unwrap();
        assert!(!k.is_valid_at(t("2015-12-31T23:59:59Z")));
        assert!(k.is_valid_at(t("2016-01-01T00:00:00Z")));
        assert!(k.is_valid_at(t("2029-12-31T23:59:59Z")));
        assert!(!k.is_valid_at(t("2030-01-01T00:00:00Z")));
        assert_eq!(k.public_key.key_id().as_str(), k.public_key_sha3_384);
        assert!(k.constraints.is_empty());
        assert!(k.can_sign(&a));
    }

    #[test]
    fn constraints_decide_what_the_key_signs() {
        let bytes = data("account-key-constraints-format1");
        let a = AssertionRef::decode(&bytes).unwrap();
        let k = AccountKey::try_from(&a).unwrap();
        assert_eq!(k.constraints.len(), 2);
        assert_eq!(k.constraints[0].assertion_type, "model");
        let json = serde_json::to_value(&k.constraints).unwrap();
        assert_eq!(json[0]["headers"]["model"], "acme-.*");
        assert_eq!(json[0]["headers"]["type"], "model");
        let ok = model("acme-x1");
        let other = model("other-1");
        let (ok, other) = (
            AssertionRef::decode(ok.as_bytes()).unwrap(),
            AssertionRef::decode(other.as_bytes()).unwrap(),
        );
        assert!(k.can_sign(&ok));
        assert!(
            !k.can_sign(&other),
            "anchored: acme-.* does not match other-1"
        );
        // Any serial; no account.
        let serial = data("serial-basic");
        assert!(k.can_sign(&AssertionRef::decode(&serial).unwrap()));
        let account = data("account-basic");
        assert!(!k.can_sign(&AssertionRef::decode(&account).unwrap()));
    }

    #[test]
    fn matchers() {
        let m = |v: HeaderValue<'_>| {
            let mut map = std::collections::BTreeMap::new();
            map.insert(std::borrow::Cow::Borrowed("h"), v);
            AttrMatcher::compile(&HeaderValue::from(map), false, RuleLanguage::Current)
        };
        let attrs = |v: Option<&str>| -> BTreeMap<String, AttrValue> {
            v.map(|v| ("h".to_owned(), AttrValue::from(v)))
                .into_iter()
                .collect()
        };
        let check = |matcher: &AttrMatcher, v| matcher.matches(&attrs(v), "header", None);
        let re = m(HeaderValue::from("a.c")).unwrap();
        assert_eq!(check(&re, Some("abc")), Ok(()));
        let anchored = m(HeaderValue::from("a")).unwrap();
        assert_eq!(
            check(&anchored, Some("abc")).unwrap_err(),
            "header \"h\" value \"abc\" does not match ^(a)$"
        );
        let missing = m(HeaderValue::from("$MISSING")).unwrap();
        assert_eq!(check(&missing, None), Ok(()));
        assert!(check(&missing, Some("abc")).is_err());
        let alts = m(HeaderValue::List(vec![
            HeaderValue::from("x"),
            HeaderValue::from("y"),
        ]))
        .unwrap();
        assert!(check(&alts, Some("y")).is_ok() && check(&alts, Some("z")).is_err());
        let err = m(HeaderValue::from("[")).unwrap_err().to_string();
        assert!(
            err.starts_with("cannot compile \"h\" constraint \"[\": "),
            "{err}"
        );
        let err = m(HeaderValue::from("$SLOT(x)")).unwrap_err().to_string();
        assert_eq!(
            err,
            "cannot compile \"h\" constraint \"$SLOT(x)\": no $OP() or $REF constraints supported"
        );
    }

    #[test]
    fn constraint_errors() {
        let text = String::from_utf8(data("account-key-constraints-format1")).unwrap();
        let with = |c: &str| {
            let start = text.find("constraints:").unwrap();
            let end = text.find("body-length").unwrap();
            format!("{}{c}{}", &text[..start], &text[end..])
        };
        let err = |c: &str| crate::types::tests::decode_err(&with(c));
        let p = "assertion account-key: ";
        assert_eq!(
            err("constraints: x\n"),
            format!("{p}assertions constraints must be a list of maps")
        );
        assert_eq!(
            err("constraints:\n  - x\n"),
            format!("{p}assertions constraints must be a list of maps")
        );
        assert_eq!(
            err("constraints:\n  -\n    other: x\n"),
            format!("{p}\"headers\" constraint mandatory in asserions constraints")
        );
        assert_eq!(
            err("constraints:\n  -\n    headers:\n      model: x\n"),
            format!("{p}type header constraint mandatory in asserions constraints")
        );
        assert_eq!(
            err("constraints:\n  -\n    headers:\n      type:\n        - model\n"),
            format!("{p}type header constraint must be a string")
        );
        assert_eq!(
            err("constraints:\n  -\n    headers:\n      type: mod.*\n"),
            format!("{p}type header constraint must be a precise string and not a regexp")
        );
        assert!(
            err("constraints:\n  -\n    headers:\n      type: model\n      model: \"[\"\n")
                .starts_with(&format!("{p}cannot compile headers constraint: "))
        );
    }
}
