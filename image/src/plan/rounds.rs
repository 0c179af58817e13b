//! The rounds of snaps to fetch (snapd's `SnapsToDownload`/`Downloaded`, spec §6.5,
//! §6.7): the model's snaps (system snap, essential snaps, the others), the policy's
//! implicit snaps, the extra `--snap` snaps, their implicit snaps; and each snap's
//! channel.

use super::available::SnapRef;
use super::model::ModelSnapSpec;
use super::{PlanError, SeedPlan, Slot};
use crate::channel::{self, ChannelError};
use crate::snaps::{PlannedSnap, SeedSnap, SnapOrigin};

/// Which snaps a round considers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Round {
    /// The model's snaps.
    Model,
    /// The policy's implicit model snaps.
    Implicit,
    /// The `--snap` snaps the model does not name.
    Extra,
    /// The policy's implicit snaps for the extra snaps.
    ExtraImplicit,
}

impl SeedPlan {
    /// The snaps to fetch in the next round, `None` when the seed is complete (§6.5, §6.7).
    pub fn next_round(&mut self) -> Result<Option<Vec<PlannedSnap>>, PlanError> {
        if self.awaiting {
            return Err(PlanError::Step {
                expected: "fetched",
                got: "next_round",
            });
        }
        if self.locals_pending {
            return Err(PlanError::Step {
                expected: "local_snaps",
                got: "next_round",
            });
        }
        if self.complete {
            return Ok(None);
        }
        let slots = match self.round {
            Round::Model => {
                let slots = self.model_slots(self.mod_snaps()?)?;
                self.extra_guess = self.options.len().saturating_sub(self.consumed_options);
                if self.extra_guess > 0 {
                    self.policy.allows_dangerous()?;
                }
                slots
            }
            Round::Implicit => {
                let implicit = self.policy.implicit_snaps(&self.available);
                let slots = self.model_slots(implicit)?;
                slots
                    .into_iter()
                    .map(|mut s| {
                        s.planned.origin = SnapOrigin::Implicit;
                        s.planned.required = false;
                        s
                    })
                    .collect()
            }
            Round::Extra => {
                let extra = self.extra_options();
                self.extra_slots(extra)?
            }
            Round::ExtraImplicit => {
                let names = self.policy.implicit_extra_snaps(&self.available);
                let mut slots = Vec::new();
                for name in names {
                    let channel = self.resolve_channel(&name, None, "")?;
                    let mut planned = planned(&name, None, channel);
                    planned.origin = SnapOrigin::Implicit;
                    slots.push(Slot {
                        planned,
                        model: None,
                        snap: None,
                    });
                }
                slots
            }
        };
        let to_fetch = slots
            .iter()
            .filter(|s| s.snap.is_none())
            .map(|s| s.planned.clone())
            .collect();
        self.considered = slots.len();
        match self.round {
            Round::Model | Round::Implicit => self.from_model.extend(slots),
            Round::Extra | Round::ExtraImplicit => self.extra.extend(slots),
        }
        self.awaiting = true;
        Ok(Some(to_fetch))
    }

    /// The snaps of the current round, fetched: the checks of §6.7 and the policy's
    /// implicit snaps (§6.8). A store redirect shows as another `planned.channel`.
    pub fn fetched(&mut self, snaps: Vec<SeedSnap>) -> Result<(), PlanError> {
        if !self.awaiting {
            return Err(PlanError::Step {
                expected: "next_round",
                got: "fetched",
            });
        }
        self.awaiting = false;
        let list = match self.round {
            Round::Model | Round::Implicit => &mut self.from_model,
            Round::Extra | Round::ExtraImplicit => &mut self.extra,
        };
        let start = list.len().saturating_sub(self.considered);
        let round = list.get_mut(start..).unwrap_or_default();
        for mut snap in snaps {
            let name = snap.planned.name.clone();
            let Some(slot) = round
                .iter_mut()
                .find(|s| s.snap.is_none() && s.planned.name == name)
            else {
                return Err(PlanError::NotPlanned(name));
            };
            if snap.planned.channel != slot.planned.channel && !snap.planned.channel.is_empty() {
                channel::parse_verbatim(&snap.planned.channel).map_err(|source| {
                    PlanError::RedirectChannel {
                        snap: name.clone(),
                        source,
                    }
                })?;
                slot.planned.channel = snap.planned.channel.clone();
            }
            snap.planned = slot.planned.clone();
            if snap.info.confinement == ucore_snap::Confinement::Devmode {
                self.policy.allows_dangerous()?;
            }
            slot.snap = Some(snap);
        }
        let round: Vec<Slot> = round.to_vec();
        self.check_round(&round)?;
        self.advance()
    }

    /// snapd's `Downloaded` transitions.
    fn advance(&mut self) -> Result<(), PlanError> {
        let next = match self.round {
            Round::Model
                if self
                    .policy
                    .needs_implicit(&self.available, &mut self.warnings)? =>
            {
                Some(Round::Implicit)
            }
            Round::Model | Round::Implicit if self.extra_guess > 0 => Some(Round::Extra),
            Round::Extra
                if self
                    .policy
                    .needs_implicit(&self.available, &mut self.warnings)? =>
            {
                Some(Round::ExtraImplicit)
            }
            _ => None,
        };
        match next {
            Some(r) => self.round = r,
            None => self.complete = true,
        }
        Ok(())
    }

    /// snapd's `modSnaps`: the system snap (unless listed), the essential snaps, the others.
    fn mod_snaps(&self) -> Result<Vec<ModelSnapSpec>, PlanError> {
        let mut snaps = self.facts.essential.clone();
        if let Some(system) = self.policy.system_snap() {
            let listed = snaps.iter().find(|m| {
                same_snap(
                    (&m.name, m.snap_id.as_deref()),
                    (&system.name, system.snap_id.as_deref()),
                )
            });
            match listed {
                Some(m) => {
                    let fits = m.modes.len() == system.modes.len()
                        && system.modes.iter().all(|x| m.modes.contains(x));
                    if !fits {
                        return Err(PlanError::SystemSnapModes {
                            name: system.name.clone(),
                            modes: m.modes.clone(),
                        });
                    }
                }
                None => snaps.insert(0, system),
            }
        }
        snaps.extend(self.facts.others.iter().cloned());
        Ok(snaps)
    }

    /// snapd's `modelSnapsToDownload`: a slot per model snap (local, or to fetch); optional
    /// snaps no option names are left out.
    fn model_slots(&mut self, specs: Vec<ModelSnapSpec>) -> Result<Vec<Slot>, PlanError> {
        let mut slots = Vec::new();
        for spec in specs {
            let which = SnapRef {
                name: &spec.name,
                id: spec.snap_id.as_deref(),
            };
            let local = self.local_matching(which);
            let option = match local {
                Some(i) => Some(i),
                None => {
                    let by_name = self.option_by_name(&spec.name);
                    if spec.optional && by_name.is_none() {
                        continue;
                    }
                    by_name
                }
            };
            if option.is_some() {
                self.consumed_options += 1;
            }
            let opt_channel = option
                .and_then(|i| self.options.get(i))
                .map(|o| o.channel.clone())
                .unwrap_or_default();
            let channel = self.resolve_channel(&spec.name, Some(&spec), &opt_channel)?;
            let mut planned = planned(&spec.name, spec.snap_id.clone(), channel);
            planned.model_type = spec.model_type;
            planned.essential = spec.essential;
            planned.required = !spec.optional;
            planned.modes = spec.modes.clone();
            planned.origin = SnapOrigin::Model;
            let snap = local
                .and_then(|i| self.local_by_option.remove(&i))
                .map(|mut s| {
                    planned.local = s.planned.local.take();
                    s.planned = planned.clone();
                    s
                });
            slots.push(Slot {
                planned,
                model: Some(spec),
                snap,
            });
        }
        Ok(slots)
    }

    /// The local snap (by option index) that `which` names.
    fn local_matching(&self, which: SnapRef<'_>) -> Option<usize> {
        self.local_by_option
            .iter()
            .find(|(_, s)| {
                same_snap(
                    (which.name, which.id),
                    (s.info.snap_name(), s.snap_id.as_deref()),
                )
            })
            .map(|(i, _)| *i)
    }

    /// snapd's `optExtraSnaps`: options whose snap is not in the seed yet, in order.
    fn extra_options(&self) -> Vec<usize> {
        (0..self.options.len())
            .filter(|&i| {
                let Some(o) = self.options.get(i) else {
                    return false;
                };
                if o.merged {
                    return false;
                }
                let id = self
                    .local_by_option
                    .get(&i)
                    .and_then(|s| s.snap_id.as_deref());
                let name = o.name.as_deref().unwrap_or_default();
                !self.available.all.contains(SnapRef { name, id })
            })
            .collect()
    }

    /// snapd's `extraSnapsToDownload`.
    fn extra_slots(&mut self, options: Vec<usize>) -> Result<Vec<Slot>, PlanError> {
        let mut slots = Vec::new();
        for i in options {
            let Some(o) = self.options.get(i) else {
                continue;
            };
            let name = o.name.clone().unwrap_or_default();
            let opt_channel = o.channel.clone();
            let local = self.local_by_option.remove(&i);
            let snap_id = local.as_ref().and_then(|s| s.snap_id.clone());
            let mut channel = self.resolve_channel(&name, None, &opt_channel)?;
            if local.as_ref().is_some_and(|s| !s.is_asserted()) {
                channel.clear();
            }
            let mut planned = planned(&name, snap_id, channel);
            planned.origin = SnapOrigin::Extra;
            let snap = local.map(|mut s| {
                planned.local = s.planned.local.take();
                s.planned = planned.clone();
                s
            });
            slots.push(Slot {
                planned,
                model: None,
                snap,
            });
        }
        Ok(slots)
    }

    /// snapd's `resolveChannel` (§6.5).
    fn resolve_channel(
        &self,
        name: &str,
        spec: Option<&ModelSnapSpec>,
        opt_channel: &str,
    ) -> Result<String, PlanError> {
        let opt = if opt_channel.is_empty() {
            self.default_channel.as_str()
        } else {
            opt_channel
        };
        if let Some(spec) = spec.filter(|s| !s.pinned_track.is_empty()) {
            return channel::resolve_pinned(&spec.pinned_track, opt).map_err(|e| match e {
                ChannelError::PinnedTrackSwitch => PlanError::PinnedTrack {
                    channel: opt.to_string(),
                    which: spec.which(&self.facts.base),
                    track: spec.pinned_track.clone(),
                },
                _ => PlanError::Resolve {
                    what: "pinned track",
                    base: spec.pinned_track.clone(),
                    option: opt.to_string(),
                    snap: name.to_string(),
                },
            });
        }
        let default = match spec {
            Some(s) if !s.default_channel.is_empty() => s.default_channel.as_str(),
            _ => self.policy.default_channel(),
        };
        channel::resolve(default, opt).map_err(|_| PlanError::Resolve {
            what: "model default channel",
            base: default.to_string(),
            option: opt.to_string(),
            snap: name.to_string(),
        })
    }
}

/// snapd's `naming.SameSnap`: by id when both have one, else by name.
pub(super) fn same_snap(a: (&str, Option<&str>), b: (&str, Option<&str>)) -> bool {
    match (a.1, b.1) {
        (Some(x), Some(y)) => x == y,
        _ => a.0 == b.0,
    }
}

/// A planned snap with the defaults of an extra snap.
fn planned(name: &str, snap_id: Option<String>, channel: String) -> PlannedSnap {
    PlannedSnap {
        name: name.to_string(),
        snap_id,
        model_type: None,
        essential: false,
        required: false,
        modes: vec!["run".to_string()],
        channel,
        pinned_revision: None,
        local: None,
        origin: SnapOrigin::Extra,
    }
}
