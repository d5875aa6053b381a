//! The in-app glossary: a modal dialog with every entry of `entries.rs`, opened from the header or
//! from a `<Term>` link in a panel's explanation. Opening moves the focus to the entry; Escape or
//! Close puts it back on the element it came from. Text only: nothing here reaches into the core,
//! so it adds a few kilobytes to the page and nothing to the worker.

pub mod entries;

use std::cell::RefCell;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlDialogElement, HtmlElement};

use entries::{anchor, entry, Entry, GROUPS};

/// The dialog's DOM id.
const DIALOG_ID: &str = "glossary";

thread_local! {
    /// The element that had the focus when the glossary opened, to return to on close.
    static OPENER: RefCell<Option<HtmlElement>> = const { RefCell::new(None) };
}

fn element<T: JsCast>(id: &str) -> Option<T> {
    web_sys::window()?.document()?.get_element_by_id(id)?.dyn_into::<T>().ok()
}

/// Opens the glossary (or, when it is open, moves within it) and focuses the entry `id`, or the
/// glossary's title when `id` is `None` or unknown.
pub fn open_glossary(id: Option<&str>) {
    let Some(dialog) = element::<HtmlDialogElement>(DIALOG_ID) else { return };
    if !dialog.open() {
        let active = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.active_element())
            .and_then(|e| e.dyn_into::<HtmlElement>().ok());
        OPENER.with(|o| *o.borrow_mut() = active);
        // Fails only if the dialog is already open or not in the document; nothing to do then.
        let _ = dialog.show_modal();
    }
    let target = id.filter(|id| entry(id).is_some()).map(anchor).unwrap_or_else(|| "glossary-title".into());
    if let Some(el) = element::<HtmlElement>(&target) {
        let _ = el.focus();
    }
}

/// Puts the focus back where it was before the glossary opened (called on the dialog's `close`,
/// which Escape, the Close button and `dialog.close()` all fire).
fn return_focus() {
    if let Some(el) = OPENER.with(|o| o.borrow_mut().take()).filter(|el| el.is_connected()) {
        let _ = el.focus();
    }
}

/// A glossary term in running text: a link that opens the glossary at entry `id`.
/// `<Term id="mnar">"MNAR"</Term>`
#[component]
pub fn Term(id: &'static str, children: Children) -> impl IntoView {
    debug_assert!(entry(id).is_some(), "no glossary entry {id}");
    let title = entry(id).map(|e| format!("Glossary: {}", e.term));
    view! {
        <a
            class="term"
            href=format!("#{}", anchor(id))
            data-term=id
            title=title
            on:click=move |ev| {
                // The address fragment is kept for shared recipes; the link only opens the dialog.
                ev.prevent_default();
                open_glossary(Some(id));
            }
        >
            {children()}
        </a>
    }
}

/// The header's button that opens the glossary at its start.
#[component]
pub fn GlossaryButton() -> impl IntoView {
    view! {
        <button class="secondary" data-testid="open-glossary" aria-haspopup="dialog" on:click=move |_| open_glossary(None)>
            "Glossary"
        </button>
    }
}

/// The glossary itself, closed until a term or the header button opens it.
#[component]
pub fn GlossaryDialog() -> impl IntoView {
    let close = move |_| {
        if let Some(d) = element::<HtmlDialogElement>(DIALOG_ID) {
            d.close();
        }
    };
    view! {
        <dialog id=DIALOG_ID class="glossary" data-testid="glossary" aria-labelledby="glossary-title" on:close=move |_| return_focus()>
            <div class="glossary-head">
                <h2 id="glossary-title" tabindex="-1">"Glossary"</h2>
                <button class="secondary" data-testid="glossary-close" on:click=close>"Close"</button>
            </div>
            <p class="explain">
                "The terms the panels use, in a few sentences each. Escape or Close takes you back to where you were."
            </p>
            <nav class="glossary-index" aria-label="Glossary topics">
                <ul>
                    {GROUPS
                        .iter()
                        .enumerate()
                        .map(|(i, (title, _))| {
                            let target = format!("glossary-group-{i}");
                            let href = format!("#{target}");
                            view! {
                                <li>
                                    <a
                                        href=href
                                        on:click=move |ev| {
                                            ev.prevent_default();
                                            if let Some(h) = element::<HtmlElement>(&target) {
                                                let _ = h.focus();
                                            }
                                        }
                                    >
                                        {*title}
                                    </a>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </nav>
            {GROUPS
                .iter()
                .enumerate()
                .map(|(i, (title, group))| {
                    let heading = format!("glossary-group-{i}");
                    let labelled_by = heading.clone();
                    view! {
                        <section class="glossary-group" aria-labelledby=labelled_by>
                            <h3 id=heading tabindex="-1">{*title}</h3>
                            {group.iter().map(|e| view! { <EntryView entry=*e/> }).collect_view()}
                        </section>
                    }
                })
                .collect_view()}
        </dialog>
    }
}

#[component]
fn EntryView(entry: Entry) -> impl IntoView {
    let heading = format!("{}-term", anchor(entry.id));
    let labelled_by = heading.clone();
    view! {
        <article
            id=anchor(entry.id)
            class="glossary-entry"
            data-entry=entry.id
            tabindex="-1"
            aria-labelledby=labelled_by
        >
            <h4 id=heading>{entry.term}</h4>
            <p>{entry.text}</p>
            {(!entry.see.is_empty())
                .then(|| {
                    view! {
                        <p class="see-also">
                            "See also: "
                            {entry
                                .see
                                .iter()
                                .enumerate()
                                .map(|(i, id)| {
                                    let name = entries::entry(id).map_or(*id, |e| e.term);
                                    view! {
                                        {(i > 0).then_some(", ")}
                                        <Term id=id>{name}</Term>
                                    }
                                })
                                .collect_view()}
                        </p>
                    }
                })}
        </article>
    }
}
