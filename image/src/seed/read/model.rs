//! The seed's model as the loader reads it: what seed-check prints of it, and the snaps it
//! names with their types, modes, presence and channels (snapd's `asserts.Model` methods
//! the seed loader calls: `EssentialSnaps`, `SnapsWithoutEssential`,
//! `RequiredWithEssentialSnaps`, `KernelTrack`, `GadgetTrack`).

use serde::Serialize;
use ucore_assertions::types::{Grade, Model, Presence, SnapType};
use ucore_assertions::{Assertion, AssertionAccess};

/// A snap the model names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelSnapEntry {
    /// Its name.
    pub name: String,
    /// Its snap id, if the model gives one.
    pub snap_id: Option<String>,
    /// Its type in the model.
    pub snap_type: SnapType,
    /// The modes the model gives it (UC16/18: `run`).
    pub modes: Vec<String>,
    /// Whether it is required (`presence: required`; essential snaps always are).
    pub required: bool,
    /// Its default channel.
    pub default_channel: String,
    /// Whether it is essential (snapd, kernel, base, gadget).
    pub essential: bool,
}

/// What seed-check prints of the model (`model` in its JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModelHeaders {
    /// `series`, `brand-id`, `model`.
    pub primary_key: Vec<String>,
    /// `brand-id`.
    #[serde(rename = "brand-id")]
    pub brand_id: String,
    /// `model`.
    pub model: String,
    /// `series`.
    pub series: String,
    /// The grade (`unset` for UC16/18 models).
    pub grade: String,
    /// `base` (empty: none).
    pub base: String,
    /// `classic`.
    pub classic: bool,
    /// `store` (empty: none).
    pub store: String,
}

/// The model of a seed.
#[derive(Debug, Clone)]
pub struct SeedModel {
    /// The model assertion.
    pub assertion: Assertion,
    /// Its headers as seed-check prints them.
    pub headers: ModelHeaders,
    /// Whether it has the extended `snaps` header (UC20+).
    pub extended: bool,
    /// Grade dangerous.
    pub dangerous: bool,
    /// The snaps it names: essential snaps first (snapd, kernel, base, gadget), then the
    /// others in model order.
    pub snaps: Vec<ModelSnapEntry>,
    /// UC16/18: the kernel's pinned track (`kernel: NAME=TRACK`), if any.
    pub kernel_track: Option<String>,
    /// UC16/18: the gadget's pinned track, if any.
    pub gadget_track: Option<String>,
}

impl SeedModel {
    /// Reads a model assertion.
    pub fn from_assertion(assertion: Assertion) -> Result<SeedModel, ucore_assertions::Error> {
        let (headers, extended, dangerous, snaps) = {
            let m = Model::from_assertion(&assertion)?;
            let headers = ModelHeaders {
                primary_key: assertion
                    .primary_key()
                    .iter()
                    .map(|s| s.to_string())
                    .collect(),
                brand_id: m.brand_id.to_string(),
                model: m.model.to_string(),
                series: m.series.to_string(),
                grade: m.grade.map_or("unset", Grade::as_str).to_string(),
                base: m.base.unwrap_or("").to_string(),
                classic: m.classic,
                store: m.store.unwrap_or("").to_string(),
            };
            let mut snaps: Vec<ModelSnapEntry> = m
                .essential_snaps()
                .chain(m.non_essential_snaps())
                .map(|s| ModelSnapEntry {
                    name: s.name.to_string(),
                    snap_id: s.snap_id.map(str::to_string),
                    snap_type: s.snap_type,
                    modes: if m.extended {
                        s.modes.iter().map(|m| m.to_string()).collect()
                    } else {
                        vec!["run".to_string()]
                    },
                    required: s.essential || s.presence == Presence::Required,
                    default_channel: s.default_channel.to_string(),
                    essential: s.essential,
                })
                .collect();
            // snapd's order of essential snaps: snapd, kernel, base, gadget.
            snaps.sort_by_key(|s| {
                (
                    !s.essential,
                    s.essential.then(|| essential_rank(s.snap_type)),
                )
            });
            let dangerous = m.grade == Some(Grade::Dangerous);
            (headers, m.extended, dangerous, snaps)
        };
        let track = |header: &str| {
            assertion
                .header_str(header)
                .and_then(|v| v.split_once('='))
                .map(|(_, t)| t.to_string())
        };
        Ok(SeedModel {
            kernel_track: track("kernel"),
            gadget_track: track("gadget"),
            assertion,
            headers,
            extended,
            dangerous,
            snaps,
        })
    }

    /// The essential snaps (snapd's `EssentialSnaps`).
    pub fn essential_snaps(&self) -> impl Iterator<Item = &ModelSnapEntry> {
        self.snaps.iter().filter(|s| s.essential)
    }

    /// The other snaps (snapd's `SnapsWithoutEssential`).
    pub fn other_snaps(&self) -> impl Iterator<Item = &ModelSnapEntry> {
        self.snaps.iter().filter(|s| !s.essential)
    }

    /// The essential snap of a type, if the model names one.
    pub fn essential_of(&self, t: SnapType) -> Option<&ModelSnapEntry> {
        self.essential_snaps().find(|s| s.snap_type == t)
    }

    /// Whether the model requires a snap of this name (snapd's
    /// `RequiredWithEssentialSnaps` contains it).
    pub fn requires(&self, name: &str) -> bool {
        self.snaps.iter().any(|s| s.required && s.name == name)
    }

    /// The modes the model gives a snap, if it names it.
    pub fn modes_of(&self, name: &str) -> Option<&[String]> {
        self.snaps
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.modes.as_slice())
    }
}

fn essential_rank(t: SnapType) -> u8 {
    match t {
        SnapType::Snapd => 0,
        SnapType::Kernel => 1,
        SnapType::Base | SnapType::Core => 2,
        _ => 3,
    }
}
