//! Fuzzes the squashfs reader: arbitrary bytes are opened as an image, walked, and the
//! members met are statted, listed, read (regular files, under a cap) and followed
//! (symlinks), without panicking and with bounded work: the walk stops after a fixed
//! number of members, and at most a fixed number of them are read by path (a lookup by
//! path scans its directory's listing, so reading all n members of a directory is O(n²)).
#![no_main]

use libfuzzer_sys::fuzz_target;
use ucore_snap::container::FileKind;
use ucore_snap::squashfs::Squashfs;

/// The largest file read: what a caller reading `meta/snap.yaml` would allow.
const READ_CAP: u64 = 1 << 20;
/// Members the walk visits before it stops descending.
const WALK_CAP: usize = 4096;
/// Members read, listed or followed by path.
const PATH_CAP: usize = 64;

fuzz_target!(|data: &[u8]| {
    let Ok(sq) = Squashfs::from_bytes(data.to_vec()) else {
        return;
    };
    let _ = sq.superblock();
    let _ = sq.read_file("meta/snap.yaml", READ_CAP);
    let _ = sq.list_dir("meta");
    let _ = sq.stat("meta/hooks");
    let mut met = Vec::new();
    let mut seen = 0usize;
    let _ = sq.walk(".", &mut |st| {
        seen += 1;
        let _ = st.go_mode_string();
        if met.len() < PATH_CAP {
            met.push((st.path.clone(), st.kind));
        }
        Ok(seen < WALK_CAP)
    });
    for (path, kind) in &met {
        let stat = sq.stat(path);
        match kind {
            FileKind::Directory => {
                let _ = sq.list_dir(path);
            }
            FileKind::Regular => {
                if let Ok(bytes) = sq.read_file(path, READ_CAP)
                    && let Ok(st) = &stat
                {
                    assert_eq!(bytes.len() as u64, st.size, "{path}");
                }
            }
            FileKind::Symlink => {
                let _ = sq.read_link(path);
                let _ = sq.read_file(path, READ_CAP);
            }
            _ => {}
        }
    }
});
