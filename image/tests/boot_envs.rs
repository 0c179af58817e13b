//! The boot environments round-trip, and loading refuses what snapd refuses with snapd's
//! texts (`bootloader/grubenv`, `bootloader/ubootenv`).

use ucore_image::boot::{GrubEnv, UbootEnv};

#[test]
fn grubenv_is_1024_bytes_in_set_order_and_reads_back() {
    let t = tempfile::tempdir().unwrap();
    let p = t.path().join("grubenv");
    let mut env = GrubEnv::new();
    env.set("snap_mode", "");
    env.set("snap_core", "core_1.snap");
    env.set("snap_mode", "try");
    env.save(&p).unwrap();
    let bytes = std::fs::read(&p).unwrap();
    assert_eq!(bytes.len(), 1024);
    let text = "# GRUB Environment Block\nsnap_mode=try\nsnap_core=core_1.snap\n";
    assert_eq!(&bytes[..text.len()], text.as_bytes());
    assert!(bytes[text.len()..].iter().all(|b| *b == b'#'));
    assert_eq!(GrubEnv::load(&p).unwrap(), env);
}

#[test]
fn grubenv_refusals_carry_snapds_texts() {
    let t = tempfile::tempdir().unwrap();
    let p = t.path().join("grubenv");
    std::fs::write(&p, b"# GRUB Environment Block\n").unwrap();
    assert_eq!(
        GrubEnv::load(&p).unwrap_err().to_string(),
        format!(
            "grubenv {:?} must be exactly 1024 byte, got 25",
            p.display().to_string()
        )
    );
    std::fs::write(&p, [b'#'; 1024]).unwrap();
    assert_eq!(
        GrubEnv::load(&p).unwrap_err().to_string(),
        format!(
            "cannot find grubenv header in {:?}",
            p.display().to_string()
        )
    );
    let mut big = GrubEnv::new();
    big.set("k", &"v".repeat(1000));
    assert_eq!(
        big.save(&p).unwrap_err().to_string(),
        format!(
            "cannot write grubenv {:?}: bigger than 1024 bytes (1028)",
            p.display().to_string()
        )
    );
}

#[test]
fn uboot_env_has_a_crc_sorted_keys_and_ff_padding() {
    let t = tempfile::tempdir().unwrap();
    let p = t.path().join("uboot.env");
    let mut env = UbootEnv::new(64);
    env.set("snap_kernel", "pc-kernel_1.snap");
    env.set("snap_core", "core_1.snap");
    env.set("snap_mode", ""); // empty: not stored
    env.save(&p).unwrap();
    let bytes = std::fs::read(&p).unwrap();
    assert_eq!(bytes.len(), 64);
    let payload = b"snap_core=core_1.snap\0snap_kernel=pc-kernel_1.snap\0\0";
    assert_eq!(&bytes[5..5 + payload.len()], payload);
    assert!(bytes[5 + payload.len()..].iter().all(|b| *b == 0xff));
    assert_eq!(bytes[..4], crc32fast::hash(&bytes[5..]).to_le_bytes());
    assert_eq!(bytes[4], 0);
    assert_eq!(UbootEnv::load(&p, false).unwrap(), env);

    // An empty environment still ends with two NULs.
    let empty = UbootEnv::new(16).to_bytes(&p).unwrap();
    assert_eq!(
        &empty[5..],
        &[0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]
    );
}

#[test]
fn uboot_env_refusals_carry_snapds_texts() {
    let t = tempfile::tempdir().unwrap();
    let p = t.path().join("boot.sel");
    let q = format!("{:?}", p.display().to_string());
    std::fs::write(&p, [0u8; 3]).unwrap();
    assert_eq!(
        UbootEnv::load(&p, false).unwrap_err().to_string(),
        format!("cannot open {q}: smaller than expected header")
    );
    let mut bytes = UbootEnv::new(32).to_bytes(&p).unwrap();
    bytes[0] ^= 1;
    std::fs::write(&p, &bytes).unwrap();
    let actual = crc32fast::hash(&bytes[5..]);
    assert_eq!(
        UbootEnv::load(&p, false).unwrap_err().to_string(),
        format!("cannot open {q}: bad CRC {} != {actual}", actual ^ 1)
    );
    // A line without `=`: refused, or skipped with best effort.
    let mut payload = b"novalue\0a=b\0\0".to_vec();
    payload.resize(27, 0xff);
    let mut file = crc32fast::hash(&payload).to_le_bytes().to_vec();
    file.push(0);
    file.extend_from_slice(&payload);
    std::fs::write(&p, &file).unwrap();
    assert_eq!(
        UbootEnv::load(&p, false).unwrap_err().to_string(),
        "cannot parse line \"novalue\" as key=value pair"
    );
    assert_eq!(UbootEnv::load(&p, true).unwrap().get("a"), Some("b"));
}
