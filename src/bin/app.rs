//! The Strata page (Leptos, client-side rendered). Only meaningful on wasm32.

#[cfg(target_arch = "wasm32")]
fn main() {
    strata::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the app binary runs in a browser: build it with `trunk build` (see README)");
    std::process::exit(2);
}
