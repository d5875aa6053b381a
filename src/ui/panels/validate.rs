//! The Validate panel: rules as a Frictionless Table Schema (suggested from the profile, edited in
//! a form or as JSON, imported and exported), run as a recipe step that splits the rows into valid
//! and quarantined, and the report grouped by kind of validation.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::core::recipe::{Step, StepReport};
use crate::core::validate::report::RuleResult;
use crate::core::validate::schema::{Field, ForeignKey, KeyFields, Reference, Severity, EDITABLE_CONSTRAINTS};
use crate::core::validate::{suggest, RuleGroup, TableSchema, ValidateStep, ValidationReport, Verdict};
use crate::ui::components::step::{DatasetPicker, StepSummary};
use crate::ui::glossary::Term;
use crate::ui::state::{save_file, AppState};
use crate::view_model::thousands;

thread_local! {
    /// The rules being edited and the dataset they are for, kept while the panel is closed (a
    /// person leaves it to load the table a foreign key points to, and comes back to their rules).
    static DRAFT: std::cell::RefCell<(String, TableSchema)> = std::cell::RefCell::new((String::new(), TableSchema::default()));
}

const TYPES: [&str; 7] = ["any", "string", "integer", "number", "boolean", "date", "datetime"];

#[component]
pub fn ValidatePanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let (draft_input, draft_schema) = DRAFT.with(|d| d.borrow().clone());
    let input = RwSignal::new(draft_input);
    let schema = RwSignal::new(draft_schema);
    Effect::new(move |_| {
        let now = (input.get(), schema.get());
        DRAFT.with(|d| *d.borrow_mut() = now);
    });
    let problem = RwSignal::new(None::<String>);
    let wants_suggestion = RwSignal::new(false);
    // A suggestion is shown for review; it replaces the rules only on "Use these rules".
    let suggested = RwSignal::new(None::<TableSchema>);

    // A suggestion waits for the input's profile.
    Effect::new(move |_| {
        let ready = state
            .profile
            .with(|p| p.as_ref().filter(|p| p.dataset == input.get_untracked()).map(|p| suggest(&p.profile)));
        if let Some(s) = ready.filter(|_| wants_suggestion.get_untracked()) {
            wants_suggestion.set(false);
            suggested.set(Some(s));
            problem.set(None);
        }
    });
    // Counts validation results (the newest applied step is a validation), so a page or test
    // can wait for the next result even when two runs take the same time.
    let runs = RwSignal::new(0u64);
    Effect::new(move |_| {
        if state.applied.with(|a| a.last().is_some_and(|x| matches!(x.step, Step::Validate(_)))) {
            runs.update(|r| *r += 1);
        }
    });
    let on_suggest = move |_| {
        let name = input.get_untracked();
        let have =
            state.profile.with_untracked(|p| p.as_ref().filter(|p| p.dataset == name).map(|p| suggest(&p.profile)));
        match have {
            Some(s) => suggested.set(Some(s)),
            None => {
                wants_suggestion.set(true);
                state.current.set(Some(name));
                state.request_profile(None);
            }
        }
    };
    let run = move |_| {
        let step = ValidateStep::new(&input.get_untracked(), schema.get_untracked());
        state.apply(Step::Validate(Box::new(step)));
    };
    let last = move || state.last_applied(|s| matches!(s, Step::Validate(_)));

    view! {
        <section class="panel" data-testid="panel-validate" aria-labelledby="validate-title">
            <h2 id="validate-title">"Validate"</h2>
            <p class="explain">
                "Validation checks the data against rules you can read and keep, its "
                <Term id="schema">"schema"</Term> ": the columns and their types, allowed ranges and formats, "
                "columns that must agree (" <Term id="cross-field-rule">"cross-field rules"</Term> "), a "
                <Term id="primary-key">"primary key"</Term> " that must be unique, "
                <Term id="foreign-key">"keys that must exist in another table"</Term>
                ", and properties of the whole table. Rows that break a rule are not dropped: they go to a "
                <Term id="quarantine">"quarantine"</Term> " dataset with their row number and the rules they "
                "broke, while the valid rows carry on to the next steps. Keys come from database design, where "
                "tables in " <Term id="normal-forms">"normal form"</Term> " keep each fact in one place."
            </p>
            <DatasetPicker selected=input testid="validate-input" label="Data to check"/>
            <div class="validate-actions">
                <button
                    data-testid="validate-suggest"
                    disabled=move || input.get().is_empty() || state.profiling.get().is_some()
                    on:click=on_suggest
                >
                    {move || if wants_suggestion.get() { "Profiling…" } else { "Suggest rules from the profile" }}
                </button>
                <ImportSchema schema=schema problem=problem/>
                <button
                    class="secondary"
                    data-testid="validate-export-schema"
                    on:click=move |_| {
                        let name = format!("{}.schema.json", input.get_untracked());
                        let text = schema.with_untracked(TableSchema::to_json);
                        if let Err(e) = save_file(&name, "application/json", text.as_bytes()) {
                            problem.set(Some(e));
                        }
                    }
                >
                    "Download schema JSON"
                </button>
            </div>
            {move || problem.get().map(|p| view! { <p class="error" data-testid="validate-problem">{p}</p> })}
            <Suggestion suggested=suggested schema=schema problem=problem/>
            <RulesForm schema=schema problem=problem input=input/>
            <SchemaJson schema=schema problem=problem/>
            <button
                data-testid="validate-run"
                disabled=move || state.applying.get().is_some() || input.get().is_empty()
                on:click=run
            >
                "Run validation"
            </button>
            {move || {
                last()
                    .map(|a| {
                        let report = match a.report {
                            Some(StepReport::Validation(r)) => Some(*r),
                            _ => None,
                        };
                        view! {
                            <span
                                data-testid="validate-elapsed"
                                data-ms=a.elapsed_ms
                                data-run=move || runs.get()
                                hidden=true
                            ></span>
                            <StepSummary outcome=a.outcome elapsed_ms=a.elapsed_ms step=a.step/>
                            {report.map(|r| view! { <ReportView report=r/> })}
                        }
                    })
            }}
        </section>
    }
}

/// The suggested rules, for review: what they are, what they would replace, and the choice to
/// use them or not. Nothing changes the user's rules until "Use these rules".
#[component]
fn Suggestion(
    suggested: RwSignal<Option<TableSchema>>,
    schema: RwSignal<TableSchema>,
    problem: RwSignal<Option<String>>,
) -> impl IntoView {
    let accept = move |_| {
        if let Some(s) = suggested.get_untracked() {
            schema.set(s);
            suggested.set(None);
            problem.set(None);
        }
    };
    move || {
        suggested.get().map(|s| {
            let constrained = s.fields.iter().filter(|f| !f.constraints.is_empty()).count();
            let pk = s.primary_key.as_ref().map(|k| k.names().join(" + "));
            let current = schema.with_untracked(|c| c.fields.len());
            let summary = format!(
                "Suggested from the profile: {} field rules ({constrained} with constraints){}.",
                s.fields.len(),
                pk.map(|k| format!(", primary key {k}")).unwrap_or_default()
            );
            let replaces = if current == 0 {
                "Review them, then use them as your rules.".to_string()
            } else {
                format!(
                    "Using them replaces your current rules ({current} field rule{}), edits included.",
                    if current == 1 { "" } else { "s" }
                )
            };
            view! {
                <section class="tool suggestion" data-testid="validate-suggestion">
                    <p>{summary}" "{replaces}</p>
                    <pre data-testid="validate-suggestion-json">{s.to_json()}</pre>
                    <div class="validate-actions">
                        <button data-testid="validate-accept" on:click=accept>"Use these rules"</button>
                        <button class="secondary" data-testid="validate-dismiss" on:click=move |_| suggested.set(None)>
                            "Dismiss"
                        </button>
                    </div>
                </section>
            }
        })
    }
}

/// Reads a schema JSON file chosen by the user.
#[component]
fn ImportSchema(schema: RwSignal<TableSchema>, problem: RwSignal<Option<String>>) -> impl IntoView {
    let on_change = move |ev: web_sys::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        wasm_bindgen_futures::spawn_local(async move {
            let text = wasm_bindgen_futures::JsFuture::from(file.text()).await;
            match text.ok().and_then(|t| t.as_string()) {
                Some(t) => match TableSchema::from_json(&t) {
                    Ok(s) => {
                        schema.set(s);
                        problem.set(None);
                    }
                    Err(e) => problem.set(Some(format!("{}: {e}", file.name()))),
                },
                None => problem.set(Some(format!("{} could not be read", file.name()))),
            }
        });
    };
    view! {
        <label class="secondary file-button">
            "Import schema JSON "
            <input type="file" accept=".json,application/json" data-testid="validate-import" on:change=on_change/>
        </label>
    }
}

/// The rules as a form: one row per field with its type and constraints, plus keys and
/// cross-field checks. An emptied box removes its constraint.
#[component]
fn RulesForm(
    schema: RwSignal<TableSchema>,
    problem: RwSignal<Option<String>>,
    input: RwSignal<String>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let edit = move |i: usize, key: &'static str, text: String| {
        let mut s = schema.get_untracked();
        match s.fields[i].set_constraint_text(key, &text) {
            Ok(()) => {
                schema.set(s);
                problem.set(None);
            }
            Err(e) => problem.set(Some(e.to_string())),
        }
    };
    let fk_column = RwSignal::new(String::new());
    let fk_dataset = RwSignal::new(String::new());
    let fk_target = RwSignal::new(String::new());
    let cross = RwSignal::new(String::new());
    let add_fk = move |_| {
        let (c, d, t) = (fk_column.get_untracked(), fk_dataset.get_untracked(), fk_target.get_untracked());
        if c.is_empty() || d.is_empty() {
            problem.set(Some("a foreign key needs a column and a dataset".into()));
            return;
        }
        let t = if t.is_empty() { c.clone() } else { t };
        schema.update(|s| {
            s.foreign_keys.push(ForeignKey {
                fields: KeyFields::One(c),
                reference: Reference { resource: d, fields: KeyFields::One(t), extra: Default::default() },
                strata: None,
                extra: Default::default(),
            })
        });
    };
    let add_cross = move |_| {
        let check = cross.get_untracked();
        match crate::core::validate::expr::parse(&check) {
            Ok(_) => {
                schema.update(|s| {
                    let ext = s.strata.get_or_insert_with(Default::default);
                    ext.cross_field.push(crate::core::validate::schema::CrossFieldRule { check, ..Default::default() });
                });
                cross.set(String::new());
                problem.set(None);
            }
            Err(e) => problem.set(Some(e.to_string())),
        }
    };
    let columns = move || {
        let name = input.get();
        state
            .datasets
            .with(|ds| {
                ds.iter().find(|d| d.id == name).map(|d| d.columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>())
            })
            .unwrap_or_default()
    };
    view! {
        <section class="tool" data-testid="validate-rules">
            <h3>"Rules"</h3>
            {move || {
                schema.with(|s| s.fields.is_empty()).then(|| view! {
                    <p class="hint">"No field rules yet: suggest them from the profile, import a schema, or write JSON below."</p>
                })
            }}
            <table class="rules-form">
                <thead>
                    <tr>
                        <th scope="col">"Field"</th>
                        <th scope="col">"Type"</th>
                        <th scope="col">"Required"</th>
                        <th scope="col">"Min"</th>
                        <th scope="col">"Max"</th>
                        <th scope="col">"Min length"</th>
                        <th scope="col">"Max length"</th>
                        <th scope="col">"Pattern"</th>
                        <th scope="col">"Allowed values"</th>
                        <th scope="col">"Unique"</th>
                        <th scope="col"></th>
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        schema
                            .get()
                            .fields
                            .into_iter()
                            .enumerate()
                            .map(|(i, f)| field_row(i, f, schema, edit))
                            .collect_view()
                    }}
                </tbody>
            </table>
            <p class="keys" data-testid="validate-keys">
                {move || {
                    let s = schema.get();
                    let pk = s.primary_key.as_ref().map(|k| k.names().join(" + ")).unwrap_or_else(|| "none".into());
                    let fks: Vec<String> = s
                        .foreign_keys
                        .iter()
                        .map(|f| format!("{} → {}.{}", f.fields.names().join(","), f.reference.resource, f.reference.fields.names().join(",")))
                        .collect();
                    format!(
                        "Primary key: {pk}. Foreign keys: {}.",
                        if fks.is_empty() { "none".to_string() } else { fks.join("; ") }
                    )
                }}
            </p>
            <div class="rule-adders">
                <label>
                    "Foreign key: column "
                    <select data-testid="fk-column" on:change=move |ev| fk_column.set(event_target_value(&ev))>
                        <option value="">"—"</option>
                        {move || columns().into_iter().map(|c| view! { <option value=c.clone()>{c.clone()}</option> }).collect_view()}
                    </select>
                </label>
                <label>
                    " must exist in dataset "
                    <select data-testid="fk-dataset" on:change=move |ev| fk_dataset.set(event_target_value(&ev))>
                        <option value="">"—"</option>
                        {move || {
                            state
                                .datasets
                                .get()
                                .into_iter()
                                .map(|d| view! { <option value=d.id.clone()>{d.id.clone()}</option> })
                                .collect_view()
                        }}
                    </select>
                </label>
                <label>
                    " column "
                    <input type="text" data-testid="fk-target" placeholder="same name" on:input=move |ev| fk_target.set(event_target_value(&ev))/>
                </label>
                <button class="secondary" data-testid="fk-add" on:click=add_fk>"Add foreign key"</button>
            </div>
            <div class="rule-adders">
                <label>
                    "Cross-field check "
                    <input
                        type="text"
                        data-testid="cross-check"
                        placeholder="order_date >= signup_date"
                        prop:value=move || cross.get()
                        on:input=move |ev| cross.set(event_target_value(&ev))
                    />
                </label>
                <button class="secondary" data-testid="cross-add" on:click=add_cross>"Add check"</button>
                <ul class="cross-list" data-testid="cross-list">
                    {move || {
                        schema
                            .get()
                            .strata
                            .map(|e| e.cross_field)
                            .unwrap_or_default()
                            .into_iter()
                            .enumerate()
                            .map(|(i, c)| {
                                view! {
                                    <li>
                                        <code>{c.check.clone()}</code>
                                        " "
                                        <button
                                            class="link"
                                            data-testid=format!("cross-remove-{i}")
                                            on:click=move |_| schema.update(|s| {
                                                if let Some(e) = s.strata.as_mut() {
                                                    e.cross_field.remove(i);
                                                }
                                            })
                                        >
                                            "remove"
                                        </button>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </div>
        </section>
    }
}

fn field_row(
    i: usize,
    f: Field,
    schema: RwSignal<TableSchema>,
    edit: impl Fn(usize, &'static str, String) + Copy + 'static,
) -> impl IntoView {
    let name = f.name.clone();
    let ty = f.type_name().to_string();
    let required = f.constraints.required == Some(true);
    let unique = f.constraints.unique == Some(true);
    let text_cell = |key: &'static str| {
        let id = format!("rule-{}-{key}", f.name);
        view! {
            <td>
                <input
                    type="text"
                    data-testid=id
                    prop:value=f.constraint_text(key)
                    on:change=move |ev| edit(i, key, event_target_value(&ev))
                />
            </td>
        }
    };
    let cells: Vec<_> = EDITABLE_CONSTRAINTS.iter().filter(|k| **k != "unique").map(|k| text_cell(k)).collect();
    view! {
        <tr data-field=name.clone()>
            <td>
                <code>{name.clone()}</code>
            </td>
            <td>
                <select
                    data-testid=format!("rule-{name}-type")
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        schema.update(|s| s.fields[i].field_type = Some(v));
                    }
                >
                    {TYPES.iter().map(|t| view! { <option value=*t selected=*t == ty>{*t}</option> }).collect_view()}
                </select>
            </td>
            <td>
                <input
                    type="checkbox"
                    data-testid=format!("rule-{name}-required")
                    prop:checked=required
                    on:change=move |ev| edit(i, "required", event_target_checked(&ev).to_string())
                />
            </td>
            {cells}
            <td>
                <input
                    type="checkbox"
                    data-testid=format!("rule-{name}-unique")
                    prop:checked=unique
                    on:change=move |ev| edit(i, "unique", event_target_checked(&ev).to_string())
                />
            </td>
            <td>
                <button
                    class="link"
                    data-testid=format!("rule-{name}-remove")
                    on:click=move |_| schema.update(|s| {
                        s.fields.remove(i);
                    })
                >
                    "remove"
                </button>
            </td>
        </tr>
    }
}

/// The same rules as Table Schema JSON, editable.
#[component]
fn SchemaJson(schema: RwSignal<TableSchema>, problem: RwSignal<Option<String>>) -> impl IntoView {
    let text = RwSignal::new(String::new());
    Effect::new(move |_| text.set(schema.with(TableSchema::to_json)));
    view! {
        <details class="schema-json" data-testid="validate-json-details">
            <summary>"Rules as Table Schema JSON (edit, paste, or copy)"</summary>
            <p class="explain">
                "Standard " <Term id="table-schema">"Frictionless Table Schema"</Term> ": other tools read and write the same file. Strata's "
                "cross-field and statistical rules, severities and descriptions sit under the \"strata\" key."
            </p>
            <textarea
                data-testid="validate-json"
                rows="16"
                spellcheck="false"
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
            ></textarea>
            <button
                class="secondary"
                data-testid="validate-json-apply"
                on:click=move |_| match TableSchema::from_json(&text.get_untracked()) {
                    Ok(s) => {
                        schema.set(s);
                        problem.set(None);
                    }
                    Err(e) => problem.set(Some(e.to_string())),
                }
            >
                "Use this JSON"
            </button>
        </details>
    }
}

/// The report: verdict, then each kind of validation with why it matters and its rules.
#[component]
fn ReportView(report: ValidationReport) -> impl IntoView {
    let verdict = match report.verdict {
        Verdict::Pass => "Every rule passed.".to_string(),
        Verdict::Warn => "Only warnings: the data passes, but look at them.".to_string(),
        Verdict::Fail => format!(
            "{} error rule{} failed: {} of {} rows were set aside in {}, {} valid rows are in {}.",
            report.failed(Severity::Error),
            if report.failed(Severity::Error) == 1 { "" } else { "s" },
            thousands(report.quarantined_rows),
            thousands(report.rows),
            report.quarantine_output,
            thousands(report.valid_rows),
            report.valid_output
        ),
    };
    let facet = report.to_json();
    let file = format!("{}.validation.json", report.dataset);
    let verdict_class = format!(
        "verdict verdict-{}",
        serde_json::to_value(report.verdict).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
    );
    view! {
        <section class="validate-report" data-testid="validate-report" data-verdict=format!("{:?}", report.verdict).to_lowercase()>
            <p class=verdict_class data-testid="validate-verdict">{verdict}</p>
            <button
                class="secondary"
                data-testid="validate-download-report"
                on:click=move |_| {
                    let _ = save_file(&file, "application/json", serde_json::to_string_pretty(&facet).unwrap_or_default().as_bytes());
                }
            >
                "Download report JSON (with OpenLineage assertions)"
            </button>
            {RuleGroup::ALL
                .into_iter()
                .map(|g| {
                    let rules: Vec<RuleResult> = report.group(g).cloned().collect();
                    let failed = rules.iter().filter(|r| !r.passed).count();
                    let count = rules.len();
                    let slug = serde_json::to_value(g).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default();
                    view! {
                        <section class="rule-group" data-testid=format!("group-{slug}") data-failed=failed data-rules=count>
                            <h4>
                                {g.title()}
                                {format!(" — {count} rule{}, {failed} failed", if count == 1 { "" } else { "s" })}
                            </h4>
                            <p class="explain">{g.why()}</p>
                            {(!rules.is_empty()).then(|| view! {
                                <table class="rule-results">
                                    <thead>
                                        <tr>
                                            <th scope="col">"Rule"</th>
                                            <th scope="col">"Requires"</th>
                                            <th scope="col">"Severity"</th>
                                            <th scope="col">"Result"</th>
                                            <th scope="col">"Examples (row: value)"</th>
                                        </tr>
                                    </thead>
                                    <tbody>{rules.into_iter().map(rule_row).collect_view()}</tbody>
                                </table>
                            })}
                        </section>
                    }
                })
                .collect_view()}
        </section>
    }
}

fn rule_row(r: RuleResult) -> impl IntoView {
    let result = if r.passed {
        "passed".to_string()
    } else if r.row_level {
        format!("{} row{} fail", thousands(r.failing), if r.failing == 1 { "" } else { "s" })
    } else {
        "failed".to_string()
    };
    let result = match r.observed {
        Some(o) => format!("{result} (measured {})", crate::view_model::stat(o)),
        None => result,
    };
    let severity = match r.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let examples = r
        .examples
        .iter()
        .map(|e| if e.row > 0 { format!("{}: {}", e.row, e.value) } else { e.value.clone() })
        .collect::<Vec<_>>();
    view! {
        <tr class=if r.passed { "rule-pass" } else { "rule-fail" } data-testid=format!("rule-result-{}", r.id) data-passed=r.passed.to_string() data-failing=r.failing>
            <td>
                <code>{r.id.clone()}</code>
            </td>
            <td>{r.description.clone()}</td>
            <td>{severity}</td>
            <td>{result}</td>
            <td class="examples">
                <ul>{examples.into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}</ul>
            </td>
        </tr>
    }
}
