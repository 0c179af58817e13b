//! Making UC16 and UC20 trees bootable, from the fixture snaps (spec §7.5, §9.1, §9.3).

mod boot_support;

use std::path::Path;

use boot_support::{LABEL, prepared};
use ucore_image::boot::{BootError, GrubEnv, RECOVERY_GRUB_CFG, UbootEnv, make_bootable};

fn grub_vars(path: &Path) -> Vec<(String, String)> {
    GrubEnv::load(path).unwrap().vars().to_vec()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn uc16_grub_gets_the_gadget_config_links_and_variables() {
    let t = tempfile::tempdir().unwrap();
    let (contents, tree) = prepared(false, t.path());
    make_bootable(&contents, &tree).unwrap();
    let image = tree.image_root();
    assert_eq!(
        std::fs::read(image.join("boot/grub/grub.cfg")).unwrap(),
        b""
    );
    for file in ["core_1.snap", "pc-kernel_1.snap"] {
        let link = image.join("var/lib/snapd/snaps").join(file);
        assert_eq!(
            std::fs::read_link(&link).unwrap(),
            Path::new("../seed/snaps").join(file)
        );
        assert!(link.exists(), "{file} resolves to the seed");
    }
    assert_eq!(
        grub_vars(&image.join("boot/grub/grubenv")),
        pairs(&[
            ("snap_mode", ""),
            ("snap_try_core", ""),
            ("snap_try_kernel", ""),
            ("snap_menuentry", "pc-oracle-16"),
            ("snap_core", "core_1.snap"),
            ("snap_kernel", "pc-kernel_1.snap"),
        ])
    );
    // No meta/force-kernel-extraction: GRUB loads the kernel from the snap.
    assert!(!image.join("boot/grub/pc-kernel_1.snap").exists());
    assert!(!image.join("etc/cloud").exists());
}

#[test]
fn uc16_grub_extracts_forced_kernel_assets_and_copies_cloud_conf() {
    let t = tempfile::tempdir().unwrap();
    let (contents, tree) = prepared(false, t.path());
    std::fs::write(tree.kernel_dir().join("meta/force-kernel-extraction"), "").unwrap();
    std::fs::create_dir_all(tree.kernel_dir().join("dtbs/vendor")).unwrap();
    std::fs::write(tree.kernel_dir().join("dtbs/vendor/board.dtb"), "dtb").unwrap();
    std::fs::write(tree.gadget_dir().join("cloud.conf"), "datasource: none\n").unwrap();
    make_bootable(&contents, &tree).unwrap();
    let assets = tree.image_root().join("boot/grub/pc-kernel_1.snap");
    assert_eq!(
        std::fs::read(assets.join("kernel.img")).unwrap(),
        b"kernel\n"
    );
    assert_eq!(
        std::fs::read(assets.join("dtbs/vendor/board.dtb")).unwrap(),
        b"dtb"
    );
    assert!(!assets.join("initrd.img").exists());
    assert_eq!(
        std::fs::read_to_string(tree.image_root().join("etc/cloud/cloud.cfg")).unwrap(),
        "datasource: none\n"
    );
}

#[test]
fn uc16_uboot_env_holds_the_set_variables_and_the_kernel_is_extracted() {
    let t = tempfile::tempdir().unwrap();
    let (contents, tree) = prepared(false, t.path());
    std::fs::remove_file(tree.gadget_dir().join("grub.conf")).unwrap();
    std::fs::write(tree.gadget_dir().join("uboot.conf"), "").unwrap();
    make_bootable(&contents, &tree).unwrap();
    let dir = tree.image_root().join("boot/uboot");
    let env = UbootEnv::load(&dir.join("uboot.env"), false).unwrap();
    assert_eq!(env.size(), 4096);
    let vars: Vec<_> = env
        .vars()
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        vars,
        [
            ("snap_core", "core_1.snap"),
            ("snap_kernel", "pc-kernel_1.snap"),
            ("snap_menuentry", "pc-oracle-16"),
        ]
    );
    assert_eq!(
        std::fs::read(dir.join("pc-kernel_1.snap/kernel.img")).unwrap(),
        b"kernel\n"
    );
}

#[test]
fn uc20_grub_gets_our_recovery_config_and_both_environments() {
    let t = tempfile::tempdir().unwrap();
    let (contents, tree) = prepared(true, t.path());
    make_bootable(&contents, &tree).unwrap();
    let seed = tree.seed_dir();
    let cfg = std::fs::read_to_string(seed.join("EFI/ubuntu/grub.cfg")).unwrap();
    assert_eq!(cfg, RECOVERY_GRUB_CFG);
    assert_eq!(cfg.lines().next(), Some("# Snapd-Boot-Config-Edition: 1"));
    for word in [
        "/EFI/ubuntu/grubenv",
        "snapd_recovery_mode",
        "snapd_recovery_system",
        "snapd_recovery_kernel",
        "kernel.efi",
        "/systems/",
    ] {
        assert!(cfg.contains(word), "the recovery config uses {word}");
    }
    assert_eq!(
        grub_vars(&seed.join("EFI/ubuntu/grubenv")),
        pairs(&[
            ("snapd_recovery_mode", "install"),
            ("snapd_recovery_system", LABEL)
        ])
    );
    assert_eq!(
        grub_vars(&seed.join("systems").join(LABEL).join("grubenv")),
        pairs(&[
            ("snapd_recovery_kernel", "/snaps/pc-kernel_1.snap"),
            ("snapd_extra_cmdline_args", ""),
            ("snapd_full_cmdline_args", ""),
        ])
    );
}

#[test]
fn uc20_gadget_command_line_goes_to_the_system_environment() {
    let t = tempfile::tempdir().unwrap();
    let (contents, tree) = prepared(true, t.path());
    std::fs::write(
        tree.gadget_dir().join("cmdline.extra"),
        "# serial console\nconsole=ttyS0,115200n8\n  quiet\n",
    )
    .unwrap();
    make_bootable(&contents, &tree).unwrap();
    let env = GrubEnv::load(&tree.system_dir().unwrap().join("grubenv")).unwrap();
    assert_eq!(
        env.get("snapd_extra_cmdline_args"),
        Some("console=ttyS0,115200n8 quiet")
    );
    assert_eq!(env.get("snapd_full_cmdline_args"), Some(""));

    let t = tempfile::tempdir().unwrap();
    let (contents, tree) = prepared(true, t.path());
    std::fs::write(
        tree.gadget_dir().join("cmdline.full"),
        "snapd_recovery_mode=run\n",
    )
    .unwrap();
    assert_eq!(
        make_bootable(&contents, &tree).unwrap_err().to_string(),
        "cannot obtain recovery system command line: cannot use kernel command line from gadget: \
         invalid kernel command line in cmdline.full: disallowed kernel argument \"snapd_recovery_mode=run\""
    );
}

#[test]
fn uc20_uboot_gets_boot_sel_and_the_recovery_kernel() {
    let t = tempfile::tempdir().unwrap();
    let (contents, tree) = prepared(true, t.path());
    std::fs::remove_file(tree.gadget_dir().join("grub.conf")).unwrap();
    std::fs::write(tree.gadget_dir().join("uboot.conf"), "").unwrap();
    make_bootable(&contents, &tree).unwrap();
    let seed = tree.seed_dir();
    let env = UbootEnv::load(&seed.join("uboot/ubuntu/boot.sel"), false).unwrap();
    assert_eq!(env.size(), 4096);
    assert_eq!(env.get("snapd_recovery_mode"), Some("install"));
    assert_eq!(env.get("snapd_recovery_system"), Some(LABEL));
    assert_eq!(
        std::fs::read(seed.join("systems").join(LABEL).join("kernel/kernel.img")).unwrap(),
        b"kernel\n"
    );
    assert!(!seed.join("EFI").exists());

    // A non-empty uboot.conf is refused on UC20+.
    let t = tempfile::tempdir().unwrap();
    let (contents, tree) = prepared(true, t.path());
    std::fs::remove_file(tree.gadget_dir().join("grub.conf")).unwrap();
    std::fs::write(tree.gadget_dir().join("uboot.conf"), "env").unwrap();
    assert_eq!(
        make_bootable(&contents, &tree).unwrap_err().to_string(),
        "non-empty uboot.env not supported on UC20+ yet"
    );
}

#[test]
fn refusals() {
    let t = tempfile::tempdir().unwrap();
    let (contents, tree) = prepared(true, t.path());
    std::fs::create_dir_all(tree.seed_dir().join("systems/20260101")).unwrap();
    assert!(matches!(
        make_bootable(&contents, &tree),
        Err(BootError::MultipleSystems)
    ));

    let t = tempfile::tempdir().unwrap();
    let (contents, tree) = prepared(false, t.path());
    std::fs::remove_file(tree.gadget_dir().join("grub.conf")).unwrap();
    assert_eq!(
        make_bootable(&contents, &tree).unwrap_err().to_string(),
        format!(
            "cannot find boot config in {:?}",
            tree.gadget_dir().display().to_string()
        )
    );
    std::fs::write(tree.gadget_dir().join("lk.conf"), "").unwrap();
    assert_eq!(
        make_bootable(&contents, &tree).unwrap_err().to_string(),
        "cannot make an image bootable with the lk bootloader yet"
    );
}
