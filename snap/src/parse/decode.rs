//! The first stage: snap.yaml's node tree decoded into snapd's `snapYaml` struct the way
//! `yaml.Unmarshal` (yaml.v2) does it.
//!
//! yaml.v2's rules that show: unknown keys are ignored; string fields take a scalar's text
//! as written; null sets a field to its zero value (and custom decoders are not called); a
//! repeated key decodes again over the earlier value (lists and scalars are replaced, maps
//! are merged into); a type mismatch is recorded (`line N: cannot unmarshal !!seq into
//! string`) and decoding goes on; the error of a custom decoder (`type`, `confinement`,
//! `epoch`, `daemon-scope`, timeouts, `restart-condition`, `environment`, `layouts`) stops
//! decoding at once.

use std::collections::BTreeMap;

use ucore_go_yaml::{Node, NodeKind, Value};

use super::YamlError;
use crate::epoch::{Epoch, EpochError, parse_epoch_number};
use crate::info::{Environment, Socket};
use crate::{Confinement, DaemonScope, SnapType};

type Fatal = YamlError;

/// `snapYaml`: snap.yaml's top level as decoded, before the `Info` is put together.
#[derive(Debug, Default)]
pub(crate) struct SnapYaml {
    pub name: String,
    pub version: String,
    pub type_: Option<SnapType>,
    pub architectures: Vec<String>,
    pub assumes: Vec<String>,
    pub title: String,
    pub description: String,
    pub summary: String,
    pub provenance: String,
    pub license: String,
    pub epoch: Option<Epoch>,
    pub base: String,
    pub confinement: Option<Confinement>,
    pub environment: Environment,
    /// `plugs` and `slots`: the untyped value of each entry.
    pub plugs: BTreeMap<String, Node>,
    pub slots: BTreeMap<String, Node>,
    pub apps: BTreeMap<String, AppYaml>,
    pub hooks: BTreeMap<String, HookYaml>,
    /// `layout`; `None` when absent or null.
    pub layout: Option<BTreeMap<String, LayoutYaml>>,
    pub system_usernames: BTreeMap<String, Node>,
    pub links: BTreeMap<String, Vec<String>>,
}

/// `appYaml`.
#[derive(Debug, Default, Clone)]
pub(crate) struct AppYaml {
    pub aliases: Vec<String>,
    pub command: String,
    pub command_chain: Vec<String>,
    pub daemon: String,
    pub daemon_scope: Option<DaemonScope>,
    pub stop_command: String,
    pub reload_command: String,
    pub post_stop_command: String,
    pub stop_timeout: i64,
    pub start_timeout: i64,
    pub watchdog_timeout: i64,
    pub completer: String,
    pub refresh_mode: String,
    pub stop_mode: String,
    pub install_mode: String,
    pub restart_condition: String,
    pub restart_delay: i64,
    pub slots: Vec<String>,
    pub plugs: Vec<String>,
    pub bus_name: String,
    pub activates_on: Vec<String>,
    pub common_id: String,
    pub environment: Environment,
    pub sockets: BTreeMap<String, Socket>,
    pub after: Vec<String>,
    pub before: Vec<String>,
    pub timer: String,
    pub autostart: String,
}

/// `hookYaml`.
#[derive(Debug, Default, Clone)]
pub(crate) struct HookYaml {
    pub plugs: Vec<String>,
    pub slots: Vec<String>,
    pub environment: Environment,
    pub command_chain: Vec<String>,
}

/// `layoutYaml`.
#[derive(Debug, Default, Clone)]
pub(crate) struct LayoutYaml {
    pub bind: String,
    pub bind_file: String,
    pub type_: String,
    pub user: String,
    pub group: String,
    pub mode: String,
    pub symlink: String,
}

/// The restart conditions snapd knows (`RestartMap`).
const RESTART_CONDITIONS: [&str; 8] = [
    "no",
    "never",
    "on-success",
    "on-failure",
    "on-abnormal",
    "on-abort",
    "on-watchdog",
    "always",
];

/// Decodes with yaml.v2's rules, collecting type errors.
#[derive(Default)]
pub(crate) struct Decoder {
    type_errors: Vec<String>,
}

/// Decodes the document (`None`: empty) into a `snapYaml`.
pub(crate) fn decode(root: Option<Node>) -> Result<SnapYaml, YamlError> {
    let mut d = Decoder::default();
    let mut y = SnapYaml::default();
    if let Some(root) = root {
        // Rebuilding the tree costs allocations: only documents with merge keys pay it.
        let root = if has_merge_key(&root) {
            resolve_merges(root)?
        } else {
            root
        };
        d.snap_yaml(&root, &mut y)?;
    }
    if d.type_errors.is_empty() {
        Ok(y)
    } else {
        Err(YamlError::Unmarshal(d.type_errors))
    }
}

impl Decoder {
    fn type_error(&mut self, node: &Node, target: &str) {
        self.type_errors.push(format!(
            "line {}: cannot unmarshal {} into {target}",
            node.pos.line,
            node.describe()
        ));
    }

    /// A `string` field: a scalar's text; null is `""`; a collection is a type error.
    fn string(&mut self, node: &Node) -> String {
        match &node.kind {
            _ if node.is_null() => String::new(),
            NodeKind::Scalar { text, .. } => text.clone(),
            _ => {
                self.type_error(node, "string");
                String::new()
            }
        }
    }

    /// What a custom decoder's `unmarshal(&str)` gives: `None` for null (the decoder is not
    /// called) or a collection (a type error).
    fn custom_string(&mut self, node: &Node) -> Option<String> {
        if node.is_null() {
            return None;
        }
        match node.scalar() {
            Some(t) => Some(t.to_string()),
            None => {
                self.type_error(node, "string");
                None
            }
        }
    }

    /// A `[]string` field.
    fn strings(&mut self, node: &Node) -> Vec<String> {
        match &node.kind {
            NodeKind::Seq(items) => items.iter().map(|i| self.string(i)).collect(),
            _ if node.is_null() => Vec::new(),
            _ => {
                self.type_error(node, "[]string");
                Vec::new()
            }
        }
    }

    /// The entries of a map with string keys, in document order (duplicates included: the
    /// caller lets the last win); a key that is a collection is a type error and skipped; a
    /// non-map is a type error into `target`.
    fn entries<'n>(&mut self, node: &'n Node, target: &str) -> Vec<(String, &'n Node)> {
        match &node.kind {
            NodeKind::Map(pairs) => {
                let mut out = Vec::with_capacity(pairs.len());
                for (k, v) in pairs {
                    let before = self.type_errors.len();
                    let key = self.string(k);
                    if self.type_errors.len() == before {
                        out.push((key, v));
                    }
                }
                out
            }
            _ if node.is_null() => Vec::new(),
            _ => {
                self.type_error(node, target);
                Vec::new()
            }
        }
    }

    /// A `map[string]interface{}` field (plugs, slots, system-usernames), merged into
    /// `into`; null resets it. Keys that are collections inside values are yaml.v2's fatal
    /// `invalid map key`.
    fn untyped_map(&mut self, node: &Node, into: &mut BTreeMap<String, Node>) -> Result<(), Fatal> {
        if node.is_null() {
            into.clear();
            return Ok(());
        }
        for (k, v) in self.entries(node, "map[string]interface {}") {
            check_map_keys(v)?;
            into.insert(k, v.clone());
        }
        Ok(())
    }

    fn snap_yaml(&mut self, root: &Node, y: &mut SnapYaml) -> Result<(), Fatal> {
        if !matches!(root.kind, NodeKind::Map(_)) {
            self.type_error(root, "snap.snapYaml");
            return Ok(());
        }
        for (key, v) in self.entries(root, "snap.snapYaml") {
            match key.as_str() {
                "name" => y.name = self.string(v),
                "version" => y.version = self.string(v),
                "type" => {
                    y.type_ = match self.custom_string(v) {
                        None => None,
                        Some(t) => Some(SnapType::from_yaml(&t).ok_or(YamlError::SnapType(t))?),
                    }
                }
                "architectures" => y.architectures = self.strings(v),
                "assumes" => y.assumes = self.strings(v),
                "title" => y.title = self.string(v),
                "description" => y.description = self.string(v),
                "summary" => y.summary = self.string(v),
                "provenance" => y.provenance = self.string(v),
                "license" => y.license = self.string(v),
                "epoch" => y.epoch = self.epoch(v)?,
                "base" => y.base = self.string(v),
                "confinement" => {
                    y.confinement = match self.custom_string(v) {
                        None => None,
                        Some(t) => Some(confinement(&t).ok_or(YamlError::Confinement(t))?),
                    }
                }
                "environment" => y.environment = self.environment(v)?,
                "plugs" => self.untyped_map(v, &mut y.plugs)?,
                "slots" => self.untyped_map(v, &mut y.slots)?,
                "apps" => {
                    if v.is_null() {
                        y.apps.clear();
                    }
                    for (name, app) in self.entries(v, "map[string]snap.appYaml") {
                        if let Some(a) = self.app(app)? {
                            y.apps.insert(name, a);
                        }
                    }
                }
                "hooks" => {
                    if v.is_null() {
                        y.hooks.clear();
                    }
                    for (name, hook) in self.entries(v, "map[string]snap.hookYaml") {
                        if let Some(h) = self.hook(hook)? {
                            y.hooks.insert(name, h);
                        }
                    }
                }
                "layout" => {
                    if v.is_null() {
                        y.layout = None;
                        continue;
                    }
                    let entries = self.entries(v, "map[string]snap.layoutYaml");
                    if matches!(v.kind, NodeKind::Map(_)) {
                        let layout = y.layout.get_or_insert_with(BTreeMap::new);
                        for (path, l) in entries {
                            if let Some(l) = self.layout(l) {
                                layout.insert(path, l);
                            }
                        }
                    }
                }
                "system-usernames" => self.untyped_map(v, &mut y.system_usernames)?,
                "links" => {
                    if v.is_null() {
                        y.links.clear();
                    }
                    for (k, list) in self.entries(v, "map[string][]string") {
                        let before = self.type_errors.len();
                        let l = self.strings(list);
                        if self.type_errors.len() == before {
                            y.links.insert(k, l);
                        }
                    }
                }
                "layouts" if !v.is_null() => return Err(YamlError::TypoLayouts),
                _ => {}
            }
        }
        Ok(())
    }

    /// A struct value of a map (`apps.A`, `hooks.H` …): `None` when it is not a mapping
    /// (a type error, unless null, which is the zero struct).
    fn struct_entries<'n>(
        &mut self,
        node: &'n Node,
        target: &str,
    ) -> Option<Vec<(String, &'n Node)>> {
        match &node.kind {
            NodeKind::Map(_) => Some(self.entries(node, target)),
            _ if node.is_null() => Some(Vec::new()),
            _ => {
                self.type_error(node, target);
                None
            }
        }
    }

    fn app(&mut self, node: &Node) -> Result<Option<AppYaml>, Fatal> {
        let Some(entries) = self.struct_entries(node, "snap.appYaml") else {
            return Ok(None);
        };
        let mut a = AppYaml::default();
        for (key, v) in entries {
            match key.as_str() {
                "aliases" => a.aliases = self.strings(v),
                "command" => a.command = self.string(v),
                "command-chain" => a.command_chain = self.strings(v),
                "daemon" => a.daemon = self.string(v),
                "daemon-scope" => {
                    a.daemon_scope = match self.custom_string(v) {
                        None => None,
                        Some(t) => Some(match t.as_str() {
                            "system" => DaemonScope::System,
                            "user" => DaemonScope::User,
                            _ => return Err(YamlError::DaemonScope(t)),
                        }),
                    }
                }
                "stop-command" => a.stop_command = self.string(v),
                "reload-command" => a.reload_command = self.string(v),
                "post-stop-command" => a.post_stop_command = self.string(v),
                "stop-timeout" => a.stop_timeout = self.timeout(v)?,
                "start-timeout" => a.start_timeout = self.timeout(v)?,
                "watchdog-timeout" => a.watchdog_timeout = self.timeout(v)?,
                "completer" => a.completer = self.string(v),
                "refresh-mode" => a.refresh_mode = self.string(v),
                // StopModeType is a plain string type (checked by validation).
                "stop-mode" => a.stop_mode = self.string(v),
                "install-mode" => a.install_mode = self.string(v),
                "restart-condition" => {
                    a.restart_condition = match self.custom_string(v) {
                        None => String::new(),
                        // `no` is an alias of `never` (both are RestartNever, whose
                        // String is "never").
                        Some(t) if t == "no" => "never".to_string(),
                        Some(t) if RESTART_CONDITIONS.contains(&t.as_str()) => t,
                        Some(_) => return Err(YamlError::RestartCondition),
                    }
                }
                "restart-delay" => a.restart_delay = self.timeout(v)?,
                "slots" => a.slots = self.strings(v),
                "plugs" => a.plugs = self.strings(v),
                "bus-name" => a.bus_name = self.string(v),
                "activates-on" => a.activates_on = self.strings(v),
                "common-id" => a.common_id = self.string(v),
                "environment" => a.environment = self.environment(v)?,
                "sockets" => {
                    if v.is_null() {
                        a.sockets.clear();
                    }
                    for (name, s) in self.entries(v, "map[string]snap.socketsYaml") {
                        if let Some(mut socket) = self.socket(s) {
                            socket.name = name.clone();
                            a.sockets.insert(name, socket);
                        }
                    }
                }
                "after" => a.after = self.strings(v),
                "before" => a.before = self.strings(v),
                "timer" => a.timer = self.string(v),
                "autostart" => a.autostart = self.string(v),
                _ => {}
            }
        }
        Ok(Some(a))
    }

    fn socket(&mut self, node: &Node) -> Option<Socket> {
        let entries = self.struct_entries(node, "snap.socketsYaml")?;
        let mut s = Socket::default();
        for (key, v) in entries {
            match key.as_str() {
                "listen-stream" => s.listen_stream = self.string(v),
                "socket-mode" => s.socket_mode = self.file_mode(v),
                _ => {}
            }
        }
        Some(s)
    }

    /// An `os.FileMode` (uint32, `fs.FileMode` in messages) field: an integer in range; anything else is a type error.
    fn file_mode(&mut self, node: &Node) -> u32 {
        if node.is_null() {
            return 0;
        }
        let mode = match Value::from_scalar(node) {
            Some(Value::Int(i)) => u32::try_from(i).ok(),
            Some(Value::Uint(u)) => u32::try_from(u).ok(),
            // Go converts the float to an integer first (truncating towards zero).
            Some(Value::Float(f)) if f > -1.0 && f < 4_294_967_296.0 => Some(f as u32),
            _ => None,
        };
        mode.unwrap_or_else(|| {
            self.type_error(node, "fs.FileMode");
            0
        })
    }

    fn hook(&mut self, node: &Node) -> Result<Option<HookYaml>, Fatal> {
        let Some(entries) = self.struct_entries(node, "snap.hookYaml") else {
            return Ok(None);
        };
        let mut h = HookYaml::default();
        for (key, v) in entries {
            match key.as_str() {
                "plugs" => h.plugs = self.strings(v),
                "slots" => h.slots = self.strings(v),
                "environment" => h.environment = self.environment(v)?,
                "command-chain" => h.command_chain = self.strings(v),
                _ => {}
            }
        }
        Ok(Some(h))
    }

    fn layout(&mut self, node: &Node) -> Option<LayoutYaml> {
        let entries = self.struct_entries(node, "snap.layoutYaml")?;
        let mut l = LayoutYaml::default();
        for (key, v) in entries {
            match key.as_str() {
                "bind" => l.bind = self.string(v),
                "bind-file" => l.bind_file = self.string(v),
                "type" => l.type_ = self.string(v),
                "user" => l.user = self.string(v),
                "group" => l.group = self.string(v),
                "mode" => l.mode = self.string(v),
                "symlink" => l.symlink = self.string(v),
                _ => {}
            }
        }
        Some(l)
    }

    /// A `timeout.Timeout`: a Go duration text.
    fn timeout(&mut self, node: &Node) -> Result<i64, Fatal> {
        match self.custom_string(node) {
            None => Ok(0),
            Some(t) => ucore_go_text::duration::parse_duration(&t).map_err(YamlError::Duration),
        }
    }

    /// `strutil.OrderedMap`: first as `map[string]string` (type errors), then in order,
    /// where a key that is not a string and a repeated key are errors.
    fn environment(&mut self, node: &Node) -> Result<Environment, Fatal> {
        if node.is_null() {
            return Ok(Environment::default());
        }
        let before = self.type_errors.len();
        let entries = self.entries(node, "map[string]string");
        let mut pairs = Vec::with_capacity(entries.len());
        for (k, v) in &entries {
            pairs.push((k.clone(), self.string(v)));
        }
        if self.type_errors.len() > before {
            return Ok(Environment::default());
        }
        let NodeKind::Map(nodes) = &node.kind else {
            return Ok(Environment::default());
        };
        // The last value of a repeated key is the one the map holds.
        let values: BTreeMap<String, String> = pairs.into_iter().collect();
        let mut ordered = Vec::with_capacity(nodes.len());
        for (k, _) in nodes {
            match Value::from_scalar(k) {
                Some(Value::String(s)) => {
                    let value = values.get(&s).cloned().unwrap_or_default();
                    ordered.push((s, value));
                }
                other => {
                    return Err(YamlError::EnvironmentKey(go_q_interface(
                        other.as_ref().unwrap_or(&Value::Null),
                    )));
                }
            }
        }
        Environment::from_pairs(ordered).map_err(YamlError::EnvironmentDuplicate)
    }

    /// `Epoch.UnmarshalYAML`: a scalar is the short form, a mapping the structured one.
    fn epoch(&mut self, node: &Node) -> Result<Option<Epoch>, Fatal> {
        match &node.kind {
            _ if node.is_null() => Ok(None),
            NodeKind::Scalar { text, .. } => {
                Epoch::parse_short(text).map(Some).map_err(YamlError::Epoch)
            }
            NodeKind::Seq(_) => {
                self.type_error(node, "snap.structuredEpoch");
                Ok(None)
            }
            NodeKind::Map(_) => {
                let mut read = None;
                let mut write = None;
                for (key, v) in self.entries(node, "snap.structuredEpoch") {
                    let list = match key.as_str() {
                        "read" => &mut read,
                        "write" => &mut write,
                        _ => continue,
                    };
                    *list = epoch_list(v).map_err(YamlError::Epoch)?;
                }
                Epoch::from_lists(read, write)
                    .map(Some)
                    .map_err(YamlError::Epoch)
            }
        }
    }
}

/// Whether a key is YAML's merge key `<<` (plain, or tagged `!!merge`).
fn is_merge_key(key: &Node) -> bool {
    match &key.kind {
        NodeKind::Scalar { text, plain, tag } => {
            text == "<<"
                && (tag.as_deref() == Some("tag:yaml.org,2002:merge") || (*plain && tag.is_none()))
        }
        _ => false,
    }
}

/// Whether any mapping in the tree has a merge key (iterative: no recursion on input).
fn has_merge_key(root: &Node) -> bool {
    let mut todo = vec![root];
    while let Some(n) = todo.pop() {
        match &n.kind {
            NodeKind::Seq(items) => todo.extend(items),
            NodeKind::Map(pairs) => {
                for (k, v) in pairs {
                    if is_merge_key(k) {
                        return true;
                    }
                    todo.push(k);
                    todo.push(v);
                }
            }
            NodeKind::Scalar { .. } => {}
        }
    }
    false
}

/// yaml.v2's merge keys: `<<: M` decodes the mapping `M` into the enclosing one at that
/// place (later keys win), `<<: [M1, M2]` decodes `M2` then `M1`; anything else is
/// yaml.v2's fatal error. Nodes are moved, never copied; the depth is bounded by the YAML
/// reader's nesting limit.
fn resolve_merges(node: Node) -> Result<Node, Fatal> {
    let kind = match node.kind {
        NodeKind::Seq(items) => NodeKind::Seq(
            items
                .into_iter()
                .map(resolve_merges)
                .collect::<Result<_, _>>()?,
        ),
        NodeKind::Map(pairs) => {
            let mut out = Vec::with_capacity(pairs.len());
            for (k, v) in pairs {
                if !is_merge_key(&k) {
                    out.push((resolve_merges(k)?, resolve_merges(v)?));
                    continue;
                }
                let maps = match resolve_merges(v)?.kind {
                    NodeKind::Map(merged) => vec![merged],
                    NodeKind::Seq(items) => {
                        let mut maps = Vec::with_capacity(items.len());
                        for item in items.into_iter().rev() {
                            match item.kind {
                                NodeKind::Map(merged) => maps.push(merged),
                                _ => return Err(YamlError::MergeNotMap),
                            }
                        }
                        maps
                    }
                    _ => return Err(YamlError::MergeNotMap),
                };
                out.extend(maps.into_iter().flatten());
            }
            NodeKind::Map(out)
        }
        scalar => scalar,
    };
    Ok(Node {
        kind,
        pos: node.pos,
    })
}

/// A `read` or `write` list of epoch numbers (`uint32slice`); `None` for null.
fn epoch_list(node: &Node) -> Result<Option<Vec<u32>>, EpochError> {
    if node.is_null() {
        return Ok(None);
    }
    let NodeKind::Seq(items) = &node.kind else {
        return Err(EpochError::BadList);
    };
    let mut texts = Vec::with_capacity(items.len());
    for item in items {
        match &item.kind {
            _ if item.is_null() => texts.push(""),
            NodeKind::Scalar { text, .. } => texts.push(text.as_str()),
            _ => return Err(EpochError::BadList),
        }
    }
    texts
        .into_iter()
        .map(parse_epoch_number)
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

fn confinement(text: &str) -> Option<Confinement> {
    Some(match text {
        "strict" => Confinement::Strict,
        "devmode" => Confinement::Devmode,
        "classic" => Confinement::Classic,
        _ => return None,
    })
}

/// Go's `%q` of an `interface{}` holding a decoded YAML key (`'\x01'` for 1,
/// `%!q(bool=true)`, `%!q(<nil>)`).
pub(crate) fn go_q_interface(v: &Value) -> String {
    match v {
        Value::Null => "%!q(<nil>)".into(),
        other => other.go_q(),
    }
}

/// yaml.v2 refuses a mapping key that is itself a sequence or mapping when it decodes into
/// `interface{}` (`invalid map key: …`); the walk is iterative and bounded by the tree.
fn check_map_keys(node: &Node) -> Result<(), Fatal> {
    let mut todo = vec![node];
    while let Some(n) = todo.pop() {
        match &n.kind {
            NodeKind::Scalar { .. } => {}
            NodeKind::Seq(items) => todo.extend(items.iter()),
            NodeKind::Map(pairs) => {
                for (k, v) in pairs {
                    if !matches!(k.kind, NodeKind::Scalar { .. }) {
                        return Err(YamlError::InvalidMapKey(go_sharp_v(k)));
                    }
                    todo.push(v);
                }
            }
        }
    }
    Ok(())
}

/// Go's `%#v` of a decoded sequence or mapping key, for yaml.v2's `invalid map key`
/// message (nested collections are shown by their type only).
fn go_sharp_v(node: &Node) -> String {
    let scalar = |n: &Node| match Value::from_scalar(n) {
        Some(Value::String(s)) => ucore_go_text::quote(&s),
        Some(Value::Null) | None => "interface {}(nil)".to_string(),
        Some(v) => v.go_display(),
    };
    match &node.kind {
        NodeKind::Seq(items) => format!(
            "[]interface {{}}{{{}}}",
            items.iter().map(scalar).collect::<Vec<_>>().join(", ")
        ),
        NodeKind::Map(pairs) => format!(
            "map[interface {{}}]interface {{}}{{{}}}",
            pairs
                .iter()
                .map(|(k, v)| format!("{}:{}", scalar(k), scalar(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        NodeKind::Scalar { .. } => scalar(node),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(text: &str) -> Result<SnapYaml, YamlError> {
        let root = ucore_go_yaml::load(text).unwrap();
        decode(root)
    }

    #[test]
    fn type_errors_are_collected_in_document_order() {
        let err = decoded("name: [a]\nversion: {a: 1}\ntitle: x\napps:\n  a:\n    plugs: x\n")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into string\n  line 2: cannot unmarshal !!map into string\n  line 6: cannot unmarshal !!str `x` into []string"
        );
    }

    #[test]
    fn a_custom_decoder_error_stops_decoding() {
        let err = decoded("name: [a]\ntype: bogus\n").unwrap_err();
        assert_eq!(err, YamlError::SnapType("bogus".into()));
    }

    #[test]
    fn repeated_keys_replace_scalars_and_merge_maps() {
        let y = decoded(
            "name: a\nname: b\nplugs: {x: network}\nplugs: {y: home}\nassumes: [p]\nassumes: [q]\n",
        )
        .unwrap();
        assert_eq!(y.name, "b");
        assert_eq!(y.plugs.keys().collect::<Vec<_>>(), ["x", "y"]);
        assert_eq!(y.assumes, ["q"]);
        let y = decoded("plugs: {x: network}\nplugs: ~\n").unwrap();
        assert!(y.plugs.is_empty());
    }

    #[test]
    fn merge_keys() {
        let y = decoded("apps:\n  a:\n    command: x\n    <<: [{command: y, daemon: simple}, {daemon: forking}]\n").unwrap();
        assert_eq!(y.apps["a"].command, "y");
        assert_eq!(y.apps["a"].daemon, "simple");
        assert_eq!(
            decoded("plugs:\n  <<: x\n").unwrap_err(),
            YamlError::MergeNotMap
        );
    }

    #[test]
    fn file_modes() {
        let y =
            decoded("apps:\n  a:\n    sockets:\n      s:\n        socket-mode: 0660\n").unwrap();
        assert_eq!(y.apps["a"].sockets["s"].socket_mode, 0o660);
        assert!(
            decoded("apps:\n  a:\n    sockets:\n      s:\n        socket-mode: 4294967296\n")
                .is_err()
        );
    }
}
