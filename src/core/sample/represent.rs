//! Representativeness: is a sample distributed like the table it was drawn from? Per column,
//! numeric and date columns by the Kolmogorov–Smirnov distance (and PSI over the population's
//! deciles), categorical columns by the largest difference in a category's share (L∞) and a χ²
//! goodness-of-fit test. A verdict per column says whether the difference is more than chance.
//!
//! Both sides are compared on at most [`COMPARE_ROWS`] rows drawn uniformly (seeded), which keeps
//! the report fast on large tables; the tests' critical values use those sizes.

use serde::{Deserialize, Serialize};

use super::rng::SampleRng;
use super::table::{strata, take_rows, times};
use crate::core::dataset::Dataset;
use crate::core::error::Result;

/// The most rows of each side a check reads.
pub const COMPARE_ROWS: u64 = 20_000;
/// Columns with more distinct values than this are identifiers or free text: not compared.
const MAX_CATEGORIES: usize = 50;

/// What a column's comparison concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// No difference beyond what chance gives (p ≥ 0.05).
    Representative,
    /// A difference chance gives less than 5% of the time.
    Suspect,
    /// A difference chance gives less than 0.1% of the time: the sample is biased on this column.
    Biased,
    /// Not compared (too many distinct values, or no values).
    NotCompared,
}

impl Verdict {
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Representative => "representative",
            Verdict::Suspect => "suspect",
            Verdict::Biased => "biased",
            Verdict::NotCompared => "not compared",
        }
    }
}

/// One column of the sample against the population.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnCheck {
    pub column: String,
    /// "numeric" or "categorical".
    pub kind: String,
    /// The population's and the sample's mean (numeric) or most common category and its share.
    pub population: String,
    pub sample: String,
    /// "KS" or "L∞".
    pub statistic: String,
    pub value: f64,
    /// Population stability index (numeric) or χ² statistic (categorical).
    pub secondary: Option<f64>,
    pub verdict: Verdict,
    pub note: String,
}

/// Compares every column of `sample` that `population` also has.
pub fn representativeness(population: &Dataset, sample: &Dataset, seed: u64) -> Result<Vec<ColumnCheck>> {
    let mut rng = SampleRng::new(seed ^ 0x5eed_c0de);
    let pop = subsample(population, &mut rng)?;
    let smp = subsample(sample, &mut rng)?;
    let mut out = Vec::new();
    for f in sample.schema.fields() {
        let name = f.name();
        if population.schema.index_of(name).is_err() || name.starts_with('_') {
            continue;
        }
        let t = f.data_type();
        let numeric = t.is_numeric() || t.is_temporal();
        let check = if numeric {
            let p: Vec<f64> = times(&pop, name)?.into_iter().flatten().filter(|v| v.is_finite()).collect();
            let s: Vec<f64> = times(&smp, name)?.into_iter().flatten().filter(|v| v.is_finite()).collect();
            numeric_check(name, p, s, t.is_temporal())
        } else {
            categorical_check(&pop, &smp, name)?
        };
        out.push(check);
    }
    Ok(out)
}

fn subsample(d: &Dataset, rng: &mut SampleRng) -> Result<Dataset> {
    let n = d.num_rows();
    if n <= COMPARE_ROWS {
        return Ok(d.clone());
    }
    let rows = rng.choose(n, COMPARE_ROWS);
    let (schema, batches) = take_rows(d, &rows, None)?;
    Ok(Dataset::new(&d.name, schema, batches))
}

fn numeric_check(name: &str, mut p: Vec<f64>, mut s: Vec<f64>, temporal: bool) -> ColumnCheck {
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    let show =
        |v: &[f64]| if temporal || v.is_empty() { "—".to_string() } else { format!("mean {}", round(mean(v))) };
    let (population, sample) = (show(&p), show(&s));
    if p.is_empty() || s.is_empty() {
        return ColumnCheck {
            column: name.into(),
            kind: "numeric".into(),
            population,
            sample,
            statistic: "KS".into(),
            value: 0.0,
            secondary: None,
            verdict: Verdict::NotCompared,
            note: "no values to compare".into(),
        };
    }
    p.sort_by(f64::total_cmp);
    s.sort_by(f64::total_cmp);
    let d = ks_distance(&p, &s);
    let psi = psi(&p, &s);
    let (n, m) = (p.len() as f64, s.len() as f64);
    let scale = ((n + m) / (n * m)).sqrt();
    // Kolmogorov's asymptotic critical values: c(0.05) = 1.358, c(0.001) = 1.949.
    let verdict = if d > 1.949 * scale {
        Verdict::Biased
    } else if d > 1.358 * scale {
        Verdict::Suspect
    } else {
        Verdict::Representative
    };
    ColumnCheck {
        column: name.into(),
        kind: "numeric".into(),
        population,
        sample,
        statistic: "KS".into(),
        value: d,
        secondary: Some(psi),
        verdict,
        note: format!("KS {:.3} vs critical {:.3} (p = 0.001)", d, 1.949 * scale),
    }
}

/// The largest gap between the two empirical distribution functions (both sorted).
fn ks_distance(a: &[f64], b: &[f64]) -> f64 {
    let (mut i, mut j, mut d) = (0usize, 0usize, 0.0f64);
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

/// Population stability index over the population's deciles.
fn psi(p: &[f64], s: &[f64]) -> f64 {
    let mut edges: Vec<f64> = (1..10).map(|k| p[k * p.len() / 10]).collect();
    edges.dedup();
    let bins = |v: &[f64]| {
        let mut c = vec![0f64; edges.len() + 1];
        for x in v {
            c[edges.partition_point(|e| e <= x)] += 1.0;
        }
        c.iter().map(|x| (x / v.len() as f64).max(1e-4)).collect::<Vec<_>>()
    };
    let (bp, bs) = (bins(p), bins(s));
    bp.iter().zip(&bs).map(|(a, b)| (b - a) * (b / a).ln()).sum()
}

fn categorical_check(pop: &Dataset, smp: &Dataset, name: &str) -> Result<ColumnCheck> {
    let col = [name.to_string()];
    let ps = strata(pop, &col)?;
    let not_compared = |note: String| ColumnCheck {
        column: name.into(),
        kind: "categorical".into(),
        population: format!("{} distinct", ps.count()),
        sample: String::new(),
        statistic: "L∞".into(),
        value: 0.0,
        secondary: None,
        verdict: Verdict::NotCompared,
        note,
    };
    if ps.count() > MAX_CATEGORIES {
        return Ok(not_compared(format!("{} distinct values: an identifier or free text", ps.count())));
    }
    let ss = strata(smp, &col)?;
    let share = |s: &super::table::Strata| {
        let mut c = std::collections::BTreeMap::<String, f64>::new();
        for &k in &s.of_row {
            *c.entry(s.names[k as usize].clone()).or_default() += 1.0;
        }
        c
    };
    let (pc, sc) = (share(&ps), share(&ss));
    let (n, m) = (ps.of_row.len() as f64, ss.of_row.len() as f64);
    if m == 0.0 || n == 0.0 {
        return Ok(not_compared("no rows to compare".into()));
    }
    let mut linf = 0.0f64;
    let mut chi2 = 0.0;
    for (k, &p) in &pc {
        let o = sc.get(k).copied().unwrap_or(0.0);
        linf = linf.max((o / m - p / n).abs());
        let e = m * p / n;
        chi2 += (o - e).powi(2) / e;
    }
    let df = (pc.len().max(2) - 1) as f64;
    // Wilson–Hilferty: (χ²/df)^(1/3) is close to normal with mean 1 − 2/(9df), variance 2/(9df).
    let z = ((chi2 / df).cbrt() - (1.0 - 2.0 / (9.0 * df))) / (2.0 / (9.0 * df)).sqrt();
    let verdict = if pc.len() < 2 {
        Verdict::Representative
    } else if z > 3.09 {
        Verdict::Biased
    } else if z > 1.645 {
        Verdict::Suspect
    } else {
        Verdict::Representative
    };
    let top = |c: &std::collections::BTreeMap<String, f64>, total: f64, of: &str| {
        format!("{of} {:.0}%", 100.0 * c.get(of).copied().unwrap_or(0.0) / total)
    };
    let most = pc.iter().max_by(|a, b| a.1.total_cmp(b.1)).map(|(k, _)| k.clone()).unwrap_or_default();
    Ok(ColumnCheck {
        column: name.into(),
        kind: "categorical".into(),
        population: top(&pc, n, &most),
        sample: top(&sc, m, &most),
        statistic: "L∞".into(),
        value: linf,
        secondary: Some(chi2),
        verdict,
        note: format!("χ² {chi2:.1} on {df} degrees of freedom"),
    })
}

fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ks_distance_of_disjoint_and_equal_samples() {
        assert_eq!(ks_distance(&[1.0, 2.0], &[3.0, 4.0]), 1.0);
        assert_eq!(ks_distance(&[1.0, 2.0, 3.0], &[1.0, 2.0, 3.0]), 0.0);
        assert!((ks_distance(&[1.0, 2.0, 3.0, 4.0], &[3.0, 4.0]) - 0.5).abs() < 1e-12);
    }
}
