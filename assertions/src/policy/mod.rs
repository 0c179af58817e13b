//! snapd's interface policy (`interfaces/policy`; spec `policy.md` §6): the installation,
//! connection and auto-connection checks of a snap's plugs and slots against its
//! snap-declaration and the base-declaration, on a device (model, store) and system
//! (classic or not), each answering allow or a [`RuleRefusal`] naming the rule that decided.
//!
//! ```
//! use ucore_assertions::policy::{
//!     BaseDeclarationRules, InstallCandidate, PlugSlotInfo, PolicyEnvironment, PolicySnap,
//! };
//!
//! // A base-declaration of our own, as the headers-only text snapd builds in.
//! let base = BaseDeclarationRules::from_builtin_text(
//!     b"type: base-declaration\nauthority-id: canonical\nseries: 16\nplugs:\n  docker-support:\n    allow-installation: false\n",
//!     Default::default(),
//! )?;
//! let mut snap = PolicySnap { name: "hello".into(), snap_type: "app".into(), ..Default::default() };
//! snap.plugs.insert(
//!     "docker-support".into(),
//!     PlugSlotInfo { name: "docker-support".into(), interface: "docker-support".into(), ..Default::default() },
//! );
//! let env = PolicyEnvironment::default(); // an Ubuntu Core device, snapd 2.57's rules
//! let check = InstallCandidate { snap: &snap, snap_declaration: None, base_declaration: &base, env: &env };
//! assert_eq!(
//!     check.check().unwrap_err().to_string(),
//!     r#"installation not allowed by "docker-support" plug rule of interface "docker-support""#
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Layers (each uses only the ones below it)
//!
//! * [`InstallCandidate`], [`InstallCandidateMinimalCheck`] (in `install`, `minimal`) and
//!   [`ConnectCandidate`] (in `connect`): the checks, with snapd's precedence (plug
//!   declaration, slot declaration, base plug rule, base slot rule; the first present
//!   decides alone).
//! * `constraint_checks`: one constraint set against a candidate, in snapd's order.
//! * The inputs: [`PolicySnap`], [`PlugSlotInfo`], [`ConnectedPlugSlot`],
//!   [`DeclarationRules`] (in `candidate`), [`BaseDeclarationRules`] (in `base_rules`),
//!   [`PolicyEnvironment`] (in `environment`); the answers in `decision`.
//! * Below: [`crate::types`] (the declarations) and [`crate::rules`] (the compiled rule
//!   language, re-exported here).

pub use crate::rules::*;

mod base_rules;
mod candidate;
mod connect;
mod constraint_checks;
mod decision;
mod environment;
mod install;
mod minimal;

pub use base_rules::BaseDeclarationRules;
pub use candidate::{ConnectedPlugSlot, DeclarationRules, PlugSlotInfo, PolicySnap};
pub use connect::{ConnectCandidate, SlotsPerPlug};
pub use decision::{
    CheckKind, ConstraintMismatch, PolicyError, RuleOrigin, RuleRefusal, RuleSide, Verdict,
};
pub use environment::PolicyEnvironment;
pub use install::InstallCandidate;
pub use minimal::InstallCandidateMinimalCheck;
