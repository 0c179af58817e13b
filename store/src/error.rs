//! The store's errors. Each variant has a store error `code` ([`Error::code`], the codes
//! snapd's client reads: `not-found`, `name-not-found`, …) and an HTTP status
//! ([`Error::http_status`]); on the wire every one is `{"error-list": [{"code",
//! "message"}]}` (`http::error`). Causes travel as typed sources.

use thiserror::Error;

/// A boxed cause: a typed error from another crate.
pub type Cause = Box<dyn std::error::Error + Send + Sync>;

/// Everything that can go wrong in the store.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum Error {
    // ---- requests --------------------------------------------------------------------
    /// The request is malformed (`invalid-request`, 400).
    #[error("{0}")]
    BadRequest(String),
    /// No credential, a wrong one, or a forged/expired device session (401). With
    /// `refresh_session`, the answer carries `WWW-Authenticate: Macaroon
    /// refresh_device_session=1` so that snapd opens a new session and retries.
    #[error("{message}")]
    Unauthorized {
        /// Why.
        message: String,
        /// Whether a new device session would help.
        refresh_session: bool,
    },
    /// Authenticated, but not allowed (403, `forbidden`).
    #[error("{0}")]
    Forbidden(String),
    /// Not found, or not visible to the caller (404, `not-found`).
    #[error("{0}")]
    NotFound(String),
    /// The name or snap id is taken, or the revision exists (409, `conflict`).
    #[error("{0}")]
    Conflict(String),
    /// The body is larger than the limit (413, `too-large`).
    #[error("the request body is larger than {limit} bytes")]
    TooLarge {
        /// The limit.
        limit: u64,
    },
    /// The uploaded snap is refused (400, `invalid-snap`): its snap.yaml, name,
    /// architecture or type.
    #[error("{message}")]
    InvalidSnap {
        /// What is wrong, with ucore-snap's (snapd's) text where there is one.
        message: String,
        /// The snap reader's error, if that is where it came from.
        #[source]
        source: Option<Cause>,
    },
    /// A device-session request was refused (400, `invalid-credentials`): forged,
    /// replayed, expired, another brand's, or not for this store.
    #[error("{0}")]
    InvalidSession(String),
    /// A download's `Range` cannot be served for a file of `size` bytes (416,
    /// `range-not-satisfiable`).
    #[error("requested range not satisfiable (the file has {size} bytes)")]
    RangeNotSatisfiable {
        /// The file's size.
        size: u64,
    },
    /// A validation set pushed to the publishing API is refused (its own code and status,
    /// see [`ValidationSetError`](crate::publish::ValidationSetError)).
    #[error(transparent)]
    ValidationSet(Box<crate::publish::ValidationSetError>),
    /// Handling the request panicked (500).
    #[error("internal error while handling the request")]
    RequestPanicked,

    // ---- the store itself --------------------------------------------------------------
    /// The configuration is wrong.
    #[error("{0}")]
    Config(String),
    /// The database failed. `transient` errors (busy, connection lost) answer 503 so that
    /// snapd retries.
    #[error("database error: {message}")]
    Database {
        /// What was being done.
        message: String,
        /// Whether retrying may help.
        transient: bool,
        /// The driver's error.
        #[source]
        source: Option<Cause>,
    },
    /// A file operation failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// Signing or decoding an assertion failed.
    #[error("{context}: {source}")]
    Assertion {
        /// What was being done.
        context: String,
        /// The error.
        #[source]
        source: Cause,
    },
}

impl From<crate::publish::ValidationSetError> for Error {
    fn from(e: crate::publish::ValidationSetError) -> Self {
        Error::ValidationSet(Box::new(e))
    }
}

impl Error {
    /// An I/O error with context.
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }

    /// A database error.
    pub fn database(
        message: impl Into<String>,
        transient: bool,
        source: impl Into<Option<Cause>>,
    ) -> Self {
        Error::Database {
            message: message.into(),
            transient,
            source: source.into(),
        }
    }

    /// An assertion error with context.
    pub fn assertion(context: impl Into<String>, source: impl Into<Cause>) -> Self {
        Error::Assertion {
            context: context.into(),
            source: source.into(),
        }
    }

    /// An unauthorized error.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Error::Unauthorized {
            message: message.into(),
            refresh_session: false,
        }
    }

    /// The store error code on the wire.
    pub fn code(&self) -> &'static str {
        match self {
            Error::BadRequest(_) => "invalid-request",
            Error::Unauthorized { .. } => "unauthorized",
            Error::Forbidden(_) => "forbidden",
            Error::NotFound(_) => "not-found",
            Error::Conflict(_) => "conflict",
            Error::TooLarge { .. } => "too-large",
            Error::InvalidSnap { .. } => "invalid-snap",
            Error::InvalidSession(_) => "invalid-credentials",
            Error::RangeNotSatisfiable { .. } => "range-not-satisfiable",
            Error::ValidationSet(e) => e.code(),
            Error::Database {
                transient: true, ..
            } => "service-unavailable",
            Error::RequestPanicked
            | Error::Config(_)
            | Error::Database { .. }
            | Error::Io { .. }
            | Error::Assertion { .. } => "internal-error",
        }
    }

    /// The HTTP status.
    pub fn http_status(&self) -> u16 {
        match self {
            Error::BadRequest(_) | Error::InvalidSnap { .. } | Error::InvalidSession(_) => 400,
            Error::Unauthorized { .. } => 401,
            Error::Forbidden(_) => 403,
            Error::NotFound(_) => 404,
            Error::Conflict(_) => 409,
            Error::TooLarge { .. } => 413,
            Error::RangeNotSatisfiable { .. } => 416,
            Error::ValidationSet(e) => e.http_status(),
            Error::Database {
                transient: true, ..
            } => 503,
            Error::RequestPanicked
            | Error::Config(_)
            | Error::Database { .. }
            | Error::Io { .. }
            | Error::Assertion { .. } => 500,
        }
    }
}
