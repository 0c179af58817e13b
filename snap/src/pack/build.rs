//! snapd's `squashfs.Build`: the content check, then `mksquashfs` with snapd's flags, run
//! in the source directory.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use thiserror::Error;

use super::accessible::{AccessError, verify_content_accessible_for_build};
use super::excludes::write_excludes_file;
use crate::SnapType;
use crate::squashfs::Compression;

/// The `mksquashfs` program to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mksquashfs(pub PathBuf);

impl Default for Mksquashfs {
    /// `mksquashfs` from `PATH`, as snapd runs it when not itself in a snap.
    fn default() -> Self {
        Mksquashfs(PathBuf::from("mksquashfs"))
    }
}

/// How to build the image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildOptions {
    /// The snap's type: `os` and `base` snaps keep owners and xattrs; every other type is
    /// packed `-all-root -no-xattrs`.
    pub snap_type: SnapType,
    /// `xz` (snapd's default) or `lzo` (`snap pack --compression`); see
    /// [`BuildOptions::pack_compression`].
    pub compression: Compression,
    /// Leave out the names of snapd's exclude list (`snap pack` always does).
    pub excludes: bool,
    /// For a reproducible image (which `snap pack` does not make): this time, in seconds
    /// since the epoch, for the superblock and every inode (`-mkfs-time`, `-all-time`).
    pub fixed_time: Option<u32>,
    /// The program.
    pub mksquashfs: Mksquashfs,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            snap_type: SnapType::App,
            compression: Compression::Xz,
            excludes: true,
            fixed_time: None,
            mksquashfs: Mksquashfs::default(),
        }
    }
}

impl BuildOptions {
    /// `snap pack --compression C`: empty or `xz` is xz, `lzo` is lzo, anything else is
    /// `cannot use compression "C"`.
    pub fn pack_compression(name: &str) -> Result<Compression, BuildError> {
        match name {
            "" | "xz" => Ok(Compression::Xz),
            "lzo" => Ok(Compression::Lzo),
            other => Err(BuildError::Compression(other.to_string())),
        }
    }

    /// The arguments after the program, for `output` (absolute), with the exclude file.
    pub fn mksquashfs_args(&self, output: &Path, exclude_file: Option<&Path>) -> Vec<OsString> {
        let mut args: Vec<OsString> = vec![".".into(), output.into()];
        for a in [
            "-noappend",
            "-comp",
            self.compression.name(),
            "-no-fragments",
            "-no-progress",
        ] {
            args.push(a.into());
        }
        if let Some(ef) = exclude_file {
            args.push("-wildcards".into());
            args.push("-ef".into());
            args.push(ef.into());
        }
        if !matches!(self.snap_type, SnapType::Os | SnapType::Base) {
            args.push("-all-root".into());
            args.push("-no-xattrs".into());
        }
        if let Some(t) = self.fixed_time {
            for flag in ["-mkfs-time", "-all-time"] {
                args.push(flag.into());
                args.push(t.to_string().into());
            }
        }
        args
    }
}

/// Building the image failed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum BuildError {
    /// `snap pack --compression` named something other than xz or lzo.
    #[error("cannot use compression {}", ucore_go_text::quote(.0))]
    Compression(String),
    /// The source tree has unreadable content (or could not be walked).
    #[error(transparent)]
    Access(#[from] AccessError),
    /// The output path or the exclude file could not be set up.
    #[error("{0}")]
    Io(#[source] std::io::Error),
    /// mksquashfs failed: its output (or exit status), as snapd words it.
    #[error("mksquashfs call failed: {0}")]
    Mksquashfs(String),
}

/// Builds the squashfs image of `source_dir` at `output` as snapd's `squashfs.Build` does
/// (after [`verify_content_accessible_for_build`]).
pub fn build_squashfs(
    source_dir: &Path,
    output: &Path,
    opts: &BuildOptions,
) -> Result<(), BuildError> {
    verify_content_accessible_for_build(source_dir)?;
    let output = std::path::absolute(output).map_err(BuildError::Io)?;
    let excludes = if opts.excludes {
        Some(write_excludes_file().map_err(BuildError::Io)?)
    } else {
        None
    };
    let args = opts.mksquashfs_args(&output, excludes.as_ref().map(|f| f.path()));
    let out = Command::new(&opts.mksquashfs.0)
        .args(&args)
        .current_dir(source_dir)
        .output()
        .map_err(|e| {
            BuildError::Mksquashfs(format!(
                "exec: {}: {e}",
                ucore_go_text::quote(&opts.mksquashfs.0.display().to_string())
            ))
        })?;
    if out.status.success() {
        return Ok(());
    }
    let mut combined = out.stdout;
    combined.extend_from_slice(&out.stderr);
    Err(BuildError::Mksquashfs(output_err(&combined, out.status)))
}

/// snapd's `osutil.OutputErr`: the trimmed output, framed by `-----` lines if it has
/// several; with no output, the exit status as Go prints it.
fn output_err(output: &[u8], status: std::process::ExitStatus) -> String {
    let text = String::from_utf8_lossy(output);
    let text = text.trim();
    if text.is_empty() {
        use std::os::unix::process::ExitStatusExt;
        return match (status.code(), status.signal()) {
            (Some(code), _) => format!("exit status {code}"),
            (None, Some(sig)) => format!("signal: {sig}"),
            _ => status.to_string(),
        };
    }
    if text.contains('\n') {
        format!("\n-----\n{text}\n-----")
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_are_snapds() {
        let opts = BuildOptions::default();
        let args = opts.mksquashfs_args(Path::new("/out/x.snap"), Some(Path::new("/tmp/ef")));
        assert_eq!(
            args,
            [
                ".",
                "/out/x.snap",
                "-noappend",
                "-comp",
                "xz",
                "-no-fragments",
                "-no-progress",
                "-wildcards",
                "-ef",
                "/tmp/ef",
                "-all-root",
                "-no-xattrs"
            ]
            .map(OsString::from)
        );
        let base = BuildOptions {
            snap_type: SnapType::Base,
            compression: Compression::Lzo,
            fixed_time: Some(7),
            ..BuildOptions::default()
        };
        let args = base.mksquashfs_args(Path::new("/o"), None);
        assert_eq!(
            args,
            [
                ".",
                "/o",
                "-noappend",
                "-comp",
                "lzo",
                "-no-fragments",
                "-no-progress",
                "-mkfs-time",
                "7",
                "-all-time",
                "7"
            ]
            .map(OsString::from)
        );
    }

    #[test]
    fn compression_names() {
        assert_eq!(
            BuildOptions::pack_compression("").expect("xz"),
            Compression::Xz
        );
        assert_eq!(
            BuildOptions::pack_compression("lzo").expect("lzo"),
            Compression::Lzo
        );
        let e = BuildOptions::pack_compression("gzip").expect_err("gzip");
        assert_eq!(e.to_string(), "cannot use compression \"gzip\"");
    }

    #[test]
    fn output_errors_are_framed_like_snapds() {
        use std::os::unix::process::ExitStatusExt;
        let st = std::process::ExitStatus::from_raw(1 << 8);
        assert_eq!(output_err(b"", st), "exit status 1");
        assert_eq!(output_err(b" one line\n", st), "one line");
        assert_eq!(output_err(b"a\nb\n", st), "\n-----\na\nb\n-----");
    }
}
