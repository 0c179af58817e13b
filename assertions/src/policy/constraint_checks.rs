//! One constraint set against a candidate (spec §6.2): the checks of an installation or
//! connection set ANDed in snapd's order, the first failing one giving the reason; and the
//! alternatives of a subrule ORed ([`first_match`]).
//!
//! The plug and slot kinds of each set differ only in which side's keys they hold, so each
//! kind lends its fields to one check ([`InstallationSet`], [`ConnectionSet`]).
//!
//! The reason never reaches snapd's error text (§6.4, §6.5 name only the rule); ucore keeps
//! it as the refusal's source.

use super::candidate::{PlugSlotInfo, PolicySnap};
use super::environment::PolicyEnvironment;
use crate::rules::arity::SideArity;
use crate::rules::attr_matcher::{AttrMatchContext, AttributeConstraints};
use crate::rules::attr_value::Attrer;
use crate::rules::constraints::{
    PlugConnectionConstraints, PlugInstallationConstraints, SlotConnectionConstraints,
    SlotInstallationConstraints, check_id,
};
use crate::rules::device_scope::DeviceScopeConstraint;
use crate::rules::names::NameConstraints;
use crate::rules::on_classic::OnClassicConstraint;

/// The first alternative of `alternatives` that `check` accepts, or the reason the first
/// one failed (snapd's `check*AltConstraints`).
pub(crate) fn first_match<C>(
    alternatives: &[C],
    mut check: impl FnMut(&C) -> Result<(), String>,
) -> Result<&C, String> {
    let mut first_err = None;
    for c in alternatives {
        match check(c) {
            Ok(()) => return Ok(c),
            Err(e) => {
                first_err.get_or_insert(e);
            }
        }
    }
    Err(first_err.unwrap_or_else(|| "no alternatives".to_owned()))
}

/// `plug-snap-type`/`slot-snap-type` (§4.2): an empty list passes, else the snap's
/// constraint type must be listed.
pub(crate) fn check_snap_type(
    snap: &PolicySnap,
    snap_id: &str,
    types: &[String],
) -> Result<(), String> {
    if types.is_empty() || types.iter().any(|t| t == snap.constraint_type(snap_id)) {
        Ok(())
    } else {
        Err("snap type does not match".to_owned())
    }
}

fn check_names(
    c: Option<&NameConstraints>,
    interface: &str,
    which: &str,
    name: &str,
) -> Result<(), String> {
    match c {
        None => Ok(()),
        Some(c) => c.check(which, name, &[("$INTERFACE", interface)]),
    }
}

/// The keys every kind of set has: `on-classic`, newer snapd's `on-core-desktop`, and the
/// device scope, checked last and in that order.
pub(crate) struct Environmental<'c> {
    pub on_classic: Option<&'c OnClassicConstraint>,
    pub on_core_desktop: Option<bool>,
    pub device_scope: Option<&'c DeviceScopeConstraint>,
}

/// The [`Environmental`] keys of a constraint set (every kind has the same three fields).
macro_rules! environmental {
    ($set:expr) => {
        Environmental {
            on_classic: $set.on_classic.as_ref(),
            on_core_desktop: $set.on_core_desktop,
            device_scope: $set.device_scope.as_ref(),
        }
    };
}

impl Environmental<'_> {
    pub(crate) fn check(&self, env: &PolicyEnvironment) -> Result<(), String> {
        if let Some(c) = self.on_classic {
            c.check(&env.release)?;
        }
        if let Some(want) = self.on_core_desktop
            && want != env.release.on_core_desktop
        {
            return Err("on-core-desktop mismatch".to_owned());
        }
        match self.device_scope {
            Some(c) => c.check(&env.device),
            None => Ok(()),
        }
    }
}

/// The snap being installed and what the installation checks read of it.
pub(crate) struct Installing<'a> {
    pub snap: &'a PolicySnap,
    /// The declaration's snap id (`""` without one).
    pub snap_id: &'a str,
    pub env: &'a PolicyEnvironment,
}

/// The own-side keys of an installation set.
pub(crate) struct InstallationKeys<'c> {
    pub names: Option<&'c NameConstraints>,
    pub attributes: &'c AttributeConstraints,
    pub snap_types: &'c [String],
    pub snap_ids: &'c [String],
    pub environmental: Environmental<'c>,
}

/// A plug or slot installation set.
pub(crate) trait InstallationSet {
    /// `plug name` or `slot name`.
    const WHICH: &'static str;
    /// Its keys.
    fn keys(&self) -> InstallationKeys<'_>;
}

/// `check{Plug,Slot}InstallationConstraints1`: names, attributes (no `$SLOT()`/`$PLUG()`
/// context), snap type, snap id, on-classic, device scope.
pub(crate) fn check_installation<S: InstallationSet>(
    i: &Installing<'_>,
    ps: &PlugSlotInfo,
    c: &S,
) -> Result<(), String> {
    let k = c.keys();
    check_names(k.names, &ps.interface, S::WHICH, &ps.name)?;
    k.attributes.check(ps, None)?;
    check_snap_type(i.snap, i.snap_id, k.snap_types)?;
    check_id("snap id", i.snap_id, k.snap_ids, &[])?;
    k.environmental.check(i.env)
}

impl InstallationSet for PlugInstallationConstraints {
    const WHICH: &'static str = "plug name";
    fn keys(&self) -> InstallationKeys<'_> {
        InstallationKeys {
            names: self.plug_names.as_ref(),
            attributes: &self.plug_attributes,
            snap_types: &self.plug_snap_types,
            snap_ids: &self.plug_snap_ids,
            environmental: environmental!(self),
        }
    }
}

impl InstallationSet for SlotInstallationConstraints {
    const WHICH: &'static str = "slot name";
    fn keys(&self) -> InstallationKeys<'_> {
        InstallationKeys {
            names: self.slot_names.as_ref(),
            attributes: &self.slot_attributes,
            snap_types: &self.slot_snap_types,
            snap_ids: &self.slot_snap_ids,
            environmental: environmental!(self),
        }
    }
}

/// One end of a connection as the checks read it.
pub(crate) struct End<'a> {
    pub snap: &'a PolicySnap,
    pub info: &'a PlugSlotInfo,
    pub attrs: &'a dyn Attrer,
    /// Its declaration's snap id and publisher id (`""` without one).
    pub snap_id: &'a str,
    pub publisher_id: &'a str,
}

/// What the connection checks read of a candidate.
pub(crate) trait Connecting {
    /// The plug's end.
    fn plug_end(&self) -> End<'_>;
    /// The slot's end.
    fn slot_end(&self) -> End<'_>;
    /// The environment.
    fn env(&self) -> &PolicyEnvironment;
    /// The candidate as the attribute matchers' context.
    fn as_context(&self) -> &dyn AttrMatchContext;
}

/// The keys of a connection set.
pub(crate) struct ConnectionKeys<'c> {
    pub plug_names: Option<&'c NameConstraints>,
    pub slot_names: Option<&'c NameConstraints>,
    pub plug_attributes: &'c AttributeConstraints,
    pub slot_attributes: &'c AttributeConstraints,
    /// Newer snapd: the slot rule's own `slot-snap-type` (empty in 2.57 and plug rules).
    pub own_snap_types: &'c [String],
    /// The other side's snap types, snap ids and publisher ids.
    pub other_snap_types: &'c [String],
    pub other_snap_ids: &'c [String],
    pub other_publisher_ids: &'c [String],
    pub environmental: Environmental<'c>,
    pub slots_per_plug: SideArity,
}

/// A plug or slot connection set.
pub(crate) trait ConnectionSet {
    /// Whether it belongs to a plug rule (its id keys are about the slot's snap).
    const PLUG_RULE: bool;
    /// Its keys.
    fn keys(&self) -> ConnectionKeys<'_>;
}

/// `check{Plug,Slot}ConnectionConstraints1`: plug names, slot names, plug attributes,
/// slot attributes (with the candidate as `$SLOT()`/`$PLUG()` context), then the other
/// side's snap type, snap id and publisher id (`$PLUG_PUBLISHER_ID` in a plug rule,
/// `$SLOT_PUBLISHER_ID` in a slot rule, is this side's publisher), on-classic, device
/// scope.
pub(crate) fn check_connection<S: ConnectionSet>(cc: &dyn Connecting, c: &S) -> Result<(), String> {
    let k = c.keys();
    let (plug, slot) = (cc.plug_end(), cc.slot_end());
    check_names(
        k.plug_names,
        &plug.info.interface,
        "plug name",
        &plug.info.name,
    )?;
    check_names(
        k.slot_names,
        &slot.info.interface,
        "slot name",
        &slot.info.name,
    )?;
    k.plug_attributes.check(plug.attrs, Some(cc.as_context()))?;
    k.slot_attributes.check(slot.attrs, Some(cc.as_context()))?;
    let (own, other, marker) = if S::PLUG_RULE {
        (&plug, &slot, "$PLUG_PUBLISHER_ID")
    } else {
        (&slot, &plug, "$SLOT_PUBLISHER_ID")
    };
    check_snap_type(own.snap, own.snap_id, k.own_snap_types)?;
    check_snap_type(other.snap, other.snap_id, k.other_snap_types)?;
    check_id("snap id", other.snap_id, k.other_snap_ids, &[])?;
    check_id(
        "publisher id",
        other.publisher_id,
        k.other_publisher_ids,
        &[(marker, own.publisher_id)],
    )?;
    k.environmental.check(cc.env())
}

impl ConnectionSet for PlugConnectionConstraints {
    const PLUG_RULE: bool = true;
    fn keys(&self) -> ConnectionKeys<'_> {
        ConnectionKeys {
            plug_names: self.plug_names.as_ref(),
            slot_names: self.slot_names.as_ref(),
            plug_attributes: &self.plug_attributes,
            slot_attributes: &self.slot_attributes,
            own_snap_types: &[],
            other_snap_types: &self.slot_snap_types,
            other_snap_ids: &self.slot_snap_ids,
            other_publisher_ids: &self.slot_publisher_ids,
            environmental: environmental!(self),
            slots_per_plug: self.slots_per_plug,
        }
    }
}

impl ConnectionSet for SlotConnectionConstraints {
    const PLUG_RULE: bool = false;
    fn keys(&self) -> ConnectionKeys<'_> {
        ConnectionKeys {
            plug_names: self.plug_names.as_ref(),
            slot_names: self.slot_names.as_ref(),
            plug_attributes: &self.plug_attributes,
            slot_attributes: &self.slot_attributes,
            own_snap_types: &self.slot_snap_types,
            other_snap_types: &self.plug_snap_types,
            other_snap_ids: &self.plug_snap_ids,
            other_publisher_ids: &self.plug_publisher_ids,
            environmental: environmental!(self),
            slots_per_plug: self.slots_per_plug,
        }
    }
}
