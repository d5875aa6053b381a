//! Native validation time on the synthetic orders table (criterion): the four rules
//! (amount ≥ 0, email pattern, order_date ≥ signup_date, category in a set), quarantine included.
//! `STRATA_BENCH_ROWS=1000000 cargo bench --bench validate` for the 1M-row table.

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    use std::collections::BTreeMap;

    use criterion::{Criterion, Throughput};
    use strata::core::ingest::{self, IngestOptions};
    use strata::core::validate::{validate, TableSchema};
    use strata::core::Dataset;

    let rows: u64 = std::env::var("STRATA_BENCH_ROWS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let mut csv = Vec::new();
    strata::core::synth::write_orders_csv(rows, 42, &mut csv).expect("in memory");
    let loaded = ingest::load_text_bytes("orders.csv", &csv, &IngestOptions::default()).expect("loads");
    let dataset = Dataset::from_loaded("orders", "orders.csv", loaded);
    let schema = TableSchema::from_json(strata::core::validate::FOUR_RULES).expect("valid schema");
    let datasets = BTreeMap::new();
    let mut c = Criterion::default().sample_size(10).configure_from_args();
    let mut g = c.benchmark_group("validate");
    g.throughput(Throughput::Elements(rows));
    g.bench_function(format!("four_rules_orders_{rows}_rows"), |b| {
        b.iter(|| validate(&dataset, &schema, &datasets, ("valid", "invalid"), 5).expect("validates"))
    });
    g.finish();
    c.final_summary();
}

#[cfg(target_arch = "wasm32")]
fn main() {}
