//! The worker's engine in a real dedicated worker in headless Chromium: a `File` goes in,
//! summaries, pages, Parquet metadata and errors come out.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use strata::core::ingest::IngestOptions;
use strata::protocol::{Request, Response};
use strata::worker::{memory_bytes, set_memory_ceiling, yield_to_events, Engine, MEMORY_CEILING};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

fn file(bytes: &[u8], name: &str) -> web_sys::File {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    web_sys::File::new_with_u8_array_sequence(&parts, name).expect("a File can be made in a worker")
}

fn engine() -> (Rc<Engine>, Rc<RefCell<Vec<Response>>>) {
    let got = Rc::new(RefCell::new(Vec::new()));
    let sink = Rc::clone(&got);
    (Engine::new(Rc::new(move |r| sink.borrow_mut().push(r))), got)
}

async fn wait_for(got: &Rc<RefCell<Vec<Response>>>, pred: impl Fn(&Response) -> bool) -> Response {
    for _ in 0..500 {
        if let Some(r) = got.borrow().iter().find(|r| pred(r)) {
            return r.clone();
        }
        yield_to_events().await;
    }
    panic!("no matching response; got {:?}", got.borrow());
}

#[wasm_bindgen_test]
async fn load_then_page_round_trip() {
    let (engine, got) = engine();
    let f = file(b"id,name\n1,ann\n2,\n3,cy\n", "people.csv");
    let request = Request::Load {
        request_id: 1,
        file_name: "people.csv".into(),
        options: IngestOptions::default(),
        replaces: None,
    };
    engine.handle(request, Some(f));
    let Response::Loaded { summary, .. } = wait_for(&got, |r| matches!(r, Response::Loaded { .. })).await else {
        unreachable!()
    };
    assert_eq!(summary.rows, 3);
    assert_eq!(summary.columns.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["id", "name"]);
    assert_eq!(summary.columns[1].nulls, 1);
    assert_eq!(summary.source.as_ref().unwrap().sha256.len(), 64);
    assert!(got.borrow().iter().any(|r| matches!(r, Response::Progress { .. })), "progress was posted");

    engine.handle(Request::GetPage { request_id: 2, dataset: summary.id.clone(), offset: 1, limit: 5 }, None);
    let Response::Page { page, .. } = wait_for(&got, |r| matches!(r, Response::Page { .. })).await else {
        unreachable!()
    };
    assert_eq!(page.total_rows, 3);
    assert_eq!(page.rows, vec![vec![Some("2".to_string()), None], vec![Some("3".into()), Some("cy".into())]]);

    engine.handle(Request::GetRecipe { request_id: 3 }, None);
    let Response::Recipe { json, .. } = wait_for(&got, |r| matches!(r, Response::Recipe { .. })).await else {
        unreachable!()
    };
    assert!(json.contains("\"op\": \"load\""), "{json}");
}

#[wasm_bindgen_test]
async fn broken_file_becomes_a_wire_error_with_location() {
    let (engine, got) = engine();
    let f = file(b"a,b\n1,2\n3,\"open\n", "bad.csv");
    engine.handle(
        Request::Load { request_id: 9, file_name: "bad.csv".into(), options: IngestOptions::default(), replaces: None },
        Some(f),
    );
    let Response::Error { request_id, error } = wait_for(&got, |r| matches!(r, Response::Error { .. })).await else {
        unreachable!()
    };
    assert_eq!(request_id, Some(9));
    assert_eq!(error.kind, "unterminated_quote");
    assert_eq!(error.location.and_then(|l| l.line), Some(3));
}

#[wasm_bindgen_test]
async fn parquet_metadata_comes_first_through_random_access() {
    use std::sync::Arc;
    let schema =
        Arc::new(arrow_schema::Schema::new(vec![arrow_schema::Field::new("x", arrow_schema::DataType::Int64, false)]));
    let batch =
        arrow_array::RecordBatch::try_new(schema.clone(), vec![Arc::new(arrow_array::Int64Array::from(vec![1, 2, 3]))])
            .unwrap();
    let mut buf = Vec::new();
    let mut w = parquet::arrow::ArrowWriter::try_new(&mut buf, schema, None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    let (engine, got) = engine();
    engine.handle(
        Request::Load {
            request_id: 4,
            file_name: "x.parquet".into(),
            options: IngestOptions::default(),
            replaces: None,
        },
        Some(file(&buf, "x.parquet")),
    );
    let Response::Loaded { summary, .. } =
        wait_for(&got, |r| matches!(r, Response::Loaded { .. } | Response::Error { .. })).await
    else {
        panic!("{:?}", got.borrow())
    };
    assert_eq!(summary.rows, 3);
    let meta_pos = got.borrow().iter().position(|r| matches!(r, Response::ParquetMeta { .. }));
    let loaded_pos = got.borrow().iter().position(|r| matches!(r, Response::Loaded { .. }));
    assert!(meta_pos.unwrap() < loaded_pos.unwrap(), "the footer is reported before the data");
}

#[wasm_bindgen_test]
async fn profile_and_format_sizes_of_a_loaded_dataset() {
    let (engine, got) = engine();
    let csv = "id,country,amount\n1,USA,10\n2,usa,12\n3,U.S.A.,11\n4,France,9\n5,France,\n6,France,13\n";
    engine.handle(
        Request::Load { request_id: 1, file_name: "o.csv".into(), options: IngestOptions::default(), replaces: None },
        Some(file(csv.as_bytes(), "o.csv")),
    );
    let Response::Loaded { summary, .. } = wait_for(&got, |r| matches!(r, Response::Loaded { .. })).await else {
        unreachable!()
    };
    let options = strata::core::profile::ProfileOptions::default();
    engine.handle(Request::Profile { request_id: 2, dataset: summary.id.clone(), options }, None);
    let Response::Profiled { profile, elapsed_ms, .. } =
        wait_for(&got, |r| matches!(r, Response::Profiled { .. })).await
    else {
        unreachable!()
    };
    assert!(elapsed_ms >= 0.0);
    assert_eq!(profile.rows, 6);
    assert_eq!(profile.columns[2].nulls, 1);
    let kinds: Vec<_> = profile.alerts.iter().map(|a| a.kind).collect();
    assert!(kinds.contains(&strata::core::profile::AlertKind::NearDuplicateCategories), "{kinds:?}");
    assert!(kinds.contains(&strata::core::profile::AlertKind::Missing), "{kinds:?}");

    engine.handle(Request::FormatSizes { request_id: 3, dataset: summary.id.clone() }, None);
    let Response::FormatSizes { sizes, .. } = wait_for(&got, |r| matches!(r, Response::FormatSizes { .. })).await
    else {
        unreachable!()
    };
    assert!(sizes.csv_bytes > 50);
    assert_eq!(sizes.parquet.len(), 6);
    assert_eq!(sizes.columns.len(), 3);

    engine.handle(Request::Profile { request_id: 4, dataset: "nope".into(), options: Default::default() }, None);
    let Response::Error { error, .. } = wait_for(&got, |r| matches!(r, Response::Error { .. })).await else {
        unreachable!()
    };
    assert!(error.message.contains("nope"), "{}", error.message);
}

/// Export, lineage and replay in the worker: a written file comes back with its bytes and hash,
/// the lineage carries the recipe, and replaying the lineage with the same input matches.
#[wasm_bindgen_test]
async fn export_lineage_and_replay_in_the_worker() {
    use strata::core::export::FileFormat;
    let (engine, got) = engine();
    let csv: &[u8] = b"id,name\n1,ann\n2,\n3,cy\n";
    let request =
        Request::Load { request_id: 1, file_name: "p.csv".into(), options: IngestOptions::default(), replaces: None };
    engine.handle(request, Some(file(csv, "p.csv")));
    wait_for(&got, |r| matches!(r, Response::Loaded { .. })).await;
    engine.handle(
        Request::Export {
            request_id: 2,
            dataset: "p".into(),
            format: FileFormat::PARQUET,
            file_name: Some("p_{sha12}.parquet".into()),
        },
        None,
    );
    let Response::Exported { file_name, sha256, bytes: last, .. } =
        wait_for(&got, |r| matches!(r, Response::Exported { .. })).await
    else {
        unreachable!()
    };
    // The file came in parts before the Exported message; joined, they hash to the recorded SHA.
    let mut bytes: Vec<u8> = got
        .borrow()
        .iter()
        .filter_map(|r| match r {
            Response::ExportChunk { request_id: 2, bytes } => Some(bytes.clone()),
            _ => None,
        })
        .flatten()
        .collect();
    bytes.extend(last);
    assert_eq!(&bytes[..4], b"PAR1");
    use sha2::Digest;
    assert_eq!(strata::core::ingest::hex(&sha2::Sha256::digest(&bytes)), sha256);
    assert_eq!(file_name, format!("p_{}.parquet", &sha256[..12]));
    engine.handle(Request::Lineage { request_id: 3, event_time: "2026-11-23T12:00:00Z".into() }, None);
    let Response::Lineage { json, graph, .. } = wait_for(&got, |r| matches!(r, Response::Lineage { .. })).await else {
        unreachable!()
    };
    let event: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(event["outputs"][0]["facets"]["version"]["datasetVersion"], format!("sha256:{sha256}"));
    assert!(graph.nodes.iter().any(|n| n.kind == "file"));
    let lineage = file(json.as_bytes(), "lineage.json");
    engine.handle_with_files(Request::Replay { request_id: 4 }, vec![lineage, file(csv, "p.csv")]);
    let Response::Replayed { checks, .. } = wait_for(&got, |r| matches!(r, Response::Replayed { .. })).await else {
        unreachable!()
    };
    assert!(checks.iter().any(|c| c.kind == "file"));
    assert!(checks.iter().all(|c| c.matches()), "{checks:?}");
}

#[wasm_bindgen_test]
async fn compare_two_loaded_datasets_reports_schema_drift_and_rows() {
    use strata::core::compare::{CompareStep, Compatibility};
    use strata::core::recipe::{Step, StepReport};
    let (engine, got) = engine();
    let before = "id,customer_id,amount,segment\n1,10,5.0,a\n2,11,6.0,b\n3,12,7.0,a\n4,13,8.0,b\n";
    let after = "id,user_id,amount,segment\n1,10,50.0,a\n2,11,60.0,b\n3,12,7.0,c\n5,13,9.0,b\n";
    for (i, (csv, name)) in [(before, "before.csv"), (after, "after.csv")].into_iter().enumerate() {
        engine.handle(
            Request::Load {
                request_id: i as u64 + 1,
                file_name: name.into(),
                options: IngestOptions::default(),
                replaces: None,
            },
            Some(file(csv.as_bytes(), name)),
        );
        wait_for(&got, |r| matches!(r, Response::Loaded { request_id, .. } if *request_id == i as u64 + 1)).await;
    }
    let step = Step::Compare(CompareStep {
        left: "before".into(),
        right: "after".into(),
        keys: vec!["id".into()],
        thresholds: Default::default(),
        max_listed: 100,
        write_diff: false,
        parts: Default::default(),
    });
    engine.handle(Request::Apply { request_id: 3, step }, None);
    let r = wait_for(&got, |r| matches!(r, Response::Applied { .. } | Response::Error { .. })).await;
    let Response::Applied { report: Some(report), outcome, datasets, .. } = r else { panic!("{r:?}") };
    assert_eq!(outcome.rows_out, 0);
    assert!(datasets.is_empty(), "compare makes no dataset");
    #[allow(unreachable_patterns)]
    let report = match *report {
        StepReport::Compare(r) => r,
        other => panic!("{other:?}"),
    };
    assert_eq!(report.schema.renames.len(), 1);
    assert_eq!(report.schema.renames[0].to, "user_id");
    assert_eq!(report.schema.compatibility, Compatibility::Breaking);
    assert_eq!((report.rows.changed, report.rows.added, report.rows.removed), (3, 1, 1));
    let seg = report.drift.iter().find(|d| d.left_column == "segment").unwrap();
    assert_eq!(seg.drift.new_categories, vec!["c".to_string()]);
    assert!(report.verdict.contains("breaking"), "{}", report.verdict);
}

/// Sample & split in the worker: a seeded sample gives the same rows as natively (the content
/// hash asserted in tests/sample.rs), with its representativeness report; a group split reports
/// no group in two splits.
#[wasm_bindgen_test]
async fn sample_and_split_in_the_worker_match_native_rows() {
    use strata::core::recipe::{Step, StepReport};
    use strata::core::sample::{SampleMethod, SampleSize, SampleStep, SplitMethod, SplitStep};
    let (engine, got) = engine();
    let csv = include_bytes!("../data/sample/customers_ordered.csv");
    engine.handle(
        Request::Load {
            request_id: 1,
            file_name: "orders.csv".into(),
            options: IngestOptions::default(),
            replaces: None,
        },
        Some(file(csv, "orders.csv")),
    );
    let Response::Loaded { summary, .. } = wait_for(&got, |r| matches!(r, Response::Loaded { .. })).await else {
        unreachable!()
    };
    let step = Step::Sample(SampleStep {
        input: summary.id.clone(),
        output: "s".into(),
        method: SampleMethod::Random { size: SampleSize::Fraction(0.1), replace: false },
        seed: 2024,
    });
    engine.handle(Request::Apply { request_id: 2, step }, None);
    let Response::Applied { outcome, report, .. } =
        wait_for(&got, |r| matches!(r, Response::Applied { .. } | Response::Error { .. })).await
    else {
        panic!("{:?}", got.borrow().last())
    };
    assert_eq!((outcome.rows_in, outcome.rows_out), (600, 60));
    let Some(StepReport::Sample(r)) = report.map(|r| *r) else { panic!("no sample report") };
    assert_eq!(r.seed, 2024);
    assert!(r.probability && r.representativeness.len() == 7);

    let step = Step::Split(SplitStep {
        input: summary.id.clone(),
        outputs: SplitStep::default_outputs(&summary.id, false),
        ratios: vec![0.8, 0.2],
        method: SplitMethod::Group { column: "customer_id".into() },
        seed: 5,
        label: Some("churn".into()),
        group_check: None,
    });
    got.borrow_mut().clear();
    engine.handle(Request::Apply { request_id: 3, step }, None);
    let Response::Applied { report, datasets, .. } =
        wait_for(&got, |r| matches!(r, Response::Applied { .. } | Response::Error { .. })).await
    else {
        panic!("{:?}", got.borrow().last())
    };
    let Some(StepReport::Split(r)) = report.map(|r| *r) else { panic!("no split report") };
    assert_eq!(r.groups.as_ref().map(|g| g.2), Some(0));
    assert!(r.leak_free());
    assert!(datasets.iter().any(|d| d.id == "orders.train"));

    engine.handle(Request::GetRecipe { request_id: 4 }, None);
    let Response::Recipe { json, .. } = wait_for(&got, |r| matches!(r, Response::Recipe { .. })).await else {
        unreachable!()
    };
    assert!(json.contains("e0ad324cf6ca7fb65c96b5bc3844b5a6a29107bcb24e23767191df701582af39"), "{json}");
    assert!(json.contains("\"seed\": 2024") && json.contains("\"kind\": \"group\""), "{json}");
}

#[wasm_bindgen_test]
async fn validate_step_splits_rows_and_reports_orphans() {
    use strata::core::recipe::{Step, StepReport};
    use strata::core::validate::{TableSchema, ValidateStep, Verdict};
    let (engine, got) = engine();
    let orders = "order_id,customer_id,amount\n1,1,10\n2,2,-3\n3,9,5\n4,1,7\n";
    let customers = "customer_id,name\n1,Ana\n2,Ben\n";
    for (i, (name, text)) in [("orders.csv", orders), ("customers.csv", customers)].into_iter().enumerate() {
        engine.handle(
            Request::Load {
                request_id: i as u64 + 1,
                file_name: name.into(),
                options: IngestOptions::default(),
                replaces: None,
            },
            Some(file(text.as_bytes(), name)),
        );
        let n = i + 1;
        wait_for(&got, move |r| matches!(r, Response::Loaded { request_id, .. } if *request_id == n as u64)).await;
    }
    let schema = TableSchema::from_json(
        r#"{"fields": [{"name": "order_id", "type": "integer"}, {"name": "customer_id", "type": "integer"},
            {"name": "amount", "type": "number", "constraints": {"minimum": 0}}],
            "foreignKeys": [{"fields": "customer_id", "reference": {"resource": "customers", "fields": "customer_id"}}]}"#,
    )
    .unwrap();
    let step = Step::Validate(Box::new(ValidateStep::new("orders", schema)));
    engine.handle(Request::Apply { request_id: 3, step }, None);
    let Response::Applied { outcome, report, datasets, .. } =
        wait_for(&got, |r| matches!(r, Response::Applied { .. } | Response::Error { .. })).await
    else {
        panic!("{:?}", got.borrow().last())
    };
    assert_eq!((outcome.rows_in, outcome.rows_out, outcome.rows_set_aside), (4, 2, 2));
    let names: Vec<_> = datasets.iter().map(|d| d.id.as_str()).collect();
    assert!(names.contains(&"orders.valid") && names.contains(&"orders.invalid"), "{names:?}");
    let Some(StepReport::Validation(r)) = report.map(|r| *r) else { panic!("a validation report") };
    assert_eq!(r.verdict, Verdict::Fail);
    let fk = r.rules.iter().find(|x| x.id.starts_with("foreignKey")).unwrap();
    assert_eq!((fk.examples[0].row, fk.examples[0].value.as_str()), (3, "customer_id=9"));
}

#[wasm_bindgen_test]
async fn clean_scale_fitted_on_train_is_applied_and_recorded() {
    use strata::core::recipe::{Step, StepReport};
    use strata::core::transform::{ScaleMethod, ScaleStep, Targets};
    let (engine, got) = engine();
    for (i, (name, body)) in
        [("train.csv", "x,y\n1,a\n2,b\n3,c\n4,d\n"), ("test.csv", "x,y\n10,a\n20,b\n")].into_iter().enumerate()
    {
        let request = Request::Load {
            request_id: i as u64 + 1,
            file_name: name.into(),
            options: IngestOptions::default(),
            replaces: None,
        };
        engine.handle(request, Some(file(body.as_bytes(), name)));
        let n = i + 1;
        for _ in 0..500 {
            if got.borrow().iter().filter(|r| matches!(r, Response::Loaded { .. })).count() == n {
                break;
            }
            yield_to_events().await;
        }
    }
    let step = Step::Scale(ScaleStep {
        targets: Targets { inputs: vec!["train".into(), "test".into()], fit_on: Some("train".into()), outputs: vec![] },
        columns: vec!["x".into()],
        method: ScaleMethod::ZScore,
        fitted: None,
    });
    engine.handle(Request::Apply { request_id: 9, step }, None);
    let Response::Applied { step, outcome, report, datasets, .. } =
        wait_for(&got, |r| matches!(r, Response::Applied { .. } | Response::Error { .. })).await
    else {
        panic!("apply failed: {:?}", got.borrow().last());
    };
    assert_eq!(outcome.outputs.iter().map(|o| o.name.as_str()).collect::<Vec<_>>(), ["train.scaled", "test.scaled"]);
    let Step::Scale(s) = *step else { panic!("{step:?}") };
    let f = &s.fitted.unwrap()[0];
    assert_eq!(f.center, 2.5);
    assert!((f.scale - 1.25f64.sqrt()).abs() < 1e-15);
    let Some(StepReport::Clean(r)) = report.map(|r| *r) else { panic!("no clean report") };
    assert_eq!(r.fitted_on.as_deref(), Some("train"));
    assert!(!r.leakage.is_empty(), "fitted on train vs all rows is compared");
    assert!(datasets.iter().any(|d| d.id == "test.scaled"));
}

/// Browser and native give the same bytes: the worker replays the lineage the native engine wrote
/// (tests/lineage.rs commits it) for a recipe with a quarantine split, a seeded split, a scaler
/// fitted on the training rows and a seeded sample, and every dataset and file it writes has the
/// SHA-256 the native run recorded.
#[wasm_bindgen_test]
async fn the_browser_replays_a_native_lineage_with_identical_hashes() {
    let (engine, got) = engine();
    let lineage: &[u8] = include_bytes!("../data/lineage/mixed.lineage.json");
    let input: &[u8] = include_bytes!("../data/clean/train.csv");
    engine.handle_with_files(
        Request::Replay { request_id: 1 },
        vec![file(lineage, "mixed.lineage.json"), file(input, "train.csv")],
    );
    let r = wait_for(&got, |r| matches!(r, Response::Replayed { .. } | Response::Error { .. })).await;
    let Response::Replayed { checks, .. } = r else { panic!("{r:?}") };
    let files: Vec<_> = checks.iter().filter(|c| c.kind == "file").collect();
    assert_eq!(files.len(), 5, "{checks:?}");
    assert!(files.iter().any(|c| c.name == "train.invalid.csv"), "{checks:?}");
    assert!(checks.iter().all(|c| c.recorded.is_some() && c.matches()), "{checks:?}");
}

#[path = "../example_hashes.rs"]
mod example_hashes;

/// An example is generated in the worker and loaded like a user's file: one `Loaded` per file,
/// with the same SHA-256 as the native generator (so lineage made in the browser replays natively).
#[wasm_bindgen_test]
async fn load_example_loads_each_file_with_the_pinned_bytes() {
    use strata::core::examples::Example;
    let (engine, got) = engine();
    engine.handle(Request::LoadExample { request_id: 5, example: Example::CustomersOrders }, None);
    wait_for(&got, |r| matches!(r, Response::Loaded { summary, .. } if summary.id == "orders")).await;
    let loaded: Vec<_> = got
        .borrow()
        .iter()
        .filter_map(|r| match r {
            Response::Loaded { request_id: 5, summary } => Some(summary.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        loaded.iter().map(|s| (s.id.as_str(), s.rows)).collect::<Vec<_>>(),
        [("customers", 800), ("orders", 4000)]
    );
    for s in &loaded {
        let source = s.source.as_ref().unwrap();
        let pinned = example_hashes::PINNED.iter().find(|(n, _)| *n == source.name).unwrap().1;
        assert_eq!(source.sha256, pinned, "{}", source.name);
    }
    // Every other example's bytes match the native pins too.
    for e in Example::ALL {
        for (name, bytes) in strata::core::examples::generate(e) {
            let (sha, _) = {
                let mut h = strata::core::ingest::SourceHasher::default();
                h.update(&bytes);
                h.finish()
            };
            assert_eq!(sha, example_hashes::PINNED.iter().find(|(n, _)| *n == name).unwrap().1, "{name}");
        }
    }
    // The recipe records two ordinary loads.
    engine.handle(Request::GetRecipe { request_id: 6 }, None);
    let Response::Recipe { json, .. } = wait_for(&got, |r| matches!(r, Response::Recipe { .. })).await else {
        unreachable!()
    };
    assert_eq!(json.matches("\"op\": \"load\"").count() + json.matches("\"op\":\"load\"").count(), 2, "{json}");
}

/// Waits up to a minute (debug wasm parses a few MB a second).
async fn wait_long(got: &Rc<RefCell<Vec<Response>>>, pred: impl Fn(&Response) -> bool) -> Response {
    for _ in 0..1200 {
        if let Some(r) = got.borrow().iter().find(|r| pred(r)) {
            return r.clone();
        }
        strata::worker::hash::sleep_ms(50).await;
    }
    panic!("no matching response; got {:?}", got.borrow().iter().rev().take(5).collect::<Vec<_>>());
}

fn native_sha(bytes: &[u8]) -> String {
    let mut h = strata::core::ingest::SourceHasher::default();
    h.update(bytes);
    h.finish().0
}

fn numbers_csv(min_bytes: usize) -> Vec<u8> {
    let mut out = b"id,double,label\n".to_vec();
    let mut i = 0u64;
    while out.len() < min_bytes {
        out.extend_from_slice(format!("{i},{},row{}\n", i * 2, i % 7).as_bytes());
        i += 1;
    }
    out
}

/// What the hash worker runs: the file in pieces through `FileReaderSync` gives the same SHA-256
/// as the native streaming hasher over the bytes at once, whatever the piece size.
#[wasm_bindgen_test]
fn hash_of_a_file_in_pieces_equals_the_native_hash() {
    assert_eq!(
        strata::worker::hash_file_sync(&file(b"abc", "abc.txt"), 8 << 20, &mut |_| {}).unwrap().0,
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    let bytes: Vec<u8> = (0..3_000_037u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let f = file(&bytes, "noise.bin");
    for chunk in [1_000_003u64, 1 << 20, 8 << 20] {
        let mut seen = Vec::new();
        let (sha, n) = strata::worker::hash_file_sync(&f, chunk, &mut |b| seen.push(b)).unwrap();
        assert_eq!((sha.as_str(), n), (native_sha(&bytes).as_str(), bytes.len() as u64), "pieces of {chunk}");
        assert_eq!(seen.last().copied(), Some(bytes.len() as u64));
        assert_eq!(seen.len() as u64, (bytes.len() as u64).div_ceil(chunk), "progress after each piece");
    }
    assert_eq!(strata::worker::hash_file_sync(&file(b"", "empty"), 8 << 20, &mut |_| {}).unwrap().0, native_sha(b""));
}

/// An engine whose hash worker cannot start still records the right hash (it hashes inline), a
/// load it runs can be cancelled, and the next load works.
#[wasm_bindgen_test]
async fn a_failed_hash_worker_falls_back_and_cancel_still_stops_a_load() {
    let got = Rc::new(RefCell::new(Vec::new()));
    let sink = Rc::clone(&got);
    let engine = Engine::with_hash_worker(Rc::new(move |r| sink.borrow_mut().push(r)), "./no-such-hash-worker.js");
    const { assert!(strata::worker::PARALLEL_HASH_MIN_BYTES <= 2 << 20) };

    let big = numbers_csv(10 << 20);
    let load = |id: u64, name: &str| Request::Load {
        request_id: id,
        file_name: name.into(),
        options: IngestOptions::default(),
        replaces: None,
    };
    engine.handle(load(1, "big.csv"), Some(file(&big, "big.csv")));
    wait_long(&got, |r| matches!(r, Response::Progress { request_id: 1, .. })).await;
    engine.handle(Request::Cancel { request_id: 1 }, None);
    wait_long(&got, |r| matches!(r, Response::Cancelled { request_id: 1 })).await;
    assert!(!got.borrow().iter().any(|r| matches!(r, Response::Loaded { request_id: 1, .. })));

    let small = numbers_csv(3 << 20);
    engine.handle(load(2, "small.csv"), Some(file(&small, "small.csv")));
    let Response::Loaded { summary, .. } =
        wait_long(&got, |r| matches!(r, Response::Loaded { request_id: 2, .. } | Response::Error { .. })).await
    else {
        panic!("{:?}", got.borrow().last())
    };
    let source = summary.source.as_ref().unwrap();
    assert_eq!(source.sha256, native_sha(&small));
    assert_eq!(source.bytes, small.len() as u64);
}

/// A load that takes the tab's wasm memory past the ceiling stops with "too large for this tab"
/// and its size, instead of letting the allocator abort the worker; the engine then loads the
/// next file as usual. (The ceiling is set just below the memory in use, so a 9 MB file takes
/// the path a 1.5 GB one takes at the real 3.4 GB ceiling.)
#[wasm_bindgen_test]
async fn a_load_past_the_memory_ceiling_stops_with_a_clear_message_and_the_worker_goes_on() {
    let (engine, got) = engine();
    let mut csv = String::from("id,amount,note\n");
    let mut i = 0u64;
    while csv.len() < 9 << 20 {
        csv.push_str(&format!("{i},{}.25,row number {i}\n", i % 997));
        i += 1;
    }
    set_memory_ceiling(memory_bytes().saturating_sub(1));
    let load = |id: u64, name: &str| Request::Load {
        request_id: id,
        file_name: name.into(),
        options: IngestOptions::default(),
        replaces: None,
    };
    engine.handle(load(1, "big.csv"), Some(file(csv.as_bytes(), "big.csv")));
    let r = wait_for(&got, |r| matches!(r, Response::Loaded { .. } | Response::Error { .. })).await;
    set_memory_ceiling(MEMORY_CEILING);
    let Response::Error { error, .. } = r else { panic!("expected the too-large stop, got {r:?}") };
    assert_eq!(error.kind, "too_large", "{error:?}");
    assert!(error.message.starts_with("too large for this tab"), "{}", error.message);
    assert!(error.message.contains("command line"), "{}", error.message);
    engine.handle(load(2, "small.csv"), Some(file(b"a,b\n1,2\n", "small.csv")));
    let r = wait_for(&got, |r| matches!(r, Response::Loaded { request_id: 2, .. })).await;
    let Response::Loaded { summary, .. } = r else { unreachable!() };
    assert_eq!(summary.rows, 1);
}

#[wasm_bindgen_test]
async fn code_warm_up_runs_only_before_the_first_request_and_leaves_no_dataset() {
    let (engine, got) = engine();
    assert!(engine.warm_up_code(), "a fresh engine warms its code up");
    assert!(got.borrow().is_empty(), "the warm-up posts nothing");
    engine.handle(Request::GetRecipe { request_id: 1 }, None);
    let Response::Recipe { json, .. } = wait_for(&got, |r| matches!(r, Response::Recipe { .. })).await else {
        unreachable!()
    };
    assert!(!json.contains("warm-up"), "the warm-up table is not in the session: {json}");
    assert!(!engine.warm_up_code(), "once a request came in, the warm-up does not run");
}
