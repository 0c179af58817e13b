//! Who is asking: the device (its `model`, its `serial` and the device key, any
//! [`Signer`], a PKCS#11 token included) and, optionally, a user or publisher with a
//! `Macaroon root, discharge` authorization.

use std::sync::Arc;

use ucore_assertions::{Assertion, AssertionAccess, AssertionType};
use ucore_signing::Signer;

use crate::error::Error;

/// A registered device: what it sends to open a session, and the key that signs its
/// `device-session-request`.
#[derive(Clone)]
pub struct DeviceIdentity {
    model: Assertion,
    serial: Assertion,
    key: Arc<dyn Signer>,
}

impl std::fmt::Debug for DeviceIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceIdentity")
            .field("model", &self.model.primary_key())
            .field("serial", &self.serial.primary_key())
            .field("key", &self.key.key_id())
            .finish()
    }
}

impl DeviceIdentity {
    /// The identity of the device `serial` names, checked for consistency: `model` is a
    /// model and `serial` a serial of it (brand and model match), and `key` is the
    /// serial's `device-key` (by `device-key-sha3-384`).
    pub fn new(model: Assertion, serial: Assertion, key: Arc<dyn Signer>) -> Result<Self, Error> {
        if model.assertion_type() != AssertionType::Model {
            return Err(Error::Identity(format!(
                "expected a model assertion, got {}",
                model.assertion_type().name()
            )));
        }
        if serial.assertion_type() != AssertionType::Serial {
            return Err(Error::Identity(format!(
                "expected a serial assertion, got {}",
                serial.assertion_type().name()
            )));
        }
        for h in ["brand-id", "model"] {
            if model.header_str(h) != serial.header_str(h) {
                return Err(Error::Identity(format!(
                    "serial {h} {:?} does not match the model's {:?}",
                    serial.header_str(h).unwrap_or_default(),
                    model.header_str(h).unwrap_or_default()
                )));
            }
        }
        if serial.header_str("device-key-sha3-384") != Some(key.key_id()) {
            return Err(Error::Identity(format!(
                "the device key {} is not the serial's device-key",
                key.key_id()
            )));
        }
        Ok(DeviceIdentity { model, serial, key })
    }

    /// The model.
    pub fn model(&self) -> &Assertion {
        &self.model
    }

    /// The serial.
    pub fn serial(&self) -> &Assertion {
        &self.serial
    }

    /// The device key.
    pub fn key(&self) -> &dyn Signer {
        self.key.as_ref()
    }

    /// The model's `store`, the store id requests carry (snapd prefers it to any
    /// configured one).
    pub fn store_id(&self) -> Option<&str> {
        self.model.header_str("store").filter(|s| !s.is_empty())
    }
}
