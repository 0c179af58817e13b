//! What an image build is asked to do: the model, where the snaps come from, the `--snap`
//! overrides, the system label, the output directory.

use std::path::PathBuf;

use thiserror::Error;
use ucore_assertions::rules::RuleLanguage;

/// Where the snaps of an image come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SnapSource {
    /// A store (`--store URL`): snap action, downloads and the assertions endpoint, with no
    /// device (snapd's tooling store). `auth` is a store credential when the store needs one
    /// (the `Macaroon root=…` header value, or what `UBUNTU_STORE_AUTH_DATA_FILENAME` holds).
    Store {
        /// The store's base URL.
        url: String,
        /// An optional credential.
        auth: Option<String>,
    },
    /// A directory (`--snaps DIR`) holding `.snap` files and the assertions that describe
    /// them (`*.assert` files, each one assertion or a stream).
    Directory(PathBuf),
}

/// A `--snap` argument: a snap by name (from the source), or a local file, each with an
/// optional channel (`NAME=CHANNEL`, `PATH=CHANNEL`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OptionSnap {
    /// A snap from the source, by name.
    Name {
        /// The snap name.
        name: String,
        /// The channel to take it from.
        channel: Option<String>,
    },
    /// A local `.snap` file.
    Path {
        /// The file.
        path: PathBuf,
        /// The channel it tracks once installed.
        channel: Option<String>,
    },
}

/// A `--snap` argument snapd's rules refuse before anything is fetched.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum OptionsError {
    /// `--snap` with nothing in it.
    #[error("snap option cannot be empty")]
    Empty,
    /// `--snap =CHANNEL`.
    #[error("snap option {0:?} has no snap name or path")]
    NoName(String),
}

impl OptionSnap {
    /// Parses a `--snap` argument as `snap prepare-image` does: split at the first `=`; an
    /// argument ending in `.snap` is a local file.
    ///
    /// ```
    /// use ucore_image::options::OptionSnap;
    ///
    /// assert_eq!(
    ///     OptionSnap::parse("hello=edge")?,
    ///     OptionSnap::Name { name: "hello".into(), channel: Some("edge".into()) }
    /// );
    /// assert!(matches!(OptionSnap::parse("local/tool_1.0_all.snap")?, OptionSnap::Path { .. }));
    /// # Ok::<(), ucore_image::options::OptionsError>(())
    /// ```
    pub fn parse(arg: &str) -> Result<OptionSnap, OptionsError> {
        if arg.is_empty() {
            return Err(OptionsError::Empty);
        }
        let (what, channel) = match arg.split_once('=') {
            Some((w, c)) => (w, Some(c.to_string())),
            None => (arg, None),
        };
        if what.is_empty() {
            return Err(OptionsError::NoName(arg.to_string()));
        }
        Ok(if what.ends_with(".snap") {
            OptionSnap::Path {
                path: PathBuf::from(what),
                channel,
            }
        } else {
            OptionSnap::Name {
                name: what.to_string(),
                channel,
            }
        })
    }

    /// The channel given with the snap, if any.
    pub fn channel(&self) -> Option<&str> {
        match self {
            OptionSnap::Name { channel, .. } | OptionSnap::Path { channel, .. } => {
                channel.as_deref()
            }
        }
    }
}

/// How the validation sets of the model are applied while gathering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ValidationMode {
    /// The model's `enforce` validation sets are fetched: their pinned revisions are the
    /// ones taken, a snap they declare `invalid` is refused, a `required` snap missing from
    /// the image is an error (snapd today's `--validation=enforce`).
    #[default]
    Enforce,
    /// Validation sets are not looked at (snapd 2.57's default, with its warning).
    Ignore,
}

/// Everything an image build needs.
#[derive(Debug, Clone)]
pub struct ImageOptions {
    /// The model assertion's bytes (one assertion).
    pub model: Vec<u8>,
    /// The model file's name, for messages (`cannot decode model assertion "F": …`).
    pub model_file: String,
    /// Where snaps and their assertions come from.
    pub source: SnapSource,
    /// `--snap` overrides and extra snaps, in order.
    pub snaps: Vec<OptionSnap>,
    /// `--channel`: the default channel of every snap (grade dangerous only on UC20+).
    pub channel: Option<String>,
    /// The UC20+ recovery system label (default: today's UTC date `YYYYMMDD`).
    pub label: Option<String>,
    /// The output directory: the prepared tree (`image/` or `system-seed/`, `gadget/`,
    /// `kernel/`, `resolved-content/`) and one `VOLUME.img` per gadget volume.
    pub out: PathBuf,
    /// Trusted assertions (accounts and account-keys) added to Canonical's roots: the
    /// root of a brand's own store.
    pub trusted: Vec<Vec<u8>>,
    /// How validation sets apply.
    pub validation: ValidationMode,
    /// A download cache (snap files by SHA3-384): a snap already there is copied, not
    /// downloaded again.
    pub cache: Option<PathBuf>,
    /// Downloads at once.
    pub parallel_downloads: usize,
    /// Whether to write the disk images (`false`: the prepared tree only).
    pub disk_images: bool,
    /// The plug/slot rule language the snaps' declarations are decoded in (snapd 2.57's
    /// by default; [`RuleLanguage::Current`] for declarations using what newer snapd
    /// added, such as those of a ucore store with `rule-language = "current"`).
    pub rule_language: RuleLanguage,
}

impl ImageOptions {
    /// Options with the defaults: no `--snap`, no channel, today's label, validation
    /// sets enforced, no cache, 4 downloads at once, disk images written.
    pub fn new(model: Vec<u8>, source: SnapSource, out: impl Into<PathBuf>) -> ImageOptions {
        ImageOptions {
            model,
            model_file: "model".to_string(),
            source,
            snaps: Vec::new(),
            channel: None,
            label: None,
            out: out.into(),
            trusted: Vec::new(),
            validation: ValidationMode::default(),
            cache: None,
            parallel_downloads: 4,
            disk_images: true,
            rule_language: RuleLanguage::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snap_arguments_split_at_the_first_equals() {
        assert_eq!(
            OptionSnap::parse("a=b=c").unwrap(),
            OptionSnap::Name {
                name: "a".into(),
                channel: Some("b=c".into())
            }
        );
        assert_eq!(
            OptionSnap::parse("x.snap=edge").unwrap(),
            OptionSnap::Path {
                path: "x.snap".into(),
                channel: Some("edge".into())
            }
        );
        assert_eq!(OptionSnap::parse(""), Err(OptionsError::Empty));
        assert_eq!(
            OptionSnap::parse("=edge"),
            Err(OptionsError::NoName("=edge".into()))
        );
    }
}
