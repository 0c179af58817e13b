//! The rules for a snap's `layout` (snapd's `ValidateLayoutAll` and `ValidateLayout`):
//! where layouts may go, what they may mount or link, and how they may overlap.

use thiserror::Error;
use ucore_go_text::{filepath, quote};

use crate::info::{Info, LayoutEntry};

/// Where snaps are mounted (`dirs.SnapMountDir` on Ubuntu Core).
pub const SNAP_MOUNT_DIR: &str = "/snap";

/// The characters AppArmor treats as patterns, which paths may not contain.
const APPARMOR_SPECIAL_CHARS: &str = "?*[]{}^\"\0";

/// Top-level directories a layout may be under (those of the core snap, less the refused).
const ALLOWED_TOP_LEVEL: [&str; 14] = [
    "bin", "etc", "lib", "lib64", "meta", "mnt", "opt", "root", "sbin", "snap", "srv", "usr",
    "var", "writable",
];

/// Places no layout may be at or under.
const OFF_LIMITS: [&str; 13] = [
    "/dev",
    "/proc",
    "/sys",
    "/media",
    "/run",
    "/tmp",
    "/var/lib/snapd",
    "/lib/firmware",
    "/lib/modules",
    "/var/snap",
    "/home",
    "/boot",
    "/lost+found",
];

/// A layout snapd refuses; Display is snapd's text.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LayoutError {
    /// A path with an AppArmor pattern character.
    #[error("invalid layout path: {0}")]
    AppArmorPath(#[source] AppArmorCharError),
    /// A path that is not absolute.
    #[error("layout {} is a relative filename", quote(.0))]
    Relative(String),
    /// A path under a top-level directory snaps cannot add to.
    #[error("layout {} defines a new top-level directory {}", quote(.path), quote(.dir))]
    NewTopLevel {
        /// The layout path.
        path: String,
        /// `/X`.
        dir: String,
    },
    /// One source used both as a directory and as a file.
    #[error("layout {} refers to directory {} but another layout treats it as file", quote(.path), quote(.mount_source))]
    DirectoryUsedAsFile {
        /// The layout path.
        path: String,
        /// The source.
        mount_source: String,
    },
    /// One source used both as a file and as a directory.
    #[error("layout {} refers to file {} but another layout treats it as a directory", quote(.path), quote(.mount_source))]
    FileUsedAsDirectory {
        /// The layout path.
        path: String,
        /// The source.
        mount_source: String,
    },
    /// A path under `/snap/` of another snap.
    #[error("layout {} defines a layout in space belonging to another snap", quote(.0))]
    OtherSnapSpace(String),
    /// An empty path.
    #[error("layout cannot use an empty path")]
    EmptyPath,
    /// A path with a variable other than `$SNAP`, `$SNAP_DATA`, `$SNAP_COMMON`.
    #[error("layout {} uses invalid mount point: {reason}", quote(.path))]
    MountPointVariable {
        /// The layout path.
        path: String,
        /// Which variable.
        #[source]
        reason: UnknownVariable,
    },
    /// A path not absolute and clean once expanded.
    #[error("layout {} uses invalid mount point: must be absolute and clean", quote(.0))]
    MountPointNotClean(String),
    /// A path in `/dev`, `/proc` …
    #[error("layout {} in an off-limits area", quote(.0))]
    OffLimits(String),
    /// A path at or under an earlier (sorted) layout.
    #[error("layout {} underneath prior layout item {}", quote(.path), quote(.prior))]
    Underneath {
        /// The layout path.
        path: String,
        /// The earlier layout's expanded path.
        prior: String,
    },
    /// Not exactly one of bind, bind-file, type, symlink.
    #[error("layout {} must define a bind mount, a filesystem mount or a symlink", quote(.0))]
    NotOneKind(String),
    /// A bad bind-mount source or symlink target.
    #[error("layout {} uses invalid {}", quote(.path), .fault.describe(*.role))]
    Source {
        /// The layout path.
        path: String,
        /// Which it is.
        role: SourceRole,
        /// What is wrong.
        #[source]
        fault: SourceFault,
    },
    /// A filesystem other than tmpfs.
    #[error("layout {} uses invalid filesystem {}", quote(.path), quote(.type_))]
    Filesystem {
        /// The layout path.
        path: String,
        /// The `type`.
        type_: String,
    },
    /// A user other than root.
    #[error("layout {} uses invalid user {}", quote(.path), quote(.user))]
    User {
        /// The layout path.
        path: String,
        /// The user.
        user: String,
    },
    /// A group other than root.
    #[error("layout {} uses invalid group {}", quote(.path), quote(.group))]
    Group {
        /// The layout path.
        path: String,
        /// The group.
        group: String,
    },
    /// Mode bits outside 01777.
    #[error("layout {} uses invalid mode 0{:o}", quote(.path), .mode)]
    Mode {
        /// The layout path.
        path: String,
        /// The mode.
        mode: u32,
    },
}

/// `reference to unknown variable "$X"` (`snap.ValidatePathVariables`).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("reference to unknown variable {}", quote(&format!("${}", .0)))]
pub struct UnknownVariable(pub String);

/// A path with an AppArmor pattern character (`apparmor.ValidateNoAppArmorRegexp`; the
/// text ends in the NUL character, as snapd's does).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{} contains a reserved apparmor char from {}", quote(.0), APPARMOR_SPECIAL_CHARS)]
pub struct AppArmorCharError(pub String);

fn no_apparmor_chars(s: &str) -> Result<(), AppArmorCharError> {
    if s.chars().any(|c| APPARMOR_SPECIAL_CHARS.contains(c)) {
        Err(AppArmorCharError(s.to_string()))
    } else {
        Ok(())
    }
}

/// `snap.ValidatePathVariables`: the only variables are `$SNAP`, `$SNAP_DATA`,
/// `$SNAP_COMMON` (a name is the letters and `_` after `$`).
pub fn validate_path_variables(path: &str) -> Result<(), UnknownVariable> {
    let mut rest = path;
    while let Some(start) = rest.find('$') {
        rest = &rest[start + 1..];
        let end = rest
            .find(|c: char| !(c.is_ascii_alphabetic() || c == '_'))
            .unwrap_or(rest.len());
        let name = &rest[..end];
        if !matches!(name, "SNAP" | "SNAP_DATA" | "SNAP_COMMON") {
            return Err(UnknownVariable(name.to_string()));
        }
        rest = &rest[end..];
    }
    Ok(())
}

/// Go's `os.Expand`: `$NAME` and `${NAME}` replaced by `mapping(NAME)`; bad syntax
/// (`${`, `${}`) is dropped, a `$` before nothing or a non-name stays.
pub fn go_os_expand(s: &str, mapping: impl Fn(&str) -> String) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let mut j = 0;
    let special = |c: u8| b"*#$@!?-0123456789".contains(&c);
    while j < b.len() {
        if b[j] == b'$' && j + 1 < b.len() {
            out.push_str(&s[i..j]);
            let rest = &s[j + 1..];
            let rb = rest.as_bytes();
            let (name, width): (&str, usize) = if rb[0] == b'{' {
                if rb.len() > 2 && special(rb[1]) && rb[2] == b'}' {
                    (&rest[1..2], 3)
                } else {
                    match rb.iter().skip(1).position(|&c| c == b'}') {
                        Some(0) => ("", 2),
                        Some(p) => (&rest[1..p + 1], p + 2),
                        None => ("", 1),
                    }
                }
            } else if special(rb[0]) {
                (&rest[0..1], 1)
            } else {
                let n = rb
                    .iter()
                    .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
                    .count();
                (&rest[..n], n)
            };
            if name.is_empty() && width > 0 {
                // Bad syntax: eaten.
            } else if name.is_empty() {
                out.push('$');
            } else {
                out.push_str(&mapping(name));
            }
            j += width;
            i = j + 1;
        }
        j += 1;
    }
    out.push_str(s.get(i..).unwrap_or_default());
    out
}

impl Info {
    /// The revision as snapd prints it in paths: `unset` before installation (0), `N`,
    /// or `xN` for local revisions (negative).
    pub fn revision_text(&self) -> String {
        match self.revision {
            0 => "unset".into(),
            r if r < 0 => format!("x{}", r.unsigned_abs()),
            r => r.to_string(),
        }
    }

    /// `Info.ExpandSnapVariables`: `$SNAP` is `/snap/<instance>/<revision>`, `$SNAP_DATA`
    /// `/var/snap/<instance>/<revision>`, `$SNAP_COMMON` `/var/snap/<instance>/common`;
    /// other variables expand to nothing.
    pub fn expand_snap_variables(&self, path: &str) -> String {
        let instance = self.instance_name();
        let revision = self.revision_text();
        go_os_expand(path, |v| match v {
            "SNAP" => format!("{SNAP_MOUNT_DIR}/{instance}/{revision}"),
            "SNAP_DATA" => format!("/var/snap/{instance}/{revision}"),
            "SNAP_COMMON" => format!("/var/snap/{instance}/common"),
            _ => String::new(),
        })
    }
}

/// Whether `path` is `prefix` or under it.
fn at_or_under(prefix: &str, path: &str) -> bool {
    path == prefix
        || path
            .strip_prefix(prefix)
            .is_some_and(|r| r.starts_with('/'))
}

fn abs_and_clean(path: &str) -> bool {
    (path.starts_with('/') || path.starts_with('$')) && filepath::clean(path) == path
}

/// `ValidateLayoutAll`: every layout of the snap, in snapd's order of checks.
pub fn validate_layout_all(info: &Info) -> Result<(), LayoutError> {
    for entry in info.layout.values() {
        let clean = info.expand_snap_variables(&filepath::clean(&entry.path));
        no_apparmor_chars(&entry.path).map_err(LayoutError::AppArmorPath)?;
        let elems: Vec<&str> = clean.splitn(3, '/').collect();
        if elems.len() >= 2 {
            if !elems[0].is_empty() {
                return Err(LayoutError::Relative(entry.path.clone()));
            }
            if !elems[1].is_empty() && !ALLOWED_TOP_LEVEL.contains(&elems[1]) {
                return Err(LayoutError::NewTopLevel {
                    path: entry.path.clone(),
                    dir: format!("/{}", elems[1]),
                });
            }
        }
    }
    // Sources used consistently as directories or files, in path order.
    let mut kinds: std::collections::BTreeMap<String, bool> = Default::default();
    for entry in info.layout.values() {
        if !entry.bind.is_empty() {
            let source = info.expand_snap_variables(&entry.bind);
            if kinds.get(&source) == Some(&false) {
                return Err(LayoutError::DirectoryUsedAsFile {
                    path: entry.path.clone(),
                    mount_source: entry.bind.clone(),
                });
            }
            kinds.insert(source, true);
        }
        if !entry.bind_file.is_empty() {
            let source = info.expand_snap_variables(&entry.bind_file);
            if kinds.get(&source) == Some(&true) {
                return Err(LayoutError::FileUsedAsDirectory {
                    path: entry.path.clone(),
                    mount_source: entry.bind_file.clone(),
                });
            }
            kinds.insert(source, false);
        }
    }
    let own = format!("/snap/{}", info.snap_name());
    for path in info.layout.keys() {
        if path.starts_with("/snap/") && !path.starts_with(&own) {
            return Err(LayoutError::OtherSnapSpace(path.clone()));
        }
    }
    let mut prior: Vec<String> = Vec::with_capacity(info.layout.len());
    for entry in info.layout.values() {
        validate_layout(info, entry, &prior)?;
        prior.push(info.expand_snap_variables(&entry.path));
    }
    Ok(())
}

/// What a layout's source is: a bind-mount source (`bind`, `bind-file`) or a symlink
/// target (`symlink`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceRole {
    /// A bind-mount source.
    Bind,
    /// A symlink target.
    Symlink,
}

/// What is wrong with a bind-mount source or symlink target.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SourceFault {
    /// An unknown variable in the source as written.
    #[error("{reason}")]
    Variable {
        /// The source as written.
        source_text: String,
        /// Which variable.
        reason: UnknownVariable,
    },
    /// Not absolute and clean once expanded.
    #[error("must be absolute and clean")]
    NotClean(String),
    /// Outside `$SNAP`, `$SNAP_DATA` and `$SNAP_COMMON` once expanded.
    #[error("must start with $SNAP, $SNAP_DATA or $SNAP_COMMON")]
    Outside(String),
    /// An AppArmor pattern character.
    #[error(transparent)]
    AppArmor(AppArmorCharError),
}

impl SourceFault {
    /// The text after `layout "P" uses invalid `.
    fn describe(&self, role: SourceRole) -> String {
        let what = match role {
            SourceRole::Bind => "bind mount source",
            SourceRole::Symlink => "symlink old name",
        };
        match self {
            SourceFault::Variable { source_text, .. } => {
                format!("{what} {}: {self}", quote(source_text))
            }
            SourceFault::NotClean(s) | SourceFault::Outside(s) => {
                format!("{what} {}: {self}", quote(s))
            }
            SourceFault::AppArmor(_) => match role {
                SourceRole::Bind => format!("mount source: {self}"),
                SourceRole::Symlink => format!("symlink: {self}"),
            },
        }
    }
}

/// A mount source or symlink target: known variables, absolute and clean, inside the
/// snap's directories.
fn check_source(info: &Info, source: &str) -> Result<(), SourceFault> {
    validate_path_variables(source).map_err(|reason| SourceFault::Variable {
        source_text: source.to_string(),
        reason,
    })?;
    let expanded = info.expand_snap_variables(source);
    if !abs_and_clean(&expanded) {
        return Err(SourceFault::NotClean(expanded));
    }
    let inside = ["$SNAP", "$SNAP_DATA", "$SNAP_COMMON"]
        .iter()
        .any(|v| expanded.starts_with(&info.expand_snap_variables(v)));
    if !inside {
        return Err(SourceFault::Outside(expanded));
    }
    no_apparmor_chars(&expanded).map_err(SourceFault::AppArmor)
}

/// `ValidateLayout`: one entry, with the expanded paths of the entries before it.
pub fn validate_layout(
    info: &Info,
    entry: &LayoutEntry,
    prior: &[String],
) -> Result<(), LayoutError> {
    let path = entry.path.clone();
    if path.is_empty() {
        return Err(LayoutError::EmptyPath);
    }
    validate_path_variables(&path).map_err(|reason| LayoutError::MountPointVariable {
        path: path.clone(),
        reason,
    })?;
    let mount_point = info.expand_snap_variables(&path);
    if !abs_and_clean(&mount_point) {
        return Err(LayoutError::MountPointNotClean(path));
    }
    if OFF_LIMITS.iter().any(|p| at_or_under(p, &mount_point)) {
        return Err(LayoutError::OffLimits(path));
    }
    if let Some(p) = prior.iter().find(|p| at_or_under(p, &mount_point)) {
        return Err(LayoutError::Underneath {
            path,
            prior: p.clone(),
        });
    }
    let used = [&entry.bind, &entry.bind_file, &entry.type_, &entry.symlink]
        .iter()
        .filter(|s| !s.is_empty())
        .count();
    if used != 1 {
        return Err(LayoutError::NotOneKind(path));
    }
    let source_error = |role, fault| LayoutError::Source {
        path: path.clone(),
        role,
        fault,
    };
    if !entry.bind.is_empty() || !entry.bind_file.is_empty() {
        let source = format!("{}{}", entry.bind, entry.bind_file);
        check_source(info, &source).map_err(|f| source_error(SourceRole::Bind, f))?;
    }
    if !entry.type_.is_empty() && entry.type_ != "tmpfs" {
        return Err(LayoutError::Filesystem {
            path,
            type_: entry.type_.clone(),
        });
    }
    if !entry.symlink.is_empty() {
        check_source(info, &entry.symlink).map_err(|f| source_error(SourceRole::Symlink, f))?;
    }
    if !matches!(entry.user.as_str(), "root" | "") {
        return Err(LayoutError::User {
            path,
            user: entry.user.clone(),
        });
    }
    if !matches!(entry.group.as_str(), "root" | "") {
        return Err(LayoutError::Group {
            path,
            group: entry.group.clone(),
        });
    }
    if entry.mode & 0o1777 != entry.mode {
        return Err(LayoutError::Mode {
            path,
            mode: entry.mode,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_expand() {
        let m = |v: &str| format!("<{v}>");
        assert_eq!(go_os_expand("$SNAP/a", m), "<SNAP>/a");
        assert_eq!(go_os_expand("${SNAP_DATA}x", m), "<SNAP_DATA>x");
        assert_eq!(go_os_expand("a$", m), "a$");
        assert_eq!(go_os_expand("a$/b", m), "a$/b");
        assert_eq!(go_os_expand("a${}b", m), "ab");
        assert_eq!(go_os_expand("a${b", m), "ab");
        assert_eq!(go_os_expand("$1x", m), "<1>x");
        assert_eq!(go_os_expand("x${*}y", m), "x<*>y");
        assert_eq!(go_os_expand("é$Aé", m), "é<A>é");
    }

    #[test]
    fn path_variables() {
        assert!(validate_path_variables("$SNAP/a/$SNAP_COMMON").is_ok());
        assert_eq!(
            validate_path_variables("$SNAP_USER_DATA/x")
                .unwrap_err()
                .to_string(),
            "reference to unknown variable \"$SNAP_USER_DATA\""
        );
        assert_eq!(
            validate_path_variables("/a/$").unwrap_err().to_string(),
            "reference to unknown variable \"$\""
        );
    }

    #[test]
    fn apparmor_message_ends_in_nul() {
        assert_eq!(
            no_apparmor_chars("/a*").unwrap_err().to_string(),
            "\"/a*\" contains a reserved apparmor char from ?*[]{}^\"\0"
        );
    }
}
