//! What the cleaning steps share: reading columns as numbers or text, quantiles as numpy computes
//! them, histograms for before/after views, rebuilding a dataset with some columns replaced, and
//! the report every cleaning step returns.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::Float64Type;
use arrow_array::{Array, ArrayRef, Float64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use serde::{Deserialize, Serialize};

use crate::core::dataset::Dataset;
use crate::core::error::{CoreError, Result};

/// What a cleaning step did, per dataset and column, for its panel and the lineage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct CleanReport {
    /// Operation family: "impute", "outliers", "scale", "encode", "standardize", "dedup", "cast",
    /// "drop_missing".
    pub op: String,
    /// One sentence saying what changed.
    pub summary: String,
    /// The dataset the transform was fitted on, for fitted transforms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fitted_on: Option<String>,
    /// Whether the fitted parameters came from the step itself (a replay) rather than a fit.
    #[serde(default)]
    pub replayed: bool,
    pub changes: Vec<ColumnChange>,
    /// Fitting on the chosen dataset compared with fitting on all rows of every input.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub leakage: Vec<LeakageRow>,
    /// Each transformed dataset's mean under each fit.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub leakage_means: Vec<LeakageMean>,
}

/// What changed in one column of one output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnChange {
    pub dataset: String,
    pub column: String,
    /// Counts of what happened ("values imputed", "values capped", ...).
    pub counts: Vec<Count>,
    /// The fitted parameters, in words ("mean 12.5, std 3.1").
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub params: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<Hist>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<Hist>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Count {
    pub label: String,
    pub n: u64,
}

impl Count {
    pub fn new(label: &str, n: u64) -> Self {
        Count { label: label.to_string(), n }
    }
}

/// A histogram (numeric bins labelled by their lower edge) or the most frequent values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hist {
    pub labels: Vec<String>,
    pub counts: Vec<u64>,
    /// Nulls, not drawn as a bar.
    pub nulls: u64,
}

/// One fitted parameter and the mean of a transformed dataset, each way.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeakageRow {
    pub column: String,
    /// Parameter name ("mean", "std", "fill value", "lower cap").
    pub parameter: String,
    pub fitted_on_train: f64,
    pub fitted_on_all: f64,
}

/// Mean of one transformed dataset's column under each fit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeakageMean {
    pub dataset: String,
    pub column: String,
    pub mean_fitted_on_train: f64,
    pub mean_fitted_on_all: f64,
}

const BINS: usize = 20;

/// Calls `f` on every present value (tight loop over the values slice when there are no nulls).
#[inline]
pub fn each_present(a: &Float64Array, mut f: impl FnMut(f64)) {
    match a.nulls() {
        None => a.values().iter().for_each(|&v| f(v)),
        Some(n) => a.values().iter().enumerate().filter(|(i, _)| n.is_valid(*i)).for_each(|(_, &v)| f(v)),
    }
}

/// A numeric histogram of `values` over their own range (nulls counted apart).
pub fn numeric_hist(arrays: &[Float64Array]) -> Hist {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    let mut nulls = 0u64;
    for a in arrays {
        nulls += a.null_count() as u64;
        // NaN and infinities fail both comparisons below or are skipped by is_finite later.
        each_present(a, |v| {
            if v.is_finite() {
                lo = lo.min(v);
                hi = hi.max(v);
            }
        });
    }
    if lo > hi {
        return Hist { labels: Vec::new(), counts: Vec::new(), nulls };
    }
    let width = if hi > lo { (hi - lo) / BINS as f64 } else { 1.0 };
    let inv = 1.0 / width;
    let mut counts = [0u64; BINS];
    for a in arrays {
        each_present(a, |v| {
            if v.is_finite() {
                let b = (((v - lo) * inv) as usize).min(BINS - 1);
                counts[b] += 1;
            }
        });
    }
    let labels = (0..BINS).map(|i| short(lo + width * i as f64)).collect();
    Hist { labels, counts: counts.to_vec(), nulls }
}

/// The twelve most frequent values of a text column (ties in value order).
pub fn text_hist(arrays: &[StringArray]) -> Hist {
    let mut counts: std::collections::HashMap<&str, u64> = std::collections::HashMap::new();
    let mut nulls = 0u64;
    for a in arrays {
        nulls += a.null_count() as u64;
        for v in a.iter().flatten() {
            *counts.entry(v).or_default() += 1;
        }
    }
    let mut v: Vec<(&str, u64)> = counts.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    v.truncate(12);
    Hist { labels: v.iter().map(|x| x.0.to_string()).collect(), counts: v.iter().map(|x| x.1).collect(), nulls }
}

/// A number written briefly for labels and parameters.
pub fn short(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let a = x.abs();
    if (1e-3..1e6).contains(&a) {
        let s = format!("{x:.4}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        s.to_string()
    } else {
        format!("{x:.3e}")
    }
}

/// A column of every batch as Float64 (integers and floats; text is refused with the column name).
pub fn f64_column(d: &Dataset, column: &str) -> Result<Vec<Float64Array>> {
    let c = d.column_index(column)?;
    let dt = d.schema.field(c).data_type();
    if !dt.is_numeric() {
        return Err(CoreError::step(format!(
            "column \"{column}\" of {} is {dt}, not numeric; cast it to a number first",
            d.name
        )));
    }
    d.batches
        .iter()
        .map(|b| {
            let a = arrow_cast::cast(b.column(c), &DataType::Float64)?;
            Ok(a.as_primitive::<Float64Type>().clone())
        })
        .collect()
}

/// A column of every batch as text (other types are written as they display).
pub fn text_column(d: &Dataset, column: &str) -> Result<Vec<StringArray>> {
    let c = d.column_index(column)?;
    d.batches
        .iter()
        .map(|b| {
            let a = arrow_cast::cast(b.column(c), &DataType::Utf8)?;
            Ok(a.as_string::<i32>().clone())
        })
        .collect()
}

/// Non-null, non-NaN values of all arrays, in order.
pub fn present(arrays: &[Float64Array]) -> Vec<f64> {
    let mut out = Vec::with_capacity(arrays.iter().map(|a| a.len() - a.null_count()).sum());
    for a in arrays {
        each_present(a, |v| {
            if !v.is_nan() {
                out.push(v)
            }
        });
    }
    out
}

/// Mean of the values (0 for none).
pub fn mean(v: &[f64]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.iter().sum::<f64>() / v.len() as f64
}

/// Population variance (ddof = 0), two passes.
pub fn variance(v: &[f64]) -> f64 {
    let m = mean(v);
    v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / v.len() as f64
}

/// Quantiles of sorted values with numpy's default "linear" interpolation.
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let pos = q * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    let t = pos - lo as f64;
    let (a, b) = (sorted[lo], sorted[hi]);
    // numpy's _lerp: exact at both ends.
    if t >= 0.5 {
        b - (b - a) * (1.0 - t)
    } else {
        a + (b - a) * t
    }
}

/// Quantiles (numpy "linear") of unsorted values, by selection rather than a full sort.
pub fn quantiles(mut v: Vec<f64>, qs: &[f64]) -> Vec<f64> {
    if v.is_empty() {
        return vec![f64::NAN; qs.len()];
    }
    let n = v.len();
    qs.iter()
        .map(|&q| {
            let pos = q * (n - 1) as f64;
            let lo = pos.floor() as usize;
            let t = pos - lo as f64;
            let (_, &mut a, right) = v.select_nth_unstable_by(lo, |x, y| x.total_cmp(y));
            let b = if lo + 1 < n { right.iter().copied().fold(f64::INFINITY, f64::min) } else { a };
            if t >= 0.5 {
                b - (b - a) * (1.0 - t)
            } else {
                a + (b - a) * t
            }
        })
        .collect()
}

pub fn sorted(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_by(|a, b| a.total_cmp(b));
    v
}

/// Mean of the non-null values of arrays.
pub fn arrays_mean(arrays: &[Float64Array]) -> f64 {
    mean(&present(arrays))
}

/// A dataset with columns replaced or added: `columns[b]` holds every column of batch `b`.
pub fn rebuild(name: &str, fields: Vec<Field>, columns: Vec<Vec<ArrayRef>>) -> Result<Dataset> {
    let schema = Arc::new(Schema::new(fields));
    let batches = columns
        .into_iter()
        .map(|cols| RecordBatch::try_new(Arc::clone(&schema), cols).map_err(CoreError::from))
        .collect::<Result<Vec<_>>>()?;
    Ok(Dataset::new(name, schema, batches))
}

/// The columns of every batch, for editing before `rebuild`.
pub fn columns_of(d: &Dataset) -> (Vec<Field>, Vec<Vec<ArrayRef>>) {
    let fields = d.schema.fields().iter().map(|f| f.as_ref().clone()).collect();
    let cols = d.batches.iter().map(|b| b.columns().to_vec()).collect();
    (fields, cols)
}

/// Datasets a fitted step reads and writes: one output per input, fitted on `fit_on` (default:
/// the first input).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Targets {
    pub inputs: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fit_on: Option<String>,
    /// Output names, one per input; empty for `<input>.<suffix>`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outputs: Vec<String>,
}

impl Targets {
    pub fn fit_name(&self) -> String {
        self.fit_on.clone().or_else(|| self.inputs.first().cloned()).unwrap_or_default()
    }
    /// Inputs plus the fitting dataset, for dependencies.
    pub fn reads(&self) -> Vec<String> {
        let mut v = self.inputs.clone();
        let f = self.fit_name();
        if !f.is_empty() && !v.contains(&f) {
            v.push(f);
        }
        v
    }
    pub fn output_names(&self, suffix: &str) -> Vec<String> {
        if self.outputs.len() == self.inputs.len() {
            self.outputs.clone()
        } else {
            self.inputs.iter().map(|i| format!("{i}.{suffix}")).collect()
        }
    }
    pub fn check(&self) -> Result<()> {
        if self.inputs.is_empty() {
            return Err(CoreError::step("choose at least one input dataset"));
        }
        if !self.outputs.is_empty() && self.outputs.len() != self.inputs.len() {
            return Err(CoreError::step(format!(
                "{} output names for {} inputs; give one per input or none",
                self.outputs.len(),
                self.inputs.len()
            )));
        }
        Ok(())
    }
    /// Whether the all-rows comparison says something (more rows than the fitting dataset).
    pub fn compares(&self) -> bool {
        self.inputs.iter().any(|i| *i != self.fit_name())
    }
}

/// Values of a numeric column over several datasets, for an "all rows" fit.
pub fn pooled(datasets: &[&Dataset], column: &str) -> Result<Vec<f64>> {
    let mut v = Vec::new();
    for d in datasets {
        v.extend(present(&f64_column(d, column)?));
    }
    Ok(v)
}

pub fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// A Float64 array per batch as `ArrayRef`s.
pub fn as_refs(v: Vec<Float64Array>) -> Vec<ArrayRef> {
    v.into_iter().map(|a| Arc::new(a) as ArrayRef).collect()
}

/// Column lineage of a step that rewrites columns of `input` in place: a column of `changed`, or
/// one `added` names a source column for (an indicator, a one-hot column), is computed from it
/// (TRANSFORMATION); any other column is copied unchanged.
pub fn rewritten_sources(
    input: &str,
    column: &str,
    changed: impl IntoIterator<Item = impl AsRef<str>>,
    added: impl Fn(&str) -> Option<String>,
) -> Vec<crate::core::recipe::ColumnSource> {
    use crate::core::recipe::ColumnSource;
    let source = |c: &str, identity| vec![ColumnSource { dataset: input.to_string(), column: c.to_string(), identity }];
    if changed.into_iter().any(|c| c.as_ref() == column) {
        return source(column, false);
    }
    match added(column) {
        Some(from) => source(&from, false),
        None => source(column, true),
    }
}

impl Targets {
    /// The input output number `output` is made from.
    pub fn input_of(&self, output: usize) -> &str {
        self.inputs.get(output).or(self.inputs.first()).map_or("", String::as_str)
    }
}
