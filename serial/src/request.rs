//! The assertions a device signs with its device key: the `serial-request` it registers
//! with (snapd's `prepareSerialRequest` in `overlord/devicestate/handlers_serial.go`), the
//! remodel re-registration request (`reregRemodelContext` in
//! `overlord/devicestate/remodel.go`), and the `device-session-request` it opens a store
//! session with (`SignDeviceSessionRequest` in `overlord/devicestate/devicemgr.go`).

use ucore_assertions::{
    Assertion, AssertionAccess, AssertionBuilder, AssertionType, HeaderValue, Timestamp,
};
use ucore_signing::{RsaPrivateKey, Signer};

use crate::error::Error;

/// The serial-request snapd builds (`prepareSerialRequest` in
/// `overlord/devicestate/handlers_serial.go`): `brand-id`, `model`, `request-id`,
/// `device-key`, optional `serial`, optional body; signed by the device key, no authority.
pub fn build_serial_request(
    model: &impl AssertionAccess,
    device_key: &RsaPrivateKey,
    request_id: &str,
    proposed_serial: Option<&str>,
    body: Option<&str>,
) -> Result<Assertion, Error> {
    let header = |n: &'static str| -> Result<String, Error> {
        model
            .header_str(n)
            .map(str::to_string)
            .ok_or(Error::MissingHeader {
                assertion: "model",
                header: n,
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

/// The serial-request for re-registering as `new_model` while holding `current_serial`:
/// what [`build_serial_request`] makes, plus the three `original-*` headers taken
/// from the current serial. `proposed_serial` is the `serial` header (the Serial Vault
/// finds the sub-store row by it, so it is normally the current serial number).
pub fn build_remodel_serial_request(
    new_model: &impl AssertionAccess,
    current_serial: &impl AssertionAccess,
    device_key: &RsaPrivateKey,
    request_id: &str,
    proposed_serial: Option<&str>,
    body: Option<&str>,
) -> Result<Assertion, Error> {
    let get = |a: &dyn Fn(&str) -> Option<String>, what: &'static str, n: &'static str| {
        a(n).ok_or(Error::MissingHeader {
            assertion: what,
            header: n,
        })
    };
    let model = |n: &str| new_model.header_str(n).map(str::to_string);
    let serial = |n: &str| current_serial.header_str(n).map(str::to_string);
    let mut b = AssertionBuilder::new(AssertionType::SerialRequest)
        .header(
            "brand-id",
            HeaderValue::from(get(&model, "model", "brand-id")?),
        )
        .header("model", HeaderValue::from(get(&model, "model", "model")?))
        .header("request-id", HeaderValue::from(request_id.to_string()))
        .header(
            "device-key",
            HeaderValue::from(device_key.public_key().to_snapd_text()),
        )
        .header(
            "original-brand-id",
            HeaderValue::from(get(&serial, "serial", "brand-id")?),
        )
        .header(
            "original-model",
            HeaderValue::from(get(&serial, "serial", "model")?),
        )
        .header(
            "original-serial",
            HeaderValue::from(get(&serial, "serial", "serial")?),
        );
    if let Some(s) = proposed_serial {
        b = b.header("serial", HeaderValue::from(s.to_string()));
    }
    if let Some(body) = body.filter(|b| !b.is_empty()) {
        b = b.body(body.as_bytes().to_vec());
    }
    Ok(ucore_signing::sign_assertion(&b, device_key)?)
}

/// The `/v1/serial` body of a remodel re-registration: the serial-request, the new model,
/// the current serial.
pub fn remodel_stream(
    request: &Assertion,
    new_model: &Assertion,
    current_serial: &Assertion,
) -> Vec<u8> {
    let mut stream = Vec::new();
    for a in [request, new_model, current_serial] {
        stream.extend_from_slice(&a.encode());
        stream.push(b'\n');
    }
    stream
}

/// The `device-session-request` a registered device signs to open a session with its
/// store: `brand-id`, `model` and `serial` from the device's serial, the store's `nonce`,
/// and `timestamp` (RFC 3339, UTC, whole seconds, as snapd writes it); no body, signed by
/// the device key (any [`Signer`]: a key in memory, a file, a PKCS#11 token) without an
/// authority.
pub fn build_device_session_request(
    serial: &impl AssertionAccess,
    device_key: &dyn Signer,
    nonce: &str,
    timestamp: impl Into<Timestamp>,
) -> Result<Assertion, Error> {
    let get = |n: &'static str| {
        serial
            .header_str(n)
            .map(str::to_string)
            .ok_or(Error::MissingHeader {
                assertion: "serial",
                header: n,
            })
    };
    let timestamp = ucore_signing::signature::rfc3339_utc(timestamp);
    let b = AssertionBuilder::new(AssertionType::DeviceSessionRequest)
        .header("brand-id", HeaderValue::from(get("brand-id")?))
        .header("model", HeaderValue::from(get("model")?))
        .header("serial", HeaderValue::from(get("serial")?))
        .header("nonce", HeaderValue::from(nonce.to_string()))
        .header("timestamp", HeaderValue::from(timestamp));
    Ok(ucore_signing::sign_assertion(&b, device_key)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_serial_without_headers_is_a_typed_error() {
        let model = Assertion::decode(include_bytes!("../tests/data/model.assert")).unwrap();
        let key = RsaPrivateKey::from_pem(ucore_test_support::keys::DEVICE).unwrap();
        // The model has no `serial` header: refused before signing.
        match build_remodel_serial_request(&model, &model, &key, "REQ", None, None) {
            Err(e @ Error::MissingHeader { .. }) => {
                assert_eq!(e.to_string(), "the serial has no \"serial\" header")
            }
            other => panic!("{other:?}"),
        }
    }
}
