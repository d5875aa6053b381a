//! Strata: a data-preparation workbench that runs in the browser.
//!
//! `core` is pure Rust (tested natively, compiled to wasm32 for the worker); `protocol` is the
//! vocabulary shared by the UI and the worker; `worker` and `ui` exist only on wasm32.

pub mod core;
pub mod protocol;
pub mod view_model;

#[cfg(target_arch = "wasm32")]
pub mod ui;
#[cfg(target_arch = "wasm32")]
pub mod worker;
