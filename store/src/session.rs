//! Device sessions: nonces, the checks on a `device-session-request`, and the session
//! token snapd carries verbatim in `Macaroon root="…"`.
//!
//! ## Opening a session
//!
//! A device asks for a nonce ([`issue_nonce`]), signs a `device-session-request` with its
//! device key, and posts it with its `serial` and `model` ([`open_session`]). The store
//! checks, in this order, refusing with [`Error::InvalidSession`] (`invalid-credentials`,
//! 400; snapd prints the body):
//!
//! 1. the three assertions decode and have the right types;
//! 2. the request's `brand-id`/`model`/`serial` are the serial's, and the serial's
//!    `brand-id`/`model` are the model's;
//! 3. the request is signed by the serial's `device-key`;
//! 4. the request's `timestamp` is within `settings.nonce_ttl` of now;
//! 5. the model is for this store (`store` equals `settings.store_id`) and its brand is a
//!    publisher here (the store's authority, or a brand whose `account` the database
//!    holds);
//! 6. the model is signed by a key of its brand, and the serial by a key of its brand or
//!    of an account the model names in `serial-authority` (account-keys in the database,
//!    valid at the assertion's timestamp, their constraints allowing it);
//! 7. the nonce was issued here, is unexpired and was never used (consumed last, so a
//!    forged request cannot burn a device's nonce; a replay finds it gone).
//!
//! ## The session token, and why it is not a macaroon
//!
//! snapd never looks inside the session: it stores the `macaroon` string and sends it back
//! verbatim as `Macaroon root="<token>"`. So the store is free to choose its form, as long
//! as the token is ASCII without `"` and of a size snapd is used to. ucore-store uses
//! `base64url(payload) "." base64url(HMAC-SHA256(secret, base64url(payload)))`, where the
//! payload is a small JSON object ([`DeviceSession`]: brand, model, serial, device key id,
//! store id, expiry). Compared with a macaroon:
//!
//! * a macaroon's strength is third-party caveats and attenuation by the holder; a device
//!   session needs neither — the store both issues and verifies it;
//! * an HMAC over a fixed payload is the same cryptography as a first-party macaroon
//!   (a chained HMAC), with no caveat language to parse on every request;
//! * it is the same length class as the store's macaroons (a few hundred bytes);
//! * replicas verify it statelessly: the secret is in the database
//!   ([`SessionKeys::load`], first writer wins), so no session table is read per request.
//!
//! An expired token is refused with 401 and `WWW-Authenticate: Macaroon
//! refresh_device_session=1`, which makes snapd open a new session and retry; a token
//! whose MAC does not verify, or that does not parse, is refused with a plain 401.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{KeyInit, Mac};
use serde::{Deserialize, Serialize};
use ucore_assertions::types::{AccountKey, DeviceSessionRequest, Model, Serial};
use ucore_assertions::{Assertion, AssertionAccess, AssertionType, Timestamp};
use ucore_signing::RsaPublicKey;
use ucore_store_client::protocol::SessionRequest;

use crate::db::Db;
use crate::error::Error;
use crate::state::Store;

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// The database setting that holds the session secret (64 hex digits).
pub const SECRET_SETTING: &str = "device-session-secret";

/// The longest token accepted for verification; longer ones are refused unread.
const MAX_TOKEN_LEN: usize = 4096;

/// The secret that signs session tokens (shared by replicas through the database).
#[derive(Clone)]
pub struct SessionKeys {
    secret: [u8; 32],
}

impl std::fmt::Debug for SessionKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionKeys(..)")
    }
}

/// What a device session token says: who the device is, for which store, until when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceSession {
    /// The brand (the serial's `brand-id`).
    #[serde(rename = "b")]
    pub brand_id: String,
    /// The model name.
    #[serde(rename = "m")]
    pub model: String,
    /// The serial number.
    #[serde(rename = "s")]
    pub serial: String,
    /// The device key's id (`device-key-sha3-384`).
    #[serde(rename = "k")]
    pub device_key_id: String,
    /// The store id the session is for.
    #[serde(rename = "st")]
    pub store_id: String,
    /// When the session expires (Unix seconds).
    #[serde(rename = "x")]
    pub expires: i64,
}

impl SessionKeys {
    /// Keys from a known secret (tests, or a secret from elsewhere).
    pub fn from_secret(secret: [u8; 32]) -> Self {
        SessionKeys { secret }
    }

    /// The store's keys: the secret in the database under [`SECRET_SETTING`], made (at
    /// random) by the first replica that asks.
    pub async fn load(db: &Db) -> Result<Self, Error> {
        let mut fresh = [0u8; 32];
        rand::fill(&mut fresh);
        let stored = db.setting_or_insert(SECRET_SETTING, &hex(&fresh)).await?;
        let secret = unhex32(&stored).ok_or_else(|| {
            Error::Config(format!(
                "the database setting {SECRET_SETTING} is not 64 hex digits"
            ))
        })?;
        Ok(SessionKeys { secret })
    }

    fn mac(&self) -> HmacSha256 {
        // HMAC takes a key of any length; 32 bytes never fails.
        <HmacSha256 as KeyInit>::new_from_slice(&self.secret)
            .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"))
    }

    /// The token for `session`.
    pub fn issue(&self, session: &DeviceSession) -> String {
        let json = serde_json::to_vec(session).unwrap_or_default();
        let payload = URL_SAFE_NO_PAD.encode(json);
        let mut mac = self.mac();
        mac.update(payload.as_bytes());
        let tag = mac.finalize().into_bytes();
        format!("{payload}.{}", URL_SAFE_NO_PAD.encode(tag))
    }

    /// Checks a token: its MAC (constant time), its store and its expiry at `now`.
    /// [`Error::Unauthorized`]; with `refresh_session` when only the expiry is wrong.
    pub fn verify(
        &self,
        token: &str,
        store_id: &str,
        now: Timestamp,
    ) -> Result<DeviceSession, Error> {
        let invalid = || Error::unauthorized("invalid device session");
        if token.len() > MAX_TOKEN_LEN {
            return Err(invalid());
        }
        let (payload, tag) = token.split_once('.').ok_or_else(invalid)?;
        let tag = URL_SAFE_NO_PAD.decode(tag).map_err(|_| invalid())?;
        let mut mac = self.mac();
        mac.update(payload.as_bytes());
        mac.verify_slice(&tag).map_err(|_| invalid())?;
        let json = URL_SAFE_NO_PAD.decode(payload).map_err(|_| invalid())?;
        let session: DeviceSession = serde_json::from_slice(&json).map_err(|_| invalid())?;
        if session.store_id != store_id {
            return Err(invalid());
        }
        if session.expires <= now.as_second() {
            return Err(Error::Unauthorized {
                message: "device session expired".into(),
                refresh_session: true,
            });
        }
        Ok(session)
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex32(s: &str) -> Option<[u8; 32]> {
    let s = s.as_bytes();
    if s.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (o, pair) in out.iter_mut().zip(s.chunks_exact(2)) {
        let [hi, lo] = pair else { return None };
        *o = (hex_digit(*hi)? << 4) | hex_digit(*lo)?;
    }
    Some(out)
}

fn hex_digit(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Issues a nonce for a device-session request, valid for `settings.nonce_ttl`: the Unix
/// time, `:`, and 24 random bytes in base64url (the shape of snapd's example nonce,
/// `1234567890:9876543210`).
pub async fn issue_nonce(store: &Store) -> Result<String, Error> {
    let now = Timestamp::now();
    let mut random = [0u8; 24];
    rand::fill(&mut random);
    let nonce = format!("{}:{}", now.as_second(), URL_SAFE_NO_PAD.encode(random));
    let expires = after(now, store.settings.nonce_ttl)?;
    store.db.issue_nonce(&nonce, expires).await?;
    Ok(nonce)
}

fn after(t: Timestamp, d: std::time::Duration) -> Result<Timestamp, Error> {
    let secs = i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
    Timestamp::from_second(t.as_second().saturating_add(secs))
        .map_err(|e| Error::Config(format!("duration out of range: {e}")))
}

fn refuse(message: impl Into<String>) -> Error {
    Error::InvalidSession(message.into())
}

fn decode(text: &str, expected: AssertionType, what: &str) -> Result<Assertion, Error> {
    let a = Assertion::decode(text.as_bytes())
        .map_err(|e| refuse(format!("cannot decode {what}: {e}")))?;
    if a.assertion_type() != expected {
        return Err(refuse(format!(
            "{what} is a {}, not a {}",
            a.assertion_type().name(),
            expected.name()
        )));
    }
    Ok(a)
}

/// Checks a session request (see the module doc for the order) and answers the token.
pub async fn open_session(store: &Store, req: &SessionRequest) -> Result<String, Error> {
    let now = Timestamp::now();
    let dsr_a = decode(
        &req.device_session_request,
        AssertionType::DeviceSessionRequest,
        "device-session-request",
    )?;
    let serial_a = decode(
        &req.serial_assertion,
        AssertionType::Serial,
        "serial assertion",
    )?;
    let model_a = decode(
        &req.model_assertion,
        AssertionType::Model,
        "model assertion",
    )?;
    let dsr = DeviceSessionRequest::from_assertion(&dsr_a).map_err(|e| refuse(e.to_string()))?;
    let serial = Serial::from_assertion(&serial_a).map_err(|e| refuse(e.to_string()))?;
    let model = Model::from_assertion(&model_a).map_err(|e| refuse(e.to_string()))?;

    // 2. One device, one model.
    if (dsr.brand_id, dsr.model, dsr.serial) != (serial.brand_id, serial.model, serial.serial) {
        return Err(refuse(
            "device-session-request brand, model and serial do not match the serial assertion",
        ));
    }
    if (serial.brand_id, serial.model) != (model.brand_id, model.model) {
        return Err(refuse("serial assertion is not for the given model"));
    }

    // 3. Signed by the device key.
    if dsr_a.sign_key_sha3_384() != Some(serial.device_key_sha3_384) {
        return Err(refuse(
            "device-session-request is not signed by the serial's device key",
        ));
    }
    let device_key = RsaPublicKey::from_openpgp(&serial.device_key)
        .map_err(|e| refuse(format!("cannot use the serial's device key: {e}")))?;
    ucore_signing::verify_signature(&dsr_a, &device_key)
        .map_err(|e| refuse(format!("device-session-request: {e}")))?;

    // 4. Fresh.
    let skew = i64::try_from(store.settings.nonce_ttl.as_secs()).unwrap_or(i64::MAX);
    let age = now
        .as_second()
        .saturating_sub(dsr.timestamp.timestamp.as_second());
    if age.saturating_abs() > skew {
        return Err(refuse(
            "device-session-request timestamp is too far from now",
        ));
    }

    // 5. This store, one of its publishers.
    if model.store != Some(store.settings.store_id.as_str()) {
        return Err(refuse(format!(
            "model {}/{} is not for store {:?}",
            model.brand_id, model.model, store.settings.store_id
        )));
    }
    if !is_publisher(store, model.brand_id).await? {
        return Err(refuse(format!(
            "brand {:?} is not served by this store",
            model.brand_id
        )));
    }

    // 6. The model by its brand, the serial by its brand or a serial authority.
    if model_a.authority_id() != Some(model.brand_id) {
        return Err(refuse("model is not signed by its brand"));
    }
    check_signed_by_account(
        &store.db,
        &model_a,
        model.brand_id,
        model.timestamp.timestamp,
        "model",
    )
    .await?;
    let serial_authority = serial_a.authority_id().unwrap_or("");
    let allowed =
        serial_authority == model.brand_id || model.serial_authority.contains(&serial_authority);
    if !allowed {
        return Err(refuse(format!(
            "serial assertion is signed by {serial_authority:?}, not by the brand or a serial authority of the model"
        )));
    }
    check_signed_by_account(
        &store.db,
        &serial_a,
        serial_authority,
        serial.timestamp.timestamp,
        "serial assertion",
    )
    .await?;

    // 7. The nonce, once.
    if !store.db.consume_nonce(dsr.nonce, now).await? {
        return Err(refuse("nonce is unknown, expired or already used"));
    }

    let session = DeviceSession {
        brand_id: serial.brand_id.to_string(),
        model: serial.model.to_string(),
        serial: serial.serial.to_string(),
        device_key_id: serial.device_key_sha3_384.to_string(),
        store_id: store.settings.store_id.clone(),
        expires: after(now, store.settings.session_ttl)?.as_second(),
    };
    Ok(store.sessions.issue(&session))
}

/// Whether `account_id` publishes in this store: the store's authority, or a brand whose
/// `account` assertion the database holds.
pub async fn is_publisher(store: &Store, account_id: &str) -> Result<bool, Error> {
    if account_id == store.authority.account_id() {
        return Ok(true);
    }
    Ok(store
        .db
        .assertion("account", &[account_id.to_string()])
        .await?
        .is_some())
}

/// Checks that `a` is signed by an account-key of `account_id` in the database, valid at
/// `at`, whose constraints allow it.
async fn check_signed_by_account(
    db: &Db,
    a: &Assertion,
    account_id: &str,
    at: Timestamp,
    what: &str,
) -> Result<(), Error> {
    let key_id = a.sign_key_sha3_384().unwrap_or("");
    let not_signed = || {
        refuse(format!(
            "{what} is not signed by a known key of {account_id:?}"
        ))
    };
    let rec = db
        .assertion("account-key", &[key_id.to_string()])
        .await?
        .ok_or_else(not_signed)?;
    let key_a = Assertion::decode(rec.text.as_bytes())
        .map_err(|e| Error::assertion("cannot decode a stored account-key", e))?;
    let key = AccountKey::from_assertion(&key_a)
        .map_err(|e| Error::assertion("cannot read a stored account-key", e))?;
    if key.account_id != account_id {
        return Err(not_signed());
    }
    if !key.is_valid_at(at) {
        return Err(refuse(format!(
            "{what} timestamp is outside the signing key's validity"
        )));
    }
    if !key.can_sign(a) {
        return Err(refuse(format!(
            "{what} is not allowed by the signing key's constraints"
        )));
    }
    let public = RsaPublicKey::from_openpgp(&key.public_key)
        .map_err(|e| Error::assertion("cannot use a stored account-key", e))?;
    ucore_signing::verify_signature(a, &public).map_err(|e| refuse(format!("{what}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(expires: i64) -> DeviceSession {
        DeviceSession {
            brand_id: "acme".into(),
            model: "m1".into(),
            serial: "s1".into(),
            device_key_id: "k".into(),
            store_id: "acme-store".into(),
            expires,
        }
    }

    #[test]
    fn tokens_verify_and_carry_the_session() {
        let keys = SessionKeys::from_secret([7; 32]);
        let s = session(Timestamp::now().as_second() + 60);
        let token = keys.issue(&s);
        assert!(!token.contains('"') && token.is_ascii());
        assert_eq!(
            keys.verify(&token, "acme-store", Timestamp::now()).unwrap(),
            s
        );
    }

    #[test]
    fn forged_tampered_foreign_and_expired_tokens_are_refused() {
        let keys = SessionKeys::from_secret([7; 32]);
        let now = Timestamp::now();
        let token = keys.issue(&session(now.as_second() + 60));
        // Another secret.
        let other = SessionKeys::from_secret([8; 32]);
        let e = other.verify(&token, "acme-store", now).unwrap_err();
        assert!(matches!(
            e,
            Error::Unauthorized {
                refresh_session: false,
                ..
            }
        ));
        // A payload swapped under the same MAC.
        let (_, tag) = token.split_once('.').unwrap();
        let mut forged = session(now.as_second() + 60);
        forged.brand_id = "other-brand".into();
        let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&forged).unwrap());
        assert!(
            keys.verify(&format!("{payload}.{tag}"), "acme-store", now)
                .is_err()
        );
        // Another store.
        assert!(keys.verify(&token, "other-store", now).is_err());
        // Garbage.
        for bad in ["", ".", "a.b", "no-dot", &"x".repeat(10_000)] {
            let e = keys.verify(bad, "acme-store", now).unwrap_err();
            assert!(
                matches!(
                    e,
                    Error::Unauthorized {
                        refresh_session: false,
                        ..
                    }
                ),
                "{bad}"
            );
        }
        // Expired: a refresh is asked for.
        let old = keys.issue(&session(now.as_second() - 1));
        let e = keys.verify(&old, "acme-store", now).unwrap_err();
        assert!(matches!(
            e,
            Error::Unauthorized {
                refresh_session: true,
                ..
            }
        ));
    }

    #[test]
    fn secrets_round_trip_through_hex() {
        let s = [0xa5u8; 32];
        assert_eq!(unhex32(&hex(&s)), Some(s));
        assert_eq!(unhex32("zz"), None);
        assert_eq!(unhex32(&"g".repeat(64)), None);
    }
}
