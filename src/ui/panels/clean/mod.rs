//! The Clean panel: operations that fix what the profile found, each a recipe step that makes a
//! new dataset (the input is never changed in place).

mod fitted;
mod shared;
mod text;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use fitted::{EncodeTool, ImputeTool, LeakageLesson, OutliersTool, ScaleTool};
use text::{CastTool, DedupTool, StandardizeTool};

use crate::core::recipe::Step;
use crate::core::transform::columns::{ColumnPick, ColumnsStep};
use crate::ui::components::step::{DatasetPicker, OutputName, StepSummary};
use crate::ui::glossary::Term;
use crate::ui::state::AppState;

#[component]
pub fn CleanPanel() -> impl IntoView {
    view! {
        <section class="panel" data-testid="panel-clean" aria-labelledby="clean-title">
            <h2 id="clean-title">"Clean"</h2>
            <p class="explain">
                "Cleaning makes a new dataset from an old one; the original stays as it was, so every "
                "change can be compared, undone and replayed from the " <Term id="recipe">"recipe"</Term> "."
            </p>
            <LeakageLesson/>
            <ImputeTool/>
            <OutliersTool/>
            <ScaleTool/>
            <EncodeTool/>
            <StandardizeTool/>
            <DedupTool/>
            <CastTool/>
            <ColumnsTool/>
        </section>
    }
}

/// Keep, drop, reorder and rename columns.
#[component]
fn ColumnsTool() -> impl IntoView {
    let state = expect_context::<AppState>();
    let input = RwSignal::new(String::new());
    let output = RwSignal::new(String::new());
    // (input column, kept, new name) for the selected input, in output order.
    let picks = RwSignal::new(Vec::<(String, bool, String)>::new());
    Effect::new(move |_| {
        let name = input.get();
        let cols = state.datasets.with(|ds| {
            ds.iter().find(|d| d.id == name).map(|d| d.columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>())
        });
        picks.set(cols.unwrap_or_default().into_iter().map(|c| (c.clone(), true, c)).collect());
        output.set(format!("{name}.columns"));
    });
    let apply = move |_| {
        let columns = picks
            .get_untracked()
            .into_iter()
            .filter(|(_, keep, _)| *keep)
            .map(|(column, _, new)| {
                let rename = (new != column).then_some(new);
                ColumnPick { column, rename }
            })
            .collect();
        let step = ColumnsStep { input: input.get_untracked(), output: output.get_untracked(), columns };
        state.apply(Step::Columns(step));
    };
    let last = move || state.last_applied(|s| matches!(s, Step::Columns(_)));
    // Moves row `i` by `by` (−1 up, +1 down) and keeps the keyboard focus on the moved row (its
    // same arrow, or the other one once it reaches an end); the rows are drawn anew.
    let shift = move |i: usize, by: isize, column: String| {
        let moved = picks.try_update(|p| match i.checked_add_signed(by) {
            Some(j) if j < p.len() => {
                p.swap(i, j);
                Some((j, p.len()))
            }
            _ => None,
        });
        if let Some(Some((j, n))) = moved {
            let up = if by < 0 { j > 0 } else { j + 1 >= n };
            let testid = format!("{}-{column}", if up { "up" } else { "down" });
            request_animation_frame(move || {
                let el = document().query_selector(&format!("[data-testid=\"{testid}\"]")).ok().flatten();
                if let Some(el) = el.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
                    let _ = el.focus();
                }
            });
        }
    };
    view! {
        <section class="tool" data-testid="columns-tool">
            <h3>"Choose, order and rename columns"</h3>
            <p class="explain">
                "Drop columns a model must not see (identifiers, " <Term id="data-leakage">"leaked labels"</Term>
                ") or that say nothing "
                "(constant), and give the rest clear names. Unticked columns are left out of the output; "
                "the arrows move a column up or down in the output's order."
            </p>
            <DatasetPicker selected=input testid="columns-input" label="Input"/>
            <table class="columns-picks">
                <thead>
                    <tr>
                        <th scope="col">"Keep"</th>
                        <th scope="col">"Column"</th>
                        <th scope="col">"Name in the output"</th>
                        <th scope="col">"Order"</th>
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        let all = picks.get();
                        let n = all.len();
                        all.into_iter()
                            .enumerate()
                            .map(|(i, (column, keep, new))| {
                                let (c_up, c_down) = (column.clone(), column.clone());
                                view! {
                                    <tr data-testid="columns-row" data-column=column.clone()>
                                        <td>
                                            <input
                                                type="checkbox"
                                                data-testid=format!("keep-{column}")
                                                aria-label=format!("Keep {column}")
                                                prop:checked=keep
                                                on:change=move |ev| {
                                                    let on = event_target_checked(&ev);
                                                    picks.update(|p| p[i].1 = on);
                                                }
                                            />
                                        </td>
                                        <td>
                                            <code>{column.clone()}</code>
                                        </td>
                                        <td>
                                            <input
                                                type="text"
                                                data-testid=format!("rename-{column}")
                                                aria-label=format!("New name for {column}")
                                                prop:value=new
                                                on:change=move |ev| {
                                                    let v = event_target_value(&ev);
                                                    picks.update(|p| p[i].2 = v);
                                                }
                                            />
                                        </td>
                                        <td class="order">
                                            <button
                                                type="button"
                                                data-testid=format!("up-{column}")
                                                aria-label=format!("Move {column} up")
                                                title="Move up"
                                                disabled={i == 0}
                                                on:click=move |_| shift(i, -1, c_up.clone())
                                            >
                                                "↑"
                                            </button>
                                            <button
                                                type="button"
                                                data-testid=format!("down-{column}")
                                                aria-label=format!("Move {column} down")
                                                title="Move down"
                                                disabled={i + 1 >= n}
                                                on:click=move |_| shift(i, 1, c_down.clone())
                                            >
                                                "↓"
                                            </button>
                                        </td>
                                    </tr>
                                }
                            })
                            .collect_view()
                    }}
                </tbody>
            </table>
            <OutputName value=output testid="columns-output" label="Output dataset"/>
            <button
                data-testid="columns-apply"
                disabled=move || state.applying.get().is_some() || input.get().is_empty()
                on:click=apply
            >
                "Apply"
            </button>
            {move || {
                last().map(|a| view! { <StepSummary outcome=a.outcome elapsed_ms=a.elapsed_ms step=a.step/> })
            }}
        </section>
    }
}
