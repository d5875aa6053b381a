//! The app shell: name and purpose, the step rail, the status and error areas, the panels.

use leptos::prelude::*;

use super::components::Tour;
use super::glossary::{GlossaryButton, GlossaryDialog};
use super::panels::{CleanPanel, ComparePanel, ExportPanel, LoadPanel, ProfilePanel, SamplePanel, ValidatePanel};
use super::state::{AppState, StepId};
use crate::view_model::progress_text;

#[component]
pub fn App() -> impl IntoView {
    let state = AppState::start();
    provide_context(state);
    view! {
        <header class="topbar">
            <div class="brand">
                <div class="brand-row">
                    <h1>"Strata"</h1>
                    <GlossaryButton/>
                </div>
                <p class="tagline">"Profile, validate, clean, sample and compare data — entirely in your browser."</p>
            </div>
            <p class="privacy" data-testid="privacy">
                <svg class="lock" aria-hidden="true" viewBox="0 0 16 16" width="14" height="14">
                    <path d="M4 7V5a4 4 0 0 1 8 0v2h1v8H3V7zm2 0h4V5a2 2 0 0 0-4 0z" fill="currentColor"></path>
                </svg>
                " "
                "Your data stays on this device: nothing is uploaded."
                // Shown by CSS once the service worker holds the app (boot.js sets the attribute).
                <span class="offline-ready" data-testid="offline-ready">" Works offline."</span>
            </p>
        </header>
        <div class="layout">
            <StepRail/>
            <main id="main" tabindex="-1">
                <StatusArea/>
                <ErrorArea/>
                <Tour/>
                {move || match state.step.get() {
                    StepId::Load => view! { <LoadPanel/> }.into_any(),
                    StepId::Profile => view! { <ProfilePanel/> }.into_any(),
                    StepId::Clean => view! { <CleanPanel/> }.into_any(),
                    StepId::Export => view! { <ExportPanel/> }.into_any(),
                    StepId::Compare => view! { <ComparePanel/> }.into_any(),
                    StepId::Sample => view! { <SamplePanel/> }.into_any(),
                    StepId::Validate => view! { <ValidatePanel/> }.into_any(),
                }}
                <Diagnostics/>
            </main>
        </div>
        <GlossaryDialog/>
    }
}

#[component]
fn StepRail() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <nav class="rail" aria-label="Steps">
            <ol>
                {StepId::ALL
                    .iter()
                    .enumerate()
                    .map(|(i, &step)| {
                        view! {
                            <li>
                                <button
                                    class="rail-step"
                                    class:active=move || state.step.get() == step
                                    aria-current=move || (state.step.get() == step).then_some("step")
                                    data-testid=format!("rail-{}", step.slug())
                                    on:click=move |_| state.open_step(step)
                                >
                                    <span class="rail-num">{i + 1}</span>
                                    {step.label()}
                                </button>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </nav>
    }
}

#[component]
fn StatusArea() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <section class="status" aria-live="polite" data-testid="status">
            {move || {
                state
                    .busy
                    .get()
                    .map(|b| {
                        let (value, max, text) = match b.progress {
                            Some(p) => (p.bytes_read as f64, p.bytes_total.max(1) as f64, progress_text(&p)),
                            None => (0.0, 1.0, "starting…".to_string()),
                        };
                        view! {
                            <div class="busy">
                                <label for="load-progress">{format!("Loading {}", b.file_name)}</label>
                                <progress id="load-progress" data-testid="progress" max=max value=value></progress>
                                <span class="progress-text" data-testid="progress-text">{text}</span>
                                <button class="secondary" data-testid="cancel" on:click=move |_| state.cancel()>
                                    "Cancel"
                                </button>
                            </div>
                        }
                    })
            }}
            {move || state.notice.get().map(|n| view! { <p class="notice" data-testid="notice">{n}</p> })}
            {move || {
                (!state.worker_ready.get() && state.busy.get().is_none())
                    .then(|| view! { <p class="notice">"Starting the worker…"</p> })
            }}
        </section>
    }
}

#[component]
fn ErrorArea() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        state.error.get().map(|e| {
            let location = e.error.location.as_ref().map(|l| l.to_string()).filter(|l| !l.is_empty());
            view! {
                <section class="error" role="alert" data-testid="error">
                    <h2>{e.title}</h2>
                    <p class="error-message" data-testid="error-message">{e.error.message}</p>
                    <p class="error-meta">
                        "Kind: " <code data-testid="error-kind">{e.error.kind}</code>
                        {location.map(|l| view! { " · Where: " <span data-testid="error-location">{l}</span> })}
                    </p>
                    <button class="secondary" on:click=move |_| state.error.set(None)>"Dismiss"</button>
                </section>
            }
        })
    }
}

/// Shows that a crash in the worker leaves the page usable: the worker is restarted.
#[component]
fn Diagnostics() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <details class="diagnostics">
            <summary>"Diagnostics"</summary>
            <p>
                "Heavy work runs in a Web Worker so the page never freezes. If the worker fails, the page "
                "reports it and starts a fresh one. Try it:"
            </p>
            <button class="secondary" data-testid="crash-worker" on:click=move |_| state.crash_worker()>
                "Crash the worker"
            </button>
        </details>
    }
}
