//! Lineage and replay: a session's exports make an OpenLineage RunEvent that carries the recipe;
//! `strata replay` re-runs it natively and gets byte-identical files; a different input is
//! refused before anything runs.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use strata::core::export::{FileFormat, ParquetCodec};
use strata::core::ingest::{load_bytes, IngestOptions};
use strata::core::lineage::{self, RunContext};
use strata::core::recipe::{LoadStep, Session, SourceRef, Step, StepInput};
use strata::core::transform::columns::{ColumnPick, ColumnsStep};

const PEOPLE: &str = "tests/data/people.csv";

fn manifest(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

/// A session with `path` loaded as `output`, the way the page loads a file.
fn session_with(path: &str, output: &str) -> Session {
    let mut s = Session::default();
    let (load, loaded) = load_step(path, output);
    s.apply(load, StepInput::Loaded(Box::new(loaded))).unwrap();
    s
}

/// The Load step for the file at `path` (a path under the crate) as dataset `output`, with what it loaded.
fn load_step(path: &str, output: &str) -> (Step, strata::core::ingest::Loaded) {
    let name = Path::new(path).file_name().unwrap().to_string_lossy().into_owned();
    let bytes = std::fs::read(manifest(path)).unwrap();
    let loaded = load_bytes(&name, &bytes, &IngestOptions::default()).unwrap();
    let load = Step::Load(LoadStep {
        source: SourceRef { name, bytes: loaded.source_bytes, sha256: loaded.source_sha256.clone() },
        output: output.into(),
        options: IngestOptions::default(),
    });
    (load, loaded)
}

/// A session like one made in the browser: load people.csv, keep and rename columns, export
/// three files.
fn session() -> Session {
    let mut s = session_with(PEOPLE, "people");
    let keep = ColumnsStep {
        input: "people".into(),
        output: "slim".into(),
        columns: vec![
            ColumnPick { column: "id".into(), rename: None },
            ColumnPick { column: "name".into(), rename: Some("full_name".into()) },
        ],
    };
    s.apply(Step::Columns(keep), StepInput::None).unwrap();
    s.export("slim", FileFormat::PARQUET, Some("slim_v1.0.0_2026-11-23_abc.parquet".into())).unwrap();
    s.export("slim", FileFormat::Csv, None).unwrap();
    s.export("people", FileFormat::Parquet { codec: ParquetCodec::Snappy }, None).unwrap();
    s
}

fn event(s: &mut Session) -> Value {
    let recipe = s.recipe().clone();
    let ctx = RunContext { event_time: "2026-11-23T12:00:00Z".into(), job_name: None, engine: "test".into() };
    lineage::run_event(&recipe, &s.datasets, &recipe.exports, &s.assertions(), &ctx).unwrap()
}

#[test]
fn the_event_describes_inputs_outputs_recipe_and_column_lineage() {
    let mut s = session();
    let e = event(&mut s);
    assert_eq!(e["eventType"], "COMPLETE");
    assert_eq!(e["inputs"][0]["name"], "people.csv");
    let sha = s.recipe.sources()[0].source.sha256.clone();
    assert_eq!(e["inputs"][0]["facets"]["version"]["datasetVersion"], format!("sha256:{sha}"));
    assert_eq!(
        e["inputs"][0]["inputFacets"]["dataQualityMetrics"]["rowCount"],
        s.dataset("people").unwrap().num_rows()
    );
    let outputs = e["outputs"].as_array().unwrap();
    assert_eq!(outputs.len(), 3);
    assert_eq!(outputs[0]["name"], "slim_v1.0.0_2026-11-23_abc.parquet");
    // full_name comes from people.csv's name column, copied unchanged.
    let full = &outputs[0]["facets"]["columnLineage"]["fields"]["full_name"]["inputFields"][0];
    assert_eq!((full["name"].as_str(), full["field"].as_str()), (Some("people.csv"), Some("name")));
    assert_eq!(full["transformations"][0]["type"], "DIRECT");
    assert_eq!(outputs[0]["outputFacets"]["outputStatistics"]["rowCount"], s.dataset("slim").unwrap().num_rows());
    // The recipe travels in the run facet and reads back as the same recipe.
    let recipe = lineage::recipe_from_json(&e.to_string()).unwrap();
    assert_eq!(&recipe, s.recipe());
    assert_eq!(recipe.steps.len(), 2);
    assert_eq!(recipe.exports.len(), 3);
}

fn strata(args: &[&str]) -> (i32, String, String) {
    let out =
        Command::new(env!("CARGO_BIN_EXE_strata")).args(args).current_dir(env!("CARGO_MANIFEST_DIR")).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("strata-lineage-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn native_replay_writes_byte_identical_files() {
    let mut s = session();
    let e = event(&mut s);
    let dir = temp_dir("replay");
    let lineage_path = dir.join("lineage_in.json");
    std::fs::write(&lineage_path, e.to_string()).unwrap();
    let out = dir.join("out");
    let (code, stdout, err) =
        strata(&["replay", lineage_path.to_str().unwrap(), PEOPLE, "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}\n{stdout}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["all_match"], true, "{stdout}");
    let checks = report["checks"].as_array().unwrap();
    assert_eq!(checks.iter().filter(|c| c["kind"] == "file").count(), 3);
    assert!(checks.iter().all(|c| c["matches"] == true), "{stdout}");
    for rec in s.recipe.exports.clone() {
        let bytes = std::fs::read(out.join(&rec.file_name)).unwrap();
        let (again, _) = s.export(&rec.dataset, rec.format, Some(rec.file_name.clone())).unwrap();
        assert_eq!(bytes, again, "{}", rec.file_name);
    }
    // The replay's own lineage carries the same recipe.
    let written: Value = serde_json::from_str(&std::fs::read_to_string(out.join("lineage.json")).unwrap()).unwrap();
    assert_eq!(lineage::recipe_from_json(&written.to_string()).unwrap().steps, s.recipe.steps);
}

/// The bundle streams: parts of any size join into the bundle's bytes, no part is larger than
/// asked, every entry reads back (data files with their versioned names and recorded hashes,
/// lineage last), and `strata replay bundle.zip INPUT` replays it from the lineage inside.
#[test]
fn the_bundle_streams_in_parts_and_replays_natively() {
    let files = vec![
        ("slim".to_string(), Some("slim_v1.0.0_2026-11-23_{sha12}.csv".to_string())),
        ("people".to_string(), Some("people_v2.0.0_2026-11-23_{sha12}.parquet".to_string())),
    ];
    let time = "2026-11-23T12:00:00Z";
    let (whole, sha) = session().bundle(&files[..1], FileFormat::Csv, Some("{}".into()), time).unwrap();
    let mut parts = Vec::new();
    let (written, records) = session()
        .bundle_chunked(&files[..1], FileFormat::Csv, Some("{}".into()), time, 300, &mut |c| parts.push(c))
        .unwrap();
    assert!(
        parts.len() > 2 && parts.iter().all(|p| p.len() <= 300),
        "{:?}",
        parts.iter().map(Vec::len).collect::<Vec<_>>()
    );
    assert_eq!(parts.concat(), whole);
    assert_eq!((written.sha256.as_str(), written.bytes), (sha.as_str(), whole.len() as u64));
    assert!(lineage::is_zip(&whole));
    // Each data file is named with its own hash, as recorded in the recipe and returned.
    let mut s = session();
    let (bytes, _) = s.bundle(&files[..1], FileFormat::Csv, None, time).unwrap();
    let (csv, rec) = s.export("slim", FileFormat::Csv, None).unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].sha256, rec.sha256);
    assert_eq!(records[0].file_name, format!("slim_v1.0.0_2026-11-23_{}.csv", &rec.sha256[..12]));
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.clone())).unwrap();
    let names: Vec<String> = archive.file_names().map(|n| n.unwrap().into_owned()).collect();
    assert!(names.contains(&format!("data/{}", records[0].file_name)), "{names:?}");
    assert_eq!(names.last().map(String::as_str), Some("lineage.json"), "{names:?}");
    let mut inside = Vec::new();
    std::io::Read::read_to_end(&mut archive.by_name(&format!("data/{}", records[0].file_name)).unwrap(), &mut inside)
        .unwrap();
    assert_eq!(inside, csv);
    // The recipe read from the bundle is the session's.
    let from_bundle = lineage::recipe_from_bundle(std::io::Cursor::new(bytes.clone())).unwrap();
    assert_eq!(from_bundle.steps, s.recipe().steps);
    assert!(lineage::recipe_from_bundle(std::io::Cursor::new(b"PK\x03\x04 not a zip".to_vec())).is_err());

    // A bundle with a Parquet file (stored, not deflated) replays natively, byte for byte.
    let mut s = session();
    let (bytes, _) = s.bundle(&files, FileFormat::PARQUET, None, time).unwrap();
    let dir = temp_dir("bundle");
    let zip_path = dir.join("strata_bundle.zip");
    std::fs::write(&zip_path, &bytes).unwrap();
    let out = dir.join("out");
    let (code, stdout, err) = strata(&["replay", zip_path.to_str().unwrap(), PEOPLE, "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}\n{stdout}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["all_match"], true, "{stdout}");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let pq = s.recipe.exports.iter().find(|e| e.file_name.starts_with("people_v2.0.0")).unwrap().clone();
    let entry = archive.by_name(&format!("data/{}", pq.file_name)).unwrap();
    assert_eq!(entry.compression(), zip::CompressionMethod::Stored);
    drop(entry);
    let mut inside = Vec::new();
    std::io::Read::read_to_end(&mut archive.by_name(&format!("data/{}", pq.file_name)).unwrap(), &mut inside).unwrap();
    assert_eq!(inside, std::fs::read(out.join(&pq.file_name)).unwrap());
}

#[test]
fn a_different_input_is_refused_before_anything_runs() {
    let mut s = session();
    let e = event(&mut s);
    let dir = temp_dir("refuse");
    let lineage_path = dir.join("lineage.json");
    std::fs::write(&lineage_path, e.to_string()).unwrap();
    let changed = dir.join("people.csv");
    let mut bytes = std::fs::read(manifest(PEOPLE)).unwrap();
    bytes.extend_from_slice(b"99,Zed,1.5,2024-05-05\n");
    std::fs::write(&changed, bytes).unwrap();
    let out = dir.join("out");
    let (code, _, err) =
        strata(&["replay", lineage_path.to_str().unwrap(), changed.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_ne!(code, 0);
    assert!(err.contains("is not the file the recipe was made from") && err.contains("Nothing was run"), "{err}");
    assert!(!out.exists(), "nothing is written");
}

#[test]
fn run_writes_every_derived_dataset_when_the_recipe_records_no_exports() {
    let mut s = session();
    s.recipe.exports.clear();
    let dir = temp_dir("run");
    let recipe_path = dir.join("recipe.json");
    std::fs::write(&recipe_path, s.recipe().to_json()).unwrap();
    let out = dir.join("out");
    let (code, stdout, err) =
        strata(&["run", recipe_path.to_str().unwrap(), PEOPLE, "--out", out.to_str().unwrap(), "--format", "csv"]);
    assert_eq!(code, 0, "{err}");
    let csv = std::fs::read_to_string(out.join("slim.csv")).unwrap();
    assert!(csv.starts_with("id,full_name\n"), "{csv}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    // Dataset hashes recorded in the recipe are checked too.
    assert!(
        report["checks"].as_array().unwrap().iter().any(|c| c["kind"] == "dataset" && c["matches"] == true),
        "{stdout}"
    );
    assert!(out.join("lineage.json").exists());
}

/// Validates the event against the vendored OpenLineage 2-0-2 core schema (registered under its
/// `$id`, no network), and the job type facet against its own vendored schema.
#[test]
fn the_event_validates_against_the_openlineage_schemas() {
    let load = |p: &str| -> Value { serde_json::from_str(&std::fs::read_to_string(manifest(p)).unwrap()).unwrap() };
    let core = load("tests/data/openlineage/OpenLineage-2-0-2.json");
    let mut s = session();
    let e = event(&mut s);
    let validator = jsonschema::options().should_validate_formats(true).build(&core).expect("the core schema compiles");
    let errors: Vec<String> = validator.iter_errors(&e).map(|er| format!("{} at {}", er, er.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // The facet schema references the core by its absolute URI: register the vendored copy.
    let job_type = load("tests/data/openlineage/facets/JobTypeJobFacet-2-0-2.json");
    let facet_schema = serde_json::json!({ "$ref": "https://openlineage.io/spec/facets/2-0-2/JobTypeJobFacet.json#/$defs/JobTypeJobFacet" });
    let validator = jsonschema::options()
        .with_resource(
            "https://openlineage.io/spec/2-0-2/OpenLineage.json",
            jsonschema::Resource::from_contents(core.clone()),
        )
        .with_resource(
            "https://openlineage.io/spec/facets/2-0-2/JobTypeJobFacet.json",
            jsonschema::Resource::from_contents(job_type),
        )
        .build(&facet_schema)
        .expect("the facet schema compiles");
    let facet = &e["job"]["facets"]["jobType"];
    let errors: Vec<String> = validator.iter_errors(facet).map(|er| er.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // A broken event is caught (the check is not vacuous).
    let mut broken = e.clone();
    broken["run"]["runId"] = Value::Null;
    assert!(!jsonschema::options().build(&core).unwrap().is_valid(&broken));
}

/// The recipe (plain, as `strata run` reads it) and the `strata_recipe` facet validate against
/// the committed schema their `_schemaURL` names.
#[test]
fn recipes_and_the_recipe_facet_validate_against_their_schema() {
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(manifest("docs/schemas/strata_recipe-1-0-0.json")).unwrap())
            .unwrap();
    let id = schema["$id"].as_str().unwrap().to_string();
    assert!(lineage::RECIPE_FACET_SCHEMA_URL.starts_with(&id));
    let mut s = session();
    let e = event(&mut s);
    let recipe: Value = serde_json::from_str(&s.recipe().to_json()).unwrap();
    let plain = jsonschema::options().should_validate_formats(true).build(&schema).unwrap();
    let errors: Vec<String> = plain.iter_errors(&recipe).map(|er| format!("{er} at {}", er.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let facet_schema = serde_json::json!({ "$ref": format!("{id}#/$defs/StrataRecipeRunFacet") });
    let facet = jsonschema::options()
        .should_validate_formats(true)
        .with_resource(id.as_str(), jsonschema::Resource::from_contents(schema.clone()))
        .build(&facet_schema)
        .unwrap();
    let f = &e["run"]["facets"]["strata_recipe"];
    let errors: Vec<String> = facet.iter_errors(f).map(|er| format!("{er} at {}", er.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let mut broken = recipe.clone();
    broken["steps"][0]["source"]["sha256"] = Value::from("not a hash");
    assert!(!plain.is_valid(&broken));
}

/// A session with the steps whose replay is hardest to get right: a validation with its
/// quarantine split, a seeded train/test split, a z-score scaler fitted on the training split
/// and applied to both, and a seeded sample of the scaled training rows; every output exported.
fn mixed_session() -> Session {
    use strata::core::sample::{SampleMethod, SampleSize, SampleStep, SplitMethod, SplitStep};
    use strata::core::transform::Targets;
    use strata::core::transform::{ScaleMethod, ScaleStep};
    use strata::core::validate::{TableSchema, ValidateStep};
    let mut s = session_with(MIXED_INPUT, "train");
    let schema = TableSchema::from_json(
        r#"{"fields": [{"name": "id", "type": "integer", "constraints": {"required": true, "unique": true}},
            {"name": "age", "type": "integer", "constraints": {"minimum": 18}}]}"#,
    )
    .unwrap();
    s.apply(Step::Validate(Box::new(ValidateStep::new("train", schema))), StepInput::None).unwrap();
    let split = SplitStep {
        input: "train.valid".into(),
        outputs: SplitStep::default_outputs("train.valid", false),
        ratios: vec![0.7, 0.3],
        method: SplitMethod::Random,
        seed: 20261123,
        label: None,
        group_check: None,
    };
    s.apply(Step::Split(split), StepInput::None).unwrap();
    let scale = ScaleStep {
        targets: Targets {
            inputs: vec!["train.valid.train".into(), "train.valid.test".into()],
            fit_on: Some("train.valid.train".into()),
            outputs: Vec::new(),
        },
        columns: vec!["income".into(), "score".into()],
        method: ScaleMethod::ZScore,
        fitted: None,
    };
    s.apply(Step::Scale(scale), StepInput::None).unwrap();
    let sample = SampleStep {
        input: "train.valid.train.scaled".into(),
        output: "sample".into(),
        method: SampleMethod::Random { size: SampleSize::Fraction(0.5), replace: false },
        seed: 42,
    };
    s.apply(Step::Sample(sample), StepInput::None).unwrap();
    s.export("train.valid", FileFormat::Csv, None).unwrap();
    s.export("train.invalid", FileFormat::Csv, None).unwrap();
    s.export("train.valid.train.scaled", FileFormat::PARQUET, None).unwrap();
    s.export("train.valid.test.scaled", FileFormat::PARQUET, None).unwrap();
    s.export("sample", FileFormat::Jsonl, None).unwrap();
    s
}

const MIXED_INPUT: &str = "tests/data/clean/train.csv";
/// The lineage of [`mixed_session`], committed so that the browser (tests/web/worker.rs) replays
/// the very event the native engine wrote. `STRATA_BLESS=1 cargo test --test lineage` rewrites it.
const MIXED_LINEAGE: &str = "tests/data/lineage/mixed.lineage.json";

#[test]
fn quarantine_split_fitted_scaler_and_sample_replay_byte_identically() {
    let mut s = mixed_session();
    let e = event(&mut s);
    // The quarantine holds the rows under 18, with their row numbers and the rule they broke.
    let invalid = s.dataset("train.invalid").unwrap();
    assert!(invalid.num_rows() > 0);
    assert!(invalid.schema.field_with_name("_violations").is_ok());
    // Validation results ride on the input as OpenLineage assertions.
    let assertions = &e["inputs"][0]["inputFacets"]["dataQualityAssertions"];
    assert!(assertions["assertions"].as_array().unwrap().iter().any(|a| a["success"] == false), "{assertions}");
    // Column lineage: scaled columns are transformations, copied ones identities, and the
    // validated and split columns are INDIRECT influences.
    let scaled =
        e["outputs"].as_array().unwrap().iter().find(|o| o["name"] == "train.valid.train.scaled.parquet").unwrap();
    let cl = &scaled["facets"]["columnLineage"];
    assert_eq!(cl["fields"]["income"]["inputFields"][0]["transformations"][0]["subtype"], "TRANSFORMATION");
    assert_eq!(cl["fields"]["city"]["inputFields"][0]["transformations"][0]["subtype"], "IDENTITY");
    let indirect = cl["dataset"].as_array().unwrap();
    assert!(indirect.iter().any(|d| d["field"] == "age" && d["transformations"][0]["type"] == "INDIRECT"), "{cl}");
    let quarantine = e["outputs"].as_array().unwrap().iter().find(|o| o["name"] == "train.invalid.csv").unwrap();
    assert_eq!(quarantine["facets"]["columnLineage"]["fields"]["_violations"]["inputFields"], serde_json::json!([]));
    // The event is valid OpenLineage.
    let core: Value = serde_json::from_str(
        &std::fs::read_to_string(manifest("tests/data/openlineage/OpenLineage-2-0-2.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::options().should_validate_formats(true).build(&core).unwrap();
    let errors: Vec<String> = validator.iter_errors(&e).map(|er| format!("{} at {}", er, er.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:#?}");

    // Native replay of the event: every dataset and file has the recorded hash.
    let dir = temp_dir("mixed");
    let lineage_path = dir.join("mixed.lineage.json");
    std::fs::write(&lineage_path, serde_json::to_string_pretty(&e).unwrap()).unwrap();
    let (code, stdout, err) =
        strata(&["replay", lineage_path.to_str().unwrap(), MIXED_INPUT, "--out", dir.join("out").to_str().unwrap()]);
    assert_eq!(code, 0, "{err}\n{stdout}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["checks"].as_array().unwrap().iter().filter(|c| c["kind"] == "file").count(), 5, "{stdout}");
    assert_eq!(report["all_match"], true, "{stdout}");

    // The committed event (the one the browser test replays) is this event.
    if std::env::var_os("STRATA_BLESS").is_some() {
        std::fs::create_dir_all(manifest("tests/data/lineage")).unwrap();
        std::fs::write(manifest(MIXED_LINEAGE), serde_json::to_string_pretty(&e).unwrap() + "\n").unwrap();
    }
    let committed: Value = serde_json::from_str(&std::fs::read_to_string(manifest(MIXED_LINEAGE)).unwrap()).unwrap();
    assert_eq!(committed["outputs"], e["outputs"], "run with STRATA_BLESS=1 to rewrite {MIXED_LINEAGE}");
    assert_eq!(committed["run"]["facets"]["strata_recipe"], e["run"]["facets"]["strata_recipe"]);
}

/// A teacher's recipe travels in a link (its steps, no data) and runs on a student's own file:
/// the steps are rebound to the student's dataset, and fitted values are refitted on it or kept.
#[test]
fn a_shared_recipe_link_runs_on_another_file() {
    use strata::core::share;
    let teacher = mixed_session();
    let fragment = share::to_fragment(&teacher.recipe);
    assert!(fragment.starts_with("recipe=") && !fragment.contains('{'), "{fragment}");
    let recipe = share::from_fragment(&format!("#{fragment}")).unwrap();
    assert_eq!(recipe.steps.len(), teacher.recipe.steps.len());
    assert!(recipe.steps.iter().all(|s| s.outcome.is_none()) && recipe.exports.is_empty());
    assert_eq!(share::sources(&recipe), vec!["train".to_string()]);
    assert!(share::from_fragment("#recipe=%%%").is_err());

    // The student loads another file under another name.
    let (student_load, loaded) = load_step("tests/data/clean/test.csv", "mine");
    let mapping = std::collections::BTreeMap::from([("train".to_string(), "mine".to_string())]);
    let fitted = |s: &Session| -> Value {
        let step = s.recipe.steps.iter().find(|x| matches!(x.step, Step::Scale(_))).unwrap();
        serde_json::to_value(&step.step).unwrap()["fitted"].clone()
    };
    for refit in [true, false] {
        let mut s = Session::default();
        s.apply(student_load.clone(), StepInput::Loaded(Box::new(loaded.clone()))).unwrap();
        for step in share::rebind(&recipe, &mapping, refit).unwrap() {
            s.apply(step, StepInput::None).unwrap();
        }
        for name in ["mine.valid", "mine.invalid", "mine.valid.train.scaled", "mine.valid.test.scaled", "sample"] {
            assert!(s.dataset(name).is_ok(), "{name} missing with refit={refit}");
        }
        // Refitting fits the scaler on the student's training rows; otherwise the teacher's values.
        assert_eq!(fitted(&s) == fitted(&teacher), !refit, "refit={refit}");
    }
}
