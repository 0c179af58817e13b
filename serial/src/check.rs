//! The checks a device makes on the serial it is given (snapd's `getSerial` and
//! `doRequestSerial` in `overlord/devicestate/handlers_serial.go`).

use ucore_assertions::{Assertion, AssertionAccess, AssertionType};
use ucore_signing::{Database, RsaPublicKey};

use crate::error::Error;

/// The checks snapd makes on a returned serial (`getSerial`, then `acceptSerialOnly` or
/// `acceptSerialPlusBatch` in `overlord/devicestate/handlers_serial.go`): brand, model and
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
            let key = RsaPublicKey::from_snapd_text(a.body().unwrap_or("").as_bytes())?;
            ucore_signing::verify_signature(serial, &key)?;
        }
    }
    Ok(())
}
