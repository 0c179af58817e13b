//! What the gather tests make from the fixtures: a `--snaps DIR`, the trusted test root,
//! assertions signed at test time with the test-only developer1 key, planned snaps.

use std::path::Path;

use ucore_assertions::{Assertion, AssertionAccess as _, AssertionType};
use ucore_image::gather::crosscheck::{Checked, cross_check};
use ucore_image::gather::download::StagedFile;
use ucore_image::gather::fetcher::{Fetcher, Ref};
use ucore_image::gather::source::Source;
use ucore_image::snaps::{PlannedSnap, SnapOrigin};
use ucore_signing::{RsaPrivateKey, builder_from_json, sign_assertion_at};

use super::fixtures::{self, BRAND, SnapFixture, path, read, read_string, snaps};

/// The `snap-sha3-384` of a test snap.
pub fn sha3_384(snap: &SnapFixture) -> String {
    ucore_snap::digest::digest_bytes(&snap.bytes()).sha3_384_base64url()
}

/// snapd's test root (`testrootorg` account and root key), to trust.
pub fn trusted() -> Vec<Vec<u8>> {
    vec![read("tk/testrootorg-trusted.stream")]
}

/// A `--snaps DIR` in `dest`: the test snaps, the fakestore's assertions (one `.assert`
/// file each) and the fakestore's signing key.
pub fn snaps_dir(dest: &Path) {
    std::fs::create_dir_all(dest).unwrap();
    for s in snaps() {
        std::fs::copy(s.path(), dest.join(&s.file)).unwrap();
    }
    for e in std::fs::read_dir(path("fs-asserts")).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().replace(',', "_");
        std::fs::copy(&p, dest.join(format!("{name}.assert"))).unwrap();
    }
    std::fs::copy(
        path("tk/teststore-account-key.assert"),
        dest.join("teststore-account-key.assert"),
    )
    .unwrap();
}

/// An assertion from JSON headers signed with the test-only developer1 key.
pub fn sign_as_developer1(headers: serde_json::Value) -> Assertion {
    let key = RsaPrivateKey::from_pem(&read_string("tk/developer1.pem")).expect("developer1.pem");
    let builder = builder_from_json(&headers.to_string(), None).expect("headers");
    // 2026-01-01T00:00:00Z
    sign_assertion_at(
        &builder,
        &key,
        ucore_assertions::Timestamp::from_openpgp_time(1_767_225_600),
    )
    .expect("sign")
}

/// A UC20 model of developer1 (signed now) requiring `validation_sets`, with the
/// fixtures' UC20 snaps.
pub fn uc20_model_with_sets(validation_sets: serde_json::Value) -> Assertion {
    let snap = |name: &str, id: &str, t: &str, channel: &str| serde_json::json!({"name": name, "id": id, "type": t, "default-channel": channel});
    sign_as_developer1(serde_json::json!({
        "type": "model",
        "authority-id": BRAND,
        "series": "16",
        "brand-id": BRAND,
        "model": "pc-oracle-20-sets",
        "architecture": "amd64",
        "base": "core20",
        "grade": "signed",
        "snaps": [
            snap("pc20", "pc20xoracleoracleoracleoracleora", "gadget", "20/stable"),
            snap("pc-kernel", "pckernelxoracleoracleoracleoracl", "kernel", "20/stable"),
            snap("core20", "DLqre5XGLbDqg9jPtiAhRRjDuPVa5X1q", "base", "latest/stable"),
            snap("snapd", "PMrrV4ml8uWuEUDBT8dSGnKUYbevVhc4", "snapd", "latest/stable"),
        ],
        "validation-sets": validation_sets,
        "timestamp": "2026-01-01T00:00:00Z",
    }))
}

/// A validation-set of developer1 called `name` at `sequence` with `snaps` (JSON list).
pub fn validation_set(name: &str, sequence: u32, snaps: serde_json::Value) -> Assertion {
    sign_as_developer1(serde_json::json!({
        "type": "validation-set",
        "authority-id": BRAND,
        "series": "16",
        "account-id": BRAND,
        "name": name,
        "sequence": sequence.to_string(),
        "snaps": snaps,
        "timestamp": "2026-01-01T00:00:00Z",
    }))
}

/// A planned snap from the model (or an option) on `channel`.
pub fn planned(name: &str, channel: &str) -> PlannedSnap {
    PlannedSnap {
        name: name.into(),
        snap_id: None,
        model_type: None,
        essential: false,
        required: true,
        modes: vec!["run".into()],
        channel: channel.into(),
        pinned_revision: None,
        local: None,
        origin: SnapOrigin::Model,
    }
}

/// What the gather loop does with a staged snap: its snap-revision fetched with its chain
/// (the assertions recorded, in order), then the cross-checks.
pub async fn check_staged(
    fetcher: &mut Fetcher<'_>,
    source: &impl Source,
    staged: &StagedFile,
) -> (Vec<Assertion>, Checked) {
    fetcher
        .fetch(
            source,
            Ref::new(AssertionType::SnapRevision, &[&staged.digest.sha3_384]),
        )
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", staged.resolved.name));
    let recorded = fetcher.take_recorded();
    let checked = cross_check(
        fetcher.database(),
        &staged.resolved.name,
        &staged.digest,
        Some((&staged.resolved.snap_id, staged.resolved.revision)),
    )
    .unwrap_or_else(|e| panic!("{}: {e}", staged.resolved.name));
    (recorded, checked)
}

/// Options for a build from `source` of the fixture model `model`, trusting the test
/// root, into `out`.
pub fn options(
    model: &str,
    source: ucore_image::options::SnapSource,
    out: &Path,
) -> ucore_image::options::ImageOptions {
    let mut o = ucore_image::options::ImageOptions::new(read(model), source, out);
    o.trusted = trusted();
    o
}

/// The checks every gathered seed passes: the snaps in writer order, each staged under
/// `out/.staging` and equal to its fixture, its assertions ending with its declaration and
/// revision, every assertion of the seed once, and nothing written outside staging.
pub fn check_seed(contents: &ucore_image::snaps::SeedContents, out: &Path, model_snaps: &[&str]) {
    let names: Vec<&str> = contents
        .model_snaps
        .iter()
        .map(|s| s.info.name.as_str())
        .collect();
    assert_eq!(names, model_snaps);
    let mut seen = std::collections::HashSet::new();
    for a in &contents.model_refs {
        assert!(seen.insert(Ref::of(a)), "{} twice", Ref::of(a));
    }
    for s in contents.model_snaps.iter().chain(&contents.extra_snaps) {
        assert!(s.file.starts_with(out.join(".staging")), "{:?}", s.file);
        if !s.is_asserted() {
            continue;
        }
        let want = fixtures::snap(&s.info.name);
        assert_eq!(std::fs::read(&s.file).unwrap(), want.bytes());
        assert_eq!(s.sha3_384, sha3_384(&want));
        assert_eq!(s.snap_id.as_deref(), Some(want.snap_id.as_str()));
        assert_eq!(s.revision.0, 1);
        assert_eq!(s.info.snap_id, want.snap_id);
        let kinds: Vec<AssertionType> = s.assertions.iter().map(|a| a.assertion_type()).collect();
        assert!(
            kinds.ends_with(&[AssertionType::SnapDeclaration, AssertionType::SnapRevision]),
            "{}: {kinds:?}",
            s.info.name
        );
        for a in &s.assertions {
            assert!(seen.insert(Ref::of(a)), "{} twice", Ref::of(a));
        }
    }
    let top: Vec<String> = std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(top, [".staging"], "only staging is written");
}
