//! The page's state: plain data in signals, plus the handler that turns worker responses into
//! state changes. Holds handles only; datasets live in the worker.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use web_sys::File;

use super::worker_client::WorkerClient;
use crate::core::dataset::Page;
use crate::core::examples::Example;
use crate::core::export::FileFormat;
use crate::core::ingest::parquet::ParquetMeta;
use crate::core::ingest::IngestOptions;
use crate::core::lineage::{versioned_name, LineageGraph, Version, VersionProposal, VersionRecord};
use crate::core::profile::{FormatSizes, Profile, ProfileOptions};
use crate::core::recipe::{ReplayCheck, Step, StepOutcome, StepReport};
use crate::protocol::{DatasetSummary, Progress, Request, Response, WireError};

/// The steps of the rail, in the order a person takes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepId {
    Load,
    Profile,
    Validate,
    Clean,
    Sample,
    Compare,
    Export,
}

impl StepId {
    pub const ALL: [StepId; 7] = [
        StepId::Load,
        StepId::Profile,
        StepId::Validate,
        StepId::Clean,
        StepId::Sample,
        StepId::Compare,
        StepId::Export,
    ];
    pub fn label(self) -> &'static str {
        match self {
            StepId::Load => "Load",
            StepId::Profile => "Profile",
            StepId::Validate => "Validate",
            StepId::Clean => "Clean",
            StepId::Sample => "Sample & Split",
            StepId::Compare => "Compare",
            StepId::Export => "Export",
        }
    }
    /// The step a slug names (the tours name panels by slug).
    pub fn from_slug(slug: &str) -> Option<StepId> {
        StepId::ALL.into_iter().find(|s| s.slug() == slug)
    }
    pub fn slug(self) -> &'static str {
        match self {
            StepId::Load => "load",
            StepId::Profile => "profile",
            StepId::Validate => "validate",
            StepId::Clean => "clean",
            StepId::Sample => "sample",
            StepId::Compare => "compare",
            StepId::Export => "export",
        }
    }
}

/// A request the worker is working on.
#[derive(Debug, Clone, PartialEq)]
pub struct Busy {
    pub request_id: u64,
    pub file_name: String,
    pub progress: Option<Progress>,
    /// Files of this request still to load (an example can have several).
    pub files_left: usize,
}

/// An error as shown in the error area.
#[derive(Debug, Clone, PartialEq)]
pub struct ShownError {
    pub title: String,
    pub error: WireError,
}

#[derive(Clone, Copy)]
pub struct AppState {
    pub step: RwSignal<StepId>,
    pub worker_ready: RwSignal<bool>,
    pub busy: RwSignal<Option<Busy>>,
    pub datasets: RwSignal<Vec<DatasetSummary>>,
    pub current: RwSignal<Option<String>>,
    pub error: RwSignal<Option<ShownError>>,
    pub notice: RwSignal<Option<String>>,
    pub parquet_meta: RwSignal<Option<(String, Box<ParquetMeta>)>>,
    pub page: RwSignal<Option<(String, Page)>>,
    pub options: RwSignal<IngestOptions>,
    pub recipe_json: RwSignal<Option<String>>,
    /// True between a worker crash and the new worker's Ready.
    pub restarting: RwSignal<bool>,
    /// The last profile: dataset, report, worker milliseconds.
    pub profile: RwSignal<Option<ProfileShown>>,
    /// A profile request in flight (its id).
    pub profiling: RwSignal<Option<u64>>,
    pub format_sizes: RwSignal<Option<(String, FormatSizes)>>,
    pub measuring_formats: RwSignal<bool>,
    /// Derived steps applied this session, newest last (one entry per step; a re-run replaces).
    pub applied: RwSignal<Vec<AppliedShown>>,
    /// An apply request in flight (its id).
    pub applying: RwSignal<Option<u64>>,
    /// Files written for download this session: (file name, SHA-256 of its bytes, size), newest last.
    pub downloads: RwSignal<Vec<(String, String, u64)>>,
    /// Proposed versions of each dataset for the Export panel.
    pub proposals: RwSignal<Vec<VersionProposal>>,
    /// The version history (IndexedDB), oldest first.
    pub history: RwSignal<Vec<VersionRecord>>,
    /// The session's lineage event (JSON) and graph, as last asked.
    pub lineage: RwSignal<Option<(String, LineageGraph)>>,
    /// Save the lineage JSON when it arrives (the user clicked its download button).
    pub save_lineage: RwSignal<bool>,
    /// Versioned exports in flight: request id → the record to keep once the file is written.
    pub pending_versions: RwSignal<Vec<(u64, VersionRecord)>>,
    /// A replay in flight (its id), and the last replay's checks with its worker milliseconds.
    pub replaying: RwSignal<Option<u64>>,
    pub replay_checks: RwSignal<Option<(Vec<ReplayCheck>, f64)>>,
    /// Keep a snapshot of the data (the exported file) with each versioned export.
    pub keep_snapshots: RwSignal<bool>,
    /// The SHA-256 of every snapshot kept in IndexedDB.
    pub snapshots: RwSignal<std::collections::BTreeSet<String>>,
    /// A comparison of two snapshots in flight (its id), and the last one's report.
    pub comparing_snapshots: RwSignal<Option<u64>>,
    pub snapshot_compare: RwSignal<Option<(crate::core::compare::CompareReport, f64)>>,
    /// A recipe that came with the page's address (a shared link), ready to run on loaded data.
    pub shared: RwSignal<Option<crate::core::recipe::Recipe>>,
    /// The guided tour shown: its example and the step (0-based).
    pub tour: RwSignal<Option<(Example, usize)>>,
}

/// A derived step as the panels show it: what ran, what it changed, its report.
#[derive(Debug, Clone, PartialEq)]
pub struct AppliedShown {
    pub step: Step,
    pub outcome: StepOutcome,
    pub report: Option<StepReport>,
    pub elapsed_ms: f64,
}

/// A profile as the Profile panel shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileShown {
    pub dataset: String,
    pub profile: Box<Profile>,
    pub elapsed_ms: f64,
}

thread_local! {
    static CLIENT: RefCell<Option<Rc<WorkerClient>>> = const { RefCell::new(None) };
    static LAST_FILE: RefCell<Option<File>> = const { RefCell::new(None) };
}

pub fn client() -> Rc<WorkerClient> {
    CLIENT.with(|c| c.borrow().clone()).expect("the worker client is started with the app")
}

impl AppState {
    /// Creates the state and starts the worker it talks to.
    pub fn start() -> Self {
        let state = AppState {
            step: RwSignal::new(StepId::Load),
            worker_ready: RwSignal::new(false),
            busy: RwSignal::new(None),
            datasets: RwSignal::new(Vec::new()),
            current: RwSignal::new(None),
            error: RwSignal::new(None),
            notice: RwSignal::new(None),
            parquet_meta: RwSignal::new(None),
            page: RwSignal::new(None),
            options: RwSignal::new(IngestOptions::default()),
            recipe_json: RwSignal::new(None),
            restarting: RwSignal::new(false),
            profile: RwSignal::new(None),
            profiling: RwSignal::new(None),
            format_sizes: RwSignal::new(None),
            measuring_formats: RwSignal::new(false),
            applied: RwSignal::new(Vec::new()),
            applying: RwSignal::new(None),
            downloads: RwSignal::new(Vec::new()),
            proposals: RwSignal::new(Vec::new()),
            history: RwSignal::new(Vec::new()),
            lineage: RwSignal::new(None),
            save_lineage: RwSignal::new(false),
            pending_versions: RwSignal::new(Vec::new()),
            replaying: RwSignal::new(None),
            replay_checks: RwSignal::new(None),
            keep_snapshots: RwSignal::new(false),
            snapshots: RwSignal::new(Default::default()),
            comparing_snapshots: RwSignal::new(None),
            snapshot_compare: RwSignal::new(None),
            shared: RwSignal::new(None),
            tour: RwSignal::new(None),
        };
        match super::panels::recipe_in_address() {
            Some(Ok(recipe)) => state.shared.set(Some(recipe)),
            Some(Err(e)) => state.notice.set(Some(format!("The link's recipe could not be read: {e}"))),
            None => {}
        }
        let client = WorkerClient::spawn(Rc::new(move |r| state.on_response(r)));
        CLIENT.with(|c| *c.borrow_mut() = Some(client));
        state
    }

    pub fn current_dataset(&self) -> Option<DatasetSummary> {
        let id = self.current.get()?;
        self.datasets.with(|ds| ds.iter().find(|d| d.id == id).cloned())
    }

    /// Loads a file (again, when `replaces` names the dataset it produced before).
    pub fn load(&self, file: File, replaces: Option<String>) {
        let client = client();
        let request_id = client.next_id();
        let file_name = file.name();
        self.busy.set(Some(Busy { request_id, file_name: file_name.clone(), progress: None, files_left: 1 }));
        self.error.set(None);
        self.notice.set(None);
        self.parquet_meta.set(None);
        LAST_FILE.with(|f| *f.borrow_mut() = Some(file.clone()));
        let options = self.options.get_untracked();
        client.send(&Request::Load { request_id, file_name, options, replaces }, Some(&file));
    }

    /// Loads a built-in example (generated in the worker) and opens its guided tour.
    pub fn load_example(&self, example: Example) {
        let client = client();
        let request_id = client.next_id();
        let files = example.info().files;
        self.busy.set(Some(Busy { request_id, file_name: files.join(" + "), progress: None, files_left: files.len() }));
        self.error.set(None);
        self.notice.set(None);
        self.parquet_meta.set(None);
        // "Re-load with these options" applies to picked files only.
        LAST_FILE.with(|f| *f.borrow_mut() = None);
        self.tour.set(Some((example, 0)));
        client.send(&Request::LoadExample { request_id, example }, None);
    }

    /// Opens a step of the rail (profiling the current dataset when it is the Profile step).
    pub fn open_step(&self, step: StepId) {
        self.step.set(step);
        if step == StepId::Profile {
            self.ensure_profile();
        }
    }

    /// Re-runs the last load with the current options, replacing its dataset.
    pub fn reload(&self) {
        if let Some(file) = LAST_FILE.with(|f| f.borrow().clone()) {
            self.load(file, self.current.get_untracked());
        }
    }

    pub fn has_file(&self) -> bool {
        LAST_FILE.with(|f| f.borrow().is_some())
    }

    pub fn cancel(&self) {
        if let Some(b) = self.busy.get_untracked() {
            client().send(&Request::Cancel { request_id: b.request_id }, None);
        }
    }

    pub fn request_page(&self, dataset: &str, offset: u64, limit: u32) {
        let client = client();
        let request_id = client.next_id();
        client.send(&Request::GetPage { request_id, dataset: dataset.to_string(), offset, limit }, None);
    }

    /// Profiles the current dataset (with `label` as the leakage target, if given).
    pub fn request_profile(&self, label: Option<String>) {
        let Some(dataset) = self.current.get_untracked() else { return };
        let client = client();
        let request_id = client.next_id();
        self.profiling.set(Some(request_id));
        let options = ProfileOptions { label, ..Default::default() };
        client.send(&Request::Profile { request_id, dataset, options }, None);
    }

    /// Profiles the current dataset unless its profile is shown or on its way.
    pub fn ensure_profile(&self) {
        let current = self.current.get_untracked();
        let shown = self.profile.with_untracked(|p| p.as_ref().map(|p| p.dataset.clone()));
        if current.is_some() && shown != current && self.profiling.get_untracked().is_none() {
            self.request_profile(None);
        }
    }

    pub fn request_format_sizes(&self) {
        let Some(dataset) = self.current.get_untracked() else { return };
        let client = client();
        let request_id = client.next_id();
        self.measuring_formats.set(true);
        client.send(&Request::FormatSizes { request_id, dataset }, None);
    }

    /// Applies a derived step in the worker (validate, clean, sample, split, compare…).
    pub fn apply(&self, step: Step) {
        let client = client();
        let request_id = client.next_id();
        self.applying.set(Some(request_id));
        self.error.set(None);
        client.send(&Request::Apply { request_id, step }, None);
    }

    /// Writes a dataset as a file in the worker; the browser then saves it.
    pub fn download(&self, dataset: &str, format: FileFormat) {
        self.download_as(dataset, format, None);
    }

    /// Like `download`, under a given file name (a versioned name from the Export panel).
    pub fn download_as(&self, dataset: &str, format: FileFormat, file_name: Option<String>) {
        let client = client();
        let request_id = client.next_id();
        client.send(&Request::Export { request_id, dataset: dataset.to_string(), format, file_name }, None);
    }

    /// Asks the worker for the version each dataset would be exported under.
    pub fn request_proposals(&self) {
        let client = client();
        let request_id = client.next_id();
        let previous = latest_versions(&self.history.get_untracked());
        client.send(&Request::ProposeVersions { request_id, previous }, None);
    }

    /// Exports a dataset under its versioned name and, once written, records the version.
    pub fn export_versioned(&self, proposal: &VersionProposal, version: Version, format: FileFormat) {
        let draft = version_draft(proposal, version, format);
        let name = draft.file_name.clone();
        let client = client();
        let request_id = client.next_id();
        self.pending_versions.update(|p| p.push((request_id, draft)));
        client.send(
            &Request::Export { request_id, dataset: proposal.dataset.clone(), format, file_name: Some(name) },
            None,
        );
    }

    /// Asks for the lineage event and graph; saves the JSON as a file when `save`.
    pub fn request_lineage(&self, save: bool) {
        if save {
            self.save_lineage.set(true);
        }
        let client = client();
        let request_id = client.next_id();
        client.send(&Request::Lineage { request_id, event_time: now_rfc3339() }, None);
    }

    /// Replays a lineage JSON with its input files (all sent to the worker, which tells them apart).
    pub fn replay(&self, files: Vec<File>) {
        let client = client();
        let request_id = client.next_id();
        self.replaying.set(Some(request_id));
        self.replay_checks.set(None);
        self.error.set(None);
        client.send_files(&Request::Replay { request_id }, files);
    }

    /// Asks for the bundle zip of the chosen datasets, each under its versioned name, with the
    /// reports, the profile shown and the lineage; once written, each data file's version is
    /// kept in the history like a single export's.
    pub fn bundle(&self, chosen: Vec<(VersionProposal, Version)>, format: FileFormat) {
        let client = client();
        let request_id = client.next_id();
        let drafts: Vec<VersionRecord> = chosen.iter().map(|(p, v)| version_draft(p, *v, format)).collect();
        let files = drafts.iter().map(|d| (d.dataset.clone(), Some(d.file_name.clone()))).collect();
        self.pending_versions.update(|p| p.extend(drafts.into_iter().map(|d| (request_id, d))));
        let profile_json =
            self.profile.with_untracked(|p| p.as_ref().and_then(|p| serde_json::to_string_pretty(&p.profile).ok()));
        client.send(&Request::Bundle { request_id, files, format, profile_json, event_time: now_rfc3339() }, None);
    }

    /// Loads the version history from IndexedDB.
    pub fn load_history(&self) {
        let state = *self;
        wasm_bindgen_futures::spawn_local(async move {
            match super::history::load_all().await {
                Ok(h) => state.history.set(h),
                Err(e) => state.notice.set(Some(format!("The version history is unavailable: {e}"))),
            }
            if let Ok(keys) = super::history::snapshot_keys().await {
                state.snapshots.set(keys.into_iter().collect());
            }
        });
    }

    /// Compares the data of two kept snapshots (older first) in the worker, outside the session.
    pub fn compare_snapshots(&self, old: VersionRecord, new: VersionRecord, keys: Vec<String>) {
        let state = *self;
        let client = client();
        let request_id = client.next_id();
        self.comparing_snapshots.set(Some(request_id));
        self.snapshot_compare.set(None);
        wasm_bindgen_futures::spawn_local(async move {
            let mut files = Vec::new();
            for r in [&old, &new] {
                let blob = match super::history::get_snapshot(&r.sha256).await {
                    Ok(Some(b)) => b,
                    Ok(None) => {
                        state.comparing_snapshots.set(None);
                        state.notice.set(Some(format!("The snapshot of {} is no longer kept.", r.file_name)));
                        return;
                    }
                    Err(e) => {
                        state.comparing_snapshots.set(None);
                        state.notice.set(Some(format!("The snapshot of {} cannot be read: {e}", r.file_name)));
                        return;
                    }
                };
                match web_sys::File::new_with_blob_sequence(&js_sys::Array::of1(&blob), &r.file_name) {
                    Ok(f) => files.push(f),
                    Err(e) => {
                        state.comparing_snapshots.set(None);
                        state.notice.set(Some(format!("The snapshot of {} cannot be read: {e:?}", r.file_name)));
                        return;
                    }
                }
            }
            client.send_files(&Request::CompareSnapshots { request_id, keys }, files);
        });
    }

    pub fn clear_history(&self) {
        let state = *self;
        wasm_bindgen_futures::spawn_local(async move {
            match super::history::clear().await {
                Ok(()) => {
                    state.history.set(Vec::new());
                    state.snapshots.set(Default::default());
                    state.snapshot_compare.set(None);
                    state.request_proposals();
                }
                Err(e) => state.notice.set(Some(format!("The version history could not be cleared: {e}"))),
            }
        });
    }

    /// The latest applied step that `pick` selects.
    pub fn last_applied(&self, pick: impl Fn(&Step) -> bool) -> Option<AppliedShown> {
        self.applied.with(|a| a.iter().rev().find(|x| pick(&x.step)).cloned())
    }

    pub fn crash_worker(&self) {
        client().send(&Request::Crash, None);
    }

    fn on_response(&self, r: Response) {
        let is_current = |id: u64| self.busy.get_untracked().is_some_and(|b| b.request_id == id);
        match r {
            Response::Ready => {
                super::mark("strata-worker-ready");
                self.worker_ready.set(true);
                self.restarting.set(false);
            }
            Response::Progress { request_id, progress } => {
                if is_current(request_id) {
                    self.busy.update(|b| {
                        if let Some(b) = b {
                            b.progress = Some(progress)
                        }
                    });
                }
            }
            Response::ParquetMeta { file_name, meta, .. } => self.parquet_meta.set(Some((file_name, meta))),
            Response::Loaded { request_id, summary } => {
                if is_current(request_id) {
                    let left = self.busy.with_untracked(|b| b.as_ref().map_or(0, |b| b.files_left.saturating_sub(1)));
                    if left == 0 {
                        self.busy.set(None);
                    } else {
                        self.busy.update(|b| {
                            if let Some(b) = b {
                                b.files_left = left;
                                b.progress = None;
                            }
                        });
                    }
                }
                let id = summary.id.clone();
                self.datasets.update(|ds| match ds.iter_mut().find(|d| d.id == id) {
                    Some(d) => *d = *summary,
                    None => ds.push(*summary),
                });
                self.page.set(None);
                self.profile.set(None);
                self.format_sizes.set(None);
                self.current.set(Some(id));
                if self.step.get_untracked() == StepId::Profile {
                    self.ensure_profile();
                }
            }
            Response::Profiled { request_id, dataset, profile, elapsed_ms } => {
                if self.profiling.get_untracked() == Some(request_id) {
                    self.profiling.set(None);
                }
                self.profile.set(Some(ProfileShown { dataset, profile, elapsed_ms }));
            }
            Response::FormatSizes { dataset, sizes, .. } => {
                self.measuring_formats.set(false);
                self.format_sizes.set(Some((dataset, sizes)));
            }
            Response::Applied { request_id, step, outcome, report, datasets, removed, elapsed_ms } => {
                if self.applying.get_untracked() == Some(request_id) {
                    self.applying.set(None);
                }
                let outputs = step.outputs();
                self.datasets.update(|ds| {
                    ds.retain(|d| !removed.contains(&d.id));
                    for summary in datasets {
                        match ds.iter_mut().find(|d| d.id == summary.id) {
                            Some(d) => *d = summary,
                            None => ds.push(summary),
                        }
                    }
                });
                self.applied.update(|a| {
                    // A re-run replaces the earlier entry; steps whose outputs were removed go too.
                    a.retain(|x| {
                        let outs = x.step.outputs();
                        !outs.iter().any(|o| outputs.contains(o) || removed.contains(o))
                    });
                    a.push(AppliedShown { step: *step, outcome, report: report.map(|r| *r), elapsed_ms });
                });
                if self.current.with_untracked(|c| c.as_ref().is_some_and(|c| removed.contains(c))) {
                    self.current.set(outputs.first().cloned());
                }
                if self
                    .page
                    .with_untracked(|p| p.as_ref().is_some_and(|(d, _)| removed.contains(d) || outputs.contains(d)))
                {
                    self.page.set(None);
                }
            }
            // The client keeps a file's parts until its Exported message.
            Response::ExportChunk { .. } => {}
            Response::Exported { request_id, file_name, mime, sha256, contents, .. } => {
                let file = client().take_file(request_id);
                let size = file.as_ref().map_or(0, |b| b.size() as u64);
                let drafts: Vec<VersionRecord> = self
                    .pending_versions
                    .with_untracked(|p| p.iter().filter(|(id, _)| *id == request_id).map(|(_, d)| d.clone()).collect());
                if !drafts.is_empty() {
                    self.pending_versions.update(|p| p.retain(|(id, _)| *id != request_id));
                }
                // A single export is the file itself; a bundle lists the data files it holds.
                let written: Vec<VersionRecord> = drafts
                    .into_iter()
                    .filter_map(|mut record| {
                        if contents.is_empty() {
                            record.file_name.clone_from(&file_name);
                            record.sha256.clone_from(&sha256);
                        } else {
                            let c = contents.iter().find(|c| c.dataset == record.dataset)?;
                            record.file_name.clone_from(&c.file_name);
                            record.sha256.clone_from(&c.sha256);
                        }
                        Some(record)
                    })
                    .collect();
                // With "keep a snapshot", a single versioned export's file is kept too.
                let snapshot =
                    (self.keep_snapshots.get_untracked() && contents.is_empty()).then(|| file.clone()).flatten();
                for record in written {
                    self.history.update(|h| h.push(record.clone()));
                    let state = *self;
                    let snapshot = snapshot.clone();
                    wasm_bindgen_futures::spawn_local(async move {
                        if let Err(e) = super::history::put(&record).await {
                            state.notice.set(Some(format!("The version could not be kept in the history: {e}")));
                        }
                        if let Some(blob) = snapshot {
                            match super::history::put_snapshot(&record.sha256, &blob).await {
                                Ok(()) => state.snapshots.update(|s| {
                                    s.insert(record.sha256.clone());
                                }),
                                Err(e) => state.notice.set(Some(format!("The snapshot could not be kept: {e}"))),
                            }
                        }
                        state.request_proposals();
                    });
                }
                if self.step.get_untracked() == StepId::Export {
                    self.request_lineage(false);
                }
                let parts = file.map_or_else(js_sys::Array::new, |b| js_sys::Array::of1(&b));
                match save_parts(&file_name, &mime, &parts) {
                    Ok(()) => self.downloads.update(|d| d.push((file_name, sha256, size))),
                    Err(message) => self.error.set(Some(ShownError {
                        title: format!("{file_name} could not be saved"),
                        error: WireError { kind: "download".into(), message, location: None },
                    })),
                }
            }
            Response::SnapshotsCompared { request_id, report, elapsed_ms } => {
                if self.comparing_snapshots.get_untracked() == Some(request_id) {
                    self.comparing_snapshots.set(None);
                    self.snapshot_compare.set(Some((*report, elapsed_ms)));
                }
            }
            Response::Replayed { request_id, checks, datasets, elapsed_ms } => {
                if self.replaying.get_untracked() == Some(request_id) {
                    self.replaying.set(None);
                }
                self.applied.set(Vec::new());
                self.page.set(None);
                self.profile.set(None);
                self.current.set(datasets.first().map(|d| d.id.clone()));
                self.datasets.set(datasets);
                self.replay_checks.set(Some((checks, elapsed_ms)));
                self.request_lineage(false);
            }
            Response::VersionProposals { proposals, .. } => self.proposals.set(proposals),
            Response::Lineage { json, graph, .. } => {
                if self.save_lineage.get_untracked() {
                    self.save_lineage.set(false);
                    if let Err(message) = save_file("lineage.json", "application/json", json.as_bytes()) {
                        self.error.set(Some(ShownError {
                            title: "lineage.json could not be saved".into(),
                            error: WireError { kind: "download".into(), message, location: None },
                        }));
                    }
                }
                self.lineage.set(Some((json, graph)));
            }
            Response::Page { dataset, page, .. } => self.page.set(Some((dataset, page))),
            Response::Recipe { json, .. } => self.recipe_json.set(Some(json)),
            Response::Cancelled { request_id } => {
                if is_current(request_id) {
                    self.busy.set(None);
                }
                self.notice.set(Some("Load cancelled: nothing from that file was kept.".into()));
            }
            Response::Error { request_id, error } => {
                let title = match request_id {
                    Some(id) if is_current(id) => {
                        let name = self.busy.get_untracked().map(|b| b.file_name).unwrap_or_default();
                        self.busy.set(None);
                        format!("{name} could not be loaded")
                    }
                    Some(id) if self.applying.get_untracked() == Some(id) => "The step could not be run".into(),
                    Some(id) if self.replaying.get_untracked() == Some(id) => "The replay did not run".into(),
                    Some(id) if self.comparing_snapshots.get_untracked() == Some(id) => {
                        "The snapshots could not be compared".into()
                    }
                    _ => "The worker reported a problem".into(),
                };
                self.profiling.set(None);
                self.applying.set(None);
                self.replaying.set(None);
                self.comparing_snapshots.set(None);
                self.measuring_formats.set(false);
                self.error.set(Some(ShownError { title, error }));
            }
            Response::Panic { message } => {
                if self.restarting.get_untracked() {
                    return; // the same crash, reported twice (panic hook, then the error event)
                }
                self.restarting.set(true);
                self.worker_ready.set(false);
                self.busy.set(None);
                self.datasets.set(Vec::new());
                self.current.set(None);
                self.page.set(None);
                self.profile.set(None);
                self.profiling.set(None);
                self.applying.set(None);
                self.applied.set(Vec::new());
                self.measuring_formats.set(false);
                self.error.set(Some(ShownError {
                    title: "The worker crashed and was restarted".into(),
                    error: WireError {
                        kind: "worker_crash".into(),
                        message: format!("{message}. The page still works; datasets held by the old worker are gone, so load your file again."),
                        location: None,
                    },
                }));
                // Restart after this callback returns: it belongs to the worker being replaced.
                wasm_bindgen_futures::spawn_local(async { client().restart() });
            }
        }
    }
}

/// Hands bytes to the browser as a download (a blob: URL clicked through a temporary link; no
/// network is involved).
pub fn save_file(file_name: &str, mime: &str, bytes: &[u8]) -> Result<(), String> {
    save_parts(file_name, mime, &js_sys::Array::of1(&js_sys::Uint8Array::from(bytes)))
}

/// Saves a file given as parts (JavaScript `Uint8Array`s or `Blob`s, which are referenced, not
/// copied): the browser joins them into one Blob, which it may keep on disk.
pub fn save_parts(file_name: &str, mime: &str, parts: &js_sys::Array) -> Result<(), String> {
    use wasm_bindgen::JsCast;
    let js = |e: wasm_bindgen::JsValue| format!("{e:?}");
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(parts, &options).map_err(js)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(js)?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = document.create_element("a").map_err(js)?.unchecked_into();
    a.set_href(&url);
    a.set_download(file_name);
    a.click();
    // The click has started the download; the URL is released a minute later (as FileSaver.js
    // does: revoking at once can cancel a large download in some browsers).
    let release = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    if let Some(w) = web_sys::window() {
        let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(release.unchecked_ref(), 60_000);
    }
    Ok(())
}

/// The latest recorded version of each dataset.
pub fn latest_versions(history: &[VersionRecord]) -> Vec<VersionRecord> {
    let mut latest: Vec<VersionRecord> = Vec::new();
    for r in history {
        match latest.iter_mut().find(|l| l.dataset == r.dataset) {
            Some(l) if l.version <= r.version => *l = r.clone(),
            Some(_) => {}
            None => latest.push(r.clone()),
        }
    }
    latest
}

/// The current time as RFC 3339 in UTC, to the second.
pub fn now_rfc3339() -> String {
    let iso = String::from(js_sys::Date::new_0().to_iso_string());
    format!("{}Z", &iso[..19])
}

/// Today's date (UTC) as YYYY-MM-DD.
pub fn today() -> String {
    now_rfc3339()[..10].to_string()
}

/// The version record an export under `version` will add to the history, before the file's
/// hash is known (its name holds `{sha12}` until the worker fills it in).
fn version_draft(proposal: &VersionProposal, version: Version, format: FileFormat) -> VersionRecord {
    let date = today();
    VersionRecord {
        dataset: proposal.dataset.clone(),
        version,
        file_name: versioned_name(&proposal.dataset, version, &date, "{sha12}", format.extension()),
        sha256: String::new(),
        content_sha256: proposal.content_sha256.clone(),
        rows: proposal.rows,
        schema: proposal.schema.clone(),
        date,
    }
}
