//! Refresh holds (spec §6.3, §6.5, pain 1): the system `refresh.hold` as snapd applies it
//! (2.57 caps it at the last refresh, or the seed time, + 95 days and knows no `forever`;
//! today's snapd takes it as given) and per-snap user holds (today only).
//!
//! What a hold stops: the system hold (`refresh.hold`, or `snap refresh --hold` without
//! snap names) stops **auto-refreshes only**; a manual `snap refresh` still refreshes
//! (snapd#12073). A per-snap hold stops auto-refreshes and `snap refresh` of everything,
//! but `snap refresh <snap>` naming it still refreshes it.

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use super::input::{DeviceSnap, DeviceState, HoldUntil, SnapdBehaviour};

/// snapd's `maxPostponement`: 95 days.
pub const MAX_POSTPONEMENT: SignedDuration = SignedDuration::from_hours(95 * 24);
/// How long classic snapd holds refreshes after first boot (`atSeed`: now + 2 h).
pub const CLASSIC_SEED_HOLD: SignedDuration = SignedDuration::from_hours(2);
/// Go's layout for RFC 3339, which 2.57's `refresh.hold` check prints.
const GO_RFC3339: &str = "2006-01-02T15:04:05Z07:00";

/// The system hold as the device's snapd applies it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct SystemHold {
    /// `refresh.hold` as set (at first boot on classic: now + 2 h when unset).
    pub requested: Option<HoldUntil>,
    /// What snapd holds until (snapd 2.57's `EffectiveRefreshHold`); `None`: no hold.
    pub effective: Option<HoldUntil>,
    /// snapd 2.57's limit: the last refresh (else the seed time) + 95 days.
    pub cap: Option<Timestamp>,
    /// Whether the hold stops the auto-refresh at `now`.
    pub active: bool,
    /// What the preview noticed about the hold, in plain words.
    pub notes: Vec<String>,
}

/// The refresh-control anchor: `last-refresh`, else `seed-time` (at first boot: now, when
/// seeding will set it).
fn anchor(state: &DeviceState) -> Option<Timestamp> {
    state
        .last_refresh
        .or(state.seed_time)
        .or(if state.first_boot {
            Some(state.now)
        } else {
            None
        })
}

/// The text snapd 2.57 refuses `refresh.hold=forever` with (Go's `time.Parse` error).
pub fn forever_refused_2_57() -> String {
    format!(
        "refresh.hold cannot be parsed: parsing time \"forever\" as \"{GO_RFC3339}\": cannot parse \"forever\" as \"2006\""
    )
}

/// The system hold of `state` under its snapd.
pub fn system_hold(state: &DeviceState, classic: bool) -> SystemHold {
    let mut notes = Vec::new();
    let mut requested = state.refresh_hold;
    if requested.is_none() && state.first_boot && classic {
        requested = state
            .now
            .checked_add(CLASSIC_SEED_HOLD)
            .ok()
            .map(HoldUntil::Time);
        notes.push("classic snapd holds refreshes for 2 hours after first boot".to_string());
    }
    let anchor = anchor(state);
    let cap = anchor.and_then(|a| a.checked_add(MAX_POSTPONEMENT).ok());
    let effective = match (state.snapd_behaviour, requested) {
        (_, None) => None,
        (SnapdBehaviour::Today, hold) => hold,
        (SnapdBehaviour::V2_57, Some(HoldUntil::Forever)) => {
            notes.push(format!(
                "snapd 2.57 has no refresh.hold=forever (needs 2.58): {}",
                forever_refused_2_57()
            ));
            None
        }
        (SnapdBehaviour::V2_57, Some(HoldUntil::Time(t))) => match cap {
            None => {
                notes.push(
                    "snapd 2.57 applies no refresh.hold without a last refresh or seed time"
                        .to_string(),
                );
                None
            }
            Some(cap) if t > cap => {
                notes.push(format!(
                    "refresh.hold {t} exceeds snapd 2.57's limit: holds end at the last refresh + 95 days, {cap}"
                ));
                Some(HoldUntil::Time(cap))
            }
            Some(_) => Some(HoldUntil::Time(t)),
        },
    };
    let active = effective.is_some_and(|h| h.holds_at(state.now));
    if effective.is_some() && !active {
        notes.push("the hold has expired".to_string());
    }
    if active {
        notes.push(
            "the hold stops auto-refreshes only: a manual snap refresh still refreshes".to_string(),
        );
    }
    SystemHold {
        requested,
        effective,
        cap: (state.snapd_behaviour == SnapdBehaviour::V2_57)
            .then_some(cap)
            .flatten(),
        active,
        notes,
    }
}

/// A user hold of `snap` in force at `now` (today's snapd only: 2.57 has none).
pub fn snap_hold(state: &DeviceState, snap: &DeviceSnap) -> Option<HoldUntil> {
    match state.snapd_behaviour {
        SnapdBehaviour::V2_57 => None,
        SnapdBehaviour::Today => snap.hold_until.filter(|h| h.holds_at(state.now)),
    }
}

/// The snaps with a hold 2.57 does not know (per-snap holds need snapd 2.58).
pub fn unsupported_snap_holds(state: &DeviceState) -> Vec<&str> {
    match state.snapd_behaviour {
        SnapdBehaviour::Today => Vec::new(),
        SnapdBehaviour::V2_57 => state
            .snaps
            .iter()
            .filter(|s| s.hold_until.is_some())
            .map(|s| s.name.as_str())
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(json: &str) -> DeviceState {
        DeviceState::from_json(json).unwrap()
    }

    #[test]
    fn a_long_hold_is_capped_on_2_57_and_kept_today() {
        let today = state(
            r#"{"now":"2024-06-01T00:00:00Z","last-refresh":"2024-05-01T00:00:00Z",
                "refresh-hold":"2025-01-01T00:00:00Z"}"#,
        );
        let h = system_hold(&today, false);
        assert_eq!(h.effective, Some("2025-01-01T00:00:00Z".parse().unwrap()));
        assert!(h.active && h.cap.is_none());

        let old = DeviceState {
            snapd_behaviour: SnapdBehaviour::V2_57,
            ..today
        };
        let h = system_hold(&old, false);
        // 2024-05-01 + 95 days
        let cap: Timestamp = "2024-08-04T00:00:00Z".parse().unwrap();
        assert_eq!(h.effective, Some(HoldUntil::Time(cap)));
        assert_eq!(h.cap, Some(cap));
        assert!(h.active);
        assert!(
            h.notes[0].contains("exceeds snapd 2.57's limit"),
            "{:?}",
            h.notes
        );

        let later = DeviceState {
            now: "2024-09-01T00:00:00Z".parse().unwrap(),
            ..old
        };
        assert!(!system_hold(&later, false).active);
    }

    #[test]
    fn forever_is_refused_by_2_57() {
        let s = state(
            r#"{"now":"2024-06-01T00:00:00Z","seed-time":"2024-05-01T00:00:00Z",
                "refresh-hold":"forever","snapd-behaviour":"2.57"}"#,
        );
        let h = system_hold(&s, false);
        assert_eq!(h.effective, None);
        assert!(!h.active);
        assert!(h.notes[0].ends_with(
            r#"refresh.hold cannot be parsed: parsing time "forever" as "2006-01-02T15:04:05Z07:00": cannot parse "forever" as "2006""#
        ));
        let today = DeviceState {
            snapd_behaviour: SnapdBehaviour::Today,
            ..s
        };
        assert!(system_hold(&today, false).active);
    }

    #[test]
    fn without_an_anchor_2_57_holds_nothing() {
        let s = state(
            r#"{"now":"2024-06-01T00:00:00Z","refresh-hold":"2024-07-01T00:00:00Z",
                "snapd-behaviour":"2.57"}"#,
        );
        assert!(!system_hold(&s, false).active);
    }

    #[test]
    fn classic_first_boot_holds_two_hours() {
        let s = state(r#"{"now":"2024-06-01T00:00:00Z","first-boot":true}"#);
        let h = system_hold(&s, true);
        assert_eq!(h.effective, Some("2024-06-01T02:00:00Z".parse().unwrap()));
        assert!(h.active);
        assert!(!system_hold(&s, false).active);
    }

    #[test]
    fn per_snap_holds_exist_today_only() {
        let s = state(
            r#"{"now":"2024-06-01T00:00:00Z","snaps":[{"name":"a","snap-id":"x","revision":1,
                "hold-until":"forever"},{"name":"b","snap-id":"y","revision":1,
                "hold-until":"2024-05-01T00:00:00Z"}]}"#,
        );
        assert_eq!(snap_hold(&s, &s.snaps[0]), Some(HoldUntil::Forever));
        assert_eq!(snap_hold(&s, &s.snaps[1]), None);
        assert!(unsupported_snap_holds(&s).is_empty());
        let old = DeviceState {
            snapd_behaviour: SnapdBehaviour::V2_57,
            ..s
        };
        assert_eq!(snap_hold(&old, &old.snaps[0]), None);
        assert_eq!(unsupported_snap_holds(&old), ["a", "b"]);
    }
}
