//! Compare two datasets of the session (last month vs this month, train vs test, v1 vs v2):
//! schema diff with a compatibility verdict, distribution drift per shared column, a keyed or
//! multiset row diff, and a dataset-level summary with one verdict sentence.

pub mod categories;
pub mod numeric;
pub mod rows;
pub mod schema;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::core::dataset::Dataset;
use crate::core::error::{CoreError, Result};
use crate::core::recipe::{Derive, Derived, StepReport};
use crate::core::stats::drift::{fmt_num, is_numeric_type, numeric_drift_sorted, psi_numeric_sorted};
use crate::core::stats::{ColumnDrift, DriftBars, DriftSeverity, DriftThresholds};
use crate::core::thousands;
use categories::{categorical_drift_hashed, Categories};

pub use rows::RowDiff;
pub use schema::{Compatibility, SchemaDiff};

fn default_max_listed() -> usize {
    100
}

/// What a compare step computes. The schema diff is always made (it is cheap); drift and the
/// row diff each read every value of both datasets, so a step can ask for one of them only.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CompareParts {
    /// Drift per column and the row diff (what recipes made before this choice existed).
    #[default]
    Both,
    /// Drift per column (with the null and mean summary), no row diff.
    Drift,
    /// The row diff (keyed or multiset), no drift.
    Rows,
}

impl CompareParts {
    pub fn is_both(&self) -> bool {
        *self == CompareParts::Both
    }
    pub fn drift(&self) -> bool {
        *self != CompareParts::Rows
    }
    pub fn rows(&self) -> bool {
        *self != CompareParts::Drift
    }
    /// The name used in recipes, the CLI's `--only` and the panel.
    pub fn as_str(&self) -> &'static str {
        match self {
            CompareParts::Both => "both",
            CompareParts::Drift => "drift",
            CompareParts::Rows => "rows",
        }
    }
    pub fn parse(s: &str) -> Option<CompareParts> {
        match s {
            "both" => Some(CompareParts::Both),
            "drift" => Some(CompareParts::Drift),
            "rows" => Some(CompareParts::Rows),
            _ => None,
        }
    }
}

/// Compare `right` against `left` (the reference). Report only: it makes no dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompareStep {
    /// The reference ("before", "train", "v1").
    pub left: String,
    /// The dataset compared with it ("after", "test", "v2").
    pub right: String,
    /// Key columns for the row diff; empty compares rows as a multiset.
    #[serde(default)]
    pub keys: Vec<String>,
    #[serde(default)]
    pub thresholds: DriftThresholds,
    /// How many changed, added and removed rows the report lists.
    #[serde(default = "default_max_listed")]
    pub max_listed: usize,
    /// Also make three datasets, `<right>.added`, `<right>.removed` (rows of the left) and
    /// `<right>.changed` (with a `changed_columns` column), to browse or download.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub write_diff: bool,
    /// Drift, the row diff, or both (the default, also for recipes written before the choice).
    #[serde(default, skip_serializing_if = "CompareParts::is_both")]
    pub parts: CompareParts,
}

impl CompareStep {
    /// Names of the row-diff datasets (added, removed, changed).
    pub fn diff_names(&self) -> [String; 3] {
        ["added", "removed", "changed"].map(|k| format!("{}.{k}", self.right))
    }
}

/// Drift of one compared column with what is needed to draw it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnDriftView {
    /// Column name on the left (reference) side.
    pub left_column: String,
    /// Column name on the right: differs from the left for a likely rename.
    pub right_column: String,
    pub drift: ColumnDrift,
    pub bars: DriftBars,
    /// Numeric PSI's interior cut points (the reference's i/`psi_bins` quantiles, ties
    /// removed): bins are (−∞, c₁], (c₁, c₂], …, (c_k, +∞). Empty for categories.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub psi_cuts: Vec<f64>,
}

/// Null rate and mean of a column on both sides.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnSummary {
    pub column: String,
    pub left_null_rate: f64,
    pub right_null_rate: f64,
    pub left_mean: Option<f64>,
    pub right_mean: Option<f64>,
    /// The means as dates (or date-times) for date and timestamp columns, whose means are day
    /// or tick counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub left_mean_text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub right_mean_text: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompareReport {
    pub left: String,
    pub right: String,
    pub left_rows: u64,
    pub right_rows: u64,
    pub schema: SchemaDiff,
    /// One entry per shared column (and per likely rename), in left column order.
    pub drift: Vec<ColumnDriftView>,
    pub rows: RowDiff,
    pub columns: Vec<ColumnSummary>,
    /// One paragraph a student can read aloud.
    pub verdict: String,
    pub thresholds: DriftThresholds,
    /// What was computed: with `Drift`, `rows` is empty; with `Rows`, `drift` and `columns` are.
    #[serde(default, skip_serializing_if = "CompareParts::is_both")]
    pub parts: CompareParts,
}

impl Derive for CompareStep {
    fn inputs(&self) -> Vec<String> {
        vec![self.left.clone(), self.right.clone()]
    }
    fn outputs(&self) -> Vec<String> {
        if self.write_diff && self.parts.rows() {
            self.diff_names().to_vec()
        } else {
            Vec::new()
        }
    }
    fn label(&self) -> String {
        let what = match self.parts {
            CompareParts::Both => "compare",
            CompareParts::Drift => "compare (drift only)",
            CompareParts::Rows => "compare (rows only)",
        };
        if self.keys.is_empty() || !self.parts.rows() {
            format!("{what} {} with {}", self.right, self.left)
        } else {
            format!("{what} {} with {} by {}", self.right, self.left, self.keys.join(", "))
        }
    }
    fn run(&self, datasets: &BTreeMap<String, Dataset>) -> Result<Derived> {
        let left = datasets.get(&self.left).ok_or_else(|| CoreError::UnknownDataset(self.left.clone()))?;
        let right = datasets.get(&self.right).ok_or_else(|| CoreError::UnknownDataset(self.right.clone()))?;
        let (report, rows) = compare_parts(left, right, &self.keys, &self.thresholds, self.max_listed, self.parts)?;
        let outputs =
            if self.write_diff && self.parts.rows() { diff_datasets(self, left, right, &rows)? } else { Vec::new() };
        Ok(Derived {
            outputs,
            rows_in: left.num_rows() + right.num_rows(),
            rows_set_aside: 0,
            report: Some(StepReport::Compare(Box::new(report))),
            recorded: None,
        })
    }
}

/// The values of one column gathered for drift.
enum Gathered {
    Numeric(Vec<f64>),
    Categorical(Categories),
}

/// `distinct_hint`: how many distinct values a categorical column is expected to have (to size
/// its counts once).
fn gather(d: &Dataset, col: usize, numeric: bool, distinct_hint: usize) -> Result<Gathered> {
    if numeric {
        Ok(Gathered::Numeric(numeric::sorted_values(d, col)))
    } else {
        Ok(Gathered::Categorical(Categories::gather(d, col, distinct_hint)?))
    }
}

/// Drift, chart bars, both means (numbers only) and the numeric PSI cut points.
type Between = (ColumnDrift, DriftBars, Option<f64>, Option<f64>, Vec<f64>);

fn drift_between(
    left: &Dataset,
    li: usize,
    right: &Dataset,
    ri: usize,
    name: &str,
    t: &DriftThresholds,
) -> Result<Between> {
    let numeric =
        is_numeric_type(left.schema.field(li).data_type()) && is_numeric_type(right.schema.field(ri).data_type());
    let l = gather(left, li, numeric, 1024)?;
    let hint = match &l {
        Gathered::Categorical(c) => c.distinct() + c.distinct() / 8,
        Gathered::Numeric(_) => 0,
    };
    let r = gather(right, ri, numeric, hint)?;
    Ok(match (l, r) {
        (Gathered::Numeric(a), Gathered::Numeric(b)) => {
            let mean = |v: &[f64]| if v.is_empty() { None } else { Some(v.iter().sum::<f64>() / v.len() as f64) };
            let (ma, mb) = (mean(&a), mean(&b));
            let (d, bars) = numeric_drift_sorted(name, &a, &b, t);
            let cuts = if d.psi.is_some() { psi_numeric_sorted(&a, &b, t.psi_bins).cuts } else { Vec::new() };
            (d, bars, ma, mb, cuts)
        }
        (Gathered::Categorical(a), Gathered::Categorical(b)) => {
            let (d, bars) = categorical_drift_hashed(name, &a, &b, t);
            (d, bars, None, None, Vec::new())
        }
        _ => unreachable!("both sides are gathered the same way"),
    })
}

/// The added, removed and changed rows as datasets (see [`CompareStep::write_diff`]).
fn diff_datasets(step: &CompareStep, left: &Dataset, right: &Dataset, rows: &rows::DiffRows) -> Result<Vec<Dataset>> {
    use std::sync::Arc;

    use arrow_array::{RecordBatch, StringArray, UInt32Array};
    use arrow_schema::{DataType, Field, Schema};
    use arrow_select::concat::concat_batches;
    use arrow_select::take::take_record_batch;

    let all = |d: &Dataset| concat_batches(&d.schema, &d.batches);
    let (l, r) = (all(left)?, all(right)?);
    let pick = |b: &RecordBatch, idx: Vec<u32>| take_record_batch(b, &UInt32Array::from(idx));
    let names = step.diff_names();
    let added = pick(&r, rows.added.clone())?;
    let removed = pick(&l, rows.removed.clone())?;
    let changed_rows = pick(&r, rows.changed.iter().map(|c| c.0).collect())?;
    let mut fields: Vec<Arc<Field>> = right.schema.fields().iter().cloned().collect();
    fields.push(Arc::new(Field::new("changed_columns", DataType::Utf8, false)));
    let schema = Arc::new(Schema::new(fields));
    let mut columns = changed_rows.columns().to_vec();
    columns.push(Arc::new(StringArray::from_iter_values(rows.changed.iter().map(|c| c.1.as_str()))));
    let changed = RecordBatch::try_new(Arc::clone(&schema), columns)?;
    Ok(vec![
        Dataset::new(&names[0], right.schema.clone(), vec![added]),
        Dataset::new(&names[1], left.schema.clone(), vec![removed]),
        Dataset::new(&names[2], schema, vec![changed]),
    ])
}

/// Compares `right` with `left`.
pub fn compare(
    left: &Dataset,
    right: &Dataset,
    keys: &[String],
    t: &DriftThresholds,
    max_listed: usize,
) -> Result<CompareReport> {
    Ok(compare_full(left, right, keys, t, max_listed)?.0)
}

/// [`compare`] plus every added, removed and changed row.
pub fn compare_full(
    left: &Dataset,
    right: &Dataset,
    keys: &[String],
    t: &DriftThresholds,
    max_listed: usize,
) -> Result<(CompareReport, rows::DiffRows)> {
    compare_parts(left, right, keys, t, max_listed, CompareParts::Both)
}

/// [`compare_full`] computing only `parts`: the schema diff always, drift and the row diff
/// when asked (what is not asked stays empty in the report).
pub fn compare_parts(
    left: &Dataset,
    right: &Dataset,
    keys: &[String],
    t: &DriftThresholds,
    max_listed: usize,
    parts: CompareParts,
) -> Result<(CompareReport, rows::DiffRows)> {
    for k in keys {
        left.column_index(k)?;
        right.column_index(k)?;
    }
    if t.psi_bins == 0 {
        return Err(CoreError::step("PSI needs at least one bin"));
    }
    let (ln, rn) = (left.null_counts(), right.null_counts());
    let schema = schema::diff_schemas(&left.schema, &right.schema, &ln, &rn, |from, to| {
        let (li, ri) = (left.schema.index_of(from).ok()?, right.schema.index_of(to).ok()?);
        let (d, ..) = drift_between(left, li, right, ri, from, t).ok()?;
        d.ks.map(|k| k.statistic).or(d.linf)
    });

    let (drift, columns) =
        if parts.drift() { drift_columns(left, right, &schema.renames, t)? } else { (Vec::new(), Vec::new()) };
    let (lr, rr) = (left.num_rows(), right.num_rows());
    let renames: Vec<(String, String)> = schema.renames.iter().map(|r| (r.from.clone(), r.to.clone())).collect();
    let (rows, diff_rows) = if !parts.rows() {
        (RowDiff { keys: keys.to_vec(), max_listed, ..RowDiff::default() }, rows::DiffRows::default())
    } else if keys.is_empty() {
        rows::multiset_diff_full(left, right, &renames, max_listed)?
    } else {
        rows::keyed_diff_full(left, right, keys, &renames, max_listed)?
    };
    let mut report = CompareReport {
        left: left.name.clone(),
        right: right.name.clone(),
        left_rows: lr,
        right_rows: rr,
        schema,
        drift,
        rows,
        columns,
        verdict: String::new(),
        thresholds: *t,
        parts,
    };
    report.verdict = verdict(&report);
    Ok((report, diff_rows))
}

/// Drift and null/mean summary of every shared column (and every likely rename), in left
/// column order.
pub fn drift_columns(
    left: &Dataset,
    right: &Dataset,
    renames: &[schema::LikelyRename],
    t: &DriftThresholds,
) -> Result<(Vec<ColumnDriftView>, Vec<ColumnSummary>)> {
    let (ln, rn) = (left.null_counts(), right.null_counts());
    let mut drift = Vec::new();
    let mut columns = Vec::new();
    let (lr, rr) = (left.num_rows(), right.num_rows());
    let rate = |n: u64, rows: u64| if rows == 0 { 0.0 } else { n as f64 / rows as f64 };
    for (li, f) in left.schema.fields().iter().enumerate() {
        let right_name = match right.schema.index_of(f.name()) {
            Ok(_) => f.name().clone(),
            Err(_) => match renames.iter().find(|r| &r.from == f.name()) {
                Some(r) => r.to.clone(),
                None => continue,
            },
        };
        let ri = right.column_index(&right_name)?;
        let label =
            if &right_name == f.name() { right_name.clone() } else { format!("{} → {}", f.name(), right_name) };
        let (d, bars, lm, rm, psi_cuts) = drift_between(left, li, right, ri, &label, t)?;
        columns.push(ColumnSummary {
            column: label,
            left_null_rate: rate(ln[li], lr),
            right_null_rate: rate(rn[ri], rr),
            left_mean: lm,
            right_mean: rm,
            left_mean_text: lm.and_then(|v| date_text(v, f.data_type())),
            right_mean_text: rm.and_then(|v| date_text(v, right.schema.field(ri).data_type())),
        });
        let bars = date_labels(bars, f.data_type());
        drift.push(ColumnDriftView {
            left_column: f.name().clone(),
            right_column: right_name,
            drift: d,
            bars,
            psi_cuts,
        });
    }

    Ok((drift, columns))
}

/// A mean of a date column as a date, of a timestamp column as a date and time (UTC); `None`
/// for other types.
pub fn date_text(v: f64, dt: &arrow_schema::DataType) -> Option<String> {
    use arrow_schema::{DataType, TimeUnit};
    let (per_second, date_only) = match dt {
        DataType::Date32 => (1.0 / 86_400.0, true),
        DataType::Date64 => (1e3, true),
        DataType::Timestamp(TimeUnit::Second, _) => (1.0, false),
        DataType::Timestamp(TimeUnit::Millisecond, _) => (1e3, false),
        DataType::Timestamp(TimeUnit::Microsecond, _) => (1e6, false),
        DataType::Timestamp(TimeUnit::Nanosecond, _) => (1e9, false),
        _ => return None,
    };
    let t = chrono::DateTime::from_timestamp((v / per_second).round() as i64, 0)?;
    Some(if date_only { t.date_naive().to_string() } else { t.naive_utc().format("%Y-%m-%d %H:%M:%S").to_string() })
}

/// Bin labels of a date or timestamp column as dates rather than day or tick counts.
fn date_labels(mut bars: DriftBars, dt: &arrow_schema::DataType) -> DriftBars {
    use arrow_schema::{DataType, TimeUnit};
    let per_day = match dt {
        DataType::Date32 => 1.0,
        DataType::Date64 => 86_400e3,
        DataType::Timestamp(TimeUnit::Second, _) => 86_400.0,
        DataType::Timestamp(TimeUnit::Millisecond, _) => 86_400e3,
        DataType::Timestamp(TimeUnit::Microsecond, _) => 86_400e6,
        DataType::Timestamp(TimeUnit::Nanosecond, _) => 86_400e9,
        _ => return bars,
    };
    let day = |v: f64| {
        chrono::DateTime::from_timestamp((v / per_day * 86_400.0).floor() as i64, 0)
            .map(|t| t.date_naive().to_string())
            .unwrap_or_else(|| fmt_num(v))
    };
    let n = bars.labels.len();
    if bars.edges.len() == n + 1 {
        bars.labels = (0..n).map(|i| format!("{}..{}", day(bars.edges[i]), day(bars.edges[i + 1]))).collect();
    }
    bars
}

fn count(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// The verdict paragraph: what changed, in order of how much it matters.
pub fn verdict(r: &CompareReport) -> String {
    let mut parts = Vec::new();
    let s = &r.schema;
    let rows = if r.left_rows == r.right_rows {
        format!("Both have {}.", count(r.left_rows, "row", "rows"))
    } else {
        format!(
            "{} has {} and {} has {}.",
            r.left,
            count(r.left_rows, "row", "rows"),
            r.right,
            count(r.right_rows, "row", "rows")
        )
    };
    parts.push(rows);
    let schema_word = match s.compatibility {
        Compatibility::Identical => "The schema is identical.".to_string(),
        Compatibility::BackwardCompatible => "The schema changed in a backward-compatible way.".to_string(),
        Compatibility::Breaking => "The schema change is breaking.".to_string(),
    };
    parts.push(schema_word);
    let mut schema_bits = Vec::new();
    for rn in &s.renames {
        schema_bits.push(format!("\"{}\" looks renamed to \"{}\"", rn.from, rn.to));
    }
    for t in &s.type_changes {
        schema_bits.push(format!(
            "\"{}\" changed type {} → {} ({})",
            t.column,
            t.from,
            t.to,
            if t.widening { "widening" } else { "can lose data" }
        ));
    }
    if !s.removed.is_empty() {
        let names: Vec<String> = s.removed.iter().map(|c| format!("\"{}\"", c.name)).collect();
        schema_bits.push(format!("removed {}", names.join(", ")));
    }
    if !s.added.is_empty() {
        let names: Vec<String> = s.added.iter().map(|c| format!("\"{}\"", c.name)).collect();
        schema_bits.push(format!("added {}", names.join(", ")));
    }
    if !schema_bits.is_empty() {
        parts.push(format!("{}.", capitalize(&schema_bits.join("; "))));
    }
    let drifted: Vec<&ColumnDriftView> = r.drift.iter().filter(|d| d.drift.severity == DriftSeverity::Drift).collect();
    let warned: Vec<&ColumnDriftView> = r.drift.iter().filter(|d| d.drift.severity == DriftSeverity::Warning).collect();
    if !r.parts.drift() {
        parts.push("Drift was not measured (rows only).".to_string());
    } else if drifted.is_empty() && warned.is_empty() {
        parts.push(format!("None of the {} compared columns drifted.", r.drift.len()));
    } else {
        let name = |d: &&ColumnDriftView| format!("\"{}\" ({})", d.drift.column, short_reason(&d.drift));
        let mut s = String::new();
        if !drifted.is_empty() {
            s.push_str(&format!(
                "{} of {} compared columns drifted: {}",
                drifted.len(),
                r.drift.len(),
                drifted.iter().map(name).collect::<Vec<_>>().join(", ")
            ));
        }
        if !warned.is_empty() {
            if !s.is_empty() {
                s.push_str("; ");
            }
            s.push_str(&format!(
                "{} to watch: {}",
                warned.len(),
                warned.iter().map(name).collect::<Vec<_>>().join(", ")
            ));
        }
        s.push('.');
        parts.push(s);
    }
    let d = &r.rows;
    if !r.parts.rows() {
        parts.push("Rows were not compared (drift only).".to_string());
    } else if let Some(note) = &d.note {
        parts.push(format!("{}.", capitalize(note)));
    } else if d.keys.is_empty() {
        parts.push(format!(
            "Comparing whole rows: {} in both, {} only in {}, {} only in {}.",
            thousands(d.matched),
            thousands(d.removed),
            r.left,
            thousands(d.added),
            r.right
        ));
    } else {
        let top: Vec<String> = {
            let mut c: Vec<_> = d.changes_per_column.iter().filter(|c| c.changed > 0).collect();
            c.sort_by(|a, b| b.changed.cmp(&a.changed).then(a.column.cmp(&b.column)));
            c.iter()
                .take(3)
                .map(|c| match &c.renamed_from {
                    Some(from) => format!("{} in \"{}\" (was \"{from}\")", thousands(c.changed), c.column),
                    None => format!("{} in \"{}\"", thousands(c.changed), c.column),
                })
                .collect()
        };
        let mut s = format!(
            "By {}: {} changed, {} added, {} removed, {} unchanged",
            d.keys.join(", "),
            count(d.changed, "row", "rows"),
            thousands(d.added),
            thousands(d.removed),
            thousands(d.unchanged)
        );
        if !top.is_empty() {
            s.push_str(&format!(" (most changes: {})", top.join(", ")));
        }
        s.push('.');
        parts.push(s);
    }
    parts.join(" ")
}

fn short_reason(d: &ColumnDrift) -> String {
    if !d.new_categories.is_empty() && d.kind == crate::core::stats::DriftKind::Categorical {
        let names: Vec<String> = d.new_categories.iter().take(3).map(|c| format!("new \"{c}\"")).collect();
        return names.join(", ");
    }
    match (d.psi, d.ks) {
        (Some(p), Some(k)) => format!("PSI {}, KS D {}", fmt_num(p), fmt_num(k.statistic)),
        (Some(p), None) => format!("PSI {}, L∞ {}", fmt_num(p), fmt_num(d.linf.unwrap_or(0.0))),
        _ => d.reason.clone(),
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}
