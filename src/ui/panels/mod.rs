//! One panel per step of the rail.

mod clean;
pub(crate) mod compare;
mod export;
mod load;
mod profile;
mod sample;
mod sample_report;
mod share;
mod validate;

pub use clean::CleanPanel;
pub use compare::ComparePanel;
pub use export::ExportPanel;
pub use load::LoadPanel;
pub use profile::ProfilePanel;
pub use sample::SamplePanel;
pub use share::{recipe_in_address, ShareLink, SharedRecipe};
pub use validate::ValidatePanel;
