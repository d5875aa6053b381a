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
}
