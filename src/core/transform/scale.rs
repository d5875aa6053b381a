//! Scaling numeric columns: min-max to a range, z-score, robust (median and IQR), max-abs, log1p.
//! Fitted on one dataset and applied to every input, computed as scikit-learn's scalers do.

use std::collections::BTreeMap;
use std::sync::Arc;

use arrow_array::{ArrayRef, Float64Array};
use arrow_schema::{DataType, Field};
use serde::{Deserialize, Serialize};

use super::support::*;
use crate::core::dataset::Dataset;
use crate::core::error::{CoreError, Result};
use crate::core::recipe::{ColumnSource, Derive, Derived, Step, StepReport};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum ScaleMethod {
    /// To `[min, max]` (scikit-learn `MinMaxScaler`).
    MinMax { min: f64, max: f64 },
    /// Subtract the mean, divide by the population standard deviation (`StandardScaler`).
    ZScore,
    /// Subtract the median, divide by the interquartile range (`RobustScaler`).
    Robust,
    /// Divide by the largest absolute value (`MaxAbsScaler`).
    MaxAbs,
    /// `ln(1 + x)`; nothing to fit.
    Log1p,
}

/// Fitted parameters of one column. For z-score, robust and max-abs the output is
/// `(x - center) / scale` (center: mean, median or 0; scale: std, IQR or max |x|, 1 when zero).
/// For min-max, `center` is the fitted minimum and `scale` the fitted range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedScale {
    pub column: String,
    pub center: f64,
    pub scale: f64,
}

/// Scale columns of each input, fitted on `fit_on`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScaleStep {
    #[serde(flatten)]
    pub targets: Targets,
    pub columns: Vec<String>,
    #[serde(flatten)]
    pub method: ScaleMethod,
    /// Filled in when recorded; when present, used as is (replay).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fitted: Option<Vec<FittedScale>>,
}

/// scikit-learn's `_handle_zeros_in_scale`: a (near-)zero scale becomes 1.
fn nonzero(s: f64) -> f64 {
    if s.abs() < 10.0 * f64::EPSILON {
        1.0
    } else {
        s
    }
}

impl ScaleMethod {
    fn name(&self) -> &'static str {
        match self {
            ScaleMethod::MinMax { .. } => "min-max",
            ScaleMethod::ZScore => "z-score",
            ScaleMethod::Robust => "robust",
            ScaleMethod::MaxAbs => "max-abs",
            ScaleMethod::Log1p => "log1p",
        }
    }
    /// (center, scale) from the present values.
    pub fn fit(&self, values: Vec<f64>) -> (f64, f64) {
        match self {
            ScaleMethod::MinMax { .. } => {
                let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
                let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                (lo, hi - lo)
            }
            ScaleMethod::ZScore => (mean(&values), variance(&values).sqrt()),
            ScaleMethod::Robust => {
                let q = quantiles(values, &[0.25, 0.5, 0.75]);
                (q[1], q[2] - q[0])
            }
            ScaleMethod::MaxAbs => (0.0, values.iter().fold(0.0f64, |m, x| m.max(x.abs()))),
            ScaleMethod::Log1p => (0.0, 1.0),
        }
    }
    /// (center, scale) from the arrays, streaming where the method allows (no copy of the values).
    pub fn fit_arrays(&self, arrays: &[Float64Array]) -> (f64, f64) {
        match self {
            ScaleMethod::ZScore => {
                let (mut sum, mut n) = (0.0, 0usize);
                arrays.iter().for_each(|a| {
                    each_present(a, |v| {
                        if !v.is_nan() {
                            sum += v;
                            n += 1;
                        }
                    })
                });
                let m = sum / n as f64;
                let mut ss = 0.0;
                arrays.iter().for_each(|a| {
                    each_present(a, |v| {
                        if !v.is_nan() {
                            ss += (v - m) * (v - m);
                        }
                    })
                });
                (m, (ss / n as f64).sqrt())
            }
            ScaleMethod::Robust => self.fit(present(arrays)),
            _ => {
                let (mut lo, mut hi, mut abs) = (f64::INFINITY, f64::NEG_INFINITY, 0.0f64);
                arrays.iter().for_each(|a| {
                    each_present(a, |v| {
                        if !v.is_nan() {
                            lo = lo.min(v);
                            hi = hi.max(v);
                            abs = abs.max(v.abs());
                        }
                    })
                });
                match self {
                    ScaleMethod::MinMax { .. } => (lo, hi - lo),
                    ScaleMethod::MaxAbs => (0.0, abs),
                    _ => (0.0, 1.0),
                }
            }
        }
    }
    /// Where a value lands: the linear methods map the before-histogram's bin edges directly.
    fn map_value(&self, x: f64, center: f64, scale: f64) -> f64 {
        match self {
            ScaleMethod::MinMax { min, max } => {
                let s = (max - min) / nonzero(scale);
                x * s + (min - center * s)
            }
            ScaleMethod::Log1p => x.ln_1p(),
            _ => (x - center) / nonzero(scale),
        }
    }
    fn param_names(&self) -> (&'static str, &'static str) {
        match self {
            ScaleMethod::MinMax { .. } => ("min", "range"),
            ScaleMethod::ZScore => ("mean", "std"),
            ScaleMethod::Robust => ("median", "IQR"),
            ScaleMethod::MaxAbs => ("center", "max |x|"),
            ScaleMethod::Log1p => ("", ""),
        }
    }
    pub fn apply(&self, a: &Float64Array, center: f64, scale: f64) -> Float64Array {
        match self {
            ScaleMethod::MinMax { min, max } => {
                let s = (max - min) / nonzero(scale);
                let m = min - center * s;
                a.unary(|x| x * s + m)
            }
            ScaleMethod::Log1p => a.iter().map(|x| x.map(f64::ln_1p).filter(|v| !v.is_nan())).collect(),
            _ => {
                let s = nonzero(scale);
                a.unary(|x| (x - center) / s)
            }
        }
    }
}

impl Derive for ScaleStep {
    fn inputs(&self) -> Vec<String> {
        self.targets.reads()
    }
    fn outputs(&self) -> Vec<String> {
        self.targets.output_names("scaled")
    }
    fn column_sources(&self, output: usize, column: &str) -> Vec<ColumnSource> {
        rewritten_sources(self.targets.input_of(output), column, &self.columns, |_| None)
    }
    fn label(&self) -> String {
        format!("{} scale {} of {}", self.method.name(), self.columns.join(", "), self.targets.inputs.join(", "))
    }
    fn run(&self, datasets: &BTreeMap<String, Dataset>) -> Result<Derived> {
        self.targets.check()?;
        if self.columns.is_empty() {
            return Err(CoreError::step("choose at least one column to scale"));
        }
        if let ScaleMethod::MinMax { min, max } = self.method {
            if min >= max {
                return Err(CoreError::step(format!("the range minimum {min} must be below its maximum {max}")));
            }
        }
        let fit_name = self.targets.fit_name();
        let fit_on = &datasets[&fit_name];
        let replayed = self.fitted.is_some();
        let fitted = match &self.fitted {
            Some(f) => f.clone(),
            None => self
                .columns
                .iter()
                .map(|c| {
                    let (center, scale) = self.method.fit_arrays(&f64_column(fit_on, c)?);
                    Ok(FittedScale { column: c.clone(), center, scale })
                })
                .collect::<Result<Vec<_>>>()?,
        };
        let inputs: Vec<&Dataset> = self.targets.inputs.iter().map(|i| &datasets[i]).collect();
        let mut report =
            CleanReport { op: "scale".into(), fitted_on: Some(fit_name.clone()), replayed, ..Default::default() };
        let (pc, ps) = self.method.param_names();
        let all_fit: Vec<(f64, f64)> = if !replayed && self.targets.compares() && self.method != ScaleMethod::Log1p {
            let mut v = Vec::new();
            for f in &fitted {
                let (c, s) = self.method.fit(pooled(&inputs, &f.column)?);
                report.leakage.push(LeakageRow {
                    column: f.column.clone(),
                    parameter: pc.into(),
                    fitted_on_train: f.center,
                    fitted_on_all: c,
                });
                report.leakage.push(LeakageRow {
                    column: f.column.clone(),
                    parameter: ps.into(),
                    fitted_on_train: f.scale,
                    fitted_on_all: s,
                });
                v.push((c, s));
            }
            v
        } else {
            Vec::new()
        };
        let mut outputs = Vec::new();
        for (d, name) in inputs.iter().zip(self.outputs()) {
            let (mut fields, mut cols) = columns_of(d);
            for (k, f) in fitted.iter().enumerate() {
                let i = d.column_index(&f.column)?;
                let before = f64_column(d, &f.column)?;
                let after: Vec<Float64Array> = before.iter().map(|a| self.method.apply(a, f.center, f.scale)).collect();
                if let Some(&(c, s)) = all_fit.get(k) {
                    let other: Vec<Float64Array> = before.iter().map(|a| self.method.apply(a, c, s)).collect();
                    report.leakage_means.push(LeakageMean {
                        dataset: d.name.clone(),
                        column: f.column.clone(),
                        mean_fitted_on_train: arrays_mean(&after),
                        mean_fitted_on_all: arrays_mean(&other),
                    });
                }
                let params = if self.method == ScaleMethod::Log1p {
                    String::new()
                } else {
                    format!("{pc} {}, {ps} {}", short(f.center), short(f.scale))
                };
                let before_hist = numeric_hist(&before);
                // A linear map with a positive scale keeps every value in its bin: relabel the bins
                // instead of counting again (log1p is not linear and is counted afresh).
                let after_hist = if self.method == ScaleMethod::Log1p {
                    numeric_hist(&after)
                } else {
                    let labels = before_hist
                        .labels
                        .iter()
                        .map(|l| {
                            l.parse::<f64>()
                                .map_or_else(|_| l.clone(), |x| short(self.method.map_value(x, f.center, f.scale)))
                        })
                        .collect();
                    Hist { labels, ..before_hist.clone() }
                };
                let present_n: u64 = before_hist.counts.iter().sum();
                report.changes.push(ColumnChange {
                    dataset: name.clone(),
                    column: f.column.clone(),
                    counts: vec![Count::new("values scaled", present_n)],
                    params,
                    before: Some(before_hist),
                    after: Some(after_hist),
                });
                fields[i] = Field::new(&f.column, DataType::Float64, true);
                for (b, a) in after.into_iter().enumerate() {
                    cols[b][i] = Arc::new(a) as ArrayRef;
                }
            }
            outputs.push(rebuild(&name, fields, cols)?);
        }
        report.summary = format!(
            "{} scaled {} column{} of {} dataset{}, fitted on {fit_name}{}.",
            self.method.name(),
            self.columns.len(),
            plural(self.columns.len() as u64),
            inputs.len(),
            plural(inputs.len() as u64),
            if replayed { " (parameters from the recipe)" } else { "" }
        );
        let recorded = ScaleStep { fitted: Some(fitted), ..self.clone() };
        Ok(Derived {
            outputs,
            rows_in: inputs[0].num_rows(),
            rows_set_aside: 0,
            report: Some(StepReport::Clean(Box::new(report))),
            recorded: Some(Step::Scale(recorded)),
        })
    }
}
