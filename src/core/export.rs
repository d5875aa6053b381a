//! Writers and content hashes. The content hash identifies a table's values and schema,
//! independent of how rows are split into batches.

use std::sync::Arc;

use arrow_array::{Array, RecordBatch};
use arrow_cast::display::{ArrayFormatter, FormatOptions};
use arrow_schema::{DataType, Schema};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::core::dataset::Dataset;
use crate::core::error::{CoreError, Result};
use crate::core::ingest::hex;

/// SHA-256 of a table's schema and values, independent of how rows are split into batches:
/// a versioned preamble, the schema (names and types), then column by column every row as a
/// null marker or a canonical encoding of its value (fixed-width little-endian for numbers and
/// dates, length-prefixed UTF-8 for text, display text for nested types).
pub fn content_hash(schema: &Schema, batches: &[RecordBatch]) -> String {
    let mut h = Sha256::new();
    h.update(b"strata-content-v2\n");
    for f in schema.fields() {
        h.update(f.name().as_bytes());
        h.update(b"\x1f");
        h.update(f.data_type().to_string().as_bytes());
        h.update(b"\x1e");
    }
    let mut buf: Vec<u8> = Vec::with_capacity(1 << 20);
    for c in 0..schema.fields().len() {
        for batch in batches {
            encode_column(batch.column(c).as_ref(), &mut buf);
            h.update(&buf);
            buf.clear();
        }
    }
    hex(&h.finalize())
}

/// Appends one column's rows in the canonical form (see `content_hash`).
fn encode_column(col: &dyn Array, out: &mut Vec<u8>) {
    use arrow_array::cast::AsArray;
    macro_rules! fixed {
        ($arr:expr) => {{
            let a = $arr;
            for (i, v) in a.values().iter().enumerate() {
                if a.is_null(i) {
                    out.push(0);
                } else {
                    out.push(1);
                    out.extend_from_slice(&v.to_le_bytes());
                }
            }
        }};
    }
    use arrow_array::types::*;
    match col.data_type() {
        DataType::Int8 => fixed!(col.as_primitive::<Int8Type>()),
        DataType::Int16 => fixed!(col.as_primitive::<Int16Type>()),
        DataType::Int32 => fixed!(col.as_primitive::<Int32Type>()),
        DataType::Int64 => fixed!(col.as_primitive::<Int64Type>()),
        DataType::UInt8 => fixed!(col.as_primitive::<UInt8Type>()),
        DataType::UInt16 => fixed!(col.as_primitive::<UInt16Type>()),
        DataType::UInt32 => fixed!(col.as_primitive::<UInt32Type>()),
        DataType::UInt64 => fixed!(col.as_primitive::<UInt64Type>()),
        DataType::Float32 => fixed!(col.as_primitive::<Float32Type>()),
        DataType::Float64 => fixed!(col.as_primitive::<Float64Type>()),
        DataType::Date32 => fixed!(col.as_primitive::<Date32Type>()),
        DataType::Date64 => fixed!(col.as_primitive::<Date64Type>()),
        DataType::Decimal128(..) => fixed!(col.as_primitive::<Decimal128Type>()),
        DataType::Timestamp(unit, _) => match unit {
            arrow_schema::TimeUnit::Second => fixed!(col.as_primitive::<TimestampSecondType>()),
            arrow_schema::TimeUnit::Millisecond => fixed!(col.as_primitive::<TimestampMillisecondType>()),
            arrow_schema::TimeUnit::Microsecond => fixed!(col.as_primitive::<TimestampMicrosecondType>()),
            arrow_schema::TimeUnit::Nanosecond => fixed!(col.as_primitive::<TimestampNanosecondType>()),
        },
        DataType::Boolean => {
            let a = col.as_boolean();
            for i in 0..a.len() {
                out.push(if a.is_null(i) { 0 } else { 1 + a.value(i) as u8 });
            }
        }
        DataType::Utf8 => {
            let a = col.as_string::<i32>();
            for i in 0..a.len() {
                text_cell(if a.is_null(i) { None } else { Some(a.value(i)) }, out);
            }
        }
        DataType::LargeUtf8 => {
            let a = col.as_string::<i64>();
            for i in 0..a.len() {
                text_cell(if a.is_null(i) { None } else { Some(a.value(i)) }, out);
            }
        }
        _ => {
            // Nested and rarer types: their display text identifies the value.
            let formatter = ArrayFormatter::try_new(col, &FormatOptions::default());
            let mut cell = String::new();
            for i in 0..col.len() {
                if col.is_null(i) {
                    text_cell(None, out);
                    continue;
                }
                cell.clear();
                match &formatter {
                    Ok(f) => {
                        use std::fmt::Write;
                        let _ = write!(cell, "{}", f.value(i));
                    }
                    Err(_) => cell = format!("{:?}", col.slice(i, 1)),
                }
                text_cell(Some(&cell), out);
            }
        }
    }
}

/// Writes batches as RFC 4180 CSV: a header, `,` between fields, `\n` after each record,
/// quotes only where a field holds a comma, quote or line break (or is empty text, to tell it
/// from a missing value, which is written as nothing).
pub fn write_csv(schema: &Schema, batches: &[RecordBatch], out: &mut impl std::io::Write) -> std::io::Result<()> {
    let mut line = String::new();
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    for (i, n) in names.iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        push_csv_field(&mut line, n);
    }
    line.push('\n');
    let options = FormatOptions::default();
    let mut cell = String::new();
    for batch in batches {
        let formatters: Vec<_> =
            batch.columns().iter().map(|c| ArrayFormatter::try_new(c.as_ref(), &options)).collect();
        for r in 0..batch.num_rows() {
            for (i, (col, f)) in batch.columns().iter().zip(&formatters).enumerate() {
                if i > 0 {
                    line.push(',');
                }
                if col.is_null(r) {
                    continue;
                }
                cell.clear();
                {
                    use std::fmt::Write;
                    match f {
                        Ok(f) => {
                            let _ = write!(cell, "{}", f.value(r));
                        }
                        Err(e) => {
                            let _ = write!(cell, "(cannot display: {e})");
                        }
                    }
                }
                if cell.is_empty() {
                    line.push_str("\"\"");
                } else {
                    push_csv_field(&mut line, &cell);
                }
            }
            line.push('\n');
            if line.len() > 1 << 16 {
                out.write_all(line.as_bytes())?;
                line.clear();
            }
        }
    }
    out.write_all(line.as_bytes())
}

fn push_csv_field(line: &mut String, s: &str) {
    if s.contains([',', '"', '\n', '\r']) {
        line.push('"');
        line.push_str(&s.replace('"', "\"\""));
        line.push('"');
    } else {
        line.push_str(s);
    }
}

#[inline]
fn text_cell(v: Option<&str>, out: &mut Vec<u8>) {
    match v {
        None => out.push(0),
        Some(s) => {
            out.push(1);
            out.extend_from_slice(&(s.len() as u64).to_le_bytes());
            out.extend_from_slice(s.as_bytes());
        }
    }
}

/// A file written from a dataset: recorded in the recipe, so a replay writes the same file and
/// checks its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportRecord {
    pub dataset: String,
    pub file_name: String,
    #[serde(flatten)]
    pub format: FileFormat,
    /// SHA-256 of the file's bytes.
    pub sha256: String,
    pub bytes: u64,
    pub rows: u64,
}

/// A file format Strata writes. JSON: `{"format":"csv"}`, `{"format":"parquet","codec":"zstd"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "format", rename_all = "snake_case")]
pub enum FileFormat {
    Csv,
    Jsonl,
    Parquet {
        #[serde(default)]
        codec: ParquetCodec,
    },
}

/// Parquet compression. zstd is the default: smallest files at a speed that keeps up with CSV.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParquetCodec {
    #[default]
    Zstd,
    Snappy,
    Uncompressed,
}

impl FileFormat {
    pub const PARQUET: FileFormat = FileFormat::Parquet { codec: ParquetCodec::Zstd };

    pub fn extension(self) -> &'static str {
        match self {
            FileFormat::Csv => "csv",
            FileFormat::Jsonl => "jsonl",
            FileFormat::Parquet { .. } => "parquet",
        }
    }
    pub fn mime(self) -> &'static str {
        match self {
            FileFormat::Csv => "text/csv",
            FileFormat::Jsonl => "application/jsonl",
            FileFormat::Parquet { .. } => "application/vnd.apache.parquet",
        }
    }
    /// Parses `csv`, `jsonl`, `parquet` (zstd), `parquet-snappy`, `parquet-uncompressed`.
    pub fn parse(s: &str) -> Option<FileFormat> {
        Some(match s {
            "csv" => FileFormat::Csv,
            "jsonl" | "ndjson" => FileFormat::Jsonl,
            "parquet" | "parquet-zstd" => FileFormat::PARQUET,
            "parquet-snappy" => FileFormat::Parquet { codec: ParquetCodec::Snappy },
            "parquet-uncompressed" => FileFormat::Parquet { codec: ParquetCodec::Uncompressed },
            _ => return None,
        })
    }
}

/// The file name a dataset is written under: its name with the format's extension (a name that
/// already ends in `.csv` or `.parquet` loses that ending first, so `orders.csv` → `orders.parquet`).
pub fn file_name(dataset: &str, format: FileFormat) -> String {
    let stem = [".csv", ".tsv", ".jsonl", ".ndjson", ".json", ".parquet", ".txt"]
        .iter()
        .find_map(|e| dataset.strip_suffix(e))
        .unwrap_or(dataset);
    format!("{stem}.{}", format.extension())
}

/// Rows per Parquet row group: fixed, so that the same table always gives the same bytes.
pub const PARQUET_ROW_GROUP: usize = 1 << 20;

/// Writes Parquet deterministically: fixed writer settings (codec, row-group size, statistics,
/// `created_by`) and no timestamps, so the same table gives the same bytes in the browser and
/// natively. Batches are written as they come; the writer holds one row group, not a copy of the
/// table.
pub fn write_parquet(
    schema: &Schema,
    batches: &[RecordBatch],
    codec: ParquetCodec,
    out: impl std::io::Write + Send,
) -> Result<()> {
    let mut w = parquet_writer(schema, codec, out)?;
    for b in batches {
        w.write(b).map_err(parquet_failed)?;
    }
    w.close().map_err(parquet_failed)?;
    Ok(())
}

fn parquet_failed(e: parquet::errors::ParquetError) -> CoreError {
    CoreError::invalid(format!("cannot write Parquet: {e}"), Default::default())
}

/// The Parquet writer with Strata's fixed settings (the same settings give the same bytes).
fn parquet_writer<W: std::io::Write + Send>(
    schema: &Schema,
    codec: ParquetCodec,
    out: W,
) -> Result<parquet::arrow::ArrowWriter<W>> {
    use parquet::basic::{Compression, ZstdLevel};
    use parquet::file::properties::WriterProperties;
    let compression = match codec {
        ParquetCodec::Zstd => Compression::ZSTD(ZstdLevel::default()),
        ParquetCodec::Snappy => Compression::SNAPPY,
        ParquetCodec::Uncompressed => Compression::UNCOMPRESSED,
    };
    let props = WriterProperties::builder()
        .set_compression(compression)
        .set_max_row_group_row_count(Some(PARQUET_ROW_GROUP))
        .set_created_by(concat!("strata ", env!("CARGO_PKG_VERSION")).to_string())
        .build();
    parquet::arrow::ArrowWriter::try_new(out, Arc::new(schema.clone()), Some(props)).map_err(parquet_failed)
}

/// Writes JSON Lines: one object per row, keys in column order, nulls written as `null`.
pub fn write_jsonl(batches: &[RecordBatch], out: impl std::io::Write) -> Result<()> {
    let failed =
        |e: arrow_schema::ArrowError| CoreError::invalid(format!("cannot write JSON Lines: {e}"), Default::default());
    let mut w =
        arrow_json::WriterBuilder::new().with_explicit_nulls(true).build::<_, arrow_json::writer::LineDelimited>(out);
    for b in batches {
        w.write(b).map_err(failed)?;
    }
    w.finish().map_err(failed)?;
    Ok(())
}

/// Writes a dataset in `format` to `out`, batch by batch.
pub fn write_to(dataset: &Dataset, format: FileFormat, mut out: impl std::io::Write + Send) -> Result<()> {
    match format {
        FileFormat::Csv => write_csv(&dataset.schema, &dataset.batches, &mut out)
            .map_err(|e| CoreError::invalid(format!("cannot write CSV: {e}"), Default::default())),
        FileFormat::Jsonl => write_jsonl(&dataset.batches, out),
        FileFormat::Parquet { codec } => write_parquet(&dataset.schema, &dataset.batches, codec, out),
    }
}

/// A dataset written in `format`, in memory.
pub fn write_dataset(dataset: &Dataset, format: FileFormat) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    write_chunked(dataset, format, usize::MAX, &mut |c| out.extend_from_slice(&c))?;
    Ok(out)
}

/// Size of the parts the browser's export hands to the page: the worker never holds more of the
/// written file than this (plus one Parquet row group being encoded).
pub const EXPORT_CHUNK: usize = 8 << 20;

/// What [`write_chunked`] wrote: the file's SHA-256 and size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub sha256: String,
    pub bytes: u64,
}

/// Writes a dataset in `format` as a stream of parts of about `chunk` bytes, in order, hashing
/// them on the way, so no second full copy of the table is ever in memory: the browser sends each
/// part to the page (which builds the download from the parts), the command line could write them
/// to disk. The parts joined are exactly the bytes [`write_to`] writes.
pub fn write_chunked(
    dataset: &Dataset,
    format: FileFormat,
    chunk: usize,
    on_chunk: &mut dyn FnMut(Vec<u8>),
) -> Result<Written> {
    let mut sink = ChunkSink { buf: Vec::new(), chunk: chunk.max(1), on_chunk, hasher: Sha256::new(), bytes: 0 };
    match format {
        FileFormat::Csv => write_csv(&dataset.schema, &dataset.batches, &mut sink)
            .map_err(|e| CoreError::invalid(format!("cannot write CSV: {e}"), Default::default()))?,
        FileFormat::Jsonl => write_jsonl(&dataset.batches, &mut sink)?,
        FileFormat::Parquet { codec } => {
            // The Parquet writer wants a `Send` sink: it writes into a shared buffer that is
            // drained into the parts after every batch (bytes appear as row groups complete).
            let shared = SharedBuf::default();
            let mut w = parquet_writer(&dataset.schema, codec, shared.clone())?;
            for b in &dataset.batches {
                w.write(b).map_err(parquet_failed)?;
                shared.drain_into(&mut sink)?;
            }
            w.close().map_err(parquet_failed)?;
            shared.drain_into(&mut sink)?;
        }
    }
    Ok(sink.finish())
}

struct ChunkSink<'a> {
    buf: Vec<u8>,
    chunk: usize,
    on_chunk: &'a mut dyn FnMut(Vec<u8>),
    hasher: Sha256,
    bytes: u64,
}

impl ChunkSink<'_> {
    fn finish(mut self) -> Written {
        if !self.buf.is_empty() {
            (self.on_chunk)(std::mem::take(&mut self.buf));
        }
        Written { sha256: hex(&self.hasher.finalize()), bytes: self.bytes }
    }
}

impl std::io::Write for ChunkSink<'_> {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.hasher.update(data);
        self.bytes += data.len() as u64;
        let mut rest = data;
        while self.buf.len() + rest.len() >= self.chunk {
            let (head, tail) = rest.split_at(self.chunk - self.buf.len());
            self.buf.extend_from_slice(head);
            let full = std::mem::replace(&mut self.buf, Vec::with_capacity(self.chunk.min(EXPORT_CHUNK)));
            (self.on_chunk)(full);
            rest = tail;
        }
        self.buf.extend_from_slice(rest);
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A `Send` buffer the Parquet writer writes into and the caller drains.
#[derive(Clone, Default)]
struct SharedBuf(Arc<std::sync::Mutex<Vec<u8>>>);

impl SharedBuf {
    fn drain_into(&self, out: &mut impl std::io::Write) -> Result<()> {
        let bytes = std::mem::take(&mut *self.0.lock().unwrap_or_else(|p| p.into_inner()));
        out.write_all(&bytes).map_err(|e| CoreError::invalid(format!("cannot write Parquet: {e}"), Default::default()))
    }
}

impl std::io::Write for SharedBuf {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A zip archive written as a stream of parts (the bundle): entries are added one after another
/// and their bytes written as they are produced, so no entry and no archive is ever whole in
/// memory. Each entry's sizes and CRC follow its data (a data descriptor), which every zip reader
/// that reads the central directory handles. Deterministic: every timestamp 1980-01-01 00:00,
/// fixed permissions, the same entries in the same order give the same bytes.
pub struct ZipStream<'a> {
    w: ::zip::ZipWriter<::zip::write::StreamWriter<ChunkSink<'a>>>,
}

fn zip_failed(e: impl std::fmt::Display) -> CoreError {
    CoreError::invalid(format!("cannot write the bundle: {e}"), Default::default())
}

impl<'a> ZipStream<'a> {
    /// Parts of about `chunk` bytes go to `on_chunk` in order.
    pub fn new(chunk: usize, on_chunk: &'a mut dyn FnMut(Vec<u8>)) -> Self {
        let sink = ChunkSink { buf: Vec::new(), chunk: chunk.max(1), on_chunk, hasher: Sha256::new(), bytes: 0 };
        ZipStream { w: ::zip::ZipWriter::new_stream(sink) }
    }

    /// Starts an entry. `compress`: deflate (text) or store (Parquet is compressed already).
    /// `large`: the entry may pass 4 GiB (zip64 sizes; decided before its bytes exist).
    pub fn start(&mut self, name: &str, compress: bool, large: bool) -> Result<()> {
        let options = ::zip::write::SimpleFileOptions::default()
            .compression_method(if compress {
                ::zip::CompressionMethod::Deflated
            } else {
                ::zip::CompressionMethod::Stored
            })
            .last_modified_time(::zip::DateTime::default())
            .unix_permissions(0o644)
            .large_file(large);
        self.w.start_file(name, options).map_err(zip_failed)
    }

    /// Appends bytes to the current entry.
    pub fn write(&mut self, bytes: &[u8]) -> Result<()> {
        use std::io::Write;
        self.w.write_all(bytes).map_err(zip_failed)
    }

    /// Writes the central directory and the last part; returns the archive's SHA-256 and size.
    pub fn finish(self) -> Result<Written> {
        Ok(self.w.finish().map_err(zip_failed)?.into_inner().finish())
    }
}

/// Whether a dataset written as a file might pass 4 GiB (then its zip entry needs zip64 sizes).
/// Decided from the table's Arrow buffers, generously, so the same table always decides the same.
pub fn may_pass_4gib(dataset: &Dataset) -> bool {
    let buffers: usize = dataset.batches.iter().flat_map(|b| b.columns()).map(|c| c.get_buffer_memory_size()).sum();
    let cells = dataset.num_rows() as usize * dataset.schema.fields().len().max(1);
    buffers.saturating_mul(2).saturating_add(cells.saturating_mul(24)) > u32::MAX as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parts of any size join into exactly the bytes of a whole write, with the same hash, in
    /// every format; no part is larger than asked.
    #[test]
    fn chunked_writes_join_into_the_whole_file() {
        let n = 5_000;
        let schema = Arc::new(Schema::new(vec![
            arrow_schema::Field::new("id", DataType::Int64, false),
            arrow_schema::Field::new("s", DataType::Utf8, true),
        ]));
        let batches: Vec<RecordBatch> = (0..5)
            .map(|k| {
                RecordBatch::try_new(
                    schema.clone(),
                    vec![
                        Arc::new(arrow_array::Int64Array::from_iter_values((0..n).map(|i| k * n + i))),
                        Arc::new(arrow_array::StringArray::from_iter(
                            (0..n).map(|i| (i % 7 != 0).then(|| format!("v{i}"))),
                        )),
                    ],
                )
                .unwrap()
            })
            .collect();
        let d = Dataset::new("t", schema, batches);
        for format in [FileFormat::Csv, FileFormat::Jsonl, FileFormat::PARQUET] {
            let mut whole = Vec::new();
            write_to(&d, format, &mut whole).unwrap();
            let mut parts: Vec<Vec<u8>> = Vec::new();
            let written = write_chunked(&d, format, 4096, &mut |p| parts.push(p)).unwrap();
            assert!(parts.len() > 1, "{format:?} came in {} parts", parts.len());
            assert!(parts.iter().all(|p| p.len() <= 4096), "{format:?}");
            assert_eq!(parts.concat(), whole, "{format:?}");
            assert_eq!(written.bytes, whole.len() as u64);
            assert_eq!(written.sha256, hex(&Sha256::digest(&whole)));
        }
    }

    #[test]
    fn csv_quotes_only_where_needed() {
        let schema = Arc::new(Schema::new(vec![
            arrow_schema::Field::new("a", DataType::Utf8, true),
            arrow_schema::Field::new("n", DataType::Int64, true),
        ]));
        let b = RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(arrow_array::StringArray::from(vec![Some("x,y"), Some(""), None, Some("say \"hi\"")])),
                Arc::new(arrow_array::Int64Array::from(vec![Some(1), None, Some(3), Some(-4)])),
            ],
        )
        .unwrap();
        let mut out = Vec::new();
        write_csv(&schema, &[b], &mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "a,n\n\"x,y\",1\n\"\",\n,3\n\"say \"\"hi\"\"\",-4\n");
    }

    #[test]
    fn parquet_is_deterministic_and_reads_back_the_same_values() {
        let schema = Arc::new(Schema::new(vec![
            arrow_schema::Field::new("a", DataType::Utf8, true),
            arrow_schema::Field::new("n", DataType::Int64, true),
        ]));
        let b = RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(arrow_array::StringArray::from(vec![Some("x"), None])),
                Arc::new(arrow_array::Int64Array::from(vec![Some(1), Some(2)])),
            ],
        )
        .unwrap();
        let d = Dataset::new("t", schema.clone(), vec![b.clone()]);
        let one = write_dataset(&d, FileFormat::PARQUET).unwrap();
        assert_eq!(one, write_dataset(&d, FileFormat::PARQUET).unwrap());
        assert_eq!(&one[..4], b"PAR1");
        let back: Vec<RecordBatch> =
            parquet::arrow::arrow_reader::ParquetRecordBatchReader::try_new(bytes::Bytes::from(one), 1024)
                .unwrap()
                .collect::<std::result::Result<_, _>>()
                .unwrap();
        assert_eq!(content_hash(&schema, &back), content_hash(&schema, &[b]));
        assert_eq!(String::from_utf8(write_dataset(&d, FileFormat::Csv).unwrap()).unwrap(), "a,n\nx,1\n,2\n");
    }

    #[test]
    fn zip_bundles_are_deterministic_and_readable() {
        let entries = [("a.csv", &b"x\n1\n"[..]), ("lineage.json", &b"{}"[..])];
        let zip = || {
            let mut out = Vec::new();
            let mut collect = |c: Vec<u8>| out.extend_from_slice(&c);
            let mut z = ZipStream::new(EXPORT_CHUNK, &mut collect);
            for (name, bytes) in entries {
                z.start(name, true, false).unwrap();
                z.write(bytes).unwrap();
            }
            z.finish().unwrap();
            out
        };
        let one = zip();
        assert_eq!(one, zip());
        let mut archive = ::zip::ZipArchive::new(std::io::Cursor::new(one)).unwrap();
        assert_eq!(archive.len(), 2);
        let mut text = String::new();
        std::io::Read::read_to_string(&mut archive.by_name("a.csv").unwrap(), &mut text).unwrap();
        assert_eq!(text, "x\n1\n");
    }

    #[test]
    fn file_names_swap_the_extension() {
        assert_eq!(file_name("orders.csv", FileFormat::PARQUET), "orders.parquet");
        assert_eq!(file_name("orders.csv.valid", FileFormat::Csv), "orders.csv.valid.csv");
        assert_eq!(file_name("train", FileFormat::Csv), "train.csv");
    }

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
