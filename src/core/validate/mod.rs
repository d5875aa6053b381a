//! Validate: check a dataset against rules written as a Frictionless Table Schema (plus Strata's
//! cross-field and statistical extensions), report every rule's result with example rows, and
//! split the rows into valid ones and a quarantine that records why each row was set aside.

pub mod engine;
pub mod expr;
pub mod report;
pub mod schema;
mod stats;
pub mod suggest;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use engine::{validate, Validation, ROW_COLUMN, VIOLATIONS_COLUMN};
pub use report::{Example, RuleGroup, RuleResult, ValidationReport, Verdict};
pub use schema::{Severity, TableSchema};
pub use suggest::suggest;

use crate::core::dataset::Dataset;
use crate::core::error::Result;
use crate::core::recipe::{ColumnSource, Derive, Derived, IndirectSource, StepReport};

/// Example rows kept per rule unless the step says otherwise.
pub const DEFAULT_MAX_EXAMPLES: usize = 5;

fn default_max_examples() -> usize {
    DEFAULT_MAX_EXAMPLES
}

/// Validate `input` against `schema`; outputs the valid rows, then the quarantined rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidateStep {
    pub input: String,
    pub schema: TableSchema,
    /// Other datasets the rules read besides those the schema names (foreign keys and reference
    /// distributions are found in the schema).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    /// Name of the valid rows (default `<input>.valid`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_output: Option<String>,
    /// Name of the quarantined rows (default `<input>.invalid`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quarantine_output: Option<String>,
    #[serde(default = "default_max_examples")]
    pub max_examples: usize,
}

impl ValidateStep {
    pub fn new(input: &str, schema: TableSchema) -> Self {
        ValidateStep {
            input: input.to_string(),
            schema,
            references: Vec::new(),
            valid_output: None,
            quarantine_output: None,
            max_examples: DEFAULT_MAX_EXAMPLES,
        }
    }
    pub fn valid_name(&self) -> String {
        self.valid_output.clone().unwrap_or_else(|| format!("{}.valid", self.input))
    }
    pub fn quarantine_name(&self) -> String {
        self.quarantine_output.clone().unwrap_or_else(|| format!("{}.invalid", self.input))
    }
}

impl Derive for ValidateStep {
    fn inputs(&self) -> Vec<String> {
        let mut v = vec![self.input.clone()];
        for r in self.schema.referenced_datasets().into_iter().chain(self.references.iter().cloned()) {
            if !v.contains(&r) {
                v.push(r);
            }
        }
        v
    }
    fn outputs(&self) -> Vec<String> {
        vec![self.valid_name(), self.quarantine_name()]
    }
    fn column_sources(&self, _output: usize, column: &str) -> Vec<ColumnSource> {
        if column == engine::ROW_COLUMN || column == engine::VIOLATIONS_COLUMN {
            // Made by the validation itself (row numbers, names of broken rules).
            return Vec::new();
        }
        vec![ColumnSource { dataset: self.input.clone(), column: column.to_string(), identity: true }]
    }
    fn indirect_sources(&self) -> Vec<IndirectSource> {
        IndirectSource::filters(&self.input, self.schema.fields.iter().map(|f| &f.name))
    }
    fn label(&self) -> String {
        let n = self.schema.fields.len();
        format!("validate {} against {n} field rule{}", self.input, if n == 1 { "" } else { "s" })
    }
    fn run(&self, datasets: &BTreeMap<String, Dataset>) -> Result<Derived> {
        let data = &datasets[&self.input];
        let (v, q) = (self.valid_name(), self.quarantine_name());
        let Validation { report, valid, quarantine } =
            validate(data, &self.schema, datasets, (&v, &q), self.max_examples)?;
        Ok(Derived {
            outputs: vec![valid, quarantine],
            rows_in: report.rows,
            rows_set_aside: report.quarantined_rows,
            report: Some(StepReport::Validation(Box::new(report))),
            recorded: None,
        })
    }
}

/// The benchmark's four rules on the synthetic orders table (`core::synth`): amount ≥ 0, email
/// pattern, order_date ≥ signup_date, category in a set. Shared by the native and browser benches.
pub const FOUR_RULES: &str = r#"{
  "fields": [
    {"name": "amount", "type": "number", "constraints": {"minimum": 0}},
    {"name": "email", "type": "string", "constraints": {"pattern": "[^@\\s]+@[^@\\s]+\\.[^@\\s]+"}},
    {"name": "category", "type": "string", "constraints": {"enum": ["books", "games", "garden", "tools", "toys", "music"]}}
  ],
  "strata": {"crossField": [{"name": "order_after_signup", "check": "order_date >= signup_date"}]}
}"#;
