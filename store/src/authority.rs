//! The store's signing authority: the account whose key signs the snap-declaration and
//! snap-revision of every snap the store publishes.

use std::sync::Arc;

use ucore_assertions::Assertion;
use ucore_signing::Signer;

/// The store's authority: its account, its account-key, and the key (a file or a PKCS#11
/// token) that matches the account-key.
#[derive(Clone)]
pub struct Authority {
    account_id: String,
    signer: Arc<dyn Signer>,
    chain: Vec<Assertion>,
}

impl std::fmt::Debug for Authority {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authority")
            .field("account_id", &self.account_id)
            .field("key_id", &self.signer.key_id())
            .finish()
    }
}

impl Authority {
    /// The authority: `signer`'s key must be the public key of `account_key`, which must
    /// belong to `account`. (Checks: the publishing helper.)
    pub fn new(
        signer: Arc<dyn Signer>,
        account: Assertion,
        account_key: Assertion,
    ) -> Result<Self, crate::Error> {
        let account_id = ucore_assertions::AssertionAccess::header_str(&account, "account-id")
            .unwrap_or_default()
            .to_string();
        Ok(Authority {
            account_id,
            signer,
            chain: vec![account, account_key],
        })
    }

    /// The authority's account id.
    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    /// The signing key.
    pub fn signer(&self) -> &dyn Signer {
        self.signer.as_ref()
    }

    /// The authority's account and account-key assertions.
    pub fn chain(&self) -> &[Assertion] {
        &self.chain
    }
}
