//! Gathering a seed's snaps and assertions from a store or a directory: the rounds of
//! the [`SeedPlan`], downloads in parallel with their digest taken
//! on the way, the assertion fetcher (prerequisites first, each assertion once), the
//! model's validation sets, and every assertion checked in a trust database before
//! anything is written to the seed (spec `snap-image.md` §6.3–§6.10, §7.3 steps 2–9).
//!
//! ```text
//! read_model → trust database (Canonical's roots + ImageOptions::trusted)
//! SeedPlan::new → fetch the model's chain and store assertion → model_refs
//! validation sets (Enforce) → local --snap files (digest while copied, snap-revision)
//! loop { next_round → source.resolve → fetch files (parallel, cache)
//!        → per snap: snap-revision chain, cross-checks, snap.yaml → fetched }
//! finish(model_refs) → required snaps of the validation sets present
//! ```
//!
//! Files are only written under the tree's staging directory; the seed writer moves them
//! into place once everything here has passed.

pub mod cache;
pub mod crosscheck;
pub mod directory;
pub mod download;
pub mod fetcher;
pub mod source;
pub mod store;
pub mod validation;

use std::path::{Path, PathBuf};

use thiserror::Error;
use ucore_assertions::types::Model;
use ucore_assertions::{Assertion, AssertionAccess as _, AssertionType, Decoder};
use ucore_signing::{Database, DatabaseConfig};
use ucore_snap::parse::Sanitizer;
use ucore_snap::read_info::ReadInfoError;

use crate::channel::ChannelError;
use crate::options::{ImageOptions, OptionSnap, SnapSource, ValidationMode};
use crate::plan::{PlanError, PlanOptions, SeedPlan};
use crate::progress::{Phase, Progress};
use crate::snaps::{PlannedSnap, Revision, SeedContents, SeedSnap, SnapOrigin};
use crate::tree::PreparedTree;

use crate::fsio::IoError;
use cache::Cache;
use crosscheck::{Checked, CrossCheckError, check_provenance, cross_check};
use directory::DirectorySource;
use download::{FetchFileError, FetchRound, FileDigest, StagedFile, copy_with_digest};
use fetcher::{FetchError, Fetcher, Ref};
use source::{Source, SourceError};
use store::{StoreIdentity, StoreSource};
use validation::{ValidationError, ValidationSets};

/// Why the snaps or assertions of a seed could not be gathered.
#[derive(Debug, Error)]
pub enum GatherError {
    /// The model, the options or a snap do not fit the seed's rules.
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// The model does not read as a model.
    #[error("cannot read model assertion: {0}")]
    Model(#[source] ucore_assertions::Error),
    /// An assertion of `ImageOptions::trusted` does not decode.
    #[error("cannot read trusted assertions #{index}: {source}")]
    Trusted {
        /// Its position in `ImageOptions::trusted`.
        index: usize,
        /// Why.
        #[source]
        source: ucore_assertions::Error,
    },
    /// The trust database could not be set up (a trusted assertion that is not an
    /// account or account-key).
    #[error("cannot set up the assertion database: {0}")]
    Database(#[source] ucore_signing::Error),
    /// The model's signing chain could not be fetched or does not check (snapd's text).
    #[error("cannot fetch and check prerequisites for the model assertion: {0}")]
    ModelPrerequisites(#[source] FetchError),
    /// The model's store assertion could not be fetched or does not check.
    #[error("cannot fetch the store assertion {store:?} of the model: {source}")]
    StoreAssertion {
        /// The store id.
        store: String,
        /// Why.
        #[source]
        source: FetchError,
    },
    /// The source could not be used, or refused a snap (the text names it).
    #[error(transparent)]
    Source(#[from] SourceError),
    /// A snap file could not be brought into staging.
    #[error(transparent)]
    File(Box<FetchFileError>),
    /// A snap's assertions could not be fetched or do not check (snapd's text, with the
    /// snap named).
    #[error("cannot fetch snap signatures/assertions for snap {name:?}: {source}")]
    SnapAssertions {
        /// The snap.
        name: String,
        /// Why.
        #[source]
        source: FetchError,
    },
    /// A snap file does not agree with its assertions.
    #[error(transparent)]
    CrossCheck(#[from] CrossCheckError),
    /// The model's validation sets are not met.
    #[error(transparent)]
    Validation(#[from] ValidationError),
    /// A snap file's `meta/snap.yaml` cannot be read or is invalid.
    #[error("cannot read snap {path:?}: {source}")]
    ReadSnap {
        /// The snap file.
        path: PathBuf,
        /// Why.
        #[source]
        source: Box<ReadInfoError>,
    },
    /// A snap file's `snap.yaml` names another snap than the one asked for.
    #[error("snap {name:?} file {path:?} declares the name {declared:?}")]
    WrongName {
        /// The snap asked for.
        name: String,
        /// The file.
        path: PathBuf,
        /// The name in its `snap.yaml`.
        declared: String,
    },
    /// The store redirects a snap to a channel snapd would refuse.
    #[error("invalid redirect channel for snap {name:?}: {source}")]
    RedirectChannel {
        /// The snap.
        name: String,
        /// Why.
        #[source]
        source: ChannelError,
    },
    /// A local snap could not be copied into staging.
    #[error("cannot copy local snap: {0}")]
    LocalCopy(#[source] IoError),
    /// The staging directory could not be prepared.
    #[error(transparent)]
    Io(#[from] IoError),
}

impl From<FetchFileError> for GatherError {
    fn from(e: FetchFileError) -> Self {
        GatherError::File(Box::new(e))
    }
}

/// Gathers every snap the plan needs into `tree`'s staging directory and checks their
/// assertions; returns the seed's contents in writer order.
pub async fn gather(
    options: &ImageOptions,
    tree: &PreparedTree,
    progress: &dyn Progress,
) -> Result<SeedContents, GatherError> {
    let model = crate::plan::read_model(&options.model, &options.model_file)?;
    let staging = tree.staging_dir();
    tokio::fs::create_dir_all(&staging)
        .await
        .map_err(IoError::at("create", &staging))?;
    match &options.source {
        SnapSource::Store { url, auth } => {
            let view = Model::try_from(&model).map_err(GatherError::Model)?;
            let identity = StoreIdentity {
                architecture: view.architecture.unwrap_or_default().to_string(),
                store_id: view.store.map(str::to_string),
            };
            let source = StoreSource::new(
                url,
                auth.as_deref(),
                &identity,
                options.validation,
                options.rule_language,
            )?;
            gather_from(&source, model, options, &staging, progress).await
        }
        SnapSource::Directory(dir) => {
            let source =
                DirectorySource::open(dir, &staging.join(".candidates"), options.rule_language)?;
            let result = gather_from(&source, model, options, &staging, progress).await;
            source.clean_up();
            result
        }
    }
}

/// The seed's trust database: Canonical's roots and `trusted` trusted, the generic
/// assertions predefined; and the references the fetcher skips.
pub fn trust_database(trusted: &[Vec<u8>]) -> Result<(Database, Vec<Ref>), GatherError> {
    let mut roots = ucore_signing::roots::trusted().map_err(|e| GatherError::Database(e.into()))?;
    for (index, bytes) in trusted.iter().enumerate() {
        for a in Decoder::new(&bytes[..]) {
            roots.push(a.map_err(|source| GatherError::Trusted { index, source })?);
        }
    }
    let predefined =
        ucore_signing::roots::predefined().map_err(|e| GatherError::Database(e.into()))?;
    let skip = roots.iter().chain(&predefined).map(Ref::of).collect();
    let db = Database::open(DatabaseConfig {
        trusted: roots,
        other_predefined: predefined,
        ..DatabaseConfig::default()
    })
    .map_err(GatherError::Database)?;
    Ok((db, skip))
}

/// The model's signing chain and its store assertion (a store assertion the source does
/// not have is tolerated), in fetch order, the model itself left out.
pub async fn model_refs(
    model: &Assertion,
    source: &impl Source,
    fetcher: &mut Fetcher<'_>,
) -> Result<Vec<Assertion>, GatherError> {
    fetcher
        .save(source, model.clone())
        .await
        .map_err(GatherError::ModelPrerequisites)?;
    let view = Model::try_from(model).map_err(GatherError::Model)?;
    if let Some(store) = view.store {
        match fetcher
            .fetch(source, Ref::new(AssertionType::Store, &[store]))
            .await
        {
            Ok(()) => {}
            Err(e) if e.is_not_found_of(AssertionType::Store) => {}
            Err(source) => {
                return Err(GatherError::StoreAssertion {
                    store: store.to_string(),
                    source,
                });
            }
        }
    }
    Ok(fetcher
        .take_recorded()
        .into_iter()
        .filter(|a| a.assertion_type() != AssertionType::Model)
        .collect())
}

/// The loop over one source.
async fn gather_from(
    source: &impl Source,
    model: Assertion,
    options: &ImageOptions,
    staging: &Path,
    progress: &dyn Progress,
) -> Result<SeedContents, GatherError> {
    let (db, skip) = trust_database(&options.trusted)?;
    let mut fetcher = Fetcher::new(&db, skip);
    let mut plan = SeedPlan::new(
        &model,
        &PlanOptions {
            snaps: options.snaps.clone(),
            channel: options.channel.clone(),
            label: options.label.clone(),
        },
    )?;
    progress.phase(Phase::Assertions);
    let mut refs = model_refs(&model, source, &mut fetcher).await?;
    let validation = match options.validation {
        ValidationMode::Enforce => {
            let view = Model::try_from(&model).map_err(GatherError::Model)?;
            let sets = ValidationSets::fetch(&view, source, &mut fetcher).await?;
            // the sets are not part of a seed; the keys and accounts they brought are
            refs.extend(
                fetcher
                    .take_recorded()
                    .into_iter()
                    .filter(|a| a.assertion_type() != AssertionType::ValidationSet),
            );
            sets
        }
        ValidationMode::Ignore => ValidationSets::none(),
    };
    let mut gathered: Vec<SeedSnap> = Vec::new();
    let checks = Checks {
        db: &db,
        validation: &validation,
    };
    let locals = local_snaps(options, source, &mut fetcher, &checks, staging, progress).await?;
    if !locals.is_empty() {
        gathered.extend(locals.iter().cloned());
        plan.local_snaps(locals)?;
    }
    let cache = options.cache.as_ref().map(Cache::new);
    let round_fetch = FetchRound {
        staging,
        cache: cache.as_ref(),
        parallel: options.parallel_downloads,
    };
    while let Some(mut round) = plan.next_round()? {
        for planned in &mut round {
            validation.plan(planned)?;
        }
        progress.phase(Phase::Resolve);
        let resolved = source.resolve(&round, &gathered).await?;
        progress.phase(Phase::Fetch);
        let staged = round_fetch.run(source, resolved, progress).await?;
        progress.phase(Phase::Assertions);
        let mut snaps = Vec::with_capacity(staged.len());
        for (planned, file) in round.into_iter().zip(staged) {
            snaps.push(checks.fetched(planned, file, source, &mut fetcher).await?);
        }
        gathered.extend(snaps.iter().cloned());
        plan.fetched(snaps)?;
    }
    let contents = plan.finish(refs)?;
    validation.check_complete(&contents)?;
    Ok(contents)
}

/// What every gathered snap is checked against.
struct Checks<'a> {
    db: &'a Database,
    validation: &'a ValidationSets,
}

impl Checks<'_> {
    /// A fetched store or directory snap: its assertions fetched and checked, its file
    /// read.
    async fn fetched(
        &self,
        mut planned: PlannedSnap,
        staged: StagedFile,
        source: &impl Source,
        fetcher: &mut Fetcher<'_>,
    ) -> Result<SeedSnap, GatherError> {
        let StagedFile {
            resolved,
            file,
            digest,
        } = staged;
        let name = planned.name.clone();
        let assertions = self
            .snap_assertions(&name, &digest, source, fetcher)
            .await?;
        let checked = cross_check(
            self.db,
            &name,
            &digest,
            Some((&resolved.snap_id, resolved.revision)),
        )?;
        let info = read_snap(&file)?;
        if info.name != name {
            return Err(GatherError::WrongName {
                name,
                path: file,
                declared: info.name,
            });
        }
        check_provenance(&file, &checked.provenance, &info.provenance)?;
        if let Some(redirect) = resolved.redirect_channel {
            crate::channel::parse_verbatim(&redirect).map_err(|source| {
                GatherError::RedirectChannel {
                    name: name.clone(),
                    source,
                }
            })?;
            planned.channel = redirect;
        }
        let mut snap = staged_snap(planned, info, file, digest, Some(checked), assertions);
        snap.contact = resolved.contact;
        snap.private = resolved.private;
        self.validation.check(&snap)?;
        Ok(snap)
    }

    /// snapd's `FetchSnapAssertions`: the snap-revision of the file's digest and its chain;
    /// the assertions recorded (snapd's ARefs).
    async fn snap_assertions(
        &self,
        name: &str,
        digest: &FileDigest,
        source: &impl Source,
        fetcher: &mut Fetcher<'_>,
    ) -> Result<Vec<Assertion>, GatherError> {
        fetcher
            .fetch(
                source,
                Ref::new(AssertionType::SnapRevision, &[&digest.sha3_384]),
            )
            .await
            .map_err(|source| GatherError::SnapAssertions {
                name: name.to_string(),
                source,
            })?;
        Ok(fetcher.take_recorded())
    }
}

/// A gathered snap from its parts: asserted when `checked` is given (its snap-id and
/// revision set in `info` too), else unasserted at the local revision `x1`.
fn staged_snap(
    planned: PlannedSnap,
    mut info: ucore_snap::Info,
    file: PathBuf,
    digest: FileDigest,
    checked: Option<Checked>,
    assertions: Vec<Assertion>,
) -> SeedSnap {
    let (revision, snap_id, publisher_id) = match checked {
        Some(c) => {
            info.snap_id = c.snap_id.clone();
            info.revision = c.revision;
            (Revision(c.revision), Some(c.snap_id), Some(c.publisher_id))
        }
        None => (Revision::LOCAL, None, None),
    };
    SeedSnap {
        planned,
        info,
        revision,
        snap_id,
        publisher_id,
        file,
        size: digest.size,
        sha3_384: digest.sha3_384,
        assertions,
        contact: None,
        private: false,
    }
}

/// Reads a staged snap file as prepare-image does (`snap.yaml` with no plug and slot
/// sanitizer, validated).
fn read_snap(path: &Path) -> Result<ucore_snap::Info, GatherError> {
    let err = |source| GatherError::ReadSnap {
        path: path.to_path_buf(),
        source: Box::new(source),
    };
    let snap = ucore_snap::container::open(path).map_err(|e| err(e.into()))?;
    Ok(
        ucore_snap::read_info::read_info(snap.container(), Sanitizer::None)
            .map_err(err)?
            .info,
    )
}

/// The `--snap PATH` files (§6.4, §7.3 step 7): each copied into staging with its digest
/// taken on the way, its `snap.yaml` read, and its snap-revision looked up by digest in
/// the source (none: the snap is unasserted, local revision `x1`).
async fn local_snaps(
    options: &ImageOptions,
    source: &impl Source,
    fetcher: &mut Fetcher<'_>,
    checks: &Checks<'_>,
    staging: &Path,
    progress: &dyn Progress,
) -> Result<Vec<SeedSnap>, GatherError> {
    let dir = staging.join("local");
    let mut out = Vec::new();
    for (index, option) in options.snaps.iter().enumerate() {
        let OptionSnap::Path { path, channel } = option else {
            continue;
        };
        if out.is_empty() {
            tokio::fs::create_dir_all(&dir)
                .await
                .map_err(IoError::at("create", &dir))?;
        }
        let base = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let file = dir.join(format!("{index}_{base}"));
        let _ = tokio::fs::remove_file(&file).await;
        let what = path.display().to_string();
        let size = tokio::fs::metadata(path)
            .await
            .map(|m| m.len())
            .unwrap_or(0);
        progress.start(&what, size);
        let digest = copy_with_digest(path, &file, progress, &what)
            .await
            .map_err(GatherError::LocalCopy)?;
        progress.finish(&what);
        let info = read_snap(&file)?;
        let revision_ref = Ref::new(AssertionType::SnapRevision, &[&digest.sha3_384]);
        let found = source
            .assertion(&revision_ref)
            .await
            .map_err(GatherError::Source)?;
        let planned = PlannedSnap {
            name: info.name.clone(),
            snap_id: None,
            model_type: None,
            essential: false,
            required: false,
            modes: vec!["run".into()],
            channel: channel.clone().unwrap_or_default(),
            pinned_revision: None,
            local: Some(path.clone()),
            origin: SnapOrigin::Extra,
        };
        let snap = match found {
            None => staged_snap(planned, info, file, digest, None, Vec::new()),
            Some(revision) => {
                let name = info.name.clone();
                fetcher.save(source, revision).await.map_err(|source| {
                    GatherError::SnapAssertions {
                        name: name.clone(),
                        source,
                    }
                })?;
                let assertions = fetcher.take_recorded();
                let checked = cross_check(checks.db, &name, &digest, None)?;
                check_provenance(&file, &checked.provenance, &info.provenance)?;
                let planned = PlannedSnap {
                    snap_id: Some(checked.snap_id.clone()),
                    ..planned
                };
                staged_snap(planned, info, file, digest, Some(checked), assertions)
            }
        };
        checks.validation.check(&snap)?;
        out.push(snap);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gathering_can_run_on_any_runtime_thread() {
        fn send<T: Send>(_: &T) {}
        let options = ImageOptions::new(Vec::new(), SnapSource::Directory("d".into()), "out");
        let tree = PreparedTree::core16("out");
        // built, not run: the future is Send
        let future = gather(&options, &tree, &crate::progress::NoProgress);
        send(&future);
    }
}
