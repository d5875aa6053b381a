//! The formats lesson on the user's own data: the same rows written as CSV and as Parquet with
//! each codec, and how many bytes a reader of one column needs from a column-major file.

use std::sync::Arc;

use arrow_array::RecordBatch;
use parquet::arrow::ArrowWriter;
use parquet::basic::{BrotliLevel, Compression, GzipLevel, ZstdLevel};
use parquet::file::properties::WriterProperties;
use serde::{Deserialize, Serialize};

use crate::core::dataset::Dataset;
use crate::core::error::{CoreError, Result};
use crate::core::export::write_csv;

/// Rows written for the comparison; larger tables are sampled evenly and the sizes scaled.
pub const FORMAT_SAMPLE_ROWS: u64 = 200_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormatSizes {
    pub rows_measured: u64,
    pub rows_total: u64,
    /// Bytes of the measured rows as CSV (text, row by row).
    pub csv_bytes: u64,
    pub parquet: Vec<CodecSize>,
    /// Compressed bytes of each column in the zstd Parquet file.
    pub columns: Vec<ColumnBytes>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CodecSize {
    pub codec: String,
    pub bytes: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnBytes {
    pub name: String,
    pub bytes: u64,
}

impl FormatSizes {
    /// Sizes scaled from the measured rows to the whole table.
    pub fn scale(&self) -> f64 {
        self.rows_total as f64 / self.rows_measured.max(1) as f64
    }
}

/// An even sample of at most `max` rows: the same share of every batch.
fn sample(dataset: &Dataset, max: u64) -> Vec<RecordBatch> {
    let total = dataset.num_rows();
    if total <= max {
        return dataset.batches.clone();
    }
    dataset
        .batches
        .iter()
        .map(|b| {
            let take = ((b.num_rows() as u64 * max).div_ceil(total) as usize).min(b.num_rows());
            b.slice(0, take)
        })
        .collect()
}

fn parquet_bytes(dataset: &Dataset, batches: &[RecordBatch], codec: Compression) -> Result<(u64, Vec<u64>)> {
    let failed =
        |e: parquet::errors::ParquetError| CoreError::invalid(format!("cannot write Parquet: {e}"), Default::default());
    let props = WriterProperties::builder().set_compression(codec).build();
    let mut buf = Vec::new();
    let mut w = ArrowWriter::try_new(&mut buf, Arc::clone(&dataset.schema), Some(props)).map_err(failed)?;
    for b in batches {
        w.write(b).map_err(failed)?;
    }
    let meta = w.close().map_err(failed)?;
    let mut per_column = vec![0u64; dataset.schema.fields().len()];
    for rg in meta.row_groups() {
        for (i, col) in rg.columns().iter().enumerate() {
            if let Some(slot) = per_column.get_mut(i) {
                *slot += col.compressed_size() as u64;
            }
        }
    }
    Ok((buf.len() as u64, per_column))
}

/// Writes the (sampled) table as CSV and as Parquet with every codec and measures the bytes.
pub fn format_sizes(dataset: &Dataset) -> Result<FormatSizes> {
    let batches = sample(dataset, FORMAT_SAMPLE_ROWS);
    let rows_measured = batches.iter().map(|b| b.num_rows() as u64).sum();
    let mut csv = Vec::new();
    write_csv(&dataset.schema, &batches, &mut csv)
        .map_err(|e| CoreError::invalid(e.to_string(), Default::default()))?;
    let codecs = [
        ("uncompressed", Compression::UNCOMPRESSED),
        ("snappy", Compression::SNAPPY),
        ("lz4", Compression::LZ4_RAW),
        ("gzip", Compression::GZIP(GzipLevel::default())),
        ("brotli", Compression::BROTLI(BrotliLevel::default())),
        ("zstd", Compression::ZSTD(ZstdLevel::default())),
    ];
    let mut parquet = Vec::new();
    let mut columns = Vec::new();
    for (name, codec) in codecs {
        let (bytes, per_column) = parquet_bytes(dataset, &batches, codec)?;
        parquet.push(CodecSize { codec: name.into(), bytes });
        if name == "zstd" {
            columns = dataset
                .schema
                .fields()
                .iter()
                .zip(per_column)
                .map(|(f, bytes)| ColumnBytes { name: f.name().clone(), bytes })
                .collect();
        }
    }
    Ok(FormatSizes { rows_measured, rows_total: dataset.num_rows(), csv_bytes: csv.len() as u64, parquet, columns })
}
