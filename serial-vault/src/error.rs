//! The vault's errors. Each variant maps onto one of the Serial Vault's `error_code`s
//! ([`Error::code`], the codes of the Serial Vault's `service/response.go`) and an HTTP
//! status ([`Error::http_status`]); `Display` is the Serial Vault's message. Causes travel
//! as typed sources: a [`DatabaseError`], an `io::Error`, a decode or signing error.
//! Transient server faults answer 503 with `Retry-After` ([`transient`]).

pub mod transient;

use thiserror::Error;

/// A boxed cause: a typed error from another crate, or the vault's own message.
pub type Cause = Box<dyn std::error::Error + Send + Sync>;

/// Everything that can go wrong in the vault.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum Error {
    // ---- Serial Vault signing API (service/response/errors.go, service/sign/) ----------
    /// Handling the request panicked (a bug): the panic is logged and the client gets a
    /// 500 with the JSON envelope (`server-error`); the process keeps serving.
    #[error("Internal error while handling the request")]
    RequestPanicked,
    /// The `api-key` header is missing or matches no model (`invalid-api-key`).
    #[error("Invalid API key used")]
    InvalidApiKey,
    /// The request body was empty (`empty-data`).
    #[error("Nothing supplied for signing")]
    EmptyData,
    /// The stream did not decode, had extra assertions, or the self-signature failed
    /// (`invalid-assertion`). The cause is the decoder's or verifier's error (or the vault's
    /// own message), and `Display` is its text.
    #[error(transparent)]
    InvalidAssertion(Cause),
    /// The first assertion is not a `serial-request` (`invalid-type`).
    #[error("The assertion type must be 'serial-request'")]
    InvalidType {
        /// The type found.
        found: String,
    },
    /// The second assertion is not a `model` (or the third not a `serial`)
    /// (`invalid-second-type`).
    #[error("The second assertion type must be '{expected}'")]
    InvalidSecondType {
        /// The type wanted in that position.
        expected: &'static str,
        /// The type found.
        found: String,
    },
    /// The model's brand/model differ from the serial-request's (`mismatched-model`).
    #[error("The model and serial request assertion do not match")]
    MismatchedModel {
        /// brand-id/model of the serial-request.
        requested: String,
        /// brand-id/model of the model assertion.
        model: String,
    },
    /// The request-id is unknown, already used or expired (`invalid-nonce`).
    #[error("Nonce is invalid or expired")]
    InvalidNonce,
    /// No model for (brand, model, api-key), or its key is inactive (`invalid-model`).
    #[error("Cannot find model with the matching brand and model")]
    InvalidModel {
        /// The brand-id asked for.
        brand_id: String,
        /// The model asked for.
        model: String,
        /// Whether the model exists but its signing key is deactivated.
        inactive_key: bool,
    },
    /// No sub-store mapping for the device's original model and serial
    /// (`invalid-substore`; the Serial Vault's `checkRemodelingRequest`).
    #[error("Cannot find sub-store mapping for the model")]
    InvalidSubstore {
        /// The original brand-id.
        brand_id: String,
        /// The original model.
        model: String,
        /// The original serial number.
        serial: String,
    },
    /// A remodel re-registration failed one of the Serial Vault's checks
    /// (`invalid-assertion`; the Serial Vault's `checkRemodelingRequest`).
    #[error("{0}")]
    Remodel(RemodelRefusal),
    /// The serial-request cannot become a serial (`create-assertion`).
    #[error(transparent)]
    CreateAssertion(Cause),
    /// Signing failed (`signing-assertion`): the signer's error.
    #[error(transparent)]
    SigningAssertion(Cause),
    /// The signing log could not be written; the serial is not returned
    /// (`logging-assertion`).
    #[error("Error logging the signing of the assertion: {source}")]
    LoggingAssertion {
        /// The store's error.
        #[source]
        source: Cause,
    },
    /// A nonce could not be stored (`generate-nonce`).
    #[error("Error generating the nonce: {source}")]
    GenerateNonce {
        /// The store's error.
        #[source]
        source: Cause,
    },
    /// The serial number was issued to another device key and not released
    /// (`duplicate-assertion`). A ucore policy: the Serial Vault re-signs a duplicate at the
    /// next revision, ucore refuses it when the device key differs, so one serial number
    /// cannot name two devices.
    #[error("The serial number {serial} is already in use by another device")]
    DuplicateSerial {
        /// brand-id.
        brand_id: String,
        /// model.
        model: String,
        /// The serial number.
        serial: String,
    },
    /// The request body is larger than the configured limit (HTTP 413, `too-large`).
    #[error("The request body is larger than {limit} bytes")]
    BodyTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// A request over a rate limit of the signing API (HTTP 503 with `Retry-After`,
    /// `rate-limited`; see [`crate::vault::rate_limit`] for why 503).
    #[error(
        "Too many requests to /v1/{} {scope}: retry in {retry_after} s",
        endpoint.as_str()
    )]
    RateLimited {
        /// The endpoint limited.
        endpoint: crate::metrics::Endpoint,
        /// The limit: per API key or per client address.
        scope: crate::vault::rate_limit::Scope,
        /// Seconds until a request would be allowed (the `Retry-After` header).
        retry_after: u64,
    },
    /// `/v1/request-id` while the nonce table holds `max_nonces` request-ids (HTTP 503 with
    /// `Retry-After`, `too-many-nonces`; see [`crate::vault::nonce_budget`]).
    #[error("Too many request-ids are waiting to be used ({max}): retry in {retry_after} s")]
    NonceTableFull {
        /// The bound.
        max: u64,
        /// Seconds to wait (the `Retry-After` header).
        retry_after: u64,
    },
    /// Admin API: missing or wrong admin token (HTTP 401, `invalid-admin-token`).
    #[error("Invalid admin token")]
    InvalidAdminToken,
    /// Admin API: bad input (`invalid-input`): what is wrong with it.
    #[error(transparent)]
    InvalidInput(Cause),
    /// Admin API: a name refused by snapd's rules (`invalid-input`, see
    /// [`crate::vault::names`]).
    #[error(transparent)]
    InvalidName(#[from] crate::vault::names::NameError),
    /// Admin API: a model's signing key belongs to an account that is neither the model's
    /// brand nor in its `serial-authority` (`invalid-input`): snapd would refuse every serial
    /// signed with it (`found public key "…" from "<authority>" but expected it from:
    /// <brand>`).
    #[error(
        "key {key_id} belongs to account {key_authority}, which is neither the brand \
         {brand_id} of model {brand_id}/{model} nor in its serial-authority: devices would \
         refuse the serials it signs"
    )]
    KeyNotOfBrand {
        /// The model's brand-id.
        brand_id: String,
        /// The model.
        model: String,
        /// The key id.
        key_id: String,
        /// The account the key belongs to.
        key_authority: String,
    },
    /// Admin API: an RSA key below 2048 bits (`invalid-input`).
    #[error("key {key_id} has {bits} bits: signing keys must have at least 2048 bits")]
    WeakKey {
        /// The key id.
        key_id: String,
        /// Its size.
        bits: usize,
    },
    /// A request refused before any handler ran: a body that is not the JSON asked for
    /// (`error-decode-json`, the Serial Vault's code), a missing JSON content type (415), a
    /// bad path or query parameter (`invalid-input`), an unknown path (`not-found`, 404) or
    /// method (`method-not-allowed`, 405). `Display` is the message.
    #[error("{message}")]
    Rejected {
        /// The HTTP status.
        status: u16,
        /// The error code.
        code: &'static str,
        /// What is wrong.
        message: String,
    },
    /// The admin client: the admin API refused a call (its HTTP status and message).
    #[error("{status}: {message}")]
    AdminApi {
        /// The HTTP status.
        status: u16,
        /// The vault's message.
        message: String,
    },
    /// The admin client: the admin API's answer is not what was asked for.
    #[error("unexpected admin API answer: {0}")]
    AdminAnswer(#[source] serde_json::Error),
    /// The admin client could not reach the admin API.
    #[error("cannot reach the admin API: {0}")]
    Network(#[source] Box<ureq::Error>),
    /// Admin API: the thing does not exist (HTTP 404, `not-found`).
    #[error("{what} not found")]
    NotFound {
        /// What was looked for.
        what: String,
    },

    // ---- infrastructure -----------------------------------------------------------------
    /// Configuration file or value problem.
    #[error("configuration: {0}")]
    Config(#[source] Cause),
    /// A storage (SQLite / PostgreSQL) error.
    #[error("database: {0}")]
    Database(#[source] DatabaseError),
    /// A key could not be sealed or unsealed.
    #[error("key store: {reason}")]
    KeyStore {
        /// Why (never key material).
        reason: String,
    },
    /// An assertion error from ucore-assertions.
    #[error(transparent)]
    Assertion(#[from] ucore_assertions::Error),
    /// A key or signature error from ucore-signing.
    #[error(transparent)]
    Signing(#[from] ucore_signing::Error),
    /// Factory offline mode: a sync identity, export or import error (boxed: it names the
    /// bundle, vault and sequence at fault).
    #[error(transparent)]
    Sync(Box<crate::sync::SyncError>),
    /// An I/O error.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
}

/// A storage error, typed by backend.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum DatabaseError {
    /// SQLite's error.
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
    /// PostgreSQL's error. `Display` adds the server's message to tokio-postgres' own
    /// (which says only `db error`); the server's error, with its SQLSTATE, is the source.
    #[cfg(feature = "postgres")]
    #[error("{}", postgres_text(.0))]
    Postgres(#[source] tokio_postgres::Error),
    /// The PostgreSQL connection pool's error.
    #[cfg(feature = "postgres")]
    #[error(transparent)]
    Pool(#[from] deadpool_postgres::PoolError),
    /// The PostgreSQL connection pool could not be built.
    #[cfg(feature = "postgres")]
    #[error(transparent)]
    PoolBuild(#[from] deadpool_postgres::BuildError),
    /// A database task on the blocking pool did not finish.
    #[error("database task failed: {0}")]
    Task(#[source] tokio::task::JoinError),
    /// SQLite: the database thread's queue is full (transient).
    #[error("the database queue is full ({depth} calls waiting)")]
    QueueFull {
        /// The queue's depth.
        depth: usize,
    },
    /// SQLite: a call waited in the database thread's queue for its whole busy timeout
    /// and was not run (transient).
    #[error(
        "the database did not answer within its busy timeout (the call waited {waited:?} in its queue)"
    )]
    Expired {
        /// How long it waited.
        waited: std::time::Duration,
    },
    /// The database did not answer a health check within its deadline (transient).
    #[error("the database is stalled: no answer within {deadline:?}")]
    Stalled {
        /// The health check's deadline.
        deadline: std::time::Duration,
    },
    /// SQLite: the database thread dropped the call, which panicked (logged), or the
    /// thread is gone.
    #[error("the database thread dropped the call (see the log)")]
    Lost,
}

#[cfg(feature = "postgres")]
impl From<tokio_postgres::Error> for DatabaseError {
    fn from(e: tokio_postgres::Error) -> Self {
        DatabaseError::Postgres(e)
    }
}

/// The message of a caught panic: its `String` or `&str` payload.
pub(crate) fn panic_text(panic: &(dyn std::any::Any + Send)) -> &str {
    panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)")
}

#[cfg(feature = "postgres")]
fn postgres_text(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{e}: {}", db.message()),
        None => match std::error::Error::source(e) {
            Some(s) => format!("{e}: {s}"),
            None => e.to_string(),
        },
    }
}

/// Why a remodel re-registration was refused; `Display` is the Serial Vault's message.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum RemodelRefusal {
    /// A current `serial` was sent without all three `original-*` headers.
    #[error("unexpected assertion in the request stream")]
    UnexpectedSerial,
    /// The remodel request carries no `model`.
    #[error("Model assertion can't be empty for a remodeling request")]
    MissingModel,
    /// The remodel request carries no current `serial`.
    #[error("The current serial assertion can't be empty for a remodeling request")]
    MissingSerial,
    /// The sub-store maps the device to another model than the one requested.
    #[error("Requested model is invalid")]
    RequestedModel {
        /// The model of the serial-request.
        requested: String,
        /// The model name of the sub-store row.
        substore: String,
    },
    /// The current serial's `model` differs from `original-model`.
    #[error("Original model is invalid")]
    OriginalModel,
    /// The current serial's `serial` differs from `original-serial`.
    #[error("Original serial number is invalid")]
    OriginalSerial,
    /// The current serial's `brand-id` differs from `original-brand-id`.
    #[error("Original brand-id is invalid")]
    OriginalBrandId,
    /// The current serial's `device-key` differs from the serial-request's.
    #[error("Device-key is invalid")]
    DeviceKey,
    /// The current serial is not signed by the original model's key.
    #[error("public key id for the model is invalid")]
    SignKey {
        /// The original model's key id.
        expected: String,
        /// The serial's `sign-key-sha3-384`.
        found: String,
    },
    /// The original model's public key is not available.
    #[error("could not find public key for the model ({reason})")]
    PublicKey {
        /// Why.
        reason: String,
    },
    /// The current serial's signature does not verify (the Serial Vault's text).
    #[error("could not validate serial-request self-signature ({reason})")]
    Signature {
        /// The verifier's text.
        reason: String,
    },
}

impl Error {
    /// The Serial Vault `error_code` for this error.
    pub fn code(&self) -> &'static str {
        match self {
            Error::InvalidApiKey => "invalid-api-key",
            Error::EmptyData => "empty-data",
            Error::InvalidAssertion(_) => "invalid-assertion",
            Error::InvalidType { .. } => "invalid-type",
            Error::InvalidSecondType { .. } => "invalid-second-type",
            Error::MismatchedModel { .. } => "mismatched-model",
            Error::InvalidNonce => "invalid-nonce",
            Error::InvalidModel { .. } => "invalid-model",
            Error::InvalidSubstore { .. } => "invalid-substore",
            Error::Remodel(_) => "invalid-assertion",
            Error::CreateAssertion(_) => "create-assertion",
            Error::SigningAssertion(_) => "signing-assertion",
            Error::LoggingAssertion { .. } => "logging-assertion",
            Error::GenerateNonce { .. } => "generate-nonce",
            Error::DuplicateSerial { .. } => "duplicate-assertion",
            Error::BodyTooLarge { .. } => "too-large",
            Error::RateLimited { .. } => "rate-limited",
            Error::NonceTableFull { .. } => "too-many-nonces",
            Error::InvalidAdminToken => "invalid-admin-token",
            Error::InvalidInput(_)
            | Error::InvalidName(_)
            | Error::KeyNotOfBrand { .. }
            | Error::WeakKey { .. } => "invalid-input",
            Error::NotFound { .. } => "not-found",
            Error::Rejected { code, .. } => code,
            _ => "server-error",
        }
    }

    /// The HTTP status the vault answers with: 503 for a transient fault
    /// ([`Error::is_transient`]), 400 for the Serial Vault's catalogue, 413 for an oversize
    /// body, 401/404 on the admin API, 503 over a limit, 500 otherwise.
    pub fn http_status(&self) -> u16 {
        match self {
            e if e.is_transient() => 503,
            Error::BodyTooLarge { .. } => 413,
            Error::RateLimited { .. } | Error::NonceTableFull { .. } => 503,
            Error::InvalidAdminToken => 401,
            Error::NotFound { .. } => 404,
            Error::Rejected { status, .. } => *status,
            e if e.code() == "server-error" => 500,
            _ => 400,
        }
    }

    /// The seconds of the `Retry-After` header a 503 is sent with: the limit's wait for a
    /// refusal over a limit, [`transient::RETRY_AFTER_SECS`] for a transient fault, none
    /// otherwise.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Error::RateLimited { retry_after, .. } | Error::NonceTableFull { retry_after, .. } => {
                Some(*retry_after)
            }
            e if e.is_transient() => Some(transient::RETRY_AFTER_SECS),
            _ => None,
        }
    }

    pub(crate) fn db(e: impl Into<DatabaseError>) -> Self {
        Error::Database(e.into())
    }

    /// [`Error::Config`] with the vault's own message.
    pub(crate) fn config(message: impl Into<String>) -> Self {
        Error::Config(message.into().into())
    }

    /// [`Error::InvalidInput`] with the vault's own message.
    pub(crate) fn invalid_input(message: impl Into<String>) -> Self {
        Error::InvalidInput(message.into().into())
    }

    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_statuses() {
        assert_eq!(Error::InvalidNonce.code(), "invalid-nonce");
        assert_eq!(Error::InvalidNonce.http_status(), 400);
        assert_eq!(Error::BodyTooLarge { limit: 1 }.http_status(), 413);
        assert_eq!(Error::db(DatabaseError::Lost).http_status(), 500);
        assert_eq!(
            Error::InvalidSecondType {
                expected: "model",
                found: "serial".into()
            }
            .to_string(),
            "The second assertion type must be 'model'"
        );
    }
}
