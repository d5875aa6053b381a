//! Pieces every derived-step panel shares: choosing an input dataset, naming an output, and the
//! "what changed" line (rows in and out, rows set aside, outputs with their row counts).

use leptos::prelude::*;

use crate::core::export::FileFormat;
use crate::core::recipe::{Step, StepOutcome};
use crate::ui::state::AppState;
use crate::view_model::thousands;

/// A select over the session's datasets. Starts on the current dataset when `selected` is empty.
#[component]
pub fn DatasetPicker(
    selected: RwSignal<String>,
    #[prop(into)] testid: String,
    #[prop(into)] label: String,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    Effect::new(move |_| {
        let names: Vec<String> = state.datasets.with(|ds| ds.iter().map(|d| d.id.clone()).collect());
        let now = selected.get_untracked();
        if now.is_empty() || !names.contains(&now) {
            let pick = state.current.get().filter(|c| names.contains(c)).or_else(|| names.first().cloned());
            selected.set(pick.unwrap_or_default());
        }
    });
    view! {
        <label class="picker">
            {label} " "
            <select
                data-testid=testid
                prop:value=move || selected.get()
                on:change=move |ev| selected.set(event_target_value(&ev))
            >
                {move || {
                    state
                        .datasets
                        .get()
                        .into_iter()
                        .map(|d| {
                            let text = format!("{} ({} rows)", d.id, thousands(d.rows));
                            let id = d.id.clone();
                            view! { <option value=id.clone() selected=move || selected.get() == id>{text}</option> }
                        })
                        .collect_view()
                }}
            </select>
        </label>
    }
}

/// What a step changed: rows in → out, rows set aside, columns in → out (when the step is given
/// and its datasets are in the session), and each output with its rows, columns and download
/// buttons. `data-elapsed-ms` carries the worker's own time for the step (benchmarks read it).
#[component]
pub fn StepSummary(outcome: StepOutcome, elapsed_ms: f64, #[prop(optional, into)] step: Option<Step>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let columns_of =
        move |name: &str| state.datasets.with(|ds| ds.iter().find(|d| d.id == name).map(|d| d.columns.len()));
    let (input, output) =
        step.map(|s| (s.inputs().into_iter().next().unwrap_or_default(), s.output())).unwrap_or_default();
    let columns = Memo::new(move |_| columns_of(&input).zip(columns_of(&output)));
    let outputs = outcome.outputs.clone();
    view! {
        <p
            class="step-summary"
            data-testid="step-summary"
            data-rows-in=outcome.rows_in
            data-rows-out=outcome.rows_out
            data-columns-in=move || columns.get().map(|c| c.0)
            data-columns-out=move || columns.get().map(|c| c.1)
            data-elapsed-ms=elapsed_ms
        >
            <strong>"What changed: "</strong>
            {format!(
                "{} rows in → {} rows out{}",
                thousands(outcome.rows_in),
                thousands(outcome.rows_out),
                if outcome.rows_set_aside > 0 {
                    format!(", {} set aside (kept in their own output)", thousands(outcome.rows_set_aside))
                } else {
                    String::new()
                },
            )}
            {move || columns.get().map(|(i, o)| format!("; {i} columns in → {o} columns out"))}
            {format!(". Ran in {:.2} s.", elapsed_ms / 1000.0)}
        </p>
        {(!outputs.is_empty())
            .then(|| {
                view! {
                    <ul class="step-outputs" data-testid="step-outputs">
                        {outputs
                            .into_iter()
                            .map(|o| {
                                let name = o.name.clone();
                                let cols = o.name.clone();
                                view! {
                                    <li data-output=name data-rows=o.rows>
                                        <code>{o.name.clone()}</code> ": " {thousands(o.rows)} " rows"
                                        {move || columns_of(&cols).map(|c| format!(" × {c} columns"))}
                                        " · download " <DownloadButtons dataset=o.name/>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
            })}
    }
}

/// The "what changed" line of a panel that only reads: nothing, why, and the shape of each
/// dataset it read (rows × columns, as the session has them).
#[component]
pub fn ReadOnlySummary(#[prop(into)] why: String, datasets: Vec<String>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let shapes = move || {
        state.datasets.with(|ds| {
            datasets
                .iter()
                .filter_map(|n| ds.iter().find(|d| &d.id == n))
                .map(|d| format!(" {} stays {} rows × {} columns.", d.id, thousands(d.rows), d.columns.len()))
                .collect::<String>()
        })
    };
    view! {
        <p class="what-changed" data-testid="what-changed">
            <strong>"What changed: "</strong>
            "nothing — "
            {why}
            "."
            {shapes}
        </p>
    }
}

/// A text input for an output dataset's name.
#[component]
pub fn OutputName(value: RwSignal<String>, #[prop(into)] testid: String, #[prop(into)] label: String) -> impl IntoView {
    view! {
        <label class="picker">
            {label} " "
            <input
                type="text"
                data-testid=testid
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        </label>
    }
}

/// Buttons that save a dataset as CSV or Parquet (written in the worker; nothing leaves the tab).
#[component]
pub fn DownloadButtons(#[prop(into)] dataset: String) -> impl IntoView {
    let state = expect_context::<AppState>();
    let csv = dataset.clone();
    let parquet = dataset.clone();
    view! {
        <span class="downloads" data-dataset=dataset.clone()>
            <button
                class="secondary"
                data-testid=format!("download-csv-{dataset}")
                on:click=move |_| state.download(&csv, FileFormat::Csv)
            >
                "CSV"
            </button>
            <button
                class="secondary"
                data-testid=format!("download-parquet-{dataset}")
                on:click=move |_| state.download(&parquet, FileFormat::PARQUET)
            >
                "Parquet"
            </button>
        </span>
    }
}
