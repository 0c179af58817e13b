//! What the preview reads: a device's state as JSON ([`DeviceState`]), the part of snapd's
//! state a refresh decision depends on (spec update-control.md §4.1, §6).
//!
//! The JSON shape (kebab-case keys; see `store-client/tests/data/preview/device.json`):
//!
//! ```json
//! {
//!   "snapd-behaviour": "today",
//!   "model": "type: model\n…",
//!   "validation-sets": [
//!     {"assertion": "type: validation-set\n…", "mode": "enforce", "pinned-at": 2}
//!   ],
//!   "snaps": [
//!     {"name": "hello", "snap-id": "…32 chars…", "revision": 3, "channel": "latest/stable",
//!      "ignore-validation": false, "hold-until": "2025-01-01T00:00:00Z"},
//!     {"name": "tool", "revision": "x1"}
//!   ],
//!   "refresh-hold": "forever",
//!   "last-refresh": "2024-05-01T00:00:00Z",
//!   "seed-time": "2024-04-01T00:00:00Z",
//!   "now": "2024-06-01T00:00:00Z",
//!   "first-boot": false,
//!   "registered": true,
//!   "classic": false
//! }
//! ```

use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use ucore_assertions::AssertionRef;
use ucore_assertions::types::Model;

use super::vs::{InstalledSnap, SnapRevision};

/// Which snapd the device runs: the refresh-control rules differ (spec §6.3, §6.5, §7.4).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum SnapdBehaviour {
    /// Current upstream snapd (≥ 2.60): `refresh.hold=forever`, no 95-day cap, per-snap
    /// holds, seeded validation sets enforced at first boot.
    #[default]
    #[serde(rename = "today")]
    Today,
    /// snapd 2.57: `refresh.hold` capped at last refresh + 95 days and only as a time, no
    /// per-snap holds, seeded validation sets not enforced.
    #[serde(rename = "2.57")]
    V2_57,
}

impl fmt::Display for SnapdBehaviour {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SnapdBehaviour::Today => "today",
            SnapdBehaviour::V2_57 => "2.57",
        })
    }
}

/// A hold's end: a time, or `forever` (upstream ≥ 2.58 only). JSON: the RFC 3339 text or
/// `"forever"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum HoldUntil {
    /// Until this time.
    Time(Timestamp),
    /// Indefinitely.
    Forever,
}

impl HoldUntil {
    /// Whether the hold is still in force at `now`.
    pub fn holds_at(&self, now: Timestamp) -> bool {
        match self {
            HoldUntil::Forever => true,
            HoldUntil::Time(t) => *t > now,
        }
    }
}

impl fmt::Display for HoldUntil {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HoldUntil::Forever => f.write_str("forever"),
            HoldUntil::Time(t) => write!(f, "{t}"),
        }
    }
}

impl FromStr for HoldUntil {
    type Err = jiff::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "forever" {
            Ok(HoldUntil::Forever)
        } else {
            s.parse().map(HoldUntil::Time)
        }
    }
}

impl Serialize for HoldUntil {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for HoldUntil {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// How a tracked validation set applies (snapd's `mode`: 0 monitor, 1 enforce).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TrackingMode {
    /// Only reported on (`snap validate --monitor`).
    Monitor,
    /// Constrains install, refresh and remove (`snap validate --enforce`).
    Enforce,
}

/// A validation set the device tracks (snapd's `validation-sets` state entry with the
/// assertion in use).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct TrackedSet {
    /// The validation-set assertion in use: the one at `pinned-at`, else at `current`.
    pub assertion: String,
    /// Enforce or monitor. At first boot (not seeded) the seed's sets are listed and
    /// today's snapd enforces them all, whatever the mode.
    pub mode: TrackingMode,
    /// The pinned sequence, if pinned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pinned_at: Option<i64>,
    /// The sequence in use when unpinned (may be above `pinned-at` for a pinned set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<i64>,
}

/// An installed snap (at first boot: a seed snap).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct DeviceSnap {
    /// The instance name.
    pub name: String,
    /// The snap id; empty for a local (unasserted) snap.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub snap_id: String,
    /// The installed revision (`"x1"` for a local one).
    pub revision: SnapRevision,
    /// The tracked channel (`latest/stable` when empty).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub channel: String,
    /// The sticky `--ignore-validation` flag: enforced sets do not constrain the snap.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ignore_validation: bool,
    /// A user hold of this snap (`snap refresh --hold … <snap>`, upstream ≥ 2.58).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hold_until: Option<HoldUntil>,
}

impl DeviceSnap {
    /// The channel the store is asked about.
    pub fn tracking_channel(&self) -> &str {
        if self.channel.is_empty() {
            "latest/stable"
        } else {
            &self.channel
        }
    }

    /// Whether the snap came from a store (has an id, no local revision).
    pub fn from_store(&self) -> bool {
        !self.snap_id.is_empty() && self.revision.0 > 0
    }

    /// The snap as the validation-set checks see it.
    pub fn installed(&self) -> InstalledSnap {
        InstalledSnap {
            name: self.name.clone(),
            snap_id: self.snap_id.clone(),
            revision: self.revision,
        }
    }
}

fn yes() -> bool {
    true
}

/// The device's state, as a user writes it or a tool exports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct DeviceState {
    /// Which snapd's rules apply (default `today`).
    #[serde(default)]
    pub snapd_behaviour: SnapdBehaviour,
    /// The model assertion's text, if known (tells Core from classic and names the sets
    /// a model requires).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Whether the device is classic; when absent, the model says (Core without a model).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classic: Option<bool>,
    /// The tracked validation sets.
    #[serde(default)]
    pub validation_sets: Vec<TrackedSet>,
    /// The installed snaps (at first boot: the seed's).
    #[serde(default)]
    pub snaps: Vec<DeviceSnap>,
    /// The system `refresh.hold`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_hold: Option<HoldUntil>,
    /// The last auto-refresh attempt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_refresh: Option<Timestamp>,
    /// When seeding finished.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed_time: Option<Timestamp>,
    /// The time the preview is for.
    pub now: Timestamp,
    /// The device has not finished seeding: `snaps` are the seed's, `validation-sets` the
    /// seed's sets, and the preview is of the first auto-refresh after seeding.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub first_boot: bool,
    /// The device has a serial (auto-refresh waits for one, or for 3 attempts).
    #[serde(default = "yes")]
    pub registered: bool,
}

/// What is wrong with a [`DeviceState`].
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The device state is not JSON of the documented shape.
    #[error("cannot read device state: {0}")]
    Json(#[source] serde_json::Error),
    /// The model text does not decode.
    #[error("cannot read the model: {0}")]
    Model(#[source] ucore_assertions::Error),
    /// A tracked set's assertion does not decode as a validation set.
    #[error("cannot read validation set #{index}: {source}")]
    ValidationSet {
        /// Its place in `validation-sets` (from 1).
        index: usize,
        /// Why.
        #[source]
        source: ucore_assertions::Error,
    },
    /// A tracked set's assertion is not at the sequence the tracking names.
    #[error(
        "validation set {set} is tracked at sequence {expected} but its assertion has sequence {found}"
    )]
    Sequence {
        /// `account/name`.
        set: String,
        /// `pinned-at`, else `current`.
        expected: i64,
        /// The assertion's.
        found: i64,
    },
    /// A store snap's revision is beyond what a store revision can be (snapd's are
    /// 32-bit).
    #[error("snap {} has revision {revision}, beyond any store revision", ucore_go_text::quote(.snap))]
    Revision {
        /// The snap.
        snap: String,
        /// Its revision.
        revision: SnapRevision,
    },
    /// The same set is tracked twice.
    #[error("cannot add a second validation-set under {}", ucore_go_text::quote(.0))]
    Duplicate(String),
}

impl DeviceState {
    /// Reads the documented JSON shape.
    pub fn from_json(text: &str) -> Result<Self, InputError> {
        serde_json::from_str(text).map_err(InputError::Json)
    }

    /// Whether the device is classic: `classic` if given, else the model's, else Core.
    pub fn is_classic(&self) -> Result<bool, InputError> {
        if let Some(c) = self.classic {
            return Ok(c);
        }
        let Some(text) = &self.model else {
            return Ok(false);
        };
        let a = AssertionRef::decode(text.as_bytes()).map_err(InputError::Model)?;
        let model = Model::from_assertion(&a).map_err(InputError::Model)?;
        Ok(model.classic)
    }

    /// Checks what serde cannot: every revision fits a store revision.
    pub fn check(&self) -> Result<(), InputError> {
        match self
            .snaps
            .iter()
            .find(|s| i32::try_from(s.revision.0).is_err())
        {
            Some(s) => Err(InputError::Revision {
                snap: s.name.clone(),
                revision: s.revision,
            }),
            None => Ok(()),
        }
    }

    /// The installed snaps as the validation-set checks see them.
    pub fn installed(&self) -> Vec<InstalledSnap> {
        self.snaps.iter().map(DeviceSnap::installed).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_read_forever_or_a_time() {
        let f: HoldUntil = serde_json::from_str(r#""forever""#).unwrap();
        assert_eq!(f, HoldUntil::Forever);
        let t: HoldUntil = serde_json::from_str(r#""2024-01-02T03:04:05Z""#).unwrap();
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            r#""2024-01-02T03:04:05Z""#
        );
        assert!(serde_json::from_str::<HoldUntil>(r#""tomorrow""#).is_err());
        let now: Timestamp = "2024-01-01T00:00:00Z".parse().unwrap();
        assert!(t.holds_at(now) && f.holds_at(now));
        assert!(!t.holds_at("2024-02-01T00:00:00Z".parse().unwrap()));
    }

    #[test]
    fn a_minimal_state_has_defaults() {
        let s = DeviceState::from_json(
            r#"{"now":"2024-01-01T00:00:00Z","snaps":[{"name":"tool","revision":"x1"},
                {"name":"hello","snap-id":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","revision":3}]}"#,
        )
        .unwrap();
        assert_eq!(s.snapd_behaviour, SnapdBehaviour::Today);
        assert!(s.registered && !s.first_boot);
        assert!(!s.snaps[0].from_store() && s.snaps[1].from_store());
        assert_eq!(s.snaps[0].revision, SnapRevision(-1));
        assert_eq!(s.snaps[1].tracking_channel(), "latest/stable");
        assert!(!s.is_classic().unwrap());
        let e = DeviceState::from_json(r#"{"now":"2024-01-01T00:00:00Z","snapd":1}"#);
        assert!(matches!(e, Err(InputError::Json(_))));
        let mut big = s.clone();
        big.snaps[1].revision = SnapRevision(1 << 40);
        assert_eq!(
            big.check().unwrap_err().to_string(),
            r#"snap "hello" has revision 1099511627776, beyond any store revision"#
        );
        assert!(s.check().is_ok());
        let v: DeviceState =
            serde_json::from_str(r#"{"now":"2024-01-01T00:00:00Z","snapd-behaviour":"2.57"}"#)
                .unwrap();
        assert_eq!(v.snapd_behaviour, SnapdBehaviour::V2_57);
    }
}
