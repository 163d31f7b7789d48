//! Pieces every page uses: lists read from the API (again on each live
//! change of the account), and what failed, announced to screen readers.

use crate::api::ApiError;
use crate::console::Console;
use crate::i18n::Text;
use leptos::prelude::*;
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
    view! { <p class="error" role="alert">{move || error.get().map(|e| console.lang.get().error(&e))}</p> }
}

/// What failed to load.
pub fn failed(console: Console, error: &ApiError) -> AnyView {
    view! { <p class="error" role="alert">{console.lang.get().error(error)}</p> }.into_any()
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
