//! Column operations: keep, drop, reorder and rename columns in one step.
//!
//! The step lists the output's columns in order, each naming the input column it comes from and,
//! optionally, its new name. Columns not listed are dropped. Arrow arrays are shared, not copied.

use std::collections::BTreeMap;
use std::sync::Arc;

use arrow_array::RecordBatch;
use arrow_schema::{Field, Schema};
use serde::{Deserialize, Serialize};

use crate::core::dataset::Dataset;
use crate::core::error::{CoreError, Result};
use crate::core::recipe::{ColumnSource, Derive, Derived};

/// One output column: the input column it takes and, optionally, a new name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnPick {
    pub column: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rename: Option<String>,
}

/// Keep the listed columns, in this order, renamed where asked; drop the others.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnsStep {
    pub input: String,
    pub output: String,
    pub columns: Vec<ColumnPick>,
}

impl Derive for ColumnsStep {
    fn inputs(&self) -> Vec<String> {
        vec![self.input.clone()]
    }
    fn outputs(&self) -> Vec<String> {
        vec![self.output.clone()]
    }
    fn label(&self) -> String {
        let renamed = self.columns.iter().filter(|c| c.rename.is_some()).count();
        let mut s = format!("keep {} column{} of {}", self.columns.len(), plural(self.columns.len()), self.input);
        if renamed > 0 {
            s.push_str(&format!(", rename {renamed}"));
        }
        s
    }
    fn column_sources(&self, _output: usize, column: &str) -> Vec<ColumnSource> {
        self.columns
            .iter()
            .find(|c| c.rename.as_deref().unwrap_or(&c.column) == column)
            .map(|c| ColumnSource { dataset: self.input.clone(), column: c.column.clone(), identity: true })
            .into_iter()
            .collect()
    }
    fn run(&self, datasets: &BTreeMap<String, Dataset>) -> Result<Derived> {
        let input = &datasets[&self.input];
        if self.columns.is_empty() {
            return Err(CoreError::step("keep at least one column"));
        }
        let mut indices = Vec::with_capacity(self.columns.len());
        let mut fields = Vec::with_capacity(self.columns.len());
        for pick in &self.columns {
            let i = input.column_index(&pick.column)?;
            let name = pick.rename.as_deref().unwrap_or(&pick.column);
            if name.is_empty() {
                return Err(CoreError::step(format!("column {} needs a non-empty name", pick.column)));
            }
            if fields.iter().any(|f: &Field| f.name() == name) {
                return Err(CoreError::step(format!("two output columns would be named \"{name}\"")));
            }
            fields.push(input.schema.field(i).clone().with_name(name));
            indices.push(i);
        }
        let schema = Arc::new(Schema::new(fields));
        let batches = input
            .batches
            .iter()
            .map(|b| {
                let columns = indices.iter().map(|&i| Arc::clone(b.column(i))).collect();
                RecordBatch::try_new(Arc::clone(&schema), columns).map_err(CoreError::from)
            })
            .collect::<Result<Vec<_>>>()?;
        let rows = input.num_rows();
        Ok(Derived {
            outputs: vec![Dataset::new(&self.output, schema, batches)],
            rows_in: rows,
            rows_set_aside: 0,
            report: None,
            recorded: None,
        })
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
