//! The installation check of a snap with a snap-declaration (snapd's
//! `InstallCandidate.Check`, spec §6.4): each slot, then each plug, is judged by its
//! interface's rule in the snap-declaration, else in the base-declaration; no rule allows.
//!
//! snapd walks the snap's slots and plugs as Go maps, in random order, and reports the first
//! refusal; ucore walks them by name (bytewise), so [`InstallCandidate::check`] is
//! deterministic, and [`InstallCandidate::refusals`] lists every refusal snapd could report.

use super::base_rules::BaseDeclarationRules;
use super::candidate::{DeclarationRules, PlugSlotInfo, PolicySnap};
use super::constraint_checks::{InstallationSet, Installing, check_installation, first_match};
use super::decision::{
    CheckKind, ConstraintMismatch, PolicyError, RuleOrigin, RuleRefusal, RuleSide, Verdict,
    first_refusal,
};
use super::environment::PolicyEnvironment;
use crate::rules::rule::Rule;

/// A snap to install, with its snap-declaration (if any) and the base-declaration.
#[derive(Debug, Clone, Copy)]
pub struct InstallCandidate<'a> {
    /// The snap.
    pub snap: &'a PolicySnap,
    /// Its snap-declaration (`None`: checked against the base-declaration alone, as the
    /// oracle's `--full` does; snapd itself uses [`super::InstallCandidateMinimalCheck`]
    /// for snaps without one).
    pub snap_declaration: Option<DeclarationRules<'a>>,
    /// The base-declaration.
    pub base_declaration: &'a BaseDeclarationRules,
    /// The device and system.
    pub env: &'a PolicyEnvironment,
}

/// The rule that decides: the snap-declaration's (with the declaration), else the
/// base-declaration's.
fn pick<'r, R>(
    decl: Option<DeclarationRules<'r>>,
    from_decl: impl FnOnce(&DeclarationRules<'r>) -> Option<&'r R>,
    base: Option<&'r R>,
) -> Option<(&'r R, Option<DeclarationRules<'r>>)> {
    match decl.and_then(|d| from_decl(&d).map(|r| (r, Some(d)))) {
        Some(found) => Some(found),
        None => base.map(|r| (r, None)),
    }
}

impl InstallCandidate<'_> {
    /// snapd's answer: `Ok` when the snap may be installed, else the first refusal (slots
    /// before plugs, each by name).
    pub fn check(&self) -> Result<(), PolicyError> {
        first_refusal(self.refusals())
    }

    /// Every refusal snapd could report: those of the slots if any slot is refused (snapd
    /// stops at the first slot refused, in random order), else those of the plugs. Empty
    /// when the snap may be installed.
    pub fn refusals(&self) -> Vec<RuleRefusal> {
        let slots: Vec<RuleRefusal> = self
            .snap
            .slots
            .values()
            .filter_map(|s| self.check_one(s, RuleSide::Slot).err())
            .collect();
        if !slots.is_empty() {
            return slots;
        }
        self.snap
            .plugs
            .values()
            .filter_map(|p| self.check_one(p, RuleSide::Plug).err())
            .collect()
    }

    fn check_one(&self, ps: &PlugSlotInfo, side: RuleSide) -> Result<(), RuleRefusal> {
        let iface = ps.interface.as_str();
        let decl = self.snap_declaration;
        let base = self.base_declaration;
        match side {
            RuleSide::Slot => match pick(decl, |d| d.slot_rule(iface), base.slot_rule(iface)) {
                Some((rule, d)) => self.check_rule(ps, side, rule, d),
                None => Ok(()),
            },
            RuleSide::Plug => match pick(decl, |d| d.plug_rule(iface), base.plug_rule(iface)) {
                Some((rule, d)) => self.check_rule(ps, side, rule, d),
                None => Ok(()),
            },
        }
    }

    /// `deny-installation` then `allow-installation` of `rule` (from the snap-declaration
    /// `decl`, or the base-declaration).
    fn check_rule<I: InstallationSet, C>(
        &self,
        ps: &PlugSlotInfo,
        side: RuleSide,
        rule: &Rule<I, C>,
        decl: Option<DeclarationRules<'_>>,
    ) -> Result<(), RuleRefusal> {
        let installing = Installing {
            snap: self.snap,
            snap_id: self.snap_declaration.map_or("", |d| d.snap_id),
            env: self.env,
        };
        let refusal = |verdict, reason: Option<String>| RuleRefusal {
            check: CheckKind::Installation,
            verdict,
            side,
            origin: RuleOrigin::of(decl),
            interface: ps.interface.clone(),
            plug_or_slot: Some(ps.name.clone()),
            reason: reason.map(ConstraintMismatch),
        };
        let check = |c: &I| check_installation(&installing, ps, c);
        if first_match(&rule.deny_installation, check).is_ok() {
            return Err(refusal(Verdict::Denied, None));
        }
        first_match(&rule.allow_installation, check)
            .map(|_| ())
            .map_err(|e| refusal(Verdict::NotAllowed, Some(e)))
    }
}
