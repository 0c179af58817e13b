//! The model as the seed writer reads it: `snap prepare-image`'s checks on the model
//! file (spec §7.2 steps 1, 3 and 5), and the model's snaps as snapd's writer sees them
//! (UC16/18 `kernel`/`gadget` with a pinned track, `required-snaps` without a type).

use ucore_assertions::types::{Grade, Model, Presence, SnapType as ModelSnapType};
use ucore_assertions::{Assertion, AssertionAccess, AssertionType};

use super::PlanError;

/// Headers `prepare-image` refuses in a model.
const RESERVED: [&str; 4] = ["core", "os", "class", "allowed-modes"];

/// Reads the model file as `snap prepare-image` does (§7.2 steps 1, 3 and 5): one
/// assertion, a model, none of the reserved headers, not classic, series 16. `file_name`
/// names the file in the messages. The signature is not checked here: the gatherer checks
/// the model with its chain.
pub fn read_model(bytes: &[u8], file_name: &str) -> Result<Assertion, PlanError> {
    let decode = |source| PlanError::DecodeModel {
        file: file_name.to_string(),
        source: Box::new(source),
    };
    let assertion = Assertion::decode(bytes).map_err(decode)?;
    if assertion.assertion_type() != AssertionType::Model {
        return Err(PlanError::NotAModel(file_name.to_string()));
    }
    // snapd's decoder builds the typed model: its errors are decode errors.
    let model = Model::try_from(&assertion).map_err(decode)?;
    if let Some(h) = RESERVED.into_iter().find(|h| assertion.header(h).is_some()) {
        return Err(PlanError::ReservedHeader(h));
    }
    if model.classic {
        return Err(PlanError::ClassicModel);
    }
    if model.series != "16" {
        return Err(PlanError::Series(model.series.to_string()));
    }
    Ok(assertion)
}

/// A snap of the model as the writer handles it (snapd's `asserts.ModelSnap`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ModelSnapSpec {
    /// The snap name.
    pub name: String,
    /// The model's snap id (UC20+), or the well-known id of a system snap.
    pub snap_id: Option<String>,
    /// The type the model gives it; `None` for UC16/18 `required-snaps`.
    pub model_type: Option<ModelSnapType>,
    /// Its modes.
    pub modes: Vec<String>,
    /// The model's `default-channel` (`""`: the policy's default).
    pub default_channel: String,
    /// UC16/18 `kernel: NAME=TRACK` / `gadget: NAME=TRACK`.
    pub pinned_track: String,
    /// `presence: optional`.
    pub optional: bool,
    /// Essential (snapd, kernel, base, gadget).
    pub essential: bool,
}

impl ModelSnapSpec {
    /// A policy's system snap (`internal.MakeSystemSnap`): named after its type, with its
    /// well-known snap id.
    pub fn system(name: &str, model_type: ModelSnapType, channel: &str, modes: &[&str]) -> Self {
        ModelSnapSpec {
            name: name.to_string(),
            snap_id: ucore_assertions::types::well_known_snap_id(name).map(str::to_string),
            model_type: Some(model_type),
            modes: modes.iter().map(|m| m.to_string()).collect(),
            default_channel: channel.to_string(),
            pinned_track: String::new(),
            optional: false,
            essential: false,
        }
    }

    /// snapd's `whichModelSnap`: how messages name it.
    pub fn which(&self, model_base: &str) -> String {
        let q = ucore_go_text::quote(&self.name);
        match self.model_type {
            Some(ModelSnapType::Snapd) => "snapd snap".to_string(),
            Some(ModelSnapType::Core) => "core snap".to_string(),
            Some(ModelSnapType::Base) if self.name == model_base => format!("boot base {q}"),
            Some(ModelSnapType::Base) => format!("base {q}"),
            Some(ModelSnapType::Kernel) => format!("kernel {q}"),
            Some(ModelSnapType::Gadget) => format!("gadget {q}"),
            Some(ModelSnapType::App) | None => format!("snap {q}"),
        }
    }
}

/// What the plan keeps of the model.
#[derive(Debug, Clone)]
pub(crate) struct ModelFacts {
    /// `brand-id`.
    pub brand_id: String,
    /// `base` (`""`: none).
    pub base: String,
    /// The grade (UC20+).
    pub grade: Option<Grade>,
    /// `classic`.
    pub classic: bool,
    /// The essential snaps (snapd, kernel, base, gadget), in that order.
    pub essential: Vec<ModelSnapSpec>,
    /// The other snaps, in model order.
    pub others: Vec<ModelSnapSpec>,
}

impl ModelFacts {
    /// The writer's view of `model`.
    pub fn of(assertion: &Assertion) -> Result<ModelFacts, PlanError> {
        let model = Model::try_from(assertion).map_err(|source| PlanError::DecodeModel {
            file: "model".to_string(),
            source: Box::new(source),
        })?;
        let extended = model.extended;
        let pinned = |header: &str| -> String {
            assertion
                .header_str(header)
                .and_then(|v| v.split_once('='))
                .map(|(_, t)| t.to_string())
                .unwrap_or_default()
        };
        let spec = |s: &ucore_assertions::types::ModelSnap<'_>| {
            if extended {
                ModelSnapSpec {
                    name: s.name.to_string(),
                    snap_id: s.snap_id.map(str::to_string),
                    model_type: Some(s.snap_type),
                    modes: s.modes.iter().map(|m| m.to_string()).collect(),
                    default_channel: s.default_channel.to_string(),
                    pinned_track: String::new(),
                    optional: s.presence == Presence::Optional,
                    essential: s.essential,
                }
            } else {
                // UC16/18: no snap ids, mode run, the policy's default channel; kernel and
                // gadget may pin a track; required-snaps carry no type.
                let pinned_track = match s.snap_type {
                    ModelSnapType::Kernel if s.essential => pinned("kernel"),
                    ModelSnapType::Gadget if s.essential => pinned("gadget"),
                    _ => String::new(),
                };
                ModelSnapSpec {
                    name: s.name.to_string(),
                    snap_id: None,
                    model_type: s.essential.then_some(s.snap_type),
                    modes: vec!["run".to_string()],
                    default_channel: String::new(),
                    pinned_track,
                    optional: false,
                    essential: s.essential,
                }
            }
        };
        Ok(ModelFacts {
            brand_id: model.brand_id.to_string(),
            base: model.base.unwrap_or_default().to_string(),
            grade: model.grade,
            classic: model.classic,
            essential: model.essential_snaps().map(spec).collect(),
            others: model.non_essential_snaps().map(spec).collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const UC16: &[u8] = include_bytes!("../../../store/tests/data/fixtures/uc16.model");
    const UC20: &[u8] = include_bytes!("../../../store/tests/data/fixtures/uc20.model");

    /// A model text with its signature dropped: the plan does not verify it.
    fn edited(model: &[u8], edit: impl Fn(String) -> String) -> Vec<u8> {
        edit(String::from_utf8(model.to_vec()).unwrap()).into_bytes()
    }

    #[test]
    fn reads_the_fixture_models() {
        let m = read_model(UC16, "uc16.model").unwrap();
        assert_eq!(m.encode(), UC16);
        let facts = ModelFacts::of(&m).unwrap();
        assert_eq!(facts.brand_id, "developer1");
        assert_eq!(facts.base, "");
        let names: Vec<_> = facts.essential.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["pc-kernel", "pc"]);
        assert_eq!(facts.others[0].name, "hello-oracle");
        assert_eq!(facts.others[0].model_type, None);
        assert_eq!(facts.essential[0].modes, ["run"]);

        let m = read_model(UC20, "uc20.model").unwrap();
        let facts = ModelFacts::of(&m).unwrap();
        let names: Vec<_> = facts.essential.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["snapd", "pc-kernel", "core20", "pc20"]);
        assert_eq!(facts.essential[1].default_channel, "20/stable");
        assert_eq!(facts.others[0].modes, ["run", "ephemeral"]);
    }

    #[test]
    fn pinned_tracks_come_from_the_headers() {
        let text = edited(UC16, |t| {
            t.replace("gadget: pc\n", "gadget: pc=16\n")
                .replace("kernel: pc-kernel\n", "kernel: pc-kernel=18\n")
        });
        let m = read_model(&text, "m").unwrap();
        let facts = ModelFacts::of(&m).unwrap();
        assert_eq!(facts.essential[0].pinned_track, "18");
        assert_eq!(facts.essential[1].pinned_track, "16");
        assert_eq!(facts.essential[0].which(""), "kernel \"pc-kernel\"");
    }

    #[test]
    fn model_file_texts_are_snapds() {
        let err = read_model(b"nonsense", "my.model").unwrap_err().to_string();
        assert!(
            err.starts_with("cannot decode model assertion \"my.model\": "),
            "{err}"
        );
        let account = include_bytes!(
            "../../../store/tests/data/fixtures/fs-asserts/developer1-account.assert"
        );
        assert_eq!(
            read_model(account, "a").unwrap_err().to_string(),
            "assertion in \"a\" is not a model assertion"
        );
        for h in RESERVED {
            let text = edited(UC16, |t| {
                t.replace("series: 16\n", &format!("series: 16\n{h}: x\n"))
            });
            assert_eq!(
                read_model(&text, "m").unwrap_err().to_string(),
                format!("model assertion cannot have reserved/unsupported header \"{h}\" set")
            );
        }
        let text = edited(UC16, |t| t.replace("series: 16\n", "series: 18\n"));
        assert_eq!(
            read_model(&text, "m").unwrap_err().to_string(),
            "model with series \"18\" != \"16\" unsupported"
        );
        let text = edited(UC16, |t| {
            t.replace("gadget: pc\nkernel: pc-kernel\n", "classic: true\n")
        });
        assert_eq!(
            read_model(&text, "m").unwrap_err().to_string(),
            "--classic mode is required to prepare the image for a classic model"
        );
    }
}
