//! Reading `meta/snap.yaml` into an [`Info`] as snapd's `snap.InfoFromSnapYaml` does.
//!
//! Two stages, as in snapd: `decode` (yaml.v2's `Unmarshal` into snapd's structs; its
//! errors are [`YamlError`] and carry the `cannot parse snap.yaml: ` prefix), then the
//! assembly (`assemble`: plugs and slots, apps, hooks, bindings, layouts, the plug and
//! slot sanitizer, system usernames, links), whose errors have no prefix. `definitions`
//! holds the value forms of plugs, slots and system usernames.

mod assemble;
mod decode;
mod definitions;

pub(crate) use decode::go_q_interface;
pub use definitions::{DefinitionError, DefinitionKind};

use thiserror::Error;
use ucore_go_text::duration::DurationError;
use ucore_go_text::quote;

use crate::epoch::EpochError;
use crate::info::Info;
use crate::links::LinksError;

/// Which plug and slot sanitizer runs while reading (snapd's `snap.SanitizePlugsSlots`
/// hook).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sanitizer {
    /// snapd's builtin interfaces (`interfaces/builtin.SanitizePlugsSlots`), as `snap pack`
    /// and the daemon install: plugs and slots of unknown interfaces, with bad names or
    /// refused by their interface are removed and listed in [`Info::bad_interfaces`].
    #[default]
    Builtin,
    /// None, as `snap prepare-image` runs: every plug and slot stays.
    None,
}

/// Why snap.yaml cannot be read; Display is snapd's text.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ParseError {
    /// yaml.v2 could not decode it: `cannot parse snap.yaml: <err>`.
    #[error("cannot parse snap.yaml: {0}")]
    Yaml(#[source] YamlError),
    /// A top-level plug, slot or system username with a value snapd cannot take.
    #[error(transparent)]
    Definition(#[from] DefinitionError),
    /// Two apps with the same legacy alias.
    #[error(
        "cannot set {} as alias for both {} and {}",
        quote(.alias),
        quote(.first),
        quote(.second)
    )]
    AliasClash {
        /// The alias.
        alias: String,
        /// The app that had it first.
        first: String,
        /// The app that has it too.
        second: String,
    },
    /// `activates-on` names a slot that does not exist (yet).
    #[error("invalid activates-on value {} on app {}: slot not found", quote(.slot), quote(.app))]
    ActivatesOnSlotNotFound {
        /// The slot named.
        slot: String,
        /// The app.
        app: String,
    },
    /// A layout `mode` that is not an octal 32-bit number (Go's `strconv.ParseUint` error).
    #[error("strconv.ParseUint: parsing {}: {reason}", quote(.mode))]
    LayoutMode {
        /// The text.
        mode: String,
        /// `invalid syntax` or `value out of range`.
        reason: &'static str,
    },
    /// A system username that is empty.
    #[error("system username cannot be empty")]
    EmptySystemUsername,
    /// A system username without a scope.
    #[error("system username {} does not specify a scope", quote(.0))]
    NoScope(String),
    /// A bad `links` key.
    #[error(transparent)]
    Links(#[from] LinksError),
}

/// What yaml.v2's `Unmarshal` refuses (the text after `cannot parse snap.yaml: `).
#[derive(Debug, Clone, PartialEq, Error)]
pub enum YamlError {
    /// Not YAML: yaml.v2's text for the fault (libyaml's words for the faults snap.yaml
    /// files have; see [`ucore_go_yaml::SyntaxError::yaml_v2_text`]).
    #[error("{0}")]
    Syntax(#[source] ucore_go_yaml::SyntaxError),
    /// Text that is not UTF-8 (libyaml's reader messages, without a line).
    #[error("yaml: {0}")]
    Encoding(&'static str),
    /// Values of the wrong YAML type, each `line N: cannot unmarshal !!seq into string`.
    #[error("yaml: unmarshal errors:\n  {}", .0.join("\n  "))]
    Unmarshal(Vec<String>),
    /// The key `layouts`.
    #[error("typo detected: use singular \"layout\" instead of plural \"layouts\"")]
    TypoLayouts,
    /// An unknown `type`.
    #[error("invalid snap type: {}", quote(.0))]
    SnapType(String),
    /// An unknown `confinement`.
    #[error("invalid confinement type: {}", quote(.0))]
    Confinement(String),
    /// An unknown `daemon-scope`.
    #[error("invalid daemon scope: {}", quote(.0))]
    DaemonScope(String),
    /// An unknown `restart-condition`.
    #[error("invalid restart condition")]
    RestartCondition,
    /// A timeout that is not a Go duration.
    #[error(transparent)]
    Duration(DurationError),
    /// An `environment` key that is not a string (Go's `%q` of it).
    #[error("cannot read {0}")]
    EnvironmentKey(String),
    /// A repeated `environment` key.
    #[error("found duplicate key {}", quote(.0))]
    EnvironmentDuplicate(String),
    /// A bad `epoch`.
    #[error(transparent)]
    Epoch(EpochError),
    /// A merge key (`<<`) whose value is not a mapping or a list of mappings.
    #[error("yaml: map merge requires map or sequence of maps as the value")]
    MergeNotMap,
    /// A mapping key that is a sequence or mapping (Go's `%#v` of it).
    #[error("yaml: invalid map key: {0}")]
    InvalidMapKey(String),
}

impl From<YamlError> for ParseError {
    fn from(e: YamlError) -> Self {
        ParseError::Yaml(e)
    }
}

impl Info {
    /// Reads snap.yaml with the builtin plug and slot sanitizer, as `snap pack` and the
    /// oracle's `snap-yaml` do. The result is not validated: see [`Info::validate`].
    pub fn from_yaml(text: &[u8]) -> Result<Info, ParseError> {
        Info::from_yaml_with(text, Sanitizer::Builtin)
    }

    /// Reads snap.yaml with the given sanitizer ([`Sanitizer::None`] is what
    /// `snap prepare-image` runs).
    pub fn from_yaml_with(text: &[u8], sanitizer: Sanitizer) -> Result<Info, ParseError> {
        let root = ucore_go_yaml::load_bytes(text).map_err(YamlError::Syntax)?;
        let y = decode::decode(root)?;
        assemble::assemble(y, sanitizer)
    }
}
