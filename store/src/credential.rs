//! Publishing credentials: an id and a secret, sent as `Macaroon root="<id>",
//! discharge="<secret>"`; the database keeps only the secret's SHA3-384.
//!
//! The id is 16 random bytes and the secret 32, both unpadded base64url (no `"` or `,`,
//! so they travel in the header unquoted-safe). [`authenticate`] does the same work for
//! an unknown id as for a known one with a wrong secret (a SHA3-384 and a constant-time
//! comparison against a stand-in digest) and answers both with the same error.

use base64::Engine as _;
use sha3::{Digest as _, Sha3_384};
use subtle::ConstantTimeEq as _;
use ucore_assertions::Timestamp;
use ucore_store_client::protocol::MacaroonAuthorization;

use crate::Error;
use crate::db::{CredentialRecord, CredentialScope, Db};
use crate::publisher_api::CredentialFile;

/// Random bytes in a credential id.
const ID_BYTES: usize = 16;
/// Random bytes in a credential secret.
const SECRET_BYTES: usize = 32;
/// The longest id or secret looked at: longer ones are refused before any lookup.
const MAX_TOKEN_LEN: usize = 256;

/// The one answer to every credential that does not authenticate.
const REFUSED: &str = "invalid publisher credential";

/// Makes a new credential for `scope`: the record to store, and the file to hand out
/// (with `store_url`).
pub fn new_credential(
    scope: CredentialScope,
    store_url: &str,
) -> (CredentialRecord, CredentialFile) {
    let id = random_token::<ID_BYTES>();
    let secret = random_token::<SECRET_BYTES>();
    let record = CredentialRecord {
        id: id.clone(),
        secret_sha3_384: secret_digest(&secret),
        scope,
        created_at: Timestamp::now().trunc_to_second(),
    };
    let file = CredentialFile {
        macaroon: id,
        discharges: vec![secret],
        store: store_url.trim_end_matches('/').to_string(),
    };
    (record, file)
}

/// Checks an `Authorization` header value against the database, in constant time.
/// [`Error::Unauthorized`] when it is malformed, unknown or wrong.
pub async fn authenticate(db: &Db, auth: &MacaroonAuthorization) -> Result<CredentialScope, Error> {
    let [secret] = auth.discharges.as_slice() else {
        return Err(Error::unauthorized(REFUSED));
    };
    if auth.root.is_empty() || auth.root.len() > MAX_TOKEN_LEN || secret.len() > MAX_TOKEN_LEN {
        return Err(Error::unauthorized(REFUSED));
    }
    let record = db.credential(&auth.root).await?;
    let given = secret_digest(secret);
    // An unknown id is compared against a digest no secret has (not hex), so that it
    // costs what a wrong secret costs.
    let (expected, scope) = match record {
        Some(r) => (r.secret_sha3_384, Some(r.scope)),
        None => ("-".repeat(given.len()), None),
    };
    let equal: bool = given.as_bytes().ct_eq(expected.as_bytes()).into();
    match scope {
        Some(scope) if equal => Ok(scope),
        _ => Err(Error::unauthorized(REFUSED)),
    }
}

/// SHA3-384 of a secret, hex.
fn secret_digest(secret: &str) -> String {
    Sha3_384::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn random_token<const N: usize>() -> String {
    let mut random = [0u8; N];
    rand::fill(&mut random);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_credential_keeps_only_the_digest_of_its_secret() {
        let (record, file) = new_credential(
            CredentialScope::Publisher("acme".into()),
            "http://store.test/",
        );
        assert_eq!(record.id, file.macaroon);
        assert_eq!(file.store, "http://store.test");
        let [secret] = file.discharges.as_slice() else {
            panic!("one discharge expected");
        };
        assert_eq!(secret.len(), 43); // 32 bytes, unpadded base64url
        assert_eq!(file.macaroon.len(), 22);
        assert_eq!(record.secret_sha3_384, secret_digest(secret));
        assert!(!record.secret_sha3_384.contains(secret.as_str()));
        let (other, _) = new_credential(CredentialScope::Admin, "");
        assert_ne!(other.id, record.id);
        assert_ne!(other.secret_sha3_384, record.secret_sha3_384);
    }

    #[test]
    fn the_header_form_round_trips() {
        let (_, file) = new_credential(CredentialScope::Admin, "");
        let header = MacaroonAuthorization {
            root: file.macaroon.clone(),
            discharges: file.discharges.clone(),
        }
        .to_header();
        let parsed = MacaroonAuthorization::parse(&header).unwrap();
        assert_eq!(parsed.root, file.macaroon);
        assert_eq!(parsed.discharges, file.discharges);
    }
}
