//! Outliers: bounds fitted on one dataset (IQR fences, percentiles or a z-score limit), then values
//! outside them flagged, capped (winsorized) or removed from every input. Removed rows go to a
//! second output per input so they can be inspected and downloaded.

use std::collections::BTreeMap;
use std::sync::Arc;

use arrow_array::{ArrayRef, BooleanArray, Float64Array};
use arrow_schema::{DataType, Field};
use serde::{Deserialize, Serialize};

use super::support::*;
use crate::core::dataset::Dataset;
use crate::core::error::{CoreError, Result};
use crate::core::recipe::{ColumnSource, Derive, Derived, IndirectSource, Step, StepReport};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum OutlierRule {
    /// Tukey's fences: `Q1 - k·IQR` and `Q3 + k·IQR` (k = 1.5 usually).
    Iqr { k: f64 },
    /// The `lower` and `upper` percentiles (0–100), numpy's linear interpolation.
    Percentiles { lower: f64, upper: f64 },
    /// `mean ± z·std` (population std).
    ZScore { z: f64 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutlierAction {
    /// Add a boolean `<column>_outlier` column.
    Flag,
    /// Replace values beyond the bounds by the bounds (winsorize).
    Cap,
    /// Move rows with a value beyond the bounds to the `.removed` output.
    Remove,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedBounds {
    pub column: String,
    pub lower: f64,
    pub upper: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutliersStep {
    #[serde(flatten)]
    pub targets: Targets,
    pub columns: Vec<String>,
    #[serde(flatten)]
    pub rule: OutlierRule,
    pub action: OutlierAction,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fitted: Option<Vec<FittedBounds>>,
}

impl OutlierRule {
    pub fn fit(&self, values: Vec<f64>) -> (f64, f64) {
        match *self {
            OutlierRule::Iqr { k } => {
                let q = quantiles(values, &[0.25, 0.75]);
                (q[0] - k * (q[1] - q[0]), q[1] + k * (q[1] - q[0]))
            }
            OutlierRule::Percentiles { lower, upper } => {
                let q = quantiles(values, &[lower / 100.0, upper / 100.0]);
                (q[0], q[1])
            }
            OutlierRule::ZScore { z } => {
                let (m, sd) = (mean(&values), variance(&values).sqrt());
                (m - z * sd, m + z * sd)
            }
        }
    }
    fn describe(&self) -> String {
        match self {
            OutlierRule::Iqr { k } => format!("IQR fences (k = {k})"),
            OutlierRule::Percentiles { lower, upper } => format!("percentiles {lower}–{upper}"),
            OutlierRule::ZScore { z } => format!("|z| > {z}"),
        }
    }
}

impl OutliersStep {
    fn suffix(&self) -> &'static str {
        match self.action {
            OutlierAction::Flag => "flagged",
            OutlierAction::Cap => "capped",
            OutlierAction::Remove => "trimmed",
        }
    }
}

impl Derive for OutliersStep {
    fn inputs(&self) -> Vec<String> {
        self.targets.reads()
    }
    fn outputs(&self) -> Vec<String> {
        let mut main = self.targets.output_names(self.suffix());
        if self.action == OutlierAction::Remove {
            let removed: Vec<String> = main.iter().map(|m| format!("{m}.removed")).collect();
            main.extend(removed);
        }
        main
    }
    fn column_sources(&self, output: usize, column: &str) -> Vec<ColumnSource> {
        let input = self.targets.input_of(output % self.targets.inputs.len().max(1));
        let changed: &[String] = if self.action == OutlierAction::Cap { &self.columns } else { &[] };
        rewritten_sources(input, column, changed, |c| {
            c.strip_suffix("_outlier")
                .filter(|k| self.action == OutlierAction::Flag && self.columns.iter().any(|x| x == k))
                .map(str::to_string)
        })
    }
    fn indirect_sources(&self) -> Vec<IndirectSource> {
        if self.action != OutlierAction::Remove {
            return Vec::new();
        }
        self.targets.inputs.iter().flat_map(|i| IndirectSource::filters(i, &self.columns)).collect()
    }
    fn label(&self) -> String {
        let verb = match self.action {
            OutlierAction::Flag => "flag",
            OutlierAction::Cap => "cap",
            OutlierAction::Remove => "remove",
        };
        format!(
            "{verb} outliers of {} in {} by {}",
            self.columns.join(", "),
            self.targets.inputs.join(", "),
            self.rule.describe()
        )
    }
    fn run(&self, datasets: &BTreeMap<String, Dataset>) -> Result<Derived> {
        self.targets.check()?;
        if self.columns.is_empty() {
            return Err(CoreError::step("choose at least one column"));
        }
        if let OutlierRule::Percentiles { lower, upper } = self.rule {
            if !(0.0..=100.0).contains(&lower) || !(0.0..=100.0).contains(&upper) || lower >= upper {
                return Err(CoreError::step(format!(
                    "percentiles must satisfy 0 ≤ lower < upper ≤ 100 (got {lower} and {upper})"
                )));
            }
        }
        let fit_name = self.targets.fit_name();
        let fit_on = &datasets[&fit_name];
        let inputs: Vec<&Dataset> = self.targets.inputs.iter().map(|i| &datasets[i]).collect();
        let replayed = self.fitted.is_some();
        let fitted = match &self.fitted {
            Some(f) => f.clone(),
            None => self
                .columns
                .iter()
                .map(|c| {
                    let (lower, upper) = self.rule.fit(present(&f64_column(fit_on, c)?));
                    Ok(FittedBounds { column: c.clone(), lower, upper })
                })
                .collect::<Result<Vec<_>>>()?,
        };
        let mut report =
            CleanReport { op: "outliers".into(), fitted_on: Some(fit_name.clone()), replayed, ..Default::default() };
        if !replayed && self.targets.compares() {
            for f in &fitted {
                let (lo, hi) = self.rule.fit(pooled(&inputs, &f.column)?);
                report.leakage.push(LeakageRow {
                    column: f.column.clone(),
                    parameter: "lower bound".into(),
                    fitted_on_train: f.lower,
                    fitted_on_all: lo,
                });
                report.leakage.push(LeakageRow {
                    column: f.column.clone(),
                    parameter: "upper bound".into(),
                    fitted_on_train: f.upper,
                    fitted_on_all: hi,
                });
            }
        }
        let names = self.outputs();
        let mut mains = Vec::new();
        let mut removed_sets = Vec::new();
        let mut set_aside = 0u64;
        let mut total = 0u64;
        for (k, d) in inputs.iter().enumerate() {
            let name = names[k].clone();
            let (mut fields, mut cols) = columns_of(d);
            // Rows to remove, per batch.
            let mut drop: Vec<Vec<bool>> = d.batches.iter().map(|b| vec![false; b.num_rows()]).collect();
            for f in &fitted {
                let c = d.column_index(&f.column)?;
                let before = f64_column(d, &f.column)?;
                let (lo, hi) = (f.lower, f.upper);
                let outside = |x: f64| x < lo || x > hi;
                let (mut below, mut above) = (0u64, 0u64);
                for a in &before {
                    each_present(a, |x| {
                        below += u64::from(x < lo);
                        above += u64::from(x > hi);
                    });
                }
                let n_out = below + above;
                total += n_out;
                let (after, label): (Vec<Float64Array>, &str) = match self.action {
                    OutlierAction::Cap => {
                        let capped: Vec<Float64Array> = before.iter().map(|a| a.unary(|x| x.clamp(lo, hi))).collect();
                        fields[c] = Field::new(&f.column, DataType::Float64, true);
                        for (b, a) in capped.iter().enumerate() {
                            cols[b][c] = Arc::new(a.clone()) as ArrayRef;
                        }
                        (capped, "values capped")
                    }
                    OutlierAction::Flag => {
                        let flag = format!("{}_outlier", f.column);
                        if fields.iter().any(|x| x.name() == &flag) {
                            return Err(CoreError::step(format!("{} already has a column \"{flag}\"", d.name)));
                        }
                        fields.push(Field::new(flag, DataType::Boolean, true));
                        for (b, a) in before.iter().enumerate() {
                            let flags: BooleanArray = a.iter().map(|x| x.map(outside)).collect();
                            cols[b].push(Arc::new(flags));
                        }
                        (before.clone(), "values flagged")
                    }
                    OutlierAction::Remove => {
                        for (b, a) in before.iter().enumerate() {
                            for (r, x) in a.iter().enumerate() {
                                if x.is_some_and(outside) {
                                    drop[b][r] = true;
                                }
                            }
                        }
                        let kept: Vec<Float64Array> =
                            before.iter().map(|a| a.iter().filter(|x| !x.is_some_and(outside)).collect()).collect();
                        (kept, "values beyond the bounds")
                    }
                };
                report.changes.push(ColumnChange {
                    dataset: name.clone(),
                    column: f.column.clone(),
                    counts: vec![
                        Count::new(label, n_out),
                        Count::new("below the lower bound", below),
                        Count::new("above the upper bound", above),
                    ],
                    params: format!("lower {}, upper {}", short(lo), short(hi)),
                    before: Some(numeric_hist(&before)),
                    after: Some(numeric_hist(&after)),
                });
            }
            let out = rebuild(&name, fields, cols)?;
            if self.action == OutlierAction::Remove {
                let (keep, gone) = split_rows(&out, &drop)?;
                set_aside += if k == 0 { gone.num_rows() } else { 0 };
                report.changes.push(ColumnChange {
                    dataset: name.clone(),
                    column: String::new(),
                    counts: vec![Count::new("rows removed", gone.num_rows())],
                    params: String::new(),
                    before: None,
                    after: None,
                });
                mains.push(keep);
                removed_sets.push(gone);
            } else {
                mains.push(out);
            }
        }
        let rows_in = inputs[0].num_rows();
        report.summary = format!(
            "{total} value{} outside the bounds ({}, fitted on {fit_name}) {}.",
            plural(total),
            self.rule.describe(),
            match self.action {
                OutlierAction::Flag => "flagged",
                OutlierAction::Cap => "capped",
                OutlierAction::Remove => "removed with their rows",
            }
        );
        mains.extend(removed_sets);
        let recorded = OutliersStep { fitted: Some(fitted), ..self.clone() };
        Ok(Derived {
            outputs: mains,
            rows_in,
            rows_set_aside: set_aside,
            report: Some(StepReport::Clean(Box::new(report))),
            recorded: Some(Step::Outliers(recorded)),
        })
    }
}

/// Splits a dataset into the rows kept and the rows whose `drop` flag is set.
pub fn split_rows(d: &Dataset, drop: &[Vec<bool>]) -> Result<(Dataset, Dataset)> {
    let mut keep = Vec::new();
    let mut gone = Vec::new();
    for (b, flags) in d.batches.iter().zip(drop) {
        let gone_mask: BooleanArray = flags.iter().map(|&f| Some(f)).collect();
        let keep_mask = arrow_arith_not(&gone_mask);
        keep.push(arrow_select::filter::filter_record_batch(b, &keep_mask)?);
        gone.push(arrow_select::filter::filter_record_batch(b, &gone_mask)?);
    }
    Ok((
        Dataset::new(&d.name, Arc::clone(&d.schema), keep),
        Dataset::new(&format!("{}.removed", d.name), Arc::clone(&d.schema), gone),
    ))
}

fn arrow_arith_not(m: &BooleanArray) -> BooleanArray {
    BooleanArray::new(!m.values(), None)
}
