//! What a decoded model means for a device: its kind (UC16/18, UC20+, classic), its
//! essential snaps, the snaps of each boot mode, grade order and storage safety, the
//! validation sets to enforce and who may sign serials and system users.
//!
//! [`ModelMeaning`] adds these to the typed [`Model`] view of `ucore-assertions`;
//! [`ModelSummary`] is the owned, serializable digest `show --json` prints.

use std::cmp::Ordering;

use serde::Serialize;
use ucore_assertions::types::{
    Grade, Model, ModelSnap, Presence, SnapType, StorageSafety, SystemUserAuthority,
    ValidationSetMode,
};

/// The kind of device a model describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ModelKind {
    /// Ubuntu Core 16 or 18: `kernel`/`gadget`/`required-snaps` headers, no grade, no
    /// boot modes (UC16 has no `base`, or `base: core`; UC18 has `base: core18`).
    Core16Or18,
    /// Ubuntu Core 20 and later: the extended `snaps` header, grade, storage safety,
    /// install/recover modes.
    Core20Plus,
    /// A classic (Ubuntu) system without the extended `snaps` header.
    Classic,
    /// A classic system with the extended `snaps` header (hybrid, with boot modes).
    ClassicWithModes,
}

impl ModelKind {
    /// A short human name.
    pub fn describe(self) -> &'static str {
        match self {
            ModelKind::Core16Or18 => "Ubuntu Core 16/18",
            ModelKind::Core20Plus => "Ubuntu Core 20+",
            ModelKind::Classic => "classic",
            ModelKind::ClassicWithModes => "classic with modes (hybrid)",
        }
    }
}

/// A boot mode of a UC20+ (or hybrid) device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BootMode {
    /// The normal mode.
    Run,
    /// Installing from the seed.
    Install,
    /// Recovering from the seed.
    Recover,
    /// Factory reset.
    FactoryReset,
    /// Any of the modes booted from the seed (snapd's `ephemeral`: install, recover,
    /// factory-reset).
    Ephemeral,
}

impl BootMode {
    /// Every mode, in this order.
    pub const ALL: [BootMode; 5] = [
        BootMode::Run,
        BootMode::Install,
        BootMode::Recover,
        BootMode::FactoryReset,
        BootMode::Ephemeral,
    ];

    /// The mode as a model's `modes` lists it.
    pub fn as_str(self) -> &'static str {
        match self {
            BootMode::Run => "run",
            BootMode::Install => "install",
            BootMode::Recover => "recover",
            BootMode::FactoryReset => "factory-reset",
            BootMode::Ephemeral => "ephemeral",
        }
    }

    /// Whether a snap listing `modes` is available in this mode. A snap listing
    /// `ephemeral` is in every seed-booted mode; asking for `ephemeral` finds the snaps
    /// available in some seed-booted mode.
    pub fn includes(self, modes: &[&str]) -> bool {
        let has = |m: &str| modes.contains(&m);
        match self {
            BootMode::Run => has("run"),
            BootMode::Ephemeral => modes.iter().any(|m| *m != "run"),
            other => has(other.as_str()) || has("ephemeral"),
        }
    }
}

/// The rank of a grade: dangerous < signed < secured.
pub fn grade_rank(grade: Grade) -> u8 {
    match grade {
        Grade::Dangerous => 0,
        Grade::Signed => 1,
        Grade::Secured => 2,
    }
}

/// Orders grades: dangerous < signed < secured.
pub fn grade_cmp(a: Grade, b: Grade) -> Ordering {
    grade_rank(a).cmp(&grade_rank(b))
}

/// The storage safety a model of `grade` gets when it does not say: `encrypted` for
/// secured models (the only value they allow), `prefer-encrypted` otherwise.
pub fn default_storage_safety(grade: Grade) -> StorageSafety {
    match grade {
        Grade::Secured => StorageSafety::Encrypted,
        Grade::Signed | Grade::Dangerous => StorageSafety::PreferEncrypted,
    }
}

/// A validation set the device must (or should try to) enforce.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnforcedSet {
    /// `account-id/name`.
    pub key: String,
    /// The pinned sequence, if any (otherwise the latest is tracked).
    pub sequence: Option<i64>,
    /// `true` for `enforce` (the device refuses to run otherwise), `false` for
    /// `prefer-enforce` (enforced when possible).
    pub required: bool,
}

/// What a model means, on top of the typed view.
pub trait ModelMeaning {
    /// UC16/18, UC20+, classic, or classic with modes.
    fn kind(&self) -> ModelKind;
    /// The Ubuntu Core release the base names (`16` for `core` or no base, `18`, `20`,
    /// `22`, `24` for `coreNN`), if it is one of Canonical's bases.
    fn core_release(&self) -> Option<u32>;
    /// The grade; `None` for UC16/18 and non-extended classic models (no grade).
    fn effective_grade(&self) -> Option<Grade>;
    /// The storage safety in force (the default of the grade when not written).
    fn effective_storage_safety(&self) -> Option<StorageSafety>;
    /// The snaps available in `mode`. UC16/18 and non-extended classic devices have only
    /// the run mode: other modes have no snaps there.
    fn snaps_in_mode(&self, mode: BootMode) -> Vec<&ModelSnap<'_>>;
    /// The validation sets the device enforces, `enforce` ones first.
    fn enforced_validation_sets(&self) -> Vec<EnforcedSet>;
    /// Whether `account` may sign serial assertions for this model.
    fn may_sign_serial(&self, account: &str) -> bool;
    /// Whether `account` may sign system-user assertions for this model.
    fn may_sign_system_user(&self, account: &str) -> bool;
}

impl ModelMeaning for Model<'_> {
    fn kind(&self) -> ModelKind {
        match (self.classic, self.extended) {
            (false, false) => ModelKind::Core16Or18,
            (false, true) => ModelKind::Core20Plus,
            (true, false) => ModelKind::Classic,
            (true, true) => ModelKind::ClassicWithModes,
        }
    }

    fn core_release(&self) -> Option<u32> {
        match self.base {
            None | Some("core") if !self.classic => Some(16),
            Some(b) => b.strip_prefix("core")?.parse().ok(),
            None => None,
        }
    }

    fn effective_grade(&self) -> Option<Grade> {
        self.grade
    }

    fn effective_storage_safety(&self) -> Option<StorageSafety> {
        self.storage_safety
            .or_else(|| self.grade.map(default_storage_safety))
    }

    fn snaps_in_mode(&self, mode: BootMode) -> Vec<&ModelSnap<'_>> {
        if !self.extended && mode != BootMode::Run {
            return Vec::new();
        }
        self.snaps
            .iter()
            .filter(|s| !self.extended || mode.includes(&s.modes))
            .collect()
    }

    fn enforced_validation_sets(&self) -> Vec<EnforcedSet> {
        let mut out: Vec<EnforcedSet> = self
            .validation_sets
            .iter()
            .map(|v| EnforcedSet {
                key: format!("{}/{}", v.account_id, v.name),
                sequence: v.sequence,
                required: v.mode == ValidationSetMode::Enforce,
            })
            .collect();
        out.sort_by_key(|s| !s.required);
        out
    }

    fn may_sign_serial(&self, account: &str) -> bool {
        self.serial_authority.contains(&account)
    }

    fn may_sign_system_user(&self, account: &str) -> bool {
        match &self.system_user_authority {
            SystemUserAuthority::Any => true,
            SystemUserAuthority::Accounts(list) => list.contains(&account),
        }
    }
}

/// One snap, as a summary shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SnapSummary {
    /// Name.
    pub name: String,
    /// Snap id, if the model gives one (or the well-known id of a synthesized base).
    pub id: Option<String>,
    /// Type.
    #[serde(rename = "type")]
    pub snap_type: SnapType,
    /// Default channel.
    pub channel: String,
    /// Required or optional.
    pub presence: Presence,
    /// Modes (as the view gives them).
    pub modes: Vec<String>,
    /// Essential (snapd, kernel, base, gadget).
    pub essential: bool,
    /// Classic confinement (classic models).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub classic: bool,
    /// Components (`name` → presence).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<(String, Presence)>,
}

impl SnapSummary {
    fn of(s: &ModelSnap<'_>) -> Self {
        Self {
            name: s.name.to_owned(),
            id: s.snap_id.map(str::to_owned),
            snap_type: s.snap_type,
            channel: s.default_channel.to_string(),
            presence: s.presence,
            modes: s.modes.iter().map(|m| (*m).to_owned()).collect(),
            essential: s.essential,
            classic: s.classic,
            components: s
                .components
                .iter()
                .map(|c| (c.name.to_owned(), c.presence))
                .collect(),
        }
    }
}

/// The snap names of one boot mode, split by presence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModeSnaps {
    /// The mode.
    pub mode: BootMode,
    /// Snaps that must be installed.
    pub required: Vec<String>,
    /// Snaps that may be installed.
    pub optional: Vec<String>,
}

/// Everything a model means, owned and serializable (`show --json`, the goldens).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModelSummary {
    /// `brand-id`.
    pub brand_id: String,
    /// `model`.
    pub model: String,
    /// `display-name`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// `revision`.
    pub revision: u64,
    /// The kind.
    pub kind: ModelKind,
    /// The Ubuntu Core release of the base, if known.
    pub core_release: Option<u32>,
    /// `architecture`.
    pub architecture: Option<String>,
    /// `base`.
    pub base: Option<String>,
    /// `store`.
    pub store: Option<String>,
    /// Grade (UC20+).
    pub grade: Option<Grade>,
    /// Storage safety in force (UC20+).
    pub storage_safety: Option<StorageSafety>,
    /// `distribution` (hybrid classic).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distribution: Option<String>,
    /// The essential snaps: snapd, kernel, base, gadget (those present).
    pub essential_snaps: Vec<SnapSummary>,
    /// The other snaps, in model order.
    pub snaps: Vec<SnapSummary>,
    /// The snaps per boot mode (only `run` for UC16/18 and non-extended classic).
    pub modes: Vec<ModeSnaps>,
    /// Validation sets to enforce.
    pub validation_sets: Vec<EnforcedSet>,
    /// Accounts that may sign serials.
    pub serial_authority: Vec<String>,
    /// Accounts that may sign system users (`["*"]`: any).
    pub system_user_authority: Vec<String>,
    /// Accounts that may sign preseed assertions.
    pub preseed_authority: Vec<String>,
    /// `timestamp`.
    pub timestamp: String,
}

impl ModelSummary {
    /// The summary of `model` (at `revision`, from the assertion).
    pub fn of(model: &Model<'_>, revision: u64) -> Self {
        let owned = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let modes = BootMode::ALL
            .iter()
            .filter(|m| model.extended || **m == BootMode::Run)
            .map(|&mode| {
                let snaps = model.snaps_in_mode(mode);
                let names = |p: Presence| {
                    snaps
                        .iter()
                        .filter(|s| s.presence == p)
                        .map(|s| s.name.to_owned())
                        .collect()
                };
                ModeSnaps {
                    mode,
                    required: names(Presence::Required),
                    optional: names(Presence::Optional),
                }
            })
            .collect();
        Self {
            brand_id: model.brand_id.to_owned(),
            model: model.model.to_owned(),
            display_name: model.display_name.map(str::to_owned),
            revision,
            kind: model.kind(),
            core_release: model.core_release(),
            architecture: model.architecture.map(str::to_owned),
            base: model.base.map(str::to_owned),
            store: model.store.map(str::to_owned),
            grade: model.effective_grade(),
            storage_safety: model.effective_storage_safety(),
            distribution: model.distribution.map(str::to_owned),
            essential_snaps: model.essential_snaps().map(SnapSummary::of).collect(),
            snaps: model.non_essential_snaps().map(SnapSummary::of).collect(),
            modes,
            validation_sets: model.enforced_validation_sets(),
            serial_authority: owned(&model.serial_authority),
            system_user_authority: match &model.system_user_authority {
                SystemUserAuthority::Any => vec!["*".to_owned()],
                SystemUserAuthority::Accounts(a) => owned(a),
            },
            preseed_authority: owned(&model.preseed_authority),
            timestamp: model.timestamp.to_string(),
        }
    }

    /// A readable multi-line rendering (`show`).
    pub fn to_text(&self) -> String {
        use std::fmt::Write;
        let mut o = String::new();
        let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
        let _ = writeln!(
            o,
            "model:          {}/{} (revision {})",
            self.brand_id, self.model, self.revision
        );
        if let Some(d) = &self.display_name {
            let _ = writeln!(o, "display-name:   {d}");
        }
        let release = self
            .core_release
            .map(|r| format!(", core {r}"))
            .unwrap_or_default();
        let _ = writeln!(o, "kind:           {}{release}", self.kind.describe());
        let _ = writeln!(o, "architecture:   {}", opt(&self.architecture));
        let _ = writeln!(o, "base:           {}", opt(&self.base));
        if let Some(d) = &self.distribution {
            let _ = writeln!(o, "distribution:   {d}");
        }
        let _ = writeln!(o, "store:          {}", opt(&self.store));
        let _ = writeln!(
            o,
            "grade:          {}",
            self.grade
                .map_or("- (no grade before UC20)", |g| g.as_str())
        );
        let _ = writeln!(
            o,
            "storage-safety: {}",
            self.storage_safety.map_or("-", |s| s.as_str())
        );
        let _ = writeln!(o, "essential snaps:");
        for s in &self.essential_snaps {
            let _ = writeln!(
                o,
                "  {:<8} {:<24} {:<20} {}",
                s.snap_type.as_str(),
                s.name,
                s.channel,
                s.id.as_deref().unwrap_or("-")
            );
        }
        let _ = writeln!(o, "snaps:");
        if self.snaps.is_empty() {
            let _ = writeln!(o, "  (none)");
        }
        for s in &self.snaps {
            let _ = writeln!(
                o,
                "  {:<24} {:<20} {:<8} {:<20} {}",
                s.name,
                s.channel,
                s.presence.as_str(),
                s.modes.join(","),
                s.id.as_deref().unwrap_or("-")
            );
        }
        let _ = writeln!(o, "snaps by mode:");
        for m in &self.modes {
            let _ = write!(
                o,
                "  {:<14} required: {}",
                m.mode.as_str(),
                m.required.join(" ")
            );
            if !m.optional.is_empty() {
                let _ = write!(o, "; optional: {}", m.optional.join(" "));
            }
            o.push('\n');
        }
        let _ = writeln!(o, "validation sets:");
        if self.validation_sets.is_empty() {
            let _ = writeln!(o, "  (none)");
        }
        for v in &self.validation_sets {
            let seq = v
                .sequence
                .map(|s| format!(" sequence {s}"))
                .unwrap_or_default();
            let mode = if v.required {
                "enforce"
            } else {
                "prefer-enforce"
            };
            let _ = writeln!(o, "  {}{seq} ({mode})", v.key);
        }
        let _ = writeln!(
            o,
            "serial-authority:      {}",
            self.serial_authority.join(" ")
        );
        let _ = writeln!(
            o,
            "system-user-authority: {}",
            self.system_user_authority.join(" ")
        );
        let _ = writeln!(o, "timestamp:      {}", self.timestamp);
        o
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grade_order_and_defaults() {
        assert_eq!(grade_cmp(Grade::Dangerous, Grade::Signed), Ordering::Less);
        assert_eq!(grade_cmp(Grade::Secured, Grade::Signed), Ordering::Greater);
        assert_eq!(
            default_storage_safety(Grade::Secured),
            StorageSafety::Encrypted
        );
        assert_eq!(
            default_storage_safety(Grade::Dangerous),
            StorageSafety::PreferEncrypted
        );
    }

    #[test]
    fn modes() {
        assert!(BootMode::Install.includes(&["ephemeral"]));
        assert!(BootMode::Recover.includes(&["recover"]));
        assert!(!BootMode::Recover.includes(&["install"]));
        assert!(!BootMode::Run.includes(&["ephemeral"]));
        assert!(BootMode::Ephemeral.includes(&["install"]));
        assert!(!BootMode::Ephemeral.includes(&["run"]));
    }
}
