//! A repair pass over a vfat filesystem `fatfs` 0.3.6 wrote: its `create_dir` puts a
//! long-name entry before each of a directory's `.` and `..` entries, and links `..` of a
//! top-level directory to the root's cluster, where FAT wants `.` and `..` as the first two
//! entries and cluster 0 for the root. `fsck.fat` reports both (and Linux, firmware and
//! GRUB find `.`/`..` by position). This pass walks the directory tree from the root and
//! rewrites each directory's first four entries as `.`, `..` and two deleted slots.
//!
//! Both are fixed on rust-fatfs's main branch (pull requests #99 and #100; issue #117),
//! not yet in a release: drop this pass when a release after 0.3.6 has them.
//!
//! Every number read from the image is checked: a cluster outside the data area ends a
//! chain, a directory seen twice is skipped, and the work is bounded by the cluster count.

use std::collections::HashSet;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};

const ENTRY: usize = 32;
const ATTR_LFN: u8 = 0x0F;
const ATTR_DIR: u8 = 0x10;
const ATTR_VOLUME: u8 = 0x08;
const DELETED: u8 = 0xE5;
const DOT: &[u8; 11] = b".          ";
const DOTDOT: &[u8; 11] = b"..         ";

struct Geometry {
    bytes_per_cluster: u64,
    first_data: u64,
    clusters: u32,
    bits: u8,
    fat: Vec<u8>,
    /// FAT12/16: the fixed root directory (offset, bytes); FAT32: `None`.
    fixed_root: Option<(u64, u64)>,
    root_cluster: u32,
}

fn le16(b: &[u8], at: usize) -> u64 {
    b.get(at..at + 2)
        .map_or(0, |x| u64::from(u16::from_le_bytes([x[0], x[1]])))
}

fn le32(b: &[u8], at: usize) -> u64 {
    b.get(at..at + 4).map_or(0, |x| {
        u64::from(u32::from_le_bytes([x[0], x[1], x[2], x[3]]))
    })
}

fn bad(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_string())
}

fn read_at(f: &mut File, offset: u64, len: u64) -> io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    f.seek(SeekFrom::Start(offset))?;
    f.take(len).read_to_end(&mut buf)?;
    Ok(buf)
}

impl Geometry {
    fn read(f: &mut File) -> io::Result<Geometry> {
        let b = read_at(f, 0, 512)?;
        let bps = le16(&b, 11);
        let spc = b.get(13).copied().map_or(0, u64::from);
        let reserved = le16(&b, 14);
        let fats = b.get(16).copied().map_or(0, u64::from);
        let root_entries = le16(&b, 17);
        let total = match le16(&b, 19) {
            0 => le32(&b, 32),
            n => n,
        };
        let fat_sectors = match le16(&b, 22) {
            0 => le32(&b, 36),
            n => n,
        };
        if bps == 0 || spc == 0 || fats == 0 || fat_sectors == 0 {
            return Err(bad("not a FAT boot sector"));
        }
        let root_sectors = (root_entries * ENTRY as u64).div_ceil(bps);
        let fat_start = reserved * bps;
        let first_data_sector = reserved + fats * fat_sectors + root_sectors;
        let clusters = total.saturating_sub(first_data_sector) / spc;
        let bits = if clusters < 4085 {
            12
        } else if clusters < 65525 {
            16
        } else {
            32
        };
        let fat = read_at(f, fat_start, fat_sectors * bps)?;
        Ok(Geometry {
            bytes_per_cluster: bps * spc,
            first_data: first_data_sector * bps,
            clusters: u32::try_from(clusters).map_err(|_| bad("too many clusters"))?,
            bits,
            fat,
            fixed_root: (bits != 32).then(|| {
                (
                    fat_start + fats * fat_sectors * bps,
                    root_entries * ENTRY as u64,
                )
            }),
            root_cluster: u32::try_from(le32(&b, 44)).unwrap_or(0),
        })
    }

    fn valid(&self, cluster: u32) -> bool {
        cluster >= 2 && cluster < self.clusters.saturating_add(2)
    }

    fn next(&self, cluster: u32) -> Option<u32> {
        let c = cluster as usize;
        let next = match self.bits {
            12 => {
                let v = le16(&self.fat, c + c / 2) as u32;
                if c.is_multiple_of(2) {
                    v & 0xFFF
                } else {
                    v >> 4
                }
            }
            16 => le16(&self.fat, c * 2) as u32,
            _ => le32(&self.fat, c * 4) as u32 & 0x0FFF_FFFF,
        };
        self.valid(next).then_some(next)
    }

    fn offset(&self, cluster: u32) -> u64 {
        self.first_data + u64::from(cluster - 2) * self.bytes_per_cluster
    }

    /// The byte ranges of the directory starting at `cluster`.
    fn chain(&self, cluster: u32) -> Vec<(u64, u64)> {
        let mut out = Vec::new();
        let mut c = Some(cluster).filter(|c| self.valid(*c));
        while let Some(cl) = c {
            if out.len() > self.clusters as usize {
                break;
            }
            out.push((self.offset(cl), self.bytes_per_cluster));
            c = self.next(cl);
        }
        out
    }
}

/// Rewrites every subdirectory's `.`/`..` entries in the vfat filesystem in `f`.
pub(crate) fn fix_dot_entries(f: &mut File) -> io::Result<()> {
    let g = Geometry::read(f)?;
    let root = match g.fixed_root {
        Some(range) => vec![range],
        None => g.chain(g.root_cluster),
    };
    let mut seen = HashSet::new();
    // (ranges of the directory, whether it is the root)
    let mut stack = vec![(root, true)];
    while let Some((ranges, is_root)) = stack.pop() {
        for (offset, len) in ranges {
            let data = read_at(f, offset, len)?;
            for e in data.chunks_exact(ENTRY) {
                let (first, attr) = (e[0], e[11]);
                if first == 0 {
                    break;
                }
                if first == DELETED || attr == ATTR_LFN || attr & ATTR_VOLUME != 0 {
                    continue;
                }
                if attr & ATTR_DIR == 0 || e[..11] == DOT[..] || e[..11] == DOTDOT[..] {
                    continue;
                }
                let cluster = ((le16(e, 20) << 16) | le16(e, 26)) as u32;
                if !g.valid(cluster) || !seen.insert(cluster) {
                    continue;
                }
                fix_directory(f, &g, cluster, is_root)?;
                stack.push((g.chain(cluster), false));
            }
        }
    }
    f.flush()
}

/// Puts `.` and `..` first in the directory at `cluster`, if fatfs's layout is there.
fn fix_directory(f: &mut File, g: &Geometry, cluster: u32, parent_is_root: bool) -> io::Result<()> {
    let at = g.offset(cluster);
    let head = read_at(f, at, 4 * ENTRY as u64)?;
    let entry = |i: usize| head.get(i * ENTRY..(i + 1) * ENTRY);
    let (Some(e0), Some(e1), Some(e2), Some(e3)) = (entry(0), entry(1), entry(2), entry(3)) else {
        return Ok(());
    };
    if e0[11] != ATTR_LFN || e1[..11] != DOT[..] || e2[11] != ATTR_LFN || e3[..11] != DOTDOT[..] {
        return Ok(());
    }
    let mut dotdot = e3.to_vec();
    if parent_is_root {
        dotdot[20..22].fill(0);
        dotdot[26..28].fill(0);
    }
    let mut out = Vec::with_capacity(4 * ENTRY);
    out.extend_from_slice(e1);
    out.extend_from_slice(&dotdot);
    for lfn in [e0, e2] {
        let mut deleted = lfn.to_vec();
        deleted[0] = DELETED;
        out.extend_from_slice(&deleted);
    }
    f.seek(SeekFrom::Start(at))?;
    f.write_all(&out)
}
