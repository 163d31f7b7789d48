//! Where a request stands, and how that shows: "Loading…", or what failed.

use crate::api::ApiError;
use crate::i18n::{Lang, Text};
use leptos::either::Either;
use leptos::prelude::*;

#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    Idle,
    Loading,
    Failed(ApiError),
}

// These views take signals rather than values so that each is built by one
// function for the whole widget, which keeps the wasm small.

/// "Loading…", or the error in plain words with a Retry button; nothing when idle.
pub fn progress(lang: Lang, status: RwSignal<Status>, retry: Callback<()>) -> impl IntoView {
    move || match status.get() {
        Status::Idle => None,
        Status::Loading => Some(Either::Left(view! { <p class="gz-loading">{lang.t(Text::Loading)}</p> })),
        Status::Failed(error) => Some(Either::Right(
            view! {
                <p class="gz-error" role="alert">
                    {lang.error(&error)}
                    " "
                    <button class="gz-retry" on:click=move |_| retry.run(())>{lang.t(Text::Retry)}</button>
                </p>
            },
        )),
    }
}

/// The error of a failed write, in plain words; the visitor tries again with the same button.
pub fn error_note(lang: Lang, status: RwSignal<Status>) -> impl IntoView {
    move || match status.get() {
        Status::Failed(error) => Some(view! { <p class="gz-error" role="alert">{lang.error(&error)}</p> }),
        _ => None,
    }
}
