//! Native time of cleaning steps on the synthetic orders table (criterion): a z-score of two
//! columns, and a chain of five transforms (impute, cap, scale, one-hot encode, standardize).
//! `STRATA_BENCH_ROWS=1000000 cargo bench --bench clean` for the 1M-row table.

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    use criterion::{Criterion, Throughput};
    use strata::core::ingest::{self, IngestOptions};
    use strata::core::recipe::{LoadStep, Session, SourceRef, Step, StepInput};
    use strata::core::transform::*;

    let rows: u64 = std::env::var("STRATA_BENCH_ROWS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let mut csv = Vec::new();
    strata::core::synth::write_orders_csv(rows, 42, &mut csv).expect("in memory");
    let loaded = ingest::load_text_bytes("orders.csv", &csv, &IngestOptions::default()).expect("loads");
    let mut session = Session::default();
    let load = Step::Load(LoadStep {
        source: SourceRef {
            name: "orders.csv".into(),
            bytes: loaded.source_bytes,
            sha256: loaded.source_sha256.clone(),
        },
        output: "orders".into(),
        options: IngestOptions::default(),
    });
    session.apply(load, StepInput::Loaded(Box::new(loaded))).expect("loads");
    let on = |input: &str| Targets { inputs: vec![input.to_string()], fit_on: None, outputs: Vec::new() };
    let zscore = |input: &str| {
        Step::Scale(ScaleStep {
            targets: on(input),
            columns: vec!["amount".into(), "unit_price".into()],
            method: ScaleMethod::ZScore,
            fitted: None,
        })
    };
    let chain = vec![
        Step::Impute(ImputeStep {
            targets: on("orders"),
            columns: vec!["amount".into()],
            strategy: ImputeStrategy::Mean,
            indicator: false,
            fitted: None,
        }),
        Step::Outliers(OutliersStep {
            targets: on("orders.imputed"),
            columns: vec!["amount".into()],
            rule: OutlierRule::Iqr { k: 1.5 },
            action: OutlierAction::Cap,
            fitted: None,
        }),
        zscore("orders.imputed.capped"),
        Step::Encode(EncodeStep {
            targets: on("orders.imputed.capped.scaled"),
            columns: vec!["category".into()],
            method: EncodeMethod::OneHot { max_categories: None },
            fitted: None,
        }),
        Step::Standardize(StandardizeStep {
            input: "orders.imputed.capped.scaled.encoded".into(),
            output: "orders.clean".into(),
            rules: vec![StandardizeRule {
                column: "country".into(),
                trim: true,
                case: Some(Case::Lower),
                ..Default::default()
            }],
        }),
    ];

    let mut c = Criterion::default().sample_size(10).configure_from_args();
    let mut g = c.benchmark_group("clean");
    g.throughput(Throughput::Elements(rows));
    g.bench_function(format!("zscore_2_columns_{rows}_rows"), |b| {
        b.iter(|| session.apply(zscore("orders"), StepInput::None).expect("scales"))
    });
    for s in &chain {
        let name = format!("{}_{rows}_rows", s.label().split_whitespace().next().unwrap_or("step"));
        session.apply(s.clone(), StepInput::None).expect("applies");
        g.bench_function(name, |b| b.iter(|| session.apply(s.clone(), StepInput::None).expect("applies")));
    }
    g.bench_function(format!("chain_of_5_{rows}_rows"), |b| {
        b.iter(|| {
            for s in &chain {
                session.apply(s.clone(), StepInput::None).expect("applies");
            }
        })
    });
    g.finish();
    c.final_summary();
}

#[cfg(target_arch = "wasm32")]
fn main() {}
