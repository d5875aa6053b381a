//! Property tests: random and mutated bytes never make a reader panic; they load or fail with
//! an error. A bounded number of cases runs in `make test`; `make fuzz` runs many more.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use strata::core::ingest::{self, IngestOptions, SourceFormat};

const SEED_CSV: &[u8] = b"id,name,amount,day,ok\n1,\"Ann, A\",12.5,2024-01-02,true\n2,Bob,,03/04/2024,false\n3,\"say \"\"hi\"\"\",1e3,2024-02-30,NA\n";
const SEED_JSONL: &[u8] =
    b"{\"id\":1,\"name\":\"a\",\"t\":\"2024-01-02T03:04:05Z\"}\n{\"id\":2,\"name\":null,\"x\":[1,2]}\n";

fn parquet_seed() -> Vec<u8> {
    std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/parquet/orders_snappy.parquet")).unwrap()
}

fn mutate(seed: &[u8], edits: &[(usize, u8, u8)]) -> Vec<u8> {
    let mut v = seed.to_vec();
    for &(pos, byte, op) in edits {
        if v.is_empty() {
            v.push(byte);
            continue;
        }
        let p = pos % v.len();
        match op % 4 {
            0 => v[p] = byte,
            1 => v.insert(p, byte),
            2 => {
                v.remove(p);
            }
            _ => v.truncate(p),
        }
    }
    v
}

fn try_all(bytes: &[u8]) {
    for (name, format) in
        [("f.csv", SourceFormat::Csv), ("f.jsonl", SourceFormat::Jsonl), ("f.parquet", SourceFormat::Parquet)]
    {
        let options = IngestOptions { format: Some(format), sample_rows: 3, batch_rows: 2, ..Default::default() };
        // Either outcome is fine; a panic fails the test.
        let _ = ingest::load_bytes(name, bytes, &options);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(300), ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        try_all(&bytes);
    }

    #[test]
    fn mutated_csv_never_panics(edits in proptest::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..8)) {
        try_all(&mutate(SEED_CSV, &edits));
    }

    #[test]
    fn mutated_jsonl_never_panics(edits in proptest::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..8)) {
        try_all(&mutate(SEED_JSONL, &edits));
    }

    #[test]
    fn mutated_parquet_never_panics(edits in proptest::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..4)) {
        let seed = parquet_seed();
        let bytes = mutate(&seed, &edits);
        let options = IngestOptions { format: Some(SourceFormat::Parquet), ..Default::default() };
        let _ = ingest::load_bytes("f.parquet", &bytes, &options);
    }
}
