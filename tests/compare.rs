//! Compare: drift statistics against scipy (tests/oracle/compare/make_expected.py wrote the
//! expected values in tests/data/compare/stats_expected.json), and the Compare step end to end.

use std::collections::BTreeMap;

use serde_json::Value;
use strata::core::stats::{self, special};

fn expected() -> Value {
    serde_json::from_str(include_str!("data/compare/stats_expected.json")).unwrap()
}

/// The LCG sample generator of make_expected.py, bit for bit.
fn sample(spec: &Value) -> Vec<f64> {
    let mut state = spec["seed"].as_u64().unwrap();
    let n = spec["n"].as_u64().unwrap();
    let kind = spec["kind"].as_str().unwrap();
    let scale = spec["scale"].as_f64().unwrap();
    let shift = spec["shift"].as_f64().unwrap();
    let mut next = || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..n)
        .map(|_| match kind {
            "uniform" => (next() * scale * 1024.0).floor() / 1024.0 + shift,
            "irwin" => {
                let mut s = 0.0;
                for _ in 0..4 {
                    s += (next() * scale * 1024.0).floor() / 1024.0;
                }
                s + shift
            }
            "int" => (next() * scale).floor() + shift,
            other => panic!("unknown kind {other}"),
        })
        .collect()
}

/// |got − want| ≤ tol·max(1, |want|): absolute near 0, relative for large values.
fn close(got: f64, want: f64, tol: f64) -> bool {
    (got - want).abs() <= tol * want.abs().max(1.0)
}

/// Relative agreement for p-values (they can be tiny), absolute below 1e-300.
fn close_rel(got: f64, want: f64, tol: f64) -> bool {
    (got - want).abs() <= tol * want.abs() || (got - want).abs() < 1e-300
}

#[test]
fn numeric_drift_matches_scipy() {
    let exp = expected();
    for case in exp["numeric"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let a = sample(&case["a"]);
        let b = sample(&case["b"]);
        let ks = stats::ks_2samp(&a, &b);
        let want_d = case["ks_statistic"].as_f64().unwrap();
        let want_p = case["ks_p_value"].as_f64().unwrap();
        assert!(close(ks.statistic, want_d, 1e-12), "{name}: KS D {} vs scipy {want_d}", ks.statistic);
        assert!(close_rel(ks.p_value, want_p, 1e-9), "{name}: KS p {} vs scipy {want_p}", ks.p_value);
        let w = stats::wasserstein(&a, &b);
        let want_w = case["wasserstein"].as_f64().unwrap();
        assert!(close(w, want_w, 1e-10), "{name}: Wasserstein {w} vs scipy {want_w}");
        let psi = stats::psi_numeric(&a, &b, 10);
        let cuts: Vec<f64> = case["psi_cuts"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
        // serde_json's default float parsing can be 1 ulp off, so cuts agree to 1e-14.
        assert_eq!(psi.cuts.len(), cuts.len(), "{name}: PSI cuts {:?} vs {cuts:?}", psi.cuts);
        for (got, want) in psi.cuts.iter().zip(&cuts) {
            assert!(close(*got, *want, 1e-14), "{name}: PSI cut {got} vs numpy {want}");
        }
        let e: Vec<u64> = case["psi_expected"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
        let act: Vec<u64> = case["psi_actual"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
        assert_eq!(psi.expected, e, "{name}: PSI expected counts");
        assert_eq!(psi.actual, act, "{name}: PSI actual counts");
        let want_psi = case["psi"].as_f64().unwrap();
        assert!(close(psi.value, want_psi, 1e-12), "{name}: PSI {} vs {want_psi}", psi.value);
        let ef: Vec<f64> = e.iter().map(|&v| v as f64).collect();
        let af: Vec<f64> = act.iter().map(|&v| v as f64).collect();
        let js = stats::jensen_shannon(&ef, &af);
        let want_js = case["js_bins_base2"].as_f64().unwrap();
        assert!(close(js, want_js, 1e-12), "{name}: JS {js} vs scipy {want_js}");
    }
}

#[test]
fn kolmogorov_distribution_matches_scipy_kstwo() {
    let exp = expected();
    let mut worst: f64 = 0.0;
    for case in exp["kolmogorov"].as_array().unwrap() {
        let n = case["n"].as_u64().unwrap();
        let x = case["x"].as_f64().unwrap();
        let want = case["sf"].as_f64().unwrap();
        let got = special::kolmogorov_sf(n, x);
        let err = (got - want).abs() / want.abs().max(1e-300);
        if want > 1e-290 {
            worst = worst.max(err.min((got - want).abs() / 1e-12));
        }
        assert!(close_rel(got, want, 1e-9) || (got - want).abs() < 1e-15, "kstwo.sf({x}, {n}): {got} vs scipy {want}");
    }
    eprintln!("worst relative error of kstwo.sf: {worst:e}");
}

#[test]
fn smirnov_matches_scipy() {
    let exp = expected();
    for case in exp["smirnov"].as_array().unwrap() {
        let n = case["n"].as_u64().unwrap();
        let x = case["x"].as_f64().unwrap();
        let want = case["sf"].as_f64().unwrap();
        let got = special::smirnov_sf(n, x);
        assert!(close_rel(got, want, 1e-9) || (got - want).abs() < 1e-15, "smirnov({n}, {x}): {got} vs scipy {want}");
    }
}

#[test]
fn chi2_survival_matches_scipy() {
    let exp = expected();
    for case in exp["chi2_sf"].as_array().unwrap() {
        let dof = case["dof"].as_f64().unwrap();
        let x = case["x"].as_f64().unwrap();
        let want = case["sf"].as_f64().unwrap();
        let got = special::chi2_sf(x, dof);
        assert!(
            close_rel(got, want, 1e-10) || (got - want).abs() < 1e-15,
            "chi2.sf({x}, {dof}): {got} vs scipy {want}"
        );
    }
}

fn counts(v: &Value) -> BTreeMap<String, u64> {
    v.as_object().unwrap().iter().map(|(k, v)| (k.clone(), v.as_u64().unwrap())).collect()
}

#[test]
fn categorical_drift_matches_scipy() {
    let exp = expected();
    for case in exp["categorical"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let r = counts(&case["reference"]);
        let c = counts(&case["current"]);
        let chi2 = stats::chi2_contingency(&r, &c);
        assert_eq!(chi2.dof, case["chi2_dof"].as_u64().unwrap(), "{name}: dof");
        let want = case["chi2_statistic"].as_f64().unwrap();
        assert!(close(chi2.statistic, want, 1e-12), "{name}: χ² {} vs scipy {want}", chi2.statistic);
        let want_p = case["chi2_p_value"].as_f64().unwrap();
        assert!(close_rel(chi2.p_value, want_p, 1e-10), "{name}: χ² p {} vs scipy {want_p}", chi2.p_value);
        let l = stats::linf(&r, &c);
        assert!(close(l, case["linf"].as_f64().unwrap(), 1e-15), "{name}: L∞ {l}");
        let psi = stats::psi_categorical(&r, &c);
        assert!(close(psi, case["psi"].as_f64().unwrap(), 1e-12), "{name}: PSI {psi}");
        let keys: Vec<&String> = {
            let mut k: Vec<&String> = r.keys().chain(c.keys()).collect();
            k.sort();
            k.dedup();
            k
        };
        let p: Vec<f64> = keys.iter().map(|k| r.get(*k).copied().unwrap_or(0) as f64).collect();
        let q: Vec<f64> = keys.iter().map(|k| c.get(*k).copied().unwrap_or(0) as f64).collect();
        let js = stats::jensen_shannon(&p, &q);
        assert!(close(js, case["js_base2"].as_f64().unwrap(), 1e-12), "{name}: JS {js}");
    }
}

#[test]
fn jensen_shannon_is_the_base_2_distance() {
    let exp = expected();
    for case in exp["jensenshannon"].as_array().unwrap() {
        let p: Vec<f64> = case["p"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
        let q: Vec<f64> = case["q"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
        let got = stats::jensen_shannon(&p, &q);
        let want = case["distance_base2"].as_f64().unwrap();
        assert!(close(got, want, 1e-14), "JS({p:?}, {q:?}) = {got}, scipy {want}");
    }
}

// ---------------------------------------------------------------------------------------------
// The Compare step on the orders table and its modified copy (tests/oracle/compare/make_fixture.py).
// ---------------------------------------------------------------------------------------------

use strata::core::compare::{CompareStep, Compatibility};
use strata::core::ingest::{load_bytes, IngestOptions};
use strata::core::recipe::{LoadStep, Session, SourceRef, Step, StepInput, StepReport};
use strata::core::stats::{DriftSeverity, DriftThresholds};

fn load(session: &mut Session, path: &str, name: &str) {
    let bytes = std::fs::read(path).unwrap();
    let loaded = load_bytes(path, &bytes, &IngestOptions::default()).unwrap();
    let step = Step::Load(LoadStep {
        source: SourceRef { name: path.into(), bytes: loaded.source_bytes, sha256: loaded.source_sha256.clone() },
        output: name.into(),
        options: IngestOptions::default(),
    });
    session.apply(step, StepInput::Loaded(Box::new(loaded))).unwrap();
}

fn compare_orders(keys: &[&str]) -> strata::core::compare::CompareReport {
    let mut session = Session::default();
    load(&mut session, "tests/data/compare/orders.csv", "orders");
    load(&mut session, "tests/data/compare/orders_v2.csv", "orders_v2");
    let step = Step::Compare(CompareStep {
        left: "orders".into(),
        right: "orders_v2".into(),
        keys: keys.iter().map(|k| k.to_string()).collect(),
        thresholds: DriftThresholds::default(),
        max_listed: 100,
        write_diff: !keys.is_empty(),
        parts: Default::default(),
    });
    let applied = session.apply_reporting(step, StepInput::None).unwrap();
    assert_eq!(session.recipe.steps.len(), 3);
    if keys.is_empty() {
        assert_eq!(applied.outcome.rows_out, 0, "report only");
        assert!(applied.outcome.outputs.is_empty());
    } else {
        // The row diff as datasets: added and changed rows of the right, removed rows of the left.
        let rows: Vec<(&str, u64)> = applied.outcome.outputs.iter().map(|o| (o.name.as_str(), o.rows)).collect();
        assert_eq!(rows, [("orders_v2.added", 5), ("orders_v2.removed", 10), ("orders_v2.changed", 1990)]);
        let changed = session.dataset("orders_v2.changed").unwrap();
        let csv = String::from_utf8(
            strata::core::export::write_dataset(changed, strata::core::export::FileFormat::Csv).unwrap(),
        )
        .unwrap();
        let row5 = csv.lines().find(|l| l.starts_with("5,")).unwrap();
        assert!(row5.ends_with("\"amount,country\""), "{row5}");
        assert!(csv.lines().next().unwrap().ends_with(",changed_columns"));
        let removed = session.dataset("orders_v2.removed").unwrap();
        assert_eq!(removed.schema.field(1).name(), "customer_id", "removed rows keep the left's columns");
    }
    match applied.report {
        Some(StepReport::Compare(r)) => *r,
        other => panic!("expected a compare report, got {other:?}"),
    }
}

#[test]
fn compare_reports_every_change_of_the_modified_copy() {
    let r = compare_orders(&["order_id"]);
    assert_eq!((r.left_rows, r.right_rows), (2000, 1995));

    // Schema: the rename with evidence, the type change, breaking overall.
    let s = &r.schema;
    assert_eq!(s.renames.len(), 1, "{:?}", s.renames);
    assert_eq!((s.renames[0].from.as_str(), s.renames[0].to.as_str()), ("customer_id", "user_id"));
    assert!(s.renames[0].distribution_distance.unwrap() < 0.01, "{:?}", s.renames[0]);
    assert!(s.renames[0].evidence.contains("values match"), "{}", s.renames[0].evidence);
    assert!(s.added.is_empty() && s.removed.is_empty());
    let q = s.type_changes.iter().find(|t| t.column == "quantity").expect("quantity type change");
    // int64 → float64 is not a widening: integers beyond 2^53 would be rounded.
    assert_eq!((q.from.as_str(), q.to.as_str(), q.widening), ("Int64", "Float64", false));
    assert!(q.note.contains("2^53"), "{}", q.note);
    assert_eq!(s.compatibility, Compatibility::Breaking);

    // Drift: amounts shifted, a new category, quantity unchanged in distribution.
    let drift =
        |c: &str| &r.drift.iter().find(|d| d.left_column == c).unwrap_or_else(|| panic!("no drift for {c}")).drift;
    assert_eq!(drift("amount").severity, DriftSeverity::Drift, "{}", drift("amount").reason);
    let cat = drift("category");
    assert_eq!(cat.new_categories, vec!["electronics".to_string()]);
    assert!(cat.severity >= DriftSeverity::Warning);
    assert_eq!(drift("quantity").severity, DriftSeverity::None, "{}", drift("quantity").reason);
    assert_eq!(drift("customer_id").severity, DriftSeverity::None);
    assert_eq!(r.drift.iter().find(|d| d.left_column == "customer_id").unwrap().right_column, "user_id");

    // Rows: 10 removed, 5 added; amounts changed nearly everywhere; the edited countries listed.
    let d = &r.rows;
    assert_eq!((d.removed, d.added), (10, 5));
    assert_eq!(d.matched, 1990);
    let per = |c: &str| d.changes_per_column.iter().find(|x| x.column == c).map(|x| x.changed);
    assert_eq!(per("country"), Some(3));
    assert_eq!(per("quantity"), Some(0), "2 and 2.0 are the same number");
    // Every 10th order became "electronics"; order 20 was removed: 199 matched rows changed.
    assert_eq!(per("category"), Some(199));
    assert!(per("amount").unwrap() > 1900);
    let row5 = d.changed_rows.iter().find(|c| c.key == vec![Some("5".to_string())]).expect("row 5 listed");
    let country = row5.changes.iter().find(|c| c.column == "country").unwrap();
    assert_eq!(country.new.as_deref(), Some("Portugal"));
    assert_ne!(country.old.as_deref(), Some("Portugal"));
    assert_eq!(
        d.removed_rows.iter().map(|r| r.values[0].clone().unwrap()).collect::<Vec<_>>(),
        (11..=20).map(|i| i.to_string()).collect::<Vec<_>>()
    );
    assert_eq!(d.added_rows[0].values[0].as_deref(), Some("100001"));

    // Summary and verdict.
    let amount = r.columns.iter().find(|c| c.column == "amount").unwrap();
    let ratio = amount.right_mean.unwrap() / amount.left_mean.unwrap();
    assert!((ratio - 1.4).abs() < 0.01, "mean ratio {ratio}");
    for needle in [
        "breaking",
        "\"customer_id\" looks renamed to \"user_id\"",
        "\"quantity\" changed type",
        "\"amount\"",
        "new \"electronics\"",
        "10 removed",
        "5 added",
    ] {
        assert!(r.verdict.contains(needle), "verdict lacks {needle:?}: {}", r.verdict);
    }
}

#[test]
fn compare_without_keys_diffs_rows_as_a_multiset() {
    let r = compare_orders(&[]);
    let d = &r.rows;
    assert!(d.keys.is_empty());
    // Every row's amount changed, so no row is identical over the shared columns.
    assert_eq!(d.matched, 0);
    assert_eq!((d.removed, d.added), (2000, 1995));
}

#[test]
fn comparing_a_dataset_with_itself_finds_nothing() {
    let mut session = Session::default();
    load(&mut session, "tests/data/compare/orders.csv", "orders");
    let left = session.dataset("orders").unwrap();
    let r =
        strata::core::compare::compare(left, left, &["order_id".to_string()], &DriftThresholds::default(), 10).unwrap();
    assert_eq!(r.schema.compatibility, Compatibility::Identical);
    assert!(r.drift.iter().all(|d| d.drift.severity == DriftSeverity::None));
    assert_eq!((r.rows.changed, r.rows.added, r.rows.removed, r.rows.unchanged), (0, 0, 0, 2000));
    assert!(r.verdict.contains("None of the 12 compared columns drifted"), "{}", r.verdict);
}

#[test]
fn compare_names_a_missing_key_column() {
    let mut session = Session::default();
    load(&mut session, "tests/data/compare/orders.csv", "orders");
    load(&mut session, "tests/data/compare/orders_v2.csv", "orders_v2");
    let step = Step::Compare(CompareStep {
        left: "orders".into(),
        right: "orders_v2".into(),
        keys: vec!["customer_id".into()],
        thresholds: DriftThresholds::default(),
        max_listed: 100,
        write_diff: false,
        parts: Default::default(),
    });
    let e = session.apply(step, StepInput::None).unwrap_err().to_string();
    assert!(e.contains("orders_v2 has no column \"customer_id\""), "{e}");
}

// ---------------------------------------------------------------------------------------------
// Review gaps (issue 8): renames in the row diff, no shared columns, hash-only key matching,
// rename detection beyond 64 pairs, id-like categories, thresholds, schema paths.
// ---------------------------------------------------------------------------------------------

use strata::core::compare::rows::{match_by_hash, Side};
use strata::core::Dataset;

/// A dataset from CSV text.
fn csv(name: &str, text: &str) -> Dataset {
    let file = format!("{name}.csv");
    let loaded = load_bytes(&file, text.as_bytes(), &IngestOptions::default()).unwrap();
    Dataset::from_loaded(name, &file, loaded)
}

fn table(header: &str, rows: impl Iterator<Item = String>) -> String {
    let mut s = format!("{header}\n");
    for r in rows {
        s.push_str(&r);
        s.push('\n');
    }
    s
}

fn compare_default(l: &Dataset, r: &Dataset, keys: &[&str]) -> strata::core::compare::CompareReport {
    let keys: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
    strata::core::compare::compare(l, r, &keys, &DriftThresholds::default(), 100).unwrap()
}

#[test]
fn renamed_columns_are_diffed_under_their_new_name() {
    let left = csv("v1", &table("id,customer_id,amount", (0..300).map(|i| format!("{i},{},{}.5", i % 37, i % 11))));
    // customer_id became user_id, and rows 5 and 9 got another customer.
    let right = csv(
        "v2",
        &table(
            "id,user_id,amount",
            (0..300).map(|i| format!("{i},{},{}.5", if i == 5 || i == 9 { 36 - i % 37 } else { i % 37 }, i % 11)),
        ),
    );
    let r = compare_default(&left, &right, &["id"]);
    assert_eq!(r.schema.renames.len(), 1, "{:?}", r.schema);
    let d = &r.rows;
    assert!(d.compared_columns.contains(&"user_id".to_string()), "{:?}", d.compared_columns);
    assert_eq!(d.renamed_columns, vec![("customer_id".to_string(), "user_id".to_string())]);
    let per = d.changes_per_column.iter().find(|c| c.column == "user_id").expect("user_id counted");
    assert_eq!((per.changed, per.renamed_from.as_deref()), (2, Some("customer_id")));
    assert_eq!(d.changed, 2);
    let row5 = d.changed_rows.iter().find(|c| c.key == vec![Some("5".to_string())]).unwrap();
    let f = &row5.changes[0];
    assert_eq!((f.column.as_str(), f.renamed_from.as_deref()), ("user_id", Some("customer_id")));
    assert_eq!((f.old.as_deref(), f.new.as_deref()), (Some("5"), Some("31")));
    assert!(r.verdict.contains("2 in \"user_id\" (was \"customer_id\")"), "{}", r.verdict);

    // Without keys the renamed column is part of the whole-row comparison too.
    let m = compare_default(&left, &right, &[]);
    assert!(m.rows.compared_columns.contains(&"user_id".to_string()));
    assert_eq!((m.rows.matched, m.rows.removed, m.rows.added), (298, 2, 2));
}

#[test]
fn multiset_diff_without_shared_columns_says_so() {
    let left = csv("a", &table("x,y", (0..50).map(|i| format!("{i},{}", i * 2))));
    let right = csv("b", &table("p,q", (0..40).map(|i| format!("t{i},u{i}"))));
    let r = compare_default(&left, &right, &[]);
    let d = &r.rows;
    assert_eq!((d.matched, d.added, d.removed), (0, 0, 0), "nothing can be counted as in both");
    let note = d.note.as_deref().expect("a note");
    assert!(note.contains("share no column"), "{note}");
    assert!(r.verdict.contains("share no column"), "{}", r.verdict);
    assert!(!r.verdict.contains("in both"), "{}", r.verdict);
}

#[test]
fn equal_key_hashes_are_confirmed_by_the_key_values() {
    // Forged collision: keys "a" and "b" share hash 7 on both sides.
    let left_keys = ["a", "b", "c"];
    let right_keys = ["b", "c", "d"];
    let sl = vec![(7u64, 0u32), (7, 1), (9, 2)];
    let sr = vec![(7u64, 0u32), (9, 1), (11, 2)];
    let key = |(s, r): (Side, u32)| if s == Side::Left { left_keys[r as usize] } else { right_keys[r as usize] };
    let m = match_by_hash(&sl, &sr, |a, b| key(a) == key(b));
    let mut pairs = m.pairs.clone();
    pairs.sort();
    assert_eq!(pairs, vec![(1, 0), (2, 1)], "b↔b and c↔c only");
    assert_eq!(m.removed, vec![0], "a is not on the right");
    assert_eq!(m.added, vec![2], "d is not on the left");
    assert_eq!(m.collisions, 2);
    // A single pair with equal hashes but different keys is not merged either.
    let m = match_by_hash(&[(5, 0)], &[(5, 0)], |_, _| false);
    assert!(m.pairs.is_empty());
    assert_eq!((m.removed.len(), m.added.len(), m.collisions), (1, 1, 2));
    // Duplicate keys pair up in order of appearance and are counted.
    let m = match_by_hash(&[(1, 0), (1, 1)], &[(1, 0)], |_, _| true);
    assert_eq!((m.pairs.clone(), m.removed.clone(), m.duplicates_left, m.collisions), (vec![(0, 0)], vec![1], 1, 0));
}

#[test]
fn rename_detection_beyond_64_pairs_scores_the_most_alike_and_says_so() {
    // 10 removed × 10 added = 100 pairs: customer_id → customer_ident hides among them.
    let lh: Vec<String> = (0..9).map(|k| format!("note_{k}")).collect();
    let rh: Vec<String> = (0..9).map(|k| format!("score_{k}")).collect();
    let left = csv(
        "wide1",
        &table(
            &format!("id,customer_id,{}", lh.join(",")),
            (0..200).map(|i| {
                format!("{i},{},{}", i % 23, (0..9).map(|k| format!("n{}", (i + k) % 5)).collect::<Vec<_>>().join(","))
            }),
        ),
    );
    let right = csv(
        "wide2",
        &table(
            &format!("id,customer_ident,{}", rh.join(",")),
            (0..200).map(|i| {
                format!("{i},{},{}", i % 23, (0..9).map(|k| format!("{}", i * k)).collect::<Vec<_>>().join(","))
            }),
        ),
    );
    let r = compare_default(&left, &right, &["id"]);
    let s = &r.schema;
    let note = s.rename_note.as_deref().expect("the report says renames were not all scored");
    assert!(note.contains("100 possible renames") && note.contains("most alike pairs"), "{note}");
    assert_eq!(s.renames.len(), 1, "{:?}", s.renames);
    assert_eq!((s.renames[0].from.as_str(), s.renames[0].to.as_str()), ("customer_id", "customer_ident"));

    // Few pairs: all scored, no note.
    let small = compare_default(&csv("s1", "a,b\n1,2\n"), &csv("s2", "a,c\n1,2\n"), &[]);
    assert!(small.schema.rename_note.is_none());
}

#[test]
fn id_like_categories_do_not_drive_severity() {
    // Emails of two snapshots: every value distinct, most of them different between the two.
    let left = csv("e1", &table("id,email,plan", (0..5000).map(|i| format!("{i},u{i}@x.org,{}", ["a", "b"][i % 2]))));
    let right =
        csv("e2", &table("id,email,plan", (0..5000).map(|i| format!("{i},u{}@x.org,{}", i + 4000, ["a", "b"][i % 2]))));
    let r = compare_default(&left, &right, &["id"]);
    let email = &r.drift.iter().find(|d| d.left_column == "email").unwrap().drift;
    assert!(email.psi.unwrap() > 0.25, "PSI is still reported (above psi_drift): {:?}", email.psi);
    assert_eq!(email.severity, DriftSeverity::None, "{}", email.reason);
    assert!(email.reason.contains("id-like") && email.reason.contains("80.0% of current values"), "{}", email.reason);
    assert!(r.verdict.contains("None of the 3 compared columns drifted"), "{}", r.verdict);
    // A few categories that change still drift.
    let plan2 = csv("p2", &table("id,email,plan", (0..5000).map(|i| format!("{i},u{i}@x.org,a"))));
    let plan = compare_default(&left, &plan2, &["id"]);
    assert_eq!(plan.drift.iter().find(|d| d.left_column == "plan").unwrap().drift.severity, DriftSeverity::Drift);
}

#[test]
fn raising_psi_drift_changes_a_severity_and_the_report_states_the_psi_cuts() {
    let mut session = Session::default();
    load(&mut session, "tests/data/compare/orders.csv", "orders");
    load(&mut session, "tests/data/compare/orders_v2.csv", "orders_v2");
    let (l, r) = (session.dataset("orders").unwrap(), session.dataset("orders_v2").unwrap());
    let keys = ["order_id".to_string()];
    let base = strata::core::compare::compare(l, r, &keys, &DriftThresholds::default(), 10).unwrap();
    let amount = base.drift.iter().find(|d| d.left_column == "amount").unwrap();
    let psi = amount.drift.psi.unwrap();
    let ks = amount.drift.ks.unwrap().statistic;
    assert_eq!(amount.drift.severity, DriftSeverity::Drift);
    assert_eq!(amount.psi_cuts.len(), 9, "10 bins by default: {:?}", amount.psi_cuts);
    assert!(amount.psi_cuts.windows(2).all(|w| w[0] < w[1]));

    // PSI and KS thresholds above this column's values: no longer drift, and 20 bins → 19 cuts.
    let t = DriftThresholds {
        psi_drift: psi + 1.0,
        psi_warning: psi + 0.5,
        ks_drift_statistic: ks + 0.1,
        ks_warning_statistic: ks + 0.05,
        psi_bins: 20,
        ..DriftThresholds::default()
    };
    let raised = strata::core::compare::compare(l, r, &keys, &t, 10).unwrap();
    let amount2 = raised.drift.iter().find(|d| d.left_column == "amount").unwrap();
    assert_eq!(amount2.drift.severity, DriftSeverity::None, "{}", amount2.drift.reason);
    assert_eq!(amount2.psi_cuts.len(), 19);
    assert_eq!(raised.thresholds, t);
    // Categorical thresholds: the new category no longer warns when its share is below the bar.
    let t = DriftThresholds {
        new_category_share: 0.5,
        linf_warning: 1.0,
        linf_drift: 1.0,
        psi_warning: 9.0,
        psi_drift: 9.0,
        ..DriftThresholds::default()
    };
    let cat = strata::core::compare::compare(l, r, &keys, &t, 10).unwrap();
    let c = cat.drift.iter().find(|d| d.left_column == "category").unwrap();
    assert_eq!(c.drift.severity, DriftSeverity::None, "{}", c.drift.reason);
}

#[test]
fn date_means_are_shown_as_dates() {
    let mut session = Session::default();
    load(&mut session, "tests/data/compare/orders.csv", "orders");
    let l = session.dataset("orders").unwrap();
    let r = strata::core::compare::compare(l, l, &[], &DriftThresholds::default(), 10).unwrap();
    let d = r.columns.iter().find(|c| c.column == "order_date").unwrap();
    let text = d.left_mean_text.as_deref().expect("a date");
    assert!(text.len() == 10 && text.starts_with("202"), "{text}");
    assert!(r.columns.iter().find(|c| c.column == "amount").unwrap().left_mean_text.is_none());
    use arrow_schema::{DataType, TimeUnit};
    assert_eq!(strata::core::compare::date_text(19_000.0, &DataType::Date32).as_deref(), Some("2022-01-08"));
    assert_eq!(
        strata::core::compare::date_text(1_641_600_000_500.0, &DataType::Timestamp(TimeUnit::Millisecond, None))
            .as_deref(),
        Some("2022-01-08 00:00:01")
    );
}

#[test]
fn schema_paths_moved_removed_nulls_appearing_and_a_vanished_category() {
    let status = ["x", "y", "z"];
    let left = csv(
        "before",
        &table(
            "id,a,b,score,status,gone",
            (0..100).map(|i| format!("{i},{i},{},{},{},g{i}", i * 2, i % 7, status[i % 3])),
        ),
    );
    // a and b swap places, "gone" is removed, score gets nulls, "z" vanishes from status.
    let right = csv(
        "after",
        &table(
            "id,b,a,score,status",
            (0..100).map(|i| {
                let score = if i % 10 == 0 { String::new() } else { (i % 7).to_string() };
                format!("{i},{},{i},{score},{}", i * 2, status[i % 2])
            }),
        ),
    );
    let r = compare_default(&left, &right, &["id"]);
    let s = &r.schema;
    let moved: Vec<&str> = s.moved.iter().map(|m| m.column.as_str()).collect();
    assert_eq!(moved, ["a", "b"], "{:?}", s.moved);
    assert_eq!((s.moved[0].from, s.moved[0].to), (1, 2));
    assert!(s.reasons.iter().any(|x| x.contains("2 columns moved")), "{:?}", s.reasons);

    assert_eq!(s.removed.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["gone"]);
    assert!(s.added.is_empty() && s.renames.is_empty());
    assert!(s.reasons.iter().any(|x| x == "column \"gone\" was removed"), "{:?}", s.reasons);

    let n = s.nullability_changes.iter().find(|n| n.column == "score").expect("score nullability");
    assert_eq!((n.left_nulls, n.right_nulls), (0, 10));
    assert!(n.note.contains("had no nulls, now has 10"), "{}", n.note);
    assert!(s.reasons.iter().any(|x| x.starts_with("\"score\" had no nulls")), "{:?}", s.reasons);
    let score = r.columns.iter().find(|c| c.column == "score").unwrap();
    assert_eq!((score.left_null_rate, score.right_null_rate), (0.0, 0.1));
    assert_eq!(s.compatibility, Compatibility::Breaking);

    let st = &r.drift.iter().find(|d| d.left_column == "status").unwrap().drift;
    assert_eq!(st.vanished_categories, vec!["z".to_string()]);
    assert!(st.new_categories.is_empty());
    assert!(st.severity >= DriftSeverity::Warning, "{}", st.reason);
    assert!(st.reason.contains("1 vanished category: \"z\""), "{}", st.reason);
    assert!(r.drift.iter().all(|d| d.left_column != "gone"));
    assert!(r.verdict.contains("Removed \"gone\""), "{}", r.verdict);
    // Rows: the key matches every row; status and score changes are listed per column.
    let per = |c: &str| r.rows.changes_per_column.iter().find(|x| x.column == c).unwrap().changed;
    assert_eq!((r.rows.matched, per("a"), per("b"), per("score")), (100, 0, 0, 10));
}

#[test]
fn a_dataset_compared_with_its_own_split_through_the_session() {
    use strata::core::sample::{SplitMethod, SplitStep};
    let mut session = Session::default();
    load(&mut session, "tests/data/compare/orders.csv", "orders");
    let split = Step::Split(SplitStep {
        input: "orders".into(),
        outputs: SplitStep::default_outputs("orders", false),
        ratios: vec![0.8, 0.2],
        method: SplitMethod::Random,
        seed: 8,
        label: None,
        group_check: None,
    });
    session.apply(split, StepInput::None).unwrap();
    let (train, test) =
        (session.dataset("orders.train").unwrap().num_rows(), session.dataset("orders.test").unwrap().num_rows());
    assert_eq!(train + test, 2000);
    let compare = |left: &str, right: &str, session: &mut Session| {
        let step = Step::Compare(CompareStep {
            left: left.into(),
            right: right.into(),
            keys: vec!["order_id".into()],
            thresholds: DriftThresholds::default(),
            max_listed: 100,
            write_diff: false,
            parts: Default::default(),
        });
        match session.apply_reporting(step, StepInput::None).unwrap().report {
            Some(StepReport::Compare(r)) => *r,
            other => panic!("expected a compare report, got {other:?}"),
        }
    };
    let r = compare("orders", "orders.train", &mut session);
    assert_eq!(r.schema.compatibility, Compatibility::Identical);
    let d = &r.rows;
    assert_eq!((d.matched, d.unchanged, d.changed, d.added, d.removed), (train, train, 0, 0, test));
    assert_eq!(r.right_rows, train);
    // Two splits share no order.
    let r = compare("orders.train", "orders.test", &mut session);
    assert_eq!((r.rows.matched, r.rows.added, r.rows.removed), (0, test, train));
    assert_eq!(session.recipe.steps.len(), 4, "load, split and two compare steps");
}

// ---------------------------------------------------------------------------------------------
// Drift only / rows only, and high-cardinality text columns (counted by hash, compared over the
// most frequent values plus groups of the rest).
// ---------------------------------------------------------------------------------------------

use strata::core::compare::categories::{EXACT_MAX_CATEGORIES, TOP_K};
use strata::core::compare::CompareParts;

fn drift_of<'a>(r: &'a strata::core::compare::CompareReport, col: &str) -> &'a stats::ColumnDrift {
    &r.drift.iter().find(|d| d.left_column == col).unwrap_or_else(|| panic!("no drift for {col}")).drift
}

/// `n` rows of emails of customers drawn (deterministically, with `seed`) from `customers`, at
/// `domain`; each customer's email repeats, so the column is high-cardinality but not id-like.
fn emails(name: &str, n: u64, customers: u64, seed: u64, domain: &str) -> Dataset {
    let mut x = seed;
    let rows = (0..n).map(|i| {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        format!("{i},user{}@{domain},{}", (x >> 33) % customers, ["a", "b", "c"][(x >> 20) as usize % 3])
    });
    csv(name, &table("id,email,plan", rows))
}

#[test]
fn a_recipe_without_parts_compares_both_and_both_is_not_written() {
    let old = r#"{"left":"a","right":"b","keys":["id"]}"#;
    let step: CompareStep = serde_json::from_str(old).unwrap();
    assert_eq!(step.parts, CompareParts::Both);
    assert!(!serde_json::to_string(&step).unwrap().contains("parts"));
    let drift = CompareStep { parts: CompareParts::Drift, ..step };
    let json = serde_json::to_string(&drift).unwrap();
    assert!(json.contains(r#""parts":"drift""#), "{json}");
    assert_eq!(serde_json::from_str::<CompareStep>(&json).unwrap().parts, CompareParts::Drift);
}

#[test]
fn drift_only_and_rows_only_compute_only_that() {
    let (l, r) = (csv("l", "id,v\n1,a\n2,b\n3,c\n"), csv("r", "id,v\n1,a\n2,x\n4,c\n"));
    let keys = vec!["id".to_string()];
    let t = DriftThresholds::default();
    let run = |parts| strata::core::compare::compare_parts(&l, &r, &keys, &t, 10, parts).unwrap().0;
    let both = run(CompareParts::Both);
    let drift = run(CompareParts::Drift);
    let rows = run(CompareParts::Rows);
    assert_eq!(drift.drift, both.drift, "drift only gives the same drift");
    assert_eq!(drift.columns, both.columns);
    assert_eq!((drift.rows.matched, drift.rows.changed, drift.rows.added), (0, 0, 0));
    assert!(drift.verdict.contains("Rows were not compared"), "{}", drift.verdict);
    assert_eq!(rows.rows, both.rows, "rows only gives the same row diff");
    assert!(rows.drift.is_empty() && rows.columns.is_empty());
    assert!(rows.verdict.contains("Drift was not measured"), "{}", rows.verdict);
    assert_eq!(rows.schema, both.schema);
}

#[test]
fn few_categories_are_compared_exactly_as_text_counts() {
    // Up to EXACT_MAX_CATEGORIES distinct values, counting by hash changes nothing: the drift and
    // its chart equal those made from text counts (column_drift_with_bars).
    let l = emails("l", 6000, EXACT_MAX_CATEGORIES as u64 - 100, 1, "example.com");
    let r = emails("r", 5000, EXACT_MAX_CATEGORIES as u64 - 100, 2, "example.com");
    let report = compare_default(&l, &r, &[]);
    for col in ["email", "plan"] {
        let got = report.drift.iter().find(|d| d.left_column == col).unwrap();
        let (li, ri) = (l.column_index(col).unwrap(), r.column_index(col).unwrap());
        let (want, bars) = stats::column_drift_with_bars(
            col,
            l.batches[0].column(li).as_ref(),
            r.batches[0].column(ri).as_ref(),
            &DriftThresholds::default(),
        );
        assert_eq!(l.batches.len(), 1);
        assert_eq!(got.drift, want, "{col}");
        assert_eq!(got.bars, bars, "{col}");
        assert!(got.drift.high_cardinality.is_none());
    }
}

#[test]
fn many_distinct_values_are_compared_over_the_top_values_and_stay_stable_when_unchanged() {
    // 40,000 rows of 8,000 customers' emails: high-cardinality (not id-like). Another draw from
    // the same customers is stable.
    let l = emails("l", 40_000, 8_000, 1, "example.com");
    let r = emails("r", 40_000, 8_000, 2, "example.com");
    let report = compare_default(&l, &r, &[]);
    let d = drift_of(&report, "email");
    let hc = d.high_cardinality.as_ref().expect("summarised as high-cardinality");
    assert_eq!(hc.top_k, TOP_K);
    assert!(hc.reference_distinct > EXACT_MAX_CATEGORIES as u64 && hc.reference_distinct <= 8_000);
    assert!(hc.new_value_rate < 0.01, "{hc:?}");
    assert_eq!(d.severity, DriftSeverity::None, "{}", d.reason);
    assert!(d.reason.contains("compared over the 1000 most frequent"), "{}", d.reason);
    // The chart: the 12 most frequent values, then the rest.
    assert_eq!(report.drift.iter().find(|v| v.left_column == "email").unwrap().bars.labels.len(), 13);
    assert_eq!(drift_of(&report, "plan").severity, DriftSeverity::None);
}

#[test]
fn a_changed_email_domain_is_drift_with_every_value_new() {
    let l = emails("l", 40_000, 8_000, 1, "example.com");
    let r = emails("r", 40_000, 8_000, 2, "example.org");
    let report = compare_default(&l, &r, &[]);
    let d = drift_of(&report, "email");
    let hc = d.high_cardinality.as_ref().unwrap();
    assert_eq!(hc.new_value_rate, 1.0);
    assert_eq!(hc.vanished_value_rate, 1.0);
    assert_eq!(hc.new_values, hc.current_distinct);
    assert_eq!(d.severity, DriftSeverity::Drift, "{}", d.reason);
    // The most frequent values have bins of their own (each on one side only); every other
    // value is in the "only in the reference" or "only in the current data" group.
    assert!(d.linf.unwrap() > 0.8, "{:?}", d.linf);
    assert!(d.reason.contains("100% of current values are new"), "{}", d.reason);
    assert!(d.new_categories.iter().all(|c| c.ends_with("@example.org")) && d.new_categories.len() == 50);
    assert!(report.verdict.contains("\"email\""), "{}", report.verdict);
}

#[test]
fn new_and_vanished_value_rates_are_exact() {
    // Reference: v0..v1999, each twice. Current: v0..v1799 twice and w0..w199 twice. So 200
    // values (400 of 4,000 rows, 10%) are new and 200 vanished.
    let rows = |vals: Vec<String>| table("id,code", vals.iter().enumerate().map(|(i, v)| format!("{i},{v}")));
    let twice = |v: Vec<String>| v.iter().flat_map(|s| [s.clone(), s.clone()]).collect::<Vec<_>>();
    let left: Vec<String> = twice((0..2000).map(|i| format!("v{i}")).collect());
    let right: Vec<String> =
        twice((0..1800).map(|i| format!("v{i}")).chain((0..200).map(|i| format!("w{i}"))).collect());
    let report = compare_default(&csv("l", &rows(left)), &csv("r", &rows(right)), &[]);
    let d = drift_of(&report, "code");
    let hc = d.high_cardinality.as_ref().unwrap();
    assert_eq!((hc.reference_distinct, hc.current_distinct), (2000, 2000));
    assert_eq!((hc.new_values, hc.vanished_values), (200, 200));
    assert_eq!(hc.new_value_rate, 0.1);
    assert_eq!(hc.vanished_value_rate, 0.1);
    // The new rows form one group (0 in the reference, 10% of the current): L∞ is exactly 0.1.
    assert!((d.linf.unwrap() - 0.1).abs() < 1e-12, "{:?}", d.linf);
    assert_eq!(d.severity, DriftSeverity::Drift, "{}", d.reason);
    assert!(d.reason.contains("10% of current values are new, 10% of reference values vanished"), "{}", d.reason);
    // Listed most frequent first, ties in order of first appearance.
    let want: Vec<String> = (0..50).map(|i| format!("w{i}")).collect();
    assert_eq!(d.new_categories, want);
    assert_eq!(d.vanished_categories[0], "v1800");
}
