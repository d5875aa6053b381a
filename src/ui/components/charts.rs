//! Charts drawn as SVG from Rust (no chart library): vertical bars (histograms), horizontal
//! bars (top values, byte sizes), heatmaps (correlations) and the missingness matrix. Every
//! mark has a `<title>` (hover) and is focusable with a label (keyboard and screen readers).

use leptos::prelude::*;

use crate::view_model::{bar_heights, heat_color, thousands};

/// One bar: its label (shown on hover/focus) and count.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub count: u64,
}

/// A histogram: vertical bars, with counts beyond the shown range noted underneath.
#[component]
pub fn Histogram(bars: Vec<Bar>, caption: String, #[prop(optional)] note: Option<String>) -> impl IntoView {
    let (w, h) = (320.0, 110.0);
    let heights = bar_heights(&bars.iter().map(|b| b.count).collect::<Vec<_>>(), h - 10.0);
    let bw = w / bars.len().max(1) as f64;
    let first = bars.first().map(|b| b.label.clone()).unwrap_or_default();
    let last = bars.last().map(|b| b.label.clone()).unwrap_or_default();
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {w} {h}") width=w height=h role="img" aria-label=caption.clone()>
                {bars
                    .into_iter()
                    .zip(heights)
                    .enumerate()
                    .map(|(i, (b, bh))| {
                        let tip = format!("{}: {}", b.label, thousands(b.count));
                        let aria = tip.clone();
                        view! {
                            <rect
                                class="bar"
                                x=i as f64 * bw + 0.5
                                y=h - bh
                                width=(bw - 1.0).max(0.5)
                                height=bh
                                tabindex="0"
                                aria-label=aria
                            >
                                <title>{tip}</title>
                            </rect>
                        }
                    })
                    .collect_view()}
            </svg>
            <figcaption>
                <span class="axis-lo">{first}</span>
                <span class="axis-hi">{last}</span>
                {note.map(|n| view! { <span class="chart-note">{n}</span> })}
            </figcaption>
        </figure>
    }
}

/// Horizontal bars with their labels and counts written out (top values, file sizes).
#[component]
pub fn BarList(bars: Vec<Bar>, caption: String, #[prop(optional)] unit: Option<fn(u64) -> String>) -> impl IntoView {
    let row = 18.0;
    let (w, label_w) = (360.0, 130.0);
    let h = row * bars.len() as f64 + 2.0;
    let widths = bar_heights(&bars.iter().map(|b| b.count).collect::<Vec<_>>(), w - label_w - 70.0);
    let fmt = unit.unwrap_or(thousands);
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {w} {h}") width=w height=h role="img" aria-label=caption>
                {bars
                    .into_iter()
                    .zip(widths)
                    .enumerate()
                    .map(|(i, (b, bw))| {
                        let y = i as f64 * row + 1.0;
                        let short: String = if b.label.chars().count() > 18 {
                            format!("{}…", b.label.chars().take(17).collect::<String>())
                        } else {
                            b.label.clone()
                        };
                        let value = fmt(b.count);
                        let tip = format!("{}: {}", b.label, value);
                        let aria = tip.clone();
                        view! {
                            <g tabindex="0" aria-label=aria>
                                <title>{tip}</title>
                                <text class="bar-label" x=label_w - 4.0 y=y + row * 0.7 text-anchor="end">
                                    {short}
                                </text>
                                <rect class="bar" x=label_w y=y + 2.0 width=bw height=row - 4.0></rect>
                                <text class="bar-value" x=label_w + bw + 4.0 y=y + row * 0.7>
                                    {value}
                                </text>
                            </g>
                        }
                    })
                    .collect_view()}
            </svg>
        </figure>
    }
}

/// A square matrix of values in -1..1 (or 0..1) with column names on both axes.
#[component]
pub fn Heatmap(names: Vec<String>, values: Vec<Vec<Option<f64>>>, caption: String) -> impl IntoView {
    let n = names.len();
    let cell = if n > 12 { 18.0 } else { 30.0 };
    let label_w = 110.0;
    let size = label_w + cell * n as f64 + 2.0;
    let top = 90.0;
    let short = |s: &str| {
        if s.chars().count() > 14 {
            format!("{}…", s.chars().take(13).collect::<String>())
        } else {
            s.to_string()
        }
    };
    view! {
        <figure class="chart heatmap">
            <svg viewBox=format!("0 0 {size} {}", top + cell * n as f64 + 2.0) width=size height=top + cell * n as f64 + 2.0 role="img" aria-label=caption.clone()>
                {names
                    .iter()
                    .enumerate()
                    .map(|(i, name)| {
                        let x = label_w + i as f64 * cell + cell / 2.0;
                        view! {
                            <text class="axis" x=x y=top - 4.0 transform=format!("rotate(-50 {x} {})", top - 4.0)>
                                {short(name)}
                            </text>
                            <text class="axis" x=label_w - 4.0 y=top + i as f64 * cell + cell * 0.65 text-anchor="end">
                                {short(name)}
                            </text>
                        }
                    })
                    .collect_view()}
                {values
                    .iter()
                    .enumerate()
                    .flat_map(|(i, row)| {
                        let names = names.clone();
                        row.iter()
                            .enumerate()
                            .map(move |(j, v)| {
                                let tip = format!(
                                    "{} × {}: {}",
                                    names[i],
                                    names[j],
                                    v.map(|v| format!("{v:.3}")).unwrap_or_else(|| "n/a".into())
                                );
                                let (x, y) = (label_w + j as f64 * cell, top + i as f64 * cell);
                                let aria = tip.clone();
                                view! {
                                    <g tabindex="0" aria-label=aria>
                                        <title>{tip}</title>
                                        <rect x=x y=y width=cell - 1.0 height=cell - 1.0 fill=heat_color(*v)></rect>
                                        {(cell >= 30.0)
                                            .then(|| {
                                                view! {
                                                    <text class="cell-value" x=x + cell / 2.0 y=y + cell * 0.62 text-anchor="middle">
                                                        {v.map(|v| format!("{v:.2}")).unwrap_or_default()}
                                                    </text>
                                                }
                                            })}
                                    </g>
                                }
                            })
                            .collect::<Vec<_>>()
                    })
                    .collect_view()}
            </svg>
            <figcaption>{caption}</figcaption>
        </figure>
    }
}

/// Columns across, row segments down; darker = more missing in that stretch of rows.
#[component]
pub fn MissingnessMatrix(columns: Vec<String>, fractions: Vec<Vec<f64>>, segment_rows: Vec<u64>) -> impl IntoView {
    let n = columns.len();
    let cw = (560.0 / n.max(1) as f64).clamp(10.0, 40.0);
    let seg_h = 4.0;
    let top = 90.0;
    let h = top + seg_h * segment_rows.len() as f64;
    let w = cw * n as f64 + 2.0;
    let starts: Vec<u64> = segment_rows
        .iter()
        .scan(0u64, |acc, &r| {
            let s = *acc;
            *acc += r;
            Some(s)
        })
        .collect();
    view! {
        <figure class="chart missingness">
            <svg viewBox=format!("0 0 {w} {h}") width=w height=h role="img" aria-label="Missingness matrix: columns across, rows from top to bottom; dark cells are missing values">
                {columns
                    .iter()
                    .enumerate()
                    .map(|(c, name)| {
                        let x = c as f64 * cw + cw / 2.0;
                        view! {
                            <text class="axis" x=x y=top - 4.0 transform=format!("rotate(-50 {x} {})", top - 4.0)>
                                {name.clone()}
                            </text>
                        }
                    })
                    .collect_view()}
                {fractions
                    .iter()
                    .enumerate()
                    .flat_map(|(c, segs)| {
                        let name = columns[c].clone();
                        let starts = starts.clone();
                        let rows = segment_rows.clone();
                        segs.iter()
                            .enumerate()
                            .filter(|(_, f)| **f > 0.0)
                            .map(move |(s, &f)| {
                                let tip = format!(
                                    "{name}, rows {}–{}: {:.1}% missing",
                                    thousands(starts[s] + 1),
                                    thousands(starts[s] + rows[s]),
                                    f * 100.0
                                );
                                let aria = tip.clone();
                                view! {
                                    <rect
                                        class="missing-cell"
                                        x=c as f64 * cw + 1.0
                                        y=top + s as f64 * seg_h
                                        width=cw - 2.0
                                        height=seg_h
                                        fill-opacity=(0.15 + 0.85 * f).min(1.0)
                                        tabindex="0"
                                        aria-label=aria
                                    >
                                        <title>{tip}</title>
                                    </rect>
                                }
                            })
                            .collect::<Vec<_>>()
                    })
                    .collect_view()}
            </svg>
            <figcaption>"Columns across; rows top to bottom in " {segment_rows.len()} " slices; darker = more missing."</figcaption>
        </figure>
    }
}
