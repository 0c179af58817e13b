//! Shared helpers of ucore-model's integration tests: paths, the test-only acme key, the
//! trust chain and the live oracle.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use ucore_assertions::{Assertion, Decoder};
use ucore_signing::RsaPrivateKey;
#[allow(unused_imports)] // used by some of the test binaries that include this module
pub use ucore_test_support::oracle;

/// `model/tests/data/NAME`.
pub fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// `model/tests/golden/NAME`.
pub fn golden(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name)
}

/// The repository's copy of the 128 real Canonical models.
pub fn canonical_models_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/assertions/canonical-models")
}

/// acme's test-only 2048-bit key (the brand of the seed's sample; NOT secret).
pub fn acme() -> &'static RsaPrivateKey {
    static K: OnceLock<RsaPrivateKey> = OnceLock::new();
    K.get_or_init(|| RsaPrivateKey::from_pem(ucore_test_support::keys::ACME).unwrap())
}

/// A UC22 amd64 model of acme named `model` with the pc gadget and kernel (core22 base).
pub fn uc22(model: &str) -> ucore_model::ModelBuilder {
    use ucore_model::{ModelBuilder, SnapEntry, SnapType};
    ModelBuilder::new("acme", model)
        .architecture("amd64")
        .base("core22")
        .snap(
            SnapEntry::new("pc")
                .id("UqFziVZDHLSyO3TqSWgNBoAdHbLI4dAH")
                .snap_type(SnapType::Gadget)
                .default_channel("22/stable"),
        )
        .snap(
            SnapEntry::new("pc-kernel")
                .id("pYVQrBcKmBa0mZ4CCN7ExT6jH8rY1hza")
                .snap_type(SnapType::Kernel)
                .default_channel("22/stable"),
        )
}

/// The YAML inputs every statement reader must take cheaply, at 1×, 8× and 64×: "billion
/// laughs", flow nesting and block nesting (under `key`), and aliases of a long scalar
/// used more often than an anchor may be (`name: &m …` then `key: [*m, …]`).
pub fn yaml_growths(check: &ucore_test_support::hostile::Check, key: &str) {
    use ucore_test_support::hostile::yaml_laughs;
    check.growth("YAML billion laughs", 10, |n| {
        let mut s = yaml_laughs(n.min(9));
        s.push_str(&"# padding\n".repeat(n));
        s.into_bytes()
    });
    check.growth("YAML nesting", 50, |n| {
        format!("{key}: {}{}\n", "[".repeat(n), "]".repeat(n)).into_bytes()
    });
    check.growth("YAML block nesting", 20, |n| {
        (0..n)
            .map(|d| format!("{}a:\n", " ".repeat(d)))
            .collect::<String>()
            .into_bytes()
    });
    check.growth("YAML aliases of a long scalar", 100, |n| {
        format!(
            "model: &m \"{}\"\n{key}: [{}]\n",
            "m".repeat(40 * n),
            vec!["*m"; n].join(", ")
        )
        .into_bytes()
    });
}

/// Every assertion of a stream file.
pub fn stream(name: &str) -> Vec<Assertion> {
    let bytes = std::fs::read(data(name)).unwrap();
    let mut d = Decoder::new(&bytes[..]);
    let mut out = Vec::new();
    while let Some(a) = d.decode().unwrap() {
        out.push(a);
    }
    out
}

/// Runs the oracle with `args`, stdin `input`; (exit code, stdout).
pub fn run_oracle(oracle: &Path, args: &[&str], input: &[u8]) -> (i32, String) {
    use std::io::Write;
    let mut child = Command::new(oracle)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("oracle runs");
    child.stdin.take().unwrap().write_all(input).unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
    )
}
