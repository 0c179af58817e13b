//! Re-registration during a remodel that changes the brand or model (spec §2.10, snapd's
//! `reregRemodelContext`): the device key stays, the serial-request gains
//! `original-brand-id`, `original-model` and `original-serial` (from the current serial),
//! and the stream carries the new model and then the current serial.

use ucore_assertions::{Assertion, AssertionAccess, AssertionBuilder, AssertionType, HeaderValue};
use ucore_signing::RsaPrivateKey;

use crate::error::Error;

/// The serial-request for re-registering as `new_model` while holding `current_serial`:
/// what [`super::build_serial_request`] makes, plus the three `original-*` headers taken
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
    let get = |a: &dyn Fn(&str) -> Option<String>, what: &str, n: &str| {
        a(n).ok_or_else(|| Error::Config {
            reason: format!("the {what} has no {n:?} header"),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_serial_without_headers_is_a_typed_error() {
        let model = Assertion::decode(include_bytes!("../../tests/data/model.assert")).unwrap();
        let key =
            RsaPrivateKey::from_pem(include_str!("../../tests/data/test-only-device.pem")).unwrap();
        // The model has no `serial` header: refused before signing.
        match build_remodel_serial_request(&model, &model, &key, "REQ", None, None) {
            Err(Error::Config { reason }) => {
                assert_eq!(reason, "the serial has no \"serial\" header")
            }
            other => panic!("{other:?}"),
        }
    }
}
