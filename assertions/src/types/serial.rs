//! `serial` (snapd's `asserts/serial_asserts.go`, `assembleSerial`): a device's identity,
//! signed by its brand (or a serial authority), holding the device key.

use serde::Serialize;

use crate::checks::{self, HEADER, VALID_ACCOUNT_ID};
use crate::openpgp::PublicKey;
use crate::rfc3339::Rfc3339Time;
use crate::{AssertionAccess, Error};

use super::TypeError;
use super::common;

/// A `serial` assertion.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct Serial<'a> {
    /// `brand-id`.
    pub brand_id: &'a str,
    /// `model`.
    pub model: &'a str,
    /// `serial`.
    pub serial: &'a str,
    /// `device-key`, parsed.
    pub device_key: PublicKey,
    /// `device-key-sha3-384`.
    pub device_key_sha3_384: &'a str,
    /// `timestamp`.
    pub timestamp: Rfc3339Time,
}

impl<'a> Serial<'a> {
    pub(crate) fn parse<A: AssertionAccess + ?Sized>(a: &'a A) -> Result<Self, Error> {
        let h = a.headers();
        let brand_id = checks::check_string_matches(h, "brand-id", HEADER, &VALID_ACCOUNT_ID)?;
        let model = checks::check_model(h)?;
        let encoded = checks::check_not_empty_string(h, "device-key", HEADER)?;
        let device_key = common::public_key(encoded)?;
        let device_key_sha3_384 = checks::check_not_empty_string(h, "device-key-sha3-384", HEADER)?;
        if device_key.key_id().as_str() != device_key_sha3_384 {
            return Err(TypeError::KeyIdMismatch {
                what: "device key",
                declared: "provided key id",
            }
            .into());
        }
        let timestamp = checks::check_rfc3339_date(h, "timestamp", HEADER)?;
        Ok(Serial {
            brand_id,
            model,
            serial: h.get_str("serial").unwrap_or(""),
            device_key,
            device_key_sha3_384,
            timestamp,
        })
    }
}

super::view!(Serial, Serial);
