//! Validation against frictionless-py on committed fixtures (same failing rows per rule), the
//! quarantine split, Strata's cross-field and statistical extensions, the recipe step, and rule
//! suggestion passing on its own source data.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};

use arrow_array::cast::AsArray;
use arrow_array::types::UInt64Type;
use serde_json::{json, Value};
use strata::core::ingest::{load_bytes, IngestOptions};
use strata::core::profile::{profile, ProfileOptions};
use strata::core::recipe::{Session, Step, StepInput, StepReport};
use strata::core::validate::{suggest, validate, RuleGroup, Severity, TableSchema, ValidateStep, Verdict};
use strata::core::Dataset;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");

/// Frictionless' default: only the empty cell is missing.
fn frictionless_options() -> IngestOptions {
    IngestOptions { null_tokens: vec![String::new()], ..IngestOptions::default() }
}

fn load_with(path: &str, name: &str, options: &IngestOptions) -> Dataset {
    let bytes = std::fs::read(format!("{DIR}/{path}")).expect("fixture exists");
    Dataset::from_loaded(name, path, load_bytes(path, &bytes, options).expect("loads"))
}

fn fixtures() -> BTreeMap<String, Dataset> {
    let o = frictionless_options();
    let mut m = BTreeMap::new();
    m.insert("orders".to_string(), load_with("validate/orders.csv", "orders", &o));
    m.insert("customers".to_string(), load_with("validate/customers.csv", "customers", &o));
    m
}

fn schema() -> TableSchema {
    TableSchema::from_json(&std::fs::read_to_string(format!("{DIR}/validate/orders.schema.json")).unwrap()).unwrap()
}

#[test]
fn same_failing_rows_as_frictionless() {
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{DIR}/validate/expected_frictionless.json")).unwrap())
            .unwrap();
    let expected = expected["failing_rows"].as_object().unwrap();
    let data = fixtures();
    let v = validate(&data["orders"], &schema(), &data, ("v", "q"), 1000).unwrap();
    let report = &v.report;
    for (rule, rows) in expected {
        let r = report.rules.iter().find(|r| &r.id == rule).unwrap_or_else(|| panic!("no rule {rule}"));
        let ours: Vec<u64> = r.examples.iter().map(|e| e.row).collect();
        let theirs: Vec<u64> = rows.as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
        assert_eq!(ours, theirs, "rule {rule}");
        assert_eq!(r.failing, theirs.len() as u64, "rule {rule}");
        assert!(!r.passed);
    }
    // Every other rule passes, as frictionless found nothing else.
    for r in report.rules.iter().filter(|r| !expected.contains_key(&r.id)) {
        assert!(r.passed, "{} failed on rows {:?}", r.id, r.examples);
    }
    assert_eq!(report.verdict, Verdict::Fail);
    let groups: BTreeSet<RuleGroup> = report.rules.iter().filter(|r| !r.passed).map(|r| r.group).collect();
    assert_eq!(groups, BTreeSet::from([RuleGroup::Schema, RuleGroup::Content, RuleGroup::CrossDataset]));

    // Quarantine: every failing row, once, with its row number and the rules it broke.
    let failing: BTreeSet<u64> =
        expected.values().flat_map(|v| v.as_array().unwrap().iter().map(|r| r.as_u64().unwrap())).collect();
    assert_eq!(report.quarantined_rows, failing.len() as u64);
    assert_eq!(v.valid.num_rows() + v.quarantine.num_rows(), 25);
    let mut rows = BTreeSet::new();
    let mut why = BTreeMap::new();
    for b in &v.quarantine.batches {
        let r = b.column_by_name("_row").unwrap().as_primitive::<UInt64Type>();
        let w = b.column_by_name("_violations").unwrap().as_string::<i32>();
        for i in 0..b.num_rows() {
            rows.insert(r.value(i));
            why.insert(r.value(i), w.value(i).to_string());
        }
    }
    assert_eq!(rows, failing);
    assert_eq!(why[&3], "amount.minimum");
    assert_eq!(why[&9], "foreignKey:customer_id->customers.customer_id");
    let ex = &report.rules.iter().find(|r| r.id == "amount.type").unwrap().examples[0];
    assert_eq!((ex.row, ex.value.as_str()), (11, "abc"));
    let orphans: Vec<String> = report
        .rules
        .iter()
        .find(|r| r.group == RuleGroup::CrossDataset)
        .unwrap()
        .examples
        .iter()
        .map(|e| e.value.clone())
        .collect();
    assert_eq!(orphans, ["customer_id=999", "customer_id=888"]);

    let facet = report.assertions_facet();
    assert!(facet["_schemaURL"].as_str().unwrap().contains("DataQualityAssertionsDatasetFacet"));
    assert_eq!(facet["assertions"].as_array().unwrap().len(), report.rules.len());
    assert!(facet["assertions"]
        .as_array()
        .unwrap()
        .contains(&json!({"assertion": "amount.minimum", "success": false, "column": "amount"})));
}

fn extended_schema() -> TableSchema {
    let mut s: Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{DIR}/validate/orders.schema.json")).unwrap()).unwrap();
    s["strata"] = json!({
        "crossField": [
            {"name": "order_after_signup", "check": "order_date >= signup_date", "description": "no order before the account existed"},
            {"name": "amount_is_total", "check": "quantity * unit_price == amount", "tolerance": 0.01, "severity": "warning"}
        ],
        "statistics": [
            {"metric": "rowCount", "min": 100},
            {"metric": "nullFraction", "column": "email", "max": 0.01, "severity": "warning"},
            {"metric": "mean", "column": "quantity", "min": 1, "max": 10},
            {"metric": "quantile", "column": "unit_price", "q": 0.5, "min": 5, "max": 20},
            {"metric": "distinctCount", "column": "category", "max": 6},
            {"name": "amount_drift", "metric": "psi", "column": "amount", "reference": "reference", "max": 0.1},
            {"name": "category_drift", "metric": "psi", "column": "category", "reference": "reference", "max": 0.1}
        ]
    });
    serde_json::from_value(s).unwrap()
}

#[test]
fn cross_field_and_statistical_rules() {
    let mut data = fixtures();
    data.insert("reference".into(), data["orders"].clone());
    let v = validate(&data["orders"], &extended_schema(), &data, ("v", "q"), 10).unwrap();
    let r = |id: &str| v.report.rules.iter().find(|r| r.id == id).unwrap_or_else(|| panic!("{id}")).clone();
    let rows = |id: &str| r(id).examples.iter().map(|e| e.row).collect::<Vec<_>>();
    // Row 12's order date is not a date: the comparison does not apply there.
    assert_eq!(rows("order_after_signup"), [10, 24]);
    assert_eq!(r("order_after_signup").examples[0].value, "order_date=2021-02-01, signup_date=2021-02-15");
    assert_eq!(rows("amount_is_total"), [6, 18]);
    assert_eq!(r("amount_is_total").severity, Severity::Warning);
    assert!(!r("rowCount").passed && r("rowCount").observed == Some(25.0));
    assert!(!r("email.nullFraction").passed && r("email.nullFraction").observed == Some(0.04));
    // 2+1+1+3+2 + 0+3+1+2+2 + 1+2+4+3+1 + 3+1+150+1+2 + 2+1+5+1+1 = 195
    assert_eq!(r("quantity.mean").observed, Some(195.0 / 25.0));
    assert!(r("quantity.mean").passed);
    assert_eq!(r("unit_price.quantile").observed, Some(10.0));
    assert_eq!(r("category.distinctCount").observed, Some(7.0));
    assert!(r("amount_drift").passed && r("amount_drift").observed.unwrap().abs() < 1e-12);
    assert!(r("category_drift").passed);
    // Row 6 breaks only a warning besides quantity.minimum; row 24 only the cross-field error.
    let quarantined: BTreeMap<u64, String> = v
        .quarantine
        .batches
        .iter()
        .flat_map(|b| {
            let r = b.column_by_name("_row").unwrap().as_primitive::<UInt64Type>().clone();
            let w = b.column_by_name("_violations").unwrap().as_string::<i32>().clone();
            (0..b.num_rows()).map(move |i| (r.value(i), w.value(i).to_string()))
        })
        .collect();
    assert_eq!(quarantined[&6], "quantity.minimum; amount_is_total");
    assert_eq!(quarantined[&24], "order_after_signup");
    assert!(!quarantined.contains_key(&1));
    assert_eq!(v.report.verdict, Verdict::Fail);
}

#[test]
fn a_drifted_reference_fails_the_distance_rule() {
    let mut data = fixtures();
    let shifted = "amount\n".to_string() + &(0..25).map(|i| format!("{}\n", 500 + i)).collect::<String>();
    let d = Dataset::from_loaded(
        "reference",
        "r.csv",
        load_bytes("r.csv", shifted.as_bytes(), &frictionless_options()).unwrap(),
    );
    data.insert("reference".into(), d);
    let s = TableSchema { strata: serde_json::from_value(json!({"statistics": [{"metric": "psi", "column": "amount", "reference": "reference", "max": 0.25}, {"metric": "ks", "column": "amount", "reference": "reference", "max": 0.5}]})).unwrap(), ..TableSchema::default() };
    let v = validate(&data["orders"], &s, &data, ("v", "q"), 5).unwrap();
    assert!(v.report.rules.iter().all(|r| !r.passed), "{:?}", v.report.rules);
    assert_eq!(v.report.quarantined_rows, 0, "statistical rules set no row aside");
}

#[test]
fn validate_is_a_recipe_step_with_two_outputs() {
    let mut session = Session { datasets: fixtures(), ..Session::default() };
    let step = ValidateStep::new("orders", extended_schema());
    let mut data = session.datasets.clone();
    data.insert("reference".into(), data["orders"].clone());
    session.datasets = data;
    let applied = session.apply_reporting(Step::Validate(Box::new(step.clone())), StepInput::None).unwrap();
    assert_eq!(
        applied.outcome.outputs.iter().map(|o| (o.name.as_str(), o.rows)).collect::<Vec<_>>(),
        [("orders.valid", 5), ("orders.invalid", 20)]
    );
    assert_eq!(applied.outcome.rows_set_aside, 20);
    let Some(StepReport::Validation(report)) = applied.report else { panic!("a validation report") };
    assert_eq!(report.quarantined_rows, 20);
    assert!(Step::Validate(Box::new(step.clone())).inputs().contains(&"customers".to_string()));
    let json = session.recipe().to_json();
    assert!(json.contains("\"op\": \"validate\""));
    let back = strata::core::recipe::Recipe::from_json(&json).unwrap();
    assert_eq!(back.steps[0].step, Step::Validate(Box::new(step)));
    // The quarantine can be exported like any dataset.
    let csv = strata::core::export::write_dataset(
        session.dataset("orders.invalid").unwrap(),
        strata::core::export::FileFormat::Csv,
    )
    .unwrap();
    let text = String::from_utf8(csv).unwrap();
    assert!(text.lines().next().unwrap().ends_with(",_row,_violations"), "{text}");
    assert_eq!(text.lines().count(), 21);
}

#[test]
fn bad_rules_are_refused_with_their_place() {
    let data = fixtures();
    let bad = |s: Value| {
        validate(&data["orders"], &serde_json::from_value(s).unwrap(), &data, ("v", "q"), 5).err().unwrap().to_string()
    };
    assert!(bad(json!({"fields": [{"name": "amount", "type": "number", "constraints": {"minimum": "zero"}}]}))
        .contains("minimum"));
    assert!(bad(json!({"fields": [{"name": "email", "constraints": {"pattern": "(["}}]}))
        .contains("not a valid regular expression"));
    assert!(bad(json!({"foreignKeys": [{"fields": "customer_id", "reference": {"resource": "nope", "fields": "id"}}], "fields": [{"name": "customer_id"}]})).contains("not loaded"));
    assert!(bad(json!({"strata": {"crossField": [{"check": "nope > amount"}]}})).contains("no column \"nope\""));
}

fn suggestion_passes(d: &Dataset) {
    let p = profile(d, &ProfileOptions::default()).unwrap();
    let s = suggest(&p);
    let mut data = BTreeMap::new();
    data.insert(d.name.clone(), d.clone());
    let v = validate(d, &s, &data, ("v", "q"), 5).unwrap();
    let failed: Vec<_> = v.report.rules.iter().filter(|r| !r.passed).collect();
    assert!(failed.is_empty(), "{}: {failed:?}\n{}", d.name, s.to_json());
    assert_eq!(v.report.verdict, Verdict::Pass);
    assert_eq!(v.valid.num_rows(), d.num_rows());
    // The suggestion survives its own JSON.
    assert_eq!(TableSchema::from_json(&s.to_json()).unwrap(), s);
}

#[test]
fn suggested_rules_pass_on_their_own_source() {
    let o = IngestOptions::default();
    for f in [
        "validate/customers.csv",
        "demo_orders.csv",
        "people.csv",
        "profile/stats_mixed.csv",
        "profile/lesson_patients.csv",
        "orders.tsv",
    ] {
        suggestion_passes(&load_with(f, f, &o));
    }
    let mut csv = Vec::new();
    strata::core::synth::write_orders_csv(5000, 3, &mut csv).unwrap();
    let d = Dataset::from_loaded("synth", "synth.csv", load_bytes("synth.csv", &csv, &o).unwrap());
    let p = profile(&d, &ProfileOptions::default()).unwrap();
    let s = suggest(&p);
    assert_eq!(s.primary_key.as_ref().map(|k| k.names()), Some(vec!["order_id".to_string()]));
    let cat = s.field("category").unwrap();
    assert_eq!(cat.constraints.enum_values.as_ref().map(Vec::len), Some(6));
    assert_eq!(s.field("amount").unwrap().constraints.minimum, Some(json!(0.0)));
    suggestion_passes(&d);
    let customers = load_with("validate/customers.csv", "c", &o);
    let s = suggest(&profile(&customers, &ProfileOptions::default()).unwrap());
    assert_eq!(s.field("customer_id").unwrap().constraints.required, Some(true));
}

#[test]
fn a_schema_from_the_frictionless_tools_loads_and_exports_unchanged() {
    for f in ["described.schema.json", "orders.schema.json"] {
        let text = std::fs::read_to_string(format!("{DIR}/validate/{f}")).unwrap();
        let s = TableSchema::from_json(&text).unwrap();
        let a: Value = serde_json::from_str(&text).unwrap();
        let b: Value = serde_json::from_str(&s.to_json()).unwrap();
        assert_eq!(a, b, "{f}");
    }
    let s = TableSchema::from_json(&std::fs::read_to_string(format!("{DIR}/validate/described.schema.json")).unwrap())
        .unwrap();
    let data = fixtures();
    let v = validate(&data["orders"], &s, &data, ("v", "q"), 5).unwrap();
    assert_eq!(v.report.verdict, Verdict::Pass, "{:?}", v.report.rules);
}

#[test]
fn cross_field_dates_compare_even_when_the_column_loaded_as_text() {
    let data = fixtures();
    // order_date holds "not-a-date" on row 12, so it loaded as text; no field rule types it.
    let s: TableSchema =
        serde_json::from_value(json!({"strata": {"crossField": [{"check": "order_date >= signup_date"}]}})).unwrap();
    let v = validate(&data["orders"], &s, &data, ("v", "q"), 5).unwrap();
    let r = v.report.rules.iter().find(|r| r.id == "crossField1").unwrap();
    assert_eq!(r.examples.iter().map(|e| e.row).collect::<Vec<_>>(), [10, 24]);
}

#[test]
fn command_line_prints_the_report_writes_both_halves_and_fails_on_errors() {
    let dir = std::env::temp_dir().join(format!("strata-validate-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for f in ["orders.csv", "customers.csv", "orders.schema.json"] {
        std::fs::copy(format!("{DIR}/validate/{f}"), dir.join(f)).unwrap();
    }
    let run = |schema: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_strata"))
            .current_dir(&dir)
            .args(["validate", "--schema", schema, "orders.csv", "--reference", "customers=customers.csv"])
            .output()
            .unwrap()
    };
    let out = run("orders.schema.json");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("18 of 25 rows quarantined in orders.invalid.csv"));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["verdict"], "fail");
    assert_eq!(report["quarantined_rows"], 18);
    let facet = &report["openlineage"]["dataQualityAssertions"];
    assert!(facet["_producer"].as_str().unwrap().starts_with("https://"));
    assert!(facet["assertions"]
        .as_array()
        .unwrap()
        .contains(&json!({"assertion": "primaryKey", "success": false, "column": "order_id"})));
    let valid = std::fs::read_to_string(dir.join("orders.valid.csv")).unwrap();
    let invalid = std::fs::read_to_string(dir.join("orders.invalid.csv")).unwrap();
    assert_eq!(valid.lines().count() - 1, 7);
    assert_eq!(invalid.lines().count() - 1, 18);
    assert!(invalid.starts_with("order_id,customer_id,amount,"));

    // Only warnings: exit 0.
    std::fs::write(dir.join("lenient.json"), r#"{"fields": [{"name": "amount", "type": "number", "constraints": {"minimum": 0}, "strata": {"severity": {"minimum": "warning", "type": "warning"}}}]}"#).unwrap();
    let out = run("lenient.json");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["verdict"], "warn");
    std::fs::remove_dir_all(&dir).ok();
}

fn failing_rows(report: &strata::core::validate::ValidationReport, id: &str) -> Vec<u64> {
    let r = report.rules.iter().find(|r| r.id == id).unwrap_or_else(|| panic!("no rule {id}: {:?}", report.rules));
    assert_eq!(r.failing, r.examples.len() as u64, "{id}");
    r.examples.iter().map(|e| e.row).collect()
}

#[test]
fn formats_check_strings_and_read_dates_in_their_layout() {
    let o = frictionless_options();
    let mut data = BTreeMap::new();
    data.insert("formats".to_string(), load_with("validate/formats.csv", "formats", &o));
    let s = TableSchema::from_json(&std::fs::read_to_string(format!("{DIR}/validate/formats.schema.json")).unwrap())
        .unwrap();
    let v = validate(&data["formats"], &s, &data, ("v", "q"), 10).unwrap();
    let r = &v.report;
    // String formats: a failure of the rule `<field>.format`; empty cells are not checked.
    assert_eq!(failing_rows(r, "email.format"), [2]);
    assert_eq!(failing_rows(r, "site.format"), [2]);
    assert_eq!(failing_rows(r, "token.format"), [2]);
    let email = r.rules.iter().find(|r| r.id == "email.format").unwrap();
    assert_eq!(email.group, RuleGroup::Schema);
    assert_eq!(email.examples[0].value, "not-an-email");
    // `%d/%m/%Y`: 03/01/2021 is 3 January; an ISO date is a type error; the bound is read in
    // the same layout (31/12/2020 < 01/01/2021).
    assert_eq!(failing_rows(r, "born.type"), [3]);
    assert_eq!(failing_rows(r, "born.minimum"), [2]);
    // `any`: ISO, month-first and named-month layouts all read; 25:00 is not a time.
    assert_eq!(failing_rows(r, "seen.type"), Vec::<u64>::new());
    assert_eq!(failing_rows(r, "at.type"), [3]);
    assert_eq!(r.quarantined_rows, 2);
    // A cross-field check reads the custom layout too (born 03/01/2021 < seen 2021-01-03 10:00).
    let mut s2 = s.clone();
    s2.strata = Some(serde_json::from_value(json!({"crossField": [{"check": "born <= seen"}]})).unwrap());
    let v = validate(&data["formats"], &s2, &data, ("v", "q"), 10).unwrap();
    assert_eq!(failing_rows(&v.report, "crossField1"), Vec::<u64>::new());

    // Bad formats are refused with the field's name.
    for (field, want) in [
        (json!({"name": "born", "type": "date", "format": "dd/mm/yyyy"}), "field born: format \"dd/mm/yyyy\""),
        (json!({"name": "email", "type": "string", "format": "phone"}), "unknown string format \"phone\""),
    ] {
        let bad: TableSchema = serde_json::from_value(json!({"fields": [field]})).unwrap();
        let e = validate(&data["formats"], &bad, &data, ("v", "q"), 5).err().expect("refused").to_string();
        assert!(e.contains(want), "{e}");
    }
}

#[test]
fn key_and_missing_column_rules_take_a_severity_and_a_description() {
    let data = fixtures();
    let mut j: Value = serde_json::to_value(schema()).unwrap();
    j["strata"] = json!({"primaryKey": {"severity": "warning", "description": "order numbers repeat after a merge"}});
    j["foreignKeys"][0]["strata"] = json!({"severity": "warning", "description": "late customer sync"});
    j["fields"].as_array_mut().unwrap().push(json!({"name": "coupon", "type": "string",
        "strata": {"severity": {"present": "warning"}, "description": "added in v2"}}));
    let s: TableSchema = serde_json::from_value(j.clone()).unwrap();
    // The extensions round-trip.
    assert_eq!(serde_json::to_value(&s).unwrap(), j);
    let v = validate(&data["orders"], &s, &data, ("v", "q"), 1000).unwrap();
    let rule = |id: &str| v.report.rules.iter().find(|r| r.id.starts_with(id)).unwrap().clone();
    for (id, text) in [
        ("primaryKey", "order numbers repeat after a merge"),
        ("foreignKey:customer_id", "late customer sync"),
        ("coupon.present", "added in v2"),
    ] {
        let r = rule(id);
        assert!(!r.passed, "{id} fails on the fixture");
        assert_eq!(r.severity, Severity::Warning, "{id}");
        assert!(r.description.ends_with(&format!(" — {text}")), "{id}: {}", r.description);
    }
    // Warnings move no row: the quarantine is what it is without those three rules.
    let mut without = j.clone();
    without.as_object_mut().unwrap().remove("foreignKeys");
    without.as_object_mut().unwrap().remove("primaryKey");
    let s2: TableSchema = serde_json::from_value(without).unwrap();
    let v2 = validate(&data["orders"], &s2, &data, ("v", "q"), 1000).unwrap();
    assert_eq!(v.report.quarantined_rows, v2.report.quarantined_rows);
    // Unset, they stay errors.
    let v3 = validate(&data["orders"], &schema(), &data, ("v", "q"), 1000).unwrap();
    assert!(v3
        .report
        .rules
        .iter()
        .filter(|r| r.id == "primaryKey" || r.id.starts_with("foreignKey"))
        .all(|r| r.severity == Severity::Error));
}

#[test]
fn foreign_keys_match_across_text_and_integer_columns() {
    let mut data = fixtures();
    let o = frictionless_options();
    // customer_id is text here ("01", …, "guest"): 1 is "01", 999 and 888 are still orphans.
    let text = load_with("validate/customers_text.csv", "customers", &o);
    assert_eq!(text.schema.field_with_name("customer_id").unwrap().data_type(), &arrow_schema::DataType::Utf8);
    data.insert("customers".to_string(), text);
    let fk = |data: &BTreeMap<String, Dataset>, s: &TableSchema| {
        let v = validate(&data["orders"], s, data, ("v", "q"), 1000).unwrap();
        let r = v.report.rules.iter().find(|r| r.id.starts_with("foreignKey")).unwrap().clone();
        r.examples.iter().map(|e| (e.row, e.value.clone())).collect::<Vec<_>>()
    };
    let orphans = [(9, "customer_id=999".to_string()), (22, "customer_id=888".to_string())];
    // Integer (the schema types it) against text.
    assert_eq!(fk(&data, &schema()), orphans);
    // Text against integer: the original customers table.
    data.insert("customers".to_string(), fixtures().remove("customers").unwrap());
    let mut j: Value = serde_json::to_value(schema()).unwrap();
    j["fields"][1]["type"] = json!("string");
    assert_eq!(fk(&data, &serde_json::from_value(j).unwrap()), orphans);
}
