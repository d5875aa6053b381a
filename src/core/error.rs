//! Errors of the core, each carrying where in the input it happened.

use serde::{Deserialize, Serialize};

/// Where in an input a problem was found. Every field is optional because formats differ:
/// text files have lines and byte offsets, Parquet has row groups.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub byte_offset: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row_group: Option<usize>,
}

impl Location {
    pub fn line(line: u64) -> Self {
        Self { line: Some(line), ..Self::default() }
    }
    pub fn byte(offset: u64) -> Self {
        Self { byte_offset: Some(offset), ..Self::default() }
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut parts = Vec::new();
        if let Some(l) = self.line {
            parts.push(format!("line {l}"));
        }
        if let Some(c) = &self.column {
            parts.push(format!("column \"{c}\""));
        }
        if let Some(b) = self.byte_offset {
            parts.push(format!("byte offset {b}"));
        }
        if let Some(g) = self.row_group {
            parts.push(format!("row group {g}"));
        }
        f.write_str(&parts.join(", "))
    }
}

/// The kinds of failure a user can meet, each with a message written for them.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error("the file is empty (0 bytes): there is nothing to load")]
    Empty,
    #[error("this does not look like a text file: {reason} at byte offset {offset}{hint}")]
    BinaryData { offset: u64, reason: String, hint: String },
    #[error("invalid UTF-8 at byte offset {offset} (line {line}); choose the encoding Windows-1252 (Latin-1) if the file was made by an older program")]
    InvalidUtf8 { offset: u64, line: u64 },
    #[error("unterminated quoted field: the quote opened on line {line} is never closed, so the rest of the file would be swallowed into one value")]
    UnterminatedQuote { line: u64 },
    #[error("the file has a header but no data rows")]
    HeaderOnly,
    #[error("too large for this tab: {what}")]
    TooLarge { what: String },
    #[error("not a valid Parquet file: {message}")]
    Parquet { message: String, row_group: Option<usize> },
    #[error("invalid JSON on line {line}: {message}")]
    Json { line: u64, message: String },
    #[error("invalid input{}: {message}", fmt_loc(.location))]
    Invalid { message: String, location: Location },
    /// A step's parameters do not fit its data (an unknown column, a bad ratio, a bad rule).
    #[error("{0}")]
    Step(String),
    #[error("unknown dataset {0}")]
    UnknownDataset(String),
    #[error("cancelled")]
    Cancelled,
    /// An Arrow error, kept as its message (with its causes): holding the `ArrowError` itself
    /// would link Arrow's formatting code into the page's wasm, which shows core errors but
    /// holds no Arrow (see tools/check_app_wasm.py).
    #[error("{0}")]
    Arrow(String),
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
}

fn fmt_loc(l: &Location) -> String {
    let s = l.to_string();
    if s.is_empty() {
        s
    } else {
        format!(" at {s}")
    }
}

impl CoreError {
    /// A short machine-readable kind, used on the wire and in the CLI's JSON.
    pub fn kind(&self) -> &'static str {
        match self {
            CoreError::Empty => "empty",
            CoreError::BinaryData { .. } => "binary_data",
            CoreError::InvalidUtf8 { .. } => "invalid_utf8",
            CoreError::UnterminatedQuote { .. } => "unterminated_quote",
            CoreError::HeaderOnly => "header_only",
            CoreError::TooLarge { .. } => "too_large",
            CoreError::Parquet { .. } => "parquet",
            CoreError::Json { .. } => "json",
            CoreError::Invalid { .. } => "invalid",
            CoreError::Step(_) => "step",
            CoreError::UnknownDataset(_) => "unknown_dataset",
            CoreError::Cancelled => "cancelled",
            CoreError::Arrow(_) => "arrow",
            CoreError::Io(_) => "io",
        }
    }

    /// Where the problem is, when known.
    pub fn location(&self) -> Option<Location> {
        match self {
            CoreError::BinaryData { offset, .. } => Some(Location::byte(*offset)),
            CoreError::InvalidUtf8 { offset, line } => {
                Some(Location { line: Some(*line), byte_offset: Some(*offset), ..Location::default() })
            }
            CoreError::UnterminatedQuote { line } | CoreError::Json { line, .. } => Some(Location::line(*line)),
            CoreError::Parquet { row_group: Some(g), .. } => {
                Some(Location { row_group: Some(*g), ..Location::default() })
            }
            CoreError::Invalid { location, .. } => Some(location.clone()),
            _ => None,
        }
    }

    /// A step whose parameters do not fit its data.
    pub fn step(message: impl Into<String>) -> Self {
        CoreError::Step(message.into())
    }

    pub fn invalid(message: impl Into<String>, location: Location) -> Self {
        CoreError::Invalid { message: message.into(), location }
    }
}

impl From<arrow_schema::ArrowError> for CoreError {
    fn from(e: arrow_schema::ArrowError) -> Self {
        CoreError::Arrow(chain(&e))
    }
}

impl From<parquet::errors::ParquetError> for CoreError {
    fn from(e: parquet::errors::ParquetError) -> Self {
        CoreError::Parquet { message: e.to_string(), row_group: None }
    }
}

/// The whole error chain as one line, outermost first: what users see.
pub fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut src = e.source();
    while let Some(s) = src {
        let msg = s.to_string();
        if !out.contains(&msg) {
            out.push_str(": ");
            out.push_str(&msg);
        }
        src = s.source();
    }
    out
}

pub type Result<T, E = CoreError> = std::result::Result<T, E>;
