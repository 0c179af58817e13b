//! A seed loaded as the oracle's `seed-check` command loads it (`seed.Open`,
//! `LoadAssertions`, `LoadMeta(AllModes)`), reported in the same JSON shape: field names,
//! values and order of snaps, and on failure the stage and snapd's text.

use std::path::Path;

use serde::Serialize;
use ucore_assertions::Assertion;

use super::error::{ReadError, Stage};
use super::model::ModelHeaders;
use super::{LoadedSeed, MODES, Seed, SeedAssertions};

/// One snap of seed-check's `snaps`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SeedCheckSnap {
    /// Its name.
    pub name: String,
    /// Its snap id (`""`: unasserted).
    #[serde(rename = "snap-id")]
    pub snap_id: String,
    /// Its revision (`unset`: unasserted).
    pub revision: String,
    /// The snap file.
    pub path: String,
    /// The channel.
    pub channel: String,
    /// Whether it is essential.
    pub essential: bool,
    /// Its essential type (`""`: not essential).
    #[serde(rename = "essential-type")]
    pub essential_type: String,
    /// Whether the model requires it.
    pub required: bool,
    /// devmode.
    pub devmode: bool,
    /// classic.
    pub classic: bool,
    /// The modes among run, install, recover, factory-reset that list it (never for
    /// essential snaps).
    pub modes: Vec<String>,
    /// The modes the model gives it (`null`: the model does not name it).
    #[serde(rename = "model-modes")]
    pub model_modes: Option<Vec<String>>,
}

/// seed-check's report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SeedCheck {
    /// Whether the seed loaded.
    pub ok: bool,
    /// The UC20+ label (`""` for UC16/18).
    pub label: String,
    /// The stage that failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage: Option<Stage>,
    /// snapd's text of the failure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The model (once the assertions loaded).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<ModelHeaders>,
    /// The brand's account id (when its account is in the database).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub brand: Option<String>,
    /// The essential snaps' names, in order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub essential: Option<Vec<String>>,
    /// Whether the seed uses the snapd snap.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uses_snapd_snap: Option<bool>,
    /// How many snaps loaded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub num_snaps: Option<usize>,
    /// The snaps, in the loader's order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snaps: Option<Vec<SeedCheckSnap>>,
}

impl SeedCheck {
    /// Loads the seed at `dir` (`label`: a UC20+ system) with `trusted` trusted besides
    /// Canonical's root, and reports it.
    pub fn run(dir: impl AsRef<Path>, label: Option<&str>, trusted: &[Assertion]) -> SeedCheck {
        let mut report = SeedCheck {
            ok: false,
            label: label.unwrap_or("").to_string(),
            stage: None,
            error: None,
            model: None,
            brand: None,
            essential: None,
            uses_snapd_snap: None,
            num_snaps: None,
            snaps: None,
        };
        let loaded = Seed::open(dir, label)
            .map_err(ReadError::from)
            .and_then(|seed| Ok(seed.load_assertions(trusted)?))
            .and_then(|sa| {
                report.model = Some(sa.model().headers.clone());
                report.brand = sa.brand();
                let loaded = sa.load_meta()?;
                Ok((sa, loaded))
            });
        match loaded {
            Ok((sa, loaded)) => {
                report.fill(&sa, &loaded);
                report.ok = true;
            }
            Err(e) => {
                report.stage = Some(e.stage());
                report.error = Some(e.to_string());
            }
        }
        report
    }

    fn fill(&mut self, sa: &SeedAssertions, loaded: &LoadedSeed) {
        let modes_of = |name: &str, essential: bool| -> Vec<String> {
            if essential {
                return Vec::new();
            }
            let asked: &[&str] = if loaded.system { &MODES } else { &["run"] };
            asked
                .iter()
                .filter(|m| {
                    loaded
                        .mode_snaps(m)
                        .is_ok_and(|snaps| snaps.iter().any(|s| s.name == name))
                })
                .map(|m| m.to_string())
                .collect()
        };
        let snaps = loaded
            .snaps
            .iter()
            .map(|s| SeedCheckSnap {
                name: s.name.clone(),
                snap_id: s.snap_id.clone(),
                revision: s.revision.map_or("unset".into(), |r| r.to_string()),
                path: s.path.display().to_string(),
                channel: s.channel.clone(),
                essential: s.essential,
                essential_type: s.essential_type.map_or("", |t| t.as_str()).to_string(),
                required: s.required,
                devmode: s.devmode,
                classic: s.classic,
                modes: modes_of(&s.name, s.essential),
                model_modes: sa
                    .model()
                    .modes_of(&s.name)
                    .filter(|m| !m.is_empty())
                    .map(<[String]>::to_vec),
            })
            .collect::<Vec<_>>();
        self.essential = Some(
            loaded
                .essential_snaps()
                .iter()
                .map(|s| s.name.clone())
                .collect(),
        );
        self.uses_snapd_snap = Some(loaded.uses_snapd_snap);
        self.num_snaps = Some(snaps.len());
        self.snaps = Some(snaps);
    }
}
