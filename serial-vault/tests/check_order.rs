//! The order of `/v1/serial`'s checks (`Vault::sign_serial`): cheap checks run first, yet a
//! request with ONE fault gets exactly the error it got in the Serial Vault's order
//! (`service/sign/handlers_sign.go`), code and message, and consumes its nonce exactly when
//! it did (the nonce goes only once every check before the model lookup has passed).
//! A request with several faults gets the error of the first check in the vault's own
//! order (documented in `Vault::sign_serial`), pinned at the end.

mod common;

use common::{TestVault, key, model, model_named, serial_assertion, stream};
use ucore_assertions::{Assertion, AssertionAccess};
use ucore_serial as device;
use ucore_serial_vault::vault::rate_limit::RateLimits;
use ucore_serial_vault::{Error, Settings};

const API_KEY: &str = "acme-api-key-0001";

/// A serial of model acme-device-1 for the device key, signed by the brand.
fn current_serial(serial: &str) -> Assertion {
    serial_assertion(
        "acme",
        "acme-device-1",
        serial,
        &key("device"),
        &key("acme"),
    )
}

/// A snapd serial-request of the device key for `serial` with request-id `id`.
fn request(id: &str, serial: Option<&str>) -> Assertion {
    device::build_serial_request(&model(), &key("device"), id, serial, None).unwrap()
}

/// `request` with its signature replaced by one of another key over the same content.
fn forged(request: &Assertion) -> Assertion {
    let sig = ucore_signing::signature::sign_content(
        request.content(),
        &key("spare"),
        ucore_assertions::Timestamp::from_openpgp_time(1_700_000_000),
    )
    .unwrap();
    Assertion::from_parts(request.content().to_vec(), sig.into_bytes()).unwrap()
}

/// A vault (its server is not used: the checks are called directly), rate limits off.
struct Fixture(TestVault);

impl Fixture {
    fn new() -> Fixture {
        let settings = Settings {
            rate_limits: RateLimits::off(),
            ..Settings::default()
        };
        let tv = TestVault::start("sqlite::memory:", settings);
        assert_eq!(tv.api_key, API_KEY);
        Fixture(tv)
    }

    fn request_id(&self) -> String {
        self.0
            .rt
            .block_on(self.0.vault.request_id(Some(API_KEY)))
            .unwrap()
    }

    fn sign(&self, api_key: Option<&str>, body: &[u8]) -> Result<Vec<u8>, Error> {
        self.0
            .rt
            .block_on(self.0.vault.sign_serial(api_key, body, false))
    }

    /// A snapd request (serial-request + model) of `device` with request-id `id`.
    fn snapd_body(&self, id: &str, serial: &str, device: &str) -> Vec<u8> {
        let req =
            device::build_serial_request(&model(), &key(device), id, Some(serial), None).unwrap();
        stream(&[&req, &model()])
    }
}

/// A case's request: the api-key sent and the body, built with a fresh request-id.
type Build = fn(&Fixture, &str) -> (Option<&'static str>, Vec<u8>);

/// One case: a request with one fault, the error it gets, and whether that error comes
/// after its nonce was consumed.
struct Case {
    name: &'static str,
    build: Build,
    code: &'static str,
    message: &'static str,
    consumes_nonce: bool,
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "no api-key",
            build: |f, id| (None, f.snapd_body(id, "F1", "device")),
            code: "invalid-api-key",
            message: "Invalid API key used",
            consumes_nonce: false,
        },
        Case {
            name: "unknown api-key",
            build: |f, id| (Some("not-a-known-key"), f.snapd_body(id, "F2", "device")),
            code: "invalid-api-key",
            message: "Invalid API key used",
            consumes_nonce: false,
        },
        Case {
            name: "empty body",
            build: |_, _| (Some(API_KEY), b" \n".to_vec()),
            code: "empty-data",
            message: "Nothing supplied for signing",
            consumes_nonce: false,
        },
        Case {
            name: "not an assertion",
            build: |_, _| (Some(API_KEY), b"type: serial-request\nnonsense".to_vec()),
            code: "invalid-assertion",
            message: "unexpected EOF",
            consumes_nonce: false,
        },
        Case {
            name: "model first",
            build: |_, _| (Some(API_KEY), stream(&[&model()])),
            code: "invalid-type",
            message: "The assertion type must be 'serial-request'",
            consumes_nonce: false,
        },
        Case {
            name: "second not a model",
            build: |_, id| {
                let req = request(id, Some("F3"));
                (Some(API_KEY), stream(&[&req, &req]))
            },
            code: "invalid-second-type",
            message: "The second assertion type must be 'model'",
            consumes_nonce: false,
        },
        Case {
            name: "third not a serial",
            build: |_, id| {
                let req = request(id, Some("F4"));
                (Some(API_KEY), stream(&[&req, &model(), &model()]))
            },
            code: "invalid-second-type",
            message: "The second assertion type must be 'serial'",
            consumes_nonce: false,
        },
        Case {
            name: "a fourth assertion",
            build: |_, id| {
                let req = request(id, Some("F5"));
                let serial = current_serial("F5");
                (Some(API_KEY), stream(&[&req, &model(), &serial, &model()]))
            },
            code: "invalid-assertion",
            message: "unexpected assertion in the request stream",
            consumes_nonce: false,
        },
        Case {
            name: "forged self-signature",
            build: |_, id| {
                let req = request(id, Some("F6"));
                (Some(API_KEY), stream(&[&forged(&req), &model()]))
            },
            code: "invalid-assertion",
            message: "failed signature verification: openpgp: invalid signature: RSA verification failure",
            consumes_nonce: false,
        },
        Case {
            name: "model does not match",
            build: |_, id| {
                let other = model_named("other");
                let req =
                    device::build_serial_request(&other, &key("device"), id, Some("F7"), None)
                        .unwrap();
                (Some(API_KEY), stream(&[&req, &model()]))
            },
            code: "mismatched-model",
            message: "The model and serial request assertion do not match",
            consumes_nonce: false,
        },
        Case {
            name: "a current serial without original-* headers",
            build: |_, id| {
                let req = request(id, Some("F8"));
                (
                    Some(API_KEY),
                    stream(&[&req, &model(), &current_serial("F8")]),
                )
            },
            code: "invalid-assertion",
            message: "unexpected assertion in the request stream",
            consumes_nonce: false,
        },
        Case {
            name: "unknown request-id",
            build: |f, _| {
                (
                    Some(API_KEY),
                    f.snapd_body("0000000000000000000000000000000000000000", "F9", "device"),
                )
            },
            code: "invalid-nonce",
            message: "Nonce is invalid or expired",
            consumes_nonce: false,
        },
        Case {
            name: "no model row",
            build: |_, id| {
                let other = model_named("other");
                let req =
                    device::build_serial_request(&other, &key("device"), id, Some("F10"), None)
                        .unwrap();
                (Some(API_KEY), stream(&[&req, &other]))
            },
            code: "invalid-model",
            message: "Cannot find model with the matching brand and model",
            consumes_nonce: true,
        },
        Case {
            name: "no serial number",
            build: |_, id| {
                let req = request(id, None);
                (Some(API_KEY), stream(&[&req, &model()]))
            },
            code: "create-assertion",
            message: "The serial number is missing from the header and body",
            consumes_nonce: true,
        },
        Case {
            name: "a serial number with a slash",
            build: |f, id| (Some(API_KEY), f.snapd_body(id, "F/11", "device")),
            code: "create-assertion",
            message: "invalid serial \"F/11\": must match not empty, at most 128 bytes, no '/', \
                      no control characters (newlines), no leading or trailing whitespace",
            consumes_nonce: true,
        },
        Case {
            name: "a serial number held by another device key",
            build: |f, id| (Some(API_KEY), f.snapd_body(id, "TAKEN", "spare")),
            code: "duplicate-assertion",
            message: "The serial number TAKEN is already in use by another device",
            consumes_nonce: true,
        },
    ]
}

#[test]
fn each_single_fault_keeps_its_error_and_its_nonce_rule() {
    let f = Fixture::new();
    // The serial TAKEN belongs to the device key.
    let id = f.request_id();
    f.sign(Some(API_KEY), &f.snapd_body(&id, "TAKEN", "device"))
        .unwrap();
    let mut failed = Vec::new();
    for case in cases() {
        let id = f.request_id();
        let (api_key, body) = (case.build)(&f, &id);
        let got = match f.sign(api_key, &body) {
            Ok(_) => ("(signed)".to_string(), String::new()),
            Err(e) => (e.code().to_string(), e.to_string()),
        };
        if got != (case.code.to_string(), case.message.to_string()) {
            failed.push(format!(
                "{}: got {:?}, want ({:?}, {:?})",
                case.name, got, case.code, case.message
            ));
            continue;
        }
        // The same request-id in a good request: accepted unless the fault consumed it.
        let again = f.sign(
            Some(API_KEY),
            &f.snapd_body(&id, &format!("OK-{}", case.name.len()), "device"),
        );
        let consumed = matches!(again, Err(Error::InvalidNonce));
        if consumed != case.consumes_nonce {
            failed.push(format!(
                "{}: nonce consumed {consumed}, want {} ({:?})",
                case.name,
                case.consumes_nonce,
                again.err()
            ));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

#[test]
fn an_inactive_key_is_refused_after_the_nonce_is_consumed() {
    let f = Fixture::new();
    f.0.rt
        .block_on(f.0.vault.set_key_active(key("acme").key_id(), false))
        .unwrap();
    let id = f.request_id();
    let e = f
        .sign(Some(API_KEY), &f.snapd_body(&id, "I1", "device"))
        .unwrap_err();
    assert_eq!(
        (e.code(), e.to_string().as_str()),
        (
            "invalid-model",
            "Cannot find model with the matching brand and model"
        )
    );
    f.0.rt
        .block_on(f.0.vault.set_key_active(key("acme").key_id(), true))
        .unwrap();
    let e = f
        .sign(Some(API_KEY), &f.snapd_body(&id, "I1", "device"))
        .unwrap_err();
    assert!(matches!(e, Error::InvalidNonce), "{e}");
}

/// Several faults: the first in the vault's order wins (`Vault::sign_serial`'s
/// documentation), where the Serial Vault, verifying the self-signature first, said
/// `invalid-assertion`.
#[test]
fn several_faults_get_the_first_in_the_vault_order() {
    let f = Fixture::new();
    let unknown = "0000000000000000000000000000000000000000";
    let forged_with = |id: &str, model: &Assertion, sent_model: &Assertion| {
        let req =
            device::build_serial_request(model, &key("device"), id, Some("M1"), None).unwrap();
        stream(&[&forged(&req), sent_model])
    };
    let cases = [
        // A forged self-signature and an unknown request-id.
        (
            forged_with(unknown, &model(), &model()),
            "invalid-nonce",
            "Nonce is invalid or expired",
        ),
        // A forged self-signature for another model than the one sent.
        (
            forged_with(&f.request_id(), &model_named("other"), &model()),
            "mismatched-model",
            "The model and serial request assertion do not match",
        ),
        // Another model and an unknown request-id.
        (
            forged_with(unknown, &model_named("other"), &model()),
            "mismatched-model",
            "The model and serial request assertion do not match",
        ),
    ];
    for (body, code, message) in cases {
        let e = f.sign(Some(API_KEY), &body).unwrap_err();
        assert_eq!((e.code(), e.to_string().as_str()), (code, message));
    }
}
