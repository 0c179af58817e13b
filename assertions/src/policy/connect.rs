//! The connection and auto-connection checks (snapd's `ConnectCandidate.Check` and
//! `CheckAutoConnect`, spec §6.5, §6.6).
//!
//! Exactly one rule decides, the first present of: the plug snap-declaration's plug rule,
//! the slot snap-declaration's slot rule, the base-declaration's plug rule, its slot rule
//! (no merging, no fallback). No rule: allowed (auto-connection: one slot per plug).

use super::base_rules::BaseDeclarationRules;
use super::candidate::{ConnectedPlugSlot, DeclarationRules};
use super::constraint_checks::{Connecting, ConnectionSet, End, check_connection, first_match};
use super::decision::{
    CheckKind, ConstraintMismatch, PolicyError, RuleOrigin, RuleRefusal, RuleSide, Verdict,
};
use super::environment::PolicyEnvironment;
use crate::rules::arity::SideArity;
use crate::rules::attr_matcher::AttrMatchContext;
use crate::rules::attr_value::{AttrValue, Attrer};
use crate::rules::rule::Rule;

/// How many slots an auto-connected plug may take (snapd's `SideArity` of the allowing
/// rule): `One` unless the rule's `allow-auto-connection` said `slots-per-plug: *`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlotsPerPlug {
    /// One slot (`SlotsPerPlugOne`): connect only when there is exactly one candidate.
    One,
    /// Any number (`SlotsPerPlugAny`).
    Any,
}

impl SlotsPerPlug {
    /// The oracle's spelling: `1` or `*`.
    pub fn as_str(self) -> &'static str {
        match self {
            SlotsPerPlug::One => "1",
            SlotsPerPlug::Any => "*",
        }
    }
}

/// A plug and a slot to connect, with their snaps' declarations and the base-declaration.
#[derive(Debug, Clone, Copy)]
pub struct ConnectCandidate<'a> {
    /// The plug.
    pub plug: ConnectedPlugSlot<'a>,
    /// The plug snap's declaration.
    pub plug_declaration: Option<DeclarationRules<'a>>,
    /// The slot.
    pub slot: ConnectedPlugSlot<'a>,
    /// The slot snap's declaration.
    pub slot_declaration: Option<DeclarationRules<'a>>,
    /// The base-declaration.
    pub base_declaration: &'a BaseDeclarationRules,
    /// The device and system.
    pub env: &'a PolicyEnvironment,
}

fn ids<'d>(d: Option<DeclarationRules<'d>>) -> (&'d str, &'d str) {
    d.map_or(("", ""), |d| (d.snap_id, d.publisher_id))
}

fn nested_get<'v>(which: &str, attrs: &'v dyn Attrer, path: &str) -> Result<&'v AttrValue, String> {
    attrs
        .lookup(path)
        .ok_or_else(|| format!("{which} attribute {} not found", ucore_go_text::quote(path)))
}

impl AttrMatchContext for ConnectCandidate<'_> {
    fn plug_attr(&self, dotted: &str) -> Result<&AttrValue, String> {
        nested_get("plug", &self.plug, dotted)
    }

    fn slot_attr(&self, dotted: &str) -> Result<&AttrValue, String> {
        nested_get("slot", &self.slot, dotted)
    }

    fn plug_publisher_id(&self) -> &str {
        ids(self.plug_declaration).1
    }

    fn slot_publisher_id(&self) -> &str {
        ids(self.slot_declaration).1
    }
}

impl Connecting for ConnectCandidate<'_> {
    fn plug_end(&self) -> End<'_> {
        let (snap_id, publisher_id) = ids(self.plug_declaration);
        End {
            snap: self.plug.snap,
            info: self.plug.info,
            attrs: &self.plug,
            snap_id,
            publisher_id,
        }
    }

    fn slot_end(&self) -> End<'_> {
        let (snap_id, publisher_id) = ids(self.slot_declaration);
        End {
            snap: self.slot.snap,
            info: self.slot.info,
            attrs: &self.slot,
            snap_id,
            publisher_id,
        }
    }

    fn env(&self) -> &PolicyEnvironment {
        self.env
    }

    fn as_context(&self) -> &dyn AttrMatchContext {
        self
    }
}

impl ConnectCandidate<'_> {
    /// snapd's `Check`: may the plug be connected to the slot manually?
    pub fn check(&self) -> Result<(), PolicyError> {
        self.decide(CheckKind::Connection).map(|_| ())
    }

    /// snapd's `CheckAutoConnect`: may they be connected automatically, and with how many
    /// slots per plug?
    pub fn check_auto_connect(&self) -> Result<SlotsPerPlug, PolicyError> {
        let arity = self.decide(CheckKind::AutoConnection)?;
        Ok(match arity {
            Some(a) if a.is_any() => SlotsPerPlug::Any,
            _ => SlotsPerPlug::One,
        })
    }

    /// The deciding rule's answer: the allowing alternative's `slots-per-plug` (`None`
    /// when no rule exists).
    fn decide(&self, kind: CheckKind) -> Result<Option<SideArity>, PolicyError> {
        let iface = &self.plug.info.interface;
        if self.slot.info.interface != *iface {
            return Err(PolicyError::MismatchedInterfaces {
                plug_interface: iface.clone(),
                slot_interface: self.slot.info.interface.clone(),
            });
        }
        if let Some((rule, d)) = self
            .plug_declaration
            .and_then(|d| d.plug_rule(iface).map(|r| (r, d)))
        {
            return self
                .check_rule(kind, RuleSide::Plug, rule, Some(d))
                .map(Some);
        }
        if let Some((rule, d)) = self
            .slot_declaration
            .and_then(|d| d.slot_rule(iface).map(|r| (r, d)))
        {
            return self
                .check_rule(kind, RuleSide::Slot, rule, Some(d))
                .map(Some);
        }
        if let Some(rule) = self.base_declaration.plug_rule(iface) {
            return self.check_rule(kind, RuleSide::Plug, rule, None).map(Some);
        }
        if let Some(rule) = self.base_declaration.slot_rule(iface) {
            return self.check_rule(kind, RuleSide::Slot, rule, None).map(Some);
        }
        Ok(None)
    }

    /// The deny then allow subrule of `kind` of `rule` (from the snap-declaration `decl`,
    /// or the base-declaration): the allowing alternative's `slots-per-plug`.
    fn check_rule<I, C: ConnectionSet>(
        &self,
        kind: CheckKind,
        side: RuleSide,
        rule: &Rule<I, C>,
        decl: Option<DeclarationRules<'_>>,
    ) -> Result<SideArity, PolicyError> {
        let (deny, allow) = match kind {
            CheckKind::AutoConnection => (&rule.deny_auto_connection, &rule.allow_auto_connection),
            _ => (&rule.deny_connection, &rule.allow_connection),
        };
        let refusal = |verdict, reason: Option<String>| RuleRefusal {
            check: kind,
            verdict,
            side,
            origin: RuleOrigin::of(decl),
            interface: self.plug.info.interface.clone(),
            plug_or_slot: None,
            reason: reason.map(ConstraintMismatch),
        };
        let check = |c: &C| check_connection(self, c);
        if first_match(deny, check).is_ok() {
            return Err(refusal(Verdict::Denied, None).into());
        }
        match first_match(allow, check) {
            Ok(c) => Ok(c.keys().slots_per_plug),
            Err(e) => Err(refusal(Verdict::NotAllowed, Some(e)).into()),
        }
    }
}
