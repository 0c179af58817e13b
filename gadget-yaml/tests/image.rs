//! Volume images written for real gadgets (pc 16/20/24, pi 18/20/24, pi3 16, jetson tx1 with 18 partitions from offset 17408) read back with
//! `sfdisk --json` and `sgdisk -v` and compared with the layout; plus tool-free checks of
//! the bytes (GPT CRCs, protective MBR, boot code, offset-write, raw content).
//!
//! When a tool is missing the tool checks print a notice and pass, unless
//! `UCORE_REQUIRE_TOOLS=1` is set (`apt-get install -y fdisk gdisk`).

mod common;

use common::crate_dir;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use ucore_gadget_yaml::{
    GadgetInfo, ImageOptions, LaidOutVolume, LayoutOptions, ModelClass, image_size, validate,
    write_image,
};

fn tool(name: &str) -> Option<PathBuf> {
    for dir in ["/usr/sbin", "/sbin", "/usr/bin", "/bin", "/usr/local/sbin"] {
        let p = Path::new(dir).join(name);
        if p.exists() {
            return Some(p);
        }
    }
    if std::env::var("UCORE_REQUIRE_TOOLS").as_deref() == Ok("1") {
        panic!("{name} is required (UCORE_REQUIRE_TOOLS=1): apt-get install -y fdisk gdisk");
    }
    println!("notice: {name} not found, skipping its checks");
    None
}

fn laid_out(set_file: &str, model: ModelClass, gadget_dir: Option<&Path>) -> LaidOutVolume {
    let text = std::fs::read_to_string(crate_dir().join("tests/data").join(set_file)).unwrap();
    let info = GadgetInfo::parse(&text, model.model()).unwrap();
    validate(&info, model.model(), None).unwrap();
    let mut volumes = info
        .layout(&LayoutOptions {
            gadget_dir: gadget_dir.map(Path::to_path_buf),
        })
        .unwrap();
    assert_eq!(volumes.len(), 1);
    volumes.remove(0)
}

fn write(volume: &LaidOutVolume, gadget_dir: Option<&Path>) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let img = dir.path().join("disk.img");
    write_image(
        volume,
        gadget_dir,
        &img,
        &ImageOptions {
            guid_seed: Some(42),
        },
    )
    .unwrap();
    (dir, img)
}

/// Reads the image back with sfdisk and compares it with the layout.
fn check_with_sfdisk(volume: &LaidOutVolume, img: &Path) {
    let Some(sfdisk) = tool("sfdisk") else { return };
    let out = Command::new(sfdisk)
        .arg("--json")
        .arg(img)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "sfdisk: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table: Value = serde_json::from_slice(&out.stdout).unwrap();
    let table = &table["partitiontable"];
    let expected_label = if volume.volume.schema == "gpt" {
        "gpt"
    } else {
        "dos"
    };
    assert_eq!(table["label"], expected_label);
    assert_eq!(table["sectorsize"], 512);
    let parts = table["partitions"].as_array().unwrap();
    let laid: Vec<_> = volume
        .structures
        .iter()
        .filter(|l| l.partition_number.is_some())
        .collect();
    assert_eq!(parts.len(), laid.len(), "partition count");
    let mut uuids = std::collections::BTreeSet::new();
    for (p, l) in parts.iter().zip(&laid) {
        let s = &l.structure;
        assert_eq!(
            p["start"].as_u64().unwrap() * 512,
            l.start_offset,
            "{}",
            s.name
        );
        assert_eq!(p["size"].as_u64().unwrap() * 512, l.size, "{}", s.name);
        let node = p["node"].as_str().unwrap();
        assert!(node.ends_with(&l.partition_number.unwrap().to_string()));
        if expected_label == "gpt" {
            assert_eq!(
                p["type"].as_str().unwrap(),
                s.gpt_type().unwrap().to_uppercase(),
                "{}",
                s.name
            );
            assert_eq!(p["name"].as_str().unwrap_or(""), s.name);
            assert!(
                uuids.insert(p["uuid"].as_str().unwrap().to_string()),
                "unique GUIDs"
            );
        } else {
            let code = u8::from_str_radix(s.mbr_type().unwrap(), 16).unwrap();
            assert_eq!(
                p["type"].as_str().unwrap(),
                format!("{code:x}"),
                "{}",
                s.name
            );
        }
    }
    if expected_label == "gpt" {
        assert_eq!(table["firstlba"], 34);
        assert!(table["lastlba"].as_u64().unwrap() * 512 >= volume.size - 512);
        if let Some(sgdisk) = tool("sgdisk") {
            let out = Command::new(sgdisk).arg("-v").arg(img).output().unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(text.contains("No problems found"), "sgdisk -v:\n{text}");
        }
    }
}

fn round_trip(file: &str, model: ModelClass) -> LaidOutVolume {
    let volume = laid_out(&format!("corpus/{file}.yaml"), model, None);
    let (_dir, img) = write(&volume, None);
    let meta = std::fs::metadata(&img).unwrap();
    assert_eq!(meta.len(), image_size(&volume));
    assert!(meta.len() >= volume.size);
    {
        use std::os::unix::fs::MetadataExt;
        // Sparse: a few KiB of tables, not gigabytes.
        assert!(meta.blocks() * 512 < 1 << 20, "image is not sparse");
    }
    check_with_sfdisk(&volume, &img);
    volume
}

#[test]
fn pc_16_image() {
    let v = round_trip("canonical-pc-gadget__16", ModelClass::Uc16);
    assert_eq!(
        v.structures
            .iter()
            .filter(|l| l.partition_number.is_some())
            .count(),
        2
    );
}

#[test]
fn pc_20_image() {
    round_trip("canonical-pc-gadget__20", ModelClass::Uc20);
}

#[test]
fn pc_24_image() {
    let v = round_trip("canonical-pc-gadget__24-amd64", ModelClass::Uc20);
    assert_eq!(v.size, 3154116608);
}

#[test]
fn pi_images() {
    round_trip("canonical-pi-gadget__18-arm64", ModelClass::Uc16);
    round_trip("canonical-pi-gadget__20-arm64", ModelClass::Uc20);
    round_trip("canonical-pi-gadget__24", ModelClass::Uc20);
    round_trip("canonical-pi3-gadget__16", ModelClass::Uc16);
}

#[test]
fn jetson_image_with_18_partitions() {
    let v = round_trip(
        "alfonsosanchezbeato-jetson-gadget-snap__tx1",
        ModelClass::Uc16,
    );
    assert_eq!(v.structures.len(), 18);
    assert_eq!(v.structures[0].start_offset, 17408);
}

fn le32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
}

fn le64(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().unwrap())
}

/// Checks a GPT header's CRCs and fields, independently of the writer.
fn check_gpt_header(img: &[u8], lba: u64, total: u64) {
    let h = &img[(lba * 512) as usize..(lba * 512 + 92) as usize];
    assert_eq!(&h[0..8], b"EFI PART");
    let mut zeroed = h.to_vec();
    zeroed[16..20].fill(0);
    assert_eq!(le32(h, 16), crc32fast::hash(&zeroed), "header CRC");
    assert_eq!(le64(h, 24), lba);
    assert_eq!(le64(h, 32), if lba == 1 { total - 1 } else { 1 });
    let entries = le64(h, 72) as usize * 512;
    assert_eq!(
        le32(h, 88),
        crc32fast::hash(&img[entries..entries + 128 * 128]),
        "array CRC"
    );
}

#[test]
fn pc_like_image_has_boot_code_offset_write_and_content() {
    let gadget_dir = crate_dir().join("tests/data/gadget-dirs/uc16-pc-like");
    let volume = laid_out(
        "oracle-testdata/uc16-pc-like.yaml",
        ModelClass::Uc16,
        Some(&gadget_dir),
    );
    let (_dir, img_path) = write(&volume, Some(&gadget_dir));
    let img = std::fs::read(&img_path).unwrap();
    let total = img.len() as u64 / 512;
    let boot = std::fs::read(gadget_dir.join("pc-boot.img")).unwrap();
    let core = std::fs::read(gadget_dir.join("pc-core.img")).unwrap();
    // Boot code kept except the 4 bytes offset-write puts at mbr+92: BIOS Boot's LBA.
    assert_eq!(&img[..92], &boot[..92]);
    assert_eq!(le32(&img, 92), (1 << 20) / 512);
    assert_eq!(&img[96..440], &boot[96..440]);
    // Protective MBR.
    assert_eq!(img[446 + 4], 0xEE);
    assert_eq!(le32(&img, 446 + 8), 1);
    assert_eq!(&img[510..512], &[0x55, 0xAA]);
    // Raw content of BIOS Boot at 1 MiB.
    assert_eq!(&img[1 << 20..(1 << 20) + core.len()], &core[..]);
    check_gpt_header(&img, 1, total);
    check_gpt_header(&img, total - 1, total);
    // The first entry is BIOS Boot: type GUID 21686148-…, name in UTF-16LE.
    let e = &img[1024..1024 + 128];
    assert_eq!(
        uuid::Uuid::from_bytes_le(e[0..16].try_into().unwrap()).to_string(),
        "21686148-6449-6e6f-744e-656564454649"
    );
    let name: Vec<u16> = e[56..56 + 18]
        .chunks(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    assert_eq!(String::from_utf16(&name).unwrap(), "BIOS Boot");
    check_with_sfdisk(&volume, &img_path);
}

#[test]
fn raw_content_image_copies_images_to_their_offsets() {
    let gadget_dir = crate_dir().join("tests/data/gadget-dirs/raw-content");
    let volume = laid_out(
        "oracle-testdata/raw-content.yaml",
        ModelClass::None,
        Some(&gadget_dir),
    );
    let (_dir, img_path) = write(&volume, Some(&gadget_dir));
    let img = std::fs::read(&img_path).unwrap();
    for l in &volume.structures {
        for c in &l.content {
            let data = std::fs::read(gadget_dir.join(&c.image)).unwrap();
            let at = c.start_offset as usize;
            assert_eq!(&img[at..at + data.len()], &data[..], "{}", c.image);
        }
    }
    // b.img sits 1 MiB into "loader" (which starts at 1 MiB).
    let b = volume.structures[1]
        .content
        .iter()
        .find(|c| c.image == "b.img")
        .unwrap();
    assert_eq!(b.start_offset, 2 << 20);
    check_with_sfdisk(&volume, &img_path);
}

#[test]
fn images_with_the_same_seed_are_identical_and_guids_differ_between_seeds() {
    let volume = laid_out(
        "corpus/canonical-pc-gadget__16.yaml",
        ModelClass::Uc16,
        None,
    );
    let dir = tempfile::tempdir().unwrap();
    let mut tables = Vec::new();
    for (i, seed) in [1u64, 1, 2].iter().enumerate() {
        let p = dir.path().join(format!("{i}.img"));
        write_image(
            &volume,
            None,
            &p,
            &ImageOptions {
                guid_seed: Some(*seed),
            },
        )
        .unwrap();
        let b = std::fs::read(&p).unwrap();
        tables.push(b[..34 * 512].to_vec());
    }
    assert_eq!(tables[0], tables[1]);
    assert_ne!(tables[0], tables[2]);
}

#[test]
fn mbr_volume_with_more_than_four_partitions_is_refused() {
    let text = "volumes:\n  disk:\n    schema: mbr\n    bootloader: u-boot\n    structure:\n"
        .to_string()
        + &(0..5)
            .map(|i| format!("      - name: p{i}\n        type: \"83\"\n        size: 1M\n"))
            .collect::<String>();
    let info = GadgetInfo::parse(&text, None).unwrap();
    let v = info.layout(&LayoutOptions::default()).unwrap().remove(0);
    let dir = tempfile::tempdir().unwrap();
    let err = write_image(
        &v,
        None,
        &dir.path().join("x.img"),
        &ImageOptions::default(),
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("5 partitions do not fit an MBR table"),
        "{err}"
    );
}

#[test]
fn rb3_multi_volume_images_one_per_volume() {
    let text =
        std::fs::read_to_string(crate_dir().join("tests/data/corpus/kubiko-rb3-gadget__22.yaml"))
            .unwrap();
    let model = ModelClass::Uc20;
    let info = GadgetInfo::parse(&text, model.model()).unwrap();
    validate(&info, model.model(), None).unwrap();
    let volumes = info.layout(&LayoutOptions::default()).unwrap();
    assert_eq!(volumes.len(), 6);
    let mut partitions = 0;
    for v in &volumes {
        let (_dir, img) = write(v, None);
        check_with_sfdisk(v, &img);
        partitions += v
            .structures
            .iter()
            .filter(|l| l.partition_number.is_some())
            .count();
    }
    assert!(partitions > 60, "{partitions}");
}

#[test]
fn partial_sizes_cannot_be_written() {
    let text = std::fs::read_to_string(
        crate_dir().join("tests/data/corpus/snapd-tests__muinstaller-real-gadget-partial.yaml"),
    )
    .unwrap();
    let model = ModelClass::Uc20Classic;
    let info = GadgetInfo::parse(&text, model.model()).unwrap();
    let v = info.layout(&LayoutOptions::default()).unwrap().remove(0);
    let dir = tempfile::tempdir().unwrap();
    let err = write_image(
        &v,
        None,
        &dir.path().join("x.img"),
        &ImageOptions::default(),
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("has no size (a partial gadget"),
        "{err}"
    );
    assert!(
        !dir.path().join("x.img").exists(),
        "nothing written for a refused layout"
    );
}
