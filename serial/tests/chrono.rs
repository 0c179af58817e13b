//! The `chrono` feature: a device-session-request's timestamp from a
//! `chrono::DateTime<Utc>`, and back.
#![cfg(feature = "chrono")]

use chrono::{DateTime, TimeZone, Utc};
use ucore_assertions::types::DeviceSessionRequest;
use ucore_assertions::{AssertionAccess, AssertionBuilder, AssertionType, Timestamp};
use ucore_signing::{RsaPrivateKey, encode_public_key, sign_assertion};

fn key(name: &str) -> RsaPrivateKey {
    RsaPrivateKey::from_pem(ucore_test_support::keys::pem(name)).unwrap()
}

#[test]
fn device_session_request_at_a_chrono_time() {
    let (brand, device) = (key("acme"), key("device"));
    let serial = AssertionBuilder::new(AssertionType::Serial)
        .header("authority-id", "acme")
        .header("brand-id", "acme")
        .header("model", "pc")
        .header("serial", "S-1")
        .header("device-key", encode_public_key(device.public_key()))
        .header("device-key-sha3-384", device.key_id().to_string())
        .header("timestamp", "2016-01-01T00:00:00Z");
    let serial = sign_assertion(&serial, &brand).unwrap();

    let at =
        Utc.with_ymd_and_hms(2024, 5, 6, 7, 8, 9).unwrap() + chrono::Duration::milliseconds(250);
    let at_ts = Timestamp::try_from(at).unwrap();
    let request =
        ucore_serial::build_device_session_request(&serial, &device, "NONCE", at_ts).unwrap();
    assert_eq!(
        request.header_str("timestamp"),
        Some("2024-05-06T07:08:09Z")
    );

    let decoded = DeviceSessionRequest::try_from(&request).unwrap();
    let back: DateTime<Utc> = decoded.timestamp.timestamp.into();
    assert_eq!(back, Utc.with_ymd_and_hms(2024, 5, 6, 7, 8, 9).unwrap());
}
