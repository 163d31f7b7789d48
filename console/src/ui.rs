//! Pieces every page uses: lists read from the API (again on each live
//! change of the account), what failed, announced to screen readers, and a
//! secret shown once with a copy button.

use crate::api::ApiError;
use crate::console::Console;
use crate::i18n::{Phrases, Text};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::de::DeserializeOwned;

/// The answer to a GET of `path`, read again whenever `path` changes and on
/// every live change of the account.
pub fn watched<T: DeserializeOwned + 'static>(
    console: Console,
    path: impl Fn() -> String + 'static,
) -> LocalResource<Result<T, ApiError>> {
    LocalResource::new(move || {
        let path = path();
        console.changes.track();
        async move { console.get::<T>(&path).await }
    })
}

/// What went wrong with the last action, if anything.
#[component]
pub fn ErrorNote(console: Console, error: RwSignal<Option<ApiError>>) -> impl IntoView {
    view! { <p class="error" role="alert">{move || error.get().map(|e| console.lang.get().explain(&e))}</p> }
}

/// What failed to load.
pub fn failed(console: Console, error: &ApiError) -> AnyView {
    view! { <p class="error" role="alert">{console.lang.get().explain(error)}</p> }.into_any()
}

/// A list read from the API: nothing while it loads, what failed, `empty`
/// when it has no item, or the items drawn by `item` in `<ol class=class>`.
pub fn listing<T, V: IntoView + 'static>(
    console: Console,
    items: Option<Result<Vec<T>, ApiError>>,
    class: &'static str,
    empty: Text,
    item: impl Fn(T) -> V,
) -> Option<AnyView> {
    Some(match items? {
        Err(error) => failed(console, &error),
        Ok(items) if items.is_empty() => view! { <p class="empty">{console.t(empty)}</p> }.into_any(),
        Ok(items) => view! { <ol class=class>{items.into_iter().map(item).collect_view()}</ol> }.into_any(),
    })
}

/// A secret shown this once (a brand token, a webhook's signing secret):
/// `note` says so, and a button copies it.
#[component]
pub fn ShownOnce(console: Console, note: Text, id: &'static str, label: Signal<String>, secret: String) -> impl IntoView {
    let t = move |text| console.t(text);
    let copied = RwSignal::new(false);
    let value = secret.clone();
    let copy = move |_| {
        let clipboard = window().navigator().clipboard();
        let secret = secret.clone();
        spawn_local(async move {
            copied.set(wasm_bindgen_futures::JsFuture::from(clipboard.write_text(&secret)).await.is_ok());
        });
    };
    view! {
        <div class="issued" role="status">
            <p>{move || t(note)}</p>
            <label for=id>{label}</label>
            <input id=id readonly prop:value=value/>
            <button class="copy" on:click=copy>{move || t(if copied.get() { Text::Copied } else { Text::Copy })}</button>
        </div>
    }
}
