//! Reading a dataset's columns the way sampling needs them — one stratum id, weight or time per
//! row — and taking chosen rows out of its batches with Arrow's `take` kernel.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;

use arrow_array::{Array, ArrayRef, Float64Array, Int64Array, RecordBatch, UInt32Array};
use arrow_cast::display::{ArrayFormatter, FormatOptions};
use arrow_schema::{DataType, Field, Schema, SchemaRef, TimeUnit};

use crate::core::dataset::Dataset;
use crate::core::error::{CoreError, Result};

/// Shown for a null value in strata, labels and groups.
pub const NULL_KEY: &str = "(null)";

/// Each row's stratum (a combination of values of `columns`), numbered in order of first
/// appearance, with the strata's display names.
pub struct Strata {
    pub of_row: Vec<u32>,
    pub names: Vec<String>,
}

impl Strata {
    pub fn count(&self) -> usize {
        self.names.len()
    }
    /// Row indices of each stratum, ascending.
    pub fn members(&self) -> Vec<Vec<u64>> {
        let mut m = vec![Vec::new(); self.names.len()];
        for (row, &s) in self.of_row.iter().enumerate() {
            m[s as usize].push(row as u64);
        }
        m
    }
}

/// Groups rows by the values of `columns` (formatted as text, nulls as "(null)").
pub fn strata(d: &Dataset, columns: &[String]) -> Result<Strata> {
    if columns.is_empty() {
        return Err(CoreError::step("choose at least one column to group rows by"));
    }
    let idx = columns.iter().map(|c| d.column_index(c)).collect::<Result<Vec<_>>>()?;
    let options = FormatOptions::default();
    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut names = Vec::new();
    let mut of_row = Vec::with_capacity(d.num_rows() as usize);
    let mut key = String::new();
    for b in &d.batches {
        let cols: Vec<&ArrayRef> = idx.iter().map(|&i| b.column(i)).collect();
        let fmts = cols
            .iter()
            .map(|c| ArrayFormatter::try_new(c.as_ref(), &options))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        for r in 0..b.num_rows() {
            key.clear();
            for (k, (c, f)) in cols.iter().zip(&fmts).enumerate() {
                if k > 0 {
                    key.push_str(" · ");
                }
                if c.is_null(r) {
                    key.push_str(NULL_KEY);
                } else {
                    let _ = write!(key, "{}", f.value(r));
                }
            }
            let id = match ids.get(key.as_str()) {
                Some(&id) => id,
                None => {
                    let id = names.len() as u32;
                    ids.insert(key.clone(), id);
                    names.push(key.clone());
                    id
                }
            };
            of_row.push(id);
        }
    }
    Ok(Strata { of_row, names })
}

/// Each row's whole-record id: rows with the same values in every column (nulls equal to nulls)
/// share an id. Values are length-prefixed in the key, so no two different records collide.
pub fn record_ids(d: &Dataset) -> Result<Vec<u32>> {
    let options = FormatOptions::default();
    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut of_row = Vec::with_capacity(d.num_rows() as usize);
    let mut key = String::new();
    let mut value = String::new();
    for b in &d.batches {
        let fmts = b
            .columns()
            .iter()
            .map(|c| ArrayFormatter::try_new(c.as_ref(), &options))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        for r in 0..b.num_rows() {
            key.clear();
            for (c, f) in b.columns().iter().zip(&fmts) {
                if c.is_null(r) {
                    key.push('N');
                } else {
                    value.clear();
                    let _ = write!(value, "{}", f.value(r));
                    let _ = write!(key, "{}:{value}", value.len());
                }
            }
            let next = ids.len() as u32;
            let id = *ids.entry(key.clone()).or_insert(next);
            of_row.push(id);
        }
    }
    Ok(of_row)
}

/// A numeric column as f64 per row (`None` for nulls); an error names a non-numeric column.
pub fn numbers(d: &Dataset, column: &str) -> Result<Vec<Option<f64>>> {
    let i = d.column_index(column)?;
    let t = d.schema.field(i).data_type();
    if !t.is_numeric() {
        return Err(CoreError::step(format!("column \"{column}\" is {t}, not a number")));
    }
    let mut out = Vec::with_capacity(d.num_rows() as usize);
    for b in &d.batches {
        let a = arrow_cast::cast(b.column(i), &DataType::Float64)?;
        let a = a.as_any().downcast_ref::<Float64Array>().expect("cast to Float64");
        out.extend(a.iter());
    }
    Ok(out)
}

/// A column that orders rows in time: dates and timestamps (as their integer value), numbers,
/// or text that parses as a date/time. `None` for nulls and unparseable text.
pub fn times(d: &Dataset, column: &str) -> Result<Vec<Option<f64>>> {
    let i = d.column_index(column)?;
    let t = d.schema.field(i).data_type().clone();
    let mut out = Vec::with_capacity(d.num_rows() as usize);
    for b in &d.batches {
        let a = b.column(i);
        let as_int = match &t {
            DataType::Date32 | DataType::Date64 | DataType::Timestamp(_, _) => arrow_cast::cast(a, &DataType::Int64)?,
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => {
                let ts = arrow_cast::cast(a, &DataType::Timestamp(TimeUnit::Millisecond, None))
                    .map_err(|_| CoreError::step(format!("column \"{column}\" has text that is not a date or time")))?;
                arrow_cast::cast(&ts, &DataType::Int64)?
            }
            t if t.is_numeric() => {
                let f = arrow_cast::cast(a, &DataType::Float64)?;
                let f = f.as_any().downcast_ref::<Float64Array>().expect("cast to Float64");
                out.extend(f.iter());
                continue;
            }
            other => {
                return Err(CoreError::step(format!("column \"{column}\" is {other}, not a date, time or number")))
            }
        };
        let a = as_int.as_any().downcast_ref::<Int64Array>().expect("cast to Int64");
        out.extend(a.iter().map(|v| v.map(|v| v as f64)));
    }
    Ok(out)
}

/// One column's value in row `row` formatted for display.
pub fn display(d: &Dataset, column: &str, row: u64) -> Result<String> {
    let i = d.column_index(column)?;
    let mut skip = row;
    for b in &d.batches {
        let n = b.num_rows() as u64;
        if skip < n {
            let c = b.column(i);
            if c.is_null(skip as usize) {
                return Ok(NULL_KEY.to_string());
            }
            let f = ArrayFormatter::try_new(c.as_ref(), &FormatOptions::default())?;
            return Ok(f.value(skip as usize).to_string());
        }
        skip -= n;
    }
    Err(CoreError::step(format!("row {row} is past the end of {}", d.name)))
}

/// The rows at `rows` (global indices, ascending, repeats allowed), in that order, as batches that
/// follow the input's batches; with `extra`, one more column of one value per chosen row.
pub fn take_rows(d: &Dataset, rows: &[u64], extra: Option<(&str, &[f64])>) -> Result<(SchemaRef, Vec<RecordBatch>)> {
    debug_assert!(rows.windows(2).all(|w| w[0] <= w[1]));
    let schema = match extra {
        None => Arc::clone(&d.schema),
        Some((name, _)) => {
            let mut fields: Vec<Field> = d.schema.fields().iter().map(|f| f.as_ref().clone()).collect();
            fields.push(Field::new(name, DataType::Float64, false));
            Arc::new(Schema::new(fields))
        }
    };
    let mut out = Vec::new();
    let mut start = 0usize;
    let mut base = 0u64;
    for b in &d.batches {
        let n = b.num_rows() as u64;
        let end = start + rows[start..].partition_point(|&r| r < base + n);
        if end > start {
            let local = UInt32Array::from_iter_values(rows[start..end].iter().map(|&r| (r - base) as u32));
            let mut cols = b
                .columns()
                .iter()
                .map(|c| arrow_select::take::take(c.as_ref(), &local, None))
                .collect::<std::result::Result<Vec<_>, _>>()?;
            if let Some((_, values)) = extra {
                cols.push(Arc::new(Float64Array::from(values[start..end].to_vec())) as ArrayRef);
            }
            out.push(RecordBatch::try_new(Arc::clone(&schema), cols)?);
        }
        start = end;
        base += n;
    }
    if start != rows.len() {
        return Err(CoreError::step(format!(
            "row {} is past the end of {} ({} rows)",
            rows[start] + 1,
            d.name,
            d.num_rows()
        )));
    }
    Ok((schema, out))
}
