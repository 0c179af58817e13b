//! snapd's `verifyContentAccessibleForBuild`: every regular file and directory that
//! mksquashfs will read must be readable by us.

use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use thiserror::Error;

/// snapd lists at most this many unreadable paths.
const MAX_ERR_PATHS: usize = 10;

/// Paths of the source tree that cannot be read, each `PATH (owner U:G mode 0NNN)`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub struct NotAccessible {
    /// The paths, relative to the source directory, with owner and mode (at most 10).
    pub paths: Vec<String>,
}

impl std::fmt::Display for NotAccessible {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("cannot access the following locations in the snap source directory:\n")?;
        for p in &self.paths {
            // snapd passes each line to Fprintf as the format: `%` directives get mangled.
            writeln!(f, "- {}", go_printf_no_args(p))?;
        }
        if self.paths.len() == MAX_ERR_PATHS {
            writeln!(
                f,
                "- too many errors, listing first {MAX_ERR_PATHS} entries"
            )?;
        }
        Ok(())
    }
}

/// What Go's `fmt.Fprintf(w, s)` writes for a format `s` with no arguments: `%%` is `%`,
/// any other directive is `%!v(MISSING)` (flags, width and precision dropped), a trailing
/// `%` is `%!(NOVERB)`.
fn go_printf_no_args(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        while chars
            .peek()
            .is_some_and(|c| matches!(c, '+' | '-' | '#' | ' ' | '0'..='9' | '.'))
        {
            chars.next();
        }
        match chars.next() {
            None => out.push_str("%!(NOVERB)"),
            Some('%') => out.push('%'),
            Some(v) => {
                out.push_str("%!");
                out.push(v);
                out.push_str("(MISSING)");
            }
        }
    }
    out
}

/// Go's `%#03o` of permission bits: octal with a leading 0, at least 3 digits.
fn go_octal_mode(perm: u32) -> String {
    let digits = format!("{perm:o}");
    let with_zero = if digits.starts_with('0') {
        digits
    } else {
        format!("0{digits}")
    };
    format!("{with_zero:0>3}")
}

/// Walks `source_dir` (not following symlinks) and tries to open every non-empty regular
/// file and every directory; permission failures are collected (at most 10) into
/// [`NotAccessible`], other failures end the walk with the I/O error. An unreadable
/// directory is not entered.
pub fn verify_content_accessible_for_build(source_dir: &Path) -> Result<(), AccessError> {
    let mut bad = Vec::new();
    // Each member: its path as messages show it (lossy where a name is not UTF-8) and its
    // real path (the raw name: Go keeps names as bytes).
    let mut stack = vec![(String::new(), source_dir.to_path_buf())];
    while let Some((rel, full)) = stack.pop() {
        if bad.len() >= MAX_ERR_PATHS {
            break;
        }
        let md = match std::fs::symlink_metadata(&full) {
            Ok(md) => md,
            // inside a directory we may list but not search: no owner or mode to tell
            Err(e) if e.kind() == io::ErrorKind::PermissionDenied => {
                bad.push(rel);
                continue;
            }
            Err(e) => return Err(AccessError::Io(e)),
        };
        let ft = md.file_type();
        if !(ft.is_file() || ft.is_dir()) || (ft.is_file() && md.len() == 0) {
            continue;
        }
        let denied = |bad: &mut Vec<String>| {
            bad.push(format!(
                "{rel} (owner {}:{} mode {})",
                md.uid(),
                md.gid(),
                go_octal_mode(md.mode() & 0o777)
            ));
        };
        if ft.is_file() {
            match std::fs::File::open(&full) {
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::PermissionDenied => denied(&mut bad),
                Err(e) => return Err(AccessError::Io(e)),
            }
            continue;
        }
        let entries = match std::fs::read_dir(&full) {
            Ok(r) => r,
            Err(e) if e.kind() == io::ErrorKind::PermissionDenied => {
                denied(&mut bad);
                continue;
            }
            Err(e) => return Err(AccessError::Io(e)),
        };
        let mut names = Vec::new();
        for e in entries {
            names.push(e.map_err(AccessError::Io)?.file_name());
        }
        // Go's filepath.Walk visits names in byte order.
        names.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
        for n in names.into_iter().rev() {
            let shown = n.to_string_lossy();
            let child = if rel.is_empty() {
                shown.into_owned()
            } else {
                format!("{rel}/{shown}")
            };
            stack.push((child, full.join(&n)));
        }
    }
    if bad.is_empty() {
        Ok(())
    } else {
        Err(AccessError::NotAccessible(NotAccessible { paths: bad }))
    }
}

/// The content check failed.
#[derive(Debug, Error)]
pub enum AccessError {
    /// Some paths cannot be read.
    #[error(transparent)]
    NotAccessible(NotAccessible),
    /// Walking the tree failed otherwise.
    #[error("{0}")]
    Io(#[source] io::Error),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_is_snapds() {
        let e = NotAccessible {
            paths: vec![
                "bin/a (owner 0:0 mode 0000)".into(),
                "100% (owner 1:2 mode 0600)".into(),
            ],
        };
        assert_eq!(
            e.to_string(),
            "cannot access the following locations in the snap source directory:\n\
             - bin/a (owner 0:0 mode 0000)\n\
             - 100%!((MISSING)owner 1:2 mode 0600)\n"
        );
        let ten = NotAccessible {
            paths: (0..10)
                .map(|i| format!("f{i} (owner 0:0 mode 000)"))
                .collect(),
        };
        assert!(
            ten.to_string().ends_with(
                "- f9 (owner 0:0 mode 000)\n- too many errors, listing first 10 entries\n"
            )
        );
    }

    #[test]
    fn octal_modes_print_as_go_does() {
        assert_eq!(go_octal_mode(0), "000");
        assert_eq!(go_octal_mode(0o7), "007");
        assert_eq!(go_octal_mode(0o600), "0600");
        assert_eq!(go_octal_mode(0o755), "0755");
    }

    #[test]
    fn a_readable_tree_passes() {
        let dir = tempfile::tempdir().expect("tmp");
        std::fs::create_dir_all(dir.path().join("a/b")).expect("mkdir");
        std::fs::write(dir.path().join("a/b/f"), "x").expect("write");
        verify_content_accessible_for_build(dir.path()).expect("accessible");
    }
}
