//! The store's authority: which key, account and account-key it accepts, and that what it
//! signs is what snapd's trust database accepts from a store it trusts (and nothing it
//! would not).

mod publish_support;

use std::sync::Arc;

use publish_support::{AUTHORITY, authority_chain, brand_account};
use ucore_assertions::{Assertion, AssertionAccess, AssertionBuilder, AssertionType, Timestamp};
use ucore_signing::{Database, RsaPrivateKey, encode_public_key, sign_assertion};
use ucore_store::Authority;
use ucore_store::authority::{AuthorityError, RevisionFacts};

fn key(pem: &str) -> RsaPrivateKey {
    RsaPrivateKey::from_pem(pem).unwrap()
}

fn authority_error(e: ucore_store::Error) -> String {
    let ucore_store::Error::Assertion { source, .. } = &e else {
        panic!("not an assertion error: {e}");
    };
    assert!(source.is::<AuthorityError>(), "{source}");
    source.to_string()
}

#[test]
fn the_key_must_be_the_account_keys_and_the_account_key_the_accounts() {
    let root = key(ucore_test_support::keys::ROOT);
    let spare = key(ucore_test_support::keys::SPARE);
    let (account, account_key) = authority_chain(&root);
    let ok = Authority::new(Arc::new(root.clone()), account.clone(), account_key.clone());
    assert_eq!(ok.unwrap().account_id(), AUTHORITY);

    let wrong_key = Authority::new(
        Arc::new(spare.clone()),
        account.clone(),
        account_key.clone(),
    );
    let text = authority_error(wrong_key.unwrap_err());
    assert!(text.starts_with("the signing key "), "{text}");

    let brand = brand_account("acme", &root);
    let other_account = Authority::new(Arc::new(root.clone()), brand, account_key.clone());
    let text = authority_error(other_account.unwrap_err());
    assert!(
        text.contains("belongs to account \"teststore\", not to \"acme\""),
        "{text}"
    );

    let swapped = Authority::new(Arc::new(root.clone()), account_key.clone(), account.clone());
    let text = authority_error(swapped.unwrap_err());
    assert_eq!(
        text,
        "the authority's account assertion is of type account-key, not account"
    );

    let expired = sign_assertion(
        &AssertionBuilder::new(AssertionType::AccountKey)
            .header("authority-id", AUTHORITY)
            .header("account-id", AUTHORITY)
            .header("name", "old")
            .header("public-key-sha3-384", root.key_id().to_string())
            .header("since", "2020-01-01T00:00:00Z")
            .header("until", "2021-01-01T00:00:00Z")
            .body(encode_public_key(root.public_key())),
        &root,
    )
    .unwrap();
    let text = authority_error(
        Authority::new(Arc::new(root.clone()), account.clone(), expired.clone()).unwrap_err(),
    );
    assert!(text.contains("is not valid at"), "{text}");
    let in_2020 = Timestamp::from_second(1_600_000_000).unwrap();
    assert!(Authority::new_at(Arc::new(root), account, expired, in_2020).is_ok());
}

#[test]
fn what_it_signs_a_trusting_database_accepts() {
    let root = key(ucore_test_support::keys::ROOT);
    let (account, account_key) = authority_chain(&root);
    let authority =
        Authority::new(Arc::new(root.clone()), account.clone(), account_key.clone()).unwrap();
    let at = Timestamp::from_second(1_700_000_000).unwrap();
    let snap_id = "a".repeat(32);
    let decl = authority
        .sign_snap_declaration(&snap_id, "hello", "acme", 0, at)
        .unwrap();
    let digest = ucore_snap::digest::digest_bytes(b"a snap");
    let rev = authority
        .sign_snap_revision(
            &RevisionFacts {
                sha3_384: &digest.sha3_384,
                size: digest.size,
                snap_id: &snap_id,
                revision: 3,
                developer_id: "acme",
            },
            at,
        )
        .unwrap();
    // snapd's decoder reads them back byte for byte, with the headers it requires.
    for a in [&decl, &rev] {
        let again = Assertion::decode(&a.encode()).unwrap();
        assert_eq!(again.encode(), a.encode());
        assert_eq!(again.sign_key_sha3_384(), Some(root.key_id()));
    }
    assert_eq!(decl.primary_key(), ["16", snap_id.as_str()]);
    assert_eq!(decl.revision(), 0);
    assert_eq!(decl.header_str("timestamp"), Some("2023-11-14T22:13:20Z"));
    assert_eq!(
        rev.primary_key(),
        [digest.sha3_384_base64url().as_str(), "global-upload"]
    );
    assert_eq!(rev.header_str("snap-size"), Some("6"));
    assert_eq!(rev.header_str("snap-revision"), Some("3"));
    let next = authority
        .sign_snap_declaration(&snap_id, "hello", "acme", 1, at)
        .unwrap();
    assert_eq!(next.revision(), 1);

    // A database trusting the authority takes the declaration once the publisher's
    // account is there, then the revision.
    let db = Database::with_trusted(vec![account.clone(), account_key.clone()]).unwrap();
    assert!(
        db.add(decl.clone()).is_err(),
        "no account for the publisher yet"
    );
    db.add(brand_account("acme", &root)).unwrap();
    db.add(decl).unwrap();
    db.add(rev.clone()).unwrap();
    db.add(next).unwrap();

    // One that does not trust it refuses them.
    let stranger = Database::with_trusted(vec![]).unwrap();
    assert!(stranger.check(&rev).is_err());
}

/// snapd's own trust database (the oracle's `verify`, `UCORE_ORACLE`) takes the
/// authority's snap-declaration and snap-revision when it trusts the authority.
#[test]
fn snapd_accepts_what_it_signs() {
    let Some(oracle) = ucore_test_support::oracle() else {
        return;
    };
    let root = key(ucore_test_support::keys::ROOT);
    let (account, account_key) = authority_chain(&root);
    let authority =
        Authority::new(Arc::new(root.clone()), account.clone(), account_key.clone()).unwrap();
    let at = Timestamp::from_second(1_700_000_000).unwrap();
    let snap_id = "b".repeat(32);
    let decl = authority
        .sign_snap_declaration(&snap_id, "hello", "acme", 0, at)
        .unwrap();
    let digest = ucore_snap::digest::digest_bytes(b"another snap");
    let facts = RevisionFacts {
        sha3_384: &digest.sha3_384,
        size: digest.size,
        snap_id: &snap_id,
        revision: 1,
        developer_id: "acme",
    };
    let rev = authority.sign_snap_revision(&facts, at).unwrap();
    let stream = |assertions: &[&Assertion]| {
        let mut out = Vec::new();
        for a in assertions {
            out.extend(a.encode());
            out.push(b'\n');
        }
        out
    };
    let dir = tempfile::tempdir().unwrap();
    let trusted = dir.path().join("trusted.stream");
    let file = dir.path().join("publish.stream");
    std::fs::write(&trusted, stream(&[&account, &account_key])).unwrap();
    let brand = brand_account("acme", &root);
    std::fs::write(&file, stream(&[&brand, &decl, &rev])).unwrap();
    let out = std::process::Command::new(oracle)
        .arg("--now=2024-01-01T00:00:00Z")
        .arg("verify")
        .arg(&trusted)
        .arg(&file)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "{text}");
    for line in &lines {
        assert_eq!(line["ok"], true, "{text}");
    }
    assert!(out.status.success(), "{text}");
}
