//! The Sample & Split panel: seeded samples of every kind the courses teach, each labelled as a
//! probability or non-probability sample with the bias it risks; class re-balancing; and
//! train/validation/test splits with their leakage checks. Reports are in `sample_report.rs`.

use std::collections::BTreeSet;

use leptos::prelude::*;

use super::sample_report::{RecordedStep, SampleReportView, SplitReportView};
use crate::core::recipe::{Step, StepReport};
use crate::core::sample::params::{parse_ratios, parse_seed, SampleForm, METHODS};
use crate::core::sample::split::{SplitMethod, SplitStep};
use crate::core::sample::step::{method_lesson, SampleStep};
use crate::protocol::{DatasetSummary, WireError};
use crate::ui::components::charts::{Bar, BarList};
use crate::ui::components::step::{DatasetPicker, OutputName, StepSummary};
use crate::ui::components::DataGrid;
use crate::ui::glossary::Term;
use crate::ui::state::{AppState, ShownError};

#[component]
pub fn SamplePanel() -> impl IntoView {
    view! {
        <section class="panel" data-testid="panel-sample" aria-labelledby="sample-title">
            <h2 id="sample-title">"Sample & Split"</h2>
            <p class="explain">
                "A sample is a smaller table that should tell the same story as the whole one. Probability "
                "samples (" <Term id="simple-random-sampling">"simple random"</Term> ", "
                <Term id="systematic-sampling">"systematic"</Term> ", " <Term id="stratified-sampling">"stratified"</Term>
                ", " <Term id="weighted-sampling">"weighted"</Term> ", " <Term id="importance-sampling">"importance"</Term>
                ", " <Term id="reservoir-sampling">"reservoir"</Term> ") give every row a known chance, so their "
                "differences from the table are chance alone; non-probability samples (the first rows, "
                <Term id="quota-sampling">"quotas"</Term> ", hand-picked rows) are quick but carry "
                <Term id="selection-bias">"selection bias"</Term> ". Over- and under-sampling answer "
                <Term id="class-imbalance">"class imbalance"</Term> " by changing the label's shares on purpose. "
                "Every sample here is " <Term id="random-seed">"seeded"</Term> " and recorded, and compared column "
                "by column with its table. Splits keep the test data apart from training — by row, by group or "
                "by " <Term id="time-based-split">"time"</Term> " — so a model is judged on data it has not seen."
            </p>
            <SampleTool/>
            <SplitTool/>
            <RecipeView/>
        </section>
    }
}

/// A fresh seed from the browser's random source (recorded with the step and shown). 53 bits, so
/// that the recipe JSON reads back exactly in JavaScript too (its numbers are doubles).
pub(crate) fn fresh_seed() -> u64 {
    getrandom::u64().map(|s| s >> 11).unwrap_or_else(|_| (js_sys::Math::random() * 9.007_199_254_740_991e15) as u64)
}

/// The seed typed, or a fresh one written back into the field; `None` after showing the error.
fn take_seed(state: AppState, text: RwSignal<String>) -> Option<u64> {
    match parse_seed(&text.get_untracked()) {
        Ok(Some(s)) => Some(s),
        Ok(None) => {
            let s = fresh_seed();
            text.set(s.to_string());
            Some(s)
        }
        Err(e) => {
            show_error(state, &e.to_string());
            None
        }
    }
}

fn show_error(state: AppState, message: &str) {
    state.error.set(Some(ShownError {
        title: "Check the parameters".into(),
        error: WireError { kind: "step".into(), message: message.into(), location: None },
    }));
}

fn columns_of(state: AppState, name: &str) -> Vec<(String, String)> {
    state.datasets.with(|ds| {
        ds.iter()
            .find(|d| d.id == name)
            .map(|d| d.columns.iter().map(|c| (c.name.clone(), c.data_type.clone())).collect())
            .unwrap_or_default()
    })
}

fn is_numeric(data_type: &str) -> bool {
    ["Int", "UInt", "Float", "Decimal"].iter().any(|p| data_type.starts_with(p))
}

/// A select over the input's columns (all, or only numeric ones).
#[component]
fn ColumnSelect(
    input: RwSignal<String>,
    value: Signal<String>,
    on_pick: Callback<String>,
    #[prop(into)] testid: String,
    #[prop(into)] label: String,
    #[prop(optional)] numeric: bool,
    #[prop(optional)] optional: bool,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <label class="picker">
            {label} " "
            <select data-testid=testid prop:value=move || value.get() on:change=move |ev| on_pick.run(event_target_value(&ev))>
                <option value="" selected=move || value.get().is_empty()>
                    {if optional { "(none)" } else { "(choose)" }}
                </option>
                {move || {
                    columns_of(state, &input.get())
                        .into_iter()
                        .filter(|(_, t)| !numeric || is_numeric(t))
                        .map(|(c, _)| {
                            let v = c.clone();
                            view! { <option value=c.clone() selected=move || value.get() == v>{c.clone()}</option> }
                        })
                        .collect_view()
                }}
            </select>
        </label>
    }
}

#[component]
fn SampleTool() -> impl IntoView {
    let state = expect_context::<AppState>();
    let input = RwSignal::new(String::new());
    let output = RwSignal::new(String::new());
    let seed = RwSignal::new(String::new());
    let form = RwSignal::new(SampleForm::default());
    let picked = RwSignal::new(BTreeSet::<u64>::new());
    // A new input resets what belongs to the old one: the output name and the hand-picked rows.
    // Only `input` is tracked here, so a custom output name survives each draw (which changes
    // `state.datasets`, read by the effect below).
    Effect::new(move |prev: Option<String>| {
        let name = input.get();
        if prev.as_ref() != Some(&name) {
            output.set(format!("{name}.sample"));
            if prev.is_some() {
                picked.set(BTreeSet::new());
                form.update(|f| f.rows.clear());
            }
        }
        name
    });
    Effect::new(move |_| {
        let name = input.get();
        form.update(|f| {
            let cols: Vec<String> = columns_of(state, &name).into_iter().map(|c| c.0).collect();
            f.columns.retain(|c| cols.contains(c));
            for field in [&mut f.weight_column, &mut f.label] {
                if !cols.contains(field) {
                    field.clear();
                }
            }
        });
    });
    let needs = Memo::new(move |_| form.with(SampleForm::needs));
    let method = Memo::new(move |_| form.with(|f| f.method.clone()));
    let lesson = Memo::new(move |_| form.with(|f| f.method().ok().map(|m| (method_lesson(&m), m.is_probability()))));
    let apply = move |_| {
        let built = form.with_untracked(SampleForm::method);
        let m = match built {
            Ok(m) => m,
            Err(e) => return show_error(state, &e.to_string()),
        };
        let Some(seed) = take_seed(state, seed) else { return };
        let step = SampleStep { input: input.get_untracked(), output: output.get_untracked(), method: m, seed };
        state.apply(Step::Sample(step));
    };
    let last = move || state.last_applied(|s| matches!(s, Step::Sample(_)));
    let text_field = move |testid: &'static str,
                           label: &'static str,
                           get: fn(&SampleForm) -> String,
                           set: fn(&mut SampleForm, String)| {
        view! {
            <label class="picker">
                {label} " "
                <input
                    type="text"
                    size="8"
                    data-testid=testid
                    prop:value=move || form.with(get)
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        form.update(|f| set(f, v));
                    }
                />
            </label>
        }
    };
    let select_field = move |testid: &'static str,
                             label: &'static str,
                             options: &'static [(&'static str, &'static str)],
                             get: fn(&SampleForm) -> String,
                             set: fn(&mut SampleForm, String)| {
        view! {
            <label class="picker">
                {label} " "
                <select
                    data-testid=testid
                    prop:value=move || form.with(get)
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        form.update(|f| set(f, v));
                    }
                >
                    {options
                        .iter()
                        .map(|(v, t)| view! { <option value=*v selected=move || form.with(get) == *v>{*t}</option> })
                        .collect_view()}
                </select>
            </label>
        }
    };
    view! {
        <section class="tool" data-testid="sample-tool">
            <h3>"Draw a sample"</h3>
            <DatasetPicker selected=input testid="sample-input" label="Input"/>
            <label class="picker">
                "Method "
                <select
                    data-testid="sample-method"
                    prop:value=move || method.get()
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        form.update(|f| f.method = v);
                    }
                >
                    {["Probability", "Non-probability", "Class imbalance"]
                        .into_iter()
                        .map(|group| {
                            view! {
                                <optgroup label=group>
                                    {METHODS
                                        .iter()
                                        .filter(|m| m.2 == group)
                                        .map(|(key, name, _)| {
                                            view! { <option value=*key selected=move || method.get() == *key>{*name}</option> }
                                        })
                                        .collect_view()}
                                </optgroup>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            {move || {
                lesson
                    .get()
                    .map(|(text, probability)| {
                        view! {
                            <p class="lesson sample-lesson" data-testid="sample-lesson" data-probability=probability.to_string()>
                                <span
                                    class="badge"
                                    class:nonprob=!probability
                                    data-testid="sample-kind"
                                >
                                    {if probability { "probability sample" } else { "non-probability sample" }}
                                </span>
                                " "
                                {text}
                            </p>
                        }
                    })
            }}
            <div class="sample-params">
                <Show when=move || needs.get().size>
                    {text_field("sample-size", "Size", |f| f.size.clone(), |f, v| f.size = v)}
                    {select_field(
                        "sample-unit",
                        "as",
                        &[("percent", "% of rows"), ("rows", "rows")],
                        |f| f.unit.clone(),
                        |f, v| f.unit = v,
                    )}
                </Show>
                <Show when=move || needs.get().every>
                    {text_field("sample-every", "Every k-th row, k =", |f| f.every.clone(), |f, v| f.every = v)}
                </Show>
                <Show when=move || needs.get().columns>
                    <label class="picker">
                        "Group by "
                        <select
                            multiple
                            data-testid="sample-columns"
                            on:change=move |ev| {
                                let el: web_sys::HtmlSelectElement = event_target(&ev);
                                let opts = el.selected_options();
                                let chosen = (0..opts.length())
                                    .filter_map(|i| opts.item(i))
                                    .filter_map(|o| o.get_attribute("value"))
                                    .collect();
                                form.update(|f| f.columns = chosen);
                            }
                        >
                            {move || {
                                columns_of(state, &input.get())
                                    .into_iter()
                                    .map(|(c, _)| {
                                        let v = c.clone();
                                        view! {
                                            <option value=c.clone() selected=move || form.with(|f| f.columns.contains(&v))>
                                                {c.clone()}
                                            </option>
                                        }
                                    })
                                    .collect_view()
                            }}
                        </select>
                    </label>
                </Show>
                <Show when=move || needs.get().allocation>
                    {select_field(
                        "sample-allocation",
                        "Allocation",
                        &[("proportional", "proportional to group size"), ("equal", "equal per group")],
                        |f| f.allocation.clone(),
                        |f, v| f.allocation = v,
                    )}
                    {text_field("sample-minimum", "At least per group", |f| f.minimum.clone(), |f, v| f.minimum = v)}
                </Show>
                <Show when=move || needs.get().weights>
                    {select_field(
                        "sample-weight-kind",
                        "Weights",
                        &[("column", "a numeric column"), ("inverse_frequency", "inverse frequency of a column")],
                        |f| f.weight_kind.clone(),
                        |f, v| f.weight_kind = v,
                    )}
                    <ColumnSelect
                        input=input
                        value=Signal::derive(move || form.with(|f| f.weight_column.clone()))
                        on_pick=Callback::new(move |v| form.update(|f| f.weight_column = v))
                        testid="sample-weight-column"
                        label="Column"
                    />
                </Show>
                <Show when=move || needs.get().algorithm>
                    {select_field(
                        "sample-algorithm",
                        "Algorithm",
                        &[("R", "R (Vitter)"), ("L", "L (Li, skips ahead)")],
                        |f| f.algorithm.clone(),
                        |f, v| f.algorithm = v,
                    )}
                </Show>
                <Show when=move || needs.get().quota>
                    {text_field("sample-quota", "Rows per group", |f| f.quota.clone(), |f, v| f.quota = v)}
                </Show>
                <Show when=move || needs.get().label>
                    <ColumnSelect
                        input=input
                        value=Signal::derive(move || form.with(|f| f.label.clone()))
                        on_pick=Callback::new(move |v| form.update(|f| f.label = v))
                        testid="sample-label"
                        label="Label column"
                    />
                </Show>
            </div>
            <Show when=move || needs.get().label>
                <LabelBalance input=input label=Signal::derive(move || form.with(|f| f.label.clone()))/>
            </Show>
            <Show when=move || needs.get().rows>
                <ManualPicker input=input form=form picked=picked/>
            </Show>
            <label class="picker">
                "Seed "
                <input
                    type="text"
                    size="22"
                    placeholder="empty: a fresh one"
                    data-testid="sample-seed"
                    prop:value=move || seed.get()
                    on:input=move |ev| seed.set(event_target_value(&ev))
                />
            </label>
            <OutputName value=output testid="sample-output" label="Output dataset"/>
            <button
                data-testid="sample-apply"
                disabled=move || state.applying.get().is_some() || input.get().is_empty()
                on:click=apply
            >
                "Draw sample"
            </button>
            {move || {
                last()
                    .map(|a| {
                        let report = match a.report {
                            Some(StepReport::Sample(r)) => Some(*r),
                            _ => None,
                        };
                        view! {
                            <StepSummary outcome=a.outcome elapsed_ms=a.elapsed_ms step=a.step.clone()/>
                            {report.map(|r| view! { <SampleReportView report=r/> })}
                            <RecordedStep step=a.step testid="sample-recorded"/>
                        }
                    })
            }}
        </section>
    }
}

/// The label distribution of the input (from its profile) and how imbalanced it is.
#[component]
fn LabelBalance(input: RwSignal<String>, label: Signal<String>) -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        let label = label.get();
        if label.is_empty() {
            return None;
        }
        let name = input.get();
        let profiled = state.profile.get().filter(|p| p.dataset == name);
        Some(match profiled.and_then(|p| p.profile.columns.iter().find(|c| c.name == label).cloned()) {
            Some(col) => {
                let bars: Vec<Bar> = col.top.iter().map(|t| Bar { label: t.value.clone(), count: t.count }).collect();
                let max = col.top.iter().map(|t| t.count).max().unwrap_or(0);
                let min = col.top.iter().map(|t| t.count).min().unwrap_or(0);
                let classes = bars.len();
                let ratio = if min > 0 { format!("{:.1} : 1", max as f64 / min as f64) } else { "—".into() };
                view! {
                    <div class="label-balance" data-testid="label-balance" data-classes=classes>
                        <BarList bars=bars caption=format!("Rows per class of {label}")/>
                        <p class="note" data-testid="imbalance-ratio">
                            "Largest to smallest class: " {ratio}
                            ". With a rare class, accuracy misleads (predicting the majority scores well); re-sample "
                            "the training split or weight the classes."
                        </p>
                    </div>
                }
                .into_any()
            }
            None => view! {
                <p class="note" data-testid="label-balance-missing">
                    "Profile " <code>{name.clone()}</code> " to see its label distribution here. "
                    <button
                        class="secondary"
                        data-testid="label-balance-profile"
                        on:click=move |_| {
                            state.current.set(Some(name.clone()));
                            state.request_profile(None);
                        }
                    >
                        "Profile it"
                    </button>
                </p>
            }
            .into_any(),
        })
    }
}

/// Judgment sampling: tick rows in the grid or type their numbers.
#[component]
fn ManualPicker(input: RwSignal<String>, form: RwSignal<SampleForm>, picked: RwSignal<BTreeSet<u64>>) -> impl IntoView {
    let state = expect_context::<AppState>();
    // Ticks in the grid write the row list (unticking the last box empties it); typing the list
    // clears the ticks without the cleared ticks then erasing what was typed.
    let typed = StoredValue::new(false);
    Effect::new(move |prev: Option<()>| {
        let rows: Vec<String> = picked.get().iter().map(u64::to_string).collect();
        if typed.get_value() {
            typed.set_value(false);
            return;
        }
        if prev.is_none() {
            return;
        }
        form.update(|f| f.rows = rows.join(", "));
    });
    let dataset = move || -> Option<DatasetSummary> {
        let name = input.get();
        state.datasets.with(|ds| ds.iter().find(|d| d.id == name).cloned())
    };
    view! {
        <div class="manual-pick" data-testid="manual-pick">
            <label class="picker">
                "Row numbers "
                <input
                    type="text"
                    size="30"
                    placeholder="e.g. 1, 5, 10-20"
                    data-testid="sample-rows"
                    prop:value=move || form.with(|f| f.rows.clone())
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        if picked.with_untracked(|p| !p.is_empty()) {
                            typed.set_value(true);
                            picked.set(Default::default());
                        }
                        form.update(|f| f.rows = v);
                    }
                />
            </label>
            <p class="note">"Or tick rows in the grid:"</p>
            {move || dataset().map(|d| view! { <DataGrid dataset=d picked=picked/> })}
        </div>
    }
}

#[component]
fn SplitTool() -> impl IntoView {
    let state = expect_context::<AppState>();
    let input = RwSignal::new(String::new());
    let method = RwSignal::new("random".to_string());
    let column = RwSignal::new(String::new());
    let label = RwSignal::new(String::new());
    let group_check = RwSignal::new(String::new());
    let ratios = RwSignal::new("70/15/15".to_string());
    let seed = RwSignal::new(String::new());
    let outputs = move || {
        let n = parse_ratios(&ratios.get()).map(|r| r.len()).unwrap_or(3);
        SplitStep::default_outputs(&input.get(), n == 3)
    };
    let apply = move |_| {
        let r = match parse_ratios(&ratios.get_untracked()) {
            Ok(r) => r,
            Err(e) => return show_error(state, &e.to_string()),
        };
        let col = column.get_untracked();
        let m = match method.get_untracked().as_str() {
            "random" => SplitMethod::Random,
            _ if col.is_empty() => return show_error(state, "choose the column this split goes by"),
            "stratified" => SplitMethod::Stratified { label: col },
            "time" => SplitMethod::Time { column: col },
            _ => SplitMethod::Group { column: col },
        };
        let Some(seed) = take_seed(state, seed) else { return };
        let name = input.get_untracked();
        let l = label.get_untracked();
        let g = group_check.get_untracked();
        let step = SplitStep {
            outputs: SplitStep::default_outputs(&name, r.len() == 3),
            input: name,
            ratios: r,
            method: m,
            seed,
            label: (!l.is_empty()).then_some(l),
            group_check: (!g.is_empty() && method.get_untracked() != "group").then_some(g),
        };
        state.apply(Step::Split(step));
    };
    let last = move || state.last_applied(|s| matches!(s, Step::Split(_)));
    let explain = move || {
        match method.get().as_str() {
        "random" => "Rows are shuffled and cut by the ratios. Fine for independent rows; leaks when rows of one customer or one time period are related.",
        "stratified" => "Each class of the label is cut by the ratios, so every split has the table's label balance — important when a class is rare.",
        "time" => "Rows are ordered by time and cut: training data is the past, test data the future, as in production. A random split of time series lets the future inform the past.",
        _ => "All rows of a group (e.g. a customer) go to one split, so a model cannot memorize a customer in training and be tested on the same customer.",
    }
    };
    view! {
        <section class="tool" data-testid="split-tool">
            <h3>"Split into train / validation / test"</h3>
            <p class="explain">
                "Split before fitting anything (scalers, imputers, encoders) and fit on the training split only; "
                "otherwise information from the test rows " <Term id="data-leakage">"leaks"</Term> " into the model."
            </p>
            <DatasetPicker selected=input testid="split-input" label="Input"/>
            <label class="picker">
                "Method "
                <select data-testid="split-method" prop:value=move || method.get() on:change=move |ev| method.set(event_target_value(&ev))>
                    <option value="random">"random"</option>
                    <option value="stratified">"stratified by label"</option>
                    <option value="time">"by time"</option>
                    <option value="group">"by group"</option>
                </select>
            </label>
            <Show when=move || method.get() != "random">
                <ColumnSelect
                    input=input
                    value=column.into()
                    on_pick=Callback::new(move |v| column.set(v))
                    testid="split-column"
                    label="Column"
                />
            </Show>
            <p class="lesson" data-testid="split-lesson">{explain}</p>
            <label class="picker">
                "Ratios "
                <input type="text" size="10" data-testid="split-ratios" prop:value=move || ratios.get() on:input=move |ev| ratios.set(event_target_value(&ev))/>
            </label>
            <ColumnSelect
                input=input
                value=label.into()
                on_pick=Callback::new(move |v| label.set(v))
                testid="split-label"
                label="Report label balance of"
                optional=true
            />
            <Show when=move || method.get() != "group">
                <ColumnSelect
                    input=input
                    value=group_check.into()
                    on_pick=Callback::new(move |v| group_check.set(v))
                    testid="split-group-check"
                    label="Check groups of (e.g. a customer id)"
                    optional=true
                />
            </Show>
            <label class="picker">
                "Seed "
                <input
                    type="text"
                    size="22"
                    placeholder="empty: a fresh one"
                    data-testid="split-seed"
                    prop:value=move || seed.get()
                    on:input=move |ev| seed.set(event_target_value(&ev))
                />
            </label>
            <p class="note">"Outputs: " {move || outputs().join(", ")}</p>
            <button
                data-testid="split-apply"
                disabled=move || state.applying.get().is_some() || input.get().is_empty()
                on:click=apply
            >
                "Split"
            </button>
            {move || {
                last()
                    .map(|a| {
                        let report = match a.report {
                            Some(StepReport::Split(r)) => Some(*r),
                            _ => None,
                        };
                        view! {
                            <StepSummary outcome=a.outcome elapsed_ms=a.elapsed_ms step=a.step.clone()/>
                            {report.map(|r| view! { <SplitReportView report=r/> })}
                            <RecordedStep step=a.step testid="split-recorded"/>
                        }
                    })
            }}
        </section>
    }
}

/// The session's recipe as JSON, fetched from the worker on request.
#[component]
fn RecipeView() -> impl IntoView {
    let state = expect_context::<AppState>();
    let fetch = move |_| {
        let client = crate::ui::state::client();
        let request_id = client.next_id();
        client.send(&crate::protocol::Request::GetRecipe { request_id }, None);
    };
    view! {
        <details class="recipe-view" data-testid="sample-recipe">
            <summary>"Recipe so far"</summary>
            <p class="note">"Every sample and split is recorded with its method, parameters and seed, so it replays exactly."</p>
            <button class="secondary" data-testid="sample-recipe-refresh" on:click=fetch>"Show the recipe"</button>
            <pre data-testid="sample-recipe-json">{move || state.recipe_json.get().unwrap_or_default()}</pre>
        </details>
    }
}
