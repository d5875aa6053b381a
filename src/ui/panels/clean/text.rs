//! The tools that need no fitting: standardize inconsistent values (with mapping suggestions from
//! the profile), deduplicate, and cast types.

use std::collections::BTreeMap;

use leptos::prelude::*;

use super::shared::{ColumnChecks, LastResult};
use crate::core::profile::AlertKind;
use crate::core::recipe::Step;
use crate::core::transform::standardize::mapping_suggestions;
use crate::core::transform::{
    Case, CastColumn, CastStep, CastType, DateOrder, DedupMode, DedupStep, Keep, StandardizeRule, StandardizeStep,
};
use crate::ui::components::step::DatasetPicker;
use crate::ui::glossary::Term;
use crate::ui::state::AppState;

fn columns_of(state: AppState, dataset: &str) -> Vec<String> {
    state.datasets.with(|ds| {
        ds.iter()
            .find(|d| d.id == dataset)
            .map(|d| d.columns.iter().map(|c| c.name.clone()).collect())
            .unwrap_or_default()
    })
}

/// A select over the columns of a dataset.
#[component]
fn ColumnSelect(dataset: RwSignal<String>, selected: RwSignal<String>, #[prop(into)] testid: String) -> impl IntoView {
    let state = expect_context::<AppState>();
    Effect::new(move |_| {
        let cols = columns_of(state, &dataset.get());
        if !cols.contains(&selected.get_untracked()) {
            selected.set(cols.first().cloned().unwrap_or_default());
        }
    });
    view! {
        <select data-testid=testid prop:value=move || selected.get() on:change=move |ev| selected.set(event_target_value(&ev))>
            {move || {
                columns_of(state, &dataset.get())
                    .into_iter()
                    .map(|c| {
                        let c2 = c.clone();
                        view! { <option value=c.clone() selected=move || selected.get() == c2>{c.clone()}</option> }
                    })
                    .collect_view()
            }}
        </select>
    }
}

/// Trim, case-fold, map spellings, strip thousands separators, rewrite dates as ISO 8601.
#[component]
pub fn StandardizeTool() -> impl IntoView {
    let state = expect_context::<AppState>();
    let input = RwSignal::new(String::new());
    let column = RwSignal::new(String::new());
    let trim = RwSignal::new(true);
    let case = RwSignal::new(String::new());
    let thousands = RwSignal::new(false);
    let dates = RwSignal::new(String::new());
    // (from, to, accepted)
    let mapping = RwSignal::new(Vec::<(String, String, bool)>::new());
    let new_from = RwSignal::new(String::new());
    let new_to = RwSignal::new(String::new());
    let waiting = RwSignal::new(false);
    let note = RwSignal::new(String::new());
    let fill_suggestions = move || {
        let col = column.get_untracked();
        let found = state.profile.with_untracked(|p| {
            p.as_ref().filter(|p| p.dataset == input.get_untracked()).map(|p| {
                p.profile
                    .alerts
                    .iter()
                    .filter(|a| a.kind == AlertKind::NearDuplicateCategories && a.columns.contains(&col))
                    .flat_map(|a| mapping_suggestions(&a.examples))
                    .collect::<BTreeMap<String, String>>()
            })
        });
        if let Some(found) = found {
            waiting.set(false);
            note.set(if found.is_empty() {
                format!("The profile found no near-duplicate spellings in {col}.")
            } else {
                format!("{} suggestion(s) from the profile's near-duplicate groups: accept or edit them.", found.len())
            });
            mapping.update(|m| {
                for (from, to) in found {
                    if !m.iter().any(|x| x.0 == from) {
                        m.push((from, to, true));
                    }
                }
            });
        }
    };
    Effect::new(move |_| {
        state.profile.track();
        if waiting.get_untracked() {
            fill_suggestions();
        }
    });
    let suggest = move |_| {
        let shown = state.profile.with_untracked(|p| p.as_ref().map(|p| p.dataset.clone()));
        if shown.as_deref() == Some(input.get_untracked().as_str()) {
            fill_suggestions();
        } else {
            waiting.set(true);
            note.set("Profiling to find near-duplicate spellings…".into());
            state.current.set(Some(input.get_untracked()));
            state.request_profile(None);
        }
    };
    let apply = move |_| {
        let rule = StandardizeRule {
            column: column.get_untracked(),
            trim: trim.get_untracked(),
            mapping: mapping.get_untracked().into_iter().filter(|m| m.2).map(|m| (m.0, m.1)).collect(),
            case: match case.get_untracked().as_str() {
                "lower" => Some(Case::Lower),
                "upper" => Some(Case::Upper),
                "title" => Some(Case::Title),
                _ => None,
            },
            strip_thousands: thousands.get_untracked(),
            dates: match dates.get_untracked().as_str() {
                "day_first" => Some(DateOrder::DayFirst),
                "month_first" => Some(DateOrder::MonthFirst),
                _ => None,
            },
        };
        let i = input.get_untracked();
        state.apply(Step::Standardize(StandardizeStep {
            output: format!("{i}.standardized"),
            input: i,
            rules: vec![rule],
        }));
    };
    view! {
        <section class="tool" data-testid="clean-standardize">
            <h3>"Standardize values"</h3>
            <p class="explain">
                "One thing written several ways (\"NYC\", \"New York City\", \"new york city \") splits counts and "
                "groups. Trim spaces, fold case, and map variants to one spelling; the suggestions come from the "
                "profile's near-duplicate groups and you accept or edit each. Mixed date formats become ISO 8601 "
                "(2024-03-01), and thousands separators are stripped so the column can be cast to a number. "
                "(Rescaling numbers is another thing: " <Term id="standardization">"standardization"</Term> ".)"
            </p>
            <DatasetPicker selected=input testid="standardize-input" label="Input"/>
            <label>" Column " <ColumnSelect dataset=input selected=column testid="standardize-column"/></label>
            <div class="options">
                <label><input type="checkbox" data-testid="standardize-trim" prop:checked=trim on:change=move |ev| trim.set(event_target_checked(&ev))/>" trim spaces"</label>
                <label>
                    " case "
                    <select data-testid="standardize-case" on:change=move |ev| case.set(event_target_value(&ev))>
                        <option value="">"unchanged"</option>
                        <option value="lower">"lower"</option>
                        <option value="upper">"UPPER"</option>
                        <option value="title">"Title"</option>
                    </select>
                </label>
                <label><input type="checkbox" data-testid="standardize-thousands" on:change=move |ev| thousands.set(event_target_checked(&ev))/>" strip thousands separators"</label>
                <label>
                    " dates "
                    <select data-testid="standardize-dates" on:change=move |ev| dates.set(event_target_value(&ev))>
                        <option value="">"leave"</option>
                        <option value="day_first">"to ISO, 01/03 is 1 March"</option>
                        <option value="month_first">"to ISO, 01/03 is 3 January"</option>
                    </select>
                </label>
            </div>
            <div class="mapping">
                <button data-testid="standardize-suggest" on:click=suggest>"Suggest mappings from the profile"</button>
                <span class="note" data-testid="standardize-note">{move || note.get()}</span>
                <table data-testid="mapping">
                    <thead><tr><th>"Use"</th><th>"Value"</th><th>"Becomes"</th></tr></thead>
                    <tbody>
                        {move || {
                            mapping
                                .get()
                                .into_iter()
                                .enumerate()
                                .map(|(i, (from, to, on))| {
                                    view! {
                                        <tr data-testid="mapping-row" data-from=from.clone()>
                                            <td><input type="checkbox" data-testid=format!("map-use-{from}") prop:checked=on on:change=move |ev| { let v = event_target_checked(&ev); mapping.update(|m| m[i].2 = v) }/></td>
                                            <td><code>{from.clone()}</code></td>
                                            <td><input type="text" data-testid=format!("map-to-{from}") prop:value=to on:change=move |ev| { let v = event_target_value(&ev); mapping.update(|m| m[i].1 = v) }/></td>
                                        </tr>
                                    }
                                })
                                .collect_view()
                        }}
                    </tbody>
                </table>
                <input type="text" placeholder="value" data-testid="map-new-from" prop:value=new_from on:change=move |ev| new_from.set(event_target_value(&ev))/>
                " → "
                <input type="text" placeholder="becomes" data-testid="map-new-to" prop:value=new_to on:change=move |ev| new_to.set(event_target_value(&ev))/>
                <button data-testid="map-add" on:click=move |_| {
                    let (f, t) = (new_from.get_untracked(), new_to.get_untracked());
                    if !f.is_empty() {
                        mapping.update(|m| { m.retain(|x| x.0 != f); m.push((f, t, true)); });
                        new_from.set(String::new());
                        new_to.set(String::new());
                    }
                }>"Add"</button>
            </div>
            <button data-testid="standardize-apply" disabled=move || state.applying.get().is_some() || input.get().is_empty() on:click=apply>"Standardize"</button>
            <LastResult pick=|s| matches!(s, Step::Standardize(_)) testid="standardize"/>
        </section>
    }
}

/// Remove duplicate rows.
#[component]
pub fn DedupTool() -> impl IntoView {
    let state = expect_context::<AppState>();
    let input = RwSignal::new(String::new());
    let mode = RwSignal::new("exact".to_string());
    let keep = RwSignal::new("first".to_string());
    let columns = RwSignal::new(Vec::<String>::new());
    let apply = move |_| {
        let keep = match keep.get_untracked().as_str() {
            "last" => Keep::Last,
            "most_complete" => Keep::MostComplete,
            _ => Keep::First,
        };
        let columns = columns.get_untracked();
        let mode = match mode.get_untracked().as_str() {
            "key" => DedupMode::Key { columns, keep },
            "fuzzy" => DedupMode::Fuzzy { columns, keep },
            _ => DedupMode::Exact,
        };
        let i = input.get_untracked();
        state.apply(Step::Dedup(DedupStep { output: format!("{i}.deduped"), input: i, mode }));
    };
    view! {
        <section class="tool" data-testid="clean-dedup">
            <h3>"Duplicates"</h3>
            <p class="explain">
                <Term id="duplicate">"Repeated records"</Term>
                " inflate counts and can put one example in both training and test. Remove rows "
                "equal in every column, or rows sharing key columns (keeping the first, the last or the most "
                "complete), or rows whose keys match once case, spacing, punctuation and word order are ignored. "
                "Removed rows go to a .removed dataset you can download and check."
            </p>
            <DatasetPicker selected=input testid="dedup-input" label="Input"/>
            <label>
                " Rows are duplicates when "
                <select data-testid="dedup-mode" on:change=move |ev| mode.set(event_target_value(&ev))>
                    <option value="exact">"every column is equal"</option>
                    <option value="key">"the key columns are equal"</option>
                    <option value="fuzzy">"the key columns match loosely (fingerprint)"</option>
                </select>
            </label>
            <label>
                " keep "
                <select data-testid="dedup-keep" on:change=move |ev| keep.set(event_target_value(&ev))>
                    <option value="first">"the first"</option>
                    <option value="last">"the last"</option>
                    <option value="most_complete">"the most complete"</option>
                </select>
            </label>
            <ColumnChecks dataset=input.into() selected=columns numeric=false testid="dedup-col"/>
            <button data-testid="dedup-apply" disabled=move || state.applying.get().is_some() || input.get().is_empty() on:click=apply>"Remove duplicates"</button>
            <LastResult pick=|s| matches!(s, Step::Dedup(_)) testid="dedup"/>
        </section>
    }
}

/// Change a column's type.
#[component]
pub fn CastTool() -> impl IntoView {
    let state = expect_context::<AppState>();
    let input = RwSignal::new(String::new());
    let column = RwSignal::new(String::new());
    let to = RwSignal::new("float".to_string());
    let allow = RwSignal::new(false);
    let apply = move |_| {
        let to = match to.get_untracked().as_str() {
            "integer" => CastType::Integer,
            "text" => CastType::Text,
            "boolean" => CastType::Boolean,
            "date" => CastType::Date,
            _ => CastType::Float,
        };
        let i = input.get_untracked();
        state.apply(Step::Cast(CastStep {
            output: format!("{i}.cast"),
            input: i,
            columns: vec![CastColumn { column: column.get_untracked(), to }],
            allow_nulls: allow.get_untracked(),
        }));
    };
    view! {
        <section class="tool" data-testid="clean-cast">
            <h3>"Change a column's type"</h3>
            <p class="explain">
                "Values that cannot be read as the new type are counted; the step stops and shows them unless "
                "you agree that they become missing values."
            </p>
            <DatasetPicker selected=input testid="cast-input" label="Input"/>
            <label>" Column " <ColumnSelect dataset=input selected=column testid="cast-column"/></label>
            <label>
                " to "
                <select data-testid="cast-to" on:change=move |ev| to.set(event_target_value(&ev))>
                    <option value="float">"number (float)"</option>
                    <option value="integer">"integer"</option>
                    <option value="text">"text"</option>
                    <option value="boolean">"boolean"</option>
                    <option value="date">"date"</option>
                </select>
            </label>
            <label><input type="checkbox" data-testid="cast-allow-nulls" on:change=move |ev| allow.set(event_target_checked(&ev))/>" values that fail become missing"</label>
            <button data-testid="cast-apply" disabled=move || state.applying.get().is_some() || input.get().is_empty() on:click=apply>"Cast"</button>
            <LastResult pick=|s| matches!(s, Step::Cast(_)) testid="cast"/>
        </section>
    }
}
