//! Cleaning steps against scikit-learn (tests/oracle/clean/expected.json, written by
//! tests/oracle/clean/make_expected.py from tests/data/clean/{train,test}.csv), fitted on train and
//! applied to train and test; plus replay of recorded parameters, the leakage comparison, and the
//! steps that have no oracle (outliers, standardize, dedup, cast, drop missing).
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int64Type};
use arrow_schema::DataType;
use serde_json::Value;
use strata::core::ingest::{load_bytes, IngestOptions};
use strata::core::recipe::{LoadStep, Recipe, Session, SourceRef, Step, StepInput, StepReport};
use strata::core::transform::*;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/clean");
const REL: f64 = 1e-12;

fn session() -> Session {
    fixture_session("", "orders")
}

/// The edge-case fixtures: a constant column, nulls in text columns.
fn edge_session() -> Session {
    fixture_session("edge_", "edge")
}

/// `<prefix>train.csv` and `<prefix>test.csv` as `<stem>.train` and `<stem>.test`.
fn fixture_session(prefix: &str, stem: &str) -> Session {
    let mut s = Session::default();
    for split in ["train", "test"] {
        let (file, name) = (format!("{prefix}{split}.csv"), format!("{stem}.{split}"));
        let (file, name) = (file.as_str(), name.as_str());
        let bytes = std::fs::read(format!("{DIR}/{file}")).unwrap();
        load(&mut s, file, name, &bytes);
    }
    s
}

/// Loads `bytes` (a CSV file called `file`) into the session as `name`.
fn load(s: &mut Session, file: &str, name: &str, bytes: &[u8]) {
    let loaded = load_bytes(file, bytes, &IngestOptions::default()).unwrap();
    let step = Step::Load(LoadStep {
        source: SourceRef { name: file.into(), bytes: loaded.source_bytes, sha256: loaded.source_sha256.clone() },
        output: name.into(),
        options: IngestOptions::default(),
    });
    s.apply(step, StepInput::Loaded(Box::new(loaded))).unwrap();
}

/// A session holding one small inline CSV as `name`.
fn inline(name: &str, csv: &str) -> Session {
    let mut s = Session::default();
    load(&mut s, &format!("{name}.csv"), name, csv.as_bytes());
    s
}

fn expected() -> Value {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/oracle/clean/expected.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn targets() -> Targets {
    targets_of("orders")
}

fn targets_of(stem: &str) -> Targets {
    Targets { inputs: vec![format!("{stem}.train"), format!("{stem}.test")], fit_on: None, outputs: Vec::new() }
}

fn column(s: &Session, dataset: &str, column: &str) -> Vec<Option<f64>> {
    let d = s.dataset(dataset).unwrap();
    let c = d.column_index(column).unwrap();
    let mut out = Vec::new();
    for b in &d.batches {
        let a = arrow_cast::cast(b.column(c), &DataType::Float64).unwrap();
        out.extend(a.as_primitive::<Float64Type>().iter());
    }
    out
}

fn close(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= REL * a.abs().max(b.abs())
}

/// Compares the named columns of the train and test outputs with the oracle's matrices.
fn check(s: &Session, case: &Value, names: &[String], suffix: &str) {
    check_in(s, "orders", case, names, suffix)
}

/// `check` on the datasets `<stem>.train` and `<stem>.test`.
fn check_in(s: &Session, stem: &str, case: &Value, names: &[String], suffix: &str) {
    for (key, split) in [("train", format!("{stem}.train")), ("test", format!("{stem}.test"))] {
        let split = split.as_str();
        let rows = case[key].as_array().unwrap();
        for (j, name) in names.iter().enumerate() {
            let got = column(s, &format!("{split}.{suffix}"), name);
            assert_eq!(got.len(), rows.len(), "{split} {name}");
            for (r, row) in rows.iter().enumerate() {
                let want = row[j].as_f64();
                match (got[r], want) {
                    (Some(g), Some(w)) => assert!(close(g, w), "{split} {name} row {r}: {g} vs sklearn {w}"),
                    (None, None) => {}
                    (g, w) => panic!("{split} {name} row {r}: {g:?} vs sklearn {w:?}"),
                }
            }
        }
    }
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|x| x.as_str().unwrap().to_string()).collect()
}

#[test]
fn scalers_equal_scikit_learn() {
    let exp = expected();
    for (case, method) in [
        ("standard", ScaleMethod::ZScore),
        ("minmax", ScaleMethod::MinMax { min: 0.0, max: 1.0 }),
        ("minmax_range", ScaleMethod::MinMax { min: -1.0, max: 1.0 }),
        ("robust", ScaleMethod::Robust),
        ("maxabs", ScaleMethod::MaxAbs),
    ] {
        let mut s = session();
        let cols = strings(&exp["cases"][case]["columns"]);
        let step = Step::Scale(ScaleStep { targets: targets(), columns: cols.clone(), method, fitted: None });
        s.apply(step, StepInput::None).unwrap();
        check(&s, &exp["cases"][case], &cols, "scaled");
    }
}

#[test]
fn imputers_equal_scikit_learn() {
    let exp = expected();
    for (case, strategy) in [
        ("impute_mean", ImputeStrategy::Mean),
        ("impute_median", ImputeStrategy::Median),
        ("impute_most_frequent", ImputeStrategy::MostFrequent),
    ] {
        let mut s = session();
        let cols = strings(&exp["cases"][case]["columns"]);
        let step = Step::Impute(ImputeStep {
            targets: targets(),
            columns: cols.clone(),
            strategy,
            indicator: false,
            fitted: None,
        });
        let applied = s.apply_reporting(step, StepInput::None).unwrap();
        let Step::Impute(rec) = applied.step else { panic!() };
        let stats: Vec<f64> =
            exp["cases"][case]["statistics"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
        for (f, want) in rec.fitted.unwrap().iter().zip(stats) {
            let FillValue::Number(v) = f.value else { panic!() };
            assert!(close(v, want), "{case} {}: {v} vs {want}", f.column);
        }
        check(&s, &exp["cases"][case], &cols, "imputed");
    }
}

#[test]
fn one_hot_equals_scikit_learn() {
    let exp = expected();
    let case = &exp["cases"]["onehot"];
    let mut s = session();
    let step = Step::Encode(EncodeStep {
        targets: targets(),
        columns: strings(&case["columns"]),
        method: EncodeMethod::OneHot { max_categories: None },
        fitted: None,
    });
    let applied = s.apply_reporting(step, StepInput::None).unwrap();
    let Step::Encode(rec) = applied.step else { panic!() };
    let cats: Vec<Vec<String>> = case["categories"].as_array().unwrap().iter().map(strings).collect();
    assert_eq!(rec.fitted.unwrap().into_iter().map(|f| f.categories).collect::<Vec<_>>(), cats);
    check(&s, case, &strings(&case["feature_names"]), "encoded");
    // The test set's unseen segment "d" is all zeros and counted.
    let Some(StepReport::Clean(r)) = applied.report else { panic!() };
    let seg = r.changes.iter().find(|c| c.dataset == "orders.test.encoded" && c.column == "segment").unwrap();
    assert!(seg.counts.iter().any(|c| c.label == "values not seen when fitting" && c.n == 1), "{seg:?}");
}

/// Edge cases against scikit-learn (`"fixture": "edge"` in expected.json): a constant column,
/// whose zero scale scikit-learn replaces by 1 (StandardScaler gives zeros on train, x − 5 on
/// test); SimpleImputer's constant strategy on numbers and on text; most_frequent on text with a
/// tie (red and blue both 3 times: the smaller, blue, wins).
#[test]
fn edge_cases_equal_scikit_learn() {
    let exp = expected();
    for (case, method) in [
        ("edge_standard", ScaleMethod::ZScore),
        ("edge_minmax", ScaleMethod::MinMax { min: 0.0, max: 1.0 }),
        ("edge_robust", ScaleMethod::Robust),
        ("edge_maxabs", ScaleMethod::MaxAbs),
    ] {
        let mut s = edge_session();
        let c = &exp["cases"][case];
        assert_eq!(c["fixture"], "edge");
        let cols = strings(&c["columns"]);
        let step = Step::Scale(ScaleStep { targets: targets_of("edge"), columns: cols.clone(), method, fitted: None });
        s.apply(step, StepInput::None).unwrap();
        check_in(&s, "edge", c, &cols, "scaled");
    }
    assert_eq!(exp["cases"]["edge_standard"]["test"][1][0], 2.0, "the constant 5 scaled by 1: 7 → 2");

    for (case, strategy) in [
        ("edge_impute_constant", ImputeStrategy::Constant { value: "0".into() }),
        ("edge_impute_text_constant", ImputeStrategy::Constant { value: "missing".into() }),
        ("edge_impute_text_most_frequent", ImputeStrategy::MostFrequent),
    ] {
        let mut s = edge_session();
        let c = &exp["cases"][case];
        let cols = strings(&c["columns"]);
        let step = Step::Impute(ImputeStep {
            targets: targets_of("edge"),
            columns: cols.clone(),
            strategy,
            indicator: false,
            fitted: None,
        });
        let applied = s.apply_reporting(step, StepInput::None).unwrap();
        let Step::Impute(rec) = applied.step else { panic!() };
        for (f, want) in rec.fitted.unwrap().iter().zip(c["statistics"].as_array().unwrap()) {
            match &f.value {
                FillValue::Number(v) => assert!(close(*v, want.as_f64().unwrap()), "{case} {}", f.column),
                FillValue::Text(t) => assert_eq!(t, want.as_str().unwrap(), "{case} {}", f.column),
            }
        }
        if case == "edge_impute_constant" {
            check_in(&s, "edge", c, &cols, "imputed");
            continue;
        }
        for key in ["train", "test"] {
            let rows = c[key].as_array().unwrap();
            for (j, name) in cols.iter().enumerate() {
                let want: Vec<Option<String>> = rows.iter().map(|r| r[j].as_str().map(str::to_string)).collect();
                assert_eq!(texts(&s, &format!("edge.{key}.imputed"), name), want, "{case} {key} {name}");
            }
        }
    }
}

#[test]
fn recorded_parameters_replay_and_leakage_is_compared() {
    let mut s = session();
    let step = Step::Scale(ScaleStep {
        targets: targets(),
        columns: vec!["income".into()],
        method: ScaleMethod::ZScore,
        fitted: None,
    });
    let applied = s.apply_reporting(step, StepInput::None).unwrap();
    let Some(StepReport::Clean(report)) = &applied.report else { panic!() };
    assert_eq!(report.fitted_on.as_deref(), Some("orders.train"));
    let mean = report.leakage.iter().find(|l| l.parameter == "mean").unwrap();
    assert!(mean.fitted_on_all != mean.fitted_on_train);
    let test_mean = report.leakage_means.iter().find(|m| m.dataset == "orders.test").unwrap();
    assert!((test_mean.mean_fitted_on_train - test_mean.mean_fitted_on_all).abs() > 1e-3);
    let train_mean = report.leakage_means.iter().find(|m| m.dataset == "orders.train").unwrap();
    assert!(train_mean.mean_fitted_on_train.abs() < 1e-12, "train is centred by its own mean");
    let before = column(&s, "orders.test.scaled", "income");

    // The recipe carries the fitted parameters; re-applying the recorded step fitted on test
    // uses them as they are.
    let json = s.recipe().to_json();
    assert!(json.contains("\"fitted\""), "{json}");
    let recipe = Recipe::from_json(&json).unwrap();
    let Step::Scale(mut rec) = recipe.steps[2].step.clone() else { panic!() };
    rec.targets.fit_on = Some("orders.test".into());
    let again = s.apply_reporting(Step::Scale(rec), StepInput::None).unwrap();
    let Some(StepReport::Clean(r2)) = again.report else { panic!() };
    assert!(r2.replayed && r2.leakage.is_empty());
    assert_eq!(column(&s, "orders.test.scaled", "income"), before);
}

#[test]
fn outliers_capped_flagged_and_removed() {
    let mut s = session();
    let step = |action| {
        Step::Outliers(OutliersStep {
            targets: targets(),
            columns: vec!["income".into()],
            rule: OutlierRule::Iqr { k: 1.5 },
            action,
            fitted: None,
        })
    };
    let a = s.apply_reporting(step(OutlierAction::Cap), StepInput::None).unwrap();
    let Step::Outliers(rec) = &a.step else { panic!() };
    let b = &rec.fitted.as_ref().unwrap()[0];
    let capped = column(&s, "orders.train.capped", "income");
    assert_eq!(capped[5], Some(b.upper), "the 950000 order is capped at the upper fence");
    assert!(capped.iter().flatten().all(|&v| v >= b.lower && v <= b.upper));
    let test = column(&s, "orders.test.capped", "income");
    assert_eq!(test[4], Some(b.upper), "test capped with train's fences");

    let outside =
        |d: &str| column(&s, d, "income").iter().flatten().filter(|&&v| v < b.lower || v > b.upper).count() as u64;
    let (n_train, n_test) = (outside("orders.train"), outside("orders.test"));
    assert!(n_train >= 1 && n_test >= 1);
    let r = s.apply_reporting(step(OutlierAction::Remove), StepInput::None).unwrap();
    assert_eq!(r.outcome.rows_set_aside, n_train);
    assert_eq!(s.dataset("orders.train.trimmed").unwrap().num_rows(), 31 - n_train);
    assert_eq!(s.dataset("orders.train.trimmed.removed").unwrap().num_rows(), n_train);
    assert_eq!(s.dataset("orders.test.trimmed.removed").unwrap().num_rows(), n_test);

    s.apply(step(OutlierAction::Flag), StepInput::None).unwrap();
    let flags = column(&s, "orders.train.flagged", "income_outlier");
    assert_eq!(flags.iter().filter(|f| **f == Some(1.0)).count() as u64, n_train);
}

#[test]
fn standardize_maps_and_dedup_sets_rows_aside() {
    let mut s = session();
    let mut mapping = BTreeMap::new();
    mapping.insert("NYC".to_string(), "New York City".to_string());
    let std = Step::Standardize(StandardizeStep {
        input: "orders.train".into(),
        output: "orders.std".into(),
        rules: vec![StandardizeRule {
            column: "city".into(),
            trim: true,
            mapping,
            case: Some(Case::Title),
            ..Default::default()
        }],
    });
    let a = s.apply_reporting(std, StepInput::None).unwrap();
    let Some(StepReport::Clean(r)) = a.report else { panic!() };
    let after = r.changes[0].after.as_ref().unwrap();
    assert_eq!(after.labels.len(), 3, "{after:?}");
    assert!(after.labels.contains(&"New York City".to_string()));

    let dedup =
        Step::Dedup(DedupStep { input: "orders.train".into(), output: "orders.dedup".into(), mode: DedupMode::Exact });
    let d = s.apply_reporting(dedup, StepInput::None).unwrap();
    assert_eq!((d.outcome.rows_in, d.outcome.rows_out, d.outcome.rows_set_aside), (31, 30, 1));
    assert_eq!(s.dataset("orders.dedup.removed").unwrap().num_rows(), 1);

    let by_key = Step::Dedup(DedupStep {
        input: "orders.std".into(),
        output: "orders.one_per_city".into(),
        mode: DedupMode::Fuzzy { columns: vec!["city".into()], keep: Keep::MostComplete },
    });
    let d = s.apply_reporting(by_key, StepInput::None).unwrap();
    assert_eq!(d.outcome.rows_out, 3);
}

#[test]
fn cast_counts_failures_and_needs_consent() {
    let mut s = session();
    let cast = |allow_nulls| {
        Step::Cast(CastStep {
            input: "orders.train".into(),
            output: "orders.cast".into(),
            columns: vec![CastColumn { column: "city".into(), to: CastType::Integer }],
            allow_nulls,
        })
    };
    let e = s.apply(cast(false), StepInput::None).unwrap_err().to_string();
    assert!(e.contains("31 values of \"city\" cannot be read as integer"), "{e}");
    assert!(e.contains("(row 1)"), "{e}");
    s.apply(cast(true), StepInput::None).unwrap();
    assert!(column(&s, "orders.cast", "city").iter().all(Option::is_none));
}

#[test]
fn float_to_integer_counts_fractions_as_failures() {
    let mut s = inline("m", "id,x\n1,1.0\n2,2.5\n3,-3.0\n4,\n5,-4.75\n6,1e3\n");
    assert_eq!(s.dataset("m").unwrap().schema.field(1).data_type(), &DataType::Float64);
    let cast = |allow_nulls| {
        Step::Cast(CastStep {
            input: "m".into(),
            output: "m.cast".into(),
            columns: vec![CastColumn { column: "x".into(), to: CastType::Integer }],
            allow_nulls,
        })
    };
    let e = s.apply(cast(false), StepInput::None).unwrap_err().to_string();
    assert!(e.contains("2 values of \"x\" cannot be read as integer"), "{e}");
    assert!(e.contains("\"2.5\" (row 2)") && e.contains("\"-4.75\" (row 5)"), "{e}");
    let a = s.apply_reporting(cast(true), StepInput::None).unwrap();
    let d = s.dataset("m.cast").unwrap();
    assert_eq!(d.schema.field(1).data_type(), &DataType::Int64);
    let x: Vec<Option<i64>> = d.batches.iter().flat_map(|b| b.column(1).as_primitive::<Int64Type>().iter()).collect();
    assert_eq!(x, vec![Some(1), None, Some(-3), None, None, Some(1000)], "no value truncated");
    let Some(StepReport::Clean(r)) = a.report else { panic!() };
    assert_eq!(r.changes[0].counts[0].n, 2);
    // Whole floats cast without consent.
    let mut whole = inline("w", "x\n1.0\n-2.0\n\n");
    let step = Step::Cast(CastStep {
        input: "w".into(),
        output: "w.cast".into(),
        columns: vec![CastColumn { column: "x".into(), to: CastType::Integer }],
        allow_nulls: false,
    });
    whole.apply(step, StepInput::None).unwrap();
}

#[test]
fn missing_values_dropped_or_filled_in_order() {
    let mut s = session();
    let drop = Step::DropMissing(DropMissingStep {
        input: "orders.train".into(),
        output: "orders.complete".into(),
        columns: vec!["age".into(), "income".into()],
        how: How::Any,
        max_null_fraction: None,
    });
    s.apply(drop, StepInput::None).unwrap();
    let age = column(&s, "orders.complete", "age");
    assert!(age.iter().all(Option::is_some));
    let train_age = column(&s, "orders.train", "age");
    let ffill = Step::Impute(ImputeStep {
        targets: Targets { inputs: vec!["orders.train".into()], fit_on: None, outputs: vec!["orders.ff".into()] },
        columns: vec!["age".into()],
        strategy: ImputeStrategy::ForwardFill,
        indicator: true,
        fitted: None,
    });
    s.apply(ffill, StepInput::None).unwrap();
    let filled = column(&s, "orders.ff", "age");
    for r in 1..filled.len() {
        if train_age[r].is_none() {
            assert_eq!(filled[r], filled[r - 1]);
        }
    }
    let flags = column(&s, "orders.ff", "age_missing");
    assert_eq!(flags.iter().filter(|f| **f == Some(1.0)).count(), train_age.iter().filter(|a| a.is_none()).count());
}

#[test]
fn one_hot_with_a_category_limit_and_frequency_encoding() {
    let mut s = session();
    let step = Step::Encode(EncodeStep {
        targets: targets(),
        columns: vec!["city".into()],
        method: EncodeMethod::OneHot { max_categories: Some(2) },
        fitted: None,
    });
    s.apply(step, StepInput::None).unwrap();
    let d = s.dataset("orders.test.encoded").unwrap();
    let names: Vec<&str> = d.schema.fields().iter().map(|f| f.name().as_str()).collect();
    assert_eq!(&names[3..6], ["city_Boston", "city_New York City", "city_other"]);
    let freq = Step::Encode(EncodeStep {
        targets: targets(),
        columns: vec!["segment".into()],
        method: EncodeMethod::Frequency,
        fitted: None,
    });
    s.apply(freq, StepInput::None).unwrap();
    let f = column(&s, "orders.test.encoded", "segment");
    assert_eq!(f[2], Some(0.0), "unseen segment d");
    let total: f64 = column(&s, "orders.train.encoded", "segment").iter().flatten().sum();
    assert!(total > 0.0);
}

#[test]
fn every_step_kind_round_trips_through_json() {
    let mut s = session();
    let steps = vec![
        Step::Impute(ImputeStep {
            targets: targets(),
            columns: vec!["age".into(), "city".into()],
            strategy: ImputeStrategy::Constant { value: "0".into() },
            indicator: true,
            fitted: None,
        }),
        Step::Outliers(OutliersStep {
            targets: targets(),
            columns: vec!["score".into()],
            rule: OutlierRule::Percentiles { lower: 5.0, upper: 95.0 },
            action: OutlierAction::Remove,
            fitted: None,
        }),
        Step::Scale(ScaleStep {
            targets: targets(),
            columns: vec!["score".into()],
            method: ScaleMethod::MinMax { min: -1.0, max: 1.0 },
            fitted: None,
        }),
        Step::Encode(EncodeStep {
            targets: targets(),
            columns: vec!["segment".into()],
            method: EncodeMethod::Ordinal {
                order: [("segment".to_string(), vec!["c".to_string(), "b".into(), "a".into()])].into_iter().collect(),
            },
            fitted: None,
        }),
        Step::Cast(CastStep {
            input: "orders.train".into(),
            output: "orders.c".into(),
            columns: vec![CastColumn { column: "age".into(), to: CastType::Text }],
            allow_nulls: false,
        }),
        Step::Dedup(DedupStep {
            input: "orders.train".into(),
            output: "orders.d".into(),
            mode: DedupMode::Key { columns: vec!["city".into()], keep: Keep::Last },
        }),
    ];
    for step in steps {
        let a = s.apply_reporting(step, StepInput::None).unwrap();
        let json = serde_json::to_string(&a.step).unwrap();
        let back: Step = serde_json::from_str(&json).unwrap();
        assert_eq!(back, a.step, "{json}");
        let report = serde_json::to_string(&a.report).unwrap();
        let back: Option<StepReport> = serde_json::from_str(&report).unwrap();
        assert_eq!(back, a.report);
    }
    let json = s.recipe().to_json();
    assert_eq!(Recipe::from_json(&json).unwrap().steps.len(), 8);
    let codes = column(&s, "orders.test.encoded", "segment");
    assert_eq!(codes[2], None, "d is not in the order");
}

/// A column of `dataset` as text (nulls as `None`).
fn texts(s: &Session, dataset: &str, column: &str) -> Vec<Option<String>> {
    let d = s.dataset(dataset).unwrap();
    let c = d.column_index(column).unwrap();
    let mut out = Vec::new();
    for b in &d.batches {
        let a = arrow_cast::cast(b.column(c), &DataType::Utf8).unwrap();
        out.extend(a.as_string::<i32>().iter().map(|v| v.map(str::to_string)));
    }
    out
}

fn names_of(s: &Session, dataset: &str) -> Vec<String> {
    s.dataset(dataset).unwrap().schema.fields().iter().map(|f| f.name().clone()).collect()
}

fn one(dataset: &str, output: &str) -> Targets {
    Targets { inputs: vec![dataset.into()], fit_on: None, outputs: vec![output.into()] }
}

#[test]
fn columns_above_a_null_fraction_dropped_then_rows_with_all_missing() {
    // Null fractions: a 2/4, b 3/4, c 1/4.
    let mut s = inline("m", "a,b,c\n1,,7\n,,\n3,,9\n,5,8\n");
    let drop = |how, columns: Vec<String>, output: &str| {
        Step::DropMissing(DropMissingStep {
            input: "m".into(),
            output: output.into(),
            columns,
            how,
            max_null_fraction: Some(0.5),
        })
    };
    let a = s.apply_reporting(drop(How::All, Vec::new(), "m.all"), StepInput::None).unwrap();
    assert_eq!(names_of(&s, "m.all"), ["a", "c"], "b is above 0.5; a at 0.5 stays");
    assert_eq!(column(&s, "m.all", "a"), [Some(1.0), Some(3.0), None]);
    assert_eq!(column(&s, "m.all", "c"), [Some(7.0), Some(9.0), Some(8.0)], "only the row missing a and c goes");
    let Some(StepReport::Clean(r)) = a.report else { panic!() };
    assert_eq!(r.changes[0].counts.iter().map(|c| c.n).collect::<Vec<_>>(), [1, 1]);
    assert!(r.summary.contains("columns dropped: b"), "{}", r.summary);

    s.apply(drop(How::Any, Vec::new(), "m.any"), StepInput::None).unwrap();
    assert_eq!(column(&s, "m.any", "c"), [Some(7.0), Some(9.0)]);
    let e = s.apply(drop(How::All, vec!["b".into()], "m.b"), StepInput::None).unwrap_err().to_string();
    assert!(e.contains("\"b\" is both checked for nulls and dropped"), "{e}");
}

#[test]
fn backward_fill_takes_the_next_value() {
    let mut s = inline("m", "i,x\n1,\n2,2\n3,\n4,\n5,5\n6,\n");
    let step = Step::Impute(ImputeStep {
        targets: one("m", "m.bf"),
        columns: vec!["x".into()],
        strategy: ImputeStrategy::BackwardFill,
        indicator: false,
        fitted: None,
    });
    s.apply(step, StepInput::None).unwrap();
    assert_eq!(column(&s, "m.bf", "x"), [Some(2.0), Some(2.0), Some(5.0), Some(5.0), Some(5.0), None]);
}

#[test]
fn percentile_winsorizing_and_the_z_score_rule() {
    // 0, 10, ..., 100: numpy's linear 10th and 90th percentiles are 10 and 90.
    let csv: String =
        std::iter::once("x".to_string()).chain((0..=10).map(|i| (i * 10).to_string())).collect::<Vec<_>>().join("\n");
    let mut s = inline("m", &csv);
    let step = |rule, action, output: &str| {
        Step::Outliers(OutliersStep {
            targets: one("m", output),
            columns: vec!["x".into()],
            rule,
            action,
            fitted: None,
        })
    };
    let a = s
        .apply_reporting(
            step(OutlierRule::Percentiles { lower: 10.0, upper: 90.0 }, OutlierAction::Cap, "m.p"),
            StepInput::None,
        )
        .unwrap();
    let Step::Outliers(rec) = a.step else { panic!() };
    let b = &rec.fitted.unwrap()[0];
    assert_eq!((b.lower, b.upper), (10.0, 90.0));
    let want: Vec<Option<f64>> = [10, 10, 20, 30, 40, 50, 60, 70, 80, 90, 90].iter().map(|&v| Some(v as f64)).collect();
    assert_eq!(column(&s, "m.p", "x"), want);

    // 0, 0, 0, 0, 10: mean 2, population std 4, so |z| > 1.5 means outside [-4, 8].
    let mut s = inline("z", "x\n0\n0\n0\n0\n10\n");
    let z = |action, output: &str| {
        Step::Outliers(OutliersStep {
            targets: one("z", output),
            columns: vec!["x".into()],
            rule: OutlierRule::ZScore { z: 1.5 },
            action,
            fitted: None,
        })
    };
    let a = s.apply_reporting(z(OutlierAction::Flag, "z.f"), StepInput::None).unwrap();
    let Step::Outliers(rec) = a.step else { panic!() };
    let b = &rec.fitted.unwrap()[0];
    assert_eq!((b.lower, b.upper), (-4.0, 8.0));
    assert_eq!(column(&s, "z.f", "x_outlier"), [Some(0.0), Some(0.0), Some(0.0), Some(0.0), Some(1.0)]);
    s.apply(z(OutlierAction::Cap, "z.c"), StepInput::None).unwrap();
    assert_eq!(column(&s, "z.c", "x"), [Some(0.0), Some(0.0), Some(0.0), Some(0.0), Some(8.0)]);
}

#[test]
fn log1p_of_values_and_of_values_below_minus_one() {
    let mut s = inline("m", "i,x\n1,0\n2,9\n3,99\n4,-2\n5,\n");
    let step = Step::Scale(ScaleStep {
        targets: one("m", "m.log"),
        columns: vec!["x".into()],
        method: ScaleMethod::Log1p,
        fitted: None,
    });
    s.apply(step, StepInput::None).unwrap();
    let got = column(&s, "m.log", "x");
    assert_eq!(got[0], Some(0.0));
    assert!(close(got[1].unwrap(), 10f64.ln()) && close(got[2].unwrap(), 100f64.ln()), "{got:?}");
    assert_eq!(&got[3..], [None, None], "log1p(-2) is not a number: null, as is the null");
}

#[test]
fn ordinal_codes_and_frequencies_are_exact() {
    let mut s = inline("m", "i,s\n1,low\n2,high\n3,mid\n4,low\n5,xl\n");
    load(&mut s, "n.csv", "n", b"i,s\n1,mid\n2,zz\n");
    let order: BTreeMap<String, Vec<String>> =
        [("s".to_string(), vec!["low".to_string(), "mid".into(), "high".into()])].into_iter().collect();
    let two = Targets { inputs: vec!["m".into(), "n".into()], fit_on: Some("m".into()), outputs: Vec::new() };
    let a = s
        .apply_reporting(
            Step::Encode(EncodeStep {
                targets: two.clone(),
                columns: vec!["s".into()],
                method: EncodeMethod::Ordinal { order },
                fitted: None,
            }),
            StepInput::None,
        )
        .unwrap();
    assert_eq!(column(&s, "m.encoded", "s"), [Some(0.0), Some(2.0), Some(1.0), Some(0.0), None]);
    assert_eq!(column(&s, "n.encoded", "s"), [Some(1.0), None]);
    let Some(StepReport::Clean(r)) = a.report else { panic!() };
    let unseen = |d: &str| {
        r.changes
            .iter()
            .find(|c| c.dataset == d)
            .unwrap()
            .counts
            .iter()
            .find(|c| c.label == "values not seen when fitting")
            .unwrap()
            .n
    };
    assert_eq!((unseen("m.encoded"), unseen("n.encoded")), (1, 1));

    let a = s
        .apply_reporting(
            Step::Encode(EncodeStep {
                targets: two,
                columns: vec!["s".into()],
                method: EncodeMethod::Frequency,
                fitted: None,
            }),
            StepInput::None,
        )
        .unwrap();
    let Step::Encode(rec) = a.step else { panic!() };
    let f = &rec.fitted.unwrap()[0];
    assert_eq!(f.categories, ["high", "low", "mid", "xl"]);
    assert_eq!(f.frequencies, [0.2, 0.4, 0.2, 0.2]);
    assert_eq!(column(&s, "m.encoded", "s"), [Some(0.4), Some(0.2), Some(0.2), Some(0.4), Some(0.2)]);
    assert_eq!(column(&s, "n.encoded", "s"), [Some(0.2), Some(0.0)], "zz was not seen when fitting");
}

#[test]
fn key_dedup_keeps_the_first_the_last_or_the_most_complete_row() {
    let csv = "k,v,w\n1,10,\n2,20,7\n1,30,8\n2,40,\n1,50,\n";
    for (keep, kept, removed) in [
        (Keep::First, [10.0, 20.0], [30.0, 40.0, 50.0]),
        (Keep::Last, [40.0, 50.0], [10.0, 20.0, 30.0]),
        (Keep::MostComplete, [20.0, 30.0], [10.0, 40.0, 50.0]),
    ] {
        let mut s = inline("m", csv);
        let step = Step::Dedup(DedupStep {
            input: "m".into(),
            output: "m.d".into(),
            mode: DedupMode::Key { columns: vec!["k".into()], keep },
        });
        let a = s.apply_reporting(step, StepInput::None).unwrap();
        assert_eq!(a.outcome.rows_set_aside, 3, "{keep:?}");
        assert_eq!(column(&s, "m.d", "v"), kept.map(Some), "{keep:?} keeps, in input order");
        assert_eq!(column(&s, "m.d.removed", "v"), removed.map(Some), "{keep:?} sets aside");
    }
}

#[test]
fn standardize_rewrites_dates_and_strips_thousands_through_the_step() {
    let csv =
        "d,n\n03/04/2024,\"1,234\"\n2024-01-05,\"12,345.5\"\n5 Jan 2024,999\nMarch 1 2024x,\"1,23\"\n,\"-1,000,000\"\n";
    for (order, first) in [(DateOrder::DayFirst, "2024-04-03"), (DateOrder::MonthFirst, "2024-03-04")] {
        let mut s = inline("m", csv);
        let rule = |column: &str| StandardizeRule {
            column: column.into(),
            strip_thousands: column == "n",
            dates: (column == "d").then_some(order),
            ..Default::default()
        };
        let step = Step::Standardize(StandardizeStep {
            input: "m".into(),
            output: "m.std".into(),
            rules: vec![rule("d"), rule("n")],
        });
        let a = s.apply_reporting(step, StepInput::None).unwrap();
        let d: Vec<Option<String>> = texts(&s, "m.std", "d");
        assert_eq!(
            d,
            [Some(first), Some("2024-01-05"), Some("2024-01-05"), Some("March 1 2024x"), None]
                .map(|v| v.map(String::from)),
            "{order:?}"
        );
        let n = texts(&s, "m.std", "n");
        assert_eq!(
            n,
            [Some("1234"), Some("12345.5"), Some("999"), Some("1,23"), Some("-1000000")].map(|v| v.map(String::from))
        );
        let Some(StepReport::Clean(r)) = a.report else { panic!() };
        let count = |col: &str, label: &str| {
            r.changes.iter().find(|c| c.column == col).unwrap().counts.iter().find(|c| c.label == label).unwrap().n
        };
        assert_eq!(count("d", "dates rewritten as ISO 8601"), 2);
        assert_eq!(count("d", "not recognised as dates (left as they were)"), 1);
        assert_eq!(count("n", "thousands separators stripped"), 3);
    }
}

#[test]
fn encode_compares_the_fit_on_train_with_all_rows() {
    // One-hot: the test set's segment "d" would get a column if fitted on all rows.
    let mut s = session();
    let onehot = Step::Encode(EncodeStep {
        targets: targets(),
        columns: vec!["segment".into()],
        method: EncodeMethod::OneHot { max_categories: None },
        fitted: None,
    });
    let a = s.apply_reporting(onehot, StepInput::None).unwrap();
    let Some(StepReport::Clean(r)) = a.report else { panic!() };
    let rows: Vec<(&str, f64, f64)> =
        r.leakage.iter().map(|l| (l.parameter.as_str(), l.fitted_on_train, l.fitted_on_all)).collect();
    assert_eq!(
        rows,
        [
            ("categories", 3.0, 4.0),
            ("categories with a column only in the all-rows fit", 0.0, 1.0),
            ("column for \"d\"", 0.0, 1.0)
        ]
    );
    assert!(r.leakage.iter().all(|l| l.column == "segment"));

    // Frequency: train m (low 2, high, mid, xl of 5) against all rows (m and n: 7 rows).
    let mut s = inline("m", "i,s\n1,low\n2,high\n3,mid\n4,low\n5,xl\n");
    load(&mut s, "n.csv", "n", b"i,s\n1,mid\n2,zz\n");
    let targets = Targets { inputs: vec!["m".into(), "n".into()], fit_on: Some("m".into()), outputs: Vec::new() };
    let freq = Step::Encode(EncodeStep {
        targets: targets.clone(),
        columns: vec!["s".into()],
        method: EncodeMethod::Frequency,
        fitted: None,
    });
    let a = s.apply_reporting(freq, StepInput::None).unwrap();
    let Some(StepReport::Clean(r)) = a.report else { panic!() };
    let sevenths = |k: f64| k / 7.0;
    let want = [
        ("categories", 4.0, 5.0),
        ("frequency of \"zz\"", 0.0, sevenths(1.0)),
        ("frequency of \"low\"", 0.4, sevenths(2.0)),
        ("frequency of \"mid\"", 0.2, sevenths(2.0)),
        ("frequency of \"high\"", 0.2, sevenths(1.0)),
        ("frequency of \"xl\"", 0.2, sevenths(1.0)),
    ];
    assert_eq!(r.leakage.len(), want.len(), "{:?}", r.leakage);
    for (l, (p, t, all)) in r.leakage.iter().zip(want) {
        assert_eq!(l.parameter, p);
        assert!(close(l.fitted_on_train, t) && close(l.fitted_on_all, all), "{l:?}");
    }
    let mean = |d: &str| r.leakage_means.iter().find(|m| m.dataset == d).unwrap();
    assert!(close(mean("m").mean_fitted_on_train, 0.28) && close(mean("m").mean_fitted_on_all, 8.0 / 35.0));
    assert!(close(mean("n").mean_fitted_on_train, 0.1) && close(mean("n").mean_fitted_on_all, 3.0 / 14.0));

    // An explicit ordinal order is not fitted: nothing to compare.
    let order = [("s".to_string(), vec!["low".to_string(), "mid".into(), "high".into()])].into_iter().collect();
    let ord = Step::Encode(EncodeStep {
        targets,
        columns: vec!["s".into()],
        method: EncodeMethod::Ordinal { order },
        fitted: None,
    });
    let a = s.apply_reporting(ord, StepInput::None).unwrap();
    let Some(StepReport::Clean(r)) = a.report else { panic!() };
    assert!(r.leakage.is_empty() && r.leakage_means.is_empty());
}
