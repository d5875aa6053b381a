//! The Export panel: versioned files of any dataset, the lineage JSON (an OpenLineage RunEvent
//! that carries the recipe), the lineage graph, and the version history kept in this browser.

use leptos::prelude::*;

use crate::core::export::FileFormat;
use crate::core::lineage::{LineageGraph, Version, VersionRecord};
use crate::ui::glossary::Term;
use crate::ui::state::AppState;
use crate::view_model::thousands;

const FORMATS: [(&str, &str); 5] = [
    ("parquet", "Parquet (zstd)"),
    ("parquet-snappy", "Parquet (snappy)"),
    ("parquet-uncompressed", "Parquet (uncompressed)"),
    ("csv", "CSV"),
    ("jsonl", "JSON Lines"),
];

#[component]
pub fn ExportPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let format = RwSignal::new("parquet".to_string());
    // Versions typed by the user, and datasets left out of the bundle, by dataset name.
    let versions = RwSignal::new(std::collections::BTreeMap::<String, String>::new());
    let left_out = RwSignal::new(std::collections::BTreeSet::<String>::new());
    let bundle = move |_| {
        let Some(f) = FileFormat::parse(&format.get_untracked()) else { return };
        let typed = versions.get_untracked();
        let out = left_out.get_untracked();
        let chosen = state
            .proposals
            .get_untracked()
            .into_iter()
            .filter(|p| !out.contains(&p.dataset))
            .map(|p| {
                let v = typed.get(&p.dataset).and_then(|v| v.parse::<Version>().ok()).unwrap_or(p.version);
                (p, v)
            })
            .collect();
        state.bundle(chosen, f);
    };
    state.load_history();
    // Proposals depend on the datasets and on the history (which loads asynchronously).
    Effect::new(move |_| {
        state.datasets.track();
        state.history.track();
        state.request_proposals();
    });
    Effect::new(move |_| {
        state.datasets.track();
        state.request_lineage(false);
    });
    view! {
        <section class="panel" data-testid="panel-export" aria-labelledby="export-title">
            <h2 id="export-title">"Export"</h2>
            <p class="explain">
                "Exporting writes a dataset as a file whose name says what it is: the dataset, a "
                <Term id="versioning">"semantic version"</Term> ", the date and the start of the file's "
                <Term id="sha-256">"SHA-256"</Term> ". The version follows the Frictionless "
                "rule — MAJOR when the columns change, MINOR when rows are added, PATCH when values are "
                "corrected — so whoever uses the file knows what kind of change to expect. The "
                <Term id="lineage">"lineage"</Term> " JSON (" <Term id="openlineage">"OpenLineage"</Term>
                " format) records where every output came from and every step with its parameters and seeds; the "
                "command line (" <code>"strata replay lineage.json INPUT --out DIR"</code>
                ") replays it to byte-identical files."
            </p>
            {move || {
                if state.datasets.with(Vec::is_empty) {
                    return view! { <p class="notice">"Load a file first (step 1)."</p> }.into_any();
                }
                view! {
                    <label class="picker">
                        "Format "
                        <select
                            data-testid="export-format"
                            prop:value=move || format.get()
                            on:change=move |ev| format.set(event_target_value(&ev))
                        >
                            {FORMATS
                                .iter()
                                .map(|(v, label)| view! { <option value=*v>{*label}</option> })
                                .collect_view()}
                        </select>
                    </label>
                    " "
                    <label class="picker">
                        <input
                            type="checkbox"
                            data-testid="keep-snapshot"
                            prop:checked=move || state.keep_snapshots.get()
                            on:change=move |ev| state.keep_snapshots.set(event_target_checked(&ev))
                        />
                        " Keep a snapshot of the data in this browser with each export"
                    </label>
                    <ExportTable format=format versions=versions left_out=left_out/>
                    <p>
                        <button data-testid="download-lineage" on:click=move |_| state.request_lineage(true)>
                            "Download lineage JSON"
                        </button>
                        " "
                        <button data-testid="download-bundle" on:click=bundle>
                            "Download bundle (zip)"
                        </button>
                    </p>
                    <p class="meta">
                        "The bundle holds the ticked datasets as versioned files, every step's report (validation, "
                        "comparison…), the profile shown in step 2, the recipe and the lineage JSON."
                    </p>
                    <p class="what-changed" data-testid="what-changed">
                        <strong>"What changed: "</strong>
                        "nothing in the datasets — a file holds exactly the rows and columns listed; “Why this "
                        "version” says what changed since the last export of that dataset."
                    </p>
                }
                    .into_any()
            }}
            <h3>"Lineage graph"</h3>
            <p class="explain">
                "From the files you loaded (left) through each step to the datasets and the files exported "
                "(right); the numbers are the rows that went along each edge."
            </p>
            {move || state.lineage.get().map(|(_, g)| view! { <GraphSvg graph=g/> })}
            <History/>
            <super::ShareLink/>
            <Replay/>
        </section>
    }
}

#[component]
fn ExportTable(
    format: RwSignal<String>,
    versions: RwSignal<std::collections::BTreeMap<String, String>>,
    left_out: RwSignal<std::collections::BTreeSet<String>>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <table class="export-table" data-testid="export-table">
            <thead>
                <tr>
                    <th scope="col">"Dataset"</th>
                    <th scope="col">"Rows"</th>
                    <th scope="col">"Columns"</th>
                    <th scope="col">"Version"</th>
                    <th scope="col">"Why this version"</th>
                    <th scope="col">"In bundle"</th>
                    <th scope="col"></th>
                </tr>
            </thead>
            <tbody>
                {move || {
                    state
                        .proposals
                        .get()
                        .into_iter()
                        .map(|p| {
                            let name = p.dataset.clone();
                            // A version the user typed wins over a new proposal until the next export.
                            let typed = versions.with_untracked(|v| v.get(&name).cloned());
                            let version = RwSignal::new(typed.unwrap_or_else(|| p.version.to_string()));
                            let typed_key = name.clone();
                            let key = name.clone();
                            let included = !left_out.with_untracked(|o| o.contains(&key));
                            let (derived, columns) = state.datasets.with_untracked(|ds| {
                                let d = ds.iter().find(|d| d.id == name);
                                (d.and_then(|d| d.derived.clone()), d.map(|d| d.columns.len()))
                            });
                            let proposal = p.clone();
                            let export = move |_| {
                                let Some(f) = FileFormat::parse(&format.get_untracked()) else { return };
                                match version.get_untracked().parse::<Version>() {
                                    Ok(v) => {
                                        versions.update(|m| {
                                            m.remove(&proposal.dataset);
                                        });
                                        state.export_versioned(&proposal, v, f)
                                    }
                                    Err(e) => state.notice.set(Some(e.to_string())),
                                }
                            };
                            view! {
                                <tr data-testid="export-row" data-dataset=p.dataset.clone()>
                                    <td>
                                        <code>{p.dataset.clone()}</code>
                                        {derived.map(|d| view! { <span class="meta">" · " {d}</span> })}
                                    </td>
                                    <td>{thousands(p.rows)}</td>
                                    <td data-testid="export-columns">{columns}</td>
                                    <td>
                                        <input
                                            type="text"
                                            class="version"
                                            size="8"
                                            aria-label=format!("Version of {}", p.dataset)
                                            data-testid=format!("version-{}", p.dataset)
                                            prop:value=move || version.get()
                                            on:input=move |ev| {
                                                let v = event_target_value(&ev);
                                                versions.update(|m| {
                                                    m.insert(typed_key.clone(), v.clone());
                                                });
                                                version.set(v);
                                            }
                                        />
                                    </td>
                                    <td class="meta" data-testid=format!("version-reason-{}", p.dataset)>{p.reason.clone()}</td>
                                    <td>
                                        <input
                                            type="checkbox"
                                            aria-label=format!("Put {} in the bundle", p.dataset)
                                            data-testid=format!("bundle-{}", p.dataset)
                                            prop:checked=included
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                left_out.update(|o| {
                                                    if on {
                                                        o.remove(&key);
                                                    } else {
                                                        o.insert(key.clone());
                                                    }
                                                });
                                            }
                                        />
                                    </td>
                                    <td>
                                        <button data-testid=format!("export-{}", p.dataset) on:click=export>
                                            "Download"
                                        </button>
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()
                }}
            </tbody>
        </table>
    }
}

/// The lineage DAG drawn left to right, one column per layer.
#[component]
fn GraphSvg(graph: LineageGraph) -> impl IntoView {
    const W: f64 = 190.0;
    const H: f64 = 56.0;
    const BOX_W: f64 = 160.0;
    const BOX_H: f64 = 34.0;
    let layers = graph.nodes.iter().map(|n| n.layer).max().map_or(0, |m| m + 1);
    let rows = graph.nodes.iter().map(|n| n.slot).max().map_or(0, |m| m + 1);
    let width = (layers as f64 * W).max(W);
    let height = (rows as f64 * H).max(H);
    let pos = |id: &str| {
        graph.nodes.iter().find(|n| n.id == id).map(|n| (10.0 + n.layer as f64 * W, 10.0 + n.slot as f64 * H))
    };
    let short = |s: &str| {
        if s.chars().count() > 22 {
            format!("{}…", s.chars().take(21).collect::<String>())
        } else {
            s.to_string()
        }
    };
    let edges = graph
        .edges
        .iter()
        .filter_map(|e| {
            let (x1, y1) = pos(&e.from)?;
            let (x2, y2) = pos(&e.to)?;
            let (x1, y1, x2, y2) = (x1 + BOX_W, y1 + BOX_H / 2.0, x2, y2 + BOX_H / 2.0);
            let mid = (x1 + x2) / 2.0;
            let d = format!("M{x1},{y1} C{mid},{y1} {mid},{y2} {x2},{y2}");
            let label = thousands(e.rows);
            Some(view! {
                <g class="edge" data-testid="graph-edge" data-from=e.from.clone() data-to=e.to.clone() data-rows=e.rows>
                    <title>{format!("{}: {} rows", e.label, label)}</title>
                    <path d=d></path>
                    <text x=mid y=(y1 + y2) / 2.0 - 3.0 text-anchor="middle">{label}</text>
                </g>
            })
        })
        .collect_view();
    let nodes = graph
        .nodes
        .iter()
        .map(|n| {
            let (x, y) = (10.0 + n.layer as f64 * W, 10.0 + n.slot as f64 * H);
            view! {
                <g class=format!("node node-{}", n.kind) data-testid="graph-node" data-kind=n.kind.clone() data-id=n.id.clone()>
                    <title>{n.label.clone()}</title>
                    <rect x=x y=y width=BOX_W height=BOX_H rx="6"></rect>
                    <text x=x + 8.0 y=y + 21.0>{short(&n.label)}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <svg
            class="lineage-graph"
            data-testid="lineage-graph"
            role="img"
            aria-label="Lineage graph from source files through steps to outputs"
            viewBox=format!("0 0 {} {}", width + 20.0, height + 20.0)
            width=width + 20.0
            height=height + 20.0
        >
            {edges}
            {nodes}
        </svg>
    }
}

/// The versions exported from this browser, with a comparison of two of them.
#[component]
fn History() -> impl IntoView {
    let state = expect_context::<AppState>();
    let picked = RwSignal::new(Vec::<usize>::new());
    view! {
        <section class="history" data-testid="history">
            <h3>"Version history"</h3>
            <p class="explain">
                "Kept in this browser only (IndexedDB): names, versions, hashes, schemas and row counts — never "
                "the data, unless you ticked \"Keep a snapshot\" before exporting (the file is then kept here too). "
                "Tick two versions to compare their schemas and counts; when both snapshots are kept, their data "
                "can be compared in full."
            </p>
            <table>
                <thead>
                    <tr>
                        <th scope="col">"Compare"</th>
                        <th scope="col">"File"</th>
                        <th scope="col">"Version"</th>
                        <th scope="col">"Rows"</th>
                        <th scope="col">"Date"</th>
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        state
                            .history
                            .get()
                            .into_iter()
                            .enumerate()
                            .rev()
                            .map(|(i, r)| {
                                view! {
                                    <tr data-testid="history-row" data-dataset=r.dataset.clone() data-version=r.version.to_string()>
                                        <td>
                                            <input
                                                type="checkbox"
                                                aria-label=format!("Compare {}", r.file_name)
                                                data-testid=format!("history-pick-{i}")
                                                on:change=move |ev| {
                                                    let on = event_target_checked(&ev);
                                                    picked.update(|p| {
                                                        p.retain(|x| *x != i);
                                                        if on {
                                                            p.push(i);
                                                        }
                                                    });
                                                }
                                            />
                                        </td>
                                        <td>
                                            <code>{r.file_name.clone()}</code>
                                            {state
                                                .snapshots
                                                .with(|k| k.contains(&r.sha256))
                                                .then(|| {
                                                    view! {
                                                        " "
                                                        <span class="badge" data-testid="snapshot-kept">
                                                            "snapshot kept"
                                                        </span>
                                                    }
                                                })}
                                        </td>
                                        <td>{r.version.to_string()}</td>
                                        <td>{thousands(r.rows)}</td>
                                        <td>{r.date.clone()}</td>
                                    </tr>
                                }
                            })
                            .collect_view()
                    }}
                </tbody>
            </table>
            {move || {
                let p = picked.get();
                let h = state.history.get();
                (p.len() == 2).then(|| {
                    let (a, b) = (h.get(p[0]).cloned(), h.get(p[1]).cloned());
                    a.zip(b).map(|(a, b)| compare_versions(&a, &b))
                })
            }}
            {move || {
                let p = picked.get();
                let h = state.history.get();
                let kept = state.snapshots.get();
                let pair = (p.len() == 2).then(|| h.get(p[0]).cloned().zip(h.get(p[1]).cloned())).flatten();
                pair.filter(|(a, b)| kept.contains(&a.sha256) && kept.contains(&b.sha256)).map(|(a, b)| {
                    let (old, new) = if a.version <= b.version { (a, b) } else { (b, a) };
                    view! { <SnapshotCompare old=old new=new/> }
                })
            }}
            <button class="secondary" data-testid="clear-history" on:click=move |_| state.clear_history()>
                "Clear history"
            </button>
        </section>
    }
}

/// Schema and counts of two recorded versions side by side.
fn compare_versions(a: &VersionRecord, b: &VersionRecord) -> impl IntoView {
    let (old, new) = if a.version <= b.version { (a, b) } else { (b, a) };
    let names = |r: &VersionRecord| r.schema.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    let added: Vec<String> = names(new).into_iter().filter(|n| !names(old).contains(n)).collect();
    let removed: Vec<String> = names(old).into_iter().filter(|n| !names(new).contains(n)).collect();
    let retyped: Vec<String> = new
        .schema
        .iter()
        .filter_map(|(n, t)| {
            old.schema.iter().find(|(m, _)| m == n).filter(|(_, u)| u != t).map(|(_, u)| format!("{n}: {u} → {t}"))
        })
        .collect();
    let list = |v: &[String]| if v.is_empty() { "none".to_string() } else { v.join(", ") };
    view! {
        <div class="version-compare" data-testid="history-compare">
            <p>
                {format!(
                    "{} {} → {} {}: rows {} → {} ({:+}); same content: {}.",
                    old.dataset,
                    old.version,
                    new.dataset,
                    new.version,
                    thousands(old.rows),
                    thousands(new.rows),
                    new.rows as i64 - old.rows as i64,
                    if old.content_sha256 == new.content_sha256 { "yes" } else { "no" },
                )}
            </p>
            <p>{format!("Columns added: {}. Removed: {}. Retyped: {}.", list(&added), list(&removed), list(&retyped))}</p>
            <p class="meta">{format!("Files: {} ({}) and {} ({}).", old.file_name, bytes_hint(old), new.file_name, bytes_hint(new))}</p>
        </div>
    }
}

/// The full comparison of two kept snapshots: the Compare step's report (schema diff, drift of
/// every shared column, row diff), computed in the worker without touching the session.
#[component]
fn SnapshotCompare(old: VersionRecord, new: VersionRecord) -> impl IntoView {
    let state = expect_context::<AppState>();
    let keys = RwSignal::new(String::new());
    let (old_name, new_name) = (old.file_name.clone(), new.file_name.clone());
    let run = {
        let (old, new) = (old.clone(), new.clone());
        move |_| {
            let keys: Vec<String> =
                keys.get_untracked().split(',').map(|k| k.trim().to_string()).filter(|k| !k.is_empty()).collect();
            state.compare_snapshots(old.clone(), new.clone(), keys);
        }
    };
    view! {
        <div class="snapshot-compare" data-testid="snapshot-compare">
            <p class="explain">
                "Both snapshots are kept, so their data can be compared: the schema diff, "
                <Term id="data-drift">"drift"</Term>
                " in every shared column, and the rows added, removed or changed ("
                {format!("{} {} against {} {}", old.dataset, old.version, new.dataset, new.version)}
                ")."
            </p>
            <label class="picker">
                "Key columns (optional, comma-separated) "
                <input
                    type="text"
                    data-testid="snapshot-keys"
                    prop:value=move || keys.get()
                    on:input=move |ev| keys.set(event_target_value(&ev))
                />
            </label>
            " "
            <button data-testid="compare-snapshots" on:click=run>
                "Compare the data"
            </button>
            {move || state.comparing_snapshots.get().map(|_| view! { <p class="notice">"Comparing…"</p> })}
            {move || {
                // Only the result of this pair: the last comparison may be of two other versions.
                state
                    .snapshot_compare
                    .get()
                    .filter(|(r, _)| r.left == old_name && r.right == new_name)
                    .map(|(report, ms)| view! { <crate::ui::panels::compare::CompareResult report=report elapsed_ms=ms/> })
            }}
        </div>
    }
}

fn bytes_hint(r: &VersionRecord) -> String {
    format!("sha256 {}…", &r.sha256[..12.min(r.sha256.len())])
}

/// Replay: a lineage JSON plus its input files re-run the recipe here; each output's hash is
/// compared with the recorded one.
#[component]
fn Replay() -> impl IntoView {
    let state = expect_context::<AppState>();
    let on_pick = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let Some(list) = input.files() else { return };
        let files: Vec<web_sys::File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
        if !files.is_empty() {
            state.replay(files);
        }
        input.set_value("");
    };
    view! {
        <section class="replay" data-testid="replay">
            <h3>"Replay a lineage JSON"</h3>
            <p class="explain">
                "Choose a lineage JSON (or a downloaded bundle) together with the file(s) it was made from. Each input is checked by "
                "its " <Term id="sha-256">"SHA-256"</Term> " before anything runs (a different file is refused); then every step runs again "
                "and each dataset and file is compared with the hash the lineage recorded. The replayed "
                "datasets replace the current ones."
            </p>
            <label class="picker">
                "Lineage JSON or bundle, and input files "
                <input type="file" multiple data-testid="replay-input" on:change=on_pick/>
            </label>
            {move || state.replaying.get().map(|_| view! { <p class="notice">"Replaying…"</p> })}
            {move || {
                state
                    .replay_checks
                    .get()
                    .map(|(checks, ms)| {
                        let all = checks.iter().all(|c| c.matches());
                        view! {
                            <p class="step-summary" data-testid="replay-verdict" data-all-match=all.to_string()>
                                {if all {
                                    format!("All {} hashes match the lineage: the outputs are byte for byte the same. Replayed in {:.2} s.", checks.len(), ms / 1000.0)
                                } else {
                                    format!("{} of {} hashes differ from the lineage.", checks.iter().filter(|c| !c.matches()).count(), checks.len())
                                }}
                            </p>
                            <table class="replay-checks">
                                <thead>
                                    <tr>
                                        <th scope="col">"Output"</th>
                                        <th scope="col">"Kind"</th>
                                        <th scope="col">"Recorded"</th>
                                        <th scope="col">"Now"</th>
                                        <th scope="col">"Same"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {checks
                                        .into_iter()
                                        .map(|c| {
                                            let same = c.matches();
                                            let short = |h: &str| format!("{}…", &h[..12.min(h.len())]);
                                            view! {
                                                <tr data-testid="replay-check" data-name=c.name.clone() data-matches=same.to_string()>
                                                    <td><code>{c.name.clone()}</code></td>
                                                    <td>{c.kind.clone()}</td>
                                                    <td><code>{c.recorded.as_deref().map(short).unwrap_or_else(|| "—".into())}</code></td>
                                                    <td><code>{short(&c.actual)}</code></td>
                                                    <td>{if same { "✓ yes" } else { "✗ no" }}</td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        }
                    })
            }}
        </section>
    }
}
