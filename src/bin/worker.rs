//! The Strata Web Worker: holds the datasets and does the heavy work. Only meaningful on wasm32.

#[cfg(target_arch = "wasm32")]
fn main() {
    strata::worker::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the worker binary runs in a browser: build it with `trunk build` (see README)");
    std::process::exit(2);
}
