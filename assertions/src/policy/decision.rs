//! The answer of a policy check when it says no ([`PolicyError`]): which rule decided
//! (snap-declaration or base-declaration, plug or slot side, interface), whether a `deny-*`
//! subrule matched or no `allow-*` alternative did, and, as its [`std::error::Error::source`],
//! why the first alternative failed (snapd drops that reason; ucore keeps it for the
//! curious, outside `Display`). `Display` is snapd's text (spec §6.4–§6.7).

use std::fmt;

use ucore_go_text::quote;

/// Which check was run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CheckKind {
    /// Installation (`InstallCandidate`, `InstallCandidateMinimalCheck`).
    Installation,
    /// Manual connection (`ConnectCandidate.Check`).
    Connection,
    /// Auto-connection (`ConnectCandidate.CheckAutoConnect`).
    AutoConnection,
}

impl CheckKind {
    /// snapd's word: `installation`, `connection`, `auto-connection`.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckKind::Installation => "installation",
            CheckKind::Connection => "connection",
            CheckKind::AutoConnection => "auto-connection",
        }
    }
}

/// The side of the rule that decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RuleSide {
    /// A plug rule (`plugs` header).
    Plug,
    /// A slot rule (`slots` header).
    Slot,
}

impl RuleSide {
    /// `plug` or `slot`.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleSide::Plug => "plug",
            RuleSide::Slot => "slot",
        }
    }
}

/// The declaration the deciding rule came from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RuleOrigin {
    /// A snap-declaration, with its `snap-name`.
    SnapDeclaration {
        /// The declaration's `snap-name`.
        snap_name: String,
    },
    /// The base-declaration.
    BaseDeclaration,
}

impl RuleOrigin {
    /// The origin of a rule from `decl`, or from the base-declaration.
    pub fn of(decl: Option<super::candidate::DeclarationRules<'_>>) -> Self {
        match decl {
            Some(d) => RuleOrigin::SnapDeclaration {
                snap_name: d.snap_name.to_owned(),
            },
            None => RuleOrigin::BaseDeclaration,
        }
    }
}

/// How the deciding rule said no.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// An alternative of the `deny-*` subrule matched (`… denied by …`).
    Denied,
    /// No alternative of the `allow-*` subrule matched (`… not allowed by …`).
    NotAllowed,
}

/// Why the first alternative of the subrule did not match (or, for a deny, that it did):
/// the failing constraint's own text, such as `on-store mismatch` or
/// `attribute "write" value "x" does not match ^(y)$`. Not part of snapd's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConstraintMismatch(pub String);

impl fmt::Display for ConstraintMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConstraintMismatch {}

/// A rule of a declaration said no.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleRefusal {
    /// The check that was run.
    pub check: CheckKind,
    /// Denied or not allowed.
    pub verdict: Verdict,
    /// The rule's side.
    pub side: RuleSide,
    /// The rule's declaration.
    pub origin: RuleOrigin,
    /// The interface of the rule.
    pub interface: String,
    /// Installation only: the name of the plug or slot that was refused.
    pub plug_or_slot: Option<String>,
    /// Why the first `allow-*` alternative failed (`NotAllowed`); `None` for `Denied`.
    pub reason: Option<ConstraintMismatch>,
}

impl fmt::Display for RuleRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verdict = match self.verdict {
            Verdict::Denied => "denied",
            Verdict::NotAllowed => "not allowed",
        };
        write!(f, "{} {verdict} by ", self.check.as_str())?;
        if let Some(name) = &self.plug_or_slot {
            write!(f, "{} ", quote(name))?;
        }
        write!(
            f,
            "{} rule of interface {}",
            self.side.as_str(),
            quote(&self.interface)
        )?;
        if let RuleOrigin::SnapDeclaration { snap_name } = &self.origin {
            write!(f, " for {} snap", quote(snap_name))?;
        }
        Ok(())
    }
}

impl std::error::Error for RuleRefusal {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.reason
            .as_ref()
            .map(|r| r as &(dyn std::error::Error + 'static))
    }
}

/// A policy check said no.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// The plug and the slot are of different interfaces.
    #[error(
        "cannot connect mismatched plug interface {} to slot interface {}",
        quote(plug_interface),
        quote(slot_interface)
    )]
    MismatchedInterfaces {
        /// The plug's interface.
        plug_interface: String,
        /// The slot's interface.
        slot_interface: String,
    },
    /// A rule said no.
    #[error(transparent)]
    Refused(#[from] RuleRefusal),
}

/// snapd's answer from every refusal it could report: the first (ucore's order), if any.
pub(crate) fn first_refusal(refusals: Vec<RuleRefusal>) -> Result<(), PolicyError> {
    match refusals.into_iter().next() {
        None => Ok(()),
        Some(r) => Err(r.into()),
    }
}

impl PolicyError {
    /// The refusing rule, when a rule refused.
    pub fn refusal(&self) -> Option<&RuleRefusal> {
        match self {
            PolicyError::Refused(r) => Some(r),
            PolicyError::MismatchedInterfaces { .. } => None,
        }
    }
}
