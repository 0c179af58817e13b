//! Disk images of UC16 and UC20 trees built from the fixture snaps, and of a gadget with
//! raw content and a bare structure, read back with the system's tools: `sfdisk --json`
//! and `sgdisk -v` for the table, `fsck.vfat -n` / `e2fsck -fn` on the partitions, `mdir` /
//! `mtype` and `debugfs` for their files.

mod boot_support;

use std::path::Path;

use boot_support::{LABEL, prepared, run, tools};
use ucore_image::boot::make_bootable;
use ucore_image::disk::{write_disk_images, write_resolved_content};
use ucore_image::progress::Progress;

const MIB: u64 = 1 << 20;

#[derive(Default)]
struct Events(std::sync::Mutex<Vec<String>>);

impl Progress for Events {
    fn start(&self, what: &str, total: u64) {
        self.0.lock().unwrap().push(format!("start {what} {total}"));
    }
    fn finish(&self, what: &str) {
        self.0.lock().unwrap().push(format!("finish {what}"));
    }
}

/// The partitions `sfdisk --json` lists: (start sector, sectors, type).
fn partitions(image: &Path) -> Vec<(u64, u64, String)> {
    let json: serde_json::Value =
        serde_json::from_str(&run("sfdisk", &["--json", image.to_str().unwrap()])).unwrap();
    json["partitiontable"]["partitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["start"].as_u64().unwrap(),
                p["size"].as_u64().unwrap(),
                p["type"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Copies `size` bytes at `offset` of `image` to `dst`.
fn extract(image: &Path, offset: u64, size: u64, dst: &Path) {
    use std::io::{Read, Seek};
    let mut f = std::fs::File::open(image).unwrap();
    f.seek(std::io::SeekFrom::Start(offset)).unwrap();
    let mut out = std::fs::File::create(dst).unwrap();
    std::io::copy(&mut f.take(size), &mut out).unwrap();
}

fn mtools(image: &Path, offset: u64, cmd: &str, path: &str) -> String {
    run(
        cmd,
        &["-i", &format!("{}@@{offset}", image.display()), path],
    )
}

#[test]
fn uc16_image_has_the_esp_with_grub_files_and_an_implicit_writable() {
    if !tools(&[
        "sfdisk",
        "sgdisk",
        "fsck.vfat",
        "e2fsck",
        "debugfs",
        "mdir",
        "mtype",
        "mkfs.ext4",
    ]) {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let (contents, tree) = prepared(false, t.path());
    make_bootable(&contents, &tree).unwrap();
    write_resolved_content(&contents.model, &tree).unwrap();
    // The ESP has no gadget content: nothing resolved (spec §9.1).
    assert!(!t.path().join("resolved-content").exists());
    let events = Events::default();
    let images = write_disk_images(&contents.model, &tree, &events).unwrap();
    assert_eq!(images.len(), 1);
    let img = &images[0];
    assert_eq!(img.volume, "pc");
    assert_eq!(img.path, t.path().join("pc.img"));
    assert_eq!(std::fs::metadata(&img.path).unwrap().len(), img.size);
    assert_eq!(
        *events.0.lock().unwrap(),
        [format!("start pc {}", img.size), "finish pc".to_string()]
    );
    // No scratch left behind.
    let names: Vec<_> = std::fs::read_dir(t.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with(".disk"))
        .collect();
    assert!(names.is_empty(), "{names:?}");

    run("sgdisk", &["-v", img.path.to_str().unwrap()]);
    let parts = partitions(&img.path);
    assert_eq!(parts.len(), 2, "{parts:?}");
    let (esp, data) = (&parts[0], &parts[1]);
    assert_eq!((esp.0, esp.1), (2048, 50 * MIB / 512));
    assert_eq!(esp.2, "C12A7328-F81F-11D2-BA4B-00A0C93EC93B");
    assert_eq!(data.0, 2048 + 50 * MIB / 512);
    assert_eq!(data.2, "0FC63DAF-8483-4772-8E79-3D69D8477DE4");

    let esp_off = esp.0 * 512;
    let esp_img = t.path().join("esp.img");
    extract(&img.path, esp_off, esp.1 * 512, &esp_img);
    run("fsck.vfat", &["-n", esp_img.to_str().unwrap()]);
    let listing = mtools(&img.path, esp_off, "mdir", "::/EFI/ubuntu");
    assert!(
        listing.contains("grubenv") && listing.contains("grub"),
        "{listing}"
    );
    let grubenv = mtools(&img.path, esp_off, "mtype", "::/EFI/ubuntu/grubenv");
    assert!(
        grubenv.starts_with("# GRUB Environment Block\nsnap_mode=\n"),
        "{grubenv}"
    );
    assert!(grubenv.contains("snap_kernel=pc-kernel_1.snap\n"));

    let data_img = t.path().join("writable.img");
    extract(&img.path, data.0 * 512, data.1 * 512, &data_img);
    let data_path = data_img.to_str().unwrap();
    run("e2fsck", &["-fn", data_path]);
    assert!(run("e2label", &[data_path]).starts_with("writable"));
    let ls = run(
        "debugfs",
        &[
            "-R",
            "ls -l /system-data/var/lib/snapd/seed/snaps",
            data_path,
        ],
    );
    for snap in [
        "core_1.snap",
        "pc-kernel_1.snap",
        "pc_1.snap",
        "hello-oracle_1.snap",
    ] {
        assert!(ls.contains(snap), "{snap} in {ls}");
    }
    let seed_yaml = run(
        "debugfs",
        &[
            "-R",
            "cat /system-data/var/lib/snapd/seed/seed.yaml",
            data_path,
        ],
    );
    assert_eq!(seed_yaml, "snaps: []\n");
    let link = run(
        "debugfs",
        &[
            "-R",
            "stat /system-data/var/lib/snapd/snaps/core_1.snap",
            data_path,
        ],
    );
    assert!(
        link.contains("Fast link dest: \"../seed/snaps/core_1.snap\""),
        "{link}"
    );
    // boot/ stays out of the writable partition.
    let root = run("debugfs", &["-R", "ls /system-data", data_path]);
    assert!(!root.contains("boot"), "{root}");
}

#[test]
fn uc20_image_has_ubuntu_seed_and_leaves_the_install_mode_partitions_blank() {
    if !tools(&["sfdisk", "sgdisk", "fsck.vfat", "mdir", "mtype"]) {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let (contents, tree) = prepared(true, t.path());
    make_bootable(&contents, &tree).unwrap();
    write_resolved_content(&contents.model, &tree).unwrap();
    let link = t.path().join("resolved-content/pc/part0");
    assert_eq!(
        std::fs::read_link(&link).unwrap(),
        std::path::absolute(tree.seed_dir()).unwrap()
    );
    let images =
        write_disk_images(&contents.model, &tree, &ucore_image::progress::NoProgress).unwrap();
    let img = &images[0].path;
    run("sgdisk", &["-v", img.to_str().unwrap()]);
    let names = run("sgdisk", &["-p", img.to_str().unwrap()]);
    for name in ["ubuntu-seed", "ubuntu-boot", "ubuntu-save", "ubuntu-data"] {
        assert!(names.contains(name), "{name} in {names}");
    }
    let parts = partitions(img);
    assert_eq!(parts.len(), 4);
    let seed = &parts[0];
    assert_eq!(seed.1, 1200 * MIB / 512);
    let seed_img = t.path().join("seed.img");
    extract(img, seed.0 * 512, seed.1 * 512, &seed_img);
    run("fsck.vfat", &["-n", seed_img.to_str().unwrap()]);
    let off = seed.0 * 512;
    let snaps = mtools(img, off, "mdir", "::/snaps");
    assert!(snaps.contains("pc-kernel_1.snap"), "{snaps}");
    let cfg = mtools(img, off, "mtype", "::/EFI/ubuntu/grub.cfg");
    assert!(cfg.starts_with("# Snapd-Boot-Config-Edition: 1\n"));
    let env = mtools(img, off, "mtype", &format!("::/systems/{LABEL}/grubenv"));
    assert!(env.contains("snapd_recovery_kernel=/snaps/pc-kernel_1.snap\n"));
    // ubuntu-boot, ubuntu-save, ubuntu-data: no filesystem, all zero (sparse).
    use std::io::{Read, Seek};
    let mut f = std::fs::File::open(img).unwrap();
    for p in &parts[1..] {
        let mut head = vec![0u8; 4096];
        f.seek(std::io::SeekFrom::Start(p.0 * 512 + 1024)).unwrap();
        f.read_exact(&mut head).unwrap();
        assert!(
            head.iter().all(|b| *b == 0),
            "no filesystem at sector {}",
            p.0
        );
    }
    // The image is sparse: far less on disk than its size.
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(img).unwrap();
    assert!(
        meta.blocks() * 512 < meta.len() / 10,
        "{} of {}",
        meta.blocks() * 512,
        meta.len()
    );
}

#[test]
fn raw_content_bare_structures_and_gadget_content_land_where_the_gadget_says() {
    if !tools(&["sfdisk", "fsck.vfat", "mtype", "mkfs.ext4", "e2fsck"]) {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let (contents, tree) = prepared(false, t.path());
    let g = tree.gadget_dir();
    std::fs::write(g.join("pc-boot.img"), vec![0xAB; 440]).unwrap();
    std::fs::write(g.join("pc-core.img"), vec![0xCD; 3000]).unwrap();
    std::fs::write(g.join("grubx64.efi"), "efi binary").unwrap();
    std::fs::write(
        g.join("meta/gadget.yaml"),
        r#"volumes:
  pc:
    schema: mbr
    bootloader: grub
    structure:
      - name: mbr
        type: mbr
        size: 440
        content:
          - image: pc-boot.img
      - name: BIOS Boot
        type: bare
        size: 1M
        offset: 1M
        content:
          - image: pc-core.img
            offset: 512
      - name: EFI System
        type: "0C"
        filesystem: vfat
        filesystem-label: system-boot
        size: 50M
        content:
          - source: grubx64.efi
            target: EFI/boot/
      - name: writable
        type: "83"
        role: system-data
        filesystem: ext4
        size: 64M
"#,
    )
    .unwrap();
    make_bootable(&contents, &tree).unwrap();
    write_resolved_content(&contents.model, &tree).unwrap();
    assert_eq!(
        std::fs::read(
            t.path()
                .join("resolved-content/pc/part2/EFI/boot/grubx64.efi")
        )
        .unwrap(),
        b"efi binary"
    );
    let images =
        write_disk_images(&contents.model, &tree, &ucore_image::progress::NoProgress).unwrap();
    let img = &images[0].path;
    let bytes = std::fs::read(img).unwrap();
    assert!(bytes[..440].iter().all(|b| *b == 0xAB), "mbr boot code");
    assert_eq!(&bytes[510..512], &[0x55, 0xAA]);
    let core = (MIB + 512) as usize;
    assert!(
        bytes[core..core + 3000].iter().all(|b| *b == 0xCD),
        "raw image at its offset"
    );
    assert!(bytes[core - 512..core].iter().all(|b| *b == 0));
    drop(bytes);
    let parts = partitions(img);
    // The bare structure and the mbr get no partition; the gadget's writable is used.
    assert_eq!(parts.len(), 2, "{parts:?}");
    assert_eq!(parts[0].0, 2 * MIB / 512);
    assert_eq!(parts[1].1, 64 * MIB / 512);
    let esp = t.path().join("esp.img");
    extract(img, parts[0].0 * 512, parts[0].1 * 512, &esp);
    run("fsck.vfat", &["-n", esp.to_str().unwrap()]);
    assert_eq!(
        mtools(img, parts[0].0 * 512, "mtype", "::/EFI/boot/grubx64.efi"),
        "efi binary"
    );
    let data = t.path().join("data.img");
    extract(img, parts[1].0 * 512, parts[1].1 * 512, &data);
    run("e2fsck", &["-fn", data.to_str().unwrap()]);
}

#[test]
fn errors_name_the_volume_and_structure() {
    if !tools(&["mkfs.ext4"]) {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let (contents, tree) = prepared(false, t.path());
    std::fs::write(
        tree.gadget_dir().join("meta/gadget.yaml"),
        r#"volumes:
  pc:
    bootloader: grub
    structure:
      - name: EFI System
        type: EF,C12A7328-F81F-11D2-BA4B-00A0C93EC93B
        filesystem: vfat
        filesystem-label: system-boot
        size: 50M
      - name: tiny
        role: system-data
        type: 83,0FC63DAF-8483-4772-8E79-3D69D8477DE4
        filesystem: ext4
        size: 1M
"#,
    )
    .unwrap();
    // Big enough not to fit 1 MiB.
    std::fs::write(tree.seed_dir().join("snaps/big.snap"), vec![1u8; 2 << 20]).unwrap();
    make_bootable(&contents, &tree).unwrap();
    let err = write_disk_images(&contents.model, &tree, &ucore_image::progress::NoProgress)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("volume \"pc\", structure #1 (\"tiny\"): mkfs.ext4 failed"),
        "{err}"
    );
}
