//! Categorical drift without a string per row: the values of a column are counted by a 64-bit
//! hash of their text (with the first row of each, to show it), and a column with many distinct
//! values is compared over its most frequent ones plus three "other" groups, the way TensorFlow
//! Data Validation summarises a string feature by its 1000-bucket rank histogram.
//!
//! - At most [`EXACT_MAX_CATEGORIES`] distinct values on both sides together: every category
//!   is compared on its own, exactly as [`categorical_drift`] does with text counts (the
//!   hashes only save the strings).
//! - More: PSI, L∞, χ² and Jensen–Shannon are computed over [`TOP_K`] bins, the most frequent
//!   values of both sides together (ties in order of first appearance), and three groups for
//!   the rest: values on both sides, values only in the reference (vanished), values only in
//!   the current data (new). The shares of rows with a new or a vanished value are exact (they
//!   are part of the bins, so a changed value set moves L∞ and PSI), and so are the listed
//!   new and vanished values.
//!
//! Two different texts with the same 64-bit hash would be counted as one value; among a million
//! distinct values the chance of that is about 3·10⁻⁸.

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, StringArray};
use arrow_schema::DataType;

use crate::core::dataset::Dataset;
use crate::core::stats::drift::{
    categorical_drift, categorical_verdict, chi2_2xk, empty_side_reason, fmt_num, is_id_like, jensen_shannon,
    linf_counts, psi_from_counts, HighCardinality, OneSided, MAX_LISTED_CATEGORIES,
};
use crate::core::stats::{ColumnDrift, DriftBars, DriftKind, DriftSeverity, DriftThresholds};

use super::rows::hash_bytes;

/// Columns with at most this many distinct values (both sides together) compare every category.
pub const EXACT_MAX_CATEGORIES: usize = 1000;
/// Values compared one by one in a column with more distinct values (TFDV's default number of
/// rank-histogram buckets).
pub const TOP_K: usize = 1000;

/// The keys are already hashes: the map uses them as they are.
#[derive(Default)]
pub struct IdentityHasher(u64);

impl Hasher for IdentityHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
}

type HashCounts = HashMap<u64, Slot, BuildHasherDefault<IdentityHasher>>;

#[derive(Clone, Copy)]
struct Slot {
    count: u32,
    /// First row (over all batches) with this value.
    first: u32,
}

/// The non-null values of one column counted by the hash of their text.
pub struct Categories {
    /// Text of the values, one array per batch: strings as loaded, booleans, or the display
    /// text of other types.
    arrays: Vec<ArrayRef>,
    /// First row of each array.
    starts: Vec<u64>,
    counts: HashCounts,
    /// Non-null values.
    total: u64,
}

impl Categories {
    /// Counts column `col` of `d` (every batch).
    pub fn gather(d: &Dataset, col: usize, expect_distinct: usize) -> crate::core::error::Result<Categories> {
        let mut c = Categories {
            arrays: Vec::new(),
            starts: Vec::new(),
            counts: HashCounts::with_capacity_and_hasher(expect_distinct, Default::default()),
            total: 0,
        };
        let mut start = 0u64;
        for b in &d.batches {
            let a = text_array(b.column(col))?;
            c.count(&a, start);
            c.starts.push(start);
            start += a.len() as u64;
            c.arrays.push(a);
        }
        Ok(c)
    }

    fn add(&mut self, h: u64, row: u64) {
        self.counts.entry(h).or_insert(Slot { count: 0, first: row as u32 }).count += 1;
        self.total += 1;
    }

    fn count(&mut self, a: &ArrayRef, start: u64) {
        fn strings<'a>(c: &mut Categories, it: impl Iterator<Item = Option<&'a str>>, start: u64) {
            for (i, s) in it.enumerate() {
                if let Some(s) = s {
                    c.add(hash_bytes(s.as_bytes()), start + i as u64);
                }
            }
        }
        match a.data_type() {
            DataType::Utf8 => strings(self, a.as_string::<i32>().iter(), start),
            DataType::LargeUtf8 => strings(self, a.as_string::<i64>().iter(), start),
            DataType::Utf8View => strings(self, a.as_string_view().iter(), start),
            DataType::Boolean => {
                let b = a.as_boolean();
                for (text, value) in [("false", false), ("true", true)] {
                    let n = if value { b.true_count() } else { b.len() - b.null_count() - b.true_count() } as u64;
                    if n == 0 {
                        continue;
                    }
                    let first = (0..b.len()).find(|&i| b.is_valid(i) && b.value(i) == value).unwrap_or(0) as u64;
                    let slot = self
                        .counts
                        .entry(hash_bytes(text.as_bytes()))
                        .or_insert(Slot { count: 0, first: (start + first) as u32 });
                    slot.count += n as u32;
                    self.total += n;
                }
            }
            other => unreachable!("text_array gives text or booleans, not {other}"),
        }
    }

    /// Distinct values.
    pub fn distinct(&self) -> usize {
        self.counts.len()
    }

    /// The text of the value at row `row` (over all batches).
    fn text(&self, row: u64) -> String {
        let k = self.starts.partition_point(|&s| s <= row) - 1;
        let (a, i) = (&self.arrays[k], (row - self.starts[k]) as usize);
        match a.data_type() {
            DataType::Utf8 => a.as_string::<i32>().value(i).to_string(),
            DataType::LargeUtf8 => a.as_string::<i64>().value(i).to_string(),
            DataType::Utf8View => a.as_string_view().value(i).to_string(),
            DataType::Boolean => a.as_boolean().value(i).to_string(),
            other => unreachable!("text_array gives text or booleans, not {other}"),
        }
    }

    /// Counts by text (the form [`categorical_drift`] takes).
    pub fn to_text_counts(&self) -> BTreeMap<String, u64> {
        self.counts.values().map(|s| (self.text(u64::from(s.first)), u64::from(s.count))).collect()
    }
}

/// Strings and booleans as they are; any other type as the text [`category_counts`] gives it
/// (Arrow's display format).
///
/// [`category_counts`]: crate::core::stats::category_counts
fn text_array(a: &ArrayRef) -> crate::core::error::Result<ArrayRef> {
    use std::sync::Arc;
    Ok(match a.data_type() {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Boolean => Arc::clone(a),
        _ => {
            let options = arrow_cast::display::FormatOptions::default();
            let f = arrow_cast::display::ArrayFormatter::try_new(a.as_ref(), &options)?;
            // A value whose text cannot be written is left out, as `category_counts` does.
            let text = |i: usize| {
                use std::fmt::Write;
                let mut s = String::new();
                (a.is_valid(i) && write!(s, "{}", f.value(i)).is_ok()).then_some(s)
            };
            let texts: StringArray = (0..a.len()).map(text).collect();
            Arc::new(texts)
        }
    })
}

/// One value of either side: its counts and where it first appears (reference rows first).
#[derive(Clone, Copy)]
struct Merged {
    r: u64,
    c: u64,
    /// Sort key for ties: reference rows, then current rows, in row order.
    order: u64,
    first_r: Option<u64>,
    first_c: Option<u64>,
}

impl Merged {
    fn text(&self, r: &Categories, c: &Categories) -> String {
        match (self.first_r, self.first_c) {
            (Some(row), _) => r.text(row),
            (None, Some(row)) => c.text(row),
            (None, None) => String::new(),
        }
    }
}

/// Drift of one categorical column (see the module documentation for the method).
pub fn categorical_drift_hashed(
    name: &str,
    r: &Categories,
    c: &Categories,
    t: &DriftThresholds,
) -> (ColumnDrift, DriftBars) {
    let mut merged: Vec<Merged> = Vec::with_capacity(r.distinct().max(c.distinct()));
    for (h, s) in &r.counts {
        let other = c.counts.get(h);
        merged.push(Merged {
            r: u64::from(s.count),
            c: other.map_or(0, |o| u64::from(o.count)),
            order: u64::from(s.first),
            first_r: Some(u64::from(s.first)),
            first_c: other.map(|o| u64::from(o.first)),
        });
    }
    for (h, s) in &c.counts {
        if !r.counts.contains_key(h) {
            let first = u64::from(s.first);
            merged.push(Merged {
                r: 0,
                c: u64::from(s.count),
                order: (1 << 62) + first,
                first_r: None,
                first_c: Some(first),
            });
        }
    }
    if merged.len() <= EXACT_MAX_CATEGORIES {
        return categorical_drift(name, &r.to_text_counts(), &c.to_text_counts(), t);
    }
    top_k_drift(name, r, c, merged, t)
}

fn top_k_drift(
    name: &str,
    rc: &Categories,
    cc: &Categories,
    mut merged: Vec<Merged>,
    t: &DriftThresholds,
) -> (ColumnDrift, DriftBars) {
    let (rn, cn) = (rc.total, cc.total);
    let by_count = |x: &Merged, y: &Merged| (y.r + y.c).cmp(&(x.r + x.c)).then(x.order.cmp(&y.order));
    let k = TOP_K.min(merged.len());
    if merged.len() > k {
        merged.select_nth_unstable_by(k, by_count);
    }
    let (top, rest) = merged.split_at_mut(k);
    top.sort_unstable_by(by_count);

    // Bins: the top values, then the rest grouped as on both sides / only reference / only current.
    let (mut e, mut a): (Vec<u64>, Vec<u64>) = top.iter().map(|m| (m.r, m.c)).unzip();
    let (mut both, mut only_r, mut only_c) = ((0, 0), 0, 0);
    for m in rest.iter() {
        match (m.r, m.c) {
            (_, 0) => only_r += m.r,
            (0, _) => only_c += m.c,
            _ => {
                both.0 += m.r;
                both.1 += m.c;
            }
        }
    }
    e.extend([both.0, only_r, 0]);
    a.extend([both.1, 0, only_c]);

    let new_rows: u64 = top.iter().chain(rest.iter()).filter(|m| m.r == 0).map(|m| m.c).sum();
    let gone_rows: u64 = top.iter().chain(rest.iter()).filter(|m| m.c == 0).map(|m| m.r).sum();
    let all = || top.iter().chain(rest.iter());
    let hc = HighCardinality {
        reference_distinct: rc.distinct() as u64,
        current_distinct: cc.distinct() as u64,
        top_k: k,
        new_values: all().filter(|m| m.r == 0).count() as u64,
        vanished_values: all().filter(|m| m.c == 0).count() as u64,
        new_value_rate: if cn == 0 { 0.0 } else { new_rows as f64 / cn as f64 },
        vanished_value_rate: if rn == 0 { 0.0 } else { gone_rows as f64 / rn as f64 },
    };

    // Chart: the 12 most frequent values, then "(other)".
    let shown = 12.min(top.len());
    let mut bars = DriftBars {
        labels: top[..shown].iter().map(|m| m.text(rc, cc)).collect(),
        edges: Vec::new(),
        reference: top[..shown].iter().map(|m| m.r).collect(),
        current: top[..shown].iter().map(|m| m.c).collect(),
    };
    bars.labels.push("(other)".to_string());
    bars.reference.push(rn - bars.reference.iter().sum::<u64>());
    bars.current.push(cn - bars.current.iter().sum::<u64>());

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
        drift.high_cardinality = Some(hc);
        return (drift, bars);
    }
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

    // New and vanished values, the most frequent first (ties in order of first appearance).
    let listed = |side_new: bool| -> (Vec<String>, usize, usize) {
        let mut v: Vec<&Merged> = all().filter(|m| if side_new { m.r == 0 } else { m.c == 0 }).collect();
        let count = |m: &Merged| if side_new { m.c } else { m.r };
        let total = if side_new { cn } else { rn };
        let big = v.iter().filter(|m| count(m) as f64 / total as f64 >= t.new_category_share).count();
        let n = v.len();
        let by = |x: &&Merged, y: &&Merged| count(y).cmp(&count(x)).then(x.order.cmp(&y.order));
        if v.len() > MAX_LISTED_CATEGORIES {
            v.select_nth_unstable_by(MAX_LISTED_CATEGORIES, by);
            v.truncate(MAX_LISTED_CATEGORIES);
        }
        v.sort_unstable_by(by);
        (v.iter().map(|m| m.text(rc, cc)).collect(), n, big)
    };
    let (new_names, new_n, new_big) = listed(true);
    let (gone_names, gone_n, gone_big) = listed(false);
    drift.new_categories = new_names;
    drift.vanished_categories = gone_names;

    let method = format!(
        "{} distinct values ({} in the reference, {} in the current data): compared over the {k} most frequent and \
         3 groups of the rest; {} of current values are new, {} of reference values vanished",
        all().count(),
        hc.reference_distinct,
        hc.current_distinct,
        pct(hc.new_value_rate),
        pct(hc.vanished_value_rate)
    );
    drift.high_cardinality = Some(hc);

    // Id-like (nearly every value distinct on both sides): the statistics only say "the ids
    // changed", so they are reported but not used for severity.
    if is_id_like(rc.distinct(), rn) && is_id_like(cc.distinct(), cn) {
        drift.reason = format!(
            "id-like column ({} distinct of {} values in the reference, {} of {} in the current): PSI, L∞ and χ² \
             are not used for severity; {:.1}% of current values are not in the reference",
            rc.distinct(),
            rn,
            cc.distinct(),
            cn,
            100.0 * new_rows as f64 / cn as f64
        );
        return (drift, bars);
    }

    let nouns = ("value", "values");
    let new_side = OneSided { listed: new_big > 0, n: new_n, nouns };
    let gone_side = OneSided { listed: gone_big > 0, n: gone_n, nouns };
    categorical_verdict(&mut drift, t, l, psi, &chi2, new_side, gone_side);
    drift.reason = format!("{}; {method}", drift.reason);
    (drift, bars)
}

/// A share as a percentage with up to 3 significant digits ("0.0042%", "12.5%").
fn pct(x: f64) -> String {
    format!("{}%", fmt_num(x * 100.0))
}
