//! Deduplication: exact rows, rows sharing key columns (keeping the first, the last or the most
//! complete), or rows whose key columns share a fingerprint (case, spacing, punctuation and word
//! order ignored). Removed rows go to a second output so they can be checked and downloaded.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};

use arrow_array::{Array, StringArray};
use serde::{Deserialize, Serialize};

use super::outliers::split_rows;
use super::support::*;
use crate::core::dataset::Dataset;
use crate::core::error::{CoreError, Result};
use crate::core::profile::text::fingerprint;
use crate::core::recipe::{Derive, Derived, IndirectSource, StepReport};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Keep {
    First,
    Last,
    /// The row with the fewest nulls; the first among equals.
    MostComplete,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum DedupMode {
    /// Rows equal in every column; the first is kept.
    Exact,
    /// Rows equal in the key columns.
    Key { columns: Vec<String>, keep: Keep },
    /// Rows whose key columns have the same fingerprint.
    Fuzzy { columns: Vec<String>, keep: Keep },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DedupStep {
    pub input: String,
    pub output: String,
    #[serde(flatten)]
    pub mode: DedupMode,
}

impl DedupStep {
    fn removed_name(&self) -> String {
        format!("{}.removed", self.output)
    }
}

impl Derive for DedupStep {
    fn inputs(&self) -> Vec<String> {
        vec![self.input.clone()]
    }
    fn outputs(&self) -> Vec<String> {
        vec![self.output.clone(), self.removed_name()]
    }
    fn indirect_sources(&self) -> Vec<IndirectSource> {
        match &self.mode {
            DedupMode::Exact => Vec::new(),
            DedupMode::Key { columns, .. } | DedupMode::Fuzzy { columns, .. } => {
                IndirectSource::filters(&self.input, columns)
            }
        }
    }
    fn label(&self) -> String {
        match &self.mode {
            DedupMode::Exact => format!("remove duplicate rows of {}", self.input),
            DedupMode::Key { columns, .. } => format!("deduplicate {} by {}", self.input, columns.join(", ")),
            DedupMode::Fuzzy { columns, .. } => {
                format!("deduplicate {} by the fingerprint of {}", self.input, columns.join(", "))
            }
        }
    }
    fn run(&self, datasets: &BTreeMap<String, Dataset>) -> Result<Derived> {
        let d = &datasets[&self.input];
        let (columns, keep, fuzzy): (Vec<String>, Keep, bool) = match &self.mode {
            DedupMode::Exact => (d.schema.fields().iter().map(|f| f.name().clone()).collect(), Keep::First, false),
            DedupMode::Key { columns, keep } => (columns.clone(), *keep, false),
            DedupMode::Fuzzy { columns, keep } => (columns.clone(), *keep, true),
        };
        if columns.is_empty() {
            return Err(CoreError::step("choose at least one key column"));
        }
        let texts: Vec<Vec<StringArray>> = columns.iter().map(|c| text_column(d, c)).collect::<Result<_>>()?;
        let n = d.num_rows() as usize;
        // Row keys: the key columns' values joined by a separator that text rarely holds; nulls
        // get their own marker so that null and "" differ.
        let mut keys: Vec<String> = vec![String::new(); n];
        for col in &texts {
            let mut r = 0;
            for a in col {
                for v in a.iter() {
                    let k = &mut keys[r];
                    match v {
                        Some(v) if fuzzy => k.push_str(&fingerprint(v)),
                        Some(v) => k.push_str(v),
                        None => k.push('\u{0}'),
                    }
                    k.push('\u{1f}');
                    r += 1;
                }
            }
        }
        let nulls: Vec<u32> = if keep == Keep::MostComplete {
            let mut v = vec![0u32; n];
            let mut off = 0;
            for b in &d.batches {
                for c in b.columns() {
                    if c.null_count() > 0 {
                        for r in 0..b.num_rows() {
                            v[off + r] += u32::from(c.is_null(r));
                        }
                    }
                }
                off += b.num_rows();
            }
            v
        } else {
            Vec::new()
        };
        let mut winner: HashMap<&str, usize> = HashMap::with_capacity(n);
        for (r, k) in keys.iter().enumerate() {
            match winner.entry(k.as_str()) {
                Entry::Vacant(e) => {
                    e.insert(r);
                }
                Entry::Occupied(mut e) => {
                    let better = match keep {
                        Keep::First => false,
                        Keep::Last => true,
                        Keep::MostComplete => nulls[r] < nulls[*e.get()],
                    };
                    if better {
                        e.insert(r);
                    }
                }
            }
        }
        let mut keep_row = vec![false; n];
        for &r in winner.values() {
            keep_row[r] = true;
        }
        let groups = keys
            .iter()
            .enumerate()
            .filter(|(r, _)| !keep_row[*r])
            .map(|(_, k)| k.as_str())
            .collect::<std::collections::HashSet<_>>()
            .len() as u64;
        let mut drop = Vec::new();
        let mut off = 0;
        for b in &d.batches {
            drop.push((off..off + b.num_rows()).map(|r| !keep_row[r]).collect::<Vec<bool>>());
            off += b.num_rows();
        }
        let (kept, gone) = split_rows(d, &drop)?;
        let removed = gone.num_rows();
        let report = CleanReport {
            op: "dedup".into(),
            summary: format!(
                "{removed} duplicate row{} removed ({groups} group{} of repeated keys); they are in {}.",
                plural(removed),
                plural(groups),
                self.removed_name()
            ),
            changes: vec![ColumnChange {
                dataset: self.output.clone(),
                column: if matches!(self.mode, DedupMode::Exact) { String::new() } else { columns.join(", ") },
                counts: vec![
                    Count::new("rows removed", removed),
                    Count::new("groups of duplicates", groups),
                    Count::new("rows kept", kept.num_rows()),
                ],
                params: String::new(),
                before: None,
                after: None,
            }],
            ..Default::default()
        };
        Ok(Derived {
            outputs: vec![kept, gone],
            rows_in: n as u64,
            rows_set_aside: removed,
            report: Some(StepReport::Clean(Box::new(report))),
            recorded: None,
        })
    }
}
