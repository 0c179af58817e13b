//! Hostile gadget.yaml: YAML made to work the reader hard (aliases of large anchors, "billion
//! laughs", deep nesting, many structures, long scalars, long kernel command lines), each at
//! 1×, 8× and 64× its size, parsed and validated under every model kind and laid out. Every
//! run must stay within 256 bytes of memory per input byte (plus 1 MiB), finish, not panic,
//! and take time that grows no faster than the input (`ucore_test_support::hostile`).
//!
//! 256, not the 16 of the assertion decoders: a YAML node takes about 80 bytes, a flow
//! map spends two bytes of text on a key and its null value (`{a,b,c}`), vectors grow by
//! doubling; the copies made for
//! aliases are bounded by the reader at 48 bytes a byte (`yaml.rs`).

use ucore_gadget_yaml::{GadgetInfo, LayoutOptions, ModelClass, lint_info, validate};
use ucore_test_support::hostile::{Check, Limits, yaml_laughs};

#[global_allocator]
static ALLOC: ucore_test_support::alloc::Counting = ucore_test_support::alloc::Counting;

fn gadget(input: &[u8]) {
    for model in ModelClass::ALL {
        let Ok(info) = GadgetInfo::parse_bytes(input, model.model()) else {
            continue;
        };
        if validate(&info, model.model(), None).is_ok() {
            let _ = info.layout(&LayoutOptions::default());
        }
        let _ = lint_info(&info, None);
    }
}

fn volumes(structures: &str) -> Vec<u8> {
    format!("volumes:\n  pc:\n    bootloader: grub\n    structure:\n{structures}").into_bytes()
}

#[test]
fn gadget_yaml_stays_linear() {
    let limits = Limits {
        bytes_per_input_byte: 256,
        ..Limits::default()
    };
    let check = Check::new("gadget.yaml", limits, gadget);
    check.growth("aliases of one large anchor", 100, |n| {
        let mut s = format!("defaults:\n  a: &big \"{}\"\n  b: [", "x".repeat(40 * n));
        s.push_str(&vec!["*big"; n].join(", "));
        s.push_str("]\nvolumes: {}\n");
        s.into_bytes()
    });
    check.growth("billion laughs", 10, |n| {
        let mut s = yaml_laughs(n.min(9));
        s.push_str(&"# padding\n".repeat(n));
        s.into_bytes()
    });
    check.growth("aliases of a large map", 50, |n| {
        let mut s = String::from("defaults:\n  m: &m\n");
        for i in 0..n {
            s.push_str(&format!("    k{i}: v\n"));
        }
        s.push_str("  list:\n");
        s.push_str(&"    - *m\n".repeat(n));
        s.into_bytes()
    });
    check.growth("deep flow nesting", 200, |n| {
        format!("volumes: {}{}", "[".repeat(n), "]".repeat(n)).into_bytes()
    });
    check.growth("deep block nesting", 20, |n| {
        let mut s = String::new();
        for d in 0..n {
            s.push_str(&" ".repeat(d));
            s.push_str("a:\n");
        }
        s.into_bytes()
    });
    check.growth("many structures", 20, |n| {
        volumes(
            &(0..n)
                .map(|i| format!("      - name: s{i}\n        type: bare\n        size: 1M\n"))
                .collect::<String>(),
        )
    });
    check.growth("long scalar", 2_000, |n| {
        volumes(&format!(
            "      - name: {}\n        type: bare\n        size: 1M\n",
            "n".repeat(n)
        ))
    });
    check.growth("long size", 2_000, |n| {
        volumes(&format!(
            "      - name: a\n        type: bare\n        size: {}M\n",
            "1".repeat(n)
        ))
    });
    check.growth("long kernel command line", 500, |n| {
        format!(
            "kernel-cmdline:\n  allow:\n{}volumes: {{}}\n",
            "    - a=b\n".repeat(n)
        )
        .into_bytes()
    });
    check.growth("many volumes", 20, |n| {
        let mut s = String::from("volumes:\n");
        for i in 0..n {
            s.push_str(&format!(
                "  v{i}:\n    structure:\n      - name: s\n        type: bare\n        size: 1M\n"
            ));
        }
        s.into_bytes()
    });
    check.growth("flow map of one-letter keys", 2_000, |n| {
        format!("defaults: {{{}}}\n", vec!["a"; n].join(",")).into_bytes()
    });
    check.growth("flow sequence of one-letter scalars", 2_000, |n| {
        format!("defaults: [{}]\n", vec!["a"; n].join(",")).into_bytes()
    });
    check.growth("long explicit volume name", 100, |n| {
        format!(
            "volumes:\n  ? {}\n  :\n    bootloader: grub\n    structure:\n{}",
            "v".repeat(10 * n),
            "      - {}\n".repeat(10 * n)
        )
        .into_bytes()
    });
    check.growth("vfat labels against many others", 50, |n| {
        volumes(&(0..2 * n)
            .map(|i| {
                let fs = if i % 2 == 0 { "ext4" } else { "vfat" };
                format!(
                    "      - name: s{i}\n        type: 83\n        size: 1M\n        filesystem: {fs}\n        filesystem-label: L{i}\n"
                )
            })
            .collect::<String>())
    });
    check.growth("volume assignments", 50, |n| {
        let mut s = String::from("volumes:\n  pc:\n    bootloader: grub\n    structure: []\nvolume-assignments:\n");
        for i in 0..n {
            s.push_str(&format!(
                "  - name: a{i}\n    assignments:\n      pc:\n        device: /dev/disk/by-path/p{i}\n"
            ));
        }
        s.into_bytes()
    });
    check.growth("offset-writes", 50, |n| {
        volumes(&(0..n)
            .map(|i| {
                format!(
                    "      - name: s{i}\n        type: bare\n        size: 1M\n        offset-write: {i}\n"
                )
            })
            .collect::<String>())
    });
    check.growth("many documents", 200, |n| {
        "---\na: b\n".repeat(n).into_bytes()
    });
    check.growth("tabs and junk", 2_000, |n| {
        "\t:- [{&*!|>".repeat(n).into_bytes()
    });
}
