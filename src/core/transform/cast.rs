//! Casting columns to another type, counting the values that do not convert. Those become nulls
//! only when the step says so (`allow_nulls`); otherwise the step fails with the count and the
//! first examples. A number with a fractional part cast to an integer counts as a failure too
//! (Arrow's cast would silently truncate 2.7 to 2).

use std::collections::BTreeMap;

use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int64Type};
use arrow_array::{Array, ArrayRef, Int64Array};
use arrow_cast::display::{ArrayFormatter, FormatOptions};
use arrow_cast::CastOptions;
use arrow_schema::{DataType, Field};
use serde::{Deserialize, Serialize};

use super::support::*;
use crate::core::dataset::Dataset;
use crate::core::error::{CoreError, Result};
use crate::core::recipe::{ColumnSource, Derive, Derived, StepReport};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CastType {
    Integer,
    Float,
    Text,
    Boolean,
    Date,
}

impl CastType {
    pub fn data_type(self) -> DataType {
        match self {
            CastType::Integer => DataType::Int64,
            CastType::Float => DataType::Float64,
            CastType::Text => DataType::Utf8,
            CastType::Boolean => DataType::Boolean,
            CastType::Date => DataType::Date32,
        }
    }
    fn name(self) -> &'static str {
        match self {
            CastType::Integer => "integer",
            CastType::Float => "float",
            CastType::Text => "text",
            CastType::Boolean => "boolean",
            CastType::Date => "date",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CastColumn {
    pub column: String,
    pub to: CastType,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CastStep {
    pub input: String,
    pub output: String,
    pub columns: Vec<CastColumn>,
    /// Values that fail to convert become nulls (otherwise the step fails).
    #[serde(default)]
    pub allow_nulls: bool,
}

impl Derive for CastStep {
    fn inputs(&self) -> Vec<String> {
        vec![self.input.clone()]
    }
    fn outputs(&self) -> Vec<String> {
        vec![self.output.clone()]
    }
    fn column_sources(&self, _output: usize, column: &str) -> Vec<ColumnSource> {
        rewritten_sources(&self.input, column, self.columns.iter().map(|c| c.column.as_str()), |_| None)
    }
    fn label(&self) -> String {
        let cols: Vec<String> = self.columns.iter().map(|c| format!("{} to {}", c.column, c.to.name())).collect();
        format!("cast {} of {}", cols.join(", "), self.input)
    }
    fn run(&self, datasets: &BTreeMap<String, Dataset>) -> Result<Derived> {
        let d = &datasets[&self.input];
        if self.columns.is_empty() {
            return Err(CoreError::step("choose at least one column to cast"));
        }
        let (mut fields, mut cols) = columns_of(d);
        let mut report = CleanReport { op: "cast".into(), ..Default::default() };
        let safe = CastOptions { safe: true, ..Default::default() };
        let fmt = FormatOptions::default();
        let mut failed_total = 0u64;
        for cc in &self.columns {
            let c = d.column_index(&cc.column)?;
            let to = cc.to.data_type();
            let mut failed = 0u64;
            let mut examples: Vec<String> = Vec::new();
            let mut offset = 0u64;
            for (b, batch) in d.batches.iter().enumerate() {
                let src = batch.column(c);
                let out = arrow_cast::cast_with_options(src, &to, &safe).map_err(|e| {
                    CoreError::step(format!("column \"{}\" cannot be cast to {}: {e}", cc.column, cc.to.name()))
                })?;
                let out = if cc.to == CastType::Integer { drop_fractions(src, out)? } else { out };
                let lost = out.null_count() - src.null_count();
                if lost > 0 {
                    failed += lost as u64;
                    if examples.len() < 3 {
                        let f = ArrayFormatter::try_new(src.as_ref(), &fmt)?;
                        for r in 0..src.len() {
                            if examples.len() >= 3 {
                                break;
                            }
                            if src.is_valid(r) && out.is_null(r) {
                                examples.push(format!("\"{}\" (row {})", f.value(r), offset + r as u64 + 1));
                            }
                        }
                    }
                }
                cols[b][c] = out;
                offset += batch.num_rows() as u64;
            }
            if failed > 0 && !self.allow_nulls {
                return Err(CoreError::step(format!(
                    "{failed} value{} of \"{}\" cannot be read as {}, e.g. {}; allow nulls to turn them into nulls, or standardize them first",
                    plural(failed),
                    cc.column,
                    cc.to.name(),
                    examples.join(", ")
                )));
            }
            failed_total += failed;
            report.changes.push(ColumnChange {
                dataset: self.output.clone(),
                column: cc.column.clone(),
                counts: vec![Count::new("values that failed the cast (now null)", failed)],
                params: format!("{} → {}", d.schema.field(c).data_type(), cc.to.name()),
                before: None,
                after: None,
            });
            fields[c] = Field::new(&cc.column, to, true);
        }
        report.summary = format!(
            "{} column{} cast; {failed_total} value{} failed and became null.",
            self.columns.len(),
            plural(self.columns.len() as u64),
            plural(failed_total)
        );
        Ok(Derived {
            outputs: vec![rebuild(&self.output, fields, cols)?],
            rows_in: d.num_rows(),
            rows_set_aside: 0,
            report: Some(StepReport::Clean(Box::new(report))),
            recorded: None,
        })
    }
}

/// Nulls the integers cast from a float or decimal that had a fractional part, which Arrow's cast
/// truncates; they then count as values that failed the cast.
fn drop_fractions(src: &ArrayRef, out: ArrayRef) -> Result<ArrayRef> {
    let dt = src.data_type();
    let fractional_source = matches!(dt, DataType::Float16 | DataType::Float32 | DataType::Float64)
        || matches!(
            dt,
            DataType::Decimal32(..) | DataType::Decimal64(..) | DataType::Decimal128(..) | DataType::Decimal256(..)
        );
    if !fractional_source {
        return Ok(out);
    }
    let as_f64 = arrow_cast::cast(src, &DataType::Float64)?;
    let f = as_f64.as_primitive::<Float64Type>();
    let ints = out.as_primitive::<Int64Type>();
    if !(0..ints.len()).any(|r| ints.is_valid(r) && f.value(r).fract() != 0.0) {
        return Ok(out);
    }
    let kept: Int64Array =
        (0..ints.len()).map(|r| (ints.is_valid(r) && f.value(r).fract() == 0.0).then(|| ints.value(r))).collect();
    Ok(std::sync::Arc::new(kept))
}
