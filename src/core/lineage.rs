//! Lineage as an OpenLineage `RunEvent` (spec 2-0-2), and versioned output names.
//!
//! One COMPLETE event describes a whole session: its inputs are the files the recipe loaded, its
//! outputs the files exported, and the custom run facet `strata_recipe` carries the recipe itself
//! (every step with its parameters, seeds, fitted values, rows in and out and content hashes), so
//! the event is both the proof of how the outputs were made and the means to make them again.
//!
//! Column lineage is traced back through the steps to the source files' columns: each step says,
//! for each output column, which input columns it came from ([`crate::core::recipe::Derive::column_sources`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use crate::core::dataset::Dataset;
use crate::core::error::{CoreError, Result};
use crate::core::export::{ExportRecord, FileFormat, Written, EXPORT_CHUNK};
use crate::core::ingest::hex;
use crate::core::recipe::{Recipe, Step};

/// The OpenLineage core spec this module emits.
pub const OPENLINEAGE_SCHEMA_URL: &str = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent";
/// Producer URI stamped on the event and every facet.
pub const PRODUCER: &str = concat!("https://github.com/strata-workbench/strata/tree/v", env!("CARGO_PKG_VERSION"));
/// Schema of the custom `strata_recipe` run facet. Versioned by the facet's shape (the recipe
/// format), never by release, so the URL stays immutable: a new shape gets a new file.
pub const RECIPE_FACET_SCHEMA_URL: &str =
    "https://github.com/strata-workbench/strata/blob/main/docs/schemas/strata_recipe-1-0-0.json#/$defs/StrataRecipeRunFacet";

const FACETS: &str = "https://openlineage.io/spec/facets";

/// What the event needs besides the recipe and the datasets.
#[derive(Debug, Clone, PartialEq)]
pub struct RunContext {
    /// RFC 3339 time of the event, e.g. `2026-11-23T16:00:00Z`.
    pub event_time: String,
    /// Job name; by default the first source's stem.
    pub job_name: Option<String>,
    /// Where the event was made: "browser" or "cli".
    pub engine: String,
}

/// A deterministic run id: a UUID (version 8, "custom") from the SHA-256 of the recipe and the
/// event time, so the same export gives the same id and no random source is needed.
pub fn run_id(recipe_json: &str, event_time: &str) -> String {
    let mut h = Sha256::new();
    h.update(recipe_json.as_bytes());
    h.update(b"\n");
    h.update(event_time.as_bytes());
    let mut b: [u8; 16] = h.finalize()[..16].try_into().expect("16 bytes");
    b[6] = (b[6] & 0x0f) | 0x80; // version 8
    b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
    let x = hex(&b);
    format!("{}-{}-{}-{}-{}", &x[..8], &x[8..12], &x[12..16], &x[16..20], &x[20..])
}

/// The OpenLineage type name of an Arrow type (lower-case Arrow names, as most producers do).
fn type_name(t: &arrow_schema::DataType) -> String {
    t.to_string()
}

fn facet(schema: &str, name: &str, body: Value) -> Value {
    let mut m = Map::new();
    m.insert("_producer".into(), json!(PRODUCER));
    m.insert("_schemaURL".into(), json!(format!("{FACETS}/{schema}/{name}.json#/$defs/{name}")));
    if let Value::Object(fields) = body {
        m.extend(fields);
    }
    Value::Object(m)
}

fn schema_facet(d: &Dataset) -> Value {
    let fields: Vec<Value> =
        d.schema.fields().iter().map(|f| json!({"name": f.name(), "type": type_name(f.data_type())})).collect();
    facet("1-1-1", "SchemaDatasetFacet", json!({ "fields": fields }))
}

/// Null counts (and min/max of numeric columns) per column, for `dataQualityMetrics`.
fn quality_metrics(d: &Dataset) -> Value {
    use arrow_array::cast::AsArray;
    use arrow_array::types::{Float64Type, Int64Type};
    use arrow_schema::DataType;
    let mut columns = Map::new();
    for (i, f) in d.schema.fields().iter().enumerate() {
        let nulls: usize = d.batches.iter().map(|b| b.column(i).null_count()).sum();
        let mut m = Map::new();
        m.insert("nullCount".into(), json!(nulls));
        let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
        for b in &d.batches {
            let c = b.column(i);
            match f.data_type() {
                DataType::Int64 => c.as_primitive::<Int64Type>().iter().flatten().for_each(|v| {
                    min = min.min(v as f64);
                    max = max.max(v as f64);
                }),
                DataType::Float64 => {
                    c.as_primitive::<Float64Type>().iter().flatten().filter(|v| !v.is_nan()).for_each(|v| {
                        min = min.min(v);
                        max = max.max(v);
                    })
                }
                _ => {}
            }
        }
        if min <= max {
            m.insert("min".into(), json!(min));
            m.insert("max".into(), json!(max));
        }
        columns.insert(f.name().clone(), Value::Object(m));
    }
    facet("1-0-2", "DataQualityMetricsInputDatasetFacet", json!({ "rowCount": d.num_rows(), "columnMetrics": columns }))
}

/// Where a column of a dataset comes from in the source files: (file, column, transformation).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Origin {
    file: String,
    column: String,
    /// true when the values were only copied (IDENTITY), false when computed (TRANSFORMATION).
    identity: bool,
}

/// The step that last made `dataset` (a later step may replace a name).
fn producer<'a>(recipe: &'a Recipe, dataset: &str) -> Option<&'a crate::core::recipe::RecipeStep> {
    recipe.steps.iter().rev().find(|s| s.step.outputs().iter().any(|o| o == dataset))
}

/// Traces a column of a dataset back to the source files through the recipe's steps.
fn trace(recipe: &Recipe, dataset: &str, column: &str, depth: usize) -> Vec<Origin> {
    if depth > 256 {
        return Vec::new();
    }
    let Some(step) = producer(recipe, dataset) else {
        return Vec::new();
    };
    match &step.step {
        Step::Load(load) => vec![Origin { file: load.source.name.clone(), column: column.to_string(), identity: true }],
        other => {
            let index = other.outputs().iter().position(|o| o == dataset).unwrap_or(0);
            let mut out = Vec::new();
            for src in other.column_sources(index, column) {
                for mut o in trace(recipe, &src.dataset, &src.column, depth + 1) {
                    o.identity &= src.identity;
                    out.push(o);
                }
            }
            out.sort();
            out.dedup();
            out
        }
    }
}

/// Source columns that influence `dataset` without being copied into it (INDIRECT lineage),
/// from every step upstream of it: (file, column, subtype).
fn indirect(
    recipe: &Recipe,
    dataset: &str,
    depth: usize,
    out: &mut std::collections::BTreeSet<(String, String, String)>,
) {
    if depth > 256 {
        return;
    }
    let Some(step) = producer(recipe, dataset) else {
        return;
    };
    if matches!(step.step, Step::Load(_)) {
        return;
    }
    for s in step.step.indirect_sources() {
        for o in trace(recipe, &s.dataset, &s.column, 0) {
            out.insert((o.file, o.column, s.subtype.to_string()));
        }
    }
    for input in step.step.inputs() {
        indirect(recipe, &input, depth + 1, out);
    }
}

fn column_lineage(recipe: &Recipe, d: &Dataset) -> Value {
    let mut indirect_inputs = std::collections::BTreeSet::new();
    indirect(recipe, &d.name, 0, &mut indirect_inputs);
    let dataset: Vec<Value> = indirect_inputs
        .into_iter()
        .map(|(file, column, subtype)| {
            json!({
                "namespace": "file",
                "name": file,
                "field": column,
                "transformations": [{ "type": "INDIRECT", "subtype": subtype, "description": "", "masking": false }],
            })
        })
        .collect();
    let mut fields = Map::new();
    for f in d.schema.fields() {
        let inputs: Vec<Value> = trace(recipe, &d.name, f.name(), 0)
            .into_iter()
            .map(|o| {
                json!({
                    "namespace": "file",
                    "name": o.file,
                    "field": o.column,
                    "transformations": [{
                        "type": "DIRECT",
                        "subtype": if o.identity { "IDENTITY" } else { "TRANSFORMATION" },
                        "description": "",
                        "masking": false,
                    }],
                })
            })
            .collect();
        fields.insert(f.name().clone(), json!({ "inputFields": inputs }));
    }
    let mut body = json!({ "fields": fields });
    if !dataset.is_empty() {
        body["dataset"] = Value::Array(dataset);
    }
    facet("1-2-0", "ColumnLineageDatasetFacet", body)
}

/// The lineage of a session's exports as one OpenLineage COMPLETE `RunEvent`.
///
/// `assertions` maps a dataset of the session to a `dataQualityAssertions` facet body (the
/// validation report's assertions, see [`Session::assertions`](crate::core::recipe::Session::assertions)):
/// an input carries it when its loaded dataset was validated, an output when the exported dataset
/// was.
pub fn run_event(
    recipe: &Recipe,
    datasets: &BTreeMap<String, Dataset>,
    exported: &[ExportRecord],
    assertions: &BTreeMap<String, Value>,
    ctx: &RunContext,
) -> Result<Value> {
    let recipe_json = serde_json::to_string(recipe).map_err(|e| CoreError::step(e.to_string()))?;
    let mut inputs = Vec::new();
    for s in &recipe.steps {
        let Step::Load(load) = &s.step else { continue };
        let mut facets = Map::new();
        if let Some(d) = datasets.get(&load.output) {
            facets.insert("schema".into(), schema_facet(d));
        }
        facets.insert(
            "dataSource".into(),
            facet(
                "1-0-1",
                "DatasourceDatasetFacet",
                json!({ "name": "file", "uri": format!("file:{}", uri_path(&load.source.name)) }),
            ),
        );
        facets.insert(
            "version".into(),
            facet(
                "1-0-1",
                "DatasetVersionDatasetFacet",
                json!({ "datasetVersion": format!("sha256:{}", load.source.sha256) }),
            ),
        );
        let mut input_facets = Map::new();
        if let Some(d) = datasets.get(&load.output) {
            input_facets.insert("dataQualityMetrics".into(), quality_metrics(d));
        }
        if let Some(a) = assertions.get(&load.output) {
            input_facets
                .insert("dataQualityAssertions".into(), facet("1-0-1", "DataQualityAssertionsDatasetFacet", a.clone()));
        }
        inputs.push(json!({
            "namespace": "file",
            "name": load.source.name,
            "facets": facets,
            "inputFacets": input_facets,
        }));
    }
    let mut outputs = Vec::new();
    for e in exported {
        let d = datasets.get(&e.dataset).ok_or_else(|| CoreError::UnknownDataset(e.dataset.clone()))?;
        let mut output_facets = Map::new();
        output_facets.insert(
            "outputStatistics".into(),
            facet(
                "1-0-2",
                "OutputStatisticsOutputDatasetFacet",
                json!({ "rowCount": e.rows, "size": e.bytes, "fileCount": 1 }),
            ),
        );
        if let Some(a) = assertions.get(&e.dataset) {
            output_facets
                .insert("dataQualityAssertions".into(), facet("1-0-1", "DataQualityAssertionsDatasetFacet", a.clone()));
        }
        outputs.push(json!({
            "namespace": "file",
            "name": e.file_name,
            "facets": {
                "schema": schema_facet(d),
                "version": facet("1-0-1", "DatasetVersionDatasetFacet", json!({ "datasetVersion": format!("sha256:{}", e.sha256) })),
                "columnLineage": column_lineage(recipe, d),
            },
            "outputFacets": output_facets,
        }));
    }
    let job_name = ctx.job_name.clone().unwrap_or_else(|| {
        let first = recipe.steps.iter().find_map(|s| match &s.step {
            Step::Load(l) => Some(l.output.clone()),
            _ => None,
        });
        format!("strata.{}", first.unwrap_or_else(|| "session".into()))
    });
    let mut recipe_facet = Map::new();
    recipe_facet.insert("_producer".into(), json!(PRODUCER));
    recipe_facet.insert("_schemaURL".into(), json!(RECIPE_FACET_SCHEMA_URL));
    if let Value::Object(r) = serde_json::to_value(recipe).map_err(|e| CoreError::step(e.to_string()))? {
        recipe_facet.extend(r);
    }
    Ok(json!({
        "eventType": "COMPLETE",
        "eventTime": ctx.event_time,
        "producer": PRODUCER,
        "schemaURL": OPENLINEAGE_SCHEMA_URL,
        "run": {
            "runId": run_id(&recipe_json, &ctx.event_time),
            "facets": {
                "processing_engine": facet("1-1-1", "ProcessingEngineRunFacet", json!({
                    "version": env!("CARGO_PKG_VERSION"),
                    "name": format!("strata-{}", ctx.engine),
                    "openlineageAdapterVersion": env!("CARGO_PKG_VERSION"),
                })),
                "strata_recipe": Value::Object(recipe_facet),
            },
        },
        "job": {
            "namespace": "strata",
            "name": job_name,
            "facets": {
                "jobType": facet("2-0-3", "JobTypeJobFacet", json!({ "processingType": "BATCH", "integration": "STRATA", "jobType": "RECIPE" })),
            },
        },
        "inputs": inputs,
        "outputs": outputs,
    }))
}

/// Percent-encodes what a URI path may not hold (spaces and the like) in a file name.
fn uri_path(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The recipe a lineage event carries (its `strata_recipe` run facet), or the recipe itself when
/// given a plain recipe JSON.
pub fn recipe_from_json(text: &str) -> Result<Recipe> {
    let v: Value = serde_json::from_str(text)
        .map_err(|e| CoreError::invalid(format!("not JSON: {e}"), crate::core::Location::line(e.line() as u64)))?;
    let recipe = match v.pointer("/run/facets/strata_recipe") {
        Some(r) => r.clone(),
        None if v.get("strata_recipe").is_some() => v,
        None => {
            return Err(CoreError::invalid(
                "neither a Strata lineage event (no run.facets.strata_recipe) nor a Strata recipe".to_string(),
                Default::default(),
            ))
        }
    };
    Recipe::from_json(&recipe.to_string())
}

/// Whether bytes start like a zip archive (a bundle) rather than a JSON text.
pub fn is_zip(head: &[u8]) -> bool {
    head.starts_with(b"PK\x03\x04")
}

/// The recipe of a bundle: its `lineage.json` (or, failing that, its `recipe.json`), read with
/// random access, so only the archive's directory and that entry are read, however large the
/// bundle's data files are.
pub fn recipe_from_bundle(reader: impl std::io::Read + std::io::Seek) -> Result<Recipe> {
    let not_a_bundle =
        |e: ::zip::result::ZipError| CoreError::invalid(format!("not a readable zip archive: {e}"), Default::default());
    let mut archive = ::zip::ZipArchive::new(reader).map_err(not_a_bundle)?;
    for name in ["lineage.json", "recipe.json"] {
        let Ok(mut entry) = archive.by_name(name) else { continue };
        let mut text = String::new();
        std::io::Read::read_to_string(&mut entry, &mut text)
            .map_err(|e| CoreError::invalid(format!("{name} in the bundle cannot be read: {e}"), Default::default()))?;
        return recipe_from_json(&text).map_err(|e| match e {
            CoreError::Invalid { message, location } => {
                CoreError::Invalid { message: format!("{name} in the bundle: {message}"), location }
            }
            other => other,
        });
    }
    Err(CoreError::invalid(
        "this zip archive is not a Strata bundle: it has no lineage.json or recipe.json",
        Default::default(),
    ))
}

/// A semantic version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Version {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

impl std::str::FromStr for Version {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self> {
        let parts: Vec<&str> = s.trim().trim_start_matches('v').split('.').collect();
        let bad = || CoreError::step(format!("\"{s}\" is not a version like 1.2.0"));
        if parts.len() != 3 {
            return Err(bad());
        }
        let n = |p: &str| p.parse::<u32>().map_err(|_| bad());
        Ok(Version { major: n(parts[0])?, minor: n(parts[1])?, patch: n(parts[2])? })
    }
}

/// What is remembered of an exported version of a dataset (the version history; never data).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VersionRecord {
    pub dataset: String,
    pub version: Version,
    pub file_name: String,
    /// SHA-256 of the file.
    pub sha256: String,
    /// Content hash of the table (independent of the file format).
    pub content_sha256: String,
    pub rows: u64,
    /// (name, type) of each column.
    pub schema: Vec<(String, String)>,
    pub date: String,
}

/// The version a new export should get, with the reason, following the Frictionless data-package
/// rule: MAJOR when the schema changed (a column added, removed, renamed or retyped), MINOR when
/// rows were added, PATCH when values changed otherwise; the same content keeps its version.
pub fn propose_version(
    previous: Option<&VersionRecord>,
    schema: &[(String, String)],
    rows: u64,
    content_sha256: &str,
) -> (Version, String) {
    let Some(p) = previous else {
        return (Version { major: 1, minor: 0, patch: 0 }, "first version of this dataset".into());
    };
    let v = p.version;
    if p.schema != schema {
        let before: Vec<&str> = p.schema.iter().map(|(n, _)| n.as_str()).collect();
        let after: Vec<&str> = schema.iter().map(|(n, _)| n.as_str()).collect();
        let added: Vec<&str> = after.iter().filter(|n| !before.contains(n)).copied().collect();
        let removed: Vec<&str> = before.iter().filter(|n| !after.contains(n)).copied().collect();
        let mut why = Vec::new();
        if !added.is_empty() {
            why.push(format!("added {}", added.join(", ")));
        }
        if !removed.is_empty() {
            why.push(format!("removed {}", removed.join(", ")));
        }
        if why.is_empty() {
            why.push("column types or order changed".into());
        }
        return (
            Version { major: v.major + 1, minor: 0, patch: 0 },
            format!("schema changed since {v} ({}): MAJOR", why.join("; ")),
        );
    }
    if p.content_sha256 == content_sha256 {
        return (v, format!("same content as {v}: same version"));
    }
    if rows > p.rows {
        return (
            Version { major: v.major, minor: v.minor + 1, patch: 0 },
            format!("{} rows added since {v}: MINOR", rows - p.rows),
        );
    }
    (Version { major: v.major, minor: v.minor, patch: v.patch + 1 }, format!("values changed since {v}: PATCH"))
}

/// `<dataset>_v<semver>_<YYYY-MM-DD>_<first 12 hex of sha256>.<ext>`, the dataset name made
/// safe for file systems (`.` and other punctuation become `_`).
pub fn versioned_name(dataset: &str, version: Version, date: &str, sha256: &str, ext: &str) -> String {
    let stem: String =
        dataset.chars().map(|c| if c.is_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect();
    format!("{stem}_v{version}_{date}_{}.{ext}", &sha256[..12.min(sha256.len())])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(schema: &[(&str, &str)], rows: u64, hash: &str) -> VersionRecord {
        VersionRecord {
            dataset: "t".into(),
            version: Version { major: 1, minor: 2, patch: 0 },
            file_name: "t.csv".into(),
            sha256: "f".repeat(64),
            content_sha256: hash.into(),
            rows,
            schema: schema.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect(),
            date: "2024-12-01".into(),
        }
    }

    #[test]
    fn versions_follow_the_frictionless_rule() {
        let s = |v: &[(&str, &str)]| v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect::<Vec<_>>();
        let prev = rec(&[("id", "Int64"), ("amount", "Float64")], 10, "aaa");
        let (v, why) = propose_version(None, &s(&[("id", "Int64")]), 1, "x");
        assert_eq!((v.to_string(), why.as_str()), ("1.0.0".into(), "first version of this dataset"));
        let (v, why) = propose_version(Some(&prev), &s(&[("id", "Int64"), ("total", "Float64")]), 10, "b");
        assert_eq!(v.to_string(), "2.0.0");
        assert!(why.contains("added total") && why.contains("removed amount"), "{why}");
        let (v, _) = propose_version(Some(&prev), &s(&[("id", "Int64"), ("amount", "Utf8")]), 10, "b");
        assert_eq!(v.to_string(), "2.0.0");
        let same = s(&[("id", "Int64"), ("amount", "Float64")]);
        assert_eq!(propose_version(Some(&prev), &same, 12, "b").0.to_string(), "1.3.0");
        assert_eq!(propose_version(Some(&prev), &same, 10, "b").0.to_string(), "1.2.1");
        assert_eq!(propose_version(Some(&prev), &same, 10, "aaa").0.to_string(), "1.2.0");
    }

    #[test]
    fn versioned_names_have_the_documented_shape() {
        let v: Version = "1.2.0".parse().unwrap();
        let name = versioned_name("customer_transactions", v, "2024-12-01", "3f9a1c2b7e10ffffeeee", "parquet");
        assert_eq!(name, "customer_transactions_v1.2.0_2024-12-01_3f9a1c2b7e10.parquet");
        assert_eq!(
            versioned_name("orders.valid", v, "2024-12-01", "0123456789abcdef", "csv"),
            "orders_valid_v1.2.0_2024-12-01_0123456789ab.csv"
        );
        assert!("1.2".parse::<Version>().is_err());
        assert_eq!("v2.0.1".parse::<Version>().unwrap(), Version { major: 2, minor: 0, patch: 1 });
    }

    #[test]
    fn run_ids_are_uuids_that_depend_on_recipe_and_time() {
        let a = run_id("{}", "2026-01-01T00:00:00Z");
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "8");
        assert_eq!(a, run_id("{}", "2026-01-01T00:00:00Z"));
        assert_ne!(a, run_id("{}", "2026-01-01T00:00:01Z"));
    }
}

/// What the Export panel proposes for a dataset before it is written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VersionProposal {
    pub dataset: String,
    pub version: Version,
    pub reason: String,
    pub content_sha256: String,
    pub rows: u64,
    pub schema: Vec<(String, String)>,
}

/// (name, type) of each column, as version records keep them.
pub fn schema_pairs(d: &Dataset) -> Vec<(String, String)> {
    d.schema.fields().iter().map(|f| (f.name().clone(), f.data_type().to_string())).collect()
}

/// The version a dataset would be exported under, given the latest recorded version of it.
pub fn propose(d: &Dataset, previous: Option<&VersionRecord>) -> VersionProposal {
    let schema = schema_pairs(d);
    let content = crate::core::export::content_hash(&d.schema, &d.batches);
    let (version, reason) = propose_version(previous, &schema, d.num_rows(), &content);
    VersionProposal { dataset: d.name.clone(), version, reason, content_sha256: content, rows: d.num_rows(), schema }
}

/// A node of the lineage graph: a source file, a dataset, or an exported file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GraphNode {
    pub id: String,
    pub label: String,
    /// "source", "dataset" or "file".
    pub kind: String,
    /// Layer (0 = sources) and position in the layer, for drawing left to right.
    pub layer: usize,
    pub slot: usize,
}

/// An edge: a step (or an export) taking `from` to `to`, with the rows that went along it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GraphEdge {
    pub from: String,
    pub to: String,
    pub label: String,
    pub rows: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LineageGraph {
    pub nodes: Vec<GraphNode>,
    pub edges: Vec<GraphEdge>,
}

/// The recipe as a DAG from source files through steps to datasets and exported files.
pub fn graph(recipe: &Recipe) -> LineageGraph {
    let mut g = LineageGraph::default();
    let mut layer_of: BTreeMap<String, usize> = BTreeMap::new();
    let mut per_layer: Vec<usize> = Vec::new();
    let mut add = |g: &mut LineageGraph, id: String, label: String, kind: &str, layer: usize| {
        if g.nodes.iter().any(|n| n.id == id) {
            return;
        }
        if per_layer.len() <= layer {
            per_layer.resize(layer + 1, 0);
        }
        g.nodes.push(GraphNode { id, label, kind: kind.into(), layer, slot: per_layer[layer] });
        per_layer[layer] += 1;
    };
    for s in &recipe.steps {
        let outcome = s.outcome.as_ref();
        let rows_of =
            |i: usize| outcome.map_or(0, |o| o.outputs.get(i).map_or(if i == 0 { o.rows_out } else { 0 }, |r| r.rows));
        match &s.step {
            Step::Load(l) => {
                let src = format!("file:{}", l.source.name);
                add(&mut g, src.clone(), l.source.name.clone(), "source", 0);
                add(&mut g, l.output.clone(), l.output.clone(), "dataset", 1);
                layer_of.insert(l.output.clone(), 1);
                g.edges.push(GraphEdge { from: src, to: l.output.clone(), label: "load".into(), rows: rows_of(0) });
            }
            other => {
                let inputs = other.inputs();
                let layer = inputs.iter().filter_map(|i| layer_of.get(i)).max().copied().unwrap_or(1) + 1;
                for (i, o) in other.outputs().iter().enumerate() {
                    add(&mut g, o.clone(), o.clone(), "dataset", layer);
                    layer_of.insert(o.clone(), layer);
                    for input in &inputs {
                        g.edges.push(GraphEdge {
                            from: input.clone(),
                            to: o.clone(),
                            label: other.label(),
                            rows: rows_of(i),
                        });
                    }
                }
            }
        }
    }
    for e in &recipe.exports {
        let layer = layer_of.get(&e.dataset).copied().unwrap_or(1) + 1;
        let id = format!("export:{}", e.file_name);
        add(&mut g, id.clone(), e.file_name.clone(), "file", layer);
        g.edges.push(GraphEdge { from: e.dataset.clone(), to: id, label: e.format.extension().into(), rows: e.rows });
    }
    g
}

impl crate::core::recipe::Session {
    /// The `dataQualityAssertions` facet body of every validated dataset (by dataset name), from
    /// the validation reports of the session; when a dataset was validated twice, the later run.
    pub fn assertions(&self) -> BTreeMap<String, Value> {
        let mut out = BTreeMap::new();
        for s in &self.recipe.steps {
            let Step::Validate(v) = &s.step else { continue };
            let key = crate::core::recipe::Derive::outputs(v.as_ref()).first().cloned();
            if let Some(crate::core::recipe::StepReport::Validation(r)) = key.and_then(|k| self.reports.get(&k)) {
                out.insert(r.dataset.clone(), r.assertions_facet());
            }
        }
        out
    }

    /// The bundle a user takes home, as zip bytes and their SHA-256 ([`Session::bundle_chunked`]
    /// collected in memory; the command line and tests).
    pub fn bundle(
        &mut self,
        files: &[(String, Option<String>)],
        format: FileFormat,
        profile_json: Option<String>,
        event_time: &str,
    ) -> Result<(Vec<u8>, String)> {
        let mut bytes = Vec::new();
        let (written, _) = self.bundle_chunked(files, format, profile_json, event_time, usize::MAX, &mut |c| {
            bytes.extend_from_slice(&c)
        })?;
        Ok((bytes, written.sha256))
    }

    /// The bundle as a stream of zip parts of about `chunk` bytes handed to `on_chunk` in order:
    /// `data/` with each chosen dataset written as `format` (exports recorded in the recipe),
    /// `reports/` with every step's report, `profile.json` when given, `recipe.json`, and
    /// `lineage.json` last (so it lists every file of the bundle). Each data file is written
    /// straight into the archive, so the worker never holds a whole file or the whole archive;
    /// a versioned name that holds the file's hash (`{sha12}`) costs one extra writing pass that
    /// only hashes. Returns the archive's hash and size, and the export record of each data file.
    pub fn bundle_chunked(
        &mut self,
        files: &[(String, Option<String>)],
        format: FileFormat,
        profile_json: Option<String>,
        event_time: &str,
        chunk: usize,
        on_chunk: &mut dyn FnMut(Vec<u8>),
    ) -> Result<(Written, Vec<ExportRecord>)> {
        use crate::core::export::{file_name, may_pass_4gib, write_chunked, ZipStream};
        let mut zip = ZipStream::new(chunk, on_chunk);
        let mut records = Vec::new();
        for (dataset, name) in files {
            let d = self.dataset(dataset)?;
            let large = may_pass_4gib(d);
            let mut name = name.clone().unwrap_or_else(|| file_name(dataset, format));
            if name.contains("{sha12}") {
                let sha = write_chunked(d, format, EXPORT_CHUNK, &mut |_| {})?.sha256;
                name = name.replace("{sha12}", &sha[..12]);
            }
            zip.start(&format!("data/{name}"), !matches!(format, FileFormat::Parquet { .. }), large)?;
            let mut failed = None;
            let record = self.export_chunked(dataset, format, Some(name), EXPORT_CHUNK, &mut |c| {
                if failed.is_none() {
                    failed = zip.write(&c).err();
                }
            })?;
            if let Some(e) = failed {
                return Err(e);
            }
            records.push(record);
        }
        let small = |zip: &mut ZipStream, name: &str, bytes: &[u8]| -> Result<()> {
            zip.start(name, true, false)?;
            zip.write(bytes)
        };
        for (name, report) in &self.reports {
            let json = serde_json::to_vec_pretty(report).map_err(|e| CoreError::step(e.to_string()))?;
            let stem = file_name(name, FileFormat::Csv);
            small(&mut zip, &format!("reports/{}.json", stem.trim_end_matches(".csv")), &json)?;
        }
        if let Some(p) = profile_json {
            small(&mut zip, "profile.json", p.as_bytes())?;
        }
        let recipe = self.recipe().clone();
        small(&mut zip, "recipe.json", recipe.to_json().as_bytes())?;
        let ctx = RunContext { event_time: event_time.to_string(), job_name: None, engine: "browser".into() };
        let event = run_event(&recipe, &self.datasets, &recipe.exports, &self.assertions(), &ctx)?;
        small(&mut zip, "lineage.json", &serde_json::to_vec_pretty(&event).expect("json values serialize"))?;
        Ok((zip.finish()?, records))
    }
}
