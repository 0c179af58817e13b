//! Gathering from a store: a ucore-store in process with the test snaps published. One
//! snap action per round, downloads in parallel with their digest taken on the way and
//! checked, the download cache (a hit downloads nothing), the assertion chains fetched
//! and checked, and what a tampered download, a snap the store does not have and the
//! model's validation sets give.

mod common;

use std::sync::Mutex;

use common::fixtures;
use common::gather::{check_staged, planned, sha3_384};
use common::store::{StoreProbe as _, UcoreStore};
use serde_json::json;
use ucore_assertions::{Assertion, AssertionAccess as _, AssertionType};
use ucore_image::gather::cache::Cache;
use ucore_image::gather::download::{FetchFileError, FetchRound, StagedFile};
use ucore_image::gather::fetcher::{Fetcher, Ref};
use ucore_image::gather::source::{Source as _, SourceError};
use ucore_image::gather::store::{StoreIdentity, StoreSource};
use ucore_image::gather::validation::{ValidationError, ValidationSets};
use ucore_image::gather::{gather, model_refs, trust_database};
use ucore_image::options::{ImageOptions, SnapSource, ValidationMode};
use ucore_image::progress::{NoProgress, Progress};
use ucore_image::snaps::{PlannedSnap, SeedContents};
use ucore_image::tree::PreparedTree;

fn source(store: &UcoreStore) -> StoreSource {
    let credential = std::fs::read_to_string(&store.init.snap_auth_file).unwrap();
    StoreSource::new(
        &store.url,
        Some(&credential),
        &StoreIdentity {
            architecture: "amd64".into(),
            store_id: Some(fixtures::store_id()),
        },
        ValidationMode::Enforce,
        ucore_assertions::rules::RuleLanguage::default(),
    )
    .unwrap()
}

fn uc16_round() -> Vec<PlannedSnap> {
    ["core", "pc-kernel", "pc", "hello-oracle"]
        .iter()
        .map(|n| planned(n, "stable"))
        .collect()
}

/// Records what the gathering reports.
#[derive(Default)]
struct Recorder {
    events: Mutex<Vec<String>>,
    bytes: Mutex<u64>,
}

impl Progress for Recorder {
    fn start(&self, what: &str, total: u64) {
        self.events
            .lock()
            .unwrap()
            .push(format!("start {what} {total}"));
    }
    fn advance(&self, _what: &str, n: u64) {
        *self.bytes.lock().unwrap() += n;
    }
    fn finish(&self, what: &str) {
        self.events.lock().unwrap().push(format!("finish {what}"));
    }
    fn message(&self, text: &str) {
        self.events.lock().unwrap().push(text.to_string());
    }
}

fn fetch_round(
    store: &UcoreStore,
    staging: &std::path::Path,
    cache: Option<&Cache>,
    parallel: usize,
    progress: &dyn Progress,
) -> Result<Vec<StagedFile>, FetchFileError> {
    std::fs::create_dir_all(staging).unwrap();
    let source = source(store);
    store.rt.block_on(async {
        let resolved = source.resolve(&uc16_round(), &[]).await.unwrap();
        FetchRound {
            staging,
            cache,
            parallel,
        }
        .run(&source, resolved, progress)
        .await
    })
}

#[test]
fn a_uc16_round_is_downloaded_in_parallel_and_every_snap_checks() {
    let store = common::store::start();
    let tmp = tempfile::tempdir().unwrap();
    let recorder = Recorder::default();
    let actions = store.snap_actions();
    let staged = fetch_round(&store, &tmp.path().join("staging"), None, 4, &recorder).unwrap();
    assert_eq!(
        store.snap_actions(),
        actions + 1,
        "one snap action for the round"
    );
    assert_eq!(store.downloads(), 4);
    assert_eq!(*recorder.bytes.lock().unwrap(), 4 * 4096);
    let events = recorder.events.lock().unwrap().clone();
    for name in ["core", "pc-kernel", "pc", "hello-oracle"] {
        assert!(events.contains(&format!("Fetching {name}")), "{events:?}");
        assert!(events.contains(&format!("start {name} 4096")), "{events:?}");
        assert!(events.contains(&format!("finish {name}")), "{events:?}");
    }

    let source = source(&store);
    let (db, skip) = trust_database(&common::gather::trusted()).unwrap();
    let mut fetcher = Fetcher::new(&db, skip);
    store.rt.block_on(async {
        let model = Assertion::decode(&fixtures::read("uc16-store.model")).unwrap();
        let refs = model_refs(&model, &source, &mut fetcher).await.unwrap();
        assert_eq!(
            refs.iter()
                .take(2)
                .map(|a| a.assertion_type())
                .collect::<Vec<_>>(),
            [AssertionType::Account, AssertionType::AccountKey]
        );
        assert!(
            refs.iter()
                .all(|a| a.assertion_type() != AssertionType::Model)
        );
        let mut seen = std::collections::HashSet::new();
        for s in &staged {
            let want = fixtures::snap(&s.resolved.name);
            assert_eq!(std::fs::read(&s.file).unwrap(), want.bytes());
            assert_eq!(s.digest.sha3_384, sha3_384(&want));
            assert_eq!(s.resolved.snap_id, want.snap_id);
            let (recorded, checked) = check_staged(&mut fetcher, &source, s).await;
            let kinds: Vec<AssertionType> = recorded.iter().map(|a| a.assertion_type()).collect();
            assert!(
                kinds.ends_with(&[AssertionType::SnapDeclaration, AssertionType::SnapRevision]),
                "{kinds:?}"
            );
            assert!(recorded.iter().all(|a| seen.insert(Ref::of(a))));
            assert_eq!(checked.publisher_id, want.publisher);
        }
    });
}

#[test]
fn a_cache_hit_is_copied_and_downloads_nothing() {
    let store = common::store::start();
    let tmp = tempfile::tempdir().unwrap();
    let cache = Cache::new(tmp.path().join("cache"));
    let first = fetch_round(&store, &tmp.path().join("s1"), Some(&cache), 2, &NoProgress).unwrap();
    assert_eq!(store.downloads(), 4);
    let second = fetch_round(&store, &tmp.path().join("s2"), Some(&cache), 2, &NoProgress).unwrap();
    assert_eq!(store.downloads(), 4, "every file came from the cache");
    for (a, b) in first.iter().zip(&second) {
        assert_eq!(a.digest, b.digest);
        assert_eq!(
            std::fs::read(&a.file).unwrap(),
            std::fs::read(&b.file).unwrap()
        );
    }
    // a corrupt entry is dropped and downloaded again
    let entry = cache.path_of(&first[0].digest.sha3_384).unwrap();
    std::fs::remove_file(&entry).unwrap();
    std::fs::write(&entry, vec![0u8; 4096]).unwrap();
    let third = fetch_round(&store, &tmp.path().join("s3"), Some(&cache), 2, &NoProgress).unwrap();
    assert_eq!(store.downloads(), 5);
    assert_eq!(third[0].digest, first[0].digest);
}

#[test]
fn a_tampered_download_is_refused_naming_the_snap() {
    let store = common::store::start();
    let hello = fixtures::snap("hello-oracle");
    let hex = ucore_snap::digest::digest_bytes(&hello.bytes()).sha3_384_hex();
    let mut bytes = hello.bytes();
    bytes[200] ^= 0x01;
    store.tamper_blob(&hex, &bytes);
    let tmp = tempfile::tempdir().unwrap();
    let err = fetch_round(&store, &tmp.path().join("staging"), None, 4, &NoProgress).unwrap_err();
    let text = err.to_string();
    assert!(
        matches!(&err, FetchFileError::Source { name, .. } if name == "hello-oracle"),
        "{text}"
    );
    let bad = ucore_snap::digest::digest_bytes(&bytes).sha3_384_hex();
    assert_eq!(
        text,
        format!(
            "cannot fetch snap \"hello-oracle\": sha3-384 mismatch for \"hello-oracle\": got {bad} but expected {hex}"
        )
    );
    assert!(!tmp.path().join("staging/hello-oracle_1.snap").exists());
}

#[test]
fn a_snap_the_store_does_not_have_is_an_error_naming_it() {
    let store = common::store::start();
    let source = source(&store);
    let mut round = uc16_round();
    round.push(planned("no-such-snap", "stable"));
    let err = store.rt.block_on(source.resolve(&round, &[])).unwrap_err();
    assert!(matches!(&err, SourceError::Refused { name, .. } if name == "no-such-snap"));
    assert_eq!(
        err.to_string(),
        r#"cannot download snap "no-such-snap": snap not found"#
    );
}

/// The validation sets of a UC20 model requiring `wanted` (JSON), fetched from the store.
fn sets_of(
    store: &UcoreStore,
    source: &StoreSource,
    wanted: serde_json::Value,
) -> (Assertion, Result<ValidationSets, ValidationError>) {
    let model = common::gather::uc20_model_with_sets(wanted);
    let view = ucore_assertions::types::Model::try_from(&model).unwrap();
    let (db, skip) = trust_database(&common::gather::trusted()).unwrap();
    let mut fetcher = Fetcher::new(&db, skip);
    let sets = store.rt.block_on(async {
        model_refs(&model, source, &mut fetcher).await.unwrap();
        ValidationSets::fetch(&view, source, &mut fetcher).await
    });
    (model, sets)
}

fn contents(model: Assertion, names: &[&str], store: &UcoreStore) -> SeedContents {
    // the snaps of a seed, as gathered: only their names matter to the sets
    let staged = fetch_round(
        store,
        &tempfile::tempdir().unwrap().keep(),
        None,
        4,
        &NoProgress,
    )
    .unwrap();
    let model_snaps = staged
        .into_iter()
        .filter(|s| names.contains(&s.resolved.name.as_str()))
        .map(|s| ucore_image::snaps::SeedSnap {
            planned: planned(&s.resolved.name, "stable"),
            info: ucore_snap::Info::from_yaml(
                format!("name: {}\nversion: 1\n", s.resolved.name).as_bytes(),
            )
            .unwrap(),
            revision: ucore_image::snaps::Revision(s.resolved.revision),
            snap_id: Some(s.resolved.snap_id.clone()),
            publisher_id: None,
            file: s.file,
            size: s.digest.size,
            sha3_384: s.digest.sha3_384,
            assertions: Vec::new(),
            contact: None,
            private: false,
        })
        .collect();
    SeedContents {
        model,
        model_refs: Vec::new(),
        model_snaps,
        extra_snaps: Vec::new(),
        label: None,
        warnings: Vec::new(),
    }
}

#[test]
fn validation_sets_pin_refuse_and_require() {
    let store = common::store::start();
    let hello = fixtures::snap("hello-oracle");
    let core = fixtures::snap("core");
    let pc = fixtures::snap("pc");
    // sequence 1 pins core at revision 1; sequence 2 (the latest) also makes pc invalid
    // and requires hello-oracle
    store.serve_assertion(&common::gather::validation_set(
        "set1",
        1,
        json!([{"name": "core", "id": core.snap_id, "revision": "1"}]),
    ));
    store.serve_assertion(&common::gather::validation_set(
        "set1",
        2,
        json!([
            {"name": "core", "id": core.snap_id, "revision": "1"},
            {"name": "pc", "id": pc.snap_id, "presence": "invalid"},
            {"name": "hello-oracle", "id": hello.snap_id, "presence": "required"},
        ]),
    ));
    let source = source(&store);

    // pinned at sequence 1
    let (_, sets) = sets_of(
        &store,
        &source,
        json!([{"account-id": "developer1", "name": "set1", "sequence": "1", "mode": "enforce"}]),
    );
    let sets = sets.unwrap();
    assert_eq!(sets.sets(), ["developer1/set1"]);
    let mut p = planned("pc", "stable");
    sets.plan(&mut p).unwrap();
    let mut c = planned("core", "stable");
    sets.plan(&mut c).unwrap();
    assert_eq!(c.pinned_revision, Some(1));
    // the store honours the pin
    let resolved = store.rt.block_on(source.resolve(&[c], &[])).unwrap();
    assert_eq!(resolved[0].revision, 1);

    // the latest sequence
    let (model, sets) = sets_of(
        &store,
        &source,
        json!([{"account-id": "developer1", "name": "set1", "mode": "enforce"}]),
    );
    let sets = sets.unwrap();
    let err = sets.plan(&mut planned("pc", "stable")).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"snap "pc" is invalid in validation sets: 16/developer1/set1/2"#
    );
    let without = contents(model.clone(), &["core", "pc-kernel"], &store);
    let err = sets.check_complete(&without).unwrap_err();
    assert!(matches!(err, ValidationError::NotMet(_)));
    assert_eq!(
        err.to_string(),
        "validation sets assertions are not met:\n- missing required snaps:\n  \
         - hello-oracle (required at any revision by sets developer1/set1)"
    );
    let with = contents(model, &["core", "pc-kernel", "hello-oracle"], &store);
    sets.check_complete(&with).unwrap();

    // a set the store does not have
    let (_, sets) = sets_of(
        &store,
        &source,
        json!([{"account-id": "developer1", "name": "nope", "sequence": "3", "mode": "enforce"}]),
    );
    let err = sets.unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot find validation set developer1/nope at sequence 3"
    );
}

fn gathered(store: &UcoreStore, options: &ImageOptions, tree: &PreparedTree) -> SeedContents {
    store
        .rt
        .block_on(gather(options, tree, &NoProgress))
        .unwrap()
}

fn store_source(store: &UcoreStore) -> SnapSource {
    SnapSource::Store {
        url: store.url.clone(),
        auth: Some(std::fs::read_to_string(&store.init.snap_auth_file).unwrap()),
    }
}

#[test]
fn the_uc16_model_is_gathered_from_the_store() {
    let store = common::store::start();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let mut options = common::gather::options("uc16-store.model", store_source(&store), &out);
    options.cache = Some(tmp.path().join("cache"));
    let contents = gathered(&store, &options, &PreparedTree::core16(&out));
    common::gather::check_seed(
        &contents,
        &out,
        &["core", "pc-kernel", "pc", "hello-oracle"],
    );
    assert_eq!(contents.label, None);
    assert_eq!(
        contents.model_refs[..2]
            .iter()
            .map(|a| a.assertion_type())
            .collect::<Vec<_>>(),
        [AssertionType::Account, AssertionType::AccountKey]
    );
    assert_eq!(store.downloads(), 4);

    // again, from the cache
    let out2 = tmp.path().join("out2");
    let mut options2 = common::gather::options("uc16-store.model", store_source(&store), &out2);
    options2.cache = options.cache.clone();
    store
        .rt
        .block_on(gather(&options2, &PreparedTree::core16(&out2), &NoProgress))
        .unwrap();
    assert_eq!(store.downloads(), 4, "no download the second time");
}

#[test]
fn the_uc20_model_is_gathered_from_the_store() {
    let store = common::store::start();
    let tmp = tempfile::tempdir().unwrap();
    let mut options = common::gather::options("uc20-store.model", store_source(&store), tmp.path());
    options.label = Some("20261205".into());
    let contents = gathered(
        &store,
        &options,
        &PreparedTree::core20(tmp.path(), "20261205"),
    );
    common::gather::check_seed(
        &contents,
        tmp.path(),
        &["snapd", "pc-kernel", "core20", "pc20", "hello20"],
    );
    assert_eq!(contents.label.as_deref(), Some("20261205"));
    let channels: Vec<&str> = contents
        .model_snaps
        .iter()
        .map(|s| s.planned.channel.as_str())
        .collect();
    assert_eq!(
        channels,
        [
            "latest/stable",
            "20/stable",
            "latest/stable",
            "20/stable",
            "latest/stable"
        ]
    );
}

#[test]
fn a_model_snap_the_store_does_not_have_fails_the_gathering() {
    let store = common::store::start();
    let tmp = tempfile::tempdir().unwrap();
    // the UC16 model's required snap is not in a store that only knows the others
    let model = common::gather::sign_as_developer1(json!({
        "type": "model",
        "authority-id": "developer1",
        "series": "16",
        "brand-id": "developer1",
        "model": "pc-oracle-16-missing",
        "architecture": "amd64",
        "gadget": "pc",
        "kernel": "pc-kernel",
        "required-snaps": ["hello-oracle", "no-such-snap"],
        "store": fixtures::store_id(),
        "timestamp": "2026-01-01T00:00:00Z",
    }));
    let mut options = common::gather::options("uc16-store.model", store_source(&store), tmp.path());
    options.model = model.encode();
    let err = store
        .rt
        .block_on(gather(
            &options,
            &PreparedTree::core16(tmp.path()),
            &NoProgress,
        ))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"cannot download snap "no-such-snap": snap not found"#
    );
}
