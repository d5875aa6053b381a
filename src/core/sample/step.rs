//! The sample step: draws rows with a [`SampleMethod`] and a seed, and reports how representative
//! the sample is.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::methods::{SampleMethod, Weights};
use super::represent::{representativeness, ColumnCheck, Verdict};
use super::table::{numbers, take_rows};
use crate::core::dataset::Dataset;
use crate::core::error::Result;
use crate::core::recipe::{ColumnSource, Derive, Derived, IndirectSource, StepReport};

/// The column importance sampling adds: target / proposal probability of the row.
pub const IMPORTANCE_WEIGHT: &str = "_importance_weight";

/// Draw a sample of `input` into `output`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SampleStep {
    pub input: String,
    pub output: String,
    pub method: SampleMethod,
    /// Always recorded, even for methods that draw nothing at random, so a replay is exact.
    pub seed: u64,
}

/// Rows of one stratum or class in the population and in the sample.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StratumCount {
    pub stratum: String,
    pub population: u64,
    pub sample: u64,
}

/// A numeric column's mean in the population, in the sample as drawn, and weighted by
/// `_importance_weight` (Σ w·x / Σ w).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeightedMean {
    pub column: String,
    pub population: f64,
    pub unweighted: f64,
    pub weighted: f64,
}

/// What a sample step found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SampleReport {
    pub method: String,
    /// False for convenience, quota and judgment samples: no row has a known chance.
    pub probability: bool,
    pub seed: u64,
    pub population_rows: u64,
    pub sample_rows: u64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub strata: Vec<StratumCount>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub weighted_means: Vec<WeightedMean>,
    pub representativeness: Vec<ColumnCheck>,
}

impl SampleReport {
    /// Columns on which the sample is biased.
    pub fn biased(&self) -> Vec<&str> {
        self.representativeness.iter().filter(|c| c.verdict == Verdict::Biased).map(|c| c.column.as_str()).collect()
    }
}

/// A sentence on the kind of sample and the bias it risks, for the panel and the report.
pub fn method_lesson(method: &SampleMethod) -> &'static str {
    match method {
        SampleMethod::FirstN { .. } => {
            "Non-probability sample (convenience): the rows at hand, here the first ones of the file. If the file is \
             ordered (by date, region, customer), the sample is biased toward that order."
        }
        SampleMethod::Quota { .. } => {
            "Non-probability sample (quota): fixed counts per group, filled with the first rows met, not at random. \
             Groups match by construction; every other column can still be biased."
        }
        SampleMethod::Manual { .. } => {
            "Non-probability sample (judgment): rows picked by a person. Useful for inspection, but it carries the \
             picker's selection bias and supports no estimate about the whole table."
        }
        SampleMethod::Random { .. } => {
            "Probability sample: every row has the same chance, so any difference from the table is chance alone \
             and shrinks as the sample grows."
        }
        SampleMethod::Systematic { .. } => {
            "Probability sample: every k-th row from a random start. Unbiased unless the file has a period that \
             lines up with k."
        }
        SampleMethod::Stratified { .. } => {
            "Probability sample: a random sample within each group, so rare groups are represented in the \
             proportions you choose."
        }
        SampleMethod::Weighted { .. } => {
            "Probability sample with unequal chances: rows with larger weight are more likely. Deliberately not \
             representative; estimates need the weights."
        }
        SampleMethod::Reservoir { .. } => {
            "Probability sample: a fixed-size uniform sample in one pass over a stream of unknown length."
        }
        SampleMethod::Importance { .. } => {
            "Probability sample from a convenient (proposal) distribution; each row carries target/proposal in \
             _importance_weight, so weighted estimates stay unbiased while unweighted ones are not."
        }
        SampleMethod::OverSample { .. } | SampleMethod::UnderSample { .. } => {
            "Class re-balancing: changes the label distribution on purpose (for training only — never re-balance a \
             test set), so the label column will differ from the table."
        }
    }
}

impl Derive for SampleStep {
    fn inputs(&self) -> Vec<String> {
        vec![self.input.clone()]
    }
    fn outputs(&self) -> Vec<String> {
        vec![self.output.clone()]
    }
    fn column_sources(&self, _output: usize, column: &str) -> Vec<ColumnSource> {
        if column == IMPORTANCE_WEIGHT {
            // Computed from the proposal weights, not from a column of the same name.
            return match &self.method {
                SampleMethod::Importance {
                    proposal: Weights::Column { column: c } | Weights::InverseFrequency { column: c },
                    ..
                } => {
                    vec![ColumnSource { dataset: self.input.clone(), column: c.clone(), identity: false }]
                }
                _ => Vec::new(),
            };
        }
        vec![ColumnSource { dataset: self.input.clone(), column: column.to_string(), identity: true }]
    }
    fn indirect_sources(&self) -> Vec<IndirectSource> {
        let columns: Vec<String> = match &self.method {
            SampleMethod::Stratified { columns, .. } | SampleMethod::Quota { columns, .. } => columns.clone(),
            SampleMethod::OverSample { label } | SampleMethod::UnderSample { label } => vec![label.clone()],
            SampleMethod::Weighted {
                weights: Weights::Column { column } | Weights::InverseFrequency { column },
                ..
            }
            | SampleMethod::Importance {
                proposal: Weights::Column { column } | Weights::InverseFrequency { column },
                ..
            } => {
                vec![column.clone()]
            }
            _ => Vec::new(),
        };
        IndirectSource::filters(&self.input, &columns)
    }
    fn label(&self) -> String {
        format!("{} of {} (seed {})", self.method.describe(), self.input, self.seed)
    }
    fn run(&self, datasets: &BTreeMap<String, Dataset>) -> Result<Derived> {
        let input = &datasets[&self.input];
        let selection = self.method.select(input, self.seed)?;
        let extra = selection.weights.as_deref().map(|w| (IMPORTANCE_WEIGHT, w));
        let (schema, batches) = take_rows(input, &selection.rows, extra)?;
        let sample = Dataset::new(&self.output, schema, batches);
        let weighted_means = match &selection.weights {
            Some(w) => weighted_means(input, &selection.rows, w)?,
            None => Vec::new(),
        };
        let report = SampleReport {
            method: self.method.describe(),
            probability: self.method.is_probability(),
            seed: self.seed,
            population_rows: input.num_rows(),
            sample_rows: sample.num_rows(),
            strata: selection
                .strata
                .into_iter()
                .map(|(stratum, population, sample)| StratumCount { stratum, population, sample })
                .collect(),
            weighted_means,
            representativeness: representativeness(input, &sample, self.seed)?,
        };
        Ok(Derived {
            outputs: vec![sample],
            rows_in: input.num_rows(),
            rows_set_aside: 0,
            report: Some(StepReport::Sample(Box::new(report))),
            recorded: None,
        })
    }
}

/// For every numeric column: population mean, sample mean, importance-weighted sample mean.
fn weighted_means(input: &Dataset, rows: &[u64], w: &[f64]) -> Result<Vec<WeightedMean>> {
    let mut out = Vec::new();
    for f in input.schema.fields() {
        if !f.data_type().is_numeric() {
            continue;
        }
        let x = numbers(input, f.name())?;
        let (mut ps, mut pn) = (0.0, 0.0);
        for v in x.iter().flatten() {
            ps += v;
            pn += 1.0;
        }
        let (mut us, mut un, mut ws, mut wn) = (0.0, 0.0, 0.0, 0.0);
        for (&r, &wi) in rows.iter().zip(w) {
            if let Some(v) = x[r as usize] {
                us += v;
                un += 1.0;
                ws += wi * v;
                wn += wi;
            }
        }
        if pn > 0.0 && un > 0.0 {
            out.push(WeightedMean {
                column: f.name().clone(),
                population: ps / pn,
                unweighted: us / un,
                weighted: ws / wn,
            });
        }
    }
    Ok(out)
}
