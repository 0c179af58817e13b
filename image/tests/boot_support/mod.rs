//! Prepared trees for the boot and disk tests, built from the fixture snaps of
//! `store/tests/data/fixtures/` (snapd's `snap pack` made them): the seed's snap files put
//! where the seed writer puts them, the gadget and kernel unpacked, and the
//! [`SeedContents`] that `make_bootable` reads. Also the external tools the read-back
//! checks need.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use ucore_assertions::{Assertion, AssertionAccess};
use ucore_image::snaps::{PlannedSnap, Revision, SeedContents, SeedSnap, SnapOrigin};
use ucore_image::tree::PreparedTree;
use ucore_snap::container::SnapFile;
use ucore_snap::parse::Sanitizer;

/// The recovery system label of the UC20 trees.
pub const LABEL: &str = "20261203";

pub fn fixtures() -> PathBuf {
    ucore_test_support::repo().join("store/tests/data/fixtures")
}

fn seed_snap(name: &str) -> SeedSnap {
    let file = fixtures().join(format!("snaps/{name}_1.0_all.snap"));
    let snap = SnapFile::open(&file).expect("fixture snap");
    let info = ucore_snap::read_info::read_info(&snap, Sanitizer::Builtin)
        .expect("snap.yaml")
        .info;
    SeedSnap {
        planned: PlannedSnap {
            name: name.into(),
            snap_id: None,
            model_type: None,
            essential: true,
            required: true,
            modes: vec!["run".into()],
            channel: "stable".into(),
            pinned_revision: None,
            local: None,
            origin: SnapOrigin::Model,
        },
        info,
        revision: Revision(1),
        snap_id: Some(format!("{name}-id")),
        publisher_id: None,
        size: std::fs::metadata(&file).expect("size").len(),
        file,
        sha3_384: String::new(),
        assertions: Vec::new(),
        contact: None,
        private: false,
    }
}

/// A UC16 (`uc16.model`, gadget `pc`) or UC20 (`uc20.model`, gadget `pc20`) tree in `out`,
/// with the seed's snap files in place and the gadget and kernel unpacked.
pub fn prepared(uc20: bool, out: &Path) -> (SeedContents, PreparedTree) {
    let (model_file, names, gadget) = if uc20 {
        (
            "uc20.model",
            &["snapd", "pc-kernel", "core20", "pc20", "hello20"][..],
            "pc20",
        )
    } else {
        (
            "uc16.model",
            &["core", "pc-kernel", "pc", "hello-oracle"][..],
            "pc",
        )
    };
    let model = Assertion::decode(&std::fs::read(fixtures().join(model_file)).expect("model"))
        .expect("decode");
    let tree = if uc20 {
        PreparedTree::core20(out, LABEL)
    } else {
        PreparedTree::core16(out)
    };
    let snaps_dir = tree.seed_dir().join("snaps");
    std::fs::create_dir_all(&snaps_dir).expect("snaps dir");
    let mut model_snaps = Vec::new();
    for name in names {
        let s = seed_snap(name);
        std::fs::copy(&s.file, snaps_dir.join(format!("{name}_1.snap"))).expect("copy snap");
        model_snaps.push(s);
    }
    if let Some(system) = tree.system_dir() {
        std::fs::create_dir_all(&system).expect("system dir");
        std::fs::write(system.join("model"), model.encode()).expect("model file");
    } else {
        std::fs::write(tree.seed_dir().join("seed.yaml"), "snaps: []\n").expect("seed.yaml");
    }
    let snap_file = |n: &str| fixtures().join(format!("snaps/{n}_1.0_all.snap"));
    ucore_image::unpack::unpack(&snap_file(gadget), &tree.gadget_dir()).expect("unpack gadget");
    ucore_image::unpack::unpack(&snap_file("pc-kernel"), &tree.kernel_dir())
        .expect("unpack kernel");
    let contents = SeedContents {
        model,
        model_refs: Vec::new(),
        model_snaps,
        extra_snaps: Vec::new(),
        label: tree.label.clone(),
        warnings: Vec::new(),
    };
    (contents, tree)
}

/// Whether every tool is on PATH; when one is missing the test is skipped with a notice,
/// or fails under `UCORE_REQUIRE_TOOLS=1`.
pub fn tools(names: &[&str]) -> bool {
    let missing: Vec<&str> = names
        .iter()
        .copied()
        .filter(|t| {
            Command::new("sh")
                .args(["-c", &format!("command -v {t}")])
                .output()
                .map_or(true, |o| !o.status.success())
        })
        .collect();
    if missing.is_empty() {
        return true;
    }
    assert!(
        std::env::var("UCORE_REQUIRE_TOOLS").as_deref() != Ok("1"),
        "UCORE_REQUIRE_TOOLS=1 but {missing:?} missing"
    );
    eprintln!("skipping: {missing:?} not installed");
    false
}

/// Runs a command, expecting success; its stdout.
pub fn run(program: &str, args: &[&str]) -> String {
    let out = Command::new(program).args(args).output().expect(program);
    assert!(
        out.status.success(),
        "{program} {args:?}: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
