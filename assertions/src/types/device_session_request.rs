//! `device-session-request` (snapd's `asserts/serial_asserts.go`,
//! `assembleDeviceSessionRequest`): a device asks the store for a session, signed with
//! its device key.

use serde::Serialize;

use crate::checks::{self, HEADER};
use crate::rfc3339::Rfc3339Time;
use crate::{AssertionAccess, Error};

/// A `device-session-request` assertion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct DeviceSessionRequest<'a> {
    /// `brand-id`.
    pub brand_id: &'a str,
    /// `model`.
    pub model: &'a str,
    /// `serial`.
    pub serial: &'a str,
    /// `nonce` (from the store).
    pub nonce: &'a str,
    /// `timestamp`.
    pub timestamp: Rfc3339Time,
}

impl<'a> DeviceSessionRequest<'a> {
    pub(crate) fn parse<A: AssertionAccess + ?Sized>(a: &'a A) -> Result<Self, Error> {
        let h = a.headers();
        let model = checks::check_model(h)?;
        let nonce = checks::check_not_empty_string(h, "nonce", HEADER)?;
        let timestamp = checks::check_rfc3339_date(h, "timestamp", HEADER)?;
        Ok(DeviceSessionRequest {
            brand_id: h.get_str("brand-id").unwrap_or(""),
            model,
            serial: h.get_str("serial").unwrap_or(""),
            nonce,
            timestamp,
        })
    }
}

super::view!(DeviceSessionRequest, DeviceSessionRequest);
