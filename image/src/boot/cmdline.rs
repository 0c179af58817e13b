//! The kernel command line a gadget gives (snapd's `KernelCommandLineFromGadget`):
//! `cmdline.extra` (arguments added to the default) or `cmdline.full` (the whole command
//! line), never both; lines starting with `#` are comments; the arguments are joined with
//! single spaces and must be allowed (no `root`, `init`, `nfsroot`, no `snapd*` but
//! `snapd_system_disk` and `snapd.debug`).

use std::path::Path;

use thiserror::Error;
use ucore_gadget_yaml::kcmdline;
use ucore_go_text::quote;

/// The largest command-line file read.
const MAX_CMDLINE_FILE: u64 = 64 << 10;

/// Why the gadget's command line is refused (snapd's texts).
#[derive(Debug, Error)]
pub enum CmdlineError {
    /// Both files are present.
    #[error("cannot support both extra and full kernel command lines")]
    Both,
    /// An argument is not allowed, or starts with `#`.
    #[error("invalid kernel command line in {file}: {reason}")]
    Invalid {
        /// `cmdline.extra` or `cmdline.full`.
        file: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// A file could not be read.
    #[error("cannot read {path:?}: {source}")]
    Read {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// The gadget's command line: `(extra, full)`, at most one of them non-empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GadgetCmdline {
    /// The arguments of `cmdline.extra`.
    pub extra: String,
    /// The arguments of `cmdline.full`.
    pub full: String,
}

fn read_optional(path: &Path) -> Result<Option<Vec<u8>>, CmdlineError> {
    use std::io::Read;
    let read = |source| CmdlineError::Read {
        path: path.to_path_buf(),
        source,
    };
    let f = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(read(e)),
    };
    let mut out = Vec::new();
    f.take(MAX_CMDLINE_FILE)
        .read_to_end(&mut out)
        .map_err(read)?;
    Ok(Some(out))
}

/// Reads `cmdline.extra` / `cmdline.full` from the unpacked gadget at `gadget_dir`.
pub fn from_gadget(gadget_dir: &Path) -> Result<GadgetCmdline, CmdlineError> {
    let extra = read_optional(&gadget_dir.join("cmdline.extra"))?;
    let full = read_optional(&gadget_dir.join("cmdline.full"))?;
    Ok(match (extra, full) {
        (Some(_), Some(_)) => return Err(CmdlineError::Both),
        (None, None) => GadgetCmdline::default(),
        (Some(e), None) => GadgetCmdline {
            extra: parse(&e, "cmdline.extra")?,
            full: String::new(),
        },
        (None, Some(f)) => GadgetCmdline {
            extra: String::new(),
            full: parse(&f, "cmdline.full")?,
        },
    })
}

/// The arguments of a command-line file, comments dropped, joined by single spaces.
fn parse(content: &[u8], file: &'static str) -> Result<String, CmdlineError> {
    let text = String::from_utf8_lossy(content);
    let mut joined = String::new();
    for line in text.lines() {
        if line.starts_with('#') {
            continue;
        }
        joined.push(' ');
        joined.push_str(line);
    }
    let mut args = Vec::new();
    for arg in kcmdline::parse(&joined) {
        let shown = arg.to_string();
        if arg.param.starts_with('#') {
            return Err(CmdlineError::Invalid {
                file,
                reason: format!(
                    "unexpected or invalid use of # in argument {}",
                    quote(&shown)
                ),
            });
        }
        if !kcmdline::is_allowed(&arg.param) {
            return Err(CmdlineError::Invalid {
                file,
                reason: format!("disallowed kernel argument {}", quote(&shown)),
            });
        }
        args.push(shown);
    }
    Ok(args.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_drop_and_arguments_join() {
        assert_eq!(
            parse(
                b"# comment\nconsole=ttyS0\n  quiet   splash\n",
                "cmdline.extra"
            )
            .unwrap(),
            "console=ttyS0 quiet splash"
        );
        assert_eq!(
            parse(b"init=/bin/sh", "cmdline.full")
                .unwrap_err()
                .to_string(),
            "invalid kernel command line in cmdline.full: disallowed kernel argument \"init=/bin/sh\""
        );
        assert_eq!(
            parse(b"a #b", "cmdline.extra").unwrap_err().to_string(),
            "invalid kernel command line in cmdline.extra: unexpected or invalid use of # in argument \"#b\""
        );
    }

    #[test]
    fn both_files_are_refused() {
        let d = tempfile::tempdir().unwrap();
        assert_eq!(from_gadget(d.path()).unwrap(), GadgetCmdline::default());
        std::fs::write(d.path().join("cmdline.full"), "quiet\n").unwrap();
        assert_eq!(from_gadget(d.path()).unwrap().full, "quiet");
        std::fs::write(d.path().join("cmdline.extra"), "x\n").unwrap();
        assert!(matches!(from_gadget(d.path()), Err(CmdlineError::Both)));
    }
}
