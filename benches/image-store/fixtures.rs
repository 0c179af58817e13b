//! The bench's snaps: the image tests' fixtures (`image/tests/data/fixtures/`: snapd's test
//! snaps, snapd's test root `testrootorg` and brand `developer1`) with the UC20 model's five
//! snaps repacked around a payload, so that the seed has the size of a real one. The API is
//! the one `store/tests/common/ucore.rs` (included by the bench) reads.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Where the bench's fixtures are: the image fixtures, with `snaps/` and `snaps.tsv` of
/// the padded snaps ([`prepare`]).
static DIR: OnceLock<PathBuf> = OnceLock::new();

/// The image tests' fixtures.
pub fn source_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("image/tests/data/fixtures")
}

/// The bench's fixtures directory ([`prepare`] first).
pub fn dir() -> PathBuf {
    DIR.get().cloned().expect("fixtures::prepare runs first")
}

/// A fixture file's path.
pub fn path(rel: &str) -> PathBuf {
    let own = dir().join(rel);
    if own.exists() {
        own
    } else {
        source_dir().join(rel)
    }
}

/// A fixture file's bytes.
pub fn read(rel: &str) -> Vec<u8> {
    std::fs::read(path(rel)).unwrap_or_else(|e| panic!("fixture {rel}: {e}"))
}

/// A fixture file as text.
pub fn read_string(rel: &str) -> String {
    String::from_utf8(read(rel)).unwrap_or_else(|e| panic!("fixture {rel}: {e}"))
}

/// The store id of the `*-store.model` models.
pub fn store_id() -> String {
    read_string("store-id").trim().to_string()
}

/// One snap the store publishes.
#[derive(Clone, Debug)]
pub struct SnapFixture {
    /// The snap name.
    pub name: String,
    /// Its snap-id.
    pub snap_id: String,
    /// Its publisher.
    pub publisher: String,
    /// The `.snap` file under `snaps/`.
    pub file: String,
}

impl SnapFixture {
    /// The `.snap` file's path.
    pub fn path(&self) -> PathBuf {
        path(&format!("snaps/{}", self.file))
    }
}

/// The brand of the models.
pub const BRAND: &str = "developer1";

/// The snaps of `snaps.tsv`.
pub fn snaps() -> Vec<SnapFixture> {
    parse_tsv(&read_string("snaps.tsv"))
}

fn parse_tsv(text: &str) -> Vec<SnapFixture> {
    text.lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            match f.as_slice() {
                [name, id, publisher, file] => Some(SnapFixture {
                    name: name.to_string(),
                    snap_id: id.to_string(),
                    publisher: publisher.to_string(),
                    file: file.to_string(),
                }),
                _ => None,
            }
        })
        .collect()
}

/// The payload of each UC20 snap, in MiB per `mib` unit: the kernel is the biggest snap of
/// a real seed, then the base, snapd, the gadget and an application.
const PAYLOAD: [(&str, u64); 5] = [
    ("pc-kernel", 4),
    ("core20", 2),
    ("snapd", 1),
    ("pc20", 0),
    ("hello20", 0),
];

/// Bytes that do not compress (xorshift), so the snap's size is the payload's.
fn noise(len: u64, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    let mut out = Vec::with_capacity(usize::try_from(len).expect("payload size"));
    while (out.len() as u64) < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.extend_from_slice(&x.to_le_bytes());
    }
    out.truncate(usize::try_from(len).expect("payload size"));
    out
}

/// Writes the bench fixtures in `work`: each UC20 snap unpacked, given a payload of
/// `PAYLOAD × mib` MiB (at least 64 KiB), packed again with `mksquashfs` (lzo), and listed
/// in `snaps.tsv`. Returns the seed's total size.
pub fn prepare(work: &Path, mib: u64) -> u64 {
    let snaps_dir = work.join("snaps");
    std::fs::create_dir_all(&snaps_dir).expect("bench snaps dir");
    let all = parse_tsv(
        &std::fs::read_to_string(source_dir().join("snaps.tsv")).expect("fixtures' snaps.tsv"),
    );
    let mut tsv = String::new();
    let mut total = 0;
    for (name, units) in PAYLOAD {
        let s = all
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("no fixture snap {name}"));
        let unpacked = work.join("unpacked").join(name);
        ucore_image::unpack::unpack(&source_dir().join("snaps").join(&s.file), &unpacked)
            .unwrap_or_else(|e| panic!("unpack {name}: {e}"));
        let len = (units * mib * 1024 * 1024).max(64 * 1024);
        std::fs::write(
            unpacked.join("payload"),
            noise(len, len ^ name.len() as u64),
        )
        .expect("payload");
        let file = format!("{name}_1.0_all.snap");
        let packed = ucore::snap::pack::pack_snap(
            &unpacked,
            &ucore::snap::pack::PackOptions {
                target_dir: snaps_dir.clone(),
                file_name: Some(PathBuf::from(&file)),
                compression: "lzo".into(),
                fixed_time: Some(1_480_593_600),
                ..Default::default()
            },
        )
        .unwrap_or_else(|e| panic!("pack {name}: {e}"));
        total += std::fs::metadata(&packed).map(|m| m.len()).unwrap_or(0);
        tsv.push_str(&format!(
            "{}\t{}\t{}\t{file}\n",
            s.name, s.snap_id, s.publisher
        ));
    }
    std::fs::write(work.join("snaps.tsv"), tsv).expect("snaps.tsv");
    // From here `path` prefers the bench's own files.
    assert!(
        DIR.set(work.to_path_buf()).is_ok(),
        "fixtures::prepare runs once"
    );
    total
}
