//! The checks on the snaps of a round once fetched (snapd's `Downloaded`, spec §6.7), in
//! snapd's order: what the fetcher must have set, the type the model gives, classic
//! confinement, the base, content default providers, the publisher of kernels and gadgets.

use ucore_assertions::types::SnapType as ModelSnapType;
use ucore_go_yaml::Value;
use ucore_snap::{Confinement, Info, SnapType};

use super::available::SnapRef;
use super::{PlanError, SeedPlan, Slot};
use crate::snaps::SeedSnap;

impl SeedPlan {
    /// Adds the round's snaps to the available sets, then checks each.
    pub(super) fn check_round(&mut self, round: &[Slot]) -> Result<(), PlanError> {
        for slot in round {
            let snap = slot
                .snap
                .as_ref()
                .ok_or_else(|| PlanError::NotFetched(slot.planned.name.clone()))?;
            let r = SnapRef {
                name: snap.info.snap_name(),
                id: snap.snap_id.as_deref(),
            };
            self.available.add(r, &slot.modes());
        }
        for slot in round {
            let snap = slot
                .snap
                .as_ref()
                .ok_or_else(|| PlanError::NotFetched(slot.planned.name.clone()))?;
            self.check_snap(slot, snap)?;
        }
        Ok(())
    }

    fn check_snap(&mut self, slot: &Slot, snap: &SeedSnap) -> Result<(), PlanError> {
        let info = &snap.info;
        let name = info.snap_name().to_string();
        let local = slot.planned.local.is_some();
        if !local && snap.snap_id.is_none() {
            return Err(PlanError::NoSnapId(name));
        }
        if snap.snap_id.is_some() && snap.assertions.is_empty() {
            return Err(PlanError::NoAssertions(name));
        }
        self.check_type(slot, info)?;
        if info.confinement == Confinement::Classic && !self.facts.classic {
            return Err(PlanError::ClassicSnap(name));
        }
        let modes = slot.modes();
        self.check_base(info, &modes)?;
        for provider in default_providers(info) {
            if !self
                .policy
                .check_available(SnapRef::named(&provider), &modes, &self.available)
            {
                return Err(PlanError::DefaultProvider {
                    snap: name,
                    provider,
                    modes,
                });
            }
        }
        self.check_publisher(snap, local)
    }

    /// snapd's `checkType`.
    fn check_type(&self, slot: &Slot, info: &Info) -> Result<(), PlanError> {
        let Some(spec) = &slot.model else {
            return Ok(());
        };
        let found = info.snap_type();
        let expected = match spec.model_type {
            None => {
                if matches!(found, SnapType::Kernel | SnapType::Gadget) {
                    return Err(PlanError::UnexpectedType {
                        which: format!("snap {}", ucore_go_text::quote(info.snap_name())),
                        found,
                    });
                }
                return Ok(());
            }
            Some(ModelSnapType::Snapd) => SnapType::Snapd,
            Some(ModelSnapType::Core) => SnapType::Os,
            Some(ModelSnapType::Base) => SnapType::Base,
            Some(ModelSnapType::Kernel) => SnapType::Kernel,
            Some(ModelSnapType::Gadget) => SnapType::Gadget,
            Some(ModelSnapType::App) => SnapType::App,
        };
        if found != expected {
            return Err(PlanError::UnexpectedType {
                which: spec.which(&self.facts.base),
                found,
            });
        }
        Ok(())
    }

    /// snapd's `Writer.checkBase`.
    fn check_base(&mut self, info: &Info, modes: &[String]) -> Result<(), PlanError> {
        if info.snap_type() == SnapType::Gadget
            && !self.facts.classic
            && info.base != self.facts.base
        {
            return Err(PlanError::GadgetBase {
                base: info.base.clone(),
                model_base: self.facts.base.clone(),
            });
        }
        if info.base == "none" {
            return Ok(());
        }
        self.policy.check_base(info, modes, &self.available)
    }

    /// snapd's `checkPublisher`: kernels and gadgets by the brand or Canonical.
    fn check_publisher(&self, snap: &SeedSnap, local: bool) -> Result<(), PlanError> {
        if local && snap.assertions.is_empty() {
            return Ok(());
        }
        let kind = match snap.info.snap_type() {
            SnapType::Kernel => "kernel",
            SnapType::Gadget => "gadget",
            _ => return Ok(()),
        };
        let name = snap.info.snap_name();
        let publisher = snap
            .publisher_id
            .as_deref()
            .ok_or_else(|| PlanError::NoDeclaration(name.to_string()))?;
        if publisher != self.facts.brand_id && publisher != "canonical" {
            return Err(PlanError::Publisher {
                kind,
                snap: name.to_string(),
                publisher: publisher.to_string(),
                brand: self.facts.brand_id.clone(),
            });
        }
        Ok(())
    }
}

/// snapd's `NeededDefaultProviders`: the snaps named by the `default-provider` of the
/// content plugs (`snap:slot` names the snap), sorted and once each.
pub(super) fn default_providers(info: &Info) -> Vec<String> {
    let mut out: Vec<String> = info
        .plugs
        .values()
        .filter(|p| p.interface == "content")
        .filter_map(|p| match p.attrs.get("default-provider") {
            Some(Value::String(s)) if !s.is_empty() => {
                Some(s.split(':').next().unwrap_or_default().to_string())
            }
            _ => None,
        })
        .collect();
    out.sort();
    out.dedup();
    out
}
