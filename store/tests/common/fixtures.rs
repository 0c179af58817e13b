//! The committed fixtures (`tests/data/fixtures/`, made by `tests/oracle-fixtures.sh`).

use std::path::{Path, PathBuf};

use sha3::{Digest, Sha3_384};
use ucore_assertions::Assertion;
use ucore_assertions::stream::Decoder;

/// The fixtures directory.
pub fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fixtures")
}

/// A fixture file's path.
pub fn path(rel: &str) -> PathBuf {
    dir().join(rel)
}

/// A fixture file's bytes.
pub fn read(rel: &str) -> Vec<u8> {
    std::fs::read(path(rel)).unwrap_or_else(|e| panic!("fixture {rel}: {e}"))
}

/// A fixture file as text.
pub fn read_string(rel: &str) -> String {
    String::from_utf8(read(rel)).unwrap_or_else(|e| panic!("fixture {rel}: {e}"))
}

/// The store id the `*-store.model` models name.
pub fn store_id() -> String {
    read_string("store-id").trim().to_string()
}

/// One test snap of `snaps.tsv`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnapFixture {
    /// The snap name.
    pub name: String,
    /// Its snap-id (as in the fakestore's snap-declaration).
    pub snap_id: String,
    /// Its publisher (`developer1`, the brand, or `testrootorg`, the store's authority).
    pub publisher: String,
    /// The `.snap` file under `snaps/`.
    pub file: String,
}

impl SnapFixture {
    /// The `.snap` file's path.
    pub fn path(&self) -> PathBuf {
        path(&format!("snaps/{}", self.file))
    }

    /// The `.snap` file's bytes.
    pub fn bytes(&self) -> Vec<u8> {
        read(&format!("snaps/{}", self.file))
    }

    /// Whether the brand publishes it (visible to the brand's models only).
    pub fn is_brand(&self) -> bool {
        self.publisher == BRAND
    }
}

/// The brand of the models.
pub const BRAND: &str = "developer1";
/// The store's authority (snapd's test root).
pub const AUTHORITY: &str = "testrootorg";

/// Every test snap, in `snaps.tsv` order.
pub fn snaps() -> Vec<SnapFixture> {
    read_string("snaps.tsv")
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 4, "snaps.tsv line {l:?}");
            SnapFixture {
                name: f[0].into(),
                snap_id: f[1].into(),
                publisher: f[2].into(),
                file: f[3].into(),
            }
        })
        .collect()
}

/// The test snap called `name`.
pub fn snap(name: &str) -> SnapFixture {
    snaps()
        .into_iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no test snap {name}"))
}

/// SHA3-384 of `bytes`, lowercase hex (the store API's form).
pub fn sha3_hex(bytes: &[u8]) -> String {
    Sha3_384::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Every assertion of a stream.
pub fn decode_stream(bytes: &[u8]) -> Vec<Assertion> {
    let mut d = Decoder::new(bytes);
    let mut out = Vec::new();
    while let Some(a) = d
        .decode()
        .unwrap_or_else(|e| panic!("assertion stream: {e}"))
    {
        out.push(a);
    }
    out
}

/// One assertion of a fixture file.
pub fn assertion(rel: &str) -> Assertion {
    Assertion::decode(&read(rel)).unwrap_or_else(|e| panic!("fixture {rel}: {e}"))
}
