//! Relations between columns: dense category codes, Pearson/Spearman/Cramér's V, and the
//! small statistics the alerts use (association tests, decision stumps).

pub use super::accum::NULL_CODE;
use super::accum::{ColumnAccumulator, Kind};
use super::{ColumnProfile, Correlations, Table};

/// Rows a decision stump is fitted on (a systematic sample on larger tables).
pub const STUMP_ROWS: usize = 100_000;
/// Spearman ranks are computed on at most this many rows (a systematic sample).
pub const SPEARMAN_ROWS: u64 = 50_000;

/// Marks a slot of `Dependency::seen` no row has filled yet.
const UNSEEN: u32 = u32::MAX - 1;

/// "`a`'s value fixes `b`'s" checked row by row: the `b` code first seen with each `a` code.
struct Dependency {
    a: usize,
    b: usize,
    /// Indexed by `a`'s code; the slot of a missing `a` is `null`.
    seen: Vec<u32>,
    null: u32,
    holds: bool,
}

/// Collects the first pass's category codes (see `ColumnAccumulator::codes`) batch by batch,
/// so that no column's codes are ever kept for every row: the codes at the sampled rows (every
/// row of tables without a sample) for Cramér's V, missingness and leakage, and the functional
/// dependencies between coded columns, checked on every row as the batches go by.
pub struct CodeStream {
    sampled: Vec<Option<Vec<u32>>>,
    first_null: Vec<Option<u64>>,
    dependencies: Vec<Dependency>,
    /// Next entry of the table's sample.
    cursor: usize,
}

impl CodeStream {
    pub fn new(table: &Table) -> CodeStream {
        let width = table.width();
        let coded = |c: usize| table.kinds[c].0 != Kind::Other;
        let dependencies = (0..width)
            .filter(|&a| coded(a))
            .flat_map(|a| {
                (0..width).filter(move |&b| b != a && coded(b)).map(move |b| Dependency {
                    a,
                    b,
                    seen: Vec::new(),
                    null: UNSEEN,
                    holds: true,
                })
            })
            .collect();
        CodeStream {
            sampled: (0..width).map(|c| coded(c).then(Vec::new)).collect(),
            first_null: vec![None; width],
            dependencies,
            cursor: 0,
        }
    }

    /// Takes the codes of rows `start..start + len`, which every accumulator has just added.
    pub fn add(&mut self, accs: &[ColumnAccumulator], table: &Table, start: u64, len: usize) {
        for (c, acc) in accs.iter().enumerate() {
            if acc.codes.is_none() {
                self.sampled[c] = None;
            }
        }
        let end = start + len as u64;
        let (from, to) = match &table.sample {
            Some(rows) => {
                let from = self.cursor;
                while self.cursor < rows.len() && u64::from(rows[self.cursor]) < end {
                    self.cursor += 1;
                }
                (from, self.cursor)
            }
            None => (0, 0),
        };
        for (c, acc) in accs.iter().enumerate() {
            let (Some(out), Some(codes)) = (&mut self.sampled[c], &acc.codes) else { continue };
            match &table.sample {
                Some(rows) => out.extend(rows[from..to].iter().map(|&r| codes[(u64::from(r) - start) as usize])),
                None => out.extend_from_slice(codes),
            }
            if self.first_null[c].is_none() && acc.nulls > 0 {
                if let Some(i) = codes.iter().position(|&x| x == NULL_CODE) {
                    self.first_null[c] = Some(start + i as u64);
                }
            }
        }
        for d in self.dependencies.iter_mut().filter(|d| d.holds) {
            let (ca, cb) = match (&accs[d.a].codes, &accs[d.b].codes) {
                // A column with (nearly) one value per row determines everything trivially:
                // not reported, so not checked any further.
                (Some(ca), Some(cb)) if accs[d.a].values.len() as u64 * 3 <= table.rows => (ca, cb),
                _ => {
                    d.holds = false;
                    continue;
                }
            };
            d.seen.resize(accs[d.a].values.len(), UNSEEN);
            d.holds = ca.iter().zip(cb).all(|(&x, &y)| {
                let slot = if x == NULL_CODE { &mut d.null } else { &mut d.seen[x as usize] };
                if *slot == UNSEEN {
                    *slot = y;
                    true
                } else {
                    *slot == y
                }
            });
        }
    }

    /// The codes once every row was added.
    pub fn finish(self, accs: &[ColumnAccumulator]) -> Codes {
        let mut sampled = self.sampled;
        let mut cardinality = Vec::new();
        let mut first_rows = Vec::new();
        for (c, acc) in accs.iter().enumerate() {
            if acc.codes.is_none() || acc.values.is_empty() {
                sampled[c] = None;
            }
            let coded = sampled[c].is_some();
            cardinality.push(if coded { acc.values.len() as u32 } else { 0 });
            let mut first = vec![0u64; if coded { acc.values.len() } else { 0 }];
            if coded {
                for e in acc.values.values() {
                    first[e.code as usize] = e.first_row;
                }
            }
            first_rows.push(first);
        }
        let dependencies =
            self.dependencies.iter().filter(|d| d.holds && sampled[d.a].is_some() && sampled[d.b].is_some());
        Codes {
            dependencies: dependencies.map(|d| (d.a, d.b)).collect(),
            sampled,
            cardinality,
            first_rows,
            first_null: self.first_null,
        }
    }
}

/// Category codes (0..cardinality, or `NULL_CODE`) of low-cardinality columns, at the sampled
/// rows, and what the first pass learnt from them on every row.
pub struct Codes {
    /// The codes at the table's sampled rows (every row when there is no sample).
    sampled: Vec<Option<Vec<u32>>>,
    pub cardinality: Vec<u32>,
    /// Per coded column, the first row holding each code.
    first_rows: Vec<Vec<u64>>,
    first_null: Vec<Option<u64>>,
    /// (a, b): every row's value of `a` goes with one value of `b`, in column order.
    dependencies: Vec<(usize, usize)>,
}

impl Codes {
    /// Whether column `c` has codes (at most `CODE_CAP` distinct values).
    pub fn is_coded(&self, c: usize) -> bool {
        self.sampled[c].is_some()
    }

    /// Codes of the sampled rows (of every row when the table is not sampled).
    pub fn sampled(&self, c: usize) -> Option<&[u32]> {
        self.sampled[c].as_deref()
    }

    /// The first row holding `code` in column `c`.
    pub fn first_row(&self, c: usize, code: u32) -> Option<u64> {
        self.first_rows[c].get(code as usize).copied()
    }

    /// The first `k` rows where column `c` shows a value (or a missing value) not seen above.
    pub fn first_appearances(&self, c: usize, k: usize) -> Vec<u64> {
        let mut rows: Vec<u64> = self.first_rows[c].iter().take(k).copied().chain(self.first_null[c]).collect();
        rows.sort_unstable();
        rows.truncate(k);
        rows
    }

    /// Whether column `a`'s value fixes column `b`'s in every row.
    pub fn determines(&self, a: usize, b: usize) -> bool {
        self.dependencies.contains(&(a, b))
    }
}

/// Whether a column can take part in numeric correlations.
pub fn is_numeric(col: &ColumnProfile) -> bool {
    matches!(col.kind, Kind::Integer | Kind::Float) && col.std.is_some_and(|s| s > 0.0)
}

/// Whether a column is a category for Cramér's V.
pub fn is_categorical(col: &ColumnProfile, codes: &Codes, c: usize) -> bool {
    matches!(col.kind, Kind::Text | Kind::Boolean)
        && codes.is_coded(c)
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
    sort_by_key_bits(&mut keyed);
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

/// Sorts pairs by their key (the second field's order among equal keys is unspecified): a
/// radix sort, a byte of the key per pass, skipping bytes every key shares. Several times
/// faster than a comparison sort on the 50,000–100,000 pairs of ranks and stumps.
pub fn sort_by_key_bits(v: &mut Vec<(u64, u32)>) {
    if v.len() < 256 {
        v.sort_unstable();
        return;
    }
    let mut counts = vec![[0usize; 256]; 8];
    for &(k, _) in v.iter() {
        for (d, c) in counts.iter_mut().enumerate() {
            c[((k >> (8 * d)) & 0xFF) as usize] += 1;
        }
    }
    let mut other = vec![(0u64, 0u32); v.len()];
    for (d, c) in counts.iter().enumerate() {
        if c.contains(&v.len()) {
            continue;
        }
        let mut next = [0usize; 256];
        let mut sum = 0;
        for (n, &count) in next.iter_mut().zip(c) {
            *n = sum;
            sum += count;
        }
        for &(k, x) in v.iter() {
            let b = ((k >> (8 * d)) & 0xFF) as usize;
            other[next[b]] = (k, x);
            next[b] += 1;
        }
        std::mem::swap(v, &mut other);
    }
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
    // Counted in one flat table (one index per row rather than two), then cut into rows.
    let mut flat = vec![0u64; ka * kb];
    for (&x, &y) in a.iter().zip(b) {
        if x != NULL_CODE && y != NULL_CODE {
            flat[x as usize * kb + y as usize] += 1;
        }
    }
    if kb == 0 {
        return vec![Vec::new(); ka];
    }
    flat.chunks(kb).map(<[u64]>::to_vec).collect()
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
    let k = numeric.len();
    let mut pearson_m = vec![vec![None; k]; k];
    let mut spearman_m = vec![vec![None; k]; k];
    let step = table.rows.div_ceil(SPEARMAN_ROWS).max(1) as usize;
    let sampled: Vec<Vec<f64>> = numeric.iter().map(|&c| table.numbers_at(c, (0..table.rows).step_by(step))).collect();
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
    // Only the order of the values matters: equal values are one group whatever their labels.
    sort_by_key_bits(&mut keyed);
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
    fn radix_sort_orders_keys_like_a_comparison_sort() {
        let mut rng = crate::core::synth::SplitMix64::new(5);
        for n in [0, 10, 300, 5000] {
            let mut v: Vec<(u64, u32)> = (0..n)
                .map(|i| {
                    let x = rng.normal() * 1000.0;
                    (order_key(if i % 7 == 0 { x.round() } else { x }), i as u32)
                })
                .collect();
            let mut expected = v.clone();
            expected.sort_unstable();
            sort_by_key_bits(&mut v);
            assert_eq!(v.iter().map(|p| p.0).collect::<Vec<_>>(), expected.iter().map(|p| p.0).collect::<Vec<_>>());
            v.sort_unstable();
            assert_eq!(v, expected);
        }
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
