//! `preseed` (snapd's `asserts/preseed.go`, `assemblePreseed`): the result of preseeding
//! a system label of a model.

use serde::Serialize;

use crate::checks::{self, HEADER};
use crate::headers::HeaderValue;
use crate::rfc3339::Rfc3339Time;
use crate::{AssertionAccess, Error};
use ucore_go_text::quote;

use super::common::{self, Map, invalid_item, invalid_snap};
use super::model::VALID_VALIDATION_SET_NAME;

/// A component of a preseeded snap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct PreseedComponent<'a> {
    /// `name`.
    pub name: &'a str,
    /// `revision`, if the snap has one.
    pub revision: Option<i64>,
}

/// A preseeded snap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct PreseedSnap<'a> {
    /// `name`.
    pub name: &'a str,
    /// `id` (store snaps).
    pub snap_id: Option<&'a str>,
    /// `revision` (store snaps).
    pub revision: Option<i64>,
    /// `components`.
    pub components: Vec<PreseedComponent<'a>>,
}

/// A `preseed` assertion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Preseed<'a> {
    /// `series`.
    pub series: &'a str,
    /// `brand-id`.
    pub brand_id: &'a str,
    /// `model`.
    pub model: &'a str,
    /// `system-label`.
    pub system_label: &'a str,
    /// `artifact-sha3-384`.
    pub artifact_sha3_384: &'a str,
    /// `snaps`.
    pub snaps: Vec<PreseedSnap<'a>>,
    /// `timestamp`.
    pub timestamp: Rfc3339Time,
}

impl<'a> Preseed<'a> {
    pub(crate) fn parse<A: AssertionAccess + ?Sized>(a: &'a A) -> Result<Self, Error> {
        let h = a.headers();
        common::authority_matches(a, "brand-id", "brand")?;
        let model = checks::check_model(h)?;
        let system_label =
            checks::check_string_matches(h, "system-label", HEADER, &VALID_VALIDATION_SET_NAME)?;
        // snapd checks the snaps before the artifact digest.
        let snaps = match h.get("snaps") {
            None => return Err(invalid_item("snaps", "\"snaps\" header is mandatory")),
            Some(v) => snaps(v)?,
        };
        checks::check_digest(h, "artifact-sha3-384", 48)?;
        let timestamp = checks::check_rfc3339_date(h, "timestamp", HEADER)?;
        Ok(Preseed {
            series: h.get_str("series").unwrap_or(""),
            brand_id: h.get_str("brand-id").unwrap_or(""),
            model,
            system_label,
            artifact_sha3_384: h.get_str("artifact-sha3-384").unwrap_or(""),
            snaps,
            timestamp,
        })
    }
}

super::view!(Preseed, Preseed);

fn snaps<'a>(value: &'a HeaderValue<'a>) -> Result<Vec<PreseedSnap<'a>>, Error> {
    const WRONG: &str = "\"snaps\" header must be a list of maps";
    let mut out: Vec<PreseedSnap<'a>> = Vec::new();
    let mut seen = common::SnapIndex::default();
    for m in common::list_of_maps(value, "snaps", WRONG)? {
        let snap = snap(m?)?;
        seen.add(snap.name, snap.snap_id)?;
        out.push(snap);
    }
    Ok(out)
}

fn snap<'a>(m: &'a Map<'a>) -> Result<PreseedSnap<'a>, Error> {
    let name = checks::check_not_empty_string(m, "name", "of snap")?;
    if !checks::is_valid_snap_name(name) {
        return Err(invalid_snap(
            name,
            format!("invalid snap name {}", quote(name)),
        ));
    }
    let what = format!("of snap {}", quote(name));
    // A present `id` must be a valid snap id: an empty one is an error, not an absent id.
    let snap_id = if m.contains_key("id") {
        Some(checks::check_snap_id(m, "id", &what)?)
    } else {
        None
    };
    let revision = if m.contains_key("revision") {
        Some(common::check_at_least_one(m, "revision", &what)?)
    } else {
        None
    };
    if snap_id.is_some() && revision.is_none() {
        return Err(invalid_snap(
            name,
            "snap revision is required when snap id is set",
        ));
    }
    if snap_id.is_none() && revision.is_some() {
        return Err(invalid_snap(
            name,
            "snap id is required when revision is set",
        ));
    }
    let mut components = Vec::new();
    if let Some(list) = checks::check_list(m, "components", &what)? {
        for item in list {
            let cm = item.as_map().ok_or_else(|| {
                invalid_snap(
                    name,
                    format!("\"components\" {what} must be a list of maps"),
                )
            })?;
            let cname =
                checks::check_not_empty_string(cm, "name", &format!("of component {what}"))?;
            if !checks::is_valid_snap_name(cname) {
                return Err(invalid_snap(
                    name,
                    format!("invalid component name {}", quote(cname)),
                ));
            }
            let cwhat = format!("of component {} {what}", quote(cname));
            let crev = if cm.contains_key("revision") {
                Some(common::check_at_least_one(cm, "revision", &cwhat)?)
            } else {
                None
            };
            match (revision, crev) {
                (Some(_), None) => {
                    return Err(invalid_snap(
                        name,
                        format!(
                            "component revision is required {cwhat} since the snap has a revision"
                        ),
                    ));
                }
                (None, Some(_)) => {
                    return Err(invalid_snap(
                        name,
                        format!(
                            "component revision cannot be set {cwhat} since the snap has no revision"
                        ),
                    ));
                }
                _ => {}
            }
            components.push(PreseedComponent {
                name: cname,
                revision: crev,
            });
        }
    }
    Ok(PreseedSnap {
        name,
        snap_id,
        revision,
        components,
    })
}
