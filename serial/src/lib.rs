//! # ucore-serial
//!
//! The device side of Ubuntu Core's device registration: what snapd does at first boot to
//! get a `serial` assertion from a device service (a Serial Vault, or the brand's store),
//! and what a device signs afterwards. It holds no server: the Serial Vault itself is the
//! `ucore-serial-vault` crate.
//!
//! ```
//! use ucore_assertions::{Assertion, AssertionAccess};
//! use ucore_serial::{DeviceServiceConfig, build_serial_request};
//! use ucore_signing::RsaPrivateKey;
//!
//! // The configuration the gadget's prepare-device hook sets, and that hook.
//! let config = DeviceServiceConfig::new("https://serial-vault.example.com/v1/")
//!     .header("api-key", "U6m4Z6ik")
//!     .proposed_serial("A0001");
//! let hook = config.hook_script()?;
//! assert!(hook.contains("snapctl set registration.proposed-serial='\"A0001\"'"));
//!
//! // The serial-request a device signs with its (test-only) device key.
//! let model = Assertion::decode(include_bytes!("../tests/data/model.assert"))?;
//! # let device_key_pem = ucore_test_support::keys::DEVICE;
//! let device_key = RsaPrivateKey::from_pem(device_key_pem)?;
//! let request = build_serial_request(&model, &device_key, "REQ-1", Some("A0001"), None)?;
//! assert_eq!(request.header_str("serial"), Some("A0001"));
//! assert_eq!(request.header_str("model"), model.header_str("model"));
//! ucore_signing::verify_signature(&request, device_key.public_key())?;
//!
//! // Registering is one call against a running device service:
//! // let registered = ucore_serial::Registration::new(config).register(&model, &device_key, &mut |_| {})?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Module map, from the bottom up
//!
//! * [`error`]: [`Error`], snapd's texts, typed causes.
//! * [`prepare_device`]: [`DeviceServiceConfig`], the gadget configuration
//!   (`device-service.url`, `device-service.headers`, `registration.*`), read as snapd reads
//!   it, and the `prepare-device` hook that sets it.
//! * [`request`]: the assertions a device signs: [`build_serial_request`],
//!   [`build_remodel_serial_request`] and [`remodel_stream`] for re-registration,
//!   [`build_device_session_request`] for store sessions.
//! * [`check`]: [`check_serial`], the checks on a returned serial.
//! * [`registration`]: [`Registration`], the exchange (request-id, POST, 200/201/202,
//!   snapd's retries), reporting [`Event`]s.
//!
//! ## Cargo features
//!
//! * `tokio`: [`Registration::spawn`], a registration on tokio's blocking pool with a
//!   state a caller can await.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod check;
pub mod error;
pub mod prepare_device;
pub mod registration;
pub mod request;

pub use check::check_serial;
pub use error::Error;
pub use prepare_device::{ConfigError, DeviceServiceConfig};
#[cfg(feature = "tokio")]
pub use registration::RegistrationHandle;
pub use registration::{
    Event, Registered, Registration, RegistrationState, RetryPolicy, SerialRequestBody,
};
pub use request::{
    build_device_session_request, build_remodel_serial_request, build_serial_request,
    remodel_stream,
};

/// The HTTP client the device side uses.
pub use ureq;
