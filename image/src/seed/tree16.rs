//! The UC16/18 seed (spec §4.1–4.3): `snaps/NAME_REV.snap`, one file per assertion in
//! `assertions/` (model refs, then each snap's, model snaps first), and `seed.yaml`
//! listing every snap sorted by type.

use std::collections::BTreeSet;

use super::yaml::{Seed16Entry, seed_yaml};
use super::{SeedError, contact, file_name, files, type_rank};
use crate::snaps::SeedContents;
use crate::tree::PreparedTree;

/// Writes a UC16/18 seed.
pub(super) fn write(contents: &mut SeedContents, tree: &PreparedTree) -> Result<(), SeedError> {
    let seed = tree.seed_dir();
    let snaps_dir = seed.join("snaps");
    files::make_dirs(&snaps_dir)?;
    let staging = tree.staging_dir();
    for snap in contents
        .model_snaps
        .iter_mut()
        .chain(contents.extra_snaps.iter_mut())
    {
        let dst = snaps_dir.join(file_name(snap));
        files::place_snap(snap, dst, &staging)?;
    }

    let asserts_dir = seed.join("assertions");
    files::make_dirs(&asserts_dir)?;
    let mut written = BTreeSet::new();
    let all = contents
        .model_refs
        .iter()
        .chain(std::iter::once(&contents.model))
        .chain(contents.model_snaps.iter().flat_map(|s| &s.assertions))
        .chain(contents.extra_snaps.iter().flat_map(|s| &s.assertions));
    for a in all {
        let name = files::assertion_file_name(a);
        // Each assertion once (the fetcher records each once; a repeat is the same one).
        if written.insert(name.clone()) {
            files::write_new(
                &asserts_dir.join(name),
                &ucore_assertions::AssertionAccess::encode(a),
            )?;
        }
    }

    let mut snaps: Vec<_> = contents
        .model_snaps
        .iter()
        .chain(&contents.extra_snaps)
        .collect();
    snaps.sort_by_key(|s| type_rank(s));
    let entries: Vec<Seed16Entry> = snaps
        .into_iter()
        .map(|s| {
            let unasserted = !s.is_asserted();
            Seed16Entry {
                name: s.info.snap_name().to_string(),
                snap_id: s.snap_id.clone().unwrap_or_default(),
                channel: if unasserted {
                    String::new()
                } else {
                    s.planned.channel.clone()
                },
                devmode: s.info.confinement == ucore_snap::Confinement::Devmode,
                classic: s.info.confinement == ucore_snap::Confinement::Classic,
                contact: contact(s),
                unasserted,
                file: s
                    .file
                    .file_name()
                    .map(|f| f.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            }
        })
        .collect();
    files::write_new(&seed.join("seed.yaml"), seed_yaml(&entries).as_bytes())
        .map_err(|e| SeedError::SeedYaml(Box::new(e)))
}
