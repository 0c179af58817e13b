//! The UC16/18 loader (snapd's `seed/seed16.go`, spec `snap-image.md` §4.4): the model
//! and every assertion from `assertions/`, the snaps from `seed.yaml`, essential snaps
//! first (snapd, the base, the kernel, the gadget and the gadget's base), each asserted
//! snap found by its digest.

use std::collections::{HashMap, HashSet};

use ucore_assertions::AssertionType;
use ucore_assertions::types::SnapType;
use ucore_signing::Database;

use super::assertions::read_dir;
use super::batch::{Batch, Ref};
use super::error::{AssertionsError, MetaError};
use super::seed_yaml::{self, Seed16Snap};
use super::snap_check;
use super::{EssentialType, LoadedSeed, LoadedSnap, Seed, SeedAssertions, SeedModel};

/// `LoadAssertions` of a UC16/18 seed.
pub(crate) fn load_assertions(
    seed: &Seed,
    db: Database,
    trusted: &HashSet<Ref>,
) -> Result<SeedAssertions, AssertionsError> {
    let mut batch = Batch::in_language(seed.language);
    let mut model_ref: Option<Ref> = None;
    read_dir(&seed.dir.join("assertions"), &mut batch, |r| {
        if r.assertion_type == AssertionType::Model {
            if model_ref.as_ref().is_some_and(|m| m != r) {
                return Err(AssertionsError::MultipleModels);
            }
            model_ref = Some(r.clone());
        }
        Ok(())
    })?;
    let model_ref = model_ref.ok_or(AssertionsError::NoModel)?;
    batch
        .commit(&db, trusted)
        .map_err(AssertionsError::Commit)?;
    let model = model_ref
        .resolve(&db)
        .map_err(ucore_signing::Error::from)?
        .ok_or(AssertionsError::NoModel)?;
    Ok(SeedAssertions {
        seed: seed.clone(),
        model: SeedModel::from_assertion((*model).clone())?,
        db,
        system: None,
    })
}

/// `LoadMeta(AllModes)` of a UC16/18 seed.
pub(crate) fn load_meta(sa: &SeedAssertions) -> Result<LoadedSeed, MetaError> {
    let path = sa.seed.dir.join("seed.yaml");
    if std::fs::metadata(&path).is_err() {
        return Err(MetaError::NoMeta);
    }
    let entries = seed_yaml::read(&path).map_err(MetaError::SeedYaml)?;
    let mut loader = Loader {
        sa,
        seeding: entries.iter().map(|s| (s.name.as_str(), s)).collect(),
        added: HashSet::new(),
        snaps: Vec::new(),
    };
    let uses_snapd_snap = loader.seeding.contains_key("snapd") || sa.model.requires("snapd");
    loader.essentials(uses_snapd_snap)?;
    let essential = loader.snaps.len();
    for entry in &entries {
        if loader.added.contains(entry.name.as_str()) {
            continue;
        }
        let mut snap = loader.snap(entry, None)?;
        snap.required = sa.model.requires(&snap.name);
        loader.snaps.push(snap);
    }
    Ok(LoadedSeed {
        snaps: loader.snaps,
        essential,
        uses_snapd_snap,
        system: false,
    })
}

struct Loader<'a> {
    sa: &'a SeedAssertions,
    seeding: HashMap<&'a str, &'a Seed16Snap>,
    added: HashSet<String>,
    snaps: Vec<LoadedSnap>,
}

impl Loader<'_> {
    /// The essential snaps, in snapd's order.
    fn essentials(&mut self, uses_snapd_snap: bool) -> Result<(), MetaError> {
        let model = &self.sa.model;
        let model_base = model.headers.base.clone();
        let classic_with_snapd = model.headers.classic && uses_snapd_snap;
        let base = match (classic_with_snapd, model_base.is_empty()) {
            (true, _) => String::new(),
            (false, true) => "core".to_string(),
            (false, false) => model_base.clone(),
        };
        if !self.seeding.is_empty() {
            if !model_base.is_empty() || classic_with_snapd {
                self.essential("snapd", None, EssentialType::Snapd)?;
            }
            if !classic_with_snapd {
                self.essential(&base, None, EssentialType::Base)?;
            }
        }
        if let Some(kernel) = model.essential_of(SnapType::Kernel) {
            let track = model.kernel_track.clone();
            self.essential(
                &kernel.name.clone(),
                track.as_deref(),
                EssentialType::Kernel,
            )?;
        }
        if let Some(gadget) = model.essential_of(SnapType::Gadget) {
            let track = model.gadget_track.clone();
            if let Some(i) = self.essential(
                &gadget.name.clone(),
                track.as_deref(),
                EssentialType::Gadget,
            )? {
                let path = self
                    .snaps
                    .get(i)
                    .map(|s| s.path.clone())
                    .unwrap_or_default();
                let info = snap_check::read_info(&path)?;
                let gadget_base = if info.base.is_empty() {
                    "core".to_string()
                } else {
                    info.base
                };
                if !base.is_empty() && gadget_base != base {
                    return Err(MetaError::GadgetBase {
                        gadget_base,
                        model_base,
                    });
                }
                self.essential(&gadget_base, None, EssentialType::Base)?;
            }
        }
        Ok(())
    }

    /// snapd's `addEssential`: the seed.yaml entry of `name` as an essential snap (its
    /// index), or `None` if it was added already.
    fn essential(
        &mut self,
        name: &str,
        pinned_track: Option<&str>,
        essential_type: EssentialType,
    ) -> Result<Option<usize>, MetaError> {
        if self.added.contains(name) {
            return Ok(None);
        }
        let entry = *self
            .seeding
            .get(name)
            .ok_or_else(|| MetaError::EssentialMissing(name.to_string()))?;
        let mut snap = self.snap(entry, pinned_track)?;
        snap.essential = true;
        snap.required = true;
        snap.essential_type = Some(match essential_type {
            EssentialType::Base if name == "core" => EssentialType::Os,
            t => t,
        });
        self.added.insert(name.to_string());
        self.snaps.push(snap);
        Ok(Some(self.snaps.len() - 1))
    }

    /// snapd's `addSnap`: the snap of a seed.yaml entry, checked against its assertions
    /// unless unasserted.
    fn snap(
        &self,
        entry: &Seed16Snap,
        pinned_track: Option<&str>,
    ) -> Result<LoadedSnap, MetaError> {
        let path = self.sa.seed.dir.join("snaps").join(&entry.file);
        let channel = match pinned_track.filter(|t| !t.is_empty()) {
            Some(track) => crate::channel::resolve_pinned(track, &entry.channel)
                .unwrap_or_else(|_| track.to_string()),
            None => entry.channel.clone(),
        };
        let mut snap = LoadedSnap {
            name: entry.name.clone(),
            snap_id: String::new(),
            revision: None,
            path,
            channel,
            essential: false,
            essential_type: None,
            required: false,
            devmode: entry.devmode,
            classic: entry.classic,
            private: false,
            contact: String::new(),
            modes: vec!["run".to_string()],
        };
        if !entry.unasserted {
            let asserted = snap_check::derive(&snap.path, &entry.name, &self.sa.db)?;
            snap.name = asserted.name;
            snap.snap_id = asserted.snap_id;
            snap.revision = Some(asserted.revision);
            snap.private = entry.private;
            snap.contact = entry.contact.clone();
        }
        Ok(snap)
    }
}
