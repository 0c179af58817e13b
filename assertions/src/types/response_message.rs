//! `response-message` (as snapd newer than 2.57 checks it; the type is registered in its
//! `asserts/asserts.go`): a device's answer to a request-message.

use serde::Serialize;

use crate::checks::{self, HEADER, VALID_ACCOUNT_ID};
use crate::rfc3339::Rfc3339Time;
use crate::{AssertionAccess, Error};
use ucore_go_text::quote;

use super::cluster::is_valid_device_id;
use super::common::invalid_header;
use super::model::string_enum;
use super::request_message::check_message_id;

string_enum!(
    /// The outcome reported by a response-message.
    ResponseStatus {
        /// `success`.
        Success = "success",
        /// `error`.
        Error = "error",
        /// `unauthorized`.
        Unauthorized = "unauthorized",
        /// `rejected`.
        Rejected = "rejected",
    }
);

/// A `response-message` assertion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ResponseMessage<'a> {
    /// `account-id`.
    pub account_id: &'a str,
    /// `message-id`.
    pub message_id: &'a str,
    /// `device`: `serial.model.brand`.
    pub device: &'a str,
    /// `status`.
    pub status: ResponseStatus,
    /// `timestamp`.
    pub timestamp: Rfc3339Time,
    /// The body, if any.
    pub body: Option<&'a str>,
}

impl<'a> ResponseMessage<'a> {
    pub(crate) fn parse<A: AssertionAccess + ?Sized>(a: &'a A) -> Result<Self, Error> {
        let h = a.headers();
        checks::check_string_matches(h, "account-id", HEADER, &VALID_ACCOUNT_ID)?;
        check_message_id(h)?;
        let device = h.get_str("device").unwrap_or("");
        if !is_valid_device_id(device) {
            return Err(invalid_header(
                "device",
                format!("contains invalid characters: {}", quote(device)),
            ));
        }
        let status_text = checks::check_not_empty_string(h, "status", HEADER)?;
        let status = ResponseStatus::from_name(status_text).ok_or_else(|| {
            invalid_header(
                "status",
                format!(
                    "must be one of {}, not {}",
                    ResponseStatus::choices(),
                    quote(status_text)
                ),
            )
        })?;
        let timestamp = checks::check_rfc3339_date(h, "timestamp", HEADER)?;
        Ok(ResponseMessage {
            account_id: h.get_str("account-id").unwrap_or(""),
            message_id: h.get_str("message-id").unwrap_or(""),
            device,
            status,
            timestamp,
            body: a.body(),
        })
    }
}

super::view!(ResponseMessage, ResponseMessage);
