//! The brand console, served by the Worker at `/console/`: where a community
//! manager (a brand token) or the operator runs an account from one page.
//! Compose, the inbox of visitor replies, posts, moderation, settings (and,
//! for the operator, brand tokens and the SSO secret) and statistics, in
//! French or English.
//!
//! A Leptos client-side app over API v1 (`api.rs`), with no server-side part
//! of its own: it can do exactly what its token may do through the API. It
//! is not the widget: visitors never see it, and it has no size budget.
//! Everything a visitor wrote is shown as text nodes, never markup.

mod api;
mod compose;
mod console;
mod i18n;
mod inbox;
mod listening;
mod live;
mod moderation;
mod nav;
mod offers;
mod pictures;
mod posts;
mod settings;
mod sign_in;
mod stats;
mod tokens;
mod ui;
mod webhooks;

use crate::console::Console;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
    let console = Console::restore();
    leptos::mount::mount_to_body(move || view! { <nav::Shell console/> });
}
