//! The recipe: an ordered list of serializable steps with every parameter and seed, and the one
//! place (`Session::apply`) where steps take effect. Loading a file is step 0; later steps
//! (profile, validate, clean, sample, compare, export) add variants to `Step`.
//!
//! Each applied step records rows in, rows out and the content hash of its output, so a replay
//! can prove it produced the same data.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::core::dataset::Dataset;
use crate::core::error::{CoreError, Result};
use crate::core::export::content_hash;
use crate::core::ingest::{IngestOptions, Loaded};

/// Version of the recipe format; bumped on incompatible changes.
pub const RECIPE_FORMAT: u32 = 1;

/// Identity of an input file, checked before a replay runs anything.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceRef {
    pub name: String,
    pub bytes: u64,
    pub sha256: String,
}

/// Load a file into a named dataset with fixed options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadStep {
    pub source: SourceRef,
    /// Name of the dataset this step creates.
    pub output: String,
    pub options: IngestOptions,
}

/// One step of a recipe. Tagged by `op` in JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Step {
    Load(LoadStep),
}

impl Step {
    pub fn output(&self) -> &str {
        match self {
            Step::Load(s) => &s.output,
        }
    }
    pub fn label(&self) -> String {
        match self {
            Step::Load(s) => format!("load {}", s.source.name),
        }
    }
}

/// What applying a step did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepOutcome {
    pub rows_in: u64,
    pub rows_out: u64,
    /// Rows that did not make it into the output but were kept aside (load errors, quarantine).
    pub rows_set_aside: u64,
    /// Content hash of the output (`export::content_hash`). Filled by `Session::recipe` rather
    /// than on every step, so that large loads show their data without waiting for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_sha256: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecipeStep {
    #[serde(flatten)]
    pub step: Step,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<StepOutcome>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recipe {
    pub strata_recipe: u32,
    pub steps: Vec<RecipeStep>,
}

impl Default for Recipe {
    fn default() -> Self {
        Recipe { strata_recipe: RECIPE_FORMAT, steps: Vec::new() }
    }
}

impl Recipe {
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("recipes always serialize")
    }
    pub fn from_json(s: &str) -> Result<Self> {
        let r: Recipe = serde_json::from_str(s).map_err(|e| {
            CoreError::invalid(format!("not a Strata recipe: {e}"), crate::core::Location::line(e.line() as u64))
        })?;
        if r.strata_recipe != RECIPE_FORMAT {
            return Err(CoreError::invalid(
                format!("recipe format {} is not supported (this Strata reads {RECIPE_FORMAT})", r.strata_recipe),
                Default::default(),
            ));
        }
        Ok(r)
    }
}

/// What a step consumes besides the session's datasets: a load brings its freshly read table
/// (the platform streams it: a worker from a `File`, the CLI from disk).
pub enum StepInput {
    None,
    Loaded(Box<Loaded>),
}

/// The datasets of a session and the recipe that made them.
#[derive(Default)]
pub struct Session {
    pub datasets: BTreeMap<String, Dataset>,
    pub recipe: Recipe,
}

impl Session {
    /// A dataset name derived from a file name, unique in this session.
    pub fn fresh_name(&self, file_name: &str) -> String {
        let stem = file_name.rsplit_once('.').map_or(file_name, |(s, _)| s);
        let base: String =
            stem.chars().map(|c| if c.is_alphanumeric() || c == '-' { c } else { '_' }).collect::<String>();
        let base = if base.is_empty() { "dataset".to_string() } else { base };
        if !self.datasets.contains_key(&base) {
            return base;
        }
        (2..).map(|i| format!("{base}_{i}")).find(|n| !self.datasets.contains_key(n)).expect("unbounded")
    }

    /// Forgets a dataset and the steps that produced it (a load re-run with other options
    /// supersedes the earlier one).
    pub fn remove(&mut self, name: &str) {
        self.datasets.remove(name);
        self.recipe.steps.retain(|s| s.step.output() != name);
    }

    pub fn dataset(&self, name: &str) -> Result<&Dataset> {
        self.datasets.get(name).ok_or_else(|| CoreError::UnknownDataset(name.to_string()))
    }

    /// The recipe with every step's output hash filled in.
    pub fn recipe(&mut self) -> &Recipe {
        for step in &mut self.recipe.steps {
            if let Some(outcome) = step.outcome.as_mut().filter(|o| o.output_sha256.is_none()) {
                if let Some(d) = self.datasets.get(step.step.output()) {
                    outcome.output_sha256 = Some(content_hash(&d.schema, &d.batches));
                }
            }
        }
        &self.recipe
    }

    /// Applies a step: the one place where steps take effect and are recorded.
    pub fn apply(&mut self, step: Step, input: StepInput) -> Result<StepOutcome> {
        let outcome = match (&step, input) {
            (Step::Load(load), StepInput::Loaded(loaded)) => {
                if loaded.source_sha256 != load.source.sha256 {
                    return Err(CoreError::invalid(
                        format!(
                            "input {} has SHA-256 {} but the recipe expects {}",
                            load.source.name, loaded.source_sha256, load.source.sha256
                        ),
                        Default::default(),
                    ));
                }
                let rows_set_aside = loaded.report.rows_set_aside;
                let dataset = Dataset::from_loaded(&load.output, &load.source.name, *loaded);
                let rows_out = dataset.num_rows();
                let outcome =
                    StepOutcome { rows_in: rows_out + rows_set_aside, rows_out, rows_set_aside, output_sha256: None };
                self.datasets.insert(load.output.clone(), dataset);
                outcome
            }
            (Step::Load(_), StepInput::None) => {
                return Err(CoreError::invalid("a load step needs its file", Default::default()))
            }
        };
        self.recipe.steps.push(RecipeStep { step, outcome: Some(outcome.clone()) });
        Ok(outcome)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::ingest::load_bytes;

    #[test]
    fn load_step_records_counts_and_hash_and_round_trips() {
        let bytes = b"a,b\n1,x\n2\n3,z\n";
        let loaded = load_bytes("t.csv", bytes, &IngestOptions::default()).unwrap();
        let mut session = Session::default();
        let step = Step::Load(LoadStep {
            source: SourceRef {
                name: "t.csv".into(),
                bytes: loaded.source_bytes,
                sha256: loaded.source_sha256.clone(),
            },
            output: session.fresh_name("t.csv"),
            options: IngestOptions::default(),
        });
        let out = session.apply(step, StepInput::Loaded(Box::new(loaded))).unwrap();
        assert_eq!((out.rows_in, out.rows_out, out.rows_set_aside), (3, 2, 1));
        assert_eq!(out.output_sha256, None, "hashed on demand");
        let recipe = session.recipe().clone();
        assert_eq!(recipe.steps[0].outcome.as_ref().unwrap().output_sha256.as_ref().map(String::len), Some(64));
        let json = recipe.to_json();
        assert_eq!(Recipe::from_json(&json).unwrap(), recipe);
        assert_eq!(session.fresh_name("t.csv"), "t_2");
    }

    #[test]
    fn wrong_input_is_refused() {
        let loaded = load_bytes("t.csv", b"a\n1\n", &IngestOptions::default()).unwrap();
        let mut session = Session::default();
        let step = Step::Load(LoadStep {
            source: SourceRef { name: "t.csv".into(), bytes: 4, sha256: "0".repeat(64) },
            output: "t".into(),
            options: IngestOptions::default(),
        });
        assert!(session.apply(step, StepInput::Loaded(Box::new(loaded))).is_err());
    }
}
