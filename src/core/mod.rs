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

/// 1234567 → "1,234,567": counts in messages, reports and the UI.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
