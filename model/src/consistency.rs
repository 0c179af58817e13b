//! The offline consistency check: a model and the assertions around it (the brand's
//! account, account-keys, validation sets, the accounts of serial and system-user
//! authorities), looked at **before** anything is signed or uploaded.
//!
//! Nothing here needs a trust root or a network: it says what a device or the store would
//! find missing or inconsistent, each [`Finding`] naming the assertion and the header.
//! It is not a replacement for [`ucore_signing::Database`] (which checks trust chains);
//! it answers "is this bundle complete and coherent?".

use serde::Serialize;
use ucore_assertions::types::{Account, AccountKey, Model, SystemUserAuthority, ValidationSet};
use ucore_assertions::{Assertion, AssertionAccess, AssertionType};
use ucore_signing::RsaPublicKey;

use crate::error::Error;

/// What is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Problem {
    /// An assertion the model needs is not among those given.
    Missing,
    /// Two assertions disagree.
    Inconsistent,
}

/// One finding: which assertion, which header, what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The assertion concerned: `model acme/acme-device-1`, `account-key <id>`, ….
    pub assertion: String,
    /// The header concerned.
    pub header: String,
    /// Missing or inconsistent.
    pub problem: Problem,
    /// A sentence saying what and why.
    pub message: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} [{}]: {}", self.assertion, self.header, self.message)
    }
}

/// Checks `model` against `others` (any assertions: those of other types are ignored).
/// An empty result means nothing is missing or inconsistent.
pub fn check_consistency(model: &Assertion, others: &[Assertion]) -> Result<Vec<Finding>, Error> {
    let m = Model::from_assertion(model)?;
    let here = format!("model {}/{}", m.brand_id, m.model);
    let mut findings = Vec::new();
    let mut find = |assertion: &str, header: &str, problem: Problem, message: String| {
        findings.push(Finding {
            assertion: assertion.to_owned(),
            header: header.to_owned(),
            problem,
            message,
        });
    };
    let of_type = |t: AssertionType| others.iter().filter(move |a| a.assertion_type() == t);
    let accounts: Vec<Account<'_>> = of_type(AssertionType::Account)
        .filter_map(|a| Account::from_assertion(a).ok())
        .collect();
    let has_account = |id: &str| accounts.iter().any(|a| a.account_id == id);

    // The brand.
    if !has_account(m.brand_id) {
        find(
            &here,
            "brand-id",
            Problem::Missing,
            format!("no account assertion for the brand {:?}", m.brand_id),
        );
    }

    // The signing key.
    let key_id = model.header_str("sign-key-sha3-384").unwrap_or("");
    let keys: Vec<AccountKey<'_>> = of_type(AssertionType::AccountKey)
        .filter_map(|a| AccountKey::from_assertion(a).ok())
        .collect();
    match keys.iter().find(|k| k.public_key_sha3_384 == key_id) {
        None => find(
            &here,
            "sign-key-sha3-384",
            Problem::Missing,
            format!("no account-key {key_id} (the model's signing key) among the assertions given"),
        ),
        Some(k) => {
            let key_name = format!("account-key {key_id}");
            if k.account_id != m.brand_id {
                find(
                    &key_name,
                    "account-id",
                    Problem::Inconsistent,
                    format!(
                        "the model's signing key is registered to {:?}, not to the brand {:?}",
                        k.account_id, m.brand_id
                    ),
                );
            }
            let ts = m.timestamp.timestamp;
            if ts < k.since.timestamp {
                find(
                    &here,
                    "timestamp",
                    Problem::Inconsistent,
                    format!(
                        "the model's timestamp {} is before the signing key's since {}",
                        m.timestamp, k.since
                    ),
                );
            }
            if let Some(until) = &k.until
                && ts >= until.timestamp
            {
                find(
                    &here,
                    "timestamp",
                    Problem::Inconsistent,
                    format!(
                        "the model's timestamp {} is not before the signing key's until {until}",
                        m.timestamp
                    ),
                );
            }
            if !k.can_sign(model) {
                find(
                    &key_name,
                    "constraints",
                    Problem::Inconsistent,
                    "the signing key's constraints do not allow it to sign this model".into(),
                );
            }
            let verified = RsaPublicKey::from_openpgp(&k.public_key)
                .and_then(|pk| ucore_signing::verify_signature(model, &pk));
            if let Err(e) = verified {
                find(
                    &here,
                    "sign-key-sha3-384",
                    Problem::Inconsistent,
                    format!("the signature does not verify with the account-key: {e}"),
                );
            }
        }
    }

    // Validation sets.
    let sets: Vec<ValidationSet<'_>> = of_type(AssertionType::ValidationSet)
        .filter_map(|a| ValidationSet::from_assertion(a).ok())
        .collect();
    for v in &m.validation_sets {
        let same = |s: &&ValidationSet<'_>| s.account_id == v.account_id && s.name == v.name;
        let found: Vec<&ValidationSet<'_>> = sets.iter().filter(same).collect();
        let key = format!("{}/{}", v.account_id, v.name);
        if found.is_empty() {
            find(
                &here,
                "validation-sets",
                Problem::Missing,
                format!(
                    "the model names validation set {key:?} ({}), but no validation-set assertion for it is given",
                    v.mode
                ),
            );
        } else if let Some(seq) = v.sequence
            && !found.iter().any(|s| s.sequence == seq)
        {
            find(
                &here,
                "validation-sets",
                Problem::Missing,
                format!(
                    "the model pins validation set {key:?} at sequence {seq}, which is not among those given"
                ),
            );
        }
        for s in found {
            for snap in &s.snaps {
                if let Some(ms) = m.snaps.iter().find(|ms| ms.name == snap.name)
                    && let Some(id) = ms.snap_id
                    && id != snap.snap_id
                {
                    find(
                        &format!("validation-set {key} sequence {}", s.sequence),
                        "snaps",
                        Problem::Inconsistent,
                        format!(
                            "snap {:?} has id {} here but {id} in the model",
                            snap.name, snap.snap_id
                        ),
                    );
                }
            }
        }
        if !has_account(v.account_id) {
            find(
                &here,
                "validation-sets",
                Problem::Missing,
                format!(
                    "no account assertion for {:?}, owner of validation set {key:?}",
                    v.account_id
                ),
            );
        }
    }

    // Authorities.
    for a in m.serial_authority.iter().filter(|a| **a != m.brand_id) {
        if !has_account(a) {
            find(
                &here,
                "serial-authority",
                Problem::Missing,
                format!("no account assertion for serial authority {a:?}"),
            );
        }
    }
    if let SystemUserAuthority::Accounts(list) = &m.system_user_authority {
        for a in list.iter().filter(|a| **a != m.brand_id) {
            if !has_account(a) {
                find(
                    &here,
                    "system-user-authority",
                    Problem::Missing,
                    format!("no account assertion for system-user authority {a:?}"),
                );
            }
        }
    }
    Ok(findings)
}
