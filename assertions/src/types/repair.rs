//! `repair` (snapd's `asserts/repair.go`, `assembleRepair`): a brand's repair script and
//! the devices it targets.

use serde::Serialize;

use crate::checks::{self, HEADER};
use crate::rfc3339::Rfc3339Time;
use crate::{AssertionAccess, Error};
use ucore_go_text::quote;

use super::common::{self, forbidden, invalid_header};

/// A `repair` assertion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Repair<'a> {
    /// `brand-id`.
    pub brand_id: &'a str,
    /// `repair-id`.
    pub repair_id: i64,
    /// `summary` (one line).
    pub summary: &'a str,
    /// `series` filter.
    pub series: Vec<&'a str>,
    /// `architectures` filter.
    pub architectures: Vec<&'a str>,
    /// `models` filter.
    pub models: Vec<&'a str>,
    /// `modes` filter (`run`, `recover`).
    pub modes: Vec<&'a str>,
    /// `bases` filter.
    pub bases: Vec<&'a str>,
    /// `disabled`.
    pub disabled: bool,
    /// `timestamp`.
    pub timestamp: Rfc3339Time,
    /// The body: the repair script, if any.
    pub script: Option<&'a str>,
}

impl<'a> Repair<'a> {
    pub(crate) fn parse<A: AssertionAccess + ?Sized>(a: &'a A) -> Result<Self, Error> {
        let h = a.headers();
        common::authority_matches(a, "brand-id", "brand")?;
        let repair_id = common::check_sequence(h, "repair-id")?;
        let summary = checks::check_not_empty_string(h, "summary", HEADER)?;
        if summary.contains(['\n', '\r']) {
            return Err(invalid_header("summary", "cannot have newlines"));
        }
        // snapd's order: every list's shape (models before architectures), then the bases'
        // names, then the modes' values.
        let series = checks::check_string_list(h, "series")?;
        let models = checks::check_string_list(h, "models")?;
        let architectures = checks::check_string_list(h, "architectures")?;
        let modes = checks::check_string_list(h, "modes")?;
        let bases = checks::check_string_list(h, "bases")?;
        for b in &bases {
            if !checks::is_valid_snap_name(b) {
                return Err(forbidden(
                    "bases",
                    format!("invalid snap name {} in \"bases\"", quote(b)),
                ));
            }
        }
        for m in &modes {
            if *m != "run" && *m != "recover" {
                return Err(forbidden(
                    "modes",
                    format!(
                        "header \"modes\" contains an invalid element: {} (valid values are run and recover)",
                        quote(m)
                    ),
                ));
            }
        }
        if !modes.is_empty()
            && bases
                .iter()
                .any(|b| matches!(*b, "core" | "core16" | "core18"))
        {
            return Err(forbidden(
                "bases",
                "in the presence of a non-empty \"modes\" header, \"bases\" must only contain base snaps supporting recovery modes",
            ));
        }
        let disabled = checks::check_optional_bool(h, "disabled")?;
        let timestamp = checks::check_rfc3339_date(h, "timestamp", HEADER)?;
        Ok(Repair {
            brand_id: h.get_str("brand-id").unwrap_or(""),
            repair_id,
            summary,
            series,
            architectures,
            models,
            modes,
            bases,
            disabled,
            timestamp,
            script: a.body(),
        })
    }
}

super::view!(Repair, Repair);
