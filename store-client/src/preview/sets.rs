//! Which of the device's validation sets constrain refreshes (snapd's
//! `EnforcedValidationSets`, spec §4.1; at first boot §7.4): the enforce-mode sets at
//! their pinned or current sequence, combined.

use ucore_assertions::AssertionRef;
use ucore_assertions::types::ValidationSet;

use super::input::{DeviceState, InputError, SnapdBehaviour, TrackingMode};
use super::vs::ValidationSets;

/// The device's sets, sorted into what constrains refreshes and what does not.
#[derive(Debug, Clone, Default)]
pub struct EnforcedSets {
    /// The enforced sets, combined.
    pub sets: ValidationSets,
    /// The enforced sets' `account/name`, in input order.
    pub enforced: Vec<String>,
    /// Sets tracked in monitor mode (no effect on refreshes).
    pub monitored: Vec<String>,
    /// At first boot with snapd 2.57: the seed's sets, which it does not enforce.
    pub seeded_not_enforced: Vec<String>,
}

/// Reads and combines the sets of `state` that snapd would enforce: the enforce-mode ones;
/// at first boot every seeded set today, none with 2.57.
pub fn enforced_sets(state: &DeviceState) -> Result<EnforcedSets, InputError> {
    let mut out = EnforcedSets::default();
    for (i, tracked) in state.validation_sets.iter().enumerate() {
        let index = i + 1;
        let a = AssertionRef::decode(tracked.assertion.as_bytes())
            .map_err(|source| InputError::ValidationSet { index, source })?;
        let vs = ValidationSet::from_assertion(&a)
            .map_err(|source| InputError::ValidationSet { index, source })?;
        let set = format!("{}/{}", vs.account_id, vs.name);
        if let Some(expected) = tracked.pinned_at.or(tracked.current) {
            // a pinned enforced set is used at its pin even when `current` is newer
            if expected != vs.sequence {
                return Err(InputError::Sequence {
                    set,
                    expected,
                    found: vs.sequence,
                });
            }
        }
        let enforce = match (state.first_boot, state.snapd_behaviour) {
            (true, SnapdBehaviour::Today) => true,
            (true, SnapdBehaviour::V2_57) => {
                out.seeded_not_enforced.push(set);
                continue;
            }
            (false, _) => tracked.mode == TrackingMode::Enforce,
        };
        if !enforce {
            out.monitored.push(set);
            continue;
        }
        out.sets
            .add(&vs)
            .map_err(|_| InputError::Duplicate(set.clone()))?;
        out.enforced.push(set);
    }
    Ok(out)
}
