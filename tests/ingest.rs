//! Ingest on committed fixtures: every malformed input gets its clear message with a location,
//! and valid files in every supported dialect, encoding and format load with the right types.
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;

use arrow_array::cast::AsArray;
use arrow_schema::DataType;
use strata::core::error::{chain, CoreError};
use strata::core::ingest::{
    self, sniff::TextEncoding, IngestOptions, IssueKind, Loaded, RaggedPolicy, TypeErrorPolicy,
};

fn path(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(rel)
}

fn load_with(rel: &str, options: &IngestOptions) -> Result<Loaded, CoreError> {
    let bytes = std::fs::read(path(rel)).expect("fixture exists");
    let name = rel.rsplit('/').next().unwrap();
    ingest::load_bytes(name, &bytes, options)
}

fn load(rel: &str) -> Result<Loaded, CoreError> {
    load_with(rel, &IngestOptions::default())
}

fn rows(l: &Loaded) -> usize {
    l.batches.iter().map(|b| b.num_rows()).sum()
}

// ---------- malformed input: tests/data/invalid ----------

#[test]
fn ragged_rows_are_set_aside_with_line_and_counts() {
    let l = load("invalid/ragged.csv").unwrap();
    assert_eq!(rows(&l), 2);
    assert_eq!(l.report.rows_set_aside, 2);
    let i = &l.report.issues;
    assert_eq!((i[0].line, i[0].kind, i[0].message.as_str()), (3, IssueKind::RaggedRow, "expected 3 fields, found 2"));
    assert_eq!((i[1].line, i[1].message.as_str()), (4, "expected 3 fields, found 4"));
    assert_eq!(i[1].raw, "3,cy,30,extra");
    assert!(l.report.warnings[0].starts_with("2 rows were set aside"), "{:?}", l.report.warnings);
    // Padding keeps the short row (with a null) and still sets the long one aside.
    let padded =
        load_with("invalid/ragged.csv", &IngestOptions { on_ragged: RaggedPolicy::Pad, ..Default::default() }).unwrap();
    assert_eq!(rows(&padded), 3);
    assert_eq!(padded.report.rows_set_aside, 1);
}

#[test]
fn unterminated_quote_names_the_line_where_it_opened() {
    let e = load("invalid/unterminated_quote.csv").unwrap_err();
    assert!(matches!(e, CoreError::UnterminatedQuote { line: 3 }), "{e}");
    assert_eq!(
        chain(&e),
        "unterminated quoted field: the quote opened on line 3 is never closed, so the rest of the file would be swallowed into one value"
    );
}

#[test]
fn invalid_utf8_gives_the_byte_offset() {
    // Sniffing sees the bad byte and reads the file as Windows-1252, and says so ...
    let l = load("invalid/invalid_utf8.csv").unwrap();
    let d = l.report.dialect.as_ref().unwrap();
    assert_eq!(d.encoding, TextEncoding::Windows1252);
    assert!(d.evidence[0].contains("byte 0xE3 at offset 19"), "{:?}", d.evidence);
    assert_eq!(l.batches[0].column(1).as_string::<i32>().value(1), "São Paulo");
    // ... and when UTF-8 is insisted on, the error says where.
    let mut o = IngestOptions::default();
    o.dialect.encoding = Some(TextEncoding::Utf8);
    let e = load_with("invalid/invalid_utf8.csv", &o).unwrap_err();
    assert!(matches!(e, CoreError::InvalidUtf8 { offset: 19, line: 3 }), "{e}");
    assert!(e.to_string().starts_with("invalid UTF-8 at byte offset 19 (line 3)"));
}

#[test]
fn empty_file() {
    let e = load("invalid/empty.csv").unwrap_err();
    assert_eq!(e.to_string(), "the file is empty (0 bytes): there is nothing to load");
}

#[test]
fn header_only_file_loads_zero_rows_with_a_warning() {
    let l = load("invalid/header_only.csv").unwrap();
    assert_eq!(rows(&l), 0);
    assert_eq!(l.schema.fields().len(), 3);
    assert_eq!(l.report.warnings, vec!["the file has a header but no data rows: 0 rows loaded".to_string()]);
}

#[test]
fn binary_data_named_csv_is_refused_with_what_it_is() {
    let e = load("invalid/binary.csv").unwrap_err();
    assert_eq!(e.kind(), "binary_data");
    assert!(e.to_string().contains("a NUL byte at byte offset 8"), "{e}");
    assert!(e.to_string().contains("it is an image"), "{e}");
    let e = ingest::load_text_bytes(
        "x.csv",
        &std::fs::read(path("invalid/parquet_named.csv")).unwrap(),
        &IngestOptions::default(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("probably a Parquet file"), "{e}");
}

#[test]
fn five_thousand_columns_load() {
    let l = load("invalid/wide_5001_columns.csv").unwrap();
    assert_eq!(l.schema.fields().len(), 5001);
    assert_eq!(rows(&l), 3);
    assert_eq!(l.schema.field(5000).name(), "c5000");
    assert_eq!(l.schema.field(5000).data_type(), &DataType::Int64);
}

#[test]
fn a_ten_megabyte_field_loads_whole() {
    // Generated rather than committed: 10 MB of one value between quotes.
    let big = "x".repeat(10 << 20);
    let data = format!("id,blob\n1,\"{big}\"\n2,small\n");
    let l = ingest::load_text_bytes("big.csv", data.as_bytes(), &IngestOptions::default()).unwrap();
    assert_eq!(rows(&l), 2);
    assert_eq!(l.batches[0].column(1).as_string::<i32>().value(0).len(), 10 << 20);
}

#[test]
fn truncated_parquet_is_a_clear_error() {
    let e = load("invalid/truncated.parquet").unwrap_err();
    assert_eq!(e.kind(), "parquet");
    assert!(e.to_string().contains("the file is truncated"), "{e}");
}

#[test]
fn broken_json_lines_are_set_aside_with_line_numbers() {
    let l = load("invalid/not_json.jsonl").unwrap();
    assert_eq!(rows(&l), 2);
    let lines: Vec<u64> = l.report.issues.iter().map(|i| i.line).collect();
    assert_eq!(lines, vec![2, 3]);
    assert!(l.report.issues.iter().all(|i| i.kind == IssueKind::InvalidJson));
}

// ---------- valid input ----------

#[test]
fn semicolon_windows_1252_is_sniffed_and_shown() {
    let l = load("semicolon_latin1.csv").unwrap();
    let d = l.report.dialect.as_ref().unwrap();
    assert_eq!((d.encoding, d.delimiter, d.has_header), (TextEncoding::Windows1252, b';', true));
    assert_eq!(l.batches[0].column(0).as_string::<i32>().value(0), "Müller");
    assert_eq!(l.batches[0].column(1).as_string::<i32>().value(2), "Århus");
    // 03.04.2024, 15.04.2024, 30.04.2024: only day-first fits.
    assert_eq!(l.schema.field(3).data_type(), &DataType::Date32);
    assert!(l.report.columns[3].note.as_deref().unwrap().contains("day/month/year"));
}

#[test]
fn ambiguous_dates_are_asked_about_not_guessed() {
    let l = load("dates_ambiguous.csv").unwrap();
    assert_eq!(l.schema.field(1).data_type(), &DataType::Utf8);
    let amb = l.report.columns[1].ambiguous_dates.as_ref().expect("ambiguity reported");
    assert_eq!(amb.example, "01/02/2024");
    // The user's choice is applied, and differs between the two orders.
    let pick = |order| {
        let mut o = IngestOptions::default();
        o.column_types.insert("order_date".into(), ingest::ColumnType::Date { order });
        let l = load_with("dates_ambiguous.csv", &o).unwrap();
        l.batches[0].column(1).as_primitive::<arrow_array::types::Date32Type>().value(0)
    };
    assert_eq!(pick(ingest::DateOrder::Dmy), 19754); // 2024-01-02... as 1 Feb 2024
    assert_eq!(pick(ingest::DateOrder::Mdy), 19724); // 2 Jan 2024
}

#[test]
fn tsv_utf16_quoted_and_jsonl() {
    let t = load("orders.tsv").unwrap();
    assert_eq!(t.report.dialect.as_ref().unwrap().delimiter, b'\t');
    assert_eq!(t.schema.field(2).data_type(), &DataType::Float64);
    let u = load("utf16le.csv").unwrap();
    assert_eq!(u.report.dialect.as_ref().unwrap().encoding, TextEncoding::Utf16Le);
    assert_eq!(u.batches[0].column(1).as_string::<i32>().value(0), "Zürich");
    let q = load("quoted.csv").unwrap();
    let text = q.batches[0].column(1).as_string::<i32>();
    assert_eq!((text.value(0), text.value(1), text.value(2)), ("a, b", "say \"hi\"", "two\nlines"));
    let j = load("events.jsonl").unwrap();
    assert_eq!(rows(&j), 3);
    assert_eq!(
        j.schema.field(2).data_type(),
        &DataType::Timestamp(arrow_schema::TimeUnit::Microsecond, Some("UTC".into()))
    );
}

#[test]
fn type_errors_follow_the_users_policy() {
    let mut data = String::from("n,label\n");
    for i in 0..12_000 {
        data.push_str(&format!("{i},x\n"));
    }
    data.push_str("twelve thousand,y\n");
    let fallback = ingest::load_text_bytes("t.csv", data.as_bytes(), &IngestOptions::default()).unwrap();
    assert_eq!(fallback.schema.field(0).data_type(), &DataType::Utf8);
    assert_eq!(fallback.report.fell_back_to_string, vec!["n"]);
    let aside = IngestOptions { on_type_error: TypeErrorPolicy::SetAside, ..Default::default() };
    let set_aside = ingest::load_text_bytes("t.csv", data.as_bytes(), &aside).unwrap();
    assert_eq!(set_aside.schema.field(0).data_type(), &DataType::Int64);
    assert_eq!(set_aside.report.issues[0].line, 12_002);
    assert_eq!(set_aside.report.issues[0].message, "\"twelve thousand\" is not a valid int64");
}

#[test]
fn null_tokens_are_configurable() {
    let data = b"a,b\n1,NA\n2,-\n3,missing\n";
    let l = ingest::load_text_bytes("t.csv", data, &IngestOptions::default()).unwrap();
    assert_eq!(l.batches[0].column(1).null_count(), 2);
    let mut o = IngestOptions::default();
    o.null_tokens.push("missing".into());
    let l = ingest::load_text_bytes("t.csv", data, &o).unwrap();
    assert_eq!(l.batches[0].column(1).null_count(), 3);
}

// ---------- Parquet written by pyarrow (tests/data/parquet/make_fixtures.py) ----------

#[test]
fn parquet_footer_is_read_alone_and_summarised() {
    let bytes = bytes::Bytes::from(std::fs::read(path("parquet/orders_zstd.parquet")).unwrap());
    let (_, meta) = ingest::parquet::read_metadata(&bytes).unwrap();
    assert_eq!(meta.rows, 60);
    assert_eq!(meta.row_groups.iter().map(|g| g.rows).collect::<Vec<_>>(), vec![25, 25, 10]);
    let amount = meta.columns.iter().find(|c| c.path == "amount").unwrap();
    assert_eq!(amount.codecs, vec!["ZSTD(ZstdLevel(1))".to_string()]);
    assert!(meta.columns.iter().any(|c| c.path == "address.city"), "nested leaves are listed");
    let customer = meta.columns.iter().find(|c| c.path == "customer").unwrap();
    assert!(customer.encodings.iter().any(|e| e.contains("DICTIONARY")), "{:?}", customer.encodings);
    assert_eq!(meta.columns.iter().find(|c| c.path == "score").unwrap().null_count, Some(7));
}

#[test]
fn parquet_every_codec_gives_the_same_table() {
    let mut hashes = std::collections::BTreeSet::new();
    for codec in ["zstd", "snappy", "gzip", "lz4", "brotli", "none"] {
        let l = load(&format!("parquet/orders_{codec}.parquet")).unwrap();
        assert_eq!(rows(&l), 60, "{codec}");
        hashes.insert(strata::core::export::content_hash(&l.schema, &l.batches));
    }
    assert_eq!(hashes.len(), 1, "all codecs decode to identical values");
}

#[test]
fn parquet_nested_timestamps_and_decimals_display_readably() {
    let l = load("parquet/orders_zstd.parquet").unwrap();
    let d = strata::core::Dataset::from_loaded("orders", "orders_zstd.parquet", l);
    let names: Vec<_> = d.schema.fields().iter().map(|f| f.name().as_str()).collect();
    assert_eq!(names, ["order_id", "customer", "amount", "ordered_at", "tags", "address", "flagged", "score"]);
    assert_eq!(d.schema.field(2).data_type(), &DataType::Decimal128(12, 2));
    let page = d.page(1, 1);
    let row: Vec<String> = page.rows[0].iter().map(|c| c.clone().unwrap_or_else(|| "∅".into())).collect();
    assert_eq!(row[0], "2");
    assert_eq!(row[1], "bob");
    assert_eq!(row[2], "7.01");
    assert_eq!(row[3], "2024-01-01T16:30:00Z");
    assert_eq!(row[4], "[bulk, b2b]");
    assert_eq!(row[5], "{city: Oslo, zip: 1001}");
}

// ---------- a reservoir sample kept while loading ----------

/// Algorithm R written out over row indices, with the sampler's seeded generator.
fn algorithm_r(n: u64, k: u64, seed: u64) -> Vec<u64> {
    let mut rng = strata::core::sample::SampleRng::new(seed);
    let mut slots: Vec<u64> = Vec::new();
    for i in 0..n {
        if i < k {
            slots.push(i);
        } else {
            let j = rng.below(i + 1);
            if j < k {
                slots[j as usize] = i;
            }
        }
    }
    slots.sort_unstable();
    slots
}

fn rows_of(l: &Loaded, picked: &[u64]) -> Vec<arrow_array::RecordBatch> {
    let all = arrow_select::concat::concat_batches(&l.schema, &l.batches).unwrap();
    let at: arrow_array::UInt32Array = picked.iter().map(|&i| i as u32).collect();
    vec![arrow_select::take::take_record_batch(&all, &at).unwrap()]
}

#[test]
fn a_reservoir_kept_while_loading_is_exact_seeded_and_algorithm_r() {
    use strata::core::export::content_hash;
    use strata::core::sample::{LoadReservoir, ReservoirAlgorithm};
    let rel = "sample/customers_ordered.csv";
    let sampled = |size, seed, algorithm| {
        let reservoir = Some(LoadReservoir { size, seed, algorithm });
        load_with(rel, &IngestOptions { batch_rows: 64, reservoir, ..Default::default() }).unwrap()
    };
    let full = load(rel).unwrap();
    assert_eq!(rows(&full), 600);
    let l = sampled(50, 7, ReservoirAlgorithm::R);
    assert_eq!(rows(&l), 50);
    assert_eq!((l.report.rows_loaded, l.report.rows_read), (50, Some(600)));
    assert!(
        l.report.warnings.iter().any(|w| w.contains("50 of the 600 rows") && w.contains("seed 7")),
        "{:?}",
        l.report.warnings
    );
    assert_eq!(l.schema, full.schema, "types are inferred as for the whole file");
    let hash = |l: &Loaded| content_hash(&l.schema, &l.batches);
    // Exactly the rows Algorithm R picks over the file's rows, in file order.
    assert_eq!(hash(&l), content_hash(&full.schema, &rows_of(&full, &algorithm_r(600, 50, 7))));
    // Deterministic by seed, whatever the batch size; another seed gives other rows.
    assert_eq!(hash(&l), hash(&sampled(50, 7, ReservoirAlgorithm::R)));
    let other_batches = IngestOptions {
        batch_rows: 1000,
        reservoir: Some(LoadReservoir { size: 50, seed: 7, algorithm: ReservoirAlgorithm::R }),
        ..Default::default()
    };
    assert_eq!(hash(&l), hash(&load_with(rel, &other_batches).unwrap()));
    assert_ne!(hash(&l), hash(&sampled(50, 8, ReservoirAlgorithm::R)));
    // Algorithm L: the same rows as the in-memory reservoir step over the loaded table.
    let l = sampled(40, 3, ReservoirAlgorithm::L);
    let mut r = strata::core::sample::methods::Reservoir::new(40, ReservoirAlgorithm::L, 3);
    r.offer(600);
    assert_eq!(hash(&l), content_hash(&full.schema, &rows_of(&full, &r.finish())));
    // More rows asked than the file has: all of them.
    assert_eq!(hash(&sampled(1000, 1, ReservoirAlgorithm::R)), hash(&full));
    // The option is part of the recorded load options, so a replay reads the same rows.
    let options = other_batches.clone();
    let json = serde_json::to_string(&options).unwrap();
    assert!(json.contains(r#""reservoir":{"size":50,"seed":7,"algorithm":"r"}"#), "{json}");
    let back: IngestOptions = serde_json::from_str(&json).unwrap();
    assert_eq!(back, options);
    assert!(!serde_json::to_string(&IngestOptions::default()).unwrap().contains("reservoir"));
    // JSON Lines and Parquet too.
    let two = IngestOptions {
        reservoir: Some(LoadReservoir { size: 2, seed: 1, algorithm: ReservoirAlgorithm::R }),
        ..Default::default()
    };
    let j = load_with("events.jsonl", &two).unwrap();
    assert_eq!((rows(&j), j.report.rows_read), (2, Some(3)));
    let p = load_with("parquet/orders_none.parquet", &two).unwrap();
    let all = load("parquet/orders_none.parquet").unwrap();
    assert_eq!((rows(&p), p.report.rows_read), (2, Some(rows(&all) as u64)));
}
