//! Per-part profile times in wasm (V8 in Node, no browser), on a first (cold: the engine has
//! not optimized the code yet, as in the app) and two later runs: the wasm counterpart of
//! `STRATA_PROFILE_TIMINGS=1 strata profile …`. A measuring tool, not a check: run it with
//! `STRATA_BENCH_ROWS=1000000 cargo test --release --target wasm32-unknown-unknown --test web_profile_timing -- --nocapture`
//! (the row count is read at build time; 100,000 without it).
#![cfg(target_arch = "wasm32")]

use strata::core::ingest::{self, IngestOptions};
use strata::core::profile::{profile, set_profile_timings, ProfileOptions};
use strata::core::Dataset;
use wasm_bindgen_test::*;

#[wasm_bindgen_test]
fn profile_times_in_wasm() {
    let rows: u64 = option_env!("STRATA_BENCH_ROWS").and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let mut csv = Vec::new();
    strata::core::synth::write_orders_csv(rows, 42, &mut csv).expect("in memory");
    let loaded = ingest::load_text_bytes("orders.csv", &csv, &IngestOptions::default()).expect("loads");
    drop(csv);
    let dataset = Dataset::from_loaded("orders", "orders.csv", loaded);
    let mut first = None;
    for run in 0..3 {
        set_profile_timings(true);
        let t = js_sys::Date::now();
        let p = profile(&dataset, &ProfileOptions::default()).expect("profiles");
        console_log!("run {run}: {} rows profiled in {:.0} ms", p.rows, js_sys::Date::now() - t);
        assert_eq!(p.rows, rows);
        assert_eq!(p.columns.len(), 12);
        // Unoptimized (first run) and optimized code give the same report.
        let json = serde_json::to_string(&p).expect("serializes");
        match &first {
            None => first = Some(json),
            Some(f) => assert!(&json == f, "run {run} differs from run 0"),
        }
    }
    set_profile_timings(false);
}
