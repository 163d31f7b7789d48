//! What the widget keeps in the page's localStorage (the visitor's session,
//! the version of their last write), through `kept.js`: a few calls cost
//! less there than their bindings in the wasm. Where storage may not be
//! used, nothing is kept and nothing is read.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/kept.js")]
extern "C" {
    /// The value kept under `key`, if any.
    pub fn read(key: &str) -> Option<String>;
    /// Keeps `value` under `key`; `None` forgets it.
    pub fn keep(key: &str, value: Option<&str>);
}
