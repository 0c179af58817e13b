//! The whole build, as `snap prepare-image` followed by ubuntu-image's disk steps: gather
//! (snaps and assertions, checked), seed, unpack the gadget and kernel, boot files,
//! resolved gadget content, disk images.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::Serialize;
use ucore_assertions::Assertion;
use ucore_assertions::types::{Model, SnapType};
use ucore_model::{ModelKind, ModelMeaning};

use crate::disk::{self, VolumeImage};
use crate::error::Error;
use crate::options::ImageOptions;
use crate::progress::{Phase, Progress};
use crate::snaps::SeedContents;
use crate::tree::PreparedTree;
use crate::{boot, gather, plan, seed, unpack};

/// One snap of a built image, as the summary lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SnapSummary {
    /// The snap name.
    pub name: String,
    /// Its revision (`x1` for unasserted local snaps).
    pub revision: String,
    /// The channel it tracks (empty for unasserted snaps).
    pub channel: String,
    /// Its size in bytes.
    pub size: u64,
    /// Where it is in the seed.
    pub path: PathBuf,
}

/// How long each step took.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Timings {
    /// Gathering snaps and assertions.
    pub gather: Duration,
    /// Writing the seed.
    pub seed: Duration,
    /// Unpacking, boot files and resolved content.
    pub boot: Duration,
    /// Disk images.
    pub disk: Duration,
}

impl Timings {
    /// The seed step as the issue measures it: gather and write.
    pub fn seed_step(&self) -> Duration {
        self.gather + self.seed
    }

    /// The whole build.
    pub fn total(&self) -> Duration {
        self.gather + self.seed + self.boot + self.disk
    }
}

/// What a build produced.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// The output directory.
    pub out: PathBuf,
    /// The seed directory.
    pub seed_dir: PathBuf,
    /// The UC20+ label.
    pub label: Option<String>,
    /// The seed's snaps, in writer order.
    pub snaps: Vec<SnapSummary>,
    /// The disk images.
    pub volumes: Vec<VolumeImage>,
    /// Warnings (snapd's texts).
    pub warnings: Vec<String>,
    /// Step timings.
    pub timings: Timings,
}

/// Builds the image `options` describe: the prepared tree and the seed in `options.out`,
/// and one `VOLUME.img` per gadget volume beside them (unless `options.disk_images` is
/// off). Nothing goes into the seed before every snap and assertion has been checked.
///
/// Gathering is asynchronous (downloads run in parallel); the file-system steps after it
/// run on the calling thread, through `tokio::task::block_in_place` on a multi-threaded
/// runtime.
pub async fn build(options: &ImageOptions, progress: &dyn Progress) -> Result<Summary, Error> {
    let model = plan::read_model(&options.model, &options.model_file)?;
    let mut options = options.clone();
    let tree = prepared_tree(&model, &mut options)?;
    check_output_dir(&tree)?;

    let started = Instant::now();
    let mut contents = gather::gather(&options, &tree, progress).await?;
    let gather_time = started.elapsed();

    let mut finish = || finish_image(&mut contents, &tree, &options, progress);
    let (volumes, mut timings) =
        match tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor()) {
            Ok(tokio::runtime::RuntimeFlavor::MultiThread) => tokio::task::block_in_place(finish),
            _ => finish(),
        }?;
    timings.gather = gather_time;

    Ok(Summary {
        out: tree.out.clone(),
        seed_dir: tree.seed_dir(),
        label: tree.label.clone(),
        snaps: contents
            .model_snaps
            .iter()
            .chain(&contents.extra_snaps)
            .map(|s| SnapSummary {
                name: s.planned.name.clone(),
                revision: s.revision.to_string(),
                channel: s.planned.channel.clone(),
                size: s.size,
                path: s.file.clone(),
            })
            .collect(),
        volumes,
        warnings: contents.warnings.clone(),
        timings,
    })
}

/// The tree for `model`: UC16/18, or UC20+ with the label of `options` (today's UTC date
/// `YYYYMMDD` when none is given, as `snap prepare-image` names it), which is written
/// back into `options` for the gather step.
fn prepared_tree(model: &Assertion, options: &mut ImageOptions) -> Result<PreparedTree, Error> {
    let view = Model::try_from(model).map_err(|e| Error::Model(e.to_string()))?;
    match view.kind() {
        ModelKind::Core20Plus => {}
        ModelKind::Core16Or18 => return Ok(PreparedTree::core16(&options.out)),
        // `plan::read_model` refused these already (no `--classic` here).
        ModelKind::Classic | ModelKind::ClassicWithModes => {
            return Err(Error::Model(format!(
                "cannot build an image of a {} model",
                view.kind().describe()
            )));
        }
    }
    let label = options
        .label
        .get_or_insert_with(|| jiff::Timestamp::now().strftime("%Y%m%d").to_string())
        .clone();
    Ok(PreparedTree::core20(&options.out, label))
}

/// snapd's refusals to prepare over an existing system (spec §7.3 step 1), in its texts.
fn check_output_dir(tree: &PreparedTree) -> Result<(), Error> {
    if tree.is_core20() {
        let systems = tree.seed_dir().join("systems");
        let found = list(&systems)?;
        if !found.is_empty() {
            return Err(Error::NotEmpty(format!(
                "expected empty systems dir in system-seed, got: [{}]",
                found.join(" ")
            )));
        }
        return Ok(());
    }
    let snapd = tree.image_root().join("var/lib/snapd");
    let state = snapd.join("state.json");
    if state.exists() {
        return Err(Error::NotEmpty(format!(
            "cannot prepare seed over existing system or an already booted image, detected state file {}",
            state.display()
        )));
    }
    let snaps: Vec<String> = list(&snapd.join("snaps"))?
        .into_iter()
        .filter(|p| p.ends_with(".snap"))
        .collect();
    if !snaps.is_empty() {
        return Err(Error::NotEmpty(format!(
            "expected empty snap dir in rootdir, got: [{}]",
            snaps.join(" ")
        )));
    }
    Ok(())
}

/// The paths in `dir`, sorted (none when it does not exist).
fn list(dir: &Path) -> Result<Vec<String>, Error> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(io_error("read", dir, source)),
    };
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| io_error("read", dir, source))?;
        out.push(entry.path().display().to_string());
    }
    out.sort();
    Ok(out)
}

fn io_error(op: &'static str, path: &Path, source: std::io::Error) -> Error {
    Error::Io {
        op,
        path: path.to_path_buf(),
        source,
    }
}

/// Everything after gathering: the seed, the gadget and kernel unpacked, the boot files,
/// the resolved gadget content and the disk images.
fn finish_image(
    contents: &mut SeedContents,
    tree: &PreparedTree,
    options: &ImageOptions,
    progress: &dyn Progress,
) -> Result<(Vec<VolumeImage>, Timings), Error> {
    let mut timings = Timings::default();

    let t = Instant::now();
    progress.phase(Phase::Seed);
    seed::write(contents, tree)?;
    timings.seed = t.elapsed();

    let t = Instant::now();
    progress.phase(Phase::Boot);
    for (snap_type, dir) in [
        (SnapType::Gadget, tree.gadget_dir()),
        (SnapType::Kernel, tree.kernel_dir()),
    ] {
        let Some(snap) = contents
            .model_snaps
            .iter()
            .find(|s| s.planned.essential && s.planned.model_type == Some(snap_type))
        else {
            continue;
        };
        unpack::unpack(&snap.file, &dir).map_err(|source| Error::Unpack {
            name: snap.planned.name.clone(),
            source,
        })?;
    }
    boot::make_bootable(contents, tree)?;
    disk::write_resolved_content(&contents.model, tree)?;
    timings.boot = t.elapsed();

    let t = Instant::now();
    let volumes = if options.disk_images {
        progress.phase(Phase::Disk);
        disk::write_disk_images(&contents.model, tree, progress)?
    } else {
        Vec::new()
    };
    timings.disk = t.elapsed();

    let staging = tree.staging_dir();
    match std::fs::remove_dir_all(&staging) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(source) => return Err(io_error("remove", &staging, source)),
    }
    Ok((volumes, timings))
}
