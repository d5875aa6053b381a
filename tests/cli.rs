//! The `strata` command line: JSON on success, a clear message and a non-zero exit on failure,
//! never a panic.
#![cfg(not(target_arch = "wasm32"))]

use std::process::Command;

#[path = "example_hashes.rs"]
mod example_hashes;

fn strata(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("strata runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn inspect_prints_schema_rows_dialect_and_errors_as_json() {
    let (code, out, err) = strata(&["inspect", "tests/data/invalid/ragged.csv"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["rows"], 2);
    assert_eq!(v["schema"][0]["name"], "id");
    assert_eq!(v["schema"][0]["type"], "Int64");
    assert_eq!(v["dialect"]["delimiter"], 44);
    assert_eq!(v["rows_set_aside"], 2);
    assert_eq!(v["load_errors"][0]["line"], 3);
    assert_eq!(v["sha256"].as_str().unwrap().len(), 64);
}

#[test]
fn inspect_reads_parquet_footer_and_data() {
    let (code, out, err) = strata(&["inspect", "tests/data/parquet/orders_zstd.parquet"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["format"], "parquet");
    assert_eq!(v["rows"], 60);
    assert_eq!(v["parquet"]["row_groups"].as_array().unwrap().len(), 3);
}

#[test]
fn unreadable_files_exit_non_zero_with_a_clear_message() {
    for (file, expected) in [
        ("tests/data/invalid/empty.csv", "the file is empty"),
        ("tests/data/invalid/unterminated_quote.csv", "quote opened on line 3"),
        ("tests/data/invalid/binary.csv", "does not look like a text file"),
        ("tests/data/invalid/truncated.parquet", "truncated"),
        ("tests/data/no_such_file.csv", "No such file"),
    ] {
        let (code, out, err) = strata(&["inspect", file]);
        assert_ne!(code, 0, "{file}");
        assert!(out.is_empty(), "{file}: nothing on stdout");
        assert!(err.starts_with("strata: "), "{file}: {err}");
        assert!(err.contains(expected), "{file}: {err}");
        assert!(!err.contains("panicked"), "{file}: {err}");
    }
}

#[test]
fn options_change_the_reading() {
    let (code, out, _) = strata(&["inspect", "--no-header", "--delimiter", ";", "tests/data/semicolon_latin1.csv"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["rows"], 4);
    assert_eq!(v["schema"][0]["name"], "column_1");
    let (code, _, err) = strata(&["inspect", "--delimiter", "ab", "tests/data/people.csv"]);
    assert_ne!(code, 0);
    assert!(err.contains("--delimiter must be one character"), "{err}");
}

#[test]
fn profile_reports_the_lesson_table_alerts_as_json() {
    let (code, out, err) = strata(&["profile", "tests/data/profile/lesson_patients.csv", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["rows"], 600);
    let alerts = v["alerts"].as_array().expect("alerts");
    let kinds: std::collections::BTreeSet<&str> = alerts.iter().map(|a| a["kind"].as_str().unwrap()).collect();
    assert!(kinds.len() >= 8, "{kinds:?}");
    assert!(alerts.iter().all(|a| !a["explanation"].as_str().unwrap().is_empty()));
}

#[test]
fn compare_prints_the_report_as_json() {
    let (code, out, err) = strata(&[
        "compare",
        "tests/data/compare/orders.csv",
        "tests/data/compare/orders_v2.csv",
        "--key",
        "order_id",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["schema"]["compatibility"], "breaking");
    assert_eq!(v["schema"]["renames"][0]["to"], "user_id");
    assert_eq!(v["rows"]["added"], 5);
    assert_eq!(v["rows"]["removed"], 10);
    assert!(v["verdict"].as_str().unwrap().contains("electronics"));

    let (code, out, _) = strata(&["compare", "tests/data/compare/orders.csv", "tests/data/compare/orders_v2.csv"]);
    assert_eq!(code, 0);
    assert!(out.contains("Comparing whole rows"), "{out}");
    let (code, _, err) =
        strata(&["compare", "tests/data/compare/orders.csv", "tests/data/compare/orders_v2.csv", "--key", "nope"]);
    assert_ne!(code, 0);
    assert!(err.contains("no column \"nope\""), "{err}");
}

#[test]
fn compare_takes_thresholds_as_json() {
    let args =
        ["compare", "tests/data/compare/orders.csv", "tests/data/compare/orders_v2.csv", "--key", "order_id", "--json"];
    let severity = |v: &serde_json::Value| {
        v["drift"].as_array().unwrap().iter().find(|d| d["left_column"] == "amount").unwrap()["drift"]["severity"]
            .clone()
    };
    let (code, out, err) = strata(&args);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(severity(&v), "Drift");
    let mut raised = args.to_vec();
    raised.extend([
        "--thresholds",
        r#"{"psi_warning": 50, "psi_drift": 100, "ks_warning_statistic": 1.1, "ks_drift_statistic": 1.1, "psi_bins": 5}"#,
    ]);
    let (code, out, err) = strata(&raised);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(severity(&v), "None");
    assert_eq!(v["thresholds"]["psi_drift"], 100.0);
    assert_eq!(v["thresholds"]["linf_drift"], 0.1, "unnamed fields keep their defaults");
    let (code, _, err) = strata(&[&args[..5], &["--thresholds", "{\"psi_drift\": \"x\"}"]].concat());
    assert_ne!(code, 0);
    assert!(err.contains("--thresholds"), "{err}");
}

#[test]
fn validate_counts_rows_the_loader_set_aside_and_exits_2_on_a_bad_file_or_schema() {
    let dir = std::env::temp_dir().join(format!("strata-cli-validate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    std::fs::copy(format!("{root}/tests/data/invalid/ragged.csv"), dir.join("ragged.csv")).unwrap();
    std::fs::copy(format!("{root}/tests/data/validate/customers.csv"), dir.join("customers.csv")).unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.join(name), text).unwrap();
    write(
        "ok.json",
        r#"{"fields": [{"name": "id", "type": "integer"}, {"name": "name", "type": "string"}, {"name": "amount", "type": "number"}]}"#,
    );
    write("broken.json", r#"{"fields": [{"type": "integer"}"#);
    write("badformat.json", r#"{"fields": [{"name": "name", "type": "string", "format": "phone"}]}"#);
    let run = |args: &[&str]| {
        let out =
            Command::new(env!("CARGO_BIN_EXE_strata")).arg("validate").args(args).current_dir(&dir).output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };

    // Every rule passes on the two rows that loaded, but two rows were set aside: counted, exit 1.
    let (code, out, err) = run(&["--schema", "ok.json", "ragged.csv", "--reference", "customers=customers.csv"]);
    assert_eq!(code, 1, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["rows"], 2);
    assert_eq!(v["rows_set_aside_by_loader"], 2);
    assert_eq!(v["rows_in_file"], 4);
    assert_eq!(v["verdict"], "fail");
    assert_eq!(v["load"]["ragged"]["rows_set_aside"], 2);
    assert_eq!(v["load"]["ragged"]["issues"][0]["line"], 3);
    assert_eq!(v["load"]["customers"]["rows_set_aside"], 0);
    assert!(err.contains("2 rows set aside by the loader"), "{err}");
    assert!(v["rules"].as_array().unwrap().iter().all(|r| r["passed"] == true));

    // A file, schema or reference that cannot be used: exit 2 (1 stays "a rule failed").
    for args in [
        &["--schema", "missing.json", "ragged.csv"][..],
        &["--schema", "broken.json", "ragged.csv"],
        &["--schema", "badformat.json", "ragged.csv"],
        &["--schema", "ok.json", "nope.csv"],
        &["--schema", "ok.json", "ragged.csv", "--reference", "customers.csv"],
        &["--schema", "ok.json", "ragged.csv", "--reference", "c=nope.csv"],
    ] {
        let (code, out, err) = run(args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(out.is_empty() && err.starts_with("strata: "), "{args:?}: {out} {err}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn example_writes_the_same_bytes_as_the_browser_app() {
    let dir = std::env::temp_dir().join(format!("strata-example-{}", std::process::id()));
    let (code, out, err) = strata(&["example", "customers_orders", "-o", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    for name in ["customers.csv", "orders.csv"] {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        use sha2::Digest as _;
        let sha: String = sha2::Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        let pinned = example_hashes::PINNED.iter().find(|(n, _)| *n == name).unwrap().1;
        assert_eq!(sha, pinned, "{name}");
        assert!(out.contains(&format!("{sha}  ")), "{out}");
    }
    for id in ["transactions", "patients", "employees", "trips", "sales_orders"] {
        let (code, _, err) = strata(&["example", id, "-o", dir.to_str().unwrap()]);
        assert_eq!(code, 0, "{err}");
    }
    for (name, pinned) in example_hashes::PINNED {
        use sha2::Digest as _;
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let sha: String = sha2::Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(&sha, pinned, "{name}");
    }
    let _ = std::fs::remove_dir_all(&dir);
    // Listing, and an unknown id.
    let (code, out, _) = strata(&["example"]);
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 6);
    let (code, _, err) = strata(&["example", "nope"]);
    assert_ne!(code, 0);
    assert!(err.contains("no example \"nope\"") && err.contains("sales_orders"), "{err}");
}

#[test]
fn compare_only_drift_or_only_rows() {
    let base = ["compare", "tests/data/compare/orders.csv", "tests/data/compare/orders_v2.csv", "--key", "order_id"];
    let json = |only: &str| {
        let (code, out, err) = strata(&[&base[..], &["--json", "--only", only]].concat());
        assert_eq!(code, 0, "{err}");
        serde_json::from_str::<serde_json::Value>(&out).unwrap()
    };
    let drift = json("drift");
    assert_eq!(drift["parts"], "drift");
    assert_eq!(drift["drift"].as_array().unwrap().len(), 12, "every shared column and the rename");
    assert_eq!(drift["rows"]["matched"], 0, "no row diff");
    assert!(drift["verdict"].as_str().unwrap().contains("Rows were not compared"), "{}", drift["verdict"]);
    let rows = json("rows");
    assert_eq!(rows["parts"], "rows");
    assert!(rows["drift"].as_array().unwrap().is_empty(), "no drift");
    assert_eq!(rows["rows"]["added"], 5);
    assert_eq!(rows["rows"]["removed"], 10);
    assert!(rows["verdict"].as_str().unwrap().contains("Drift was not measured"), "{}", rows["verdict"]);
    assert_eq!(rows["schema"]["renames"][0]["to"], "user_id", "the schema diff is always made");

    let (code, out, _) = strata(&[&base[..], &["--only", "rows"]].concat());
    assert_eq!(code, 0);
    assert!(!out.contains("Drift:") && out.contains("Rows:"), "{out}");
    let (code, out, _) = strata(&[&base[..], &["--only", "drift"]].concat());
    assert_eq!(code, 0);
    assert!(out.contains("Drift:") && !out.contains("Rows:"), "{out}");
    let (code, _, err) = strata(&[&base[..], &["--only", "nothing"]].concat());
    assert_ne!(code, 0);
    assert!(err.contains("--only"), "{err}");
}
