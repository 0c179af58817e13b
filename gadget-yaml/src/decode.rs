//! Maps the YAML node tree onto the gadget types, as yaml.v2 decodes snapd's structs.
//!
//! yaml.v2 rules copied here: unknown keys are ignored; a later duplicate key wins; string
//! fields take a scalar's raw text; null leaves the zero value (custom unmarshalers are not
//! called); a type mismatch is collected (`line N: cannot unmarshal !!seq into string`) and
//! decoding goes on, while an error from a custom unmarshaler (sizes, offsets, editions,
//! connections, kernel arguments) stops decoding at once.

use std::collections::BTreeMap;

use crate::error::Position;
use crate::info::*;
use crate::kcmdline;
use crate::quantity::{RelativeOffset, parse_edition, parse_offset, parse_size};
use ucore_go_text::quote;
use ucore_go_yaml::{Node, NodeKind, Value as ConfigValue};

/// A fault while decoding: the message without the `cannot parse gadget metadata: `
/// prefix, the YAML path and the position.
#[derive(Debug, Clone)]
pub(crate) struct Fault {
    pub message: String,
    pub path: String,
    pub pos: Position,
}

/// A `volume-assignments` item: name, (volume, device) pairs, YAML path.
pub(crate) type RawAssignment = (String, Vec<(String, Option<String>)>, String);

/// The decoded document before snapd's implicit values: volumes keep their YAML order of
/// structures; a null volume stanza is `None`.
#[derive(Debug, Default)]
pub(crate) struct RawInfo {
    pub volumes: BTreeMap<String, Option<Volume>>,
    pub has_volumes_key: bool,
    pub defaults: BTreeMap<String, Option<Node>>,
    pub connections: Vec<(Option<ConnectionEnd>, Option<ConnectionEnd>, String)>,
    pub kernel_cmdline: KernelCmdline,
    pub volume_assignments: Vec<RawAssignment>,
}

pub(crate) struct Decoder {
    pub positions: BTreeMap<String, Position>,
    pub type_errors: Vec<Fault>,
}

type Fatal = Fault;

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

impl Decoder {
    pub fn new() -> Self {
        Decoder {
            positions: BTreeMap::new(),
            type_errors: Vec::new(),
        }
    }

    fn note(&mut self, path: &str, node: &Node) {
        self.positions.insert(path.to_string(), node.pos);
    }

    fn type_error(&mut self, node: &Node, path: &str, target: &str) {
        self.type_errors.push(Fault {
            message: format!(
                "line {}: cannot unmarshal {} into {target}",
                node.pos.line,
                node.describe()
            ),
            path: path.to_string(),
            pos: node.pos,
        });
    }

    /// Entries of a mapping in document order, duplicates included, keys as raw text (null
    /// key: "").
    /// Non-mappings record a type error and give nothing.
    fn entries<'n>(&mut self, node: &'n Node, path: &str, target: &str) -> Vec<(String, &'n Node)> {
        match &node.kind {
            NodeKind::Map(entries) => {
                let mut out: Vec<(String, &Node)> = Vec::new();
                for (k, v) in entries {
                    let key = match &k.kind {
                        NodeKind::Scalar { .. } if k.is_null() => String::new(),
                        NodeKind::Scalar { text, .. } => text.clone(),
                        _ => {
                            self.type_error(k, path, "string");
                            continue;
                        }
                    };
                    // Every occurrence is decoded in order, as yaml.v2 does: a later
                    // duplicate overwrites (callers reset lists and maps first), and type
                    // errors of an earlier one are still reported.
                    out.push((key, v));
                }
                out
            }
            _ if node.is_null() => Vec::new(),
            _ => {
                self.type_error(node, path, target);
                Vec::new()
            }
        }
    }

    fn items<'n>(&mut self, node: &'n Node, path: &str, target: &str) -> &'n [Node] {
        match &node.kind {
            NodeKind::Seq(items) => items,
            _ if node.is_null() => &[],
            _ => {
                self.type_error(node, path, target);
                &[]
            }
        }
    }

    fn string(&mut self, node: &Node, path: &str) -> String {
        self.note(path, node);
        match &node.kind {
            NodeKind::Scalar { .. } if node.is_null() => String::new(),
            NodeKind::Scalar { text, .. } => text.clone(),
            _ => {
                self.type_error(node, path, "string");
                String::new()
            }
        }
    }

    fn boolean(&mut self, node: &Node, path: &str) -> bool {
        self.note(path, node);
        match ConfigValue::from_scalar(node) {
            Some(ConfigValue::Bool(b)) => b,
            Some(ConfigValue::Null) => false,
            _ => {
                self.type_error(node, path, "bool");
                false
            }
        }
    }

    /// The scalar text a custom unmarshaler sees, or `None` for null; a collection is the
    /// unmarshaler's own fatal error `what`.
    fn custom_scalar(
        &mut self,
        node: &Node,
        path: &str,
        what: &str,
    ) -> Result<Option<String>, Fatal> {
        self.note(path, node);
        if node.is_null() {
            return Ok(None);
        }
        match node.scalar() {
            Some(t) => Ok(Some(t.to_string())),
            None => Err(Fault {
                message: what.to_string(),
                path: path.to_string(),
                pos: node.pos,
            }),
        }
    }

    fn fatal(message: String, path: &str, node: &Node) -> Fatal {
        Fault {
            message,
            path: path.to_string(),
            pos: node.pos,
        }
    }

    fn size(&mut self, node: &Node, path: &str) -> Result<u64, Fatal> {
        match self.custom_scalar(node, path, "cannot unmarshal gadget size")? {
            None => Ok(0),
            Some(t) => parse_size(&t).map_err(|e| Self::fatal(e, path, node)),
        }
    }

    fn offset(&mut self, node: &Node, path: &str) -> Result<Option<u64>, Fatal> {
        match self.custom_scalar(node, path, "cannot unmarshal gadget offset")? {
            None => Ok(None),
            Some(t) => parse_offset(&t)
                .map(Some)
                .map_err(|e| Self::fatal(e, path, node)),
        }
    }

    pub fn info(&mut self, root: &Node) -> Result<RawInfo, Fatal> {
        let mut raw = RawInfo::default();
        for (key, value) in self.entries(root, "", "gadget.Info") {
            match key.as_str() {
                "volumes" => {
                    self.note("volumes", value);
                    raw.has_volumes_key = true;
                    raw.volumes.clear();
                    for (name, vnode) in self.entries(value, "volumes", "map[string]*gadget.Volume")
                    {
                        let path = join("volumes", &name);
                        self.note(&path, vnode);
                        let volume = if vnode.is_null() {
                            None
                        } else if name.len() > crate::structure::MAX_VOLUME_NAME {
                            // Refused as an invalid name by the validation; its content is
                            // not read, so the name is not copied into every path below it.
                            Some(Volume {
                                name: name.clone(),
                                ..Volume::default()
                            })
                        } else {
                            Some(self.volume(&name, vnode, &path)?)
                        };
                        raw.volumes.insert(name, volume);
                    }
                }
                "defaults" => {
                    self.note("defaults", value);
                    raw.defaults.clear();
                    for (id, stanza) in
                        self.entries(value, "defaults", "map[string]map[string]interface {}")
                    {
                        let path = join("defaults", &id);
                        self.note(&path, stanza);
                        if !stanza.is_null() && !matches!(stanza.kind, NodeKind::Map(_)) {
                            self.type_error(stanza, &path, "map[string]interface {}");
                            raw.defaults.insert(id, None);
                            continue;
                        }
                        raw.defaults.insert(id, Some(stanza.clone()));
                    }
                }
                "connections" => {
                    self.note("connections", value);
                    raw.connections.clear();
                    for (i, item) in self
                        .items(value, "connections", "[]gadget.Connection")
                        .iter()
                        .enumerate()
                    {
                        let path = format!("connections[{i}]");
                        self.note(&path, item);
                        raw.connections.push(self.connection(item, &path)?);
                    }
                }
                "kernel-cmdline" => {
                    self.note("kernel-cmdline", value);
                    raw.kernel_cmdline = self.kernel_cmdline(value, "kernel-cmdline")?;
                }
                "volume-assignments" => {
                    self.note("volume-assignments", value);
                    raw.volume_assignments.clear();
                    for (i, item) in self
                        .items(value, "volume-assignments", "[]*gadget.VolumeAssignment")
                        .iter()
                        .enumerate()
                    {
                        let path = format!("volume-assignments[{i}]");
                        self.note(&path, item);
                        let mut name = String::new();
                        let mut assignments = Vec::new();
                        for (k, v) in self.entries(item, &path, "gadget.VolumeAssignment") {
                            match k.as_str() {
                                "assignment-name" => name = self.string(v, &join(&path, &k)),
                                "assignment" => {
                                    let apath = join(&path, "assignment");
                                    self.note(&apath, v);
                                    assignments.clear();
                                    for (vol, dev) in self.entries(
                                        v,
                                        &apath,
                                        "map[string]*gadget.DeviceAssignment",
                                    ) {
                                        let dpath = join(&apath, &vol);
                                        self.note(&dpath, dev);
                                        let mut device = None;
                                        if !dev.is_null() {
                                            let mut d = String::new();
                                            for (dk, dv) in
                                                self.entries(dev, &dpath, "gadget.DeviceAssignment")
                                            {
                                                if dk == "device" {
                                                    d = self.string(dv, &join(&dpath, "device"));
                                                }
                                            }
                                            device = Some(d);
                                        }
                                        assignments.push((vol, device));
                                    }
                                }
                                _ => {}
                            }
                        }
                        raw.volume_assignments.push((name, assignments, path));
                    }
                }
                _ => {}
            }
        }
        Ok(raw)
    }

    fn connection(
        &mut self,
        node: &Node,
        path: &str,
    ) -> Result<(Option<ConnectionEnd>, Option<ConnectionEnd>, String), Fatal> {
        let mut plug = None;
        let mut slot = None;
        for (k, v) in self.entries(node, path, "gadget.Connection") {
            let which = match k.as_str() {
                "plug" => "plug",
                "slot" => "slot",
                _ => continue,
            };
            let p = join(path, which);
            let before = self.type_errors.len();
            let text = self.string(v, &p);
            if self.type_errors.len() > before || v.is_null() {
                continue;
            }
            let parts: Vec<&str> = text.split(':').collect();
            if parts.len() != 2 || parts[0].is_empty() || parts[1].is_empty() {
                return Err(Self::fatal(
                    format!(
                        "in gadget connection {which}: expected \"(<snap-id>|system):name\" not {}",
                        quote(&text)
                    ),
                    &p,
                    v,
                ));
            }
            let end = ConnectionEnd {
                snap_id: parts[0].to_string(),
                name: parts[1].to_string(),
            };
            if which == "plug" {
                plug = Some(end);
            } else {
                slot = Some(end);
            }
        }
        Ok((plug, slot, path.to_string()))
    }

    fn kernel_cmdline(&mut self, node: &Node, path: &str) -> Result<KernelCmdline, Fatal> {
        let mut out = KernelCmdline::default();
        for (k, v) in self.entries(node, path, "gadget.KernelCmdline") {
            let lpath = join(path, &k);
            self.note(&lpath, v);
            match k.as_str() {
                "append" => {
                    out.append.clear();
                    for (i, item) in self
                        .items(v, &lpath, "[]kcmdline.Argument")
                        .iter()
                        .enumerate()
                    {
                        let ipath = format!("{lpath}[{i}]");
                        if let Some(t) =
                            self.custom_scalar(item, &ipath, "cannot unmarshal kernel argument")?
                        {
                            out.append.push(
                                kcmdline::parse_argument(&t)
                                    .map_err(|e| Self::fatal(e, &ipath, item))?,
                            );
                        }
                    }
                }
                "allow" | "remove" => {
                    let mut list = Vec::new();
                    for (i, item) in self
                        .items(v, &lpath, "[]kcmdline.ArgumentPattern")
                        .iter()
                        .enumerate()
                    {
                        let ipath = format!("{lpath}[{i}]");
                        if let Some(t) =
                            self.custom_scalar(item, &ipath, "cannot unmarshal kernel argument")?
                        {
                            list.push(
                                kcmdline::parse_pattern(&t)
                                    .map_err(|e| Self::fatal(e, &ipath, item))?,
                            );
                        }
                    }
                    if k == "allow" {
                        out.allow = list;
                    } else {
                        out.remove = list;
                    }
                }
                _ => {}
            }
        }
        Ok(out)
    }

    fn volume(&mut self, name: &str, node: &Node, path: &str) -> Result<Volume, Fatal> {
        let mut v = Volume {
            name: name.to_string(),
            ..Volume::default()
        };
        for (k, value) in self.entries(node, path, "gadget.Volume") {
            let fpath = join(path, &k);
            match k.as_str() {
                "schema" => v.schema = self.string(value, &fpath),
                "bootloader" => v.bootloader = self.string(value, &fpath),
                "id" => v.id = self.string(value, &fpath),
                "partial" => {
                    self.note(&fpath, value);
                    v.partial.clear();
                    for (i, item) in self
                        .items(value, &fpath, "[]gadget.PartialProperty")
                        .iter()
                        .enumerate()
                    {
                        let p = self.string(item, &format!("{fpath}[{i}]"));
                        v.partial.push(p);
                    }
                }
                "structure" => {
                    self.note(&fpath, value);
                    v.structures.clear();
                    for (i, item) in self
                        .items(value, &fpath, "[]gadget.VolumeStructure")
                        .iter()
                        .enumerate()
                    {
                        let spath = format!("{fpath}[{i}]");
                        self.note(&spath, item);
                        let mut s = self.structure(item, &spath)?;
                        s.yaml_index = i;
                        v.structures.push(s);
                    }
                }
                _ => {}
            }
        }
        Ok(v)
    }

    fn structure(&mut self, node: &Node, path: &str) -> Result<VolumeStructure, Fatal> {
        let mut s = VolumeStructure::default();
        for (k, value) in self.entries(node, path, "gadget.VolumeStructure") {
            let fpath = join(path, &k);
            match k.as_str() {
                "name" => s.name = self.string(value, &fpath),
                "filesystem-label" => s.label = self.string(value, &fpath),
                "offset" => {
                    s.offset = self.offset(value, &fpath)?;
                    s.explicit_offset = s.offset;
                }
                "offset-write" => {
                    s.offset_write = match self.custom_scalar(
                        value,
                        &fpath,
                        "cannot unmarshal gadget relative offset",
                    )? {
                        None => None,
                        Some(t) => Some(
                            RelativeOffset::parse(&t).map_err(|e| Self::fatal(e, &fpath, value))?,
                        ),
                    }
                }
                "min-size" => s.min_size = self.size(value, &fpath)?,
                "size" => s.size = self.size(value, &fpath)?,
                "type" => s.type_ = self.string(value, &fpath),
                "role" => s.role = self.string(value, &fpath),
                "id" => s.id = self.string(value, &fpath),
                "filesystem" => s.filesystem = self.string(value, &fpath),
                "content" => {
                    self.note(&fpath, value);
                    s.content.clear();
                    for (i, item) in self
                        .items(value, &fpath, "[]gadget.VolumeContent")
                        .iter()
                        .enumerate()
                    {
                        let cpath = format!("{fpath}[{i}]");
                        self.note(&cpath, item);
                        let c = self.content(item, &cpath)?;
                        s.content.push(c);
                    }
                }
                "update" => {
                    self.note(&fpath, value);
                    let mut u = VolumeUpdate::default();
                    for (uk, uv) in self.entries(value, &fpath, "gadget.VolumeUpdate") {
                        let upath = join(&fpath, &uk);
                        match uk.as_str() {
                            "edition" => {
                                u.edition = match self.custom_scalar(
                                    uv,
                                    &upath,
                                    "cannot unmarshal \"edition\"",
                                )? {
                                    None => 0,
                                    Some(t) => {
                                        parse_edition(&t).map_err(|e| Self::fatal(e, &upath, uv))?
                                    }
                                }
                            }
                            "preserve" => {
                                self.note(&upath, uv);
                                u.preserve.clear();
                                for (i, item) in
                                    self.items(uv, &upath, "[]string").iter().enumerate()
                                {
                                    let p = self.string(item, &format!("{upath}[{i}]"));
                                    u.preserve.push(p);
                                }
                            }
                            _ => {}
                        }
                    }
                    s.update = u;
                }
                _ => {}
            }
        }
        Ok(s)
    }

    fn content(&mut self, node: &Node, path: &str) -> Result<VolumeContent, Fatal> {
        let mut c = VolumeContent::default();
        for (k, value) in self.entries(node, path, "gadget.VolumeContent") {
            let fpath = join(path, &k);
            match k.as_str() {
                "source" => c.source = self.string(value, &fpath),
                "target" => c.target = self.string(value, &fpath),
                "image" => c.image = self.string(value, &fpath),
                "offset" => c.offset = self.offset(value, &fpath)?,
                "size" => c.size = self.size(value, &fpath)?,
                "unpack" => c.unpack = self.boolean(value, &fpath),
                _ => {}
            }
        }
        Ok(c)
    }
}

/// Decodes one `defaults` stanza into normalised values, with snapd's leaf message on
/// failure (`invalid scalar: <nil>`, `non-string key: 1`).
pub(crate) fn normalize_stanza(
    node: &Node,
) -> Result<BTreeMap<String, ConfigValue>, (String, String)> {
    // The stanza itself is map[string]interface{}: its keys are taken as text.
    let mut out = BTreeMap::new();
    let mut first_error: Option<String> = None;
    if let NodeKind::Map(entries) = &node.kind {
        for (k, v) in entries {
            let key = if k.is_null() {
                String::new()
            } else {
                k.scalar().unwrap_or_default().to_string()
            };
            let (value, err) = to_value(v, 0);
            if first_error.is_none() {
                first_error = err;
            }
            out.insert(key, value);
        }
    }
    match first_error {
        None => Ok(out),
        Some(e) => Err((stanza_go_q(node), e)),
    }
}

/// Converts a node to an `interface{}` value and normalises it; returns the value (for the
/// message) and the first normalisation error.
fn to_value(node: &Node, depth: usize) -> (ConfigValue, Option<String>) {
    if depth > ucore_go_yaml::MAX_DEPTH {
        return (ConfigValue::Null, Some("invalid scalar: <nil>".into()));
    }
    match &node.kind {
        NodeKind::Scalar { .. } => {
            let v = ConfigValue::from_scalar(node).unwrap_or(ConfigValue::Null);
            let err = match &v {
                ConfigValue::Null => Some("invalid scalar: <nil>".to_string()),
                ConfigValue::Uint(u) => Some(format!("invalid scalar: {u}")),
                _ => None,
            };
            (v, err)
        }
        NodeKind::Seq(items) => {
            let mut err = None;
            let mut list = Vec::new();
            for item in items {
                let (v, e) = to_value(item, depth + 1);
                if err.is_none() {
                    err = e;
                }
                list.push(v);
            }
            (ConfigValue::List(list), err)
        }
        NodeKind::Map(entries) => {
            let mut err = None;
            let mut map = BTreeMap::new();
            for (k, v) in entries {
                let key = match ConfigValue::from_scalar(k) {
                    Some(ConfigValue::String(s)) => s,
                    Some(other) => {
                        if err.is_none() {
                            err = Some(format!("non-string key: {}", other.go_display()));
                        }
                        other.go_display()
                    }
                    None => {
                        if err.is_none() {
                            err = Some("non-string key: map[]".to_string());
                        }
                        String::new()
                    }
                };
                let (value, e) = to_value(v, depth + 1);
                if err.is_none() {
                    err = e;
                }
                map.insert(key, value);
            }
            (ConfigValue::Map(map), err)
        }
    }
}

/// Go's `%q` of a `defaults` stanza (`map[string]interface{}`), as snapd's message prints it:
/// keys sorted, nested map keys keep their YAML type (`map[%!q(bool=true):'\x02']`).
fn stanza_go_q(node: &Node) -> String {
    let mut entries: BTreeMap<String, String> = BTreeMap::new();
    if let NodeKind::Map(pairs) = &node.kind {
        for (k, v) in pairs {
            let key = if k.is_null() {
                String::new()
            } else {
                k.scalar().unwrap_or_default().to_string()
            };
            entries.insert(key, node_go_q(v, 0));
        }
    }
    let body: Vec<String> = entries
        .iter()
        .map(|(k, v)| format!("{}:{v}", quote(k)))
        .collect();
    format!("map[{}]", body.join(" "))
}

/// Sort rank of a key as Go's `fmtsort` orders `interface{}` keys of one kind.
fn key_order(v: &ConfigValue) -> (u8, i128, String) {
    match v {
        ConfigValue::Null => (0, 0, String::new()),
        ConfigValue::Bool(b) => (1, i128::from(*b), String::new()),
        ConfigValue::Int(i) => (2, i128::from(*i), String::new()),
        ConfigValue::Uint(u) => (2, i128::from(*u), String::new()),
        ConfigValue::Float(f) => (3, 0, format!("{f:020.6}")),
        ConfigValue::String(s) => (4, 0, s.clone()),
        _ => (5, 0, String::new()),
    }
}

fn node_go_q(node: &Node, depth: usize) -> String {
    if depth > ucore_go_yaml::MAX_DEPTH {
        return "<nil>".into();
    }
    match &node.kind {
        NodeKind::Scalar { .. } => ConfigValue::from_scalar(node)
            .unwrap_or(ConfigValue::Null)
            .go_q(),
        NodeKind::Seq(items) => format!(
            "[{}]",
            items
                .iter()
                .map(|i| node_go_q(i, depth + 1))
                .collect::<Vec<_>>()
                .join(" ")
        ),
        NodeKind::Map(pairs) => {
            let mut entries: BTreeMap<(u8, i128, String), (String, String)> = BTreeMap::new();
            for (k, v) in pairs {
                let key = ConfigValue::from_scalar(k).unwrap_or(ConfigValue::Null);
                entries.insert(key_order(&key), (key.go_q(), node_go_q(v, depth + 1)));
            }
            let body: Vec<String> = entries.values().map(|(k, v)| format!("{k}:{v}")).collect();
            format!("map[{}]", body.join(" "))
        }
    }
}
