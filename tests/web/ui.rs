//! The page's shell rendered by Leptos in headless Chromium.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// Lets Leptos run its scheduled effects and re-renders.
async fn tick() {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window().unwrap().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 10).unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
}

#[wasm_bindgen_test]
async fn shell_has_rail_drop_zone_and_privacy_note() {
    let host = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&host).unwrap();
    let handle = leptos::mount::mount_to(host.clone().unchecked_into(), strata::ui::App);
    let steps: Vec<String> = {
        let list = host.query_selector_all(".rail-step").unwrap();
        (0..list.length()).map(|i| list.item(i).unwrap().text_content().unwrap()).collect()
    };
    assert_eq!(steps.len(), 7);
    assert!(
        steps[0].ends_with("Load") && steps[4].ends_with("Sample & Split") && steps[6].ends_with("Export"),
        "{steps:?}"
    );
    let input = host.query_selector("[data-testid=file-input]").unwrap().expect("a file input");
    assert_eq!(input.get_attribute("type").as_deref(), Some("file"));
    let label = host.query_selector("label[for=file-input]").unwrap().expect("the file input has a label");
    assert!(label.text_content().unwrap().contains("Choose a file"));
    let privacy = host.query_selector("[data-testid=privacy]").unwrap().unwrap();
    assert!(privacy.text_content().unwrap().contains("stays on this device"));
    // Clicking a step of the rail switches the panel.
    host.query_selector("[data-testid=rail-profile]")
        .unwrap()
        .unwrap()
        .unchecked_into::<web_sys::HtmlElement>()
        .click();
    tick().await;
    assert!(host.query_selector("[data-testid=panel-profile]").unwrap().is_some());
    drop(handle);
}

fn click(el: &web_sys::Element) {
    el.clone().unchecked_into::<web_sys::HtmlElement>().click();
}

fn active_id() -> String {
    document().active_element().map(|e| e.id()).unwrap_or_default()
}

#[wasm_bindgen_test]
async fn glossary_opens_at_a_term_and_gives_the_focus_back() {
    use strata::ui::glossary::entries;
    let host = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&host).unwrap();
    let handle = leptos::mount::mount_to(host.clone().unchecked_into(), strata::ui::App);
    tick().await;
    let dialog: web_sys::HtmlDialogElement =
        host.query_selector("dialog#glossary").unwrap().expect("a glossary").unchecked_into();
    assert!(!dialog.open());
    // Every entry is in the dialog under its anchor, with its term as the heading.
    let rendered = host.query_selector_all(".glossary-entry").unwrap().length() as usize;
    assert_eq!(rendered, entries::all().count());
    for e in entries::all() {
        let el = host.query_selector(&format!("#{}", entries::anchor(e.id))).unwrap().expect(e.id);
        assert_eq!(el.query_selector("h4").unwrap().unwrap().text_content().unwrap(), e.term);
    }
    // Every term link on the page (the Load panel's and the entries' "see also") resolves.
    let links = host.query_selector_all("a.term").unwrap();
    assert!(links.length() > entries::all().count() as u32, "{} links", links.length());
    for i in 0..links.length() {
        let a: web_sys::Element = links.item(i).unwrap().unchecked_into();
        let id = a.get_attribute("data-term").unwrap();
        assert!(entries::entry(&id).is_some(), "link to {id}");
        assert_eq!(a.get_attribute("href").unwrap(), format!("#{}", entries::anchor(&id)));
    }

    // The header button opens the glossary at its title.
    let button = host.query_selector("[data-testid=open-glossary]").unwrap().unwrap();
    button.clone().unchecked_into::<web_sys::HtmlElement>().focus().unwrap();
    click(&button);
    tick().await;
    assert!(dialog.open());
    assert_eq!(active_id(), "glossary-title");
    // A "see also" link inside moves to that entry; closing returns to the header button.
    click(&host.query_selector("#glossary-mnar a.term[data-term=mar]").unwrap().unwrap());
    tick().await;
    assert_eq!(active_id(), "glossary-mar");
    click(&host.query_selector("[data-testid=glossary-close]").unwrap().unwrap());
    tick().await;
    assert!(!dialog.open());
    assert_eq!(document().active_element().as_ref(), Some(&button));

    // A term in the Load panel's explanation opens the glossary at its entry, and the address
    // (which may carry a shared recipe) is left alone.
    let hash = web_sys::window().unwrap().location().hash().unwrap();
    let term =
        host.query_selector("[data-testid=panel-load] a.term[data-term=parquet]").unwrap().expect("a Parquet term");
    term.clone().unchecked_into::<web_sys::HtmlElement>().focus().unwrap();
    click(&term);
    tick().await;
    assert!(dialog.open());
    assert_eq!(active_id(), "glossary-parquet");
    assert_eq!(web_sys::window().unwrap().location().hash().unwrap(), hash);
    dialog.close();
    tick().await;
    assert_eq!(document().active_element().as_ref(), Some(&term));
    drop(handle);
}
