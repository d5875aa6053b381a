//! Dropping missing data: columns whose null fraction is above a threshold, then rows with any
//! (or all) of the chosen columns null.

use std::collections::BTreeMap;

use arrow_array::Array;
use serde::{Deserialize, Serialize};

use super::support::*;
use crate::core::dataset::Dataset;
use crate::core::error::{CoreError, Result};
use crate::core::recipe::{Derive, Derived, IndirectSource, StepReport};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum How {
    /// Drop a row when any chosen column is null.
    Any,
    /// Drop a row when every chosen column is null.
    All,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DropMissingStep {
    pub input: String,
    pub output: String,
    /// Columns to check for nulls; empty for all.
    #[serde(default)]
    pub columns: Vec<String>,
    pub how: How,
    /// Drop columns whose null fraction is above this (0–1) first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_null_fraction: Option<f64>,
}

impl Derive for DropMissingStep {
    fn inputs(&self) -> Vec<String> {
        vec![self.input.clone()]
    }
    fn outputs(&self) -> Vec<String> {
        vec![self.output.clone()]
    }
    fn indirect_sources(&self) -> Vec<IndirectSource> {
        IndirectSource::filters(&self.input, &self.columns)
    }
    fn label(&self) -> String {
        format!("drop missing in {}", self.input)
    }
    fn run(&self, datasets: &BTreeMap<String, Dataset>) -> Result<Derived> {
        let d = &datasets[&self.input];
        let rows = d.num_rows();
        let nulls = d.null_counts();
        let dropped_cols: Vec<usize> = match self.max_null_fraction {
            Some(f) if !(0.0..=1.0).contains(&f) => {
                return Err(CoreError::step(format!("the null fraction limit must be between 0 and 1, not {f}")))
            }
            Some(f) => (0..nulls.len()).filter(|&c| rows > 0 && nulls[c] as f64 / rows as f64 > f).collect(),
            None => Vec::new(),
        };
        let check: Vec<usize> = if self.columns.is_empty() {
            (0..nulls.len()).filter(|c| !dropped_cols.contains(c)).collect()
        } else {
            self.columns.iter().map(|c| d.column_index(c)).collect::<Result<_>>()?
        };
        if let Some(c) = check.iter().find(|c| dropped_cols.contains(c)) {
            return Err(CoreError::step(format!(
                "column \"{}\" is both checked for nulls and dropped for having too many",
                d.schema.field(*c).name()
            )));
        }
        let mut drop = Vec::new();
        for b in &d.batches {
            let n = b.num_rows();
            drop.push(
                (0..n)
                    .map(|r| match self.how {
                        How::Any => check.iter().any(|&c| b.column(c).is_null(r)),
                        How::All => !check.is_empty() && check.iter().all(|&c| b.column(c).is_null(r)),
                    })
                    .collect::<Vec<bool>>(),
            );
        }
        let (kept, gone) = super::outliers::split_rows(d, &drop)?;
        let (mut fields, mut cols) = columns_of(&kept);
        for &c in dropped_cols.iter().rev() {
            fields.remove(c);
            for b in cols.iter_mut() {
                b.remove(c);
            }
        }
        let out = rebuild(&self.output, fields, cols)?;
        let names: Vec<String> = dropped_cols.iter().map(|&c| d.schema.field(c).name().clone()).collect();
        let removed = gone.num_rows();
        let report = CleanReport {
            op: "drop_missing".into(),
            summary: format!(
                "{removed} row{} with missing values dropped{}.",
                plural(removed),
                if names.is_empty() { String::new() } else { format!("; columns dropped: {}", names.join(", ")) }
            ),
            changes: vec![ColumnChange {
                dataset: self.output.clone(),
                column: String::new(),
                counts: vec![Count::new("rows dropped", removed), Count::new("columns dropped", names.len() as u64)],
                params: String::new(),
                before: None,
                after: None,
            }],
            ..Default::default()
        };
        Ok(Derived {
            outputs: vec![out],
            rows_in: rows,
            rows_set_aside: 0,
            report: Some(StepReport::Clean(Box::new(report))),
            recorded: None,
        })
    }
}
