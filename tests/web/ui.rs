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
