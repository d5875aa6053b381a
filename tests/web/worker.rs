//! The worker's engine in a real dedicated worker in headless Chromium: a `File` goes in,
//! summaries, pages, Parquet metadata and errors come out.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use strata::core::ingest::IngestOptions;
use strata::protocol::{Request, Response};
use strata::worker::{yield_to_events, Engine};
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
