//! Ingest: CSV/TSV, JSON Lines and Parquet into Arrow record batches.
//!
//! Text formats are push-based (`push(chunk)` then `finish()`), so the worker can feed file chunks
//! as they are read and the CLI can feed a `Read`. Nothing here does I/O.

pub mod csv;
pub mod infer;
pub mod jsonl;
pub mod parquet;
pub mod sniff;

use std::collections::BTreeMap;

use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use infer::{ColumnType, DateOrder};
pub use sniff::{Dialect, DialectOverrides, Escape, TextEncoding};

use crate::core::error::{CoreError, Result};
use crate::core::sample::methods::ReservoirAlgorithm;
use crate::core::sample::stream::{LoadReservoir, ReservoirRows};

/// The file formats Strata reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceFormat {
    Csv,
    Jsonl,
    Parquet,
}

impl SourceFormat {
    /// Picks the format from the file name, then from the first bytes.
    pub fn detect(name: &str, head: &[u8]) -> SourceFormat {
        let lower = name.to_ascii_lowercase();
        if head.starts_with(b"PAR1") || lower.ends_with(".parquet") || lower.ends_with(".pq") {
            SourceFormat::Parquet
        } else if lower.ends_with(".jsonl") || lower.ends_with(".ndjson") || lower.ends_with(".json") {
            SourceFormat::Jsonl
        } else {
            SourceFormat::Csv
        }
    }
}

/// What to do when a value breaks its column's inferred type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TypeErrorPolicy {
    /// The column becomes text (the load re-runs once with it as text).
    #[default]
    FallbackToString,
    /// The row is set aside in the load-errors list with its line number.
    SetAside,
}

/// What to do with a row whose field count differs from the header's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RaggedPolicy {
    /// The row is set aside in the load-errors list.
    #[default]
    SetAside,
    /// Short rows get nulls; long rows are still set aside (cutting them would lose values).
    Pad,
}

/// Every choice of a load, so a load is a reproducible recipe step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct IngestOptions {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<SourceFormat>,
    pub dialect: DialectOverrides,
    /// Cells equal to one of these are null. The empty token matches a bare empty field; in a
    /// text column a quoted empty field (`""`) is the empty string, as DuckDB and Python's csv
    /// module read it, so null and empty text survive a CSV round trip.
    pub null_tokens: Vec<String>,
    /// Whether the text "NaN" in a float column is a missing value (else it is the float NaN).
    pub nan_is_null: bool,
    /// Types chosen by the user, by column name; they win over inference.
    pub column_types: BTreeMap<String, ColumnType>,
    pub on_type_error: TypeErrorPolicy,
    pub on_ragged: RaggedPolicy,
    /// Rows per Arrow record batch.
    pub batch_rows: usize,
    /// Rows looked at to infer types (capped so that rows × columns stays bounded).
    pub sample_rows: usize,
    /// Keep only a uniform reservoir sample of this many rows while the file is parsed (for files
    /// too large to hold); the seed is recorded, so a replay keeps the same rows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reservoir: Option<LoadReservoir>,
}

impl Default for IngestOptions {
    fn default() -> Self {
        Self {
            format: None,
            dialect: DialectOverrides::default(),
            null_tokens: default_null_tokens(),
            nan_is_null: false,
            column_types: BTreeMap::new(),
            on_type_error: TypeErrorPolicy::default(),
            on_ragged: RaggedPolicy::default(),
            batch_rows: 65_536,
            sample_rows: 10_000,
            reservoir: None,
        }
    }
}

pub fn default_null_tokens() -> Vec<String> {
    ["", "NA", "N/A", "null", "NULL", "-"].iter().map(|s| s.to_string()).collect()
}

/// Why a row was set aside while loading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IssueKind {
    RaggedRow,
    TypeMismatch,
    InvalidJson,
}

/// One row that did not load, with where it was and what it said.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadIssue {
    pub line: u64,
    pub kind: IssueKind,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// The raw row (cut to 1,000 characters), so nothing is lost unseen.
    pub raw: String,
}

/// What inference decided for a column and what happened to its values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnReport {
    pub name: String,
    pub column_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Present when the column's dates fit both d/m/y and m/d/y: the user must choose.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ambiguous_dates: Option<infer::AmbiguousDates>,
    /// The inferred type when it was chosen by the user instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overridden: Option<bool>,
}

/// Everything a user should know about how a load went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadReport {
    pub format: SourceFormat,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dialect: Option<Dialect>,
    pub columns: Vec<ColumnReport>,
    pub rows_loaded: u64,
    pub rows_set_aside: u64,
    pub issue_counts: BTreeMap<IssueKind, u64>,
    /// The first issues (at most `MAX_KEPT_ISSUES`); counts above are complete.
    pub issues: Vec<LoadIssue>,
    pub warnings: Vec<String>,
    /// Columns that became text because a value broke the inferred type.
    pub fell_back_to_string: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parquet: Option<parquet::ParquetMeta>,
    /// With a load-time reservoir: the rows read from the file (`rows_loaded` is the rows kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows_read: Option<u64>,
}

pub const MAX_KEPT_ISSUES: usize = 10_000;

impl LoadReport {
    pub fn new(format: SourceFormat) -> Self {
        Self {
            format,
            dialect: None,
            columns: Vec::new(),
            rows_loaded: 0,
            rows_set_aside: 0,
            issue_counts: BTreeMap::new(),
            issues: Vec::new(),
            warnings: Vec::new(),
            fell_back_to_string: Vec::new(),
            parquet: None,
            rows_read: None,
        }
    }

    pub fn set_aside(&mut self, issue: LoadIssue) {
        self.rows_set_aside += 1;
        *self.issue_counts.entry(issue.kind).or_default() += 1;
        if self.issues.len() < MAX_KEPT_ISSUES {
            self.issues.push(issue);
        }
    }
}

/// Where a loader's batches go: all of them, or with `IngestOptions.reservoir` only a reservoir
/// sample of their rows, so that the table itself is never held.
pub struct BatchSink {
    all: Vec<RecordBatch>,
    sample: Option<(LoadReservoir, ReservoirRows)>,
}

impl BatchSink {
    pub fn new(options: &IngestOptions) -> Self {
        BatchSink { all: Vec::new(), sample: options.reservoir.map(|r| (r, ReservoirRows::new(r))) }
    }
    pub fn push(&mut self, batch: RecordBatch) -> Result<()> {
        match &mut self.sample {
            Some((_, rows)) => rows.offer(&batch),
            None => {
                self.all.push(batch);
                Ok(())
            }
        }
    }
    /// The kept batches. With a reservoir, `report` gets the rows read and the rows kept.
    pub fn finish(&mut self, report: &mut LoadReport) -> Vec<RecordBatch> {
        match self.sample.take() {
            None => std::mem::take(&mut self.all),
            Some((r, rows)) => {
                let read = rows.seen();
                let kept = rows.held();
                report.rows_read = Some(read);
                report.rows_loaded = kept;
                report.warnings.push(format!(
                    "kept a uniform random sample of {kept} of the {read} rows read (reservoir, algorithm {}, seed {}); \
                     the other rows were never held in memory",
                    match r.algorithm {
                        ReservoirAlgorithm::R => "R",
                        ReservoirAlgorithm::L => "L",
                    },
                    r.seed
                ));
                rows.finish()
            }
        }
    }
}

/// A finished load: Arrow batches plus the report and the source's identity.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub schema: SchemaRef,
    pub batches: Vec<RecordBatch>,
    pub report: LoadReport,
    pub source_sha256: String,
    pub source_bytes: u64,
}

/// Result of one pass over a text file: done, or run again with these options (a column fell
/// back to text, so earlier rows must be read as text too).
#[derive(Debug)]
pub enum Pass {
    Done(Box<Loaded>),
    Again(IngestOptions, Vec<String>),
}

/// Hashes the source bytes as they stream by (or, made with `count_only`, only counts them: the
/// browser worker hashes the same file on another core meanwhile).
#[derive(Clone)]
pub struct SourceHasher {
    hasher: Option<Sha256>,
    bytes: u64,
}

impl Default for SourceHasher {
    fn default() -> Self {
        SourceHasher { hasher: Some(Sha256::new()), bytes: 0 }
    }
}

impl SourceHasher {
    /// Counts bytes without hashing them; `finish` then gives an empty hash, which the caller
    /// replaces with the one computed elsewhere.
    pub fn count_only() -> Self {
        SourceHasher { hasher: None, bytes: 0 }
    }
    pub fn update(&mut self, chunk: &[u8]) {
        if let Some(h) = &mut self.hasher {
            h.update(chunk);
        }
        self.bytes += chunk.len() as u64;
    }
    pub fn bytes(&self) -> u64 {
        self.bytes
    }
    pub fn finish(self) -> (String, u64) {
        (self.hasher.map(|h| hex(&h.finalize())).unwrap_or_default(), self.bytes)
    }

    /// Hashes everything a reader yields, in 8 MB reads.
    pub fn of_reader(mut r: impl std::io::Read) -> std::io::Result<(String, u64)> {
        let mut hasher = SourceHasher::default();
        let mut buf = vec![0u8; 8 << 20];
        loop {
            let n = r.read(&mut buf)?;
            if n == 0 {
                return Ok(hasher.finish());
            }
            hasher.update(&buf[..n]);
        }
    }
}

pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// Most bytes parsed (and hashed) by one call into a loader. In a browser, V8 first runs wasm
/// code from its baseline compiler and uses the optimised code of a hot function only from its
/// next call on (there is no on-stack replacement for wasm), so a call that parsed a whole 8 MB
/// read ran in baseline code throughout: the first chunk took 2-4x as long as the later ones.
pub const PUSH_PIECE: usize = 256 << 10;

/// A push-based loader for the text formats.
pub enum TextLoader {
    Csv(Box<csv::CsvLoader>),
    Jsonl(Box<jsonl::JsonlLoader>),
}

impl TextLoader {
    pub fn new(format: SourceFormat, name: &str, options: IngestOptions) -> Result<Self> {
        Self::with_hasher(format, name, options, SourceHasher::default())
    }
    /// A loader that hashes with `hasher`: `SourceHasher::count_only()` when the source's
    /// SHA-256 is computed elsewhere (the finished load then has an empty `source_sha256`).
    pub fn with_hasher(format: SourceFormat, name: &str, options: IngestOptions, hasher: SourceHasher) -> Result<Self> {
        match format {
            SourceFormat::Csv => Ok(TextLoader::Csv(Box::new(csv::CsvLoader::with_hasher(name, options, hasher)))),
            SourceFormat::Jsonl => Ok(TextLoader::Jsonl(Box::new(jsonl::JsonlLoader::with_hasher(options, hasher)))),
            SourceFormat::Parquet => {
                Err(CoreError::invalid("Parquet is read by random access, not as a stream", Default::default()))
            }
        }
    }
    /// Feeds the next bytes of the file, in pieces of at most `PUSH_PIECE` bytes.
    pub fn push(&mut self, chunk: &[u8]) -> Result<()> {
        for piece in chunk.chunks(PUSH_PIECE) {
            self.push_piece(piece)?;
        }
        Ok(())
    }

    // Not inlined: the parsing loop must return to this caller often (see `PUSH_PIECE`).
    #[inline(never)]
    fn push_piece(&mut self, piece: &[u8]) -> Result<()> {
        match self {
            TextLoader::Csv(l) => l.push(piece),
            TextLoader::Jsonl(l) => l.push(piece),
        }
    }
    pub fn finish(self) -> Result<Pass> {
        match self {
            TextLoader::Csv(l) => l.finish(),
            TextLoader::Jsonl(l) => l.finish(),
        }
    }
    pub fn rows(&self) -> u64 {
        match self {
            TextLoader::Csv(l) => l.rows(),
            TextLoader::Jsonl(l) => l.rows(),
        }
    }
}

/// Loads a text file from a source that can be opened more than once (bytes in memory, a file
/// on disk): pushes it in 8 MB chunks and reads it again when a column fell back to text.
pub fn load_text_from<R: std::io::Read>(
    name: &str,
    format: SourceFormat,
    options: &IngestOptions,
    mut open: impl FnMut() -> std::io::Result<R>,
) -> Result<Loaded> {
    let mut retry = Retry::new(options);
    let mut buf = vec![0u8; 8 << 20];
    loop {
        let mut loader = TextLoader::new(format, name, retry.options().clone())?;
        let mut source = open()?;
        loop {
            let n = source.read(&mut buf)?;
            if n == 0 {
                break;
            }
            loader.push(&buf[..n])?;
        }
        if let Some(loaded) = retry.next(loader.finish()?) {
            return Ok(loaded);
        }
    }
}

/// The bookkeeping of "read again with these columns as text", shared by every driver (the
/// sync ones here and the worker's async one).
pub struct Retry {
    options: IngestOptions,
    fell_back: Vec<String>,
}

impl Retry {
    pub fn new(options: &IngestOptions) -> Self {
        Retry { options: options.clone(), fell_back: Vec::new() }
    }
    /// Options for the next pass.
    pub fn options(&self) -> &IngestOptions {
        &self.options
    }
    /// True once a pass has asked to read again.
    pub fn is_rereading(&self) -> bool {
        !self.fell_back.is_empty()
    }
    /// The finished load, or `None` when another pass is needed.
    pub fn next(&mut self, pass: Pass) -> Option<Loaded> {
        match pass {
            Pass::Done(mut loaded) => {
                loaded.report.fell_back_to_string.extend(std::mem::take(&mut self.fell_back));
                Some(*loaded)
            }
            Pass::Again(next, cols) => {
                self.fell_back.extend(cols);
                self.options = next;
                None
            }
        }
    }
}

/// Loads a whole in-memory text file.
pub fn load_text_bytes(name: &str, bytes: &[u8], options: &IngestOptions) -> Result<Loaded> {
    // Asked for text: a Parquet-looking file is reported as binary data by the CSV reader.
    let format = match options.format.unwrap_or_else(|| SourceFormat::detect(name, bytes)) {
        SourceFormat::Parquet => SourceFormat::Csv,
        f => f,
    };
    load_text_from(name, format, options, || Ok(std::io::Cursor::new(bytes)))
}

/// Loads any supported file held in memory.
pub fn load_bytes(name: &str, bytes: &[u8], options: &IngestOptions) -> Result<Loaded> {
    let format = options.format.unwrap_or_else(|| SourceFormat::detect(name, bytes));
    match format {
        SourceFormat::Parquet => parquet::load(bytes::Bytes::copy_from_slice(bytes), options, &mut |_| Ok(())),
        _ => load_text_bytes(name, bytes, options),
    }
}
