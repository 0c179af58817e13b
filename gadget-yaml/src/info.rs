//! The gadget metadata types: [`GadgetInfo`], [`Volume`], [`VolumeStructure`] and friends.

use serde::Serialize;
use std::collections::BTreeMap;

use crate::error::Position;
use crate::kcmdline::{KernelArgument, KernelArgumentPattern};
use crate::quantity::RelativeOffset;
use ucore_go_yaml::Value as ConfigValue;

/// The snap-id of the `core` snap, whose `defaults` stanza stands for `system`.
pub const CORE_SNAP_ID: &str = "99T7MUlRhtI3U0QFgl5mXXESAiSwt776";

/// A parsed gadget.yaml, after snapd's implicit values and ordering
/// ([`GadgetInfo::parse`]).
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct GadgetInfo {
    /// Volumes by name.
    pub volumes: BTreeMap<String, Volume>,
    /// Configuration defaults: `system` or a snap-id, to a map of values.
    pub defaults: BTreeMap<String, BTreeMap<String, ConfigValue>>,
    /// Interface connections made at first boot.
    pub connections: Vec<Connection>,
    /// `kernel-cmdline`: allowed, appended and removed kernel arguments.
    #[serde(rename = "kernel-cmdline")]
    pub kernel_cmdline: KernelCmdline,
    /// `volume-assignments`: device paths of volumes, per device variant.
    #[serde(rename = "volume-assignments")]
    pub volume_assignments: Vec<VolumeAssignment>,
    /// GPT overlap warnings snapd logs while parsing (not errors).
    #[serde(skip)]
    pub warnings: Vec<crate::Diagnostic>,
    /// Line and column of every YAML node, by YAML path.
    #[serde(skip)]
    pub(crate) positions: BTreeMap<String, Position>,
}

impl GadgetInfo {
    /// Line and column of the YAML node at `path` (`volumes.pc.structure[1].size`).
    pub fn position_of(&self, path: &str) -> Option<Position> {
        self.positions.get(path).copied()
    }

    /// Position of `path`, or of its nearest ancestor that is in the file.
    pub(crate) fn nearest_position(&self, path: &str) -> Option<Position> {
        let mut p = path;
        loop {
            if let Some(pos) = self.positions.get(p) {
                return Some(*pos);
            }
            let cut = p.rfind(['.', '['])?;
            p = &p[..cut];
        }
    }

    /// snapd's `SystemDefaults`: the `system` stanza (or the core snap's), flattened into
    /// dotted keys such as `service.ssh.disable`.
    pub fn system_defaults(&self) -> BTreeMap<String, ConfigValue> {
        let stanza = self
            .defaults
            .get("system")
            .or_else(|| self.defaults.get(CORE_SNAP_ID));
        let mut out = BTreeMap::new();
        if let Some(stanza) = stanza {
            flatten("", stanza, &mut out);
        }
        out
    }
}

fn flatten(
    prefix: &str,
    map: &BTreeMap<String, ConfigValue>,
    out: &mut BTreeMap<String, ConfigValue>,
) {
    for (k, v) in map {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            ConfigValue::Map(m) => flatten(&key, m, out),
            other => {
                out.insert(key, other.clone());
            }
        }
    }
}

/// One gadget volume: a disk (or eMMC hardware partition set) and its structures.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Volume {
    /// The volume's name (its key under `volumes`).
    pub name: String,
    /// `gpt`, `mbr` or `emmc` (empty only under `partial: [schema]`).
    pub schema: String,
    /// `grub`, `u-boot`, `android-boot`, `lk`, `piboot` or empty.
    pub bootloader: String,
    /// Disk ID, not validated.
    pub id: String,
    /// Properties the installer completes: `size`, `filesystem`, `schema`, `structure`.
    pub partial: Vec<String>,
    /// Structures in disk order (sorted by offset, see [`VolumeStructure::yaml_index`]).
    #[serde(rename = "structures")]
    pub structures: Vec<VolumeStructure>,
}

impl Volume {
    /// Whether `partial` lists `property`.
    pub fn has_partial(&self, property: &str) -> bool {
        self.partial.iter().any(|p| p == property)
    }

    fn end_with(&self, size: impl Fn(&VolumeStructure) -> u64) -> u64 {
        let mut end: u64 = 0;
        for s in &self.structures {
            end = match s.offset {
                Some(o) => o.saturating_add(size(s)),
                None => end.saturating_add(size(s)),
            };
        }
        end
    }

    /// snapd's `Volume.MinSize()`: the end of the last structure, using `min-size`.
    pub fn min_size(&self) -> u64 {
        self.end_with(|s| s.min_size)
    }

    /// snapd's `Volume.Size()`: the end of the last structure, using `size`.
    pub fn size(&self) -> u64 {
        self.end_with(|s| s.size)
    }
}

/// One structure of a volume: a partition, a bare region or the MBR boot code.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub struct VolumeStructure {
    /// Name of the enclosing volume.
    pub volume_name: String,
    /// Position in the YAML list (0-based, counting every structure).
    pub yaml_index: usize,
    /// Structure name; the GPT partition name.
    pub name: String,
    /// `filesystem-label`, explicit or implied by the role.
    #[serde(rename = "filesystem-label")]
    pub label: String,
    /// Start offset in bytes: explicit, or computed by snapd (`None` when it cannot be known
    /// before install, e.g. after a structure with a `min-size` range).
    pub offset: Option<u64>,
    /// The offset as written in gadget.yaml (`None` when implicit).
    pub explicit_offset: Option<u64>,
    /// Where to write this structure's start LBA (32-bit little-endian).
    pub offset_write: Option<RelativeOffset>,
    /// Smallest size the structure may have on disk (defaults to `size`).
    pub min_size: u64,
    /// Size in bytes.
    pub size: u64,
    /// Partition type: `bare`, `mbr`, `XX`, a GUID or hybrid `XX,GUID`.
    #[serde(rename = "type")]
    pub type_: String,
    /// Role (`system-seed`, `mbr` …), explicit or implied.
    pub role: String,
    /// GPT partition UUID.
    pub id: String,
    /// `ext4`, `vfat`, `vfat-16`, `vfat-32`, `none` or empty.
    pub filesystem: String,
    /// Content entries.
    pub content: Vec<VolumeContent>,
    /// Update policy.
    pub update: VolumeUpdate,
}

impl VolumeStructure {
    /// snapd's `IsPartition`: not `bare` and not the `mbr` role.
    pub fn is_partition(&self) -> bool {
        self.type_ != "bare" && self.role != "mbr"
    }

    /// Whether this is the MBR boot code (role `mbr`, or legacy type `mbr` with no role).
    pub fn is_mbr(&self) -> bool {
        self.role == "mbr" || (self.role.is_empty() && self.type_ == "mbr")
    }

    /// snapd's `HasFilesystem`, given whether the volume has partial `filesystem`.
    pub fn has_filesystem(&self, partial_filesystem: bool) -> bool {
        if !self.filesystem.is_empty() && self.filesystem != "none" {
            return true;
        }
        if self.type_ == "bare" || self.type_ == "mbr" {
            return false;
        }
        self.filesystem.is_empty() && partial_filesystem
    }

    /// The Linux filesystem name: `vfat-16` and `vfat-32` are `vfat`.
    pub fn linux_filesystem(&self) -> &str {
        match self.filesystem.as_str() {
            "vfat-16" | "vfat-32" => "vfat",
            other => other,
        }
    }

    /// The GPT type GUID, if the type names one (plain or hybrid).
    pub fn gpt_type(&self) -> Option<&str> {
        let t = self.type_.as_str();
        match t.split_once(',') {
            Some((_, guid)) => Some(guid),
            None if t.len() == 36 => Some(t),
            None => None,
        }
    }

    /// The MBR partition type code, if the type names one (plain or hybrid).
    pub fn mbr_type(&self) -> Option<&str> {
        let t = self.type_.as_str();
        match t.split_once(',') {
            Some((code, _)) => Some(code),
            None if t.len() == 2 => Some(t),
            None => None,
        }
    }

    /// snapd's `String()`: `#<yamlIndex>` or `#<yamlIndex> ("<name>")`.
    pub fn describe(&self) -> String {
        if self.name.is_empty() {
            format!("#{}", self.yaml_index)
        } else {
            format!(
                "#{} ({})",
                self.yaml_index,
                ucore_go_text::quote(&self.name)
            )
        }
    }

    /// YAML path of this structure (`volumes.pc.structure[1]`).
    pub fn yaml_path(&self) -> String {
        format!(
            "volumes.{}.structure[{}]",
            self.volume_name, self.yaml_index
        )
    }
}

/// One content entry: filesystem content (`source`, `target`) or a raw image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct VolumeContent {
    /// Source in the gadget (or `$kernel:<asset>/<path>`), for filesystem content.
    pub source: String,
    /// Target path in the filesystem.
    pub target: String,
    /// Raw image file in the gadget.
    pub image: String,
    /// Offset of a raw image from the structure start.
    pub offset: Option<u64>,
    /// Largest size the raw image may have (0: the file's size).
    pub size: u64,
    /// Decoded, unused by snapd's gadget code.
    pub unpack: bool,
}

/// `update:` of a structure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct VolumeUpdate {
    /// Edition; a structure is updated when the new one is greater.
    pub edition: u32,
    /// Files kept during an update.
    pub preserve: Vec<String>,
}

/// A `connections` entry; an omitted slot is `system:<plug name>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Connection {
    /// `<snap-id>:<plug>`.
    pub plug: ConnectionEnd,
    /// `<snap-id>:<slot>`.
    pub slot: ConnectionEnd,
}

/// One end of a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionEnd {
    /// Snap-id, or `system`.
    pub snap_id: String,
    /// Plug or slot name.
    pub name: String,
}

impl Serialize for ConnectionEnd {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{}:{}", self.snap_id, self.name))
    }
}

/// `kernel-cmdline` (UC20+).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct KernelCmdline {
    /// Patterns of arguments a user may add with `system.kernel.cmdline-append`.
    pub allow: Vec<KernelArgumentPattern>,
    /// Arguments appended to the command line.
    pub append: Vec<KernelArgument>,
    /// Patterns of bootloader arguments removed.
    pub remove: Vec<KernelArgumentPattern>,
}

/// A `volume-assignments` variant: which device each volume is on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VolumeAssignment {
    /// `assignment-name`.
    pub name: String,
    /// Volume name to device path.
    pub assignments: BTreeMap<String, String>,
}

impl Volume {
    /// snapd's `minStructureOffset`: the earliest start structure `index` (in disk order)
    /// may have on a disk, given the `min-size` of the structures before it.
    pub fn min_structure_offset(&self, index: usize) -> u64 {
        let Some(s) = self.structures.get(index) else {
            return 0;
        };
        if let Some(o) = s.offset {
            return o;
        }
        let mut sum: u64 = 0;
        for prev in self.structures[..index].iter().rev() {
            sum = sum.saturating_add(prev.min_size);
            if let Some(o) = prev.offset {
                return o.saturating_add(sum);
            }
        }
        0
    }

    /// snapd's `maxStructureOffset`: the latest start, `None` when unbounded.
    pub fn max_structure_offset(&self, index: usize) -> Option<u64> {
        let s = self.structures.get(index)?;
        if let Some(o) = s.offset {
            return Some(o);
        }
        let partial_size = self.has_partial("size");
        // (a) Walking back with the maximum sizes.
        let mut back: Option<u64> = None;
        let mut sum: u64 = 0;
        for prev in self.structures[..index].iter().rev() {
            if partial_size && prev.size == 0 {
                back = None;
                break;
            }
            sum = sum.saturating_add(prev.size);
            if let Some(o) = prev.offset {
                back = Some(o.saturating_add(sum));
                break;
            }
        }
        // (b) Walking forward with the minimum sizes, to the next fixed offset.
        let mut forward: Option<u64> = None;
        let mut sum: u64 = 0;
        for next in &self.structures[index..] {
            if let Some(o) = next.offset {
                forward = Some(o.saturating_sub(sum));
                break;
            }
            sum = sum.saturating_add(next.min_size);
        }
        match (back, forward) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// snapd's `CheckValidStartOffset`: whether structure `index` may start at `offset`.
    pub fn check_valid_start_offset(&self, offset: u64, index: usize) -> Result<(), String> {
        use crate::quantity::iec_string;
        let min = self.min_structure_offset(index);
        let max = self.max_structure_offset(index);
        if offset >= min && max.is_none_or(|m| offset <= m) {
            return Ok(());
        }
        let max_text = match max {
            Some(m) => format!("{m} ({})", iec_string(m)),
            None => "unbounded".into(),
        };
        Err(format!(
            "offset {offset} ({}) is not in the valid gadget interval (min: {min} ({}): max: {max_text})",
            iec_string(offset),
            iec_string(min)
        ))
    }
}
