//! Conformance tests ported from the test tables of snapd's `gadget/` package
//! (gadget_test.go, validate_test.go, layout_test.go, gadget_emmc_test.go, kcmdline_test.go,
//! quantity/*_test.go): parse,
//! validate, layout and scalar tables, for the HEAD behaviour the 2.57 oracle cannot show
//! (min-size, partial, emmc, system-seed-null, system-boot-state, vfat label case,
//! volume-assignments, kernel-cmdline, offset-write bounds, classic with modes).

use ucore_gadget_yaml::{
    GadgetError, GadgetInfo, LayoutOptions, LintCode, ModelClass, Position, Stage,
    ValidationConstraints, Volume, VolumeStructure, layout_volume, lint, validate,
};

const GPT_LINUX: &str = "83,0FC63DAF-8483-4772-8E79-3D69D8477DE4";

fn parse(yaml: &str, model: ModelClass) -> Result<GadgetInfo, GadgetError> {
    GadgetInfo::parse(yaml, model.model())
}

fn outcome(yaml: &str, model: ModelClass) -> String {
    match parse(yaml, model).and_then(|i| validate(&i, model.model(), None)) {
        Ok(()) => "ok".into(),
        Err(e) => e.to_string(),
    }
}

fn parse_err(yaml: &str, model: ModelClass) -> String {
    match parse(yaml, model) {
        Ok(_) => "ok".into(),
        Err(e) => e.to_string(),
    }
}

/// A one-volume gadget `pc` (schema `schema`) whose structure list is `structures`.
fn gadget(schema: &str, structures: &str) -> String {
    let schema = if schema.is_empty() {
        String::new()
    } else {
        format!("    schema: {schema}\n")
    };
    format!("volumes:\n  pc:\n{schema}    bootloader: grub\n    structure:\n{structures}")
}

/// One structure with the given extra lines (each `key: value`).
fn structure(lines: &[&str]) -> String {
    let mut out = String::new();
    for (i, l) in lines.iter().enumerate() {
        out.push_str(if i == 0 { "      - " } else { "        " });
        out.push_str(l);
        out.push('\n');
    }
    out
}

fn one(lines: &[&str]) -> String {
    gadget("", &structure(lines))
}

// --- TestValidateStructureType (with schemas) ---------------------------------------

#[test]
fn structure_type_against_schema() {
    let rows: &[(&str, &str, &str)] = &[
        (
            "gpt",
            "83",
            r#"invalid type "83": MBR structure type with non-MBR schema "gpt""#,
        ),
        (
            "",
            "0C",
            r#"invalid type "0C": MBR structure type with non-MBR schema "gpt""#,
        ),
        (
            "mbr",
            "0FC63DAF-8483-4772-8E79-3D69D8477DE4",
            r#"invalid type "0FC63DAF-8483-4772-8E79-3D69D8477DE4": GUID structure type with non-GPT schema "mbr""#,
        ),
        ("mbr", "83", "ok"),
        ("gpt", "0fc63daf-8483-4772-8e79-3d69d8477de4", "ok"),
        ("mbr", GPT_LINUX, "ok"),
        ("gpt", GPT_LINUX, "ok"),
        ("mbr", "bare", "ok"),
        ("gpt", "bare", "ok"),
        ("gpt", "0c", r#"invalid type "0c": invalid format"#),
        ("gpt", "", r#"invalid type "": type is not specified"#),
        (
            "gpt",
            "83,0FC63DAF",
            r#"invalid type "83,0FC63DAF": invalid format of hybrid type"#,
        ),
    ];
    for (schema, t, want) in rows {
        let typ = format!("type: \"{t}\"");
        let y = gadget(schema, &structure(&["name: s", &typ, "size: 1M"]));
        let got = parse_err(&y, ModelClass::None);
        let want = if *want == "ok" {
            "ok".to_string()
        } else {
            format!(r#"invalid volume "pc": invalid structure #0 ("s"): {want}"#)
        };
        assert_eq!(got, want, "schema {schema:?} type {t:?}");
    }
}

// --- TestValidateRole ------------------------------------------------------------------

#[test]
fn roles() {
    let p = r#"invalid volume "pc": invalid structure #0 ("s"): "#;
    let rows: &[(&[&str], &str)] = &[
        (&["type: bare", "role: mbr", "size: 446"], "ok"),
        (
            &["type: bare", "role: mbr", "size: 447"],
            r#"invalid role "mbr": mbr structures cannot be larger than 446 bytes"#,
        ),
        (
            &["type: bare", "role: mbr", "size: 440", "id: 123"],
            r#"invalid role "mbr": mbr structure must not specify partition ID"#,
        ),
        (
            &["type: bare", "role: mbr", "size: 440", "filesystem: vfat"],
            r#"invalid role "mbr": mbr structures must not specify a file system"#,
        ),
        (
            &["type: bare", "role: mbr", "size: 440", "filesystem: none"],
            "ok",
        ),
        (
            &["type: bare", "role: system-data", "size: 1M"],
            r#"invalid role "system-data": conflicting type: "bare""#,
        ),
        (
            &["type: mbr", "role: system-data", "size: 440"],
            r#"invalid role "system-data": conflicting legacy type: "mbr""#,
        ),
        (
            &[
                &format!("type: {GPT_LINUX}"),
                "role: system-recovery-image",
                "size: 1M",
            ],
            r#"invalid role "system-recovery-image": unsupported role"#,
        ),
        (
            &[&format!("type: {GPT_LINUX}"), "role: foobar", "size: 1M"],
            r#"invalid role "foobar": unsupported role"#,
        ),
        (
            &[
                &format!("type: {GPT_LINUX}"),
                "role: system-boot-image",
                "size: 1M",
            ],
            "ok",
        ),
        (
            &[
                &format!("type: {GPT_LINUX}"),
                "role: bootselect",
                "size: 1M",
            ],
            "ok",
        ),
    ];
    for (lines, want) in rows {
        let mut l = vec!["name: s"];
        l.extend_from_slice(lines);
        let got = parse_err(&one(&l), ModelClass::None);
        let want = if *want == "ok" {
            "ok".to_string()
        } else {
            format!("{p}{want}")
        };
        assert_eq!(got, want, "{lines:?}");
    }
}

#[test]
fn mbr_after_a_min_size_structure_has_no_offset() {
    let y = gadget(
        "",
        &(structure(&[
            "name: a",
            &format!("type: {GPT_LINUX}"),
            "size: 2M",
            "min-size: 1M",
        ]) + &structure(&["name: m", "type: mbr", "size: 440"])),
    );
    assert_eq!(
        parse_err(&y, ModelClass::None),
        r#"invalid volume "pc": structure "m" has "mbr" role and must start at offset 0"#
    );
}

// --- TestValidateFilesystem, TestValidateVolumeSchema --------------------------------

#[test]
fn filesystems() {
    for (fs, ok) in [
        ("ext4", true),
        ("vfat", true),
        ("vfat-16", true),
        ("vfat-32", true),
        ("none", true),
        ("EXT4", false),
        ("ext3", false),
    ] {
        let f = format!("filesystem: {fs}");
        let t = format!("type: {GPT_LINUX}");
        let got = parse_err(&one(&["name: s", &t, &f, "size: 1M"]), ModelClass::None);
        if ok {
            assert_eq!(got, "ok", "{fs}");
        } else {
            assert_eq!(
                got,
                format!(
                    r#"invalid volume "pc": invalid structure #0 ("s"): invalid filesystem "{fs}""#
                )
            );
        }
    }
}

#[test]
fn schemas() {
    for (schema, want) in [
        ("gpt", "ok"),
        ("mbr", "ok"),
        ("GPT", r#"invalid volume "pc": invalid schema "GPT""#),
        ("dos", r#"invalid volume "pc": invalid schema "dos""#),
        (
            "mbr,gpt",
            r#"invalid volume "pc": invalid schema "mbr,gpt""#,
        ),
    ] {
        let y = gadget(schema, &structure(&["name: s", "type: bare", "size: 1M"]));
        assert_eq!(parse_err(&y, ModelClass::None), want, "{schema}");
    }
}

// --- TestValidateVolumeSchemaNotOverlapWithGPT (logged warnings) ----------------------

#[test]
fn gpt_header_warnings() {
    let strong = "WARNING: invalid structure: GPT header or GPT partition table overlapped with structure \"s\"";
    let weak =
        "WARNING: GPT header or GPT partition table might be overlapped with structure \"s\"";
    for (offset, size, want) in [
        ("0", "512", None),
        ("0", "4096", Some(weak)),
        ("512", "4096", Some(strong)),
        ("512", "3584", Some(weak)),
        ("4096", "1M", Some(strong)),
        ("17408", "1M", Some(weak)),
        ("24576", "1M", None),
        ("1M", "1M", None),
    ] {
        let o = format!("offset: {offset}");
        let s = format!("size: {size}");
        let info = parse(&one(&["name: s", "type: bare", &o, &s]), ModelClass::None).unwrap();
        let got: Vec<&str> = info.warnings.iter().map(|w| w.message.as_str()).collect();
        assert_eq!(got, want.into_iter().collect::<Vec<_>>(), "offset {offset}");
        if want.is_some() {
            assert_eq!(
                info.warnings[0].position,
                Some(Position {
                    line: 7,
                    column: 17
                })
            );
        }
    }
    // MBR volumes get no GPT warning.
    let y = gadget(
        "mbr",
        &structure(&["name: s", "type: bare", "offset: 4096", "size: 1M"]),
    );
    assert!(parse(&y, ModelClass::None).unwrap().warnings.is_empty());
}

// --- Labels: TestGadgetDuplicateFsLabel(WithCase) -------------------------------------

fn two_labels(fs1: &str, l1: &str, fs2: &str, l2: &str) -> String {
    let t = format!("type: {GPT_LINUX}");
    let (f1, f2) = (format!("filesystem: {fs1}"), format!("filesystem: {fs2}"));
    let (a, b) = (
        format!("filesystem-label: {l1}"),
        format!("filesystem-label: {l2}"),
    );
    gadget(
        "",
        &(structure(&["name: a", &t, &f1, &a, "size: 1M"])
            + &structure(&["name: b", &t, &f2, &b, "size: 1M"])),
    )
}

#[test]
fn duplicate_labels() {
    let dup = |l: &str| format!(r#"invalid volume "pc": filesystem label "{l}" is not unique"#);
    let n = ModelClass::None;
    assert_eq!(
        parse_err(&two_labels("ext4", "foo", "ext4", "foo"), n),
        dup("foo")
    );
    assert_eq!(
        parse_err(&two_labels("ext4", "foo", "ext4", "FOO"), n),
        "ok"
    );
    assert_eq!(
        parse_err(&two_labels("vfat", "foo", "vfat", "FOO"), n),
        dup("FOO")
    );
    assert_eq!(
        parse_err(&two_labels("ext4", "foo", "vfat", "FOO"), n),
        dup("FOO")
    );
    assert_eq!(
        parse_err(&two_labels("vfat", "foo", "ext4", "FOO"), n),
        dup("FOO")
    );
    assert_eq!(
        parse_err(&two_labels("vfat-32", "foo", "ext4", "Foo"), n),
        dup("Foo")
    );
    assert_eq!(parse_err(&two_labels("ext4", "a", "ext4", "b"), n), "ok");
}

#[test]
fn implied_label_clash_under_uc16_and_no_model() {
    let t = format!("type: {GPT_LINUX}");
    let data = |n: &str| {
        let name = format!("name: {n}");
        structure(&[
            &name,
            &t,
            "filesystem: ext4",
            "role: system-data",
            "size: 1M",
        ])
    };
    let y = gadget("", &(data("a") + &data("b")));
    assert_eq!(
        parse_err(&y, ModelClass::Uc16),
        r#"invalid volume "pc": filesystem label "writable" is implied by system-data role but was already set elsewhere"#
    );
    // Without a model no label is implied: parsing passes, Validate fails.
    assert_eq!(parse_err(&y, ModelClass::None), "ok");
    assert_eq!(
        outcome(&y, ModelClass::None),
        "cannot have more than one partition with system-data role"
    );
}

// --- TestGadgetImplicitRoleLegacySystemBoot, TestGadgetImplicitFSLabelUC20 -----------

#[test]
fn implicit_roles_and_labels() {
    let t = format!("type: {GPT_LINUX}");
    let boot = one(&[
        "name: s",
        &t,
        "filesystem: vfat",
        "filesystem-label: system-boot",
        "size: 1M",
    ]);
    let role = |m| {
        parse(&boot, m).unwrap().volumes["pc"].structures[0]
            .role
            .clone()
    };
    assert_eq!(role(ModelClass::Uc16), "system-boot");
    assert_eq!(role(ModelClass::Classic), "system-boot");
    assert_eq!(role(ModelClass::None), "");
    assert_eq!(role(ModelClass::Uc20), "");

    for (r, uc16, uc20) in [
        ("system-data", "writable", "ubuntu-data"),
        ("system-seed", "", "ubuntu-seed"),
        ("system-seed-null", "", "ubuntu-seed"),
        ("system-boot", "", "ubuntu-boot"),
        ("system-save", "", "ubuntu-save"),
        ("system-boot-image", "", ""),
    ] {
        let rl = format!("role: {r}");
        let y = one(&["name: s", &t, "filesystem: ext4", &rl, "size: 1M"]);
        let label = |m| {
            parse(&y, m).unwrap().volumes["pc"].structures[0]
                .label
                .clone()
        };
        assert_eq!(label(ModelClass::None), "", "{r}");
        assert_eq!(label(ModelClass::Uc16), uc16, "{r}");
        assert_eq!(label(ModelClass::Uc20), uc20, "{r}");
        assert_eq!(label(ModelClass::Uc20Classic), uc20, "{r}");
    }
    // An explicit label is kept.
    let y = one(&[
        "name: s",
        &t,
        "filesystem: ext4",
        "role: system-data",
        "filesystem-label: mine",
        "size: 1M",
    ]);
    assert_eq!(
        parse(&y, ModelClass::Uc20).unwrap().volumes["pc"].structures[0].label,
        "mine"
    );
}

// --- Implicit offsets, ordering, sizes (TestVolumeSizes, TestOrderStructuresByOffset) --

#[test]
fn implicit_offsets_bump_and_min_size_chain() {
    // bare at 1000 size 100, then a bare without offset: bumped to 1 MiB.
    let y = gadget(
        "",
        &(structure(&["name: a", "type: bare", "offset: 1000", "size: 100"])
            + &structure(&["name: b", "type: bare", "size: 100"])),
    );
    let v = &parse(&y, ModelClass::None).unwrap().volumes["pc"];
    assert_eq!(v.structures[1].offset, Some(1 << 20));
    // A min-size range leaves the next offset unknown, and the image layout uses size.
    let t = format!("type: {GPT_LINUX}");
    let y = gadget(
        "",
        &(structure(&["name: a", &t, "size: 32M", "min-size: 16M"])
            + &structure(&["name: b", &t, "size: 1M"])),
    );
    let info = parse(&y, ModelClass::None).unwrap();
    let v = &info.volumes["pc"];
    assert_eq!(v.structures[0].offset, Some(1 << 20));
    assert_eq!(v.structures[1].offset, None);
    assert_eq!(v.min_size(), (1 << 20) + (16 << 20) + (1 << 20));
    assert_eq!(v.size(), (1 << 20) + (32 << 20) + (1 << 20));
    let laid = layout_volume(v, &LayoutOptions::default(), Some(&info)).unwrap();
    assert_eq!(laid.structures[1].start_offset, 33 << 20);
}

#[test]
fn pc_24_sizes_and_layout() {
    let y = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/corpus/canonical-pc-gadget__24-amd64.yaml"
    ))
    .unwrap();
    let info = parse(&y, ModelClass::Uc20).unwrap();
    let v = &info.volumes["pc"];
    assert_eq!(v.min_size(), 3137339392);
    assert_eq!(v.size(), 3154116608);
    let laid = layout_volume(v, &LayoutOptions::default(), Some(&info)).unwrap();
    let starts: Vec<u64> = laid.structures.iter().map(|l| l.start_offset).collect();
    assert_eq!(
        starts,
        [0, 1 << 20, 2 << 20, 1260388352, 2046820352, 2080374784]
    );
    let data = laid.structures.last().unwrap();
    assert_eq!(
        data.structure.offset, None,
        "data follows a min-size structure"
    );
    assert_eq!(data.partition_number, Some(5));
}

#[test]
fn ordering_uses_sorted_indices_in_messages() {
    let y = gadget(
        "",
        &(structure(&["name: A", "type: bare", "offset: 2M", "size: 1M"])
            + &structure(&["name: B", "type: bogus", "offset: 1M", "size: 1M"])),
    );
    assert_eq!(
        parse_err(&y, ModelClass::None),
        r#"invalid volume "pc": invalid structure #0 ("B"): invalid type "bogus": invalid format"#
    );
    let y = gadget(
        "",
        &(structure(&["name: A", "type: bare", "offset: 3M", "size: 1M"])
            + &structure(&["name: B", "type: bare", "offset: 1M", "size: 1M"])
            + &structure(&["name: C", "type: bare", "size: 1M"])),
    );
    let v = &parse(&y, ModelClass::None).unwrap().volumes["pc"];
    let order: Vec<(&str, usize)> = v
        .structures
        .iter()
        .map(|s| (s.name.as_str(), s.yaml_index))
        .collect();
    assert_eq!(order, [("B", 1), ("C", 2), ("A", 0)]);
}

// --- TestValidStartOffset ---------------------------------------------------------------

#[test]
fn valid_start_offsets() {
    // Built as snapd's test builds it (the YAML form would overlap at parse time).
    let s = |name: &str, offset: Option<u64>, min: u64, size: u64| VolumeStructure {
        name: name.into(),
        type_: "bare".into(),
        offset,
        min_size: min,
        size,
        ..VolumeStructure::default()
    };
    let v = Volume {
        name: "pc".into(),
        schema: "gpt".into(),
        structures: vec![
            s("a", Some(0), 10, 20),
            s("b", None, 10, 20),
            s("c", None, 10, 20),
            s("d", Some(50), 100, 100),
        ],
        ..Volume::default()
    };
    assert_eq!(
        (v.min_structure_offset(1), v.max_structure_offset(1)),
        (10, Some(20))
    );
    assert_eq!(
        (v.min_structure_offset(2), v.max_structure_offset(2)),
        (20, Some(40))
    );
    assert_eq!(
        (v.min_structure_offset(3), v.max_structure_offset(3)),
        (50, Some(50))
    );
    assert!(v.check_valid_start_offset(15, 1).is_ok());
    assert_eq!(
        v.check_valid_start_offset(21, 1),
        Err(
            "offset 21 (21 B) is not in the valid gadget interval (min: 10 (10 B): max: 20 (20 B))"
                .into()
        )
    );
    assert!(v.check_valid_start_offset(49, 3).is_err());
}

// --- TestValidateOffsetWrite ------------------------------------------------------------

#[test]
fn offset_write_rules() {
    let mbr = structure(&["name: mbr", "type: mbr", "size: 440"]);
    let with = |ow: &str| {
        gadget(
            "",
            &(mbr.clone()
                + &structure(&[
                    "name: b",
                    &format!("type: {GPT_LINUX}"),
                    "size: 1M",
                    &format!("offset-write: {ow}"),
                ])),
        )
    };
    assert_eq!(parse_err(&with("mbr+92"), ModelClass::None), "ok");
    assert_eq!(
        parse_err(&with("b+92"), ModelClass::None),
        r#"invalid volume "pc": structure "b" refers to an unexpected structure "b""#
    );
    assert_eq!(
        parse_err(&with("mbr+437"), ModelClass::None),
        r#"invalid volume "pc": structure "b" wants to write offset of 4 bytes to 437, outside of referred structure "mbr""#
    );
    assert_eq!(parse_err(&with("2097148"), ModelClass::None), "ok");
    assert_eq!(
        parse_err(&with("2097149"), ModelClass::None),
        r#"invalid volume "pc": structure "b" wants to write offset of 4 bytes to 2097149, outside of volume of min size 2097152"#
    );
    let first_not_at_zero = gadget(
        "",
        &(structure(&["name: a", "type: bare", "offset: 1M", "size: 1M"])
            + &structure(&["name: b", "type: bare", "size: 1M", "offset-write: a+8"])),
    );
    assert_eq!(
        parse_err(&first_not_at_zero, ModelClass::None),
        r#"invalid volume "pc": structure "b" refers to structure "a", which does not have 0 offset"#
    );
}

// --- TestGadgetValidPartials and partial errors -----------------------------------------

#[test]
fn partial_volumes() {
    let y = "volumes:\n  pc:\n    partial: [structure, filesystem, size]\n    bootloader: grub\n    structure:\n      - name: ubuntu-seed\n        role: system-seed-null\n        type: EF,C12A7328-F81F-11D2-BA4B-00A0C93EC93B\n        min-size: 10M\n      - name: ubuntu-data\n        role: system-data\n        type: 83,0FC63DAF-8483-4772-8E79-3D69D8477DE4\n";
    let info = parse(y, ModelClass::Uc20Classic).unwrap();
    let s = &info.volumes["pc"].structures;
    assert_eq!(s[0].size, 0);
    assert!(
        s[1].has_filesystem(true),
        "partial filesystem: a typed partition has one"
    );
    assert_eq!(
        info.volumes["pc"].max_structure_offset(1),
        None,
        "unbounded after a partial size"
    );
    let y2 = "volumes:\n  pc:\n    partial: [schema]\n    schema: gpt\n    bootloader: grub\n";
    assert_eq!(
        parse_err(y2, ModelClass::None),
        r#"invalid volume "pc": partial schema is set but schema is still specified as "gpt""#
    );
    let y3 = "volumes:\n  pc:\n    partial: [size, size]\n    bootloader: grub\n";
    assert_eq!(
        parse_err(y3, ModelClass::None),
        r#"invalid volume "pc": partial value "size" is repeated"#
    );
    let y4 = "volumes:\n  pc:\n    partial: [colour]\n    bootloader: grub\n";
    assert_eq!(
        parse_err(y4, ModelClass::None),
        r#"invalid volume "pc": "colour" is not a valid partial value"#
    );
    let y5 = "volumes:\n  pc:\n    partial: [schema]\n    bootloader: grub\n    structure:\n      - name: a\n        type: 0FC63DAF-8483-4772-8E79-3D69D8477DE4\n        size: 1M\n";
    assert_eq!(
        parse_err(y5, ModelClass::None),
        r#"invalid volume "pc": invalid structure #0 ("a"): invalid type "0FC63DAF-8483-4772-8E79-3D69D8477DE4": both MBR type and GUID structure type needs to be defined on partial schemas"#
    );
    let y6 = "volumes:\n  pc:\n    partial: [schema]\n    bootloader: grub\n    structure:\n      - name: a\n        type: 83,0FC63DAF-8483-4772-8E79-3D69D8477DE4\n        size: 1M\n";
    assert_eq!(
        parse(y6, ModelClass::None).unwrap().volumes["pc"].schema,
        ""
    );
}

// --- system-boot-state ---------------------------------------------------------------------

#[test]
fn system_boot_state_rules() {
    let t = "type: 3de21764-95bd-54bd-a5c3-4abe786f38a8";
    let p =
        r#"invalid volume "pc": invalid structure #0 ("s"): invalid role "system-boot-state": "#;
    assert_eq!(
        parse_err(
            &one(&[
                "name: s",
                "role: system-boot-state",
                t,
                "offset: 1M",
                "size: 1M"
            ]),
            ModelClass::Uc20
        ),
        "ok"
    );
    assert_eq!(
        parse_err(
            &one(&["name: s", "role: system-boot-state", t, "size: 1M"]),
            ModelClass::Uc20
        ),
        format!("{p}system-boot-state role requires explicit offset")
    );
    assert_eq!(
        parse_err(
            &one(&[
                "name: s",
                "role: system-boot-state",
                t,
                "offset: 1M",
                "size: 1000"
            ]),
            ModelClass::Uc20
        ),
        format!("{p}system-boot-state partition must be at least 1 MiB, got 1000 B")
    );
    assert_eq!(
        parse_err(
            &one(&[
                "name: s",
                "role: system-boot-state",
                t,
                "offset: 1M",
                "size: 2M",
                "min-size: 1M"
            ]),
            ModelClass::Uc20
        ),
        format!("{p}system-boot-state role does not support min-size")
    );
    assert_eq!(
        parse_err(
            &one(&[
                "name: s",
                "role: system-boot-state",
                t,
                "offset: 1M",
                "size: 1M",
                "filesystem: ext4"
            ]),
            ModelClass::Uc20
        ),
        format!("{p}system-boot-state role must have no filesystem")
    );
    assert_eq!(
        parse_err(
            &one(&[
                "name: s",
                "role: system-boot-state",
                &format!("type: {GPT_LINUX}"),
                "offset: 1M",
                "size: 1M"
            ]),
            ModelClass::Uc20
        ),
        format!(
            "{p}system-boot-state role requires type 3DE21764-95BD-54BD-A5C3-4ABE786F38A8, got {GPT_LINUX}"
        )
    );
}

// --- eMMC (gadget_emmc_test.go) --------------------------------------------------------------

#[test]
fn emmc_volumes() {
    let emmc = |body: &str| {
        format!(
            "volumes:\n  pc:\n    bootloader: grub\n    structure:\n      - name: a\n        type: bare\n        size: 1M\n  my-emmc:\n    schema: emmc\n    structure:\n{body}"
        )
    };
    let ok = emmc(
        "      - name: boot0\n        offset: 1000\n        content:\n          - image: boot0.img\n",
    );
    let info = parse(&ok, ModelClass::None).unwrap();
    assert_eq!(
        info.volumes["my-emmc"].structures[0].offset,
        Some(0),
        "offsets are forced to 0"
    );
    assert_eq!(outcome(&ok, ModelClass::None), "ok");
    for (field, line) in [
        ("size", "size: 1M"),
        ("type", "type: bare"),
        ("role", "role: system-data"),
        ("filesystem", "filesystem: ext4"),
        ("id", "id: 1"),
    ] {
        let y = emmc(&format!("      - name: boot0\n        {line}\n"));
        assert_eq!(
            parse_err(&y, ModelClass::None),
            format!(
                r#"invalid volume "my-emmc": invalid structure #0 ("boot0"): "{field}" not allowed for emmc volume structures"#
            )
        );
    }
    let y = emmc(
        "      - name: boot0\n        content:\n          - image: a.img\n            offset: 1\n",
    );
    assert_eq!(
        parse_err(&y, ModelClass::None),
        r#"invalid volume "my-emmc": invalid structure #0 ("boot0"): invalid content #0: cannot specify size or offset for content"#
    );
    let y = emmc("      - name: boot2\n");
    assert_eq!(
        outcome(&y, ModelClass::None),
        r#"cannot use "boot2" as emmc name, only ["boot0" "boot1"] is allowed"#
    );
}

// --- Validate: reserved labels and role consistency ------------------------------------------

#[test]
fn reserved_labels() {
    let y = |fs: &str, l: &str| {
        one(&[
            "name: s",
            &format!("type: {GPT_LINUX}"),
            &format!("filesystem: {fs}"),
            &format!("filesystem-label: {l}"),
            "size: 1M",
        ])
    };
    let reserved = |l: &str| {
        format!(r#"invalid volume "pc": invalid structure #0 ("s"): label "{l}" is reserved"#)
    };
    assert_eq!(
        outcome(&y("ext4", "ubuntu-data"), ModelClass::None),
        reserved("ubuntu-data")
    );
    assert_eq!(
        outcome(&y("ext4", "ubuntu-seed"), ModelClass::Uc16),
        reserved("ubuntu-seed")
    );
    assert_eq!(
        outcome(&y("ext4", "ubuntu-boot"), ModelClass::Uc16),
        "ok",
        "not reserved without modes"
    );
    assert_eq!(
        outcome(&y("vfat", "UBUNTU-DATA"), ModelClass::None),
        reserved("UBUNTU-DATA"),
        "vfat ignores case"
    );
    assert_eq!(outcome(&y("ext4", "UBUNTU-DATA"), ModelClass::None), "ok");
}

/// (roles with labels, model, outcome).
type RoleRow<'a> = (&'a [(&'a str, &'a str)], ModelClass, &'a str);

fn roles_gadget(roles: &[(&str, &str)]) -> String {
    let mut s = String::new();
    for (i, (role, label)) in roles.iter().enumerate() {
        let mut l = vec![
            format!("name: s{i}"),
            format!("type: {GPT_LINUX}"),
            "filesystem: ext4".into(),
            format!("role: {role}"),
            "size: 10M".into(),
        ];
        if !label.is_empty() {
            l.push(format!("filesystem-label: {label}"));
        }
        let refs: Vec<&str> = l.iter().map(String::as_str).collect();
        s.push_str(&structure(&refs));
    }
    gadget("", &s)
}

#[test]
fn role_consistency_with_model() {
    use ModelClass::*;
    let rows: &[RoleRow] = &[
        (
            &[],
            Uc20,
            "model requires system-seed partition, but no system-seed or system-data partition found",
        ),
        (&[], Uc16, "ok"),
        (
            &[("system-seed", "")],
            Uc20,
            "the system-seed role requires system-data to be defined",
        ),
        (
            &[("system-data", "")],
            Uc20,
            "model requires system-seed structure, but none was found",
        ),
        (&[("system-data", "")], Uc16, "ok"),
        (&[("system-data", "writable")], Uc16, "ok"),
        (
            &[("system-data", "foo")],
            Uc16,
            r#"system-data structure must have an implicit label or "writable", not "foo""#,
        ),
        (
            &[("system-seed", ""), ("system-data", "")],
            Uc16,
            "model does not support the system-seed role",
        ),
        (&[("system-seed", ""), ("system-data", "")], Uc20, "ok"),
        (
            &[("system-seed", ""), ("system-data", "writable")],
            Uc20,
            r#"system-data structure must have an implicit label or "ubuntu-data", not "writable""#,
        ),
        (
            &[("system-data", ""), ("system-save", "")],
            Uc16,
            "model does not support the system-save role",
        ),
        (
            &[
                ("system-seed", ""),
                ("system-data", ""),
                ("system-save", ""),
            ],
            Uc20,
            "ok",
        ),
        (
            &[
                ("system-seed", ""),
                ("system-data", ""),
                ("system-save", "foo"),
            ],
            Uc20,
            r#"system-save structure must have an implicit label or "ubuntu-save", not "foo""#,
        ),
        (
            &[("system-seed", ""), ("system-seed", "x")],
            Uc20,
            "cannot have more than one partition with system-seed role",
        ),
        (
            &[("system-seed", "a"), ("system-seed-null", "b")],
            Uc20,
            "cannot have more than one partition with system-seed/system-seed-null role",
        ),
        // Classic with modes.
        (
            &[("system-boot", ""), ("system-data", "")],
            Uc20Classic,
            "ok",
        ),
        (
            &[
                ("system-seed-null", ""),
                ("system-boot", ""),
                ("system-data", ""),
                ("system-save", ""),
            ],
            Uc20Classic,
            "ok",
        ),
        (
            &[("system-seed-null", ""), ("system-data", "")],
            Uc20Classic,
            "system-boot and system-data roles are needed on classic",
        ),
        (
            &[("system-boot", "foo"), ("system-data", "")],
            Uc20Classic,
            r#"system-boot structure must have an implicit label or "ubuntu-boot", not "foo""#,
        ),
        (&[("system-boot", ""), ("system-data", "")], Classic, "ok"),
    ];
    for (roles, model, want) in rows {
        assert_eq!(
            outcome(&roles_gadget(roles), *model),
            *want,
            "{roles:?} {model:?}"
        );
    }
}

#[test]
fn role_consistency_without_model_is_inferred() {
    // With a seed-null and no model, the classic-with-modes rules apply.
    let y = roles_gadget(&[("system-seed-null", ""), ("system-data", "")]);
    assert_eq!(
        outcome(&y, ModelClass::None),
        "system-boot and system-data roles are needed on classic"
    );
    // With a seed and no model, the UC20 rules apply (labels may be empty).
    let y = roles_gadget(&[("system-seed", ""), ("system-data", "")]);
    assert_eq!(outcome(&y, ModelClass::None), "ok");
}

#[test]
fn roles_across_volumes() {
    let y = "volumes:\n  one:\n    bootloader: grub\n    structure:\n      - name: seed\n        role: system-seed\n        type: EF,C12A7328-F81F-11D2-BA4B-00A0C93EC93B\n        filesystem: vfat\n        size: 10M\n  two:\n    structure:\n      - name: data\n        role: system-data\n        type: 83,0FC63DAF-8483-4772-8E79-3D69D8477DE4\n        filesystem: ext4\n        size: 10M\n      - name: data2\n        role: system-data\n        type: 83,0FC63DAF-8483-4772-8E79-3D69D8477DE4\n        filesystem: ext4\n        size: 10M\n        filesystem-label: other\n";
    assert_eq!(
        outcome(y, ModelClass::Uc20),
        "cannot have more than one partition with system-data role across volumes"
    );
}

#[test]
fn encryption_constraint() {
    let y = roles_gadget(&[("system-seed", ""), ("system-data", "")]);
    let info = parse(&y, ModelClass::Uc20).unwrap();
    let c = ValidationConstraints {
        encrypted_data: true,
    };
    assert_eq!(
        validate(&info, ModelClass::Uc20.model(), Some(&c))
            .unwrap_err()
            .to_string(),
        "gadget does not support encrypted data: required partition with system-save role is missing"
    );
    let info = parse(&roles_gadget(&[("system-data", "")]), ModelClass::Uc16).unwrap();
    assert_eq!(
        validate(&info, ModelClass::Uc16.model(), Some(&c))
            .unwrap_err()
            .to_string(),
        "internal error: cannot support encrypted data in a system without modes"
    );
}

// --- Bootloaders, connections, defaults, volume-assignments, kernel-cmdline --------------

#[test]
fn bootloaders() {
    let y = "volumes:\n  pc:\n    bootloader: piboot\n";
    assert_eq!(
        parse_err(y, ModelClass::Uc16),
        "piboot bootloader valid only for UC20 onwards"
    );
    assert_eq!(
        parse_err(y, ModelClass::Classic),
        "piboot bootloader valid only for UC20 onwards"
    );
    assert_eq!(parse_err(y, ModelClass::None), "ok");
    assert_eq!(parse_err(y, ModelClass::Uc20Classic), "ok");
    assert_eq!(
        parse_err("volumes:\n  pc:\n    schema: gpt\n", ModelClass::Uc20),
        "bootloader not declared in any volume"
    );
    assert_eq!(
        parse_err("# nothing\n", ModelClass::Uc16),
        "bootloader not declared in any volume"
    );
    assert_eq!(parse_err("# nothing\n", ModelClass::Classic), "ok");
    assert_eq!(
        parse_err(
            "volumes:\n  a1:\n    bootloader: grub\n  b1:\n    bootloader: lk\n",
            ModelClass::None
        ),
        "too many (2) bootloaders declared"
    );
}

#[test]
fn connections() {
    let base = "volumes:\n  pc:\n    bootloader: grub\nconnections:\n";
    let rows = [
        (
            "  - plug: foo\n",
            r#"cannot parse gadget metadata: in gadget connection plug: expected "(<snap-id>|system):name" not "foo""#,
        ),
        (
            "  - plug: a:b:c\n",
            r#"cannot parse gadget metadata: in gadget connection plug: expected "(<snap-id>|system):name" not "a:b:c""#,
        ),
        (
            "  - plug: ':b'\n",
            r#"cannot parse gadget metadata: in gadget connection plug: expected "(<snap-id>|system):name" not ":b""#,
        ),
        (
            "  - plug: a:b\n    slot: c\n",
            r#"cannot parse gadget metadata: in gadget connection slot: expected "(<snap-id>|system):name" not "c""#,
        ),
        ("  - slot: a:b\n", "gadget connection plug cannot be empty"),
        ("  - plug: aaaa:b\n", "ok"),
    ];
    for (c, want) in rows {
        assert_eq!(
            parse_err(&format!("{base}{c}"), ModelClass::None),
            want,
            "{c}"
        );
    }
    let info = parse(&format!("{base}  - plug: id:p\n"), ModelClass::None).unwrap();
    assert_eq!(info.connections[0].slot.snap_id, "system");
    assert_eq!(info.connections[0].slot.name, "p");
}

#[test]
fn system_defaults_flatten_and_fall_back_to_core() {
    let y = "defaults:\n  99T7MUlRhtI3U0QFgl5mXXESAiSwt776:\n    service:\n      ssh:\n        disable: yes\n    a.b: 010\n";
    let info = parse(y, ModelClass::None).unwrap();
    let d = info.system_defaults();
    assert_eq!(
        d["service.ssh.disable"],
        ucore_gadget_yaml::ConfigValue::Bool(true)
    );
    assert_eq!(d["a.b"], ucore_gadget_yaml::ConfigValue::Int(8));
}

#[test]
fn volume_assignments() {
    let base = "volumes:\n  pc:\n    bootloader: grub\n";
    let ok = format!(
        "{base}volume-assignments:\n  - assignment-name: a\n    assignment:\n      pc:\n        device: /dev/disk/by-path/pci-0\n"
    );
    assert_eq!(parse_err(&ok, ModelClass::None), "ok");
    let rows = [
        (
            "  - assignment-name: a\n",
            r#"volume-assignment variant "a": no assignments specified"#,
        ),
        (
            "  - assignment-name: a\n    assignment:\n      other:\n        device: /dev/disk/by-id/x\n",
            r#"volume-assignment variant "a": volume "other" is mentioned in assignment but has not been defined"#,
        ),
        (
            "  - assignment-name: a\n    assignment:\n      pc:\n        device: /dev/sda\n",
            r#"volume-assignment variant "a": "pc": unsupported device path "/dev/sda", for now only paths under /dev/disk/{by-path,by-id} are valid"#,
        ),
        (
            "  - assignment-name: a\n    assignment:\n      pc:\n        device: /dev/disk/by-id/x\n  - assignment-name: b\n    assignment:\n      pc:\n        device: /dev/disk/by-id/x\n",
            r#"volume-assignment variant "b": identical to "a""#,
        ),
    ];
    for (a, want) in rows {
        assert_eq!(
            parse_err(&format!("{base}volume-assignments:\n{a}"), ModelClass::None),
            want
        );
    }
}

#[test]
fn kernel_cmdline() {
    let base = "volumes:\n  pc:\n    bootloader: grub\nkernel-cmdline:\n";
    let ok = format!(
        "{base}  append:\n    - foo=bar\n    - 'opt=\"a b\"'\n  allow:\n    - par=*\n  remove:\n    - quiet\n"
    );
    let info = parse(&ok, ModelClass::Uc20).unwrap();
    assert_eq!(info.kernel_cmdline.append.len(), 2);
    assert!(info.kernel_cmdline.allow[0].wildcard);
    assert_eq!(
        parse_err(&format!("{base}  append:\n    - a b\n"), ModelClass::Uc20),
        r#"cannot parse gadget metadata: "a b" is not a unique kernel argument"#
    );
    assert_eq!(
        parse_err(&format!("{base}  allow:\n    - par=a*\n"), ModelClass::Uc20),
        r#"cannot parse gadget metadata: "a*" contains globbing characters and is not quoted"#
    );
    assert_eq!(
        parse_err(
            &format!("{base}  allow:\n    - {{a: b}}\n"),
            ModelClass::Uc20
        ),
        "cannot parse gadget metadata: cannot unmarshal kernel argument"
    );
}

// --- Content (TestValidateStructureContent) and layout with content ------------------------

#[test]
fn content_rules() {
    let p = r#"invalid volume "pc": invalid structure #0 ("s"): invalid content #0: "#;
    let fs = format!("type: {GPT_LINUX}");
    let rows: &[(&[&str], &str, &str)] = &[
        (
            &["filesystem: ext4"],
            "content: [{image: a.img}]",
            "cannot use image content for non-bare file system",
        ),
        (
            &["filesystem: ext4"],
            "content: [{source: a}]",
            "missing target",
        ),
        (
            &["filesystem: ext4"],
            "content: [{target: a}]",
            "missing source",
        ),
        (
            &[],
            "content: [{source: a, target: b}]",
            "cannot use non-image content for bare file system",
        ),
        (&[], "content: [{offset: 1}]", "missing image file name"),
        (
            &["filesystem: ext4"],
            "content: [{source: a, target: b}]",
            "ok",
        ),
        (
            &[],
            "content: [{image: a.img, offset: 10, size: 100}]",
            "ok",
        ),
    ];
    for (extra, content, want) in rows {
        let mut l = vec!["name: s", fs.as_str(), "size: 1M", content];
        l.extend_from_slice(extra);
        let want = if *want == "ok" {
            "ok".to_string()
        } else {
            format!("{p}{want}")
        };
        assert_eq!(
            parse_err(&one(&l), ModelClass::None),
            want,
            "{content} {extra:?}"
        );
    }
}

#[test]
fn raw_content_layout_errors() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("big.img"), vec![1u8; 3000]).unwrap();
    std::fs::write(dir.path().join("small.img"), vec![2u8; 100]).unwrap();
    let lay = |content: &str| {
        let y = one(&["name: s", "type: bare", "size: 2048", content]);
        let info = parse(&y, ModelClass::None).unwrap();
        layout_volume(
            &info.volumes["pc"],
            &LayoutOptions {
                gadget_dir: Some(dir.path().into()),
            },
            Some(&info),
        )
        .map(|v| {
            v.structures[0]
                .content
                .iter()
                .map(|c| (c.start_offset, c.size))
                .collect::<Vec<_>>()
        })
        .map_err(|e| e.to_string())
    };
    let p = r#"cannot lay out structure #0 ("s"): content "#;
    assert_eq!(
        lay("content: [{image: big.img}]"),
        Err(format!(r#"{p}"big.img" does not fit in the structure"#))
    );
    assert_eq!(
        lay("content: [{image: big.img, size: 1000}]"),
        Err(format!(
            r#"{p}"big.img" size 3000 is larger than declared 1000"#
        ))
    );
    assert_eq!(
        lay("content: [{image: small.img, offset: 150}, {image: small.img, offset: 50}]"),
        Ok(vec![((1 << 20) + 50, 100), ((1 << 20) + 150, 100)])
    );
    assert_eq!(
        lay("content: [{image: small.img, offset: 100}, {image: small.img, offset: 150}]"),
        Err(format!(
            r#"{p}"small.img" overlaps with preceding image "small.img""#
        ))
    );
    assert!(
        lay("content: [{image: missing.img}]")
            .unwrap_err()
            .contains("no such file or directory")
    );
    assert_eq!(
        lay("content: [{image: small.img}, {image: small.img, size: 200}]"),
        Ok(vec![(1 << 20, 100), ((1 << 20) + 100, 200)])
    );
}

#[test]
fn content_validation_against_a_gadget_dir() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.img"), vec![0u8; 10]).unwrap();
    std::fs::create_dir(dir.path().join("d")).unwrap();
    let check = |content: &str, fs: bool| {
        let mut l = vec!["name: s", "size: 1M", content];
        let t = format!("type: {GPT_LINUX}");
        if fs {
            l.push(&t);
            l.push("filesystem: ext4");
        } else {
            l.push("type: bare");
        }
        let info = parse(&one(&l), ModelClass::None).unwrap();
        ucore_gadget_yaml::validate_content(&info, dir.path())
            .map_err(|e| (e.to_string(), e.stage(), e.position()))
    };
    assert!(check("content: [{image: a.img}]", false).is_ok());
    let (msg, stage, pos) = check("content: [{image: a.img, size: 5}]", false).unwrap_err();
    assert_eq!(
        msg,
        r#"structure #0 ("s"): content "a.img" size 10 is larger than declared 5"#
    );
    assert_eq!(stage, Some(Stage::Content));
    assert!(pos.is_some());
    assert!(check("content: [{source: d/, target: x}]", true).is_ok());
    assert_eq!(
        check("content: [{source: a.img/, target: x}]", true)
            .unwrap_err()
            .0,
        r#"structure #0 ("s"), content source:a.img/: source path does not exist"#
    );
    assert!(check("content: [{source: '$kernel:dtbs/dtbs/', target: x}]", true).is_ok());
    assert!(check("content: [{source: '$kernel:dtbs', target: x}]", true).is_err());
}

// --- Errors carry YAML positions -------------------------------------------------------------

#[test]
fn errors_point_at_the_offending_value() {
    let y = "volumes:\n  pc:\n    bootloader: grub\n    structure:\n      - name: a\n        type: bare\n        size: 64K\n";
    let e = parse(y, ModelClass::None).unwrap_err();
    assert_eq!(
        e.position(),
        Some(Position {
            line: 7,
            column: 15
        })
    );
    assert_eq!(e.yaml_path(), Some("volumes.pc.structure[0].size"));
    let y = "volumes:\n  pc:\n    bootloader: grub\n    structure:\n      - name: a\n        type: Bare\n        size: 1M\n";
    let e = parse(y, ModelClass::None).unwrap_err();
    assert_eq!(
        e.position(),
        Some(Position {
            line: 6,
            column: 15
        })
    );
    let e = parse(
        "volumes:\n  pc:\n   bootloader: grub\n  x: : :\n",
        ModelClass::None,
    )
    .unwrap_err();
    assert!(matches!(e, GadgetError::Syntax { .. }));
    assert!(
        e.to_string()
            .starts_with("cannot parse gadget metadata: yaml: line 4: "),
        "{e}"
    );
    let e = GadgetInfo::parse_bytes(b"volumes:\n  \xff\n", None).unwrap_err();
    assert_eq!(e.position().map(|p| p.line), Some(2));
}

// --- Lints -----------------------------------------------------------------------------------

#[test]
fn lints_warn_without_changing_the_verdict() {
    let y = gadget(
        "",
        &(structure(&["name: spl", "type: bare", "offset: 8192", "size: 100000"])
            + &structure(&[
                "name: odd",
                &format!("type: {GPT_LINUX}"),
                "offset: 2M",
                "size: 1000000",
                "min-size: 999936",
            ])),
    );
    let report = lint(&y, None, None);
    assert!(report.verdict.is_ok());
    let codes: Vec<LintCode> = report.warnings.iter().map(|w| w.code).collect();
    assert!(codes.contains(&LintCode::SnapdGptOverlap));
    assert!(codes.contains(&LintCode::GptArea512));
    assert!(codes.contains(&LintCode::GptArea4096));
    assert!(codes.contains(&LintCode::SectorMultiple));
    let w = report
        .warnings
        .iter()
        .find(|w| w.code == LintCode::GptArea512)
        .unwrap();
    assert_eq!(w.path, "volumes.pc.structure[0].offset");
    assert_eq!(
        w.position,
        Some(Position {
            line: 7,
            column: 17
        })
    );

    // A failing gadget keeps snapd's verdict.
    let bad = lint("volumes:\n  pc:\n    bootloader: nope\n", None, None);
    assert_eq!(
        bad.verdict.unwrap_err().to_string(),
        "bootloader must be one of grub, u-boot, android-boot, piboot or lk"
    );

    // Missing content and a min-size smaller than the raw content.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("boot.img"), vec![0u8; 3 << 20]).unwrap();
    let y = one(&[
        "name: s",
        "type: bare",
        "size: 4M",
        "min-size: 2M",
        "content: [{image: boot.img}, {image: gone.img, offset: 3600000}]",
    ]);
    let report = lint(&y, None, Some(dir.path()));
    let codes: Vec<LintCode> = report.warnings.iter().map(|w| w.code).collect();
    assert!(codes.contains(&LintCode::MissingContent), "{codes:?}");
    // With a gadget directory the verdict includes snapd's content check.
    let verdict = report.verdict.unwrap_err();
    assert_eq!(verdict.stage(), Some(Stage::Content));
    assert!(
        verdict
            .to_string()
            .starts_with(r#"structure #0 ("s"): content "gone.img": stat "#),
        "{verdict}"
    );
    assert_eq!(
        verdict.position(),
        Some(Position {
            line: 9,
            column: 46
        })
    );
    let y = one(&[
        "name: s",
        "type: bare",
        "size: 4M",
        "min-size: 2M",
        "content: [{image: boot.img}]",
    ]);
    let report = lint(&y, None, Some(dir.path()));
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.code == LintCode::MinSizeBelowContent),
        "{:?}",
        report.warnings
    );
    // The pc gadget is clean.
    let pc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/corpus/canonical-pc-gadget__24-amd64.yaml"
    ))
    .unwrap();
    assert!(
        lint(&pc, ModelClass::Uc20.model(), None)
            .warnings
            .is_empty()
    );
}

#[test]
fn long_gpt_name_lint() {
    let long = format!("name: {}", "x".repeat(37));
    let t = format!("type: {GPT_LINUX}");
    let report = lint(&one(&[&long, &t, "size: 1M"]), None, None);
    assert!(report.verdict.is_ok(), "snapd does not check the length");
    let w = report
        .warnings
        .iter()
        .find(|w| w.code == LintCode::GptNameTooLong)
        .unwrap();
    assert_eq!(w.path, "volumes.pc.structure[0].name");
    let ok = format!("name: {}", "x".repeat(36));
    let report = lint(&one(&[&ok, &t, "size: 1M"]), None, None);
    assert!(
        report
            .warnings
            .iter()
            .all(|w| w.code != LintCode::GptNameTooLong)
    );
}

#[test]
fn mbr_table_lint() {
    let y = gadget(
        "mbr",
        &structure(&["name: b", "type: bare", "offset: 400", "size: 1000"]),
    );
    let report = lint(&y, None, None);
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.code == LintCode::MbrTableOverlap)
    );
}
