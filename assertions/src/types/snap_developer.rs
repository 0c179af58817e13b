//! `snap-developer` (snapd's `asserts/snap_asserts.go`, `assembleSnapDeveloper`): who may
//! develop a snap besides its publisher.

use serde::Serialize;

use crate::checks::{self, VALID_ACCOUNT_ID};
use crate::headers::HeaderValue;
use crate::rfc3339::Rfc3339Time;
use crate::{AssertionAccess, Error};
use ucore_go_text::quote;

use super::common::invalid_item;

/// One `developers` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Developer<'a> {
    /// `developer-id`.
    pub developer_id: &'a str,
    /// `since`.
    pub since: Rfc3339Time,
    /// `until`, if any.
    pub until: Option<Rfc3339Time>,
}

impl Developer<'_> {
    /// `since == until`: the developer's access is revoked.
    pub fn is_revocation(&self) -> bool {
        self.until
            .is_some_and(|u| u.timestamp == self.since.timestamp)
    }
}

/// A `snap-developer` assertion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SnapDeveloper<'a> {
    /// `snap-id`.
    pub snap_id: &'a str,
    /// `publisher-id`.
    pub publisher_id: &'a str,
    /// `developers`.
    pub developers: Vec<Developer<'a>>,
}

impl<'a> SnapDeveloper<'a> {
    pub(crate) fn parse<A: AssertionAccess + ?Sized>(a: &'a A) -> Result<Self, Error> {
        let h = a.headers();
        let developers = developers(h.get("developers"))?;
        Ok(SnapDeveloper {
            snap_id: h.get_str("snap-id").unwrap_or(""),
            publisher_id: h.get_str("publisher-id").unwrap_or(""),
            developers,
        })
    }
}

super::view!(SnapDeveloper, SnapDeveloper);

fn developers<'a>(value: Option<&'a HeaderValue<'a>>) -> Result<Vec<Developer<'a>>, Error> {
    const WRONG: &str = "\"developers\" must be a list of developer maps";
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    let list = value
        .as_list()
        .ok_or_else(|| invalid_item("developers", WRONG))?;
    let mut out: Vec<Developer<'a>> = Vec::with_capacity(list.len());
    for (i, item) in list.iter().enumerate() {
        let m = item
            .as_map()
            .ok_or_else(|| invalid_item("developers", WRONG))?;
        let what = format!("in \"developers\" item {}", i + 1);
        let developer_id =
            checks::check_string_matches(m, "developer-id", &what, &VALID_ACCOUNT_ID)?;
        let what = format!("{what} for developer {}", quote(developer_id));
        let since = checks::check_rfc3339_date(m, "since", &what)?;
        let until = checks::check_optional_rfc3339_date(m, "until", &what)?;
        if let Some(u) = until
            && u.timestamp < since.timestamp
        {
            return Err(invalid_item(
                "developers",
                format!("\"since\" {what} must be less than or equal to \"until\""),
            ));
        }
        out.push(Developer {
            developer_id,
            since,
            until,
        });
    }
    let mut items_per_developer = std::collections::HashMap::<&str, usize>::new();
    for d in &out {
        *items_per_developer.entry(d.developer_id).or_default() += 1;
    }
    for d in &out {
        if d.is_revocation() && items_per_developer[d.developer_id] > 1 {
            return Err(invalid_item(
                "developers",
                format!(
                    "revocation for developer {} must be standalone but found other \"developers\" items",
                    quote(d.developer_id)
                ),
            ));
        }
    }
    Ok(out)
}
