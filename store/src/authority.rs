//! The store's signing authority: the account whose key signs the snap-declaration and
//! snap-revision of every snap the store publishes.
//!
//! [`Authority::new`] refuses a key that does not match its account-key, an account-key
//! of another account, and an account-key that is not valid now ([`AuthorityError`]).
//! The assertions it signs are the ones snapd's trust database accepts from a store it
//! trusts directly (snapd's `asserts/snap_asserts.go` consistency checks):
//! a `snap-declaration` (series `16`, the snap id, name and publisher) and a
//! `snap-revision` (the file's SHA3-384 and size, the store revision and the developer).

use std::sync::Arc;

use thiserror::Error;
use ucore_assertions::policy::{RuleLanguage, suggested_format};
use ucore_assertions::types::AccountKey;
use ucore_assertions::{
    Assertion, AssertionAccess, AssertionBuilder, AssertionType, HeaderValue, Headers, Timestamp,
};
use ucore_signing::Signer;
use ucore_signing::signature::rfc3339_utc;

/// The series the store publishes for (snapd's `release.Series`).
pub const SERIES: &str = "16";

/// The `plugs` and `slots` headers of a snap-declaration: the interface rules the store's
/// operator grants a snap (snapd's rule language), as header values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InterfaceRuleHeaders {
    /// `plugs`: interface name → plug rule.
    pub plugs: Option<HeaderValue<'static>>,
    /// `slots`: interface name → slot rule.
    pub slots: Option<HeaderValue<'static>>,
}

/// What a snap-declaration says.
#[derive(Debug, Clone, Copy)]
pub struct DeclarationFacts<'a> {
    /// The snap id.
    pub snap_id: &'a str,
    /// The registered name.
    pub snap_name: &'a str,
    /// The publisher's account id.
    pub publisher_id: &'a str,
    /// The assertion's revision (0 when the name is first registered).
    pub revision: u32,
    /// The interface rules.
    pub rules: &'a InterfaceRuleHeaders,
    /// The rule language they are checked and signed in.
    pub rule_language: RuleLanguage,
}

/// Why the configured key, account and account-key cannot be the store's authority.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum AuthorityError {
    /// The account assertion is not an `account`.
    #[error("the authority's account assertion is of type {0}, not account")]
    NotAnAccount(String),
    /// The account-key assertion is not an `account-key`, or does not decode as one.
    #[error("the authority's account-key assertion is not a valid account-key")]
    NotAnAccountKey(#[source] ucore_assertions::Error),
    /// The account-key belongs to another account.
    #[error("account-key {key_id} belongs to account {key_account:?}, not to {account:?}")]
    OtherAccount {
        /// The account-key's id.
        key_id: String,
        /// Its `account-id`.
        key_account: String,
        /// The authority's `account-id`.
        account: String,
    },
    /// The signing key is not the account-key's public key.
    #[error("the signing key {signer_key} is not the account-key's key {account_key}")]
    KeyMismatch {
        /// The signer's key id.
        signer_key: String,
        /// The account-key's `public-key-sha3-384`.
        account_key: String,
    },
    /// The account-key is not valid now (before its `since`, or from its `until`).
    #[error("account-key {key_id} is not valid at {at}")]
    KeyNotValid {
        /// The account-key's id.
        key_id: String,
        /// When it was checked.
        at: Timestamp,
    },
}

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

/// What a `snap-revision` states about one uploaded file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RevisionFacts<'a> {
    /// SHA3-384 of the file.
    pub sha3_384: &'a [u8; 48],
    /// Its size in bytes.
    pub size: u64,
    /// The snap id.
    pub snap_id: &'a str,
    /// The store revision (≥ 1).
    pub revision: u32,
    /// The publisher's account id.
    pub developer_id: &'a str,
}

impl Authority {
    /// The authority: `signer`'s key must be the public key of `account_key`
    /// (`public-key-sha3-384`), which must belong to `account` and be valid now.
    /// [`crate::Error::Assertion`] with an [`AuthorityError`] source otherwise.
    pub fn new(
        signer: Arc<dyn Signer>,
        account: Assertion,
        account_key: Assertion,
    ) -> Result<Self, crate::Error> {
        Self::new_at(signer, account, account_key, Timestamp::now())
    }

    /// [`Authority::new`] with the account-key's validity checked at `at`.
    pub fn new_at(
        signer: Arc<dyn Signer>,
        account: Assertion,
        account_key: Assertion,
        at: Timestamp,
    ) -> Result<Self, crate::Error> {
        let account_id = check_chain(signer.as_ref(), &account, &account_key, at)
            .map_err(|e| crate::Error::assertion("cannot use the store's authority", e))?;
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

    /// Signs the `snap-declaration` of `snap_id` (series [`SERIES`]): `snap_name`
    /// published by `publisher_id`, assertion revision `revision` (0 when first
    /// registered), timestamp `at`, with no interface rules.
    pub fn sign_snap_declaration(
        &self,
        snap_id: &str,
        snap_name: &str,
        publisher_id: &str,
        revision: u32,
        at: Timestamp,
    ) -> Result<Assertion, crate::Error> {
        let facts = DeclarationFacts {
            snap_id,
            snap_name,
            publisher_id,
            revision,
            rules: &InterfaceRuleHeaders::default(),
            rule_language: RuleLanguage::default(),
        };
        self.sign_snap_declaration_with_rules(&facts, at)
    }

    /// Signs the `snap-declaration` `facts` describe, with their `plugs` and `slots`
    /// rules and the lowest `format` that covers the rules' features (snapd refuses to
    /// sign with a lower one), timestamp `at`.
    pub fn sign_snap_declaration_with_rules(
        &self,
        facts: &DeclarationFacts<'_>,
        at: Timestamp,
    ) -> Result<Assertion, crate::Error> {
        let mut builder = AssertionBuilder::new(AssertionType::SnapDeclaration)
            .header("authority-id", self.account_id.clone())
            .header("series", SERIES)
            .header("snap-id", facts.snap_id.to_string())
            .header("snap-name", facts.snap_name.to_string())
            .header("publisher-id", facts.publisher_id.to_string())
            .header("timestamp", rfc3339_utc(at));
        if facts.revision > 0 {
            builder = builder.header("revision", facts.revision.to_string());
        }
        let mut rules = Headers::new();
        if let Some(plugs) = &facts.rules.plugs {
            rules.insert("plugs", plugs.clone());
        }
        if let Some(slots) = &facts.rules.slots {
            rules.insert("slots", slots.clone());
        }
        // The rules compile, or they are refused with snapd's text (`assertion
        // snap-declaration: plug rule for interface …`); snapd signs no lower format.
        let format = suggested_format(&rules, facts.rule_language)
            .map_err(|e| crate::Error::BadRequest(e.to_string()))?;
        if format > 0 {
            builder = builder.header("format", format.to_string());
        }
        for (name, value) in rules.iter() {
            builder = builder.header(name.to_string(), value.clone());
        }
        builder = builder.with_rule_language(facts.rule_language);
        match ucore_signing::sign_assertion_at(&builder, self.signer.as_ref(), at) {
            Ok(declaration) => Ok(declaration),
            // The declaration the rules make does not decode: the rules are at fault.
            Err(ucore_signing::Error::Assertion(e)) if !rules.is_empty() => {
                Err(crate::Error::BadRequest(e.to_string()))
            }
            Err(e) => Err(crate::Error::assertion(
                "cannot sign the snap-declaration",
                e,
            )),
        }
    }

    /// Signs the `snap-revision` of an uploaded file (provenance `global-upload`, the
    /// default, so the header is left out), timestamp `at`.
    pub fn sign_snap_revision(
        &self,
        facts: &RevisionFacts<'_>,
        at: Timestamp,
    ) -> Result<Assertion, crate::Error> {
        let builder = AssertionBuilder::new(AssertionType::SnapRevision)
            .header("authority-id", self.account_id.clone())
            .header(
                "snap-sha3-384",
                ucore_snap::digest::encode_digest(facts.sha3_384),
            )
            .header("snap-size", facts.size.to_string())
            .header("snap-id", facts.snap_id.to_string())
            .header("snap-revision", facts.revision.to_string())
            .header("developer-id", facts.developer_id.to_string())
            .header("timestamp", rfc3339_utc(at));
        self.sign(&builder, "snap-revision", at)
    }

    fn sign(
        &self,
        builder: &AssertionBuilder,
        what: &str,
        at: Timestamp,
    ) -> Result<Assertion, crate::Error> {
        ucore_signing::sign_assertion_at(builder, self.signer.as_ref(), at)
            .map_err(|e| crate::Error::assertion(format!("cannot sign the {what}"), e))
    }
}

/// The account id, once the key, the account and the account-key agree.
fn check_chain(
    signer: &dyn Signer,
    account: &Assertion,
    account_key: &Assertion,
    at: Timestamp,
) -> Result<String, AuthorityError> {
    if account.assertion_type() != AssertionType::Account {
        return Err(AuthorityError::NotAnAccount(
            account.assertion_type().name().to_string(),
        ));
    }
    let account_id = account.header_str("account-id").unwrap_or("").to_string();
    let key = AccountKey::from_assertion(account_key).map_err(AuthorityError::NotAnAccountKey)?;
    if key.account_id != account_id {
        return Err(AuthorityError::OtherAccount {
            key_id: key.public_key_sha3_384.to_string(),
            key_account: key.account_id.to_string(),
            account: account_id,
        });
    }
    if key.public_key_sha3_384 != signer.key_id() {
        return Err(AuthorityError::KeyMismatch {
            signer_key: signer.key_id().to_string(),
            account_key: key.public_key_sha3_384.to_string(),
        });
    }
    if !key.is_valid_at(at) {
        return Err(AuthorityError::KeyNotValid {
            key_id: key.public_key_sha3_384.to_string(),
            at,
        });
    }
    Ok(account_id)
}
