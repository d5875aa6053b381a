//! Filling missing values: mean, median, most frequent or a constant (fitted on one dataset,
//! applied to every input, as scikit-learn's `SimpleImputer`), or forward/backward fill for
//! ordered data; optionally with a missing-indicator column.

use std::collections::BTreeMap;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, BooleanArray, Float64Array, StringArray, UInt32Array};
use arrow_schema::{DataType, Field};
use serde::{Deserialize, Serialize};

use super::support::*;
use crate::core::dataset::Dataset;
use crate::core::error::{CoreError, Result};
use crate::core::recipe::{ColumnSource, Derive, Derived, Step, StepReport};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "strategy", rename_all = "snake_case")]
pub enum ImputeStrategy {
    Mean,
    Median,
    /// The most frequent value; ties go to the smallest.
    MostFrequent,
    Constant {
        value: String,
    },
    /// The previous non-null value in row order (nothing to fit).
    ForwardFill,
    /// The next non-null value in row order (nothing to fit).
    BackwardFill,
}

/// A fill value: a number for numeric columns, text otherwise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FillValue {
    Number(f64),
    Text(String),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedFill {
    pub column: String,
    pub value: FillValue,
}

/// Fill missing values of columns of each input, fitted on `fit_on`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImputeStep {
    #[serde(flatten)]
    pub targets: Targets,
    pub columns: Vec<String>,
    #[serde(flatten)]
    pub strategy: ImputeStrategy,
    /// Add a boolean `<column>_missing` column saying which values were filled.
    #[serde(default)]
    pub indicator: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fitted: Option<Vec<FittedFill>>,
}

impl ImputeStrategy {
    fn name(&self) -> &'static str {
        match self {
            ImputeStrategy::Mean => "mean",
            ImputeStrategy::Median => "median",
            ImputeStrategy::MostFrequent => "most frequent",
            ImputeStrategy::Constant { .. } => "constant",
            ImputeStrategy::ForwardFill => "forward fill",
            ImputeStrategy::BackwardFill => "backward fill",
        }
    }
    fn fitted(&self) -> bool {
        !matches!(self, ImputeStrategy::ForwardFill | ImputeStrategy::BackwardFill)
    }
}

fn numeric_fill(strategy: &ImputeStrategy, values: Vec<f64>, column: &str) -> Result<f64> {
    Ok(match strategy {
        ImputeStrategy::Mean => mean(&values),
        ImputeStrategy::Median => quantiles(values, &[0.5])[0],
        ImputeStrategy::MostFrequent => {
            let s = sorted(values);
            let (mut best, mut best_n, mut i) = (f64::NAN, 0usize, 0usize);
            while i < s.len() {
                let j = s[i..].iter().take_while(|v| **v == s[i]).count();
                if j > best_n {
                    (best, best_n) = (s[i], j);
                }
                i += j;
            }
            best
        }
        ImputeStrategy::Constant { value } => value.trim().parse::<f64>().map_err(|_| {
            CoreError::step(format!("column \"{column}\" is numeric; the fill value \"{value}\" is not a number"))
        })?,
        _ => f64::NAN,
    })
}

fn text_fill(strategy: &ImputeStrategy, arrays: &[StringArray], column: &str) -> Result<String> {
    match strategy {
        ImputeStrategy::MostFrequent => {
            let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
            for a in arrays {
                for v in a.iter().flatten() {
                    *counts.entry(v).or_default() += 1;
                }
            }
            // BTreeMap order + strict ">" keeps the smallest value among ties.
            let mut best: Option<(&str, u64)> = None;
            for (v, n) in counts {
                if best.is_none_or(|b| n > b.1) {
                    best = Some((v, n));
                }
            }
            Ok(best.map(|b| b.0.to_string()).unwrap_or_default())
        }
        ImputeStrategy::Constant { value } => Ok(value.clone()),
        other => Err(CoreError::step(format!(
            "column \"{column}\" is text; fill it with the most frequent value or a constant, not the {}",
            other.name()
        ))),
    }
}

/// Forward or backward fill of one column over all batches.
fn fill_along(d: &Dataset, c: usize, backward: bool) -> Result<Vec<ArrayRef>> {
    let parts: Vec<&dyn Array> = d.batches.iter().map(|b| b.column(c).as_ref()).collect();
    if parts.is_empty() {
        return Ok(Vec::new());
    }
    let all = arrow_select::concat::concat(&parts)?;
    let n = all.len();
    let mut idx: Vec<Option<u32>> = vec![None; n];
    let mut last: Option<u32> = None;
    let order: Box<dyn Iterator<Item = usize>> = if backward { Box::new((0..n).rev()) } else { Box::new(0..n) };
    for i in order {
        if all.is_valid(i) {
            last = Some(i as u32);
        }
        idx[i] = last;
    }
    let filled = arrow_select::take::take(&all, &UInt32Array::from(idx), None)?;
    let mut out = Vec::with_capacity(d.batches.len());
    let mut off = 0;
    for b in &d.batches {
        out.push(filled.slice(off, b.num_rows()));
        off += b.num_rows();
    }
    Ok(out)
}

impl Derive for ImputeStep {
    fn inputs(&self) -> Vec<String> {
        self.targets.reads()
    }
    fn outputs(&self) -> Vec<String> {
        self.targets.output_names("imputed")
    }
    fn column_sources(&self, output: usize, column: &str) -> Vec<ColumnSource> {
        let input = self.targets.input_of(output);
        rewritten_sources(input, column, &self.columns, |c| {
            c.strip_suffix("_missing")
                .filter(|k| self.indicator && self.columns.iter().any(|x| x == k))
                .map(str::to_string)
        })
    }
    fn label(&self) -> String {
        format!(
            "impute {} of {} with the {}",
            self.columns.join(", "),
            self.targets.inputs.join(", "),
            self.strategy.name()
        )
    }
    fn run(&self, datasets: &BTreeMap<String, Dataset>) -> Result<Derived> {
        self.targets.check()?;
        if self.columns.is_empty() {
            return Err(CoreError::step("choose at least one column to impute"));
        }
        let fit_name = self.targets.fit_name();
        let fit_on = &datasets[&fit_name];
        let inputs: Vec<&Dataset> = self.targets.inputs.iter().map(|i| &datasets[i]).collect();
        let numeric =
            |d: &Dataset, c: &str| -> Result<bool> { Ok(d.schema.field(d.column_index(c)?).data_type().is_numeric()) };
        let replayed = self.fitted.is_some();
        let fitted: Vec<FittedFill> = match (&self.fitted, self.strategy.fitted()) {
            (Some(f), _) => f.clone(),
            (None, false) => Vec::new(),
            (None, true) => self
                .columns
                .iter()
                .map(|c| {
                    let value = if numeric(fit_on, c)? {
                        FillValue::Number(numeric_fill(&self.strategy, present(&f64_column(fit_on, c)?), c)?)
                    } else {
                        FillValue::Text(text_fill(&self.strategy, &text_column(fit_on, c)?, c)?)
                    };
                    Ok(FittedFill { column: c.clone(), value })
                })
                .collect::<Result<_>>()?,
        };
        let mut report = CleanReport {
            op: "impute".into(),
            fitted_on: self.strategy.fitted().then(|| fit_name.clone()),
            replayed,
            ..Default::default()
        };
        // The same fill fitted on every input's rows together, for the leakage comparison.
        let mut all_fill: BTreeMap<String, f64> = BTreeMap::new();
        if !replayed
            && self.targets.compares()
            && matches!(self.strategy, ImputeStrategy::Mean | ImputeStrategy::Median)
        {
            for f in &fitted {
                if let FillValue::Number(v) = f.value {
                    let a = numeric_fill(&self.strategy, pooled(&inputs, &f.column)?, &f.column)?;
                    report.leakage.push(LeakageRow {
                        column: f.column.clone(),
                        parameter: format!("{} (fill value)", self.strategy.name()),
                        fitted_on_train: v,
                        fitted_on_all: a,
                    });
                    all_fill.insert(f.column.clone(), a);
                }
            }
        }
        let mut outputs = Vec::new();
        let mut imputed_total = 0u64;
        for (d, name) in inputs.iter().zip(self.outputs()) {
            let (mut fields, mut cols) = columns_of(d);
            for column in &self.columns {
                let c = d.column_index(column)?;
                let nulls: u64 = d.batches.iter().map(|b| b.column(c).null_count() as u64).sum();
                let dt = d.schema.field(c).data_type().clone();
                let (before, after, new_cols, new_type): (Hist, Hist, Vec<ArrayRef>, DataType) =
                    match (&self.strategy, fitted.iter().find(|f| &f.column == column).map(|f| &f.value)) {
                        (ImputeStrategy::ForwardFill | ImputeStrategy::BackwardFill, _) => {
                            let filled = fill_along(d, c, matches!(self.strategy, ImputeStrategy::BackwardFill))?;
                            let hist = |arrays: &[ArrayRef]| -> Result<Hist> {
                                if dt.is_numeric() {
                                    let f: Vec<Float64Array> = arrays
                                        .iter()
                                        .map(|a| {
                                            Ok(arrow_cast::cast(a, &DataType::Float64)?
                                                .as_primitive::<arrow_array::types::Float64Type>()
                                                .clone())
                                        })
                                        .collect::<Result<_>>()?;
                                    Ok(numeric_hist(&f))
                                } else {
                                    let s: Vec<StringArray> = arrays
                                        .iter()
                                        .map(|a| Ok(arrow_cast::cast(a, &DataType::Utf8)?.as_string::<i32>().clone()))
                                        .collect::<Result<_>>()?;
                                    Ok(text_hist(&s))
                                }
                            };
                            let orig: Vec<ArrayRef> = d.batches.iter().map(|b| Arc::clone(b.column(c))).collect();
                            (hist(&orig)?, hist(&filled)?, filled, dt.clone())
                        }
                        (_, Some(FillValue::Number(v))) => {
                            let arrays = f64_column(d, column)?;
                            let v = *v;
                            let after: Vec<Float64Array> = arrays
                                .iter()
                                .map(|a| {
                                    if a.null_count() == 0 {
                                        a.clone()
                                    } else {
                                        a.iter().map(|x| Some(x.unwrap_or(v))).collect()
                                    }
                                })
                                .collect();
                            if let Some(&all) = all_fill.get(column) {
                                let other: Vec<Float64Array> =
                                    arrays.iter().map(|a| a.iter().map(|x| Some(x.unwrap_or(all))).collect()).collect();
                                report.leakage_means.push(LeakageMean {
                                    dataset: d.name.clone(),
                                    column: column.clone(),
                                    mean_fitted_on_train: arrays_mean(&after),
                                    mean_fitted_on_all: arrays_mean(&other),
                                });
                            }
                            let (b, a) = (numeric_hist(&arrays), numeric_hist(&after));
                            // Integers stay integers when the fill value is whole.
                            let keep_int = dt.is_integer() && v.fract() == 0.0;
                            let ty = if keep_int { dt.clone() } else { DataType::Float64 };
                            let arrays = after
                                .into_iter()
                                .map(|a| Ok(arrow_cast::cast(&a, &ty)?))
                                .collect::<Result<Vec<ArrayRef>>>()?;
                            (b, a, arrays, ty)
                        }
                        (_, Some(FillValue::Text(v))) => {
                            let arrays = text_column(d, column)?;
                            let after: Vec<StringArray> =
                                arrays.iter().map(|a| a.iter().map(|x| Some(x.unwrap_or(v))).collect()).collect();
                            let (b, a) = (text_hist(&arrays), text_hist(&after));
                            (b, a, after.into_iter().map(|a| Arc::new(a) as ArrayRef).collect(), DataType::Utf8)
                        }
                        (_, None) => {
                            return Err(CoreError::step(format!(
                                "the recorded step has no fill value for \"{column}\""
                            )))
                        }
                    };
                let left: u64 = new_cols.iter().map(|a| a.null_count() as u64).sum();
                imputed_total += nulls - left;
                let params = fitted
                    .iter()
                    .find(|f| &f.column == column)
                    .map(|f| match &f.value {
                        FillValue::Number(v) => format!("fill value {}", short(*v)),
                        FillValue::Text(t) => format!("fill value \"{t}\""),
                    })
                    .unwrap_or_default();
                let mut counts = vec![Count::new("values imputed", nulls - left)];
                if left > 0 {
                    counts.push(Count::new("still missing (nothing to fill from)", left));
                }
                report.changes.push(ColumnChange {
                    dataset: name.clone(),
                    column: column.clone(),
                    counts,
                    params,
                    before: Some(before),
                    after: Some(after),
                });
                if self.indicator {
                    let flag_name = format!("{column}_missing");
                    if fields.iter().any(|f| f.name() == &flag_name) {
                        return Err(CoreError::step(format!("{} already has a column \"{flag_name}\"", d.name)));
                    }
                    fields.push(Field::new(flag_name, DataType::Boolean, false));
                    for (b, batch) in d.batches.iter().enumerate() {
                        let col = batch.column(c);
                        let flags: BooleanArray = (0..col.len()).map(|r| Some(col.is_null(r))).collect();
                        cols[b].push(Arc::new(flags));
                    }
                }
                fields[c] = Field::new(column, new_type, true);
                for (b, a) in new_cols.into_iter().enumerate() {
                    cols[b][c] = a;
                }
            }
            outputs.push(rebuild(&name, fields, cols)?);
        }
        report.summary = format!(
            "{imputed_total} missing value{} filled with the {}{}.",
            plural(imputed_total),
            self.strategy.name(),
            if self.strategy.fitted() { format!(" fitted on {fit_name}") } else { String::new() }
        );
        let recorded = ImputeStep { fitted: self.strategy.fitted().then_some(fitted), ..self.clone() };
        Ok(Derived {
            outputs,
            rows_in: inputs[0].num_rows(),
            rows_set_aside: 0,
            report: Some(StepReport::Clean(Box::new(report))),
            recorded: Some(Step::Impute(recorded)),
        })
    }
}
