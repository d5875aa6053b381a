//! The page: a Leptos client-side app that renders state and sends requests to the worker.
//! It never holds a table; it receives summaries and pages of rows.

mod app;
mod components;
pub mod glossary;
mod history;
mod panels;
mod state;
pub mod worker_client;

pub use app::App;
pub use state::AppState;

/// Entry point of the app binary.
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
    // The shell and the Load panel are in the document now (client-side rendering mounts
    // synchronously); the startup benchmark reads this mark.
    mark("strata-ready");
}

/// Marks a moment of startup on the page's performance timeline, for
/// tests/e2e/bench/startup.bench.mjs: "strata-ready" (the page is drawn, a file can be chosen)
/// and "strata-worker-ready" (the worker's wasm runs, a file can be loaded).
pub(crate) fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark(name);
    }
}
