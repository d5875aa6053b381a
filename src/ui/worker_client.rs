//! The page's side of the worker boundary: spawns the worker, queues requests until it is
//! ready, turns its messages into `Response`s, and restarts it after a crash.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ErrorEvent, File, MessageEvent, Worker};

use crate::protocol::{Request, Response};

type EventHandler = Closure<dyn FnMut(web_sys::Event)>;

/// The loader shim Trunk writes for the worker binary.
const WORKER_URL: &str = "./worker_loader.js";

pub struct WorkerClient {
    worker: RefCell<Option<Worker>>,
    ready: Cell<bool>,
    queue: RefCell<Vec<(String, Vec<File>)>>,
    on_response: Rc<dyn Fn(Response)>,
    next_id: Cell<u64>,
    /// Kept alive as long as the worker they are attached to.
    handlers: RefCell<Vec<EventHandler>>,
    /// Files being written, by request: each part is appended to a `Blob` as it arrives, so the
    /// bytes go to the browser's blob storage (which keeps large blobs on disk) and are never
    /// held by this page's JavaScript or wasm memory.
    files: RefCell<std::collections::HashMap<u64, web_sys::Blob>>,
}

impl WorkerClient {
    pub fn spawn(on_response: Rc<dyn Fn(Response)>) -> Rc<Self> {
        let client = Rc::new(WorkerClient {
            worker: RefCell::new(None),
            ready: Cell::new(false),
            queue: RefCell::new(Vec::new()),
            on_response,
            next_id: Cell::new(1),
            handlers: RefCell::new(Vec::new()),
            files: RefCell::new(std::collections::HashMap::new()),
        });
        client.start();
        client
    }

    /// The file written for `request_id` (taken: a second call gets none).
    pub fn take_file(&self, request_id: u64) -> Option<web_sys::Blob> {
        self.files.borrow_mut().remove(&request_id)
    }

    /// Appends a part to the file of `request_id`: a new blob made of the old one and the part
    /// (blobs made of blobs share their bytes, nothing is copied).
    fn append_part(&self, request_id: u64, part: &js_sys::Uint8Array) {
        let mut files = self.files.borrow_mut();
        let parts = match files.remove(&request_id) {
            Some(blob) => js_sys::Array::of2(&blob, part),
            None => js_sys::Array::of1(part),
        };
        match web_sys::Blob::new_with_u8_array_sequence(&parts) {
            Ok(blob) => {
                files.insert(request_id, blob);
            }
            Err(e) => web_sys::console::error_1(&e),
        }
    }

    fn start(self: &Rc<Self>) {
        self.ready.set(false);
        let worker = match Worker::new(WORKER_URL) {
            Ok(w) => w,
            Err(e) => {
                (self.on_response)(Response::Panic { message: format!("the worker cannot start: {e:?}") });
                return;
            }
        };
        let me = Rc::downgrade(self);
        let onmessage = EventHandler::new(move |ev: web_sys::Event| {
            let Some(me) = me.upgrade() else { return };
            let ev: MessageEvent = ev.unchecked_into();
            let data = ev.data();
            // A written file arrives in parts as [json, bytes]; everything else as a JSON string.
            let (text, bytes) = if data.is_array() {
                let arr: js_sys::Array = data.unchecked_into();
                (arr.get(0).as_string(), arr.get(1).dyn_into::<js_sys::Uint8Array>().ok())
            } else {
                (data.as_string(), None)
            };
            let Some(text) = text else {
                return;
            };
            let response = Response::from_json(&text);
            if let (Ok(Response::ExportChunk { request_id, .. } | Response::Exported { request_id, .. }), Some(part)) =
                (&response, bytes)
            {
                if part.length() > 0 {
                    me.append_part(*request_id, &part);
                }
            }
            match response {
                Ok(Response::ExportChunk { .. }) => {}
                Ok(Response::Ready) => {
                    me.ready.set(true);
                    me.flush();
                    (me.on_response)(Response::Ready);
                }
                Ok(r) => (me.on_response)(r),
                Err(e) => (me.on_response)(Response::Panic { message: e }),
            }
        });
        let me = Rc::downgrade(self);
        let onerror = EventHandler::new(move |ev: web_sys::Event| {
            let Some(me) = me.upgrade() else { return };
            let message = ev
                .dyn_ref::<ErrorEvent>()
                .map(|e| e.message())
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| "the worker stopped with an error".into());
            (me.on_response)(Response::Panic { message });
        });
        worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
        worker.set_onerror(Some(onerror.as_ref().unchecked_ref()));
        *self.handlers.borrow_mut() = vec![onmessage, onerror];
        *self.worker.borrow_mut() = Some(worker);
    }

    /// Stops the worker (its datasets are lost) and starts a fresh one.
    pub fn restart(self: &Rc<Self>) {
        if let Some(w) = self.worker.borrow_mut().take() {
            w.terminate();
        }
        self.queue.borrow_mut().clear();
        self.start();
    }

    pub fn next_id(&self) -> u64 {
        let id = self.next_id.get();
        self.next_id.set(id + 1);
        id
    }

    pub fn is_ready(&self) -> bool {
        self.ready.get()
    }

    pub fn send(&self, request: &Request, file: Option<&File>) {
        self.send_files(request, file.into_iter().cloned().collect());
    }

    /// Sends a request with any number of files beside it.
    pub fn send_files(&self, request: &Request, files: Vec<File>) {
        self.queue.borrow_mut().push((request.to_json(), files));
        if self.ready.get() {
            self.flush();
        }
    }

    fn flush(&self) {
        let worker = self.worker.borrow();
        let Some(worker) = worker.as_ref() else {
            return;
        };
        for (json, files) in self.queue.borrow_mut().drain(..) {
            let msg = js_sys::Array::new();
            msg.push(&JsValue::from_str(&json));
            for f in files {
                msg.push(&f);
            }
            if let Err(e) = worker.post_message(&msg) {
                (self.on_response)(Response::Panic { message: format!("cannot reach the worker: {e:?}") });
            }
        }
    }
}
