//! Reading a `/v1/serial` request body (the Serial Vault's `parseAssertionStream`, called by
//! the `Serial` handler in `service/sign/handlers_sign.go`): a `serial-request`, then
//! optionally a `model`, then optionally the current `serial` (remodel), nothing more.
//! Pure and panic-free on any input: the fuzz target `serial_request` drives it.

use ucore_assertions::types::SerialRequest;
use ucore_assertions::{Assertion, AssertionAccess, AssertionType, Decoder};

use crate::error::Error;

/// The assertions of a `/v1/serial` request.
#[derive(Debug, Clone)]
pub struct ParsedRequest {
    /// The serial-request (its typed view checked).
    pub serial_request: Assertion,
    /// The device's model, if sent (snapd always sends it).
    pub model: Option<Assertion>,
    /// The current serial, for a remodel re-registration.
    pub serial: Option<Assertion>,
}

impl ParsedRequest {
    /// The typed view of the serial-request (checked by [`parse_request`]).
    pub fn request(&self) -> Result<SerialRequest<'_>, Error> {
        SerialRequest::from_assertion(&self.serial_request).map_err(invalid)
    }
}

fn invalid(e: impl Into<crate::error::Cause>) -> Error {
    Error::InvalidAssertion(e.into())
}

/// Parses the body of `POST /v1/serial` with the Serial Vault's error codes.
pub fn parse_request(body: &[u8]) -> Result<ParsedRequest, Error> {
    if body.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::EmptyData);
    }
    let mut decoder = Decoder::new(body);
    let first = decoder.decode().map_err(invalid)?.ok_or(Error::EmptyData)?;
    if first.assertion_type() != AssertionType::SerialRequest {
        return Err(Error::InvalidType {
            found: first.assertion_type().name().to_string(),
        });
    }
    SerialRequest::from_assertion(&first).map_err(invalid)?;
    let mut parsed = ParsedRequest {
        serial_request: first,
        model: None,
        serial: None,
    };
    let Some(second) = decoder.decode().map_err(invalid)? else {
        return Ok(parsed);
    };
    if second.assertion_type() != AssertionType::Model {
        return Err(Error::InvalidSecondType {
            expected: "model",
            found: second.assertion_type().name().to_string(),
        });
    }
    parsed.model = Some(second);
    let Some(third) = decoder.decode().map_err(invalid)? else {
        return Ok(parsed);
    };
    if third.assertion_type() != AssertionType::Serial {
        return Err(Error::InvalidSecondType {
            expected: "serial",
            found: third.assertion_type().name().to_string(),
        });
    }
    parsed.serial = Some(third);
    if decoder.decode().map_err(invalid)?.is_some() {
        return Err(invalid("unexpected assertion in the request stream"));
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_garbage() {
        assert!(matches!(parse_request(b""), Err(Error::EmptyData)));
        assert!(matches!(parse_request(b"  \n"), Err(Error::EmptyData)));
        assert!(matches!(
            parse_request(b"nonsense"),
            Err(Error::InvalidAssertion { .. })
        ));
    }

    #[test]
    fn wrong_first_type() {
        let model = include_bytes!("../../../serial/tests/data/model.assert");
        match parse_request(model) {
            Err(Error::InvalidType { found }) => assert_eq!(found, "model"),
            other => panic!("{other:?}"),
        }
    }
}
