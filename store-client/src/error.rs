//! The client's errors, one variant per concern, with snapd's texts where snapd has one
//! (`store/errors.go`, `store/store.go`, `store/auth.go`, `store/store_download.go`,
//! `asserts/database.go`).

use std::collections::BTreeMap;
use std::fmt;

use ucore_assertions::AssertionType;

use crate::protocol::SnapRelease;

/// What can go wrong talking to a store.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request could not be sent or its answer not read (after the retries).
    #[error("cannot {op}: {source}")]
    Transport {
        /// What the client was doing (`query the store for updates`, …).
        op: String,
        /// The HTTP client's error.
        #[source]
        source: reqwest::Error,
    },
    /// A URL could not be built or parsed.
    #[error("invalid URL {url:?}: {reason}")]
    Url {
        /// The offending text.
        url: String,
        /// Why.
        reason: String,
    },
    /// The store answered `429 Too Many Requests` (snapd's `ErrTooManyRequests`).
    #[error("too many requests")]
    TooManyRequests,
    /// An answer with a status the call does not expect (snapd's
    /// `UnexpectedHTTPStatusError`).
    #[error("{}", unexpected_status_text(.0))]
    UnexpectedStatus(Box<UnexpectedStatus>),
    /// The snap does not exist (snapd's `ErrSnapNotFound`).
    #[error("snap not found")]
    SnapNotFound,
    /// A find query with characters the store may read specially (snapd's `ErrBadQuery`).
    #[error("bad query")]
    BadQuery,
    /// An answer that is not what the protocol says.
    #[error("cannot {op}: {detail}")]
    BadResponse {
        /// What the client was doing.
        op: String,
        /// What was wrong.
        detail: String,
    },
    /// The store's error-list, for an endpoint that sends one (find).
    #[error("{message}")]
    Store {
        /// The first entry's code.
        code: String,
        /// The first entry's message.
        message: String,
    },
    /// Opening a device session failed.
    #[error(transparent)]
    Session(#[from] SessionError),
    /// The device identity is inconsistent.
    #[error("invalid device identity: {0}")]
    Identity(String),
    /// A snap action failed, for some or all snaps.
    #[error(transparent)]
    SnapAction(#[from] SnapActionError),
    /// An assertion the store does not have (snapd's `asserts.NotFoundError`).
    #[error("{} not found", .0)]
    AssertionNotFound(AssertionRef),
    /// The assertions service answered an error (`assertion service error: …`).
    #[error("assertion service error: {0}")]
    AssertionService(String),
    /// An assertion from the store does not decode.
    #[error("cannot decode assertion from the store: {0}")]
    AssertionDecode(#[source] ucore_assertions::Error),
    /// A download failed.
    #[error(transparent)]
    Download(#[from] DownloadError),
    /// The tokio runtime of the blocking facade could not be built.
    #[error("cannot start the client's runtime: {0}")]
    Runtime(#[source] std::io::Error),
    /// The TLS configuration could not be built.
    #[error("cannot set up TLS: {0}")]
    Tls(String),
}

/// The facts of an unexpected status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnexpectedStatus {
    /// What the client was doing (`query the store for updates`, `fetch assertion`, …).
    pub op: String,
    /// The HTTP status.
    pub status: u16,
    /// The request method.
    pub method: String,
    /// The request URL.
    pub url: String,
    /// The store's `X-Oops-Id`, if any.
    pub oops_id: Option<String>,
    /// The start of the body (up to [`BODY_EXCERPT`] bytes, lossy UTF-8), for logs.
    pub body_excerpt: String,
}

/// How much of an unexpected answer's body is kept.
pub const BODY_EXCERPT: usize = 1024;

fn unexpected_status_text(e: &UnexpectedStatus) -> String {
    let mut s = format!(
        "cannot {}: got unexpected HTTP status code {} via {} to {}",
        e.op,
        e.status,
        e.method,
        ucore_go_text::quote(&e.url)
    );
    if let Some(oops) = &e.oops_id {
        s.push_str(&format!(" [{oops}]"));
    }
    s
}

impl Error {
    /// The HTTP status the store answered, for [`Error::UnexpectedStatus`] and
    /// [`Error::TooManyRequests`].
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Error::UnexpectedStatus(u) => Some(u.status),
            Error::TooManyRequests => Some(429),
            _ => None,
        }
    }
}

/// Opening a device session failed (`store/auth.go`).
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// The nonce request failed: `cannot get nonce from store: …`.
    #[error("cannot get nonce from store: {0}")]
    Nonce(SessionFailure),
    /// The session request failed: `cannot get device session from store: …`.
    #[error("cannot get device session from store: {0}")]
    Session(SessionFailure),
    /// The device-session-request could not be signed.
    #[error("cannot sign device-session-request: {0}")]
    Sign(#[source] ucore_serial::Error),
}

/// Why a nonce or session request failed.
#[derive(Debug, thiserror::Error)]
pub enum SessionFailure {
    /// The request failed in transport.
    #[error("{0}")]
    Transport(#[source] reqwest::Error),
    /// The nonce endpoint answered a status other than 200.
    #[error("store server returned status {0}")]
    Status(u16),
    /// The session endpoint answered a status other than 200/202 (body up to 1 MB, Go-quoted).
    #[error("store server returned status {status} and body {}", ucore_go_text::quote_bytes(.body))]
    StatusBody {
        /// The status.
        status: u16,
        /// The body.
        body: Vec<u8>,
    },
    /// The answer is not the expected JSON.
    #[error("{0}")]
    Decode(String),
    /// `empty nonce returned`.
    #[error("empty nonce returned")]
    EmptyNonce,
    /// `empty session returned`.
    #[error("empty session returned")]
    EmptySession,
}

/// An assertion reference as snapd prints it: `model (m; series:16 brand-id:acme)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssertionRef {
    /// The type.
    pub assertion_type: AssertionType,
    /// The primary key, full (defaults filled in), or empty when unknown.
    pub primary_key: Vec<String>,
}

impl fmt::Display for AssertionRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self
            .assertion_type
            .primary_key()
            .iter()
            .map(|k| k.name)
            .collect();
        let name = self.assertion_type.name();
        if names.len() != self.primary_key.len() {
            // snapd's NotFoundError without a full key: `TYPE assertion not found`
            return write!(f, "{name} assertion");
        }
        match self.primary_key.split_last() {
            None => write!(f, "{name} (-)"),
            Some((last, [])) => write!(f, "{name} ({last})"),
            Some((last, first_values)) => {
                write!(f, "{name} ({last};")?;
                for (k, v) in names.iter().zip(first_values) {
                    write!(f, " {k}:{v}")?;
                }
                write!(f, ")")
            }
        }
    }
}

/// The error of one snap in a snap action result (`translateSnapActionError`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SnapError {
    /// `revision-not-found` (snapd's `RevisionNotAvailableError`).
    #[error("no snap revision available as specified")]
    RevisionNotAvailable {
        /// `install`, `refresh` or `download`.
        action: String,
        /// The channel asked for.
        channel: String,
        /// Where the snap is released instead.
        releases: Vec<SnapRelease>,
    },
    /// `id-not-found`, `name-not-found`.
    #[error("snap not found")]
    NotFound,
    /// A refresh result at the installed revision.
    #[error("snap has no updates available")]
    NoUpdateAvailable,
    /// `user-authorization-needs-refresh`.
    #[error("soft-expired user authorization needs refresh")]
    UserAuthorizationNeedsRefresh,
    /// `device-authorization-needs-refresh`.
    #[error("soft-expired device authorization needs refresh")]
    DeviceAuthorizationNeedsRefresh,
    /// Any other code: its message.
    #[error("{message}")]
    Other {
        /// The store's code.
        code: String,
        /// The store's message.
        message: String,
    },
}

impl SnapError {
    /// The error for a store error `code`/`message` (snapd's `translateSnapActionError`).
    pub fn from_code(
        action: &str,
        channel: &str,
        code: &str,
        message: &str,
        releases: &[SnapRelease],
    ) -> Self {
        match code {
            "revision-not-found" => SnapError::RevisionNotAvailable {
                action: action.to_string(),
                channel: channel.to_string(),
                releases: releases.to_vec(),
            },
            "id-not-found" | "name-not-found" => SnapError::NotFound,
            "user-authorization-needs-refresh" => SnapError::UserAuthorizationNeedsRefresh,
            "device-authorization-needs-refresh" => SnapError::DeviceAuthorizationNeedsRefresh,
            _ => SnapError::Other {
                code: code.to_string(),
                message: message.to_string(),
            },
        }
    }
}

/// The failures of one snap action, per snap name (snapd's `SnapActionError`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SnapActionError {
    /// The store sent no results at all.
    pub no_results: bool,
    /// Refresh errors by snap name.
    pub refresh: BTreeMap<String, SnapError>,
    /// Install errors by snap name.
    pub install: BTreeMap<String, SnapError>,
    /// Download errors by snap name.
    pub download: BTreeMap<String, SnapError>,
    /// Errors about no snap in particular.
    pub other: Vec<SnapError>,
}

impl SnapActionError {
    /// The one error, when exactly one snap failed and there is no other error:
    /// `(operation, snap name, error)`.
    pub fn single(&self) -> Option<(&'static str, &str, &SnapError)> {
        if !self.other.is_empty() {
            return None;
        }
        let all: Vec<(&'static str, &String, &SnapError)> = self
            .ops()
            .into_iter()
            .flat_map(|(op, m)| m.iter().map(move |(n, e)| (op, n, e)))
            .collect();
        match all.as_slice() {
            [(op, name, err)] => Some((op, name.as_str(), err)),
            _ => None,
        }
    }

    fn ops(&self) -> [(&'static str, &BTreeMap<String, SnapError>); 3] {
        [
            ("refresh", &self.refresh),
            ("install", &self.install),
            ("download", &self.download),
        ]
    }

    /// Whether nothing failed (and there were results).
    pub fn is_empty(&self) -> bool {
        !self.no_results && self.other.is_empty() && self.ops().iter().all(|(_, m)| m.is_empty())
    }

    fn header(&self) -> &'static str {
        if !self.other.is_empty() {
            return "cannot refresh, install, or download:";
        }
        let (r, i, d) = (
            !self.refresh.is_empty(),
            !self.install.is_empty(),
            !self.download.is_empty(),
        );
        match (r, i, d) {
            (false, true, false) => "cannot install:",
            (true, false, false) => "cannot refresh:",
            (false, false, true) => "cannot download:",
            (true, true, false) => "cannot refresh or install:",
            (true, false, true) => "cannot refresh or download:",
            (false, true, true) => "cannot install or download:",
            _ => "cannot refresh, install, or download:",
        }
    }
}

impl fmt::Display for SnapActionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n_snaps: usize = self.ops().iter().map(|(_, m)| m.len()).sum();
        match n_snaps + self.other.len() {
            0 if self.no_results => {
                return f.write_str("no install/refresh information results from the store");
            }
            1 => {
                if let Some((op, name, err)) = self.single() {
                    return write!(f, "cannot {op} snap {}: {err}", ucore_go_text::quote(name));
                }
                if let Some(other) = self.other.first() {
                    return write!(f, "cannot refresh, install, or download: {other}");
                }
            }
            _ => {}
        }
        // group the snaps by error text, in the order the texts first appear
        let mut texts: Vec<(String, Vec<&str>)> = Vec::new();
        for (_, m) in self.ops() {
            for (name, err) in m {
                let text = err.to_string();
                match texts.iter_mut().find(|(t, _)| *t == text) {
                    Some((_, names)) => names.push(name),
                    None => texts.push((text, vec![name])),
                }
            }
        }
        let mut lines = vec![self.header().to_string()];
        for (text, mut names) in texts {
            names.sort_unstable();
            let quoted: Vec<String> = names.iter().map(|n| ucore_go_text::quote(n)).collect();
            lines.push(format!("{text}: {}", quoted.join(", ")));
        }
        lines.extend(self.other.iter().map(ToString::to_string));
        let sep = if lines.len() == 2 { " " } else { "\n" };
        f.write_str(&lines.join(sep))
    }
}

impl std::error::Error for SnapActionError {}

/// A download failed (`store/store_download.go`).
#[derive(Debug, thiserror::Error)]
pub enum DownloadError {
    /// The file's SHA3-384 is not the store's (snapd's `HashError`).
    #[error("sha3-384 mismatch for {}: got {got} but expected {expected}", ucore_go_text::quote(.name))]
    HashMismatch {
        /// The snap name.
        name: String,
        /// The digest of what arrived (hex).
        got: String,
        /// The store's digest (hex).
        expected: String,
    },
    /// The download answered a status other than 200/206 (snapd's `DownloadError`).
    #[error("received an unexpected http response code ({status}) when trying to download {url}")]
    Status {
        /// The status.
        status: u16,
        /// The URL.
        url: String,
    },
    /// `402 Payment Required`.
    #[error("please buy {0} before installing it")]
    PaymentRequired(String),
    /// The store sent more bytes than `download.size`, or fewer.
    #[error("size mismatch for {}: got {got} bytes but expected {expected}", ucore_go_text::quote(.name))]
    SizeMismatch {
        /// The snap name.
        name: String,
        /// The bytes received (at least).
        got: u64,
        /// The store's size.
        expected: u64,
    },
    /// The transfer broke off and the retries ran out.
    #[error("cannot download {name}: {source}")]
    Transport {
        /// The snap name.
        name: String,
        /// The HTTP client's error.
        #[source]
        source: reqwest::Error,
    },
    /// A file operation failed.
    #[error("cannot {op} {path}: {source}")]
    Io {
        /// What was being done (`create`, `write`, `rename`, …).
        op: &'static str,
        /// The file.
        path: String,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// The snap has no download URL.
    #[error("snap {} has no download URL", ucore_go_text::quote(.0))]
    NoUrl(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn other(m: &str) -> SnapError {
        SnapError::Other {
            code: "x".into(),
            message: m.into(),
        }
    }

    #[test]
    fn snap_action_error_texts_are_snapds() {
        let mut e = SnapActionError {
            no_results: true,
            ..Default::default()
        };
        assert_eq!(
            e.to_string(),
            "no install/refresh information results from the store"
        );
        e.no_results = false;
        e.install.insert("foo".into(), SnapError::NotFound);
        assert_eq!(
            e.to_string(),
            r#"cannot install snap "foo": snap not found"#
        );
        e.install.insert("bar".into(), SnapError::NotFound);
        assert_eq!(
            e.to_string(),
            r#"cannot install: snap not found: "bar", "foo""#
        );
        e.refresh.insert("baz".into(), SnapError::NoUpdateAvailable);
        assert_eq!(
            e.to_string(),
            "cannot refresh or install:\nsnap has no updates available: \"baz\"\nsnap not found: \"bar\", \"foo\""
        );
        let o = SnapActionError {
            other: vec![other("boom")],
            ..Default::default()
        };
        assert_eq!(o.to_string(), "cannot refresh, install, or download: boom");
    }

    #[test]
    fn texts_of_other_errors_are_snapds() {
        let u = Error::UnexpectedStatus(Box::new(UnexpectedStatus {
            op: "fetch assertion".into(),
            status: 500,
            method: "GET".into(),
            url: "http://s/v2/assertions/x".into(),
            oops_id: Some("OOPS-1".into()),
            body_excerpt: String::new(),
        }));
        assert_eq!(
            u.to_string(),
            r#"cannot fetch assertion: got unexpected HTTP status code 500 via GET to "http://s/v2/assertions/x" [OOPS-1]"#
        );
        let s = Error::from(SessionError::Session(SessionFailure::StatusBody {
            status: 400,
            body: b"no\n".to_vec(),
        }));
        assert_eq!(
            s.to_string(),
            r#"cannot get device session from store: store server returned status 400 and body "no\n""#
        );
        let n = Error::from(SessionError::Nonce(SessionFailure::Status(418)));
        assert_eq!(
            n.to_string(),
            "cannot get nonce from store: store server returned status 418"
        );
        let r = AssertionRef {
            assertion_type: AssertionType::SnapDeclaration,
            primary_key: vec!["16".into(), "id1".into()],
        };
        assert_eq!(
            Error::AssertionNotFound(r).to_string(),
            "snap-declaration (id1; series:16) not found"
        );
        let a = AssertionRef {
            assertion_type: AssertionType::Account,
            primary_key: vec!["acme".into()],
        };
        assert_eq!(a.to_string(), "account (acme)");
        let h = DownloadError::HashMismatch {
            name: "foo".into(),
            got: "aa".into(),
            expected: "bb".into(),
        };
        assert_eq!(
            h.to_string(),
            r#"sha3-384 mismatch for "foo": got aa but expected bb"#
        );
    }
}
