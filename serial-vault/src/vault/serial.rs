//! Turning a checked serial-request into a serial: the Serial Vault's `serialRequestToSerial`
//! and duplicate check (`CheckForDuplicate`), used by its `/v1/serial` handler
//! (`service/sign/handlers_sign.go`).

use ucore_assertions::{AssertionAccess, AssertionBuilder, AssertionType, HeaderValue};

use crate::error::Error;

/// The serial number a request asks for: the `serial` header, else a top-level
/// `serial:` key of a YAML-ish body (the Serial Vault parses the body as YAML and ignores
/// errors); [`Error::CreateAssertion`] if neither.
pub fn requested_serial(request: &impl AssertionAccess) -> Result<String, Error> {
    if let Some(s) = request.header_str("serial").filter(|s| !s.is_empty()) {
        return Ok(s.to_string());
    }
    if let Some(body) = request.body() {
        for line in body.lines() {
            if let Some(v) = line.strip_prefix("serial:") {
                let v = v.trim().trim_matches(|c| c == '"' || c == '\'');
                if !v.is_empty() {
                    return Ok(v.to_string());
                }
            }
        }
    }
    Err(Error::CreateAssertion(
        "The serial number is missing from the header and body".into(),
    ))
}

/// The serial's headers and body for `request` (already checked), signed by
/// `authority_id` (the brand, or an account of the model's `serial-authority`), at
/// `revision` and `timestamp` (RFC 3339). `sign-key-sha3-384` and `body-length` are set
/// by the signer.
pub fn build_serial(
    request: &impl AssertionAccess,
    authority_id: &str,
    serial: &str,
    revision: i64,
    timestamp: &str,
) -> Result<AssertionBuilder, Error> {
    let get = |name: &str| -> Result<String, Error> {
        request.header_str(name).map(str::to_string).ok_or_else(|| {
            Error::CreateAssertion(format!("the serial-request has no {name:?} header").into())
        })
    };
    let brand = get("brand-id")?;
    let mut b = AssertionBuilder::new(AssertionType::Serial)
        .header("authority-id", HeaderValue::from(authority_id.to_string()))
        .header("brand-id", HeaderValue::from(brand))
        .header("model", HeaderValue::from(get("model")?))
        .header("serial", HeaderValue::from(serial.to_string()))
        .header("device-key", HeaderValue::from(get("device-key")?))
        .header(
            "device-key-sha3-384",
            HeaderValue::from(get("sign-key-sha3-384")?),
        )
        .header("timestamp", HeaderValue::from(timestamp.to_string()));
    if revision > 0 {
        b = b.header("revision", HeaderValue::from(revision.to_string()));
    }
    if let Some(body) = request.body().filter(|b| !b.is_empty()) {
        b = b.body(body.as_bytes().to_vec());
    }
    Ok(b)
}
