//! The words rules are addressed by: the side a rule is for ([`Side`]), the six subrules
//! ([`Subrule`]) and where in a declaration a constraint set sits ([`RuleContext`], the
//! context of snapd's compile errors).

use std::fmt;

use serde::Serialize;
use ucore_go_text::quote;

/// The side of a connection a rule is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// A plug rule (`plugs` header).
    Plug,
    /// A slot rule (`slots` header).
    Slot,
}

impl Side {
    /// `plug` or `slot`.
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Plug => "plug",
            Side::Slot => "slot",
        }
    }

    /// The other side.
    pub fn other(self) -> Side {
        match self {
            Side::Plug => Side::Slot,
            Side::Slot => Side::Plug,
        }
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One of the six subrules of a rule, in snapd's order (`ruleSubrules`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Subrule {
    /// `allow-installation`.
    #[serde(rename = "allow-installation")]
    AllowInstallation,
    /// `deny-installation`.
    #[serde(rename = "deny-installation")]
    DenyInstallation,
    /// `allow-connection`.
    #[serde(rename = "allow-connection")]
    AllowConnection,
    /// `deny-connection`.
    #[serde(rename = "deny-connection")]
    DenyConnection,
    /// `allow-auto-connection`.
    #[serde(rename = "allow-auto-connection")]
    AllowAutoConnection,
    /// `deny-auto-connection`.
    #[serde(rename = "deny-auto-connection")]
    DenyAutoConnection,
}

impl Subrule {
    /// The six subrules in snapd's order.
    pub const ALL: [Subrule; 6] = [
        Subrule::AllowInstallation,
        Subrule::DenyInstallation,
        Subrule::AllowConnection,
        Subrule::DenyConnection,
        Subrule::AllowAutoConnection,
        Subrule::DenyAutoConnection,
    ];

    /// The header key (`allow-installation`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Subrule::AllowInstallation => "allow-installation",
            Subrule::DenyInstallation => "deny-installation",
            Subrule::AllowConnection => "allow-connection",
            Subrule::DenyConnection => "deny-connection",
            Subrule::AllowAutoConnection => "allow-auto-connection",
            Subrule::DenyAutoConnection => "deny-auto-connection",
        }
    }

    /// Whether this is an `allow-*` subrule.
    pub fn is_allow(self) -> bool {
        matches!(
            self,
            Subrule::AllowInstallation | Subrule::AllowConnection | Subrule::AllowAutoConnection
        )
    }

    /// Whether this is an `*-installation` subrule.
    pub fn is_installation(self) -> bool {
        matches!(self, Subrule::AllowInstallation | Subrule::DenyInstallation)
    }
}

impl fmt::Display for Subrule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a constraint set sits: `[alternative N of ]<subrule> in <side> rule for
/// interface "<interface>"`, or only the rule (`<side> rule for interface "<interface>"`).
///
/// `Display` is snapd's context text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RuleContext {
    /// The rule's side.
    pub side: Side,
    /// The interface the rule is for.
    pub interface: String,
    /// The subrule, unless the context is the whole rule.
    pub subrule: Option<Subrule>,
    /// The 1-based alternative, when the subrule is a list.
    pub alternative: Option<usize>,
}

impl RuleContext {
    /// The context of a whole rule.
    pub fn rule(side: Side, interface: &str) -> Self {
        RuleContext {
            side,
            interface: interface.to_owned(),
            subrule: None,
            alternative: None,
        }
    }
}

impl fmt::Display for RuleContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        At {
            side: self.side,
            interface: &self.interface,
            subrule: self.subrule,
            alternative: self.alternative,
        }
        .fmt(f)
    }
}

/// A [`RuleContext`] that borrows its interface: what the compiler carries, made owned
/// only for an error.
#[derive(Debug, Clone, Copy)]
pub(crate) struct At<'a> {
    pub(crate) side: Side,
    pub(crate) interface: &'a str,
    pub(crate) subrule: Option<Subrule>,
    pub(crate) alternative: Option<usize>,
}

impl At<'_> {
    /// The owned context, for an error.
    pub(crate) fn owned(self) -> RuleContext {
        RuleContext {
            side: self.side,
            interface: self.interface.to_owned(),
            subrule: self.subrule,
            alternative: self.alternative,
        }
    }
}

impl fmt::Display for At<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(n) = self.alternative {
            write!(f, "alternative {n} of ")?;
        }
        if let Some(s) = self.subrule {
            write!(f, "{s} in ")?;
        }
        write!(
            f,
            "{} rule for interface {}",
            self.side,
            quote(self.interface)
        )
    }
}
