//! Hostile `.snap` files: a directory loop, huge sizes, names and symlinks that would escape
//! the root, truncated and mutated tables. Each gets a typed error, never a panic, and the
//! reader's memory stays within 16 bytes per image byte plus 3 MiB (a 1 MiB read cap, the
//! 512 KiB block cache, a data block), under `ucore_test_support::hostile`'s counting
//! allocator. (liblzma's own allocations are C's and not counted; the reader caps them with
//! the decoder's memory limit, twice the block size plus 1 MiB.)
//!
//! The hand-made cases patch `tests/data/files/sample-uncompressed.snap`, whose inode and
//! directory tables are stored uncompressed, one metadata block each.

use ucore_snap::container::WalkControl;
use ucore_snap::squashfs::{Squashfs, SquashfsError};
use ucore_test_support::hostile::{Check, Limits};

#[global_allocator]
static ALLOC: ucore_test_support::alloc::Counting = ucore_test_support::alloc::Counting;

const READ_CAP: u64 = 1 << 20;

fn golden(name: &str) -> Vec<u8> {
    std::fs::read(
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/files")
            .join(name),
    )
    .expect("golden")
}

/// What a caller does with a snap: read meta/snap.yaml, walk it, list the first 16
/// directories and read the first 16 files met. (Not every member: a lookup by path scans
/// its directory's listing, so reading all n files of one directory by path is O(n²).)
fn read_everything(image: &[u8]) -> Result<(), SquashfsError> {
    let sq = Squashfs::from_bytes(image.to_vec())?;
    let _ = sq.read_file("meta/snap.yaml", READ_CAP);
    let mut paths = Vec::new();
    let (mut dirs, mut files) = (0, 0);
    let walked = sq.walk(".", &mut |st| {
        let n = if st.is_dir() { &mut dirs } else { &mut files };
        *n += 1;
        if *n <= 16 {
            paths.push((st.path.clone(), st.is_dir()));
        }
        Ok(true)
    });
    for (p, dir) in &paths {
        let _ = if *dir {
            sq.list_dir(p).map(drop)
        } else {
            sq.read_file(p, READ_CAP).map(drop)
        };
    }
    walked
}

fn check() -> Check {
    let limits = Limits {
        bytes_per_input_byte: 16,
        fixed_bytes: 3 << 20,
        ..Limits::default()
    };
    Check::new("squashfs", limits, |input| {
        let _ = read_everything(input);
    })
}

fn u16_at(d: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([d[at], d[at + 1]])
}

fn u64_at(d: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(d[at..at + 8].try_into().expect("8 bytes"))
}

/// A directory entry of the uncompressed image: where its fields are.
struct Entry {
    /// Offset of the entry (its `offset` field) in the image.
    at: usize,
    name: Vec<u8>,
    /// Offset of its inode in the image.
    inode_at: usize,
}

/// The uncompressed image's entries, from a sequential parse of its directory table.
fn entries(d: &[u8]) -> Vec<Entry> {
    let (itab, dtab) = (u64_at(d, 64) as usize, u64_at(d, 72) as usize);
    assert!(
        u16_at(d, itab) & 0x8000 != 0 && u16_at(d, dtab) & 0x8000 != 0,
        "uncompressed tables"
    );
    let end = dtab + 2 + usize::from(u16_at(d, dtab) & 0x7fff);
    let mut p = dtab + 2;
    let mut out = Vec::new();
    while p < end {
        let count = u32::from_le_bytes(d[p..p + 4].try_into().expect("4")) as usize + 1;
        p += 12;
        for _ in 0..count {
            let offset = usize::from(u16_at(d, p));
            let len = usize::from(u16_at(d, p + 6)) + 1;
            out.push(Entry {
                at: p,
                name: d[p + 8..p + 8 + len].to_vec(),
                inode_at: itab + 2 + offset,
            });
            p += 8 + len;
        }
    }
    out
}

fn entry<'a>(all: &'a [Entry], name: &str) -> &'a Entry {
    all.iter().find(|e| e.name == name.as_bytes()).expect(name)
}

fn patched(f: impl FnOnce(&mut Vec<u8>, &[Entry])) -> Vec<u8> {
    let mut d = golden("sample-uncompressed.snap");
    let all = entries(&d);
    f(&mut d, &all);
    d
}

fn error_of(
    image: &[u8],
    op: impl FnOnce(&Squashfs) -> Result<(), SquashfsError>,
) -> SquashfsError {
    let sq = Squashfs::from_bytes(image.to_vec()).expect("superblock and ids read");
    op(&sq).expect_err("hostile image refused")
}

#[test]
fn the_unpatched_base_reads_whole() {
    read_everything(&golden("sample-uncompressed.snap")).expect("clean image");
    assert!(entries(&golden("sample-uncompressed.snap")).len() > 10);
}

#[test]
fn a_directory_loop_is_an_error() {
    let image = patched(|d, all| {
        let root = u64_at(d, 32);
        let bin = entry(all, "bin");
        d[bin.at..bin.at + 2].copy_from_slice(&((root & 0xffff) as u16).to_le_bytes());
    });
    let e = error_of(&image, |sq| sq.walk(".", &mut |_| Ok(true)));
    assert!(
        matches!(&e, SquashfsError::DirectoryLoop { path } if path == "bin"),
        "{e}"
    );
    assert_eq!(
        e.to_string(),
        "corrupt squashfs image: directory loop at \"bin\""
    );
    // a lookup through the loop ends too: the path is finite
    let sq = Squashfs::from_bytes(image.clone()).expect("open");
    assert_eq!(
        sq.read_file("bin/bin/bin/meta/snap.yaml", READ_CAP)
            .map(|v| v.len())
            .ok(),
        sq.read_file("meta/snap.yaml", READ_CAP)
            .map(|v| v.len())
            .ok()
    );
    check().input("directory loop", &image);
}

#[test]
fn names_that_escape_are_refused() {
    for (from, to) in [("hi", ".."), ("bin", "a/b"), ("lib", "l\0b")] {
        let image = patched(|d, all| {
            let e = entry(all, from);
            assert_eq!(e.name.len(), to.len());
            d[e.at + 8..e.at + 8 + to.len()].copy_from_slice(to.as_bytes());
        });
        let e = error_of(&image, |sq| sq.walk(".", &mut |_| Ok(true)));
        assert!(
            matches!(&e, SquashfsError::BadName { name, .. } if name == to),
            "{from}: {e}"
        );
        check().input("bad name", &image);
    }
}

#[test]
fn symlinks_resolve_inside_the_image() {
    // lib/deep/up -> ../../../../etc (15 bytes, as long as ../../bin/hello): `..` stops at
    // the root, so this is the image's /etc, which does not exist
    let image = patched(|d, all| {
        let up = entry(all, "up");
        let target = b"../../bin/hello";
        let at = d[up.inode_at..]
            .windows(target.len())
            .position(|w| w == target)
            .expect("target")
            + up.inode_at;
        d[at..at + 15].copy_from_slice(b"../../../../etc");
    });
    let sq = Squashfs::from_bytes(image.clone()).expect("open");
    assert!(
        sq.read_file("lib/deep/up/passwd", READ_CAP)
            .expect_err("no /etc")
            .is_not_found()
    );
    assert_eq!(
        sq.read_link("lib/deep/up").expect("link"),
        "../../../../etc"
    );
    // bin/hi -> ./hi/ : a loop of symlinks
    let image = patched(|d, all| {
        let hi = entry(all, "hi");
        let at = d[hi.inode_at..]
            .windows(5)
            .position(|w| w == b"hello")
            .expect("target")
            + hi.inode_at;
        d[at..at + 5].copy_from_slice(b"./hi/");
    });
    let e = error_of(&image, |sq| sq.read_file("bin/hi", READ_CAP).map(drop));
    assert!(matches!(e, SquashfsError::SymlinkLoop { .. }), "{e}");
    check().input("symlink loop", &image);
}

#[test]
fn huge_sizes_are_refused_before_allocating() {
    // big.txt claims 4 GiB
    let image = patched(|d, all| {
        let big = entry(all, "big.txt");
        assert_eq!(u16_at(d, big.inode_at), 2, "basic file inode");
        d[big.inode_at + 28..big.inode_at + 32].copy_from_slice(&u32::MAX.to_le_bytes());
    });
    let e = error_of(&image, |sq| {
        sq.read_file("lib/deep/er/big.txt", READ_CAP).map(drop)
    });
    assert!(
        matches!(
            e,
            SquashfsError::TooLarge {
                size: 4294967295,
                ..
            }
        ),
        "{e}"
    );
    // with no cap at all the block list and the data give out first
    let e = error_of(&image, |sq| {
        sq.read_file("lib/deep/er/big.txt", u64::MAX).map(drop)
    });
    assert!(
        matches!(e, SquashfsError::Corrupt(_) | SquashfsError::Decompress(_)),
        "{e}"
    );
    check().input("huge file", &image);
    // the directory `lib` claims a 64 KiB listing
    let image = patched(|d, all| {
        let lib = entry(all, "lib");
        assert_eq!(u16_at(d, lib.inode_at), 1, "basic directory inode");
        d[lib.inode_at + 24..lib.inode_at + 26].copy_from_slice(&u16::MAX.to_le_bytes());
    });
    let e = error_of(&image, |sq| sq.list_dir("lib").map(drop));
    assert!(
        matches!(e, SquashfsError::Corrupt(_) | SquashfsError::BadName { .. }),
        "{e}"
    );
    check().input("huge directory", &image);
}

#[test]
fn bad_ids_and_superblocks_are_errors() {
    let image = patched(|d, all| {
        let f = entry(all, "small");
        d[f.inode_at + 4..f.inode_at + 6].copy_from_slice(&500u16.to_le_bytes());
    });
    let e = error_of(&image, |sq| sq.stat("lib/deep/er/small").map(drop));
    assert_eq!(
        e.to_string(),
        "corrupt squashfs image: id index out of range"
    );

    // an lz4 image opens (its 4-byte id table is stored uncompressed) but its blocks are
    // not decoded
    let mut lz4 = golden("sample_1.0_amd64.snap");
    lz4[20..22].copy_from_slice(&5u16.to_le_bytes());
    let e = error_of(&lz4, |sq| {
        sq.read_file("meta/snap.yaml", READ_CAP).map(drop)
    });
    assert_eq!(e.to_string(), "unsupported squashfs compression lz4");
    // xz blocks read as lzo: a decompression error, not a panic
    let mut lzo = golden("sample_1.0_amd64.snap");
    lzo[20..22].copy_from_slice(&3u16.to_le_bytes());
    let e = error_of(&lzo, |sq| {
        sq.read_file("meta/snap.yaml", READ_CAP).map(drop)
    });
    assert!(matches!(e, SquashfsError::Decompress(_)), "{e}");

    let base = golden("sample-uncompressed.snap");
    let with = |at: usize, bytes: &[u8]| {
        let mut d = base.clone();
        d[at..at + bytes.len()].copy_from_slice(bytes);
        Squashfs::from_bytes(d)
            .expect_err("bad superblock")
            .to_string()
    };
    assert_eq!(with(0, b"sqsh"), "not a squashfs image");
    assert_eq!(
        with(28, &3u16.to_le_bytes()),
        "unsupported squashfs version 3.0"
    );
    assert_eq!(
        with(12, &1000u32.to_le_bytes()),
        "corrupt squashfs image: bad block size"
    );
    assert_eq!(
        with(20, &9u16.to_le_bytes()),
        "corrupt squashfs image: unknown compression id"
    );
    assert_eq!(
        with(40, &u64::MAX.to_le_bytes()),
        "corrupt squashfs image: bytes used exceeds the image"
    );
    assert_eq!(
        with(64, &u64::MAX.to_le_bytes()),
        "corrupt squashfs image: inode or directory table out of place"
    );
}

#[test]
fn truncated_images_are_errors() {
    let check = check();
    for name in [
        "sample_1.0_amd64.snap",
        "sample-uncompressed.snap",
        "sample-gzip-fragments.snap",
    ] {
        let image = golden(name);
        let used = u64_at(&image, 40) as usize;
        for len in (0..used).step_by(61).chain([used - 1]) {
            let cut = &image[..len];
            assert!(read_everything(cut).is_err(), "{name} cut at {len}");
            if len % 7 == 0 {
                check.input("truncated", cut);
            }
        }
    }
}

/// Deterministic random mutations (xorshift) of every golden, most of them in the tables.
#[test]
fn mutated_images_never_panic_and_stay_bounded() {
    let check = check();
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut rnd = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut refused = 0;
    for name in [
        "sample_1.0_amd64.snap",
        "sample-uncompressed.snap",
        "sample-gzip-fragments.snap",
        "sample-xz-noI.snap",
        "sample-lzo.snap",
    ] {
        let image = golden(name);
        let tables = u64_at(&image, 64) as usize;
        let used = u64_at(&image, 40) as usize;
        for _ in 0..150 {
            let mut m = image.clone();
            for _ in 0..1 + rnd() % 4 {
                let at = match rnd() % 4 {
                    0 => (rnd() % 96) as usize,
                    _ => tables + (rnd() as usize) % (used - tables),
                };
                m[at] = rnd() as u8;
            }
            if read_everything(&m).is_err() {
                refused += 1;
            }
            check.input("mutated", &m);
        }
    }
    assert!(
        refused > 100,
        "only {refused} of 750 mutations were noticed"
    );
}

/// A walk that stops early is not an error, and the `Container` view maps it.
#[test]
fn skip_dir_and_stop_are_the_callers() {
    let sq = Squashfs::from_bytes(golden("sample-uncompressed.snap")).expect("open");
    let mut seen = Vec::new();
    sq.walk(".", &mut |st| {
        seen.push(st.path.clone());
        Ok(st.path != "lib")
    })
    .expect("walk");
    assert!(seen.contains(&"lib".to_string()));
    assert!(!seen.iter().any(|p| p.starts_with("lib/")));
    let _ = WalkControl::SkipDir;
}

/// Many entries in one directory and a deep chain of directories, made by mksquashfs at
/// 1×, 8× and 64×: memory within the budget and time linear in the image (a walk holds one
/// listing position per level, not the listings).
#[test]
fn walks_stay_linear() {
    if std::process::Command::new("mksquashfs")
        .arg("-version")
        .output()
        .is_err()
    {
        eprintln!("mksquashfs not on PATH: skipping the growth check");
        return;
    }
    // `extra`: -noI for an image whose size grows with its entries (xz packs 64× the names
    // into 9× the bytes, which a per-byte time limit would count against the reader)
    let image_of_with = |fill: &dyn Fn(&std::path::Path), extra: &[&str]| {
        let dir = tempfile::tempdir().expect("tmp");
        let src = dir.path().join("src");
        std::fs::create_dir(&src).expect("mkdir");
        fill(&src);
        let out = dir.path().join("x.snap");
        let st = std::process::Command::new("mksquashfs")
            .arg(&src)
            .arg(&out)
            .args([
                "-noappend",
                "-comp",
                "xz",
                "-no-progress",
                "-all-root",
                "-quiet",
            ])
            .args(extra)
            .status()
            .expect("mksquashfs");
        assert!(st.success());
        std::fs::read(&out).expect("image")
    };
    let image_of = |fill: &dyn Fn(&std::path::Path)| image_of_with(fill, &[]);
    let check = check();
    check.growth("many files", 100, |n| {
        image_of(&|src| {
            for i in 0..n {
                std::fs::write(src.join(format!("file-with-a-long-name-{i:06}")), "")
                    .expect("touch");
            }
        })
    });
    // and a lookup by path uses the directory index: every file of a large directory read
    // by path, in linear time
    let by_path = Check::new(
        "squashfs lookups",
        Limits {
            bytes_per_input_byte: 16,
            fixed_bytes: 3 << 20,
            ..Limits::default()
        },
        |input| {
            let sq = Squashfs::from_bytes(input.to_vec()).expect("image");
            for name in sq.list_dir(".").expect("root") {
                assert_eq!(sq.read_file(&name, READ_CAP).expect(&name), b"");
            }
        },
    );
    by_path.growth("every file by path", 100, |n| {
        image_of_with(
            &|src| {
                for i in 0..n {
                    std::fs::write(src.join(format!("file-with-a-long-name-{i:06}")), "")
                        .expect("touch");
                }
            },
            &["-noI"],
        )
    });
    check.growth("deep directories", 4, |n| {
        image_of(&|src| {
            let mut p = src.to_path_buf();
            for _ in 0..n {
                p.push("d");
            }
            std::fs::create_dir_all(&p).expect("mkdir -p");
            std::fs::write(p.join("leaf"), "x").expect("leaf");
        })
    });
}
