//! [`ModelBuilder`]: a model statement written in Rust with typed values.

use serde_json::{Map, Value, json};
use ucore_assertions::types::{Grade, Presence, SnapType, StorageSafety, ValidationSetMode};

use super::Statement;

/// A typed way to write a model statement. Each method sets one header; nothing is
/// checked until [`Statement::check`] (which [`Statement::sign`] runs), so a builder
/// can express everything a JSON statement can, including mistakes, and get the same
/// errors.
///
/// ```
/// use ucore_model::{ModelBuilder, SnapEntry, Grade, SnapType};
///
/// let statement = ModelBuilder::new("acme", "acme-device-2")
///     .architecture("amd64")
///     .base("core22")
///     .grade(Grade::Signed)
///     .snap(SnapEntry::new("pc").id("UqFziVZDHLSyO3TqSWgNBoAdHbLI4dAH").snap_type(SnapType::Gadget).default_channel("22/stable"))
///     .snap(SnapEntry::new("pc-kernel").id("pYVQrBcKmBa0mZ4CCN7ExT6jH8rY1hza").snap_type(SnapType::Kernel).default_channel("22/stable"))
///     .timestamp("2024-05-01T00:00:00Z")
///     .build();
/// assert!(statement.check().is_ok());
/// ```
#[derive(Debug, Clone, Default)]
pub struct ModelBuilder {
    headers: Map<String, Value>,
    snaps: Vec<Value>,
    validation_sets: Vec<Value>,
    required_snaps: Vec<Value>,
}

impl ModelBuilder {
    /// A model of `brand_id` named `model`: sets `brand-id`, `authority-id` (a model is
    /// signed by its brand) and `series: 16` (the only series there is).
    pub fn new(brand_id: &str, model: &str) -> Self {
        let mut b = Self::default();
        b.headers.insert("type".into(), json!("model"));
        b.headers.insert("authority-id".into(), json!(brand_id));
        b.headers.insert("brand-id".into(), json!(brand_id));
        b.headers.insert("series".into(), json!("16"));
        b.headers.insert("model".into(), json!(model));
        b
    }

    /// Any header, as a JSON value (strings, lists, maps).
    pub fn header(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.headers.insert(name.into(), value.into());
        self
    }

    fn text(self, name: &str, value: &str) -> Self {
        self.header(name, Value::String(value.into()))
    }

    /// `authority-id` (the brand's, unless set otherwise: snapd then refuses).
    pub fn authority_id(self, id: &str) -> Self {
        self.text("authority-id", id)
    }
    /// `series`.
    pub fn series(self, series: &str) -> Self {
        self.text("series", series)
    }
    /// `revision`.
    pub fn revision(self, revision: u64) -> Self {
        self.text("revision", &revision.to_string())
    }
    /// `display-name`.
    pub fn display_name(self, name: &str) -> Self {
        self.text("display-name", name)
    }
    /// `architecture`.
    pub fn architecture(self, arch: &str) -> Self {
        self.text("architecture", arch)
    }
    /// `base` (UC18+: the boot base snap).
    pub fn base(self, base: &str) -> Self {
        self.text("base", base)
    }
    /// `gadget` (UC16/18 form; `name` or `name=track`).
    pub fn gadget(self, gadget: &str) -> Self {
        self.text("gadget", gadget)
    }
    /// `kernel` (UC16/18 form; `name` or `name=track`).
    pub fn kernel(self, kernel: &str) -> Self {
        self.text("kernel", kernel)
    }
    /// Adds a snap to `required-snaps` (UC16/18 form).
    pub fn required_snap(mut self, name: &str) -> Self {
        self.required_snaps.push(json!(name));
        self
    }
    /// `grade` (UC20+).
    pub fn grade(self, grade: Grade) -> Self {
        self.text("grade", grade.as_str())
    }
    /// `storage-safety` (UC20+).
    pub fn storage_safety(self, safety: StorageSafety) -> Self {
        self.text("storage-safety", safety.as_str())
    }
    /// `store`.
    pub fn store(self, store: &str) -> Self {
        self.text("store", store)
    }
    /// `classic` (`"true"`/`"false"`).
    pub fn classic(self, classic: bool) -> Self {
        self.text("classic", if classic { "true" } else { "false" })
    }
    /// `distribution` (extended classic models).
    pub fn distribution(self, distribution: &str) -> Self {
        self.text("distribution", distribution)
    }
    /// Adds an entry to `snaps` (UC20+ form).
    pub fn snap(mut self, snap: SnapEntry) -> Self {
        self.snaps.push(snap.to_value());
        self
    }
    /// Adds an entry to `validation-sets`.
    pub fn validation_set(mut self, set: ValidationSetEntry) -> Self {
        self.validation_sets.push(set.to_value());
        self
    }
    /// `serial-authority`.
    pub fn serial_authority(self, accounts: &[&str]) -> Self {
        self.header("serial-authority", json!(accounts))
    }
    /// `system-user-authority` as a list of accounts.
    pub fn system_user_authority(self, accounts: &[&str]) -> Self {
        self.header("system-user-authority", json!(accounts))
    }
    /// `system-user-authority: *` (any account).
    pub fn system_user_authority_any(self) -> Self {
        self.text("system-user-authority", "*")
    }
    /// `preseed-authority`.
    pub fn preseed_authority(self, accounts: &[&str]) -> Self {
        self.header("preseed-authority", json!(accounts))
    }
    /// `timestamp` as RFC 3339 text (default when not set: the time of checking).
    pub fn timestamp(self, timestamp: &str) -> Self {
        self.text("timestamp", timestamp)
    }

    /// The statement.
    pub fn build(mut self) -> Statement {
        if !self.snaps.is_empty() {
            self.headers.insert(
                "snaps".into(),
                Value::Array(std::mem::take(&mut self.snaps)),
            );
        }
        if !self.required_snaps.is_empty() {
            self.headers.insert(
                "required-snaps".into(),
                Value::Array(std::mem::take(&mut self.required_snaps)),
            );
        }
        if !self.validation_sets.is_empty() {
            self.headers.insert(
                "validation-sets".into(),
                Value::Array(std::mem::take(&mut self.validation_sets)),
            );
        }
        Statement::from_headers(self.headers)
    }
}

/// One entry of a UC20+ model's `snaps` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapEntry {
    name: String,
    id: Option<String>,
    snap_type: Option<SnapType>,
    default_channel: Option<String>,
    presence: Option<Presence>,
    modes: Vec<String>,
    classic: bool,
    components: Vec<(String, Presence, Vec<String>)>,
}

impl SnapEntry {
    /// A snap named `name` (type `app`, channel `latest/stable`, required, run mode,
    /// unless set).
    pub fn new(name: &str) -> Self {
        Self {
            name: name.into(),
            id: None,
            snap_type: None,
            default_channel: None,
            presence: None,
            modes: Vec::new(),
            classic: false,
            components: Vec::new(),
        }
    }
    /// `id` (mandatory unless the grade is dangerous).
    pub fn id(mut self, id: &str) -> Self {
        self.id = Some(id.into());
        self
    }
    /// `type`.
    pub fn snap_type(mut self, t: SnapType) -> Self {
        self.snap_type = Some(t);
        self
    }
    /// `default-channel`.
    pub fn default_channel(mut self, channel: &str) -> Self {
        self.default_channel = Some(channel.into());
        self
    }
    /// `presence`.
    pub fn presence(mut self, presence: Presence) -> Self {
        self.presence = Some(presence);
        self
    }
    /// Adds a mode to `modes`.
    pub fn mode(mut self, mode: &str) -> Self {
        self.modes.push(mode.into());
        self
    }
    /// `classic: true` (classic models only).
    pub fn classic(mut self, classic: bool) -> Self {
        self.classic = classic;
        self
    }
    /// Adds a component (`modes` empty: the snap's modes).
    pub fn component(mut self, name: &str, presence: Presence, modes: &[&str]) -> Self {
        self.components.push((
            name.into(),
            presence,
            modes.iter().map(|m| (*m).to_owned()).collect(),
        ));
        self
    }

    fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("name".into(), json!(self.name));
        if let Some(id) = &self.id {
            m.insert("id".into(), json!(id));
        }
        if let Some(t) = self.snap_type {
            m.insert("type".into(), json!(t.as_str()));
        }
        if let Some(c) = &self.default_channel {
            m.insert("default-channel".into(), json!(c));
        }
        if let Some(p) = self.presence {
            m.insert("presence".into(), json!(p.as_str()));
        }
        if !self.modes.is_empty() {
            m.insert("modes".into(), json!(self.modes));
        }
        if self.classic {
            m.insert("classic".into(), json!("true"));
        }
        if !self.components.is_empty() {
            let mut comps = Map::new();
            for (name, presence, modes) in &self.components {
                let v = if modes.is_empty() {
                    json!(presence.as_str())
                } else {
                    json!({"presence": presence.as_str(), "modes": modes})
                };
                comps.insert(name.clone(), v);
            }
            m.insert("components".into(), Value::Object(comps));
        }
        Value::Object(m)
    }
}

/// One entry of a model's `validation-sets` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationSetEntry {
    account_id: Option<String>,
    name: String,
    sequence: Option<u64>,
    mode: ValidationSetMode,
}

impl ValidationSetEntry {
    /// The set `name` of the brand, in `mode`.
    pub fn new(name: &str, mode: ValidationSetMode) -> Self {
        Self {
            account_id: None,
            name: name.into(),
            sequence: None,
            mode,
        }
    }
    /// `account-id` (default: the brand).
    pub fn account_id(mut self, account: &str) -> Self {
        self.account_id = Some(account.into());
        self
    }
    /// `sequence` (pinned; default: track the latest).
    pub fn sequence(mut self, sequence: u64) -> Self {
        self.sequence = Some(sequence);
        self
    }

    fn to_value(&self) -> Value {
        let mut m = Map::new();
        if let Some(a) = &self.account_id {
            m.insert("account-id".into(), json!(a));
        }
        m.insert("name".into(), json!(self.name));
        if let Some(s) = self.sequence {
            m.insert("sequence".into(), json!(s.to_string()));
        }
        m.insert("mode".into(), json!(self.mode.as_str()));
        Value::Object(m)
    }
}
