//! Local snaps (`--snap PATH`; snapd's `LocalSnaps`/`InfoDerived`, spec §6.4): read by
//! the caller, taken here in option order; unasserted ones need the dangerous policy and
//! get the local revision `x1`; a `--snap NAME` of the same snap is merged into it.

use super::{PlanError, SeedPlan};
use crate::snaps::{Revision, SeedSnap};
use ucore_snap::Confinement;

impl SeedPlan {
    /// The local snaps of the `--snap PATH` options, read by the caller (info, digest,
    /// assertions if the source has them), in option order (§6.4).
    pub fn local_snaps(&mut self, locals: Vec<SeedSnap>) -> Result<(), PlanError> {
        if !self.locals_pending {
            return Err(PlanError::Step {
                expected: "next_round",
                got: "local_snaps",
            });
        }
        let paths: Vec<usize> = (0..self.options.len())
            .filter(|&i| self.options.get(i).is_some_and(|o| o.path.is_some()))
            .collect();
        if paths.len() != locals.len() {
            return Err(PlanError::LocalCount {
                expected: paths.len(),
                got: locals.len(),
            });
        }
        let mut taken: Vec<(String, Option<String>)> = Vec::new();
        for (index, mut snap) in paths.into_iter().zip(locals) {
            // SetInfo
            if snap.info.confinement == Confinement::Devmode {
                self.policy.allows_dangerous()?;
            }
            let name = snap.info.snap_name().to_string();
            if snap.snap_id.is_none() {
                self.policy.allows_dangerous()?;
                snap.revision = Revision::LOCAL;
            }
            let same = |(n, id): &(String, Option<String>)| match (id, &snap.snap_id) {
                (Some(a), Some(b)) => a == b,
                _ => *n == name,
            };
            if taken.iter().any(same) {
                return Err(PlanError::LocalRepeated(name));
            }
            taken.push((name.clone(), snap.snap_id.clone()));
            let (path, mut channel) = match self.options.get(index) {
                Some(o) => (o.path.clone().unwrap_or_default(), o.channel.clone()),
                None => continue,
            };
            if let Some(by_name) = self.option_by_name(&name) {
                self.consumed_options += 1;
                let name_channel = self
                    .options
                    .get(by_name)
                    .map(|o| o.channel.clone())
                    .unwrap_or_default();
                if !name_channel.is_empty() {
                    if channel.is_empty() {
                        channel = name_channel;
                    } else if channel != name_channel {
                        return Err(PlanError::DifferentChannels {
                            path,
                            path_channel: channel,
                            name,
                            name_channel,
                        });
                    }
                }
                if let Some(o) = self.options.get_mut(by_name) {
                    o.merged = true;
                }
            }
            snap.planned.name = name.clone();
            snap.planned.local = Some(path);
            if let Some(o) = self.options.get_mut(index) {
                o.name = Some(name);
                o.channel = channel;
            }
            self.local_by_option.insert(index, snap);
        }
        self.locals_pending = false;
        Ok(())
    }
}
