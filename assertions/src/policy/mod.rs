// ---- evaluation (h13-eval): snapd's interface policy decisions (spec §6) ----
mod base_rules;
mod candidate;
mod connect;
mod constraint_checks;
mod decision;
mod environment;
mod install;
mod minimal;

pub use base_rules::{BaseDeclarationRules, BuiltinBaseDeclarationError};
pub use candidate::{ConnectedPlugSlot, DeclarationRules, PlugSlotInfo, PolicySnap};
pub use connect::{ConnectCandidate, SlotsPerPlug};
pub use decision::{
    CheckKind, ConstraintMismatch, PolicyError, RuleOrigin, RuleRefusal, RuleSide, Verdict,
};
pub use environment::PolicyEnvironment;
pub use install::InstallCandidate;
pub use minimal::InstallCandidateMinimalCheck;
