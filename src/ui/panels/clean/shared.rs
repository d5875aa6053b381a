//! Pieces the cleaning tools share: choosing inputs, the dataset to fit on and columns; the report
//! of what changed (counts, before/after histograms, fitted parameters, the leakage comparison);
//! and the step as the recipe recorded it.

use leptos::prelude::*;

use crate::core::recipe::{Step, StepReport};
use crate::core::transform::support::{CleanReport, Hist};
use crate::ui::components::charts::{Bar, Histogram};
use crate::ui::components::step::StepSummary;
use crate::ui::state::{AppState, AppliedShown};
use crate::view_model::thousands;

use crate::view_model::{default_inputs, default_train};

/// Checkboxes over the session's datasets (the inputs of a fitted step) and a select for the
/// dataset to fit on, defaulting to a training split.
#[component]
pub fn FitTargets(
    inputs: RwSignal<Vec<String>>,
    fit_on: RwSignal<String>,
    #[prop(into)] testid: String,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    // Until the user picks, the defaults follow the datasets as steps add them.
    let touched = RwSignal::new(false);
    Effect::new(move |_| {
        let names: Vec<String> = state.datasets.with(|ds| ds.iter().map(|d| d.id.clone()).collect());
        let now = inputs.get_untracked();
        if !touched.get_untracked() || now.is_empty() || now.iter().any(|n| !names.contains(n)) {
            inputs.set(default_inputs(&names, state.current.get_untracked()));
        }
        let f = fit_on.get_untracked();
        if !touched.get_untracked() || f.is_empty() || !names.contains(&f) {
            let pick = default_train(&names).or_else(|| inputs.get_untracked().first().cloned());
            fit_on.set(pick.unwrap_or_default());
        }
    });
    let t2 = testid.clone();
    view! {
        <fieldset class="fit-targets">
            <legend>"Datasets"</legend>
            <div class="checks" data-testid=format!("{testid}-inputs")>
                "Transform: "
                {move || {
                    state
                        .datasets
                        .get()
                        .into_iter()
                        .map(|d| {
                            let id = d.id.clone();
                            let id2 = id.clone();
                            let id3 = id.clone();
                            view! {
                                <label>
                                    <input
                                        type="checkbox"
                                        data-testid=format!("{}-input-{}", t2, id)
                                        prop:checked=move || inputs.get().contains(&id2)
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            touched.set(true);
                                            inputs.update(|v| {
                                                v.retain(|x| *x != id3);
                                                if on {
                                                    v.push(id3.clone());
                                                }
                                            });
                                        }
                                    />
                                    {id}
                                </label>
                            }
                        })
                        .collect_view()
                }}
            </div>
            <label class="picker">
                "Fit on "
                <select
                    data-testid=format!("{testid}-fit-on")
                    prop:value=move || fit_on.get()
                    on:change=move |ev| {
                        touched.set(true);
                        fit_on.set(event_target_value(&ev));
                    }
                >
                    {move || {
                        state
                            .datasets
                            .get()
                            .into_iter()
                            .map(|d| {
                                let id = d.id.clone();
                                view! { <option value=id.clone() selected=move || fit_on.get() == id>{d.id.clone()}</option> }
                            })
                            .collect_view()
                    }}
                </select>
            </label>
        </fieldset>
    }
}

/// Checkboxes over the columns of `dataset` (numeric ones only when `numeric`).
#[component]
pub fn ColumnChecks(
    dataset: Signal<String>,
    selected: RwSignal<Vec<String>>,
    numeric: bool,
    #[prop(into)] testid: String,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let columns = move || {
        let name = dataset.get();
        state.datasets.with(|ds| {
            ds.iter()
                .find(|d| d.id == name)
                .map(|d| {
                    d.columns
                        .iter()
                        .filter(|c| !numeric || is_numeric_type(&c.data_type))
                        .map(|c| (c.name.clone(), c.nulls))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    let root_id = testid.clone();
    view! {
        <div class="checks columns" data-testid=root_id>
            "Columns: "
            {move || {
                columns()
                    .into_iter()
                    .map(|(c, nulls)| {
                        let c2 = c.clone();
                        let c3 = c.clone();
                        let note = if nulls > 0 { format!(" ({} missing)", thousands(nulls)) } else { String::new() };
                        view! {
                            <label>
                                <input
                                    type="checkbox"
                                    data-testid=format!("{}-{}", testid, c)
                                    prop:checked=move || selected.get().contains(&c2)
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        selected.update(|v| {
                                            v.retain(|x| *x != c3);
                                            if on {
                                                v.push(c3.clone());
                                            }
                                        });
                                    }
                                />
                                <code>{c}</code>
                                {note}
                            </label>
                        }
                    })
                    .collect_view()
            }}
        </div>
    }
}

pub fn is_numeric_type(t: &str) -> bool {
    t.starts_with("Int") || t.starts_with("UInt") || t.starts_with("Float") || t.starts_with("Decimal")
}

fn bars(h: &Hist) -> Vec<Bar> {
    h.labels.iter().zip(&h.counts).map(|(l, &c)| Bar { label: l.clone(), count: c }).collect()
}

/// What a cleaning step changed: its summary, per column the counts, fitted parameters and
/// before/after histograms, and the leakage comparison when there is one.
#[component]
pub fn CleanReportView(report: CleanReport) -> impl IntoView {
    let leakage = report.leakage.clone();
    let means = report.leakage_means.clone();
    let fitted_on = report.fitted_on.clone().unwrap_or_default();
    view! {
        <div class="clean-report" data-testid="clean-report" data-op=report.op.clone()>
            <p class="clean-summary" data-testid="clean-summary">{report.summary.clone()}</p>
            {report
                .changes
                .into_iter()
                .map(|c| {
                    let title = if c.column.is_empty() { c.dataset.clone() } else { format!("{} · {}", c.dataset, c.column) };
                    view! {
                        <div class="clean-change" data-testid="clean-change" data-dataset=c.dataset.clone() data-column=c.column.clone()>
                            <h4>{title}</h4>
                            {(!c.params.is_empty())
                                .then(|| view! { <p class="fitted" data-testid="fitted-params">"Fitted: " {c.params.clone()}</p> })}
                            <ul class="counts">
                                {c
                                    .counts
                                    .into_iter()
                                    .map(|n| {
                                        view! {
                                            <li data-testid="count" data-label=n.label.clone() data-n=n.n>
                                                <strong>{thousands(n.n)}</strong>
                                                " "
                                                {n.label.clone()}
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                            <div class="before-after">
                                {c.before.map(|h| {
                                    let note = (h.nulls > 0).then(|| format!("{} missing", thousands(h.nulls)));
                                    view! {
                                        <div data-testid="before">
                                            <Histogram bars=bars(&h) caption="Before".to_string() note=note.unwrap_or_default()/>
                                        </div>
                                    }
                                })}
                                {c.after.map(|h| {
                                    let note = (h.nulls > 0).then(|| format!("{} missing", thousands(h.nulls)));
                                    view! {
                                        <div data-testid="after">
                                            <Histogram bars=bars(&h) caption="After".to_string() note=note.unwrap_or_default()/>
                                        </div>
                                    }
                                })}
                            </div>
                        </div>
                    }
                })
                .collect_view()}
            {(!leakage.is_empty())
                .then(|| {
                    view! {
                        <div class="leakage-compare" data-testid="leakage-compare">
                            <h4>"Fitted on " {fitted_on.clone()} " vs on all rows"</h4>
                            <p class="explain">
                                "Had the parameters been computed on every row of every input (the test rows too), "
                                "they would differ as below: that difference is information from the test set "
                                "leaking into training, and it makes the test score look better than it will be on new data."
                            </p>
                            <table data-testid="leakage-params">
                                <thead>
                                    <tr>
                                        <th>"Column"</th>
                                        <th>"Parameter"</th>
                                        <th>"Fitted on " {fitted_on.clone()}</th>
                                        <th>"Fitted on all rows"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {leakage
                                        .into_iter()
                                        .map(|l| {
                                            view! {
                                                <tr data-column=l.column.clone() data-parameter=l.parameter.clone()>
                                                    <td>{l.column.clone()}</td>
                                                    <td>{l.parameter.clone()}</td>
                                                    <td data-testid="on-train">{fmt(l.fitted_on_train)}</td>
                                                    <td data-testid="on-all">{fmt(l.fitted_on_all)}</td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                            {(!means.is_empty())
                                .then(|| {
                                    view! {
                                        <table data-testid="leakage-means">
                                            <thead>
                                                <tr>
                                                    <th>"Dataset"</th>
                                                    <th>"Column"</th>
                                                    <th>"Mean after, fitted on " {fitted_on.clone()}</th>
                                                    <th>"Mean after, fitted on all rows"</th>
                                                </tr>
                                            </thead>
                                            <tbody>
                                                {means
                                                    .into_iter()
                                                    .map(|m| {
                                                        view! {
                                                            <tr data-dataset=m.dataset.clone() data-column=m.column.clone()>
                                                                <td>{m.dataset.clone()}</td>
                                                                <td>{m.column.clone()}</td>
                                                                <td data-testid="mean-on-train">{fmt(m.mean_fitted_on_train)}</td>
                                                                <td data-testid="mean-on-all">{fmt(m.mean_fitted_on_all)}</td>
                                                            </tr>
                                                        }
                                                    })
                                                    .collect_view()}
                                            </tbody>
                                        </table>
                                    }
                                })}
                        </div>
                    }
                })}
        </div>
    }
}

fn fmt(x: f64) -> String {
    crate::core::transform::support::short(x)
}

/// The latest result of one kind of step: rows in and out, the report, and the step as recorded.
#[component]
pub fn LastResult(pick: fn(&Step) -> bool, #[prop(into)] testid: String) -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        state.last_applied(pick).map(|a: AppliedShown| {
            let json = serde_json::to_string_pretty(&a.step).unwrap_or_default();
            let report = match a.report {
                Some(StepReport::Clean(r)) => Some(*r),
                _ => None,
            };
            view! {
                <div class="clean-result" data-testid=format!("{testid}-result")>
                    <StepSummary outcome=a.outcome elapsed_ms=a.elapsed_ms step=a.step/>
                    {report.map(|r| view! { <CleanReportView report=r/> })}
                    <details class="recorded" data-testid=format!("{testid}-recorded")>
                        <summary>"The step as recorded in the recipe (with its fitted parameters)"</summary>
                        <pre data-testid="recorded-json">{json}</pre>
                    </details>
                </div>
            }
        })
    }
}

/// A number typed in a text box (`None` when it is not one).
pub fn number(s: &str) -> Option<f64> {
    s.trim().parse().ok()
}
