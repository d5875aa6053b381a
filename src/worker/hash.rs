//! The source's SHA-256 on the second core.
//!
//! SHA-256 in wasm (no SHA instructions) is a large part of a load, and a load otherwise uses one
//! core. So the worker starts a second dedicated worker, the same script in "hash" mode (told
//! apart by its name), and parses without hashing meanwhile; the load completes once both are
//! done. For CSV and JSON Lines the hash worker also does the reading: it reads the `File` in
//! pieces through `FileReaderSync` and hands each piece to the load, transferred rather than
//! copied, hashing it on the way (see [`Relay`] for why the reads belong on this thread). For
//! Parquet, read by row groups, it only hashes the `File`, read the same way. Either way the
//! same streaming hasher as the native path computes it, so the recorded hash is the same.
//! Cancel (or a failed parse) terminates the hash worker; if it cannot start, fails, or goes
//! silent, the worker reads and hashes the file itself as before.
//!
//! WebCrypto's SHA-256 would be faster still (it uses the CPU's SHA instructions), but it takes
//! the whole file as one buffer and copies it: measured on the 92 MB benchmark CSV, the page's
//! memory went from about 1.5x to 3.6x the file size, above the 3x budget.
//!
//! Messages to the hash worker are `[id, file]`, or `[id, "relay", file, ahead]` and then
//! `[id, "more"]` per piece taken. Messages from the hash worker are arrays `[id, kind, value]`:
//! `[0, "ready"]` once it listens, `[id, "progress", bytes]` about every 100 ms while hashing a
//! file, `[id, "data", buffer]` per relayed piece, `[id, "done", hex]` or `[id, "error", text]`.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::{Rc, Weak};

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, File, FileReaderSync, MessageEvent, Worker, WorkerOptions};

use crate::core::error::Result;
use crate::core::ingest::{SourceHasher, PUSH_PIECE};

/// The name the hash worker is started with; `worker::start` checks it to pick the mode.
pub const HASH_WORKER_NAME: &str = "strata-hash";
/// Bytes read per `FileReaderSync` call in the hash worker.
pub const HASH_CHUNK_BYTES: u64 = 8 << 20;

/// SHA-256 of a whole `File`, read synchronously in pieces of `chunk` bytes (a dedicated worker
/// only). `progress(bytes_hashed)` is called after each piece.
pub fn hash_file_sync(file: &File, chunk: u64, progress: &mut dyn FnMut(u64)) -> Result<(String, u64)> {
    let reader = FileReaderSync::new().map_err(|e| super::file::js_err("FileReaderSync is missing", e))?;
    let total = file.size() as u64;
    let mut hasher = SourceHasher::default();
    let mut buf = Vec::new();
    let mut offset = 0;
    while offset < total {
        let end = (offset + chunk.max(1)).min(total);
        read_piece(&reader, file, offset, end, &mut buf)?;
        hash_in_pieces(&mut hasher, &buf);
        offset = end;
        progress(offset);
    }
    Ok(hasher.finish())
}

/// Reads bytes `start..end` of `file` with `reader` into `buf` (resized to fit); returns the
/// JavaScript buffer they came in.
fn read_piece(
    reader: &FileReaderSync,
    file: &File,
    start: u64,
    end: u64,
    buf: &mut Vec<u8>,
) -> Result<js_sys::ArrayBuffer> {
    let blob = file
        .slice_with_f64_and_f64(start as f64, end as f64)
        .map_err(|e| super::file::js_err("cannot slice the file", e))?;
    let ab = reader.read_as_array_buffer(&blob).map_err(|e| super::file::js_err("cannot read the file", e))?;
    let array = js_sys::Uint8Array::new(&ab);
    buf.resize(array.length() as usize, 0);
    array.copy_to(buf);
    Ok(ab)
}

/// Hashes `bytes` in calls of `ingest::PUSH_PIECE` bytes, so the hasher's loop runs optimised
/// code after its first calls: one 8 MB call ran entirely in V8's baseline code, 4x slower.
fn hash_in_pieces(hasher: &mut SourceHasher, bytes: &[u8]) {
    for piece in bytes.chunks(PUSH_PIECE) {
        hasher.update(piece);
    }
}

/// Entry of the hash worker: answers `[id, file]` (hash this file) and `[id, "relay", file,
/// ahead]` … `[id, "more"]` (read this file for the load, hashing it on the way; see [`Relay`]).
pub fn serve(scope: DedicatedWorkerGlobalScope) {
    let out = scope.clone();
    let mut relays: Vec<Relay> = Vec::new();
    let mut buf = Vec::new();
    let reader = FileReaderSync::new().ok();
    let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
        let data: js_sys::Array = match ev.data().dyn_into() {
            Ok(a) => a,
            Err(_) => return,
        };
        let id = data.get(0);
        let send = |kind: &str, value: JsValue| {
            let _ = out.post_message(&js_sys::Array::of3(&id, &JsValue::from_str(kind), &value));
        };
        let key = id.as_f64().unwrap_or(-1.0);
        match data.get(1).as_string().as_deref() {
            Some("relay") => {
                count_job("relay");
                let (Ok(file), Some(reader)) = (data.get(2).dyn_into::<File>(), reader.as_ref()) else {
                    send("error", JsValue::from_str("the relay needs a file and FileReaderSync"));
                    return;
                };
                let ahead = data.get(3).as_f64().unwrap_or(1.0).max(1.0) as u32;
                relays.push(Relay::new(key, file, ahead));
                pump_relay(&mut relays, key, reader, &mut buf, &send);
            }
            Some("more") => {
                if let (Some(r), Some(reader)) = (relays.iter_mut().find(|r| r.id == key), reader.as_ref()) {
                    r.credits += 1;
                    pump_relay(&mut relays, key, reader, &mut buf, &send);
                }
            }
            _ => {
                let Ok(file) = data.get(1).dyn_into::<File>() else {
                    return;
                };
                count_job("file");
                let mut last = js_sys::Date::now();
                let result = hash_file_sync(&file, HASH_CHUNK_BYTES, &mut |bytes| {
                    let t = js_sys::Date::now();
                    if t - last >= 100.0 {
                        last = t;
                        send("progress", JsValue::from_f64(bytes as f64));
                    }
                });
                match result {
                    Ok((sha, _)) => send("done", JsValue::from_str(&sha)),
                    Err(e) => send("error", JsValue::from_str(&e.to_string())),
                }
            }
        }
    });
    scope.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    onmessage.forget();
    let _ = scope.post_message(&js_sys::Array::of2(&JsValue::from_f64(0.0), &JsValue::from_str("ready")));
}

/// Counts the jobs of each kind on the hash worker's global `strataJobs` object, so an
/// end-to-end test can see which path a load took.
fn count_job(kind: &str) {
    let global = js_sys::global();
    let key = JsValue::from_str("strataJobs");
    let jobs = js_sys::Reflect::get(&global, &key).ok().filter(|v| v.is_object()).unwrap_or_else(|| {
        let o: JsValue = js_sys::Object::new().into();
        let _ = js_sys::Reflect::set(&global, &key, &o);
        o
    });
    let kind = JsValue::from_str(kind);
    let n = js_sys::Reflect::get(&jobs, &kind).ok().and_then(|v| v.as_f64()).unwrap_or(0.0);
    let _ = js_sys::Reflect::set(&jobs, &kind, &JsValue::from_f64(n + 1.0));
}

/// Bytes of a relay's first read; each next read is twice as long, up to `HASH_CHUNK_BYTES`.
/// A small first piece lets the load start parsing after about a millisecond of reading.
pub const RELAY_FIRST_BYTES: u64 = 1 << 20;

/// A file the hash worker reads for the load and hashes on the way.
///
/// Why: a read started with `Blob.arrayBuffer()` in the load's worker makes progress only while
/// that worker's event loop is free (the bytes arrive through a pipe drained on its own thread),
/// so reading ahead while it parsed hid almost nothing: on the 92 MB benchmark CSV it still waited
/// about 110 ms for bytes. Here the reads run on the hash worker's thread, up to `credits` pieces
/// ahead of the parse: each piece is read with `FileReaderSync`, copied into this worker's memory,
/// its buffer transferred to the load as `[id, "data", buffer]`, and then hashed. `[id, "done",
/// hex]` follows the last piece. The load sends `[id, "more"]` for each piece it takes.
struct Relay {
    id: f64,
    file: File,
    offset: u64,
    next_len: u64,
    credits: u32,
    hasher: SourceHasher,
}

impl Relay {
    fn new(id: f64, file: File, credits: u32) -> Self {
        Relay { id, file, offset: 0, next_len: RELAY_FIRST_BYTES, credits, hasher: SourceHasher::default() }
    }
}

/// Reads, forwards and hashes pieces of relay `id` while it has credits; finishes it at the end.
fn pump_relay(
    relays: &mut Vec<Relay>,
    id: f64,
    reader: &FileReaderSync,
    buf: &mut Vec<u8>,
    send: &dyn Fn(&str, JsValue),
) {
    let Some(pos) = relays.iter().position(|r| r.id == id) else { return };
    let r = &mut relays[pos];
    let total = r.file.size() as u64;
    while r.credits > 0 && r.offset < total {
        let end = (r.offset + r.next_len).min(total);
        let ab = match read_piece(reader, &r.file, r.offset, end, buf) {
            Ok(ab) => ab,
            Err(e) => {
                send("error", JsValue::from_str(&e.to_string()));
                relays.swap_remove(pos);
                return;
            }
        };
        let message = js_sys::Array::of3(&JsValue::from_f64(id), &"data".into(), &ab);
        if let Err(e) = js_sys::global()
            .unchecked_into::<DedicatedWorkerGlobalScope>()
            .post_message_with_transfer(&message, &js_sys::Array::of1(&ab))
        {
            send("error", JsValue::from_str(&super::file::js_err("cannot hand the bytes to the load", e).to_string()));
            relays.swap_remove(pos);
            return;
        }
        hash_in_pieces(&mut r.hasher, buf);
        r.offset = end;
        r.next_len = (r.next_len * 2).min(HASH_CHUNK_BYTES);
        r.credits -= 1;
    }
    if r.offset >= total {
        let done = relays.swap_remove(pos);
        send("done", JsValue::from_str(&done.hasher.finish().0));
    }
}

/// The jobs handed to the hash worker and not finished, by id.
type Jobs = Rc<RefCell<Vec<(u32, Rc<Job>)>>>;

/// What the load worker knows of a job: its state, the relayed pieces not yet taken, and who
/// waits for news of it.
#[derive(Default)]
struct Job {
    state: RefCell<JobState>,
    data: RefCell<VecDeque<js_sys::ArrayBuffer>>,
    waiter: RefCell<Option<js_sys::Function>>,
}

impl Job {
    fn set(&self, state: JobState) {
        *self.state.borrow_mut() = state;
        self.wake();
    }

    fn wake(&self) {
        if let Some(resolve) = self.waiter.borrow_mut().take() {
            let _ = resolve.call0(&JsValue::NULL);
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum JobState {
    /// Bytes hashed (or relayed) so far.
    Running(u64),
    Done(String),
    Failed(String),
}

impl Default for JobState {
    fn default() -> Self {
        JobState::Running(0)
    }
}

/// The hash worker as seen from the main worker: started once and kept (warm) between loads,
/// started again after it was terminated.
pub struct HashWorker {
    url: String,
    inner: RefCell<Option<Running>>,
    next_id: Cell<u32>,
}

struct Running {
    worker: Worker,
    ready: Rc<Cell<bool>>,
    /// Files handed over before the worker listened.
    queue: Rc<RefCell<Vec<(js_sys::Array, js_sys::Array)>>>,
    jobs: Jobs,
    _handlers: [Closure<dyn FnMut(web_sys::Event)>; 2],
}

impl Drop for Running {
    fn drop(&mut self) {
        self.worker.terminate();
        for (_, job) in self.jobs.borrow().iter() {
            if matches!(*job.state.borrow(), JobState::Running(_)) {
                job.set(JobState::Failed("the hash worker was stopped".into()));
            }
        }
    }
}

impl HashWorker {
    /// A hash worker running the script at `url`, started by `warm_up` or the first job.
    pub fn new(url: &str) -> Rc<Self> {
        Rc::new(HashWorker { url: url.to_string(), inner: RefCell::new(None), next_id: Cell::new(1) })
    }

    /// Starts the hash worker ahead of the first load (compiling its wasm takes a moment).
    pub fn warm_up(&self) {
        self.ensure_started();
    }

    /// Whether the hash worker is running and listening (it takes a few hundred milliseconds
    /// to start).
    pub fn is_ready(&self) -> bool {
        self.inner.borrow().as_ref().is_some_and(|r| r.ready.get())
    }

    fn ensure_started(&self) -> bool {
        if self.inner.borrow().is_some() {
            return true;
        }
        let options = WorkerOptions::new();
        options.set_name(HASH_WORKER_NAME);
        let Ok(worker) = Worker::new_with_options(&self.url, &options) else {
            return false;
        };
        let ready = Rc::new(Cell::new(false));
        let queue: Rc<RefCell<Vec<(js_sys::Array, js_sys::Array)>>> = Rc::new(RefCell::new(Vec::new()));
        let jobs: Jobs = Rc::new(RefCell::new(Vec::new()));
        let on_message = {
            let (ready, queue, jobs, worker) = (Rc::clone(&ready), Rc::clone(&queue), Rc::clone(&jobs), worker.clone());
            Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
                let ev: MessageEvent = ev.unchecked_into();
                let Ok(data) = ev.data().dyn_into::<js_sys::Array>() else {
                    // Not ours (e.g. a panic report as JSON text): every job fails over to inline.
                    fail_all(&jobs, "the hash worker stopped");
                    return;
                };
                let id = data.get(0).as_f64().unwrap_or(-1.0) as i64;
                let kind = data.get(1).as_string().unwrap_or_default();
                if kind == "ready" {
                    ready.set(true);
                    for (m, transfer) in queue.borrow_mut().drain(..) {
                        let _ = worker.post_message_with_transfer(&m, &transfer);
                    }
                    return;
                }
                let mut jobs = jobs.borrow_mut();
                let Some(pos) = jobs.iter().position(|(j, _)| *j as i64 == id) else { return };
                let job = Rc::clone(&jobs[pos].1);
                let next = match kind.as_str() {
                    "data" => {
                        let buffer: js_sys::ArrayBuffer = data.get(2).unchecked_into();
                        let JobState::Running(before) = *job.state.borrow() else { return };
                        let relayed = before + buffer.byte_length() as u64;
                        job.data.borrow_mut().push_back(buffer);
                        JobState::Running(relayed)
                    }
                    "progress" => JobState::Running(data.get(2).as_f64().unwrap_or(0.0) as u64),
                    "done" => JobState::Done(data.get(2).as_string().unwrap_or_default()),
                    _ => JobState::Failed(data.get(2).as_string().unwrap_or_default()),
                };
                if !matches!(next, JobState::Running(_)) {
                    jobs.remove(pos);
                }
                drop(jobs);
                job.set(next);
            })
        };
        let on_error = {
            let jobs = Rc::clone(&jobs);
            Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
                ev.prevent_default();
                fail_all(&jobs, "the hash worker failed");
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        *self.inner.borrow_mut() = Some(Running { worker, ready, queue, jobs, _handlers: [on_message, on_error] });
        true
    }

    /// Starts hashing `file`, which the hash worker reads itself; `None` when the hash worker
    /// cannot be started.
    pub fn start(self: &Rc<Self>, file: &File) -> Option<HashJob> {
        let job = self.new_job()?;
        self.post(js_sys::Array::of2(&JsValue::from_f64(job.id as f64), file), &job.job);
        Some(job)
    }

    /// Starts a relay of `file` (see [`Relay`]): the hash worker reads it, at most `ahead` pieces
    /// ahead of the caller, who takes the pieces in order with `HashJob::take_data`; the hash
    /// comes as for `start`. `None` when the hash worker cannot be started.
    pub fn start_relay(self: &Rc<Self>, file: &File, ahead: u32) -> Option<HashJob> {
        let job = self.new_job()?;
        let message = js_sys::Array::of4(&JsValue::from_f64(job.id as f64), &"relay".into(), file, &ahead.into());
        self.post(message, &job.job);
        Some(job)
    }

    fn new_job(self: &Rc<Self>) -> Option<HashJob> {
        if !self.ensure_started() {
            return None;
        }
        let inner = self.inner.borrow();
        let running = inner.as_ref()?;
        let id = self.next_id.get();
        self.next_id.set(id.wrapping_add(1).max(1));
        let job = Rc::new(Job::default());
        running.jobs.borrow_mut().push((id, Rc::clone(&job)));
        Some(HashJob { owner: Rc::downgrade(self), id, job })
    }

    fn post(&self, message: js_sys::Array, job: &Job) {
        let inner = self.inner.borrow();
        let Some(running) = inner.as_ref() else {
            job.set(JobState::Failed("the hash worker was stopped".into()));
            return;
        };
        if running.ready.get() {
            if running.worker.post_message(&message).is_err() {
                job.set(JobState::Failed("the message could not be handed to the hash worker".into()));
            }
        } else {
            running.queue.borrow_mut().push((message, js_sys::Array::new()));
        }
    }

    /// Stops the hash worker (it is busy with a file nobody waits for); the next job starts a
    /// fresh one.
    fn stop(&self) {
        self.inner.borrow_mut().take();
    }
}

fn fail_all(jobs: &Jobs, why: &str) {
    let failed: Vec<_> = jobs.borrow_mut().drain(..).collect();
    for (_, job) in failed {
        job.set(JobState::Failed(why.into()));
    }
}

/// One file being hashed in the hash worker. Dropped before it finished (cancel, a failed
/// parse), it stops the hash worker so the second core is free again.
pub struct HashJob {
    owner: Weak<HashWorker>,
    id: u32,
    job: Rc<Job>,
}

/// What a `HashJob` has come to.
pub enum HashPoll {
    /// Still hashing; this many bytes so far.
    Running(u64),
    Done(String),
    /// The hash worker failed: hash another way.
    Failed(String),
}

impl HashJob {
    /// The next relayed piece of the file, if one has come (the hash worker is then asked for
    /// one more).
    pub fn take_data(&self) -> Option<js_sys::ArrayBuffer> {
        let buffer = self.job.data.borrow_mut().pop_front()?;
        if matches!(*self.job.state.borrow(), JobState::Running(_)) {
            if let Some(owner) = self.owner.upgrade() {
                owner.post(js_sys::Array::of2(&JsValue::from_f64(self.id as f64), &"more".into()), &self.job);
            }
        }
        Some(buffer)
    }

    /// Marks the job failed and stops the hash worker (it went silent).
    pub fn give_up(&self, why: &str) {
        self.job.set(JobState::Failed(why.into()));
        if let Some(owner) = self.owner.upgrade() {
            owner.stop();
        }
    }

    pub fn poll(&self) -> HashPoll {
        match &*self.job.state.borrow() {
            JobState::Running(b) => HashPoll::Running(*b),
            JobState::Done(s) => HashPoll::Done(s.clone()),
            JobState::Failed(m) => HashPoll::Failed(m.clone()),
        }
    }

    /// Waits until the hash worker says something about this job, or `timeout_ms` passed
    /// (messages such as Cancel run meanwhile).
    pub async fn changed(&self, timeout_ms: i32) {
        let promise = timer(timeout_ms, |resolve| *self.job.waiter.borrow_mut() = Some(resolve));
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
        self.job.waiter.borrow_mut().take();
    }
}

impl Drop for HashJob {
    fn drop(&mut self) {
        // A job still running is abandoned (cancel, a failed parse); one that failed leaves the
        // hash worker suspect. Either way the next job gets a fresh one.
        if !matches!(*self.job.state.borrow(), JobState::Done(_)) {
            if let Some(owner) = self.owner.upgrade() {
                owner.stop();
            }
        }
    }
}

/// Whether `result` is a usable hash: 64 lowercase hex digits.
pub fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Sleeps about `ms` milliseconds, letting messages (Cancel, the hash worker's) run meanwhile.
pub async fn sleep_ms(ms: i32) {
    let _ = wasm_bindgen_futures::JsFuture::from(timer(ms, |_| {})).await;
}

/// A promise resolved after about `ms` milliseconds; its resolve function also goes to `early`,
/// which may keep it to resolve the promise sooner.
fn timer(ms: i32, early: impl FnOnce(js_sys::Function)) -> js_sys::Promise {
    let mut early = Some(early);
    js_sys::Promise::new(&mut |resolve, _| {
        let global: web_sys::WorkerGlobalScope = js_sys::global().unchecked_into();
        let _ = global.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        if let Some(keep) = early.take() {
            keep(resolve);
        }
    })
}
