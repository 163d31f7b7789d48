//! The bells: a visitor asks to be notified off the page, of the account's
//! new posts (beside the follower count, once they follow) or of the brand's
//! answer (under the reply they sent). The views hold the bells, each a
//! `.gz-bell` button, marked `on` while it is offered: only where the edge
//! sends Web Push, the page hosts a service worker (its `push-worker`
//! attribute) and the browser has `PushManager` (`Widget::push`). What a press
//! does is JavaScript (`bell.js`, then the edge's `/widget/push.js`, fetched
//! on the press): the widget's wasm carries none of it.

use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;

#[wasm_bindgen(module = "/src/bell.js")]
extern "C" {
    /// Whether the page and the browser can receive Web Push; if so, answers
    /// the presses of `host`'s bells, as the visitor of session
    /// `session_key` (in localStorage) on the API `api`.
    #[wasm_bindgen(js_name = offerPush)]
    pub fn offer(host: &HtmlElement, api: &str, session_key: &str) -> bool;
}

/// A bell's classes: `on` shows it.
pub fn bell_class(on: bool) -> &'static str {
    if on { "gz-bell on" } else { "gz-bell" }
}
