//! Shareable recipes: the Export panel makes a link whose address fragment holds the session's
//! recipe (its steps and parameters, never data; a fragment is not even sent to the server), and
//! the Load panel offers to run a shared recipe on the files the person loads.

use std::collections::BTreeMap;

use leptos::prelude::*;

use crate::core::lineage::recipe_from_json;
use crate::core::recipe::Step;
use crate::core::share;
use crate::ui::glossary::Term;
use crate::ui::state::AppState;

/// The session's recipe as a link to this page (Export panel).
#[component]
pub fn ShareLink() -> impl IntoView {
    let state = expect_context::<AppState>();
    let link = Memo::new(move |_| {
        let (json, _) = state.lineage.get()?;
        let recipe = recipe_from_json(&json).ok()?;
        (recipe.steps.len() > 1).then(|| format!("{}#{}", page_address(), share::to_fragment(&recipe)))
    });
    let copied = RwSignal::new(false);
    let copy = move |_| {
        if let Some(l) = link.get_untracked() {
            copy_text(&l);
            copied.set(true);
        }
    };
    view! {
        <section class="share" data-testid="share">
            <h3>"Share this recipe"</h3>
            <p class="explain">
                "A link that carries this session's " <Term id="recipe">"recipe"</Term> " — every step with its "
                "parameters and " <Term id="random-seed">"seeds"</Term> ", no data. "
                "Whoever opens it loads their own file and runs the same steps on it: a class can "
                "follow one recipe, each student on their copy of the data."
            </p>
            {move || match link.get() {
                Some(l) => view! {
                    <p>
                        <input type="text" readonly=true class="share-link" data-testid="share-link"
                            aria-label="Link to this recipe" prop:value=l.clone()/>
                        " "
                        <button data-testid="share-copy" on:click=copy>
                            {move || if copied.get() { "Copied" } else { "Copy link" }}
                        </button>
                    </p>
                }.into_any(),
                None => view! { <p class="muted">"Apply a step after loading a file to share the recipe."</p> }.into_any(),
            }}
        </section>
    }
}

/// A recipe that came with the page's address (Load panel): which datasets it needs, its steps,
/// and a button that runs them on the datasets the person chose.
#[component]
pub fn SharedRecipe() -> impl IntoView {
    let state = expect_context::<AppState>();
    let refit = RwSignal::new(true);
    // Chosen dataset for each source of the recipe.
    let chosen = RwSignal::new(BTreeMap::<String, String>::new());
    view! {
        {move || state.shared.get().map(|recipe| {
            let sources = share::sources(&recipe);
            let labels: Vec<String> = recipe
                .steps
                .iter()
                .map(|s| match &s.step {
                    Step::Load(l) => format!("load {} as {}", l.source.name, l.output),
                    other => other.label(),
                })
                .collect();
            let needed = sources.clone();
            let run = move |_| {
                let Some(recipe) = state.shared.get_untracked() else { return };
                let loaded = state.datasets.get_untracked();
                let picked = chosen.get_untracked();
                let mut mapping = BTreeMap::new();
                for s in &needed {
                    let to = picked
                        .get(s)
                        .cloned()
                        .or_else(|| loaded.iter().find(|d| &d.id == s).map(|d| d.id.clone()))
                        .or_else(|| loaded.first().map(|d| d.id.clone()));
                    let Some(to) = to else {
                        state.notice.set(Some("Load a file first: the recipe runs on your data.".into()));
                        return;
                    };
                    mapping.insert(s.clone(), to);
                }
                match share::rebind(&recipe, &mapping, refit.get_untracked()) {
                    Ok(steps) => {
                        let n = steps.len();
                        for step in steps {
                            state.apply(step);
                        }
                        state.notice.set(Some(format!("The shared recipe ran {n} steps on your data; their outputs are in the dataset list.")));
                    }
                    Err(e) => state.notice.set(Some(format!("The shared recipe cannot run: {e}"))),
                }
            };
            view! {
                <section class="shared-recipe lesson" data-testid="shared-recipe">
                    <h3>"A shared recipe"</h3>
                    <p>
                        "This page was opened from a link with a " <Term id="recipe">"recipe"</Term> " of "
                        {recipe.steps.len()}
                        " steps. Load your file, choose it below, and run the same steps on it."
                    </p>
                    <ol data-testid="shared-steps">
                        {labels.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}
                    </ol>
                    {sources.into_iter().map(|s| {
                        let source = s.clone();
                        let testid = format!("shared-source-{s}");
                        let label = format!("Use for “{s}”: ");
                        view! {
                            <label>
                                {label}
                                <select data-testid=testid on:change=move |ev| {
                                    let v = event_target_value(&ev);
                                    chosen.update(|c| { c.insert(source.clone(), v); });
                                }>
                                    {move || state.datasets.get().into_iter().map(|d| {
                                        let selected = chosen.with(|c| c.get(&s).is_some_and(|x| x == &d.id));
                                        view! { <option value=d.id.clone() selected=selected>{d.id.clone()}</option> }
                                    }).collect_view()}
                                </select>
                            </label>
                        }
                    }).collect_view()}
                    <p>
                        <label>
                            <input type="checkbox" data-testid="shared-refit" prop:checked=refit
                                on:change=move |ev| refit.set(event_target_checked(&ev))/>
                            " Fit again on my data (imputation values, scaling parameters, categories); "
                            "unticked, the values fitted on the original data are applied as they are."
                        </label>
                    </p>
                    <button data-testid="shared-run" disabled=move || state.datasets.with(|d| d.is_empty()) on:click=run>
                        "Run the shared recipe"
                    </button>
                </section>
            }
        })}
    }
}

/// This page's address without its fragment.
fn page_address() -> String {
    let Some(w) = web_sys::window() else { return String::new() };
    let l = w.location();
    format!("{}{}", l.origin().unwrap_or_default(), l.pathname().unwrap_or_default())
}

/// The recipe in the page's address, if it came with one.
pub fn recipe_in_address() -> Option<Result<crate::core::recipe::Recipe, String>> {
    let hash = web_sys::window()?.location().hash().ok()?;
    hash.trim_start_matches('#')
        .starts_with(share::FRAGMENT_KEY)
        .then(|| share::from_fragment(&hash).map_err(|e| e.to_string()))
}

/// Puts text on the clipboard (`navigator.clipboard.writeText`), ignoring a refusal: the link
/// stays selectable in its box.
fn copy_text(text: &str) {
    use wasm_bindgen::JsCast;
    let Some(w) = web_sys::window() else { return };
    let navigator = js_sys::Reflect::get(&w, &"navigator".into()).ok();
    let clipboard = navigator.and_then(|n| js_sys::Reflect::get(&n, &"clipboard".into()).ok());
    let write = clipboard.as_ref().and_then(|c| js_sys::Reflect::get(c, &"writeText".into()).ok());
    if let (Some(c), Some(f)) = (clipboard, write.and_then(|f| f.dyn_into::<js_sys::Function>().ok())) {
        let _ = f.call1(&c, &text.into());
    }
}
