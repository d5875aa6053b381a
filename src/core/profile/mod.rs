//! Profile: per-column statistics from mergeable accumulators, relations between columns
//! (correlations, dependencies, leakage, missingness), and quality alerts that explain
//! themselves. Memory is bounded by the number of columns, except the row hashes used to find
//! exact duplicates (8 bytes a row) and the capped exact value counts.

pub mod accum;
mod alerts;
mod columns;
mod formats;
mod relations;
pub mod sketch;
pub mod text;

use arrow_array::RecordBatch;
use arrow_cast::display::{ArrayFormatter, FormatOptions};
use serde::{Deserialize, Serialize};

use crate::core::dataset::Dataset;
use crate::core::error::Result;

pub use accum::{Kind, TemporalUnit, EXACT_DISTINCT_CAP, SEGMENTS};
pub use alerts::{Alert, AlertKind, Severity};
pub use formats::{format_sizes, CodecSize, ColumnBytes, FormatSizes};
pub use text::Shape;

use accum::{ColumnAccumulator, ColumnView};

/// What the user can choose about a profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfileOptions {
    /// The column a model would predict; leakage is checked against it. `None`: guess from names.
    #[serde(default)]
    pub label: Option<String>,
    /// How many top values to list per column.
    #[serde(default = "default_top_k")]
    pub top_k: usize,
}

fn default_top_k() -> usize {
    10
}

impl Default for ProfileOptions {
    fn default() -> Self {
        ProfileOptions { label: None, top_k: default_top_k() }
    }
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    pub dataset: String,
    pub rows: u64,
    pub columns: Vec<ColumnProfile>,
    pub missing_cells: u64,
    pub duplicate_rows: u64,
    pub missingness: Missingness,
    pub correlations: Correlations,
    /// The label column leakage was checked against, and whether it was guessed.
    pub label: Option<String>,
    pub label_guessed: bool,
    pub alerts: Vec<Alert>,
    /// How figures were computed where it matters (sketches, samples).
    pub method_notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnProfile {
    pub name: String,
    pub data_type: String,
    pub kind: Kind,
    pub rows: u64,
    pub nulls: u64,
    pub null_fraction: f64,
    /// NaN and ±infinity in float columns.
    pub non_finite: u64,
    pub distinct: u64,
    pub distinct_estimated: bool,
    pub min: Option<String>,
    pub max: Option<String>,
    pub mean: Option<f64>,
    pub std: Option<f64>,
    pub skewness: Option<f64>,
    pub zeros: u64,
    pub negatives: u64,
    pub quantiles: Vec<Quantile>,
    /// "exact", or the sketch's error bound in words.
    pub quantile_accuracy: String,
    pub histogram: Option<Histogram>,
    pub top: Vec<TopValue>,
    pub top_exact: bool,
    pub length: Option<LengthStats>,
    pub patterns: Vec<PatternCount>,
    pub outliers: Option<Outliers>,
    pub id_like: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quantile {
    pub p: f64,
    pub value: f64,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Histogram {
    pub bins: Vec<Bin>,
    /// Values left of the first bin and right of the last (outliers beyond the shown range).
    pub below: u64,
    pub above: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bin {
    pub lo: f64,
    pub hi: f64,
    pub count: u64,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopValue {
    pub value: String,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LengthStats {
    pub min: u64,
    pub mean: f64,
    pub max: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PatternCount {
    pub shape: Shape,
    pub label: String,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outliers {
    pub q1: f64,
    pub q3: f64,
    /// Values outside Q1 − 1.5·IQR … Q3 + 1.5·IQR.
    pub iqr_mild: u64,
    /// Values outside Q1 − 3·IQR … Q3 + 3·IQR.
    pub iqr_extreme: u64,
    /// Values more than three standard deviations from the mean.
    pub z_above_3: u64,
    /// The most extreme rows: (row, value as text).
    pub examples: Vec<(u64, String)>,
}

/// Share of missing cells per column in equal segments of rows, top to bottom.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Missingness {
    pub segment_rows: Vec<u64>,
    pub columns: Vec<String>,
    pub fractions: Vec<Vec<f64>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Correlations {
    pub numeric_columns: Vec<String>,
    pub pearson: Vec<Vec<Option<f64>>>,
    pub spearman: Vec<Vec<Option<f64>>>,
    /// Rows Spearman was computed on (a systematic sample on large tables).
    pub spearman_rows: u64,
    pub categorical_columns: Vec<String>,
    pub cramers_v: Vec<Vec<Option<f64>>>,
}

/// The table seen through the accumulators' eyes: per batch, one view per column.
pub(crate) struct Table<'a> {
    pub dataset: &'a Dataset,
    pub kinds: Vec<(Kind, Option<TemporalUnit>)>,
    pub views: Vec<Vec<ColumnView>>,
    pub offsets: Vec<u64>,
    pub rows: u64,
    /// Numeric and temporal columns as one f64 per row (NaN where missing), built on first use.
    nums: Vec<std::cell::OnceCell<Vec<f64>>>,
}

impl<'a> Table<'a> {
    fn new(dataset: &'a Dataset) -> Self {
        let kinds: Vec<_> = dataset.schema.fields().iter().map(|f| accum::kind_of(f.data_type())).collect();
        let mut offsets = Vec::with_capacity(dataset.batches.len());
        let mut rows = 0;
        let views = dataset
            .batches
            .iter()
            .map(|b| {
                offsets.push(rows);
                rows += b.num_rows() as u64;
                b.columns().iter().zip(&kinds).map(|(c, (k, _))| ColumnView::new(c, *k)).collect()
            })
            .collect();
        let nums = kinds.iter().map(|_| std::cell::OnceCell::new()).collect();
        Table { dataset, kinds, views, offsets, rows, nums }
    }

    /// Column `c` as numbers, NaN where missing (or not a number).
    pub fn numbers(&self, c: usize) -> &[f64] {
        self.nums[c].get_or_init(|| {
            let mut out = Vec::with_capacity(self.rows as usize);
            for views in &self.views {
                let v = &views[c];
                out.extend((0..v.len()).map(|i| v.number(i).unwrap_or(f64::NAN)));
            }
            out
        })
    }

    pub fn width(&self) -> usize {
        self.kinds.len()
    }

    pub fn name(&self, c: usize) -> &str {
        self.dataset.schema.field(c).name()
    }

    /// (batch, index in batch) of a table row.
    pub fn locate(&self, row: u64) -> (usize, usize) {
        let b = self.offsets.partition_point(|&o| o <= row).saturating_sub(1);
        (b, (row - self.offsets[b]) as usize)
    }

    /// One cell as display text; `None` for null.
    pub fn cell(&self, row: u64, c: usize) -> Option<String> {
        let (b, i) = self.locate(row);
        format_cell(&self.dataset.batches[b], c, i)
    }

    /// Calls `f(row, view_of_column, index)` for every row, batch by batch.
    pub fn for_each_batch(&self, c: usize, mut f: impl FnMut(u64, &ColumnView)) {
        for (b, views) in self.views.iter().enumerate() {
            f(self.offsets[b], &views[c]);
        }
    }
}

fn format_cell(batch: &RecordBatch, c: usize, i: usize) -> Option<String> {
    let col = batch.column(c);
    if col.is_null(i) {
        return None;
    }
    let options = FormatOptions::default();
    Some(match ArrayFormatter::try_new(col.as_ref(), &options) {
        Ok(f) => f.value(i).to_string(),
        Err(e) => format!("(cannot display: {e})"),
    })
}

use arrow_array::Array;

/// Per-part wall times, printed to stderr when `STRATA_PROFILE_TIMINGS` is set (native only):
/// what a speed change is measured against.
struct Timings {
    #[cfg(not(target_arch = "wasm32"))]
    last: Option<std::time::Instant>,
}

impl Timings {
    fn start() -> Self {
        Timings {
            #[cfg(not(target_arch = "wasm32"))]
            last: std::env::var_os("STRATA_PROFILE_TIMINGS").map(|_| std::time::Instant::now()),
        }
    }
    fn lap(&mut self, _part: &str) {
        #[cfg(not(target_arch = "wasm32"))]
        if let Some(last) = &mut self.last {
            let now = std::time::Instant::now();
            eprintln!("profile timing: {_part:<24} {:>8.1} ms", (now - *last).as_secs_f64() * 1e3);
            *last = now;
        }
    }
}

/// Profiles a dataset: one pass of accumulators, then the relations and alerts.
pub fn profile(dataset: &Dataset, options: &ProfileOptions) -> Result<Profile> {
    let mut timings = Timings::start();
    let table = Table::new(dataset);
    timings.lap("views");
    let n = table.rows;
    let mut accs: Vec<ColumnAccumulator> = table.kinds.iter().map(|(k, _)| ColumnAccumulator::new(*k)).collect();
    let mut row_hashes = vec![0u64; n as usize];
    for (b, views) in table.views.iter().enumerate() {
        let start = table.offsets[b] as usize;
        let len = dataset.batches[b].num_rows();
        for (acc, view) in accs.iter_mut().zip(views) {
            acc.add(view, start as u64, n, &mut row_hashes[start..start + len]);
        }
    }
    timings.lap("first pass");
    let (duplicate_rows, duplicate_examples) = duplicate_rows(&row_hashes);
    drop(row_hashes);
    timings.lap("duplicate rows");

    let mut columns: Vec<ColumnProfile> =
        (0..table.width()).map(|c| columns::finish(&table, c, &accs[c], options.top_k)).collect();
    timings.lap("finish columns");
    columns::second_pass(&table, &mut columns, &accs);
    timings.lap("second pass");

    let missing_cells = columns.iter().map(|c| c.nulls).sum();
    let missingness = Missingness {
        segment_rows: accs.first().map(|a| a.segment_rows.clone()).unwrap_or_default(),
        columns: columns.iter().map(|c| c.name.clone()).collect(),
        fractions: accs
            .iter()
            .map(|a| {
                a.segment_nulls
                    .iter()
                    .zip(&a.segment_rows)
                    .map(|(&m, &r)| if r == 0 { 0.0 } else { m as f64 / r as f64 })
                    .collect()
            })
            .collect(),
    };
    let codes = relations::Codes::take(&mut accs);
    let correlations = relations::correlations(&table, &columns, &codes);
    timings.lap("correlations");
    let (label, label_guessed) = relations::choose_label(&table, &columns, options.label.as_deref());
    let mut alerts = Vec::new();
    alerts::missing(&table, &columns, &codes, &mut alerts);
    timings.lap("alerts: missing");
    alerts::inconsistent(&table, &columns, &accs, &mut alerts);
    timings.lap("alerts: inconsistent");
    alerts::duplicates(&table, &columns, duplicate_rows, &duplicate_examples, &mut alerts);
    timings.lap("alerts: duplicates");
    alerts::outliers(&columns, &mut alerts);
    timings.lap("alerts: outliers");
    alerts::redundant(&table, &columns, &correlations, &codes, &mut alerts);
    timings.lap("alerts: redundant");
    alerts::constant(&columns, &mut alerts);
    timings.lap("alerts: constant");
    if let Some(label) = &label {
        alerts::leakage(&table, &columns, &codes, label, &mut alerts);
    }
    timings.lap("alerts: leakage");
    let mut method_notes = vec![format!(
        "Distinct values and quantiles are exact up to {EXACT_DISTINCT_CAP} distinct values per column; beyond that distinct counts are HyperLogLog estimates (±{:.1}% standard error) and quantiles come from a sketch ({}).",
        sketch::HLL_STANDARD_ERROR * 100.0,
        "numbers within 0.4% of the true value; dates within one bucket of range/2,048"
    )];
    if correlations.spearman_rows < n {
        method_notes.push(format!(
            "Spearman correlations use a systematic sample of {} of the {} rows.",
            correlations.spearman_rows, n
        ));
    }
    method_notes.push(
        "Exact duplicate rows are found by a 64-bit hash of every row (a false match among a million rows has a chance of about 1 in 30 million).".into(),
    );
    Ok(Profile {
        dataset: dataset.name.clone(),
        rows: n,
        columns,
        missing_cells,
        duplicate_rows,
        missingness,
        correlations,
        label,
        label_guessed,
        alerts,
        method_notes,
    })
}

/// Rows that repeat an earlier row exactly: how many, and (row, first row) examples.
fn duplicate_rows(row_hashes: &[u64]) -> (u64, Vec<(u64, u64)>) {
    repeats(row_hashes, |_| true, 10)
}

/// Entries of `hashes` (for which `keep` holds) equal to an earlier one: their number, and up
/// to `max_examples` (index, index of the first occurrence). Sorting finds the count without a
/// hash table the size of the column; only repeated hashes are then located.
pub(crate) fn repeats(hashes: &[u64], keep: impl Fn(usize) -> bool, max_examples: usize) -> (u64, Vec<(u64, u64)>) {
    let mut sorted: Vec<u64> = hashes.iter().enumerate().filter(|(i, _)| keep(*i)).map(|(_, &h)| h).collect();
    sorted.sort_unstable();
    let mut repeated = Vec::new();
    let mut count = 0u64;
    for w in sorted.windows(2) {
        if w[0] == w[1] {
            count += 1;
            if repeated.last() != Some(&w[0]) && repeated.len() < max_examples {
                repeated.push(w[0]);
            }
        }
    }
    let mut examples = Vec::new();
    if count > 0 {
        let mut first: accum::PrehashedMap<u64> = accum::PrehashedMap::default();
        for (i, &h) in hashes.iter().enumerate() {
            if examples.len() >= max_examples {
                break;
            }
            if !keep(i) || repeated.binary_search(&h).is_err() {
                continue;
            }
            match first.get(&h) {
                Some(&f) => examples.push((i as u64, f)),
                None => {
                    first.insert(h, i as u64);
                }
            }
        }
    }
    (count, examples)
}
