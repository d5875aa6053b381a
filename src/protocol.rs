//! The only vocabulary shared by the UI and the worker: requests, responses and progress.
//!
//! Messages travel as JSON strings; a `File` handle travels beside the JSON (it cannot be
//! serialized). Datasets stay in the worker; the UI gets summaries and pages of rows.

use serde::{Deserialize, Serialize};

use crate::core::compare::CompareReport;
use crate::core::dataset::Dataset;
use crate::core::dataset::{Page, SourceInfo};
use crate::core::error::{chain, CoreError, Location};
use crate::core::examples::Example;
use crate::core::export::{ExportRecord, FileFormat};
use crate::core::ingest::parquet::ParquetMeta;
use crate::core::ingest::{IngestOptions, LoadReport};
use crate::core::lineage::{LineageGraph, VersionProposal, VersionRecord};
use crate::core::profile::{FormatSizes, Profile, ProfileOptions};
use crate::core::recipe::{ReplayCheck, Step, StepOutcome, StepReport};

/// Name of a dataset held by the worker.
pub type DatasetId = String;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Request {
    /// Load the `File` sent beside this message.
    /// `replaces` names a dataset this load supersedes (a re-load with other options).
    Load {
        request_id: u64,
        file_name: String,
        options: IngestOptions,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        replaces: Option<DatasetId>,
    },
    /// Generate a built-in example in the worker and load each of its files exactly as a user's
    /// file (one `Loaded` per file, in order; the recipe records a normal load with its SHA-256).
    LoadExample { request_id: u64, example: Example },
    /// Stop the running request `request_id` as soon as possible.
    Cancel { request_id: u64 },
    /// Rows `offset..offset+limit` of a dataset, formatted for display.
    GetPage { request_id: u64, dataset: DatasetId, offset: u64, limit: u32 },
    /// The session's recipe as JSON.
    GetRecipe { request_id: u64 },
    /// Profile a dataset: statistics, correlations, quality alerts.
    Profile { request_id: u64, dataset: DatasetId, options: ProfileOptions },
    /// Write a dataset as CSV and as Parquet with each codec and report the bytes.
    FormatSizes { request_id: u64, dataset: DatasetId },
    /// Apply a recipe step that derives datasets from the session's datasets (validate, clean,
    /// sample, split…). Answered by `Applied`.
    Apply { request_id: u64, step: Step },
    /// Write a dataset as a file for download (named `file_name`, else after the dataset) and
    /// record the export in the recipe. Answered by `Exported`.
    Export {
        request_id: u64,
        dataset: DatasetId,
        format: FileFormat,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        file_name: Option<String>,
    },
    /// The version each dataset would be exported under, given the latest recorded version of
    /// each (from the version history the page keeps). Answered by `VersionProposals`.
    ProposeVersions { request_id: u64, previous: Vec<VersionRecord> },
    /// The lineage of the session's exports as an OpenLineage RunEvent, and its graph.
    Lineage { request_id: u64, event_time: String },
    /// A zip of the chosen datasets (as `format`, under the given file names or their own), the
    /// reports of the steps, the profile JSON the page holds, and the lineage JSON. Answered by
    /// `Exported`.
    Bundle {
        request_id: u64,
        files: Vec<(DatasetId, Option<String>)>,
        format: FileFormat,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        profile_json: Option<String>,
        event_time: String,
    },
    /// Replay a lineage JSON (or recipe) with the files sent beside this message: the lineage
    /// is the `.json` file that carries a recipe, the others are inputs, matched to the recipe's
    /// loads by SHA-256 before anything runs. The replayed session replaces the current one.
    /// Answered by `Replayed`.
    Replay { request_id: u64 },
    /// Compare two snapshots kept in the version history (the two files sent beside this
    /// message, the older first): read outside the session, so nothing is added to the recipe.
    /// Answered by `SnapshotsCompared`.
    CompareSnapshots { request_id: u64, keys: Vec<String> },
    /// Diagnostics: make the worker panic, to prove the page survives and recovers.
    Crash,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Response {
    /// The worker has started and accepts requests.
    Ready,
    Progress {
        request_id: u64,
        progress: Progress,
    },
    /// A Parquet file's footer, sent before its data is read.
    ParquetMeta {
        request_id: u64,
        file_name: String,
        meta: Box<ParquetMeta>,
    },
    Loaded {
        request_id: u64,
        summary: Box<DatasetSummary>,
    },
    Page {
        request_id: u64,
        dataset: DatasetId,
        page: Page,
    },
    Recipe {
        request_id: u64,
        json: String,
    },
    Profiled {
        request_id: u64,
        dataset: DatasetId,
        profile: Box<Profile>,
        /// Wall time of the profile in milliseconds, as measured by the worker.
        elapsed_ms: f64,
    },
    FormatSizes {
        request_id: u64,
        dataset: DatasetId,
        sizes: FormatSizes,
        elapsed_ms: f64,
    },
    /// A step was applied: the step as recorded (with fitted parameters), what it did, its
    /// report, the datasets it made, and the datasets of an earlier run that are gone.
    Applied {
        request_id: u64,
        step: Box<Step>,
        outcome: StepOutcome,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        report: Option<Box<StepReport>>,
        datasets: Vec<DatasetSummary>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        removed: Vec<DatasetId>,
        elapsed_ms: f64,
    },
    /// A part of a file being written, in order (about 8 MB; see `export::EXPORT_CHUNK`): the
    /// page collects the parts and saves them when `Exported` arrives. The bytes travel beside
    /// the JSON (a transferred buffer), not inside it.
    ExportChunk {
        request_id: u64,
        #[serde(skip)]
        bytes: Vec<u8>,
    },
    /// A dataset written as a file: its name and hash, with the file's last bytes (all of them
    /// when it was not sent in parts). The bytes travel beside the JSON, not inside it.
    Exported {
        request_id: u64,
        dataset: DatasetId,
        file_name: String,
        mime: String,
        /// SHA-256 of the file's bytes.
        sha256: String,
        /// For a bundle: each data file in it, with its name and hash (for the version history).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        contents: Vec<ExportRecord>,
        #[serde(skip)]
        bytes: Vec<u8>,
    },
    VersionProposals {
        request_id: u64,
        proposals: Vec<VersionProposal>,
    },
    Lineage {
        request_id: u64,
        json: String,
        graph: LineageGraph,
    },
    Replayed {
        request_id: u64,
        checks: Vec<ReplayCheck>,
        datasets: Vec<DatasetSummary>,
        elapsed_ms: f64,
    },
    SnapshotsCompared {
        request_id: u64,
        report: Box<CompareReport>,
        elapsed_ms: f64,
    },
    Cancelled {
        request_id: u64,
    },
    Error {
        request_id: Option<u64>,
        error: WireError,
    },
    /// The worker panicked; it must be restarted.
    Panic {
        message: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    pub bytes_read: u64,
    pub bytes_total: u64,
    pub rows: u64,
    /// "reading", "hashing" or "reading metadata".
    pub phase: Phase,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Reading,
    Rereading,
    Hashing,
}

/// An error as the UI shows it: the whole chain, its kind and where it happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WireError {
    pub kind: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

impl From<&CoreError> for WireError {
    fn from(e: &CoreError) -> Self {
        WireError { kind: e.kind().to_string(), message: chain(e), location: e.location() }
    }
}

/// One column as the UI shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnSummary {
    pub name: String,
    pub data_type: String,
    pub nulls: u64,
}

/// What the UI knows of a dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetSummary {
    pub id: DatasetId,
    pub rows: u64,
    pub columns: Vec<ColumnSummary>,
    pub source: Option<SourceInfo>,
    pub report: Option<LoadReport>,
    pub outcome: Option<StepOutcome>,
    /// Wall time of the load in milliseconds, as measured by the worker.
    pub elapsed_ms: f64,
    /// For a dataset made by a step: that step's label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub derived: Option<String>,
}

impl DatasetSummary {
    pub fn of(d: &Dataset, outcome: Option<StepOutcome>, elapsed_ms: f64) -> Self {
        DatasetSummary {
            id: d.name.clone(),
            rows: d.num_rows(),
            columns: d
                .schema
                .fields()
                .iter()
                .zip(d.null_counts())
                .map(|(f, nulls)| ColumnSummary { name: f.name().clone(), data_type: f.data_type().to_string(), nulls })
                .collect(),
            source: d.source.clone(),
            report: d.load_report.clone(),
            outcome,
            elapsed_ms,
            derived: d.derived.clone(),
        }
    }
}

impl Request {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("requests always serialize")
    }
    pub fn from_json(s: &str) -> Result<Self, String> {
        serde_json::from_str(s).map_err(|e| format!("malformed request: {e}"))
    }
}

impl Response {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("responses always serialize")
    }
    pub fn from_json(s: &str) -> Result<Self, String> {
        serde_json::from_str(s).map_err(|e| format!("malformed response: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip() {
        let r = Request::Load {
            request_id: 7,
            file_name: "a.csv".into(),
            options: IngestOptions::default(),
            replaces: None,
        };
        assert_eq!(Request::from_json(&r.to_json()).unwrap(), r);
        let r = Request::LoadExample { request_id: 8, example: Example::CustomersOrders };
        assert_eq!(r.to_json(), r#"{"type":"load_example","request_id":8,"example":"customers_orders"}"#);
        assert_eq!(Request::from_json(&r.to_json()).unwrap(), r);
        let e =
            Response::Error { request_id: Some(7), error: WireError::from(&CoreError::UnterminatedQuote { line: 3 }) };
        let back = Response::from_json(&e.to_json()).unwrap();
        assert_eq!(back, e);
        if let Response::Error { error, .. } = back {
            assert_eq!(error.kind, "unterminated_quote");
            assert_eq!(error.location.unwrap().line, Some(3));
        }
    }
}
