//! A snap revision as snapd's `snap.Revision` prints and parses it: `unset`, `5`, or `x3`
//! for a local (unasserted) snap.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;
use ucore_go_text::quote;

/// A snap revision: 0 is "unset" (any revision), a positive number a store revision, a
/// negative one the local revision `x<n>` (`x1` is `-1`), as in snapd.
///
/// In a combination of validation sets, a snap's `invalid` entries are grouped under
/// revision `-1`, which prints as `x1`: snapd does the same, and it shows in the texts of
/// sets in conflict.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SnapRevision(pub i64);

impl SnapRevision {
    /// Unset: no particular revision.
    pub const UNSET: SnapRevision = SnapRevision(0);

    /// Whether it is unset (0).
    pub fn is_unset(self) -> bool {
        self.0 == 0
    }

    /// Whether it is a local revision (`x<n>`).
    pub fn is_local(self) -> bool {
        self.0 < 0
    }
}

impl fmt::Display for SnapRevision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            0 => f.write_str("unset"),
            n if n < 0 => write!(f, "x{}", n.unsigned_abs()),
            n => write!(f, "{n}"),
        }
    }
}

/// A revision text snapd does not read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("invalid snap revision: {}", quote(.0))]
pub struct RevisionParseError(pub String);

/// Go's `strconv.Atoi` for what a revision may hold: an optional sign, then ASCII digits.
fn atoi(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

impl FromStr for SnapRevision {
    type Err = RevisionParseError;

    /// snapd's `snap.ParseRevision`: `unset`, a number ≥ 1, or `x` and a number ≥ 1.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "unset" {
            return Ok(SnapRevision::UNSET);
        }
        if let Some(local) = s.strip_prefix('x')
            && let Some(n) = atoi(local).filter(|n| *n > 0)
        {
            return Ok(SnapRevision(-n));
        }
        match atoi(s) {
            Some(n) if n > 0 => Ok(SnapRevision(n)),
            _ => Err(RevisionParseError(s.to_string())),
        }
    }
}

impl Serialize for SnapRevision {
    /// As snapd's JSON does: the number (negative for a local revision).
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.0)
    }
}

impl<'de> Deserialize<'de> for SnapRevision {
    /// A number, or snapd's revision text (`"5"`, `"x1"`, `"unset"`); `null` is unset.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Repr {
            Number(i64),
            Text(String),
            Null(()),
        }
        match Repr::deserialize(d)? {
            Repr::Number(n) => Ok(SnapRevision(n)),
            Repr::Text(t) => t.parse().map_err(serde::de::Error::custom),
            Repr::Null(()) => Ok(SnapRevision::UNSET),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_and_parses_as_snapd() {
        for (text, n) in [("unset", 0), ("5", 5), ("x1", -1), ("x13", -13)] {
            let r: SnapRevision = text.parse().unwrap();
            assert_eq!(r, SnapRevision(n));
            assert_eq!(r.to_string(), text);
        }
        for bad in ["", "0", "x0", "x", "-3", "xx1", "1.5", "x-1", "abc"] {
            let e = bad.parse::<SnapRevision>().unwrap_err();
            assert_eq!(
                e.to_string(),
                format!("invalid snap revision: {}", quote(bad))
            );
        }
        // Go's Atoi takes a sign.
        assert_eq!("+7".parse::<SnapRevision>().unwrap(), SnapRevision(7));
    }

    #[test]
    fn json_forms() {
        let r: Vec<SnapRevision> =
            serde_json::from_str(r#"[4, "x1", "unset", null, "12"]"#).unwrap();
        assert_eq!(
            r,
            [
                SnapRevision(4),
                SnapRevision(-1),
                SnapRevision(0),
                SnapRevision(0),
                SnapRevision(12)
            ]
        );
        assert_eq!(serde_json::to_string(&SnapRevision(-2)).unwrap(), "-2");
        assert!(serde_json::from_str::<SnapRevision>(r#""x0""#).is_err());
    }
}
