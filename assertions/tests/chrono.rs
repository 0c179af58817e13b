//! The `chrono` feature: a chrono user passes `DateTime<Utc>` values to the functions that
//! take an instant, and gets `DateTime<Utc>` values back from the instants ucore returns.
#![cfg(feature = "chrono")]

use chrono::{DateTime, TimeZone, Utc};
use ucore_assertions::types::AccountKey;
use ucore_assertions::{AssertionRef, Timestamp, TimestampError};

fn account_key_until() -> Vec<u8> {
    std::fs::read(
        ucore_test_support::repo()
            .join("tests/data/assertions/generated/valid/account-key-until.assert"),
    )
    .unwrap()
}

#[test]
fn is_valid_at_takes_chrono() -> Result<(), TimestampError> {
    let bytes = account_key_until();
    let a = AssertionRef::decode(&bytes).unwrap();
    let k = AccountKey::try_from(&a).unwrap();
    let at = |y, mo, d, h, mi, s| Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap();
    assert!(!k.is_valid_at(Timestamp::try_from(at(2015, 12, 31, 23, 59, 59))?));
    assert!(k.is_valid_at(Timestamp::try_from(at(2016, 1, 1, 0, 0, 0))?));
    assert!(!k.is_valid_at(Timestamp::try_from(at(2030, 1, 1, 0, 0, 0))?));

    // And back: the key's validity window as chrono values.
    let since: DateTime<Utc> = k.since.timestamp.into();
    assert_eq!(since, at(2016, 1, 1, 0, 0, 0));
    let until: Option<DateTime<Utc>> = k.until.map(|u| u.timestamp.into());
    assert_eq!(until, Some(at(2030, 1, 1, 0, 0, 0)));
    Ok(())
}

#[test]
fn chrono_beyond_jiff_is_a_typed_error() {
    let far = Utc.with_ymd_and_hms(12_000, 1, 1, 0, 0, 0).unwrap();
    assert!(matches!(
        Timestamp::try_from(far),
        Err(TimestampError::OutOfRange { .. })
    ));
}
