//! `strata`: the same core as the browser app, on the command line.

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use std::io::Read;
    use std::path::{Path, PathBuf};
    use std::process::ExitCode;

    use clap::{Parser, Subcommand};
    use serde_json::json;
    use strata::core::error::{chain, CoreError};
    use strata::core::ingest::{self, IngestOptions, Loaded, RaggedPolicy, SourceFormat, TypeErrorPolicy};
    use strata::core::profile;

    #[derive(Parser)]
    #[command(name = "strata", version, about = "Strata's data-preparation core on the command line")]
    struct Cli {
        #[command(subcommand)]
        command: Command,
    }

    #[derive(Subcommand)]
    enum Command {
        /// Print a file's schema, row count, sniffed dialect and load errors as JSON.
        Inspect {
            file: PathBuf,
            #[command(flatten)]
            load: LoadArgs,
        },
        /// Profile a file: per-column statistics, correlations and quality alerts.
        Profile {
            file: PathBuf,
            /// Write the whole profile as JSON (otherwise a short text summary).
            #[arg(long)]
            json: bool,
            /// The label column to check for leakage (default: guessed from its name).
            #[arg(long)]
            label: Option<String>,
            /// Also measure the table's size as CSV and as Parquet with each codec.
            #[arg(long)]
            formats: bool,
            #[command(flatten)]
            load: LoadArgs,
        },
        /// Run a recipe (a Strata recipe JSON, or a lineage JSON that carries one) on input files
        /// and write its outputs and a lineage JSON into a directory.
        Run {
            recipe: PathBuf,
            /// The input files (matched to the recipe's load steps by name, then by SHA-256).
            #[arg(required = true)]
            inputs: Vec<PathBuf>,
            #[arg(long)]
            out: PathBuf,
            /// Format of outputs the recipe does not record an export for: csv, jsonl, parquet,
            /// parquet-snappy, parquet-uncompressed.
            #[arg(long, default_value = "parquet")]
            format: String,
        },
        /// Replay a lineage JSON (or a bundle zip downloaded from the app, whose lineage.json
        /// is used): run its recipe, write the same files, and check that every dataset and
        /// file has the recorded SHA-256 (exit status 1 when one differs).
        Replay {
            lineage: PathBuf,
            #[arg(required = true)]
            inputs: Vec<PathBuf>,
            #[arg(long)]
            out: PathBuf,
            #[arg(long, default_value = "parquet")]
            format: String,
        },
        /// Compare two files: schema diff, drift per shared column, and a row diff by key
        /// (or of whole rows without --key).
        Compare {
            /// The reference ("before", "train", "v1").
            left: PathBuf,
            /// The file compared with it ("after", "test", "v2").
            right: PathBuf,
            /// Key column for the row diff (repeat for a composite key).
            #[arg(long = "key")]
            keys: Vec<String>,
            /// Write the whole report as JSON (otherwise the verdict and the findings as text).
            #[arg(long)]
            json: bool,
            /// How many changed, added and removed rows the report lists.
            #[arg(long, default_value_t = 100)]
            max_listed: usize,
            /// Drift thresholds as JSON (inline, or a path to a .json file); missing fields keep
            /// their defaults, e.g. '{"psi_drift": 0.5, "psi_bins": 20}'.
            #[arg(long, value_name = "JSON")]
            thresholds: Option<String>,
            /// Compute only drift per column or only the row diff (default: both).
            #[arg(long, value_name = "drift|rows", value_parser = ["drift", "rows", "both"])]
            only: Option<String>,
            #[command(flatten)]
            load: LoadArgs,
        },
        /// Check a file against a Table Schema: prints the JSON report, writes the valid and the
        /// quarantined rows beside FILE (FILE's stem + .valid.csv / .invalid.csv), and exits
        /// non-zero when any error-severity rule fails.
        Validate {
            file: PathBuf,
            /// The rules: a Frictionless Table Schema JSON file (with Strata's extensions).
            #[arg(long)]
            schema: PathBuf,
            /// A dataset the rules refer to (foreign keys, reference distributions), as NAME=FILE.
            #[arg(long = "reference", value_name = "NAME=FILE")]
            references: Vec<String>,
            /// Example rows kept per rule.
            #[arg(long, default_value_t = 5)]
            max_examples: usize,
            #[command(flatten)]
            load: LoadArgs,
        },
        /// Write a built-in example's files (the same bytes the browser app loads): transactions,
        /// patients, employees, customers_orders, trips, sales_orders. Without an id, list them.
        Example {
            id: Option<String>,
            /// Directory to write into (created if needed).
            #[arg(short, long, default_value = ".")]
            out: PathBuf,
        },
        /// Write the deterministic synthetic orders table (benchmarks and demos).
        Synth {
            /// Number of rows.
            #[arg(long, default_value_t = 100_000)]
            rows: u64,
            #[arg(long, default_value_t = 42)]
            seed: u64,
            /// Output file: .csv, or .parquet (zstd unless --codec says otherwise).
            #[arg(long)]
            out: PathBuf,
            /// Parquet codec: zstd, snappy, uncompressed.
            #[arg(long, default_value = "zstd")]
            codec: String,
        },
    }

    #[derive(clap::Args)]
    struct LoadArgs {
        /// Field delimiter (one character, or "tab").
        #[arg(long)]
        delimiter: Option<String>,
        /// Text encoding: utf-8, utf-8-bom, utf-16-le, utf-16-be, windows-1252.
        #[arg(long)]
        encoding: Option<String>,
        /// The first row is data, not column names.
        #[arg(long)]
        no_header: bool,
        /// Set rows whose values break their column's type aside instead of reading the column as text.
        #[arg(long)]
        set_aside_type_errors: bool,
        /// Pad short rows with nulls instead of setting them aside.
        #[arg(long)]
        pad_short_rows: bool,
    }

    impl LoadArgs {
        fn options(&self) -> Result<IngestOptions, String> {
            let mut o = IngestOptions::default();
            if let Some(d) = &self.delimiter {
                o.dialect.delimiter = Some(match d.as_str() {
                    "tab" | "\\t" => b'\t',
                    s if s.len() == 1 => s.as_bytes()[0],
                    s => return Err(format!("--delimiter must be one character or \"tab\", not {s:?}")),
                });
            }
            if let Some(e) = &self.encoding {
                o.dialect.encoding = Some(serde_json::from_value(json!(e.to_lowercase())).map_err(|_| {
                    format!("unknown --encoding {e:?} (utf-8, utf-8-bom, utf-16-le, utf-16-be, windows-1252)")
                })?);
            }
            if self.no_header {
                o.dialect.has_header = Some(false);
            }
            if self.set_aside_type_errors {
                o.on_type_error = TypeErrorPolicy::SetAside;
            }
            if self.pad_short_rows {
                o.on_ragged = RaggedPolicy::Pad;
            }
            Ok(o)
        }
    }

    pub fn main() -> ExitCode {
        // Panics are bugs (or an upstream reader tripping on a corrupt file, which the core turns
        // into an error); say so in one line instead of a backtrace.
        std::panic::set_hook(Box::new(|info| eprintln!("strata: internal error (please report it): {info}")));
        let cli = Cli::parse();
        // `validate` has three outcomes: 0 passed (or only warnings), 1 an error rule failed or
        // the loader set rows aside, 2 the file, a reference or the schema could not be used.
        if let Command::Validate { file, schema, references, max_examples, load } = cli.command {
            return match validate(&file, &schema, &references, max_examples, &load) {
                Ok(code) => code,
                Err(msg) => {
                    eprintln!("strata: {msg}");
                    ExitCode::from(2)
                }
            };
        }
        match run(cli) {
            Ok(()) => ExitCode::SUCCESS,
            Err(msg) => {
                eprintln!("strata: {msg}");
                ExitCode::FAILURE
            }
        }
    }

    fn run(cli: Cli) -> Result<(), String> {
        match cli.command {
            Command::Run { recipe, inputs, out, format } => run_recipe(&recipe, &inputs, &out, &format, false),
            Command::Replay { lineage, inputs, out, format } => run_recipe(&lineage, &inputs, &out, &format, true),
            Command::Inspect { file, load } => {
                let options = load.options()?;
                let loaded = load_path(&file, &options).map_err(|e| format!("{}: {}", file.display(), chain(&e)))?;
                let rows: u64 = loaded.batches.iter().map(|b| b.num_rows() as u64).sum();
                let schema: Vec<_> = loaded
                    .schema
                    .fields()
                    .iter()
                    .map(|f| json!({"name": f.name(), "type": f.data_type().to_string(), "nullable": f.is_nullable()}))
                    .collect();
                let out = json!({
                    "file": file.display().to_string(),
                    "format": loaded.report.format,
                    "bytes": loaded.source_bytes,
                    "sha256": loaded.source_sha256,
                    "rows": rows,
                    "schema": schema,
                    "dialect": loaded.report.dialect,
                    "columns": loaded.report.columns,
                    "rows_set_aside": loaded.report.rows_set_aside,
                    "load_errors": loaded.report.issues,
                    "warnings": loaded.report.warnings,
                    "fell_back_to_string": loaded.report.fell_back_to_string,
                    "parquet": loaded.report.parquet,
                });
                println!("{}", serde_json::to_string_pretty(&out).expect("json"));
                Ok(())
            }
            Command::Profile { file, json, label, formats, load } => {
                let options = load.options()?;
                let loaded = load_path(&file, &options).map_err(|e| format!("{}: {}", file.display(), chain(&e)))?;
                let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                let dataset = strata::core::Dataset::from_loaded(&name, &name, loaded);
                let profile_options = profile::ProfileOptions { label, ..Default::default() };
                let p = profile::profile(&dataset, &profile_options).map_err(|e| chain(&e))?;
                let sizes = if formats { Some(profile::format_sizes(&dataset).map_err(|e| chain(&e))?) } else { None };
                if json {
                    let mut v = serde_json::to_value(&p).expect("json");
                    if let Some(s) = sizes {
                        v["formats"] = serde_json::to_value(s).expect("json");
                    }
                    println!("{}", serde_json::to_string_pretty(&v).expect("json"));
                } else {
                    println!("{}: {} rows, {} columns, {} alerts", name, p.rows, p.columns.len(), p.alerts.len());
                    for a in &p.alerts {
                        println!("- {}: {}", a.title, a.detail);
                    }
                    if let Some(s) = sizes {
                        println!(
                            "CSV {} bytes; Parquet {}",
                            s.csv_bytes,
                            s.parquet.iter().map(|c| format!("{} {}", c.codec, c.bytes)).collect::<Vec<_>>().join(", ")
                        );
                    }
                }
                Ok(())
            }
            Command::Compare { left, right, keys, json, max_listed, thresholds, only, load } => {
                let parts = only.as_deref().and_then(strata::core::compare::CompareParts::parse).unwrap_or_default();
                compare(&left, &right, &keys, json, max_listed, thresholds.as_deref(), parts, &load)
            }
            Command::Validate { .. } => unreachable!("handled in main"),
            Command::Example { id, out } => example(id.as_deref(), &out),
            Command::Synth { rows, seed, out, codec } => {
                synth(rows, seed, &out, &codec).map_err(|e| format!("{}: {e}", out.display()))
            }
        }
    }

    /// Writes an example's files into `out` and prints each name with its SHA-256.
    fn example(id: Option<&str>, out: &Path) -> Result<(), String> {
        use strata::core::examples::{generate, Example};
        let Some(id) = id else {
            for e in Example::ALL {
                println!("{:<17} {}: {}", e.id(), e.info().title, e.info().lesson);
            }
            return Ok(());
        };
        let ids = || Example::ALL.map(|e| e.id()).join(", ");
        let e = Example::from_id(id).ok_or_else(|| format!("no example {id:?} (the examples: {})", ids()))?;
        std::fs::create_dir_all(out).map_err(|err| format!("{}: {err}", out.display()))?;
        for (name, bytes) in generate(e) {
            let path = out.join(&name);
            std::fs::write(&path, &bytes).map_err(|err| format!("{}: {err}", path.display()))?;
            use sha2::Digest as _;
            let sha: String = sha2::Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
            println!("{sha}  {}", path.display());
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn compare(
        left: &Path,
        right: &Path,
        keys: &[String],
        json: bool,
        max_listed: usize,
        thresholds: Option<&str>,
        parts: strata::core::compare::CompareParts,
        load: &LoadArgs,
    ) -> Result<(), String> {
        use strata::core::compare;
        let thresholds: strata::core::stats::DriftThresholds = match thresholds {
            None => Default::default(),
            Some(t) => {
                let text = if t.trim_start().starts_with('{') {
                    t.to_string()
                } else {
                    std::fs::read_to_string(t).map_err(|e| format!("--thresholds {t}: {e}"))?
                };
                serde_json::from_str(&text).map_err(|e| format!("--thresholds: {e}"))?
            }
        };
        let options = load.options()?;
        let dataset = |path: &Path| -> Result<strata::core::Dataset, String> {
            let loaded = load_path(path, &options).map_err(|e| format!("{}: {}", path.display(), chain(&e)))?;
            let file = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let name = file.rsplit_once('.').map_or(file.as_str(), |(s, _)| s).to_string();
            Ok(strata::core::Dataset::from_loaded(&name, &file, loaded))
        };
        let (l, mut r) = (dataset(left)?, dataset(right)?);
        if r.name == l.name {
            r.name = format!("{}_2", r.name);
        }
        let report = compare::compare_parts(&l, &r, keys, &thresholds, max_listed, parts).map_err(|e| chain(&e))?.0;
        if json {
            println!("{}", serde_json::to_string_pretty(&report).expect("json"));
            return Ok(());
        }
        println!("{}\n", report.verdict);
        println!("Schema: {:?}", report.schema.compatibility);
        for reason in &report.schema.reasons {
            println!("- {reason}");
        }
        if let Some(note) = &report.schema.rename_note {
            println!("- note: {note}");
        }
        if parts.drift() {
            println!("\nDrift:");
            for d in &report.drift {
                println!("- {} [{:?}] {}", d.drift.column, d.drift.severity, d.drift.reason);
            }
        }
        if !parts.rows() {
            return Ok(());
        }
        let rows = &report.rows;
        println!(
            "\nRows: {} matched, {} changed, {} added, {} removed",
            rows.matched, rows.changed, rows.added, rows.removed
        );
        if let Some(note) = &rows.note {
            println!("({note})");
        }
        for c in rows.changed_rows.iter().take(10) {
            let key: Vec<String> = c.key.iter().map(|k| k.clone().unwrap_or_default()).collect();
            let fields: Vec<String> = c
                .changes
                .iter()
                .map(|f| {
                    format!("{}: {} → {}", f.column, f.old.as_deref().unwrap_or("∅"), f.new.as_deref().unwrap_or("∅"))
                })
                .collect();
            println!("- {}: {}", key.join(", "), fields.join("; "));
        }
        Ok(())
    }

    fn validate(
        file: &Path,
        schema: &Path,
        references: &[String],
        max_examples: usize,
        load: &LoadArgs,
    ) -> Result<ExitCode, String> {
        use strata::core::validate::{validate, Severity, TableSchema};
        let text = std::fs::read_to_string(schema).map_err(|e| format!("{}: {e}", schema.display()))?;
        let rules = TableSchema::from_json(&text).map_err(|e| format!("{}: {}", schema.display(), chain(&e)))?;
        // The schema says which cell texts are missing values (Table Schema's default: only "").
        let mut options = load.options()?;
        options.null_tokens = rules.missing_values.clone().unwrap_or_else(|| vec![String::new()]);
        // Each dataset with what its load set aside (rows that did not parse: ragged, bad bytes…).
        let read = |name: &str, path: &Path| -> Result<(strata::core::Dataset, serde_json::Value, u64), String> {
            let loaded = load_path(path, &options).map_err(|e| format!("{}: {}", path.display(), chain(&e)))?;
            let r = &loaded.report;
            let set_aside = r.rows_set_aside;
            let report = json!({
                "file": path.display().to_string(),
                "rows_loaded": r.rows_loaded,
                "rows_set_aside": set_aside,
                "issue_counts": r.issue_counts,
                "issues": r.issues,
                "warnings": r.warnings,
            });
            let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            Ok((strata::core::Dataset::from_loaded(name, &file_name, loaded), report, set_aside))
        };
        let stem = file.file_stem().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "data".into());
        let mut datasets = std::collections::BTreeMap::new();
        let mut load_reports = serde_json::Map::new();
        for r in references {
            let (name, path) = r.split_once('=').ok_or_else(|| format!("--reference takes NAME=FILE, not {r:?}"))?;
            let (d, report, _) = read(name, Path::new(path))?;
            datasets.insert(name.to_string(), d);
            load_reports.insert(name.to_string(), report);
        }
        let (data, report, set_aside) = read(&stem, file)?;
        load_reports.insert(stem.clone(), report);
        let (valid_name, invalid_name) = (format!("{stem}.valid"), format!("{stem}.invalid"));
        let v =
            validate(&data, &rules, &datasets, (&valid_name, &invalid_name), max_examples).map_err(|e| chain(&e))?;
        let dir = file.parent().unwrap_or(Path::new("."));
        for d in [&v.valid, &v.quarantine] {
            let bytes =
                strata::core::export::write_dataset(d, strata::core::export::FileFormat::Csv).map_err(|e| chain(&e))?;
            let out = dir.join(format!("{}.csv", d.name));
            std::fs::write(&out, bytes).map_err(|e| format!("{}: {e}", out.display()))?;
        }
        let mut out = v.report.to_json();
        // Rows the loader set aside are counted, not lost: the file's rows are the validated ones
        // plus those, and any makes the verdict fail (as frictionless' extra/missing-cell errors).
        out["rows_set_aside_by_loader"] = json!(set_aside);
        out["rows_in_file"] = json!(v.report.rows + set_aside);
        out["load"] = serde_json::Value::Object(load_reports);
        if set_aside > 0 {
            out["verdict"] = json!("fail");
        }
        println!("{}", serde_json::to_string_pretty(&out).expect("json"));
        let failed = v.report.failed(Severity::Error);
        if failed == 0 && set_aside == 0 {
            return Ok(ExitCode::SUCCESS);
        }
        let mut why = Vec::new();
        if failed > 0 {
            why.push(format!("{failed} error rule{} failed", if failed == 1 { "" } else { "s" }));
        }
        if set_aside > 0 {
            why.push(format!(
                "{set_aside} row{} set aside by the loader (see load.{stem}.issues)",
                if set_aside == 1 { "" } else { "s" }
            ));
        }
        eprintln!(
            "strata: {}; {} of {} rows quarantined in {invalid_name}.csv",
            why.join("; "),
            v.report.quarantined_rows,
            v.report.rows
        );
        Ok(ExitCode::from(1))
    }

    fn synth(rows: u64, seed: u64, out: &Path, codec: &str) -> Result<(), Box<dyn std::error::Error>> {
        use std::io::Write;
        let is_parquet = out.extension().is_some_and(|e| e == "parquet");
        if !is_parquet {
            let mut f = std::io::BufWriter::new(std::fs::File::create(out)?);
            strata::core::synth::write_orders_csv(rows, seed, &mut f)?;
            f.flush()?;
            return Ok(());
        }
        let mut csv = Vec::new();
        strata::core::synth::write_orders_csv(rows, seed, &mut csv)?;
        let loaded = ingest::load_text_bytes("orders.csv", &csv, &IngestOptions::default())?;
        let compression = match codec {
            "zstd" => parquet::basic::Compression::ZSTD(Default::default()),
            "snappy" => parquet::basic::Compression::SNAPPY,
            "uncompressed" => parquet::basic::Compression::UNCOMPRESSED,
            other => return Err(format!("unknown codec {other:?} (zstd, snappy, uncompressed)").into()),
        };
        let props = parquet::file::properties::WriterProperties::builder().set_compression(compression).build();
        let mut w =
            parquet::arrow::ArrowWriter::try_new(std::fs::File::create(out)?, loaded.schema.clone(), Some(props))?;
        for b in &loaded.batches {
            w.write(b)?;
        }
        w.close()?;
        Ok(())
    }

    /// Streams a file from disk through the core, re-reading once if a column falls back to text.
    /// `strata run` and `strata replay`: check every input's SHA-256 before anything runs, replay
    /// the steps, write the recorded exports (or every derived dataset), write `lineage.json`,
    /// print the checks as JSON.
    fn run_recipe(
        recipe_path: &Path,
        inputs: &[PathBuf],
        out: &Path,
        format: &str,
        strict: bool,
    ) -> Result<(), String> {
        use strata::core::export::FileFormat;
        use strata::core::lineage;
        use strata::core::recipe::{self, ReplayCheck};
        let failed = |e: std::io::Error| format!("{}: {e}", recipe_path.display());
        let mut head = [0u8; 4];
        let n =
            std::io::Read::read(&mut std::fs::File::open(recipe_path).map_err(failed)?, &mut head).map_err(failed)?;
        let recipe = if lineage::is_zip(&head[..n]) {
            // A bundle: its lineage.json, read without reading the data files.
            let f = std::io::BufReader::new(std::fs::File::open(recipe_path).map_err(failed)?);
            lineage::recipe_from_bundle(f)
        } else {
            lineage::recipe_from_json(&std::fs::read_to_string(recipe_path).map_err(failed)?)
        }
        .map_err(|e| format!("{}: {}", recipe_path.display(), chain(&e)))?;
        let default_format = FileFormat::parse(format).ok_or_else(|| {
            format!("unknown format {format:?} (csv, jsonl, parquet, parquet-snappy, parquet-uncompressed)")
        })?;
        // Hash every input first: a different file is reported before anything runs.
        let mut hashed = Vec::new();
        for p in inputs {
            let f = std::fs::File::open(p).map_err(|e| format!("{}: {e}", p.display()))?;
            let (sha, bytes) = ingest::SourceHasher::of_reader(f).map_err(|e| format!("{}: {e}", p.display()))?;
            hashed.push((p.clone(), sha, bytes));
        }
        let mut paths = std::collections::BTreeMap::new();
        for source in recipe.sources() {
            let by_hash = hashed.iter().find(|(_, sha, _)| *sha == source.source.sha256);
            match by_hash {
                Some((p, _, _)) => {
                    paths.insert(source.source.sha256.clone(), p.clone());
                }
                None => {
                    let named =
                        hashed.iter().find(|(p, _, _)| p.file_name().is_some_and(|n| n == source.source.name.as_str()));
                    return Err(match named {
                        Some((p, sha, _)) => format!(
                            "{} is not the file the recipe was made from: its SHA-256 is {sha}, the recipe expects {} ({} bytes). Nothing was run.",
                            p.display(), source.source.sha256, source.source.bytes
                        ),
                        None => format!(
                            "no input has the SHA-256 of {} ({}); give that file as an input. Nothing was run.",
                            source.source.name, source.source.sha256
                        ),
                    });
                }
            }
        }
        let (mut session, mut checks) = recipe::replay(&recipe, |l| {
            let p = &paths[&l.source.sha256];
            load_path(p, &l.options)
        })
        .map_err(|e| chain(&e))?;
        std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
        let written: Vec<(Vec<u8>, ReplayCheck)> = if recipe.exports.is_empty() {
            let mut w = Vec::new();
            let derived = recipe.steps.iter().filter(|s| !matches!(s.step, strata::core::recipe::Step::Load(_)));
            for dataset in derived.flat_map(|s| s.step.outputs()) {
                let (bytes, r) = session.export(&dataset, default_format, None).map_err(|e| chain(&e))?;
                w.push((
                    bytes,
                    ReplayCheck { name: r.file_name, kind: "file".into(), recorded: None, actual: r.sha256 },
                ));
            }
            w
        } else {
            session.replay_exports(&recipe.exports).map_err(|e| chain(&e))?
        };
        for (bytes, check) in written {
            let path = out.join(&check.name);
            std::fs::write(&path, &bytes).map_err(|e| format!("{}: {e}", path.display()))?;
            checks.push(check);
        }
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
        let event_time = chrono::DateTime::from_timestamp(now, 0)
            .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
            .unwrap_or_default();
        let ctx = lineage::RunContext { event_time, job_name: None, engine: "cli".into() };
        let recipe_now = session.recipe().clone();
        let event =
            lineage::run_event(&recipe_now, &session.datasets, &recipe_now.exports, &session.assertions(), &ctx)
                .map_err(|e| chain(&e))?;
        let lineage_path = out.join("lineage.json");
        std::fs::write(&lineage_path, serde_json::to_string_pretty(&event).expect("json"))
            .map_err(|e| format!("{}: {e}", lineage_path.display()))?;
        let mismatched: Vec<&ReplayCheck> = checks.iter().filter(|c| c.recorded.is_some() && !c.matches()).collect();
        let report = json!({
            "out": out.display().to_string(),
            "lineage": lineage_path.display().to_string(),
            "checks": checks.iter().map(|c| json!({
                "name": c.name, "kind": c.kind, "recorded": c.recorded, "actual": c.actual,
                "matches": c.recorded.as_ref().map(|_| c.matches()),
            })).collect::<Vec<_>>(),
            "all_match": mismatched.is_empty(),
        });
        println!("{}", serde_json::to_string_pretty(&report).expect("json"));
        if strict && !mismatched.is_empty() {
            let names: Vec<&str> = mismatched.iter().map(|c| c.name.as_str()).collect();
            return Err(format!("{} output(s) differ from the lineage: {}", names.len(), names.join(", ")));
        }
        Ok(())
    }

    pub fn load_path(path: &Path, options: &IngestOptions) -> Result<Loaded, CoreError> {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let mut head = [0u8; 4];
        let n = std::fs::File::open(path)?.read(&mut head)?;
        let format = options.format.unwrap_or_else(|| SourceFormat::detect(&name, &head[..n]));
        if format == SourceFormat::Parquet {
            let (sha, _) = ingest::SourceHasher::of_reader(std::fs::File::open(path)?)?;
            return ingest::parquet::load_with_hash(std::fs::File::open(path)?, sha, options, &mut |_| Ok(()));
        }
        ingest::load_text_from(&name, format, options, || std::fs::File::open(path))
    }
}
