//! What snapd's gadget code asks of a model: is it classic, and what is its grade.

use serde::Serialize;

/// A model's grade; `Unset` for UC16/UC18 models, set for UC20+ and classic with modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ModelGrade {
    /// No grade: a UC16/UC18 or plain classic model.
    Unset,
    /// `dangerous`.
    Dangerous,
    /// `signed`.
    Signed,
    /// `secured`.
    Secured,
}

/// The two properties of a model that snapd's gadget code reads.
pub trait Model {
    /// Whether the model is a classic (not Ubuntu Core) model.
    fn classic(&self) -> bool;
    /// The model grade.
    fn grade(&self) -> ModelGrade;
}

/// The five classes of model snapd's gadget rules distinguish (and the oracle's `--model`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ModelClass {
    /// No model: only model-independent checks.
    None,
    /// Ubuntu Core 16/18: not classic, no grade.
    Uc16,
    /// Classic without modes.
    Classic,
    /// Ubuntu Core 20 and later: not classic, grade `signed`.
    Uc20,
    /// Classic with modes: classic, grade `signed`.
    Uc20Classic,
}

impl ModelClass {
    /// All kinds, in the oracle's order.
    pub const ALL: [ModelClass; 5] = [
        ModelClass::None,
        ModelClass::Uc16,
        ModelClass::Uc20,
        ModelClass::Classic,
        ModelClass::Uc20Classic,
    ];

    /// Parses the oracle's names: `none` (`nil`), `uc16`, `classic`, `uc20`, `uc20-classic`
    /// (`classic-modes`).
    pub fn from_name(name: &str) -> Option<ModelClass> {
        Some(match name {
            "none" | "nil" => ModelClass::None,
            "uc16" => ModelClass::Uc16,
            "classic" => ModelClass::Classic,
            "uc20" => ModelClass::Uc20,
            "uc20-classic" | "classic-modes" => ModelClass::Uc20Classic,
            _ => return None,
        })
    }

    /// The oracle's name of this kind.
    pub fn name(self) -> &'static str {
        match self {
            ModelClass::None => "none",
            ModelClass::Uc16 => "uc16",
            ModelClass::Classic => "classic",
            ModelClass::Uc20 => "uc20",
            ModelClass::Uc20Classic => "uc20-classic",
        }
    }

    /// The model to pass to parsing and validation (`None` for [`ModelClass::None`]).
    pub fn model(&self) -> Option<&dyn Model> {
        match self {
            ModelClass::None => None,
            other => Some(other),
        }
    }
}

impl Model for ModelClass {
    fn classic(&self) -> bool {
        matches!(self, ModelClass::Classic | ModelClass::Uc20Classic)
    }

    fn grade(&self) -> ModelGrade {
        match self {
            ModelClass::Uc20 | ModelClass::Uc20Classic => ModelGrade::Signed,
            _ => ModelGrade::Unset,
        }
    }
}

/// snapd's three rulesets (`whichVolRuleset`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ruleset {
    /// No model.
    Unknown,
    /// Grade unset: UC16/UC18.
    Uc16,
    /// Grade set: UC20+ and classic with modes.
    Uc20,
}

pub(crate) fn ruleset(model: Option<&dyn Model>) -> Ruleset {
    match model {
        None => Ruleset::Unknown,
        Some(m) if m.grade() == ModelGrade::Unset => Ruleset::Uc16,
        Some(_) => Ruleset::Uc20,
    }
}

/// `classicOrUndetermined`.
pub(crate) fn classic_or_undetermined(model: Option<&dyn Model>) -> bool {
    model.is_none_or(|m| m.classic())
}
