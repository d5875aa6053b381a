//! Relations between columns: dense category codes, Pearson/Spearman/Cramér's V, and the
//! small statistics the alerts use (association tests, decision stumps).

pub use super::accum::NULL_CODE;
use super::accum::{ColumnAccumulator, Kind};
use super::{ColumnProfile, Correlations, Table};

/// Rows a decision stump is fitted on (a systematic sample on larger tables).
pub const STUMP_ROWS: usize = 100_000;
/// Spearman ranks are computed on at most this many rows (a systematic sample).
pub const SPEARMAN_ROWS: u64 = 50_000;

/// Per-row category codes (0..cardinality, or `NULL_CODE`) of low-cardinality columns.
pub struct Codes {
    pub codes: Vec<Option<Vec<u32>>>,
    pub cardinality: Vec<u32>,
    /// The codes at the table's sampled rows (empty when there is no sample).
    sampled: Vec<Option<Vec<u32>>>,
}

impl Codes {
    /// Takes the per-row codes the first pass collected.
    pub fn take(accs: &mut [ColumnAccumulator], table: &Table) -> Codes {
        let mut codes = Vec::new();
        let mut cardinality = Vec::new();
        for acc in accs.iter_mut() {
            let c = acc.codes.take().filter(|_| acc.kind != Kind::Other && !acc.values.is_empty());
            cardinality.push(if c.is_some() { acc.values.len() as u32 } else { 0 });
            codes.push(c);
        }
        let sampled = match table.sample {
            Some(_) => codes.iter().map(|c| c.as_ref().map(|c| table.sampled(c.as_slice()).into_owned())).collect(),
            None => Vec::new(),
        };
        Codes { codes, cardinality, sampled }
    }

    /// Codes of every row.
    pub fn get(&self, c: usize) -> Option<&[u32]> {
        self.codes[c].as_deref()
    }

    /// Codes of the sampled rows (of every row when the table is not sampled).
    pub fn sampled(&self, c: usize) -> Option<&[u32]> {
        match self.sampled.get(c) {
            Some(s) => s.as_deref(),
            None => self.get(c),
        }
    }
}

/// Whether a column can take part in numeric correlations.
pub fn is_numeric(col: &ColumnProfile) -> bool {
    matches!(col.kind, Kind::Integer | Kind::Float) && col.std.is_some_and(|s| s > 0.0)
}

/// Whether a column is a category for Cramér's V.
pub fn is_categorical(col: &ColumnProfile, codes: &Codes, c: usize) -> bool {
    matches!(col.kind, Kind::Text | Kind::Boolean)
        && codes.get(c).is_some()
        && (2..=50).contains(&codes.cardinality[c])
        && !col.id_like
}

/// Pearson's r over rows where both values are present, with a shift for numerical stability.
pub fn pearson(x: &[f64], y: &[f64], shift: (f64, f64)) -> Option<f64> {
    let (mut n, mut sx, mut sy, mut sxx, mut syy, mut sxy) = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        if !a.is_nan() && !b.is_nan() {
            let (a, b) = (a - shift.0, b - shift.1);
            n += 1.0;
            sx += a;
            sy += b;
            sxx += a * a;
            syy += b * b;
            sxy += a * b;
        }
    }
    if n < 3.0 {
        return None;
    }
    let cov = sxy - sx * sy / n;
    let vx = sxx - sx * sx / n;
    let vy = syy - sy * sy / n;
    if vx <= 0.0 || vy <= 0.0 {
        return None;
    }
    Some((cov / (vx * vy).sqrt()).clamp(-1.0, 1.0))
}

/// Ranks with ties averaged (1-based), as scipy's `rankdata`.
pub fn ranks(values: &[f64]) -> Vec<f64> {
    // Sorting (key, index) pairs by plain integer comparison: the key orders as `total_cmp`.
    let mut keyed: Vec<(u64, u32)> = values.iter().enumerate().map(|(i, &x)| (order_key(x), i as u32)).collect();
    keyed.sort_unstable();
    let idx: Vec<usize> = keyed.iter().map(|&(_, i)| i as usize).collect();
    let mut out = vec![0.0; values.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && values[idx[j + 1]] == values[idx[i]] {
            j += 1;
        }
        let r = (i + j) as f64 / 2.0 + 1.0;
        for k in i..=j {
            out[idx[k]] = r;
        }
        i = j + 1;
    }
    out
}

/// A key whose unsigned order is `f64::total_cmp`'s order.
#[inline]
pub fn order_key(x: f64) -> u64 {
    let bits = x.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
}

/// Spearman's rho: Pearson's r of the ranks over rows where both values are present.
pub fn spearman(x: &[f64], y: &[f64]) -> Option<f64> {
    let (a, b): (Vec<f64>, Vec<f64>) = x.iter().zip(y).filter(|(a, b)| !a.is_nan() && !b.is_nan()).unzip();
    pearson(&ranks(&a), &ranks(&b), (0.0, 0.0))
}

/// A contingency table of two coded columns over rows where both are present.
pub fn contingency(a: &[u32], b: &[u32], ka: usize, kb: usize) -> Vec<Vec<u64>> {
    let mut t = vec![vec![0u64; kb]; ka];
    for (&x, &y) in a.iter().zip(b) {
        if x != NULL_CODE && y != NULL_CODE {
            t[x as usize][y as usize] += 1;
        }
    }
    t
}

/// Pearson's χ² of a contingency table, its degrees of freedom, the number of rows and
/// Cramér's V, ignoring empty rows and columns. `None` when a margin has one category.
pub fn chi_square(t: &[Vec<u64>]) -> Option<(f64, f64, f64, f64)> {
    let rows: Vec<u64> = t.iter().map(|r| r.iter().sum()).collect();
    let cols: Vec<u64> = (0..t.first()?.len()).map(|j| t.iter().map(|r| r[j]).sum()).collect();
    let n: u64 = rows.iter().sum();
    let (r, c) = (rows.iter().filter(|&&x| x > 0).count(), cols.iter().filter(|&&x| x > 0).count());
    if r < 2 || c < 2 || n == 0 {
        return None;
    }
    let mut chi = 0.0;
    for (i, row) in t.iter().enumerate() {
        for (j, &o) in row.iter().enumerate() {
            if rows[i] == 0 || cols[j] == 0 {
                continue;
            }
            let e = rows[i] as f64 * cols[j] as f64 / n as f64;
            chi += (o as f64 - e).powi(2) / e;
        }
    }
    let df = ((r - 1) * (c - 1)) as f64;
    let v = (chi / (n as f64 * (r.min(c) - 1) as f64)).sqrt();
    Some((chi, df, n as f64, v.min(1.0)))
}

/// An upper-tail χ² test's z score (Wilson–Hilferty); z > 3.09 is p < 0.001.
pub fn chi_square_z(chi: f64, df: f64) -> f64 {
    let k = 2.0 / (9.0 * df);
    ((chi / df).cbrt() - (1.0 - k)) / k.sqrt()
}

pub fn correlations(table: &Table, columns: &[ColumnProfile], codes: &Codes) -> Correlations {
    let numeric: Vec<usize> = (0..columns.len()).filter(|&c| is_numeric(&columns[c])).take(40).collect();
    // Pearson on the sample (every row of smaller tables), Spearman on every `step`-th row.
    let values: Vec<&[f64]> = numeric.iter().map(|&c| table.sampled_numbers(c)).collect();
    let full: Vec<&[f64]> = numeric.iter().map(|&c| table.numbers(c)).collect();
    let k = numeric.len();
    let mut pearson_m = vec![vec![None; k]; k];
    let mut spearman_m = vec![vec![None; k]; k];
    let step = table.rows.div_ceil(SPEARMAN_ROWS).max(1) as usize;
    let sampled: Vec<Vec<f64>> = full.iter().map(|v| v.iter().step_by(step).copied().collect()).collect();
    // A column with a value in every sampled row is ranked once for all its pairs.
    let ranked: Vec<Option<Vec<f64>>> =
        sampled.iter().map(|s| (!s.iter().any(|x| x.is_nan())).then(|| ranks(s))).collect();
    for i in 0..k {
        pearson_m[i][i] = Some(1.0);
        spearman_m[i][i] = Some(1.0);
        for j in i + 1..k {
            let shift = (columns[numeric[i]].mean.unwrap_or(0.0), columns[numeric[j]].mean.unwrap_or(0.0));
            let p = pearson(values[i], values[j], shift);
            let s = match (&ranked[i], &ranked[j]) {
                (Some(a), Some(b)) => pearson(a, b, (0.0, 0.0)),
                _ => spearman(&sampled[i], &sampled[j]),
            };
            pearson_m[i][j] = p;
            pearson_m[j][i] = p;
            spearman_m[i][j] = s;
            spearman_m[j][i] = s;
        }
    }
    let categorical: Vec<usize> =
        (0..columns.len()).filter(|&c| is_categorical(&columns[c], codes, c)).take(40).collect();
    let m = categorical.len();
    let mut v = vec![vec![None; m]; m];
    for i in 0..m {
        v[i][i] = Some(1.0);
        for j in i + 1..m {
            let (a, b) = (categorical[i], categorical[j]);
            let t = contingency(
                codes.sampled(a).unwrap(),
                codes.sampled(b).unwrap(),
                codes.cardinality[a] as usize,
                codes.cardinality[b] as usize,
            );
            let x = chi_square(&t).map(|r| r.3);
            v[i][j] = x;
            v[j][i] = x;
        }
    }
    Correlations {
        numeric_columns: numeric.iter().map(|&c| columns[c].name.clone()).collect(),
        pearson: pearson_m,
        spearman: spearman_m,
        spearman_rows: sampled.first().map(|s| s.len() as u64).unwrap_or(table.rows).min(table.rows),
        categorical_columns: categorical.iter().map(|&c| columns[c].name.clone()).collect(),
        cramers_v: v,
        sampled_rows: table.sample_rows(),
    }
}

/// Names a model's target is often given.
const LABEL_NAMES: [&str; 14] = [
    "readmitted",
    "readmission",
    "label",
    "target",
    "class",
    "y",
    "outcome",
    "churn",
    "churned",
    "is_fraud",
    "fraud",
    "survived",
    "default",
    "defaulted",
];

/// The label column for the leakage check: the user's choice, or a guess from common names.
pub fn choose_label(table: &Table, columns: &[ColumnProfile], chosen: Option<&str>) -> (Option<String>, bool) {
    if let Some(name) = chosen {
        if (0..table.width()).any(|c| table.name(c) == name) {
            return (Some(name.to_string()), false);
        }
    }
    let guess = columns.iter().find(|c| {
        let lower = c.name.to_lowercase();
        (LABEL_NAMES.contains(&lower.as_str()) || lower.ends_with("_label") || lower.ends_with("_target"))
            && !c.distinct_estimated
            && (2..=20).contains(&c.distinct)
    });
    (guess.map(|c| c.name.clone()), guess.is_some())
}

/// Accuracy of the best single threshold on `x` for a two-class `label`, over rows with both.
/// Rows are taken systematically, at most `STUMP_ROWS` of them.
pub fn stump_accuracy(x: &[f64], label: &[u32]) -> Option<f64> {
    let step = x.len().div_ceil(STUMP_ROWS).max(1);
    let mut pairs: Vec<(f64, u32)> = x
        .iter()
        .zip(label)
        .step_by(step)
        .filter(|(v, &l)| !v.is_nan() && l != NULL_CODE)
        .map(|(&v, &l)| (v, l))
        .collect();
    if pairs.len() < 20 {
        return None;
    }
    let classes: Vec<u32> = {
        let mut c: Vec<u32> = pairs.iter().map(|p| p.1).collect();
        c.sort();
        c.dedup();
        c
    };
    if classes.len() != 2 {
        return None;
    }
    let mut keyed: Vec<(u64, u32)> = pairs.iter().map(|&(v, l)| (order_key(v), l)).collect();
    keyed.sort_unstable();
    for (p, &(k, l)) in pairs.iter_mut().zip(&keyed) {
        let bits = if k >> 63 == 1 { k & !(1 << 63) } else { !k };
        *p = (f64::from_bits(bits), l);
    }
    let n = pairs.len();
    let total_a = pairs.iter().filter(|p| p.1 == classes[0]).count();
    let mut left_a = 0;
    let mut best = total_a.max(n - total_a);
    for i in 0..n {
        left_a += usize::from(pairs[i].1 == classes[0]);
        if i + 1 < n && pairs[i + 1].0 == pairs[i].0 {
            continue;
        }
        let left = i + 1;
        let left_b = left - left_a;
        let right_a = total_a - left_a;
        let right_b = (n - left) - right_a;
        // "left is A, right is B" or the other way round.
        best = best.max(left_a + right_b).max(left_b + right_a);
    }
    Some(best as f64 / n as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_key_sorts_like_total_cmp() {
        let mut xs = vec![3.5, -0.0, 0.0, -2.0, f64::INFINITY, f64::NEG_INFINITY, 1e-300, -1e-300, 7.0, -7.5];
        let mut by_key = xs.clone();
        by_key.sort_by_key(|&x| order_key(x));
        xs.sort_by(f64::total_cmp);
        assert_eq!(
            xs.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
            by_key.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
        );
    }

    #[test]
    fn ranks_average_ties() {
        assert_eq!(ranks(&[10.0, 20.0, 10.0, 30.0]), vec![1.5, 3.0, 1.5, 4.0]);
    }

    #[test]
    fn chi_square_of_independent_and_dependent_tables() {
        let (chi, df, n, v) = chi_square(&[vec![10, 10], vec![10, 10]]).unwrap();
        assert_eq!((chi, df, n, v), (0.0, 1.0, 40.0, 0.0));
        let (_, _, _, v) = chi_square(&[vec![20, 0], vec![0, 20]]).unwrap();
        assert!((v - 1.0).abs() < 1e-12);
        assert!(chi_square_z(40.0, 1.0) > 3.09);
    }

    #[test]
    fn stump_finds_a_perfect_threshold() {
        let x: Vec<f64> = (0..100).map(|i| i as f64).collect();
        let l: Vec<u32> = (0..100).map(|i| u32::from(i >= 70)).collect();
        assert_eq!(stump_accuracy(&x, &l), Some(1.0));
    }
}
