//! Characters counted by the browser's `Intl.Segmenter` (grapheme
//! clusters): as the edge's `unicode-segmentation` counts them (see
//! `tests/tests/counting.rs`), without its tables in the wasm. The edge
//! stays the authority: it refuses what is too long.

#[cfg(target_arch = "wasm32")]
thread_local! {
    static SEGMENTER: js_sys::Intl::Segmenter = js_sys::Intl::Segmenter::new(&js_sys::Array::new(), &js_sys::Object::new());
}

/// The number of characters of `text`, as a person counts them.
#[cfg(target_arch = "wasm32")]
pub fn graphemes(text: &str) -> usize {
    SEGMENTER.with(|segmenter| js_sys::Array::from(&segmenter.segment(text)).length() as usize)
}

/// Natively (the widget's unit tests), the edge's count, which the browser's matches.
#[cfg(not(target_arch = "wasm32"))]
pub use gazouillis_protocol::char_count as graphemes;
