//! The Load panel: pick or drop a file, see every guess the reader made, change any of them,
//! and see the rows that could not be loaded.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DragEvent, HtmlInputElement, HtmlSelectElement};

use crate::core::examples::Example;
use crate::core::ingest::infer::ColumnType;
use crate::core::ingest::parquet::ParquetMeta;
use crate::core::ingest::sniff::{delimiter_name, Escape, TextEncoding};
use crate::core::ingest::{DateOrder, IssueKind, LoadReport, RaggedPolicy, TypeErrorPolicy};
use crate::core::sample::{LoadReservoir, ReservoirAlgorithm};
use crate::protocol::DatasetSummary;
use crate::ui::components::DataGrid;
use crate::ui::glossary::Term;
use crate::ui::state::AppState;
use crate::view_model::{bytes, thousands, throughput};

use super::sample::fresh_seed;

#[component]
pub fn LoadPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <section class="panel" data-testid="panel-load">
            <h2>"Load"</h2>
            <p class="explain">
                "Strata reads CSV, TSV, JSON Lines and " <Term id="parquet">"Parquet"</Term> ". It guesses the encoding, delimiter, header "
                "and column types, shows each guess with its evidence, and lets you change any of them. "
                "Rows it cannot read are set aside and listed — never silently dropped."
            </p>
            <super::SharedRecipe/>
            <DropZone/>
            <Examples/>
            <ReadingOptions/>
            {move || state.parquet_meta.get().map(|(name, meta)| view! { <ParquetFooter name=name meta=*meta/> })}
            {move || state.current_dataset().map(|d| view! { <LoadSummary dataset=d/> })}
        </section>
    }
}

#[component]
fn DropZone() -> impl IntoView {
    let state = expect_context::<AppState>();
    let dragging = RwSignal::new(false);
    let on_change = move |ev: web_sys::Event| {
        let input: HtmlInputElement = event_target(&ev);
        if let Some(file) = input.files().and_then(|f| f.get(0)) {
            state.load(file, None);
        }
        // Let the same file be picked again.
        input.set_value("");
    };
    let on_drop = move |ev: DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        if let Some(file) = ev.data_transfer().and_then(|dt| dt.files()).and_then(|f| f.get(0)) {
            state.load(file, None);
        }
    };
    view! {
        <div
            class="dropzone"
            class:dragging=move || dragging.get()
            data-testid="dropzone"
            on:dragover=move |ev: DragEvent| {
                ev.prevent_default();
                dragging.set(true);
            }
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop
        >
            <p>"Drop a file here, or"</p>
            <label class="button" for="file-input">"Choose a file…"</label>
            <input
                id="file-input"
                data-testid="file-input"
                class="visually-hidden"
                type="file"
                accept=".csv,.tsv,.tab,.txt,.jsonl,.ndjson,.json,.parquet,.pq"
                on:change=on_change
            />
            <p class="hint">"CSV, TSV, JSON Lines or Parquet. The file is read here, in this tab."</p>
        </div>
    }
}

/// The built-in examples: generated in the worker, loaded like a picked file, each opening its
/// guided tour.
#[component]
fn Examples() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <section class="examples" data-testid="examples" aria-labelledby="examples-title">
            <h3 id="examples-title">"Examples"</h3>
            <p class="explain">
                "No file at hand? Each example is generated in this tab (nothing is downloaded), shows one classic "
                "data problem, and opens a short guided tour."
            </p>
            <ul class="example-list">
                {Example::ALL
                    .into_iter()
                    .map(|e| {
                        let info = e.info();
                        view! {
                            <li>
                                <button
                                    class="example secondary"
                                    data-testid=format!("example-{}", e.id())
                                    disabled=move || state.busy.get().is_some() || !state.worker_ready.get()
                                    on:click=move |_| state.load_example(e)
                                >
                                    <span class="example-title">{info.title}</span>
                                    <span class="example-lesson">{info.lesson}</span>
                                </button>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

fn select_value(ev: &web_sys::Event) -> String {
    ev.target().and_then(|t| t.dyn_into::<HtmlSelectElement>().ok()).map(|s| s.value()).unwrap_or_default()
}

#[component]
fn ReadingOptions() -> impl IntoView {
    let state = expect_context::<AppState>();
    let opts = state.options;
    let delimiter = move || match opts.with(|o| o.dialect.delimiter) {
        None => "auto".to_string(),
        Some(b'\t') => "tab".into(),
        Some(d) => (d as char).to_string(),
    };
    let encoding = move || match opts.with(|o| o.dialect.encoding) {
        None => "auto",
        Some(TextEncoding::Utf8) => "utf-8",
        Some(TextEncoding::Utf8Bom) => "utf-8-bom",
        Some(TextEncoding::Utf16Le) => "utf-16-le",
        Some(TextEncoding::Utf16Be) => "utf-16-be",
        Some(TextEncoding::Windows1252) => "windows-1252",
    };
    let header = move || match opts.with(|o| o.dialect.has_header) {
        None => "auto",
        Some(true) => "yes",
        Some(false) => "no",
    };
    let escape = move || match opts.with(|o| o.dialect.escape) {
        None => "auto",
        Some(Escape::Doubled) => "doubled",
        Some(Escape::Backslash) => "backslash",
    };
    let nulls = move || {
        opts.with(|o| {
            o.null_tokens
                .iter()
                .map(|t| if t.is_empty() { "(empty)".to_string() } else { t.clone() })
                .collect::<Vec<_>>()
                .join(", ")
        })
    };
    view! {
        <details class="options" data-testid="reading-options">
            <summary>"Reading options"</summary>
            <p class="explain">"Automatic guesses are shown after loading. Pin any of them here and re-load."</p>
            <div class="option-grid">
                <Choice
                    label="Delimiter"
                    testid="opt-delimiter"
                    choices=&[("auto", "Automatic"), (",", "Comma ,"), (";", "Semicolon ;"), ("tab", "Tab"), ("|", "Pipe |")]
                    value=Signal::derive(delimiter)
                    on_pick=move |v: String| {
                        opts.update(|o| {
                            o.dialect.delimiter = match v.as_str() {
                                "auto" => None,
                                "tab" => Some(b'\t'),
                                s => s.bytes().next(),
                            }
                        })
                    }
                />
                <Choice
                    label="Encoding"
                    testid="opt-encoding"
                    choices=&[
                        ("auto", "Automatic"),
                        ("utf-8", "UTF-8"),
                        ("utf-8-bom", "UTF-8 with BOM"),
                        ("utf-16-le", "UTF-16 LE"),
                        ("utf-16-be", "UTF-16 BE"),
                        ("windows-1252", "Windows-1252 (Latin-1)"),
                    ]
                    value=Signal::derive(move || encoding().to_string())
                    on_pick=move |v: String| {
                        opts.update(|o| {
                            o.dialect.encoding = match v.as_str() {
                                "utf-8" => Some(TextEncoding::Utf8),
                                "utf-8-bom" => Some(TextEncoding::Utf8Bom),
                                "utf-16-le" => Some(TextEncoding::Utf16Le),
                                "utf-16-be" => Some(TextEncoding::Utf16Be),
                                "windows-1252" => Some(TextEncoding::Windows1252),
                                _ => None,
                            }
                        })
                    }
                />
                <Choice
                    label="Header row"
                    testid="opt-header"
                    choices=&[("auto", "Automatic"), ("yes", "First row is the header"), ("no", "No header")]
                    value=Signal::derive(move || header().to_string())
                    on_pick=move |v: String| {
                        opts.update(|o| {
                            o.dialect.has_header = match v.as_str() {
                                "yes" => Some(true),
                                "no" => Some(false),
                                _ => None,
                            }
                        })
                    }
                />
                <Choice
                    label="Quote character"
                    testid="opt-quote"
                    choices=&[("auto", "Automatic"), ("double", "Double quote \""), ("single", "Single quote '")]
                    value=Signal::derive(move || {
                        match opts.with(|o| o.dialect.quote) {
                            None => "auto",
                            Some(b'\'') => "single",
                            Some(_) => "double",
                        }
                            .to_string()
                    })
                    on_pick=move |v: String| {
                        opts.update(|o| {
                            o.dialect.quote = match v.as_str() {
                                "double" => Some(b'"'),
                                "single" => Some(b'\''),
                                _ => None,
                            }
                        })
                    }
                />
                <Choice
                    label="Quote escaping"
                    testid="opt-escape"
                    choices=&[("auto", "Automatic"), ("doubled", "Doubled \"\""), ("backslash", "Backslash \\\"")]
                    value=Signal::derive(move || escape().to_string())
                    on_pick=move |v: String| {
                        opts.update(|o| {
                            o.dialect.escape = match v.as_str() {
                                "doubled" => Some(Escape::Doubled),
                                "backslash" => Some(Escape::Backslash),
                                _ => None,
                            }
                        })
                    }
                />
                <label>
                    "Missing-value tokens"
                    <input
                        type="text"
                        data-testid="opt-nulls"
                        prop:value=nulls
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            opts.update(|o| {
                                o.null_tokens = v
                                    .split(',')
                                    .map(|t| t.trim())
                                    .map(|t| if t == "(empty)" { String::new() } else { t.to_string() })
                                    .collect();
                            })
                        }
                    />
                </label>
                <label class="check">
                    <input
                        type="checkbox"
                        data-testid="opt-nan"
                        prop:checked=move || opts.with(|o| o.nan_is_null)
                        on:change=move |ev| {
                            let input: HtmlInputElement = event_target(&ev);
                            opts.update(|o| o.nan_is_null = input.checked());
                        }
                    />
                    "Treat NaN in number columns as missing"
                </label>
                <fieldset>
                    <legend>"A value that breaks its column's type"</legend>
                    <label class="check">
                        <input
                            type="radio"
                            name="type-error"
                            data-testid="opt-type-fallback"
                            prop:checked=move || opts.with(|o| o.on_type_error == TypeErrorPolicy::FallbackToString)
                            on:change=move |_| opts.update(|o| o.on_type_error = TypeErrorPolicy::FallbackToString)
                        />
                        "turns the column into text"
                    </label>
                    <label class="check">
                        <input
                            type="radio"
                            name="type-error"
                            data-testid="opt-type-aside"
                            prop:checked=move || opts.with(|o| o.on_type_error == TypeErrorPolicy::SetAside)
                            on:change=move |_| opts.update(|o| o.on_type_error = TypeErrorPolicy::SetAside)
                        />
                        "sets its row aside as a load error"
                    </label>
                </fieldset>
                <fieldset>
                    <legend>"A row with too few fields"</legend>
                    <label class="check">
                        <input
                            type="radio"
                            name="ragged"
                            data-testid="opt-ragged-aside"
                            prop:checked=move || opts.with(|o| o.on_ragged == RaggedPolicy::SetAside)
                            on:change=move |_| opts.update(|o| o.on_ragged = RaggedPolicy::SetAside)
                        />
                        "is set aside as a load error"
                    </label>
                    <label class="check">
                        <input
                            type="radio"
                            name="ragged"
                            data-testid="opt-ragged-pad"
                            prop:checked=move || opts.with(|o| o.on_ragged == RaggedPolicy::Pad)
                            on:change=move |_| opts.update(|o| o.on_ragged = RaggedPolicy::Pad)
                        />
                        "is padded with missing values"
                    </label>
                </fieldset>
                <fieldset data-testid="opt-reservoir">
                    <legend>"Files too large to hold"</legend>
                    <label class="check">
                        <input
                            type="checkbox"
                            data-testid="opt-reservoir-on"
                            prop:checked=move || opts.with(|o| o.reservoir.is_some())
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                opts.update(|o| {
                                    o.reservoir = on.then(|| LoadReservoir {
                                        size: 100_000,
                                        seed: fresh_seed(),
                                        algorithm: ReservoirAlgorithm::L,
                                    });
                                });
                            }
                        />
                        "sample N rows while loading, for files too large to hold"
                    </label>
                    <label>
                        "Rows "
                        <input
                            type="number"
                            min="1"
                            size="9"
                            data-testid="opt-reservoir-size"
                            disabled=move || opts.with(|o| o.reservoir.is_none())
                            prop:value=move || opts.with(|o| o.reservoir.map(|r| r.size.to_string()).unwrap_or_default())
                            on:change=move |ev| {
                                if let Ok(n) = event_target_value(&ev).trim().parse::<u64>() {
                                    opts.update(|o| {
                                        if let Some(r) = &mut o.reservoir {
                                            r.size = n.max(1);
                                        }
                                    });
                                }
                            }
                        />
                    </label>
                    <label>
                        "Seed "
                        <input
                            type="text"
                            size="18"
                            data-testid="opt-reservoir-seed"
                            disabled=move || opts.with(|o| o.reservoir.is_none())
                            prop:value=move || opts.with(|o| o.reservoir.map(|r| r.seed.to_string()).unwrap_or_default())
                            on:change=move |ev| {
                                if let Ok(n) = event_target_value(&ev).trim().parse::<u64>() {
                                    opts.update(|o| {
                                        if let Some(r) = &mut o.reservoir {
                                            r.seed = n;
                                        }
                                    });
                                }
                            }
                        />
                    </label>
                    <p class="explain">
                        <Term id="reservoir-sampling">"Reservoir sampling"</Term>
                        " keeps a uniform random sample of this many rows in one pass while the "
                        "file is parsed; every other row is read and dropped, so the whole table is never held in "
                        "memory. The seed is recorded with the load, so replaying the recipe keeps the same rows."
                    </p>
                </fieldset>
            </div>
            <button
                data-testid="reload"
                // Examples are generated, not picked: there is no file to read again. (`has_file` is
                // not reactive, but every load changes `busy` and `current`, which re-run this.)
                disabled=move || state.busy.get().is_some() || state.current.get().is_none() || !state.has_file()
                on:click=move |_| state.reload()
            >
                "Re-load with these options"
            </button>
        </details>
    }
}

/// A labelled select over fixed (value, label) choices; `on_pick` gets the chosen value.
#[component]
fn Choice(
    label: &'static str,
    testid: &'static str,
    choices: &'static [(&'static str, &'static str)],
    value: Signal<String>,
    on_pick: impl Fn(String) + 'static,
) -> impl IntoView {
    view! {
        <label>
            {label}
            <select data-testid=testid prop:value=move || value.get() on:change=move |ev| on_pick(select_value(&ev))>
                {choices.iter().map(|(v, text)| view! { <option value=*v>{*text}</option> }).collect_view()}
            </select>
        </label>
    }
}

#[component]
fn LoadSummary(dataset: DatasetSummary) -> impl IntoView {
    let source = dataset.source.clone();
    let report = dataset.report.clone();
    let rows = dataset.rows;
    let ncols = dataset.columns.len();
    let elapsed = dataset.elapsed_ms;
    let file_bytes = source.as_ref().map_or(0, |s| s.bytes);
    let id = dataset.id.clone();
    view! {
        <section class="summary" data-testid="load-summary" aria-label="What was loaded">
            <h3>
                <span data-testid="dataset-name">{source.as_ref().map(|s| s.name.clone()).unwrap_or(id.clone())}</span>
                " — "
                <span data-testid="row-count">{thousands(rows)}</span>
                " rows × "
                <span data-testid="column-count">{ncols}</span>
                " columns"
            </h3>
            <p class="meta" data-testid="load-meta" data-elapsed-ms=format!("{elapsed:.1}")>
                {format!(
                    "{} read in {:.2} s{}. ",
                    bytes(file_bytes),
                    elapsed / 1000.0,
                    Some(throughput(file_bytes, elapsed)).filter(|t| !t.is_empty()).map(|t| format!(" ({t})")).unwrap_or_default(),
                )}
                <Term id="sha-256">"SHA-256"</Term>
                " "
                <code data-testid="sha256" title="A fingerprint of the file's bytes, recorded in the lineage">
                    {source.as_ref().map(|s| s.sha256.clone()).unwrap_or_default()}
                </code>
            </p>
            <p class="what-changed" data-testid="what-changed">
                <strong>"What changed: "</strong>
                {format!(
                    "a file of {} became a table of {} rows × {} columns{}.",
                    bytes(file_bytes),
                    thousands(rows),
                    ncols,
                    match report.as_ref().map_or(0, |r| r.rows_set_aside) {
                        0 => String::new(),
                        n => format!("; {} rows could not be read and are set aside (listed below)", thousands(n)),
                    }
                )}
            </p>
            {report.clone().map(|r| view! { <ReportDetails report=r/> })}
            <p class="explain">
                "Null cells are shown as " <span class="null-cell">"null"</span> ", apart from empty text. "
                "In CSV, an empty field is null and a quoted empty field (\"\") is empty text; "
                "in a file with a single column, a blank line is a null row."
            </p>
            <DataGrid dataset=dataset.clone()/>
        </section>
    }
}

/// The types a user can pick for a column (value, label); "auto" means "infer it".
const TYPE_CHOICES: [(&str, &str); 10] = [
    ("auto", "Automatic"),
    ("string", "Text"),
    ("int64", "Integer"),
    ("float64", "Number"),
    ("boolean", "Boolean"),
    ("date-ymd", "Date y-m-d"),
    ("date-dmy", "Date d/m/y"),
    ("date-mdy", "Date m/d/y"),
    ("ts-ymd", "Timestamp y-m-d"),
    ("ts-ymd-utc", "Timestamp y-m-d with offset"),
];

fn type_choice(v: &str) -> Option<ColumnType> {
    Some(match v {
        "string" => ColumnType::String,
        "int64" => ColumnType::Int64,
        "float64" => ColumnType::Float64,
        "boolean" => ColumnType::Boolean,
        "date-ymd" => ColumnType::Date { order: DateOrder::Ymd },
        "date-dmy" => ColumnType::Date { order: DateOrder::Dmy },
        "date-mdy" => ColumnType::Date { order: DateOrder::Mdy },
        "ts-ymd" => ColumnType::Timestamp { order: DateOrder::Ymd, utc: false },
        "ts-ymd-utc" => ColumnType::Timestamp { order: DateOrder::Ymd, utc: true },
        _ => return None,
    })
}

fn type_choice_value(t: &ColumnType) -> &'static str {
    match t {
        ColumnType::String => "string",
        ColumnType::Int64 => "int64",
        ColumnType::Float64 => "float64",
        ColumnType::Boolean => "boolean",
        ColumnType::Date { order: DateOrder::Dmy } => "date-dmy",
        ColumnType::Date { order: DateOrder::Mdy } => "date-mdy",
        ColumnType::Date { .. } => "date-ymd",
        ColumnType::Timestamp { utc: true, .. } => "ts-ymd-utc",
        ColumnType::Timestamp { .. } => "ts-ymd",
        ColumnType::Decimal { .. } => "auto",
    }
}

fn issue_kind_label(k: IssueKind) -> &'static str {
    match k {
        IssueKind::RaggedRow => "wrong number of fields",
        IssueKind::TypeMismatch => "value breaks the column type",
        IssueKind::InvalidJson => "invalid JSON",
    }
}

#[component]
fn ReportDetails(report: LoadReport) -> impl IntoView {
    let state = expect_context::<AppState>();
    let dialect = report.dialect.clone();
    let ambiguous: Vec<_> = report.columns.iter().filter(|c| c.ambiguous_dates.is_some()).cloned().collect();
    let set_aside = report.rows_set_aside;
    let issues = report.issues.clone();
    let counts = report.issue_counts.clone();
    view! {
        {dialect.map(|d| {
            view! {
                <div class="dialect" data-testid="dialect">
                    <h4>"How the file was read"</h4>
                    <ul>
                        <li data-testid="dialect-encoding">"Encoding: " <strong>{d.encoding.label()}</strong></li>
                        <li data-testid="dialect-delimiter">"Delimiter: " <strong>{delimiter_name(d.delimiter)}</strong></li>
                        <li data-testid="dialect-header">
                            "Header: " <strong>{if d.has_header { "first row" } else { "none (columns are numbered)" }}</strong>
                        </li>
                        <li>
                            "Quotes: " <strong>{format!("{}", d.quote as char)}</strong> ", escaped "
                            <strong>{if d.escape == Escape::Doubled { "by doubling" } else { "with a backslash" }}</strong>
                        </li>
                        <li>"Line endings: " <strong>{format!("{:?}", d.line_ending).to_uppercase()}</strong></li>
                    </ul>
                    <details>
                        <summary>"Why these guesses"</summary>
                        <ul class="evidence">{d.evidence.into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}</ul>
                    </details>
                </div>
            }
        })}
        {(!report.warnings.is_empty()).then(|| {
            view! {
                <ul class="warnings" data-testid="warnings">
                    {report.warnings.iter().map(|w| view! { <li>{w.clone()}</li> }).collect_view()}
                </ul>
            }
        })}
        {(!report.fell_back_to_string.is_empty()).then(|| {
            view! {
                <p class="notice" data-testid="fell-back">
                    "Read as text because a value did not fit the inferred type: "
                    {report.fell_back_to_string.join(", ")}
                    ". Choose “sets its row aside” in Reading options to keep the type and list those rows instead."
                </p>
            }
        })}
        {ambiguous
            .into_iter()
            .map(|c| {
                let amb = c.ambiguous_dates.clone().expect("filtered");
                let name = c.name.clone();
                let name2 = c.name.clone();
                let choose = move |order: DateOrder, col: String| {
                    let t = if amb.timestamp { ColumnType::Timestamp { order, utc: false } } else { ColumnType::Date { order } };
                    state.options.update(|o| {
                        o.column_types.insert(col, t);
                    });
                    state.reload();
                };
                let choose2 = choose;
                view! {
                    <div class="ambiguity" role="group" data-testid="ambiguity" aria-label=format!("Date order of {}", c.name)>
                        <p>
                            "Column " <strong>{c.name.clone()}</strong> ": values like “" {amb.example.clone()}
                            "” read as both day/month/year and month/day/year, so Strata kept them as text rather than guess. Which is it?"
                        </p>
                        <button data-testid="choose-dmy" on:click=move |_| choose(DateOrder::Dmy, name.clone())>
                            "Day first (d/m/y)"
                        </button>
                        <button data-testid="choose-mdy" on:click=move |_| choose2(DateOrder::Mdy, name2.clone())>
                            "Month first (m/d/y)"
                        </button>
                    </div>
                }
            })
            .collect_view()}
        <details class="columns-detail" data-testid="column-types">
            <summary>"Column types and why"</summary>
            <p class="explain">"Types were inferred from the first rows. Choose another and the file is read again."</p>
            <table class="plain">
                <thead>
                    <tr>
                        <th scope="col">"Column"</th>
                        <th scope="col">"Type"</th>
                        <th scope="col">"Note"</th>
                        <th scope="col">"Read as"</th>
                    </tr>
                </thead>
                <tbody>
                    {report
                        .columns
                        .iter()
                        .map(|c| {
                            let col = c.name.clone();
                            let current = state.options.with_untracked(|o| o.column_types.get(&col).map(type_choice_value));
                            view! {
                                <tr>
                                    <td>{c.name.clone()}</td>
                                    <td><span class="badge">{c.column_type.clone()}</span></td>
                                    <td>{c.note.clone().unwrap_or_default()}</td>
                                    <td>
                                        <select
                                            data-testid="type-override"
                                            data-column=c.name.clone()
                                            aria-label=format!("Read column {} as", c.name)
                                            prop:value=current.unwrap_or("auto")
                                            on:change=move |ev| {
                                                let choice = type_choice(&select_value(&ev));
                                                let col = col.clone();
                                                state.options.update(|o| match choice {
                                                    Some(t) => {
                                                        o.column_types.insert(col, t);
                                                    }
                                                    None => {
                                                        o.column_types.remove(&col);
                                                    }
                                                });
                                                state.reload();
                                            }
                                        >
                                            {TYPE_CHOICES
                                                .iter()
                                                .map(|(v, label)| view! { <option value=*v>{*label}</option> })
                                                .collect_view()}
                                        </select>
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </details>
        {(set_aside > 0).then(|| {
            view! {
                <div class="load-errors" data-testid="load-errors">
                    <h4>
                        <span data-testid="load-error-count">{thousands(set_aside)}</span>
                        {if set_aside == 1 { " row set aside" } else { " rows set aside" }}
                    </h4>
                    <p class="explain">
                        {counts.iter().map(|(k, v)| format!("{} {}", thousands(*v), issue_kind_label(*k))).collect::<Vec<_>>().join(" · ")}
                        {((issues.len() as u64) < set_aside).then(|| format!(" (the first {} are listed)", issues.len()))}
                    </p>
                    <div class="table-scroll" tabindex="0" role="region" aria-label="Rows set aside">
                        <table class="plain">
                            <thead>
                                <tr>
                                    <th scope="col">"Line"</th>
                                    <th scope="col">"Problem"</th>
                                    <th scope="col">"Column"</th>
                                    <th scope="col">"Row as written"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {issues
                                    .iter()
                                    .take(200)
                                    .map(|i| {
                                        view! {
                                            <tr data-testid="load-error">
                                                <td data-testid="load-error-line">{i.line}</td>
                                                <td data-testid="load-error-message">{i.message.clone()}</td>
                                                <td>{i.column.clone().unwrap_or_default()}</td>
                                                <td><code>{i.raw.clone()}</code></td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    </div>
                </div>
            }
        })}
    }
}

#[component]
fn ParquetFooter(name: String, meta: ParquetMeta) -> impl IntoView {
    let codecs: std::collections::BTreeSet<String> = meta.columns.iter().flat_map(|c| c.codecs.clone()).collect();
    view! {
        <section class="parquet-meta" data-testid="parquet-meta" aria-label="Parquet footer">
            <h3>"Parquet footer of " {name}</h3>
            <p class="explain">
                "A " <Term id="parquet">"Parquet"</Term> " file keeps its schema and statistics in a footer at the end, "
                "so Strata reads those first — a few kilobytes — before any data."
            </p>
            <p>
                <span data-testid="parquet-rows">{thousands(meta.rows.max(0) as u64)}</span>
                " rows in "
                <span data-testid="parquet-row-groups">{meta.row_groups.len()}</span>
                " row groups · " {bytes(meta.file_bytes)} " · codec "
                <strong data-testid="parquet-codec">{codecs.into_iter().collect::<Vec<_>>().join(", ")}</strong>
                {meta.created_by.clone().map(|c| format!(" · written by {c}"))}
            </p>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Parquet columns">
                <table class="plain">
                    <thead>
                        <tr>
                            <th scope="col">"Column"</th>
                            <th scope="col">"Physical / logical type"</th>
                            <th scope="col">"Encodings"</th>
                            <th scope="col">"Compressed"</th>
                            <th scope="col">"Nulls"</th>
                            <th scope="col">"Min"</th>
                            <th scope="col">"Max"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {meta
                            .columns
                            .iter()
                            .map(|c| {
                                view! {
                                    <tr>
                                        <td>{c.path.clone()}</td>
                                        <td>{c.physical_type.clone()} {c.logical_type.clone().map(|l| format!(" / {l}"))}</td>
                                        <td>{c.encodings.join(", ")}</td>
                                        <td>{bytes(c.compressed_bytes.max(0) as u64)}</td>
                                        <td>{c.null_count.map(thousands).unwrap_or_else(|| "?".into())}</td>
                                        <td>{c.min.clone().unwrap_or_default()}</td>
                                        <td>{c.max.clone().unwrap_or_default()}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}
