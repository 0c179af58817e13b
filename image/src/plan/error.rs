//! Why a seed cannot be planned, or a fetched snap does not fit it: snapd's texts
//! (`image.Prepare`'s model checks, the seed writer's `seedwriter` messages).

use std::path::PathBuf;

use thiserror::Error;
use ucore_go_text::quote;

use crate::channel::ChannelError;

/// Why a seed cannot be planned, or a fetched snap does not fit it; snapd's texts.
#[derive(Debug, Error)]
pub enum PlanError {
    /// The model file is not one assertion.
    #[error("cannot decode model assertion {}: {source}", quote(.file))]
    DecodeModel {
        /// The model file's name.
        file: String,
        /// Why.
        #[source]
        source: Box<ucore_assertions::Error>,
    },
    /// The model file holds another assertion.
    #[error("assertion in {} is not a model assertion", quote(.0))]
    NotAModel(String),
    /// A header `prepare-image` refuses (`core`, `os`, `class`, `allowed-modes`).
    #[error("model assertion cannot have reserved/unsupported header {} set", quote(.0))]
    ReservedHeader(&'static str),
    /// A series other than 16.
    #[error("model with series {} != \"16\" unsupported", quote(.0))]
    Series(String),
    /// A classic model (ucore prepares core images only: snapd's `--classic` is not offered).
    #[error("--classic mode is required to prepare the image for a classic model")]
    ClassicModel,
    /// A UC20+ model without a system label.
    #[error("internal error: cannot write UC20+ seed without Options.Label set")]
    NoLabel,
    /// A malformed system label.
    #[error("invalid seed system label: {}", quote(.0))]
    InvalidLabel(String),
    /// `--channel` does not parse.
    #[error("cannot use global default option channel: {0}")]
    DefaultChannel(#[source] ChannelError),
    /// A `--snap` channel does not parse.
    #[error("cannot use option channel for snap {}: {source}", quote(.snap))]
    OptionChannel {
        /// The snap name or path.
        snap: String,
        /// Why.
        #[source]
        source: ChannelError,
    },
    /// Channels, devmode, local or extra snaps with a UC20+ model not of grade dangerous.
    #[error(
        "cannot override channels, add devmode snaps, local snaps, or extra snaps with a model of grade higher than dangerous"
    )]
    NotDangerous,
    /// `--snap NAME_KEY`.
    #[error("cannot use snap {}, parallel snap instances are unsupported", quote(.0))]
    ParallelInstance(String),
    /// A `--snap` name that is not a snap name.
    #[error(transparent)]
    SnapName(#[from] ucore_snap::naming::NameError),
    /// The same `--snap NAME` twice.
    #[error("snap {} is repeated in options", quote(.0))]
    RepeatedOption(String),
    /// A local `--snap` not ending in `.snap`.
    #[error("local option snap {} does not end in .snap", quote(&.0.to_string_lossy()))]
    LocalNotSnap(PathBuf),
    /// A local `--snap` that does not exist.
    #[error("local option snap {} does not exist", quote(&.0.to_string_lossy()))]
    LocalMissing(PathBuf),
    /// Two local files of the same snap.
    #[error("local snap {} is repeated in options", quote(.0))]
    LocalRepeated(String),
    /// A local file and a `--snap NAME` of the same snap with different channels.
    #[error(
        "option snap has different channels specified: {}={} vs {}={}",
        quote(&.path.to_string_lossy()), quote(.path_channel), quote(.name), quote(.name_channel)
    )]
    DifferentChannels {
        /// The local file.
        path: PathBuf,
        /// Its channel.
        path_channel: String,
        /// The snap name option.
        name: String,
        /// Its channel.
        name_channel: String,
    },
    /// The model lists the system snap with other modes than the policy's.
    #[error(
        "internal error: system snap {} explicitly listed in model carries wrong modes: {}",
        quote(.name), go_quoted_slice(.modes)
    )]
    SystemSnapModes {
        /// The system snap.
        name: String,
        /// The model's modes for it.
        modes: Vec<String>,
    },
    /// A `--snap` channel leaving a pinned track (UC16/18 `kernel: NAME=TRACK`).
    #[error(
        "option channel {} for {which} has a track incompatible with the pinned track from model assertion: {track}",
        quote(.channel)
    )]
    PinnedTrack {
        /// The option channel.
        channel: String,
        /// Which model snap (`kernel "pc-kernel"`).
        which: String,
        /// The pinned track.
        track: String,
    },
    /// A channel that cannot be resolved (snapd's internal errors).
    #[error(
        "internal error: cannot resolve {what} {} and option channel {} for snap {}",
        quote(.base), quote(.option), quote(.snap)
    )]
    Resolve {
        /// `pinned track` or `model default channel`.
        what: &'static str,
        /// The pinned track or default channel.
        base: String,
        /// The option channel.
        option: String,
        /// The snap.
        snap: String,
    },
    /// The store's redirect channel does not parse.
    #[error("invalid redirect channel for snap {}: {source}", quote(.snap))]
    RedirectChannel {
        /// The snap.
        snap: String,
        /// Why.
        #[source]
        source: ChannelError,
    },
    /// A step called out of order (`SeedPlan`'s methods have a fixed order).
    #[error("internal error: seed plan expected {expected} at this point, not {got}")]
    Step {
        /// The steps allowed now.
        expected: &'static str,
        /// The step called.
        got: &'static str,
    },
    /// The local snaps do not match the `--snap PATH` options.
    #[error("internal error: {got} local snaps given for {expected} local option snaps")]
    LocalCount {
        /// The local options.
        expected: usize,
        /// The snaps given.
        got: usize,
    },
    /// A snap of the round was not fetched.
    #[error(
        "internal error: before seedwriter.Writer.Downloaded snap {} Info should have been set",
        quote(.0)
    )]
    NotFetched(String),
    /// A fetched snap the round did not ask for.
    #[error("internal error: snap {} was not asked for in this round", quote(.0))]
    NotPlanned(String),
    /// A store snap without a snap id.
    #[error(
        "internal error: before seedwriter.Writer.Downloaded snap {} snap-id should have been set",
        quote(.0)
    )]
    NoSnapId(String),
    /// An asserted snap without its assertions.
    #[error(
        "internal error: before seedwriter.Writer.Downloaded snap {} ARefs should have been set",
        quote(.0)
    )]
    NoAssertions(String),
    /// An asserted kernel or gadget without its publisher.
    #[error("internal error: snap {} has no snap-declaration set", quote(.0))]
    NoDeclaration(String),
    /// A snap whose type is not the one the model gives it.
    #[error("{which} has unexpected type: {found}")]
    UnexpectedType {
        /// Which model snap (`kernel "pc-kernel"`, `snap "x"`).
        which: String,
        /// Its type.
        found: ucore_snap::SnapType,
    },
    /// A classic snap on a core system.
    #[error("cannot use classic snap {} in a core system", quote(.0))]
    ClassicSnap(String),
    /// A gadget whose base is not the model's.
    #[error(
        "cannot use gadget snap because its base {} is different from model base {}",
        quote(.base), quote(.model_base)
    )]
    GadgetBase {
        /// The gadget's base.
        base: String,
        /// The model's.
        model_base: String,
    },
    /// A snap whose base is not in the seed.
    #[error(
        "cannot add snap {} without also adding its base {}{} explicitly{}",
        quote(.snap), quote(.base), if *.or_core { " (or \"core\")" } else { "" }, modes_suffix(.modes)
    )]
    MissingBase {
        /// The snap.
        snap: String,
        /// Its base.
        base: String,
        /// Whether `core` would do too (base `core16` on UC20+).
        or_core: bool,
        /// The modes it is needed in.
        modes: Vec<String>,
    },
    /// UC16/18 snaps with base `core16` and no `core16` or `core`.
    #[error(
        "cannot use {} requiring base \"core16\" without adding \"core16\" (or \"core\") explicitly",
        go_quoted_list(.0)
    )]
    NeedsCore16(Vec<String>),
    /// A content default provider not in the seed.
    #[error(
        "cannot use snap {} without its default content provider {} being added explicitly{}",
        quote(.snap), quote(.provider), modes_suffix(.modes)
    )]
    DefaultProvider {
        /// The snap.
        snap: String,
        /// The provider.
        provider: String,
        /// The modes it is needed in.
        modes: Vec<String>,
    },
    /// A kernel or gadget not published by the brand or Canonical.
    #[error(
        "cannot use {kind} {} published by {} for model by {}",
        quote(.snap), quote(.publisher), quote(.brand)
    )]
    Publisher {
        /// `kernel` or `gadget`.
        kind: &'static str,
        /// The snap.
        snap: String,
        /// Its publisher.
        publisher: String,
        /// The model's brand.
        brand: String,
    },
}

/// snapd's `errorMsgForModesSuffix`: nothing for `[run]`, else ` for all relevant modes (a, b)`.
pub(crate) fn modes_suffix(modes: &[String]) -> String {
    if modes.len() == 1 && modes.first().is_some_and(|m| m == "run") {
        String::new()
    } else {
        format!(" for all relevant modes ({})", modes.join(", "))
    }
}

/// snapd's `strutil.Quoted`: each quoted, joined with `, `.
pub(crate) fn go_quoted_list(items: &[String]) -> String {
    items
        .iter()
        .map(|s| quote(s))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Go's `%q` of a `[]string`: `["a" "b"]`.
fn go_quoted_slice(items: &[String]) -> String {
    format!(
        "[{}]",
        items.iter().map(|s| quote(s)).collect::<Vec<_>>().join(" ")
    )
}
