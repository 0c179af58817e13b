//! Snaps and assertions from a directory (`--snaps DIR`): its `*.snap` files and its
//! `*.assert` files (each one assertion or a stream), which form the pool the fetcher
//! draws from. A snap is found by name: the snap-declaration naming it gives its snap-id,
//! the snap-revisions of that snap-id give the candidate files (a revision a validation
//! set pins, else the highest whose file is there). A candidate file is copied into
//! staging while its digest is taken, once; the copy of the chosen file becomes the
//! snap's staged file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ucore_assertions::types::{SnapDeclaration, SnapRevision};
use ucore_assertions::{Assertion, AssertionAccess as _, AssertionType, Decoder};

use super::download::{FileDigest, copy_with_digest};
use super::fetcher::Ref;
use super::source::{Locator, Resolved, Source, SourceError};
use crate::progress::{NoProgress, Progress};
use crate::snaps::{PlannedSnap, SeedSnap};
use ucore_assertions::rules::RuleLanguage;

/// A directory as a source of snaps and assertions.
#[derive(Debug)]
pub struct DirectorySource {
    dir: PathBuf,
    /// Where candidate files are copied (a directory under staging).
    scratch: PathBuf,
    /// The snap files, with their sizes.
    files: Vec<(PathBuf, u64)>,
    /// Every assertion of the directory's `*.assert` files, by reference (the highest
    /// revision of each).
    pool: HashMap<Ref, Assertion>,
    /// Candidate files copied so far: the copy and its digest.
    copied: Mutex<HashMap<PathBuf, (PathBuf, FileDigest)>>,
}

impl DirectorySource {
    /// Reads the listing of `dir` and its assertions (declarations decoded in
    /// `language`); candidate files will be copied under `scratch`.
    pub fn open(
        dir: &Path,
        scratch: &Path,
        language: RuleLanguage,
    ) -> Result<DirectorySource, SourceError> {
        let mut files = Vec::new();
        let mut pool: HashMap<Ref, Assertion> = HashMap::new();
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(SourceError::io("list", dir))?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()
            .map_err(SourceError::io("list", dir))?;
        entries.sort();
        for path in entries {
            let ext = path.extension().and_then(|e| e.to_str());
            let meta = std::fs::metadata(&path).map_err(SourceError::io("stat", &path))?;
            if !meta.is_file() {
                continue;
            }
            match ext {
                Some("snap") => files.push((path, meta.len())),
                Some("assert") => {
                    let bytes = std::fs::read(&path).map_err(SourceError::io("read", &path))?;
                    for item in Decoder::new(&bytes[..]).with_rule_language(language) {
                        let a = item.map_err(|source| SourceError::BadAssertions {
                            path: path.clone(),
                            source: Box::new(source),
                        })?;
                        let r = Ref::of(&a);
                        match pool.get(&r) {
                            Some(have) if have.revision() >= a.revision() => {}
                            _ => {
                                pool.insert(r, a);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(DirectorySource {
            dir: dir.to_path_buf(),
            scratch: scratch.to_path_buf(),
            files,
            pool,
            copied: Mutex::new(HashMap::new()),
        })
    }

    /// How many assertions the directory holds.
    pub fn assertion_count(&self) -> usize {
        self.pool.len()
    }

    fn of_type(&self, t: AssertionType) -> impl Iterator<Item = &Assertion> {
        self.pool.values().filter(move |a| a.assertion_type() == t)
    }

    /// The snap-id of the declaration naming `planned` (and carrying its id, if the model
    /// gives one).
    fn snap_id(&self, planned: &PlannedSnap) -> Result<String, SourceError> {
        let mut found: Option<String> = None;
        for a in self.of_type(AssertionType::SnapDeclaration) {
            let Ok(decl) = SnapDeclaration::try_from(a) else {
                continue;
            };
            if decl.snap_name != planned.name
                || planned
                    .snap_id
                    .as_deref()
                    .is_some_and(|id| id != decl.snap_id)
            {
                continue;
            }
            match &found {
                Some(first) if first != decl.snap_id => {
                    return Err(SourceError::AmbiguousDeclaration {
                        name: planned.name.clone(),
                        dir: self.dir.clone(),
                        first: first.clone(),
                        second: decl.snap_id.to_string(),
                    });
                }
                _ => found = Some(decl.snap_id.to_string()),
            }
        }
        found.ok_or_else(|| SourceError::NoDeclaration {
            name: planned.name.clone(),
            dir: self.dir.clone(),
        })
    }

    /// The snap-revisions of `snap_id` (at `pinned`, if given), highest first:
    /// (revision, digest, size).
    fn revisions(&self, snap_id: &str, pinned: Option<i32>) -> Vec<(i32, String, u64)> {
        let mut out: Vec<(i32, String, u64)> = self
            .of_type(AssertionType::SnapRevision)
            .filter_map(|a| {
                let rev = SnapRevision::try_from(a).ok()?;
                let n = i32::try_from(rev.snap_revision).ok()?;
                (rev.snap_id == snap_id && pinned.is_none_or(|p| p == n))
                    .then(|| (n, rev.snap_sha3_384.to_string(), rev.snap_size))
            })
            .collect();
        out.sort_by(|a, b| b.cmp(a));
        out
    }

    /// The digest of `file`, copying it into scratch the first time.
    async fn digest_of(&self, file: &Path) -> Result<FileDigest, SourceError> {
        if let Some((_, d)) = self.lock().get(file) {
            return Ok(d.clone());
        }
        let n = self.lock().len();
        tokio::fs::create_dir_all(&self.scratch)
            .await
            .map_err(SourceError::io("create", &self.scratch))?;
        let copy = self.scratch.join(format!("{n}.snap"));
        let _ = tokio::fs::remove_file(&copy).await;
        let digest = copy_with_digest(file, &copy, &NoProgress, "").await?;
        self.lock()
            .insert(file.to_path_buf(), (copy, digest.clone()));
        Ok(digest)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<PathBuf, (PathBuf, FileDigest)>> {
        self.copied.lock().unwrap_or_else(|e| e.into_inner())
    }

    async fn resolve_one(&self, planned: &PlannedSnap) -> Result<Resolved, SourceError> {
        let snap_id = self.snap_id(planned)?;
        for (revision, sha3_384, size) in self.revisions(&snap_id, planned.pinned_revision) {
            for (file, file_size) in &self.files {
                if *file_size != size {
                    continue;
                }
                let digest = self.digest_of(file).await?;
                if digest.sha3_384 != sha3_384 {
                    continue;
                }
                let Some((copy, _)) = self.lock().get(file).cloned() else {
                    continue;
                };
                return Ok(Resolved {
                    name: planned.name.clone(),
                    snap_id,
                    revision,
                    redirect_channel: None,
                    size,
                    sha3_384,
                    contact: None,
                    private: false,
                    locator: Locator::Staged { path: copy, digest },
                });
            }
        }
        Err(SourceError::NoFile {
            name: planned.name.clone(),
            snap_id,
            pinned: planned.pinned_revision,
            dir: self.dir.clone(),
        })
    }

    /// Removes the candidate copies that were not taken.
    pub fn clean_up(&self) {
        let _ = std::fs::remove_dir_all(&self.scratch);
    }
}

impl Source for DirectorySource {
    async fn assertion(&self, reference: &Ref) -> Result<Option<Assertion>, SourceError> {
        Ok(self.pool.get(reference).cloned())
    }

    async fn sequence_assertion(
        &self,
        t: AssertionType,
        key: &[&str],
        sequence: Option<i64>,
    ) -> Result<Option<Assertion>, SourceError> {
        let seq_of = |a: &Assertion| {
            a.primary_key()
                .last()
                .and_then(|s| s.parse::<i64>().ok())
                .unwrap_or(0)
        };
        Ok(self
            .of_type(t)
            .filter(|a| {
                let pk = a.primary_key();
                pk.len() == key.len() + 1 && pk.iter().zip(key).all(|(x, y)| x == y)
            })
            .filter(|a| sequence.is_none_or(|n| seq_of(a) == n))
            .max_by_key(|a| seq_of(a))
            .cloned())
    }

    async fn resolve(
        &self,
        round: &[PlannedSnap],
        _fetched: &[SeedSnap],
    ) -> Result<Vec<Resolved>, SourceError> {
        let mut out = Vec::with_capacity(round.len());
        for planned in round {
            out.push(self.resolve_one(planned).await?);
        }
        Ok(out)
    }

    async fn fetch(
        &self,
        snap: &Resolved,
        dest: &Path,
        progress: &dyn Progress,
        what: &str,
    ) -> Result<FileDigest, SourceError> {
        let Locator::Staged { path, digest } = &snap.locator else {
            return Err(SourceError::NoFile {
                name: snap.name.clone(),
                snap_id: snap.snap_id.clone(),
                pinned: None,
                dir: self.dir.clone(),
            });
        };
        // The copy made while resolving is the file: it moves, nothing is read again.
        tokio::fs::rename(path, dest)
            .await
            .map_err(SourceError::io("move", path))?;
        self.lock().retain(|_, (copy, _)| copy != path);
        progress.advance(what, digest.size);
        Ok(digest.clone())
    }

    fn is_remote(&self) -> bool {
        false
    }
}
