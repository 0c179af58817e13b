//! Writes a volume image as an image builder does after layout: a sparse file of the
//! volume's size with the partition table (GPT: protective MBR, primary and backup headers
//! and entry arrays; MBR: four primary entries), raw content copied to its offsets and the
//! `offset-write` LBA pointers. Filesystems are not created.
//!
//! The GPT writer is hand-written (with `crc32fast` for the header and entry checksums):
//! the layout dictates byte offsets, partition names, type GUIDs and the raw content that
//! shares LBA 0 with the protective MBR, which a disk-editing crate would have to be worked
//! around to express.

use std::fs::File;
use std::io::{Seek, SeekFrom, Write};
use std::path::Path;

use uuid::Uuid;

use crate::error::GadgetError;
use crate::layout::{LaidOutStructure, LaidOutVolume};

/// Logical sector size of the images written (what `sfdisk` and `sgdisk` assume for files).
pub const SECTOR_SIZE: u64 = 512;
/// Entries in a GPT partition array.
const GPT_ENTRIES: u64 = 128;
/// Bytes per GPT entry.
const GPT_ENTRY_SIZE: u64 = 128;
/// Sectors of the entry array (128 × 128 / 512).
const GPT_ARRAY_SECTORS: u64 = GPT_ENTRIES * GPT_ENTRY_SIZE / SECTOR_SIZE;
/// First LBA a partition may use after the primary header and array.
const GPT_FIRST_USABLE: u64 = 2 + GPT_ARRAY_SECTORS;

/// Options of [`write_image`].
#[derive(Debug, Clone, Default)]
pub struct ImageOptions {
    /// Derive the disk and partition GUIDs from this seed instead of at random (for
    /// reproducible images). Structure `id`s and a GUID volume `id` always win.
    pub guid_seed: Option<u64>,
}

/// The image size [`write_image`] uses for a laid-out volume: the volume size rounded up to
/// whole sectors, plus room for the backup GPT on GPT volumes.
pub fn image_size(volume: &LaidOutVolume) -> u64 {
    let sectors = volume.size.div_ceil(SECTOR_SIZE);
    let sectors = if volume.volume.schema == "gpt" {
        sectors.max(GPT_FIRST_USABLE) + GPT_ARRAY_SECTORS + 1
    } else {
        sectors.max(1)
    };
    sectors.saturating_mul(SECTOR_SIZE)
}

struct Guids {
    seed: Option<u64>,
    counter: u64,
}

impl Guids {
    fn next(&mut self) -> Uuid {
        match self.seed {
            None => Uuid::new_v4(),
            Some(seed) => {
                self.counter += 1;
                let mut bytes = [0u8; 16];
                let a = splitmix(seed ^ self.counter.wrapping_mul(0x9E37_79B9_7F4A_7C15));
                let b = splitmix(a);
                bytes[..8].copy_from_slice(&a.to_le_bytes());
                bytes[8..].copy_from_slice(&b.to_le_bytes());
                uuid::Builder::from_random_bytes(bytes).into_uuid()
            }
        }
    }
}

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Writes `volume` to `out` (created or truncated). Raw `image` content is read from
/// `gadget_dir` when the layout placed it (see [`crate::LayoutOptions::gadget_dir`]).
pub fn write_image(
    volume: &LaidOutVolume,
    gadget_dir: Option<&Path>,
    out: &Path,
    options: &ImageOptions,
) -> Result<(), GadgetError> {
    let fail = |message: String| GadgetError::Image {
        path: out.display().to_string(),
        message,
    };
    let io = |e: std::io::Error| fail(e.to_string());
    let size = image_size(volume);
    let mut guids = Guids {
        seed: options.guid_seed,
        counter: 0,
    };
    // Build the tables in memory first, so a refused layout leaves no file behind.
    let mut writes: Vec<(u64, Vec<u8>)> = Vec::new();
    match volume.volume.schema.as_str() {
        "gpt" => gpt_tables(volume, size, &mut guids, &mut writes).map_err(fail)?,
        "mbr" => mbr_table(volume, &mut guids, &mut writes).map_err(fail)?,
        other => {
            return Err(fail(format!(
                "cannot write a partition table for schema {other:?}"
            )));
        }
    }
    let mut file = File::create(out).map_err(io)?;
    file.set_len(size).map_err(io)?;
    // Raw content first, then the tables (so the table read back is the layout's even when
    // content strays into it; `lint` warns about that), then offset-write pointers.
    if let Some(dir) = gadget_dir {
        for l in &volume.structures {
            for c in &l.content {
                let data = std::fs::read(dir.join(&c.image))
                    .map_err(|e| fail(format!("cannot read content {:?}: {e}", c.image)))?;
                let keep = data
                    .len()
                    .min(usize::try_from(c.size).unwrap_or(usize::MAX));
                if let Some(bytes) = data.get(..keep) {
                    write_at(&mut file, c.start_offset, bytes).map_err(io)?;
                }
            }
        }
    }
    for (offset, bytes) in &writes {
        write_at(&mut file, *offset, bytes).map_err(io)?;
    }
    for l in &volume.structures {
        if let Some(at) = l.offset_write {
            let lba = u32::try_from(l.start_offset / SECTOR_SIZE).map_err(|_| {
                fail(format!(
                    "start of structure {} does not fit a 32-bit LBA",
                    l.structure.describe()
                ))
            })?;
            write_at(&mut file, at, &lba.to_le_bytes()).map_err(io)?;
        }
    }
    file.sync_all().map_err(io)?;
    Ok(())
}

fn write_at(file: &mut File, offset: u64, bytes: &[u8]) -> std::io::Result<()> {
    file.seek(SeekFrom::Start(offset))?;
    file.write_all(bytes)
}

fn partitions(volume: &LaidOutVolume) -> Vec<&LaidOutStructure> {
    volume
        .structures
        .iter()
        .filter(|l| l.partition_number.is_some())
        .collect()
}

fn sectors_of(l: &LaidOutStructure) -> Result<(u64, u64), String> {
    if l.size == 0 {
        return Err(format!(
            "partition {} has no size (a partial gadget: the installer decides it)",
            l.structure.describe()
        ));
    }
    if !l.start_offset.is_multiple_of(SECTOR_SIZE) || !l.size.is_multiple_of(SECTOR_SIZE) {
        return Err(format!(
            "partition {} (start {}, size {}) is not aligned to {SECTOR_SIZE}-byte sectors",
            l.structure.describe(),
            l.start_offset,
            l.size
        ));
    }
    Ok((l.start_offset / SECTOR_SIZE, l.size / SECTOR_SIZE))
}

fn mbr_entry(status: u8, kind: u8, first: u64, count: u64) -> Result<[u8; 16], String> {
    let first = u32::try_from(first).map_err(|_| "partition start beyond 2 TiB (MBR limit)")?;
    let count = u32::try_from(count).map_err(|_| "partition size beyond 2 TiB (MBR limit)")?;
    let mut e = [0u8; 16];
    e[0] = status;
    // CHS fields say "use LBA" (as modern tools write for large or unknown geometry).
    e[1..4].copy_from_slice(&[0xFE, 0xFF, 0xFF]);
    e[4] = kind;
    e[5..8].copy_from_slice(&[0xFE, 0xFF, 0xFF]);
    e[8..12].copy_from_slice(&first.to_le_bytes());
    e[12..16].copy_from_slice(&count.to_le_bytes());
    Ok(e)
}

/// The partition table area of LBA 0: bytes 446..512 (boot code and signature are kept).
fn mbr_table(
    volume: &LaidOutVolume,
    guids: &mut Guids,
    writes: &mut Vec<(u64, Vec<u8>)>,
) -> Result<(), String> {
    let parts = partitions(volume);
    if parts.len() > 4 {
        return Err(format!(
            "{} partitions do not fit an MBR table of 4 primary partitions",
            parts.len()
        ));
    }
    let mut table = Vec::with_capacity(66);
    for l in &parts {
        let code = l
            .structure
            .mbr_type()
            .ok_or_else(|| format!("structure {} has no MBR type", l.structure.describe()))?;
        let kind = u8::from_str_radix(code, 16).map_err(|_| format!("bad MBR type {code:?}"))?;
        let (first, count) = sectors_of(l)?;
        table.extend_from_slice(&mbr_entry(0, kind, first, count)?);
    }
    table.resize(64, 0);
    table.extend_from_slice(&[0x55, 0xAA]);
    // Disk signature: the volume id when it is hex, else a fresh one.
    let id = volume.volume.id.trim_start_matches("0x");
    let signature = u32::from_str_radix(id, 16).unwrap_or_else(|_| {
        u32::from_le_bytes(
            guids.next().as_bytes()[..4]
                .try_into()
                .unwrap_or([1, 2, 3, 4]),
        )
    });
    // Keep a signature that raw content (a 446-byte boot image) brings.
    let covered = volume
        .structures
        .iter()
        .flat_map(|l| &l.content)
        .any(|c| c.start_offset < 444 && c.start_offset.saturating_add(c.size) > 440);
    if !covered {
        writes.push((440, signature.to_le_bytes().to_vec()));
    }
    writes.push((446, table));
    Ok(())
}

fn gpt_tables(
    volume: &LaidOutVolume,
    size: u64,
    guids: &mut Guids,
    writes: &mut Vec<(u64, Vec<u8>)>,
) -> Result<(), String> {
    let total = size / SECTOR_SIZE;
    if total < GPT_FIRST_USABLE + GPT_ARRAY_SECTORS + 1 {
        return Err(format!("{size} bytes are too small for a GPT"));
    }
    let last_lba = total - 1;
    let backup_array = last_lba - GPT_ARRAY_SECTORS;
    let last_usable = backup_array - 1;
    let parts = partitions(volume);
    if parts.len() as u64 > GPT_ENTRIES {
        return Err(format!(
            "{} partitions do not fit a GPT of 128 entries",
            parts.len()
        ));
    }
    let mut array = vec![0u8; (GPT_ENTRIES * GPT_ENTRY_SIZE) as usize];
    for (i, l) in parts.iter().enumerate() {
        let s = &l.structure;
        let type_guid = s
            .gpt_type()
            .and_then(|t| Uuid::parse_str(t).ok())
            .ok_or_else(|| format!("structure {} has no GPT type GUID", s.describe()))?;
        let (first, count) = sectors_of(l)?;
        if first < GPT_FIRST_USABLE || first + count - 1 > last_usable {
            return Err(format!(
                "partition {} (sectors {first}..{}) is outside the usable GPT area {GPT_FIRST_USABLE}..{last_usable}",
                s.describe(),
                first + count - 1
            ));
        }
        let unique = Uuid::parse_str(&s.id).unwrap_or_else(|_| guids.next());
        let name: Vec<u16> = s.name.encode_utf16().collect();
        if name.len() > 36 {
            return Err(format!(
                "structure name {:?} is longer than the 36 UTF-16 units of a GPT name",
                s.name
            ));
        }
        let at = i * GPT_ENTRY_SIZE as usize;
        let Some(e) = array.get_mut(at..at + GPT_ENTRY_SIZE as usize) else {
            continue;
        };
        e[0..16].copy_from_slice(&type_guid.to_bytes_le());
        e[16..32].copy_from_slice(&unique.to_bytes_le());
        e[32..40].copy_from_slice(&first.to_le_bytes());
        e[40..48].copy_from_slice(&(first + count - 1).to_le_bytes());
        for (j, unit) in name.iter().enumerate() {
            e[56 + 2 * j..58 + 2 * j].copy_from_slice(&unit.to_le_bytes());
        }
    }
    let array_crc = crc32fast::hash(&array);
    let disk_guid = Uuid::parse_str(&volume.volume.id).unwrap_or_else(|_| guids.next());
    let header = |my_lba: u64, alternate: u64, entries_lba: u64| -> Vec<u8> {
        let mut h = vec![0u8; 92];
        h[0..8].copy_from_slice(b"EFI PART");
        h[8..12].copy_from_slice(&0x0001_0000u32.to_le_bytes());
        h[12..16].copy_from_slice(&92u32.to_le_bytes());
        h[24..32].copy_from_slice(&my_lba.to_le_bytes());
        h[32..40].copy_from_slice(&alternate.to_le_bytes());
        h[40..48].copy_from_slice(&GPT_FIRST_USABLE.to_le_bytes());
        h[48..56].copy_from_slice(&last_usable.to_le_bytes());
        h[56..72].copy_from_slice(&disk_guid.to_bytes_le());
        h[72..80].copy_from_slice(&entries_lba.to_le_bytes());
        h[80..84].copy_from_slice(&(GPT_ENTRIES as u32).to_le_bytes());
        h[84..88].copy_from_slice(&(GPT_ENTRY_SIZE as u32).to_le_bytes());
        h[88..92].copy_from_slice(&array_crc.to_le_bytes());
        let crc = crc32fast::hash(&h);
        h[16..20].copy_from_slice(&crc.to_le_bytes());
        h
    };
    // Protective MBR entry (boot code at 0..440 is left to the mbr structure's content).
    let mut pmbr = mbr_entry(0, 0xEE, 1, (total - 1).min(u64::from(u32::MAX)))?.to_vec();
    pmbr[1..4].copy_from_slice(&[0x00, 0x02, 0x00]);
    pmbr.resize(64, 0);
    pmbr.extend_from_slice(&[0x55, 0xAA]);
    writes.push((446, pmbr));
    writes.push((SECTOR_SIZE, header(1, last_lba, 2)));
    writes.push((2 * SECTOR_SIZE, array.clone()));
    writes.push((backup_array * SECTOR_SIZE, array));
    writes.push((last_lba * SECTOR_SIZE, header(last_lba, 1, backup_array)));
    Ok(())
}
