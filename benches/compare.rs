//! Compare on two synthetic orders tables (criterion): drift of every column, and the keyed row
//! diff by order_id. Both tables share the keys 1..N; the second is drawn with another seed, so
//! every row differs. `STRATA_BENCH_ROWS` sets N (default 1,000,000, the target size);
//! `STRATA_BENCH_COLUMNS=1` also times the drift of each column on its own.

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    use criterion::{Criterion, Throughput};
    use strata::core::compare::{drift_columns, rows::keyed_diff};
    use strata::core::ingest::{self, IngestOptions};
    use strata::core::stats::DriftThresholds;
    use strata::core::Dataset;

    let rows: u64 = std::env::var("STRATA_BENCH_ROWS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let table = |seed: u64, name: &str| {
        let mut csv = Vec::new();
        strata::core::synth::write_orders_csv(rows, seed, &mut csv).expect("in memory");
        let loaded = ingest::load_text_bytes("orders.csv", &csv, &IngestOptions::default()).expect("loads");
        Dataset::from_loaded(name, "orders.csv", loaded)
    };
    let (left, right) = (table(42, "orders"), table(43, "orders_next"));
    let t = DriftThresholds::default();
    let mut c = Criterion::default().sample_size(10).configure_from_args();
    let mut g = c.benchmark_group("compare");
    g.throughput(Throughput::Elements(rows));
    g.bench_function(format!("drift_all_columns_{rows}_rows"), |b| {
        b.iter(|| drift_columns(&left, &right, &[], &t).expect("drift"))
    });
    if std::env::var("STRATA_BENCH_COLUMNS").is_ok_and(|v| v == "1") {
        for (i, f) in left.schema.fields().iter().enumerate() {
            let one = |d: &Dataset| {
                let schema = std::sync::Arc::new(d.schema.project(&[i]).expect("column"));
                let batches = d.batches.iter().map(|b| b.project(&[i]).expect("column")).collect();
                Dataset::new(&d.name, schema, batches)
            };
            let (l, r) = (one(&left), one(&right));
            g.bench_function(format!("drift_{}_{rows}_rows", f.name()), |b| {
                b.iter(|| drift_columns(&l, &r, &[], &t).expect("drift"))
            });
        }
    }
    let keys = vec!["order_id".to_string()];
    g.bench_function(format!("keyed_diff_{rows}_rows"), |b| {
        b.iter(|| keyed_diff(&left, &right, &keys, 100).expect("diff"))
    });
    g.finish();
    c.final_summary();
}

#[cfg(target_arch = "wasm32")]
fn main() {}
