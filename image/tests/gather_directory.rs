//! Gathering from a directory (`--snaps DIR`): snaps found by their declaration and the
//! digest of their file, the assertion chain fetched from the directory's pool
//! (prerequisites first, each once) and checked, and what a directory that does not hold
//! a snap, holds another file, or holds a badly signed or untrusted assertion gives.

mod common;

use std::path::Path;

use common::fixtures;
use common::gather::{check_staged, planned, sha3_384};
use ucore_assertions::rules::RuleLanguage;
use ucore_assertions::{AssertionAccess as _, AssertionType};
use ucore_image::gather::crosscheck::{CrossCheckError, cross_check};
use ucore_image::gather::directory::DirectorySource;
use ucore_image::gather::download::{FetchRound, FileDigest};
use ucore_image::gather::fetcher::{FetchError, Fetcher, Ref};
use ucore_image::gather::source::{Source as _, SourceError};
use ucore_image::gather::{gather, model_refs, trust_database};
use ucore_image::options::{OptionSnap, SnapSource};
use ucore_image::progress::NoProgress;
use ucore_image::snaps::PlannedSnap;
use ucore_image::tree::PreparedTree;

fn run<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(f)
}

fn uc16_round() -> Vec<PlannedSnap> {
    ["core", "pc-kernel", "pc", "hello-oracle"]
        .iter()
        .map(|n| planned(n, "stable"))
        .collect()
}

fn types(list: &[ucore_assertions::Assertion]) -> Vec<String> {
    list.iter().map(|a| Ref::of(a).to_string()).collect()
}

#[test]
fn a_directory_gives_each_snap_with_its_checked_assertions_in_fetch_order() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("snaps");
    common::gather::snaps_dir(&dir);
    let staging = tmp.path().join("staging");
    std::fs::create_dir_all(&staging).unwrap();
    let source =
        DirectorySource::open(&dir, &staging.join(".candidates"), RuleLanguage::default()).unwrap();
    let (db, skip) = trust_database(&common::gather::trusted()).unwrap();
    let mut fetcher = Fetcher::new(&db, skip);
    run(async {
        let model = ucore_assertions::Assertion::decode(&fixtures::read("uc16.model")).unwrap();
        let refs = model_refs(&model, &source, &mut fetcher).await.unwrap();
        // the brand's account, then its key (signed by the trusted root): spec §6.10
        assert_eq!(
            refs.iter().map(|a| a.assertion_type()).collect::<Vec<_>>(),
            [AssertionType::Account, AssertionType::AccountKey]
        );
        assert_eq!(refs[0].header_str("account-id"), Some("developer1"));

        let round = uc16_round();
        let resolved = source.resolve(&round, &[]).await.unwrap();
        let staged = FetchRound {
            staging: &staging,
            cache: None,
            parallel: 2,
        }
        .run(&source, resolved, &NoProgress)
        .await
        .unwrap();
        let mut all = Vec::new();
        for (i, s) in staged.iter().enumerate() {
            let want = fixtures::snap(&round[i].name);
            assert_eq!(s.resolved.snap_id, want.snap_id);
            assert_eq!(s.resolved.revision, 1);
            assert_eq!(s.digest.sha3_384, sha3_384(&want));
            assert_eq!(std::fs::read(&s.file).unwrap(), want.bytes());
            assert_eq!(
                s.file.file_name().unwrap().to_str().unwrap(),
                format!("{}_1.snap", want.name)
            );
            let (recorded, checked) = check_staged(&mut fetcher, &source, s).await;
            assert_eq!(checked.publisher_id, want.publisher);
            let decl = format!("snap-declaration ({}; series:16)", want.snap_id);
            let rev = format!("snap-revision ({};)", sha3_384(&want));
            if i == 0 {
                // the store's key comes with the first snap only (testrootorg is trusted)
                assert_eq!(types(&recorded)[1..], [decl, rev]);
                assert_eq!(recorded[0].assertion_type(), AssertionType::AccountKey);
            } else {
                assert_eq!(types(&recorded), [decl, rev]);
            }
            all.extend(recorded);
        }
        let mut seen = std::collections::HashSet::new();
        assert!(
            all.iter().all(|a| seen.insert(Ref::of(a))),
            "each assertion once"
        );
    });
    // the candidates that were copied and taken left no copies behind
    source.clean_up();
    assert!(!staging.join(".candidates").exists());
}

#[test]
fn a_snap_the_directory_does_not_declare_is_an_error_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    common::gather::snaps_dir(tmp.path());
    let source = DirectorySource::open(
        tmp.path(),
        &tmp.path().join("scratch"),
        RuleLanguage::default(),
    )
    .unwrap();
    let err = run(source.resolve(&[planned("no-such-snap", "stable")], &[])).unwrap_err();
    assert!(matches!(err, SourceError::NoDeclaration { .. }));
    assert!(err.to_string().contains(r#"snap "no-such-snap""#), "{err}");
}

#[test]
fn a_file_that_is_not_the_signed_one_is_not_taken() {
    let tmp = tempfile::tempdir().unwrap();
    common::gather::snaps_dir(tmp.path());
    // hello-oracle's file replaced by another file of the same size
    let file = tmp.path().join(fixtures::snap("hello-oracle").file);
    let mut bytes = std::fs::read(&file).unwrap();
    bytes[100] ^= 0xff;
    std::fs::write(&file, &bytes).unwrap();
    let source = DirectorySource::open(
        tmp.path(),
        &tmp.path().join("scratch"),
        RuleLanguage::default(),
    )
    .unwrap();
    let err = run(source.resolve(&[planned("hello-oracle", "stable")], &[])).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "cannot find snap \"hello-oracle\" in {:?}: no file matches a snap-revision of hellooraclexoracleoracleoracleor",
            tmp.path()
        )
    );
    // a revision pinned that the directory does not have
    let mut pinned = planned("core", "stable");
    pinned.pinned_revision = Some(2);
    let err = run(source.resolve(&[pinned], &[])).unwrap_err();
    assert!(err.to_string().ends_with("at revision 2"), "{err}");
}

#[test]
fn a_size_or_revision_other_than_the_signed_one_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    common::gather::snaps_dir(tmp.path());
    let source = DirectorySource::open(
        tmp.path(),
        &tmp.path().join("scratch"),
        RuleLanguage::default(),
    )
    .unwrap();
    let (db, skip) = trust_database(&common::gather::trusted()).unwrap();
    let mut fetcher = Fetcher::new(&db, skip);
    let core = fixtures::snap("core");
    let digest = FileDigest {
        sha3_384: sha3_384(&core),
        size: 4096,
    };
    run(fetcher.fetch(
        &source,
        Ref::new(AssertionType::SnapRevision, &[&digest.sha3_384]),
    ))
    .unwrap();
    let bigger = FileDigest {
        size: 4097,
        ..digest.clone()
    };
    assert_eq!(
        cross_check(&db, "core", &bigger, None)
            .unwrap_err()
            .to_string(),
        "snap \"core\" file does not have expected size according to signatures (download is broken or tampered): 4097 != 4096"
    );
    let err = cross_check(&db, "core", &digest, Some((&core.snap_id, 2))).unwrap_err();
    assert!(matches!(err, CrossCheckError::IdOrRevision { .. }));
    assert_eq!(
        err.to_string(),
        format!(
            "snap \"core\" does not have expected ID or revision according to assertions (metadata is broken or tampered): 2 / {0} != 1 / {0}",
            core.snap_id
        )
    );
    let err = cross_check(&db, "pc", &digest, None).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"cannot install "pc", snap "pc" is undergoing a rename to "core""#
    );
}

fn tamper(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{path:?} has no {from:?}");
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn a_badly_signed_assertion_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    common::gather::snaps_dir(tmp.path());
    let hello = fixtures::snap("hello-oracle");
    let decl = tmp
        .path()
        .join(format!("16_{}.snap-declaration.assert", hello.snap_id));
    // a header changed after signing
    let text = std::fs::read_to_string(&decl).unwrap();
    let ts = text.lines().find(|l| l.starts_with("timestamp: ")).unwrap();
    tamper(&decl, ts, "timestamp: 2020-01-01T00:00:00Z");
    let source = DirectorySource::open(
        tmp.path(),
        &tmp.path().join("scratch"),
        RuleLanguage::default(),
    )
    .unwrap();
    let (db, skip) = trust_database(&common::gather::trusted()).unwrap();
    let mut fetcher = Fetcher::new(&db, skip);
    let err = run(fetcher.fetch(
        &source,
        Ref::new(AssertionType::SnapRevision, &[&sha3_384(&hello)]),
    ))
    .unwrap_err();
    assert!(matches!(err, FetchError::Add { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.starts_with(&format!(
            "cannot add assertion snap-declaration ({}; series:16): failed signature verification",
            hello.snap_id
        )),
        "{text}"
    );
}

#[test]
fn without_the_test_root_trusted_nothing_checks() {
    let tmp = tempfile::tempdir().unwrap();
    common::gather::snaps_dir(tmp.path());
    let source = DirectorySource::open(
        tmp.path(),
        &tmp.path().join("scratch"),
        RuleLanguage::default(),
    )
    .unwrap();
    let (db, skip) = trust_database(&[]).unwrap();
    let mut fetcher = Fetcher::new(&db, skip);
    let model = ucore_assertions::Assertion::decode(&fixtures::read("uc16.model")).unwrap();
    let err = run(model_refs(&model, &source, &mut fetcher)).unwrap_err();
    // the root key is nowhere to be found: snapd's seed-check text ends the same way
    let text = err.to_string();
    assert!(
        text.starts_with(
            "cannot fetch and check prerequisites for the model assertion: account-key ("
        ) && text.ends_with(") not found"),
        "{text}"
    );
}

#[test]
fn an_untrusted_self_signed_root_is_circular() {
    let tmp = tempfile::tempdir().unwrap();
    common::gather::snaps_dir(tmp.path());
    // the test root's account and key, as any other assertions of the directory
    std::fs::copy(
        fixtures::path("tk/testrootorg-trusted.stream"),
        tmp.path().join("root.assert"),
    )
    .unwrap();
    let source = DirectorySource::open(
        tmp.path(),
        &tmp.path().join("scratch"),
        RuleLanguage::default(),
    )
    .unwrap();
    let (db, skip) = trust_database(&[]).unwrap();
    let mut fetcher = Fetcher::new(&db, skip);
    let model = ucore_assertions::Assertion::decode(&fixtures::read("uc16.model")).unwrap();
    let err = run(model_refs(&model, &source, &mut fetcher)).unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with(
            "cannot fetch and check prerequisites for the model assertion: circular assertions are not expected: account-key ("
        ),
        "{text}"
    );
}

#[test]
fn the_uc16_model_is_gathered_from_a_directory_with_a_local_snap() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("snaps");
    common::gather::snaps_dir(&dir);
    let out = tmp.path().join("out");
    let mut options =
        common::gather::options("uc16.model", SnapSource::Directory(dir.clone()), &out);
    let local = fixtures::path("local/local16_2.0_all.snap");
    options.snaps.push(OptionSnap::Path {
        path: local.clone(),
        channel: None,
    });
    let contents = run(gather(&options, &PreparedTree::core16(&out), &NoProgress)).unwrap();
    common::gather::check_seed(
        &contents,
        &out,
        &["core", "pc-kernel", "pc", "hello-oracle"],
    );
    assert_eq!(contents.extra_snaps.len(), 1);
    let extra = &contents.extra_snaps[0];
    assert!(!extra.is_asserted());
    assert_eq!(extra.revision.to_string(), "x1");
    assert_eq!(
        std::fs::read(&extra.file).unwrap(),
        std::fs::read(&local).unwrap()
    );
    // the candidates copied while resolving are gone
    assert!(!out.join(".staging/.candidates").exists());
}

#[test]
fn the_uc20_model_is_gathered_from_a_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("snaps");
    common::gather::snaps_dir(&dir);
    let out = tmp.path().join("out");
    let mut options = common::gather::options("uc20.model", SnapSource::Directory(dir), &out);
    options.label = Some("20261205".into());
    let contents = run(gather(
        &options,
        &PreparedTree::core20(&out, "20261205"),
        &NoProgress,
    ))
    .unwrap();
    common::gather::check_seed(
        &contents,
        &out,
        &["snapd", "pc-kernel", "core20", "pc20", "hello20"],
    );
}

/// A declaration using what newer snapd added (`on-core-desktop`) is refused in snapd
/// 2.57's rule language, naming its file, and read in newer snapd's.
#[test]
fn declarations_are_read_in_the_rule_language_asked_for() {
    let tmp = tempfile::tempdir().unwrap();
    common::gather::snaps_dir(tmp.path());
    let newer = tmp.path().join("newer.assert");
    std::fs::write(&newer, ucore_test_support::newer_rules_declaration()).unwrap();
    let scratch = tmp.path().join("scratch");
    let err = DirectorySource::open(tmp.path(), &scratch, RuleLanguage::default()).unwrap_err();
    assert!(matches!(err, SourceError::BadAssertions { ref path, .. } if *path == newer));
    assert!(
        err.to_string().contains("must specify at least one of"),
        "{err}"
    );
    let source = DirectorySource::open(tmp.path(), &scratch, RuleLanguage::Current).unwrap();
    // the other snaps resolve as before
    run(source.resolve(&[planned("hello-oracle", "stable")], &[])).unwrap();
}
