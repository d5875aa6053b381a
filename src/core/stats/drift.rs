//! Distribution drift between a reference and a current sample of one column: PSI, L∞
//! (TFDV), χ² contingency test, Wasserstein-1, Jensen–Shannon distance and the two-sample KS
//! test, combined by [`column_drift`] into a severity with a reason a person can read.

use std::collections::{BTreeMap, HashMap};

use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int64Type};
use arrow_array::Array;
use arrow_schema::DataType;
use serde::{Deserialize, Serialize};

use super::ks::{ks_2samp_sorted, Ks};
use super::special::chi2_sf;

/// Proportion used in place of an empty bin or category in PSI, so ln(a/e) stays finite.
pub const PSI_EPSILON: f64 = 1e-4;

/// Population Stability Index of a numeric column, with the binning it used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Psi {
    /// Σ (a_i − e_i) · ln(a_i / e_i) over the bins, proportions a (actual) and e (expected).
    pub value: f64,
    /// Interior cut points: the i/bins quantiles (linear interpolation, as numpy's default) of
    /// the expected sample, duplicates removed. Bins are (−∞, c₁], (c₁, c₂], …, (c_k, +∞).
    pub cuts: Vec<f64>,
    /// Values of the expected sample in each bin.
    pub expected: Vec<u64>,
    /// Values of the actual sample in each bin.
    pub actual: Vec<u64>,
    /// Proportion substituted for an empty bin ([`PSI_EPSILON`]); proportions are not
    /// renormalised afterwards.
    pub epsilon: f64,
}

/// PSI of `actual` against `expected` over `bins` quantile bins of `expected` (see [`Psi`]).
/// NaNs must have been removed. Empty input gives PSI 0 with no bins.
pub fn psi_numeric(expected: &[f64], actual: &[f64], bins: usize) -> Psi {
    let mut e = expected.to_vec();
    let mut a = actual.to_vec();
    e.sort_unstable_by(f64::total_cmp);
    a.sort_unstable_by(f64::total_cmp);
    psi_numeric_sorted(&e, &a, bins)
}

/// [`psi_numeric`] on samples already sorted ascending.
pub fn psi_numeric_sorted(expected: &[f64], actual: &[f64], bins: usize) -> Psi {
    if expected.is_empty() || actual.is_empty() || bins == 0 {
        return Psi { value: 0.0, cuts: Vec::new(), expected: Vec::new(), actual: Vec::new(), epsilon: PSI_EPSILON };
    }
    let mut cuts: Vec<f64> = Vec::with_capacity(bins.saturating_sub(1));
    for i in 1..bins {
        let c = quantile_linear(expected, i as f64 / bins as f64);
        if cuts.last().is_none_or(|&last| c > last) {
            cuts.push(c);
        }
    }
    let e_counts = bin_counts_sorted(expected, &cuts);
    let a_counts = bin_counts_sorted(actual, &cuts);
    let value = psi_from_counts(&e_counts, &a_counts);
    Psi { value, cuts, expected: e_counts, actual: a_counts, epsilon: PSI_EPSILON }
}

/// numpy's default (`linear`) quantile of a sorted slice, with numpy's two-sided lerp.
pub fn quantile_linear(sorted: &[f64], q: f64) -> f64 {
    let n = sorted.len();
    if n == 1 {
        return sorted[0];
    }
    let pos = q * (n - 1) as f64;
    let lo = (pos.floor() as usize).min(n - 1);
    let hi = (lo + 1).min(n - 1);
    let t = pos - lo as f64;
    let (a, b) = (sorted[lo], sorted[hi]);
    let diff = b - a;
    let r = if t >= 0.5 { b - diff * (1.0 - t) } else { a + diff * t };
    if t == 0.0 {
        a
    } else {
        r
    }
}

/// Counts per bin (−∞, c₁], (c₁, c₂], …, (c_k, +∞) of a sorted sample.
fn bin_counts_sorted(sorted: &[f64], cuts: &[f64]) -> Vec<u64> {
    let mut counts = Vec::with_capacity(cuts.len() + 1);
    let mut start = 0usize;
    for &c in cuts {
        let end = start + sorted[start..].partition_point(|&v| v <= c);
        counts.push((end - start) as u64);
        start = end;
    }
    counts.push((sorted.len() - start) as u64);
    counts
}

pub(crate) fn psi_from_counts(expected: &[u64], actual: &[u64]) -> f64 {
    let te: u64 = expected.iter().sum();
    let ta: u64 = actual.iter().sum();
    if te == 0 || ta == 0 {
        return 0.0;
    }
    expected
        .iter()
        .zip(actual)
        .map(|(&e, &a)| {
            let pe = if e == 0 { PSI_EPSILON } else { e as f64 / te as f64 };
            let pa = if a == 0 { PSI_EPSILON } else { a as f64 / ta as f64 };
            (pa - pe) * (pa / pe).ln()
        })
        .sum()
}

/// PSI over the union of categories, with [`PSI_EPSILON`] for a category absent on one side.
pub fn psi_categorical(expected: &BTreeMap<String, u64>, actual: &BTreeMap<String, u64>) -> f64 {
    let (e, a) = aligned_counts(expected, actual);
    psi_from_counts(&e, &a)
}

/// L∞ distance (TFDV): the largest absolute difference between the two normalised
/// frequencies of any category. 0 when either side is empty.
pub fn linf(expected: &BTreeMap<String, u64>, actual: &BTreeMap<String, u64>) -> f64 {
    let (e, a) = aligned_counts(expected, actual);
    linf_counts(&e, &a)
}

/// Counts of both maps over the union of their keys, in key order (one merge of the two
/// sorted maps).
fn aligned_counts(a: &BTreeMap<String, u64>, b: &BTreeMap<String, u64>) -> (Vec<u64>, Vec<u64>) {
    let (mut ca, mut cb) = (Vec::with_capacity(a.len().max(b.len())), Vec::with_capacity(a.len().max(b.len())));
    merge_keys(a, b, |_, x, y| {
        ca.push(x);
        cb.push(y);
    });
    (ca, cb)
}

/// Calls `f(key, count in a, count in b)` for every key of either map, in key order.
fn merge_keys<'a>(a: &'a BTreeMap<String, u64>, b: &'a BTreeMap<String, u64>, mut f: impl FnMut(&'a String, u64, u64)) {
    let (mut ia, mut ib) = (a.iter().peekable(), b.iter().peekable());
    loop {
        match (ia.peek(), ib.peek()) {
            (Some((ka, &va)), Some((kb, &vb))) => match ka.cmp(kb) {
                std::cmp::Ordering::Less => {
                    f(ka, va, 0);
                    ia.next();
                }
                std::cmp::Ordering::Greater => {
                    f(kb, 0, vb);
                    ib.next();
                }
                std::cmp::Ordering::Equal => {
                    f(ka, va, vb);
                    ia.next();
                    ib.next();
                }
            },
            (Some((ka, &va)), None) => {
                f(ka, va, 0);
                ia.next();
            }
            (None, Some((kb, &vb))) => {
                f(kb, 0, vb);
                ib.next();
            }
            (None, None) => break,
        }
    }
}

pub(crate) fn linf_counts(e: &[u64], a: &[u64]) -> f64 {
    let te: u64 = e.iter().sum();
    let ta: u64 = a.iter().sum();
    if te == 0 || ta == 0 {
        return 0.0;
    }
    e.iter().zip(a).map(|(&x, &y)| (x as f64 / te as f64 - y as f64 / ta as f64).abs()).fold(0.0, f64::max)
}

/// χ² test of independence on a contingency table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Chi2 {
    pub statistic: f64,
    pub p_value: f64,
    pub dof: u64,
}

/// χ² test on the 2×k table (reference counts, current counts) over the union of categories,
/// as `scipy.stats.chi2_contingency(table)`: Yates' continuity correction only when dof = 1.
/// Categories with zero count on both sides are dropped; if either side is empty or only one
/// category remains, the test is degenerate and gives statistic 0, p = 1, dof 0 (scipy raises
/// or returns that).
pub fn chi2_contingency(a: &BTreeMap<String, u64>, b: &BTreeMap<String, u64>) -> Chi2 {
    let (ca, cb) = aligned_counts(a, b);
    let cols: Vec<(u64, u64)> = ca.into_iter().zip(cb).filter(|&(x, y)| x + y > 0).collect();
    chi2_2xk(&cols)
}

/// χ² on a 2×k table given as (row 1, row 2) count pairs per column.
pub fn chi2_2xk(cols: &[(u64, u64)]) -> Chi2 {
    let r1: u64 = cols.iter().map(|c| c.0).sum();
    let r2: u64 = cols.iter().map(|c| c.1).sum();
    let k = cols.len() as u64;
    if r1 == 0 || r2 == 0 || k < 2 {
        return Chi2 { statistic: 0.0, p_value: 1.0, dof: 0 };
    }
    let total = (r1 + r2) as f64;
    let dof = k - 1;
    let mut stat = 0.0;
    for &(x, y) in cols {
        let col = (x + y) as f64;
        for (obs, row) in [(x as f64, r1 as f64), (y as f64, r2 as f64)] {
            let expected = row * col / total;
            let mut o = obs;
            if dof == 1 {
                let diff = expected - o;
                o += diff.abs().min(0.5) * diff.signum() * f64::from(diff != 0.0);
            }
            stat += (o - expected) * (o - expected) / expected;
        }
    }
    Chi2 { statistic: stat, p_value: chi2_sf(stat, dof as f64), dof }
}

/// Wasserstein-1 (earth mover's) distance between two samples, as
/// `scipy.stats.wasserstein_distance(a, b)`: ∫ |F_a − F_b| dx. 0 if either is empty.
pub fn wasserstein(a: &[f64], b: &[f64]) -> f64 {
    let mut a = a.to_vec();
    let mut b = b.to_vec();
    a.sort_unstable_by(f64::total_cmp);
    b.sort_unstable_by(f64::total_cmp);
    wasserstein_sorted(&a, &b)
}

/// [`wasserstein`] on samples already sorted ascending.
pub fn wasserstein_sorted(a: &[f64], b: &[f64]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let (na, nb) = (a.len() as f64, b.len() as f64);
    let (mut i, mut j) = (0usize, 0usize);
    let mut sum = 0.0;
    // Walk the merged order; between consecutive merged values both CDFs are constant.
    let mut prev: Option<f64> = None;
    while i < a.len() || j < b.len() {
        let take_a = j >= b.len() || (i < a.len() && a[i] <= b[j]);
        let v = if take_a { a[i] } else { b[j] };
        if let Some(p) = prev {
            let fa = i as f64 / na;
            let fb = j as f64 / nb;
            sum += (fa - fb).abs() * (v - p);
        }
        if take_a {
            i += 1;
        } else {
            j += 1;
        }
        prev = Some(v);
    }
    sum
}

/// Jensen–Shannon **distance** in base 2 (in [0, 1]) between two frequency vectors, as
/// `scipy.spatial.distance.jensenshannon(p, q, base=2)`: the square root of the JS divergence.
/// Inputs are normalised first; 0 if either sums to zero.
pub fn jensen_shannon(p: &[f64], q: &[f64]) -> f64 {
    let sp: f64 = p.iter().sum();
    let sq: f64 = q.iter().sum();
    if sp <= 0.0 || sq <= 0.0 || p.len() != q.len() {
        return 0.0;
    }
    let mut div = 0.0;
    for (&x, &y) in p.iter().zip(q) {
        let (x, y) = (x / sp, y / sq);
        let m = (x + y) / 2.0;
        div += rel_entr(x, m) + rel_entr(y, m);
    }
    (div / std::f64::consts::LN_2 / 2.0).max(0.0).sqrt()
}

fn rel_entr(x: f64, y: f64) -> f64 {
    if x > 0.0 && y > 0.0 {
        x * (x / y).ln()
    } else if x == 0.0 && y >= 0.0 {
        0.0
    } else {
        f64::INFINITY
    }
}

/// Whether a column is compared as numbers or as categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DriftKind {
    Numeric,
    Categorical,
}

/// How worried to be about a column's drift.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum DriftSeverity {
    None,
    Warning,
    Drift,
}

/// When a column's change counts as a warning or as drift.
///
/// Numeric: drift if PSI ≥ `psi_drift`, or the KS test is significant (p < `ks_p_value`) with
/// D ≥ `ks_drift_statistic`; warning if PSI ≥ `psi_warning`, or KS significant with
/// D ≥ `ks_warning_statistic`. The minimum D keeps huge samples, where any tiny difference is
/// significant, from flagging everything.
/// Categorical: drift if L∞ ≥ `linf_drift` or PSI ≥ `psi_drift`; warning if L∞ ≥
/// `linf_warning`, PSI ≥ `psi_warning`, χ² significant (p < `chi2_p_value`) with L∞ ≥
/// `linf_warning`, or a category appears or vanishes with at least `new_category_share` of
/// its side's values.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DriftThresholds {
    /// Number of quantile bins of the reference for numeric PSI and JS (default 10).
    pub psi_bins: usize,
    /// PSI at which to warn (default 0.1: "some shift", the usual credit-scoring rule).
    pub psi_warning: f64,
    /// PSI at which to call drift (default 0.25: "major shift").
    pub psi_drift: f64,
    /// KS significance level (default 0.01).
    pub ks_p_value: f64,
    /// Smallest KS D that makes a significant test a warning (default 0.05).
    pub ks_warning_statistic: f64,
    /// Smallest KS D that makes a significant test drift (default 0.1).
    pub ks_drift_statistic: f64,
    /// L∞ for a warning (default 0.05).
    pub linf_warning: f64,
    /// L∞ for drift (default 0.1, the threshold TFDV's examples use for skew/drift).
    pub linf_drift: f64,
    /// χ² significance level (default 0.01).
    pub chi2_p_value: f64,
    /// Share of a side's values a new or vanished category must have to warn (default 0.001).
    pub new_category_share: f64,
}

impl Default for DriftThresholds {
    fn default() -> Self {
        DriftThresholds {
            psi_bins: 10,
            psi_warning: 0.1,
            psi_drift: 0.25,
            ks_p_value: 0.01,
            ks_warning_statistic: 0.05,
            ks_drift_statistic: 0.1,
            linf_warning: 0.05,
            linf_drift: 0.1,
            chi2_p_value: 0.01,
            new_category_share: 0.001,
        }
    }
}

/// Drift of one column between a reference and a current dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnDrift {
    pub column: String,
    pub kind: DriftKind,
    /// Non-null, finite values compared on each side.
    pub reference_count: u64,
    pub current_count: u64,
    pub ks: Option<Ks>,
    /// Numeric: over `psi_bins` quantile bins of the reference; categorical: per category.
    pub psi: Option<f64>,
    pub wasserstein: Option<f64>,
    /// Jensen–Shannon distance, base 2: numeric over the PSI bins, categorical per category.
    pub js: Option<f64>,
    pub linf: Option<f64>,
    pub chi2: Option<Chi2>,
    /// Categories in current but not in reference (at most [`MAX_LISTED_CATEGORIES`]).
    pub new_categories: Vec<String>,
    /// Categories in reference but not in current (at most [`MAX_LISTED_CATEGORIES`]).
    pub vanished_categories: Vec<String>,
    pub severity: DriftSeverity,
    pub reason: String,
    /// How a column with many distinct values was summarised; `None` when every category was
    /// compared on its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high_cardinality: Option<HighCardinality>,
}

/// A categorical column with more distinct values than are compared one by one: PSI, L∞, χ²
/// and JS are over the `top_k` most frequent values of both sides together plus three groups
/// of the rest (values on both sides, only in the reference, only in the current data). The
/// counts and rates here are exact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HighCardinality {
    pub reference_distinct: u64,
    pub current_distinct: u64,
    /// Values compared one by one.
    pub top_k: usize,
    /// Distinct values of the current data not in the reference.
    pub new_values: u64,
    /// Distinct values of the reference not in the current data.
    pub vanished_values: u64,
    /// Share of the current (non-null) values whose value is not in the reference.
    pub new_value_rate: f64,
    /// Share of the reference (non-null) values whose value is not in the current data.
    pub vanished_value_rate: f64,
}

/// How many new or vanished categories are listed by name.
pub const MAX_LISTED_CATEGORIES: usize = 50;

/// Side-by-side frequencies for an overlaid chart of one column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DriftBars {
    /// Numeric: `lo..hi` of equal-width bins over both samples; categorical: category names
    /// (the most frequent ones, then "(other)").
    pub labels: Vec<String>,
    /// Numeric: bin edges (labels.len() + 1 values); empty for categorical.
    pub edges: Vec<f64>,
    pub reference: Vec<u64>,
    pub current: Vec<u64>,
}

/// Sorts floats ascending in `f64::total_cmp` order; an LSD radix sort on the order-preserving
/// bit pattern for large inputs (several times faster than a comparison sort in wasm), after a
/// check that costs one pass when the input is already sorted.
pub fn sort_f64(v: &mut [f64]) {
    if v.windows(2).all(|w| w[0].total_cmp(&w[1]).is_le()) {
        return;
    }
    if v.len() < 4096 {
        v.sort_unstable_by(f64::total_cmp);
        return;
    }
    let key = |f: f64| {
        let b = f.to_bits();
        if b >> 63 == 1 {
            !b
        } else {
            b | (1 << 63)
        }
    };
    let mut a: Vec<u64> = v.iter().map(|&f| key(f)).collect();
    radix_sort_u64(&mut a);
    for (slot, k) in v.iter_mut().zip(a) {
        let b = if k >> 63 == 1 { k & !(1 << 63) } else { !k };
        *slot = f64::from_bits(b);
    }
}

/// LSD radix sort of u64 keys: 11-bit digits (6 passes, counts that stay in the L1 cache), all
/// six histograms in one read, and a pass skipped when every key has the same digit there.
pub fn radix_sort_u64(a: &mut Vec<u64>) {
    const BITS: usize = 11;
    const BUCKETS: usize = 1 << BITS;
    const PASSES: usize = 64usize.div_ceil(BITS);
    let mask = (BUCKETS - 1) as u64;
    let mut hist = vec![0usize; BUCKETS * PASSES];
    for &k in a.iter() {
        for p in 0..PASSES {
            hist[p * BUCKETS + ((k >> (p * BITS)) & mask) as usize] += 1;
        }
    }
    let mut tmp = vec![0u64; a.len()];
    for p in 0..PASSES {
        let counts = &mut hist[p * BUCKETS..(p + 1) * BUCKETS];
        if counts.contains(&a.len()) {
            continue; // every key has the same digit here
        }
        let mut sum = 0;
        for c in counts.iter_mut() {
            let n = *c;
            *c = sum;
            sum += n;
        }
        let shift = p * BITS;
        for &k in a.iter() {
            let d = ((k >> shift) & mask) as usize;
            tmp[counts[d]] = k;
            counts[d] += 1;
        }
        std::mem::swap(a, &mut tmp);
    }
}

/// Is this Arrow type compared as numbers? (int, float, decimal, date, timestamp, duration)
pub fn is_numeric_type(dt: &DataType) -> bool {
    use DataType::*;
    matches!(
        dt,
        Int8 | Int16
            | Int32
            | Int64
            | UInt8
            | UInt16
            | UInt32
            | UInt64
            | Float16
            | Float32
            | Float64
            | Decimal32(..)
            | Decimal64(..)
            | Decimal128(..)
            | Decimal256(..)
            | Date32
            | Date64
            | Timestamp(..)
            | Duration(..)
    )
}

/// The non-null, finite values of a numeric column as f64 (dates as days, timestamps in their
/// own unit): NaN and ±∞ are left out like nulls, so every statistic stays finite. `None` if the
/// type is not numeric.
pub fn numeric_values(array: &dyn Array) -> Option<Vec<f64>> {
    use DataType::*;
    let dt = array.data_type();
    if !is_numeric_type(dt) {
        return None;
    }
    let data = arrow_array::make_array(array.to_data());
    let as_f64 = match dt {
        Date32 | Date64 | Timestamp(..) | Duration(..) => {
            let ints = if dt == &Date32 {
                arrow_cast::cast(&arrow_cast::cast(&data, &Int32).ok()?, &Int64).ok()?
            } else {
                arrow_cast::cast(&data, &Int64).ok()?
            };
            let ints = ints.as_primitive::<Int64Type>();
            let mut out = Vec::with_capacity(ints.len() - ints.null_count());
            if ints.null_count() == 0 {
                out.extend(ints.values().iter().map(|&v| v as f64));
            } else {
                out.extend(ints.iter().flatten().map(|v| v as f64));
            }
            return Some(out);
        }
        Float64 => data,
        _ => arrow_cast::cast(&data, &Float64).ok()?,
    };
    let floats = as_f64.as_primitive::<Float64Type>();
    let mut out = Vec::with_capacity(floats.len() - floats.null_count());
    if floats.null_count() == 0 {
        out.extend(floats.values().iter().copied().filter(|v| v.is_finite()));
    } else {
        out.extend(floats.iter().flatten().filter(|v| v.is_finite()));
    }
    Some(out)
}

/// Counts of each non-null value of a column, by its display text.
pub fn category_counts(array: &dyn Array) -> BTreeMap<String, u64> {
    fn from_strs<'a>(it: impl Iterator<Item = Option<&'a str>>) -> BTreeMap<String, u64> {
        let mut map: HashMap<&str, u64> = HashMap::new();
        for s in it.flatten() {
            *map.entry(s).or_insert(0) += 1;
        }
        map.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
    }
    match array.data_type() {
        DataType::Utf8 => return from_strs(array.as_string::<i32>().iter()),
        DataType::LargeUtf8 => return from_strs(array.as_string::<i64>().iter()),
        DataType::Utf8View => return from_strs(array.as_string_view().iter()),
        DataType::Boolean => {
            let b = array.as_boolean();
            let valid = (b.len() - b.null_count()) as u64;
            let t = b.true_count() as u64;
            let mut m = BTreeMap::new();
            for (k, v) in [("false", valid - t), ("true", t)] {
                if v > 0 {
                    m.insert(k.to_string(), v);
                }
            }
            return m;
        }
        _ => {}
    }
    let mut map: HashMap<String, u64> = HashMap::new();
    let options = arrow_cast::display::FormatOptions::default();
    let Ok(formatter) = arrow_cast::display::ArrayFormatter::try_new(array, &options) else {
        return BTreeMap::new();
    };
    let mut buf = String::new();
    for i in 0..array.len() {
        if array.is_null(i) {
            continue;
        }
        buf.clear();
        use std::fmt::Write;
        if write!(buf, "{}", formatter.value(i)).is_err() {
            continue;
        }
        if let Some(c) = map.get_mut(buf.as_str()) {
            *c += 1;
        } else {
            map.insert(buf.clone(), 1);
        }
    }
    map.into_iter().collect()
}

/// Drift of one column: numeric tests when both sides are numeric types (nulls and NaN
/// excluded), categorical tests otherwise (values compared by their text).
pub fn column_drift(
    name: &str,
    reference: &dyn Array,
    current: &dyn Array,
    thresholds: &DriftThresholds,
) -> ColumnDrift {
    column_drift_with_bars(name, reference, current, thresholds).0
}

/// [`column_drift`] plus the frequencies to draw the two distributions overlaid.
pub fn column_drift_with_bars(
    name: &str,
    reference: &dyn Array,
    current: &dyn Array,
    thresholds: &DriftThresholds,
) -> (ColumnDrift, DriftBars) {
    if is_numeric_type(reference.data_type()) && is_numeric_type(current.data_type()) {
        let mut r = numeric_values(reference).unwrap_or_default();
        let mut c = numeric_values(current).unwrap_or_default();
        sort_f64(&mut r);
        sort_f64(&mut c);
        numeric_drift_sorted(name, &r, &c, thresholds)
    } else {
        let r = category_counts(reference);
        let c = category_counts(current);
        categorical_drift(name, &r, &c, thresholds)
    }
}

/// Numeric drift from two sorted samples (NaN-free).
pub fn numeric_drift_sorted(name: &str, r: &[f64], c: &[f64], t: &DriftThresholds) -> (ColumnDrift, DriftBars) {
    let bars = numeric_bars(r, c, 20);
    let mut drift = ColumnDrift {
        column: name.to_string(),
        kind: DriftKind::Numeric,
        reference_count: r.len() as u64,
        current_count: c.len() as u64,
        ks: None,
        psi: None,
        wasserstein: None,
        js: None,
        linf: None,
        chi2: None,
        new_categories: Vec::new(),
        vanished_categories: Vec::new(),
        severity: DriftSeverity::None,
        reason: String::new(),
        high_cardinality: None,
    };
    if r.is_empty() || c.is_empty() {
        drift.severity = DriftSeverity::Warning;
        drift.reason = empty_side_reason(r.len(), c.len());
        return (drift, bars);
    }
    let ks = ks_2samp_sorted(r, c);
    let psi = psi_numeric_sorted(r, c, t.psi_bins);
    let e: Vec<f64> = psi.expected.iter().map(|&v| v as f64).collect();
    let a: Vec<f64> = psi.actual.iter().map(|&v| v as f64).collect();
    drift.js = Some(jensen_shannon(&e, &a));
    drift.wasserstein = Some(wasserstein_sorted(r, c));
    drift.ks = Some(ks);
    drift.psi = Some(psi.value);

    let ks_sig = ks.p_value < t.ks_p_value;
    let mut drift_reasons = Vec::new();
    let mut warn_reasons = Vec::new();
    if psi.value >= t.psi_drift {
        drift_reasons.push(format!("PSI {} ≥ {}", fmt_num(psi.value), fmt_num(t.psi_drift)));
    } else if psi.value >= t.psi_warning {
        warn_reasons.push(format!("PSI {} ≥ {}", fmt_num(psi.value), fmt_num(t.psi_warning)));
    }
    let ks_text = format!("KS D = {}, p = {}", fmt_num(ks.statistic), fmt_p(ks.p_value));
    if ks_sig && ks.statistic >= t.ks_drift_statistic {
        drift_reasons.push(ks_text);
    } else if ks_sig && ks.statistic >= t.ks_warning_statistic {
        warn_reasons.push(ks_text);
    }
    finish(&mut drift, drift_reasons, warn_reasons, || {
        format!("stable: PSI {}, KS D = {} (p = {})", fmt_num(psi.value), fmt_num(ks.statistic), fmt_p(ks.p_value))
    });
    (drift, bars)
}

/// Categorical drift from value counts.
pub fn categorical_drift(
    name: &str,
    r: &BTreeMap<String, u64>,
    c: &BTreeMap<String, u64>,
    t: &DriftThresholds,
) -> (ColumnDrift, DriftBars) {
    let bars = categorical_bars(r, c, 12);
    let rn: u64 = r.values().sum();
    let cn: u64 = c.values().sum();
    let mut drift = ColumnDrift {
        column: name.to_string(),
        kind: DriftKind::Categorical,
        reference_count: rn,
        current_count: cn,
        ks: None,
        psi: None,
        wasserstein: None,
        js: None,
        linf: None,
        chi2: None,
        new_categories: Vec::new(),
        vanished_categories: Vec::new(),
        severity: DriftSeverity::None,
        reason: String::new(),
        high_cardinality: None,
    };
    if rn == 0 || cn == 0 {
        drift.severity = DriftSeverity::Warning;
        drift.reason = empty_side_reason(rn as usize, cn as usize);
        return (drift, bars);
    }
    let (e, a) = aligned_counts(r, c);
    let psi = psi_from_counts(&e, &a);
    let l = linf_counts(&e, &a);
    let cols: Vec<(u64, u64)> = e.iter().zip(&a).map(|(&x, &y)| (x, y)).filter(|&(x, y)| x + y > 0).collect();
    let chi2 = chi2_2xk(&cols);
    let ef: Vec<f64> = e.iter().map(|&v| v as f64).collect();
    let af: Vec<f64> = a.iter().map(|&v| v as f64).collect();
    drift.js = Some(jensen_shannon(&ef, &af));
    drift.psi = Some(psi);
    drift.linf = Some(l);
    drift.chi2 = Some(chi2);

    // New and vanished categories, the most frequent first.
    let mut new: Vec<(&String, u64)> = c.iter().filter(|(k, _)| !r.contains_key(*k)).map(|(k, &v)| (k, v)).collect();
    let mut gone: Vec<(&String, u64)> = r.iter().filter(|(k, _)| !c.contains_key(*k)).map(|(k, &v)| (k, v)).collect();
    new.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(y.0)));
    gone.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(y.0)));
    let new_big = new.iter().filter(|(_, v)| *v as f64 / cn as f64 >= t.new_category_share).count();
    let gone_big = gone.iter().filter(|(_, v)| *v as f64 / rn as f64 >= t.new_category_share).count();
    drift.new_categories = new.iter().take(MAX_LISTED_CATEGORIES).map(|(k, _)| (*k).clone()).collect();
    drift.vanished_categories = gone.iter().take(MAX_LISTED_CATEGORIES).map(|(k, _)| (*k).clone()).collect();

    // An id-like column (nearly every value distinct on both sides: ids, emails) has one
    // category per row; PSI over its categories grows with the number of rows that differ
    // (each one-sided category costs ~ln(1/(n·ε))/n), so its severity would only say "the ids
    // changed". Its statistics are reported but not used for severity.
    if is_id_like(r.len(), rn) && is_id_like(c.len(), cn) {
        let new_values: u64 = new.iter().map(|(_, v)| v).sum();
        drift.reason = format!(
            "id-like column ({} distinct of {} values in the reference, {} of {} in the current): PSI, L∞ and χ² \
             are not used for severity; {:.1}% of current values are not in the reference",
            r.len(),
            rn,
            c.len(),
            cn,
            100.0 * new_values as f64 / cn as f64
        );
        drift.severity = DriftSeverity::None;
        return (drift, bars);
    }

    let nouns = ("category", "categories");
    let new_side = OneSided { listed: new_big > 0, n: new.len(), nouns };
    let gone_side = OneSided { listed: gone_big > 0, n: gone.len(), nouns };
    categorical_verdict(&mut drift, t, l, psi, &chi2, new_side, gone_side);
    (drift, bars)
}

/// Categories found on one side only, as a categorical verdict names them.
pub(crate) struct OneSided {
    /// Some of them pass the new-category share, so they are listed as a warning.
    pub listed: bool,
    pub n: usize,
    /// What they are called, singular and plural ("category", "categories").
    pub nouns: (&'static str, &'static str),
}

/// The severity and reason of a categorical column from its statistics (the exact comparison
/// and the high-cardinality one share it): drift when L∞ or PSI passes its drift threshold,
/// a warning at the warning thresholds, for a significant χ² with a visible L∞ (only when
/// nothing is drift), and for new or vanished values past their share; else stable.
pub(crate) fn categorical_verdict(
    drift: &mut ColumnDrift,
    t: &DriftThresholds,
    l: f64,
    psi: f64,
    chi2: &Chi2,
    new: OneSided,
    gone: OneSided,
) {
    let mut drift_reasons = Vec::new();
    let mut warn_reasons = Vec::new();
    if l >= t.linf_drift {
        drift_reasons.push(format!("L∞ {} ≥ {}", fmt_num(l), fmt_num(t.linf_drift)));
    } else if l >= t.linf_warning {
        warn_reasons.push(format!("L∞ {} ≥ {}", fmt_num(l), fmt_num(t.linf_warning)));
    }
    if psi >= t.psi_drift {
        drift_reasons.push(format!("PSI {} ≥ {}", fmt_num(psi), fmt_num(t.psi_drift)));
    } else if psi >= t.psi_warning {
        warn_reasons.push(format!("PSI {} ≥ {}", fmt_num(psi), fmt_num(t.psi_warning)));
    }
    if chi2.p_value < t.chi2_p_value && l >= t.linf_warning && drift_reasons.is_empty() {
        warn_reasons.push(format!("χ² = {} (dof {}), p = {}", fmt_num(chi2.statistic), chi2.dof, fmt_p(chi2.p_value)));
    }
    if new.listed {
        let (one, many) = new.nouns;
        warn_reasons.push(format!(
            "{} new {}: {}",
            new.n,
            plural(new.n, one, many),
            list(&drift.new_categories, new.n)
        ));
    }
    if gone.listed {
        let (one, many) = gone.nouns;
        warn_reasons.push(format!(
            "{} vanished {}: {}",
            gone.n,
            plural(gone.n, one, many),
            list(&drift.vanished_categories, gone.n)
        ));
    }
    finish(drift, drift_reasons, warn_reasons, || {
        format!("stable: L∞ {}, PSI {}, χ² p = {}", fmt_num(l), fmt_num(psi), fmt_p(chi2.p_value))
    });
}

/// Smallest number of values for a categorical column to count as id-like.
pub const ID_LIKE_MIN_VALUES: u64 = 50;

/// Whether `distinct` categories among `values` make a column look like an identifier (at least
/// 90% distinct, over at least [`ID_LIKE_MIN_VALUES`] values).
pub fn is_id_like(distinct: usize, values: u64) -> bool {
    values >= ID_LIKE_MIN_VALUES && distinct as f64 >= 0.9 * values as f64
}

pub(crate) fn finish(d: &mut ColumnDrift, drift: Vec<String>, warn: Vec<String>, stable: impl FnOnce() -> String) {
    if !drift.is_empty() {
        d.severity = DriftSeverity::Drift;
        let mut all = drift;
        all.extend(warn);
        d.reason = all.join("; ");
    } else if !warn.is_empty() {
        d.severity = DriftSeverity::Warning;
        d.reason = warn.join("; ");
    } else {
        d.severity = DriftSeverity::None;
        d.reason = stable();
    }
}

pub(crate) fn empty_side_reason(r: usize, c: usize) -> String {
    match (r, c) {
        (0, 0) => "no values on either side (all null)".to_string(),
        (0, _) => "the reference has no values (all null); drift not measured".to_string(),
        _ => "the current data has no values (all null); drift not measured".to_string(),
    }
}

pub(crate) fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}

pub(crate) fn list(names: &[String], total: usize) -> String {
    let shown: Vec<String> = names.iter().take(5).map(|n| format!("\"{n}\"")).collect();
    if total > shown.len() {
        format!("{} and {} more", shown.join(", "), total - shown.len())
    } else {
        shown.join(", ")
    }
}

/// A statistic with 3 significant decimals.
pub fn fmt_num(v: f64) -> String {
    if v == 0.0 {
        "0".to_string()
    } else if v.abs() >= 1000.0 || v.abs() < 0.001 {
        format!("{v:.3e}")
    } else {
        let s = format!("{v:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// A p-value: "< 1e-300" at the floor, scientific below 0.001.
pub fn fmt_p(p: f64) -> String {
    if p <= 0.0 {
        "< 1e-300".to_string()
    } else if p < 0.001 {
        format!("{p:.1e}")
    } else {
        format!("{p:.3}")
    }
}

fn numeric_bars(r: &[f64], c: &[f64], bins: usize) -> DriftBars {
    let min = r.first().into_iter().chain(c.first()).copied().fold(f64::INFINITY, f64::min);
    let max = r.last().into_iter().chain(c.last()).copied().fold(f64::NEG_INFINITY, f64::max);
    if !min.is_finite() || !max.is_finite() {
        return DriftBars { labels: Vec::new(), edges: Vec::new(), reference: Vec::new(), current: Vec::new() };
    }
    // Bins span the 1st to 99th percentiles of both sides, so a few far-out values do not squash
    // the chart into one bar; values outside fall in the end bins (labelled ≤ / ≥).
    let q = |p: f64| [r, c].iter().filter(|s| !s.is_empty()).map(|s| quantile_linear(s, p)).collect::<Vec<_>>();
    let lo_q = q(0.01).into_iter().fold(f64::INFINITY, f64::min);
    let hi_q = q(0.99).into_iter().fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = if hi_q > lo_q { (lo_q, hi_q) } else { (min, max) };
    let bins = if hi > lo { bins } else { 1 };
    let width = if hi > lo { (hi - lo) / bins as f64 } else { 1.0 };
    let edges: Vec<f64> =
        (0..=bins).map(|i| if i == bins { hi.max(lo + width) } else { lo + width * i as f64 }).collect();
    let count = |s: &[f64]| {
        let mut out = vec![0u64; bins];
        let mut start = 0usize;
        for (b, slot) in out.iter_mut().enumerate() {
            let end = if b + 1 == bins { s.len() } else { start + s[start..].partition_point(|&v| v < edges[b + 1]) };
            *slot = (end - start) as u64;
            start = end;
        }
        out
    };
    let labels = (0..bins)
        .map(|i| {
            if i == 0 && min < lo && bins > 1 {
                format!("≤{}", fmt_num(edges[1]))
            } else if i + 1 == bins && max > edges[bins] && bins > 1 {
                format!("≥{}", fmt_num(edges[i]))
            } else {
                format!("{}..{}", fmt_num(edges[i]), fmt_num(edges[i + 1]))
            }
        })
        .collect();
    DriftBars { labels, reference: count(r), current: count(c), edges }
}

fn categorical_bars(r: &BTreeMap<String, u64>, c: &BTreeMap<String, u64>, top: usize) -> DriftBars {
    let mut all: Vec<(&String, u64, u64)> = Vec::with_capacity(r.len().max(c.len()));
    merge_keys(r, c, |k, x, y| all.push((k, x, y)));
    all.sort_by(|x, y| (y.1 + y.2).cmp(&(x.1 + x.2)).then(x.0.cmp(y.0)));
    let mut labels = Vec::new();
    let mut rr = Vec::new();
    let mut cc = Vec::new();
    for (k, x, y) in all.iter().take(top) {
        labels.push((*k).clone());
        rr.push(*x);
        cc.push(*y);
    }
    if all.len() > top {
        labels.push("(other)".to_string());
        rr.push(all[top..].iter().map(|v| v.1).sum());
        cc.push(all[top..].iter().map(|v| v.2).sum());
    }
    DriftBars { labels, edges: Vec::new(), reference: rr, current: cc }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::{Float64Array, Int64Array, StringArray};

    fn counts(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
        pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    }

    #[test]
    fn linf_is_the_largest_frequency_gap() {
        let a = counts(&[("a", 50), ("b", 50)]);
        let b = counts(&[("a", 30), ("b", 50), ("c", 20)]);
        // a: 0.5 vs 0.3, b: 0.5 vs 0.5, c: 0 vs 0.2.
        assert!((linf(&a, &b) - 0.2).abs() < 1e-15);
    }

    #[test]
    fn psi_of_identical_samples_is_zero() {
        let v: Vec<f64> = (0..100).map(f64::from).collect();
        let p = psi_numeric(&v, &v, 10);
        assert_eq!(p.value, 0.0);
        assert_eq!(p.cuts.len(), 9);
        assert_eq!(p.expected.iter().sum::<u64>(), 100);
    }

    #[test]
    fn wasserstein_of_a_shift_is_the_shift() {
        let a = [0.0, 1.0, 2.0];
        let b = [5.0, 6.0, 7.0];
        assert!((wasserstein(&a, &b) - 5.0).abs() < 1e-12);
    }

    #[test]
    fn js_is_zero_for_equal_and_one_for_disjoint() {
        assert_eq!(jensen_shannon(&[1.0, 1.0], &[2.0, 2.0]), 0.0);
        assert!((jensen_shannon(&[1.0, 0.0], &[0.0, 1.0]) - 1.0).abs() < 1e-15);
    }

    #[test]
    fn shifted_numbers_drift_and_equal_ones_do_not() {
        let a = Float64Array::from((0..2000).map(|i| (i % 100) as f64).collect::<Vec<_>>());
        let b = Float64Array::from((0..2000).map(|i| (i % 100) as f64 + 30.0).collect::<Vec<_>>());
        let t = DriftThresholds::default();
        let d = column_drift("amount", &a, &b, &t);
        assert_eq!(d.kind, DriftKind::Numeric);
        assert_eq!(d.severity, DriftSeverity::Drift, "{}", d.reason);
        assert!((d.wasserstein.unwrap() - 30.0).abs() < 1e-9);
        let same = column_drift("amount", &a, &a, &t);
        assert_eq!(same.severity, DriftSeverity::None, "{}", same.reason);
    }

    #[test]
    fn a_new_category_is_reported() {
        let a = StringArray::from(vec![Some("x"); 500].into_iter().chain(vec![Some("y"); 500]).collect::<Vec<_>>());
        let b = StringArray::from(
            vec![Some("x"); 450]
                .into_iter()
                .chain(vec![Some("y"); 450])
                .chain(vec![Some("z"); 100])
                .collect::<Vec<_>>(),
        );
        let d = column_drift("segment", &a, &b, &DriftThresholds::default());
        assert_eq!(d.kind, DriftKind::Categorical);
        assert_eq!(d.new_categories, vec!["z".to_string()]);
        assert!(d.severity >= DriftSeverity::Warning);
        assert!(d.reason.contains("new category"), "{}", d.reason);
    }

    #[test]
    fn radix_sort_matches_total_cmp() {
        let mut v: Vec<f64> = (0..10_000).map(|i| ((i * 7919) % 10_007) as f64 - 5000.5).collect();
        v.extend([f64::INFINITY, f64::NEG_INFINITY, -0.0, 0.0, 1e-300, -1e300]);
        let mut want = v.clone();
        want.sort_unstable_by(f64::total_cmp);
        sort_f64(&mut v);
        assert_eq!(
            v.iter().map(|f| f.to_bits()).collect::<Vec<_>>(),
            want.iter().map(|f| f.to_bits()).collect::<Vec<_>>()
        );
    }

    #[test]
    fn ints_with_nulls_are_numeric_without_the_nulls() {
        let a = Int64Array::from(vec![Some(1), None, Some(3)]);
        assert_eq!(numeric_values(&a).unwrap(), vec![1.0, 3.0]);
    }
}
