//! The crate's one error type.
//!
//! Vault-side variants map one to one onto the Serial Vault's `error_code`s (spec §1.2,
//! [`Error::code`]) and HTTP statuses ([`Error::http_status`]); device-side variants carry
//! what snapd reports at first boot (spec §2.8).

use thiserror::Error;

/// Everything that can go wrong in the vault or on the device side.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum Error {
    // ---- Serial Vault signing API (spec §1.2, §1.3) -------------------------------------
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
    /// (`invalid-assertion`).
    #[error("{reason}")]
    InvalidAssertion {
        /// The decoder's or verifier's text.
        reason: String,
    },
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
    /// (`invalid-substore`, spec §1.8).
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
    /// (`invalid-assertion`, spec §1.3 step 5, §1.8).
    #[error("{0}")]
    Remodel(RemodelRefusal),
    /// The serial-request cannot become a serial (`create-assertion`).
    #[error("{reason}")]
    CreateAssertion {
        /// Why.
        reason: String,
    },
    /// Signing failed (`signing-assertion`).
    #[error("{reason}")]
    SigningAssertion {
        /// The signer's text.
        reason: String,
    },
    /// The signing log could not be written; the serial is not returned
    /// (`logging-assertion`).
    #[error("Error logging the signing of the assertion: {reason}")]
    LoggingAssertion {
        /// The database's text.
        reason: String,
    },
    /// A nonce could not be stored (`generate-nonce`).
    #[error("Error generating the nonce: {reason}")]
    GenerateNonce {
        /// The database's text.
        reason: String,
    },
    /// The serial number was issued to another device key and not released
    /// (`duplicate-assertion`; a ucore policy, spec issue 6).
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
    /// Admin API: missing or wrong admin token (HTTP 401, `invalid-admin-token`).
    #[error("Invalid admin token")]
    InvalidAdminToken,
    /// Admin API: bad input (`invalid-input`).
    #[error("{reason}")]
    InvalidInput {
        /// Why.
        reason: String,
    },
    /// Admin API: the thing does not exist (HTTP 404, `not-found`).
    #[error("{what} not found")]
    NotFound {
        /// What was looked for.
        what: String,
    },

    // ---- device side (spec §2) ----------------------------------------------------------
    /// The request-id exchange failed with a hard status (snapd's text).
    #[error("cannot retrieve request-id for making a request for a serial: {detail}")]
    RequestId {
        /// `unexpected status N` or the service's message.
        detail: String,
        /// The HTTP status, when there was a response.
        status: Option<u16>,
    },
    /// The serial request was refused with a hard status (snapd's text).
    #[error("cannot deliver device serial request: {detail}")]
    DeliverSerialRequest {
        /// `unexpected status N` or the service's message.
        detail: String,
        /// The HTTP status.
        status: Option<u16>,
    },
    /// A network-level failure talking to the device service (retryable, snapd `retryErr`).
    #[error("cannot reach the device service: {reason}")]
    Network {
        /// The client's text.
        reason: String,
    },
    /// The returned serial is not for this device (snapd's text).
    #[error(
        "obtained serial assertion does not match provided device identity information (brand, model, key id): {got} != {want}"
    )]
    SerialMismatch {
        /// brand / model / key id of the serial.
        got: String,
        /// brand / model / key id of the device.
        want: String,
    },
    /// The returned stream did not hold exactly one serial.
    #[error("cannot accept the device service's answer: {reason}")]
    BadSerialResponse {
        /// Why.
        reason: String,
    },
    /// The serial's authority is neither the brand nor in the model's serial-authority.
    #[error(
        "serial with authority {authority:?} different from brand {brand:?} without model assertion with serial-authority set to to allow for them"
    )]
    SerialAuthority {
        /// authority-id of the serial.
        authority: String,
        /// brand-id.
        brand: String,
    },
    /// Registration gave up after too many retries.
    #[error("giving up after {attempts} attempts: {last}")]
    RetriesExhausted {
        /// How many attempts were made.
        attempts: u32,
        /// The last error.
        last: Box<Error>,
    },

    // ---- infrastructure -----------------------------------------------------------------
    /// Configuration file or value problem.
    #[error("configuration: {reason}")]
    Config {
        /// Why.
        reason: String,
    },
    /// A storage (SQLite / PostgreSQL) error.
    #[error("database: {reason}")]
    Database {
        /// The driver's text.
        reason: String,
    },
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
    /// An I/O error.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The OS error.
        source: std::io::Error,
    },
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
            Error::InvalidAssertion { .. } => "invalid-assertion",
            Error::InvalidType { .. } => "invalid-type",
            Error::InvalidSecondType { .. } => "invalid-second-type",
            Error::MismatchedModel { .. } => "mismatched-model",
            Error::InvalidNonce => "invalid-nonce",
            Error::InvalidModel { .. } => "invalid-model",
            Error::InvalidSubstore { .. } => "invalid-substore",
            Error::Remodel(_) => "invalid-assertion",
            Error::CreateAssertion { .. } => "create-assertion",
            Error::SigningAssertion { .. } => "signing-assertion",
            Error::LoggingAssertion { .. } => "logging-assertion",
            Error::GenerateNonce { .. } => "generate-nonce",
            Error::DuplicateSerial { .. } => "duplicate-assertion",
            Error::BodyTooLarge { .. } => "too-large",
            Error::InvalidAdminToken => "invalid-admin-token",
            Error::InvalidInput { .. } => "invalid-input",
            Error::NotFound { .. } => "not-found",
            _ => "server-error",
        }
    }

    /// The HTTP status the vault answers with: 400 for the Serial Vault's catalogue, 413
    /// for an oversize body, 401/404 on the admin API, 500 otherwise.
    pub fn http_status(&self) -> u16 {
        match self {
            Error::BodyTooLarge { .. } => 413,
            Error::InvalidAdminToken => 401,
            Error::NotFound { .. } => 404,
            e if e.code() == "server-error" => 500,
            _ => 400,
        }
    }

    /// Whether the device side should try again later (snapd's `retryErr` cases).
    pub fn is_retryable(&self) -> bool {
        matches!(self, Error::Network { .. })
    }

    pub(crate) fn db(e: impl std::fmt::Display) -> Self {
        Error::Database {
            reason: e.to_string(),
        }
    }

    /// [`Error::Database`] with the whole cause chain: `tokio-postgres` says only `db
    /// error` and keeps the server's message (and its SQLSTATE) in the source.
    #[cfg(feature = "postgres")]
    pub(crate) fn db_chain(e: impl std::error::Error) -> Self {
        let mut reason = e.to_string();
        let mut source = e.source();
        while let Some(s) = source {
            reason.push_str(": ");
            reason.push_str(&s.to_string());
            source = s.source();
        }
        Error::db(reason)
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
        assert_eq!(Error::db("x").http_status(), 500);
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
