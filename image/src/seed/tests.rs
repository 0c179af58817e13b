//! The seed writer with the fixture snaps and their assertions (as `snap prepare-image`
//! gets them from snapd's fakestore): the UC16 seed.yaml is spec §9.1's observed text,
//! the assertion files and streams are the observed ones.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use ucore_assertions::{Assertion, AssertionAccess};
use ucore_snap::container::OpenedSnap;

use super::*;
use crate::snaps::{PlannedSnap, Revision, SnapOrigin};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../store/tests/data/fixtures");

fn assertion(rel: &str) -> Assertion {
    Assertion::decode(&fs::read(Path::new(FIXTURES).join(rel)).unwrap()).unwrap()
}

/// A fixture snap staged in `staging`, with its declaration and revision (and `first`
/// assertions before them).
fn fixture_snap(
    name: &str,
    id: &str,
    channel: &str,
    staging: &Path,
    first: Vec<Assertion>,
) -> SeedSnap {
    let src = Path::new(FIXTURES).join(format!("snaps/{name}_1.0_all.snap"));
    let file = staging.join(format!("{name}.snap"));
    fs::copy(&src, &file).unwrap();
    let opened = ucore_snap::container::open(&file).unwrap();
    let OpenedSnap::File(container) = &opened else {
        panic!("not a snap file")
    };
    let read = ucore_snap::read_info::read_info(container, ucore_snap::Sanitizer::Builtin).unwrap();
    let digest = ucore_snap::digest::snap_file_digest(&file).unwrap();
    let sha3 = ucore_snap::digest::encode_digest(&digest.sha3_384);
    let mut assertions = first;
    assertions.push(assertion(&format!("fs-asserts/16,{id}.snap-declaration")));
    assertions.push(assertion(&format!("fs-asserts/{sha3}.snap-revision")));
    SeedSnap {
        planned: PlannedSnap {
            name: name.into(),
            snap_id: Some(id.into()),
            model_type: None,
            essential: false,
            required: true,
            modes: vec!["run".into()],
            channel: channel.into(),
            pinned_revision: None,
            local: None,
            origin: SnapOrigin::Model,
        },
        info: read.info,
        revision: Revision(1),
        snap_id: Some(id.into()),
        publisher_id: None,
        file,
        size: digest.size,
        sha3_384: sha3,
        assertions,
        contact: None,
        private: false,
    }
}

fn ids() -> Vec<(String, String)> {
    fs::read_to_string(Path::new(FIXTURES).join("snaps.tsv"))
        .unwrap()
        .lines()
        .filter_map(|l| {
            let mut f = l.split('\t');
            Some((f.next()?.to_string(), f.next()?.to_string()))
        })
        .collect()
}

fn contents(
    model: &str,
    names: &[(&str, &str)],
    staging: &Path,
    label: Option<&str>,
) -> SeedContents {
    let ids = ids();
    let mut first = vec![assertion("tk/teststore-account-key.assert")];
    let snaps = names
        .iter()
        .map(|(name, channel)| {
            let id = &ids.iter().find(|(n, _)| n == name).unwrap().1;
            fixture_snap(name, id, channel, staging, std::mem::take(&mut first))
        })
        .collect();
    SeedContents {
        model: assertion(model),
        model_refs: vec![
            assertion("fs-asserts/developer1-account.assert"),
            assertion("fs-asserts/developer1-account-key.assert"),
        ],
        model_snaps: snaps,
        extra_snaps: Vec::new(),
        label: label.map(str::to_string),
        warnings: Vec::new(),
    }
}

fn listing(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let mode = fs::metadata(&p).unwrap().permissions().mode() & 0o777;
                out.push(format!(
                    "{mode:o} {}",
                    p.strip_prefix(dir).unwrap().display()
                ));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn uc16_seed_is_prepare_images() {
    let out = tempfile::tempdir().unwrap();
    let tree = PreparedTree::core16(out.path());
    fs::create_dir_all(tree.staging_dir()).unwrap();
    let mut c = contents(
        "uc16.model",
        &[
            ("core", "stable"),
            ("pc-kernel", "stable"),
            ("pc", "stable"),
            ("hello-oracle", "stable"),
        ],
        &tree.staging_dir(),
        None,
    );
    write(&mut c, &tree).unwrap();
    let seed = tree.seed_dir();
    // spec §9.1 [obs], 409 bytes.
    let yaml = fs::read_to_string(seed.join("seed.yaml")).unwrap();
    assert_eq!(
        yaml,
        "snaps:\n- name: core\n  snap-id: 99T7MUlRhtI3U0QFgl5mXXESAiSwt776\n  channel: stable\n  file: core_1.snap\n\
         - name: pc-kernel\n  snap-id: pckernelxoracleoracleoracleoracl\n  channel: stable\n  file: pc-kernel_1.snap\n\
         - name: pc\n  snap-id: pcxoracleoracleoracleoracleoracl\n  channel: stable\n  file: pc_1.snap\n\
         - name: hello-oracle\n  snap-id: hellooraclexoracleoracleoracleor\n  channel: stable\n  file: hello-oracle_1.snap\n"
    );
    assert_eq!(yaml.len(), 409);
    assert_eq!(
        fs::read(seed.join("assertions/model")).unwrap(),
        fs::read(Path::new(FIXTURES).join("uc16.model")).unwrap()
    );
    let files = listing(&seed);
    let names: Vec<&str> = files.iter().map(|f| f.split_once(' ').unwrap().1).collect();
    assert!(files.iter().all(|f| f.starts_with("644 ")), "{files:?}");
    // seed.yaml, 12 assertions (spec §9.1: 2 account-keys, an account, the model, 4
    // declarations, 4 revisions), 4 snaps.
    assert_eq!(files.len(), 1 + 12 + 4, "{names:?}");
    for want in [
        "assertions/16,99T7MUlRhtI3U0QFgl5mXXESAiSwt776.snap-declaration",
        "assertions/developer1.account",
        "assertions/EAD4DbLxK_kn0gzNCXOs3kd6DeMU3f-L6BEsSEuJGBqCORR0gXkdDxMbOm11mRFu.account-key",
        "snaps/pc-kernel_1.snap",
    ] {
        assert!(names.contains(&want), "{want} not in {names:?}");
    }
    // Staged files were moved, and the snaps point at their seed files.
    assert_eq!(fs::read_dir(tree.staging_dir()).unwrap().count(), 0);
    assert_eq!(c.model_snaps[0].file, seed.join("snaps/core_1.snap"));
}

#[test]
fn uc20_seed_is_prepare_images() {
    let out = tempfile::tempdir().unwrap();
    let tree = PreparedTree::core20(out.path(), "20261203");
    fs::create_dir_all(tree.staging_dir()).unwrap();
    let order = [
        ("snapd", "latest/stable"),
        ("pc-kernel", "20/stable"),
        ("core20", "latest/stable"),
        ("pc20", "20/stable"),
        ("hello20", "latest/stable"),
    ];
    let mut c = contents("uc20.model", &order, &tree.staging_dir(), Some("20261203"));
    let mut again = c.clone();
    write(&mut c, &tree).unwrap();
    let system = tree.system_dir().unwrap();
    let seed = tree.seed_dir();
    let model = fs::read(Path::new(FIXTURES).join("uc20.model")).unwrap();
    assert_eq!(fs::read(system.join("model")).unwrap(), model);
    // model-etc: developer1's account and account-key, one empty line between them.
    let etc = fs::read(system.join("assertions/model-etc")).unwrap();
    let mut want =
        fs::read(Path::new(FIXTURES).join("fs-asserts/developer1-account.assert")).unwrap();
    want.push(b'\n');
    want.extend(
        fs::read(Path::new(FIXTURES).join("fs-asserts/developer1-account-key.assert")).unwrap(),
    );
    assert_eq!(etc, want);
    let snaps = fs::read(system.join("assertions/snaps")).unwrap();
    let decoded: Vec<_> = ucore_assertions::decode_slice(&snaps)
        .map(|a| a.unwrap().assertion_type().name())
        .collect();
    assert_eq!(decoded.len(), 11);
    assert_eq!(decoded[0], "account-key");
    assert!(snaps.ends_with(b"\n") && !snaps.ends_with(b"\n\n"));
    let files = listing(&seed);
    let names: Vec<&str> = files.iter().map(|f| f.split_once(' ').unwrap().1).collect();
    assert_eq!(
        names,
        [
            "snaps/core20_1.snap",
            "snaps/hello20_1.snap",
            "snaps/pc-kernel_1.snap",
            "snaps/pc20_1.snap",
            "snaps/snapd_1.snap",
            "systems/20261203/assertions/model-etc",
            "systems/20261203/assertions/snaps",
            "systems/20261203/model",
        ]
    );
    // No options.yaml and no aux-info.json for a signed model without overrides; a second
    // system of the same label is refused.
    for s in again.model_snaps.iter_mut() {
        s.file = PathBuf::from(FIXTURES).join(format!("snaps/{}_1.0_all.snap", s.planned.name));
    }
    assert_eq!(
        write(&mut again, &tree).unwrap_err().to_string(),
        "system \"20261203\" already exists"
    );
}

#[test]
fn uc20_overrides_need_grade_dangerous() {
    let out = tempfile::tempdir().unwrap();
    let tree = PreparedTree::core20(out.path(), "l");
    fs::create_dir_all(tree.staging_dir()).unwrap();
    let mut c = contents(
        "uc20.model",
        &[("hello20", "latest/edge")],
        &tree.staging_dir(),
        Some("l"),
    );
    assert_eq!(
        write(&mut c, &tree).unwrap_err().to_string(),
        "internal error: unexpected non-model snap overrides with grade signed"
    );
}
