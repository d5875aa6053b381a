//! A dataset: an Arrow schema and record batches, with where it came from.

use arrow_array::{Array, RecordBatch};
use arrow_cast::display::{ArrayFormatter, FormatOptions};
use arrow_schema::SchemaRef;
use serde::{Deserialize, Serialize};

use crate::core::ingest::{LoadReport, Loaded, SourceFormat};

/// Identity of a source file: its name, size and SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceInfo {
    pub name: String,
    pub bytes: u64,
    pub sha256: String,
    pub format: SourceFormat,
}

/// A table held in memory as Arrow batches.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub name: String,
    pub schema: SchemaRef,
    pub batches: Vec<RecordBatch>,
    pub source: Option<SourceInfo>,
    pub load_report: Option<LoadReport>,
    /// For a dataset made by a step of the recipe: that step's label.
    pub derived: Option<String>,
}

/// A window of rows rendered as text for display; `None` is a null cell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page {
    pub offset: u64,
    pub total_rows: u64,
    pub rows: Vec<Vec<Option<String>>>,
}

impl Dataset {
    pub fn from_loaded(name: &str, source_name: &str, loaded: Loaded) -> Self {
        Dataset {
            name: name.to_string(),
            schema: loaded.schema,
            batches: loaded.batches,
            source: Some(SourceInfo {
                name: source_name.to_string(),
                bytes: loaded.source_bytes,
                sha256: loaded.source_sha256,
                format: loaded.report.format,
            }),
            load_report: Some(loaded.report),
            derived: None,
        }
    }

    /// A dataset computed from others (`Session::apply` sets its name and `derived`).
    pub fn new(name: &str, schema: SchemaRef, batches: Vec<RecordBatch>) -> Self {
        Dataset { name: name.to_string(), schema, batches, source: None, load_report: None, derived: None }
    }

    /// The index of a column by name, or an error naming the dataset and its columns.
    pub fn column_index(&self, column: &str) -> crate::core::error::Result<usize> {
        self.schema.index_of(column).map_err(|_| {
            let names: Vec<&str> = self.schema.fields().iter().map(|f| f.name().as_str()).collect();
            crate::core::error::CoreError::step(format!(
                "dataset {} has no column \"{column}\" (its columns: {})",
                self.name,
                names.join(", ")
            ))
        })
    }

    pub fn num_rows(&self) -> u64 {
        self.batches.iter().map(|b| b.num_rows() as u64).sum()
    }

    pub fn null_counts(&self) -> Vec<u64> {
        (0..self.schema.fields().len())
            .map(|c| self.batches.iter().map(|b| b.column(c).null_count() as u64).sum())
            .collect()
    }

    /// Rows `offset..offset+limit` formatted for display.
    pub fn page(&self, offset: u64, limit: usize) -> Page {
        let options = FormatOptions::default().with_display_error(true);
        let mut rows = Vec::new();
        let mut skip = offset;
        for batch in &self.batches {
            if rows.len() >= limit {
                break;
            }
            let n = batch.num_rows() as u64;
            if skip >= n {
                skip -= n;
                continue;
            }
            let formatters: Vec<_> =
                batch.columns().iter().map(|c| ArrayFormatter::try_new(c.as_ref(), &options)).collect();
            let take = (n - skip).min((limit - rows.len()) as u64);
            for r in skip..skip + take {
                let r = r as usize;
                rows.push(
                    batch
                        .columns()
                        .iter()
                        .zip(&formatters)
                        .map(|(col, f)| {
                            if col.is_null(r) {
                                return None;
                            }
                            Some(match f {
                                Ok(f) => f.value(r).to_string(),
                                Err(e) => format!("(cannot display: {e})"),
                            })
                        })
                        .collect(),
                );
            }
            skip = 0;
        }
        Page { offset, total_rows: self.num_rows(), rows }
    }
}
