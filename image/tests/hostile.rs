//! Hostile seed metadata: `seed.yaml` and `options.yaml` made to work the readers hard
//! (many entries, long scalars, aliases of large anchors, "billion laughs", deep nesting,
//! odd shapes), each at 1×, 8× and 64× its size. Every run must stay within 256 bytes of
//! memory per input byte (plus 1 MiB), finish, not panic, and take time that grows no
//! faster than the input (`ucore_test_support::hostile`).
//!
//! 256 bytes a byte, as for gadget.yaml: a YAML node takes about 80 bytes and a flow
//! sequence spends two bytes of text on an item; a refusal quotes the whole file (Go's
//! `%q`, at most four bytes a byte).

use ucore_image::seed::read::{options_yaml, seed_yaml};
use ucore_test_support::hostile::{Check, Limits, yaml_laughs};

#[global_allocator]
static ALLOC: ucore_test_support::alloc::Counting = ucore_test_support::alloc::Counting;

fn limits() -> Limits {
    Limits {
        bytes_per_input_byte: 256,
        ..Limits::default()
    }
}

fn both(input: &[u8]) {
    let _ = seed_yaml::parse(input);
    let _ = options_yaml::parse(input);
}

#[test]
fn seed_yaml_stays_linear() {
    let check = Check::new("seed.yaml", limits(), |input: &[u8]| {
        let _ = seed_yaml::parse(input);
    });
    check.growth("many snaps", 100, |n| {
        let mut s = String::from("snaps:\n");
        for i in 0..n {
            s.push_str(&format!(
                "- name: snap{i}\n  snap-id: id{i}\n  channel: latest/stable/b{i}\n  devmode: true\n  contact: mailto:a{i}@b.c\n  file: snap{i}_1.snap\n"
            ));
        }
        s.into_bytes()
    });
    check.growth("one long name", 1000, |n| {
        format!("snaps:\n- name: {}\n  file: a.snap\n", "a".repeat(n)).into_bytes()
    });
    check.growth("long channel", 1000, |n| {
        format!(
            "snaps:\n- name: ab\n  channel: {}\n  file: a.snap\n",
            "x".repeat(n)
        )
        .into_bytes()
    });
    check.growth("duplicate keys", 100, |n| {
        let mut s = String::from("snaps:\n- name: ab\n  file: a.snap\n");
        s.push_str(&"  channel: stable\n".repeat(n));
        s.into_bytes()
    });
    check.growth("type mismatches everywhere", 100, |n| {
        let mut s = String::from("snaps:\n");
        s.push_str(&"- name: [a]\n  devmode: maybe\n  file: {x: y}\n".repeat(n));
        s.into_bytes()
    });
}

#[test]
fn options_yaml_stays_linear() {
    let check = Check::new("options.yaml", limits(), |input: &[u8]| {
        let _ = options_yaml::parse(input);
    });
    check.growth("many snaps", 100, |n| {
        let mut s = String::from("snaps:\n");
        for i in 0..n {
            s.push_str(&format!(
                "- name: snap{i}\n  id: snapxoracleoracleoracleoracleor\n  channel: {i}/edge\n  unasserted: snap{i}_1.0.snap\n"
            ));
        }
        s.into_bytes()
    });
    check.growth("many null entries", 1000, |n| {
        let mut s = String::from("snaps:\n");
        s.push_str(&"-\n".repeat(n));
        s.into_bytes()
    });
}

#[test]
fn yaml_made_to_explode_stays_bounded() {
    let check = Check::new("seed metadata", limits(), both);
    check.growth("aliases of one large entry", 50, |n| {
        let mut s = format!(
            "x: &e {{name: ab, file: a.snap, contact: \"{}\"}}\nsnaps: [",
            "c".repeat(40 * n)
        );
        s.push_str(&vec!["*e"; n].join(", "));
        s.push_str("]\n");
        s.into_bytes()
    });
    check.growth("billion laughs", 10, |n| {
        let mut s = yaml_laughs(n.min(9));
        s.push_str("snaps: *a9\n");
        s.push_str(&"# padding\n".repeat(n));
        s.into_bytes()
    });
    check.growth("deep nesting", 100, |n| {
        let mut s = String::from("snaps: ");
        s.push_str(&"[".repeat(n));
        s.push_str(&"]".repeat(n));
        s.push('\n');
        s.into_bytes()
    });
    check.growth("deep block maps", 100, |n| {
        let mut s = String::from("snaps:\n");
        for i in 0..n.min(200) {
            s.push_str(&" ".repeat(i + 1));
            s.push_str("- a:\n");
        }
        s.into_bytes()
    });
    check.input("not UTF-8", &[0xff; 10_000]);
    check.input("NUL bytes", &[0; 10_000]);
    check.input("a lone document marker", b"---\n...\n");
}
