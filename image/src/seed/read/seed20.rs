//! The UC20+ loader (snapd's `seed/seed20.go`, spec `snap-image.md` §5.4): a system's
//! model and assertions, declarations and revisions indexed, then the snaps in the
//! writer's order (the system snap, the essential snaps, the model's other snaps, the
//! extra snaps of `options.yaml`), each checked against its snap-revision.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use serde::Deserialize;
use ucore_assertions::types::{SnapDeclaration, SnapRevision, SnapType};
use ucore_assertions::{Assertion, AssertionType};
use ucore_signing::Database;

use super::assertions::read_dir;
use super::batch::{Batch, Ref};
use super::error::{AssertionsError, MetaError};
use super::model::ModelSnapEntry;
use super::options_yaml::{self, Options20Snap};
use super::snap_check::{self, SnapError};
use super::{EssentialType, LoadedSeed, LoadedSnap, Seed, SeedAssertions, SeedModel};

/// snapd's well-known snap id of the `snapd` snap.
const SNAPD_SNAP_ID: &str = "PMrrV4ml8uWuEUDBT8dSGnKUYbevVhc4";

/// A system's declarations and revisions, indexed.
#[derive(Debug)]
pub(crate) struct Index {
    system_dir: PathBuf,
    decls_by_id: HashMap<String, Assertion>,
    decls_by_name: HashMap<String, Assertion>,
    revs_by_id: HashMap<String, Assertion>,
}

/// `LoadAssertions` of a UC20+ system.
pub(crate) fn load_assertions(
    seed: &Seed,
    label: &str,
    db: Database,
    trusted: &HashSet<Ref>,
) -> Result<SeedAssertions, AssertionsError> {
    let system_dir = seed.dir.join("systems").join(label);
    let mut batch = Batch::in_language(seed.language);
    let (mut decl_refs, mut rev_refs) = (Vec::new(), Vec::new());
    read_dir(&system_dir.join("assertions"), &mut batch, |r| {
        match r.assertion_type {
            AssertionType::Model => return Err(AssertionsError::ModelInAssertions),
            AssertionType::SnapDeclaration => decl_refs.push(r.clone()),
            AssertionType::SnapRevision => rev_refs.push(r.clone()),
            _ => {}
        }
        Ok(())
    })?;
    let model_path = system_dir.join("model");
    let model_file =
        std::fs::File::open(&model_path).map_err(|source| AssertionsError::ModelFileOpen {
            path: model_path.clone(),
            source,
        })?;
    let refs = batch
        .add_stream(std::io::BufReader::new(model_file))
        .map_err(AssertionsError::ModelFile)?;
    let model_ref = match refs.as_slice() {
        [r] if r.assertion_type == AssertionType::Model => r.clone(),
        _ => return Err(AssertionsError::NotExactlyTheModel),
    };
    if decl_refs.len() != rev_refs.len() {
        return Err(AssertionsError::DeclarationRevisionCount);
    }
    batch
        .commit(&db, trusted)
        .map_err(AssertionsError::Commit)?;
    let find = |r: &Ref| -> Result<Assertion, AssertionsError> {
        match r.resolve(&db).map_err(ucore_signing::Error::from)? {
            Some(a) => Ok((*a).clone()),
            None => Err(
                ucore_signing::Error::from(ucore_signing::DatabaseError::NotFound {
                    description: r.to_string(),
                })
                .into(),
            ),
        }
    };
    let model = SeedModel::from_assertion(find(&model_ref)?)?;
    let mut index = Index {
        system_dir,
        decls_by_id: HashMap::new(),
        decls_by_name: HashMap::new(),
        revs_by_id: HashMap::new(),
    };
    for r in &decl_refs {
        let a = find(r)?;
        let (id, name) = {
            let d = SnapDeclaration::from_assertion(&a)?;
            (d.snap_id.to_string(), d.snap_name.to_string())
        };
        index.decls_by_id.insert(id, a.clone());
        if index.decls_by_name.insert(name.clone(), a).is_some() {
            return Err(AssertionsError::MultipleDeclarations(name));
        }
    }
    for r in &rev_refs {
        let a = find(r)?;
        let (id, revision) = {
            let rev = SnapRevision::from_assertion(&a)?;
            (rev.snap_id.to_string(), rev.snap_revision)
        };
        match index.revs_by_id.get(&id) {
            Some(first) => {
                if SnapRevision::from_assertion(first)?.snap_revision != revision {
                    return Err(AssertionsError::MultipleRevisions(id));
                }
            }
            None => {
                index.revs_by_id.insert(id, a);
            }
        }
    }
    Ok(SeedAssertions {
        seed: seed.clone(),
        db,
        model,
        system: Some(index),
    })
}

/// One entry of `snaps/aux-info.json`.
#[derive(Debug, Default, Deserialize)]
struct AuxInfo {
    #[serde(default)]
    private: bool,
    #[serde(default)]
    contact: String,
}

/// A snap to load: a model snap (with its options entry, if any) or an extra snap.
enum ToLoad<'a> {
    Model(&'a ModelSnapEntry, Option<&'a Options20Snap>),
    Extra(&'a Options20Snap),
}

/// `LoadMeta(AllModes)` of a UC20+ system.
pub(crate) fn load_meta(sa: &SeedAssertions, index: &Index) -> Result<LoadedSeed, MetaError> {
    let model = &sa.model;
    let options = if model.dangerous {
        let path = index.system_dir.join("options.yaml");
        if std::fs::metadata(&path).is_ok() {
            options_yaml::read(&path).map_err(MetaError::Options)?
        } else {
            Vec::new()
        }
    } else {
        Vec::new()
    };
    let aux = aux_infos(index)?;
    let system_snap = ModelSnapEntry {
        name: "snapd".into(),
        snap_id: Some(SNAPD_SNAP_ID.into()),
        snap_type: SnapType::Snapd,
        modes: vec!["run".into(), "ephemeral".into()],
        required: true,
        default_channel: "latest/stable".into(),
        essential: true,
    };
    let mut model_snaps: Vec<&ModelSnapEntry> = Vec::new();
    if model.essential_snaps().next().map(|s| s.snap_type) != Some(SnapType::Snapd) {
        model_snaps.push(&system_snap);
    }
    model_snaps.extend(model.essential_snaps());
    model_snaps.extend(model.other_snaps());
    // options.yaml entries are taken in order, each by the model snap it names.
    let mut next_option = options.iter().peekable();
    let mut queue: Vec<ToLoad<'_>> = model_snaps
        .into_iter()
        .map(|m| ToLoad::Model(m, next_option.next_if(|o| same_snap(o, m))))
        .collect();
    queue.extend(next_option.map(ToLoad::Extra));

    let mut snaps = Vec::new();
    let mut essential = 0;
    for item in &queue {
        let required = matches!(item, ToLoad::Model(m, _) if m.required);
        match load_one(sa, index, item, &aux) {
            Ok(snap) => {
                if snap.essential {
                    essential += 1;
                }
                snaps.push(snap);
            }
            Err(MetaError::Snap(
                SnapError::NoDeclarationForId(_) | SnapError::NoDeclarationForName(_),
            )) if !required => {}
            Err(e) => return Err(e),
        }
    }
    Ok(LoadedSeed {
        snaps,
        essential,
        uses_snapd_snap: true,
        system: true,
    })
}

/// snapd's `naming.SameSnap`: by id when both have one, else by name.
fn same_snap(option: &Options20Snap, model_snap: &ModelSnapEntry) -> bool {
    match model_snap.snap_id.as_deref() {
        Some(id) if !id.is_empty() && !option.snap_id.is_empty() => id == option.snap_id,
        _ => option.name == model_snap.name,
    }
}

fn aux_infos(index: &Index) -> Result<HashMap<String, AuxInfo>, MetaError> {
    let path = index.system_dir.join("snaps").join("aux-info.json");
    if std::fs::metadata(&path).is_err() {
        return Ok(HashMap::new());
    }
    let bytes = std::fs::read(&path).map_err(|source| MetaError::AuxInfoRead {
        path: path.clone(),
        source,
    })?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(MetaError::AuxInfo("EOF".into()));
    }
    let decoded: Option<HashMap<String, Option<AuxInfo>>> = serde_json::from_slice(&bytes)
        .map_err(|e| {
            MetaError::AuxInfo(if e.is_eof() {
                "unexpected EOF".into()
            } else {
                e.to_string()
            })
        })?;
    Ok(decoded
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| (k, v.unwrap_or_default()))
        .collect())
}

/// snapd's `doLoadMetaOne` and `lookupSnap`.
fn load_one(
    sa: &SeedAssertions,
    index: &Index,
    item: &ToLoad<'_>,
    aux: &HashMap<String, AuxInfo>,
) -> Result<LoadedSnap, MetaError> {
    let (model_snap, option) = match *item {
        ToLoad::Model(m, o) => (Some(m), o),
        ToLoad::Extra(o) => (None, Some(o)),
    };
    let (name, snap_id, mut channel, snaps_dir, modes, essential, required) =
        match (model_snap, option) {
            (Some(m), _) => (
                m.name.as_str(),
                m.snap_id.as_deref().unwrap_or(""),
                m.default_channel.clone(),
                sa.seed.dir.join("snaps"),
                m.modes.clone(),
                m.essential,
                m.required,
            ),
            (None, o) => (
                o.map_or("", |o| o.name.as_str()),
                o.map_or("", |o| o.snap_id.as_str()),
                "latest/stable".to_string(),
                index.system_dir.join("snaps"),
                vec!["run".to_string()],
                false,
                false,
            ),
        };
    if let Some(c) = option.map(|o| &o.channel).filter(|c| !c.is_empty()) {
        channel = c.clone();
    }
    let mut snap = LoadedSnap {
        name: String::new(),
        snap_id: String::new(),
        revision: None,
        path: PathBuf::new(),
        channel,
        essential,
        essential_type: None,
        required,
        devmode: false,
        classic: false,
        private: false,
        contact: String::new(),
        modes,
    };
    match option
        .map(|o| o.unasserted.as_str())
        .filter(|u| !u.is_empty())
    {
        Some(file) => {
            snap.path = index.system_dir.join("snaps").join(file);
            let info = snap_check::read_info(&snap.path).map_err(MetaError::Unasserted)?;
            snap.name = info.name;
            snap.channel = String::new();
        }
        None => {
            let decl = if !snap_id.is_empty() {
                index
                    .decls_by_id
                    .get(snap_id)
                    .ok_or_else(|| SnapError::NoDeclarationForId(snap_id.to_string()))?
            } else if !sa.model.dangerous {
                return Err(SnapError::MissingSnapId(name.to_string()).into());
            } else {
                index
                    .decls_by_name
                    .get(name)
                    .ok_or_else(|| SnapError::NoDeclarationForName(name.to_string()))?
            };
            let declaration = SnapDeclaration::from_assertion(decl).map_err(SnapError::from)?;
            let id = declaration.snap_id;
            let rev = index
                .revs_by_id
                .get(id)
                .ok_or_else(|| SnapError::NoRevision(id.to_string()))?;
            let revision = SnapRevision::from_assertion(rev).map_err(SnapError::from)?;
            snap.path = snaps_dir.join(format!(
                "{}_{}.snap",
                declaration.snap_name, revision.snap_revision
            ));
            snap_check::verify(&snap.path, rev, decl)?;
            snap.name = declaration.snap_name.to_string();
            snap.snap_id = id.to_string();
            snap.revision = Some(revision.snap_revision);
        }
    }
    if let Some(a) = aux.get(&snap.snap_id) {
        snap.private = a.private;
        snap.contact = a.contact.clone();
    }
    if let Some(m) = model_snap.filter(|m| m.essential) {
        if m.snap_type == SnapType::Gadget {
            let info = snap_check::read_info(&snap.path)?;
            if info.base != sa.model.headers.base {
                return Err(MetaError::GadgetBase {
                    gadget_base: info.base,
                    model_base: sa.model.headers.base.clone(),
                });
            }
        }
        snap.essential_type = Some(match m.snap_type {
            SnapType::Snapd => EssentialType::Snapd,
            SnapType::Kernel => EssentialType::Kernel,
            SnapType::Gadget => EssentialType::Gadget,
            SnapType::Core => EssentialType::Os,
            _ => EssentialType::Base,
        });
    }
    Ok(snap)
}
