//! Statistical rules: a measure of the whole table or one column must lie within bounds.
//! They judge the batch, not a row, so they set no row aside.

use std::collections::{BTreeMap, HashMap, HashSet};

use arrow_array::{Array, ArrayRef};

use super::engine::{column_numbers, keys, Key};
use super::report::{Example, RuleGroup, RuleResult};
use super::schema::{Metric, StatisticRule, TableSchema};
use crate::core::dataset::Dataset;
use crate::core::error::{CoreError, Result};

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

/// Population stability index of `actual` against `expected`, over ten bins at the expected
/// deciles; empty bins count as 0.0001 so the logarithm stays finite.
pub fn psi_numeric(expected: &[f64], actual: &[f64]) -> f64 {
    let mut e = expected.to_vec();
    e.sort_by(f64::total_cmp);
    let mut edges: Vec<f64> = (1..10).map(|i| quantile(&e, i as f64 / 10.0)).collect();
    edges.dedup();
    let hist = |v: &[f64]| {
        let mut h = vec![0f64; edges.len() + 1];
        for x in v {
            h[edges.partition_point(|&b| b < *x)] += 1.0;
        }
        let n = v.len().max(1) as f64;
        h.iter().map(|c| c / n).collect::<Vec<_>>()
    };
    psi_from(&hist(&e), &hist(actual))
}

fn psi_from(e: &[f64], a: &[f64]) -> f64 {
    e.iter()
        .zip(a)
        .map(|(&e, &a)| {
            let (e, a) = (e.max(1e-4), a.max(1e-4));
            (a - e) * (a / e).ln()
        })
        .sum()
}

/// PSI over categories (each distinct value a bin).
fn psi_categorical(expected: &[Key], actual: &[Key]) -> f64 {
    fn count(v: &[Key]) -> HashMap<&Key, f64> {
        let mut m: HashMap<&Key, f64> = HashMap::new();
        for k in v.iter().filter(|k| **k != Key::Null) {
            *m.entry(k).or_default() += 1.0;
        }
        m
    }
    let (ce, ca) = (count(expected), count(actual));
    let (ne, na) = (ce.values().sum::<f64>().max(1.0), ca.values().sum::<f64>().max(1.0));
    let cats: HashSet<&&Key> = ce.keys().chain(ca.keys()).collect();
    let mut e = Vec::new();
    let mut a = Vec::new();
    for c in cats {
        e.push(ce.get(*c).copied().unwrap_or(0.0) / ne);
        a.push(ca.get(*c).copied().unwrap_or(0.0) / na);
    }
    psi_from(&e, &a)
}

/// Two-sample Kolmogorov–Smirnov statistic: the largest gap between the empirical CDFs.
pub fn ks_statistic(a: &[f64], b: &[f64]) -> f64 {
    let mut a = a.to_vec();
    let mut b = b.to_vec();
    a.sort_by(f64::total_cmp);
    b.sort_by(f64::total_cmp);
    if a.is_empty() || b.is_empty() {
        return f64::NAN;
    }
    let (mut i, mut j, mut d) = (0, 0, 0f64);
    while i < a.len() && j < b.len() {
        let x = a[i].min(b[j]);
        while i < a.len() && a[i] <= x {
            i += 1;
        }
        while j < b.len() && b[j] <= x {
            j += 1;
        }
        d = d.max((i as f64 / a.len() as f64 - j as f64 / b.len() as f64).abs());
    }
    d
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
                    psi_numeric(&e, &a)
                } else {
                    ks_statistic(&e, &a)
                }
            } else if rule.metric == Metric::Psi {
                let e: Vec<Key> = ref_arrays.iter().flat_map(|a| keys(a.as_ref())).collect();
                let a: Vec<Key> = ours.iter().flat_map(|a| keys(a.as_ref())).collect();
                psi_categorical(&e, &a)
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
    fn quantile_psi_and_ks_on_known_values() {
        let v: Vec<f64> = (1..=5).map(f64::from).collect();
        assert_eq!(quantile(&v, 0.5), 3.0);
        assert_eq!(quantile(&v, 0.25), 2.0);
        assert!(psi_numeric(&v, &v).abs() < 1e-12);
        let shifted: Vec<f64> = (0..1000).map(|i| i as f64 + 500.0).collect();
        let base: Vec<f64> = (0..1000).map(f64::from).collect();
        assert!(psi_numeric(&base, &shifted) > 1.0);
        // scipy.stats.ks_2samp([1,2,3,4], [3,4,5,6]).statistic == 0.5
        assert_eq!(ks_statistic(&[1.0, 2.0, 3.0, 4.0], &[3.0, 4.0, 5.0, 6.0]), 0.5);
    }
}
