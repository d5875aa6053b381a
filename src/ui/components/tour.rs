//! The guided tour of a built-in example: one step at a time, the panel to open, what to do
//! there and what to notice. Keyboard-usable (plain buttons; Escape closes) and announced to
//! screen readers as it changes.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::ui::state::{AppState, StepId};

#[component]
pub fn Tour() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        let (example, i) = state.tour.get()?;
        let steps = example.tour();
        let i = i.min(steps.len() - 1);
        let step = steps[i];
        let target = StepId::from_slug(step.panel).unwrap_or(StepId::Load);
        let last = i + 1 == steps.len();
        let go = move |i: usize| state.tour.set(Some((example, i)));
        let close = move || state.tour.set(None);
        Some(view! {
            <section
                class="tour"
                role="region"
                aria-labelledby="tour-title"
                data-testid="tour"
                data-example=example.id()
                data-step=i + 1
                data-steps=steps.len()
                data-panel=step.panel
                on:keydown=move |ev: web_sys::KeyboardEvent| {
                    if ev.key() == "Escape" {
                        close();
                    }
                }
            >
                <h2 id="tour-title">"Guided tour: " {example.info().title}</h2>
                <div aria-live="polite" aria-atomic="true">
                    <p class="tour-count" data-testid="tour-count">{format!("Step {} of {}", i + 1, steps.len())}</p>
                    <p data-testid="tour-where">
                        <strong>
                            {if target == StepId::Load {
                                format!("In {} (this panel)", target.label())
                            } else {
                                format!("Open {}", target.label())
                            }}
                        </strong>
                    </p>
                    <p data-testid="tour-action">{step.action}</p>
                    <p class="tour-notice" data-testid="tour-notice">
                        <strong>"Notice: "</strong>
                        {step.notice}
                    </p>
                </div>
                <div class="tour-nav">
                    <button class="secondary" data-testid="tour-back" disabled=i == 0 on:click=move |_| go(i - 1)>
                        "Back"
                    </button>
                    <button
                        class="secondary"
                        data-testid="tour-go"
                        on:click=move |_| {
                            state.open_step(target);
                            show_panel(target);
                        }
                    >
                        {format!("Go to {}", target.label())}
                    </button>
                    {if last {
                        view! { <button data-testid="tour-finish" on:click=move |_| close()>"Finish"</button> }.into_any()
                    } else {
                        view! { <button data-testid="tour-next" on:click=move |_| go(i + 1)>"Next"</button> }.into_any()
                    }}
                    <button class="secondary" data-testid="tour-close" aria-label="Close the tour" on:click=move |_| close()>
                        "Close"
                    </button>
                </div>
            </section>
        })
    }
}

/// Scrolls to the panel of `step` and moves focus to its heading, once it is on the page.
fn show_panel(step: StepId) {
    let find = move || {
        let document = web_sys::window()?.document()?;
        let heading = document.query_selector(&format!("[data-testid=panel-{}] h2", step.slug())).ok()??;
        heading.set_attribute("tabindex", "-1").ok()?;
        heading.scroll_into_view();
        heading.dyn_into::<web_sys::HtmlElement>().ok()?.focus().ok()
    };
    // The panel is rendered by the step change; look for it after this event.
    let later = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = find();
    });
    if let Some(w) = web_sys::window() {
        let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(later.unchecked_ref(), 0);
    }
}
