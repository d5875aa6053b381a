//! Train / validation / test splits: random, stratified by label, by time, or by group; each
//! reports its sizes, the label balance per split, and leakage checks computed from the outputs.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::rng::SampleRng;
use super::table::{display, record_ids, strata, take_rows, times};
use crate::core::dataset::Dataset;
use crate::core::error::{CoreError, Result};
use crate::core::recipe::{Derive, Derived, IndirectSource, StepReport};

/// How rows are assigned to splits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SplitMethod {
    /// Shuffled, then cut by the ratios.
    Random,
    /// Each class of `label` cut by the ratios, so every split has the table's label balance.
    Stratified { label: String },
    /// Ordered by `column`, earliest rows first: no training row is later than a test row.
    Time { column: String },
    /// Whole groups (values of `column`) go to one split: no group appears in two.
    Group { column: String },
}

/// Split `input` into `outputs` (train, [validation,] test) by `ratios`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SplitStep {
    pub input: String,
    /// Two or three names, training split first, test split last.
    pub outputs: Vec<String>,
    /// One ratio per output; scaled to sum to 1.
    pub ratios: Vec<f64>,
    pub method: SplitMethod,
    pub seed: u64,
    /// A label column to report the balance of (the stratified method's label by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// A group column (e.g. customer_id) to check for groups in more than one split, whatever the
    /// method (a group split checks its own column by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_check: Option<String>,
}

impl SplitStep {
    fn group_column(&self) -> Option<&str> {
        self.group_check.as_deref().or(match &self.method {
            SplitMethod::Group { column } => Some(column.as_str()),
            _ => None,
        })
    }
    /// The conventional output names: `<input>.train`, `<input>.validation`, `<input>.test`.
    pub fn default_outputs(input: &str, with_validation: bool) -> Vec<String> {
        let parts: &[&str] = if with_validation { &["train", "validation", "test"] } else { &["train", "test"] };
        parts.iter().map(|p| format!("{input}.{p}")).collect()
    }
    fn label_column(&self) -> Option<&str> {
        self.label.as_deref().or(match &self.method {
            SplitMethod::Stratified { label } => Some(label.as_str()),
            _ => None,
        })
    }
}

/// One split's size.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SplitSize {
    pub name: String,
    pub rows: u64,
    pub share: f64,
}

/// A class's rows in one split.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassCount {
    pub split: String,
    pub class: String,
    pub rows: u64,
    pub share: f64,
}

/// The time check: the latest time of each split and the earliest of the next.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimeOrder {
    pub column: String,
    /// (split, earliest, latest) as displayed values.
    pub ranges: Vec<(String, String, String)>,
    /// Every split ends no later than the next begins (max train ≤ min test).
    pub ordered: bool,
}

/// What a split found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SplitReport {
    pub method: String,
    pub seed: u64,
    pub sizes: Vec<SplitSize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub balance: Vec<ClassCount>,
    /// Input rows found in more than one split (must be 0).
    pub overlapping_rows: u64,
    /// Rows whose whole record (every column's value) also appears in another split: exact
    /// duplicates across train and test, which let a model be tested on rows it trained on.
    #[serde(default)]
    pub duplicate_rows: u64,
    /// The distinct records behind `duplicate_rows`.
    #[serde(default)]
    pub duplicate_records: u64,
    /// For a group split or a requested group check: the group column, its number of groups and
    /// the groups found in more than one split (must be 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups: Option<(String, u64, u64)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<TimeOrder>,
}

impl SplitReport {
    /// True when no leakage check failed.
    pub fn leak_free(&self) -> bool {
        self.overlapping_rows == 0
            && self.duplicate_rows == 0
            && self.groups.as_ref().is_none_or(|g| g.2 == 0)
            && self.time.as_ref().is_none_or(|t| t.ordered)
    }
}

/// Rows per split: `n × ratio`, floors plus the leftover rows to the largest remainders (ties:
/// earlier split), so the counts add up to `n`.
pub fn split_counts(n: u64, ratios: &[f64]) -> Vec<u64> {
    let total: f64 = ratios.iter().sum();
    let exact: Vec<f64> = ratios.iter().map(|r| n as f64 * r / total).collect();
    let mut counts: Vec<u64> = exact.iter().map(|e| e.floor() as u64).collect();
    let left = n.saturating_sub(counts.iter().sum());
    let mut order: Vec<usize> = (0..ratios.len()).collect();
    order.sort_by(|&a, &b| (exact[b] - exact[b].floor()).total_cmp(&(exact[a] - exact[a].floor())).then(a.cmp(&b)));
    for &i in order.iter().take(left as usize) {
        counts[i] += 1;
    }
    counts
}

impl Derive for SplitStep {
    fn inputs(&self) -> Vec<String> {
        vec![self.input.clone()]
    }
    fn outputs(&self) -> Vec<String> {
        self.outputs.clone()
    }
    fn indirect_sources(&self) -> Vec<IndirectSource> {
        let (column, subtype) = match &self.method {
            SplitMethod::Stratified { label } => (label, "FILTER"),
            SplitMethod::Time { column } => (column, "SORT"),
            SplitMethod::Group { column } => (column, "GROUP_BY"),
            _ => return Vec::new(),
        };
        vec![IndirectSource { dataset: self.input.clone(), column: column.clone(), subtype }]
    }
    fn label(&self) -> String {
        let ratios: Vec<String> = self.ratios.iter().map(|r| format!("{r}")).collect();
        let how = match &self.method {
            SplitMethod::Random => "random".to_string(),
            SplitMethod::Stratified { label } => format!("stratified by {label}"),
            SplitMethod::Time { column } => format!("by time ({column})"),
            SplitMethod::Group { column } => format!("by group ({column})"),
        };
        format!("split {} {how} {} (seed {})", self.input, ratios.join("/"), self.seed)
    }
    fn run(&self, datasets: &BTreeMap<String, Dataset>) -> Result<Derived> {
        let input = &datasets[&self.input];
        if !(2..=3).contains(&self.outputs.len()) || self.ratios.len() != self.outputs.len() {
            return Err(CoreError::step("a split has 2 or 3 outputs (train, [validation,] test), one ratio each"));
        }
        if self.ratios.iter().any(|r| !r.is_finite() || *r <= 0.0) {
            return Err(CoreError::step("split ratios must be positive numbers"));
        }
        let n = input.num_rows();
        let counts = split_counts(n, &self.ratios);
        let mut rng = SampleRng::new(self.seed);
        let parts: Vec<Vec<u64>> = match &self.method {
            SplitMethod::Random => {
                let mut all: Vec<u64> = (0..n).collect();
                rng.shuffle(&mut all);
                cut(&all, &counts)
            }
            SplitMethod::Stratified { label } => {
                let s = strata(input, std::slice::from_ref(label))?;
                let mut parts = vec![Vec::new(); counts.len()];
                for (h, mut m) in s.members().into_iter().enumerate() {
                    rng.fork(h as u64).shuffle(&mut m);
                    for (p, chunk) in parts.iter_mut().zip(cut(&m, &split_counts(m.len() as u64, &self.ratios))) {
                        p.extend(chunk);
                    }
                }
                parts
            }
            SplitMethod::Time { column } => {
                let t = times(input, column)?;
                if let Some(row) = t.iter().position(Option::is_none) {
                    return Err(CoreError::step(format!(
                        "column \"{column}\" has no time in row {}; a time split needs a time for every row",
                        row + 1
                    )));
                }
                let mut order: Vec<u64> = (0..n).collect();
                order.sort_by(|&a, &b| t[a as usize].unwrap().total_cmp(&t[b as usize].unwrap()).then(a.cmp(&b)));
                cut(&order, &counts)
            }
            SplitMethod::Group { column } => {
                let s = strata(input, std::slice::from_ref(column))?;
                let mut groups = s.members();
                rng.shuffle(&mut groups);
                let mut parts = vec![Vec::new(); counts.len()];
                let mut at = 0;
                for g in groups {
                    while at + 1 < counts.len() && parts[at].len() as u64 >= counts[at] {
                        at += 1;
                    }
                    parts[at].extend(g);
                }
                parts
            }
        };
        let mut outputs = Vec::with_capacity(parts.len());
        let mut sorted = Vec::with_capacity(parts.len());
        for (mut rows, name) in parts.into_iter().zip(&self.outputs) {
            rows.sort_unstable();
            let (schema, batches) = take_rows(input, &rows, None)?;
            outputs.push(Dataset::new(name, schema, batches));
            sorted.push(rows);
        }
        let report = self.report(input, &sorted)?;
        Ok(Derived {
            outputs,
            rows_in: n,
            rows_set_aside: 0,
            report: Some(StepReport::Split(Box::new(report))),
            recorded: None,
        })
    }
}

/// Rows whose record id occurs in more than one split, and how many distinct records that is.
pub(crate) fn shared_records(record_of_row: &[u32], parts: &[Vec<u64>]) -> (u64, u64) {
    let records = record_of_row.iter().copied().max().map_or(0, |m| m as usize + 1);
    let mut seen_in: Vec<u8> = vec![0; records];
    for (i, p) in parts.iter().enumerate() {
        for &r in p {
            seen_in[record_of_row[r as usize] as usize] |= 1 << i;
        }
    }
    let shared = |r: u32| seen_in[r as usize].count_ones() > 1;
    let rows = parts.iter().flatten().filter(|&&r| shared(record_of_row[r as usize])).count() as u64;
    let distinct = seen_in.iter().filter(|m| m.count_ones() > 1).count() as u64;
    (rows, distinct)
}

fn cut(order: &[u64], counts: &[u64]) -> Vec<Vec<u64>> {
    let mut at = 0usize;
    counts
        .iter()
        .map(|&c| {
            let part = order[at..at + c as usize].to_vec();
            at += c as usize;
            part
        })
        .collect()
}

impl SplitStep {
    fn report(&self, input: &Dataset, parts: &[Vec<u64>]) -> Result<SplitReport> {
        let n = input.num_rows();
        let mut split_of = vec![u8::MAX; n as usize];
        let mut overlapping_rows = 0;
        for (i, rows) in parts.iter().enumerate() {
            for &r in rows {
                if split_of[r as usize] != u8::MAX {
                    overlapping_rows += 1;
                }
                split_of[r as usize] = i as u8;
            }
        }
        let sizes = parts
            .iter()
            .zip(&self.outputs)
            .map(|(p, name)| SplitSize {
                name: name.clone(),
                rows: p.len() as u64,
                share: p.len() as f64 / n.max(1) as f64,
            })
            .collect();
        let mut balance = Vec::new();
        if let Some(label) = self.label_column() {
            let s = strata(input, &[label.to_string()])?;
            for (p, name) in parts.iter().zip(&self.outputs) {
                let mut c = vec![0u64; s.count()];
                for &r in p {
                    c[s.of_row[r as usize] as usize] += 1;
                }
                for (k, rows) in c.into_iter().enumerate() {
                    let share = rows as f64 / p.len().max(1) as f64;
                    balance.push(ClassCount { split: name.clone(), class: s.names[k].clone(), rows, share });
                }
            }
        }
        let (duplicate_rows, duplicate_records) = shared_records(&record_ids(input)?, parts);
        let groups = match self.group_column() {
            Some(column) => {
                let s = strata(input, &[column.to_string()])?;
                let mut seen_in: Vec<u8> = vec![0; s.count()];
                for (i, p) in parts.iter().enumerate() {
                    for &r in p {
                        seen_in[s.of_row[r as usize] as usize] |= 1 << i;
                    }
                }
                let shared = seen_in.iter().filter(|m| m.count_ones() > 1).count() as u64;
                Some((column.to_string(), s.count() as u64, shared))
            }
            None => None,
        };
        let time = match &self.method {
            SplitMethod::Time { column } => {
                let t = times(input, column)?;
                let mut ranges = Vec::new();
                let mut bounds = Vec::new();
                for (p, name) in parts.iter().zip(&self.outputs) {
                    let lo =
                        p.iter().copied().min_by(|&a, &b| t[a as usize].unwrap().total_cmp(&t[b as usize].unwrap()));
                    let hi =
                        p.iter().copied().max_by(|&a, &b| t[a as usize].unwrap().total_cmp(&t[b as usize].unwrap()));
                    if let (Some(lo), Some(hi)) = (lo, hi) {
                        ranges.push((name.clone(), display(input, column, lo)?, display(input, column, hi)?));
                        bounds.push((t[lo as usize].unwrap(), t[hi as usize].unwrap()));
                    }
                }
                let ordered = bounds.windows(2).all(|w| w[0].1 <= w[1].0);
                Some(TimeOrder { column: column.clone(), ranges, ordered })
            }
            _ => None,
        };
        Ok(SplitReport {
            method: self.label(),
            seed: self.seed,
            sizes,
            label: self.label_column().map(String::from),
            balance,
            overlapping_rows,
            duplicate_rows,
            duplicate_records,
            groups,
            time,
        })
    }
}
