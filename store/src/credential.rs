//! Publishing credentials: an id and a secret, sent as `Macaroon root="<id>",
//! discharge="<secret>"`; the database keeps only the secret's SHA3-384.

use ucore_store_client::protocol::MacaroonAuthorization;

use crate::Error;
use crate::db::{CredentialRecord, CredentialScope, Db};
use crate::publisher_api::CredentialFile;

/// Makes a new credential for `scope`: the record to store, and the file to hand out
/// (with `store_url`).
#[allow(unused_variables, clippy::unimplemented)]
pub fn new_credential(
    scope: CredentialScope,
    store_url: &str,
) -> (CredentialRecord, CredentialFile) {
    unimplemented!()
}

/// Checks an `Authorization` header value against the database, in constant time.
/// [`Error::Unauthorized`] when it is malformed, unknown or wrong.
#[allow(unused_variables, clippy::unimplemented)]
pub async fn authenticate(db: &Db, auth: &MacaroonAuthorization) -> Result<CredentialScope, Error> {
    unimplemented!()
}
