//! The source's SHA-256 on the second core.
//!
//! SHA-256 in wasm (no SHA instructions) is a large part of a load, and a load otherwise uses one
//! core. So the worker starts a second dedicated worker, the same script in "hash" mode (told
//! apart by its name), and parses without hashing meanwhile; the load completes once both are
//! done. For CSV and JSON Lines the load hands each 8 MB buffer it has read (and copied into its
//! own memory) on to the hash worker, transferred rather than copied, so the file is read once;
//! for Parquet, read by row groups, the hash worker reads the `File` itself in 8 MB pieces
//! through `FileReaderSync`. Either way the same streaming hasher as the native path computes
//! it, so the recorded hash is the same. Cancel (or a failed parse) terminates the hash worker;
//! if it cannot start, fails, or goes silent, the worker hashes the file itself as before.
//!
//! WebCrypto's SHA-256 would be faster still (it uses the CPU's SHA instructions), but it takes
//! the whole file as one buffer and copies it: measured on the 92 MB benchmark CSV, the page's
//! memory went from about 1.5x to 3.6x the file size, above the 3x budget.
//!
//! Messages to the hash worker are `[id, file]`, or `[id, "chunk", buffer]`… `[id, "end"]`.
//! Messages from the hash worker are arrays `[id, kind, value]`: `[0, "ready"]` once it listens,
//! `[id, "progress", bytes]` about every 100 ms, `[id, "done", hex]` or `[id, "error", text]`.

use std::cell::{Cell, RefCell};
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
        let blob = file
            .slice_with_f64_and_f64(offset as f64, end as f64)
            .map_err(|e| super::file::js_err("cannot slice the file", e))?;
        let ab = reader.read_as_array_buffer(&blob).map_err(|e| super::file::js_err("cannot read the file", e))?;
        let array = js_sys::Uint8Array::new(&ab);
        buf.resize(array.length() as usize, 0);
        array.copy_to(&mut buf);
        // In pieces, so the hasher's loop runs optimised code after its first calls (see
        // `ingest::PUSH_PIECE`): one 8 MB call ran entirely in V8's baseline code, 4x slower.
        for piece in buf.chunks(PUSH_PIECE) {
            hasher.update(piece);
        }
        offset = end;
        progress(offset);
    }
    Ok(hasher.finish())
}

/// Entry of the hash worker: answers `[id, file]` (hash this file) and `[id, "chunk", buffer]`
/// ... `[id, "end"]` (hash these bytes, handed over in order), one job at a time.
pub fn serve(scope: DedicatedWorkerGlobalScope) {
    let out = scope.clone();
    let mut streams: Vec<(f64, SourceHasher)> = Vec::new();
    let mut buf = Vec::new();
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
            Some("chunk") => {
                let ab = data.get(2);
                let pos = match streams.iter().position(|(k, _)| *k == key) {
                    Some(p) => p,
                    None => {
                        streams.push((key, SourceHasher::default()));
                        streams.len() - 1
                    }
                };
                let array = js_sys::Uint8Array::new(&ab);
                buf.resize(array.length() as usize, 0);
                array.copy_to(&mut buf);
                let hasher = &mut streams[pos].1;
                for piece in buf.chunks(PUSH_PIECE) {
                    hasher.update(piece);
                }
                send("progress", JsValue::from_f64(hasher.bytes() as f64));
            }
            Some("end") => {
                let hasher = match streams.iter().position(|(k, _)| *k == key) {
                    Some(p) => streams.swap_remove(p).1,
                    None => SourceHasher::default(),
                };
                send("done", JsValue::from_str(&hasher.finish().0));
            }
            _ => {
                let Ok(file) = data.get(1).dyn_into::<File>() else {
                    return;
                };
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

/// The jobs handed to the hash worker and not finished, by id.
type Jobs = Rc<RefCell<Vec<(u32, Rc<RefCell<JobState>>)>>>;

#[derive(Debug, Clone, PartialEq)]
enum JobState {
    Running(u64),
    Done(String),
    Failed(String),
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
        for (_, state) in self.jobs.borrow().iter() {
            let mut s = state.borrow_mut();
            if matches!(*s, JobState::Running(_)) {
                *s = JobState::Failed("the hash worker was stopped".into());
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
                let next = match kind.as_str() {
                    "progress" => JobState::Running(data.get(2).as_f64().unwrap_or(0.0) as u64),
                    "done" => JobState::Done(data.get(2).as_string().unwrap_or_default()),
                    _ => JobState::Failed(data.get(2).as_string().unwrap_or_default()),
                };
                let finished = !matches!(next, JobState::Running(_));
                *jobs[pos].1.borrow_mut() = next;
                if finished {
                    jobs.remove(pos);
                }
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
        let job = self.start_stream()?;
        self.post(js_sys::Array::of2(&JsValue::from_f64(job.id as f64), file), js_sys::Array::new(), &job.state);
        Some(job)
    }

    /// Starts hashing bytes the caller has read anyway: hand each piece, in order, to
    /// `HashJob::feed` (the buffer moves to the hash worker, no copy and no second read of the
    /// file), then call `HashJob::end`.
    pub fn start_stream(self: &Rc<Self>) -> Option<HashJob> {
        if !self.ensure_started() {
            return None;
        }
        let inner = self.inner.borrow();
        let running = inner.as_ref()?;
        let id = self.next_id.get();
        self.next_id.set(id.wrapping_add(1).max(1));
        let state = Rc::new(RefCell::new(JobState::Running(0)));
        running.jobs.borrow_mut().push((id, Rc::clone(&state)));
        Some(HashJob { owner: Rc::downgrade(self), id, state })
    }

    fn post(&self, message: js_sys::Array, transfer: js_sys::Array, state: &RefCell<JobState>) {
        let inner = self.inner.borrow();
        let Some(running) = inner.as_ref() else {
            *state.borrow_mut() = JobState::Failed("the hash worker was stopped".into());
            return;
        };
        if running.ready.get() {
            if running.worker.post_message_with_transfer(&message, &transfer).is_err() {
                *state.borrow_mut() = JobState::Failed("the bytes could not be handed to the hash worker".into());
            }
        } else {
            running.queue.borrow_mut().push((message, transfer));
        }
    }

    /// Stops the hash worker (it is busy with a file nobody waits for); the next job starts a
    /// fresh one.
    fn stop(&self) {
        self.inner.borrow_mut().take();
    }
}

fn fail_all(jobs: &Jobs, why: &str) {
    for (_, state) in jobs.borrow_mut().drain(..) {
        *state.borrow_mut() = JobState::Failed(why.into());
    }
}

/// One file being hashed in the hash worker. Dropped before it finished (cancel, a failed
/// parse), it stops the hash worker so the second core is free again.
pub struct HashJob {
    owner: Weak<HashWorker>,
    id: u32,
    state: Rc<RefCell<JobState>>,
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
    /// Hands the next bytes of a streamed job to the hash worker (the buffer is transferred:
    /// it is empty here afterwards).
    pub fn feed(&self, buffer: &js_sys::ArrayBuffer) {
        if let Some(owner) = self.owner.upgrade() {
            let message = js_sys::Array::of3(&JsValue::from_f64(self.id as f64), &"chunk".into(), buffer);
            owner.post(message, js_sys::Array::of1(buffer), &self.state);
        }
    }

    /// Says a streamed job has had all its bytes.
    pub fn end(&self) {
        if let Some(owner) = self.owner.upgrade() {
            owner.post(
                js_sys::Array::of2(&JsValue::from_f64(self.id as f64), &"end".into()),
                js_sys::Array::new(),
                &self.state,
            );
        }
    }

    pub fn poll(&self) -> HashPoll {
        match &*self.state.borrow() {
            JobState::Running(b) => HashPoll::Running(*b),
            JobState::Done(s) => HashPoll::Done(s.clone()),
            JobState::Failed(m) => HashPoll::Failed(m.clone()),
        }
    }
}

impl Drop for HashJob {
    fn drop(&mut self) {
        if matches!(*self.state.borrow(), JobState::Running(_)) {
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
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let global: web_sys::WorkerGlobalScope = js_sys::global().unchecked_into();
        let _ = global.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
