//! Profile: per-column statistics from mergeable accumulators, relations between columns
//! (correlations, dependencies, leakage, missingness), and quality alerts that explain
//! themselves.
//!
//! Memory: per column, capped exact value counts (at most `EXACT_DISTINCT_CAP` distinct values),
//! sketches and at most `RELATION_SAMPLE_ROWS` sampled numbers and category codes; passes over
//! every row read the batches a short run at a time. Repeats are counted exactly up to
//! `EXACT_REPEAT_ROWS` rows (16 bytes a row at the peak: row hashes and a sorted copy) and on a
//! hash sample of at most `SAMPLE_CAP` distinct hashes beyond that (see [`repeats`]); the
//! repeated-identifier check of an integer column uses a bitmap over its range only while that
//! range is under `MAX_ID_BITMAP_BITS` (16 MB). Columns are read through views that share their
//! buffers (Int64, Float64, Utf8, dates, timestamps, booleans); a column that needs a converted
//! copy (Int32 as Int64, dictionary text as Utf8…) is converted a piece at a time where it is
//! read (see [`Table::view`]), never whole.

pub mod accum;
mod alerts;
mod columns;
mod formats;
mod relations;
mod repeats;
pub mod sketch;
pub mod text;

use std::borrow::Cow;

use arrow_array::RecordBatch;
use arrow_cast::display::{ArrayFormatter, FormatOptions};
use serde::{Deserialize, Serialize};

use crate::core::dataset::Dataset;
use crate::core::error::Result;

pub use accum::{Kind, TemporalUnit, EXACT_DISTINCT_CAP, SEGMENTS};
pub use alerts::{Alert, AlertKind, Severity};
pub use formats::{format_sizes, CodecSize, ColumnBytes, FormatSizes};
pub(crate) use repeats::{count_groups, repeat_examples, repeats, HashSample, RepeatLimits, Repeats};
pub use repeats::{Estimate, EXACT_REPEAT_ROWS, SAMPLE_CAP};
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
    /// Set when `duplicate_rows` is estimated (tables of more than `EXACT_REPEAT_ROWS` rows).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplicate_rows_estimate: Option<Estimate>,
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
    /// Rows Pearson's r and Cramér's V were computed on (a random sample on large tables).
    #[serde(default)]
    pub sampled_rows: u64,
}

/// The table seen through the accumulators' eyes: per batch, one view per column.
pub(crate) struct Table<'a> {
    pub dataset: &'a Dataset,
    pub kinds: Vec<(Kind, Option<TemporalUnit>)>,
    /// Per batch and column, the view where it shares the column's buffers; `None` where the
    /// view is a converted copy (an Int32 or Decimal column, say), made on each use instead so
    /// that no copy of a whole column lives through the profile (see [`Table::view`]).
    views: Vec<Vec<Option<ColumnView>>>,
    pub offsets: Vec<u64>,
    pub rows: u64,
    /// The rows relations between columns are computed on (`None`: every row); see `RowSample`.
    pub sample: Option<Vec<u32>>,
    /// Numeric and temporal columns as one f64 per sampled row (NaN where missing), built on
    /// first use. Nothing is kept for every row: passes over all rows read the batches.
    sampled_nums: Vec<std::cell::OnceCell<Vec<f64>>>,
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
                b.columns()
                    .iter()
                    .zip(&kinds)
                    .map(|(c, (k, _))| ColumnView::shares_buffers(c.data_type(), *k).then(|| ColumnView::new(c, *k)))
                    .collect()
            })
            .collect();
        let sampled_nums = kinds.iter().map(|_| std::cell::OnceCell::new()).collect();
        let sample = relation_sample(rows, RELATION_SAMPLE_ROWS);
        Table { dataset, kinds, views, offsets, rows, sample, sampled_nums }
    }

    /// Column `c` of batch `b` as the accumulators read it.
    pub fn view(&self, b: usize, c: usize) -> Cow<'_, ColumnView> {
        match &self.views[b][c] {
            Some(v) => Cow::Borrowed(v),
            None => Cow::Owned(ColumnView::new(self.dataset.batches[b].column(c), self.kinds[c].0)),
        }
    }

    /// Rows `from..from + len` of that view, converting only those rows where it is a copy.
    pub fn view_part(&self, b: usize, c: usize, from: usize, len: usize) -> Cow<'_, ColumnView> {
        match &self.views[b][c] {
            Some(v) if from == 0 && len == v.len() => Cow::Borrowed(v),
            Some(v) => Cow::Owned(v.slice(from, len)),
            None => Cow::Owned(ColumnView::new(&self.dataset.batches[b].column(c).slice(from, len), self.kinds[c].0)),
        }
    }

    /// How many batches the table has.
    pub fn batches(&self) -> usize {
        self.offsets.len()
    }

    /// How many rows the relations between columns are computed on.
    pub fn sample_rows(&self) -> u64 {
        self.sample.as_ref().map_or(self.rows, |s| s.len() as u64)
    }

    /// Column `c` as numbers at the sampled rows (every row when there is no sample), NaN where
    /// missing or not a finite number.
    pub fn sampled_numbers(&self, c: usize) -> &[f64] {
        self.sampled_nums[c].get_or_init(|| match &self.sample {
            Some(rows) => self.numbers_at(c, rows.iter().map(|&r| u64::from(r))),
            None => {
                let (mut all, mut part) = (Vec::with_capacity(self.rows as usize), Vec::new());
                for (b, start, len) in self.pieces(1 << 16) {
                    self.batch_numbers(b, c, start..start + len, &mut part);
                    all.extend_from_slice(&part);
                }
                all
            }
        })
    }

    /// Column `c` as numbers (NaN where missing or not finite) at `rows`, in increasing order.
    pub fn numbers_at(&self, c: usize, rows: impl Iterator<Item = u64>) -> Vec<f64> {
        let mut rows = rows.peekable();
        let mut out = Vec::with_capacity(rows.size_hint().0);
        // Batch by batch: the rows in each are read with the view's type known.
        for (b, &start) in self.offsets.iter().enumerate() {
            let view = self.view(b, c);
            let end = start + view.len() as u64;
            let here = std::iter::from_fn(|| rows.next_if(|&r| r < end)).map(|r| (r - start) as usize);
            view.numbers_at(here, &mut out);
        }
        out
    }

    /// The number in row `row` of column `c` (NaN where missing or not finite).
    pub fn number_at(&self, row: u64, c: usize) -> f64 {
        let (b, i) = self.locate(row);
        self.view(b, c).number(i).unwrap_or(f64::NAN)
    }

    /// Rows `range` of batch `b`, column `c`, as numbers into `out` (NaN where missing or not
    /// finite).
    pub fn batch_numbers(&self, b: usize, c: usize, range: std::ops::Range<usize>, out: &mut Vec<f64>) {
        out.clear();
        let v = self.view_part(b, c, range.start, range.len());
        match &*v {
            ColumnView::Int(a) | ColumnView::Temporal(a) => out.extend(a.values().iter().map(|&x| x as f64)),
            ColumnView::Days(a) => out.extend(a.values().iter().map(|&x| f64::from(x))),
            ColumnView::Float(a) => out.extend(a.values().iter().map(|&x| if x.is_finite() { x } else { f64::NAN })),
            _ => out.extend((0..v.len()).map(|i| v.number(i).unwrap_or(f64::NAN))),
        }
        if let Some(nulls) = v.nulls() {
            for (o, x) in out.iter_mut().enumerate() {
                if nulls.is_null(o) {
                    *x = f64::NAN;
                }
            }
        }
    }

    /// The table in pieces of at most `rows` rows: (batch, start in batch, length).
    pub fn pieces(&self, rows: usize) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
        self.dataset.batches.iter().enumerate().flat_map(move |(b, batch)| {
            let len = batch.num_rows();
            (0..len).step_by(rows.max(1)).map(move |s| (b, s, rows.min(len - s)))
        })
    }

    /// Every row's hash, as the first pass computes it, handed to `f` as (row, hash).
    pub fn scan_row_hashes(&self, f: &mut dyn FnMut(u64, u64)) {
        let mut hashes = Vec::with_capacity(PIECE_ROWS);
        for (b, from, len) in self.pieces(PIECE_ROWS) {
            hashes.clear();
            hashes.resize(len, 0u64);
            for c in 0..self.width() {
                self.view_part(b, c, from, len).mix_hashes(&mut hashes);
            }
            let start = self.offsets[b] + from as u64;
            for (i, &h) in hashes.iter().enumerate() {
                f(start + i as u64, h);
            }
        }
    }

    /// Whether each sampled row (every row without a sample) of column `c` is missing.
    pub fn sampled_nulls(&self, c: usize) -> Vec<bool> {
        match &self.sample {
            Some(rows) => {
                // The view of the batch the last row was in (rows come in increasing order).
                let mut b = 0;
                let mut view = self.view(0, c);
                rows.iter()
                    .map(|&r| {
                        let (rb, i) = self.locate(u64::from(r));
                        if rb != b {
                            b = rb;
                            view = self.view(b, c);
                        }
                        view.is_null(i)
                    })
                    .collect()
            }
            None => {
                let mut m = Vec::with_capacity(self.rows as usize);
                self.for_each_batch(c, |_, v| match v.nulls() {
                    Some(nulls) => m.extend(nulls.iter().map(|valid| !valid)),
                    None => m.extend(std::iter::repeat_n(false, v.len())),
                });
                m
            }
        }
    }

    /// A note for a figure computed on the sample ("" without one).
    pub fn sample_note(&self) -> String {
        if self.sample.is_some() {
            format!(" (on a random sample of {} rows)", crate::core::thousands(self.sample_rows()))
        } else {
            String::new()
        }
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
        for (b, &start) in self.offsets.iter().enumerate() {
            f(start, &self.view(b, c));
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

/// Tables longer than this have the relations between columns that take a pass per pair
/// (Pearson correlations, Cramér's V, missingness associations, the leakage check) computed on
/// a random sample of this many rows; everything about single columns, duplicates, functional
/// dependencies and derived columns uses every row.
pub const RELATION_SAMPLE_ROWS: u64 = 200_000;

/// A stratified random sample of `k` of `n` rows, in row order, the same every time: the rows
/// are cut into `k` equal blocks and one row is drawn from each with a seeded generator. Every
/// row has the same chance `k/n` of being in it, and (unlike every `n/k`-th row) it cannot fall
/// in step with a pattern that repeats down the table. `None` when `n <= k`: use every row.
pub fn relation_sample(n: u64, k: u64) -> Option<Vec<u32>> {
    if n <= k || k == 0 {
        return None;
    }
    let mut rng = crate::core::synth::SplitMix64::new(0x5354_5241_5441);
    Some(
        (0..k)
            .map(|j| {
                let (lo, hi) = (j * n / k, (j + 1) * n / k);
                (lo + rng.below(hi - lo)) as u32
            })
            .collect(),
    )
}

/// Rows the first pass takes at a time (batches are cut to this size). Short runs also let a
/// wasm engine swap in its optimized code early: it optimizes a function after some calls,
/// and a call already running stays on the first, slower code to its end.
const PIECE_ROWS: usize = 1 << 13;

/// Per-part wall times, printed when asked for: natively to stderr when the environment
/// variable `STRATA_PROFILE_TIMINGS` is set, in wasm to the console after
/// `set_profile_timings(true)`. What a speed change is measured against.
struct Timings {
    last: Option<f64>,
    /// First-pass time per column, in milliseconds.
    per_column: Vec<f64>,
    /// First-pass time spent taking codes (samples, dependencies), in milliseconds.
    codes: f64,
}

#[cfg(target_arch = "wasm32")]
static WASM_TIMINGS: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether `profile` logs its per-part times to the console (wasm; natively the environment
/// variable `STRATA_PROFILE_TIMINGS` decides).
#[cfg(target_arch = "wasm32")]
pub fn set_profile_timings(on: bool) {
    WASM_TIMINGS.store(on, std::sync::atomic::Ordering::Relaxed);
}

/// Milliseconds on a monotonic-enough clock.
fn clock_ms() -> f64 {
    #[cfg(not(target_arch = "wasm32"))]
    {
        static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
        START.get_or_init(std::time::Instant::now).elapsed().as_secs_f64() * 1e3
    }
    #[cfg(target_arch = "wasm32")]
    {
        js_sys::Date::now()
    }
}

fn timings_wanted() -> bool {
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::env::var_os("STRATA_PROFILE_TIMINGS").is_some()
    }
    #[cfg(target_arch = "wasm32")]
    {
        WASM_TIMINGS.load(std::sync::atomic::Ordering::Relaxed)
    }
}

fn emit_timing(line: &str) {
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("{line}");
    #[cfg(target_arch = "wasm32")]
    web_sys::console::log_1(&line.into());
}

impl Timings {
    fn start() -> Self {
        Timings { last: timings_wanted().then(clock_ms), per_column: Vec::new(), codes: 0.0 }
    }
    fn now(&self) -> Option<f64> {
        self.last.map(|_| clock_ms())
    }
    fn add_column(&mut self, c: usize, since: Option<f64>) {
        if let Some(t) = since {
            if self.per_column.len() <= c {
                self.per_column.resize(c + 1, 0.0);
            }
            self.per_column[c] += clock_ms() - t;
        }
    }
    fn add_codes(&mut self, since: Option<f64>) {
        if let Some(t) = since {
            self.codes += clock_ms() - t;
        }
    }
    fn columns(&self, table: &Table) {
        if self.last.is_some() {
            for (c, t) in self.per_column.iter().enumerate() {
                emit_timing(&format!("profile timing:   {:<22} {:>8.1} ms", table.name(c), t));
            }
            emit_timing(&format!("profile timing:   {:<22} {:>8.1} ms", "(codes, dependencies)", self.codes));
        }
    }
    fn lap(&mut self, part: &str) {
        if let Some(last) = &mut self.last {
            let now = clock_ms();
            emit_timing(&format!("profile timing: {part:<24} {:>8.1} ms", now - *last));
            *last = now;
        }
    }
}

/// Profiles a dataset: one pass of accumulators, then the relations and alerts.
pub fn profile(dataset: &Dataset, options: &ProfileOptions) -> Result<Profile> {
    profile_with(dataset, options, RepeatLimits::default())
}

/// [`profile`] with the given limits of exact repeat counting.
pub(crate) fn profile_with(dataset: &Dataset, options: &ProfileOptions, limits: RepeatLimits) -> Result<Profile> {
    let mut timings = Timings::start();
    let table = Table::new(dataset);
    timings.lap("views");
    let n = table.rows;
    let mut accs: Vec<ColumnAccumulator> = table.kinds.iter().map(|(k, _)| ColumnAccumulator::new(*k)).collect();
    let mut row_hashes = repeats::RowHashes::new(n, limits);
    let mut codes = relations::CodeStream::new(&table);
    // Pieces of at most `PIECE_ROWS` rows: the per-row codes the accumulators hand over to the
    // code stream never outgrow one piece.
    for (b, from, len) in table.pieces(PIECE_ROWS) {
        let start = (table.offsets[b] + from as u64) as usize;
        let hashes = row_hashes.piece(start, len);
        for (c, acc) in accs.iter_mut().enumerate() {
            let t = timings.now();
            acc.add(&table.view_part(b, c, from, len), start as u64, n, hashes);
            timings.add_column(c, t);
        }
        row_hashes.piece_done(start as u64);
        let t = timings.now();
        codes.add(&accs, &table, start as u64, len);
        timings.add_codes(t);
    }
    for acc in &mut accs {
        acc.settle_text_stats();
    }
    timings.lap("first pass");
    timings.columns(&table);
    let duplicates = row_hashes.finish(&table);
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
    let codes = codes.finish(&accs);
    let correlations = relations::correlations(&table, &columns, &codes);
    timings.lap("correlations");
    let (label, label_guessed) = relations::choose_label(&table, &columns, options.label.as_deref());
    let mut alerts = Vec::new();
    alerts::missing(&table, &columns, &codes, &mut alerts);
    timings.lap("alerts: missing");
    alerts::inconsistent(&table, &columns, &accs, &mut alerts);
    timings.lap("alerts: inconsistent");
    alerts::duplicates(&table, &columns, &duplicates, limits, &mut alerts);
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
    if table.sample.is_some() {
        method_notes.push(format!(
            "Relations between columns that need a pass per pair of columns (Pearson correlations, Cramér's V, missingness associations and the leakage check) use a random sample of {} of the {} rows: one row drawn at random from each of {} equal blocks, the same sample every time. Counts, missing values, minimum, maximum, mean, quantiles, histograms, outliers, {}dependencies and derived columns cover every row.",
            crate::core::thousands(table.sample_rows()),
            crate::core::thousands(n),
            crate::core::thousands(table.sample_rows()),
            if duplicates.estimate.is_none() { "duplicates, " } else { "" }
        ));
    }
    if correlations.spearman_rows < n {
        method_notes.push(format!(
            "Spearman correlations use a systematic sample of {} of the {} rows.",
            correlations.spearman_rows, n
        ));
    }
    method_notes.push(
        "Exact duplicate rows are found by a 64-bit hash of every row (a false match among a million rows has a chance of about 1 in 30 million).".into(),
    );
    if let Some(e) = &duplicates.estimate {
        method_notes.push(format!(
            "This table has more than {} rows, so duplicate rows were counted on a sample to keep memory bounded: the rows whose hash falls in a fixed 1-in-{} share of hash values. Every copy of a row has the same hash, so copies are kept or dropped together and the count among the kept rows, scaled up, is an unbiased estimate (standard error ±{}). Repeated identifiers in columns with more than {} rows are estimated the same way where their values are not integers in a narrow range.",
            crate::core::thousands(limits.exact_rows),
            crate::core::thousands(e.one_in()),
            crate::core::thousands(e.standard_error.round() as u64),
            crate::core::thousands(limits.exact_rows),
        ));
    }
    Ok(Profile {
        dataset: dataset.name.clone(),
        rows: n,
        columns,
        missing_cells,
        duplicate_rows: duplicates.count,
        duplicate_rows_estimate: duplicates.estimate,
        missingness,
        correlations,
        label,
        label_guessed,
        alerts,
        method_notes,
    })
}
