//! Native ingest throughput on the synthetic orders table (criterion).
//! `STRATA_BENCH_ROWS=1000000 cargo bench --bench ingest` for the 1M-row table.

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    use criterion::{Criterion, Throughput};
    use strata::core::ingest::{self, IngestOptions};

    let rows: u64 = std::env::var("STRATA_BENCH_ROWS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let mut csv = Vec::new();
    strata::core::synth::write_orders_csv(rows, 42, &mut csv).expect("in memory");
    let mut c = Criterion::default().sample_size(10).configure_from_args();
    let mut g = c.benchmark_group("ingest");
    g.throughput(Throughput::Bytes(csv.len() as u64));
    g.bench_function(format!("csv_{rows}_rows"), |b| {
        b.iter(|| ingest::load_text_bytes("orders.csv", &csv, &IngestOptions::default()).expect("loads"))
    });
    let loaded = ingest::load_text_bytes("orders.csv", &csv, &IngestOptions::default()).expect("loads");
    for (name, codec) in [
        ("zstd", parquet::basic::Compression::ZSTD(Default::default())),
        ("snappy", parquet::basic::Compression::SNAPPY),
    ] {
        let mut pq = Vec::new();
        let props = parquet::file::properties::WriterProperties::builder().set_compression(codec).build();
        let mut w = parquet::arrow::ArrowWriter::try_new(&mut pq, loaded.schema.clone(), Some(props)).expect("writer");
        for batch in &loaded.batches {
            w.write(batch).expect("write");
        }
        w.close().expect("close");
        let bytes = bytes::Bytes::from(pq);
        g.throughput(Throughput::Elements(rows));
        g.bench_function(format!("parquet_{name}_{rows}_rows"), |b| {
            b.iter(|| ingest::parquet::load(bytes.clone(), &IngestOptions::default(), &mut |_| Ok(())).expect("loads"))
        });
    }
    g.finish();
    c.final_summary();
}

#[cfg(target_arch = "wasm32")]
fn main() {}
