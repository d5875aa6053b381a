//! Parquet: the footer first (schema, row groups, statistics, codecs), then the data.
//!
//! Reading goes through parquet's `ChunkReader`, i.e. random access: the worker implements it over
//! a browser `File` (so the metadata of a 2 GB file costs a few reads), natively a `File` or bytes.

use std::collections::BTreeSet;

use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::file::metadata::{ParquetMetaData, ParquetMetaDataReader};
use parquet::file::reader::ChunkReader;
use parquet::file::statistics::Statistics;
use serde::{Deserialize, Serialize};

use super::{BatchSink, ColumnReport, IngestOptions, LoadReport, Loaded, SourceFormat};
use crate::core::error::{CoreError, Result};

/// What the footer says, shown before any data is read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParquetMeta {
    pub file_bytes: u64,
    pub rows: i64,
    pub created_by: Option<String>,
    pub row_groups: Vec<RowGroupMeta>,
    pub columns: Vec<ParquetColumnMeta>,
    /// The Arrow schema, as text, one field a line.
    pub arrow_schema: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowGroupMeta {
    pub rows: i64,
    pub compressed_bytes: i64,
    pub uncompressed_bytes: i64,
}

/// Per leaf column, summed over row groups.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParquetColumnMeta {
    pub path: String,
    pub physical_type: String,
    pub logical_type: Option<String>,
    pub codecs: Vec<String>,
    pub encodings: Vec<String>,
    pub compressed_bytes: i64,
    pub uncompressed_bytes: i64,
    pub null_count: Option<u64>,
    pub min: Option<String>,
    pub max: Option<String>,
}

/// Checks the magic bytes at both ends, so a truncated or foreign file gets a plain message.
fn check_magic<R: ChunkReader>(reader: &R) -> Result<()> {
    let len = reader.len();
    if len < 12 {
        return Err(CoreError::Parquet {
            message: format!("the file has only {len} bytes; a Parquet file has at least 12 (PAR1 … PAR1)"),
            row_group: None,
        });
    }
    let head = reader.get_bytes(0, 4)?;
    let tail = reader.get_bytes(len - 4, 4)?;
    if head.as_ref() != b"PAR1" {
        return Err(CoreError::Parquet {
            message: format!(
                "wrong magic bytes at the start: expected PAR1, found {:?}",
                String::from_utf8_lossy(&head)
            ),
            row_group: None,
        });
    }
    if tail.as_ref() != b"PAR1" {
        return Err(CoreError::Parquet {
            message:
                "the file is truncated: it does not end with PAR1, so its footer (schema and row groups) is missing"
                    .into(),
            row_group: None,
        });
    }
    Ok(())
}

/// Runs a step of the Parquet reader, turning a panic inside it (corrupt files can trip
/// assertions in the arrow/parquet crates) into a clear error. Natively the panic is caught; in
/// the browser (panic = abort) the worker dies and the page restarts it.
fn guarded<T>(what: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => {
            let detail = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "no detail".into());
            Err(CoreError::Parquet {
                message: format!("the file is corrupt: the reader failed while {what} ({detail})"),
                row_group: None,
            })
        }
    }
}

/// Reads only the footer.
pub fn read_metadata<R: ChunkReader>(reader: &R) -> Result<(ParquetMetaData, ParquetMeta)> {
    guarded("reading the footer", || read_metadata_unguarded(reader))
}

fn read_metadata_unguarded<R: ChunkReader>(reader: &R) -> Result<(ParquetMetaData, ParquetMeta)> {
    check_magic(reader)?;
    let md = ParquetMetaDataReader::new().parse_and_finish(reader).map_err(|e| CoreError::Parquet {
        message: format!("the footer cannot be read ({e}); the file may be truncated or corrupt"),
        row_group: None,
    })?;
    let summary = summarize(&md, reader.len())?;
    Ok((md, summary))
}

fn stat_text(s: &Statistics) -> (Option<String>, Option<String>) {
    fn show<T: std::fmt::Debug>(v: Option<&T>) -> Option<String> {
        v.map(|x| format!("{x:?}"))
    }
    match s {
        Statistics::Boolean(v) => (show(v.min_opt()), show(v.max_opt())),
        Statistics::Int32(v) => (show(v.min_opt()), show(v.max_opt())),
        Statistics::Int64(v) => (show(v.min_opt()), show(v.max_opt())),
        Statistics::Int96(v) => (show(v.min_opt()), show(v.max_opt())),
        Statistics::Float(v) => (show(v.min_opt()), show(v.max_opt())),
        Statistics::Double(v) => (show(v.min_opt()), show(v.max_opt())),
        Statistics::ByteArray(v) => (
            v.min_opt().map(|b| String::from_utf8_lossy(b.data()).into_owned()),
            v.max_opt().map(|b| String::from_utf8_lossy(b.data()).into_owned()),
        ),
        Statistics::FixedLenByteArray(v) => {
            (v.min_opt().map(|b| format!("{:?}", b.data())), v.max_opt().map(|b| format!("{:?}", b.data())))
        }
    }
}

fn summarize(md: &ParquetMetaData, file_bytes: u64) -> Result<ParquetMeta> {
    let fmd = md.file_metadata();
    let schema = fmd.schema_descr();
    let mut columns: Vec<ParquetColumnMeta> = schema
        .columns()
        .iter()
        .map(|c| ParquetColumnMeta {
            path: c.path().string(),
            physical_type: format!("{:?}", c.physical_type()),
            logical_type: c.logical_type_ref().map(|l| format!("{l:?}")),
            codecs: Vec::new(),
            encodings: Vec::new(),
            compressed_bytes: 0,
            uncompressed_bytes: 0,
            null_count: Some(0),
            min: None,
            max: None,
        })
        .collect();
    let mut codecs: Vec<BTreeSet<String>> = vec![BTreeSet::new(); columns.len()];
    let mut encodings: Vec<BTreeSet<String>> = vec![BTreeSet::new(); columns.len()];
    let mut row_groups = Vec::new();
    for (g, rg) in md.row_groups().iter().enumerate() {
        row_groups.push(RowGroupMeta {
            rows: rg.num_rows(),
            compressed_bytes: rg.compressed_size(),
            uncompressed_bytes: rg.total_byte_size(),
        });
        for (i, cc) in rg.columns().iter().enumerate() {
            let col = &mut columns[i];
            codecs[i].insert(format!("{:?}", cc.compression()));
            for e in cc.encodings() {
                encodings[i].insert(format!("{e:?}"));
            }
            col.compressed_bytes += cc.compressed_size();
            col.uncompressed_bytes += cc.uncompressed_size();
            match cc.statistics() {
                Some(st) => {
                    col.null_count = match (col.null_count, st.null_count_opt()) {
                        (Some(a), Some(b)) => Some(a + b),
                        _ => None,
                    };
                    let (mn, mx) = stat_text(st);
                    // Statistics are per row group and their text does not order like the values,
                    // so min/max are shown only when every row group agrees on them.
                    if g == 0 {
                        col.min = mn;
                        col.max = mx;
                    } else if col.min != mn || col.max != mx {
                        col.min = None;
                        col.max = None;
                    }
                }
                None => col.null_count = None,
            }
        }
    }
    for (i, c) in columns.iter_mut().enumerate() {
        c.codecs = codecs[i].iter().cloned().collect();
        c.encodings = encodings[i].iter().cloned().collect();
    }
    let arrow_schema = parquet::arrow::parquet_to_arrow_schema(schema, fmd.key_value_metadata())
        .map(|s| s.fields().iter().map(|f| format!("{}: {}", f.name(), f.data_type())).collect())
        .unwrap_or_default();
    Ok(ParquetMeta {
        file_bytes,
        rows: fmd.num_rows(),
        created_by: fmd.created_by().map(str::to_string),
        row_groups,
        columns,
        arrow_schema,
    })
}

/// An open Parquet file: the footer read, the data not yet. Iterate `reader` for batches.
pub struct OpenParquet {
    pub schema: arrow_schema::SchemaRef,
    pub meta: ParquetMeta,
    pub reader: parquet::arrow::arrow_reader::ParquetRecordBatchReader,
    rows_per_group: Vec<i64>,
    rows: u64,
    batches: BatchSink,
}

/// Opens a Parquet file for reading batches of `options.batch_rows` rows.
pub fn open<R: ChunkReader + 'static>(reader: R, options: &IngestOptions) -> Result<OpenParquet> {
    guarded("opening the file", || open_unguarded(reader, options))
}

fn open_unguarded<R: ChunkReader + 'static>(reader: R, options: &IngestOptions) -> Result<OpenParquet> {
    let (_, meta) = read_metadata(&reader)?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(reader).map_err(|e| CoreError::Parquet {
        message: format!("the schema cannot be read as Arrow ({e})"),
        row_group: None,
    })?;
    let schema = builder.schema().clone();
    let rows_per_group: Vec<i64> = meta.row_groups.iter().map(|g| g.rows).collect();
    let reader = builder.with_batch_size(options.batch_rows.max(1)).build()?;
    Ok(OpenParquet { schema, meta, reader, rows_per_group, rows: 0, batches: BatchSink::new(options) })
}

impl OpenParquet {
    /// Reads the next batch; `Ok(false)` at the end. Errors name the row group.
    pub fn step(&mut self) -> Result<bool> {
        let group = row_group_of(&self.rows_per_group, self.rows);
        let next = guarded(&format!("decoding row group {group}"), || Ok(self.reader.next())).map_err(|e| match e {
            CoreError::Parquet { message, .. } => CoreError::Parquet { message, row_group: Some(group) },
            other => other,
        })?;
        match next {
            None => Ok(false),
            Some(Ok(b)) => {
                self.rows += b.num_rows() as u64;
                self.batches.push(b)?;
                Ok(true)
            }
            Some(Err(e)) => {
                let group = row_group_of(&self.rows_per_group, self.rows);
                Err(CoreError::Parquet {
                    message: format!("data of row group {group} cannot be decoded ({e})"),
                    row_group: Some(group),
                })
            }
        }
    }

    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// The finished load, given the source's hash (computed by whoever holds the bytes).
    pub fn finish(mut self, source_sha256: String) -> Loaded {
        let mut report = LoadReport::new(SourceFormat::Parquet);
        report.rows_loaded = self.rows;
        report.columns = self
            .schema
            .fields()
            .iter()
            .map(|f| ColumnReport {
                name: f.name().clone(),
                column_type: f.data_type().to_string().to_lowercase(),
                note: None,
                ambiguous_dates: None,
                overridden: None,
            })
            .collect();
        let source_bytes = self.meta.file_bytes;
        report.parquet = Some(self.meta);
        let batches = self.batches.finish(&mut report);
        Loaded { schema: self.schema, batches, report, source_sha256, source_bytes }
    }
}

/// Reads all data. `progress(rows_read)` is called after each batch; an error from it (e.g.
/// cancellation) stops the read.
pub fn load_with_hash<R: ChunkReader + 'static>(
    reader: R,
    source_sha256: String,
    options: &IngestOptions,
    progress: &mut dyn FnMut(u64) -> Result<()>,
) -> Result<Loaded> {
    let mut open = open(reader, options)?;
    while open.step()? {
        progress(open.rows())?;
    }
    Ok(open.finish(source_sha256))
}

fn row_group_of(rows_per_group: &[i64], row: u64) -> usize {
    let mut acc = 0u64;
    for (i, &r) in rows_per_group.iter().enumerate() {
        acc += r as u64;
        if row < acc {
            return i;
        }
    }
    rows_per_group.len().saturating_sub(1)
}

/// Loads Parquet held in memory (hashing it here).
pub fn load(
    bytes: bytes::Bytes,
    options: &IngestOptions,
    progress: &mut dyn FnMut(u64) -> Result<()>,
) -> Result<Loaded> {
    let mut h = super::SourceHasher::default();
    h.update(&bytes);
    let (sha, _) = h.finish();
    load_with_hash(bytes, sha, options, progress)
}

/// Re-exported so the worker can implement random access over a browser `File`.
pub use parquet::file::reader::{ChunkReader as ParquetChunkReader, Length as ParquetLength};
