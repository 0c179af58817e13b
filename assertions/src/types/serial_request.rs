//! `serial-request` (snapd's `asserts/serial_asserts.go`, `assembleSerialRequest`): a
//! device asks for a serial, signing with the device key it includes.

use serde::Serialize;

use crate::checks::{self, HEADER};
use crate::openpgp::PublicKey;
use crate::{AssertionAccess, Error};

use super::TypeError;
use super::common;

/// A `serial-request` assertion.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct SerialRequest<'a> {
    /// `brand-id`.
    pub brand_id: &'a str,
    /// `model`.
    pub model: &'a str,
    /// `request-id` (the nonce from the serial vault).
    pub request_id: &'a str,
    /// `serial`, if the device proposes one (an empty one is none).
    pub serial: Option<&'a str>,
    /// `device-key`, parsed: the key that signs the request.
    pub device_key: PublicKey,
    /// The body (free-form details for the serial vault), if any.
    pub body: Option<&'a str>,
}

impl<'a> SerialRequest<'a> {
    pub(crate) fn parse<A: AssertionAccess + ?Sized>(a: &'a A) -> Result<Self, Error> {
        let h = a.headers();
        let brand_id = checks::check_not_empty_string(h, "brand-id", HEADER)?;
        let model = checks::check_model(h)?;
        let request_id = checks::check_not_empty_string(h, "request-id", HEADER)?;
        let serial = checks::check_optional_string(h, "serial", HEADER)?.filter(|s| !s.is_empty());
        let encoded = checks::check_not_empty_string(h, "device-key", HEADER)?;
        let device_key = common::public_key(encoded)?;
        if Some(device_key.key_id().as_str()) != a.sign_key_sha3_384() {
            return Err(TypeError::KeyIdMismatch {
                what: "device key",
                declared: "included signing key id",
            }
            .into());
        }
        Ok(SerialRequest {
            brand_id,
            model,
            request_id,
            serial,
            device_key,
            body: a.body(),
        })
    }
}

super::view!(SerialRequest, SerialRequest);
