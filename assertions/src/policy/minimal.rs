//! The installation check of a snap without a snap-declaration (installed with
//! `--dangerous`; snapd's `InstallCandidateMinimalCheck.Check`, spec §6.7): only the slots,
//! only the base-declaration's slot rules, and of their alternatives only those with
//! `on-classic` or `slot-snap-type`, judged on those two alone.
//!
//! snapd 2.57 also applies `deny-installation` so; newer snapd (2.59,
//! [`RuleLanguage::Current`]) ignores it. Slots are walked by name (snapd: Go map order);
//! [`InstallCandidateMinimalCheck::refusals`] lists every refusal snapd could report.

use super::base_rules::BaseDeclarationRules;
use super::candidate::{PlugSlotInfo, PolicySnap};
use super::constraint_checks::{Environmental, check_snap_type};
use super::decision::{
    CheckKind, ConstraintMismatch, PolicyError, RuleOrigin, RuleRefusal, RuleSide, Verdict,
    first_refusal,
};
use super::environment::PolicyEnvironment;
use crate::rules::constraints::SlotInstallationConstraints;
use crate::rules::language::RuleLanguage;

/// A snap to install without a snap-declaration.
#[derive(Debug, Clone, Copy)]
pub struct InstallCandidateMinimalCheck<'a> {
    /// The snap.
    pub snap: &'a PolicySnap,
    /// The base-declaration.
    pub base_declaration: &'a BaseDeclarationRules,
    /// The system (`on-classic`) and the rule language; the device is not read.
    pub env: &'a PolicyEnvironment,
}

/// Whether any alternative has a snap type or on-classic (newer snapd: or
/// on-core-desktop) constraint, and if so the first that passes on those alone (snapd's
/// `checkMinimalSlotInstallationAltConstraints`).
fn minimal_alternatives(
    snap: &PolicySnap,
    env: &PolicyEnvironment,
    alternatives: &[SlotInstallationConstraints],
) -> (bool, Result<(), String>) {
    let mut constrained = false;
    let mut first_err = None;
    for c in alternatives {
        if c.on_classic.is_none() && c.on_core_desktop.is_none() && c.slot_snap_types.is_empty() {
            continue;
        }
        constrained = true;
        let system = Environmental {
            on_classic: c.on_classic.as_ref(),
            on_core_desktop: c.on_core_desktop,
            device_scope: None,
        };
        match check_snap_type(snap, "", &c.slot_snap_types).and_then(|()| system.check(env)) {
            Ok(()) => return (true, Ok(())),
            Err(e) => {
                first_err.get_or_insert(e);
            }
        }
    }
    (constrained, first_err.map_or(Ok(()), Err))
}

impl InstallCandidateMinimalCheck<'_> {
    /// snapd's answer: `Ok`, or the first refused slot (by name).
    pub fn check(&self) -> Result<(), PolicyError> {
        first_refusal(self.refusals())
    }

    /// Every refusal snapd could report (one per refused slot).
    pub fn refusals(&self) -> Vec<RuleRefusal> {
        self.snap
            .slots
            .values()
            .filter_map(|s| self.check_slot(s).err())
            .collect()
    }

    fn check_slot(&self, slot: &PlugSlotInfo) -> Result<(), RuleRefusal> {
        let Some(rule) = self.base_declaration.slot_rule(&slot.interface) else {
            return Ok(());
        };
        let refusal = |verdict, reason: Option<String>| RuleRefusal {
            check: CheckKind::Installation,
            verdict,
            side: RuleSide::Slot,
            origin: RuleOrigin::BaseDeclaration,
            interface: slot.interface.clone(),
            plug_or_slot: Some(slot.name.clone()),
            reason: reason.map(ConstraintMismatch),
        };
        if self.env.language == RuleLanguage::Snapd2_57 {
            let (constrained, result) =
                minimal_alternatives(self.snap, self.env, &rule.deny_installation);
            if constrained && result.is_ok() {
                return Err(refusal(Verdict::Denied, None));
            }
        }
        let (_, result) = minimal_alternatives(self.snap, self.env, &rule.allow_installation);
        result.map_err(|e| refusal(Verdict::NotAllowed, Some(e)))
    }
}
