//! Writers and content hashes. The content hash identifies a table's values and schema,
//! independent of how rows are split into batches.

use arrow_array::{Array, RecordBatch};
use arrow_cast::display::{ArrayFormatter, FormatOptions};
use arrow_schema::{DataType, Schema};
use sha2::{Digest, Sha256};

use crate::core::ingest::hex;

/// SHA-256 of a table: a versioned preamble, the schema (names and types), then every cell as
/// a length-prefixed canonical text (nulls marked apart from empty strings), row by row.
pub fn content_hash(schema: &Schema, batches: &[RecordBatch]) -> String {
    let mut h = Sha256::new();
    h.update(b"strata-content-v1\n");
    for f in schema.fields() {
        h.update(f.name().as_bytes());
        h.update(b"\x1f");
        h.update(f.data_type().to_string().as_bytes());
        h.update(b"\x1e");
    }
    let options = FormatOptions::default();
    let mut cell = String::new();
    for batch in batches {
        let formatters: Vec<_> =
            batch.columns().iter().map(|c| ArrayFormatter::try_new(c.as_ref(), &options)).collect();
        for r in 0..batch.num_rows() {
            for (c, col) in batch.columns().iter().enumerate() {
                if col.is_null(r) {
                    h.update([0u8]);
                    continue;
                }
                cell.clear();
                canonical_cell(col.as_ref(), &formatters[c], r, &mut cell);
                h.update([1u8]);
                h.update((cell.len() as u64).to_le_bytes());
                h.update(cell.as_bytes());
            }
        }
    }
    hex(&h.finalize())
}

/// Floats print in shortest round-trip form (so the hash sees every bit of the value).
fn canonical_cell(
    col: &dyn Array,
    f: &Result<ArrayFormatter<'_>, arrow_schema::ArrowError>,
    r: usize,
    out: &mut String,
) {
    use std::fmt::Write;
    match col.data_type() {
        DataType::Float64 => {
            let v = col.as_any().downcast_ref::<arrow_array::Float64Array>().expect("type checked").value(r);
            let mut b = ryu::Buffer::new();
            out.push_str(b.format(v));
        }
        DataType::Float32 => {
            let v = col.as_any().downcast_ref::<arrow_array::Float32Array>().expect("type checked").value(r);
            let mut b = ryu::Buffer::new();
            out.push_str(b.format(v));
        }
        _ => match f {
            Ok(f) => {
                let _ = write!(out, "{}", f.value(r));
            }
            // No display for this type: its debug form still identifies the value.
            Err(_) => {
                let _ = write!(out, "{:?}", col.slice(r, 1));
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn hash_ignores_batching_but_not_nulls() {
        let schema = Arc::new(Schema::new(vec![arrow_schema::Field::new("s", DataType::Utf8, true)]));
        let one = RecordBatch::try_new(
            schema.clone(),
            vec![Arc::new(arrow_array::StringArray::from(vec![Some("a"), Some("")]))],
        )
        .unwrap();
        let a = RecordBatch::try_new(schema.clone(), vec![Arc::new(arrow_array::StringArray::from(vec![Some("a")]))])
            .unwrap();
        let b = RecordBatch::try_new(schema.clone(), vec![Arc::new(arrow_array::StringArray::from(vec![Some("")]))])
            .unwrap();
        let n =
            RecordBatch::try_new(schema.clone(), vec![Arc::new(arrow_array::StringArray::from(vec![Some("a"), None]))])
                .unwrap();
        assert_eq!(content_hash(&schema, std::slice::from_ref(&one)), content_hash(&schema, &[a, b]));
        assert_ne!(content_hash(&schema, &[one]), content_hash(&schema, &[n]));
    }
}
