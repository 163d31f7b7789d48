//! The Turnstile challenge, shown when the edge asks for one before a new
//! visitor session (the account's info then names the site key and the
//! script). The script is loaded on the first need: visitors who only read
//! never load it. The DOM work is `turnstile.js`'s.

use crate::api::{ApiError, error};
use gazouillis_protocol::TurnstileSite;
use wasm_bindgen::prelude::*;
use web_sys::Node;

#[wasm_bindgen(module = "/src/turnstile.js")]
extern "C" {
    #[wasm_bindgen(catch, js_name = solveTurnstile)]
    async fn solve_in(parent: &Node, site_key: &str, script: &str) -> Result<JsValue, JsValue>;
}

/// Shows the challenge in `parent` until it is solved, and answers its token.
pub async fn solve(site: &TurnstileSite, parent: &Node) -> Result<String, ApiError> {
    let token = solve_in(parent, &site.site_key, &site.script).await;
    token.ok().and_then(|token| token.as_string()).ok_or_else(|| error("turnstile_failed"))
}
