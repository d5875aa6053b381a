//! Turning a column's accumulator into its report, and the second pass over numeric and
//! temporal columns that needs the first pass's quantiles (histograms, outlier fences).

use super::accum::{quantile_from_counts, ColumnAccumulator, Kind};
use super::text::{Shape, SHAPES};
use super::{Bin, ColumnProfile, Histogram, LengthStats, Outliers, PatternCount, Quantile, Table, TopValue};

/// The quantiles every numeric and temporal column reports.
pub const QUANTILES: [f64; 7] = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99];
const BINS: usize = 24;

/// A number for people: whole numbers plainly, others to four decimals or in scientific form.
pub fn fmt_num(x: f64) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    if x.fract() == 0.0 && x.abs() < 1e15 {
        return format!("{}", x as i64);
    }
    if x.abs() >= 1e9 || x.abs() < 1e-3 {
        return format!("{x:.3e}");
    }
    let s = format!("{x:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

pub fn finish(table: &Table, c: usize, acc: &ColumnAccumulator, top_k: usize) -> ColumnProfile {
    let field = table.dataset.schema.field(c);
    let (kind, unit) = table.kinds[c].clone();
    let (distinct, distinct_estimated) = acc.distinct();
    let non_null = acc.non_null();
    let numeric = matches!(kind, Kind::Integer | Kind::Float);
    let text_of = |v: f64| match (&kind, &unit) {
        (Kind::Temporal, Some(u)) => u.format(v.round() as i64),
        _ => fmt_num(v),
    };
    let has_numbers = (numeric && acc.moments.n > 0) || (kind == Kind::Temporal && non_null > 0);
    let (min, max) = if has_numbers { (Some(text_of(acc.min)), Some(text_of(acc.max))) } else { (None, None) };

    let mut quantiles = Vec::new();
    let mut quantile_accuracy = String::new();
    if has_numbers {
        if let Some(counts) = acc.exact_numbers() {
            quantile_accuracy = "exact".into();
            for p in QUANTILES {
                if let Some(v) = quantile_from_counts(&counts, p) {
                    quantiles.push(Quantile { p, value: v, text: text_of(v) });
                }
            }
        } else if let Some(s) = &acc.log_sketch {
            quantile_accuracy = "sketch: within 0.4% of the true value".into();
            for p in QUANTILES {
                if let Some(v) = s.quantile(p) {
                    quantiles.push(Quantile { p, value: v, text: text_of(v) });
                }
            }
        } else if let Some(s) = &acc.linear_sketch {
            let width = s.bucket_width() as f64;
            let per_day = unit.as_ref().map(|u| u.per_day()).unwrap_or(1.0);
            quantile_accuracy = format!("sketch: within {} day(s)", fmt_num((width / per_day * 100.0).ceil() / 100.0));
            for p in QUANTILES {
                if let Some(v) = s.quantile(p) {
                    quantiles.push(Quantile { p, value: v as f64, text: text_of(v as f64) });
                }
            }
        }
    }

    let mut entries: Vec<_> = acc.values.values().collect();
    entries.sort_by(|a, b| b.count.cmp(&a.count).then(a.first_row.cmp(&b.first_row)));
    let top = entries
        .iter()
        .take(top_k)
        .map(|e| TopValue { value: table.cell(e.first_row, c).unwrap_or_default(), count: e.count })
        .collect();

    let length = (kind == Kind::Text && non_null > 0).then(|| LengthStats {
        min: acc.len_min,
        mean: acc.len_sum as f64 / non_null as f64,
        max: acc.len_max,
    });
    let mut patterns: Vec<PatternCount> = SHAPES
        .iter()
        .zip(&acc.shapes)
        .filter(|(s, &n)| n > 0 && **s != Shape::Other)
        .map(|(s, &n)| PatternCount { shape: *s, label: s.describe().to_string(), count: n })
        .collect();
    patterns.sort_by(|a, b| b.count.cmp(&a.count).then(a.shape.cmp(&b.shape)));

    let name = field.name().clone();
    let ratio = if non_null == 0 { 0.0 } else { distinct as f64 / non_null as f64 };
    let lower = name.to_lowercase();
    let named_id = lower == "id" || lower.ends_with("_id") || lower.ends_with("id") && lower.len() <= 6;
    let id_like = matches!(kind, Kind::Integer | Kind::Text)
        && non_null >= 10
        && (ratio >= 0.99 || (named_id && ratio >= 0.5) || (lower == "id" && ratio >= 0.2));

    ColumnProfile {
        name,
        data_type: field.data_type().to_string(),
        kind,
        rows: acc.rows,
        nulls: acc.nulls,
        null_fraction: if acc.rows == 0 { 0.0 } else { acc.nulls as f64 / acc.rows as f64 },
        non_finite: acc.non_finite,
        distinct,
        distinct_estimated,
        min,
        max,
        mean: (numeric && acc.moments.n > 0).then_some(acc.moments.mean),
        std: if numeric { acc.moments.std() } else { None },
        skewness: if numeric { acc.moments.skewness() } else { None },
        zeros: acc.zeros,
        negatives: acc.negatives,
        quantiles,
        quantile_accuracy,
        histogram: None,
        top,
        top_exact: !acc.overflowed,
        length,
        patterns,
        outliers: None,
        id_like,
    }
}

fn quantile(p: &ColumnProfile, q: f64) -> Option<f64> {
    p.quantiles.iter().find(|x| x.p == q).map(|x| x.value)
}

/// Histograms for numeric and temporal columns; outlier counts (IQR fences, |z| > 3) for numeric.
pub fn second_pass(table: &Table, columns: &mut [ColumnProfile], accs: &[ColumnAccumulator]) {
    for (c, col) in columns.iter_mut().enumerate() {
        let numeric = matches!(col.kind, Kind::Integer | Kind::Float);
        if !(numeric || col.kind == Kind::Temporal) || col.quantiles.is_empty() {
            continue;
        }
        let unit = table.kinds[c].1.clone();
        let text_of = |v: f64| match &unit {
            Some(u) => u.format(v.round() as i64),
            None => fmt_num(v),
        };
        let (q1, q3, median) =
            (quantile(col, 0.25).unwrap(), quantile(col, 0.75).unwrap(), quantile(col, 0.5).unwrap());
        let iqr = q3 - q1;
        let (min, max) = (accs[c].min, accs[c].max);
        // Extreme outliers would squeeze every other value into one bar: show the range inside
        // the 3·IQR fences and count what lies beyond.
        let (mut lo, mut hi) = (min, max);
        if numeric && iqr > 0.0 {
            lo = lo.max(q1 - 3.0 * iqr);
            hi = hi.min(q3 + 3.0 * iqr);
        }
        let integer_bins = col.kind != Kind::Float && hi - lo < BINS as f64;
        let bins = if integer_bins { (hi - lo) as usize + 1 } else { BINS };
        let width = if integer_bins { 1.0 } else { ((hi - lo) / bins as f64).max(f64::MIN_POSITIVE) };
        let mut counts = vec![0u64; bins];
        let (mut below, mut above) = (0, 0);
        let (mild_lo, mild_hi) = (q1 - 1.5 * iqr, q3 + 1.5 * iqr);
        let (ext_lo, ext_hi) = (q1 - 3.0 * iqr, q3 + 3.0 * iqr);
        let (mean, std) = (col.mean.unwrap_or(0.0), col.std.unwrap_or(0.0));
        let (mut mild, mut extreme, mut z3) = (0, 0, 0);
        let examples: Vec<(f64, u64, f64)> = Vec::new();
        let bin = |x: f64| {
            let b = if integer_bins { (x - lo).round() as usize } else { ((x - lo) / width) as usize };
            b.min(bins - 1)
        };
        // Columns with exact value counts: the histogram and the outlier counts come from the
        // counts (they depend on the value alone); rows are read only for outlier examples.
        let exact = accs[c].exact_numbers();
        if let Some(pairs) = &exact {
            for &(x, n) in pairs {
                if x < lo {
                    below += n;
                } else if x > hi {
                    above += n;
                } else {
                    counts[bin(x)] += n;
                }
                if !numeric {
                    continue;
                }
                if iqr > 0.0 && (x < mild_lo || x > mild_hi) {
                    mild += n;
                    extreme += if x < ext_lo || x > ext_hi { n } else { 0 };
                }
                if std > 0.0 && ((x - mean) / std).abs() > 3.0 {
                    z3 += n;
                }
            }
        }
        // Dates and times have no outlier figures: with exact counts no row is read.
        let read_rows = match &exact {
            Some(_) => numeric && mild > 0,
            None => true,
        };
        let count_rows = exact.is_none();
        let mut rows = RowTally {
            lo,
            hi,
            width,
            integer_bins,
            iqr,
            mild: (mild_lo, mild_hi),
            extreme: (ext_lo, ext_hi),
            mean,
            std,
            median,
            numeric,
            count_rows,
            counts,
            below,
            above,
            n_mild: mild,
            n_extreme: extreme,
            z3,
            examples,
        };
        // Short runs of the column as numbers: one small buffer, never the whole column.
        let mut buf = Vec::new();
        for (b, start, len) in table.pieces(4096).filter(|_| read_rows) {
            table.batch_numbers(b, c, start..start + len, &mut buf);
            rows.add(&buf, table.offsets[b] + start as u64);
        }
        let RowTally { counts, below, above, n_mild: mild, n_extreme: extreme, z3, examples, .. } = rows;
        col.histogram = Some(Histogram {
            bins: counts
                .iter()
                .enumerate()
                .map(|(i, &count)| {
                    let (a, b) = if integer_bins {
                        (lo + i as f64, lo + i as f64)
                    } else {
                        (lo + i as f64 * width, lo + (i + 1) as f64 * width)
                    };
                    let label = if integer_bins { text_of(a) } else { format!("{} – {}", text_of(a), text_of(b)) };
                    Bin { lo: a, hi: b, count, label }
                })
                .collect(),
            below,
            above,
        });
        if numeric {
            col.outliers = Some(Outliers {
                q1,
                q3,
                iqr_mild: mild,
                iqr_extreme: extreme,
                z_above_3: z3,
                examples: examples.iter().map(|&(_, row, x)| (row, text_of(x))).collect(),
            });
        }
    }
}

/// The second pass's figures over rows, a short run at a time.
struct RowTally {
    lo: f64,
    hi: f64,
    width: f64,
    integer_bins: bool,
    iqr: f64,
    mild: (f64, f64),
    extreme: (f64, f64),
    mean: f64,
    std: f64,
    median: f64,
    numeric: bool,
    /// Histogram and outlier counts from the rows (else they came from exact value counts
    /// and only the outlier examples are looked for).
    count_rows: bool,
    counts: Vec<u64>,
    below: u64,
    above: u64,
    n_mild: u64,
    n_extreme: u64,
    z3: u64,
    examples: Vec<(f64, u64, f64)>,
}

impl RowTally {
    /// Adds a run of values (NaN where missing), the first of which is row `first`. Kept out
    /// of line on purpose: wasm engines optimize a function after some calls (a loop inside a
    /// function called once would run unoptimized throughout).
    #[inline(never)]
    fn add(&mut self, values: &[f64], first: u64) {
        let bins = self.counts.len();
        for (i, &x) in values.iter().enumerate() {
            if x.is_nan() {
                continue;
            }
            if self.count_rows {
                if x < self.lo {
                    self.below += 1;
                } else if x > self.hi {
                    self.above += 1;
                } else {
                    let b = if self.integer_bins {
                        (x - self.lo).round() as usize
                    } else {
                        ((x - self.lo) / self.width) as usize
                    };
                    self.counts[b.min(bins - 1)] += 1;
                }
            }
            if !self.numeric {
                continue;
            }
            if self.iqr > 0.0 && (x < self.mild.0 || x > self.mild.1) {
                if self.count_rows {
                    self.n_mild += 1;
                    self.n_extreme += u64::from(x < self.extreme.0 || x > self.extreme.1);
                }
                let d = (x - self.median).abs();
                let examples = &mut self.examples;
                if examples.len() < 5 || d > examples[examples.len() - 1].0 {
                    examples.push((d, first + i as u64, x));
                    examples.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
                    examples.truncate(5);
                }
            }
            if self.count_rows && self.std > 0.0 && ((x - self.mean) / self.std).abs() > 3.0 {
                self.z3 += 1;
            }
        }
    }
}
