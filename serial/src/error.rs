//! The device side's errors: what snapd reports at first boot when registration fails
//! (snapd's `overlord/devicestate/handlers_serial.go` texts), and the typed causes behind
//! them.

use thiserror::Error;

/// Everything that can go wrong while a device prepares, registers or checks its serial.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum Error {
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
    /// A network-level failure talking to the device service (retryable, snapd's
    /// `retryErr`).
    #[error("cannot reach the device service: {source}")]
    Network {
        /// The HTTP client's error.
        #[source]
        source: Box<ureq::Error>,
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
    /// The answer did not decode as an assertion stream.
    #[error("cannot accept the device service's answer: {source}")]
    BadSerialStream {
        /// The decoder's error.
        #[source]
        source: ucore_assertions::Error,
    },
    /// The answer did not hold exactly one serial.
    #[error(
        "cannot accept the device service's answer: expected exactly one serial assertion, got {found}"
    )]
    SerialCount {
        /// How many serials the answer held.
        found: usize,
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
        #[source]
        last: Box<Error>,
    },
    /// An assertion the request is built from lacks a header it needs.
    #[error("the {assertion} has no {header:?} header")]
    MissingHeader {
        /// `model` or `serial`.
        assertion: &'static str,
        /// The header name.
        header: &'static str,
    },
    /// The prepare-device configuration is unusable.
    #[error("gadget configuration: {0}")]
    PrepareDevice(#[from] crate::prepare_device::ConfigError),
    /// The serial-request body provider failed.
    #[error("cannot make the serial-request body: {0}")]
    Body(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// A background registration task did not finish (it panicked or was cancelled).
    #[cfg(feature = "tokio")]
    #[error("the registration task did not finish: {0}")]
    Task(#[source] tokio::task::JoinError),
    /// An assertion error from ucore-assertions.
    #[error(transparent)]
    Assertion(#[from] ucore_assertions::Error),
    /// A key or signature error from ucore-signing (a device key, a streamed account-key).
    #[error(transparent)]
    Key(#[from] ucore_signing::KeyError),
    /// A signing or trust-database error from ucore-signing.
    #[error(transparent)]
    Signing(#[from] ucore_signing::Error),
}

impl Error {
    /// Whether the device should try again later (snapd's `retryErr` cases).
    pub fn is_retryable(&self) -> bool {
        matches!(self, Error::Network { .. })
    }

    pub(crate) fn network(e: ureq::Error) -> Self {
        Error::Network {
            source: Box::new(e),
        }
    }
}
