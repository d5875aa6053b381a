//! Writers: exact round trips through every format for adversarial values, and determinism.

use arrow_array::cast::AsArray;
use arrow_array::Array;
use strata::core::dataset::Dataset;
use strata::core::export::{content_hash, write_csv, write_dataset, FileFormat, ParquetCodec};
use strata::core::ingest::{load_bytes, IngestOptions};

const ADVERSARIAL: &[u8] = include_bytes!("data/export/adversarial.csv");

fn load(name: &str, bytes: &[u8]) -> Dataset {
    let loaded = load_bytes(name, bytes, &IngestOptions::default()).expect("loads");
    assert_eq!(loaded.report.rows_set_aside, 0, "{:?}", loaded.report);
    Dataset::new(name, loaded.schema, loaded.batches)
}

fn csv_of(d: &Dataset) -> String {
    let mut out = Vec::new();
    write_csv(&d.schema, &d.batches, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn csv_to_arrow_to_parquet_to_arrow_to_csv_keeps_every_value() {
    let first = load("adversarial.csv", ADVERSARIAL);
    let types: Vec<String> = first.schema.fields().iter().map(|f| format!("{}:{}", f.name(), f.data_type())).collect();
    // Integers at the int64 extremes stay integers; codes with leading zeros stay text.
    assert!(types.contains(&"big:Int64".to_string()), "{types:?}");
    assert!(types.contains(&"code:Utf8".to_string()), "{types:?}");
    let csv1 = csv_of(&first);
    for codec in [ParquetCodec::Zstd, ParquetCodec::Snappy, ParquetCodec::Uncompressed] {
        let pq = write_dataset(&first, FileFormat::Parquet { codec }).unwrap();
        let back = load("adversarial.parquet", &pq);
        assert_eq!(content_hash(&back.schema, &back.batches), content_hash(&first.schema, &first.batches), "{codec:?}");
        assert_eq!(csv_of(&back), csv1, "{codec:?}");
    }
    // The CSV written is read back to the same table (CSV → Arrow → CSV is a fixed point).
    let again = load("again.csv", csv1.as_bytes());
    assert_eq!(content_hash(&again.schema, &again.batches), content_hash(&first.schema, &first.batches));
    assert_eq!(csv_of(&again), csv1);
    // Spot checks on the text itself.
    assert!(csv1.contains("9223372036854775807"));
    assert!(csv1.contains("-9223372036854775808"));
    assert!(csv1.contains("9007199254740993"));
    assert!(csv1.contains(",007,"));
    assert!(csv1.contains("1.0000000000000002"));
    assert!(csv1.contains("\"multi\nline\""));
    assert!(csv1.contains("😀 astral 𝄞"));
    assert!(csv1.contains("\"say \"\"hi\"\"\""));
    // Empty text (`""`) and null (nothing) are read as different values and written back so.
    let note = first.schema.index_of("note").unwrap();
    let notes = first.batches[0].column(note).as_string::<i32>();
    assert_eq!((notes.is_valid(1), notes.value(1)), (true, ""));
    assert!(notes.is_null(2));
    assert!(csv1.contains("line\",\"\"\n"), "{csv1}");
    assert!(csv1.contains("𝄞,\n"), "{csv1}");
}

#[test]
fn jsonl_round_trips_through_the_reader() {
    let first = load("adversarial.csv", ADVERSARIAL);
    let jsonl = write_dataset(&first, FileFormat::Jsonl).unwrap();
    let text = String::from_utf8(jsonl.clone()).unwrap();
    assert_eq!(text.lines().count() as u64, first.num_rows());
    assert!(text.lines().next().unwrap().starts_with("{\"id\":1,"), "{text}");
    let back = load("adversarial.jsonl", &jsonl);
    assert_eq!(back.num_rows(), first.num_rows());
    assert_eq!(csv_of(&back).lines().next(), csv_of(&first).lines().next());
}

#[test]
fn every_writer_is_deterministic() {
    let d = load("adversarial.csv", ADVERSARIAL);
    for f in
        [FileFormat::Csv, FileFormat::Jsonl, FileFormat::PARQUET, FileFormat::Parquet { codec: ParquetCodec::Snappy }]
    {
        assert_eq!(write_dataset(&d, f).unwrap(), write_dataset(&d, f).unwrap(), "{f:?}");
    }
}

#[test]
fn nan_negative_zero_and_empty_text_survive() {
    let d = load("adversarial.csv", ADVERSARIAL);
    let csv = csv_of(&d);
    let back = load("pq", &write_dataset(&d, FileFormat::PARQUET).unwrap());
    let csv2 = csv_of(&back);
    for text in [&csv, &csv2] {
        assert!(text.contains(",NaN,"), "{text}");
        assert!(text.contains(",-0,") || text.contains(",-0.0,"), "{text}");
    }
    // Empty text and null stay distinct through Parquet, and CSV writes them differently
    // (`""` and nothing); the CSV reader tells them apart again (see the round-trip test).
    use std::sync::Arc;
    let schema =
        Arc::new(arrow_schema::Schema::new(vec![arrow_schema::Field::new("t", arrow_schema::DataType::Utf8, true)]));
    let batch = arrow_array::RecordBatch::try_new(
        schema.clone(),
        vec![Arc::new(arrow_array::StringArray::from(vec![Some(""), None, Some("x")]))],
    )
    .unwrap();
    let t = Dataset::new("t", schema, vec![batch]);
    let back = load("t.parquet", &write_dataset(&t, FileFormat::PARQUET).unwrap());
    assert_eq!(content_hash(&back.schema, &back.batches), content_hash(&t.schema, &t.batches));
    assert_eq!(csv_of(&back), "t\n\"\"\n\nx\n");
    // With one column the null row is a blank line, and the CSV reader reads it back as null:
    // CSV → Arrow → CSV keeps all three rows.
    let again = load("t.csv", csv_of(&t).as_bytes());
    assert_eq!(content_hash(&again.schema, &again.batches), content_hash(&t.schema, &t.batches));
    // The same for a single numeric column with nulls first, between and last.
    let ints = "n\n\n1\n\n-9223372036854775808\n\n";
    let d = load("n.csv", ints.as_bytes());
    assert_eq!(d.num_rows(), 5);
    assert_eq!(d.batches[0].column(0).null_count(), 3);
    assert_eq!(csv_of(&d), ints);
}
