//! File-system work on the prepared tree with the path at fault named: the I/O error
//! every step reports ([`IoError`]), and copies of files and trees (regular files
//! streamed, symbolic links recreated as they are and never followed, directories walked
//! without recursion).

use std::fs;
use std::path::{Path, PathBuf};

/// An I/O failure, with what was being done and the path concerned.
#[derive(Debug, thiserror::Error)]
#[error("cannot {op} {path:?}: {source}")]
pub struct IoError {
    /// What was being done.
    pub op: &'static str,
    /// The path.
    pub path: PathBuf,
    /// Why.
    #[source]
    pub source: std::io::Error,
}

impl IoError {
    /// The error of `op` on `path`, from an I/O error (for `map_err`).
    pub fn at(
        op: &'static str,
        path: impl Into<PathBuf>,
    ) -> impl FnOnce(std::io::Error) -> IoError {
        let path = path.into();
        move |source| IoError { op, path, source }
    }
}

/// Wraps an `std::io::Error` of `op` on `path`.
pub(crate) fn at<'a>(
    op: &'static str,
    path: &'a Path,
) -> impl FnOnce(std::io::Error) -> IoError + 'a {
    move |source| IoError {
        op,
        path: path.to_path_buf(),
        source,
    }
}

/// How files are placed at the destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Copied byte by byte.
    Copy,
    /// Hard-linked (copied when linking fails, e.g. across filesystems).
    Link,
}

/// Copies the file or symbolic link `src` to `dst` (replacing a file there), creating the
/// parent directories.
pub(crate) fn copy_entry(src: &Path, dst: &Path, mode: Mode) -> Result<(), IoError> {
    if let Some(parent) = dst.parent() {
        fs::create_dir_all(parent).map_err(at("create", parent))?;
    }
    let meta = fs::symlink_metadata(src).map_err(at("stat", src))?;
    if fs::symlink_metadata(dst).is_ok_and(|m| !m.is_dir()) {
        fs::remove_file(dst).map_err(at("remove", dst))?;
    }
    if meta.file_type().is_symlink() {
        let target = fs::read_link(src).map_err(at("read link", src))?;
        std::os::unix::fs::symlink(target, dst).map_err(at("symlink", dst))?;
        return Ok(());
    }
    if mode == Mode::Link && fs::hard_link(src, dst).is_ok() {
        return Ok(());
    }
    fs::copy(src, dst).map_err(at("copy to", dst))?;
    Ok(())
}

/// Copies the contents of directory `src` into `dst` (created if missing), merging with
/// what is there.
pub(crate) fn copy_tree(src: &Path, dst: &Path, mode: Mode) -> Result<(), IoError> {
    let mut stack = vec![(src.to_path_buf(), dst.to_path_buf())];
    while let Some((from, to)) = stack.pop() {
        fs::create_dir_all(&to).map_err(at("create", &to))?;
        for entry in fs::read_dir(&from).map_err(at("list", &from))? {
            let entry = entry.map_err(at("list", &from))?;
            let (s, d) = (entry.path(), to.join(entry.file_name()));
            let ft = entry.file_type().map_err(at("stat", &s))?;
            if ft.is_dir() {
                stack.push((s, d));
            } else {
                copy_entry(&s, &d, mode)?;
            }
        }
    }
    Ok(())
}

/// Copies `src` (a file, a link or a directory) to `dst`.
pub(crate) fn copy_any(src: &Path, dst: &Path, mode: Mode) -> Result<(), IoError> {
    let meta = fs::symlink_metadata(src).map_err(at("stat", src))?;
    if meta.is_dir() {
        copy_tree(src, dst, mode)
    } else {
        copy_entry(src, dst, mode)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trees_merge_and_links_stay_links() {
        let t = tempfile::tempdir().unwrap();
        let src = t.path().join("src");
        fs::create_dir_all(src.join("a/b")).unwrap();
        fs::write(src.join("a/b/f"), "data").unwrap();
        std::os::unix::fs::symlink("/etc/passwd", src.join("a/l")).unwrap();
        let dst = t.path().join("dst");
        fs::create_dir_all(dst.join("a")).unwrap();
        fs::write(dst.join("a/keep"), "kept").unwrap();
        copy_tree(&src, &dst, Mode::Copy).unwrap();
        assert_eq!(fs::read_to_string(dst.join("a/b/f")).unwrap(), "data");
        assert_eq!(fs::read_to_string(dst.join("a/keep")).unwrap(), "kept");
        assert_eq!(
            fs::read_link(dst.join("a/l")).unwrap(),
            PathBuf::from("/etc/passwd")
        );
    }
}
