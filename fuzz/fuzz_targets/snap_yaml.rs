//! Fuzzes snap.yaml reading: arbitrary bytes are read with snapd's builtin interface
//! sanitizer and with none, validated, reported in the oracle's JSON shape, and given
//! implicit hooks, without panicking. Whatever reads is consistent: apps, hooks, plugs and
//! slots are keyed by their names, every binding is recorded on both sides, every hook is
//! a supported one, and the sanitizer removed exactly the plugs and slots it lists in
//! `bad_interfaces`. The same bytes also go to the `meta/snapshots.yaml` and
//! `meta/kernel.yaml` readers.
#![no_main]

use std::collections::{BTreeMap, BTreeSet};

use libfuzzer_sys::fuzz_target;
use ucore_snap::info::is_hook_supported;
use ucore_snap::{App, Hook, Info, PlugSlot, Sanitizer};

/// The oracle-shaped JSON reports of the `snap` example.
#[path = "../../examples/snap/report.rs"]
mod report;

/// Hook names as a snap's `meta/hooks/` might hold them: supported, unsupported, and
/// per-plug ones made from the snap's own plug and slot names.
fn hook_files(info: &Info) -> Vec<String> {
    let mut names: Vec<String> = ["install", "configure", "remove", "bogus", "connect-plug-"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    names.extend(info.plugs.keys().map(|p| format!("prepare-plug-{p}")));
    names.extend(info.slots.keys().map(|s| format!("connect-slot-{s}")));
    names
}

/// Apps, hooks, plugs and slots are keyed by their names and bound both ways.
fn check_bindings(info: &Info) {
    for (name, app) in &info.apps {
        assert_eq!(name, &app.name);
        for p in &app.plugs {
            assert!(info.plugs[p].apps.contains(name), "plug {p} of app {name}");
        }
        for s in &app.slots {
            assert!(info.slots[s].apps.contains(name), "slot {s} of app {name}");
        }
    }
    for (name, hook) in &info.hooks {
        assert_eq!(name, &hook.name);
        assert!(is_hook_supported(name), "hook {name}");
        for p in &hook.plugs {
            assert!(
                info.plugs[p].hooks.contains(name),
                "plug {p} of hook {name}"
            );
        }
        for s in &hook.slots {
            assert!(
                info.slots[s].hooks.contains(name),
                "slot {s} of hook {name}"
            );
        }
    }
    check_definitions(info, &info.plugs, |a| &a.plugs, |h| &h.plugs);
    check_definitions(info, &info.slots, |a| &a.slots, |h| &h.slots);
}

/// Each plug (or slot) lists the apps and hooks that list it back.
fn check_definitions(
    info: &Info,
    defs: &BTreeMap<String, PlugSlot>,
    of_app: fn(&App) -> &BTreeSet<String>,
    of_hook: fn(&Hook) -> &BTreeSet<String>,
) {
    for (name, def) in defs {
        assert_eq!(name, &def.name);
        for a in &def.apps {
            assert!(of_app(&info.apps[a]).contains(name), "app {a} of {name}");
        }
        for h in &def.hooks {
            assert!(of_hook(&info.hooks[h]).contains(name), "hook {h} of {name}");
        }
    }
}

/// The sanitizer only removes, and lists exactly what it removed.
fn check_sanitized(sanitized: &Info, unsanitized: &Info) {
    assert!(unsanitized.bad_interfaces.is_empty());
    let keys = |m: &BTreeMap<String, PlugSlot>| m.keys().cloned().collect::<BTreeSet<_>>();
    let (plugs, all_plugs) = (keys(&sanitized.plugs), keys(&unsanitized.plugs));
    let (slots, all_slots) = (keys(&sanitized.slots), keys(&unsanitized.slots));
    assert!(plugs.is_subset(&all_plugs));
    assert!(slots.is_subset(&all_slots));
    let removed: BTreeSet<_> = all_plugs
        .difference(&plugs)
        .chain(all_slots.difference(&slots))
        .cloned()
        .collect();
    let bad: BTreeSet<_> = sanitized.bad_interfaces.keys().cloned().collect();
    assert_eq!(removed, bad);
}

fuzz_target!(|data: &[u8]| {
    let _ = report::snap_yaml_json(data);
    let sanitized = Info::from_yaml(data);
    let unsanitized = Info::from_yaml_with(data, Sanitizer::None);
    for info in [&sanitized, &unsanitized].into_iter().flatten() {
        check_bindings(info);
        let _ = info.validate();
        let _ = report::info_json(info);
        let mut with_hooks = info.clone();
        let files = hook_files(info);
        with_hooks.add_implicit_hooks(files.iter().map(String::as_str));
        check_bindings(&with_hooks);
        assert!(info.hooks.keys().all(|h| with_hooks.hooks.contains_key(h)));
    }
    if let (Ok(s), Ok(u)) = (&sanitized, &unsanitized) {
        check_sanitized(s, u);
    }
    // The other meta/ files read with the same YAML reader.
    let _ = ucore_snap::snapshots::read_snapshots_yaml(data);
    let _ = ucore_snap::kernel_yaml::read_kernel_yaml(data);
});
