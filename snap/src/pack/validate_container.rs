//! snapd's `snap.ValidateContainer` (run by `snap pack`): the files snap.yaml names exist
//! and have usable modes.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use thiserror::Error;
use ucore_go_text::filepath;

use crate::container::{Container, ContainerError, FileKind, WalkControl};

/// What the check needs of one app of snap.yaml.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AppPaths {
    /// `command`.
    pub command: String,
    /// `stop-command`.
    pub stop_command: String,
    /// `reload-command`.
    pub reload_command: String,
    /// `post-stop-command`.
    pub post_stop_command: String,
    /// `completer`.
    pub completer: String,
    /// Whether the app is a service (has `daemon`).
    pub daemon: bool,
}

/// What the check needs of the snap.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ContainerCheck {
    /// The instance name (`name` or `name_key`), for the messages.
    pub instance_name: String,
    /// The apps.
    pub apps: Vec<AppPaths>,
}

/// The container is unusable; each problem was logged by snapd, and is kept here.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ContainerCheckError {
    /// A needed path does not exist (`snap pack --check-skeleton` tolerates this one).
    #[error("snap is unusable due to missing files")]
    MissingFiles {
        /// snapd's log lines, in the order it would log them (missing paths sorted).
        problems: Vec<String>,
    },
    /// A path has the wrong kind or mode.
    #[error("snap is unusable due to bad permissions")]
    BadModes {
        /// snapd's log lines.
        problems: Vec<String>,
    },
    /// Walking the container failed.
    #[error(transparent)]
    Walk(#[from] ContainerError),
}

impl ContainerCheckError {
    /// The log lines (none for a walk failure).
    pub fn problems(&self) -> &[String] {
        match self {
            ContainerCheckError::MissingFiles { problems }
            | ContainerCheckError::BadModes { problems } => problems,
            ContainerCheckError::Walk(_) => &[],
        }
    }
}

/// snapd's `normPath`: cleaned, one leading `/` dropped, ignored (`""`) if it starts with
/// `../`, cut at the first space.
fn norm_path(path: &str) -> String {
    if path.is_empty() {
        return String::new();
    }
    let cleaned = filepath::clean(path);
    let p = cleaned.strip_prefix('/').unwrap_or(&cleaned);
    if p.starts_with("../") {
        return String::new();
    }
    match p.find(' ') {
        Some(i) => p[..i].to_string(),
        None => p.to_string(),
    }
}

/// Checks the container as `snap pack` does; `Ok` with nothing to report, or the verdict
/// with snapd's log lines.
pub fn validate_container(
    c: &dyn Container,
    snap: &ContainerCheck,
) -> Result<(), ContainerCheckError> {
    let mut needsrx: BTreeSet<String> = [".", "meta"].map(String::from).into();
    let mut needsx: BTreeSet<String> = BTreeSet::new();
    let mut needsr: BTreeSet<String> = ["meta/snap.yaml".to_string()].into();
    let mut needsf: BTreeSet<String> = BTreeSet::new();
    let mut noskipd: BTreeSet<String> = BTreeSet::new();

    for app in &snap.apps {
        let mut paths = vec![&app.command];
        if app.daemon {
            paths.extend([
                &app.stop_command,
                &app.reload_command,
                &app.post_stop_command,
            ]);
        }
        for path in paths {
            let mut path = norm_path(path);
            if path.is_empty() {
                continue;
            }
            needsf.insert(path.clone());
            if app.daemon {
                needsx.insert(path.clone());
            }
            while path != "." {
                let next = filepath::dir(&path);
                if app.daemon {
                    noskipd.insert(path);
                } else {
                    needsrx.insert(path);
                }
                path = next;
            }
        }
        let completer = norm_path(&app.completer);
        if !completer.is_empty() {
            needsr.insert(completer.clone());
            let mut path = filepath::dir(&completer);
            while path != "." {
                let next = filepath::dir(&path);
                needsrx.insert(path);
                path = next;
            }
        }
    }
    needsf.extend(needsr.iter().cloned());
    for p in &needsrx {
        needsx.remove(p);
        needsr.remove(p);
    }
    let both: Vec<String> = needsx.intersection(&needsr).cloned().collect();
    for p in both {
        needsx.remove(&p);
        needsr.remove(&p);
        needsrx.insert(p);
    }

    let name = ucore_go_text::quote(&snap.instance_name);
    let mut seen: BTreeMap<String, ()> = BTreeMap::new();
    let mut problems = Vec::new();
    let mut bad_modes = false;
    c.walk(".", &mut |st| {
        let path = st.path.as_str();
        let (rx, x, r) = (needsrx.contains(path), needsx.contains(path), needsr.contains(path));
        if rx || x || r {
            seen.insert(path.to_string(), ());
        }
        if !rx && !x && !r && !path.starts_with("meta/") {
            if st.is_dir() && !noskipd.contains(path) {
                return Ok(WalkControl::SkipDir);
            }
            return Ok(WalkControl::Continue);
        }
        let mode = st.go_mode_string();
        let perm = st.perm & 0o777;
        let quoted = ucore_go_text::quote(path);
        if rx || st.is_dir() {
            if perm & 0o555 != 0o555 {
                problems.push(format!(
                    "in snap {name}: {quoted} should be world-readable and executable, and isn't: {mode}"
                ));
                bad_modes = true;
            }
        } else {
            let special = matches!(
                st.kind,
                FileKind::Directory
                    | FileKind::Fifo
                    | FileKind::Socket
                    | FileKind::BlockDevice
                    | FileKind::CharDevice
            );
            if needsf.contains(path) && special {
                problems.push(format!(
                    "in snap {name}: {quoted} should be a regular file (or a symlink) and isn't"
                ));
                bad_modes = true;
            }
            if x || path.starts_with("meta/hooks/") {
                if perm & 0o111 == 0 {
                    problems.push(format!(
                        "in snap {name}: {quoted} should be executable, and isn't: {mode}"
                    ));
                    bad_modes = true;
                }
            } else if perm & 0o444 != 0o444 {
                problems.push(format!(
                    "in snap {name}: {quoted} should be world-readable, and isn't: {mode}"
                ));
                bad_modes = true;
            }
        }
        Ok(WalkControl::Continue)
    })?;

    if seen.len() != needsx.len() + needsrx.len() + needsr.len() {
        for needs in [&needsx, &needsrx, &needsr] {
            for p in needs {
                if !seen.contains_key(p) {
                    problems.push(format!(
                        "in snap {name}: path {} does not exist",
                        ucore_go_text::quote(p)
                    ));
                }
            }
        }
        return Err(ContainerCheckError::MissingFiles { problems });
    }
    if bad_modes {
        return Err(ContainerCheckError::BadModes { problems });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_normalise_as_snapds() {
        assert_eq!(norm_path(""), "");
        assert_eq!(norm_path("/bin/foo --arg"), "bin/foo");
        assert_eq!(norm_path("bin/../bin/./foo"), "bin/foo");
        assert_eq!(norm_path("../outside"), "");
        assert_eq!(norm_path("a/../../b"), "");
        assert_eq!(norm_path("/../b"), "b");
        assert_eq!(norm_path(".."), "..");
        assert_eq!(filepath::dir("a/b/c"), "a/b");
        assert_eq!(filepath::dir("a"), ".");
    }
}
