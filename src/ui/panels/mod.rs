//! One panel per step of the rail.

mod clean;
mod compare;
mod export;
mod load;
mod profile;
mod sample;
mod sample_report;
mod validate;

pub use clean::CleanPanel;
pub use compare::ComparePanel;
pub use export::ExportPanel;
pub use load::LoadPanel;
pub use profile::ProfilePanel;
pub use sample::SamplePanel;
pub use validate::ValidatePanel;

use leptos::prelude::*;

use super::state::StepId;

/// Steps whose panels are still to be built say so plainly, with what they will do.
#[component]
pub fn NotYetPanel(step: StepId) -> impl IntoView {
    let what = match step {
        StepId::Load | StepId::Profile => "",
        StepId::Validate => {
            "Validation checks rules (Frictionless Table Schema) and routes failing rows to a quarantine."
        }
        StepId::Clean => {
            "Cleaning imputes, caps outliers, scales, encodes, standardizes and deduplicates, fitted without leakage."
        }
        StepId::Sample => {
            "Sampling draws seeded random, stratified, weighted and reservoir samples and leakage-safe splits."
        }
        StepId::Compare => {
            "Comparing reports schema changes, distribution drift and row differences between two datasets."
        }
        StepId::Export => {
            "Exporting writes versioned CSV/Parquet files with a lineage JSON that replays them byte for byte."
        }
    };
    view! {
        <section class="panel" data-testid=format!("panel-{}", step.slug())>
            <h2>{step.label()}</h2>
            <p class="explain">{what}</p>
            <p class="notice">"This step is not available in this version yet."</p>
        </section>
    }
}
