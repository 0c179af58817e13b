//! Reading a seed back as snapd's first boot does (snapd's `seed` package: `Open`,
//! `LoadAssertions`, `LoadMeta(AllModes)`; spec `snap-image.md` §4.4, §5.4), and
//! reporting it in the shape of the oracle's `seed-check` JSON.
//!
//! ```no_run
//! use ucore_image::seed::read::Seed;
//!
//! // A test-only trust root (the oracle's `--trusted` stream), besides Canonical's.
//! let trusted = std::fs::read("tk/testrootorg-trusted.stream")?;
//! let trusted = ucore_image::seed::read::decode_trusted(&trusted)?;
//! let seed = Seed::open("out/system-seed", Some("20261205"))?;
//! let assertions = seed.load_assertions(&trusted)?;
//! let loaded = assertions.load_meta()?;
//! assert_eq!(loaded.essential_snaps().len(), 4);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The layers, from the bottom: `yaml` (yaml.v2's typed decoding), `entry`, [`seed_yaml`]
//! and [`options_yaml`] (the metadata files), [`batch`] (assertions committed in
//! prerequisite order), `model` and `snap_check` (a snap file against its assertions),
//! `seed16` and `seed20` (the two loaders), `report` (seed-check's JSON).

mod assertions;
pub mod batch;
mod entry;
mod error;
mod model;
pub mod options_yaml;
mod report;
mod seed16;
mod seed20;
pub mod seed_yaml;
mod snap_check;
mod yaml;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::Serialize;
use ucore_assertions::rules::RuleLanguage;
use ucore_assertions::{Assertion, AssertionType};
use ucore_signing::Database;

pub use entry::EntryError;
pub use error::{AssertionsError, MetaError, OpenError, ReadError, Stage};
pub use model::{ModelHeaders, ModelSnapEntry, SeedModel};
pub use report::{SeedCheck, SeedCheckSnap};
pub use snap_check::SnapError;

use batch::Ref;

/// The modes seed-check asks a UC20+ seed's snaps for, in its order.
pub const MODES: [&str; 4] = ["run", "install", "recover", "factory-reset"];

/// Decodes a stream of trusted assertions (accounts and account-keys).
pub fn decode_trusted(bytes: &[u8]) -> Result<Vec<Assertion>, ucore_assertions::Error> {
    ucore_assertions::decode_slice(bytes)
        .map(|a| a.map(|a| a.into_owned()))
        .collect()
}

/// An opened seed: a UC16/18 seed directory, or a UC20+ system of a seed.
#[derive(Debug, Clone)]
pub struct Seed {
    dir: PathBuf,
    label: Option<String>,
    /// The rule language the seed's declarations are decoded in.
    language: RuleLanguage,
}

impl Seed {
    /// snapd's `seed.Open(dir, label)`: `label` names a UC20+ system (`systems/LABEL`),
    /// `None` a UC16/18 seed.
    pub fn open(dir: impl AsRef<Path>, label: Option<&str>) -> Result<Seed, OpenError> {
        if let Some(l) = label.filter(|l| !is_valid_label(l)) {
            return Err(OpenError::InvalidLabel(l.to_string()));
        }
        Ok(Seed {
            dir: dir.as_ref().to_path_buf(),
            label: label.map(str::to_string),
            language: RuleLanguage::default(),
        })
    }

    /// Decodes the seed's declarations with their plug/slot rules in `language` (snapd
    /// 2.57's by default; [`RuleLanguage::Current`] for a seed whose declarations use
    /// what newer snapd added).
    pub fn with_rule_language(mut self, language: RuleLanguage) -> Seed {
        self.language = language;
        self
    }

    /// The seed directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The UC20+ system label, if any.
    pub fn label(&self) -> Option<&str> {
        self.label.as_deref()
    }

    /// snapd's `LoadAssertions`: every assertion of the seed (or system) into a trust
    /// database that trusts Canonical's root and `trusted` (the oracle's `--trusted`).
    pub fn load_assertions(
        &self,
        trusted: &[Assertion],
    ) -> Result<SeedAssertions, AssertionsError> {
        let mut roots = ucore_signing::roots::trusted()?;
        roots.extend(trusted.iter().cloned());
        let refs: HashSet<Ref> = roots.iter().map(Ref::of).collect();
        let db = Database::with_trusted(roots)?;
        match &self.label {
            None => seed16::load_assertions(self, db, &refs),
            Some(label) => seed20::load_assertions(self, label, db, &refs),
        }
    }
}

/// `^[a-z0-9](?:-?[a-z0-9])*$` (snapd's `asserts.IsValidSystemLabel`).
fn is_valid_label(label: &str) -> bool {
    let ok = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    let b = label.as_bytes();
    !b.is_empty()
        && b.first().is_some_and(|&c| ok(c))
        && b.last().is_some_and(|&c| ok(c))
        && b.iter().all(|&c| ok(c) || c == b'-')
        && !label.contains("--")
}

/// A seed whose assertions are loaded and checked: its trust database and model.
#[derive(Debug)]
pub struct SeedAssertions {
    seed: Seed,
    db: Database,
    model: SeedModel,
    system: Option<seed20::Index>,
}

impl SeedAssertions {
    /// The model.
    pub fn model(&self) -> &SeedModel {
        &self.model
    }

    /// The trust database, with the seed's assertions.
    pub fn db(&self) -> &Database {
        &self.db
    }

    /// The brand's account id, if its account is in the database (snapd's `Brand()`).
    pub fn brand(&self) -> Option<String> {
        let brand = self.model.headers.brand_id.as_str();
        self.db
            .find(AssertionType::Account, &[("account-id", brand)])
            .ok()
            .map(|_| brand.to_string())
    }

    /// snapd's `LoadMeta(AllModes)`: every snap of the seed, checked against its
    /// assertions.
    pub fn load_meta(&self) -> Result<LoadedSeed, MetaError> {
        match &self.system {
            None => seed16::load_meta(self),
            Some(index) => seed20::load_meta(self, index),
        }
    }
}

/// A snap's essential role, as snapd names its type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EssentialType {
    /// `snapd`.
    Snapd,
    /// `os` (the `core` snap as base).
    Os,
    /// `base`.
    Base,
    /// `kernel`.
    Kernel,
    /// `gadget`.
    Gadget,
}

impl EssentialType {
    /// snapd's name of the type.
    pub fn as_str(self) -> &'static str {
        match self {
            EssentialType::Snapd => "snapd",
            EssentialType::Os => "os",
            EssentialType::Base => "base",
            EssentialType::Kernel => "kernel",
            EssentialType::Gadget => "gadget",
        }
    }
}

/// A snap of a loaded seed (snapd's `seed.Snap`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadedSnap {
    /// Its name.
    pub name: String,
    /// Its snap id (empty: unasserted).
    pub snap_id: String,
    /// Its revision (`None`: unasserted, snapd's `unset`).
    pub revision: Option<i64>,
    /// The snap file.
    pub path: PathBuf,
    /// The channel to track.
    pub channel: String,
    /// Whether it is essential.
    pub essential: bool,
    /// Its essential role.
    pub essential_type: Option<EssentialType>,
    /// Whether the model requires it.
    pub required: bool,
    /// `devmode` (UC16/18 seed.yaml).
    pub devmode: bool,
    /// `classic` (UC16/18 seed.yaml).
    pub classic: bool,
    /// The store's private flag (seed.yaml, aux-info.json).
    pub private: bool,
    /// The store's contact (seed.yaml, aux-info.json).
    pub contact: String,
    /// The modes it is seeded for (UC16/18: `run`).
    pub modes: Vec<String>,
}

/// A seed's snaps, loaded: essential snaps first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadedSeed {
    /// Every snap, in the loader's order.
    pub snaps: Vec<LoadedSnap>,
    /// How many of them are essential (they come first).
    pub essential: usize,
    /// Whether the seed uses the snapd snap.
    pub uses_snapd_snap: bool,
    /// Whether this is a UC20+ system (with modes other than `run`).
    pub system: bool,
}

impl LoadedSeed {
    /// snapd's `EssentialSnaps()`.
    pub fn essential_snaps(&self) -> &[LoadedSnap] {
        self.snaps.get(..self.essential).unwrap_or_default()
    }

    /// snapd's `ModeSnaps(mode)`: the other snaps seeded for `mode` (a snap listing
    /// `ephemeral` is in every mode but `run`).
    pub fn mode_snaps(&self, mode: &str) -> Result<Vec<&LoadedSnap>, MetaError> {
        let rest = self.snaps.get(self.essential..).unwrap_or_default();
        if !self.system {
            if mode != "run" {
                return Err(MetaError::OnlyRunMode(mode.to_string()));
            }
            return Ok(rest.iter().collect());
        }
        Ok(rest
            .iter()
            .filter(|s| modes_include(&s.modes, mode))
            .collect())
    }
}

/// snapd's `snapModesInclude`.
fn modes_include(modes: &[String], mode: &str) -> bool {
    modes.iter().any(|m| m == mode) || (mode != "run" && modes.iter().any(|m| m == "ephemeral"))
}

/// Loads a seed all the way (open, assertions, snaps), as seed-check does.
pub fn load(
    dir: impl AsRef<Path>,
    label: Option<&str>,
    trusted: &[Assertion],
) -> Result<(SeedAssertions, LoadedSeed), ReadError> {
    let assertions = Seed::open(dir, label)?.load_assertions(trusted)?;
    let loaded = assertions.load_meta()?;
    Ok((assertions, loaded))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_checked_as_snapd_checks_them() {
        for ok in ["20261205", "a", "a-b-1"] {
            assert!(is_valid_label(ok), "{ok}");
        }
        for bad in ["", "Bad_Label", "-a", "a-", "a--b", "a.b"] {
            assert!(!is_valid_label(bad), "{bad}");
        }
        assert_eq!(
            Seed::open("x", Some("Bad_Label")).unwrap_err().to_string(),
            "invalid seed system label: \"Bad_Label\""
        );
    }

    #[test]
    fn ephemeral_is_every_mode_but_run() {
        let m = vec!["ephemeral".to_string()];
        assert!(!modes_include(&m, "run"));
        assert!(modes_include(&m, "recover"));
    }
}
