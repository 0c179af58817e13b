//! `confdb-schema` (as snapd newer than 2.57 checks it; the type is registered in its
//! `asserts/asserts.go`): named views over an account's configuration storage; the JSON
//! body describes the storage.

use serde::Serialize;

use crate::checks::{self, HEADER};
use crate::rfc3339::Rfc3339Time;
use crate::{AssertionAccess, Error};

use super::common::{self, Map, invalid_header, invalid_item};
use super::model::VALID_VALIDATION_SET_NAME;

/// A `confdb-schema` assertion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ConfdbSchema<'a> {
    /// `account-id`.
    pub account_id: &'a str,
    /// `name`.
    pub name: &'a str,
    /// `summary`, if any (an empty one is none).
    pub summary: Option<&'a str>,
    /// `views`, as written (view name → definition).
    pub views: &'a Map<'a>,
    /// The JSON body (the storage schema).
    pub body: &'a str,
    /// `timestamp`.
    pub timestamp: Rfc3339Time,
}

impl<'a> ConfdbSchema<'a> {
    pub(crate) fn parse<A: AssertionAccess + ?Sized>(a: &'a A) -> Result<Self, Error> {
        let h = a.headers();
        common::authority_matches(a, "account-id", "issuer account")?;
        let name = checks::check_string_matches(h, "name", HEADER, &VALID_VALIDATION_SET_NAME)?;
        let summary =
            checks::check_optional_string(h, "summary", HEADER)?.filter(|s| !s.is_empty());
        let views = checks::check_map(h, "views", HEADER)?
            .ok_or_else(|| invalid_item("views", "\"views\" stanza is mandatory"))?;
        for (view, def) in views {
            if def.as_map().is_none() {
                return Err(invalid_header(
                    "views",
                    format!("view {} must be a map", ucore_go_text::quote(view)),
                ));
            }
        }
        let body = a.body().unwrap_or("");
        let has_storage = serde_json::from_str::<serde_json::Value>(body)
            .ok()
            .is_some_and(|v| v.get("storage").is_some());
        if !has_storage {
            return Err(invalid_item(
                "body",
                "body must contain a \"storage\" stanza",
            ));
        }
        let timestamp = checks::check_rfc3339_date(h, "timestamp", HEADER)?;
        Ok(ConfdbSchema {
            account_id: h.get_str("account-id").unwrap_or(""),
            name,
            summary,
            views,
            body,
            timestamp,
        })
    }
}

super::view!(ConfdbSchema, ConfdbSchema);
