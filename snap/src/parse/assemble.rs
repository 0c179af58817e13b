//! The second stage of reading snap.yaml: the decoded `snapYaml` put together into an
//! [`Info`], in snapd's order (`infoFromSnapYaml`).

use std::collections::{BTreeMap, BTreeSet};

use super::decode::SnapYaml;
use super::definitions::{DefinitionKind, plug_slot_data, system_username_data};
use super::{ParseError, Sanitizer};
use crate::info::{
    App, Hook, Info, LayoutEntry, Owner, SystemUsername, Timeout, is_hook_supported,
};
use crate::interfaces::{SnapContext, sanitize};
use crate::{PlugOrSlot, PlugSlot, SnapType};

/// Builds the Info from the decoded document.
pub(super) fn assemble(y: SnapYaml, sanitizer: Sanitizer) -> Result<Info, ParseError> {
    let mut info = skeleton(&y);
    for (kind, defs, into) in [
        (DefinitionKind::Plug, &y.plugs, &mut info.plugs),
        (DefinitionKind::Slot, &y.slots, &mut info.slots),
    ] {
        for (name, node) in defs {
            let data = plug_slot_data(kind, name, node)?;
            into.insert(
                name.clone(),
                PlugSlot {
                    name: name.clone(),
                    interface: data.interface,
                    attrs: data.attrs,
                    label: data.label,
                    ..PlugSlot::default()
                },
            );
        }
    }
    set_apps(&y, &mut info)?;
    set_hooks(&y, &mut info);
    bind_unscoped(&mut info);
    if let Some(layout) = &y.layout {
        for (path, l) in layout {
            let mut entry = LayoutEntry::new(path);
            if !l.mode.is_empty() {
                entry.mode = parse_octal_mode(&l.mode)?;
            }
            if !l.user.is_empty() {
                entry.user = l.user.clone();
            }
            if !l.group.is_empty() {
                entry.group = l.group.clone();
            }
            entry.bind = l.bind.clone();
            entry.bind_file = l.bind_file.clone();
            entry.type_ = l.type_.clone();
            entry.symlink = l.symlink.clone();
            info.layout.insert(path.clone(), entry);
        }
    }
    rename_clashing_core_plugs(&mut info);
    if sanitizer == Sanitizer::Builtin {
        sanitize_plugs_slots(&mut info);
    }
    for (user, node) in &y.system_usernames {
        if user.is_empty() {
            return Err(ParseError::EmptySystemUsername);
        }
        let (scope, attrs) = system_username_data(user, node)?;
        if scope.is_empty() {
            return Err(ParseError::NoScope(user.clone()));
        }
        info.system_usernames.insert(
            user.clone(),
            SystemUsername {
                name: user.clone(),
                scope,
                attrs,
            },
        );
    }
    for (key, links) in &y.links {
        crate::links::validate_links_key(key)?;
        info.links.insert(key.clone(), links.clone());
    }
    Ok(info)
}

/// `infoSkeletonFromSnapYaml`: the top-level fields with their defaults.
fn skeleton(y: &SnapYaml) -> Info {
    let mut assumes = y.assumes.clone();
    assumes.sort();
    Info {
        name: y.name.clone(),
        version: y.version.clone(),
        type_: if y.name == "snapd" {
            SnapType::Snapd
        } else {
            y.type_.unwrap_or_default()
        },
        base: y.base.clone(),
        architectures: if y.architectures.is_empty() {
            vec!["all".into()]
        } else {
            y.architectures.clone()
        },
        assumes,
        confinement: y.confinement.unwrap_or_default(),
        epoch: y.epoch.clone().unwrap_or_default(),
        title: y.title.clone(),
        summary: y.summary.clone(),
        description: y.description.clone(),
        license: y.license.clone(),
        provenance: y.provenance.clone(),
        environment: y.environment.clone(),
        ..Info::default()
    }
}

/// Makes an implicit plug or slot (interface = name) unless one exists.
fn ensure_defined(defs: &mut BTreeMap<String, PlugSlot>, name: &str) {
    if !defs.contains_key(name) {
        defs.insert(
            name.to_string(),
            PlugSlot {
                name: name.to_string(),
                interface: name.to_string(),
                ..PlugSlot::default()
            },
        );
    }
}

/// Binds the plugs and slots an app or hook lists (defining the missing ones implicitly)
/// and marks them scoped.
fn bind_listed(info: &mut Info, owner: Owner<'_>, plugs: &[String], slots: &[String]) {
    for (kind, names) in [(PlugOrSlot::Plug, plugs), (PlugOrSlot::Slot, slots)] {
        for name in names {
            let (defs, scoped) = match kind {
                PlugOrSlot::Plug => (&mut info.plugs, &mut info.scoped_plugs),
                PlugOrSlot::Slot => (&mut info.slots, &mut info.scoped_slots),
            };
            ensure_defined(defs, name);
            scoped.insert(name.clone());
            info.bind(owner, name, kind);
        }
    }
}

/// `setAppsFromSnapYaml`: apps, their legacy aliases, plug and slot bindings,
/// `activates-on`, sockets, timers and common-ids.
fn set_apps(y: &SnapYaml, info: &mut Info) -> Result<(), ParseError> {
    for (name, a) in &y.apps {
        let app = App {
            name: name.clone(),
            command: a.command.clone(),
            command_chain: a.command_chain.clone(),
            daemon: a.daemon.clone(),
            // Daemons default to system daemons.
            daemon_scope: match (a.daemon_scope, a.daemon.is_empty()) {
                (None, false) => Some(crate::DaemonScope::System),
                (scope, _) => scope,
            },
            restart_condition: a.restart_condition.clone(),
            stop_mode: a.stop_mode.clone(),
            refresh_mode: a.refresh_mode.clone(),
            install_mode: a.install_mode.clone(),
            stop_command: a.stop_command.clone(),
            reload_command: a.reload_command.clone(),
            post_stop_command: a.post_stop_command.clone(),
            stop_timeout: Timeout(a.stop_timeout),
            start_timeout: Timeout(a.start_timeout),
            watchdog_timeout: Timeout(a.watchdog_timeout),
            restart_delay: Timeout(a.restart_delay),
            bus_name: a.bus_name.clone(),
            activates_on: Vec::new(),
            common_id: a.common_id.clone(),
            completer: a.completer.clone(),
            after: a.after.clone(),
            before: a.before.clone(),
            timer: (!a.timer.is_empty()).then(|| a.timer.clone()),
            autostart: a.autostart.clone(),
            aliases: a.aliases.clone(),
            sockets: a.sockets.clone(),
            plugs: BTreeSet::new(),
            slots: BTreeSet::new(),
            environment: a.environment.clone(),
        };
        info.apps.insert(name.clone(), app);
        for alias in &a.aliases {
            if let Some(first) = info.legacy_aliases.get(alias) {
                return Err(ParseError::AliasClash {
                    alias: alias.clone(),
                    first: first.clone(),
                    second: name.clone(),
                });
            }
            info.legacy_aliases.insert(alias.clone(), name.clone());
        }
        bind_listed(info, Owner::App(name), &a.plugs, &a.slots);
        for slot in &a.activates_on {
            if !info.slots.contains_key(slot) {
                return Err(ParseError::ActivatesOnSlotNotFound {
                    slot: slot.clone(),
                    app: name.clone(),
                });
            }
            if let Some(app) = info.apps.get_mut(name) {
                app.activates_on.push(slot.clone());
            }
            info.scoped_slots.insert(slot.clone());
            info.bind(Owner::App(name), slot, PlugOrSlot::Slot);
        }
        if !a.common_id.is_empty() {
            info.common_ids.push(a.common_id.clone());
        }
    }
    Ok(())
}

/// `setHooksFromSnapYaml`: the supported hooks (others are dropped) and their bindings.
fn set_hooks(y: &SnapYaml, info: &mut Info) {
    for (name, h) in &y.hooks {
        if !is_hook_supported(name) {
            continue;
        }
        info.hooks.insert(
            name.clone(),
            Hook {
                name: name.clone(),
                plugs: BTreeSet::new(),
                slots: BTreeSet::new(),
                explicit: true,
                command_chain: h.command_chain.clone(),
                environment: h.environment.clone(),
            },
        );
        bind_listed(info, Owner::Hook(name), &h.plugs, &h.slots);
    }
}

/// `bindUnscopedPlugs` and `bindUnscopedSlots`: plugs and slots no app or hook lists go
/// to every app and hook.
fn bind_unscoped(info: &mut Info) {
    let apps: Vec<String> = info.apps.keys().cloned().collect();
    let hooks: Vec<String> = info.hooks.keys().cloned().collect();
    for (kind, names) in [
        (
            PlugOrSlot::Plug,
            crate::info::unscoped(&info.plugs, &info.scoped_plugs),
        ),
        (
            PlugOrSlot::Slot,
            crate::info::unscoped(&info.slots, &info.scoped_slots),
        ),
    ] {
        for name in &names {
            for app in &apps {
                info.bind(Owner::App(app), name, kind);
            }
            for hook in &hooks {
                info.bind(Owner::Hook(hook), name, kind);
            }
        }
    }
}

/// Go's `strconv.ParseUint(mode, 8, 32)`: octal digits only; the first digit that is not
/// octal is a syntax error, the first overflow a range error.
fn parse_octal_mode(mode: &str) -> Result<u32, ParseError> {
    let err = |reason| ParseError::LayoutMode {
        mode: mode.to_string(),
        reason,
    };
    if mode.is_empty() {
        return Err(err("invalid syntax"));
    }
    let mut n: u64 = 0;
    for b in mode.bytes() {
        if !(b'0'..=b'7').contains(&b) {
            return Err(err("invalid syntax"));
        }
        n = n * 8 + u64::from(b - b'0');
        if n > u64::from(u32::MAX) {
            return Err(err("value out of range"));
        }
    }
    u32::try_from(n).map_err(|_| err("value out of range"))
}

/// `renameClashingCorePlugs`: on the `core` snap of type `os`, the plugs `network-bind`
/// and `core-support` become `network-bind-plug` and `core-support-plug`.
fn rename_clashing_core_plugs(info: &mut Info) {
    if info.instance_name() != "core" || info.snap_type() != SnapType::Os {
        return;
    }
    for old in ["network-bind", "core-support"] {
        let Some(mut plug) = info.plugs.remove(old) else {
            continue;
        };
        let new = format!("{old}-plug");
        plug.name = new.clone();
        info.plugs.insert(new.clone(), plug);
        if info.scoped_plugs.remove(old) {
            info.scoped_plugs.insert(new.clone());
        }
        for app in info.apps.values_mut() {
            if app.plugs.remove(old) {
                app.plugs.insert(new.clone());
            }
        }
        for hook in info.hooks.values_mut() {
            if hook.plugs.remove(old) {
                hook.plugs.insert(new.clone());
            }
        }
    }
}

/// `builtin.SanitizePlugsSlots`: every plug, then every slot, through the interface
/// sanitizer; the bad ones are removed (from the snap, its apps and hooks) and their
/// reasons recorded in `bad_interfaces` (a removed slot also leaves the apps'
/// `activates-on`).
fn sanitize_plugs_slots(info: &mut Info) {
    let name = info.snap_name().to_string();
    let instance = info.instance_name();
    // What the interfaces see of the snap's plugs and slots: all of them, as they are
    // before any is dropped (`shared-memory` looks).
    let interfaces = |defs: &std::collections::BTreeMap<String, crate::PlugSlot>| {
        defs.iter()
            .map(|(n, d)| (n.clone(), d.interface.clone()))
            .collect::<Vec<_>>()
    };
    let plug_interfaces = interfaces(&info.plugs);
    let slot_interfaces = interfaces(&info.slots);
    let ctx = SnapContext {
        instance_name: &instance,
        snap_name: &name,
        snap_type: info.snap_type(),
        plug_interfaces: &plug_interfaces,
        slot_interfaces: &slot_interfaces,
    };
    for kind in [PlugOrSlot::Plug, PlugOrSlot::Slot] {
        let defs = match kind {
            PlugOrSlot::Plug => &mut info.plugs,
            PlugOrSlot::Slot => &mut info.slots,
        };
        let mut bad = Vec::new();
        for (n, def) in defs.iter_mut() {
            if let Err(e) = sanitize(&ctx, kind, def) {
                info.bad_interfaces.insert(n.clone(), e.to_string());
                bad.push(n.clone());
            }
        }
        for n in bad {
            defs.remove(&n);
            for app in info.apps.values_mut() {
                match kind {
                    PlugOrSlot::Plug => app.plugs.remove(&n),
                    PlugOrSlot::Slot => {
                        app.activates_on.retain(|s| *s != n);
                        app.slots.remove(&n)
                    }
                };
            }
            for hook in info.hooks.values_mut() {
                match kind {
                    PlugOrSlot::Plug => hook.plugs.remove(&n),
                    PlugOrSlot::Slot => hook.slots.remove(&n),
                };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn octal_modes_parse_like_strconv() {
        assert_eq!(parse_octal_mode("0755").unwrap(), 0o755);
        assert_eq!(parse_octal_mode("1777").unwrap(), 0o1777);
        assert_eq!(
            parse_octal_mode("0999").unwrap_err().to_string(),
            "strconv.ParseUint: parsing \"0999\": invalid syntax"
        );
        assert_eq!(
            parse_octal_mode("77777777777").unwrap_err().to_string(),
            "strconv.ParseUint: parsing \"77777777777\": value out of range"
        );
        assert_eq!(parse_octal_mode("37777777777").unwrap(), u32::MAX);
        assert_eq!(
            parse_octal_mode("+7").unwrap_err().to_string(),
            "strconv.ParseUint: parsing \"+7\": invalid syntax"
        );
    }
}
