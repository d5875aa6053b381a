//! The Web Worker: a thin shell around the core.
//!
//! It receives a `File` handle (never its bytes), streams it in chunks through the core, posts
//! progress, honours cancel between chunks, keeps the session's datasets, and maps `CoreError`
//! to `WireError`. A panic is reported to the page, which restarts the worker.

mod file;
pub mod hash;

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, File, MessageEvent};

use crate::core::error::{CoreError, Result};
use crate::core::ingest::{self, IngestOptions, SourceFormat, SourceHasher};
use crate::core::recipe::{LoadStep, ReplayCheck, Session, SourceRef, Step, StepInput};
use crate::core::{export, lineage};
use crate::protocol::{DatasetSummary, Phase, Progress, Request, Response, WireError};

pub use file::{read_range, BlobChunkReader};
pub use hash::{hash_file_sync, HashWorker};

/// Bytes read from the `File` per step.
pub const CHUNK_BYTES: u64 = 8 << 20;
/// Above this much wasm memory a load stops with "too large for this tab" instead of letting
/// the allocator fail (wasm32 can address 4 GiB at most).
pub const MEMORY_CEILING: u64 = 3_400 << 20;

thread_local! {
    /// The ceiling in force: `MEMORY_CEILING`, or another set by `set_memory_ceiling` (tests).
    static CEILING: Cell<u64> = const { Cell::new(MEMORY_CEILING) };
}

/// Sets the wasm memory above which a load stops with "too large for this tab" (a test sets
/// it low to take that path without a 1.5 GB file; `MEMORY_CEILING` restores it).
pub fn set_memory_ceiling(bytes: u64) {
    CEILING.with(|c| c.set(bytes));
}
/// Minimum milliseconds between progress messages (≥ 4 a second are sent while reading).
const PROGRESS_EVERY_MS: f64 = 100.0;
/// Files at least this big are hashed by the hash worker while the load parses them; smaller
/// ones are hashed inline (a round trip would cost more than it saves).
pub const PARALLEL_HASH_MIN_BYTES: u64 = 1 << 20;
/// A hash worker that reports nothing for this long, after the load has parsed, is given up
/// (the file is then hashed here).
const HASH_STALL_MS: f64 = 10_000.0;
/// Pieces the hash worker may read ahead of a text load (at most 8 MB each).
const RELAY_AHEAD: u32 = 3;

/// Where responses go: `postMessage` in the real worker, a vector in tests.
pub type Sink = Rc<dyn Fn(Response)>;

/// The worker's state and request handling, independent of how messages arrive.
pub struct Engine {
    session: RefCell<Session>,
    jobs: RefCell<BTreeMap<u64, Rc<Cell<bool>>>>,
    sink: Sink,
    /// Hashes sources on the second core; without it (tests) the load hashes inline.
    hash_worker: Option<Rc<HashWorker>>,
    /// Whether a request has come in (the code warm-up only runs before the first one).
    requested: Cell<bool>,
}

/// Rows of the synthetic table the code warm-up loads and profiles (see `Engine::warm_up_code`).
pub const CODE_WARM_UP_ROWS: u64 = 30_000;
/// How long after Ready the code warm-up waits (the page is still drawing itself).
const CODE_WARM_UP_DELAY_MS: i32 = 300;

impl Engine {
    /// An engine that hashes every source inline, on its own thread.
    pub fn new(sink: Sink) -> Rc<Self> {
        Self::make(sink, None)
    }

    /// An engine that hashes sources of at least `PARALLEL_HASH_MIN_BYTES` in a second worker
    /// running the script at `hash_worker_url` (see `hash`), falling back to inline hashing
    /// when that worker fails.
    pub fn with_hash_worker(sink: Sink, hash_worker_url: &str) -> Rc<Self> {
        Self::make(sink, Some(HashWorker::new(hash_worker_url)))
    }

    /// Starts the hash worker now rather than at the first load.
    pub fn warm_up(&self) {
        if let Some(h) = &self.hash_worker {
            h.warm_up();
        }
    }

    fn make(sink: Sink, hash_worker: Option<Rc<HashWorker>>) -> Rc<Self> {
        Rc::new(Engine {
            session: RefCell::new(Session::default()),
            jobs: RefCell::new(BTreeMap::new()),
            sink,
            hash_worker,
            requested: Cell::new(false),
        })
    }

    /// Loads and profiles a small synthetic table (ids, decimals, dates, text, booleans, nulls),
    /// then forgets it, unless a request came first; returns whether it ran.
    ///
    /// V8 runs wasm first as quickly compiled baseline code and switches a function to optimized
    /// code only at a later call once it has run enough, never in the middle of a call. So the
    /// user's first load and first profile would otherwise run their hot loops as baseline code
    /// (the profile's first run took 595 ms against 496 ms for later ones in Node). Run while
    /// the page is idle, this takes about 0.22 s of CPU (mostly in baseline code) and leaves the
    /// parse and profile code optimized for the first real file.
    pub fn warm_up_code(&self) -> bool {
        if self.requested.get() {
            return false;
        }
        let mut csv = Vec::new();
        if crate::core::synth::write_orders_csv(CODE_WARM_UP_ROWS, 7, &mut csv).is_err() {
            return false;
        }
        let Ok(loaded) = ingest::load_text_bytes("warm-up.csv", &csv, &IngestOptions::default()) else {
            return false;
        };
        drop(csv);
        let dataset = crate::core::dataset::Dataset::from_loaded("warm-up", "warm-up.csv", loaded);
        crate::core::profile::profile(&dataset, &Default::default()).is_ok()
    }

    fn send(&self, r: Response) {
        (self.sink)(r)
    }

    /// Handles one request. Long work runs as a local future; this returns at once.
    pub fn handle(self: &Rc<Self>, request: Request, file: Option<File>) {
        self.handle_with_files(request, file.into_iter().collect())
    }

    /// Handles one request that came with any number of files.
    pub fn handle_with_files(self: &Rc<Self>, request: Request, mut files: Vec<File>) {
        self.requested.set(true);
        let file = if files.is_empty() { None } else { Some(files.remove(0)) };
        match request {
            Request::Load { request_id, file_name, options, replaces } => {
                let Some(file) = file else {
                    self.send(Response::Error {
                        request_id: Some(request_id),
                        error: WireError {
                            kind: "protocol".into(),
                            message: "a load needs a file".into(),
                            location: None,
                        },
                    });
                    return;
                };
                let engine = Rc::clone(self);
                wasm_bindgen_futures::spawn_local(async move {
                    let r = engine.load(request_id, &file, &file_name, options, replaces).await;
                    engine.jobs.borrow_mut().remove(&request_id);
                    match r {
                        Ok(summary) => engine.send(Response::Loaded { request_id, summary: Box::new(summary) }),
                        Err(CoreError::Cancelled) => engine.send(Response::Cancelled { request_id }),
                        Err(e) => {
                            engine.send(Response::Error { request_id: Some(request_id), error: WireError::from(&e) })
                        }
                    }
                });
            }
            Request::LoadExample { request_id, example } => {
                let engine = Rc::clone(self);
                wasm_bindgen_futures::spawn_local(async move {
                    // Generated here, not in the page: the bytes become `File`s and take the same
                    // path as a user's file, so the recipe records an ordinary load.
                    for (name, bytes) in crate::core::examples::generate(example) {
                        let r = match file_of(&bytes, &name) {
                            Ok(file) => engine.load(request_id, &file, &name, IngestOptions::default(), None).await,
                            Err(e) => Err(e),
                        };
                        engine.jobs.borrow_mut().remove(&request_id);
                        match r {
                            Ok(summary) => engine.send(Response::Loaded { request_id, summary: Box::new(summary) }),
                            Err(CoreError::Cancelled) => return engine.send(Response::Cancelled { request_id }),
                            Err(e) => {
                                return engine
                                    .send(Response::Error { request_id: Some(request_id), error: WireError::from(&e) })
                            }
                        }
                    }
                });
            }
            Request::Cancel { request_id } => {
                if let Some(flag) = self.jobs.borrow().get(&request_id) {
                    flag.set(true);
                }
            }
            Request::GetPage { request_id, dataset, offset, limit } => {
                let session = self.session.borrow();
                match session.dataset(&dataset) {
                    Ok(d) => {
                        let page = d.page(offset, limit.min(10_000) as usize);
                        self.send(Response::Page { request_id, dataset, page })
                    }
                    Err(e) => self.send(Response::Error { request_id: Some(request_id), error: WireError::from(&e) }),
                }
            }
            Request::GetRecipe { request_id } => {
                let json = self.session.borrow_mut().recipe().to_json();
                self.send(Response::Recipe { request_id, json })
            }
            Request::Profile { request_id, dataset, options } => {
                let started = now_ms();
                let session = self.session.borrow();
                let result = session.dataset(&dataset).and_then(|d| crate::core::profile::profile(d, &options));
                match result {
                    Ok(p) => self.send(Response::Profiled {
                        request_id,
                        dataset,
                        profile: Box::new(p),
                        elapsed_ms: now_ms() - started,
                    }),
                    Err(e) => self.send(Response::Error { request_id: Some(request_id), error: WireError::from(&e) }),
                }
            }
            Request::FormatSizes { request_id, dataset } => {
                let started = now_ms();
                let session = self.session.borrow();
                match session.dataset(&dataset).and_then(crate::core::profile::format_sizes) {
                    Ok(sizes) => {
                        self.send(Response::FormatSizes { request_id, dataset, sizes, elapsed_ms: now_ms() - started })
                    }
                    Err(e) => self.send(Response::Error { request_id: Some(request_id), error: WireError::from(&e) }),
                }
            }
            Request::Apply { request_id, step } => {
                let started = now_ms();
                let mut session = self.session.borrow_mut();
                match session.apply_reporting(step, StepInput::None) {
                    Ok(applied) => {
                        let datasets = applied
                            .step
                            .outputs()
                            .iter()
                            .filter_map(|n| session.datasets.get(n))
                            .map(|d| DatasetSummary::of(d, None, 0.0))
                            .collect();
                        self.send(Response::Applied {
                            request_id,
                            step: Box::new(applied.step),
                            outcome: applied.outcome,
                            report: applied.report.map(Box::new),
                            datasets,
                            removed: applied.removed,
                            elapsed_ms: now_ms() - started,
                        })
                    }
                    Err(e) => self.send(Response::Error { request_id: Some(request_id), error: WireError::from(&e) }),
                }
            }
            Request::Export { request_id, dataset, format, file_name } => {
                // The file goes to the page in parts as it is written: the worker never holds a
                // second full copy of the table.
                let exported = self.session.borrow_mut().export_chunked(
                    &dataset,
                    format,
                    file_name,
                    export::EXPORT_CHUNK,
                    &mut |bytes| self.send(Response::ExportChunk { request_id, bytes }),
                );
                match exported {
                    Ok(record) => self.send(Response::Exported {
                        request_id,
                        dataset,
                        file_name: record.file_name,
                        mime: format.mime().to_string(),
                        sha256: record.sha256,
                        contents: Vec::new(),
                        bytes: Vec::new(),
                    }),
                    Err(e) => self.send(Response::Error { request_id: Some(request_id), error: WireError::from(&e) }),
                }
            }
            Request::ProposeVersions { request_id, previous } => {
                let session = self.session.borrow();
                let proposals = session
                    .datasets
                    .values()
                    .map(|d| {
                        let prev = previous.iter().filter(|p| p.dataset == d.name).max_by_key(|p| p.version);
                        lineage::propose(d, prev)
                    })
                    .collect();
                self.send(Response::VersionProposals { request_id, proposals })
            }
            Request::Lineage { request_id, event_time } => {
                let mut session = self.session.borrow_mut();
                let recipe = session.recipe().clone();
                let ctx = lineage::RunContext { event_time, job_name: None, engine: "browser".into() };
                match lineage::run_event(&recipe, &session.datasets, &recipe.exports, &session.assertions(), &ctx) {
                    Ok(event) => self.send(Response::Lineage {
                        request_id,
                        json: serde_json::to_string_pretty(&event).expect("json values serialize"),
                        graph: lineage::graph(&recipe),
                    }),
                    Err(e) => self.send(Response::Error { request_id: Some(request_id), error: WireError::from(&e) }),
                }
            }
            Request::Bundle { request_id, files, format, profile_json, event_time } => {
                // The zip goes to the page in parts as it is written, like a single export.
                let result = self.session.borrow_mut().bundle_chunked(
                    &files,
                    format,
                    profile_json,
                    &event_time,
                    export::EXPORT_CHUNK,
                    &mut |bytes| self.send(Response::ExportChunk { request_id, bytes }),
                );
                match result {
                    Ok((written, contents)) => self.send(Response::Exported {
                        request_id,
                        dataset: String::new(),
                        file_name: format!("strata_bundle_{}.zip", &event_time[..10.min(event_time.len())]),
                        mime: "application/zip".into(),
                        sha256: written.sha256,
                        contents,
                        bytes: Vec::new(),
                    }),
                    Err(e) => self.send(Response::Error { request_id: Some(request_id), error: WireError::from(&e) }),
                }
            }
            Request::Replay { request_id } => {
                let me = Rc::clone(self);
                let files: Vec<File> = file.into_iter().chain(files).collect();
                wasm_bindgen_futures::spawn_local(async move {
                    let started = now_ms();
                    match me.replay(request_id, files).await {
                        Ok((checks, datasets)) => {
                            me.send(Response::Replayed { request_id, checks, datasets, elapsed_ms: now_ms() - started })
                        }
                        Err(e) => me.send(Response::Error { request_id: Some(request_id), error: WireError::from(&e) }),
                    }
                    me.jobs.borrow_mut().remove(&request_id);
                });
            }
            Request::CompareSnapshots { request_id, keys } => {
                let me = Rc::clone(self);
                let files: Vec<File> = file.into_iter().chain(files).collect();
                wasm_bindgen_futures::spawn_local(async move {
                    let started = now_ms();
                    match compare_snapshots(&files, &keys).await {
                        Ok(report) => me.send(Response::SnapshotsCompared {
                            request_id,
                            report: Box::new(report),
                            elapsed_ms: now_ms() - started,
                        }),
                        Err(e) => me.send(Response::Error { request_id: Some(request_id), error: WireError::from(&e) }),
                    }
                });
            }
            Request::Crash => panic!("deliberate crash requested from the diagnostics panel"),
        }
    }

    /// Streams a file through the core and adds it to the session as a recipe load step.
    pub async fn load(
        &self,
        request_id: u64,
        file: &File,
        name: &str,
        options: IngestOptions,
        replaces: Option<String>,
    ) -> Result<DatasetSummary> {
        let cancel = Rc::new(Cell::new(false));
        self.jobs.borrow_mut().insert(request_id, Rc::clone(&cancel));
        let started = now_ms();
        let size = file.size() as u64;
        if size == 0 {
            return Err(CoreError::Empty);
        }
        let head = read_range(file, 0, size.min(4)).await?;
        let format = options.format.unwrap_or_else(|| SourceFormat::detect(name, &head));
        let reporter = ProgressReporter { engine: self, request_id, total: size, last: Cell::new(f64::MIN) };
        // The SHA-256 on the other core while this one parses.
        // Text is read once, in order, by the hash worker, which relays its pieces to the load
        // (see `hash::Relay`). Parquet is read here by row groups and footer, so the hash worker
        // reads the file a second time, for the hash only.
        // A text load does not wait for a hash worker still starting: compiling its wasm would
        // compete with the parse (measured: 2.2-2.6 s instead of 1.7-2.0 s for the 1M-row CSV
        // loaded at once after the page opened); it hashes inline, and the next load has it.
        let hash_job = match &self.hash_worker {
            Some(h) if size >= PARALLEL_HASH_MIN_BYTES => match format {
                SourceFormat::Parquet => h.start(file),
                _ if h.is_ready() => h.start_relay(file, RELAY_AHEAD),
                _ => {
                    h.warm_up();
                    None
                }
            },
            _ => None,
        };
        let mut loaded = match format {
            SourceFormat::Parquet => {
                self.load_parquet(file, name, &options, &cancel, &reporter, hash_job.is_none()).await?
            }
            _ => load_text(file, name, format, &options, &cancel, &reporter, Hashing::of(hash_job.as_ref())).await?,
        };
        if let Some(job) = hash_job {
            loaded.source_sha256 = await_hash(job, file, &cancel, &reporter, loaded.report.rows_loaded).await?;
        }
        let mut session = self.session.borrow_mut();
        let output = match replaces {
            Some(old) if session.datasets.contains_key(&old) => {
                session.remove(&old);
                old
            }
            _ => session.fresh_name(name),
        };
        let step = Step::Load(LoadStep {
            source: SourceRef {
                name: name.to_string(),
                bytes: loaded.source_bytes,
                sha256: loaded.source_sha256.clone(),
            },
            output: output.clone(),
            options,
        });
        let outcome = session.apply(step, StepInput::Loaded(Box::new(loaded)))?;
        let d = session.dataset(&output)?;
        Ok(DatasetSummary::of(d, Some(outcome), now_ms() - started))
    }

    /// Replays a lineage JSON with its input files; see `Request::Replay`.
    async fn replay(&self, request_id: u64, files: Vec<File>) -> Result<(Vec<ReplayCheck>, Vec<DatasetSummary>)> {
        let cancel = Rc::new(Cell::new(false));
        self.jobs.borrow_mut().insert(request_id, Rc::clone(&cancel));
        // The lineage: the first .json file that carries a recipe, or a bundle's lineage.json.
        let mut recipe = None;
        let mut inputs = Vec::new();
        for f in files {
            let lower = f.name().to_ascii_lowercase();
            if recipe.is_none() && lower.ends_with(".json") && f.size() < 64e6 {
                let text = read_range(&f, 0, f.size() as u64).await?;
                if let Ok(r) = lineage::recipe_from_json(&String::from_utf8_lossy(&text)) {
                    recipe = Some(r);
                    continue;
                }
            }
            if recipe.is_none() && lower.ends_with(".zip") && lineage::is_zip(&read_range(&f, 0, 4).await?) {
                // Only the archive's directory and its lineage.json are read, not its data files.
                let source = std::io::BufReader::new(file::BlobSeek::new(f.clone()));
                recipe = Some(lineage::recipe_from_bundle(source)?);
                continue;
            }
            inputs.push(f);
        }
        let recipe = recipe.ok_or_else(|| {
            CoreError::invalid(
                "no lineage JSON (or Strata recipe) among the files: add the lineage.json you downloaded",
                Default::default(),
            )
        })?;
        // Every input's SHA-256 first: a different file is reported before anything runs.
        let mut hashed = Vec::new();
        for f in inputs {
            let total = f.size() as u64;
            let reporter = ProgressReporter { engine: self, request_id, total, last: Cell::new(f64::MIN) };
            let mut hasher = SourceHasher::default();
            let mut offset = 0;
            while offset < total {
                let end = (offset + CHUNK_BYTES).min(total);
                hasher.update(&read_range(&f, offset, end).await?);
                offset = end;
                check(&cancel)?;
                reporter.report(Phase::Hashing, offset, 0, offset == total);
            }
            hashed.push((f, hasher.finish().0));
        }
        let mut by_source = Vec::new();
        for l in recipe.sources() {
            match hashed.iter().find(|(_, sha)| *sha == l.source.sha256) {
                Some((f, sha)) => by_source.push((f.clone(), sha.clone())),
                None => {
                    let named = hashed.iter().find(|(f, _)| f.name() == l.source.name);
                    return Err(CoreError::invalid(
                        match named {
                            Some((f, sha)) => format!(
                                "{} is not the file the recipe was made from: its SHA-256 is {sha}, the recipe expects {} ({} bytes). Nothing was run.",
                                f.name(), l.source.sha256, l.source.bytes
                            ),
                            None => format!(
                                "the recipe loads {} (SHA-256 {}); add that file. Nothing was run.",
                                l.source.name, l.source.sha256
                            ),
                        },
                        Default::default(),
                    ));
                }
            }
        }
        let mut session = Session::default();
        let mut sources = by_source.into_iter();
        for s in &recipe.steps {
            let input = match &s.step {
                Step::Load(l) => {
                    let (f, sha) = sources.next().expect("one file per load step");
                    let total = f.size() as u64;
                    let reporter = ProgressReporter { engine: self, request_id, total, last: Cell::new(f64::MIN) };
                    let head = read_range(&f, 0, total.min(4)).await?;
                    let format = l.options.format.unwrap_or_else(|| SourceFormat::detect(&l.source.name, &head));
                    // Its hash was checked above: no second pass for it.
                    let mut loaded = match format {
                        SourceFormat::Parquet => {
                            self.load_parquet(&f, &l.source.name, &l.options, &cancel, &reporter, false).await?
                        }
                        _ => {
                            load_text(&f, &l.source.name, format, &l.options, &cancel, &reporter, Hashing::Known)
                                .await?
                        }
                    };
                    loaded.source_sha256 = sha;
                    StepInput::Loaded(Box::new(loaded))
                }
                _ => StepInput::None,
            };
            session.apply(s.step.clone(), input)?;
            yield_to_events().await;
        }
        let mut checks = crate::core::recipe::dataset_checks(&recipe, session.recipe());
        checks.extend(session.replay_exports(&recipe.exports)?.into_iter().map(|(_, c)| c));
        let datasets = session.datasets.values().map(|d| DatasetSummary::of(d, None, 0.0)).collect();
        *self.session.borrow_mut() = session;
        Ok((checks, datasets))
    }

    async fn load_parquet(
        &self,
        file: &File,
        name: &str,
        options: &IngestOptions,
        cancel: &Cell<bool>,
        progress: &ProgressReporter<'_>,
        hash_inline: bool,
    ) -> Result<ingest::Loaded> {
        let reader = BlobChunkReader::new(file.clone());
        // The footer first: a few small reads, shown before any data is read.
        let (md, meta) = ingest::parquet::read_metadata(&reader)?;
        // Then each row group in one read.
        let reader = reader.with_row_groups(file::row_group_ranges(&md));
        drop(md);
        self.send(Response::ParquetMeta {
            request_id: progress.request_id,
            file_name: name.to_string(),
            meta: Box::new(meta),
        });
        yield_to_events().await;
        let mut open = ingest::parquet::open(reader, options)?;
        let total_rows = open.meta.rows.max(1) as u64;
        while open.step()? {
            check(cancel)?;
            let fraction = open.rows() as f64 / total_rows as f64;
            progress.report(Phase::Reading, (fraction * progress.total as f64) as u64, open.rows(), false);
            yield_to_events().await;
        }
        check(cancel)?;
        // The identity of the source: SHA-256 over its bytes, streamed (unless the hash worker
        // computes it meanwhile).
        let sha = if hash_inline { hash_with_reads(file, cancel, progress, open.rows()).await? } else { String::new() };
        Ok(open.finish(sha))
    }
}

/// SHA-256 of a file in this worker: 8 MB async reads, progress, cancel between reads.
async fn hash_with_reads(
    file: &File,
    cancel: &Cell<bool>,
    progress: &ProgressReporter<'_>,
    rows: u64,
) -> Result<String> {
    let mut hasher = SourceHasher::default();
    let mut offset = 0;
    while offset < progress.total {
        let end = (offset + CHUNK_BYTES).min(progress.total);
        hasher.update(&read_range(file, offset, end).await?);
        offset = end;
        check(cancel)?;
        progress.report(Phase::Hashing, offset, rows, offset == progress.total);
    }
    Ok(hasher.finish().0)
}

/// Waits for the hash worker's result (progress while it is behind, cancel honoured); hashes
/// inline if it failed.
async fn await_hash(
    job: hash::HashJob,
    file: &File,
    cancel: &Cell<bool>,
    progress: &ProgressReporter<'_>,
    rows: u64,
) -> Result<String> {
    // Silent for too long, the hash worker is given up.
    let mut silence = Silence::new();
    loop {
        check(cancel)?;
        match job.poll() {
            hash::HashPoll::Running(bytes) => {
                if silence.too_long(bytes) {
                    drop(job);
                    return hash_with_reads(file, cancel, progress, rows).await;
                }
                progress.report(Phase::Hashing, bytes, rows, false)
            }
            hash::HashPoll::Done(sha) if hash::is_sha256_hex(&sha) => return Ok(sha),
            hash::HashPoll::Done(_) | hash::HashPoll::Failed(_) => {
                drop(job);
                return hash_with_reads(file, cancel, progress, rows).await;
            }
        }
        job.changed(100).await;
    }
}

/// A `File` holding `bytes`, as if the user had picked it.
fn file_of(bytes: &[u8], name: &str) -> Result<File> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    File::new_with_u8_array_sequence(&parts, name)
        .map_err(|e| CoreError::Io(std::io::Error::other(format!("cannot make a file of {name}: {e:?}"))))
}

/// CSV/TSV/JSON Lines: chunks through the push loader; a second pass if a column fell back to text.
async fn load_text(
    file: &File,
    name: &str,
    format: SourceFormat,
    options: &IngestOptions,
    cancel: &Cell<bool>,
    progress: &ProgressReporter<'_>,
    hashing: Hashing<'_>,
) -> Result<ingest::Loaded> {
    let mut retry = ingest::Retry::new(options);
    loop {
        let phase = if retry.is_rereading() { Phase::Rereading } else { Phase::Reading };
        let hasher =
            if matches!(hashing, Hashing::Inline) { SourceHasher::default() } else { SourceHasher::count_only() };
        // The hash worker relays the bytes of the first pass only.
        let mut chunks = match hashing {
            Hashing::Relay(job) if !retry.is_rereading() => Chunks::Relay(job),
            _ => Chunks::Own(None),
        };
        let mut loader = ingest::TextLoader::with_hasher(format, name, retry.options().clone(), hasher)?;
        let mut offset = 0;
        // The chunk's bytes in wasm memory (one buffer, reused).
        let mut bytes = Vec::new();
        while offset < progress.total {
            let buffer = chunks.next(file, offset, progress.total, cancel).await?;
            let view = js_sys::Uint8Array::new(&buffer);
            bytes.resize(view.length() as usize, 0);
            view.copy_to(&mut bytes);
            drop(view);
            drop(buffer);
            loader.push(&bytes)?;
            offset += bytes.len() as u64;
            check(cancel)?;
            check_memory()?;
            progress.report(phase, offset, loader.rows(), offset == progress.total);
        }
        if let Some(loaded) = retry.next(loader.finish()?) {
            return Ok(loaded);
        }
    }
}

/// Where a text load's bytes come from.
enum Chunks<'a> {
    /// Read here, in `CHUNK_BYTES` pieces, the next one started before this one is parsed.
    Own(Option<file::PendingRead>),
    /// Relayed by the hash worker, which reads on its own thread.
    Relay(&'a hash::HashJob),
}

impl Chunks<'_> {
    /// The bytes of the file from `offset` on (a piece of at most `CHUNK_BYTES`, never empty
    /// while `offset < total`). If the relay fails, the rest is read here.
    async fn next(&mut self, file: &File, offset: u64, total: u64, cancel: &Cell<bool>) -> Result<js_sys::ArrayBuffer> {
        if let Chunks::Relay(job) = self {
            match relayed(job, cancel).await? {
                Some(buffer) if buffer.byte_length() > 0 => return Ok(buffer),
                // The hash worker failed; `await_hash` then hashes here too.
                _ => *self = Chunks::Own(None),
            }
        }
        let Chunks::Own(ahead) = self else { unreachable!("a failed relay became Own") };
        let pending = match ahead.take() {
            Some(read) => read,
            None => file::start_read(file, offset, (offset + CHUNK_BYTES).min(total))?,
        };
        let buffer = pending.buffer().await?;
        let end = offset + buffer.byte_length() as u64;
        if end < total {
            *ahead = Some(file::start_read(file, end, (end + CHUNK_BYTES).min(total))?);
        }
        Ok(buffer)
    }
}

/// The next piece the hash worker relays; `None` if it failed or went silent for
/// `HASH_STALL_MS` (it is then stopped). Cancel is honoured while waiting.
async fn relayed(job: &hash::HashJob, cancel: &Cell<bool>) -> Result<Option<js_sys::ArrayBuffer>> {
    let mut silence = Silence::new();
    loop {
        if let Some(buffer) = job.take_data() {
            return Ok(Some(buffer));
        }
        check(cancel)?;
        match job.poll() {
            hash::HashPoll::Running(bytes) if !silence.too_long(bytes) => {}
            hash::HashPoll::Running(_) => {
                job.give_up("the hash worker stopped relaying the file");
                return Ok(None);
            }
            hash::HashPoll::Done(_) | hash::HashPoll::Failed(_) => return Ok(None),
        }
        job.changed(100).await;
    }
}

/// How long the hash worker has reported no new bytes for a job.
struct Silence {
    since: f64,
    bytes: Option<u64>,
}

impl Silence {
    fn new() -> Self {
        Silence { since: now_ms(), bytes: None }
    }

    /// Whether the job's byte count, `bytes` now, has not moved for over `HASH_STALL_MS`.
    fn too_long(&mut self, bytes: u64) -> bool {
        if self.bytes != Some(bytes) {
            *self = Silence { since: now_ms(), bytes: Some(bytes) };
            return false;
        }
        now_ms() - self.since > HASH_STALL_MS
    }
}

/// Who computes the SHA-256 of a text load.
#[derive(Clone, Copy)]
enum Hashing<'a> {
    /// The loader, as it parses.
    Inline,
    /// The hash worker, which reads the file and relays its bytes to the load.
    Relay(&'a hash::HashJob),
    /// Nobody: the caller knows it already.
    Known,
}

impl<'a> Hashing<'a> {
    fn of(job: Option<&'a hash::HashJob>) -> Self {
        job.map_or(Hashing::Inline, Hashing::Relay)
    }
}

struct ProgressReporter<'a> {
    engine: &'a Engine,
    request_id: u64,
    total: u64,
    last: Cell<f64>,
}

impl ProgressReporter<'_> {
    fn report(&self, phase: Phase, bytes_read: u64, rows: u64, force: bool) {
        let t = now_ms();
        if force || t - self.last.get() >= PROGRESS_EVERY_MS {
            self.last.set(t);
            self.engine.send(Response::Progress {
                request_id: self.request_id,
                progress: Progress { bytes_read, bytes_total: self.total, rows, phase },
            });
        }
    }
}

fn check(cancel: &Cell<bool>) -> Result<()> {
    if cancel.get() {
        Err(CoreError::Cancelled)
    } else {
        Ok(())
    }
}

/// Bytes of linear memory this wasm instance holds.
pub fn memory_bytes() -> u64 {
    #[cfg(target_arch = "wasm32")]
    {
        core::arch::wasm32::memory_size(0) as u64 * 65_536
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0
    }
}

fn check_memory() -> Result<()> {
    let used = memory_bytes();
    if used > CEILING.with(Cell::get) {
        return Err(CoreError::TooLarge {
            what: format!(
                "the table already uses {} MB of the 4,096 MB a browser tab gives WebAssembly; use the `strata` command line for files this big",
                used >> 20
            ),
        });
    }
    Ok(())
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Lets queued messages (such as Cancel) run: a macrotask turn of the event loop.
pub async fn yield_to_events() {
    hash::sleep_ms(0).await
}

/// Reads two exported files (snapshots the page kept) outside the session and compares the
/// second with the first: schema diff, drift of every shared column, and the row diff by `keys`
/// (whole rows as a multiset without keys).
async fn compare_snapshots(files: &[File], keys: &[String]) -> Result<crate::core::compare::CompareReport> {
    let [old, new] = files else {
        return Err(CoreError::step(format!("comparing snapshots needs two files, {} came", files.len())));
    };
    let mut read = Vec::new();
    for f in [old, new] {
        let bytes = read_range(f, 0, f.size() as u64).await?;
        let loaded = ingest::load_bytes(&f.name(), &bytes, &IngestOptions::default())?;
        read.push(crate::core::dataset::Dataset::new(&f.name(), loaded.schema, loaded.batches));
    }
    let thresholds = crate::core::stats::drift::DriftThresholds::default();
    let parts = crate::core::compare::CompareParts::Both;
    Ok(crate::core::compare::compare_parts(&read[0], &read[1], keys, &thresholds, 50, parts)?.0)
}

fn post(scope: &DedicatedWorkerGlobalScope, r: &Response) {
    let json = JsValue::from_str(&r.to_json());
    // A file's bytes travel beside the JSON, their buffer transferred rather than copied.
    if let Response::Exported { bytes, .. } | Response::ExportChunk { bytes, .. } = r {
        let array = js_sys::Uint8Array::from(bytes.as_slice());
        let message = js_sys::Array::of2(&json, &array);
        let _ = scope.post_message_with_transfer(&message, &js_sys::Array::of1(&array.buffer()));
        return;
    }
    // Posting can only fail for uncloneable values; a string always clones.
    let _ = scope.post_message(&json);
}

/// Entry point of the worker binary: wires `onmessage` to an `Engine` and says Ready.
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
        post(&scope, &Response::Panic { message: info.to_string() });
    }));
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    if scope.name() == hash::HASH_WORKER_NAME {
        return hash::serve(scope);
    }
    let out = scope.clone();
    // The hash worker runs this same script (its own URL), in hash mode.
    let own_url = js_sys::Reflect::get(&scope, &"location".into())
        .and_then(|l| js_sys::Reflect::get(&l, &"href".into()))
        .ok()
        .and_then(|h| h.as_string());
    let sink: Sink = Rc::new(move |r| post(&out, &r));
    let engine = match own_url {
        Some(url) => Engine::with_hash_worker(sink, &url),
        None => Engine::new(sink),
    };
    let sink_scope = scope.clone();
    let warm_engine = Rc::clone(&engine);
    let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
        let data = ev.data();
        let (json, file) = if data.is_array() {
            let arr: js_sys::Array = data.unchecked_into();
            (arr.get(0).as_string(), arr.iter().skip(1).filter_map(|f| f.dyn_into::<File>().ok()).collect())
        } else {
            (data.as_string(), Vec::new())
        };
        let request = json.ok_or_else(|| "a message without JSON".to_string()).and_then(|j| Request::from_json(&j));
        match request {
            Ok(req) => engine.handle_with_files(req, file),
            Err(message) => post(
                &sink_scope,
                &Response::Error {
                    request_id: None,
                    error: WireError { kind: "protocol".into(), message, location: None },
                },
            ),
        }
    });
    scope.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    onmessage.forget();
    post(&scope, &Response::Ready);
    // The hash worker starts now (it takes a few hundred milliseconds), so it is ready by the
    // first load; the page has its Ready already.
    warm_engine.warm_up();
    wasm_bindgen_futures::spawn_local(async move {
        hash::sleep_ms(CODE_WARM_UP_DELAY_MS).await;
        warm_engine.warm_up_code();
    });
}
