//! snapd's filesystem backstore layout (`asserts/fsbackstore.go`):
//! `<root>/asserts-v0/<type>/<qesc(pk1)>/…/<qesc(pkN)>/active[.<format>]`, contents exactly
//! the encoded assertion. A copy of a device's `/var/lib/snapd/assertions` opens read-only.

use std::fs;
use std::io::Write as _;
use std::os::unix::fs::{DirBuilderExt as _, OpenOptionsExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ucore_assertions::rules::RuleLanguage;
use ucore_assertions::{Assertion, AssertionAccess, AssertionType};

use super::backstore::{Backstore, check_revision};
use crate::error::{DatabaseError, StorageError};

const TOP: &str = "asserts-v0";
/// How deep a type's directory tree may go (primary keys); guards against hostile trees.
const MAX_DEPTH: usize = 16;

/// Assertions on disk in snapd's layout.
#[derive(Debug)]
pub struct FsBackstore {
    top: PathBuf,
    read_only: bool,
    /// The rule language stored declarations are decoded in.
    language: RuleLanguage,
}

/// Go's `url.QueryEscape`.
pub fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn ensure_dir(path: &Path) -> Result<(), DatabaseError> {
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o775)
        .create(path)
        .map_err(|e| DatabaseError::io(path, e))
}

impl FsBackstore {
    /// Opens (creating `asserts-v0` if needed) a writable store under `root`.
    pub fn open(root: impl AsRef<Path>) -> Result<Self, DatabaseError> {
        let root = root.as_ref();
        ensure_dir(root)?;
        let meta = fs::metadata(root).map_err(|e| DatabaseError::io(root, e))?;
        if meta.permissions().mode() & 0o002 != 0 {
            return Err(DatabaseError::from(StorageError::WorldWritable {
                path: root.to_path_buf(),
            }));
        }
        let top = root.join(TOP);
        ensure_dir(&top)?;
        Ok(Self {
            top,
            read_only: false,
            language: RuleLanguage::default(),
        })
    }

    /// Opens an existing store for reading only (nothing is created or written).
    pub fn open_read_only(root: impl AsRef<Path>) -> Result<Self, DatabaseError> {
        let top = root.as_ref().join(TOP);
        fs::metadata(&top).map_err(|e| DatabaseError::io(&top, e))?;
        Ok(Self {
            top,
            read_only: true,
            language: RuleLanguage::default(),
        })
    }

    /// Decodes the stored declarations with their plug/slot rules in `language` (snapd
    /// 2.57's by default): the language the database's declarations were accepted in.
    pub fn with_rule_language(mut self, language: RuleLanguage) -> Self {
        self.language = language;
        self
    }

    /// The directory of an assertion, relative to `asserts-v0`.
    pub fn relative_dir(assertion_type: AssertionType, primary_key: &[&str]) -> PathBuf {
        let mut p = PathBuf::from(assertion_type.name());
        let mut optional_index = 0;
        for (k, v) in assertion_type.primary_key().iter().zip(primary_key) {
            match k.default {
                None => p.push(query_escape(v)),
                Some(default) => {
                    if *v != default {
                        p.push(format!("{optional_index}:{}", query_escape(v)));
                    }
                    optional_index += 1;
                }
            }
        }
        p
    }

    fn read_latest(
        &self,
        dir: &Path,
        max_format: i64,
    ) -> Result<Option<Arc<Assertion>>, DatabaseError> {
        let rd = match fs::read_dir(dir) {
            Ok(rd) => rd,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(DatabaseError::io(dir, e)),
        };
        let mut best: Option<Assertion> = None;
        for entry in rd {
            let entry = entry.map_err(|e| DatabaseError::io(dir, e))?;
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            let format = match name.strip_prefix("active") {
                Some("") => 0,
                Some(rest) => match rest.strip_prefix('.').and_then(|n| n.parse::<i64>().ok()) {
                    Some(n) => n,
                    None => continue,
                },
                None => continue,
            };
            if format > max_format {
                continue;
            }
            let path = entry.path();
            let bytes = fs::read(&path).map_err(|e| DatabaseError::io(&path, e))?;
            let a = Assertion::decode_in(&bytes, self.language)?;
            if a.format() > max_format {
                continue;
            }
            if best.as_ref().is_none_or(|b| a.revision() > b.revision()) {
                best = Some(a);
            }
        }
        Ok(best.map(Arc::new))
    }

    fn walk(
        &self,
        dir: &Path,
        depth: usize,
        max_format: i64,
        filter: &dyn Fn(&Assertion) -> bool,
        out: &mut Vec<Arc<Assertion>>,
    ) -> Result<(), DatabaseError> {
        if depth > MAX_DEPTH {
            return Ok(());
        }
        if let Some(a) = self.read_latest(dir, max_format)?
            && filter(&a)
        {
            out.push(a);
        }
        let rd = match fs::read_dir(dir) {
            Ok(rd) => rd,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(DatabaseError::io(dir, e)),
        };
        let mut subdirs = Vec::new();
        for entry in rd {
            let entry = entry.map_err(|e| DatabaseError::io(dir, e))?;
            if entry
                .file_type()
                .map_err(|e| DatabaseError::io(dir, e))?
                .is_dir()
            {
                subdirs.push(entry.path());
            }
        }
        subdirs.sort();
        for d in subdirs {
            self.walk(&d, depth + 1, max_format, filter, out)?;
        }
        Ok(())
    }
}

impl Backstore for FsBackstore {
    fn put(&self, assertion: Arc<Assertion>) -> Result<(), DatabaseError> {
        if self.read_only {
            return Err(DatabaseError::from(StorageError::ReadOnly {
                what: "filesystem backstore",
            }));
        }
        let t = assertion.assertion_type();
        let pk = assertion.primary_key();
        let dir = self.top.join(Self::relative_dir(t, &pk));
        let cur = self.read_latest(&dir, t.max_supported_format())?;
        check_revision(cur.as_deref(), &assertion)?;
        ensure_dir(&dir)?;
        let name = if assertion.format() == 0 {
            "active".to_string()
        } else {
            format!("active.{}", assertion.format())
        };
        let path = dir.join(&name);
        let tmp = dir.join(format!(".{name}.tmp{}", std::process::id()));
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o664)
            .open(&tmp)
            .map_err(|e| DatabaseError::io(&tmp, e))?;
        f.write_all(&assertion.encode())
            .and_then(|()| f.sync_all())
            .map_err(|e| DatabaseError::io(&tmp, e))?;
        drop(f);
        fs::rename(&tmp, &path).map_err(|e| DatabaseError::io(&path, e))
    }

    fn get(
        &self,
        assertion_type: AssertionType,
        primary_key: &[&str],
        max_format: i64,
    ) -> Result<Option<Arc<Assertion>>, DatabaseError> {
        self.read_latest(
            &self
                .top
                .join(Self::relative_dir(assertion_type, primary_key)),
            max_format,
        )
    }

    fn search(
        &self,
        assertion_type: AssertionType,
        filter: &dyn Fn(&Assertion) -> bool,
        max_format: i64,
    ) -> Result<Vec<Arc<Assertion>>, DatabaseError> {
        let mut out = Vec::new();
        self.walk(
            &self.top.join(assertion_type.name()),
            0,
            max_format,
            filter,
            &mut out,
        )?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_escape_like_go() {
        assert_eq!(query_escape("a b/c~d.e_f-g"), "a+b%2Fc~d.e_f-g");
        assert_eq!(query_escape("é"), "%C3%A9");
    }

    #[test]
    fn paths_follow_snapd() {
        assert_eq!(
            FsBackstore::relative_dir(AssertionType::Model, &["16", "acme", "m 1"]),
            PathBuf::from("model/16/acme/m+1")
        );
        assert_eq!(
            FsBackstore::relative_dir(AssertionType::SnapRevision, &["sha", "global-upload"]),
            PathBuf::from("snap-revision/sha")
        );
        assert_eq!(
            FsBackstore::relative_dir(AssertionType::SnapRevision, &["sha", "prov"]),
            PathBuf::from("snap-revision/sha/0:prov")
        );
    }
}
