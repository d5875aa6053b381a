//! Native sampling time on the 1M-row synthetic orders table (criterion): a 10% simple random
//! sample through the recipe step (rows chosen, taken with Arrow's `take`, and the
//! representativeness report), the same without the report, a reservoir and a stratified sample,
//! and a 70/15/15 split. `STRATA_BENCH_ROWS` changes the table size.

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    use std::collections::BTreeMap;

    use criterion::{Criterion, Throughput};
    use strata::core::ingest::{self, IngestOptions};
    use strata::core::recipe::Derive;
    use strata::core::sample::methods::{Allocation, ReservoirAlgorithm};
    use strata::core::sample::table::take_rows;
    use strata::core::sample::{SampleMethod, SampleSize, SampleStep, SplitMethod, SplitStep};
    use strata::core::Dataset;

    let rows: u64 = std::env::var("STRATA_BENCH_ROWS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let mut csv = Vec::new();
    strata::core::synth::write_orders_csv(rows, 42, &mut csv).expect("in memory");
    let loaded = ingest::load_text_bytes("orders.csv", &csv, &IngestOptions::default()).expect("loads");
    let dataset = Dataset::from_loaded("orders", "orders.csv", loaded);
    let datasets = BTreeMap::from([("orders".to_string(), dataset.clone())]);
    let step = |method| SampleStep { input: "orders".into(), output: "s".into(), method, seed: 7 };
    let random = SampleMethod::Random { size: SampleSize::Fraction(0.1), replace: false };

    let mut c = Criterion::default().sample_size(10).configure_from_args();
    let mut g = c.benchmark_group("sample");
    g.throughput(Throughput::Elements(rows));
    g.bench_function(format!("random_10pct_step_{rows}_rows"), |b| {
        let s = step(random.clone());
        b.iter(|| s.run(&datasets).expect("samples"))
    });
    g.bench_function(format!("random_10pct_rows_only_{rows}_rows"), |b| {
        b.iter(|| {
            let sel = random.select(&dataset, 7).expect("selects");
            take_rows(&dataset, &sel.rows, None).expect("takes")
        })
    });
    g.bench_function(format!("reservoir_L_100k_{rows}_rows"), |b| {
        let s = step(SampleMethod::Reservoir { size: rows / 10, algorithm: ReservoirAlgorithm::L });
        b.iter(|| s.run(&datasets).expect("samples"))
    });
    g.bench_function(format!("stratified_country_10pct_{rows}_rows"), |b| {
        let s = step(SampleMethod::Stratified {
            columns: vec!["country".into()],
            size: SampleSize::Fraction(0.1),
            allocation: Allocation::Proportional,
            minimum: 0,
        });
        b.iter(|| s.run(&datasets).expect("samples"))
    });
    g.bench_function(format!("split_random_70_15_15_{rows}_rows"), |b| {
        let s = SplitStep {
            input: "orders".into(),
            outputs: SplitStep::default_outputs("orders", true),
            ratios: vec![0.7, 0.15, 0.15],
            method: SplitMethod::Random,
            seed: 7,
            label: Some("is_fraud".into()),
            group_check: None,
        };
        b.iter(|| s.run(&datasets).expect("splits"))
    });
    g.finish();
    c.final_summary();
}

#[cfg(target_arch = "wasm32")]
fn main() {}
