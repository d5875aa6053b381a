//! Statistical rules: a measure of the whole table or one column must lie within bounds.
//! They judge the batch, not a row, so they set no row aside.

use std::collections::{BTreeMap, HashSet};

use arrow_array::{Array, ArrayRef};

use super::engine::{column_numbers, keys, Key};
use super::report::{Example, RuleGroup, RuleResult};
use super::schema::{Metric, StatisticRule, TableSchema};
use crate::core::dataset::Dataset;
use crate::core::error::{CoreError, Result};

/// Quantile bins of the reference for numeric PSI (the usual ten).
const PSI_BINS: usize = 10;

fn metric_name(m: Metric) -> &'static str {
    match m {
        Metric::RowCount => "rowCount",
        Metric::NullFraction => "nullFraction",
        Metric::Mean => "mean",
        Metric::Stddev => "stddev",
        Metric::Quantile => "quantile",
        Metric::DistinctCount => "distinctCount",
        Metric::Psi => "psi",
        Metric::Ks => "ks",
    }
}

/// The column's arrays, typed by the schema when the schema has the field.
fn arrays(
    data: &Dataset,
    schema: &TableSchema,
    typed: &[Vec<Option<ArrayRef>>],
    column: &str,
) -> Result<Vec<ArrayRef>> {
    if let Some(f) = schema.fields.iter().position(|f| f.name == column) {
        if typed.iter().all(|t| t[f].is_some()) && !typed.is_empty() {
            return Ok(typed.iter().map(|t| t[f].clone().expect("checked")).collect());
        }
    }
    let c = data.column_index(column)?;
    Ok(data.batches.iter().map(|b| b.column(c).clone()).collect())
}

fn finite(arrays: &[ArrayRef]) -> Vec<f64> {
    arrays.iter().flat_map(|a| column_numbers(a.as_ref())).filter(|v| v.is_finite()).collect()
}

/// Exact quantile with linear interpolation between order statistics (numpy's default).
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let pos = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

/// Category counts of a column over its batches, for categorical PSI.
fn counts(arrays: &[ArrayRef]) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for a in arrays {
        for (k, n) in crate::core::stats::category_counts(a.as_ref()) {
            *out.entry(k).or_default() += n;
        }
    }
    out
}

/// Runs one statistical rule.
pub fn evaluate(
    index: usize,
    rule: &StatisticRule,
    data: &Dataset,
    schema: &TableSchema,
    typed: &[Vec<Option<ArrayRef>>],
    datasets: &BTreeMap<String, Dataset>,
) -> Result<RuleResult> {
    let m = metric_name(rule.metric);
    let col = rule.column.as_deref();
    let need_col =
        || col.ok_or_else(|| CoreError::step(format!("statistical rule {} ({m}) needs a column", index + 1)));
    let observed = match rule.metric {
        Metric::RowCount => data.num_rows() as f64,
        Metric::NullFraction => {
            let a = arrays(data, schema, typed, need_col()?)?;
            let nulls: usize = a.iter().map(|a| a.null_count()).sum();
            nulls as f64 / data.num_rows().max(1) as f64
        }
        Metric::Mean | Metric::Stddev | Metric::Quantile => {
            let v = finite(&arrays(data, schema, typed, need_col()?)?);
            let n = v.len() as f64;
            let mean = v.iter().sum::<f64>() / n;
            match rule.metric {
                Metric::Mean => mean,
                Metric::Stddev => (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt(),
                _ => {
                    let q = rule.q.ok_or_else(|| {
                        CoreError::step(format!("quantile rule on {} needs q (0..1)", need_col().unwrap_or("")))
                    })?;
                    let mut v = v;
                    v.sort_by(f64::total_cmp);
                    quantile(&v, q)
                }
            }
        }
        Metric::DistinctCount => {
            let a = arrays(data, schema, typed, need_col()?)?;
            let set: HashSet<Key> = a.iter().flat_map(|a| keys(a.as_ref())).filter(|k| *k != Key::Null).collect();
            set.len() as f64
        }
        Metric::Psi | Metric::Ks => {
            let c = need_col()?;
            let name = rule
                .reference
                .as_deref()
                .ok_or_else(|| CoreError::step(format!("the {m} rule on {c} needs a reference dataset")))?;
            let reference = datasets.get(name).ok_or_else(|| {
                CoreError::step(format!("the {m} rule on {c} refers to dataset {name}, which is not loaded"))
            })?;
            let rc = reference.column_index(c)?;
            let ref_arrays: Vec<ArrayRef> = reference.batches.iter().map(|b| b.column(rc).clone()).collect();
            let ours = arrays(data, schema, typed, c)?;
            // Text columns whose values read as numbers (a column loaded as text because of one
            // bad value) are compared as numbers.
            let (e, a) = (finite(&ref_arrays), finite(&ours));
            if !e.is_empty() && !a.is_empty() {
                if rule.metric == Metric::Psi {
                    crate::core::stats::psi_numeric(&e, &a, PSI_BINS).value
                } else {
                    crate::core::stats::ks_2samp(&e, &a).statistic
                }
            } else if rule.metric == Metric::Psi {
                crate::core::stats::psi_categorical(&counts(&ref_arrays), &counts(&ours))
            } else {
                return Err(CoreError::step(format!("the ks rule on {c} needs a numeric or date column")));
            }
        }
    };
    let passed =
        !observed.is_nan() && rule.min.is_none_or(|lo| observed >= lo) && rule.max.is_none_or(|hi| observed <= hi);
    let what = match (rule.metric, col) {
        (Metric::Quantile, Some(c)) => format!("quantile {} of {c}", rule.q.unwrap_or(0.5)),
        (Metric::Psi | Metric::Ks, Some(c)) => {
            format!("{m} of {c} against {}", rule.reference.as_deref().unwrap_or("?"))
        }
        (_, Some(c)) => format!("{m} of {c}"),
        (_, None) => m.to_string(),
    };
    let range = match (rule.min, rule.max) {
        (Some(a), Some(b)) => format!("between {a} and {b}"),
        (Some(a), None) => format!("at least {a}"),
        (None, Some(b)) => format!("at most {b}"),
        (None, None) => "recorded".into(),
    };
    let mut description = format!("{what} is {range}");
    if let Some(d) = &rule.description {
        description = format!("{description} — {d}");
    }
    let id = rule.name.clone().unwrap_or_else(|| match col {
        Some(c) => format!("{c}.{m}"),
        None => m.to_string(),
    });
    Ok(RuleResult {
        id,
        group: RuleGroup::Statistical,
        column: col.map(String::from),
        severity: rule.severity,
        description,
        row_level: false,
        passed,
        failing: u64::from(!passed),
        examples: if passed { Vec::new() } else { vec![Example { row: 0, value: format!("{observed:.6}") }] },
        observed: Some(observed),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantile_interpolates_like_numpy() {
        let v: Vec<f64> = (1..=5).map(f64::from).collect();
        assert_eq!(quantile(&v, 0.5), 3.0);
        assert_eq!(quantile(&v, 0.25), 2.0);
        assert_eq!(quantile(&[1.0, 2.0], 0.5), 1.5);
    }
}
