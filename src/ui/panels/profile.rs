//! The Profile panel: summary, quality alerts with their lessons, per-column statistics and
//! charts, missingness, correlations, and the formats lesson on the user's own data.

use leptos::prelude::*;

use crate::core::profile::{Alert, ColumnProfile, FormatSizes, Kind, Profile, Severity};
use crate::ui::components::charts::{Bar, BarList, Heatmap, Histogram, MissingnessMatrix};
use crate::ui::components::step::ReadOnlySummary;
use crate::ui::glossary::Term;
use crate::ui::state::AppState;
use crate::view_model::{bytes, duplicate_rows, percent, stat, thousands};

#[component]
pub fn ProfilePanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <section class="panel" data-testid="panel-profile" aria-labelledby="profile-title">
            <h2 id="profile-title">"Profile"</h2>
            <p class="explain">
                "A profile reads every value once and reports, per column, how complete, varied and "
                "well-formed it is. Then it looks for the classic data-quality problems — missing data, "
                "inconsistent spellings, " <Term id="duplicate">"duplicates"</Term> ", "
                <Term id="outlier">"outliers"</Term> ", redundant or " <Term id="data-leakage">"leaking"</Term>
                " columns — and says why each matters. Nothing is changed: the Clean step fixes what you decide to fix."
            </p>
            {move || {
                if state.current.get().is_none() {
                    return view! { <p class="notice">"Load a file first (step 1)."</p> }.into_any();
                }
                let shown = state.profile.get().filter(|p| Some(&p.dataset) == state.current.get().as_ref());
                match shown {
                    Some(p) => view! { <ProfileReport profile=*p.profile elapsed_ms=p.elapsed_ms/> }.into_any(),
                    None => {
                        view! {
                            <p class="notice" data-testid="profiling">
                                {move || if state.profiling.get().is_some() { "Profiling…" } else { "" }}
                                <button class="secondary" on:click=move |_| state.request_profile(None)>
                                    "Profile now"
                                </button>
                            </p>
                        }
                            .into_any()
                    }
                }
            }}
        </section>
    }
}

#[component]
fn ProfileReport(profile: Profile, elapsed_ms: f64) -> impl IntoView {
    let state = expect_context::<AppState>();
    let warnings = profile.alerts.iter().filter(|a| a.severity == Severity::Warning).count();
    let label_names: Vec<String> = profile.columns.iter().map(|c| c.name.clone()).collect();
    let label = profile.label.clone().unwrap_or_default();
    let guessed = profile.label_guessed;
    let corr = profile.correlations.clone();
    // Pearson's r and Cramér's V of a large table come from a random sample of its rows.
    let sampled_rows = (corr.sampled_rows > 0 && corr.sampled_rows < profile.rows).then_some(corr.sampled_rows);
    let sampled_caption = move |what: &str| match sampled_rows {
        Some(n) => format!("{what} ({} sampled rows)", thousands(n)),
        None => what.to_string(),
    };
    let miss = profile.missingness.clone();
    let any_missing = profile.missing_cells > 0;
    let dataset = profile.dataset.clone();
    view! {
        <section class="summary" data-testid="profile-summary" data-elapsed-ms=format!("{elapsed_ms:.1}")>
            <h3>
                {thousands(profile.rows)} " rows × " {profile.columns.len()} " columns · "
                <span data-testid="alert-count">{profile.alerts.len()}</span> " alerts (" {warnings} " warnings)"
            </h3>
            <p class="meta">
                {format!(
                    "{} missing cells ({}), {}. Profiled in {:.2} s.",
                    thousands(profile.missing_cells),
                    percent(profile.missing_cells, profile.rows * profile.columns.len() as u64),
                    duplicate_rows(profile.duplicate_rows, profile.duplicate_rows_estimate.as_ref()),
                    elapsed_ms / 1000.0
                )}
            </p>
            <ReadOnlySummary why="a profile only reads the data" datasets=vec![dataset]/>
            <label>
                "Label column (what a model would predict; checked for leakage): "
                <select
                    data-testid="label-select"
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        state.request_profile(if v.is_empty() { None } else { Some(v) });
                    }
                >
                    <option value="" selected=label.is_empty()>"(none)"</option>
                    {label_names
                        .into_iter()
                        .map(|n| {
                            let sel = n == label;
                            view! { <option value=n.clone() selected=sel>{n.clone()}</option> }
                        })
                        .collect_view()}
                </select>
                {guessed.then(|| view! { <span class="hint">" (guessed from its name)"</span> })}
            </label>
        </section>
        <section aria-labelledby="alerts-title">
            <h3 id="alerts-title">"Quality alerts"</h3>
            {profile.alerts.is_empty().then(|| view! { <p>"No alerts: nothing the profile checks for was found."</p> })}
            <ul class="alerts" data-testid="alerts">
                {profile.alerts.into_iter().map(|a| view! { <AlertItem alert=a/> }).collect_view()}
            </ul>
        </section>
        <section aria-labelledby="columns-title">
            <h3 id="columns-title">"Columns"</h3>
            <div class="columns" data-testid="profile-columns">
                {profile.columns.into_iter().map(|c| view! { <ColumnCard col=c/> }).collect_view()}
            </div>
        </section>
        {any_missing
            .then(|| {
                view! {
                    <section aria-labelledby="missing-title" data-testid="missingness">
                        <h3 id="missing-title">"Where values are missing"</h3>
                        <p class="explain">
                            "Stripes that line up across columns mean values go missing together (one form "
                            "skipped, one feed down); a block in one stretch of rows points at a period or a batch. "
                            "Whether values are " <Term id="mcar">"MCAR"</Term> ", " <Term id="mar">"MAR"</Term> " or "
                            <Term id="mnar">"MNAR"</Term> " decides how safely the gaps can be filled."
                        </p>
                        <MissingnessMatrix columns=miss.columns fractions=miss.fractions segment_rows=miss.segment_rows/>
                    </section>
                }
            })}
        <section aria-labelledby="corr-title" data-testid="correlations">
            <h3 id="corr-title">"Correlations"</h3>
            <p class="explain">
                "Pearson measures straight-line relations between numbers, Spearman any monotone one (it "
                "compares ranks, so outliers matter less); Cramér's V measures how strongly two categories "
                "go together (0 = independent, 1 = one fixes the other). Red is positive, blue negative."
            </p>
            {(corr.numeric_columns.len() >= 2)
                .then(|| {
                    view! {
                        <div class="heatmaps">
                            <Heatmap
                                names=corr.numeric_columns.clone()
                                values=corr.pearson.clone()
                                caption=sampled_caption("Pearson r")
                            />
                            <Heatmap
                                names=corr.numeric_columns.clone()
                                values=corr.spearman.clone()
                                caption=format!("Spearman ρ ({} rows)", thousands(corr.spearman_rows))
                            />
                        </div>
                    }
                })}
            {(corr.categorical_columns.len() >= 2)
                .then(|| {
                    view! {
                        <Heatmap
                            names=corr.categorical_columns
                            values=corr.cramers_v
                            caption=sampled_caption("Cramér's V")
                        />
                    }
                })}
        </section>
        <FormatsLesson/>
        <section class="method">
            <h3>"How these figures were computed"</h3>
            <ul>{profile.method_notes.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
        </section>
    }
}

#[component]
fn AlertItem(alert: Alert) -> impl IntoView {
    let kind = serde_json::to_value(alert.kind).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    let rows = (!alert.rows.is_empty()).then(|| {
        let list: Vec<String> = alert.rows.iter().take(10).map(|r| thousands(r + 1)).collect();
        format!("Rows: {}", list.join(", "))
    });
    view! {
        <li
            class="alert"
            class:warning=alert.severity == Severity::Warning
            data-testid="alert"
            data-kind=kind
            data-columns=alert.columns.join(",")
        >
            <h4>{alert.title}</h4>
            <p class="alert-detail">{alert.detail}</p>
            {(!alert.examples.is_empty())
                .then(|| {
                    view! {
                        <ul class="alert-examples" data-testid="alert-examples">
                            {alert.examples.into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}
                        </ul>
                    }
                })}
            {rows.map(|r| view! { <p class="alert-rows" data-testid="alert-rows">{r}</p> })}
            <p class="lesson" data-testid="alert-lesson">
                <strong>"Why it matters: "</strong>
                {alert.explanation}
            </p>
        </li>
    }
}

#[component]
fn ColumnCard(col: ColumnProfile) -> impl IntoView {
    let non_null = col.rows - col.nulls;
    let kind = format!("{:?}", col.kind).to_lowercase();
    let mut stats: Vec<(&'static str, String)> = vec![
        ("Values", thousands(non_null)),
        ("Missing", format!("{} ({})", thousands(col.nulls), percent(col.nulls, col.rows))),
        (
            "Distinct",
            if col.distinct_estimated {
                format!("≈{} (estimated)", thousands(col.distinct))
            } else {
                thousands(col.distinct)
            },
        ),
    ];
    if let (Some(min), Some(max)) = (&col.min, &col.max) {
        stats.push(("Min", min.clone()));
        stats.push(("Max", max.clone()));
    }
    if let Some(m) = col.mean {
        stats.push(("Mean", stat(m)));
    }
    if let Some(s) = col.std {
        stats.push(("Std. deviation", stat(s)));
    }
    if let Some(s) = col.skewness {
        stats.push(("Skewness", stat(s)));
    }
    if matches!(col.kind, Kind::Integer | Kind::Float) {
        stats.push(("Zeros", thousands(col.zeros)));
        stats.push(("Negatives", thousands(col.negatives)));
    }
    if col.non_finite > 0 {
        stats.push(("NaN / infinite", thousands(col.non_finite)));
    }
    for q in &col.quantiles {
        let name =
            [(0.01, "p1"), (0.05, "p5"), (0.25, "p25 (Q1)"), (0.5, "p50 (median)"), (0.75, "p75 (Q3)"), (0.95, "p95")]
                .iter()
                .find(|(p, _)| *p == q.p)
                .map_or("p99", |(_, n)| n);
        let text = if matches!(col.kind, Kind::Temporal) { q.text.clone() } else { stat(q.value) };
        stats.push((name, text));
    }
    if !col.quantiles.is_empty() {
        stats.push(("Quantiles", col.quantile_accuracy.clone()));
    }
    if let Some(l) = &col.length {
        stats.push(("Length min / mean / max", format!("{} / {} / {}", l.min, stat(l.mean), l.max)));
    }
    let chart = if let Some(h) = col.histogram.clone() {
        let note = (h.below + h.above > 0).then(|| {
            format!("{} below and {} above the shown range (outliers)", thousands(h.below), thousands(h.above))
        });
        let bars: Vec<Bar> = h.bins.into_iter().map(|b| Bar { label: b.label, count: b.count }).collect();
        let caption = format!("Histogram of {}", col.name);
        match note {
            Some(n) => view! { <Histogram bars=bars caption=caption note=n/> }.into_any(),
            None => view! { <Histogram bars=bars caption=caption/> }.into_any(),
        }
    } else if !col.top.is_empty() {
        let bars: Vec<Bar> = col.top.iter().map(|t| Bar { label: t.value.clone(), count: t.count }).collect();
        let caption = format!("Most frequent values of {}", col.name);
        view! {
            <BarList bars=bars caption=caption/>
            {(!col.top_exact).then(|| view! { <p class="hint">"Counts are lower bounds (too many distinct values to count all)."</p> })}
        }
        .into_any()
    } else {
        ().into_any()
    };
    let patterns = (!col.patterns.is_empty()).then(|| {
        view! {
            <p class="patterns" data-testid="patterns">
                "Patterns: "
                {col
                    .patterns
                    .iter()
                    .map(|p| format!("{} {}", thousands(p.count), p.label))
                    .collect::<Vec<_>>()
                    .join("; ")}
            </p>
        }
    });
    let name = col.name.clone();
    let data_column = col.name.clone();
    view! {
        <details class="column-card" data-testid="column-card" data-column=data_column>
            <summary>
                <strong>{name}</strong>
                " "
                <span class="badge">{col.data_type.clone()}</span>
                " "
                <span class="meta">
                    {format!("{kind} · {} missing · {} distinct", percent(col.nulls, col.rows), thousands(col.distinct))}
                </span>
                {col.id_like.then(|| view! { " " <span class="badge">"identifier-like"</span> })}
            </summary>
            <div class="column-body">
                <table class="stats">
                    <tbody>
                        {stats.into_iter().map(|(k, v)| view! { <tr><th scope="row">{k}</th><td>{v}</td></tr> }).collect_view()}
                    </tbody>
                </table>
                <div>{chart} {patterns}</div>
            </div>
        </details>
    }
}

#[component]
fn FormatsLesson() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <section aria-labelledby="formats-title" data-testid="formats-lesson">
            <h3 id="formats-title">"Text or binary? Your data as CSV and as Parquet"</h3>
            <p class="explain">
                "CSV stores rows as text; " <Term id="parquet">"Parquet"</Term> " stores each column together, "
                "typed and compressed (" <Term id="row-column-major">"column-major"</Term> "). Measure what that "
                "means for this table: the same rows are written in each format, here in the tab."
            </p>
            <button
                data-testid="measure-formats"
                disabled=move || state.measuring_formats.get()
                on:click=move |_| state.request_format_sizes()
            >
                {move || if state.measuring_formats.get() { "Measuring…" } else { "Measure CSV vs Parquet" }}
            </button>
            {move || {
                let current = state.current.get();
                state.format_sizes.get().filter(|(d, _)| Some(d) == current.as_ref()).map(|(_, s)| view! { <FormatTable sizes=s/> })
            }}
        </section>
    }
}

#[component]
fn FormatTable(sizes: FormatSizes) -> impl IntoView {
    let scale = sizes.scale();
    let scaled = |b: u64| (b as f64 * scale).round() as u64;
    let mut bars = vec![Bar { label: "CSV (text)".into(), count: scaled(sizes.csv_bytes) }];
    bars.extend(sizes.parquet.iter().map(|c| Bar { label: format!("Parquet {}", c.codec), count: scaled(c.bytes) }));
    let zstd = sizes.parquet.iter().find(|c| c.codec == "zstd").map(|c| c.bytes).unwrap_or(1);
    let widest = sizes.columns.iter().max_by_key(|c| c.bytes).cloned();
    let smallest = sizes.columns.iter().min_by_key(|c| c.bytes).cloned();
    let sampled = sizes.rows_measured < sizes.rows_total;
    let ratio = sizes.csv_bytes as f64 / zstd.max(1) as f64;
    view! {
        <div data-testid="format-sizes">
            <BarList bars=bars caption="Bytes by format".to_string() unit=bytes/>
            <p data-testid="format-ratio">
                {format!("Parquet with zstd is {ratio:.1}× smaller than CSV for this table.")}
                {sampled.then(|| format!(" (Measured on {} evenly spread rows and scaled to {}.)", thousands(sizes.rows_measured), thousands(sizes.rows_total)))}
            </p>
            {widest.zip(smallest).map(|(w, s)| {
                view! {
                    <p>
                        {format!(
                            "Column-major means a reader can skip columns: a query that needs only `{}` reads {} ({}) of the zstd file, not all of it; `{}` takes the most space ({}). A CSV reader must scan every byte of every row.",
                            s.name,
                            bytes(scaled(s.bytes)),
                            percent(s.bytes, zstd),
                            w.name,
                            bytes(scaled(w.bytes))
                        )}
                    </p>
                }
            })}
            <BarList
                bars=sizes.columns.iter().map(|c| Bar { label: c.name.clone(), count: scaled(c.bytes) }).collect()
                caption="Compressed bytes per column (Parquet, zstd)".to_string()
                unit=bytes
            />
        </div>
    }
}
