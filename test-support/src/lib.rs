//! Helpers for ucore's own tests (not published).
//!
//! - [`repo`]: the workspace root, where `tests/data/` and the goldens live;
//! - [`newer_rules_declaration`]: a declaration only newer snapd's rule language reads;
//! - [`oracle`]: snapd's code built as a CLI, when `UCORE_ORACLE` names it;
//! - [`alloc`]: a global allocator that counts each thread's bytes and caps them;
//! - [`hostile`]: hostile-input checks of a parser under a memory budget and a time limit;
//! - [`keys`]: the checked-in test-only RSA keys;
//! - [`softhsm`]: a throwaway SoftHSM2 token for the PKCS#11 tests.
//!
//! ```
//! let models = ucore_test_support::repo().join("tests/data");
//! assert!(models.is_dir());
//! ```
#![deny(unsafe_code)]
#![warn(missing_docs)]

use std::path::{Path, PathBuf};

#[allow(unsafe_code)] // the one GlobalAlloc impl, which forwards to System
pub mod alloc;
pub mod hostile;
pub mod keys;
pub mod softhsm;

/// The workspace root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace root")
        .to_owned()
}

/// A snap-declaration (placeholder signature) whose only plug rule uses `on-core-desktop`,
/// which snapd 2.57's decoder refuses and newer snapd's reads: snap `newer`, snap id
/// `newersnapidnewersnapidnewersnapi` (`tests/data/assertions/newer-rules/`).
pub fn newer_rules_declaration() -> String {
    let path = repo().join("tests/data/assertions/newer-rules/on-core-desktop.assert");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The oracle binary named by `UCORE_ORACLE` (an empty value counts as unset), or `None`
/// with a notice on stderr. With `UCORE_REQUIRE_ORACLE=1`, a missing oracle panics, so
/// that CI cannot skip the live differential tests by accident.
pub fn oracle() -> Option<PathBuf> {
    match std::env::var_os("UCORE_ORACLE").filter(|o| !o.is_empty()) {
        Some(o) => Some(PathBuf::from(o)),
        None => {
            assert!(
                std::env::var("UCORE_REQUIRE_ORACLE").as_deref() != Ok("1"),
                "UCORE_REQUIRE_ORACLE=1 but UCORE_ORACLE is not set"
            );
            eprintln!("UCORE_ORACLE unset: skipping the live oracle comparison");
            None
        }
    }
}

/// snapd's builtin base-declaration: the headers-only text `ORACLE policy base-declaration`
/// prints. It is policy data of snapd's GPL-3 sources, so tests fetch it at run time and
/// never commit it.
pub fn snapd_base_declaration(oracle: &Path) -> String {
    let out = std::process::Command::new(oracle)
        .args(["policy", "base-declaration"])
        .output()
        .expect("running the oracle");
    assert!(
        out.status.success(),
        "oracle policy base-declaration failed"
    );
    String::from_utf8(out.stdout).expect("the base-declaration is text")
}
