//! The Compare panel: pick a reference and a dataset to compare with it, optional key columns
//! and drift thresholds; see the schema diff, drift per column (overlaid distributions), the row
//! diff and a verdict.

use leptos::prelude::*;

use crate::core::compare::categories::{EXACT_MAX_CATEGORIES, TOP_K};
use crate::core::compare::schema::Compatibility;
use crate::core::compare::{ColumnDriftView, CompareParts, CompareReport, CompareStep, RowDiff, SchemaDiff};
use crate::core::recipe::{Step, StepReport};
use crate::core::stats::drift::{fmt_num, fmt_p};
use crate::core::stats::{DriftBars, DriftSeverity, DriftThresholds};
use crate::ui::components::step::{DatasetPicker, ReadOnlySummary, StepSummary};
use crate::ui::glossary::Term;
use crate::ui::state::AppState;
use crate::view_model::{stat, thousands};

#[component]
pub fn ComparePanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let left = RwSignal::new(String::new());
    let right = RwSignal::new(String::new());
    let keys = RwSignal::new(Vec::<String>::new());
    let thresholds = RwSignal::new(DriftThresholds::default());
    let write_diff = RwSignal::new(false);
    let parts = RwSignal::new(CompareParts::Both);
    // Key candidates: columns on both sides.
    let shared = move || {
        let (l, r) = (left.get(), right.get());
        state.datasets.with(|ds| {
            let cols = |n: &str| {
                ds.iter().find(|d| d.id == n).map(|d| d.columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>())
            };
            let (lc, rc) = (cols(&l).unwrap_or_default(), cols(&r).unwrap_or_default());
            lc.into_iter().filter(|c| rc.contains(c)).collect::<Vec<_>>()
        })
    };
    Effect::new(move |_| {
        let s = shared();
        keys.update(|k| k.retain(|c| s.contains(c)));
    });
    let run = move |_| {
        let step = CompareStep {
            left: left.get_untracked(),
            right: right.get_untracked(),
            keys: keys.get_untracked(),
            thresholds: thresholds.get_untracked(),
            max_listed: 100,
            write_diff: write_diff.get_untracked(),
            parts: parts.get_untracked(),
        };
        state.apply(Step::Compare(step));
    };
    let last = move || state.last_applied(|s| matches!(s, Step::Compare(_)));
    let number = move |get: fn(&DriftThresholds) -> f64,
                       set: fn(&mut DriftThresholds, f64),
                       testid: &'static str,
                       label: &'static str| {
        view! {
            <label class="threshold">
                {label} " "
                <input
                    type="number"
                    step="any"
                    min="0"
                    data-testid=testid
                    prop:value=move || thresholds.with(|t| get(t).to_string())
                    on:change=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                            thresholds.update(|t| set(t, v));
                        }
                    }
                />
            </label>
        }
    };
    view! {
        <section class="panel" data-testid="panel-compare" aria-labelledby="compare-title">
            <h2 id="compare-title">"Compare"</h2>
            <p class="explain">
                "Comparing two versions of a dataset — last month and this month, train and test, "
                "what a model was trained on and what it now sees — catches two kinds of change. "
                <Term id="schema-evolution">"Schema evolution"</Term>
                ": columns renamed, dropped, added or retyped, which silently breaks "
                "code that reads them (the classic story is a source renaming customer_id to user_id "
                "without telling anyone). " <Term id="data-drift">"Drift"</Term>
                ": the same columns with different distributions, "
                "which makes a model trained on the old data quietly worse on the new."
            </p>
            <div class="compare-pickers">
                <DatasetPicker selected=left testid="compare-left" label="Reference (before)"/>
                <DatasetPicker selected=right testid="compare-right" label="Compared (after)"/>
            </div>
            <label class="compare-parts">
                "What to compare "
                <select
                    data-testid="compare-parts"
                    prop:value=move || parts.get().as_str()
                    on:change=move |ev| {
                        if let Some(p) = CompareParts::parse(&event_target_value(&ev)) {
                            parts.set(p);
                        }
                    }
                >
                    <option value="both">"Drift and rows"</option>
                    <option value="drift">"Drift only"</option>
                    <option value="rows">"Rows only"</option>
                </select>
            </label>
            <p class="explain">
                "Drift and the row diff each read every value of both datasets; on large tables, ask "
                "for the one you need. The schema comparison is always made."
            </p>
            <fieldset class="compare-keys" data-testid="compare-keys">
                <legend>"Key columns (optional)"</legend>
                <p class="explain">
                    "With a " <Term id="primary-key">"key"</Term> ", rows are matched by it and each match is checked field by field: "
                    "changed, added and removed rows. Without a key, whole rows are compared as a "
                    "multiset (which rows appear more often on one side)."
                </p>
                {move || {
                    shared()
                        .into_iter()
                        .map(|c| {
                            let name = c.clone();
                            let name2 = c.clone();
                            view! {
                                <label class="key-choice">
                                    <input
                                        type="checkbox"
                                        data-testid=format!("compare-key-{c}")
                                        prop:checked=move || keys.with(|k| k.contains(&name))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            keys.update(|k| {
                                                k.retain(|x| x != &name2);
                                                if on {
                                                    k.push(name2.clone());
                                                }
                                            });
                                        }
                                    />
                                    " "
                                    <code>{c.clone()}</code>
                                </label>
                            }
                        })
                        .collect_view()
                }}
            </fieldset>
            <details class="compare-thresholds">
                <summary>"Drift thresholds"</summary>
                <p class="explain">
                    <Term id="psi">"PSI"</Term> " under 0.1 is usually read as stable, 0.1–0.25 as a shift to "
                    "watch, above 0.25 as a major shift. A " <Term id="ks-test">"KS test"</Term> " on many rows "
                    "finds even tiny differences significant, so a column only counts as drifted when the "
                    "difference is also large (D). " <Term id="l-infinity">"L∞"</Term> " is the largest change in any category's share, the measure TensorFlow Data Validation uses."
                </p>
                {number(
                    |t| t.psi_bins as f64,
                    |t, v| t.psi_bins = (v.round() as usize).max(1),
                    "compare-psi-bins",
                    "PSI bins (reference quantiles)",
                )}
                {number(|t| t.psi_warning, |t, v| t.psi_warning = v, "compare-psi-warning", "PSI warning")}
                {number(|t| t.psi_drift, |t, v| t.psi_drift = v, "compare-psi-drift", "PSI drift")}
                {number(|t| t.ks_p_value, |t, v| t.ks_p_value = v, "compare-ks-p", "KS p-value below")}
                {number(
                    |t| t.ks_warning_statistic,
                    |t, v| t.ks_warning_statistic = v,
                    "compare-ks-d-warning",
                    "KS warning with D at least",
                )}
                {number(|t| t.ks_drift_statistic, |t, v| t.ks_drift_statistic = v, "compare-ks-d", "KS drift with D at least")}
                {number(|t| t.linf_warning, |t, v| t.linf_warning = v, "compare-linf-warning", "L∞ warning")}
                {number(|t| t.linf_drift, |t, v| t.linf_drift = v, "compare-linf", "L∞ drift")}
                {number(|t| t.chi2_p_value, |t, v| t.chi2_p_value = v, "compare-chi2-p", "χ² p-value below")}
                {number(
                    |t| t.new_category_share,
                    |t, v| t.new_category_share = v,
                    "compare-new-category-share",
                    "New or vanished category share at least",
                )}
            </details>
            <label class="compare-write-diff">
                <input
                    type="checkbox"
                    data-testid="compare-write-diff"
                    prop:checked=move || write_diff.get()
                    on:change=move |ev| write_diff.set(event_target_checked(&ev))
                />
                " Also make datasets of the added, removed and changed rows (to browse or download)"
            </label>
            <button
                data-testid="compare-run"
                disabled=move || {
                    state.applying.get().is_some() || left.get().is_empty() || right.get().is_empty()
                }
                on:click=run
            >
                "Compare"
            </button>
            {move || {
                // While a comparison runs, the previous result is not shown as if it were the new one.
                if state.applying.get().is_some() {
                    return Some(
                        view! { <p class="note" role="status" data-testid="compare-running">"Comparing…"</p> }.into_any(),
                    );
                }
                last()
                    .and_then(|a| match a.report {
                        Some(StepReport::Compare(r)) => Some((r, a.elapsed_ms, a.outcome, a.step)),
                        _ => None,
                    })
                    .map(|(r, ms, outcome, step)| {
                        let outputs = if outcome.outputs.is_empty() {
                            let why = "comparing only reads both datasets";
                            view! { <ReadOnlySummary why=why datasets=step.inputs()/> }.into_any()
                        } else {
                            view! { <StepSummary outcome=outcome elapsed_ms=ms step=step/> }.into_any()
                        };
                        view! {
                            <CompareResult report=*r elapsed_ms=ms/>
                            {outputs}
                        }
                        .into_any()
                    })
            }}
        </section>
    }
}

#[component]
pub(crate) fn CompareResult(report: CompareReport, elapsed_ms: f64) -> impl IntoView {
    let r = report;
    view! {
        <section class="compare-result" data-testid="compare-result">
            <p class="compare-verdict" data-testid="compare-verdict">
                {r.verdict.clone()}
            </p>
            <p class="muted" data-testid="compare-elapsed" data-elapsed-ms=elapsed_ms>
                {format!(
                    "{} ({} rows) compared with {} ({} rows) in {:.2} s.",
                    r.right,
                    thousands(r.right_rows),
                    r.left,
                    thousands(r.left_rows),
                    elapsed_ms / 1000.0
                )}
            </p>
            <SchemaSection schema=r.schema.clone()/>
            {r.parts.drift().then(|| view! { <DriftSection drift=r.drift.clone() psi_bins=r.thresholds.psi_bins/> })}
            {r.parts.rows().then(|| view! { <RowsSection rows=r.rows.clone() left=r.left.clone() right=r.right.clone()/> })}
            {(!r.parts.is_both())
                .then(|| {
                    let skipped = if r.parts.drift() { "rows were not compared" } else { "drift was not measured" };
                    view! {
                        <p class="muted" data-testid="compare-parts-note" data-parts=r.parts.as_str()>
                            {format!("Asked for {} only: {skipped}.", r.parts.as_str())}
                        </p>
                    }
                })}
            {r.parts.drift().then(|| view! { <SummarySection report=r.clone()/> })}
        </section>
    }
}

#[component]
fn SchemaSection(schema: SchemaDiff) -> impl IntoView {
    let s = schema;
    let (word, class) = match s.compatibility {
        Compatibility::Identical => ("identical", "ok"),
        Compatibility::BackwardCompatible => ("backward compatible", "warn"),
        Compatibility::Breaking => ("breaking", "bad"),
    };
    view! {
        <section class="compare-section" data-testid="compare-schema" data-compatibility=word>
            <h3>"Schema"</h3>
            <p class="explain">
                "A change is backward compatible when code written for the old columns still works: "
                "adding a column or widening a type (int32 → int64) is; removing or renaming a column, or "
                "narrowing a type (text → number, float → int), is breaking. A rename looks like one column "
                "removed and another added — Strata proposes it when the names are alike and the values "
                "match."
            </p>
            <p>
                "Verdict: " <span class=format!("sev sev-{class}") data-testid="compare-compatibility">{word}</span>
            </p>
            <ul class="compare-reasons">
                {s.reasons.iter().map(|r| view! { <li>{r.clone()}</li> }).collect_view()}
            </ul>
            {s.rename_note.clone().map(|n| view! { <p class="notice" data-testid="compare-rename-note">{n}</p> })}
            {(!s.renames.is_empty())
                .then(|| {
                    view! {
                        <h4>"Likely renames"</h4>
                        <table class="plain">
                            <thead>
                                <tr>
                                    <th scope="col">"Before"</th>
                                    <th scope="col">"After"</th>
                                    <th scope="col">"Evidence"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {s
                                    .renames
                                    .iter()
                                    .map(|r| {
                                        view! {
                                            <tr data-testid=format!("compare-rename-{}", r.from) data-to=r.to.clone()>
                                                <td><code>{r.from.clone()}</code></td>
                                                <td><code>{r.to.clone()}</code></td>
                                                <td>{r.evidence.clone()}</td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    }
                })}
            {(!s.type_changes.is_empty())
                .then(|| {
                    view! {
                        <h4>"Type changes"</h4>
                        <table class="plain">
                            <thead>
                                <tr>
                                    <th scope="col">"Column"</th>
                                    <th scope="col">"Before"</th>
                                    <th scope="col">"After"</th>
                                    <th scope="col">"Safe?"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {s
                                    .type_changes
                                    .iter()
                                    .map(|t| {
                                        view! {
                                            <tr
                                                data-testid=format!("compare-type-{}", t.column)
                                                data-from=t.from.clone()
                                                data-to=t.to.clone()
                                                data-widening=t.widening.to_string()
                                            >
                                                <td><code>{t.column.clone()}</code></td>
                                                <td>{t.from.clone()}</td>
                                                <td>{t.to.clone()}</td>
                                                <td>
                                                    {if t.widening { "widening: " } else { "can lose data: " }}
                                                    {t.note.clone()}
                                                </td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    }
                })}
        </section>
    }
}

fn severity_word(s: DriftSeverity) -> (&'static str, &'static str) {
    match s {
        DriftSeverity::None => ("stable", "ok"),
        DriftSeverity::Warning => ("warning", "warn"),
        DriftSeverity::Drift => ("drift", "bad"),
    }
}

#[component]
fn DriftSection(drift: Vec<ColumnDriftView>, psi_bins: usize) -> impl IntoView {
    let opt = |v: Option<f64>| v.map(fmt_num).unwrap_or_else(|| "—".into());
    let binning = format!(
        "the change of share in {psi_bins} bins cut at the reference's 1/{psi_bins} quantiles (fewer where \
         quantiles tie; hover a PSI value for its cut points)"
    );
    view! {
        <section class="compare-section" data-testid="compare-drift">
            <h3>"Drift per column"</h3>
            <p class="explain">
                "Numbers: the " <Term id="ks-test">"KS test"</Term> " asks whether both samples could come from "
                "one distribution (D is the largest gap between their cumulative curves); "
                <Term id="psi">"PSI"</Term> " sums " {binning} "; " <Term id="wasserstein">"Wasserstein"</Term>
                " is how far, in the column's units, values had to move; "
                <Term id="jensen-shannon">"Jensen–Shannon"</Term> " (base 2, 0 = same, 1 = disjoint) compares the "
                "binned shares. Categories: " <Term id="chi-squared">"χ²"</Term> " tests whether shares differ, "
                <Term id="l-infinity">"L∞"</Term> " is the largest change of one category's share, and new or vanished categories are listed. Nulls are left out here "
                "and counted in the summary below."
            </p>
            <p class="explain" data-testid="compare-high-cardinality-note">
                "Text columns with more than " {EXACT_MAX_CATEGORIES.to_string()} " distinct values (emails, "
                "names, ids) are compared the way TensorFlow Data Validation does: over their "
                {TOP_K.to_string()} " most frequent values, plus three groups for the rest — values seen on "
                "both sides, values only in the reference (vanished) and values only in the compared data "
                "(new). So the statistics stay meaningful (one bin per rare value would make PSI and χ² "
                "grow with the row count) and quick; the shares of rows with a new or a vanished value are "
                "exact and stated under Why, so a changed value set (say, a new email domain) still shows as "
                "drift. Values are counted by a 64-bit hash of their text; two different values sharing "
                "a hash is vanishingly unlikely."
            </p>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Drift per column">
                <table class="plain compare-drift-table">
                    <thead>
                        <tr>
                            <th scope="col">"Column"</th>
                            <th scope="col">"Severity"</th>
                            <th scope="col">"PSI"</th>
                            <th scope="col">"KS D (p)"</th>
                            <th scope="col">"Wasserstein"</th>
                            <th scope="col">"JS"</th>
                            <th scope="col">"L∞"</th>
                            <th scope="col">"χ² p"</th>
                            <th scope="col">"Why"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {drift
                            .iter()
                            .map(|d| {
                                let c = &d.drift;
                                let (word, class) = severity_word(c.severity);
                                view! {
                                    <tr
                                        data-testid=format!("compare-drift-{}", d.left_column)
                                        data-severity=word
                                        data-new-categories=c.new_categories.join("|")
                                        data-new-value-rate=c.high_cardinality.as_ref().map(|h| h.new_value_rate.to_string())
                                        data-vanished-value-rate=c
                                            .high_cardinality
                                            .as_ref()
                                            .map(|h| h.vanished_value_rate.to_string())
                                    >
                                        <th scope="row"><code>{c.column.clone()}</code></th>
                                        <td><span class=format!("sev sev-{class}")>{word}</span></td>
                                        <td
                                            data-testid=format!("compare-psi-{}", d.left_column)
                                            data-bins=(d.psi_cuts.len() + 1).to_string()
                                            title=(!d.psi_cuts.is_empty())
                                                .then(|| {
                                                    format!(
                                                        "{} bins, cut at {}",
                                                        d.psi_cuts.len() + 1,
                                                        d.psi_cuts.iter().map(|&v| fmt_num(v)).collect::<Vec<_>>().join(", ")
                                                    )
                                                })
                                        >
                                            {opt(c.psi)}
                                        </td>
                                        <td>
                                            {c
                                                .ks
                                                .map(|k| format!("{} ({})", fmt_num(k.statistic), fmt_p(k.p_value)))
                                                .unwrap_or_else(|| "—".into())}
                                        </td>
                                        <td>{opt(c.wasserstein)}</td>
                                        <td>{opt(c.js)}</td>
                                        <td>{opt(c.linf)}</td>
                                        <td>{c.chi2.map(|x| fmt_p(x.p_value)).unwrap_or_else(|| "—".into())}</td>
                                        <td class="reason">{c.reason.clone()}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
            <p class="chart-legend">
                <span class="swatch ref"></span>
                " reference (share of its rows)  "
                <span class="swatch cur"></span>
                " compared (share of its rows)"
            </p>
            <div class="compare-charts">
                {drift
                    .into_iter()
                    .map(|d| {
                        let caption = d.drift.column.clone();
                        view! { <OverlaidBars bars=d.bars caption=caption/> }
                    })
                    .collect_view()}
            </div>
        </section>
    }
}

/// Two distributions over the same bins, as shares of each side: the reference as filled bars,
/// the compared data as outlined bars on top.
#[component]
fn OverlaidBars(bars: DriftBars, caption: String) -> impl IntoView {
    let (w, h) = (300.0, 90.0);
    let n = bars.labels.len().max(1);
    let share = |v: &[u64]| {
        let t: u64 = v.iter().sum();
        v.iter().map(|&c| if t == 0 { 0.0 } else { c as f64 / t as f64 }).collect::<Vec<f64>>()
    };
    let (rs, cs) = (share(&bars.reference), share(&bars.current));
    let max = rs.iter().chain(&cs).copied().fold(0.0, f64::max).max(1e-12);
    let bw = w / n as f64;
    let first = bars.labels.first().cloned().unwrap_or_default();
    let last = bars.labels.last().cloned().unwrap_or_default();
    let categorical = bars.edges.is_empty();
    let aria = format!("{caption}: reference (filled) and compared (outlined) shares");
    view! {
        <figure class="chart compare-chart" data-testid=format!("compare-chart-{caption}")>
            <svg viewBox=format!("0 0 {w} {h}") width=w height=h role="group" aria-label=aria>
                {bars
                    .labels
                    .iter()
                    .enumerate()
                    .map(|(i, label)| {
                        let (a, b) = (rs.get(i).copied().unwrap_or(0.0), cs.get(i).copied().unwrap_or(0.0));
                        let (ha, hb) = (a / max * (h - 4.0), b / max * (h - 4.0));
                        let tip = format!(
                            "{label}: reference {:.1}% ({}), compared {:.1}% ({})",
                            a * 100.0,
                            thousands(bars.reference.get(i).copied().unwrap_or(0)),
                            b * 100.0,
                            thousands(bars.current.get(i).copied().unwrap_or(0))
                        );
                        let aria = tip.clone();
                        view! {
                            <g tabindex="0" role="img" aria-label=aria>
                                <title>{tip}</title>
                                <rect class="bar ref" x=i as f64 * bw + 1.0 y=h - ha width=(bw - 2.0).max(0.5) height=ha></rect>
                                <rect class="bar cur" x=i as f64 * bw + 2.0 y=h - hb width=(bw - 4.0).max(0.5) height=hb></rect>
                            </g>
                        }
                    })
                    .collect_view()}
            </svg>
            <figcaption>
                <strong>{caption.clone()}</strong>
                {if categorical {
                    format!(" — {} categories", bars.labels.len())
                } else {
                    format!(" — {first} … {last}")
                }}
            </figcaption>
        </figure>
    }
}

const PAGE: usize = 20;

#[component]
fn RowsSection(rows: RowDiff, left: String, right: String) -> impl IntoView {
    let d = rows;
    let page = RwSignal::new(0usize);
    let listed = d.changed_rows.clone();
    let pages = listed.len().div_ceil(PAGE).max(1);
    let keyed = !d.keys.is_empty();
    let intro = if keyed {
        format!(
            "Rows matched by {}: {} matched ({} unchanged, {} changed), {} only in {right} (added), {} only in {left} (removed).",
            d.keys.join(", "),
            thousands(d.matched),
            thousands(d.unchanged),
            thousands(d.changed),
            thousands(d.added),
            thousands(d.removed)
        )
    } else {
        format!(
            "Whole rows compared over {} shared columns: {} rows in both, {} only in {right}, {} only in {left}.",
            d.compared_columns.len(),
            thousands(d.matched),
            thousands(d.added),
            thousands(d.removed)
        )
    };
    let intro = match &d.note {
        Some(note) => format!("{note}."),
        None => intro,
    };
    let rename_note = (!d.renamed_columns.is_empty()).then(|| {
        let pairs: Vec<String> = d.renamed_columns.iter().map(|(a, b)| format!("{a} → {b}")).collect();
        format!("Likely renames compared as one column, under the new name: {}.", pairs.join(", "))
    });
    let collision_note = (d.key_hash_collisions > 0).then(|| {
        format!(
            "{} keys shared a hash with another key; their key values told them apart.",
            thousands(d.key_hash_collisions)
        )
    });
    let dup_note = (d.duplicate_keys_left + d.duplicate_keys_right > 0).then(|| {
        format!(
            "The key is not unique: {} repeated on the left, {} on the right (matched in order of appearance).",
            thousands(d.duplicate_keys_left),
            thousands(d.duplicate_keys_right)
        )
    });
    let per_column: Vec<_> = d.changes_per_column.iter().filter(|c| c.changed > 0).cloned().collect();
    let shown_cols = d.shown_columns.clone();
    let row_list =
        move |title: &'static str, testid: &'static str, rows: Vec<crate::core::compare::rows::RowRef>, total: u64| {
            let cols = shown_cols.clone();
            (total > 0).then(|| {
                view! {
                    <h4>{format!("{title} ({})", thousands(total))}</h4>
                    <div class="table-scroll" tabindex="0" role="region" aria-label=title>
                        <table class="plain" data-testid=testid>
                            <thead>
                                <tr>
                                    <th scope="col">"Row"</th>
                                    {cols.iter().map(|c| view! { <th scope="col">{c.clone()}</th> }).collect_view()}
                                </tr>
                            </thead>
                            <tbody>
                                {rows
                                    .into_iter()
                                    .map(|r| {
                                        view! {
                                            <tr>
                                                <td>{thousands(r.row + 1)}</td>
                                                {r
                                                    .values
                                                    .into_iter()
                                                    .map(|v| view! { <td>{v.unwrap_or_else(|| "∅".into())}</td> })
                                                    .collect_view()}
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
            })
        };
    let added_list = row_list("Added rows", "compare-added", d.added_rows.clone(), d.added);
    let removed_list = row_list("Removed rows", "compare-removed", d.removed_rows.clone(), d.removed);
    view! {
        <section
            class="compare-section"
            data-testid="compare-rows"
            data-changed=d.changed
            data-added=d.added
            data-removed=d.removed
            data-matched=d.matched
        >
            <h3>"Rows"</h3>
            <p>{intro}</p>
            {rename_note.map(|n| view! { <p class="muted" data-testid="compare-renamed-columns">{n}</p> })}
            {collision_note.map(|n| view! { <p class="muted">{n}</p> })}
            {dup_note.map(|n| view! { <p class="notice">{n}</p> })}
            {(!per_column.is_empty())
                .then(|| {
                    view! {
                        <p data-testid="compare-changes-per-column">
                            "Changed values per column: "
                            {per_column
                                .iter()
                                .map(|c| match &c.renamed_from {
                                    Some(from) => format!("{} (was {from}) {}", c.column, thousands(c.changed)),
                                    None => format!("{} {}", c.column, thousands(c.changed)),
                                })
                                .collect::<Vec<_>>()
                                .join(", ")}
                        </p>
                    }
                })}
            {(!listed.is_empty())
                .then(|| {
                    let listed = listed.clone();
                    let keys = d.keys.join(", ");
                    view! {
                        <h4>{format!("Changed rows (first {} of {})", listed.len(), thousands(d.changed))}</h4>
                        <table class="plain compare-changed" data-testid="compare-changed">
                            <thead>
                                <tr>
                                    <th scope="col">{keys}</th>
                                    <th scope="col">"Column"</th>
                                    <th scope="col">"Before"</th>
                                    <th scope="col">"After"</th>
                                </tr>
                            </thead>
                            {move || {
                                let p = page.get();
                                listed
                                    .iter()
                                    .skip(p * PAGE)
                                    .take(PAGE)
                                    .map(|row| {
                                        let key = row
                                            .key
                                            .iter()
                                            .map(|k| k.clone().unwrap_or_else(|| "∅".into()))
                                            .collect::<Vec<_>>()
                                            .join(", ");
                                        let n = row.changes.len();
                                        view! {
                                            <tbody data-testid=format!("compare-changed-{key}")>
                                                {row
                                                    .changes
                                                    .iter()
                                                    .enumerate()
                                                    .map(|(i, c)| {
                                                        view! {
                                                            <tr data-column=c.column.clone()>
                                                                {(i == 0)
                                                                    .then(|| view! { <th scope="rowgroup" rowspan=n>{key.clone()}</th> })}
                                                                <td>
                                                                    <code>{c.column.clone()}</code>
                                                                    {c
                                                                        .renamed_from
                                                                        .clone()
                                                                        .map(|f| view! { <span class="muted">{format!(" (was {f})")}</span> })}
                                                                </td>
                                                                <td class="old">{c.old.clone().unwrap_or_else(|| "∅".into())}</td>
                                                                <td class="new">{c.new.clone().unwrap_or_else(|| "∅".into())}</td>
                                                            </tr>
                                                        }
                                                    })
                                                    .collect_view()}
                                            </tbody>
                                        }
                                    })
                                    .collect_view()
                            }}
                        </table>
                        <p class="pager">
                            <button
                                data-testid="compare-prev"
                                disabled=move || page.get() == 0
                                on:click=move |_| page.update(|p| *p = p.saturating_sub(1))
                            >
                                "Previous"
                            </button>
                            {move || format!(" page {} of {pages} ", page.get() + 1)}
                            <button
                                data-testid="compare-next"
                                disabled=move || { page.get() + 1 >= pages }
                                on:click=move |_| page.update(|p| *p += 1)
                            >
                                "Next"
                            </button>
                        </p>
                    }
                })}
            {added_list}
            {removed_list}
        </section>
    }
}

#[component]
fn SummarySection(report: CompareReport) -> impl IntoView {
    let pct = |x: f64| format!("{}%", stat(x * 100.0));
    view! {
        <section class="compare-section" data-testid="compare-summary">
            <h3>"Summary per column"</h3>
            <table class="plain">
                <thead>
                    <tr>
                        <th scope="col">"Column"</th>
                        <th scope="col">"Nulls before → after"</th>
                        <th scope="col">"Mean before → after"</th>
                    </tr>
                </thead>
                <tbody>
                    {report
                        .columns
                        .iter()
                        .map(|c| {
                            let mean = match (c.left_mean, c.right_mean) {
                                (Some(a), Some(b)) => {
                                    let show = |v: f64, text: &Option<String>| text.clone().unwrap_or_else(|| stat(v));
                                    format!("{} → {}", show(a, &c.left_mean_text), show(b, &c.right_mean_text))
                                }
                                _ => "—".into(),
                            };
                            view! {
                                <tr data-testid=format!("compare-summary-{}", c.column)>
                                    <th scope="row"><code>{c.column.clone()}</code></th>
                                    <td>{format!("{} → {}", pct(c.left_null_rate), pct(c.right_null_rate))}</td>
                                    <td>{mean}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </section>
    }
}
