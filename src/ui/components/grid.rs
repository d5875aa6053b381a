//! A virtualized data grid: only the rows in view are in the DOM; rows come from the worker a
//! page at a time, so a million-row table scrolls like a ten-row one.

use std::collections::BTreeSet;

use leptos::prelude::*;

use crate::protocol::DatasetSummary;
use crate::ui::state::AppState;
use crate::view_model::{thousands, GridWindow};

const ROW_PX: f64 = 28.0;
const VIEWPORT_PX: f64 = 420.0;
/// Columns drawn at most; wider tables say how many are hidden.
const MAX_COLUMNS: usize = 60;
/// Cells fetched per page at most (keeps messages small for very wide tables).
const MAX_PAGE_CELLS: usize = 40_000;

fn short_type(t: &str) -> String {
    match t {
        "Int64" => "int".into(),
        "Float64" => "float".into(),
        "Utf8" => "text".into(),
        "Boolean" => "bool".into(),
        "Date32" => "date".into(),
        t if t.starts_with("Timestamp") => "timestamp".into(),
        t if t.starts_with("Decimal") => t.to_lowercase(),
        t => t.to_lowercase(),
    }
}

/// With `picked`, each row number gets a checkbox that adds the row (numbered from 1) to it or
/// removes it — how a person hand-picks rows for a judgment sample.
#[component]
pub fn DataGrid(dataset: DatasetSummary, #[prop(optional)] picked: Option<RwSignal<BTreeSet<u64>>>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let window = GridWindow { rows: dataset.rows, row_px: ROW_PX, viewport_px: VIEWPORT_PX };
    let first = RwSignal::new(0u64);
    let requested = RwSignal::new(None::<(u64, u64)>);
    let id = dataset.id.clone();
    let ncols = dataset.columns.len().max(1);
    let page_rows = ((MAX_PAGE_CELLS / ncols).max(window.visible_rows() as usize + 20)).min(400) as u64;
    let shown_cols = dataset.columns.len().min(MAX_COLUMNS);
    let hidden_cols = dataset.columns.len() - shown_cols;

    // Ask the worker for the rows around the view when the cached page does not cover it.
    let id_for_fetch = id.clone();
    Effect::new(move |_| {
        let f = first.get();
        let want_end = (f + window.visible_rows()).min(window.rows);
        let covered = state.page.with(|p| {
            p.as_ref().is_some_and(|(d, page)| {
                *d == id_for_fetch && page.offset <= f && page.offset + page.rows.len() as u64 >= want_end
            })
        });
        if covered || window.rows == 0 {
            return;
        }
        let offset = f.saturating_sub(page_rows / 4);
        if requested.get_untracked() == Some((offset, page_rows)) {
            return;
        }
        requested.set(Some((offset, page_rows)));
        state.request_page(&id_for_fetch, offset, page_rows as u32);
    });

    let columns = dataset.columns.clone();
    let id_for_rows = id.clone();
    let rows_view = move || {
        let f = first.get();
        let end = (f + window.visible_rows()).min(window.rows);
        state.page.with(|p| {
            (f..end)
                .map(|r| {
                    let cells: Option<Vec<Option<String>>> = p.as_ref().and_then(|(d, page)| {
                        (*d == id_for_rows && r >= page.offset)
                            .then(|| page.rows.get((r - page.offset) as usize).cloned())
                            .flatten()
                    });
                    view! {
                        <tr data-testid="grid-row">
                            <th scope="row" class="rownum">
                                {picked.map(|p| {
                                    view! {
                                        <input
                                            type="checkbox"
                                            class="row-pick"
                                            data-testid=format!("pick-row-{}", r + 1)
                                            aria-label=format!("Pick row {}", r + 1)
                                            prop:checked=move || p.with(|s| s.contains(&(r + 1)))
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                p.update(|s| {
                                                    if on {
                                                        s.insert(r + 1);
                                                    } else {
                                                        s.remove(&(r + 1));
                                                    }
                                                });
                                            }
                                        />
                                    }
                                })}
                                {thousands(r + 1)}
                            </th>
                            {match cells {
                                Some(cells) => cells
                                    .into_iter()
                                    .take(shown_cols)
                                    .map(|c| match c {
                                        Some(v) => view! { <td>{v}</td> }.into_any(),
                                        None => view! { <td class="null-cell">"null"</td> }.into_any(),
                                    })
                                    .collect_view()
                                    .into_any(),
                                None => view! { <td class="loading" colspan=shown_cols>"…"</td> }.into_any(),
                            }}
                        </tr>
                    }
                })
                .collect_view()
        })
    };

    view! {
        <div class="grid-wrap" data-testid="grid">
            {(hidden_cols > 0).then(|| {
                view! { <p class="notice">{format!("Showing the first {shown_cols} of {} columns.", dataset.columns.len())}</p> }
            })}
            <div
                class="grid-viewport"
                tabindex="0"
                role="region"
                aria-label=format!("Rows of {}", dataset.id)
                style:height=format!("{}px", VIEWPORT_PX + ROW_PX)
                on:scroll=move |ev| {
                    let el: web_sys::HtmlElement = event_target(&ev);
                    first.set(window.first_row(el.scroll_top() as f64));
                }
            >
                <div class="grid-window">
                    <table class="grid">
                        <thead>
                            <tr>
                                <th scope="col" class="rownum">"#"</th>
                                {columns
                                    .iter()
                                    .take(shown_cols)
                                    .map(|c| {
                                        view! {
                                            <th scope="col" data-testid="column-name" data-name=c.name.clone()>
                                                <span class="col-name">{c.name.clone()}</span>
                                                <span class="badge" title=c.data_type.clone()>{short_type(&c.data_type)}</span>
                                            </th>
                                        }
                                    })
                                    .collect_view()}
                            </tr>
                        </thead>
                        <tbody>{rows_view}</tbody>
                    </table>
                </div>
                <div class="grid-spacer" style:height=format!("{}px", window.content_px() - VIEWPORT_PX)></div>
            </div>
        </div>
    }
}
