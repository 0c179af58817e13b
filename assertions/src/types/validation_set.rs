//! `validation-set` (snapd's `asserts/validation_set.go`, `assembleValidationSet`): a set
//! of snaps (and components) with required, optional or invalid presence and pinned
//! revisions.

use serde::Serialize;

use crate::checks::{self, HEADER};
use crate::headers::HeaderValue;
use crate::rfc3339::Rfc3339Time;
use crate::{AssertionAccess, Error};
use ucore_go_text::quote;

use super::common::{self, Map, invalid_item, invalid_snap};
use super::model::{VALID_VALIDATION_SET_NAME, string_enum};

string_enum!(
    /// A snap's or component's presence in a validation set.
    ValidationSetPresence {
        /// `required` (the default).
        Required = "required",
        /// `optional`.
        Optional = "optional",
        /// `invalid`: must not be installed.
        Invalid = "invalid",
    }
);

/// A component of a validation-set snap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ValidationSetComponent<'a> {
    /// The component name.
    pub name: &'a str,
    /// Its presence.
    pub presence: ValidationSetPresence,
    /// Its pinned revision, if any.
    pub revision: Option<i64>,
}

/// One snap of a validation set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ValidationSetSnap<'a> {
    /// `name`.
    pub name: &'a str,
    /// `id`.
    pub snap_id: &'a str,
    /// `presence` (default required).
    pub presence: ValidationSetPresence,
    /// `revision`, if pinned.
    pub revision: Option<i64>,
    /// `components`.
    pub components: Vec<ValidationSetComponent<'a>>,
}

/// A `validation-set` assertion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ValidationSet<'a> {
    /// `series`.
    pub series: &'a str,
    /// `account-id`.
    pub account_id: &'a str,
    /// `name`.
    pub name: &'a str,
    /// `sequence`.
    pub sequence: i64,
    /// `snaps`.
    pub snaps: Vec<ValidationSetSnap<'a>>,
    /// `timestamp`.
    pub timestamp: Rfc3339Time,
}

impl<'a> ValidationSet<'a> {
    pub(crate) fn parse<A: AssertionAccess + ?Sized>(a: &'a A) -> Result<Self, Error> {
        let h = a.headers();
        common::authority_matches(a, "account-id", "issuer account")?;
        let name = checks::check_string_matches(h, "name", HEADER, &VALID_VALIDATION_SET_NAME)?;
        let sequence = common::check_sequence(h, "sequence")?;
        let snaps = match h.get("snaps") {
            None => return Err(invalid_item("snaps", "\"snaps\" header is mandatory")),
            Some(v) => snaps(v)?,
        };
        let timestamp = checks::check_rfc3339_date(h, "timestamp", HEADER)?;
        Ok(ValidationSet {
            series: h.get_str("series").unwrap_or(""),
            account_id: h.get_str("account-id").unwrap_or(""),
            name,
            sequence,
            snaps,
            timestamp,
        })
    }
}

super::view!(ValidationSet, ValidationSet);

fn snaps<'a>(value: &'a HeaderValue<'a>) -> Result<Vec<ValidationSetSnap<'a>>, Error> {
    const WRONG: &str = "\"snaps\" header must be a list of maps";
    let mut out: Vec<ValidationSetSnap<'a>> = Vec::new();
    let mut seen = common::SnapIndex::default();
    for m in common::list_of_maps(value, "snaps", WRONG)? {
        let snap = snap(m?)?;
        seen.add(snap.name, Some(snap.snap_id))?;
        out.push(snap);
    }
    Ok(out)
}

fn presence_of(
    text: Option<&str>,
    what: impl FnOnce() -> String,
    name: &str,
) -> Result<ValidationSetPresence, Error> {
    match text {
        None | Some("") => Ok(ValidationSetPresence::Required),
        Some(p) => ValidationSetPresence::from_name(p).ok_or_else(|| {
            invalid_snap(
                name,
                format!(
                    "presence {} must be one of {}",
                    what(),
                    ValidationSetPresence::choices()
                ),
            )
        }),
    }
}

/// Runs a check whose error names `what` (`of snap "NAME"`), making that text only when
/// the check fails: checks are pure, so the second run gives the same error with it. A
/// set of many snaps then decodes without a string per snap.
fn lazily<T>(
    check: impl Fn(&str) -> Result<T, Error>,
    what: impl FnOnce() -> String,
) -> Result<T, Error> {
    check("").or_else(|_| check(&what()))
}

fn snap<'a>(m: &'a Map<'a>) -> Result<ValidationSetSnap<'a>, Error> {
    let name = checks::check_not_empty_string(m, "name", "of snap")?;
    if !checks::is_valid_snap_name(name) {
        return Err(invalid_snap(
            name,
            format!("invalid snap name {}", quote(name)),
        ));
    }
    let what = || format!("of snap {}", quote(name));
    let snap_id = lazily(|w| checks::check_snap_id(m, "id", w), what)?;
    let presence = presence_of(
        lazily(|w| checks::check_optional_string(m, "presence", w), what)?,
        what,
        name,
    )?;
    let revision = if m.contains_key("revision") {
        Some(lazily(
            |w| common::check_at_least_one(m, "revision", w),
            what,
        )?)
    } else {
        None
    };
    if revision.is_some() && presence == ValidationSetPresence::Invalid {
        return Err(invalid_snap(
            name,
            format!(
                "cannot specify revision of snap {} at the same time as stating its presence is invalid",
                quote(name)
            ),
        ));
    }
    let mut components = Vec::new();
    if let Some(comps) = lazily(|w| checks::check_map(m, "components", w), what)? {
        let what = what();
        for (cname, value) in comps {
            let cname: &'a str = cname;
            if !checks::is_valid_snap_name(cname) {
                return Err(invalid_snap(
                    name,
                    format!("invalid component name {}", quote(cname)),
                ));
            }
            let cwhat = format!("of component {} {what}", quote(cname));
            let (presence_text, crev) = match value {
                HeaderValue::String(p) => (Some(p.as_ref()), None),
                HeaderValue::Map(cm) => {
                    let p = checks::check_exists_string(cm, "presence", &cwhat)?;
                    let r = if cm.contains_key("revision") {
                        Some(common::check_at_least_one(cm, "revision", &cwhat)?)
                    } else {
                        None
                    };
                    (Some(p), r)
                }
                HeaderValue::List(_) => {
                    return Err(invalid_snap(
                        name,
                        format!("component {cwhat} must be a presence string or a map"),
                    ));
                }
            };
            let cpresence = presence_of(presence_text, || cwhat.clone(), name)?;
            if crev.is_some() && cpresence == ValidationSetPresence::Invalid {
                return Err(invalid_snap(
                    name,
                    format!(
                        "cannot specify revision {cwhat} at the same time as stating its presence is invalid"
                    ),
                ));
            }
            if revision.is_none() && crev.is_some() {
                return Err(invalid_snap(
                    name,
                    format!(
                        "cannot specify component revision {cwhat} without specifying snap revision"
                    ),
                ));
            }
            if revision.is_some() && crev.is_none() && cpresence != ValidationSetPresence::Invalid {
                return Err(invalid_snap(
                    name,
                    format!(
                        "must specify component revision {cwhat} since snap revision is specified"
                    ),
                ));
            }
            components.push(ValidationSetComponent {
                name: cname,
                presence: cpresence,
                revision: crev,
            });
        }
    }
    Ok(ValidationSetSnap {
        name,
        snap_id,
        presence,
        revision,
        components,
    })
}
