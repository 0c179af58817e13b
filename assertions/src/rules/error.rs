//! The rule compiler's errors, one type per concern, each `Display`ing snapd's exact text
//! (policy.md §5; the ids E-R1… name the spec's table rows).

use ucore_go_text::quote;

use super::language::RuleLanguage;
use super::subrule::RuleContext;

/// A plug or slot rule does not compile (snapd's `compilePlugRule`/`compileSlotRule`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RuleError {
    /// E-R1 (the rule) or E-R2 (a subrule): neither a map nor `true`/`false`.
    #[error("{context} must be a map or one of the shortcuts 'true' or 'false'")]
    NotMapOrShortcut {
        /// The rule or the subrule.
        context: RuleContext,
    },
    /// E-R3: an alternative of a subrule list is not a map.
    #[error("{context} must be a map")]
    AlternativeNotMap {
        /// The alternative.
        context: RuleContext,
    },
    /// E-R4: a rule map without any of the six subrules.
    #[error(
        "{context} must specify at least one of allow-installation, deny-installation, allow-connection, deny-connection, allow-auto-connection, deny-auto-connection"
    )]
    NoSubrule {
        /// The rule.
        context: RuleContext,
    },
    /// E-C1: `plug-attributes` or `slot-attributes` does not compile.
    #[error("cannot compile {field} in {context}: {source}")]
    Attributes {
        /// `plug-attributes` or `slot-attributes`.
        field: &'static str,
        /// The constraint set.
        context: RuleContext,
        /// The matcher's error.
        #[source]
        source: Box<AttrMatcherError>,
    },
    /// E-C2: a connection constraint set with none of the keys its kind reads.
    #[error("{context} must specify at least one of {}", .keys.join(", "))]
    NoConstraint {
        /// The constraint set.
        context: RuleContext,
        /// The keys the set could have had, in snapd's order.
        keys: Vec<&'static str>,
    },
    /// E-C3a: an id key (`*-snap-type`, `*-snap-id`, `*-publisher-id`) that is not a
    /// list of strings.
    #[error("{key} in {context} must be a list of strings")]
    NotStringList {
        /// The key.
        key: &'static str,
        /// The constraint set.
        context: RuleContext,
    },
    /// E-C3b: an element of an id key fails the key's pattern.
    #[error("{key} in {context} contains an invalid element: {}", quote(.element))]
    InvalidElement {
        /// The key.
        key: &'static str,
        /// The constraint set.
        context: RuleContext,
        /// The element.
        element: String,
    },
    /// E-C4a: an arity key outside `allow-connection`/`allow-auto-connection`.
    #[error("{context} cannot specify a {key} constraint, they apply only to allow-*connection")]
    ArityNotAllowed {
        /// `slots-per-plug` or `plugs-per-slot`.
        key: &'static str,
        /// The constraint set.
        context: RuleContext,
    },
    /// E-C4b: an arity value that is not an integer >= 1 or `*`.
    #[error("{key} in {context} must be an integer >=1 or *")]
    ArityInvalid {
        /// `slots-per-plug` or `plugs-per-slot`.
        key: &'static str,
        /// The constraint set.
        context: RuleContext,
    },
    /// E-C4c: an arity integer out of Go's `int` range.
    #[error("{key} in {context} is out of range: {value}")]
    ArityOutOfRange {
        /// `slots-per-plug` or `plugs-per-slot`.
        key: &'static str,
        /// The constraint set.
        context: RuleContext,
        /// The value as written.
        value: String,
    },
    /// E-C4d: an arity integer with a leading zero.
    #[error("{key} in {context} has invalid prefix zeros: {value}")]
    ArityPrefixZeros {
        /// `slots-per-plug` or `plugs-per-slot`.
        key: &'static str,
        /// The constraint set.
        context: RuleContext,
        /// The value as written.
        value: String,
    },
    /// E-C5: `on-classic` does not compile.
    #[error(transparent)]
    OnClassic(#[from] OnClassicError),
    /// `on-core-desktop` is not `true`/`false` (newer snapd only).
    #[error("on-core-desktop in {context} must be 'true' or 'false'")]
    OnCoreDesktop {
        /// The constraint set.
        context: RuleContext,
    },
    /// E-N1…E-N5: `plug-names`/`slot-names` do not compile (snapd adds no context).
    #[error(transparent)]
    Names(#[from] NameConstraintsError),
    /// `on-store`/`on-brand`/`on-model` do not compile.
    #[error(transparent)]
    DeviceScope(#[from] DeviceScopeError),
}

/// An attribute matcher does not compile (snapd's `compileAttrMatcher`, E-A1…E-A7).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AttrMatcherError {
    /// E-A1: a list directly inside a list.
    #[error("cannot nest alternative constraints directly at {}", quote(.dotted))]
    NestedAlternatives {
        /// The path (`foo/alt#1/`).
        dotted: String,
    },
    /// E-A2: a string at the top level or directly under a top-level list.
    #[error("{}", if .language.is_current() {
        "first level of non alternative constraints must be a set of key-value constraints"
    } else {
        "first level of non alternative constraints must be a set of key-value contraints"
    })]
    FirstLevelNotMap {
        /// 2.57 spells "contraints".
        language: RuleLanguage,
    },
    /// E-A4: a `$` value where no `$OP()` is allowed (account-key constraints).
    #[error("cannot compile {} constraint {}: {}", quote(.dotted), quote(.constraint), if .language.is_current() {
        "no $OP() or $REF constraints supported"
    } else {
        "no $OP() constraints supported"
    })]
    NoOps {
        /// The path.
        dotted: String,
        /// The value.
        constraint: String,
        /// Which text.
        language: RuleLanguage,
    },
    /// E-A5: a `$` value that is not a valid allowed `$OP(arg)`.
    #[error("cannot compile {} constraint {}: not a valid {valid} constraint", quote(.dotted), quote(.constraint))]
    InvalidOp {
        /// The path.
        dotted: String,
        /// The value.
        constraint: String,
        /// The valid forms, `$SLOT()/$PLUG()` (newer snapd adds the publisher refs).
        valid: String,
    },
    /// E-A6: `$OP(a,b)`.
    #[error("cannot compile {} constraint {}: ${op}() constraint expects 1 argument", quote(.dotted), quote(.constraint))]
    OneArgument {
        /// The path.
        dotted: String,
        /// The value.
        constraint: String,
        /// `SLOT` or `PLUG`.
        op: String,
    },
    /// E-A7: the regexp does not compile; `message` is Go's text (`error parsing regexp:
    /// …`), or ucore's when the declaration's patterns exceed their memory budget.
    #[error("cannot compile {} constraint {}: {message}", quote(.dotted), quote(.constraint))]
    Regexp {
        /// The path.
        dotted: String,
        /// The pattern.
        constraint: String,
        /// The regexp compiler's text.
        message: String,
    },
    /// Nested deeper than header values can be (only reachable through the API).
    #[error("constraint {} is nested too deeply", quote(.dotted))]
    TooDeep {
        /// The path.
        dotted: String,
    },
}

/// `plug-names`/`slot-names` do not compile (snapd's `compileNameConstraints`,
/// E-N1…E-N5).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NameConstraintsError {
    /// E-N1: not a list.
    #[error("{key} constraints must be a list of regexps and special $ values")]
    NotList {
        /// `plug-names` or `slot-names`.
        key: &'static str,
    },
    /// E-N2: an entry that is not a string.
    #[error("{key} constraint entry must be a regexp or special $ value")]
    EntryNotString {
        /// `plug-names` or `slot-names`.
        key: &'static str,
    },
    /// E-N3: a `$` entry not of the form `$[A-Z][A-Z0-9_]*`.
    #[error("{key} constraint entry special value {} is invalid", quote(.entry))]
    InvalidSpecial {
        /// `plug-names` or `slot-names`.
        key: &'static str,
        /// The entry.
        entry: String,
    },
    /// E-N4: a regexp entry with white space.
    #[error("{key} constraint entry regexp contains unexpected spaces")]
    Spaces {
        /// `plug-names` or `slot-names`.
        key: &'static str,
    },
    /// E-N5: a regexp entry that does not compile.
    #[error("cannot compile {key} constraint entry {}: {message}", quote(.entry))]
    Regexp {
        /// `plug-names` or `slot-names`.
        key: &'static str,
        /// The entry.
        entry: String,
        /// The regexp compiler's text.
        message: String,
    },
}

/// `on-classic` does not compile (E-C5a…c).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OnClassicError {
    /// E-C5a: neither `true`/`false` nor a list.
    #[error("on-classic in {context} must be 'true', 'false' or a list of operating system IDs{}",
        if .language.is_current() { " with optional /variant IDs" } else { "" })]
    Invalid {
        /// The constraint set.
        context: RuleContext,
        /// Which text.
        language: RuleLanguage,
    },
    /// E-C5b: a list with a non-string element.
    #[error("on-classic in {context} must be a list of strings")]
    NotStringList {
        /// The constraint set.
        context: RuleContext,
    },
    /// E-C5c: an element that is not an operating system id (newer snapd says why).
    #[error("on-classic in {context} contains an invalid element: {}{}", quote(.element),
        .reason.map(|r| format!(": invalid operating system constraint: {r}")).unwrap_or_default())]
    InvalidElement {
        /// The constraint set.
        context: RuleContext,
        /// The element.
        element: String,
        /// Newer snapd's reason (`too many '/' separators`, `invalid distro ID`, `invalid
        /// variant ID`); none in 2.57.
        reason: Option<&'static str>,
    },
}

/// `on-store`/`on-brand`/`on-model` do not compile (snapd's
/// `compileDeviceScopeConstraint`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DeviceScopeError {
    /// Not a list of strings.
    #[error("{key} in {context} must be a list of strings")]
    NotStringList {
        /// `on-store`, `on-brand` or `on-model`.
        key: &'static str,
        /// The context text (a subrule's, or `revision-authority`).
        context: String,
    },
    /// An element fails the key's pattern.
    #[error("{key} in {context} contains an invalid element: {}", quote(.element))]
    InvalidElement {
        /// `on-store`, `on-brand` or `on-model`.
        key: &'static str,
        /// The context text.
        context: String,
        /// The element.
        element: String,
    },
}
