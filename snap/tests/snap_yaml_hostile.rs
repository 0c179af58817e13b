//! Hostile snap.yaml: YAML made to work the reader hard (aliases of large anchors, "billion
//! laughs", deep nesting, many apps, plugs and hooks, long scalars, long chains of service
//! ordering, layouts, SPDX expressions and timers), each at 1×, 8× and 64× its size, read
//! with both sanitizers and validated, and read as snapshots.yaml and kernel.yaml. Every
//! run must stay within 256 bytes of memory per input byte (plus 1 MiB), finish, not panic,
//! and take time that grows no faster than the input (`ucore_test_support::hostile`). 256 as for gadget.yaml: a YAML node takes about 80
//! bytes, and `Info` keeps each name in the maps that bind apps, hooks, plugs and slots.

use ucore_snap::Info;
use ucore_snap::parse::Sanitizer;
use ucore_test_support::hostile::{Check, Limits, yaml_laughs};

#[global_allocator]
static ALLOC: ucore_test_support::alloc::Counting = ucore_test_support::alloc::Counting;

fn snap_yaml(input: &[u8]) {
    for sanitizer in [Sanitizer::Builtin, Sanitizer::None] {
        if let Ok(info) = Info::from_yaml_with(input, sanitizer) {
            let _ = info.validate();
        }
    }
    // The other meta/ files read with the same YAML reader.
    let _ = ucore_snap::snapshots::read_snapshots_yaml(input);
    let _ = ucore_snap::kernel_yaml::read_kernel_yaml(input);
}

fn head() -> String {
    "name: hostile\nversion: 1\n".to_string()
}

#[test]
fn snap_yaml_stays_linear() {
    let limits = Limits {
        bytes_per_input_byte: 256,
        ..Limits::default()
    };
    let check = Check::new("snap.yaml", limits, snap_yaml);
    check.growth("aliases of one large anchor", 100, |n| {
        let mut s = head();
        s.push_str(&format!(
            "plugs:\n  p:\n    interface: content\n    a: &big \"{}\"\n    b: [",
            "x".repeat(40 * n)
        ));
        s.push_str(&vec!["*big"; n].join(", "));
        s.push_str("]\n");
        s.into_bytes()
    });
    check.growth("billion laughs", 10, |n| {
        let mut s = yaml_laughs(n.min(9));
        s.push_str(&"# padding\n".repeat(n));
        s.into_bytes()
    });
    check.growth("deep flow nesting in an attribute", 200, |n| {
        format!(
            "{}plugs:\n  p:\n    interface: content\n    a: {}{}\n",
            head(),
            "[".repeat(n),
            "]".repeat(n)
        )
        .into_bytes()
    });
    check.growth("many apps with plugs and slots", 20, |n| {
        let mut s = head();
        s.push_str("apps:\n");
        for i in 0..n {
            s.push_str(&format!(
                "  a{i}:\n    command: bin/a{i}\n    plugs: [network, home, p{i}]\n    slots: [s{i}]\n"
            ));
        }
        s.push_str("plugs:\n  shared: content\n");
        s.into_bytes()
    });
    check.growth("many hooks", 20, |n| {
        let mut s = head();
        s.push_str("hooks:\n");
        for i in 0..n {
            s.push_str(&format!("  connect-plug-p{i}:\n    plugs: [network]\n"));
        }
        s.into_bytes()
    });
    check.growth("a long chain of service ordering", 20, |n| {
        let mut s = head();
        s.push_str("apps:\n");
        for i in 0..n {
            s.push_str(&format!(
                "  a{i}:\n    command: x\n    daemon: simple\n    after: [a{}]\n",
                (i + 1) % n
            ));
        }
        s.into_bytes()
    });
    check.growth("many layouts", 20, |n| {
        let mut s = head();
        s.push_str("layout:\n");
        for i in 0..n {
            s.push_str(&format!("  /usr/share/l{i}:\n    bind: $SNAP/l{i}\n"));
        }
        s.into_bytes()
    });
    check.growth("a long license expression", 50, |n| {
        let expr = vec!["(MIT OR Apache-2.0)"; n].join(" AND ");
        format!("{}license: {expr}\n", head()).into_bytes()
    });
    check.growth("a long timer", 50, |n| {
        let timer = vec!["mon1-fri,10:00-11:00/2"; n].join(",,");
        format!(
            "{}apps:\n  t:\n    command: x\n    daemon: simple\n    timer: {timer}\n",
            head()
        )
        .into_bytes()
    });
    check.growth("a long scalar", 2_000, |n| {
        format!("{}description: {}\n", head(), "x".repeat(n)).into_bytes()
    });
}
