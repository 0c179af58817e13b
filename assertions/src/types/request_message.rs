//! `request-message` (as snapd newer than 2.57 checks it; the type is registered in its
//! `asserts/asserts.go`): a message from an account to devices.

use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

use crate::checks::{self, HEADER, VALID_ACCOUNT_ID};
use crate::rfc3339::Rfc3339Time;
use crate::{AssertionAccess, Error};
use ucore_go_text::quote;

use super::cluster::is_valid_device_id;
use super::common::{self, invalid_header, invalid_item};

static VALID_MESSAGE_ID: LazyLock<Regex> =
    LazyLock::new(|| common::regex(r"^([a-zA-Z0-9]{4,16})(?:-(\d+))?$"));
static VALID_MESSAGE_KIND: LazyLock<Regex> =
    LazyLock::new(|| common::regex("^[a-z]+(?:-[a-z]+)*$"));

/// `message-id`: `^([a-zA-Z0-9]{4,16})(?:-(\d+))?$` with a suffix > 0.
pub(crate) fn check_message_id(h: &crate::Headers<'_>) -> Result<(), Error> {
    let id = h.get_str("message-id").unwrap_or("");
    let caps = VALID_MESSAGE_ID.captures(id).ok_or_else(|| {
        invalid_header(
            "message-id",
            format!("contains invalid characters: {}", quote(id)),
        )
    })?;
    if let Some(suffix) = caps.get(2)
        && checks::go_atoi(suffix.as_str()).map_or(true, |n| n <= 0)
    {
        return Err(invalid_header(
            "message-id",
            format!("sequence suffix must be a positive integer: {}", quote(id)),
        ));
    }
    Ok(())
}

/// A `request-message` assertion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct RequestMessage<'a> {
    /// `account-id`.
    pub account_id: &'a str,
    /// `message-id`.
    pub message_id: &'a str,
    /// `message-kind`.
    pub message_kind: &'a str,
    /// `devices`: `serial.model.brand` ids.
    pub devices: Vec<&'a str>,
    /// `assumes`.
    pub assumes: Vec<&'a str>,
    /// `valid-since`.
    pub valid_since: Rfc3339Time,
    /// `valid-until`.
    pub valid_until: Rfc3339Time,
    /// `timestamp`.
    pub timestamp: Rfc3339Time,
    /// The body: the message payload.
    pub body: &'a str,
}

impl<'a> RequestMessage<'a> {
    /// Whether the message is valid at `t` (`valid-since <= t < valid-until`).
    pub fn is_valid_at(&self, t: impl Into<crate::Timestamp>) -> bool {
        let t = t.into();
        self.valid_since.timestamp <= t && t < self.valid_until.timestamp
    }

    pub(crate) fn parse<A: AssertionAccess + ?Sized>(a: &'a A) -> Result<Self, Error> {
        let h = a.headers();
        checks::check_string_matches(h, "account-id", HEADER, &VALID_ACCOUNT_ID)?;
        check_message_id(h)?;
        let message_kind =
            checks::check_string_matches(h, "message-kind", HEADER, &VALID_MESSAGE_KIND)?;
        let devices = checks::check_string_list(h, "devices")?;
        if devices.is_empty() {
            return Err(invalid_item(
                "devices",
                "\"devices\" header must not be empty",
            ));
        }
        let mut seen = std::collections::HashSet::with_capacity(devices.len());
        for d in &devices {
            if !is_valid_device_id(d) {
                return Err(invalid_item(
                    "devices",
                    format!("invalid device id {}", quote(d)),
                ));
            }
            if !seen.insert(*d) {
                return Err(invalid_item(
                    "devices",
                    format!("device id {} is repeated", quote(d)),
                ));
            }
        }
        let assumes = checks::check_string_list(h, "assumes")?;
        let valid_since = checks::check_rfc3339_date(h, "valid-since", HEADER)?;
        let valid_until = checks::check_rfc3339_date(h, "valid-until", HEADER)?;
        if valid_until.timestamp < valid_since.timestamp {
            return Err(invalid_item(
                "valid-until",
                "'valid-until' time cannot be before 'valid-since' time",
            ));
        }
        let timestamp = checks::check_rfc3339_date(h, "timestamp", HEADER)?;
        let body = a.body().unwrap_or("");
        if body.is_empty() {
            return Err(invalid_item("body", "body cannot be empty"));
        }
        Ok(RequestMessage {
            account_id: h.get_str("account-id").unwrap_or(""),
            message_id: h.get_str("message-id").unwrap_or(""),
            message_kind,
            devices,
            assumes,
            valid_since,
            valid_until,
            timestamp,
            body,
        })
    }
}

super::view!(RequestMessage, RequestMessage);
