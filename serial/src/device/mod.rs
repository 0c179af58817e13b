//! The device side of registration: what snapd does at first boot (spec §2).
//!
//! [`DeviceServiceConfig`] is the `prepare-device` configuration (typed; also readable
//! from the gadget's JSON config). [`Registration::register`] runs the exchange —
//! request-id, the serial-request signed by the device key, the POST with the model,
//! 200/201/202 handling, snapd's retries — reporting [`Event`]s, and checks the returned
//! serial ([`check_serial`]). [`Registration::spawn`] runs it on tokio's blocking pool with
//! a [`RegistrationState`] a caller can await.

mod client;
mod remodel;

use std::sync::Arc;
use std::time::Duration;

use ucore_assertions::{Assertion, AssertionAccess, AssertionBuilder, AssertionType, HeaderValue};
use ucore_signing::{Database, RsaPrivateKey, RsaPublicKey};

pub use client::{Registration, RegistrationHandle};
pub use remodel::{build_remodel_serial_request, remodel_stream};

use crate::error::Error;

/// The device-service configuration a gadget's `prepare-device` hook sets (spec §2.2).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeviceServiceConfig {
    /// Base URL (`device-service.url`), always ending in `/`.
    pub url: String,
    /// Extra headers on both requests (`device-service.headers`), e.g. `api-key`.
    pub headers: Vec<(String, String)>,
    /// `registration.proposed-serial`: the `serial` header of the serial-request.
    pub proposed_serial: Option<String>,
    /// `registration.body`: the serial-request body.
    pub body: Option<String>,
}

impl DeviceServiceConfig {
    /// A configuration pointing at `url` (a trailing `/` is added, as snapd does).
    pub fn new(url: impl Into<String>) -> Self {
        let mut url = url.into();
        if !url.ends_with('/') {
            url.push('/');
        }
        Self {
            url,
            ..Default::default()
        }
    }

    /// Adds an extra header.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets the proposed serial.
    pub fn proposed_serial(mut self, serial: impl Into<String>) -> Self {
        self.proposed_serial = Some(serial.into());
        self
    }

    /// Sets the serial-request body.
    pub fn body(mut self, body: impl Into<String>) -> Self {
        self.body = Some(body.into());
        self
    }

    /// Reads the gadget configuration snapd reads (`device-service.url`,
    /// `device-service.headers` as a JSON object or its string form,
    /// `registration.proposed-serial`, `registration.body`), given as the gadget's config
    /// JSON object (`{"device-service": {…}, "registration": {…}}`).
    pub fn from_gadget_config(config: &serde_json::Value) -> Result<Self, Error> {
        let bad = |what: &str| Error::Config {
            reason: format!("gadget configuration: {what}"),
        };
        let ds = config.get("device-service");
        let url = ds
            .and_then(|d| d.get("url"))
            .and_then(|u| u.as_str())
            .ok_or_else(|| bad("device-service.url is not set"))?;
        let mut out = Self::new(url);
        if let Some(h) = ds.and_then(|d| d.get("headers")) {
            let parsed;
            let obj = match h {
                serde_json::Value::String(s) => {
                    parsed = serde_json::from_str::<serde_json::Value>(s)
                        .map_err(|_| bad("device-service.headers is not a JSON object"))?;
                    &parsed
                }
                v => v,
            };
            let map = obj
                .as_object()
                .ok_or_else(|| bad("device-service.headers is not a JSON object"))?;
            for (k, v) in map {
                let v = v
                    .as_str()
                    .ok_or_else(|| bad("device-service.headers values must be strings"))?;
                out.headers.push((k.clone(), v.to_string()));
            }
        }
        let reg = config.get("registration");
        if let Some(s) = reg
            .and_then(|r| r.get("proposed-serial"))
            .and_then(|s| s.as_str())
        {
            out.proposed_serial = Some(s.to_string());
        }
        if let Some(b) = reg.and_then(|r| r.get("body")).and_then(|s| s.as_str()) {
            out.body = Some(b.to_string());
        }
        Ok(out)
    }

    /// `<url>request-id`.
    pub fn request_id_url(&self) -> String {
        format!("{}request-id", self.url)
    }

    /// `<url>serial`.
    pub fn serial_url(&self) -> String {
        format!("{}serial", self.url)
    }
}

/// snapd's retry timing (spec §2.8); the defaults are snapd's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Wait before retrying after a retryable error (snapd: 60 s).
    pub retry_interval: Duration,
    /// Wait between re-POSTs after a 202 (snapd: 60 s).
    pub poll_interval: Duration,
    /// Retryable failures before giving up (snapd's `maxTentatives`: 15).
    pub max_tentatives: u32,
    /// HTTP timeout per request (snapd: 30 s).
    pub timeout: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            retry_interval: Duration::from_secs(60),
            poll_interval: Duration::from_secs(60),
            max_tentatives: 15,
            timeout: Duration::from_secs(30),
        }
    }
}

/// The extension point for the serial-request body: hardware identity, or the JSON the
/// `prepare-serial-request` hook writes (spec §2.3). Called after the request-id is known.
pub trait SerialRequestBody: Send + Sync {
    /// The body for a request with `request_id` (`None`: no body).
    fn body(&self, request_id: &str) -> Result<Option<String>, Error>;
}

/// What happened during a registration, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// Asking for a request-id.
    RequestingId,
    /// Got one.
    RequestId(String),
    /// Sending the serial-request (attempt number from 1).
    Submitting {
        /// Attempt number.
        attempt: u32,
    },
    /// The service answered 202: polling again after `after`.
    Polling {
        /// How long until the next POST.
        after: Duration,
    },
    /// A retryable failure: trying again after `after`.
    Retrying {
        /// The failure.
        reason: String,
        /// The wait.
        after: Duration,
    },
    /// The device is registered.
    Registered {
        /// The serial number.
        serial: String,
    },
}

/// Where a spawned registration is (see [`Registration::spawn`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RegistrationState {
    /// Not started yet.
    Pending,
    /// Running; the last event.
    InProgress(Event),
    /// Registered with this serial number.
    Registered(String),
    /// Failed with this message.
    Failed(String),
}

/// A successful registration.
#[derive(Debug, Clone)]
pub struct Registered {
    /// The serial assertion.
    pub serial: Assertion,
    /// Its serial number.
    pub serial_number: String,
    /// Other assertions the service streamed (account, account-key).
    pub ancillary: Vec<Assertion>,
}

/// The serial-request snapd builds (spec §2.6 step 2): `brand-id`, `model`, `request-id`,
/// `device-key`, optional `serial`, optional body; signed by the device key, no authority.
pub fn build_serial_request(
    model: &impl AssertionAccess,
    device_key: &RsaPrivateKey,
    request_id: &str,
    proposed_serial: Option<&str>,
    body: Option<&str>,
) -> Result<Assertion, Error> {
    let header = |n: &str| -> Result<String, Error> {
        model
            .header_str(n)
            .map(str::to_string)
            .ok_or_else(|| Error::Config {
                reason: format!("the model has no {n:?} header"),
            })
    };
    let mut b = AssertionBuilder::new(AssertionType::SerialRequest)
        .header("brand-id", HeaderValue::from(header("brand-id")?))
        .header("model", HeaderValue::from(header("model")?))
        .header("request-id", HeaderValue::from(request_id.to_string()))
        .header(
            "device-key",
            HeaderValue::from(device_key.public_key().to_snapd_text()),
        );
    if let Some(s) = proposed_serial {
        b = b.header("serial", HeaderValue::from(s.to_string()));
    }
    if let Some(body) = body.filter(|b| !b.is_empty()) {
        b = b.body(body.as_bytes().to_vec());
    }
    Ok(ucore_signing::sign_assertion(&b, device_key)?)
}

/// The checks snapd makes on a returned serial (spec §2.6, §2.7): brand, model and
/// device key id match the device; an authority other than the brand must be in the
/// model's `serial-authority`; the signature verifies — through `trust` when given (the
/// ancillary account and account-key are added to it first), else against a streamed
/// account-key for the signing key when there is one.
pub fn check_serial(
    serial: &Assertion,
    model: &impl AssertionAccess,
    device_key_id: &str,
    ancillary: &[Assertion],
    trust: Option<&Database>,
) -> Result<(), Error> {
    let h = |a: &dyn Fn(&str) -> Option<String>, n: &str| a(n).unwrap_or_default();
    let sget = |n: &str| serial.header_str(n).map(str::to_string);
    let mget = |n: &str| model.header_str(n).map(str::to_string);
    let got = format!(
        "{} / {} / {}",
        h(&sget, "brand-id"),
        h(&sget, "model"),
        h(&sget, "device-key-sha3-384")
    );
    let want = format!(
        "{} / {} / {}",
        h(&mget, "brand-id"),
        h(&mget, "model"),
        device_key_id
    );
    if got != want {
        return Err(Error::SerialMismatch { got, want });
    }
    let brand = h(&mget, "brand-id");
    let authority = serial.authority_id().unwrap_or("").to_string();
    if authority != brand {
        let allowed = model
            .header("serial-authority")
            .and_then(|v| v.as_list())
            .is_some_and(|l| l.iter().any(|x| x.as_str() == Some(authority.as_str())));
        if !allowed {
            return Err(Error::SerialAuthority { authority, brand });
        }
    }
    if let Some(db) = trust {
        for a in ancillary {
            // Already-known assertions are fine.
            let _ = db.add(a.clone());
        }
        db.check(serial)?;
        return Ok(());
    }
    let sign_key = serial.sign_key_sha3_384().unwrap_or("");
    for a in ancillary {
        if a.assertion_type() == AssertionType::AccountKey
            && a.header_str("public-key-sha3-384") == Some(sign_key)
        {
            let key = RsaPublicKey::from_snapd_text(a.body().unwrap_or("").as_bytes())
                .map_err(ucore_signing::Error::from)?;
            ucore_signing::verify_signature(serial, &key).map_err(ucore_signing::Error::from)?;
        }
    }
    Ok(())
}

/// A shared trust database handle.
pub type TrustDatabase = Arc<Database>;
