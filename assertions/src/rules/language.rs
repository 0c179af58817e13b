//! Which snapd's rule language to compile and evaluate: snapd 2.57 (the default, quirks
//! included) or today's (the spec's Appendix A).

use serde::{Deserialize, Serialize};

/// The version of the plug/slot rule language.
///
/// [`Snapd2_57`](RuleLanguage::Snapd2_57) is what the oracle (snapd 2.57.6) accepts,
/// with its texts and quirks (an installation constraint set of only unknown keys
/// matches everything, for one). [`Current`](RuleLanguage::Current) adds what newer
/// snapd changed (policy.md Appendix A), on the compile side:
///
/// * `on-core-desktop: true|false` (counted in the "must specify at least one of" list);
/// * `on-classic` entries `distro/variant`, `distro/*` and `distro/` (format 7), with
///   the newer texts;
/// * `$PLUG_PUBLISHER_ID` / `$SLOT_PUBLISHER_ID` as attribute matchers (format 6);
/// * `slot-snap-type` in slot-rule connection sets;
/// * the newer texts of "first level of non alternative constraints" (E-A2), "not a
///   valid $SLOT()/$PLUG()/$PLUG_PUBLISHER_ID/$SLOT_PUBLISHER_ID constraint" (E-A5) and
///   "no $OP() or $REF constraints supported" (E-A4).
///
/// Evaluation reads it too: under `Current` the minimal installation check ignores
/// `deny-installation` (snapd 2.59).
///
/// It serializes as `"snapd-2.57"` or `"current"` (a configuration file's words).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub enum RuleLanguage {
    /// snapd 2.57 (the oracle's version).
    #[default]
    #[serde(rename = "snapd-2.57")]
    Snapd2_57,
    /// snapd today (2.77 and later).
    #[serde(rename = "current")]
    Current,
}

impl RuleLanguage {
    /// Whether this is newer than 2.57.
    pub fn is_current(self) -> bool {
        self == RuleLanguage::Current
    }
}
