//! The pure core: ingest, datasets, recipes and (later) profile, validate, transform, sample,
//! compare and export. No browser crates; every input is bytes, every output Arrow or serde data.

pub mod compare;
pub mod dataset;
pub mod error;
pub mod examples;
pub mod export;
pub mod ingest;
pub mod lineage;
pub mod profile;
pub mod recipe;
pub mod sample;
pub mod share;
pub mod stats;
pub mod synth;
pub mod transform;
pub mod validate;

pub use dataset::Dataset;
pub use error::{CoreError, Location};
