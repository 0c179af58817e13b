//! The `--snap` options as the seed writer takes them (snapd's `SetOptionsSnaps`,
//! spec §6.2): names checked and unique, local files ending in `.snap` and present,
//! channels parsed and allowed by the policy.

use std::path::PathBuf;

use ucore_snap::naming::validate_snap_name;

use super::{PlanError, SeedPlan};
use crate::options::OptionSnap;

/// One `--snap` option.
#[derive(Debug, Clone)]
pub(super) struct OptionEntry {
    /// The snap name (`--snap NAME`), or the local snap's once read.
    pub name: Option<String>,
    /// The local file (`--snap PATH`).
    pub path: Option<PathBuf>,
    /// The channel (`""`: none).
    pub channel: String,
    /// A name option taken over by a local file of the same snap.
    pub merged: bool,
}

impl SeedPlan {
    /// snapd's `SetOptionsSnaps`.
    pub(super) fn set_option_snaps(&mut self, snaps: &[OptionSnap]) -> Result<(), PlanError> {
        for opt in snaps {
            let (entry, which) = match opt {
                OptionSnap::Name { name, .. } => {
                    if name.contains('_') {
                        return Err(PlanError::ParallelInstance(name.clone()));
                    }
                    validate_snap_name(name)?;
                    if self.option_by_name(name).is_some() {
                        return Err(PlanError::RepeatedOption(name.clone()));
                    }
                    let entry = OptionEntry {
                        name: Some(name.clone()),
                        path: None,
                        channel: String::new(),
                        merged: false,
                    };
                    (entry, name.clone())
                }
                OptionSnap::Path { path, .. } => {
                    if !path.to_string_lossy().ends_with(".snap") {
                        return Err(PlanError::LocalNotSnap(path.clone()));
                    }
                    if std::fs::metadata(path).is_err() {
                        return Err(PlanError::LocalMissing(path.clone()));
                    }
                    self.locals_pending = true;
                    let entry = OptionEntry {
                        name: None,
                        path: Some(path.clone()),
                        channel: String::new(),
                        merged: false,
                    };
                    (entry, path.to_string_lossy().into_owned())
                }
            };
            let channel = opt.channel().unwrap_or_default();
            if !channel.is_empty() {
                crate::channel::parse_verbatim(channel).map_err(|source| {
                    PlanError::OptionChannel {
                        snap: which,
                        source,
                    }
                })?;
                self.policy.allows_dangerous()?;
            }
            self.options.push(OptionEntry {
                channel: channel.to_string(),
                ..entry
            });
        }
        Ok(())
    }

    /// The `--snap NAME` option for `name`.
    pub(super) fn option_by_name(&self, name: &str) -> Option<usize> {
        self.options
            .iter()
            .position(|o| o.path.is_none() && o.name.as_deref() == Some(name))
    }
}
