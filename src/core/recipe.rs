//! The recipe: an ordered list of serializable steps with every parameter and seed, and the one
//! place (`Session::apply`) where steps take effect. Loading a file is step 0; every later step
//! derives datasets from datasets of the session.
//!
//! Adding a step kind takes three things: a struct with its parameters in the capability's module,
//! an implementation of [`Derive`] for it, and a variant of [`Step`] (plus, when it reports more
//! than row counts, a variant of [`StepReport`]). `Session::apply` does the rest: it runs the step,
//! stores its outputs, records rows in and out, and replaces what an earlier run of the same step
//! produced together with everything derived from it.
//!
//! Each applied step records rows in, rows out and the content hash of each output, so a replay
//! can prove it produced the same data.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::core::compare::{CompareReport, CompareStep};
use crate::core::dataset::Dataset;
use crate::core::error::{CoreError, Result};
use crate::core::export::{content_hash, ExportRecord, FileFormat};
use crate::core::ingest::{IngestOptions, Loaded};
use crate::core::sample::{SampleReport, SampleStep, SplitReport, SplitStep};
use crate::core::transform::{
    CastStep, CleanReport, ColumnsStep, DedupStep, DropMissingStep, EncodeStep, ImputeStep, OutliersStep, ScaleStep,
    StandardizeStep,
};
use crate::core::validate::{ValidateStep, ValidationReport};

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
    /// Keep, drop, reorder and rename columns.
    Columns(ColumnsStep),
    /// Compare two datasets: schema, drift, rows (report only).
    Compare(CompareStep),
    /// Draw a seeded sample (probability, non-probability or re-balancing).
    Sample(SampleStep),
    /// Split into train / validation / test.
    Split(SplitStep),
    /// Check rules and split the rows into valid and quarantined.
    Validate(Box<ValidateStep>),
    /// Fill missing values (fitted).
    Impute(ImputeStep),
    /// Flag, cap or remove outliers (fitted bounds).
    Outliers(OutliersStep),
    /// Scale numeric columns (fitted).
    Scale(ScaleStep),
    /// Encode categories as numbers (fitted categories).
    Encode(EncodeStep),
    /// Trim, case-fold, map values, strip thousands separators, ISO dates.
    Standardize(StandardizeStep),
    /// Remove duplicate rows (kept aside in a second output).
    Dedup(DedupStep),
    /// Change column types, counting failures.
    Cast(CastStep),
    /// Drop rows with missing values and mostly-empty columns.
    DropMissing(DropMissingStep),
}

/// A step that derives datasets from datasets of the session (every step but a load).
pub trait Derive {
    /// Names of the datasets it reads, the first being its main input.
    fn inputs(&self) -> Vec<String>;
    /// Names of the datasets it creates, the first being its main output. Applying the step
    /// replaces datasets of these names.
    fn outputs(&self) -> Vec<String>;
    /// A short description for lists and the lineage graph ("10% random sample of orders").
    fn label(&self) -> String;
    /// Runs the step. Must be deterministic: the same datasets and parameters give the same
    /// output bytes (seeds are parameters).
    fn run(&self, datasets: &BTreeMap<String, Dataset>) -> Result<Derived>;
    /// Where column `column` of output number `output` comes from, for column-level lineage.
    /// By default: the column of the same name in the main input, values copied unchanged
    /// (right for steps that only select rows). Steps that compute or rename columns say so.
    fn column_sources(&self, output: usize, column: &str) -> Vec<ColumnSource> {
        let _ = output;
        self.inputs()
            .into_iter()
            .next()
            .map(|dataset| ColumnSource { dataset, column: column.to_string(), identity: true })
            .into_iter()
            .collect()
    }
    /// Columns whose values decide which rows the outputs keep or in which order they come
    /// (OpenLineage's INDIRECT lineage: FILTER, SORT, GROUP_BY). None by default.
    fn indirect_sources(&self) -> Vec<IndirectSource> {
        Vec::new()
    }
}

/// A column that influences an output without its values being copied into it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndirectSource {
    pub dataset: String,
    pub column: String,
    /// OpenLineage's subtype: "FILTER", "SORT" or "GROUP_BY".
    pub subtype: &'static str,
}

impl IndirectSource {
    /// FILTER by each of `columns` of `dataset`.
    pub fn filters<'a>(dataset: &str, columns: impl IntoIterator<Item = &'a String>) -> Vec<IndirectSource> {
        columns
            .into_iter()
            .map(|c| IndirectSource { dataset: dataset.to_string(), column: c.clone(), subtype: "FILTER" })
            .collect()
    }
}

/// An input column an output column is made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnSource {
    pub dataset: String,
    pub column: String,
    /// True when values are copied unchanged; false when computed from the input.
    pub identity: bool,
}

/// What running a [`Derive`] step produced.
pub struct Derived {
    /// One dataset per name of `outputs()`, in that order.
    pub outputs: Vec<Dataset>,
    /// Rows the step read from its main input.
    pub rows_in: u64,
    /// Rows kept aside rather than dropped (quarantined, removed duplicates kept for export…).
    pub rows_set_aside: u64,
    /// What the step found, for its panel and the lineage.
    pub report: Option<StepReport>,
    /// The step as it is recorded: fitted transforms fill in their fitted parameters here, so
    /// that the recipe carries them. `None` records the step as given.
    pub recorded: Option<Step>,
}

/// What a step reports beyond row counts; one variant per capability that has something to say.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StepReport {
    Compare(Box<CompareReport>),
    Sample(Box<SampleReport>),
    Split(Box<SplitReport>),
    Validation(Box<ValidationReport>),
    /// A cleaning step: what changed per column, fitted parameters, the leakage comparison.
    Clean(Box<CleanReport>),
}

/// Runs `$body` with `$d` bound to the step's [`Derive`] implementation, dispatched statically
/// (`$load` for a load step). The descriptive methods below go through this rather than through
/// `&dyn Derive`: a trait object's vtable holds every method, `run` included, so one call to
/// `label()` through it would link every step's Arrow code into the page's wasm, which only
/// names and lists steps (see tools/check_app_wasm.py).
macro_rules! with_derive {
    ($step:expr, $load:pat => $on_load:expr, $d:ident => $body:expr) => {
        match $step {
            $load => $on_load,
            Step::Columns($d) => $body,
            Step::Compare($d) => $body,
            Step::Sample($d) => $body,
            Step::Split($d) => $body,
            Step::Validate($d) => {
                let $d: &ValidateStep = $d.as_ref();
                $body
            }
            Step::Impute($d) => $body,
            Step::Outliers($d) => $body,
            Step::Scale($d) => $body,
            Step::Encode($d) => $body,
            Step::Standardize($d) => $body,
            Step::Dedup($d) => $body,
            Step::Cast($d) => $body,
            Step::DropMissing($d) => $body,
        }
    };
}

impl Step {
    /// The step as a [`Derive`] trait object, to run it (`None` for a load). Only the worker
    /// and the CLI call this; describe a step with the methods below.
    pub fn derive(&self) -> Option<&dyn Derive> {
        with_derive!(self, Step::Load(_) => None, s => Some(s as &dyn Derive))
    }
    /// Names of the datasets the step creates, its main output first.
    pub fn outputs(&self) -> Vec<String> {
        with_derive!(self, Step::Load(s) => vec![s.output.clone()], d => Derive::outputs(d))
    }
    /// Names of the datasets the step reads.
    pub fn inputs(&self) -> Vec<String> {
        with_derive!(self, Step::Load(_) => Vec::new(), d => Derive::inputs(d))
    }
    pub fn output(&self) -> String {
        self.outputs().into_iter().next().unwrap_or_default()
    }
    pub fn label(&self) -> String {
        with_derive!(self, Step::Load(s) => format!("load {}", s.source.name), d => Derive::label(d))
    }
    /// Where column `column` of output number `output` comes from ([`Derive::column_sources`];
    /// empty for a load, whose columns are the file's).
    pub fn column_sources(&self, output: usize, column: &str) -> Vec<ColumnSource> {
        with_derive!(self, Step::Load(_) => Vec::new(), d => Derive::column_sources(d, output, column))
    }
    /// Columns that decide which rows the outputs keep ([`Derive::indirect_sources`]).
    pub fn indirect_sources(&self) -> Vec<IndirectSource> {
        with_derive!(self, Step::Load(_) => Vec::new(), d => Derive::indirect_sources(d))
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
    /// Every output with its rows and content hash, when a step has more than one (a split's
    /// train/validation/test, a quarantine's valid and invalid rows).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outputs: Vec<OutputRecord>,
}

/// One output of a step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutputRecord {
    pub name: String,
    pub rows: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
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
    /// Files written from the session's datasets, with their hashes (a replay writes them again
    /// and compares bytes).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exports: Vec<ExportRecord>,
}

impl Default for Recipe {
    fn default() -> Self {
        Recipe { strata_recipe: RECIPE_FORMAT, steps: Vec::new(), exports: Vec::new() }
    }
}

impl Recipe {
    /// The input files the recipe loads, in order.
    pub fn sources(&self) -> Vec<&LoadStep> {
        self.steps
            .iter()
            .filter_map(|s| match &s.step {
                Step::Load(l) => Some(l),
                _ => None,
            })
            .collect()
    }

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

/// One comparison of a replay: a dataset's content hash or an exported file's SHA-256, as the
/// recipe recorded it and as the replay produced it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplayCheck {
    /// Dataset name, or file name for an export.
    pub name: String,
    /// "dataset" or "file".
    pub kind: String,
    pub recorded: Option<String>,
    pub actual: String,
}

impl ReplayCheck {
    pub fn matches(&self) -> bool {
        self.recorded.as_deref() == Some(self.actual.as_str())
    }
}

/// Re-runs a recipe. `load` reads the file of a load step (the platform checks its SHA-256
/// against the recorded one before parsing — see [`Recipe::sources`]; the session checks it
/// again). Returns the session and one check per recorded dataset hash.
pub fn replay(
    recipe: &Recipe,
    mut load: impl FnMut(&LoadStep) -> Result<Loaded>,
) -> Result<(Session, Vec<ReplayCheck>)> {
    let mut session = Session::default();
    for s in &recipe.steps {
        let input = match &s.step {
            Step::Load(l) => StepInput::Loaded(Box::new(load(l)?)),
            _ => StepInput::None,
        };
        session.apply(s.step.clone(), input)?;
    }
    let checks = dataset_checks(recipe, session.recipe());
    Ok((session, checks))
}

/// Compares the dataset hashes a recipe recorded with those a replay produced, step by step.
pub fn dataset_checks(recorded: &Recipe, produced: &Recipe) -> Vec<ReplayCheck> {
    let hash = |o: &StepOutcome, i: usize| {
        o.outputs.get(i).and_then(|r| r.sha256.clone()).or_else(|| if i == 0 { o.output_sha256.clone() } else { None })
    };
    let mut checks = Vec::new();
    for (want, got) in recorded.steps.iter().zip(&produced.steps) {
        let (Some(w), Some(g)) = (&want.outcome, &got.outcome) else { continue };
        for (i, name) in want.step.outputs().iter().enumerate() {
            if let Some(actual) = hash(g, i) {
                checks.push(ReplayCheck { name: name.clone(), kind: "dataset".into(), recorded: hash(w, i), actual });
            }
        }
    }
    checks
}

impl Session {
    /// Writes again every file a recipe recorded as exported and compares its SHA-256 with the
    /// recorded one. Returns each file's bytes with its check.
    pub fn replay_exports(&mut self, exports: &[ExportRecord]) -> Result<Vec<(Vec<u8>, ReplayCheck)>> {
        let mut out = Vec::with_capacity(exports.len());
        for e in exports {
            let (bytes, record) = self.export(&e.dataset, e.format, Some(e.file_name.clone()))?;
            let check = ReplayCheck {
                name: record.file_name,
                kind: "file".into(),
                recorded: Some(e.sha256.clone()),
                actual: record.sha256,
            };
            out.push((bytes, check));
        }
        Ok(out)
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
    /// What each step reported (validation results, comparisons…), by the step's first output
    /// (or its label when it has none); the bundle and the lineage include them.
    pub reports: BTreeMap<String, StepReport>,
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

    /// Forgets a dataset, the step that produced it, that step's other outputs, and every step
    /// derived from any of them (a step re-run with other parameters supersedes the earlier run
    /// and invalidates what was built on it). Returns the names of the datasets removed.
    pub fn remove(&mut self, name: &str) -> Vec<String> {
        let mut gone: Vec<String> = vec![name.to_string()];
        let mut kept = Vec::with_capacity(self.recipe.steps.len());
        for s in std::mem::take(&mut self.recipe.steps) {
            let outputs = s.step.outputs();
            let hit = outputs.iter().any(|o| gone.contains(o)) || s.step.inputs().iter().any(|i| gone.contains(i));
            if hit {
                for o in outputs {
                    if !gone.contains(&o) {
                        gone.push(o);
                    }
                }
            } else {
                kept.push(s);
            }
        }
        self.recipe.steps = kept;
        self.recipe.exports.retain(|e| !gone.contains(&e.dataset));
        self.reports.retain(|k, _| !gone.contains(k));
        gone.retain(|g| self.datasets.remove(g).is_some());
        gone
    }

    pub fn dataset(&self, name: &str) -> Result<&Dataset> {
        self.datasets.get(name).ok_or_else(|| CoreError::UnknownDataset(name.to_string()))
    }

    /// The recipe with every step's output hashes filled in.
    pub fn recipe(&mut self) -> &Recipe {
        for step in &mut self.recipe.steps {
            let Some(outcome) = step.outcome.as_mut() else { continue };
            if outcome.output_sha256.is_none() {
                if let Some(d) = self.datasets.get(&step.step.output()) {
                    outcome.output_sha256 = Some(content_hash(&d.schema, &d.batches));
                }
            }
            for o in outcome.outputs.iter_mut().filter(|o| o.sha256.is_none()) {
                if let Some(d) = self.datasets.get(&o.name) {
                    o.sha256 = Some(content_hash(&d.schema, &d.batches));
                }
            }
            if let (Some(first), Some(h)) = (outcome.outputs.first_mut(), outcome.output_sha256.as_ref()) {
                first.sha256.get_or_insert_with(|| h.clone());
            }
        }
        &self.recipe
    }

    /// Writes a dataset as a file and records the export in the recipe (a later export under the
    /// same file name replaces the record). Returns the bytes and the record.
    pub fn export(
        &mut self,
        dataset: &str,
        format: FileFormat,
        file_name: Option<String>,
    ) -> Result<(Vec<u8>, ExportRecord)> {
        let mut bytes = Vec::new();
        let record =
            self.export_chunked(dataset, format, file_name, usize::MAX, &mut |c| bytes.extend_from_slice(&c))?;
        Ok((bytes, record))
    }

    /// [`Session::export`] as a stream of parts of about `chunk` bytes handed to `on_chunk` in
    /// order (the browser's export: no second full copy of the table in the worker).
    pub fn export_chunked(
        &mut self,
        dataset: &str,
        format: FileFormat,
        file_name: Option<String>,
        chunk: usize,
        on_chunk: &mut dyn FnMut(Vec<u8>),
    ) -> Result<ExportRecord> {
        let d = self.dataset(dataset)?;
        let written = crate::core::export::write_chunked(d, format, chunk, on_chunk)?;
        let sha256 = written.sha256;
        // A versioned name is made before the bytes exist: `{sha12}` stands for the hash's start.
        let file_name = file_name
            .unwrap_or_else(|| crate::core::export::file_name(dataset, format))
            .replace("{sha12}", &sha256[..12]);
        let record = ExportRecord {
            dataset: dataset.to_string(),
            file_name,
            format,
            sha256,
            bytes: written.bytes,
            rows: d.num_rows(),
        };
        self.recipe.exports.retain(|e| e.file_name != record.file_name);
        self.recipe.exports.push(record.clone());
        Ok(record)
    }

    /// Applies a step: the one place where steps take effect and are recorded.
    pub fn apply(&mut self, step: Step, input: StepInput) -> Result<StepOutcome> {
        Ok(self.apply_reporting(step, input)?.outcome)
    }

    /// Applies a step and returns everything it did: the outcome, the step as recorded (with
    /// fitted parameters), its report, and the datasets that an earlier run left behind and
    /// that are gone now.
    pub fn apply_reporting(&mut self, step: Step, input: StepInput) -> Result<Applied> {
        if let Some(derive) = step.derive() {
            for i in derive.inputs() {
                self.dataset(&i)?;
            }
            let derived = derive.run(&self.datasets)?;
            let names = derive.outputs();
            if derived.outputs.len() != names.len() {
                return Err(CoreError::step(format!(
                    "step \"{}\" made {} outputs, expected {}",
                    derive.label(),
                    derived.outputs.len(),
                    names.len()
                )));
            }
            if let Some(clash) = names.iter().find(|n| derive.inputs().contains(n)) {
                return Err(CoreError::step(format!(
                    "step \"{}\" would overwrite its own input {clash}; give the output another name",
                    derive.label()
                )));
            }
            let mut removed = Vec::new();
            for n in &names {
                if self.datasets.contains_key(n) {
                    removed.extend(self.remove(n));
                }
            }
            let outputs: Vec<OutputRecord> = derived
                .outputs
                .iter()
                .zip(&names)
                .map(|(d, n)| OutputRecord { name: n.clone(), rows: d.num_rows(), sha256: None })
                .collect();
            let outcome = StepOutcome {
                rows_in: derived.rows_in,
                rows_out: outputs.first().map_or(0, |o| o.rows),
                rows_set_aside: derived.rows_set_aside,
                output_sha256: None,
                outputs,
            };
            let label = derive.label();
            for (mut d, n) in derived.outputs.into_iter().zip(names) {
                d.name = n.clone();
                d.derived = Some(label.clone());
                self.datasets.insert(n, d);
            }
            removed.retain(|r| !self.datasets.contains_key(r));
            if let Some(r) = &derived.report {
                self.reports.insert(derive.outputs().first().cloned().unwrap_or_else(|| label.clone()), r.clone());
            }
            let recorded = derived.recorded.unwrap_or(step);
            self.recipe.steps.push(RecipeStep { step: recorded.clone(), outcome: Some(outcome.clone()) });
            return Ok(Applied { step: recorded, outcome, report: derived.report, removed });
        }
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
                let outcome = StepOutcome {
                    rows_in: rows_out + rows_set_aside,
                    rows_out,
                    rows_set_aside,
                    output_sha256: None,
                    outputs: Vec::new(),
                };
                self.datasets.insert(load.output.clone(), dataset);
                outcome
            }
            (Step::Load(_), StepInput::None) => {
                return Err(CoreError::invalid("a load step needs its file", Default::default()))
            }
            (other, _) => return Err(CoreError::step(format!("step \"{}\" cannot be applied here", other.label()))),
        };
        self.recipe.steps.push(RecipeStep { step: step.clone(), outcome: Some(outcome.clone()) });
        Ok(Applied { step, outcome, report: None, removed: Vec::new() })
    }
}

/// Everything applying a step did.
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    /// The step as recorded in the recipe.
    pub step: Step,
    pub outcome: StepOutcome,
    pub report: Option<StepReport>,
    /// Datasets of an earlier run (and what was derived from them) that are gone.
    pub removed: Vec<String>,
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

    fn loaded_session() -> Session {
        let bytes = b"a,b,c\n1,x,true\n2,y,false\n3,z,true\n";
        let loaded = load_bytes("t.csv", bytes, &IngestOptions::default()).unwrap();
        let mut session = Session::default();
        let step = Step::Load(LoadStep {
            source: SourceRef {
                name: "t.csv".into(),
                bytes: loaded.source_bytes,
                sha256: loaded.source_sha256.clone(),
            },
            output: "t".into(),
            options: IngestOptions::default(),
        });
        session.apply(step, StepInput::Loaded(Box::new(loaded))).unwrap();
        session
    }

    fn keep(input: &str, output: &str, cols: &[(&str, Option<&str>)]) -> Step {
        Step::Columns(ColumnsStep {
            input: input.into(),
            output: output.into(),
            columns: cols
                .iter()
                .map(|(c, r)| crate::core::transform::ColumnPick { column: c.to_string(), rename: r.map(String::from) })
                .collect(),
        })
    }

    #[test]
    fn derived_steps_record_outputs_and_rerunning_replaces_downstream() {
        let mut session = loaded_session();
        let a = session.apply_reporting(keep("t", "t2", &[("c", None), ("a", Some("id"))]), StepInput::None).unwrap();
        assert_eq!((a.outcome.rows_in, a.outcome.rows_out), (3, 3));
        let t2 = session.dataset("t2").unwrap();
        let names: Vec<_> = t2.schema.fields().iter().map(|f| f.name().as_str()).collect();
        assert_eq!(names, ["c", "id"]);
        assert_eq!(t2.derived.as_deref(), Some("keep 2 columns of t, rename 1"));
        session.apply(keep("t2", "t3", &[("id", None)]), StepInput::None).unwrap();
        assert_eq!(session.recipe.steps.len(), 3);

        // Re-running the step that made t2 replaces it and drops t3, which was built on it.
        let again = session.apply_reporting(keep("t", "t2", &[("b", None)]), StepInput::None).unwrap();
        assert_eq!(again.removed, vec!["t3".to_string()]);
        assert!(session.dataset("t3").is_err());
        let ops: Vec<_> = session.recipe.steps.iter().map(|s| s.step.label()).collect();
        assert_eq!(ops, ["load t.csv", "keep 1 column of t"]);

        let recipe = session.recipe().clone();
        let out = &recipe.steps[1].outcome.as_ref().unwrap().outputs[0];
        assert_eq!((out.name.as_str(), out.rows), ("t2", 3));
        assert_eq!(out.sha256, recipe.steps[1].outcome.as_ref().unwrap().output_sha256);
        assert!(recipe.to_json().contains("\"op\": \"columns\""));
        assert_eq!(Recipe::from_json(&recipe.to_json()).unwrap(), recipe);
    }

    #[test]
    fn derived_steps_refuse_bad_parameters_without_changing_the_session() {
        let mut session = loaded_session();
        let e = session.apply(keep("t", "u", &[("nope", None)]), StepInput::None).unwrap_err();
        assert!(e.to_string().contains("no column \"nope\""), "{e}");
        let e = session.apply(keep("t", "t", &[("a", None)]), StepInput::None).unwrap_err();
        assert!(e.to_string().contains("overwrite its own input"), "{e}");
        let e = session.apply(keep("missing", "u", &[("a", None)]), StepInput::None).unwrap_err();
        assert_eq!(e.kind(), "unknown_dataset");
        assert_eq!(session.recipe.steps.len(), 1);
        assert_eq!(session.datasets.len(), 1);
    }
}
