//! Characters counted by the browser's `Intl.Segmenter` (grapheme
//! clusters): as the edge's `unicode-segmentation` counts them (see
//! `tests/tests/counting.rs`), without its tables in the wasm. The edge
//! stays the authority: it refuses what is too long.

use js_sys::Intl::Segmenter;
use js_sys::{Array, Object};

thread_local! {
    static SEGMENTER: Segmenter = Segmenter::new(&Array::new(), &Object::new());
}

/// The number of characters of `text`, as a person counts them.
pub fn graphemes(text: &str) -> usize {
    SEGMENTER.with(|segmenter| Array::from(&segmenter.segment(text)).length() as usize)
}
